/*
 * html.c: HTML sanitizing and URL resolution (pure); character references
 * are in html_ref.c, style attributes in html_css.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "html_int.h"
#include "html_names.h"
#include "util.h"

#include <libxml/uri.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/*
 * The sanitizer follows the Universal Feed Parser's (sgmllib tokenizing,
 * an allowlist of elements and attributes, attributes sorted) so that its
 * test corpus can judge it, but drops more: object and iframe lose their
 * content too (interface.md).  The lists are in html_names.c.
 */

struct html_attr {
	char	*ha_name;	/* lower case, NUL-terminated */
	size_t	 ha_nlen;
	char	*ha_value;	/* NUL-terminated */
	size_t	 ha_vlen;
};

struct html_san {
	struct sbuf	 hs_out;
	const char	*hs_base;
	int		 hs_drop;	/* depth inside script, style, … */
};

/*
 * Byte classes of the scanners below, as the C locale's <ctype.h> has
 * them: a table look-up per byte instead of calls to isalnum(), strchr()
 * and strcspn() (all of which showed in the profile of --parse).
 */
#define HC_STOP		0x01	/* '<', '&', NUL: end a run of plain text */
#define HC_SPACE	0x02	/* isspace() */
#define HC_ALPHA	0x04
#define HC_DIGIT	0x08
#define HC_PUNCT	0x10	/* '-', '_', '.': in tag and attribute names */
#define HC_COLON	0x20	/* in attribute names too */
#define HC_ESC		0x40	/* escaped or checked in attribute values */
#define HC_TAGEND	0x80	/* what html_tagend() stops at or looks at */
static const unsigned char html_class[256] = {
	['\0'] = HC_STOP | HC_ESC | HC_TAGEND,
	['&'] = HC_STOP | HC_ESC,
	['<'] = HC_STOP | HC_ESC | HC_TAGEND,
	['>'] = HC_ESC | HC_TAGEND,
	['"'] = HC_ESC | HC_TAGEND,
	['\''] = HC_TAGEND,
	[' '] = HC_SPACE, ['\t'] = HC_SPACE, ['\n'] = HC_SPACE,
	['\v'] = HC_SPACE, ['\f'] = HC_SPACE, ['\r'] = HC_SPACE,
	['a' ... 'z'] = HC_ALPHA, ['A' ... 'Z'] = HC_ALPHA,
	['0' ... '9'] = HC_DIGIT,
	['-'] = HC_PUNCT, ['_'] = HC_PUNCT, ['.'] = HC_PUNCT,
	[':'] = HC_COLON,
};
#define HC(c, cls)	(html_class[(unsigned char)(c)] & (cls))

/* Appends a string literal without strlen(). */
#define HTML_ADDLIT(sb, lit)	sbuf_add((sb), (lit), sizeof(lit) - 1)

/*
 * An empty buffer of room for cap bytes: one allocation where sbuf_init()
 * and sbuf_reserve() make two, per call, for every field.
 */
static void
html_sbuf(struct sbuf *sb, size_t cap)
{
	sb->sb_cap = cap + 1;
	sb->sb_len = 0;
	sb->sb_buf = xmalloc(sb->sb_cap);
	sb->sb_buf[0] = '\0';
}

/* What html_scan() looks for. */
enum html_stop {
	HTML_STOP_TEXT,		/* '<', '&', NUL: the end of plain text */
	HTML_STOP_ESC,		/* '&', '<', '>', '"', NUL: in attribute values */
	HTML_STOP_URL,		/* controls, space, '%', non-ASCII: in URLs */
};

static inline int
html_stops(char c, enum html_stop k)
{
	unsigned char	u = (unsigned char)c;

	switch (k) {
	case HTML_STOP_TEXT:
		return HC(c, HC_STOP);
	case HTML_STOP_ESC:
		return HC(c, HC_ESC);
	default:
		return u <= 0x20 || u >= 0x7f || u == '%';
	}
}

#ifdef __SSE2__
/* html_stops() of each of the 16 bytes of v, one bit each. */
static inline unsigned
html_stopmask(__m128i v, enum html_stop k)
{
	__m128i	m;

	switch (k) {
	case HTML_STOP_TEXT:
		m = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_setzero_si128()),
		    _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('<')),
		    _mm_cmpeq_epi8(v, _mm_set1_epi8('&'))));
		break;
	case HTML_STOP_ESC:
		m = _mm_or_si128(_mm_or_si128(
		    _mm_cmpeq_epi8(v, _mm_setzero_si128()),
		    _mm_cmpeq_epi8(v, _mm_set1_epi8('&'))),
		    _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('<')),
		    _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('>')),
		    _mm_cmpeq_epi8(v, _mm_set1_epi8('"')))));
		break;
	default:
		/* Signed: bytes from 0x80 are below 0x21 too. */
		m = _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x21)),
		    _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f)),
		    _mm_cmpeq_epi8(v, _mm_set1_epi8('%'))));
		break;
	}
	return (unsigned)_mm_movemask_epi8(m);
}
#endif

/*
 * How many bytes of s[0..len) come before the first that html_stops():
 * 16 at a time (SSE2), for text, attribute values and links are mostly
 * runs that need nothing, and a byte at a time was the sanitizer's largest
 * cost.  The last bytes are read as the last 16 again, not one by one.
 */
static inline size_t
html_scan(const char *s, size_t len, enum html_stop k)
{
	size_t		i = 0;
#ifdef __SSE2__
	unsigned	m;

	for (; len - i >= 16; i += 16) {
		m = html_stopmask(_mm_loadu_si128((const __m128i *)(const void *)
		    (s + i)), k);
		if (m != 0)
			return i + (size_t)__builtin_ctz(m);
	}
	if (i > 0 && i < len) {
		m = html_stopmask(_mm_loadu_si128((const __m128i *)(const void *)
		    (s + len - 16)), k) >> (16 - (len - i));
		return m != 0 ? i + (size_t)__builtin_ctz(m) : len;
	}
#endif
	while (i < len && !html_stops(s[i], k))
		i++;
	return i;
}

/* The plain text at s: what needs neither a tag nor a reference read. */
static size_t
html_plain(const char *s, size_t len)
{
	return html_scan(s, len, HTML_STOP_TEXT);
}

/*
 * The scheme of uri in lower case into buf; returns its length, 0 when it
 * has none.
 */
static size_t
html_scheme(const char *uri, char *buf, size_t len)
{
	size_t	i;

	while (HC(*uri, HC_SPACE))
		uri++;
	buf[0] = '\0';
	for (i = 0; uri[i] != '\0' && uri[i] != ':'; i++) {
		if (!HC(uri[i], HC_ALPHA | HC_DIGIT) && uri[i] != '+' &&
		    uri[i] != '-' && uri[i] != '.')
			return 0;
		if (i + 1 >= len)
			return 0;
	}
	if (uri[i] != ':' || i == 0)
		return 0;
	for (size_t k = 0; k < i; k++)
		buf[k] = (char)tolower((unsigned char)uri[k]);
	buf[i] = '\0';
	return i;
}

/*
 * An absolute URI of plain ASCII with no escapes: what xmlBuildURI() and
 * the decoding below would give back unchanged, so both are skipped (most
 * links in a feed are such, and the two showed in the profile).
 */
static int
html_absolute(const char *uri, size_t len)
{
	const char	*p = uri;

	if (!HC(*p, HC_ALPHA))
		return 0;
	while (HC(*p, HC_ALPHA | HC_DIGIT) || *p == '+' || *p == '-' ||
	    *p == '.')
		p++;
	if (*p != ':')
		return 0;
	len -= (size_t)(p - uri);
	return html_scan(p, len, HTML_STOP_URL) == len;
}

/* Does resolving uri (len bytes) against base give uri back as it is? */
static int
html_keeps(const char *uri, size_t len, const char *base)
{
	return base == NULL || *base == '\0' || html_absolute(uri, len);
}

/*
 * uri resolved against base (RFC 3986), or a copy of uri.  libxml2 takes
 * only ASCII, so other bytes are percent-encoded for it and decoded back.
 */
char *
html_resolve(const char *uri, const char *base)
{
	struct sbuf	 sb;
	xmlChar		*u;
	const char	*p;
	char		*r;
	unsigned	 c;

	if (html_keeps(uri, strlen(uri), base))
		return xstrdup(uri);
	sbuf_init(&sb);
	for (p = uri; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80 || *p == ' ') {
			sbuf_addc(&sb, '%');
			sbuf_addc(&sb, "0123456789ABCDEF"[(unsigned char)*p >> 4]);
			sbuf_addc(&sb, "0123456789ABCDEF"[*p & 0xf]);
		} else
			sbuf_addc(&sb, *p);
	u = xmlBuildURI((const xmlChar *)sb.sb_buf, (const xmlChar *)base);
	sbuf_free(&sb);
	if (u == NULL)
		return xstrdup(uri);
	sbuf_init(&sb);
	for (p = (const char *)u; *p != '\0'; p++) {
		if (p[0] == '%' && isxdigit((unsigned char)p[1]) &&
		    isxdigit((unsigned char)p[2]) &&
		    sscanf(p + 1, "%2x", &c) == 1 && (c >= 0x80 || c == ' ')) {
			sbuf_addc(&sb, (char)c);
			p += 2;
		} else
			sbuf_addc(&sb, *p);
	}
	xmlFree(u);
	r = sb.sb_buf;
	return r;
}

/* Is "&" at s the start of a reference (and not a bare ampersand)? */
static int
html_isref(const char *s)
{
	size_t	i = 1;

	if (s[i] == '#') {
		i++;
		if (s[i] == 'x' || s[i] == 'X') {
			i++;
			if (!isxdigit((unsigned char)s[i]))
				return 0;
			while (isxdigit((unsigned char)s[i]))
				i++;
		} else {
			if (!isdigit((unsigned char)s[i]))
				return 0;
			while (isdigit((unsigned char)s[i]))
				i++;
		}
		return s[i] == ';';
	}
	if (!html_isword(s[i]))
		return 0;
	while (html_isword(s[i]))
		i++;
	return s[i] == ';';
}

/*
 * Appends name="v", v (vlen bytes) escaped; the runs that need nothing in
 * one copy.
 */
static void
html_addattr(struct sbuf *sb, const char *name, size_t nlen, const char *v,
    size_t vlen)
{
	const char	*end = v + vlen;
	size_t		 n;

	sbuf_addc(sb, ' ');
	sbuf_add(sb, name, nlen);
	HTML_ADDLIT(sb, "=\"");
	for (;;) {
		n = html_scan(v, (size_t)(end - v), HTML_STOP_ESC);
		sbuf_add(sb, v, n);
		v += n;
		if (v == end || *v == '\0')
			break;
		if (*v == '>')
			HTML_ADDLIT(sb, "&gt;");
		else if (*v == '<')
			HTML_ADDLIT(sb, "&lt;");
		else if (*v == '"')
			HTML_ADDLIT(sb, "&quot;");
		else if (!html_isref(v))
			HTML_ADDLIT(sb, "&amp;");
		else
			sbuf_addc(sb, '&');
		v++;
	}
	sbuf_addc(sb, '"');
}

/*
 * Appends a URL attribute: value resolved against base, "" when its scheme
 * is unsafe (feedparser).  Most links are absolute already: they go out
 * from where they are, not from a copy.
 */
static void
html_addurl(struct sbuf *sb, const char *name, size_t nlen, const char *value,
    size_t vlen, const char *base)
{
	char		 scheme[32], *abs = NULL;
	const char	*u = value;
	size_t		 n;

	if (!html_keeps(value, vlen, base)) {
		u = abs = html_resolve(value, base);
		vlen = strlen(abs);
	}
	n = html_scheme(u, scheme, sizeof(scheme));
	if (n > 0 && !(html_names_lookup(scheme, n) & HN_SCHEME)) {
		u = "";
		vlen = 0;
	}
	html_addattr(sb, name, nlen, u, vlen);
	free(abs);
}

/* By name alone: duplicates are merged, so no two names are equal. */
static int
html_attrcmp(const void *a, const void *b)
{
	const struct html_attr *x = a, *y = b;

	return strcmp(x->ha_name, y->ha_name);
}

/* ASCII tolower(): the C locale's, without a call per byte. */
static char
html_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Tags up to this long are taken apart on the stack instead of the heap. */
#define HTML_TAG_STACK	256

/* Writes the attributes of a start tag, sorted, allowed ones only. */
static void
html_attrs(struct html_san *hs, struct html_attr *at, size_t nat)
{
	size_t		 i, j, n, vlen;
	char		*name, *val, *t;
	unsigned	 bits;

	if (nat > 1)
		qsort(at, nat, sizeof(*at), html_attrcmp);
	for (i = 0; i < nat; i++) {
		name = at[i].ha_name;
		n = at[i].ha_nlen;
		val = at[i].ha_value;
		vlen = at[i].ha_vlen;
		bits = html_names_lookup(name, n);
		if (bits & HN_LOWER)
			for (j = 0; j < vlen; j++)
				val[j] = html_lower(val[j]);
		if (bits & HN_STYLE) {
			t = html_style(val);
			if (*t != '\0')
				html_addattr(&hs->hs_out, name, n, t,
				    strlen(t));
			free(t);
		} else if (!(bits & HN_ATTR)) {
			continue;
		} else if (bits & HN_URL) {
			for (; vlen > 0 && HC(*val, HC_SPACE); vlen--)
				val++;
			/* An empty URL stays empty, not the base. */
			if (vlen == 0)
				html_addattr(&hs->hs_out, name, n, "", 0);
			else
				html_addurl(&hs->hs_out, name, n, val, vlen,
				    hs->hs_base);
		} else
			html_addattr(&hs->hs_out, name, n, val, vlen);
	}
}

/*
 * A start tag from s[0] == '<' to end (exclusive, at '>' or '<').
 * sgmllib ends a tag at the first '<' or '>', quotes or not.
 */
static void
html_starttag(struct html_san *hs, const char *s, const char *end)
{
	/*
	 * Names (lowered) and values are copied to one arena, each with a
	 * NUL: every attribute takes at least a byte of the tag, so 3 bytes
	 * of arena and one entry per byte of the tag always do.
	 */
	char			 stack[3 * HTML_TAG_STACK + 1];
	struct html_attr	 stackat[HTML_TAG_STACK];
	struct html_attr	*at = stackat;
	size_t			 nat = 0, i, n, tl = (size_t)(end - s);
	const char		*p = s + 1, *nm, *v, *t;
	char			 tag[64], *arena = stack, *fill, *name, *val;
	size_t			 vlen;
	unsigned		 bits;

	for (n = 0; p < end && HC(*p, HC_ALPHA | HC_DIGIT | HC_PUNCT); p++)
		if (n + 1 < sizeof(tag))
			tag[n++] = html_lower(*p);
	tag[n] = '\0';
	bits = html_names_lookup(tag, n);
	if (!(bits & HN_ELEM)) {
		if (bits & HN_DROP)
			hs->hs_drop++;
		return;
	}
	/* Nothing is written inside script and the like. */
	if (hs->hs_drop > 0)
		return;
	if (tl > HTML_TAG_STACK) {
		arena = xreallocarray(NULL, tl, 3);
		at = xreallocarray(NULL, tl, sizeof(*at));
	}
	fill = arena;
	for (;;) {
		while (p < end && HC(*p, HC_SPACE))
			p++;
		if (p >= end)
			break;
		/* sgmllib skips what cannot start a name ("i$=..."). */
		if (!HC(*p, HC_ALPHA) && *p != '_') {
			p++;
			continue;
		}
		nm = p;
		while (p < end && HC(*p, HC_ALPHA | HC_DIGIT | HC_PUNCT |
		    HC_COLON))
			p++;
		name = fill;
		for (i = 0; nm + i < p; i++)
			name[i] = html_lower(nm[i]);
		name[i] = '\0';
		fill += i + 1;
		v = p;
		while (v < end && HC(*v, HC_SPACE))
			v++;
		if (v < end && *v == '=') {
			v++;
			while (v < end && HC(*v, HC_SPACE))
				v++;
			if (v < end && (*v == '"' || *v == '\'') &&
			    (t = memchr(v + 1, *v, (size_t)(end - v - 1))) != NULL) {
				nm = v + 1;
				p = t + 1;
			} else {
				nm = v;
				while (v < end && !HC(*v, HC_SPACE))
					v++;
				p = t = v;
			}
			val = fill;
			vlen = (size_t)(t - nm);
			memcpy(val, nm, vlen);
			val[vlen] = '\0';
			fill += vlen + 1;
		} else {
			val = name;
			vlen = i;
		}
		/* The last of duplicate attributes wins (a dict in feedparser). */
		for (n = 0; n < nat; n++)
			if (at[n].ha_nlen == i && memcmp(at[n].ha_name, name, i) == 0)
				break;
		if (n == nat) {
			at[nat].ha_name = name;
			at[nat++].ha_nlen = i;
		}
		at[n].ha_value = val;
		at[n].ha_vlen = vlen;
	}
	n = strlen(tag);
	sbuf_addc(&hs->hs_out, '<');
	sbuf_add(&hs->hs_out, tag, n);
	html_attrs(hs, at, nat);
	if (bits & HN_VOID)
		HTML_ADDLIT(&hs->hs_out, " />");
	else
		sbuf_addc(&hs->hs_out, '>');
	if (arena != stack) {
		free(arena);
		free(at);
	}
}

static void
html_endtag(struct html_san *hs, const char *s, const char *end)
{
	char		tag[64];
	size_t		n = 0;
	unsigned	bits;

	for (s += 2; s < end && HC(*s, HC_SPACE); s++)
		;
	for (; s < end && !HC(*s, HC_SPACE); s++)
		if (n + 1 < sizeof(tag))
			tag[n++] = html_lower(*s);
	tag[n] = '\0';
	bits = html_names_lookup(tag, n);
	if (!(bits & HN_ELEM)) {
		if (hs->hs_drop > 0 && (bits & HN_DROP))
			hs->hs_drop--;
		return;
	}
	if (hs->hs_drop == 0 && !(bits & HN_VOID)) {
		HTML_ADDLIT(&hs->hs_out, "</");
		sbuf_add(&hs->hs_out, tag, n);
		sbuf_addc(&hs->hs_out, '>');
	}
}

/* Appends v in lower-case hexadecimal, as printf()'s %x. */
static void
html_addhex(struct sbuf *sb, uint32_t v)
{
	char	buf[8];
	size_t	n = sizeof(buf);

	do {
		buf[--n] = "0123456789abcdef"[v & 0xf];
		v >>= 4;
	} while (v != 0);
	sbuf_add(sb, buf + n, sizeof(buf) - n);
}

/* A character reference as feedparser writes it back; returns its length. */
static size_t
html_charref(struct html_san *hs, const char *s)
{
	const char	*p = s + 2;
	uint32_t	 v = 0, d;
	int		 hex = 0;
	size_t		 n, used;

	if (*p == 'x' || *p == 'X') {
		hex = 1;
		p++;
		if (!isxdigit((unsigned char)*p))
			return 0;
	} else if (!HC(*p, HC_DIGIT))
		return 0;
	for (;; p++) {
		if (HC(*p, HC_DIGIT))
			d = (uint32_t)(*p - '0');
		else if (hex && isxdigit((unsigned char)*p))
			d = (uint32_t)(html_lower(*p) - 'a' + 10);
		else
			break;
		/* Saturated: past U+10FFFF only the number of digits matters. */
		if (v <= 0x10ffff)
			v = v * (hex ? 16 : 10) + d;
	}
	/* sgmllib wants a terminator; the end of the text is none. */
	if (*p == '\0')
		return 0;
	n = (size_t)(p - s - 2);
	used = (size_t)(p - s) + (*p == ';');
	if (hs->hs_drop > 0)
		return used;
	if (n >= 15) {
		/* Too long for feedparser's buffer: U+FFFD. */
		HTML_ADDLIT(&hs->hs_out, "&#xfffd;");
	} else if (v <= 0x9f && html_c1(v) != v) {
		HTML_ADDLIT(&hs->hs_out, "&#x");
		html_addhex(&hs->hs_out, html_c1(v));
		sbuf_addc(&hs->hs_out, ';');
	} else {
		HTML_ADDLIT(&hs->hs_out, "&#");
		for (size_t i = 0; i < n; i++)
			sbuf_addc(&hs->hs_out, html_lower(s[2 + i]));
		sbuf_addc(&hs->hs_out, ';');
	}
	return used;
}

static size_t
html_entref(struct html_san *hs, const char *s)
{
	const char	*p = s + 1;
	size_t		 n;

	if (!HC(*p, HC_ALPHA))
		return 0;
	while (HC(*p, HC_ALPHA | HC_DIGIT) || *p == '-' || *p == '.')
		p++;
	if (*p == '\0')
		return 0;
	n = (size_t)(p - s - 1);
	if (hs->hs_drop == 0) {
		if (html_names_lookup(s + 1, n) & HN_ENTITY) {
			sbuf_add(&hs->hs_out, s, n + 1);
			sbuf_addc(&hs->hs_out, ';');
		} else {
			HTML_ADDLIT(&hs->hs_out, "&amp;");
			sbuf_add(&hs->hs_out, s + 1, n);
		}
	}
	return (size_t)(p - s) + (*p == ';');
}

/*
 * Copies html[*from..i) to sb, which it starts on the first call, and
 * moves *from to next, past what the caller writes in its stead.
 */
static void
html_edit(struct sbuf *sb, const char *html, size_t len, size_t *from,
    size_t i, size_t next)
{
	if (sb->sb_buf == NULL)
		html_sbuf(sb, len + 16);
	sbuf_add(sb, html + *from, i - *from);
	*from = next;
}

/*
 * feedparser's feed() rewrites before tokenizing: the rewritten text, its
 * length in *outlen, or NULL when nothing is rewritten (most HTML of most
 * feeds): then html itself is what to tokenize, and was not copied.
 */
static char *
html_prepare(const char *html, size_t len, size_t *outlen)
{
	struct sbuf	 sb = { 0 };
	size_t		 i, j, k, from = 0;
	const char	*tag, *nul;

	for (i = 0; i < len; i++) {
		i += html_plain(html + i, len - i);
		if (i == len)
			break;
		if (html[i] == '<' && i + 1 < len && html[i + 1] == '!' &&
		    !(len - i >= 9 && strncasecmp(html + i, "<!DOCTYPE", 9) == 0) &&
		    !(len - i >= 4 && strncmp(html + i, "<!--", 4) == 0) &&
		    !(len - i >= 3 && html[i + 2] == '[' &&
		    !(len - i >= 9 && strncmp(html + i, "<![CDATA[", 9) == 0))) {
			html_edit(&sb, html, len, &from, i, i + 1);
			HTML_ADDLIT(&sb, "&lt;");
			continue;
		}
		if (html[i] == '<') {
			/* <br/> and <p /> (no attributes) */
			for (j = i + 1; j < len && html[j] != '<' &&
			    html[j] != '>' && html[j] != '/' &&
			    !HC(html[j], HC_SPACE); j++)
				;
			k = j;
			while (k < len && HC(html[k], HC_SPACE))
				k++;
			if (j > i + 1 && k + 1 < len && html[k] == '/' &&
			    html[k + 1] == '>') {
				html_edit(&sb, html, len, &from, i, k + 2);
				/* The name ends at a NUL, were there one. */
				tag = html + i + 1;
				if ((nul = memchr(tag, '\0', j - i - 1)) != NULL)
					j = (size_t)(nul - html);
				sbuf_addc(&sb, '<');
				sbuf_add(&sb, tag, j - i - 1);
				if (html_names_lookup(tag, j - i - 1) & HN_VOID)
					HTML_ADDLIT(&sb, " />");
				else {
					HTML_ADDLIT(&sb, "></");
					sbuf_add(&sb, tag, j - i - 1);
					sbuf_addc(&sb, '>');
				}
				i = k + 1;
				continue;
			}
		}
		/* "&#39;" and "&#34;" (compared in line: strncmp() showed). */
		if (html[i] == '&' && len - i >= 5 && html[i + 1] == '#' &&
		    html[i + 2] == '3' && (html[i + 3] == '9' ||
		    html[i + 3] == '4') && html[i + 4] == ';') {
			html_edit(&sb, html, len, &from, i, i + 5);
			sbuf_addc(&sb, html[i + 3] == '9' ? '\'' : '"');
			i += 4;
			continue;
		}
		if (html[i] == '\0')
			html_edit(&sb, html, len, &from, i, i + 1);
	}
	if (sb.sb_buf == NULL)
		return NULL;
	sbuf_add(&sb, html + from, len - from);
	/* The buffer is handed over as is (sbuf_detach() would allocate). */
	*outlen = sb.sb_len;
	return sb.sb_buf;
}

/*
 * Where the tag at p ends: its '>', a '<' that starts another, or the
 * NUL.  Quoted attribute values may hold either ("cat<br />dog").
 */
static const char *
html_tagend(const char *p)
{
	const char	*q, *close;

	for (q = p + 1; ; q++) {
		while (!HC(*q, HC_TAGEND))
			q++;
		if (*q == '\0' || *q == '<' || *q == '>')
			return q;
		if (q[-1] == '=' && (close = strchr(q + 1, *q)) != NULL)
			q = close;
	}
}

/* Trims out (len bytes) and turns CRLF into LF, as feedparser does. */
static char *
html_finish(char *out, size_t len)
{
	size_t	 start, end;
	char	*p, *q;

	for (start = 0; start < len && HC(out[start], HC_SPACE); start++)
		;
	for (end = len; end > start && HC(out[end - 1], HC_SPACE); end--)
		;
	if (start > 0)
		memmove(out, out + start, end - start);
	out[end -= start] = '\0';
	if ((q = memchr(out, '\r', end)) == NULL)
		return out;
	for (p = q; (size_t)(q - out) < end; q++) {
		if (*q == '\r' && (size_t)(q + 1 - out) < end && q[1] == '\n')
			continue;
		*p++ = *q;
	}
	*p = '\0';
	return out;
}

char *
html_sanitize(const char *html, size_t len, const char *base)
{
	struct html_san	 hs;
	char		*src;
	const char	*p, *q, *e;
	size_t		 n = len;

	/* Text without tags or references only needs trimming (titles). */
	if (html_plain(html, len) == len) {
		src = xmalloc(len + 1);
		memcpy(src, html, len);
		return html_finish(src, len);
	}
	memset(&hs, 0, sizeof(hs));
	html_sbuf(&hs.hs_out, len + 16);
	hs.hs_base = base;
	src = html_prepare(html, len, &n);
	p = src != NULL ? src : html;
	for (e = p + n; *p != '\0'; ) {
		q = p + html_plain(p, (size_t)(e - p));
		if (q > p) {
			if (hs.hs_drop == 0)
				sbuf_add(&hs.hs_out, p, (size_t)(q - p));
			p = q;
			continue;
		}
		if (*p == '&') {
			n = p[1] == '#' ? html_charref(&hs, p) : html_entref(&hs, p);
			if (n == 0) {
				if (hs.hs_drop == 0)
					sbuf_addc(&hs.hs_out, '&');
				n = 1;
			}
			p += n;
			continue;
		}
		if (p[1] == '!' && p[2] == '-' && p[3] == '-') {
			if ((q = strstr(p + 4, "-->")) != NULL) {
				if (hs.hs_drop == 0)
					sbuf_add(&hs.hs_out, p,
					    (size_t)(q + 3 - p));
				p = q + 3;
			} else if ((q = strstr(p + 4, "--")) != NULL &&
			    (q = strchr(q, '>')) != NULL)
				p = q + 1;
			else
				break;
			continue;
		}
		if (HC(p[1], HC_ALPHA) || (p[1] == '/' && HC(p[2], HC_ALPHA)) ||
		    p[1] == '?' || p[1] == '!') {
			q = html_tagend(p);
			if (*q == '\0') {
				/*
				 * An unfinished tag is text, escaped: were it
				 * glued to more HTML it would become a tag.
				 */
				for (; hs.hs_drop == 0 && *p != '\0'; p++)
					if (*p == '<')
						HTML_ADDLIT(&hs.hs_out, "&lt;");
					else
						sbuf_addc(&hs.hs_out, *p);
				break;
			}
			if (p[1] == '/')
				html_endtag(&hs, p, q);
			else if (HC(p[1], HC_ALPHA))
				html_starttag(&hs, p, q);
			p = *q == '>' ? q + 1 : q;
			continue;
		}
		/* SGML's "<>" and "</>" repeat the last tag: dropped. */
		if (p[1] == '>' || (p[1] == '/' && p[2] == '>')) {
			p += p[1] == '>' ? 2 : 3;
			continue;
		}
		if (hs.hs_drop == 0)
			sbuf_addc(&hs.hs_out, '<');
		p++;
	}
	free(src);
	return html_finish(hs.hs_out.sb_buf, hs.hs_out.sb_len);
}
