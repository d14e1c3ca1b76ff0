/*
 * feed_util.c: the element table and the string helpers of the feed
 * parser (pure): URL resolution, attribute values, base64, and
 * feedparser's guess of whether a title is HTML.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "feed.h"
#include "feed_int.h"
#include "html.h"
#include "util.h"

/* Which element is which field; the first match wins. */
#define FM(ns, name, field, prio)	{ ns, name, sizeof(name) - 1, field, prio }
static const struct feed_map feed_map[] = {
	FM("*", "title", F_TITLE, 2),
	FM(NS_DC, "title", F_TITLE, 1),
	FM(NS_MEDIA, "title", F_TITLE, 0),
	FM("*", "link", F_LINK, 2),
	FM("*", "guid", F_ID, 2),
	FM("*", "id", F_ID, 2),
	FM("*", "description", F_SUMMARY, 2),
	FM("*", "summary", F_SUMMARY, 2),
	FM(NS_DC, "description", F_SUMMARY, 1),
	FM(NS_ITUNES, "summary", F_SUMMARY, 0),
	FM(NS_MEDIA, "description", F_SUMMARY, 0),
	FM("*", "abstract", F_SUMMARY, 1),
	FM(NS_CONTENT, "encoded", F_CONTENT, 2),
	FM("*", "content", F_CONTENT, 2),
	FM(NS_XHTML, "body", F_CONTENT, 1),
	FM("*", "body", F_CONTENT, 1),
	FM("*", "fullitem", F_CONTENT, 1),
	FM("*", "pubDate", F_PUBLISHED, 2),
	FM("*", "published", F_PUBLISHED, 2),
	FM("*", "issued", F_PUBLISHED, 2),
	FM(NS_DCTERMS, "issued", F_PUBLISHED, 1),
	FM("*", "updated", F_UPDATED, 2),
	FM("*", "modified", F_UPDATED, 2),
	FM(NS_DC, "date", F_UPDATED, 1),
	FM(NS_DCTERMS, "modified", F_UPDATED, 1),
	FM("*", "author", F_AUTHOR, 2),
	FM(NS_DC, "creator", F_AUTHOR, 1),
	FM(NS_DC, "author", F_AUTHOR, 1),
	FM(NS_ITUNES, "author", F_AUTHOR, 0),
	FM("*", "category", F_CATEGORY, 1),
	FM(NS_DC, "subject", F_CATEGORY, 1),
	FM("*", "ttl", F_TTL, 1),
	FM(NS_SY, "updatePeriod", F_SYPERIOD, 1),
	FM(NS_SY, "updateFrequency", F_SYFREQ, 1),
};
#undef FM
/* feed_map_bylen() has a bit per entry and a slot per name length. */
_Static_assert(sizeof(feed_map) / sizeof(feed_map[0]) <= 64, "feed_map");

/* Only whitespace so far? */
int
feed_blank(const struct sbuf *sb)
{
	size_t	i;

	for (i = 0; i < sb->sb_len; i++)
		if (!isspace((unsigned char)sb->sb_buf[i]))
			return 0;
	return 1;
}

/* Trims surrounding whitespace in place; len is strlen(s). */
char *
feed_trimn(char *s, size_t len)
{
	size_t	n = len;
	char	*p = s;

	while (n > 0 && isspace((unsigned char)*p)) {
		p++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)p[n - 1]))
		n--;
	if (p != s)
		memmove(s, p, n);
	s[n] = '\0';
	return s;
}

char *
feed_trim(char *s)
{
	return feed_trimn(s, strlen(s));
}

int
feed_core_ns(const char *ns)
{
	return ns == NULL || strcmp(ns, NS_ATOM10) == 0 ||
	    strcmp(ns, NS_ATOM03) == 0 || strcmp(ns, NS_RSS10) == 0 ||
	    strcmp(ns, NS_RSS090) == 0;
}

/*
 * ASCII letters equal without regard to case, len bytes; in line, for
 * strcasecmp() follows the locale and cost more than the rest of the
 * lookup.
 */
static int
feed_eq_ascii(const char *a, const char *b, size_t len)
{
	size_t	i;

	/* The first letter rules out most; then the case the table has. */
	if (len == 0 || ((a[0] ^ b[0]) & ~0x20) != 0)
		return len == 0;
	if (memcmp(a, b, len) == 0)
		return 1;
	for (i = 0; i < len; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];

		if (x >= 'A' && x <= 'Z')
			x |= 0x20;
		if (y >= 'A' && y <= 'Z')
			y |= 0x20;
		if (x != y)
			return 0;
	}
	return 1;
}

/*
 * The table's entries by the length of their name, one bit each in table
 * order, so that a lookup (one for every child of an item) compares only
 * names that can match.
 */
#define FEED_MAP_N	(sizeof(feed_map) / sizeof(feed_map[0]))
#define FEED_MAP_LEN	16

static uint64_t
feed_map_bylen(size_t len)
{
	static uint64_t	bylen[FEED_MAP_LEN];
	static int	ready;
	size_t		i;

	if (!ready) {
		/* Idempotent: the same bits whoever computes them. */
		for (i = 0; i < FEED_MAP_N; i++)
			bylen[feed_map[i].fm_len] |= 1ULL << i;
		ready = 1;
	}
	return len < FEED_MAP_LEN ? bylen[len] : 0;
}

const struct feed_map *
feed_lookup(const char *ns, const char *name)
{
	uint64_t	m = feed_map_bylen(strlen(name));
	size_t		i;

	/* feedparser reads names and namespaces without regard to case. */
	for (; m != 0; m &= m - 1) {
		i = (size_t)__builtin_ctzll(m);
		if (!feed_eq_ascii(feed_map[i].fm_name, name, feed_map[i].fm_len))
			continue;
		if (strcmp(feed_map[i].fm_ns, "*") == 0 ? feed_core_ns(ns) :
		    (ns != NULL && strcasecmp(feed_map[i].fm_ns, ns) == 0))
			return &feed_map[i];
	}
	return NULL;
}

/*
 * Copies an attribute value, decoding its references, XML's and HTML's
 * (the tokenizer, feed_xml.c, leaves them all).
 */
char *
feed_attr_copy(const char *s, size_t len)
{
	struct sbuf	 sb;
	char		 buf[HTML_ENTITY_MAX];
	const char	*semi;
	size_t		 i, n;

	sbuf_init(&sb);
	for (i = 0; i < len; i++) {
		if (s[i] == '&' && (semi = memchr(s + i, ';', len - i)) != NULL &&
		    semi - (s + i) <= 33 && (n = html_entity_decode(s + i + 1,
		    (size_t)(semi - (s + i) - 1), buf)) > 0) {
			sbuf_add(&sb, buf, n);
			i = (size_t)(semi - s);
		} else
			sbuf_addc(&sb, s[i]);
	}
	/* The buffer is handed over as is (sbuf_detach() would allocate). */
	return sb.sb_buf;
}

/* The value of attribute name (in namespace ns, or none) or NULL; to free. */
char *
feed_attr(int nattr, const char **attrs, const char *ns, const char *name)
{
	int	i;

	for (i = 0; i < nattr; i++) {
		const char	**a = attrs + i * 5;

		if (strcmp(a[0], name) != 0)
			continue;
		if (ns == NULL ? a[2] != NULL :
		    (a[2] == NULL || strcmp(a[2], ns) != 0))
			continue;
		return feed_attr_copy(a[3], (size_t)(a[4] - a[3]));
	}
	return NULL;
}

size_t
feed_base64(char *s)
{
	static const char	 b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const char		*p;
	char			*o = s;
	unsigned		 acc = 0;
	int			 bits = 0;

	for (p = s; *p != '\0'; p++) {
		const char *c;

		if (*p == '=')
			break;
		if ((c = strchr(b64, *p)) == NULL || *p == '\0')
			continue;
		acc = (acc << 6) | (unsigned)(c - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			*o++ = (char)((acc >> bits) & 0xff);
		}
	}
	*o = '\0';
	return (size_t)(o - s);
}

/*
 * feedparser's lookslikehtml(): an RSS title is plain text unless it has
 * an end tag or a reference and only harmless tags.
 */
int
feed_looks_html(const char *s)
{
	const char	*p;
	int		 any = 0;

	/* Most titles have neither an end tag nor a reference. */
	if ((p = strpbrk(s, "<&")) == NULL)
		return 0;
	for (; *p != '\0'; p++) {
		if (p[0] == '<' && p[1] == '/' && isalnum((unsigned char)p[2]))
			any = 1;
		if (p[0] == '&' && (p[1] == '#' || isalnum((unsigned char)p[1]))) {
			const char *q = p + 1 + (p[1] == '#');

			char		 buf[HTML_ENTITY_MAX];

			while (isalnum((unsigned char)*q) || *q == '_')
				q++;
			if (*q != ';')
				continue;
			/* An entity HTML does not know: not HTML, then. */
			if (p[1] != '#' && html_entity_decode(p + 1,
			    (size_t)(q - p - 1), buf) == 0)
				return 0;
			any = 1;
		}
	}
	if (!any)
		return 0;
	for (p = s; (p = strchr(p, '<')) != NULL; p++) {
		const char	*q = p + 1 + (p[1] == '/');
		char		 tag[16], *t, *san;
		size_t		 n = 0;

		while ((isalnum((unsigned char)*q) || *q == '_') && n < 15)
			tag[n++] = (char)tolower((unsigned char)*q++);
		tag[n] = '\0';
		if (n == 0)
			continue;
		/* The sanitizer keeps exactly the harmless ones. */
		t = xasprintf("<%s>", tag);
		san = html_sanitize(t, strlen(t), NULL);
		free(t);
		n = strlen(san);
		free(san);
		if (n == 0)
			return 0;
	}
	return 1;
}

char *
feed_item_key(const struct feed_item *it)
{
	/* FNV-1a, 64 bits: stable across builds and machines. */
	uint64_t	 h = 0xcbf29ce484222325ULL;
	const char	*parts[2];
	size_t		 i;

	if (it->fi_id != NULL && *it->fi_id != '\0')
		return xstrdup(it->fi_id);
	if (it->fi_link != NULL && *it->fi_link != '\0')
		return xstrdup(it->fi_link);
	parts[0] = it->fi_title != NULL ? it->fi_title : "";
	parts[1] = it->fi_summary != NULL ? it->fi_summary : "";
	for (i = 0; i < 2; i++) {
		const unsigned char	*p = (const unsigned char *)parts[i];

		/* Each part with its NUL: "a" + "bc" is not "ab" + "c". */
		do {
			h ^= *p;
			h *= 0x100000001b3ULL;
		} while (*p++ != '\0');
	}
	return xasprintf("h:%016llx", (unsigned long long)h);
}

/*
 * C1 controls in text are windows-1252 read as Latin-1 somewhere on the
 * way: U+0092 was meant as U+2019 (feedparser does the same).
 */
void
feed_demoronize(struct sbuf *text)
{
	struct sbuf	 sb;
	const char	*s = text->sb_buf;
	char		 ref[8], out[HTML_ENTITY_MAX];
	size_t		 i, len = text->sb_len;

	if (memchr(s, 0xc2, len) == NULL)
		return;
	sbuf_init(&sb);
	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] == 0xc2 && i + 1 < len &&
		    (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f) {
			snprintf(ref, sizeof(ref), "#%u", (unsigned char)s[i + 1]);
			sbuf_add(&sb, out, html_entity_decode(ref, strlen(ref),
			    out));
			i++;
		} else
			sbuf_addc(&sb, s[i]);
	}
	sbuf_free(text);
	*text = sb;
}

static inline uint64_t
feed_load64(const unsigned char *p)
{
	uint64_t	w;

	memcpy(&w, p, sizeof(w));
	return w;
}

#ifdef __SSE2__
/* The bytes of s[0..16) that are C2 or C3, as 0xff. */
static inline __m128i
feed_latin1_mask(const char *s)
{
	__m128i	v = _mm_loadu_si128((const __m128i *)(const void *)s);

	return _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8((char)0xfe)),
	    _mm_set1_epi8((char)0xc2));
}
#endif

/*
 * Has s a byte C2 or C3, the lead of U+0080-U+00FF?  Only such text can
 * be doubly encoded or hold C1 controls; most text has none, and this
 * is asked of every field: 64 bytes a test, and the last bytes read as
 * the last 16 again rather than one at a time (fields are short).
 */
int
feed_has_latin1(const char *s, size_t n)
{
	size_t	i = 0;
#ifdef __SSE2__
	for (; i + 64 <= n; i += 64)
		if (_mm_movemask_epi8(_mm_or_si128(
		    _mm_or_si128(feed_latin1_mask(s + i),
		    feed_latin1_mask(s + i + 16)),
		    _mm_or_si128(feed_latin1_mask(s + i + 32),
		    feed_latin1_mask(s + i + 48)))))
			return 1;
	for (; i + 16 <= n; i += 16)
		if (_mm_movemask_epi8(feed_latin1_mask(s + i)))
			return 1;
	if (i > 0 && i < n)
		return _mm_movemask_epi8(feed_latin1_mask(s + n - 16)) != 0;
#endif
	for (; i < n; i++)
		if (((unsigned char)s[i] & 0xfe) == 0xc2)
			return 1;
	return 0;
}

/*
 * UTF-8 read as Latin-1 somewhere and encoded again ("\xc3\xa2\xc2\x80\xc2\xa6"
 * for U+2026): when every character is below U+0100 and their bytes are
 * UTF-8 again, those bytes are what was meant.  feedparser does the same
 * for UTF-8 documents.  Returns 1 if the text was mended.
 */
int
feed_undouble(struct sbuf *text)
{
	unsigned char	*s = (unsigned char *)text->sb_buf, *b;
	size_t		 i, o, n = text->sb_len;
	int		 high = 0;

	/* Most text has neither (memchr() is fast): nothing to mend. */
	if (memchr(s, 0xc3, n) == NULL && memchr(s, 0xc2, n) == NULL)
		return 0;
	for (i = 0; i < n; i++) {
		/* ASCII, most of the text: 8 bytes at a time. */
		while (i + 8 <= n && !(feed_load64(s + i) & 0x8080808080808080ULL))
			i += 8;
		if (i >= n)
			break;
		if (s[i] < 0x80)
			continue;
		/* U+0080-U+00FF only: C2 or C3 and a continuation byte. */
		if ((s[i] != 0xc2 && s[i] != 0xc3) || i + 1 >= n ||
		    (s[i + 1] & 0xc0) != 0x80)
			return 0;
		i++;
		high = 1;
	}
	if (!high)
		return 0;
	/* Checked first on a copy: most Latin-1 text is not UTF-8. */
	b = xmalloc(n);
	for (i = o = 0; i < n; i++, o++) {
		if (s[i] < 0x80)
			b[o] = s[i];
		else {
			b[o] = (unsigned char)(((s[i] & 0x1f) << 6) |
			    (s[i + 1] & 0x3f));
			i++;
		}
	}
	if (!feed_utf8_valid(b, o, 1)) {
		free(b);
		return 0;
	}
	memcpy(s, b, o);
	free(b);
	text->sb_len = o;
	s[o] = '\0';
	return 1;
}
