/*
 * feed_int.h: what feed.c and feed_util.c share; not for other modules.
 */
#ifndef NEWSWATCH_FEED_INT_H
#define NEWSWATCH_FEED_INT_H

#include <stddef.h>

#include <libxml/xmlstring.h>

/* Bytes held back to look for a BOM or an XML declaration. */
#define FEED_SNIFF	1024

struct feed_item;
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
/* Sniffs the head of a document: 1 once the encoding is known. */
int			 feed_sniff(const char *, size_t, const char *, int,
			    const char **);

#endif
