/*
 * poller.h: one feed's life: schedule -> fetch -> parse -> match -> store.
 */
#ifndef NEWSWATCH_POLLER_H
#define NEWSWATCH_POLLER_H

#include <stdint.h>

struct config;
struct event_base;
struct http;
struct metrics;
struct outbox;
struct poller;
struct rules;
struct store;

/*
 * A configuration and its compiled rules, shared by the polls that
 * started under it: a reload makes a new one and the old one is freed
 * when its last poll ends.
 */
struct poller_gen {
	struct config	*pg_conf;
	struct rules	*pg_rules;
	int		 pg_refs;
};

struct poller_gen *poller_gen_new(struct config *, struct rules *);
void		 poller_gen_unref(struct poller_gen *);

#define POLLER_ONCE	0x1	/* poll each feed once */
#define POLLER_DRY	0x2	/* print alerts on stdout, commit nothing */

/* Backoff of a failing feed: never abandoned, at most this far apart. */
#define POLLER_BACKOFF_CAP	(6 * 3600)
/* Retry-After and the like are honoured up to a day. */
#define POLLER_PAUSE_MAX	86400

/* outbox may be NULL: alerts then wait in the queue (--once). */
struct poller	*poller_new(struct event_base *, struct store *, struct http *,
		    struct outbox *, struct poller_gen *, int flags);
void		 poller_free(struct poller *);
/* Schedules every feed of the current generation. */
void		 poller_start(struct poller *);
/* Replaces the generation (reload): feeds added start, removed ones stop. */
void		 poller_set_gen(struct poller *, struct poller_gen *);
/* No new poll starts from now on. */
void		 poller_stop(struct poller *);
/* Polls in flight. */
int		 poller_busy(const struct poller *);
/* Counts fetches and items there from now on (run mode). */
void		 poller_set_metrics(struct poller *, struct metrics *);
/* POLLER_ONCE: called when every feed has been polled. */
void		 poller_on_idle(struct poller *, void (*)(void *), void *);

/*
 * Puts an item's text into doc as rules see it (HTML stripped) and
 * returns its summary as plain text (or NULL), to free.
 */
struct feed_item;
struct rules_doc;
char		*poller_doc_fill(struct rules_doc *, const struct feed_item *);

/* The next poll of a healthy feed: its own slot in the interval. */
int64_t		 poller_next_slot(const char *name, int64_t interval,
		    int64_t now);
/* Next poll after the errors-th consecutive failure (exposed for tests). */
int64_t		 poller_backoff(int64_t interval, int errors, int64_t now);

#endif
