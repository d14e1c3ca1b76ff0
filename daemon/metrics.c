/*
 * metrics.c: the daemon's counters, and /metrics and /healthz over
 * libevent's evhttp (`listen = ADDR:PORT`).
 *
 * Counters live here and are bumped by poller and outbox; what the
 * database knows (feed states, the queue) is read at each scrape, so that
 * a restart or another daemon sharing the database is reflected.  The
 * exposition follows the Prometheus text format 0.0.4: one HELP and TYPE
 * per family, label values escaped, counters ending in _total.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

/*
 * libevent's <event2/http.h> defines HTTP_OK (200) as a macro; ours is an
 * enum member of http.h.  Status codes below are written as numbers.
 */
#undef HTTP_OK

#include "conf.h"
#include "http.h"
#include "metrics.h"
#include "store.h"
#include "util.h"

/* A scrape or health check that takes longer is dropped. */
#define METRICS_HTTP_TIMEOUT	10

static const double metrics_bounds[] = METRICS_BUCKETS;
#define METRICS_NBUCKETS	(sizeof(metrics_bounds) / sizeof(metrics_bounds[0]))

/* A counter per label value (a fetch result, a sink). */
struct metrics_count {
	char		*mc_label;
	uint64_t	 mc_n[2];
};

struct metrics {
	struct event_base	*m_base;
	struct store		*m_store;
	const struct config	*m_cfg;
	struct evhttp		*m_http;
	int			 m_stopping;
	int64_t			 m_started;
	struct metrics_count	*m_fetch;	/* by result: [0] */
	size_t			 m_nfetch;
	uint64_t		 m_hist[METRICS_NBUCKETS];
	uint64_t		 m_hist_count;
	double			 m_hist_sum;
	uint64_t		 m_parsed;
	uint64_t		 m_fresh;
	struct metrics_count	*m_sinks;	/* [0] delivered, [1] failed */
	size_t			 m_nsinks;
	uint64_t		 m_reloads[2];	/* [0] ok, [1] failed */
};

static void	metrics_scrape_cb(struct evhttp_request *, void *);
static void	metrics_health_cb(struct evhttp_request *, void *);
static void	metrics_other_cb(struct evhttp_request *, void *);

static struct metrics_count *
metrics_count(struct metrics_count **v, size_t *n, const char *label)
{
	size_t	i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i].mc_label, label) == 0)
			return &(*v)[i];
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	memset(&(*v)[*n], 0, sizeof(**v));
	(*v)[*n].mc_label = xstrdup(label);
	return &(*v)[(*n)++];
}

static void
metrics_count_free(struct metrics_count *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i].mc_label);
	free(v);
}

struct metrics *
metrics_new(struct event_base *base, struct store *st,
    const struct config *cfg)
{
	struct metrics	*m;

	m = xcalloc(1, sizeof(*m));
	m->m_base = base;
	m->m_store = st;
	m->m_cfg = cfg;
	m->m_started = (int64_t)time(NULL);
	return m;
}

void
metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	if (m->m_http != NULL)
		evhttp_free(m->m_http);
	metrics_count_free(m->m_fetch, m->m_nfetch);
	metrics_count_free(m->m_sinks, m->m_nsinks);
	free(m);
}

void
metrics_set_config(struct metrics *m, const struct config *cfg)
{
	if (m != NULL)
		m->m_cfg = cfg;
}

int
metrics_listen(struct metrics *m, const char *addr, int port, char *err,
    size_t errlen)
{
	if (m->m_http != NULL)
		return util_err(err, errlen, "already listening");
	if ((m->m_http = evhttp_new(m->m_base)) == NULL)
		return util_err(err, errlen, "evhttp_new failed");
	evhttp_set_allowed_methods(m->m_http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_timeout(m->m_http, METRICS_HTTP_TIMEOUT);
	evhttp_set_max_headers_size(m->m_http, 8192);
	evhttp_set_max_body_size(m->m_http, 0);
	evhttp_set_cb(m->m_http, "/metrics", metrics_scrape_cb, m);
	evhttp_set_cb(m->m_http, "/healthz", metrics_health_cb, m);
	evhttp_set_gencb(m->m_http, metrics_other_cb, m);
	if (evhttp_bind_socket(m->m_http, addr, (ev_uint16_t)port) != 0) {
		evhttp_free(m->m_http);
		m->m_http = NULL;
		return util_err(err, errlen, "cannot listen on %s port %d",
		    addr, port);
	}
	return 0;
}

void
metrics_stopping(struct metrics *m)
{
	if (m != NULL)
		m->m_stopping = 1;
}

int
metrics_healthy(struct metrics *m)
{
	return !m->m_stopping && store_delivery_count(m->m_store) >= 0;
}

/* ------------------------------------------------------------- counting */

void
metrics_fetch_done(struct metrics *m, const struct http_response *r, int ok)
{
	const char	*result;
	size_t		 i;

	if (m == NULL)
		return;
	if (ok)
		result = r->hr_status == 304 ? "not_modified" : "ok";
	else if (r->hr_error == HTTP_OK && (r->hr_status < 200 ||
	    r->hr_status > 299))
		result = "http_error";
	else if (r->hr_error == HTTP_OK || r->hr_error == HTTP_EABORTED)
		result = "not_a_feed";
	else if (r->hr_error == HTTP_ETOOBIG)
		result = "too_large";
	else
		result = http_error_name(r->hr_error);
	metrics_count(&m->m_fetch, &m->m_nfetch, result)->mc_n[0]++;
	for (i = 0; i < METRICS_NBUCKETS; i++)
		if (r->hr_seconds <= metrics_bounds[i])
			m->m_hist[i]++;
	m->m_hist_count++;
	m->m_hist_sum += r->hr_seconds > 0 ? r->hr_seconds : 0;
}

void
metrics_items(struct metrics *m, size_t parsed, size_t fresh)
{
	if (m == NULL)
		return;
	m->m_parsed += parsed;
	m->m_fresh += fresh;
}

void
metrics_delivery(struct metrics *m, const char *sink, int ok)
{
	if (m == NULL)
		return;
	metrics_count(&m->m_sinks, &m->m_nsinks, sink)->mc_n[ok ? 0 : 1]++;
}

void
metrics_reload(struct metrics *m, int ok)
{
	if (m != NULL)
		m->m_reloads[ok ? 0 : 1]++;
}

/* -------------------------------------------------- what the store knows */

enum metrics_state { MS_OK, MS_FAILING, MS_PAUSED, MS_GONE, MS_NEW, MS_N };

static const char *const metrics_state_names[MS_N] = {
	"ok", "failing", "paused", "gone", "new"
};

/* One configured feed, with what the database says of it. */
struct metrics_feed {
	const struct conf_feed	*mf_cf;
	enum metrics_state	 mf_state;
	int64_t			 mf_last_ok;
};

struct metrics_walk {
	struct metrics_feed	*mw_feeds;	/* sorted by name */
	size_t			 mw_n;
	int64_t			 mw_now;
};

static int
metrics_feed_cmp(const void *a, const void *b)
{
	const struct metrics_feed	*x = a, *y = b;

	return strcmp(x->mf_cf->cf_name, y->mf_cf->cf_name);
}

static int
metrics_feed_cb(void *arg, const char *name, const struct store_feed *sf)
{
	struct metrics_walk	*w = arg;
	struct metrics_feed	*f;
	struct conf_feed	 key;
	struct metrics_feed	 k;

	memset(&key, 0, sizeof(key));
	key.cf_name = (char *)(uintptr_t)name;
	k.mf_cf = &key;
	if ((f = bsearch(&k, w->mw_feeds, w->mw_n, sizeof(*f),
	    metrics_feed_cmp)) == NULL)
		return 0;	/* state of a feed no longer configured */
	f->mf_last_ok = sf->sf_last_ok;
	if (sf->sf_gone && sf->sf_conf_url != NULL &&
	    strcmp(sf->sf_conf_url, f->mf_cf->cf_url) == 0)
		f->mf_state = MS_GONE;
	else if (sf->sf_paused_until > w->mw_now)
		f->mf_state = MS_PAUSED;
	else if (sf->sf_errors > 0)
		f->mf_state = MS_FAILING;
	else if (sf->sf_last_ok > 0)
		f->mf_state = MS_OK;
	return 0;
}

/* The configured feeds and their states, sorted by name; -1 if no db. */
static int
metrics_feeds(struct metrics *m, struct metrics_walk *w)
{
	const struct config	*c = m->m_cfg;
	char			 err[256];
	size_t			 i;

	memset(w, 0, sizeof(*w));
	w->mw_now = (int64_t)time(NULL);
	w->mw_n = c->c_nfeeds;
	w->mw_feeds = xcalloc(w->mw_n + 1, sizeof(*w->mw_feeds));
	for (i = 0; i < w->mw_n; i++) {
		w->mw_feeds[i].mf_cf = &c->c_feeds[i];
		w->mw_feeds[i].mf_state = MS_NEW;
	}
	qsort(w->mw_feeds, w->mw_n, sizeof(*w->mw_feeds), metrics_feed_cmp);
	return store_feed_each(m->m_store, metrics_feed_cb, w, err,
	    sizeof(err));
}

struct metrics_queue {
	struct metrics_count	*mq_sinks;	/* [0] queued, [1] dead */
	size_t			 mq_n;
	int64_t			 mq_oldest;
};

static int
metrics_queue_cb(void *arg, const char *sink, int64_t queued, int64_t dead,
    int64_t oldest)
{
	struct metrics_queue	*q = arg;
	struct metrics_count	*c;

	c = metrics_count(&q->mq_sinks, &q->mq_n, sink);
	c->mc_n[0] = (uint64_t)queued;
	c->mc_n[1] = (uint64_t)dead;
	if (oldest != -1 && (q->mq_oldest == -1 || oldest < q->mq_oldest))
		q->mq_oldest = oldest;
	return 0;
}

static int
metrics_queue(struct metrics *m, struct metrics_queue *q)
{
	char			 err[256];

	const struct config	*c = m->m_cfg;
	size_t			 i, j;

	memset(q, 0, sizeof(*q));
	q->mq_oldest = -1;
	/* Every sink in use has a gauge, 0 when nothing waits for it. */
	for (i = 0; i < c->c_nwatchlists; i++)
		for (j = 0; j < c->c_watchlists[i].cw_nnotify; j++)
			metrics_count(&q->mq_sinks, &q->mq_n,
			    c->c_watchlists[i].cw_notify[j]);
	return store_queue_each(m->m_store, metrics_queue_cb, q, err,
	    sizeof(err));
}

int
metrics_summary(struct metrics *m, struct metrics_summary *s)
{
	struct metrics_walk	w;
	struct metrics_queue	q;
	size_t			i;
	int			rc;

	memset(s, 0, sizeof(*s));
	rc = metrics_feeds(m, &w);
	s->ms_feeds = w.mw_n;
	for (i = 0; i < w.mw_n; i++) {
		switch (w.mw_feeds[i].mf_state) {
		case MS_OK:
			s->ms_ok++;
			break;
		case MS_FAILING:
			s->ms_failing++;
			break;
		case MS_NEW:
			s->ms_new++;
			break;
		default:
			s->ms_paused++;
			break;
		}
	}
	free(w.mw_feeds);
	if (metrics_queue(m, &q) == -1)
		rc = -1;
	s->ms_oldest = q.mq_oldest;
	for (i = 0; i < q.mq_n; i++)
		s->ms_queued += (int64_t)q.mq_sinks[i].mc_n[0];
	metrics_count_free(q.mq_sinks, q.mq_n);
	return rc;
}

/* ------------------------------------------------------------ exposition */

/* A label value: \, " and newline escaped (the format's only escapes). */
static void
metrics_label(struct evbuffer *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			evbuffer_add_printf(b, "\\%c", *s);
		else if (*s == '\n')
			evbuffer_add(b, "\\n", 2);
		else
			evbuffer_add(b, s, 1);
	}
}

static void
metrics_family(struct evbuffer *b, const char *name, const char *type,
    const char *help)
{
	evbuffer_add_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help,
	    name, type);
}

/* name{label="value"} n */
static void
metrics_sample(struct evbuffer *b, const char *name, const char *label,
    const char *value, double n)
{
	evbuffer_add_printf(b, "%s", name);
	if (label != NULL) {
		evbuffer_add_printf(b, "{%s=\"", label);
		metrics_label(b, value);
		evbuffer_add(b, "\"}", 2);
	}
	evbuffer_add_printf(b, " %.17g\n", n);
}

static void
metrics_by_label(struct evbuffer *b, const char *name, const char *type,
    const char *help, const char *label, const struct metrics_count *v,
    size_t n, int which)
{
	size_t	i;

	if (n == 0)
		return;
	metrics_family(b, name, type, help);
	for (i = 0; i < n; i++)
		metrics_sample(b, name, label, v[i].mc_label,
		    (double)v[i].mc_n[which]);
}

static void
metrics_render_feeds(struct evbuffer *b, const struct metrics_walk *w)
{
	size_t	n[MS_N], i;

	memset(n, 0, sizeof(n));
	for (i = 0; i < w->mw_n; i++)
		n[w->mw_feeds[i].mf_state]++;
	metrics_family(b, "newswatch_feeds", "gauge",
	    "Configured feeds by the state of their last poll.");
	for (i = 0; i < MS_N; i++)
		metrics_sample(b, "newswatch_feeds", "state",
		    metrics_state_names[i], (double)n[i]);
	if (w->mw_n == 0)
		return;
	metrics_family(b, "newswatch_feed_last_success_timestamp_seconds",
	    "gauge", "When each feed was last polled successfully (0: never).");
	for (i = 0; i < w->mw_n; i++)
		metrics_sample(b,
		    "newswatch_feed_last_success_timestamp_seconds", "feed",
		    w->mw_feeds[i].mf_cf->cf_name,
		    (double)w->mw_feeds[i].mf_last_ok);
}

static void
metrics_render_fetches(struct metrics *m, struct evbuffer *b)
{
	const char	*h = "newswatch_fetch_duration_seconds";
	size_t		 i;

	metrics_by_label(b, "newswatch_fetches_total", "counter",
	    "Feed fetches by result.", "result", m->m_fetch, m->m_nfetch, 0);
	metrics_family(b, h, "histogram", "Time a feed fetch took.");
	for (i = 0; i < METRICS_NBUCKETS; i++)
		evbuffer_add_printf(b, "%s_bucket{le=\"%g\"} %llu\n", h,
		    metrics_bounds[i], (unsigned long long)m->m_hist[i]);
	evbuffer_add_printf(b, "%s_bucket{le=\"+Inf\"} %llu\n", h,
	    (unsigned long long)m->m_hist_count);
	evbuffer_add_printf(b, "%s_sum %.17g\n%s_count %llu\n", h,
	    m->m_hist_sum, h, (unsigned long long)m->m_hist_count);
	metrics_family(b, "newswatch_items_parsed_total", "counter",
	    "Items read from feeds.");
	metrics_sample(b, "newswatch_items_parsed_total", NULL, NULL,
	    (double)m->m_parsed);
	metrics_family(b, "newswatch_items_new_total", "counter",
	    "Items not seen before, matched against the watchlists.");
	metrics_sample(b, "newswatch_items_new_total", NULL, NULL,
	    (double)m->m_fresh);
}

static void
metrics_render_alerts(struct metrics *m, struct evbuffer *b,
    const struct metrics_queue *q)
{
	int64_t	now = (int64_t)time(NULL);

	metrics_by_label(b, "newswatch_alerts_queued", "gauge",
	    "Alert deliveries waiting for their sink.", "sink", q->mq_sinks,
	    q->mq_n, 0);
	metrics_by_label(b, "newswatch_alerts_dead", "gauge",
	    "Alert deliveries given up after max_queue_age (kept).", "sink",
	    q->mq_sinks, q->mq_n, 1);
	metrics_by_label(b, "newswatch_alerts_delivered_total", "counter",
	    "Alerts a sink accepted.", "sink", m->m_sinks, m->m_nsinks, 0);
	metrics_by_label(b, "newswatch_alerts_failed_total", "counter",
	    "Delivery attempts a sink refused or that failed (retried).",
	    "sink", m->m_sinks, m->m_nsinks, 1);
	metrics_family(b, "newswatch_oldest_queued_alert_age_seconds", "gauge",
	    "Age of the oldest alert delivery still queued (0: none).");
	metrics_sample(b, "newswatch_oldest_queued_alert_age_seconds", NULL,
	    NULL, q->mq_oldest == -1 || q->mq_oldest > now ? 0 :
	    (double)(now - q->mq_oldest));
}

static void
metrics_reply(struct evhttp_request *req, int code, const char *reason,
    const char *ctype, struct evbuffer *b)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);

	evhttp_add_header(h, "Content-Type", ctype);
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_send_reply(req, code, reason, b);
}

static void
metrics_scrape_cb(struct evhttp_request *req, void *arg)
{
	struct metrics		*m = arg;
	struct metrics_walk	 w;
	struct metrics_queue	 q;
	struct evbuffer		*b;
	int			 fa, qa;

	if ((b = evbuffer_new()) == NULL) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	fa = metrics_feeds(m, &w);
	qa = metrics_queue(m, &q);
	metrics_family(b, "newswatch_build_info", "gauge",
	    "The version of newswatchd, as a label.");
	metrics_sample(b, "newswatch_build_info", "version",
	    NEWSWATCH_VERSION, 1);
	metrics_family(b, "newswatch_start_time_seconds", "gauge",
	    "When the daemon started, in seconds since the epoch.");
	metrics_sample(b, "newswatch_start_time_seconds", NULL, NULL,
	    (double)m->m_started);
	metrics_family(b, "newswatch_up", "gauge",
	    "1 if the database answered this scrape.");
	metrics_sample(b, "newswatch_up", NULL, NULL, fa == 0 && qa == 0);
	metrics_render_feeds(b, &w);
	metrics_render_fetches(m, b);
	metrics_render_alerts(m, b, &q);
	metrics_family(b, "newswatch_reloads_total", "counter",
	    "SIGHUP reloads, applied or refused (old configuration kept).");
	metrics_sample(b, "newswatch_reloads_total", "result", "ok",
	    (double)m->m_reloads[0]);
	metrics_sample(b, "newswatch_reloads_total", "result", "failed",
	    (double)m->m_reloads[1]);
	free(w.mw_feeds);
	metrics_count_free(q.mq_sinks, q.mq_n);
	metrics_reply(req, 200, "OK", "text/plain; version=0.0.4; "
	    "charset=utf-8", b);
	evbuffer_free(b);
}

static void
metrics_health_cb(struct evhttp_request *req, void *arg)
{
	struct metrics	*m = arg;
	struct evbuffer	*b;
	int		 ok = metrics_healthy(m);

	if ((b = evbuffer_new()) == NULL) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	evbuffer_add_printf(b, "%s\n", ok ? "ok" : m->m_stopping ?
	    "stopping" : "database not answering");
	metrics_reply(req, ok ? 200 : 503, ok ? "OK" :
	    "Service Unavailable", "text/plain; charset=utf-8", b);
	evbuffer_free(b);
}

static void
metrics_other_cb(struct evhttp_request *req, void *arg)
{
	(void)arg;
	evhttp_send_error(req, 404, NULL);
}
