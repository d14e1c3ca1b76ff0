/*
 * feed_repair.c: the input stage's second half (feed_input.c is the
 * first), decoded UTF-8 -> well-formed text for the tokenizer,
 * feed_xml.c (pure; first built for libxml2 2.9, whose fatal errors the
 * comments below still name as the reasons).  A bare '&' or '<' is
 * escaped, "&#X41;" lower-cased, a reference to a character XML forbids
 * becomes U+FFFD, C0 controls are dropped, and so are comments,
 * processing instructions and anything before the root element.
 * Pushing the same bytes in any chunks gives the same output: what a
 * chunk's end cuts waits in work.
 *
 * Most of a feed needs none of that, so bytes that change nothing are
 * handed on a whole run at a time: one copy per repair, not per markup
 * character (the stage was an eighth of the time of --parse).
 */
#include <stdint.h>
#include <string.h>
#include <strings.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "feed_repair.h"
#include "util.h"

/* A reference longer than this is no reference: the '&' is escaped. */
#define FEED_REF_NAME	40
#define FEED_REF_DIGITS	12

static const char feed_fffd[] = "\xef\xbf\xbd";

void
feed_rep_init(struct feed_rep *fr)
{
	memset(fr, 0, sizeof(*fr));
	fr->fr_state = FS_PROLOG;
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

/* How a reference must change to be read: not at all, mostly. */
enum feed_ref_fix { REF_SAME, REF_HEX, REF_FFFD };

/*
 * At a '&': the length of the reference there through its ';', 0 when
 * the n bytes end inside it, -1 when there is none; *fix says what it
 * becomes ("&#X" -> "&#x": XML has only the lower-case x, feedparser
 * reads both).
 */
static long
feed_ref_len(const char *s, size_t n, enum feed_ref_fix *fix)
{
	size_t		 i, j;
	uint64_t	 v = 0;
	int		 hex = 0, d;

	*fix = REF_SAME;
	if (n < 2)
		return 0;
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
			return 0;
		if (i == j || s[i] != ';')
			return -1;
		if (!feed_xml_char(v))
			*fix = REF_FFFD;
		else if (hex && s[2] == 'X')
			*fix = REF_HEX;
		return (long)(i + 1);
	}
	if (!feed_name_start((unsigned char)s[1]) || (unsigned char)s[1] >= 0x80)
		return -1;
	for (i = 2; i < n && i < FEED_REF_NAME; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_' || s[i] == '-' || s[i] == '.' || s[i] == ':'))
			break;
	if (i >= n)
		return 0;
	if (s[i] != ';')
		return -1;
	return (long)(i + 1);
}

/*
 * At a '&': the length of a reference XML reads as it is, or -1 (or 0,
 * cut) when it needs a look.  "&lt;", "&gt;" and "&amp;" are most of a
 * feed's references (escaped HTML), so they are told at a glance:
 * feed_ref_len() took ~50 instructions each.
 */
static long
feed_ref_plain(const char *s, size_t n)
{
	enum feed_ref_fix	fix;
	long			len;

	if (n >= 4 && (memcmp(s, "&lt;", 4) == 0 || memcmp(s, "&gt;", 4) == 0))
		return 4;
	if (n >= 5 && memcmp(s, "&amp;", 5) == 0)
		return 5;
	if ((len = feed_ref_len(s, n, &fix)) > 0 && fix != REF_SAME)
		return -1;
	return len;
}

/*
 * At a '&': copies a reference XML can read, or escapes the '&'.
 * Returns the bytes used, 0 when n does not yet tell.
 */
static size_t
feed_repair_ref(const char *s, size_t n, int final, struct sbuf *out)
{
	enum feed_ref_fix	fix;
	long			len = feed_ref_len(s, n, &fix);

	if (len == 0 && !final && n < FEED_REF_NAME + 2)
		return 0;
	if (len <= 0) {
		sbuf_add(out, "&amp;", 5);
		return 1;
	}
	if (fix == REF_FFFD)
		sbuf_add(out, "&#xFFFD;", 8);
	else if (fix == REF_HEX) {
		sbuf_add(out, "&#x", 3);
		sbuf_add(out, s + 3, (size_t)len - 3);
	} else
		sbuf_add(out, s, (size_t)len);
	return (size_t)len;
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
feed_repair_lt(struct feed_rep *fr, const char *s, size_t n, int final,
    struct sbuf *out)
{
	int	prolog = fr->fr_state == FS_PROLOG, m;

	if (n < 2 && !final)
		return 0;
	if (n >= 2 && s[1] == '?') {
		fr->fr_ret = fr->fr_state;
		fr->fr_state = FS_PI;
		fr->fr_run = 0;
		return 2;
	}
	if (n >= 2 && s[1] == '!') {
		if ((m = feed_starts(s, n, "<!--", final)) == -1)
			return 0;
		if (m == 1) {
			fr->fr_ret = fr->fr_state;
			fr->fr_state = FS_COMMENT;
			fr->fr_run = 0;
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
			fr->fr_state = FS_DECL;
			fr->fr_quote = 0;
			fr->fr_bracket = 0;
			fr->fr_decl_drop = m == 0;
			if (m == 1)
				sbuf_add(out, s, 2);
			return 2;
		}
		if ((m = feed_starts(s, n, "<![CDATA[", final)) == -1)
			return 0;
		if (m == 1) {
			fr->fr_state = FS_CDATA;
			fr->fr_run = 0;
			sbuf_add(out, s, 9);
			return 9;
		}
	} else if (n >= 2 && prolog && feed_name_start((unsigned char)s[1])) {
		if ((m = feed_root_name(s, n, final)) == -1)
			return 0;
		if (m == 1) {
			fr->fr_state = FS_TAG;
			fr->fr_quote = 0;
			sbuf_addc(out, '<');
			return 1;
		}
	} else if (n >= 2 && !prolog && (feed_name_start((unsigned char)s[1]) ||
	    s[1] == '/')) {
		fr->fr_state = FS_TAG;
		fr->fr_quote = 0;
		sbuf_addc(out, '<');
		return 1;
	}
	/* Garbage before the root goes; a '<' in text was meant as text. */
	if (!prolog)
		sbuf_add(out, "&lt;", 4);
	return 1;
}

/*
 * Bytes that change nothing in a state, one bit per enum feed_rstate up
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

/*
 * The end of the run of plain bytes (feed_plain) at i in state st.  With
 * SSE2 (every x86-64) 16 bytes are tested at a time for the state's own
 * characters, C0 controls but tab, LF and CR, and 0xef: the same set as
 * the table, which takes the prolog and the tail.
 */
static size_t
feed_scan(const unsigned char *s, size_t i, size_t n, enum feed_rstate st)
{
	unsigned	bit = 1u << st;

#ifdef __SSE2__
	/* Each state's own characters, repeated to fill four, 16 times. */
#define S16(c)	{ c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c }
#define S4(a, b, c, d)	{ S16(a), S16(b), S16(c), S16(d) }
	static const unsigned char stops[FS_CDATA + 1][4][16]
	    __attribute__((aligned(16))) = {
		[FS_TEXT] = S4('<', '&', ']', '>'),
		[FS_TAG] = S4('"', '\'', '>', '>'),
		[FS_ATTR] = S4('"', '\'', '<', '&'),
		[FS_COMMENT] = S4('-', '>', '>', '>'),
		[FS_PI] = S4('?', '>', '>', '>'),
		[FS_CDATA] = S4(']', '>', '>', '>'),
	};
#undef S4
#undef S16

	if (st != FS_PROLOG && i + 16 <= n) {
		const __m128i	*c = (const __m128i *)(const void *)stops[st],
				 ef = _mm_set1_epi8((char)0xef),
				 c0max = _mm_set1_epi8(0x1f),
				 tab = _mm_set1_epi8('\t'),
				 lf = _mm_set1_epi8('\n'),
				 cr = _mm_set1_epi8('\r');
		__m128i		 x, ctl, ws, m;
		unsigned	 mask;

		do {
			x = _mm_loadu_si128((const __m128i *)(const void *)
			    (s + i));
			/* x <= 0x1f unsigned, less tab, LF and CR. */
			ctl = _mm_cmpeq_epi8(_mm_min_epu8(x, c0max), x);
			ws = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, tab),
			    _mm_cmpeq_epi8(x, lf)), _mm_cmpeq_epi8(x, cr));
			m = _mm_or_si128(_mm_andnot_si128(ws, ctl),
			    _mm_cmpeq_epi8(x, ef));
			m = _mm_or_si128(m, _mm_or_si128(
			    _mm_or_si128(_mm_cmpeq_epi8(x, c[0]),
			    _mm_cmpeq_epi8(x, c[1])),
			    _mm_or_si128(_mm_cmpeq_epi8(x, c[2]),
			    _mm_cmpeq_epi8(x, c[3]))));
			if ((mask = (unsigned)_mm_movemask_epi8(m)) != 0)
				return i + (unsigned)__builtin_ctz(mask);
			i += 16;
		} while (i + 16 <= n);
	}
#endif
	while (i < n && (feed_plain[s[i]] & bit))
		i++;
	return i;
}

/*
 * Bit k set when p[k] is one that text, a tag, an attribute value or a
 * CDATA section may stop at (feed_plain): "<>&]\"'", a C0 control (tab
 * and CR too, for fewer operations) or 0xef.  Not set: plain in all
 * four, and LF, which ends every line of a feed: each a stop cost more
 * than the two operations that keep it out.  A bitwise OR folds pairs:
 * '&' and '\'' are 0x26 and 0x27, '<' and '>' 0x3c and 0x3e.
 */
static inline uint64_t
feed_cand64(const unsigned char *p)
{
#ifdef __SSE2__
	const __m128i	c0max = _mm_set1_epi8(0x1f), ef = _mm_set1_epi8((char)0xef),
			qu = _mm_set1_epi8('"'), br = _mm_set1_epi8(']'),
			one = _mm_set1_epi8(1), amp = _mm_set1_epi8(0x27),
			two = _mm_set1_epi8(2), ang = _mm_set1_epi8(0x3e),
			lf = _mm_set1_epi8('\n');
	__m128i		x, m;
	uint64_t	mask = 0;
	int		k;

	for (k = 0; k < 64; k += 16) {
		x = _mm_loadu_si128((const __m128i *)(const void *)(p + k));
		m = _mm_or_si128(_mm_andnot_si128(_mm_cmpeq_epi8(x, lf),
		    _mm_cmpeq_epi8(_mm_min_epu8(x, c0max), x)),
		    _mm_cmpeq_epi8(x, ef));
		m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(x, qu),
		    _mm_cmpeq_epi8(x, br)));
		m = _mm_or_si128(m, _mm_or_si128(
		    _mm_cmpeq_epi8(_mm_or_si128(x, one), amp),
		    _mm_cmpeq_epi8(_mm_or_si128(x, two), ang)));
		mask |= (uint64_t)(unsigned)_mm_movemask_epi8(m) << k;
	}
	return mask;
#else
	uint64_t	mask = 0;
	int		k;

	for (k = 0; k < 64; k++)
		if ((feed_plain[p[k]] & 0x4e) != 0x4e)
			mask |= (uint64_t)1 << k;
	return mask;
#endif
}

/*
 * Goes over what text, tags, attribute values and CDATA sections mostly
 * hold, where the output is the input: runs of plain bytes, tags, and
 * references XML reads as they are.  Nothing is copied: the caller's
 * run goes on.  Stops at i where feed_rep_run must look: something to
 * change or drop, or a cut it cannot decide; it then does exactly what
 * it would have done had this not gone ahead.
 */
static size_t
feed_rep_fast(struct feed_rep *fr, const char *s, size_t i, size_t n)
{
	enum feed_rstate	 st = fr->fr_state;
	int			 run = fr->fr_run;
	char			 quote = fr->fr_quote;
	unsigned char		 c;
	size_t			 j;
	long			 len;

	uint64_t		 mask = 0;
	size_t			 base = 0, end = 0;

	while (st == FS_TEXT || st == FS_TAG || st == FS_ATTR ||
	    st == FS_CDATA) {
		/*
		 * Where 64 bytes are left, the bytes any of these states may
		 * stop at are found at once (feed_cand64), and the mask
		 * serves every stop in it, whatever the state.
		 */
		if (i >= end && n - i >= 64) {
			base = i;
			end = i + 64;
			mask = feed_cand64((const unsigned char *)s + i);
		}
		if (i < end) {
			if ((mask >> (i - base)) == 0) {
				run = 0;
				i = end;
				continue;
			}
			j = i + (size_t)__builtin_ctzll(mask >> (i - base));
		} else
			j = feed_scan((const unsigned char *)s, i, n, st);
		if (j > i) {
			run = 0;
			i = j;
		}
		if (i >= n)
			break;
		c = (unsigned char)s[i];
		if (feed_plain[c] & (1u << st)) {
			run = 0;
			i++;
			continue;
		}
		if (st == FS_TEXT) {
			if (c == '<') {
				/* A tag (feed_repair_lt), not a '<' meant as text. */
				if (n - i < 2 || !(feed_name_start(
				    (unsigned char)s[i + 1]) || s[i + 1] == '/'))
					break;
				st = FS_TAG;
				quote = 0;
			} else if (c == '&') {
				if ((len = feed_ref_plain(s + i, n - i)) <= 0)
					break;
				i += (size_t)len - 1;
			} else if (c == ']') {
				run++;
				i++;
				continue;
			} else if (c != '>' || run >= 2)
				break;
		} else if (st == FS_TAG) {
			if (c == '"' || c == '\'') {
				st = FS_ATTR;
				quote = (char)c;
			} else if (c == '>')
				st = FS_TEXT;
			else
				break;
		} else if (st == FS_ATTR) {
			if (c == '&') {
				if ((len = feed_ref_plain(s + i, n - i)) <= 0)
					break;
				i += (size_t)len - 1;
			} else if (c == (unsigned char)quote)
				st = FS_TAG;
			else if (c != '"' && c != '\'')
				break;
		} else {
			if (c == ']') {
				run++;
				i++;
				continue;
			}
			if (c != '>')
				break;
			if (run >= 2)
				st = FS_TEXT;
		}
		run = 0;
		i++;
	}
	fr->fr_state = st;
	fr->fr_run = run;
	fr->fr_quote = quote;
	return i;
}

size_t
feed_rep_buf(struct feed_rep *fr, const char *s, size_t n, int final,
    struct sbuf *out)
{
	size_t		 i = 0, start = 0, used;
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
		if ((i = feed_rep_fast(fr, s, i, n)) >= n)
			break;
		/* Most bytes need no look: skipped a run at a time. */
		bit = 1u << fr->fr_state;
		if (fr->fr_state <= FS_CDATA &&
		    (feed_plain[(unsigned char)s[i]] & bit)) {
			/*
			 * What the prolog, a comment or a PI holds is dropped,
			 * but not what came before it (a declaration that just
			 * ended): that was lost when no push ended between.
			 */
			if (fr->fr_state == FS_PROLOG ||
			    fr->fr_state == FS_COMMENT || fr->fr_state == FS_PI)
				FLUSH();
			i = feed_scan((const unsigned char *)s, i + 1, n,
			    fr->fr_state);
			fr->fr_run = 0;
			if (fr->fr_state == FS_PROLOG)
				fr->fr_begun = 1;
			if (fr->fr_state == FS_PROLOG ||
			    fr->fr_state == FS_COMMENT || fr->fr_state == FS_PI)
				start = i;
			continue;
		}
		c = (unsigned char)s[i];
		if (fr->fr_state == FS_JSON) {
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
				if (fr->fr_state != FS_COMMENT &&
				    fr->fr_state != FS_PI &&
				    fr->fr_state != FS_PROLOG &&
				    !(fr->fr_state == FS_DECL && fr->fr_decl_drop))
					sbuf_add(out, feed_fffd, 3);
				start = i += 3;
				continue;
			}
		}
		run = fr->fr_run;
		fr->fr_run = 0;
		switch (fr->fr_state) {
		case FS_PROLOG:
			FLUSH();
			if (c == '{' && !fr->fr_begun) {
				/* '{' first: a JSON Feed. */
				fr->fr_state = FS_JSON;
				start = i;
				continue;
			}
			if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
				fr->fr_begun = 1;
			if (c == '<') {
				if ((used = feed_repair_lt(fr, s + i, n - i, final,
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
				used = c == '<' ? feed_repair_lt(fr, s + i, n - i,
				    final, out) : feed_repair_ref(s + i, n - i,
				    final, out);
				if (used == 0)
					goto wait;
				start = i += used;
				continue;
			}
			if (c == ']')
				fr->fr_run = run + 1;
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
				fr->fr_state = FS_ATTR;
				fr->fr_quote = (char)c;
			} else if (c == '>')
				fr->fr_state = FS_TEXT;
			break;
		case FS_ATTR:
			if (c == (unsigned char)fr->fr_quote)
				fr->fr_state = FS_TAG;
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
			keep = fr->fr_state == FS_COMMENT ? c == '-' : c == '?';
			if (c == '>' && (fr->fr_state == FS_COMMENT ? run >= 2 :
			    run >= 1))
				fr->fr_state = fr->fr_ret;
			else if (keep)
				fr->fr_run = run + 1;
			start = ++i;
			continue;
		case FS_CDATA:
			if (c == ']')
				fr->fr_run = run + 1;
			else if (c == '>' && run >= 2)
				fr->fr_state = FS_TEXT;
			break;
		case FS_DECL:
			if (fr->fr_quote != 0) {
				if (c == (unsigned char)fr->fr_quote)
					fr->fr_quote = 0;
			} else if (c == '"' || c == '\'')
				fr->fr_quote = (char)c;
			else if (c == '[')
				fr->fr_bracket++;
			else if (c == ']' && fr->fr_bracket > 0)
				fr->fr_bracket--;
			else if (c == '>' && fr->fr_bracket == 0)
				fr->fr_state = FS_PROLOG;
			if (fr->fr_decl_drop) {
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
	if (final && fr->fr_state == FS_CDATA) {
		/*
		 * Cut inside a CDATA section: closed here.  libxml2 drops the
		 * text of a section still open at the end, up to 300 bytes
		 * of it, more or less by where the pushes fell; closed, all
		 * of it is kept, however the body came.  A "]" or "]]" at
		 * the cut was the start of the end.
		 */
		run = fr->fr_run > 2 ? 2 : fr->fr_run;
		sbuf_add(out, &"]]>"[run], 3 - (size_t)run);
		fr->fr_state = FS_TEXT;
	}
	/*
	 * And text that ends the body gets an empty comment after it (legal
	 * after the root too): libxml2 held back text still open at the
	 * end, and handed a trailing "]" on twice or once, as the pushes
	 * fell; followed by markup, it is handed on once and whole.
	 */
	if (final && fr->fr_state == FS_TEXT)
		sbuf_add(out, "<!---->", 7);
	return final ? n : i;
}

void
feed_rep_run(struct feed_rep *fr, struct sbuf *work, int final,
    struct sbuf *out)
{
	size_t	used = feed_rep_buf(fr, work->sb_buf, work->sb_len, final, out);

	memmove(work->sb_buf, work->sb_buf + used, work->sb_len - used);
	work->sb_len -= used;
	work->sb_buf[work->sb_len] = '\0';
}

