/*
 * feed_xml.c: the XML tokenizer that drives feed_sax.c (pure).
 *
 * It reads what the input stage (feed_input.c) hands on: UTF-8, no XML
 * declaration, no comments or processing instructions but an empty one
 * at the end, every '&' a complete reference, every '<' markup.  On that
 * it needs none of what a general XML parser carries, and it costs a
 * fraction of libxml2's push parser, which alone took two thirds of
 * sfeed's whole time on the benchmark's 20 MB file (issue 3, point 9).
 *
 * What it does that the SAX layer relies on: namespaces resolved to
 * their URIs (xml: predeclared), attribute values with literal white
 * space made spaces and references left for feed_attr_copy(), text with
 * references decoded and line ends made "\n", CDATA sections passed on
 * as text, the root's end ending the document.  What it does not: it
 * never expands a declared entity (a DOCTYPE that declares one refuses
 * the document), never reads a DTD, and is lenient where XML is strict,
 * as feedparser's loose parser is: an end tag closes the open elements
 * down to its own and one that closes nothing is ignored, an attribute
 * without a value has an empty one.  Memory is bounded: one piece of
 * markup (a tag, a declaration) may not pass FEED_XML_TOKEN bytes, the
 * nesting FEED_XML_DEPTH levels, as libxml2 allowed without HUGE, and
 * what the open elements keep of names and bindings FEED_XML_SCOPE.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "feed_int.h"
#include "html.h"
#include "util.h"

#define FEED_XML_TOKEN	(1024 * 1024)
#define FEED_XML_DEPTH	256
/* What the open elements' names and namespace bindings may hold. */
#define FEED_XML_SCOPE	(4 * 1024 * 1024)
/* The longest reference the input stage lets through, with '&' and ';'. */
#define FEED_XML_REF	48

/* A namespace binding, in scope from the element that made it down. */
struct feed_ns {
	char	*fn_prefix;	/* "" for the default namespace */
	char	*fn_uri;	/* NULL: undeclared (xmlns="") */
	size_t	 fn_size;	/* bytes of both */
};

/* An open element. */
struct feed_elem {
	size_t		 fe_name;	/* offset of "prefix\0local\0" in fx_names */
	size_t		 fe_plen;	/* prefix length; SIZE_MAX: none */
	size_t		 fe_llen;	/* local name length */
	const char	*fe_uri;
	size_t		 fe_nns;	/* bindings in scope before it */
};

struct feed_xml {
	int		 fx_cdata;	/* inside a CDATA section */
	uint64_t	 fx_off;	/* bytes read before this push */
	struct feed_elem fx_elems[FEED_XML_DEPTH];
	int		 fx_depth;
	struct sbuf	 fx_names;
	struct feed_ns	*fx_ns;
	size_t		 fx_nns, fx_nsalloc;
	size_t		 fx_nsbytes;	/* fn_size of those in scope */
	const char	**fx_attrs;	/* 5 per attribute, as SAX2 has them */
	size_t		 fx_attralloc;
};

/*
 * The first of bytes a, b or c in s[i..n), or n: 16 bytes at a time
 * (SSE2) or 8, for runs of text and of tags are most of a feed and a
 * byte at a time was most of the tokenizer's time.  (A byte of w that
 * is zero where w ^ a*ONES has one is a byte equal to a.)
 */
#define FEED_ONES	0x0101010101010101ULL
#define FEED_HAS0(w)	(((w) - FEED_ONES) & ~(w) & (FEED_ONES << 7))

static inline __attribute__((always_inline)) size_t
feed_xml_find3(const char *s, size_t i, size_t n, char a, char b, char c)
{
	uint64_t	w;
#ifdef __SSE2__
	const __m128i	va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b);
	const __m128i	vc = _mm_set1_epi8(c);
	__m128i		v;
	int		m;

	for (; i + 16 <= n; i += 16) {
		v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		m = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, va),
		    _mm_or_si128(_mm_cmpeq_epi8(v, vb), _mm_cmpeq_epi8(v, vc))));
		if (m != 0)
			return i + (size_t)__builtin_ctz((unsigned)m);
	}
#endif
	for (; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, sizeof(w));
		if (FEED_HAS0(w ^ (FEED_ONES * (unsigned char)a)) |
		    FEED_HAS0(w ^ (FEED_ONES * (unsigned char)b)) |
		    FEED_HAS0(w ^ (FEED_ONES * (unsigned char)c)))
			break;
	}
	while (i < n && s[i] != a && s[i] != b && s[i] != c)
		i++;
	return i;
}

/* XML's white space, and for speed a table of it. */
static const unsigned char feed_xml_ws[256] = {
	[' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1
};
/* What ends an element's name (1), and its colon (2). */
static const unsigned char feed_xml_nm[256] = {
	[' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1, ['/'] = 1, [':'] = 2
};

static inline int
feed_xml_space(unsigned char c)
{
	return feed_xml_ws[c];
}

struct feed_xml *
feed_xml_new(void)
{
	struct feed_xml	*fx;

	fx = xcalloc(1, sizeof(*fx));
	sbuf_init(&fx->fx_names);
	return fx;
}

void
feed_xml_free(struct feed_xml *fx)
{
	size_t	i;

	if (fx == NULL)
		return;
	for (i = 0; i < fx->fx_nns; i++) {
		free(fx->fx_ns[i].fn_prefix);
		free(fx->fx_ns[i].fn_uri);
	}
	free(fx->fx_ns);
	free(fx->fx_attrs);
	sbuf_free(&fx->fx_names);
	free(fx);
}

static void
feed_xml_fail(struct feed_parser *fp, uint64_t off, const char *what)
{
	char	msg[120];

	snprintf(msg, sizeof(msg), "byte %llu: %s", (unsigned long long)off,
	    what);
	feed_fail(fp, msg);
}

/*
 * Text of the field being read, to the SAX layer: plain text straight
 * into the field's buffer while it has room (a million pieces on the
 * benchmark: text between references), the rest through feed_sax_chars().
 */
static inline void
feed_xml_chars(struct feed_parser *fp, const char *s, size_t n)
{
	if (fp->fp_mode != M_XHTML && n < FEED_MAX_FIELD - fp->fp_text.sb_len)
		sbuf_add(&fp->fp_text, s, n);
	else
		feed_sax_chars(fp, s, n);
}

/* Text to the SAX layer, CRs made line ends as XML wants (2.11). */
static void
feed_xml_text(struct feed_parser *fp, const char *s, size_t n)
{
	const char	*cr;

	if (fp->fp_field == F_NONE)
		return;
	while (n > 0 && (cr = memchr(s, '\r', n)) != NULL) {
		if (cr > s)
			feed_sax_chars(fp, s, (size_t)(cr - s));
		feed_sax_chars(fp, "\n", 1);
		n -= (size_t)(cr - s) + 1;
		s = cr + 1;
		if (n > 0 && *s == '\n') {
			s++;
			n--;
		}
	}
	if (n > 0)
		feed_sax_chars(fp, s, n);
}

/*
 * The text of the reference name (between '&' and ';') into out, as XML
 * reads it: the five predefined names, character references as the code
 * point they name (the input stage let only XML characters through), and
 * the HTML names feeds use undeclared; any other name stays as written,
 * so no text is lost.
 */
static size_t
feed_xml_deref(const char *name, size_t len, char *out)
{
	uint32_t	cp = 0;
	size_t		i, n;
	int		hex;

	if (len >= 2 && name[0] == '#') {
		hex = name[1] == 'x';
		for (i = hex ? 2 : 1; i < len; i++) {
			unsigned char c = (unsigned char)name[i];

			if (cp > 0x10ffff)
				break;
			if (c >= '0' && c <= '9')
				cp = cp * (hex ? 16 : 10) + (c - '0');
			else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
				cp = cp * 16 + (uint32_t)((c | 0x20) - 'a' + 10);
			else
				break;
		}
		if (i == len && cp > 0 && cp <= 0x10ffff)
			return html_utf8(cp, out);
	} else if (len == 2 && name[1] == 't' && (name[0] == 'l' ||
	    name[0] == 'g')) {
		out[0] = name[0] == 'l' ? '<' : '>';
		return 1;
	} else if (len == 3 && memcmp(name, "amp", 3) == 0) {
		out[0] = '&';
		return 1;
	} else if (len == 4 && (memcmp(name, "quot", 4) == 0 ||
	    memcmp(name, "apos", 4) == 0)) {
		out[0] = name[0] == 'q' ? '"' : '\'';
		return 1;
	} else if (len == 4 && (memcmp(name, "lang", 4) == 0 ||
	    memcmp(name, "rang", 4) == 0)) {
		/* HTML 4, which feeds were written for, had these elsewhere. */
		memcpy(out, name[0] == 'l' ? "\xe2\x8c\xa9" : "\xe2\x8c\xaa", 3);
		return 3;
	} else if ((n = html_entity_decode(name, len, out)) > 0)
		return n;
	out[0] = '&';
	memcpy(out + 1, name, len);
	out[len + 1] = ';';
	return len + 2;
}

/* At a '&' in text: the bytes used, 0 to wait for more. */
static size_t
feed_xml_ref(struct feed_parser *fp, const char *s, size_t n, int final)
{
	const char	*semi;
	char		 buf[FEED_XML_REF + HTML_ENTITY_MAX];
	size_t		 len;

	/* Names are short: no memchr() call. */
	for (semi = s + 1; semi < s + (n < FEED_XML_REF ? n : FEED_XML_REF) &&
	    *semi != ';'; semi++)
		;
	if (semi == s + n || semi == s + FEED_XML_REF) {
		if (!final && n < FEED_XML_REF)
			return 0;
		/* Not from the input stage: the '&' is text. */
		feed_xml_text(fp, "&", 1);
		return 1;
	}
	if (fp->fp_field != F_NONE) {
		len = feed_xml_deref(s + 1, (size_t)(semi - s - 1), buf);
		feed_xml_chars(fp, buf, len);
	}
	return (size_t)(semi - s) + 1;
}

/* The URI bound to prefix ("" the default), NULL when none is. */
static const char *
feed_xml_lookup(const struct feed_xml *fx, const char *prefix)
{
	size_t	i;

	if (prefix[0] == 'x' && strcmp(prefix, "xml") == 0)
		return NS_XML;
	for (i = fx->fx_nns; i > 0; i--)
		if (fx->fx_ns[i - 1].fn_prefix[0] == prefix[0] &&
		    strcmp(fx->fx_ns[i - 1].fn_prefix, prefix) == 0)
			return fx->fx_ns[i - 1].fn_uri;
	return NULL;
}

static void
feed_xml_bind(struct feed_xml *fx, const char *prefix, const char *v,
    const char *end)
{
	char	*uri;

	if (fx->fx_nns == fx->fx_nsalloc) {
		fx->fx_nsalloc = fx->fx_nsalloc ? fx->fx_nsalloc * 2 : 16;
		fx->fx_ns = xreallocarray(fx->fx_ns, fx->fx_nsalloc,
		    sizeof(*fx->fx_ns));
	}
	uri = feed_attr_copy(v, (size_t)(end - v));
	if (uri[0] == '\0') {
		free(uri);
		uri = NULL;
	}
	fx->fx_ns[fx->fx_nns].fn_prefix = xstrdup(prefix);
	fx->fx_ns[fx->fx_nns].fn_uri = uri;
	fx->fx_ns[fx->fx_nns].fn_size = strlen(prefix) +
	    (uri != NULL ? strlen(uri) : 0);
	fx->fx_nsbytes += fx->fx_ns[fx->fx_nns].fn_size;
	fx->fx_nns++;
}

/* Ends the innermost open element. */
static void
feed_xml_pop(struct feed_parser *fp)
{
	struct feed_xml		*fx = fp->fp_xml;
	struct feed_elem	*e = &fx->fx_elems[--fx->fx_depth];
	const char		*name = fx->fx_names.sb_buf + e->fe_name;
	const char		*prefix = NULL, *local = name;

	if (e->fe_plen != SIZE_MAX) {
		prefix = name;
		local = name + e->fe_plen + 1;
	}
	feed_sax_end(fp, local, prefix, e->fe_uri);
	while (fx->fx_nns > e->fe_nns) {
		fx->fx_nns--;
		fx->fx_nsbytes -= fx->fx_ns[fx->fx_nns].fn_size;
		free(fx->fx_ns[fx->fx_nns].fn_prefix);
		free(fx->fx_ns[fx->fx_nns].fn_uri);
	}
	fx->fx_names.sb_len = e->fe_name;
}

/* Does open element e have the name written in an end tag? */
static int
feed_xml_is(const struct feed_xml *fx, const struct feed_elem *e,
    const char *name, size_t len)
{
	const char	*s = fx->fx_names.sb_buf + e->fe_name;

	if (e->fe_plen == SIZE_MAX)
		return e->fe_llen == len && memcmp(s, name, len) == 0;
	return len == e->fe_plen + 1 + e->fe_llen && name[e->fe_plen] == ':' &&
	    memcmp(s, name, e->fe_plen) == 0 &&
	    memcmp(s + e->fe_plen + 1, name + e->fe_plen + 1, e->fe_llen) == 0;
}

/* "</name>": closes down to the element it names, if one is open. */
static void
feed_xml_end(struct feed_parser *fp, const char *name, size_t len)
{
	struct feed_xml	*fx = fp->fp_xml;
	int		 d;

	while (len > 0 && feed_xml_space((unsigned char)name[len - 1]))
		len--;
	for (d = fx->fx_depth; d > 0; d--)
		if (feed_xml_is(fx, &fx->fx_elems[d - 1], name, len))
			break;
	while (d > 0 && fx->fx_depth >= d && !fp->fp_done && !fp->fp_failed)
		feed_xml_pop(fp);
}

/* A literal white space in an attribute value is a space (XML 3.3.3). */
static char *
feed_xml_attnorm(char *v, char *end)
{
	char	*o = v;

	for (; v < end; v++) {
		if (*v == '\r' && v + 1 < end && v[1] == '\n')
			v++;
		*o++ = feed_xml_space((unsigned char)*v) ? ' ' : *v;
	}
	return o;
}

static void
feed_xml_attr_add(struct feed_xml *fx, size_t na, const char *name,
    const char *v, const char *ve)
{
	if (na == fx->fx_attralloc) {
		fx->fx_attralloc = fx->fx_attralloc ? fx->fx_attralloc * 2 : 16;
		fx->fx_attrs = xreallocarray(fx->fx_attrs, fx->fx_attralloc,
		    5 * sizeof(*fx->fx_attrs));
	}
	fx->fx_attrs[na * 5] = name;
	fx->fx_attrs[na * 5 + 1] = NULL;
	fx->fx_attrs[na * 5 + 2] = NULL;
	fx->fx_attrs[na * 5 + 3] = v;
	fx->fx_attrs[na * 5 + 4] = ve;
}

/*
 * Cuts the attributes of a start tag (p to end) into strings, in place;
 * returns their count.  A value's end is a pointer: its references are
 * left for feed_attr_copy().
 */
static size_t
feed_xml_attrs(struct feed_xml *fx, char *p, char *end)
{
	size_t	 na = 0;
	char	*an, *ae, *v, *ve, q;

	for (;;) {
		while (p < end && (feed_xml_space((unsigned char)*p) ||
		    *p == '/' || *p == '\0'))
			p++;
		if (p >= end)
			break;
		an = p;
		while (p < end && !feed_xml_space((unsigned char)*p) &&
		    *p != '=' && *p != '/' && *p != '\0')
			p++;
		ae = p;
		while (p < end && feed_xml_space((unsigned char)*p))
			p++;
		v = ve = ae;
		if (p < end && *p == '=') {
			p++;
			while (p < end && feed_xml_space((unsigned char)*p))
				p++;
			if (p < end && (*p == '"' || *p == '\'')) {
				q = *p++;
				v = p;
				while (p < end && *p != q)
					p++;
				ve = p;
				if (p < end)
					p++;
			} else {
				v = p;
				while (p < end && !feed_xml_space((unsigned char)*p))
					p++;
				ve = p;
			}
			ve = feed_xml_attnorm(v, ve);
		}
		if (ae == an)
			continue;
		/* Past the value, or the value is empty: the NUL hurts none. */
		*ae = '\0';
		feed_xml_attr_add(fx, na++, an, v, ve);
	}
	return na;
}

/* Splits "prefix:local" at its colon; returns the prefix or NULL. */
static char *
feed_xml_qname(char *name, char **local)
{
	char	*colon;

	/* Names are short: a loop, not a strchr() call. */
	for (colon = name; *colon != '\0' && *colon != ':'; colon++)
		;
	if (*colon == '\0')
		colon = NULL;

	if (colon == NULL || colon == name || colon[1] == '\0') {
		*local = name;
		return NULL;
	}
	*colon = '\0';
	*local = colon + 1;
	return name;
}

/* A start tag, s..end between '<' and '>'. */
static void
feed_xml_start(struct feed_parser *fp, char *s, size_t len,
    uint64_t off)
{
	struct feed_xml		*fx = fp->fp_xml;
	struct feed_elem	*e;
	char			*p, *end, *name, *local, *prefix, *alocal, *colon;
	const char		*uri;
	size_t			 na, i, k, nns = fx->fx_nns, plen, llen;
	int			 empty;

	if (fx->fx_depth >= FEED_XML_DEPTH) {
		feed_xml_fail(fp, off, "elements nested over 256 deep");
		return;
	}
	/* "<a href=x/>": the '/' ends the tag, not the value. */
	if ((empty = len > 0 && s[len - 1] == '/'))
		len--;
	/* Cut in place: the tag is used up after this (fp_buf is ours). */
	p = name = s;
	end = s + len;
	*end = '\0';
	/* The name, its first colon noted on the way. */
	colon = NULL;
	for (;;) {
		while (p < end && !feed_xml_nm[(unsigned char)*p])
			p++;
		if (p == end || feed_xml_nm[(unsigned char)*p] != 2)
			break;
		if (colon == NULL)
			colon = p;
		p++;
	}
	llen = (size_t)(p - name);
	if (p < end)
		*p++ = '\0';
	na = feed_xml_attrs(fx, p, end);
	/* Bindings first: they hold for the element's own names too. */
	for (i = k = 0; i < na; i++) {
		const char *an = fx->fx_attrs[i * 5];

		if (an[0] == 'x' && strncmp(an, "xmlns", 5) == 0 &&
		    (an[5] == '\0' || (an[5] == ':' && an[6] != '\0'))) {
			feed_xml_bind(fx, an[5] == '\0' ? "" : an + 6,
			    fx->fx_attrs[i * 5 + 3], fx->fx_attrs[i * 5 + 4]);
			continue;
		}
		if (k != i)
			memcpy(&fx->fx_attrs[k * 5], &fx->fx_attrs[i * 5],
			    5 * sizeof(*fx->fx_attrs));
		k++;
	}
	na = k;
	for (i = 0; i < na; i++) {
		if ((prefix = feed_xml_qname((char *)fx->fx_attrs[i * 5],
		    &alocal)) == NULL)
			continue;
		fx->fx_attrs[i * 5] = alocal;
		fx->fx_attrs[i * 5 + 1] = prefix;
		fx->fx_attrs[i * 5 + 2] = feed_xml_lookup(fx, prefix);
	}
	/* As feed_xml_qname(): a colon first or last is part of the name. */
	prefix = NULL;
	local = name;
	if (colon != NULL && colon != name && colon + 1 != name + llen) {
		*colon = '\0';
		prefix = name;
		local = colon + 1;
	}
	uri = feed_xml_lookup(fx, prefix != NULL ? prefix : "");
	/* Each tag is bounded; 256 of them in scope are bounded this far. */
	if (fx->fx_nsbytes + fx->fx_names.sb_len + llen > FEED_XML_SCOPE) {
		feed_xml_fail(fp, off, "open elements hold over 4 MiB of names");
		return;
	}

	e = &fx->fx_elems[fx->fx_depth++];
	e->fe_name = fx->fx_names.sb_len;
	e->fe_plen = SIZE_MAX;
	e->fe_uri = uri;
	e->fe_nns = nns;
	if (prefix != NULL) {
		plen = (size_t)(colon - name);
		e->fe_plen = plen;
		llen -= plen + 1;
	}
	e->fe_llen = llen;
	/* "prefix\0local\0" or "local\0", copied whole. */
	sbuf_add(&fx->fx_names, name, (size_t)(local - name) + llen + 1);
	feed_sax_start(fp, local, prefix, uri, (int)na, fx->fx_attrs);
	if (empty && !fp->fp_failed && !fp->fp_done)
		feed_xml_pop(fp);
}

/* Where markup starting at s with '<' ends ('>' outside quotes), or NULL. */
static const char *
feed_xml_tag_end(const char *s, size_t n)
{
	const char	*q;
	size_t		 i = 1;

	for (;;) {
		if ((i = feed_xml_find3(s, i, n, '>', '"', '\'')) >= n)
			return NULL;
		if (s[i] == '>')
			return s + i;
		if ((q = memchr(s + i + 1, s[i], n - i - 1)) == NULL)
			return NULL;
		i = (size_t)(q - s) + 1;
	}
}

/* A DOCTYPE's end, past its internal subset, or NULL. */
static const char *
feed_xml_decl_end(const char *s, size_t n)
{
	size_t	i;
	int	bracket = 0;
	char	q = 0;

	for (i = 2; i < n; i++) {
		if (q != 0) {
			if (s[i] == q)
				q = 0;
		} else if (s[i] == '"' || s[i] == '\'')
			q = s[i];
		else if (s[i] == '[')
			bracket++;
		else if (s[i] == ']' && bracket > 0)
			bracket--;
		else if (s[i] == '>' && bracket == 0)
			return s + i;
	}
	return NULL;
}

/* Does s (n bytes) start with pat?  1 yes, 0 no, -1 cannot tell yet. */
static int
feed_xml_starts(const char *s, size_t n, const char *pat, size_t len)
{
	if (n < len)
		return memcmp(s, pat, n) == 0 ? -1 : 0;
	return memcmp(s, pat, len) == 0;
}

/* At a '<': the bytes used, 0 to wait for more. */
static size_t
feed_xml_markup(struct feed_parser *fp, char *s, size_t n,
    uint64_t off)
{
	const char	*e;
	int		 m;

	if (n < 2)
		return 0;
	if (s[1] == '/') {
		if ((e = memchr(s, '>', n)) == NULL)
			return 0;
		feed_xml_end(fp, s + 2, (size_t)(e - s - 2));
		return (size_t)(e - s) + 1;
	}
	if (s[1] == '?') {
		if ((e = memmem(s + 2, n - 2, "?>", 2)) == NULL)
			return 0;
		return (size_t)(e - s) + 2;
	}
	if (s[1] != '!') {
		if ((e = feed_xml_tag_end(s, n)) == NULL)
			return 0;
		feed_xml_start(fp, s + 1, (size_t)(e - s - 1), off);
		return (size_t)(e - s) + 1;
	}
	if ((m = feed_xml_starts(s, n, "<!--", 4)) == -1)
		return 0;
	if (m == 1) {
		if ((e = memmem(s + 4, n - 4, "-->", 3)) == NULL)
			return 0;
		return (size_t)(e - s) + 3;
	}
	if ((m = feed_xml_starts(s, n, "<![CDATA[", 9)) == -1)
		return 0;
	if (m == 1) {
		fp->fp_xml->fx_cdata = 1;
		return 9;
	}
	if ((e = feed_xml_decl_end(s, n)) == NULL)
		return 0;
	/* Never expanded, never half read: refused whole. */
	if (memmem(s, (size_t)(e - s), "<!ENTITY", 8) != NULL) {
		fp->fp_refused = 1;
		feed_fail(fp, "document declares entities");
	}
	return (size_t)(e - s) + 1;
}

/* Inside a CDATA section: the bytes used, 0 to wait for more. */
static size_t
feed_xml_cdata(struct feed_parser *fp, const char *s, size_t n, int final)
{
	const char	*e = memmem(s, n, "]]>", 3);
	size_t		 keep;

	if (e != NULL) {
		feed_xml_text(fp, s, (size_t)(e - s));
		fp->fp_xml->fx_cdata = 0;
		return (size_t)(e - s) + 3;
	}
	/* What may be the start of "]]>", or a CR before its LF, waits. */
	keep = final ? 0 : n < 3 ? n : 3;
	if (keep < n && s[n - keep - 1] == '\r')
		keep++;
	feed_xml_text(fp, s, n - keep);
	return n - keep;
}

size_t
feed_xml_run(struct feed_parser *fp, char *s, size_t n, int final)
{
	struct feed_xml	*fx = fp->fp_xml;
	size_t		 i = 0, j, used;

	while (i < n && !fp->fp_failed && !fp->fp_done) {
		if (fx->fx_cdata) {
			if ((used = feed_xml_cdata(fp, s + i, n - i, final)) == 0)
				break;
			i += used;
			continue;
		}
		j = feed_xml_find3(s, i, n, '<', '&', '\r');
		if (j > i && fp->fp_field != F_NONE)
			feed_xml_chars(fp, s + i, j - i);
		if ((i = j) >= n)
			break;
		if (s[i] == '\r') {
			if (i + 1 >= n && !final)
				break;
			feed_xml_text(fp, "\n", 1);
			i += i + 1 < n && s[i + 1] == '\n' ? 2 : 1;
			continue;
		}
		used = s[i] == '&' ? feed_xml_ref(fp, s + i, n - i, final) :
		    feed_xml_markup(fp, s + i, n - i, fx->fx_off + i);
		if (used == 0)
			break;
		i += used;
	}
	if (!final && n - i > FEED_XML_TOKEN && !fp->fp_failed)
		feed_xml_fail(fp, fx->fx_off + i, "markup over 1 MiB long");
	/* At the end, what is cut off is dropped. */
	if (final || fp->fp_failed || fp->fp_done)
		i = n;
	fx->fx_off += i;
	return i;
}
