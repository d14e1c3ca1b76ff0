/*
 * poller.c: each feed on its schedule.  A feed's timer starts a poll
 * (poller_poll.c); the poll sets the next time.  Generations of the
 * configuration live here, so that a reload does not pull the rules from
 * under a poll in flight.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/event.h>
#include <openssl/evp.h>

#include "alert.h"
#include "conf.h"
#include "date.h"
#include "feed.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "outbox.h"
#include "poller.h"
#include "poller_int.h"
#include "rules.h"
#include "store.h"
#include "text.h"
#include "util.h"

/* ------------------------------------------------------------ generations */

struct poller_gen *
poller_gen_new(struct config *cfg, struct rules *r)
{
	struct poller_gen	*g;

	g = xcalloc(1, sizeof(*g));
	g->pg_conf = cfg;
	g->pg_rules = r;
	g->pg_refs = 1;
	return g;
}

void
poller_gen_unref(struct poller_gen *g)
{
	if (g == NULL || --g->pg_refs > 0)
		return;
	conf_free(g->pg_conf);
	rules_free(g->pg_rules);
	free(g);
}

/* ------------------------------------------------------------- scheduling */

static unsigned
poller_hash(const char *s)
{
	unsigned	h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

int64_t
poller_interval(const struct poller *p, const struct conf_feed *cf)
{
	return cf->cf_interval > 0 ? cf->cf_interval :
	    p->p_gen->pg_conf->c_interval;
}

int64_t
poller_backoff(int64_t interval, int errors, int64_t now)
{
	int64_t	d = util_backoff(interval, POLLER_BACKOFF_CAP, errors);

	/* Never sooner than the feed's normal interval. */
	return now + (d > interval ? d : interval);
}

int64_t
poller_next_slot(const char *name, int64_t iv, int64_t now)
{
	int64_t	off, k, t;

	if (iv < 1)
		iv = 1;
	/*
	 * Each feed owns a phase within its interval, from a hash of its
	 * name: feeds of one interval stay spread across it however they
	 * were started, and a restart does not bunch them up.  The next slot
	 * is at least half an interval away.
	 */
	off = (int64_t)(poller_hash(name) % (uint64_t)iv);
	t = now + (iv / 2 > 0 ? iv / 2 : 1);
	k = (t - off + iv - 1) / iv;
	return k * iv + off + (int64_t)(random() % (iv / 50 + 1));
}

static void
poller_timer_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	poller_poll(arg);
}

void
poller_schedule(struct pfeed *pf, int64_t when)
{
	struct poller	*p = pf->pf_poller;
	struct timeval	 tv;
	int64_t		 now = (int64_t)time(NULL);

	if (p->p_stopping || (p->p_flags & POLLER_ONCE))
		return;
	tv.tv_sec = when > now ? when - now : 0;
	/* Sub-second spread, so feeds due in one second do not fire at once. */
	tv.tv_usec = (suseconds_t)(poller_hash(pf->pf_name) % 1000000);
	evtimer_add(pf->pf_timer, &tv);
}

static const struct conf_feed *
poller_conf_feed(const struct poller *p, const char *name)
{
	return conf_feed_find(p->p_gen->pg_conf, name);
}

static struct pfeed *
poller_pfeed_new(struct poller *p, const char *name)
{
	struct pfeed	*pf;

	pf = xcalloc(1, sizeof(*pf));
	pf->pf_name = xstrdup(name);
	pf->pf_poller = p;
	if ((pf->pf_timer = evtimer_new(p->p_base, poller_timer_cb, pf)) ==
	    NULL)
		abort();
	return pf;
}

void
poller_pfeed_free(struct pfeed *pf)
{
	event_free(pf->pf_timer);
	free(pf->pf_name);
	free(pf);
}

/* Where a feed stands at start or after a reload: first poll or resume. */
static void
poller_arm(struct poller *p, struct pfeed *pf)
{
	const struct conf_feed	*cf = poller_conf_feed(p, pf->pf_name);
	struct store_feed	 st;
	char			 err[256];
	int64_t			 now = (int64_t)time(NULL), iv, when;
	int			 r;

	memset(&st, 0, sizeof(st));
	if ((r = store_feed_get(p->p_store, pf->pf_name, &st, err,
	    sizeof(err))) == -1)
		log_warnx("feed=%s state error=%s", pf->pf_name, log_q(err));
	if (r == 1 && st.sf_gone && st.sf_conf_url != NULL &&
	    strcmp(st.sf_conf_url, cf->cf_url) == 0) {
		log_warnx("feed=%s gone status=410 (not polled until its url "
		    "changes in the configuration)", pf->pf_name);
		store_feed_clear(&st);
		return;
	}
	if (p->p_flags & POLLER_ONCE) {
		if (r == 1 && st.sf_paused_until > now)
			log_info("feed=%s skipped paused_until=%lld",
			    pf->pf_name, (long long)st.sf_paused_until);
		else
			poller_poll(pf);
		store_feed_clear(&st);
		return;
	}
	iv = poller_interval(p, cf);
	if (r == 1 && st.sf_next_poll > now)
		when = st.sf_next_poll;
	else
		/*
		 * Never polled, or overdue after a stop: soon, but spread
		 * (deterministic per feed) so 10,000 feeds do not fire at once.
		 */
		when = now + (int64_t)(poller_hash(pf->pf_name) %
		    (unsigned)(iv < POLLER_SPREAD_MAX ? iv : POLLER_SPREAD_MAX));
	store_feed_clear(&st);
	poller_schedule(pf, when);
}

/* ------------------------------------------------------------ life cycle */

static void
poller_idle_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct poller	*p = arg;

	(void)fd;
	(void)ev;
	if (p->p_busy == 0 && p->p_idle != NULL)
		p->p_idle(p->p_idle_arg);
}

struct poller *
poller_new(struct event_base *base, struct store *st, struct http *ht,
    struct outbox *ob, struct poller_gen *gen, int flags)
{
	struct poller	*p;

	p = xcalloc(1, sizeof(*p));
	p->p_base = base;
	p->p_store = st;
	p->p_http = ht;
	p->p_outbox = ob;
	p->p_gen = gen;
	gen->pg_refs++;
	p->p_flags = flags;
	p->p_doc = rules_doc_new();
	if ((p->p_idle_ev = event_new(base, -1, 0, poller_idle_cb, p)) ==
	    NULL || (p->p_flush_ev = evtimer_new(base, poller_flush_cb, p)) ==
	    NULL)
		abort();
	return p;
}

void
poller_start(struct poller *p)
{
	const struct config	*cfg = p->p_gen->pg_conf;
	size_t			 i;

	p->p_feeds = xcalloc(cfg->c_nfeeds, sizeof(*p->p_feeds));
	p->p_nfeeds = cfg->c_nfeeds;
	for (i = 0; i < cfg->c_nfeeds; i++)
		p->p_feeds[i] = poller_pfeed_new(p, cfg->c_feeds[i].cf_name);
	for (i = 0; i < p->p_nfeeds; i++)
		poller_arm(p, p->p_feeds[i]);
	if (p->p_busy == 0 && p->p_idle != NULL)
		event_active(p->p_idle_ev, 0, 0);
}

void
poller_set_gen(struct poller *p, struct poller_gen *gen)
{
	const struct config	*cfg = gen->pg_conf;
	struct pfeed		**nf, *pf;
	size_t			 i, j, nn = cfg->c_nfeeds;
	int			*fresh;

	gen->pg_refs++;
	poller_gen_unref(p->p_gen);
	p->p_gen = gen;
	nf = xcalloc(nn, sizeof(*nf));
	fresh = xcalloc(nn, sizeof(*fresh));
	for (i = 0; i < nn; i++) {
		for (j = 0; j < p->p_nfeeds; j++)
			if (p->p_feeds[j] != NULL && strcmp(p->p_feeds[j]->pf_name,
			    cfg->c_feeds[i].cf_name) == 0)
				break;
		if (j < p->p_nfeeds) {
			nf[i] = p->p_feeds[j];
			p->p_feeds[j] = NULL;
		} else {
			nf[i] = poller_pfeed_new(p, cfg->c_feeds[i].cf_name);
			fresh[i] = 1;
		}
	}
	for (j = 0; j < p->p_nfeeds; j++) {
		if ((pf = p->p_feeds[j]) == NULL)
			continue;
		log_info("feed=%s removed (from the configuration)",
		    pf->pf_name);
		if (pf->pf_inflight) {
			evtimer_del(pf->pf_timer);
			pf->pf_removed = 1;
		} else
			poller_pfeed_free(pf);
	}
	free(p->p_feeds);
	p->p_feeds = nf;
	p->p_nfeeds = nn;
	/* New feeds start; kept ones keep their schedule (or a new url). */
	for (i = 0; i < nn; i++)
		if (fresh[i])
			poller_arm(p, nf[i]);
		else if (!nf[i]->pf_inflight) {
			evtimer_del(nf[i]->pf_timer);
			poller_arm(p, nf[i]);
		}
	free(fresh);
}

void
poller_stop(struct poller *p)
{
	size_t	i;

	p->p_stopping = 1;
	for (i = 0; i < p->p_nfeeds; i++)
		evtimer_del(p->p_feeds[i]->pf_timer);
}

int
poller_busy(const struct poller *p)
{
	return p->p_busy;
}

void
poller_set_metrics(struct poller *p, struct metrics *m)
{
	p->p_metrics = m;
}

void
poller_on_idle(struct poller *p, void (*cb)(void *), void *arg)
{
	p->p_idle = cb;
	p->p_idle_arg = arg;
}

void
poller_free(struct poller *p)
{
	size_t	i;

	if (p == NULL)
		return;
	/* Polls that ended are stored, not dropped. */
	poller_flush(p);
	event_free(p->p_flush_ev);
	for (i = 0; i < p->p_nfeeds; i++)
		poller_pfeed_free(p->p_feeds[i]);
	free(p->p_feeds);
	rules_doc_free(p->p_doc);
	event_free(p->p_idle_ev);
	poller_gen_unref(p->p_gen);
	free(p);
}
