/*
 * fuzz_feed.c: libFuzzer target for the feed parser (feed.c and its
 * input stage, feed_input.c, and JSON Feed, feed_json.c).
 *
 * The first byte picks the HTTP charset, the second seeds the chunk
 * sizes; the rest is the document.  It is parsed twice, whole and in
 * chunks, and both parses must hand out the same items: the parser is
 * fed by the network, whose chunks are arbitrary.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct sum {
	uint64_t	s_hash;
	size_t		s_n;
};

static void
sum_str(struct sum *s, const char *p)
{
	if (p == NULL)
		p = "\x01";
	/* FNV-1a over the string and its NUL. */
	do {
		s->s_hash = (s->s_hash ^ (unsigned char)*p) *
		    0x100000001b3ULL;
	} while (*p++ != '\0');
}

static void
sum_item(void *arg, const struct feed_item *it)
{
	struct sum	*s = arg;
	size_t		 i;

	s->s_n++;
	sum_str(s, it->fi_id);
	sum_str(s, it->fi_title);
	sum_str(s, it->fi_link);
	sum_str(s, it->fi_author);
	sum_str(s, it->fi_summary);
	sum_str(s, it->fi_content);
	s->s_hash ^= (uint64_t)it->fi_published * 31 +
	    (uint64_t)it->fi_updated;
	for (i = 0; i < it->fi_ncategories; i++)
		sum_str(s, it->fi_categories[i]);
	/* What the daemon does with every item. */
	free(feed_item_key(it));
}

static int
parse(const uint8_t *doc, size_t len, const char *charset, unsigned seed,
    struct sum *s)
{
	struct feed_parser	*fp;
	char			 err[256];
	size_t			 off = 0, n;
	uint32_t		 x = seed * 2654435761u + 1;
	int			 rc;

	memset(s, 0, sizeof(*s));
	s->s_hash = 0xcbf29ce484222325ULL;
	fp = feed_parser_new("http://example.test/feed/", charset, sum_item, s);
	while (off < len) {
		if (seed == 0)
			n = len - off;
		else {
			/* xorshift32: chunks of 1 byte to 4 KiB */
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			n = 1 + (x >> 8) % (1u << (x % 13));
			if (n > len - off)
				n = len - off;
		}
		if (feed_parser_push(fp, (const char *)doc + off, n, err,
		    sizeof(err)) == -1)
			break;
		off += n;
	}
	rc = feed_parser_finish(fp, err, sizeof(err));
	if (rc == 0) {
		sum_str(s, feed_parser_meta(fp)->fm_title);
		sum_str(s, feed_parser_meta(fp)->fm_link);
	}
	if (feed_parser_nitems(fp) != s->s_n)
		abort();
	feed_parser_free(fp);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const charsets[] = { NULL, "utf-8", "iso-8859-1",
	    "windows-1251", "shift_jis", "utf-16", "x-bogus" };
	struct sum	 whole, chunked;
	const char	*cs;
	int		 r1, r2;

	if (size < 2)
		return 0;
	cs = charsets[data[0] % (sizeof(charsets) / sizeof(charsets[0]))];
	r1 = parse(data + 2, size - 2, cs, 0, &whole);
	r2 = parse(data + 2, size - 2, cs, data[1] | 1u, &chunked);
	if (r1 != r2 || whole.s_n != chunked.s_n ||
	    whole.s_hash != chunked.s_hash)
		abort();
	return 0;
}
