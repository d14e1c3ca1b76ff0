/*
 * metrics.h: counters of the daemon's work, and `listen = ADDR:PORT`
 * serving them with libevent's evhttp: GET /metrics (Prometheus text
 * format 0.0.4) and GET /healthz (200 while the loop runs and the
 * database answers, 503 otherwise).
 *
 * poller and outbox count through metrics_*(); a NULL struct metrics
 * counts nothing (--once), so callers need no test.
 */
#ifndef NEWSWATCH_METRICS_H
#define NEWSWATCH_METRICS_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct event_base;
struct http_response;
struct metrics;
struct store;

/* Upper bounds of the fetch duration histogram, in seconds. */
#define METRICS_BUCKETS	{ 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60 }

/* Where the feeds of the configuration stand, for STATUS= and gauges. */
struct metrics_summary {
	size_t		 ms_feeds;
	size_t		 ms_ok;		/* last poll succeeded */
	size_t		 ms_failing;	/* last poll failed (backing off) */
	size_t		 ms_paused;	/* Retry-After, or 410 Gone */
	size_t		 ms_new;	/* not polled yet */
	int64_t		 ms_queued;	/* live alert deliveries */
	int64_t		 ms_oldest;	/* epoch seconds of the oldest, or -1 */
};

struct metrics	*metrics_new(struct event_base *, struct store *,
		    const struct config *);
void		 metrics_free(struct metrics *);
/* The feeds of a new configuration (reload). */
void		 metrics_set_config(struct metrics *, const struct config *);
/* Serves HTTP on addr:port: 0, or -1 with err. */
int		 metrics_listen(struct metrics *, const char *addr, int port,
		    char *err, size_t errlen);
/* From now on /healthz says 503: the daemon is stopping. */
void		 metrics_stopping(struct metrics *);
/* 1 if the database answers and the daemon is not stopping. */
int		 metrics_healthy(struct metrics *);
/* 0, or -1 if the database did not answer. */
int		 metrics_summary(struct metrics *, struct metrics_summary *);

/* A fetch ended (ok: the poll succeeded); its items, and new ones. */
void		 metrics_fetch_done(struct metrics *,
		    const struct http_response *, int ok);
void		 metrics_items(struct metrics *, size_t parsed, size_t fresh);
/* A delivery attempt to sink ended. */
void		 metrics_delivery(struct metrics *, const char *sink, int ok);
/* A SIGHUP was applied (ok) or refused. */
void		 metrics_reload(struct metrics *, int ok);

#endif
