/*
 * outbox.c: queued alerts -> sinks, retried until accepted.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "conf.h"
#include "log.h"
#include "metrics.h"
#include "outbox.h"
#include "sink.h"
#include "store.h"
#include "util.h"

/* Rows looked at per pass: the heads of every sink are among them. */
#define OUTBOX_BATCH	1024

struct outbox_job {
	struct outbox	*oj_ob;
	int64_t		 oj_rowid;
	int		 oj_attempts;
	char		*oj_sink;
	char		*oj_alert;
};

struct outbox {
	struct event_base	*ob_base;
	struct store		*ob_store;
	struct http		*ob_http;
	const struct config	*ob_cfg;
	struct metrics		*ob_metrics;	/* NULL: not counted */
	struct event		*ob_timer;
	/* Sinks with a delivery in flight. */
	char			**ob_busy;
	size_t			 ob_nbusy;
	/* --once: deliveries tried in this run (each is tried once). */
	int64_t			*ob_tried;
	size_t			 ob_ntried;
	/*
	 * Accepted by their sink but not yet off the queue (the database
	 * refused the write: disk full, locked).  Never sent again from
	 * here; the dequeue is retried.
	 */
	int64_t			*ob_accepted;
	size_t			 ob_naccepted;
	int			 ob_once;
	void			(*ob_once_done)(void *);
	void			*ob_once_arg;
	int64_t			 ob_expired_at;
};

static void	outbox_pass(struct outbox *);

static int
outbox_has(char **v, size_t n, const char *s)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

static void
outbox_add(char ***v, size_t *n, const char *s)
{
	*v = xreallocarray(*v, *n + 1, sizeof(char *));
	(*v)[(*n)++] = xstrdup(s);
}

static void
outbox_remove(char **v, size_t *n, const char *s)
{
	size_t	i;

	for (i = 0; i < *n; i++)
		if (strcmp(v[i], s) == 0) {
			free(v[i]);
			v[i] = v[--*n];
			return;
		}
}

int64_t
outbox_backoff(int attempts, int64_t now, int64_t retry_after)
{
	/* Not sooner than a second, so that a failing sink never spins. */
	int64_t	next = now + 1 + util_backoff(OUTBOX_BACKOFF_BASE,
	    OUTBOX_BACKOFF_CAP, attempts);

	if (retry_after > now) {
		if (retry_after > now + OUTBOX_RETRY_AFTER_MAX)
			retry_after = now + OUTBOX_RETRY_AFTER_MAX;
		if (retry_after > next)
			next = retry_after;
	}
	return next;
}

static int
outbox_in(const int64_t *v, size_t n, int64_t rowid)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (v[i] == rowid)
			return 1;
	return 0;
}

static void
outbox_push(int64_t **v, size_t *n, int64_t rowid)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = rowid;
}

/* Dequeues what sinks accepted while the database refused; 0 when done. */
static size_t
outbox_dequeue_accepted(struct outbox *ob)
{
	char	err[256];
	size_t	i = 0;

	while (i < ob->ob_naccepted)
		if (store_delivery_done(ob->ob_store, ob->ob_accepted[i], err,
		    sizeof(err)) == 0)
			ob->ob_accepted[i] = ob->ob_accepted[--ob->ob_naccepted];
		else
			i++;
	return ob->ob_naccepted;
}

static void
outbox_timer_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	outbox_pass(arg);
}

/* Another pass from the loop, not from inside a sink's callback. */
static void
outbox_later(struct outbox *ob, int64_t secs)
{
	struct timeval	tv;

	if (secs < 0)
		secs = 0;
	tv.tv_sec = secs;
	tv.tv_usec = 0;
	evtimer_add(ob->ob_timer, &tv);
}

static void
outbox_done_cb(void *arg, int ok, int64_t retry_after, const char *why)
{
	struct outbox_job	*j = arg;
	struct outbox		*ob = j->oj_ob;
	char			 err[256];
	int64_t			 now = (int64_t)time(NULL), next;

	outbox_remove(ob->ob_busy, &ob->ob_nbusy, j->oj_sink);
	if (ok < 0) {
		/* Cut short by a shutdown: still queued, untouched. */
		free(j->oj_sink);
		free(j->oj_alert);
		free(j);
		return;
	}
	metrics_delivery(ob->ob_metrics, j->oj_sink, ok);
	if (ok) {
		if (store_delivery_done(ob->ob_store, j->oj_rowid, err,
		    sizeof(err)) == -1) {
			log_warnx("alert=%s sink=%s not_dequeued error=%s",
			    j->oj_alert, log_q(j->oj_sink), log_q(err));
			outbox_push(&ob->ob_accepted, &ob->ob_naccepted,
			    j->oj_rowid);
		} else
			log_debug("alert=%s sink=%s delivered", j->oj_alert,
			    log_q(j->oj_sink));
	} else {
		next = outbox_backoff(j->oj_attempts + 1, now, retry_after);
		log_warnx("alert=%s sink=%s error=%s attempts=%d retry_in=%llds",
		    j->oj_alert, log_q(j->oj_sink), log_q(why ? why : "failed"),
		    j->oj_attempts + 1, (long long)(next - now));
		if (store_delivery_retry(ob->ob_store, j->oj_rowid, next,
		    why ? why : "failed", err, sizeof(err)) == -1)
			log_warnx("alert=%s error=%s", j->oj_alert, log_q(err));
	}
	free(j->oj_sink);
	free(j->oj_alert);
	free(j);
	outbox_later(ob, 0);
}

static void
outbox_expire(struct outbox *ob, int64_t now)
{
	char		 err[256];
	int		 n;

	/* Once a minute is plenty for a limit counted in days. */
	if (now - ob->ob_expired_at < 60)
		return;
	ob->ob_expired_at = now;
	n = store_delivery_expire(ob->ob_store, now - ob->ob_cfg->c_max_queue_age,
	    err, sizeof(err));
	if (n == -1)
		log_warnx("queue error=%s", log_q(err));
	else if (n > 0)
		log_errx("queue dead=%d (deliveries undelivered past "
		    "max_queue_age; kept in the database)", n);
}

static void
outbox_pass(struct outbox *ob)
{
	struct store_delivery	*d = NULL;
	struct outbox_job	*j;
	char			**seen = NULL, err[256];
	size_t			 n = 0, nseen = 0, i;
	int64_t			 now = (int64_t)time(NULL), wake = -1;
	int			 started = 0;

	outbox_expire(ob, now);
	if (ob->ob_naccepted > 0 && outbox_dequeue_accepted(ob) > 0)
		/* The database still refuses: try the dequeue again soon. */
		wake = now + 5;
	if (store_delivery_due(ob->ob_store, -1, OUTBOX_BATCH, &d, &n, err,
	    sizeof(err)) == -1) {
		log_warnx("queue error=%s", log_q(err));
		outbox_later(ob, 5);
		return;
	}
	for (i = 0; i < n; i++) {
		/*
		 * --once tries every queued alert once (interface.md), even
		 * past a failure of its sink; each sink still takes them in
		 * the order they were raised.
		 */
		if (ob->ob_once && outbox_in(ob->ob_tried, ob->ob_ntried,
		    d[i].sd_rowid))
			continue;
		/* Accepted already: only its dequeue is pending. */
		if (outbox_in(ob->ob_accepted, ob->ob_naccepted,
		    d[i].sd_rowid))
			continue;
		/* Only the oldest delivery of a sink may go: order is kept. */
		if (outbox_has(seen, nseen, d[i].sd_sink))
			continue;
		outbox_add(&seen, &nseen, d[i].sd_sink);
		if (outbox_has(ob->ob_busy, ob->ob_nbusy, d[i].sd_sink))
			continue;
		if (ob->ob_once)
			outbox_push(&ob->ob_tried, &ob->ob_ntried,
			    d[i].sd_rowid);
		if (!ob->ob_once && d[i].sd_next_try > now) {
			if (wake == -1 || d[i].sd_next_try < wake)
				wake = d[i].sd_next_try;
			continue;
		}
		j = xcalloc(1, sizeof(*j));
		j->oj_ob = ob;
		j->oj_rowid = d[i].sd_rowid;
		j->oj_attempts = d[i].sd_attempts;
		j->oj_sink = xstrdup(d[i].sd_sink);
		j->oj_alert = xstrdup(d[i].sd_alert_id);
		outbox_add(&ob->ob_busy, &ob->ob_nbusy, d[i].sd_sink);
		started++;
		sink_deliver(ob->ob_http, ob->ob_cfg, d[i].sd_sink,
		    d[i].sd_alert_id, d[i].sd_json, outbox_done_cb, j);
	}
	for (i = 0; i < nseen; i++)
		free(seen[i]);
	free(seen);
	store_delivery_free(d, n);

	if (ob->ob_once) {
		if (started == 0 && ob->ob_nbusy == 0 &&
		    ob->ob_once_done != NULL) {
			void	(*done)(void *) = ob->ob_once_done;

			ob->ob_once_done = NULL;
			done(ob->ob_once_arg);
		}
		return;
	}
	/*
	 * What started may have ended already (syslog, stdout) and freed
	 * its sink's next alert: look again.  Else sleep until a backoff
	 * ends; a webhook's answer wakes us sooner.
	 */
	if (started > 0)
		outbox_later(ob, 0);
	else if (wake != -1)
		outbox_later(ob, wake - now);
}

struct outbox *
outbox_new(struct event_base *base, struct store *st, struct http *ht,
    const struct config *cfg)
{
	struct outbox	*ob;

	ob = xcalloc(1, sizeof(*ob));
	ob->ob_base = base;
	ob->ob_store = st;
	ob->ob_http = ht;
	ob->ob_cfg = cfg;
	if ((ob->ob_timer = evtimer_new(base, outbox_timer_cb, ob)) == NULL)
		abort();
	return ob;
}

void
outbox_free(struct outbox *ob)
{
	size_t	i;

	if (ob == NULL)
		return;
	event_free(ob->ob_timer);
	for (i = 0; i < ob->ob_nbusy; i++)
		free(ob->ob_busy[i]);
	free(ob->ob_busy);
	free(ob->ob_tried);
	free(ob->ob_accepted);
	free(ob);
}

void
outbox_set_config(struct outbox *ob, const struct config *cfg)
{
	ob->ob_cfg = cfg;
	outbox_later(ob, 0);
}

void
outbox_set_metrics(struct outbox *ob, struct metrics *m)
{
	if (ob != NULL)
		ob->ob_metrics = m;
}

void
outbox_kick(struct outbox *ob)
{
	outbox_later(ob, 0);
}

void
outbox_once(struct outbox *ob, void (*done)(void *), void *arg)
{
	ob->ob_once = 1;
	ob->ob_once_done = done;
	ob->ob_once_arg = arg;
	outbox_later(ob, 0);
}

int
outbox_busy(const struct outbox *ob)
{
	return (int)ob->ob_nbusy;
}
