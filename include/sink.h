/*
 * sink.h: where alerts go: `syslog`, `stdout`, and each [webhook "…"].
 * A delivery ends in a call of the caller's done function, at once for
 * syslog and stdout, from the loop for a webhook.
 */
#ifndef NEWSWATCH_SINK_H
#define NEWSWATCH_SINK_H

#include <stdint.h>

struct config;
struct http;

/*
 * ok: 1 the sink accepted the alert, 0 it did not (retry), -1 it was
 * never tried to the end (shutting down: leave it as it is);
 * retry_after: epoch seconds the sink asked us to wait until, or 0;
 * why: a message for the log when !ok.
 */
typedef void	sink_done_cb(void *arg, int ok, int64_t retry_after,
		    const char *why);

/* Delivers alert json (as stored) to sink name of cfg. */
void	sink_deliver(struct http *, const struct config *, const char *name,
	    const char *alert_id, const char *json, sink_done_cb *, void *arg);

/* 1 if name is a sink of cfg (syslog, stdout, or a webhook). */
int	sink_exists(const struct config *, const char *name);

#endif
