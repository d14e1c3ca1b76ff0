/*
 * feed_input.c: the bytes a server sent -> UTF-8 that libxml2 reads
 * without a fatal error (pure).
 *
 * libxml2 2.9 stops at the first fatal error and XML_PARSE_RECOVER drops
 * text, while real feeds carry bare '&'s, stray control bytes, Latin-1 in
 * a UTF-8 document and PHP warnings before the XML declaration.  So the
 * bytes are mended before libxml2 sees them, still streaming, in two
 * stages that each keep a few bytes back between chunks:
 *
 *   decode  the encoding chosen BOM > XML declaration > HTTP charset >
 *           UTF-8, converted to UTF-8; a byte that is not valid there
 *           becomes U+FFFD, so no item is ever lost to it.
 *   repair  a bare '&' or '<' is escaped, "&#X41;" lower-cased, a
 *           reference to a character XML forbids becomes U+FFFD, C0
 *           controls are dropped, and so are comments, processing
 *           instructions and anything before the root element.
 *
 * libxml2 is then always handed UTF-8 (the XML declaration is among what
 * is dropped).  A document whose first byte is '{' is a JSON Feed and
 * only decoded.  Pushing the same bytes in any chunks gives the same
 * output.
 */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "feed_int.h"
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
/* A reference longer than this is no reference: the '&' is escaped. */
#define FEED_REF_NAME	40
#define FEED_REF_DIGITS	12

enum fin_enc { ENC_UTF8, ENC_CP1252, ENC_ICONV };

enum fin_state {
	FS_PROLOG,	/* before the root element: only markup is kept */
	FS_TEXT,
	FS_TAG,		/* <name ...> or </name> */
	FS_ATTR,	/* a quoted attribute value */
	FS_COMMENT,	/* dropped */
	FS_PI,		/* dropped */
	FS_CDATA,
	FS_DECL,	/* <!DOCTYPE ...>, kept so that entities are refused */
	FS_JSON		/* passed on as decoded */
};

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
	enum fin_state	 fi_state;
	enum fin_state	 fi_ret;	/* where a comment or PI returns */
	char		 fi_quote;
	int		 fi_run;	/* '-', ']' or '?' just before */
	int		 fi_bracket;	/* '[' depth in a DOCTYPE */
	int		 fi_decl_drop;	/* a "<!" that is no DOCTYPE: dropped */
	int		 fi_begun;	/* more than whitespace was seen */
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

/* UTF-8 in, UTF-8 out with every bad sequence as U+FFFD; returns bytes used. */
static size_t
feed_decode_utf8(const unsigned char *s, size_t n, int final,
    struct sbuf *out)
{
	size_t		 i = 0, start = 0, bad;
	uint64_t	 w;
	int		 l;

	while (i < n) {
		if (s[i] < 0x80) {
			/* ASCII, most of a feed: 8 bytes at a time. */
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
		if ((l = feed_utf8_len(s + i, n - i, &bad)) > 0) {
			i += (size_t)l;
			continue;
		}
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

/* Chooses the encoding from the held bytes and decodes them. */
static void
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
	feed_decode(fi, b + skip, n - skip, final);
	sbuf_free(&fi->fi_head);
	sbuf_init(&fi->fi_head);
}

/* Does s (n bytes) start with pat?  1 yes, 0 no, -1 cannot tell yet. */
static int
feed_starts(const char *s, size_t n, const char *pat, int final)
{
	size_t	i, len = strlen(pat);

	for (i = 0; i < len; i++) {
		if (i >= n)
			return final ? 0 : -1;
		if (s[i] != pat[i])
			return 0;
	}
	return 1;
}

static int
feed_name_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	    c == ':' || c >= 0x80;
}

static int
feed_xml_char(uint64_t v)
{
	return v == 0x9 || v == 0xa || v == 0xd || (v >= 0x20 && v <= 0xd7ff) ||
	    (v >= 0xe000 && v <= 0xfffd) || (v >= 0x10000 && v <= 0x10ffff);
}

/*
 * At a '&': copies a reference XML can read, or escapes the '&'.
 * Returns the bytes used, 0 when n does not yet tell.
 */
static size_t
feed_repair_ref(const char *s, size_t n, int final, struct sbuf *out)
{
	size_t		 i = 1, j;
	uint64_t	 v = 0;
	int		 hex = 0, d;

	if (n < 2)
		goto more;
	if (s[1] == '#') {
		i = 2;
		if (i < n && (s[i] == 'x' || s[i] == 'X')) {
			hex = 1;
			i++;
		}
		for (j = i; i < n && i - j < FEED_REF_DIGITS; i++) {
			if (s[i] >= '0' && s[i] <= '9')
				d = s[i] - '0';
			else if (hex && s[i] >= 'a' && s[i] <= 'f')
				d = s[i] - 'a' + 10;
			else if (hex && s[i] >= 'A' && s[i] <= 'F')
				d = s[i] - 'A' + 10;
			else
				break;
			v = v * (hex ? 16 : 10) + (uint64_t)d;
		}
		if (i >= n)
			goto more;
		if (i == j || s[i] != ';')
			goto bare;
		if (!feed_xml_char(v))
			sbuf_adds(out, "&#xFFFD;");
		else if (hex) {
			/* XML has only the lower-case x (feedparser reads both). */
			sbuf_add(out, "&#x", 3);
			sbuf_add(out, s + j, i + 1 - j);
		} else
			sbuf_add(out, s, i + 1);
		return i + 1;
	}
	if (!feed_name_start((unsigned char)s[1]) || (unsigned char)s[1] >= 0x80)
		goto bare;
	for (i = 2; i < n && i < FEED_REF_NAME; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_' || s[i] == '-' || s[i] == '.' || s[i] == ':'))
			break;
	if (i >= n)
		goto more;
	if (s[i] != ';')
		goto bare;
	sbuf_add(out, s, i + 1);
	return i + 1;
more:
	if (!final && n < FEED_REF_NAME + 2)
		return 0;
bare:
	sbuf_add(out, "&amp;", 5);
	return 1;
}

/*
 * Is the tag at s a feed's root (rss, rdf:RDF, feed, CDF's CHANNEL)?  1
 * yes, 0 no, -1 cannot tell yet.  Before the root anything else is
 * garbage: the HTML of a PHP warning, say.
 */
static int
feed_root_name(const char *s, size_t n, int final)
{
	static const char *const roots[] = { "rss", "rdf", "feed", "channel" };
	size_t	i, start = 1;

	for (i = 1; i < n && i < 64; i++) {
		if (s[i] == ':')
			start = i + 1;
		else if (s[i] == '>' || s[i] == '/' || s[i] == ' ' ||
		    s[i] == '\t' || s[i] == '\r' || s[i] == '\n')
			break;
	}
	if (i >= n && !final)
		return -1;
	for (n = 0; n < sizeof(roots) / sizeof(roots[0]); n++)
		if (strlen(roots[n]) == i - start &&
		    strncasecmp(s + start, roots[n], i - start) == 0)
			return 1;
	return 0;
}

/*
 * At a '<' in content or before the root: what markup starts here.
 * Returns the bytes used, 0 when n does not yet tell.
 */
static size_t
feed_repair_lt(struct feed_input *fi, const char *s, size_t n, int final,
    struct sbuf *out)
{
	int	prolog = fi->fi_state == FS_PROLOG, m;

	if (n < 2 && !final)
		return 0;
	if (n >= 2 && s[1] == '?') {
		fi->fi_ret = fi->fi_state;
		fi->fi_state = FS_PI;
		fi->fi_run = 0;
		return 2;
	}
	if (n >= 2 && s[1] == '!') {
		if ((m = feed_starts(s, n, "<!--", final)) == -1)
			return 0;
		if (m == 1) {
			fi->fi_ret = fi->fi_state;
			fi->fi_state = FS_COMMENT;
			fi->fi_run = 0;
			return 4;
		}
		if (prolog) {
			/*
			 * Only a DOCTYPE goes on; any other "<!" declaration is
			 * dropped to its '>', as libxml2 would stop at it.  Kept,
			 * "<!-\0-->" lost its NUL and became the start of a
			 * comment that ran on, read differently by libxml2 as
			 * the pushes fell.
			 */
			if ((m = feed_starts(s, n, "<!DOCTYPE", final)) == -1)
				return 0;
			fi->fi_state = FS_DECL;
			fi->fi_quote = 0;
			fi->fi_bracket = 0;
			fi->fi_decl_drop = m == 0;
			if (m == 1)
				sbuf_add(out, s, 2);
			return 2;
		}
		if ((m = feed_starts(s, n, "<![CDATA[", final)) == -1)
			return 0;
		if (m == 1) {
			fi->fi_state = FS_CDATA;
			fi->fi_run = 0;
			sbuf_add(out, s, 9);
			return 9;
		}
	} else if (n >= 2 && prolog && feed_name_start((unsigned char)s[1])) {
		if ((m = feed_root_name(s, n, final)) == -1)
			return 0;
		if (m == 1) {
			fi->fi_state = FS_TAG;
			fi->fi_quote = 0;
			sbuf_addc(out, '<');
			return 1;
		}
	} else if (n >= 2 && !prolog && (feed_name_start((unsigned char)s[1]) ||
	    s[1] == '/')) {
		fi->fi_state = FS_TAG;
		fi->fi_quote = 0;
		sbuf_addc(out, '<');
		return 1;
	}
	/* Garbage before the root goes; a '<' in text was meant as text. */
	if (!prolog)
		sbuf_add(out, "&lt;", 4);
	return 1;
}

/*
 * Bytes that change nothing in a state, one bit per enum fin_state up
 * to FS_CDATA: all but C0 controls (tab, LF and CR are fine past the
 * prolog), 0xef (U+FFFE/U+FFFF start with it) and the state's own
 * characters: prolog "<{" and white space, text "<&]>", tag "\"'>",
 * attribute value "\"'<&", comment "->", PI "?>", CDATA "]>".
 */
static const unsigned char feed_plain[256] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x7e, 0x7e, 0x00, 0x00, 0x7e, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x7e, 0x7f, 0x73, 0x7f, 0x7f, 0x7f, 0x75, 0x73, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x6f, 0x7f, 0x7f,
	0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x74, 0x7f, 0x09, 0x5f,
	0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f,
	0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x3d, 0x7f, 0x7f,
	0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f,
	0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7e, 0x7f, 0x7f, 0x7f, 0x7f,
	0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f,
	0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f,
	0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f,
	0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f,
	0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f,
	0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f,
	0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x00,
	0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f,
};

/* Repairs fi_work onto out; what cannot be decided yet stays in fi_work. */
static void
feed_repair(struct feed_input *fi, int final, struct sbuf *out)
{
	const char	*s = fi->fi_work.sb_buf;
	size_t		 n = fi->fi_work.sb_len, i = 0, start = 0, used;
	unsigned char	 c;
	unsigned	 bit;
	int		 keep, run;

	/*
	 * Hands on what was read since start.  start moves with it: a wait
	 * right after a flush (a '<' or '&' at the end of the push) must not
	 * hand the same bytes on again.
	 */
#define FLUSH()	do { sbuf_add(out, s + start, i - start); start = i; } while (0)
	while (i < n) {
		/* Most bytes need no look: skipped a run at a time. */
		bit = 1u << fi->fi_state;
		if (fi->fi_state <= FS_CDATA &&
		    (feed_plain[(unsigned char)s[i]] & bit)) {
			/*
			 * What the prolog, a comment or a PI holds is dropped,
			 * but not what came before it (a declaration that just
			 * ended): that was lost when no push ended between.
			 */
			if (fi->fi_state == FS_PROLOG ||
			    fi->fi_state == FS_COMMENT || fi->fi_state == FS_PI)
				FLUSH();
			while (++i < n && (feed_plain[(unsigned char)s[i]] & bit))
				;
			fi->fi_run = 0;
			if (fi->fi_state == FS_PROLOG)
				fi->fi_begun = 1;
			if (fi->fi_state == FS_PROLOG ||
			    fi->fi_state == FS_COMMENT || fi->fi_state == FS_PI)
				start = i;
			continue;
		}
		c = (unsigned char)s[i];
		if (fi->fi_state == FS_JSON) {
			i = n;
			break;
		}
		/* XML 1.0 section 2.2: no C0 controls but tab, LF and CR. */
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
			FLUSH();
			start = ++i;
			continue;
		}
		/* Nor U+FFFE and U+FFFF. */
		if (c == 0xef) {
			if (n - i < 3 && !final)
				break;
			if (n - i >= 3 && (unsigned char)s[i + 1] == 0xbf &&
			    ((unsigned char)s[i + 2] & 0xfe) == 0xbe) {
				FLUSH();
				if (fi->fi_state != FS_COMMENT &&
				    fi->fi_state != FS_PI &&
				    fi->fi_state != FS_PROLOG &&
				    !(fi->fi_state == FS_DECL && fi->fi_decl_drop))
					sbuf_add(out, feed_fffd, 3);
				start = i += 3;
				continue;
			}
		}
		run = fi->fi_run;
		fi->fi_run = 0;
		switch (fi->fi_state) {
		case FS_PROLOG:
			FLUSH();
			if (c == '{' && !fi->fi_begun) {
				/* '{' first: a JSON Feed. */
				fi->fi_state = FS_JSON;
				start = i;
				continue;
			}
			if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
				fi->fi_begun = 1;
			if (c == '<') {
				if ((used = feed_repair_lt(fi, s + i, n - i, final,
				    out)) == 0)
					goto wait;
				i += used;
			} else
				i++;
			start = i;
			continue;
		case FS_TEXT:
			if (c == '<' || c == '&') {
				FLUSH();
				used = c == '<' ? feed_repair_lt(fi, s + i, n - i,
				    final, out) : feed_repair_ref(s + i, n - i,
				    final, out);
				if (used == 0)
					goto wait;
				start = i += used;
				continue;
			}
			if (c == ']')
				fi->fi_run = run + 1;
			else if (c == '>' && run >= 2) {
				/* "]]>" outside a CDATA section is fatal. */
				FLUSH();
				sbuf_add(out, "&gt;", 4);
				start = ++i;
				continue;
			}
			break;
		case FS_TAG:
			if (c == '"' || c == '\'') {
				fi->fi_state = FS_ATTR;
				fi->fi_quote = (char)c;
			} else if (c == '>')
				fi->fi_state = FS_TEXT;
			break;
		case FS_ATTR:
			if (c == (unsigned char)fi->fi_quote)
				fi->fi_state = FS_TAG;
			else if (c == '<') {
				FLUSH();
				sbuf_add(out, "&lt;", 4);
				start = ++i;
				continue;
			} else if (c == '&') {
				FLUSH();
				if ((used = feed_repair_ref(s + i, n - i, final,
				    out)) == 0)
					goto wait;
				start = i += used;
				continue;
			}
			break;
		case FS_COMMENT:
		case FS_PI:
			keep = fi->fi_state == FS_COMMENT ? c == '-' : c == '?';
			if (c == '>' && (fi->fi_state == FS_COMMENT ? run >= 2 :
			    run >= 1))
				fi->fi_state = fi->fi_ret;
			else if (keep)
				fi->fi_run = run + 1;
			start = ++i;
			continue;
		case FS_CDATA:
			if (c == ']')
				fi->fi_run = run + 1;
			else if (c == '>' && run >= 2)
				fi->fi_state = FS_TEXT;
			break;
		case FS_DECL:
			if (fi->fi_quote != 0) {
				if (c == (unsigned char)fi->fi_quote)
					fi->fi_quote = 0;
			} else if (c == '"' || c == '\'')
				fi->fi_quote = (char)c;
			else if (c == '[')
				fi->fi_bracket++;
			else if (c == ']' && fi->fi_bracket > 0)
				fi->fi_bracket--;
			else if (c == '>' && fi->fi_bracket == 0)
				fi->fi_state = FS_PROLOG;
			if (fi->fi_decl_drop) {
				start = ++i;
				continue;
			}
			break;
		case FS_JSON:
			break;
		}
		i++;
	}
wait:
	FLUSH();
#undef FLUSH
	if (final && fi->fi_state == FS_CDATA) {
		/*
		 * Cut inside a CDATA section: closed here.  libxml2 drops the
		 * text of a section still open at the end, up to 300 bytes
		 * of it, more or less by where the pushes fell; closed, all
		 * of it is kept, however the body came.  A "]" or "]]" at
		 * the cut was the start of the end.
		 */
		run = fi->fi_run > 2 ? 2 : fi->fi_run;
		sbuf_add(out, &"]]>"[run], 3 - (size_t)run);
		fi->fi_state = FS_TEXT;
	}
	/*
	 * And text that ends the body gets an empty comment after it (legal
	 * after the root too): libxml2 held back text still open at the
	 * end, and handed a trailing "]" on twice or once, as the pushes
	 * fell; followed by markup, it is handed on once and whole.
	 */
	if (final && fi->fi_state == FS_TEXT)
		sbuf_add(out, "<!---->", 7);
	if (final)
		i = n;
	memmove(fi->fi_work.sb_buf, s + i, n - i);
	fi->fi_work.sb_len = n - i;
	fi->fi_work.sb_buf[fi->fi_work.sb_len] = '\0';
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
	fi->fi_state = FS_PROLOG;
	return fi;
}

void
feed_input_push(struct feed_input *fi, const char *buf, size_t len,
    int final, struct sbuf *out)
{
	/* No arithmetic on a NULL pointer, even plus 0. */
	if (buf == NULL)
		buf = "";
	if (!fi->fi_decided) {
		sbuf_add(&fi->fi_head, buf, len);
		if (fi->fi_head.sb_len < FEED_LOOKAHEAD && !final)
			return;
		feed_decide(fi, final);
	} else
		feed_decode(fi, (const unsigned char *)buf, len, final);
	if (fi->fi_state == FS_JSON && fi->fi_work.sb_len > 0) {
		sbuf_add(out, fi->fi_work.sb_buf, fi->fi_work.sb_len);
		sbuf_reset(&fi->fi_work);
		return;
	}
	feed_repair(fi, final, out);
}

int
feed_input_json(const struct feed_input *fi)
{
	return fi->fi_state == FS_JSON;
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
