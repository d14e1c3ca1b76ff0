/*
 * feed.h: bytes -> items, streaming (pure).
 *
 * A push parser (an input stage that mends the bytes, a tokenizer of our
 * own, SAX handlers): bytes are pushed as they arrive from the network and
 * each item is handed to the caller as soon as its element ends, then
 * freed, so a feed of any size parses in bounded memory.  RSS 0.9x/2.0,
 * RSS 1.0 (RDF), Atom 1.0 and 0.3, JSON Feed.  Field meanings are the
 * Universal Feed Parser's (../shared/conformance/README.md).
 *
 * Safety: no entity declared by the document is ever substituted and
 * nothing is ever loaded from disk or network (the tokenizer reads no DTD
 * and knows no entities but XML's and HTML's); a document that declares
 * entities is refused.
 */
#ifndef NEWSWATCH_FEED_H
#define NEWSWATCH_FEED_H

#include <stddef.h>
#include <stdint.h>

/* Limits (architecture.md: every one explicit). */
#define FEED_MAX_ITEMS		10000	/* items taken from one document */
#define FEED_MAX_FIELD		(1024 * 1024)	/* bytes kept of one field */
#define FEED_MAX_CATEGORIES	64

struct feed_item {
	char		*fi_id;		/* guid / id / rdf:about, or NULL */
	char		*fi_title;
	char		*fi_link;	/* absolute, resolved against the base */
	char		*fi_author;
	char		*fi_summary;	/* sanitized HTML, or NULL */
	char		*fi_content;	/* sanitized HTML, or NULL */
	int64_t		 fi_published;	/* DATE_NONE if none */
	int64_t		 fi_updated;	/* DATE_NONE if none */
	char		**fi_categories;
	size_t		 fi_ncategories;
};

struct feed_meta {
	char		*fm_title;
	char		*fm_link;
	const char	*fm_format;	/* "rss2.0", "atom1.0", … or NULL */
	int64_t		 fm_ttl;	/* RSS <ttl> or sy:* in seconds; 0 none */
};

/* Called once per item, in document order; item is valid during the call. */
typedef void	feed_item_cb(void *arg, const struct feed_item *item);

struct feed_parser;

/*
 * base_url: the feed's URL (relative links resolve against it); charset:
 * the HTTP Content-Type charset or NULL (a BOM or the XML declaration win
 * over it).
 */
struct feed_parser *feed_parser_new(const char *base_url, const char *charset,
		    feed_item_cb *cb, void *arg);
/*
 * Items handed out at the most (FEED_MAX_ITEMS unless set; 0: no limit,
 * as --parse, which keeps nothing, can afford).  Items past it are
 * parsed and dropped.
 */
void		 feed_parser_set_max_items(struct feed_parser *, size_t);
/* Returns 0, or -1 with err filled once the document cannot go on. */
int		 feed_parser_push(struct feed_parser *, const char *buf,
		    size_t len, char *err, size_t errlen);
/*
 * Ends the document.  Returns 0 if it was a feed (items before a fatal
 * error or a truncation are still handed out), -1 with err if it is no
 * feed at all.
 */
int		 feed_parser_finish(struct feed_parser *, char *err,
		    size_t errlen);
/* Feed-level fields seen so far (complete after finish). */
const struct feed_meta *feed_parser_meta(const struct feed_parser *);
size_t		 feed_parser_nitems(const struct feed_parser *);
void		 feed_parser_free(struct feed_parser *);

/*
 * The identity of an item within its feed (interface.md): its id; without
 * one, its link; without that, "h:" and a hash of title and summary.
 * Caller frees.
 */
char		*feed_item_key(const struct feed_item *);

#endif
