/*
 * feed_int.h: what the feed parser's files share (feed.c, feed_sax.c,
 * feed_util.c, feed_input.c, feed_json.c); not for other modules.
 */
#ifndef NEWSWATCH_FEED_INT_H
#define NEWSWATCH_FEED_INT_H

#include <stddef.h>

#include "feed.h"
#include "util.h"

/*
 * A JSON Feed cannot stream: it is held whole, up to what the caller
 * lets through (max_size) and never past this.
 */
#define FEED_MAX_JSON	(64 * 1024 * 1024)

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
	size_t		 fm_len;	/* strlen(fm_name) */
	enum feed_field	 fm_field;
	int		 fm_prio;	/* a higher one replaces a lower */
};

/* Deeper elements are still parsed but take no part in xml:base. */
#define FEED_MAX_DEPTH	256
enum feed_kind { KIND_NONE, KIND_RSS, KIND_RDF, KIND_ATOM, KIND_CDF };

/* How a field's text is read. */
enum feed_mode { M_TEXT, M_HTML, M_XHTML, M_BASE64 };

/* One field of the item (or feed) being built. */
struct feed_val {
	char	*fv_str;
	int	 fv_prio;
};

struct feed_parser {
	struct feed_xml		*fp_xml;	/* the tokenizer */
	char			*fp_url;
	struct feed_input	*fp_in;		/* bytes -> UTF-8 for feed_xml */
	struct sbuf		 fp_buf;	/* its output not yet tokenized */
	struct sbuf		 fp_json;	/* a JSON Feed, held whole */
	int			 fp_done;	/* the root element ended */
	size_t			 fp_max_items;	/* 0: no limit */
	feed_item_cb		*fp_cb;
	void			*fp_arg;
	struct feed_meta	 fp_meta;
	enum feed_kind		 fp_kind;
	int			 fp_atom10;	/* fm_format is "atom1.0" */
	int			 fp_root;	/* a feed root was seen */
	char			*fp_rootns;	/* its namespace counts as core */
	int			 fp_refused;	/* entities declared */
	int			 fp_failed;
	char			 fp_err[160];
	size_t			 fp_nitems;
	int			 fp_depth;
	char			*fp_base[FEED_MAX_DEPTH];
	int			 fp_nbase;	/* of them set */

	/* Where we are. */
	int			 fp_chan_depth;	/* channel or feed element */
	int			 fp_item_depth;	/* 0: not in an item */
	int			 fp_author_depth;
	int			 fp_group_depth;	/* media:group */

	/* The field being read. */
	enum feed_field		 fp_field;
	int			 fp_field_depth;
	int			 fp_field_prio;
	enum feed_mode		 fp_mode;
	int			 fp_strip_div;	/* 1: may drop a wrapping div, 2: did */
	struct sbuf		 fp_text;
	const char		*fp_field_base;	/* fp_url or an fp_base[] */

	/* The item being built. */
	struct feed_val		 fp_v[F_AEMAIL + 1];
	int			 fp_guid_link;	/* guid is a permalink */
	char			**fp_cats;
	size_t			 fp_ncats;
	char			*fp_about;
	struct feed_val		 fp_fv[F_AEMAIL + 1];	/* feed level */
};

/*
 * The SAX layer (feed_sax.c), driven by the tokenizer.  attrs holds 5
 * pointers per attribute, as libxml2's SAX2 had them: local name,
 * prefix, namespace URI, value and the value's end.
 */
void			 feed_sax_start(struct feed_parser *, const char *,
			    const char *, const char *, int, const char **);
void			 feed_sax_end(struct feed_parser *, const char *,
			    const char *, const char *);
void			 feed_sax_chars(struct feed_parser *, const char *,
			    size_t);
void			 feed_fail(struct feed_parser *, const char *);
void			 feed_val_set(struct feed_val *, char *, int);
void			 feed_item_reset(struct feed_parser *);
void			 feed_field_end(struct feed_parser *);
void			 feed_author_flush(struct feed_parser *);
void			 feed_item_end(struct feed_parser *);

int			 feed_core_ns(const char *);
const struct feed_map	*feed_lookup(const char *, const char *);
char			*feed_trim(char *);
char			*feed_trimn(char *, size_t);
char			*feed_attr_copy(const char *, size_t);
char			*feed_attr(int, const char **, const char *,
			    const char *);
size_t			 feed_base64(char *);
int			 feed_looks_html(const char *);
void			 feed_demoronize(struct sbuf *);
int			 feed_blank(const struct sbuf *);
int			 feed_undouble(struct sbuf *);
int			 feed_has_latin1(const char *, size_t);

/*
 * The tokenizer (feed_xml.c): runs the SAX layer over n bytes of the
 * input stage's output; returns how many it used (the rest waits for
 * the next push, at most a piece of markup).  final: nothing follows.
 */
struct feed_xml;
struct feed_xml		*feed_xml_new(void);
size_t			 feed_xml_run(struct feed_parser *, char *,
			    size_t, int final);
void			 feed_xml_free(struct feed_xml *);

/*
 * The input stage (feed_input.c): pushed bytes -> repaired UTF-8 for
 * the tokenizer, appended to out; final ends the document.
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
