/*
 * fuzz_entity.c: libFuzzer target for html_ref.c: one character reference
 * decoded, then the whole input sanitized as HTML and resolved against a
 * base, the paths every feed's summary and content take.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		 out[HTML_ENTITY_MAX], *s, *u;
	size_t		 n, i;

	/* A reference is at most a few dozen bytes: only a prefix counts. */
	n = html_entity_decode((const char *)data, size < 40 ? size : 40, out);
	if (n > HTML_ENTITY_MAX)
		abort();
	for (i = 0; i < n; i++)
		if (out[i] == '\0')
			abort();
	/* html_sanitize() wants a NUL after the text, as every caller has. */
	if ((u = malloc(size + 1)) == NULL)
		return 0;
	memcpy(u, data, size);
	u[size] = '\0';
	s = html_sanitize(u, size, "http://example.test/a/b");
	free(s);
	s = html_sanitize(u, size, NULL);
	free(s);
	free(u);
	/* html_resolve() takes a string: cut at the first NUL. */
	u = strndup((const char *)data, size);
	if (u != NULL) {
		s = html_resolve(u, "http://example.test/a/b?q#f");
		free(s);
		free(u);
	}
	return 0;
}
