/*
 * poller_int.h: what poller.c (the feeds and their schedules) and
 * poller_poll.c (one poll: fetch, parse, match, store) share.  Private to
 * the poller module.
 */
#ifndef NEWSWATCH_POLLER_INT_H
#define NEWSWATCH_POLLER_INT_H

#include <stddef.h>
#include <stdint.h>

#include <event2/util.h>
#include <openssl/evp.h>

#include "alert.h"
#include "store.h"
#include "util.h"

struct conf_feed;
struct conf_watchlist;
struct feed_item;
struct feed_parser;
struct metrics;

/* Polls stored in one transaction: at most this many, this long apart. */
#define POLLER_BATCH_MAX	256
#define POLLER_BATCH_USEC	50000
/* Bytes of a body held back to compare its hash (servers without ETag). */
#define POLLER_SPOOL_MAX	(256 * 1024)
/* First polls after a start are spread over this much of the interval. */
#define POLLER_SPREAD_MAX	60
/* Room for a parse error (feed.h messages are short). */
#define POLLER_ERR_LEN		256

struct pfeed {
	char		*pf_name;
	struct poller	*pf_poller;
	struct event	*pf_timer;
	int		 pf_inflight;
	int		 pf_removed;	/* gone from the config while in flight */
};

/*
 * An alert of a new item, waiting for the poll's transaction.  Its JSON is
 * made only then (a duplicate story needs none), from the item's fields,
 * which the item keeps once for all its alerts.
 */
struct palert {
	const struct conf_watchlist *pa_wl;	/* alive: the poll holds its gen */
	char		 pa_id[ALERT_ID_LEN + 1];
	char		**pa_words;
	size_t		 pa_nwords;
};

/* An item not seen before: marked seen in the poll's transaction. */
struct pitem {
	char		*pi_key;
	char		*pi_norm_link;
	char		*pi_norm_title;
	struct palert	*pi_alerts;
	size_t		 pi_nalerts;
	/* Kept only once it has an alert. */
	char		*pi_title;
	char		*pi_link;
	char		*pi_author;
	char		*pi_summary;	/* plain text, cut */
	int64_t		 pi_published;
};

struct poll {
	struct poller		*pl_poller;
	struct pfeed		*pl_feed;
	struct poller_gen	*pl_gen;
	const struct conf_feed	*pl_cf;
	struct store_feed	 pl_state;
	char			*pl_url;	/* asked */
	struct feed_parser	*pl_parser;
	int			 pl_parse_failed;
	EVP_MD_CTX		*pl_md;		/* hash of the body */
	int			 pl_spooling;	/* holding the body back */
	struct sbuf		 pl_spool;
	char			*pl_parse_err;	/* made with the parser */
	struct pitem		*pl_items;
	size_t			 pl_nitems;
	size_t			 pl_nparsed;
	int64_t			 pl_now;
	/* The item being matched, for the hit callback. */
	const struct feed_item	*pl_cur;
	const char		*pl_cur_key;
	const char		*pl_cur_summary;
	/* Decided when the fetch ended, used when the batch is stored. */
	int64_t			 pl_next;
	int			 pl_with_items;
};

struct poller {
	struct event_base	*p_base;
	struct store		*p_store;
	struct http		*p_http;
	struct outbox		*p_outbox;
	struct metrics		*p_metrics;	/* NULL: not counted */
	struct poller_gen	*p_gen;
	int			 p_flags;
	int			 p_stopping;
	struct pfeed		**p_feeds;
	size_t			 p_nfeeds;
	int			 p_busy;
	struct rules_doc	*p_doc;
	void			(*p_idle)(void *);
	void			*p_idle_arg;
	struct event		*p_idle_ev;
	/* Ended polls waiting for the batch's transaction. */
	struct poll		**p_pending;
	size_t			 p_npending;
	struct event		*p_flush_ev;
};

/* poller.c */
int64_t		 poller_interval(const struct poller *, const struct conf_feed *);
void		 poller_schedule(struct pfeed *, int64_t when);
void		 poller_pfeed_free(struct pfeed *);

/* poller_poll.c */
void		 poller_poll(struct pfeed *);
void		 poller_flush(struct poller *);
void		 poller_flush_cb(evutil_socket_t, short, void *);

#endif
