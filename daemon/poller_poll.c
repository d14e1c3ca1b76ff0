/*
 * poller_poll.c: one poll of one feed: fetch (http), parse while the bytes
 * arrive (feed), match each new item (rules), and store it with the
 * other polls that ended at about the same time in one transaction
 * (store), each in its own savepoint; then hand the alerts to the outbox.
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

static void	poller_defer(struct poll *);

/* ------------------------------------------------------------- matching */

static char *
poller_dup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static void
poller_hit_cb(void *arg, unsigned wl, const char *const *words, size_t nwords)
{
	struct poll			*pl = arg;
	const struct config		*cfg = pl->pl_gen->pg_conf;
	const struct conf_watchlist	*w;
	const struct feed_item		*it = pl->pl_cur;
	struct pitem			*pi = &pl->pl_items[pl->pl_nitems - 1];
	struct palert			*pa;
	struct sbuf			 sb;
	size_t				 i;

	if (wl >= cfg->c_nwatchlists)
		return;
	w = &cfg->c_watchlists[wl];
	if (!conf_watchlist_wants(w, pl->pl_cf->cf_name))
		return;
	if (pi->pi_nalerts == 0) {
		pi->pi_title = poller_dup(it->fi_title);
		pi->pi_link = poller_dup(it->fi_link);
		pi->pi_author = poller_dup(it->fi_author);
		/* RSS 1.0 and others only say dc:date (updated): better than none. */
		pi->pi_published = it->fi_published != DATE_NONE ?
		    it->fi_published : it->fi_updated;
		if (pl->pl_cur_summary != NULL) {
			sbuf_init(&sb);
			text_truncate(&sb, pl->pl_cur_summary, ALERT_SUMMARY_MAX);
			pi->pi_summary = sbuf_detach(&sb);
			sbuf_free(&sb);
		}
	}
	pi->pi_alerts = xreallocarray(pi->pi_alerts, pi->pi_nalerts + 1,
	    sizeof(*pi->pi_alerts));
	pa = &pi->pi_alerts[pi->pi_nalerts++];
	memset(pa, 0, sizeof(*pa));
	pa->pa_wl = w;
	alert_make_id(w->cw_name, pl->pl_cf->cf_name, pl->pl_cur_key,
	    pa->pa_id);
	pa->pa_words = xcalloc(nwords, sizeof(char *));
	for (i = 0; i < nwords; i++)
		pa->pa_words[i] = xstrdup(words[i]);
	pa->pa_nwords = nwords;
}

/* The alert JSON of one hit, as users receive it; to free. */
static char *
poller_alert_json(const struct poll *pl, const struct pitem *pi,
    const struct palert *pa)
{
	struct alert	a;

	memset(&a, 0, sizeof(a));
	memcpy(a.a_id, pa->pa_id, sizeof(a.a_id));
	a.a_watchlist = pa->pa_wl->cw_name;
	a.a_matched = (const char *const *)pa->pa_words;
	a.a_nmatched = pa->pa_nwords;
	a.a_feed_name = pl->pl_cf->cf_name;
	a.a_feed_url = pl->pl_cf->cf_url;
	a.a_item_id = pi->pi_key;
	a.a_title = pi->pi_title;
	a.a_link = pi->pi_link;
	a.a_published = pi->pi_published;
	a.a_author = pi->pi_author;
	a.a_summary = pi->pi_summary;
	a.a_detected_at = pl->pl_now;
	return alert_to_json(&a);
}

char *
poller_doc_fill(struct rules_doc *doc, const struct feed_item *it)
{
	char	*sum = NULL, *con = NULL;
	size_t	 i;

	rules_doc_reset(doc);
	if (it->fi_title != NULL)
		rules_doc_add(doc, RULES_TITLE, it->fi_title,
		    strlen(it->fi_title));
	if (it->fi_summary != NULL) {
		sum = text_html_to_text(it->fi_summary, strlen(it->fi_summary));
		rules_doc_add(doc, RULES_SUMMARY, sum, strlen(sum));
	}
	/* feed.c copies content into a missing summary: not twice. */
	if (it->fi_content != NULL && (it->fi_summary == NULL ||
	    strcmp(it->fi_content, it->fi_summary) != 0)) {
		con = text_html_to_text(it->fi_content, strlen(it->fi_content));
		rules_doc_add(doc, RULES_SUMMARY, con, strlen(con));
	}
	if (it->fi_author != NULL)
		rules_doc_add(doc, RULES_AUTHOR, it->fi_author,
		    strlen(it->fi_author));
	for (i = 0; i < it->fi_ncategories; i++)
		rules_doc_add(doc, RULES_CATEGORY, it->fi_categories[i],
		    strlen(it->fi_categories[i]));
	if (sum == NULL)
		return con;
	free(con);
	return sum;
}

static void
poller_item_cb(void *arg, const struct feed_item *it)
{
	struct poll		*pl = arg;
	struct poller		*p = pl->pl_poller;
	const struct config	*cfg = pl->pl_gen->pg_conf;
	struct rules_doc	*doc = p->p_doc;
	struct pitem		*pi;
	char			*key, *sum;

	pl->pl_nparsed++;
	key = feed_item_key(it);
	if (cfg->c_max_age > 0 && it->fi_published != DATE_NONE &&
	    it->fi_published < pl->pl_now - cfg->c_max_age) {
		free(key);
		return;
	}
	/* Seen items cost no matching (a read; see poller_feed()). */
	if (store_item_seen(p->p_store, pl->pl_cf->cf_name, key) == 1) {
		free(key);
		return;
	}
	pl->pl_items = xreallocarray(pl->pl_items, pl->pl_nitems + 1,
	    sizeof(*pl->pl_items));
	pi = &pl->pl_items[pl->pl_nitems++];
	memset(pi, 0, sizeof(*pi));
	pi->pi_key = key;
	if (it->fi_link != NULL)
		pi->pi_norm_link = text_norm_url(it->fi_link);
	if (it->fi_title != NULL)
		pi->pi_norm_title = text_norm_title(it->fi_title);

	sum = poller_doc_fill(doc, it);
	pl->pl_cur = it;
	pl->pl_cur_key = key;
	pl->pl_cur_summary = sum;
	rules_match(pl->pl_gen->pg_rules, doc, poller_hit_cb, pl);
	pl->pl_cur = NULL;
	free(sum);
}

/* ------------------------------------------------------------ fetching */


static void
poller_set(char **dst, const char *v)
{
	free(*dst);
	*dst = v != NULL ? xstrdup(v) : NULL;
}

/* Bytes to the feed parser, made at the first of them. */
static int
poller_feed(struct poll *pl, const char *content_type, const char *buf,
    size_t len)
{
	char	*cs;
	int	 rt, rc;

	if (pl->pl_parser == NULL) {
		cs = http_charset(content_type);
		pl->pl_parser = feed_parser_new(pl->pl_url, cs, poller_item_cb,
		    pl);
		pl->pl_parse_err = xcalloc(1, POLLER_ERR_LEN);
		free(cs);
	}
	if (pl->pl_parse_failed)
		return -1;
	rt = store_read_begin(pl->pl_poller->p_store);
	rc = feed_parser_push(pl->pl_parser, buf, len, pl->pl_parse_err,
	    POLLER_ERR_LEN);
	store_read_end(pl->pl_poller->p_store, rt);
	if (rc == -1) {
		pl->pl_parse_failed = 1;
		return -1;
	}
	return 0;
}

/*
 * The body's hash, begun with its first bytes: a poll waiting in a host's
 * queue (all 10,000 feeds at the first start) holds no digest context.
 */
static EVP_MD_CTX *
poller_md(struct poll *pl)
{
	if (pl->pl_md == NULL && ((pl->pl_md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(pl->pl_md, EVP_sha256(), NULL) != 1))
		abort();	/* out of memory, as xmalloc */
	return pl->pl_md;
}

static int
poller_data_cb(void *arg, const struct http_response *r, const char *buf,
    size_t len)
{
	struct poll	*pl = arg;

	/* A server that sends validators gets a 304 next time: no hash. */
	if (pl->pl_spooling || (r->hr_etag == NULL &&
	    r->hr_last_modified == NULL))
		EVP_DigestUpdate(poller_md(pl), buf, len);
	if (pl->pl_spooling) {
		if (pl->pl_spool.sb_len + len <= POLLER_SPOOL_MAX) {
			sbuf_add(&pl->pl_spool, buf, len);
			return 0;
		}
		/* Too big to hold back: parse as it comes after all. */
		pl->pl_spooling = 0;
		if (poller_feed(pl, r->hr_content_type, pl->pl_spool.sb_buf,
		    pl->pl_spool.sb_len) == -1)
			return -1;
		sbuf_reset(&pl->pl_spool);
	}
	return poller_feed(pl, r->hr_content_type, buf, len);
}

/*
 * A body from a server without validators: its hash says whether it
 * changed (a body with validators is not hashed: the next poll is
 * conditional).  Returns 1 if it is the body seen last time (nothing to parse
 * or match), else parses what was held back and returns 0.
 */
static int
poller_body_end(struct poll *pl, const struct http_response *r)
{
	struct store_feed	*st = &pl->pl_state;
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen = 0, i;
	char			 hex[2 * EVP_MAX_MD_SIZE + 1];
	int			 same;

	if (!pl->pl_spooling && (r->hr_etag != NULL ||
	    r->hr_last_modified != NULL)) {
		/* Hashing every body was 3% of a cold poll. */
		poller_set(&st->sf_body_hash, NULL);
		return 0;
	}
	EVP_DigestFinal_ex(poller_md(pl), md, &mdlen);
	for (i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	hex[2 * mdlen] = '\0';
	same = st->sf_body_hash != NULL && strcmp(st->sf_body_hash, hex) == 0;
	poller_set(&st->sf_body_hash, r->hr_etag != NULL ||
	    r->hr_last_modified != NULL ? NULL : hex);
	if (pl->pl_spooling) {
		pl->pl_spooling = 0;
		if (same)
			return 1;
		if (pl->pl_spool.sb_len > 0)
			(void)poller_feed(pl, r->hr_content_type,
			    pl->pl_spool.sb_buf, pl->pl_spool.sb_len);
	}
	return 0;
}

static void
poller_poll_free(struct poll *pl)
{
	size_t	i, j, k;

	for (i = 0; i < pl->pl_nitems; i++) {
		struct pitem	*pi = &pl->pl_items[i];

		for (j = 0; j < pi->pi_nalerts; j++) {
			struct palert	*pa = &pi->pi_alerts[j];

			for (k = 0; k < pa->pa_nwords; k++)
				free(pa->pa_words[k]);
			free(pa->pa_words);
		}
		free(pi->pi_title);
		free(pi->pi_link);
		free(pi->pi_author);
		free(pi->pi_summary);
		free(pi->pi_alerts);
		free(pi->pi_key);
		free(pi->pi_norm_link);
		free(pi->pi_norm_title);
	}
	free(pl->pl_items);
	feed_parser_free(pl->pl_parser);
	EVP_MD_CTX_free(pl->pl_md);
	sbuf_free(&pl->pl_spool);
	store_feed_clear(&pl->pl_state);
	free(pl->pl_parse_err);
	free(pl->pl_url);
	poller_gen_unref(pl->pl_gen);
	free(pl);
}

/*
 * What one poll stores, all or nothing (a savepoint within the batch's
 * transaction): its new items as seen, their alerts queued, the feed's
 * state.  Returns the number of alerts queued, or -1.
 */
static int
poller_write(struct poll *pl)
{
	struct poller	*p = pl->pl_poller;
	const char	*feed = pl->pl_cf->cf_name;
	char		 err[256];
	size_t		 i, j;
	int		 r, nalerts = 0;

	if (store_savepoint(p->p_store, err, sizeof(err)) == -1)
		goto fail;
	for (i = 0; pl->pl_with_items && i < pl->pl_nitems; i++) {
		struct pitem	*pi = &pl->pl_items[i];

		if ((r = store_item_add(p->p_store, feed, pi->pi_key,
		    pl->pl_now, err, sizeof(err))) == -1)
			goto rollback;
		if (r == 0)
			continue;	/* twice in one document */
		for (j = 0; j < pi->pi_nalerts; j++) {
			struct palert	*pa = &pi->pi_alerts[j];
			const struct conf_watchlist *w = pa->pa_wl;
			char		*json;

			/* The same story from another feed: once per list. */
			if ((r = store_story_claim(p->p_store, w->cw_name,
			    pi->pi_norm_link, pi->pi_norm_title, pl->pl_now,
			    err, sizeof(err))) == -1)
				goto rollback;
			if (r == 0) {
				log_debug("feed=%s alert=%s duplicate "
				    "watchlist=%s", feed, pa->pa_id,
				    log_q(w->cw_name));
				continue;
			}
			json = poller_alert_json(pl, pi, pa);
			r = store_alert_add(p->p_store, pa->pa_id, w->cw_name,
			    json, (const char *const *)w->cw_notify,
			    w->cw_nnotify, pl->pl_now, err, sizeof(err));
			if (r != -1 && (p->p_flags & POLLER_DRY))
				printf("%s\n", json);
			free(json);
			if (r == -1)
				goto rollback;
			nalerts++;
		}
	}
	if (store_feed_put(p->p_store, feed, &pl->pl_state, err,
	    sizeof(err)) == -1)
		goto rollback;
	if (store_release(p->p_store, err, sizeof(err)) == -1)
		goto rollback;
	return nalerts;
rollback:
	store_rollback_savepoint(p->p_store);
fail:
	log_warnx("feed=%s not_saved error=%s (the poll will be redone)",
	    feed, log_q(err));
	return -1;
}

/* The poll is over, one way or another. */
static void
poller_poll_end(struct poll *pl)
{
	struct poller	*p = pl->pl_poller;
	struct pfeed	*pf = pl->pl_feed;

	p->p_busy--;
	pf->pf_inflight = 0;
	if (pf->pf_removed)
		poller_pfeed_free(pf);
	poller_poll_free(pl);
	if (p->p_busy == 0 && p->p_idle != NULL)
		event_active(p->p_idle_ev, 0, 0);
}

static void
poller_done_cb(void *arg, const struct http_response *r)
{
	struct poll		*pl = arg;
	struct poller		*p = pl->pl_poller;
	struct pfeed		*pf = pl->pl_feed;
	struct store_feed	*st = &pl->pl_state;
	const char		*feed = pl->pl_cf->cf_name;
	char			 why[512], err[256];
	int64_t			 now = (int64_t)time(NULL), iv, next, hold;
	int			 parsed = 0, ok = 0, same = 0, rt;
	const struct feed_meta	*fm = NULL;

	why[0] = '\0';
	iv = poller_interval(p, pl->pl_cf);
	if (r->hr_error == HTTP_ECANCELLED) {
		/* Shutting down: nothing stored, the next start redoes it. */
		poller_poll_end(pl);
		return;
	}

	pl->pl_now = now;
	if (r->hr_error == HTTP_OK && r->hr_status >= 200 &&
	    r->hr_status <= 299)
		same = poller_body_end(pl, r);
	/*
	 * Items that ended before a parse error, a cut at max_size or a
	 * truncated body are kept: nothing readable is lost.
	 */
	if (pl->pl_parser != NULL) {
		rt = store_read_begin(p->p_store);
		if (feed_parser_finish(pl->pl_parser, err, sizeof(err)) == 0)
			parsed = 1;
		else if (!pl->pl_parse_failed) {
			pl->pl_parse_failed = 1;
			util_strlcpy(pl->pl_parse_err, err, POLLER_ERR_LEN);
		}
		store_read_end(p->p_store, rt);
		fm = feed_parser_meta(pl->pl_parser);
	}
	if (r->hr_error == HTTP_OK && (r->hr_status == 304 || same)) {
		ok = 1;
		log_debug("feed=%s %s", feed, same ? "unchanged (the same "
		    "body as last time)" : "not_modified status=304");
	}
	else if (r->hr_error == HTTP_OK && r->hr_status >= 200 &&
	    r->hr_status <= 299) {
		if (pl->pl_parser == NULL)
			snprintf(why, sizeof(why), "not a feed: empty body");
		else if (pl->pl_parse_failed && (!parsed ||
		    pl->pl_nparsed == 0))
			snprintf(why, sizeof(why), "not a feed: %s",
			    pl->pl_parse_err);
		else
			ok = 1;
	} else if (r->hr_error == HTTP_EABORTED)
		snprintf(why, sizeof(why), "not a feed: %s",
		    pl->pl_parse_err != NULL ? pl->pl_parse_err : "aborted");
	else if (r->hr_error == HTTP_OK)
		snprintf(why, sizeof(why), "http: %ld", r->hr_status);
	else
		snprintf(why, sizeof(why), "%s: %s",
		    http_error_name(r->hr_error),
		    r->hr_errmsg ? r->hr_errmsg : "failed");

	poller_set(&st->sf_conf_url, pl->pl_cf->cf_url);
	st->sf_last_poll = now;
	st->sf_gone = 0;
	st->sf_paused_until = 0;
	if (ok) {
		st->sf_errors = 0;
		poller_set(&st->sf_last_error, NULL);
		st->sf_last_ok = now;
		if (r->hr_status != 304) {
			poller_set(&st->sf_etag, r->hr_etag);
			poller_set(&st->sf_last_modified, r->hr_last_modified);
		}
		next = poller_next_slot(pf->pf_name, iv, now);
		/* The publisher's own pace, between our interval and a day. */
		hold = r->hr_max_age > 0 ? r->hr_max_age :
		    r->hr_max_age < 0 && r->hr_expires > now ?
		    r->hr_expires - now : 0;
		if (fm != NULL && fm->fm_ttl > hold)
			hold = fm->fm_ttl;
		if (hold > POLLER_PAUSE_MAX)
			hold = POLLER_PAUSE_MAX;
		/*
		 * +1 s, as for Retry-After: now is truncated to the second and
		 * the poll is scheduled later from a fresh clock, so without it
		 * the next poll could come up to a second before max-age.
		 */
		if (hold > 0 && now + hold + 1 > next)
			next = now + hold + 1;
	} else {
		st->sf_errors++;
		poller_set(&st->sf_last_error, why);
		next = poller_backoff(iv, st->sf_errors, now);
		if (r->hr_error == HTTP_OK && r->hr_status == 410) {
			st->sf_gone = 1;
			log_warnx("feed=%s gone status=410 (polling stops until "
			    "its url changes in the configuration)", feed);
		} else if (r->hr_error == HTTP_OK && (r->hr_status == 429 ||
		    r->hr_status == 503)) {
			/* The host, not just this feed, asked for a rest. */
			hold = r->hr_retry_after > now ? r->hr_retry_after :
			    next;
			if (hold > now + POLLER_PAUSE_MAX)
				hold = now + POLLER_PAUSE_MAX;
			st->sf_paused_until = hold;
			if (hold > next)
				next = hold;
			/*
			 * In run mode the whole host waits (publishers
			 * rate-limit per host); --once pauses only the feed
			 * that was told, as the contract words it.
			 */
			if (!(p->p_flags & POLLER_ONCE))
				http_pause_host(p->p_http, r->hr_url, hold);
		}
		log_warnx("feed=%s error=%s errors=%d retry_in=%llds", feed,
		    log_q(why), st->sf_errors, (long long)(next - now));
	}
	if (r->hr_permanent_url != NULL && (st->sf_url == NULL ||
	    strcmp(st->sf_url, r->hr_permanent_url) != 0)) {
		log_info("feed=%s moved permanently url=%s", feed,
		    log_q(r->hr_permanent_url));
		poller_set(&st->sf_url, r->hr_permanent_url);
	}
	st->sf_next_poll = next;
	if (pl->pl_parse_failed && parsed && pl->pl_nparsed > 0)
		log_info("feed=%s partial error=%s items=%zu", feed,
		    log_q(pl->pl_parse_err), pl->pl_nparsed);

	metrics_fetch_done(p->p_metrics, r, ok);
	metrics_items(p->p_metrics, pl->pl_nparsed, pl->pl_nitems);
	pl->pl_next = next;
	pl->pl_with_items = pl->pl_parser != NULL;
	poller_defer(pl);
}

/*
 * Polls that end close together share one transaction, so one fsync
 * (synchronous=FULL) serves them all; each is still all or nothing.
 */
static void
poller_defer(struct poll *pl)
{
	struct poller	*p = pl->pl_poller;
	struct timeval	 tv = { 0, POLLER_BATCH_USEC };

	p->p_pending = xreallocarray(p->p_pending, p->p_npending + 1,
	    sizeof(*p->p_pending));
	p->p_pending[p->p_npending++] = pl;
	/*
	 * Full, or no fetch is left in flight to join it (the end of a
	 * --once run, a lone poll): waiting would only add 50 ms.
	 */
	if (p->p_npending >= POLLER_BATCH_MAX ||
	    (size_t)p->p_busy <= p->p_npending)
		tv.tv_usec = 0;
	if (p->p_npending == 1 || tv.tv_usec == 0)
		evtimer_add(p->p_flush_ev, &tv);
}

void
poller_flush(struct poller *p)
{
	struct poll	**pend = p->p_pending, *pl;
	size_t		 npend = p->p_npending, i;
	char		 err[256];
	int		*n, intx;

	if (npend == 0)
		return;
	p->p_pending = NULL;
	p->p_npending = 0;
	n = xcalloc(npend, sizeof(*n));
	intx = store_begin(p->p_store, err, sizeof(err)) == 0;
	if (!intx)
		log_warnx("polls=%zu not_saved error=%s (they will be redone)",
		    npend, log_q(err));
	for (i = 0; i < npend; i++)
		n[i] = intx ? poller_write(pend[i]) : -1;
	if (intx && store_commit(p->p_store, err, sizeof(err)) == -1) {
		log_warnx("polls=%zu not_saved error=%s (they will be redone)",
		    npend, log_q(err));
		for (i = 0; i < npend; i++)
			n[i] = -1;
	}
	if (p->p_flags & POLLER_DRY)
		fflush(stdout);
	for (i = 0; i < npend; i++) {
		pl = pend[i];
		if (n[i] == -1)
			/* Nothing was stored: again soon, as after a failure. */
			pl->pl_next = poller_backoff(poller_interval(p,
			    pl->pl_cf), 1, (int64_t)time(NULL));
		else
			log_debug("feed=%s polled items=%zu new=%zu alerts=%d",
			    pl->pl_cf->cf_name, pl->pl_nparsed, pl->pl_nitems,
			    n[i]);
		if (n[i] > 0 && p->p_outbox != NULL)
			outbox_kick(p->p_outbox);
		if (!pl->pl_feed->pf_removed && !pl->pl_state.sf_gone)
			poller_schedule(pl->pl_feed, pl->pl_next);
		poller_poll_end(pl);
	}
	free(n);
	free(pend);
}

void
poller_flush_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	poller_flush(arg);
}

void
poller_poll(struct pfeed *pf)
{
	struct poller		*p = pf->pf_poller;
	const struct conf_feed	*cf = conf_feed_find(p->p_gen->pg_conf, pf->pf_name);
	struct http_request	 rq;
	struct poll		*pl;
	char			 err[256];

	if (pf->pf_inflight || p->p_stopping || cf == NULL)
		return;
	pl = xcalloc(1, sizeof(*pl));
	pl->pl_poller = p;
	pl->pl_feed = pf;
	pl->pl_gen = p->p_gen;
	pl->pl_gen->pg_refs++;
	pl->pl_cf = cf;
	pl->pl_now = (int64_t)time(NULL);
	sbuf_init(&pl->pl_spool);
	if (store_feed_get(p->p_store, pf->pf_name, &pl->pl_state, err,
	    sizeof(err)) == -1)
		log_warnx("feed=%s state error=%s", pf->pf_name, log_q(err));
	/*
	 * State written for another configured url is not this feed's: no
	 * redirect to follow, no validators to send.
	 */
	if (pl->pl_state.sf_conf_url != NULL &&
	    strcmp(pl->pl_state.sf_conf_url, cf->cf_url) != 0) {
		poller_set(&pl->pl_state.sf_url, NULL);
		poller_set(&pl->pl_state.sf_etag, NULL);
		poller_set(&pl->pl_state.sf_last_modified, NULL);
		poller_set(&pl->pl_state.sf_body_hash, NULL);
	}
	/*
	 * A server that gave no validators last time cannot answer 304: the
	 * body is held back (up to POLLER_SPOOL_MAX) until its hash says
	 * whether it changed, so an unchanged feed costs no parse or match.
	 */
	pl->pl_spooling = pl->pl_state.sf_body_hash != NULL &&
	    pl->pl_state.sf_etag == NULL && pl->pl_state.sf_last_modified == NULL;
	/* A permanent redirect is remembered (interface.md). */
	pl->pl_url = xstrdup(pl->pl_state.sf_url != NULL ?
	    pl->pl_state.sf_url : cf->cf_url);
	memset(&rq, 0, sizeof(rq));
	rq.hq_url = pl->pl_url;
	rq.hq_etag = pl->pl_state.sf_etag;
	rq.hq_last_modified = pl->pl_state.sf_last_modified;
	rq.hq_allow_file = strncasecmp(cf->cf_url, "file:", 5) == 0;
	rq.hq_on_data = poller_data_cb;
	rq.hq_on_done = poller_done_cb;
	rq.hq_arg = pl;
	pf->pf_inflight = 1;
	p->p_busy++;
	log_debug("feed=%s fetching url=%s", pf->pf_name, log_q(pl->pl_url));
	http_start(p->p_http, &rq);
}

