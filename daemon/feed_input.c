/*
 * feed_input.c: the bytes a server sent -> well-formed UTF-8 for the
 * tokenizer, feed_xml.c (pure).
 *
 * Real feeds carry bare '&'s, stray control bytes, Latin-1 in a UTF-8
 * document and PHP warnings before the XML declaration.  An XML parser
 * stops at the first of them (libxml2, which this stage was first built
 * for, does; XML_PARSE_RECOVER drops text), so the bytes are mended
 * before any parser sees them, still streaming, in two stages that each
 * keep a few bytes back between chunks; the tokenizer can then stay
 * strict and small:
 *
 *   decode  the encoding chosen BOM > XML declaration > HTTP charset >
 *           UTF-8, converted to UTF-8; a byte that is not valid there
 *           becomes U+FFFD, so no item is ever lost to it.
 *   repair  (feed_repair.c) a bare '&' or '<' is escaped, "&#X41;"
 *           lower-cased, a reference to a character XML forbids becomes
 *           U+FFFD, C0 controls are dropped, and so are comments,
 *           processing instructions and anything before the root element.
 *
 * The tokenizer is then always handed UTF-8 (the XML declaration is
 * among what is dropped).  A document whose first byte is '{' is a JSON
 * Feed and only decoded.  Pushing the same bytes in any chunks gives the
 * same output.
 */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "feed_int.h"
#include "feed_repair.h"
#include "util.h"

/*
 * A document read as UTF-8 for want of a BOM (its label or the default)
 * is checked this far ahead before anything is decoded: a byte that is
 * not UTF-8 in there means the label lies, and the whole document is
 * read as windows-1252 (or ISO-8859-2 where windows-1252 has holes), as
 * feedparser does.  Past it, or after a BOM, a bad byte is U+FFFD.
 */
#ifndef FEED_LOOKAHEAD
/*
 * The fuzz build makes it small (Makefile), so that inputs of a few KiB
 * reach the stage where each push is repaired as it comes.
 */
#define FEED_LOOKAHEAD	(64 * 1024)
#endif

/* Enough for what feed_repair.c waits for to be decided (a tag's name). */
#define FEED_STEP	256

enum fin_enc { ENC_UTF8, ENC_CP1252, ENC_ICONV };

struct feed_input {
	char		*fi_charset;	/* HTTP charset or NULL */
	int		 fi_decided;
	struct sbuf	 fi_head;	/* bytes held until decided */
	enum fin_enc	 fi_enc;
	int		 fi_utf8;	/* UTF-8 by label or default, and so it is */
	iconv_t		 fi_cd;
	size_t		 fi_unit;	/* code unit size for iconv: 1, 2 or 4 */
	unsigned char	 fi_raw[8];	/* a sequence cut by the chunk end */
	size_t		 fi_nraw;
	struct sbuf	 fi_work;	/* decoded, not yet repaired */
	struct feed_rep	 fi_rep;	/* feed_repair.c */
};

/* windows-1252 0x80-0x9f; its five holes are kept as C1 controls. */
static const uint16_t feed_cp1252[32] = {
	0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
	0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
};

static const char feed_fffd[] = "\xef\xbf\xbd";

static void
feed_utf8_add(struct sbuf *out, uint32_t cp)
{
	char	b[4];

	if (cp < 0x80) {
		sbuf_addc(out, (char)cp);
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		sbuf_add(out, b, 2);
	} else {
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		sbuf_add(out, b, 3);
	}
}

/*
 * The length of the UTF-8 sequence at p (RFC 3629 table 3.7: no
 * overlongs, no surrogates); 0 when it is not one, with *bad the bytes
 * that began it well (Unicode's "maximal subpart", replaced by one
 * U+FFFD); -1 when n ends inside it.
 */
static int
feed_utf8_len(const unsigned char *p, size_t n, size_t *bad)
{
	unsigned char	c = p[0], lo = 0x80, hi = 0xbf;
	int		len, i;

	*bad = 1;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	for (i = 1; i < len; i++) {
		*bad = (size_t)i;
		if ((size_t)i >= n)
			return -1;
		if (p[i] < (i == 1 ? lo : 0x80) || p[i] > (i == 1 ? hi : 0xbf))
			return 0;
	}
	return len;
}

/* Is all of b UTF-8 (a sequence cut at the end is, unless final)? */
int
feed_utf8_valid(const unsigned char *b, size_t n, int final)
{
	size_t	i = 0, bad;
	int	l;

	while (i < n) {
		if (b[i] < 0x80) {
			i++;
			continue;
		}
		if ((l = feed_utf8_len(b + i, n - i, &bad)) > 0)
			i += (size_t)l;
		else
			return l < 0 && !final;
	}
	return 1;
}

#ifdef __SSE2__
static inline __m128i
feed_load16(const unsigned char *p)
{
	return _mm_loadu_si128((const __m128i *)(const void *)p);
}
#endif

/* How many of the n bytes at s are UTF-8 before anything that is not. */
static size_t
feed_utf8_span(const unsigned char *s, size_t n)
{
	size_t		 i = 0, bad;
	uint64_t	 w;
	int		 l;

	while (i < n) {
		if (s[i] < 0x80) {
			/* ASCII, most of a feed: 64, 16 or 8 bytes at a time. */
#ifdef __SSE2__
			while (i + 64 <= n && _mm_movemask_epi8(_mm_or_si128(
			    _mm_or_si128(feed_load16(s + i), feed_load16(s + i + 16)),
			    _mm_or_si128(feed_load16(s + i + 32),
			    feed_load16(s + i + 48)))) == 0)
				i += 64;
			while (i + 16 <= n &&
			    _mm_movemask_epi8(feed_load16(s + i)) == 0)
				i += 16;
#endif
			while (i + 8 <= n) {
				memcpy(&w, s + i, 8);
				if (w & 0x8080808080808080ULL)
					break;
				i += 8;
			}
			while (i < n && s[i] < 0x80)
				i++;
			continue;
		}
		if ((l = feed_utf8_len(s + i, n - i, &bad)) <= 0)
			break;
		i += (size_t)l;
	}
	return i;
}

/* UTF-8 in, UTF-8 out with every bad sequence as U+FFFD; returns bytes used. */
static size_t
feed_decode_utf8(const unsigned char *s, size_t n, int final,
    struct sbuf *out)
{
	size_t		 i = 0, start = 0, bad;
	int		 l;

	while (i < n) {
		if ((i += feed_utf8_span(s + i, n - i)) >= n)
			break;
		l = feed_utf8_len(s + i, n - i, &bad);
		sbuf_add(out, (const char *)s + start, i - start);
		if (l < 0 && !final)
			return i;
		sbuf_add(out, feed_fffd, 3);
		i += bad;
		start = i;
	}
	sbuf_add(out, (const char *)s + start, i - start);
	return i;
}

static size_t
feed_decode_cp1252(const unsigned char *s, size_t n, struct sbuf *out)
{
	size_t	i, start = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < 0x80)
			continue;
		sbuf_add(out, (const char *)s + start, i - start);
		feed_utf8_add(out, s[i] < 0xa0 ? feed_cp1252[s[i] - 0x80] :
		    s[i]);
		start = i + 1;
	}
	sbuf_add(out, (const char *)s + start, n - start);
	return n;
}

static size_t
feed_decode_iconv(struct feed_input *fi, const unsigned char *s, size_t n,
    int final, struct sbuf *out)
{
	char	 buf[4096], *in = (char *)(uintptr_t)s, *o;
	size_t	 inleft = n, oleft;

	while (inleft > 0) {
		o = buf;
		oleft = sizeof(buf);
		if (iconv(fi->fi_cd, &in, &inleft, &o, &oleft) != (size_t)-1 ||
		    errno == E2BIG) {
			sbuf_add(out, buf, (size_t)(o - buf));
			continue;
		}
		sbuf_add(out, buf, (size_t)(o - buf));
		if (errno == EINVAL && !final && inleft < sizeof(fi->fi_raw))
			break;
		/* A bad or cut sequence: one code unit goes, U+FFFD comes. */
		sbuf_add(out, feed_fffd, 3);
		if (inleft < fi->fi_unit)
			inleft = 0;
		else {
			in += fi->fi_unit;
			inleft -= fi->fi_unit;
		}
		iconv(fi->fi_cd, NULL, NULL, NULL, NULL);
	}
	if (final) {
		o = buf;
		oleft = sizeof(buf);
		iconv(fi->fi_cd, NULL, NULL, &o, &oleft);
		sbuf_add(out, buf, (size_t)(o - buf));
	}
	return n - inleft;
}

/* Decodes n bytes onto fi_work; a cut sequence waits in fi_raw. */
static void
feed_decode(struct feed_input *fi, const unsigned char *s, size_t n,
    int final)
{
	unsigned char	*tmp = NULL;
	size_t		 used;

	if (fi->fi_nraw > 0) {
		tmp = xmalloc(fi->fi_nraw + n + 1);
		memcpy(tmp, fi->fi_raw, fi->fi_nraw);
		if (n > 0)
			memcpy(tmp + fi->fi_nraw, s, n);
		s = tmp;
		n += fi->fi_nraw;
		fi->fi_nraw = 0;
	}
	switch (fi->fi_enc) {
	case ENC_CP1252:
		used = feed_decode_cp1252(s, n, &fi->fi_work);
		break;
	case ENC_ICONV:
		used = feed_decode_iconv(fi, s, n, final, &fi->fi_work);
		break;
	default:
		used = feed_decode_utf8(s, n, final, &fi->fi_work);
		break;
	}
	/* Both decoders keep back less than a code point (< fi_raw). */
	fi->fi_nraw = n - used;
	if (fi->fi_nraw > 0)
		memcpy(fi->fi_raw, s + used, fi->fi_nraw);
	free(tmp);
}

/*
 * The value of encoding="…" in an XML declaration at the head of b, or
 * NULL; copied to buf.
 */
static const char *
feed_decl_encoding(const char *b, size_t n, char *buf, size_t len)
{
	const char	*end, *e, *q;

	while (n > 0 && (*b == ' ' || *b == '\t' || *b == '\r' || *b == '\n')) {
		b++;
		n--;
	}
	if (n < 5 || memcmp(b, "<?xml", 5) != 0)
		return NULL;
	if ((end = memmem(b, n, "?>", 2)) == NULL)
		end = b + n;
	if ((e = memmem(b, (size_t)(end - b), "encoding", 8)) == NULL)
		return NULL;
	for (e += 8; e < end && (*e == ' ' || *e == '=' || *e == '\t'); e++)
		;
	if (e >= end || (*e != '"' && *e != '\''))
		return NULL;
	if ((q = memchr(e + 1, *e, (size_t)(end - e - 1))) == NULL ||
	    (size_t)(q - e) >= len || q == e + 1)
		return NULL;
	memcpy(buf, e + 1, (size_t)(q - e - 1));
	buf[q - e - 1] = '\0';
	return buf;
}

/*
 * WHATWG Encoding: the Latin-1 and ASCII labels mean windows-1252, whose
 * 0x80-0x9f are the curly quotes and dashes publishers meant.
 */
static int
feed_label_cp1252(const char *enc)
{
	static const char *const labels[] = { "iso-8859-1", "iso8859-1",
	    "iso_8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii",
	    "cp1252", "windows-1252", "iso-8859-15", "iso8859-15",
	    "x-cp1252", "cp819", "ibm819", "iso-ir-100" };
	size_t	i;

	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (strcasecmp(enc, labels[i]) == 0)
			return 1;
	return 0;
}

static int
feed_label_utf8(const char *enc)
{
	return strcasecmp(enc, "utf-8") == 0 || strcasecmp(enc, "utf8") == 0 ||
	    strcasecmp(enc, "unicode-1-1-utf-8") == 0;
}

/* A UTF-16/32 label on bytes that are plainly not: ignored. */
static int
feed_label_wide(const char *enc)
{
	return strncasecmp(enc, "utf-16", 6) == 0 ||
	    strncasecmp(enc, "utf16", 5) == 0 ||
	    strncasecmp(enc, "utf-32", 6) == 0 ||
	    strncasecmp(enc, "ucs-", 4) == 0 ||
	    strcasecmp(enc, "unicode") == 0;
}

/* Takes enc if iconv knows it; returns -1 if not. */
static int
feed_use_iconv(struct feed_input *fi, const char *enc, size_t unit)
{
	iconv_t	cd;

	if ((cd = iconv_open("UTF-8", enc)) == (iconv_t)-1)
		return -1;
	fi->fi_enc = ENC_ICONV;
	fi->fi_cd = cd;
	fi->fi_unit = unit;
	return 0;
}

/* The encoding from what the label says; UTF-8 when unknown. */
static void
feed_use_label(struct feed_input *fi, const char *enc)
{
	fi->fi_enc = ENC_UTF8;
	fi->fi_utf8 = 1;
	if (enc == NULL || feed_label_utf8(enc))
		return;
	fi->fi_utf8 = 0;
	if (feed_label_cp1252(enc))
		fi->fi_enc = ENC_CP1252;
	else if (feed_use_iconv(fi, enc, 1) == -1)
		/* An unknown label: UTF-8 is the better guess. */
		fi->fi_utf8 = 1;
}

/* Chooses the encoding from the held bytes; returns how many are a BOM. */
static size_t
feed_decide(struct feed_input *fi, int final)
{
	const unsigned char	*b = (const unsigned char *)fi->fi_head.sb_buf;
	size_t			 n = fi->fi_head.sb_len, skip = 0, i, look;
	const char		*wide = NULL, *enc;
	char			 decl[64];
	int			 bom = 0;

	/*
	 * What is decided reads the first FEED_LOOKAHEAD bytes only, however
	 * many came in the first pushes: it must not depend on how the
	 * network cut the body.
	 */
	look = n > FEED_LOOKAHEAD ? FEED_LOOKAHEAD : n;
	if (n >= 4 && memcmp(b, "\x00\x00\xfe\xff", 4) == 0)
		wide = "UTF-32BE", skip = 4;
	else if (n >= 4 && memcmp(b, "\xff\xfe\x00\x00", 4) == 0)
		wide = "UTF-32LE", skip = 4;
	else if (n >= 2 && memcmp(b, "\xfe\xff", 2) == 0)
		wide = "UTF-16BE", skip = 2;
	else if (n >= 2 && memcmp(b, "\xff\xfe", 2) == 0)
		wide = "UTF-16LE", skip = 2;
	else if (n >= 3 && memcmp(b, "\xef\xbb\xbf", 3) == 0)
		bom = 1, skip = 3;
	/* XML 1.0 appendix F: no BOM, but '<' in a wider unit. */
	else if (n >= 4 && memcmp(b, "\x00\x00\x00<", 4) == 0)
		wide = "UTF-32BE";
	else if (n >= 4 && memcmp(b, "<\x00\x00\x00", 4) == 0)
		wide = "UTF-32LE";
	else if (n >= 2 && b[0] == 0 && b[1] != 0)
		wide = "UTF-16BE";
	else if (n >= 2 && b[0] != 0 && b[1] == 0)
		wide = "UTF-16LE";

	if (wide != NULL) {
		if (feed_use_iconv(fi, wide, wide[4] == '3' ? 4 : 2) == -1)
			feed_use_label(fi, NULL);
	} else if (bom)
		feed_use_label(fi, NULL);
	else {
		enc = feed_decl_encoding((const char *)b, look, decl,
		    sizeof(decl));
		if (enc == NULL || feed_label_wide(enc))
			enc = fi->fi_charset;
		if (enc != NULL && feed_label_wide(enc))
			enc = NULL;
		feed_use_label(fi, enc);
		if (fi->fi_enc == ENC_UTF8 && !feed_utf8_valid(b, look,
		    final && look == n)) {
			/* feedparser's order of guesses after a lying label. */
			fi->fi_utf8 = 0;
			fi->fi_enc = ENC_CP1252;
			for (i = 0; i < look; i++)
				if (b[i] == 0x81 || b[i] == 0x8d || b[i] == 0x8f ||
				    b[i] == 0x90 || b[i] == 0x9d)
					break;
			if (i < look && feed_use_iconv(fi, "ISO-8859-2", 1) == -1)
				fi->fi_enc = ENC_CP1252;
		}
	}
	fi->fi_decided = 1;
	return skip;
}

struct feed_input *
feed_input_new(const char *charset)
{
	struct feed_input	*fi;

	fi = xcalloc(1, sizeof(*fi));
	if (charset != NULL && *charset != '\0')
		fi->fi_charset = xstrdup(charset);
	fi->fi_cd = (iconv_t)-1;
	fi->fi_unit = 1;
	sbuf_init(&fi->fi_head);
	sbuf_init(&fi->fi_work);
	feed_rep_init(&fi->fi_rep);
	return fi;
}

/* What was decoded onto fi_work goes on repaired, or as it is in JSON. */
static void
feed_input_repair(struct feed_input *fi, int final, struct sbuf *out)
{
	if (fi->fi_rep.fr_state == FS_JSON && fi->fi_work.sb_len > 0) {
		sbuf_add(out, fi->fi_work.sb_buf, fi->fi_work.sb_len);
		sbuf_reset(&fi->fi_work);
		return;
	}
	feed_rep_run(&fi->fi_rep, &fi->fi_work, final, out);
}

/*
 * Can the bytes that come be repaired where the caller has them?  Only
 * UTF-8 with nothing held back from the last push.  Decoded into fi_work
 * first, every byte of a 20 MB feed was copied once more.
 */
static int
feed_input_direct(const struct feed_input *fi)
{
	return fi->fi_enc == ENC_UTF8 && fi->fi_nraw == 0 &&
	    fi->fi_work.sb_len == 0 && fi->fi_rep.fr_state != FS_JSON;
}

/* Decodes and repairs n bytes onto out. */
static void
feed_input_take(struct feed_input *fi, const unsigned char *s, size_t n,
    int final, struct sbuf *out)
{
	size_t	valid, used;

	/*
	 * What a push held back waits for a few bytes at most: those go the
	 * long way, the rest of the push directly.  Any cut gives the same
	 * output, so where this one falls does not matter.
	 */
	while (!feed_input_direct(fi) && fi->fi_enc == ENC_UTF8 &&
	    fi->fi_rep.fr_state != FS_JSON && n > FEED_STEP) {
		feed_decode(fi, s, FEED_STEP, 0);
		feed_input_repair(fi, 0, out);
		s += FEED_STEP;
		n -= FEED_STEP;
	}
	if (!feed_input_direct(fi)) {
		feed_decode(fi, s, n, final);
		feed_input_repair(fi, final, out);
		return;
	}
	valid = feed_utf8_span(s, n);
	used = feed_rep_buf(&fi->fi_rep, (const char *)s, valid,
	    final && valid == n, out);
	sbuf_add(&fi->fi_work, (const char *)s + used, valid - used);
	if (valid < n) {
		feed_decode(fi, s + valid, n - valid, final);
		feed_input_repair(fi, final, out);
	}
}

void
feed_input_push(struct feed_input *fi, const char *buf, size_t len,
    int final, struct sbuf *out)
{
	size_t	skip;

	/* No arithmetic on a NULL pointer, even plus 0. */
	if (buf == NULL)
		buf = "";
	if (fi->fi_decided) {
		feed_input_take(fi, (const unsigned char *)buf, len, final,
		    out);
		return;
	}
	sbuf_add(&fi->fi_head, buf, len);
	if (fi->fi_head.sb_len < FEED_LOOKAHEAD && !final)
		return;
	skip = feed_decide(fi, final);
	feed_input_take(fi, (const unsigned char *)fi->fi_head.sb_buf + skip,
	    fi->fi_head.sb_len - skip, final, out);
	sbuf_free(&fi->fi_head);
	sbuf_init(&fi->fi_head);
}

int
feed_input_json(const struct feed_input *fi)
{
	return fi->fi_rep.fr_state == FS_JSON;
}

int
feed_input_utf8(const struct feed_input *fi)
{
	return fi->fi_decided && fi->fi_utf8;
}

void
feed_input_free(struct feed_input *fi)
{
	if (fi == NULL)
		return;
	if (fi->fi_cd != (iconv_t)-1)
		iconv_close(fi->fi_cd);
	sbuf_free(&fi->fi_head);
	sbuf_free(&fi->fi_work);
	free(fi->fi_charset);
	free(fi);
}
