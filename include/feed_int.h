/*
 * feed_int.h: what feed.c and feed_util.c share; not for other modules.
 */
#ifndef NEWSWATCH_FEED_INT_H
#define NEWSWATCH_FEED_INT_H

#include <stddef.h>

#include <libxml/xmlstring.h>

#include "feed.h"

/*
 * A JSON Feed cannot stream: it is held whole, up to what the caller
 * lets through (max_size) and never past this.
 */
#define FEED_MAX_JSON	(64 * 1024 * 1024)

struct sbuf;

#define NS_ATOM10	"http://www.w3.org/2005/Atom"
#define NS_ATOM03	"http://purl.org/atom/ns#"
#define NS_RSS10	"http://purl.org/rss/1.0/"
#define NS_RSS090	"http://my.netscape.com/rdf/simple/0.9/"
#define NS_RDF		"http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define NS_DC		"http://purl.org/dc/elements/1.1/"
#define NS_DCTERMS	"http://purl.org/dc/terms/"
#define NS_CONTENT	"http://purl.org/rss/1.0/modules/content/"
#define NS_SY		"http://purl.org/rss/1.0/modules/syndication/"
#define NS_XHTML	"http://www.w3.org/1999/xhtml"
#define NS_ITUNES	"http://www.itunes.com/dtds/podcast-1.0.dtd"
#define NS_MEDIA	"http://search.yahoo.com/mrss/"
#define NS_XML		"http://www.w3.org/XML/1998/namespace"

/* What an element means; in the order of the element table (feed_util.c). */
enum feed_field {
	F_NONE, F_TITLE, F_LINK, F_ID, F_SUMMARY, F_CONTENT, F_PUBLISHED,
	F_UPDATED, F_AUTHOR, F_CATEGORY, F_TTL, F_SYPERIOD, F_SYFREQ,
	F_ANAME, F_AEMAIL
};

/*
 * Element -> field, by namespace ("" for none) and local name.  A core
 * namespace entry ("*") matches no namespace, RSS 1.0/0.90 and Atom.
 */
struct feed_map {
	const char	*fm_ns;
	const char	*fm_name;
	enum feed_field	 fm_field;
	int		 fm_prio;	/* a higher one replaces a lower */
};

int			 feed_core_ns(const char *);
const struct feed_map	*feed_lookup(const char *, const char *);
char			*feed_trim(char *);
char			*feed_attr_copy(const char *, size_t);
char			*feed_attr(int, const xmlChar **, const char *,
			    const char *);
size_t			 feed_base64(char *);
int			 feed_looks_html(const char *);
void			 feed_demoronize(struct sbuf *);
int			 feed_blank(const struct sbuf *);
int			 feed_undouble(struct sbuf *);

/*
 * The input stage (feed_input.c): pushed bytes -> repaired UTF-8 for
 * libxml2, appended to out; final ends the document.
 */
struct feed_input;
struct feed_input	*feed_input_new(const char *charset);
void			 feed_input_push(struct feed_input *, const char *,
			    size_t, int final, struct sbuf *out);
/* The document is a JSON Feed: out carries its decoded text. */
int			 feed_input_json(const struct feed_input *);
/* The document was read as UTF-8 (its label or the default). */
int			 feed_input_utf8(const struct feed_input *);
void			 feed_input_free(struct feed_input *);
int			 feed_utf8_valid(const unsigned char *, size_t, int);

/*
 * JSON Feed 1.0 / 1.1 (feed_json.c): every item to cb, at most
 * FEED_MAX_ITEMS; *title and *link (to free) are the feed's.  Returns 0,
 * or -1 with err when it is no JSON Feed.
 */
int			 feed_json_parse(const char *, size_t, const char *base,
			    feed_item_cb *, void *, char **title, char **link,
			    size_t *nitems, char *err, size_t errlen);

#endif
