/*
 * feed_sax.c: the SAX handlers of the feed parser (pure), called by the
 * tokenizer (feed_xml.c).
 *
 * One pass, no tree: each element is mapped to a field by its namespace
 * and name, its text gathered in one buffer, and an item is handed to the
 * caller at its end element and freed.  Field meanings are feedparser's
 * (../shared/conformance/README.md).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


#include "date.h"
#include "feed.h"
#include "feed_int.h"
#include "html.h"
#include "util.h"

static const char *
feed_curbase(const struct feed_parser *fp)
{
	int	d;

	/* Most feeds have no xml:base: asked for every field. */
	if (fp->fp_nbase == 0)
		return fp->fp_url;
	for (d = fp->fp_depth < FEED_MAX_DEPTH ? fp->fp_depth :
	    FEED_MAX_DEPTH - 1; d >= 0; d--)
		if (fp->fp_base[d] != NULL)
			return fp->fp_base[d];
	return fp->fp_url;
}

void
feed_fail(struct feed_parser *fp, const char *msg)
{
	if (!fp->fp_failed) {
		fp->fp_failed = 1;
		util_strlcpy(fp->fp_err, msg, sizeof(fp->fp_err));
	}
}

void
feed_val_set(struct feed_val *v, char *s, int prio)
{
	if (v->fv_str != NULL && v->fv_prio > prio) {
		free(s);
		return;
	}
	free(v->fv_str);
	v->fv_str = s;
	v->fv_prio = prio;
}

void
feed_item_reset(struct feed_parser *fp)
{
	size_t	i;

	for (i = 0; i <= F_AEMAIL; i++) {
		/* Most are unset: free(NULL) is a call all the same. */
		if (fp->fp_v[i].fv_str != NULL) {
			free(fp->fp_v[i].fv_str);
			fp->fp_v[i].fv_str = NULL;
		}
		fp->fp_v[i].fv_prio = 0;
	}
	for (i = 0; i < fp->fp_ncats; i++)
		free(fp->fp_cats[i]);
	free(fp->fp_cats);
	fp->fp_cats = NULL;
	fp->fp_ncats = 0;
	free(fp->fp_about);
	fp->fp_about = NULL;
	fp->fp_guid_link = 1;
	fp->fp_group_depth = 0;
}

static void
feed_add_category(struct feed_parser *fp, char *s)
{
	if (*s == '\0' || fp->fp_ncats >= FEED_MAX_CATEGORIES) {
		free(s);
		return;
	}
	fp->fp_cats = xreallocarray(fp->fp_cats, fp->fp_ncats + 1,
	    sizeof(*fp->fp_cats));
	fp->fp_cats[fp->fp_ncats++] = s;
}

/* Appends to the field text, up to FEED_MAX_FIELD, cut at a UTF-8 boundary. */
static void
feed_text_add(struct feed_parser *fp, const char *s, size_t len)
{
	size_t	room;

	if (fp->fp_text.sb_len >= FEED_MAX_FIELD)
		return;
	room = FEED_MAX_FIELD - fp->fp_text.sb_len;
	if (len > room) {
		len = room;
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
	}
	sbuf_add(&fp->fp_text, s, len);
}

/* Inline XHTML is kept as markup: text must be escaped again. */
static void
feed_text_escaped(struct feed_parser *fp, const char *s, size_t len,
    int attr)
{
	size_t	i, start = 0;
	const char *rep;

	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '&':
			rep = "&amp;";
			break;
		case '"':
			rep = attr ? "&quot;" : NULL;
			break;
		default:
			rep = NULL;
		}
		if (rep == NULL)
			continue;
		feed_text_add(fp, s + start, i - start);
		feed_text_add(fp, rep, strlen(rep));
		start = i + 1;
	}
	feed_text_add(fp, s + start, len - start);
}

/*
 * Elements inside a text field ("naked markup" in Atom 0.3): from there
 * on the field is markup, and the text so far must be escaped.
 */
static void
feed_field_to_markup(struct feed_parser *fp)
{
	char	*old;
	size_t	 len;

	if (fp->fp_field != F_TITLE && fp->fp_field != F_SUMMARY &&
	    fp->fp_field != F_CONTENT)
		return;
	len = fp->fp_text.sb_len;
	old = xstrndup(fp->fp_text.sb_buf, len);
	sbuf_reset(&fp->fp_text);
	feed_text_escaped(fp, old, len, 0);
	free(old);
	fp->fp_mode = M_XHTML;
}

/* Starts reading a field's text; mode from the type (and Atom 0.3 mode). */
static void
feed_field_start(struct feed_parser *fp, enum feed_field f, int prio,
    int nattr, const char **attrs)
{
	char	*type, *mode;
	int	 atom = fp->fp_kind == KIND_ATOM;

	fp->fp_field = f;
	fp->fp_field_depth = fp->fp_depth;
	fp->fp_field_prio = prio;
	sbuf_reset(&fp->fp_text);
	/* Not copied: it outlives the field (feed_sax_end()). */
	fp->fp_field_base = feed_curbase(fp) ? feed_curbase(fp) : "";
	fp->fp_mode = (f == F_SUMMARY || f == F_CONTENT) ? M_HTML : M_TEXT;
	/* RFC 4287 4.1.3.1: a div wraps inline XHTML; feedparser drops it. */
	fp->fp_strip_div = fp->fp_atom10;
	if (!atom && f != F_TITLE)
		return;
	type = feed_attr(nattr, attrs, NULL, "type");
	mode = feed_attr(nattr, attrs, NULL, "mode");
	if (atom)
		fp->fp_mode = M_TEXT;
	if (type != NULL) {
		for (char *t = type; *t != '\0'; t++)
			*t = (char)tolower((unsigned char)*t);
		feed_trim(type);
		if (strcmp(type, "html") == 0 || strcmp(type, "text/html") == 0) {
			fp->fp_mode = M_HTML;
		} else if (strcmp(type, "xhtml") == 0 ||
		    strcmp(type, "application/xhtml+xml") == 0) {
			fp->fp_mode = M_XHTML;
		} else if (strcmp(type, "text") == 0 ||
		    strncmp(type, "text/", 5) == 0 || *type == '\0') {
			fp->fp_mode = M_TEXT;
		} else if (strstr(type, "xml") != NULL) {
			fp->fp_mode = M_XHTML;
		} else if (atom && fp->fp_atom10) {
			/* RFC 4287 4.1.3.3: other types are base64. */
			fp->fp_mode = M_BASE64;
		}
	}
	if (mode != NULL) {
		if (strcmp(mode, "base64") == 0)
			fp->fp_mode = M_BASE64;
		else if (strcmp(mode, "escaped") == 0 && fp->fp_mode == M_XHTML)
			fp->fp_mode = M_HTML;
	}
	free(type);
	free(mode);
}

/* Text of the field as feedparser gives it: decoded, sanitized if HTML. */
static char *
feed_field_value(struct feed_parser *fp)
{
	char	*s, *r;
	size_t	 len;
	int	 html;

	/* Both mend only characters written with a C2 or C3 byte. */
	if (feed_has_latin1(fp->fp_text.sb_buf, fp->fp_text.sb_len)) {
		if (feed_input_utf8(fp->fp_in))
			feed_undouble(&fp->fp_text);
		feed_demoronize(&fp->fp_text);
	}
	s = fp->fp_text.sb_buf;
	len = fp->fp_text.sb_len;
	if (fp->fp_mode == M_BASE64) {
		len = feed_base64(s);
		fp->fp_text.sb_len = len;
		html = 1;
	} else
		html = fp->fp_mode != M_TEXT;
	if (fp->fp_field == F_TITLE && fp->fp_mode == M_TEXT &&
	    fp->fp_kind != KIND_ATOM && feed_looks_html(s))
		html = 1;
	if (!html || (fp->fp_field != F_TITLE && fp->fp_field != F_SUMMARY &&
	    fp->fp_field != F_CONTENT))
		return feed_trimn(xstrndup(s, len), len);
	r = html_sanitize(s, len, fp->fp_field_base);
	/* Resolved URLs and escapes may have made it longer than the limit. */
	if ((len = strlen(r)) > FEED_MAX_FIELD) {
		len = FEED_MAX_FIELD;
		while (len > 0 && ((unsigned char)r[len] & 0xc0) == 0x80)
			len--;
		r[len] = '\0';
	}
	return r;
}

void
feed_author_flush(struct feed_parser *fp)
{
	struct feed_val	*n = &fp->fp_v[F_ANAME], *e = &fp->fp_v[F_AEMAIL];
	char		*a = NULL;

	if (n->fv_str != NULL && *n->fv_str != '\0' && e->fv_str != NULL &&
	    *e->fv_str != '\0')
		a = xasprintf("%s (%s)", n->fv_str, e->fv_str);
	else if (n->fv_str != NULL && *n->fv_str != '\0')
		a = xstrdup(n->fv_str);
	else if (e->fv_str != NULL && *e->fv_str != '\0')
		a = xstrdup(e->fv_str);
	if (a != NULL && fp->fp_v[F_AUTHOR].fv_str == NULL)
		feed_val_set(&fp->fp_v[F_AUTHOR], a, 2);
	else
		free(a);
	free(n->fv_str);
	free(e->fv_str);
	n->fv_str = e->fv_str = NULL;
}

void
feed_field_end(struct feed_parser *fp)
{
	enum feed_field	 f = fp->fp_field;
	struct feed_val	*v;
	char		*s;
	long long	 n;

	s = feed_field_value(fp);
	fp->fp_field = F_NONE;
	v = fp->fp_item_depth ? fp->fp_v : fp->fp_fv;
	switch (f) {
	case F_CATEGORY:
		/* Text that is not sanitized HTML came back trimmed. */
		if (fp->fp_item_depth && *s != '\0')
			feed_add_category(fp, s);
		else
			free(s);
		return;
	case F_LINK:
		if (*s == '\0') {
			free(s);
			return;
		}
		if (v[F_LINK].fv_str != NULL) {
			free(s);
			return;
		}
		v[F_LINK].fv_str = html_resolve(s, fp->fp_field_base);
		free(s);
		return;
	case F_ID:
		/* A guid that is a permalink is resolved like a link. */
		if (fp->fp_guid_link && fp->fp_kind == KIND_RSS && s[0] == '/') {
			char *r = html_resolve(s, fp->fp_field_base);
			free(s);
			s = r;
		}
		break;
	case F_TTL:
	case F_SYPERIOD:
	case F_SYFREQ:
		if (fp->fp_item_depth) {
			free(s);
			return;
		}
		break;
	case F_ANAME:
	case F_AEMAIL:
		free(v[f].fv_str);
		v[f].fv_str = s;
		return;
	default:
		break;
	}
	if (f == F_TTL && (n = strtoll(s, NULL, 10)) > 0 && n < 1000000)
		fp->fp_meta.fm_ttl = n * 60;
	feed_val_set(&v[f], s, fp->fp_field_prio);
}

/* Hands the finished item out and forgets it. */
void
feed_item_end(struct feed_parser *fp)
{
	struct feed_item	 it;
	struct feed_val		*v = fp->fp_v;

	if (fp->fp_max_items > 0 && fp->fp_nitems >= fp->fp_max_items) {
		feed_item_reset(fp);
		return;
	}
	memset(&it, 0, sizeof(it));
	if (v[F_ID].fv_str == NULL && fp->fp_about != NULL) {
		v[F_ID].fv_str = fp->fp_about;
		fp->fp_about = NULL;
	}
	if (v[F_LINK].fv_str == NULL && v[F_ID].fv_str != NULL &&
	    fp->fp_guid_link && fp->fp_kind == KIND_RSS &&
	    (strncmp(v[F_ID].fv_str, "http://", 7) == 0 ||
	    strncmp(v[F_ID].fv_str, "https://", 8) == 0))
		v[F_LINK].fv_str = xstrdup(v[F_ID].fv_str);
	if (v[F_SUMMARY].fv_str == NULL && v[F_CONTENT].fv_str != NULL)
		v[F_SUMMARY].fv_str = xstrdup(v[F_CONTENT].fv_str);
	it.fi_id = v[F_ID].fv_str;
	it.fi_title = v[F_TITLE].fv_str;
	it.fi_link = v[F_LINK].fv_str;
	it.fi_author = v[F_AUTHOR].fv_str;
	it.fi_summary = v[F_SUMMARY].fv_str;
	it.fi_content = v[F_CONTENT].fv_str;
	it.fi_published = v[F_PUBLISHED].fv_str ?
	    date_parse(v[F_PUBLISHED].fv_str) : DATE_NONE;
	it.fi_updated = v[F_UPDATED].fv_str ?
	    date_parse(v[F_UPDATED].fv_str) : DATE_NONE;
	it.fi_categories = fp->fp_cats;
	it.fi_ncategories = fp->fp_ncats;
	fp->fp_nitems++;
	if (fp->fp_cb != NULL)
		fp->fp_cb(fp->fp_arg, &it);
	feed_item_reset(fp);
}

/* CDF keeps the link and the date in attributes of CHANNEL and ITEM. */
static void
feed_cdf_attrs(struct feed_parser *fp, struct feed_val *v, int nattr,
    const char **attrs)
{
	char	*a;

	if ((a = feed_attr(nattr, attrs, NULL, "HREF")) != NULL ||
	    (a = feed_attr(nattr, attrs, NULL, "href")) != NULL) {
		feed_val_set(&v[F_LINK], html_resolve(feed_trim(a),
		    feed_curbase(fp)), 2);
		free(a);
	}
	if ((a = feed_attr(nattr, attrs, NULL, "LASTMOD")) != NULL ||
	    (a = feed_attr(nattr, attrs, NULL, "lastmod")) != NULL)
		feed_val_set(&v[F_UPDATED], feed_trim(a), 2);
}

/* The root element decides the format. */
static void
feed_root(struct feed_parser *fp, const char *name, const char *ns,
    int nattr, const char **attrs)
{
	char	*ver;

	if (strcmp(name, "rss") == 0) {
		fp->fp_kind = KIND_RSS;
		ver = feed_attr(nattr, attrs, NULL, "version");
		fp->fp_meta.fm_format = ver != NULL && strncmp(ver, "0.9", 3) == 0 ?
		    "rss0.9x" : "rss2.0";
		free(ver);
	} else if (strcmp(name, "RDF") == 0) {
		fp->fp_kind = KIND_RDF;
		fp->fp_meta.fm_format = "rss1.0";
	} else if (strcmp(name, "feed") == 0) {
		fp->fp_kind = KIND_ATOM;
		ver = feed_attr(nattr, attrs, NULL, "version");
		if ((ns != NULL && strcmp(ns, NS_ATOM03) == 0) ||
		    (ver != NULL && strcmp(ver, "0.3") == 0))
			fp->fp_meta.fm_format = "atom0.3";
		else {
			fp->fp_meta.fm_format = "atom1.0";
			fp->fp_atom10 = 1;
		}
		free(ver);
	} else if (strcasecmp(name, "channel") == 0 && ns == NULL) {
		/* Microsoft's CDF: RSS's ancestor, links in HREF attributes. */
		fp->fp_kind = KIND_CDF;
	} else
		return;
	fp->fp_root = 1;
}

/*
 * An Atom <link>: rel=alternate (or none) with an HTML type is the link.
 * Returns 1 when such a link has no href (its text may be the URL).
 */
static int
feed_atom_link(struct feed_parser *fp, int nattr, const char **attrs)
{
	char		*rel, *href, *type;
	struct feed_val	*v = fp->fp_item_depth ? fp->fp_v : fp->fp_fv;
	int		 ok, notext = 0;

	rel = feed_attr(nattr, attrs, NULL, "rel");
	href = feed_attr(nattr, attrs, NULL, "href");
	type = feed_attr(nattr, attrs, NULL, "type");
	ok = (rel == NULL || strcasecmp(feed_trim(rel), "alternate") == 0) &&
	    (type == NULL || strcasecmp(type, "text/html") == 0 ||
	    strcasecmp(type, "application/xhtml+xml") == 0 ||
	    strcasecmp(type, "html") == 0);
	if (ok && href == NULL && v[F_LINK].fv_str == NULL)
		notext = 1;
	else if (ok && href != NULL && v[F_LINK].fv_str == NULL) {
		v[F_LINK].fv_str = html_resolve(feed_trim(href), feed_curbase(fp));
		v[F_LINK].fv_prio = 2;
	}
	free(rel);
	free(href);
	free(type);
	return notext;
}

static void
feed_serialize_start(struct feed_parser *fp, const char *name,
    const char *prefix, const char *ns, int nattr, const char **attrs)
{
	char	*v;
	int	 i;

	if (fp->fp_strip_div && fp->fp_depth == fp->fp_field_depth + 1 &&
	    strcmp(name, "div") == 0 && ns != NULL &&
	    strcmp(ns, NS_XHTML) == 0 && feed_blank(&fp->fp_text)) {
		fp->fp_strip_div = 2;
		return;
	}
	feed_text_add(fp, "<", 1);
	if (prefix != NULL && (ns == NULL || strcmp(ns, NS_XHTML) != 0)) {
		feed_text_add(fp, prefix, strlen(prefix));
		feed_text_add(fp, ":", 1);
	}
	feed_text_add(fp, name, strlen(name));
	for (i = 0; i < nattr; i++) {
		const char	**a = attrs + i * 5;

		feed_text_add(fp, " ", 1);
		if (a[1] != NULL) {
			feed_text_add(fp, a[1],
			    strlen(a[1]));
			feed_text_add(fp, ":", 1);
		}
		feed_text_add(fp, a[0], strlen(a[0]));
		feed_text_add(fp, "=\"", 2);
		v = feed_attr_copy(a[3], (size_t)(a[4] - a[3]));
		feed_text_escaped(fp, v, strlen(v), 1);
		free(v);
		feed_text_add(fp, "\"", 1);
	}
	feed_text_add(fp, ">", 1);
}

void
feed_sax_start(struct feed_parser *fp, const char *name, const char *prefix,
    const char *uri, int nattr, const char **attrs)
{
	const char		*ns = uri;
	const struct feed_map	*m;
	char			*b, *about;
	int			 d;

	d = ++fp->fp_depth;
	if (d < FEED_MAX_DEPTH) {
		if (fp->fp_base[d] != NULL) {
			free(fp->fp_base[d]);
			fp->fp_base[d] = NULL;
			fp->fp_nbase--;
		}
		if ((b = feed_attr(nattr, attrs, NS_XML, "base")) != NULL) {
			fp->fp_base[d] = html_resolve(feed_trim(b),
			    feed_curbase(fp));
			fp->fp_nbase++;
			free(b);
		}
	}
	if (d == 1) {
		feed_root(fp, name, ns, nattr, attrs);
		if (!fp->fp_root) {
			feed_fail(fp, "not a feed");
			return;
		}
		if (fp->fp_kind == KIND_ATOM || fp->fp_kind == KIND_CDF)
			fp->fp_chan_depth = 1;
		if (fp->fp_kind == KIND_CDF)
			feed_cdf_attrs(fp, fp->fp_fv, nattr, attrs);
		if (ns != NULL && strcmp(ns, NS_RDF) != 0)
			fp->fp_rootns = xstrdup(ns);
		return;
	}
	if (fp->fp_field != F_NONE) {
		/* Markup inside a field is part of its value. */
		if (fp->fp_mode == M_TEXT)
			feed_field_to_markup(fp);
		if (fp->fp_mode == M_XHTML || fp->fp_mode == M_HTML)
			feed_serialize_start(fp, name, prefix, ns,
			    nattr, attrs);
		return;
	}
	/*
	 * The namespace of the root (RSS 2.0 in
	 * "http://backend.userland.com/rss2", an unknown Atom) is read as
	 * no namespace, as feedparser does.
	 */
	if (ns != NULL && fp->fp_rootns != NULL &&
	    strcmp(ns, fp->fp_rootns) == 0)
		ns = NULL;
	if (!feed_core_ns(ns) && ns != NULL && strcmp(ns, NS_RDF) == 0)
		return;
	if (fp->fp_item_depth == 0 && feed_core_ns(ns) &&
	    (((name[0] | 0x20) == 'i' && strcasecmp(name, "item") == 0) ||
	    ((name[0] | 0x20) == 'e' && strcasecmp(name, "entry") == 0)) &&
	    (d == fp->fp_chan_depth + 1 || d == 2 || fp->fp_kind == KIND_RDF)) {
		feed_item_reset(fp);
		fp->fp_item_depth = d;
		if ((about = feed_attr(nattr, attrs, NS_RDF, "about")) != NULL)
			fp->fp_about = feed_trim(about);
		if (fp->fp_kind == KIND_CDF)
			feed_cdf_attrs(fp, fp->fp_v, nattr, attrs);
		return;
	}
	if (fp->fp_item_depth == 0 && fp->fp_chan_depth == 0 &&
	    strcasecmp(name, "channel") == 0 && d == 2) {
		fp->fp_chan_depth = d;
		return;
	}
	/* Atom author: name and email children. */
	if (fp->fp_author_depth && d == fp->fp_author_depth + 1 &&
	    feed_core_ns(ns)) {
		if (strcmp(name, "name") == 0)
			feed_field_start(fp, F_ANAME, 2, 0, NULL);
		else if (strcmp(name, "email") == 0)
			feed_field_start(fp, F_AEMAIL, 2, 0, NULL);
		fp->fp_mode = M_TEXT;
		return;
	}
	/* Media RSS may group an item's title and description. */
	if (fp->fp_item_depth && d == fp->fp_item_depth + 1 && ns != NULL &&
	    strcmp(ns, NS_MEDIA) == 0 && strcmp(name, "group") == 0) {
		fp->fp_group_depth = d;
		return;
	}
	/* Only direct children of the item or channel count (node_precedence). */
	if (fp->fp_item_depth ? d != fp->fp_item_depth + 1 &&
	    !(fp->fp_group_depth && d == fp->fp_group_depth + 1 &&
	    ns != NULL && strcmp(ns, NS_MEDIA) == 0) :
	    (fp->fp_chan_depth == 0 || d != fp->fp_chan_depth + 1))
		return;
	if ((m = feed_lookup(ns, name)) == NULL)
		return;
	if (fp->fp_kind == KIND_ATOM && m->fm_field == F_LINK &&
	    feed_core_ns(ns)) {
		/* Atom 0.3 feeds that put the URL in the text of an alternate. */
		if (feed_atom_link(fp, nattr, attrs))
			feed_field_start(fp, F_LINK, 2, 0, NULL);
		return;
	}
	if (fp->fp_kind == KIND_ATOM && m->fm_field == F_AUTHOR &&
	    feed_core_ns(ns)) {
		if (fp->fp_item_depth)
			fp->fp_author_depth = d;
		return;
	}
	if (m->fm_field == F_CATEGORY && fp->fp_kind == KIND_ATOM &&
	    feed_core_ns(ns)) {
		char *term = feed_attr(nattr, attrs, NULL, "term");

		if (term != NULL && fp->fp_item_depth)
			feed_add_category(fp, feed_trim(term));
		else
			free(term);
		return;
	}
	if (m->fm_field == F_ID && strcmp(name, "guid") == 0) {
		char *pl = feed_attr(nattr, attrs, NULL, "isPermaLink");

		fp->fp_guid_link = pl == NULL ||
		    strcasecmp(feed_trim(pl), "false") != 0;
		free(pl);
	}
	if (!fp->fp_item_depth && m->fm_field != F_TITLE &&
	    m->fm_field != F_LINK && m->fm_field != F_TTL &&
	    m->fm_field != F_SYPERIOD && m->fm_field != F_SYFREQ)
		return;
	if (fp->fp_item_depth && (m->fm_field == F_TTL ||
	    m->fm_field == F_SYPERIOD || m->fm_field == F_SYFREQ))
		return;
	/* RSS with both description and summary: the second is content. */
	if (fp->fp_item_depth && m->fm_field == F_SUMMARY && m->fm_prio == 2 &&
	    fp->fp_v[F_SUMMARY].fv_prio == 2 &&
	    fp->fp_v[F_SUMMARY].fv_str != NULL && fp->fp_kind != KIND_ATOM) {
		if (fp->fp_v[F_CONTENT].fv_str == NULL)
			feed_field_start(fp, F_CONTENT, 2, nattr, attrs);
		return;
	}
	/* Keep the first content (feedparser: "the first content value"). */
	if (fp->fp_item_depth && m->fm_field == F_CONTENT &&
	    fp->fp_v[F_CONTENT].fv_str != NULL)
		return;
	feed_field_start(fp, m->fm_field, m->fm_prio, nattr, attrs);
}

/* The end tag of markup inside an HTML or XHTML field. */
static void
feed_serialize_end(struct feed_parser *fp, int d, const char *lname,
    const char *prefix, const char *uri)
{
	if (fp->fp_strip_div == 2 && d == fp->fp_field_depth + 1 &&
	    strcmp(lname, "div") == 0) {
		fp->fp_strip_div = 0;
		return;
	}
	feed_text_add(fp, "</", 2);
	if (prefix != NULL && (uri == NULL || strcmp(uri, NS_XHTML) != 0)) {
		feed_text_add(fp, prefix, strlen(prefix));
		feed_text_add(fp, ":", 1);
	}
	feed_text_add(fp, lname, strlen(lname));
	feed_text_add(fp, ">", 1);
}

void
feed_sax_end(struct feed_parser *fp, const char *lname, const char *prefix,
    const char *uri)
{
	int	d = fp->fp_depth--;

	if (d == 1)
		/* Whatever follows the root is not read: no error from it. */
		fp->fp_done = 1;
	if (fp->fp_field != F_NONE) {
		if (d == fp->fp_field_depth)
			feed_field_end(fp);
		else if (fp->fp_mode == M_XHTML || fp->fp_mode == M_HTML)
			feed_serialize_end(fp, d, lname, prefix, uri);
	} else if (d == fp->fp_author_depth) {
		fp->fp_author_depth = 0;
		feed_author_flush(fp);
	} else if (d == fp->fp_group_depth) {
		fp->fp_group_depth = 0;
	} else if (d == fp->fp_item_depth) {
		fp->fp_item_depth = 0;
		feed_item_end(fp);
	} else if (d == fp->fp_chan_depth) {
		fp->fp_chan_depth = fp->fp_kind == KIND_ATOM ||
		    fp->fp_kind == KIND_CDF ? 1 : 0;
	}
	/* Only now: the field that just ended may have been read against it. */
	if (d < FEED_MAX_DEPTH && fp->fp_base[d] != NULL) {
		free(fp->fp_base[d]);
		fp->fp_base[d] = NULL;
		fp->fp_nbase--;
	}
}

void
feed_sax_chars(struct feed_parser *fp, const char *s, size_t len)
{
	if (fp->fp_field == F_NONE || len == 0)
		return;
	if (fp->fp_mode == M_XHTML)
		feed_text_escaped(fp, s, len, 0);
	else
		feed_text_add(fp, s, len);
}
