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
	/*
	 * --once: each is tried once, and a sink's are tried in order, so
	 * a sink's last tried rowid says which ones it has had.
	 */
	char			**ob_tried_sink;
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

/* --once: the rowid of the last delivery of sink tried in this run, or 0. */
static int64_t
outbox_tried(const struct outbox *ob, const char *sink)
{
	size_t	i;

	for (i = 0; i < ob->ob_ntried; i++)
		if (strcmp(ob->ob_tried_sink[i], sink) == 0)
			return ob->ob_tried[i];
	return 0;
}

static void
outbox_set_tried(struct outbox *ob, const char *sink, int64_t rowid)
{
	size_t	i;

	for (i = 0; i < ob->ob_ntried; i++)
		if (strcmp(ob->ob_tried_sink[i], sink) == 0) {
			ob->ob_tried[i] = rowid;
			return;
		}
	outbox_add(&ob->ob_tried_sink, &ob->ob_ntried, sink);
	ob->ob_tried = xreallocarray(ob->ob_tried, ob->ob_ntried,
	    sizeof(*ob->ob_tried));
	ob->ob_tried[ob->ob_ntried - 1] = rowid;
}

/*
 * The delivery sink may send now: its oldest live one, past those it has
 * accepted already (their dequeue pending) and, with --once, past those
 * tried in this run.  1 with *d, 0 if none, -1 on a database error.
 */
static int
outbox_head(struct outbox *ob, const char *sink, struct store_delivery *d,
    char *err, size_t errlen)
{
	int64_t	after = ob->ob_once ? outbox_tried(ob, sink) : 0;
	int	r;

	while ((r = store_delivery_head(ob->ob_store, sink, after, d, err,
	    errlen)) == 1 && outbox_in(ob->ob_accepted, ob->ob_naccepted,
	    d->sd_rowid)) {
		after = d->sd_rowid;
		store_delivery_clear(d);
	}
	return r;
}

static void
outbox_pass(struct outbox *ob)
{
	struct store_delivery	 d;
	struct outbox_job	*j;
	char			**sinks = NULL, err[256];
	size_t			 nsinks = 0, i;
	int64_t			 now = (int64_t)time(NULL), wake = -1;
	int			 started = 0, r = 0;

	outbox_expire(ob, now);
	if (ob->ob_naccepted > 0 && outbox_dequeue_accepted(ob) > 0)
		/* The database still refuses: try the dequeue again soon. */
		wake = now + 5;
	if (store_delivery_sinks(ob->ob_store, &sinks, &nsinks, err,
	    sizeof(err)) == -1) {
		log_warnx("queue error=%s", log_q(err));
		outbox_later(ob, 5);
		return;
	}
	/* Each sink takes its alerts one at a time, in the order raised. */
	for (i = 0; i < nsinks; i++) {
		if (outbox_has(ob->ob_busy, ob->ob_nbusy, sinks[i]))
			continue;
		if ((r = outbox_head(ob, sinks[i], &d, err, sizeof(err))) == -1)
			break;
		if (r == 0)
			continue;
		/*
		 * --once tries every queued alert once (interface.md), even
		 * past a failure of its sink.
		 */
		if (ob->ob_once)
			outbox_set_tried(ob, sinks[i], d.sd_rowid);
		else if (d.sd_next_try > now) {
			if (wake == -1 || d.sd_next_try < wake)
				wake = d.sd_next_try;
			store_delivery_clear(&d);
			continue;
		}
		j = xcalloc(1, sizeof(*j));
		j->oj_ob = ob;
		j->oj_rowid = d.sd_rowid;
		j->oj_attempts = d.sd_attempts;
		j->oj_sink = xstrdup(d.sd_sink);
		j->oj_alert = xstrdup(d.sd_alert_id);
		outbox_add(&ob->ob_busy, &ob->ob_nbusy, d.sd_sink);
		started++;
		sink_deliver(ob->ob_http, ob->ob_cfg, d.sd_sink,
		    d.sd_alert_id, d.sd_json, outbox_done_cb, j);
		store_delivery_clear(&d);
	}
	for (i = 0; i < nsinks; i++)
		free(sinks[i]);
	free(sinks);
	if (r == -1) {
		log_warnx("queue error=%s", log_q(err));
		if (started == 0) {
			outbox_later(ob, 5);
			return;
		}
	}

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
	for (i = 0; i < ob->ob_ntried; i++)
		free(ob->ob_tried_sink[i]);
	free(ob->ob_tried_sink);
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
