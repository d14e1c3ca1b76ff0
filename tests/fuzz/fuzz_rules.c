/*
 * fuzz_rules.c: libFuzzer target for the rule language (rules.c,
 * rules_match.c).  The input is up to three rules and a document, split
 * at NUL bytes: "RULE\0RULE\0RULE\0TEXT" (missing parts are empty).  Each
 * rule is compiled; a rejected one must say why.  Then the accepted rules
 * are matched against the text in every field, and every hit must hand
 * out words that are really in the text.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Rules longer than this are refused by the configuration anyway. */
#define FUZZ_RULE_MAX	4096

struct fuzz_hit {
	const char	*fh_text;
	size_t		 fh_len;
	unsigned	 fh_last;
	int		 fh_any;
};

static void
fuzz_hit_cb(void *arg, unsigned wl, const char *const *words, size_t n)
{
	struct fuzz_hit	*h = arg;
	size_t		 i;

	/* Increasing watchlist order (rules.h). */
	if (h->fh_any && wl <= h->fh_last)
		abort();
	h->fh_any = 1;
	h->fh_last = wl;
	for (i = 0; i < n; i++) {
		if (words[i] == NULL)
			abort();
		/* Touch every byte: ASan catches a dangling word. */
		if (strlen(words[i]) > h->fh_len * 4 + 16)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rules		*r;
	struct rules_doc	*doc;
	struct fuzz_hit		 h;
	const char		*p = (const char *)data, *end = p + size, *nul;
	char			*part[4] = { NULL, NULL, NULL, NULL };
	char			 err[256];
	size_t			 n, i, len[4] = { 0, 0, 0, 0 };
	unsigned		 added = 0;

	for (i = 0; i < 4; i++) {
		if (i < 3 && (nul = memchr(p, '\0', (size_t)(end - p))) != NULL)
			n = (size_t)(nul - p);
		else
			n = (size_t)(end - p);
		if (i < 3 && n > FUZZ_RULE_MAX)
			n = FUZZ_RULE_MAX;
		part[i] = malloc(n + 1);
		memcpy(part[i], p, n);
		part[i][n] = '\0';
		len[i] = n;
		p += n;
		if (p < end && i < 3)
			p++;	/* the NUL */
		if (i < 3 && nul == NULL)
			p = end;
	}

	r = rules_new();
	for (i = 0; i < 3; i++) {
		if (i > 0 && len[i] == 0)
			continue;
		err[0] = '\0';
		/* Rule i of watchlist i; the second one also as an exclude. */
		if (rules_add(r, (unsigned)i, RULES_MATCH, part[i], err,
		    sizeof(err)) == -1) {
			if (err[0] == '\0')
				abort();	/* a refusal says why */
		} else
			added++;
		if (i == 1)
			(void)rules_add(r, 0, RULES_EXCLUDE, part[i], err,
			    sizeof(err));
	}
	rules_finish(r);
	if (rules_count(r) < added)
		abort();

	doc = rules_doc_new();
	rules_doc_add(doc, RULES_TITLE, part[3], len[3]);
	rules_doc_add(doc, RULES_SUMMARY, part[3], len[3]);
	rules_doc_add(doc, RULES_AUTHOR, part[3], len[3] / 2);
	rules_doc_add(doc, RULES_CATEGORY, part[3] + len[3] / 2,
	    len[3] - len[3] / 2);
	memset(&h, 0, sizeof(h));
	h.fh_text = part[3];
	h.fh_len = len[3];
	(void)rules_match(r, doc, fuzz_hit_cb, &h);
	/* Again after a reset: the doc is reused for every item. */
	rules_doc_reset(doc);
	rules_doc_add(doc, RULES_TITLE, part[0], len[0]);
	memset(&h, 0, sizeof(h));
	h.fh_len = len[0];
	(void)rules_match(r, doc, fuzz_hit_cb, &h);
	rules_doc_free(doc);
	rules_free(r);
	for (i = 0; i < 4; i++)
		free(part[i]);
	return 0;
}
