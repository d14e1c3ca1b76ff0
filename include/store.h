/*
 * store.h: the daemon's state (adapter; the only module that speaks SQL).
 *
 * Feed state, items seen, stories claimed per watchlist, and the alert
 * queue.  No SQLite type appears here, so that another backend can take
 * its place (architecture.md, "Past one machine").
 *
 * One writer; every poll of a feed is ONE transaction: store_begin(), then
 * its items, stories, alerts and feed state, then store_commit().  A crash
 * before the commit redoes the poll; after it nothing is lost or doubled.
 */
#ifndef NEWSWATCH_STORE_H
#define NEWSWATCH_STORE_H

#include <stddef.h>
#include <stdint.h>

struct store;

/* The state of one feed between polls. */
struct store_feed {
	char		*sf_url;	/* permanent redirect target, or NULL */
	char		*sf_conf_url;	/* configured url when this was written */
	char		*sf_etag;
	char		*sf_last_modified;
	char		*sf_body_hash;	/* of the last body, or NULL */
	int64_t		 sf_next_poll;	/* epoch seconds; 0 never polled */
	int64_t		 sf_last_poll;
	int64_t		 sf_last_ok;
	int64_t		 sf_paused_until; /* Retry-After; 0 none */
	int		 sf_errors;	/* consecutive failures */
	char		*sf_last_error;	/* "category: message", or NULL */
	int		 sf_gone;	/* 410 seen for sf_conf_url */
};

struct store_delivery {
	int64_t		 sd_rowid;
	char		*sd_alert_id;
	char		*sd_watchlist;
	char		*sd_sink;
	char		*sd_json;	/* the alert as first made */
	int		 sd_attempts;
	int64_t		 sd_created;
	int64_t		 sd_next_try;
};

/*
 * Opens (creating if needed) DIR/newswatch.db: WAL, synchronous=FULL,
 * busy_timeout.  dry: never write; work on a private copy in memory of
 * the database (an empty one if there is none yet), so that a dry run
 * dedups like a real one and the file, its directory and its lock are
 * never touched.  NULL with err on failure (a corrupt file, or one of a
 * newer schema, is an error, never replaced).
 */
struct store	*store_open(const char *dir, int dry, char *err, size_t errlen);
void		 store_close(struct store *);
/* 0 if commits are durable as designed (WAL, synchronous=FULL), -1. */
int		 store_check(struct store *, char *err, size_t errlen);

/* 1 and *out filled if the feed has state, 0 if not, -1 with err. */
int		 store_feed_get(struct store *, const char *feed,
		    struct store_feed *out, char *err, size_t errlen);
void		 store_feed_clear(struct store_feed *);
/*
 * Calls cb for every feed with state, by name; a non-zero return from cb
 * stops the walk and is returned.  0, or -1 with err.  For status pages.
 */
int		 store_feed_each(struct store *, int (*cb)(void *,
		    const char *feed, const struct store_feed *), void *arg,
		    char *err, size_t errlen);

/* Outside a transaction, a read: 1 if (feed, key) was seen, 0 if not, -1. */
int		 store_item_seen(struct store *, const char *feed,
		    const char *key);

/*
 * BEGIN IMMEDIATE / COMMIT / ROLLBACK.  A commit that fails (disk full)
 * rolls back: nothing of the transaction is kept and none stays open.
 * store_rollback() without a transaction does nothing.
 */
int		 store_begin(struct store *, char *err, size_t errlen);
int		 store_commit(struct store *, char *err, size_t errlen);
void		 store_rollback(struct store *);

/*
 * Look-ups made one after another (an item at a time while a feed is
 * parsed) share one read transaction: each on its own took and dropped
 * WAL read locks, and those fcntl() calls were 9% of a cold poll.
 * store_read_begin() returns 1 if it began one, 0 when a transaction was
 * open already (or none could begin: each look-up then locks alone);
 * store_read_end() takes that value and ends only what it began.
 */
int		 store_read_begin(struct store *);
void		 store_read_end(struct store *, int begun);

/*
 * Within a transaction, one savepoint at a time: several polls share one
 * transaction (one fsync) and each stays all-or-nothing.
 */
int		 store_savepoint(struct store *, char *err, size_t errlen);
int		 store_release(struct store *, char *err, size_t errlen);
void		 store_rollback_savepoint(struct store *);

/* Within a transaction. */
/* Marks (feed, key) seen: 1 if it is new, 0 if it was seen, -1 with err. */
int		 store_item_add(struct store *, const char *feed,
		    const char *key, int64_t now, char *err, size_t errlen);
/*
 * Claims a story for a watchlist: 1 if neither its normalised link (if
 * any) nor its normalised title (if any) has alerted this watchlist
 * (titles: within the last 24 h), 0 if one has (a duplicate), -1 with err.
 * A claim records both keys.
 */
int		 store_story_claim(struct store *, const char *watchlist,
		    const char *norm_link, const char *norm_title, int64_t now,
		    char *err, size_t errlen);
/*
 * Queues alert id (JSON json) for each sink; an id queued before is kept
 * with its deliveries as they are.  1 if queued, 0 if it was, -1 with err.
 */
int		 store_alert_add(struct store *, const char *alert_id,
		    const char *watchlist, const char *json,
		    const char *const *sinks, size_t nsinks, int64_t now,
		    char *err, size_t errlen);
int		 store_feed_put(struct store *, const char *feed,
		    const struct store_feed *, char *err, size_t errlen);

/*
 * The queue, outside poll transactions; dead deliveries never show.  Each
 * sink takes its deliveries oldest first, so the outbox asks for the sinks
 * with live deliveries (*out: an array of strings, to free), then for the
 * head of each: the oldest with a rowid above `after` (0: the oldest of
 * all), whatever its sd_next_try.  store_delivery_head() returns 1 with
 * *d filled (free with store_delivery_clear()), 0 when there is none.
 * Both cost O(log n) in the size of the queue.
 */
int		 store_delivery_sinks(struct store *, char ***out, size_t *n,
		    char *err, size_t errlen);
int		 store_delivery_head(struct store *, const char *sink,
		    int64_t after, struct store_delivery *d, char *err,
		    size_t errlen);
void		 store_delivery_clear(struct store_delivery *);
/* The sink accepted it: it leaves the queue. */
int		 store_delivery_done(struct store *, int64_t rowid, char *err,
		    size_t errlen);
/* It failed: try again at next_try, remembering why. */
int		 store_delivery_retry(struct store *, int64_t rowid,
		    int64_t next_try, const char *why, char *err,
		    size_t errlen);
/* Queued since before `before`: marks them dead (kept); returns how many. */
int		 store_delivery_expire(struct store *, int64_t before,
		    char *err, size_t errlen);
/* Earliest sd_next_try of a live delivery, or -1 if the queue is empty. */
int64_t		 store_delivery_next(struct store *);
/* Live deliveries queued; -1 on error. */
int64_t		 store_delivery_count(struct store *);
/* Dead deliveries kept (expired, never accepted); -1 on error. */
int64_t		 store_delivery_dead(struct store *);
/*
 * Calls cb for every sink with deliveries, by name: how many are live,
 * how many dead, and when the oldest live one was queued (epoch seconds,
 * -1 if none).  0, or -1 with err; a non-zero cb return stops the walk.
 */
int		 store_queue_each(struct store *, int (*cb)(void *,
		    const char *sink, int64_t queued, int64_t dead,
		    int64_t oldest), void *arg, char *err, size_t errlen);

#endif
