/*
 * outbox.h: delivery of queued alerts to their sinks.
 *
 * An alert leaves the queue only when its sink accepted it.  Each sink
 * takes its alerts one at a time in the order they were raised; a failure
 * holds that sink's queue back (exponential backoff with full jitter,
 * Retry-After honoured) so that order is kept across retries and restarts.
 */
#ifndef NEWSWATCH_OUTBOX_H
#define NEWSWATCH_OUTBOX_H

#include <stdint.h>

struct config;
struct event_base;
struct http;
struct metrics;
struct outbox;
struct store;

/* Backoff of a failed delivery: 5 s doubling to an hour, full jitter. */
#define OUTBOX_BACKOFF_BASE	5
#define OUTBOX_BACKOFF_CAP	3600
/* Retry-After is honoured up to a day (a hostile answer cannot stall us). */
#define OUTBOX_RETRY_AFTER_MAX	86400

struct outbox	*outbox_new(struct event_base *, struct store *, struct http *,
		    const struct config *);
void		 outbox_free(struct outbox *);
/* The sinks and max_queue_age of a new configuration (reload). */
void		 outbox_set_config(struct outbox *, const struct config *);
/* Counts deliveries there from now on (run mode); ob may be NULL. */
void		 outbox_set_metrics(struct outbox *, struct metrics *);
/* Looks for due alerts now (after a poll queued some). */
void		 outbox_kick(struct outbox *);
/*
 * --once: tries every queued alert once now, whatever its backoff, each
 * sink's in the order they were raised; what fails stays queued for the
 * next run.  done is called once nothing more can be tried.
 */
void		 outbox_once(struct outbox *, void (*done)(void *), void *arg);
/* Deliveries in flight. */
int		 outbox_busy(const struct outbox *);

/* Next attempt after the attempts-th failure (exposed for tests). */
int64_t		 outbox_backoff(int attempts, int64_t now, int64_t retry_after);

#endif
