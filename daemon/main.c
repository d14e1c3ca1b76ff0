/*
 * main.c: the modes (run, -t, --once, --parse, --match), signals, reload.
 * The only file that decides to exit.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "conf.h"
#include "date.h"
#include "feed.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "notify.h"
#include "outbox.h"
#include "poller.h"
#include "rules.h"
#include "store.h"
#include "util.h"

#ifndef NEWSWATCH_CONF
#define NEWSWATCH_CONF	"/etc/newswatch/newswatch.conf"
#endif

/* SIGTERM: in-flight work gets this long before we exit anyway. */
#define MAIN_STOP_GRACE	4

enum main_mode { MODE_RUN, MODE_TEST, MODE_ONCE, MODE_PARSE, MODE_MATCH };

struct main_ctx {
	struct event_base	*m_base;
	struct store		*m_store;
	struct http		*m_http;
	struct outbox		*m_outbox;
	struct poller		*m_poller;
	struct poller_gen	*m_gen;
	struct metrics		*m_metrics;
	struct notify		*m_notify;
	const char		*m_file;
	int			 m_verbose;
	int			 m_dry;
	int			 m_stopping;
	time_t			 m_stop_at;
	struct event		*m_stop_timer;
};

static void __attribute__((noreturn))
main_usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: newswatchd [-tv] [-c file] [--once [--dry-run]]\n"
	    "       newswatchd --parse file|url\n"
	    "       newswatchd --match rule file|url\n"
	    "       newswatchd -V | -h\n");
	exit(status);
}

/*
 * The configuration and every rule, compiled: NULL with every problem as
 * "FILE:LINE: message" lines in errs.
 */
static int
main_rule_cb(void *arg, size_t wl, int exclude, const char *rule, char *err,
    size_t errlen)
{
	return rules_add(arg, (unsigned)wl, exclude ? RULES_EXCLUDE :
	    RULES_MATCH, rule, err, errlen);
}

static struct poller_gen *
main_load(const char *file, struct sbuf *errs)
{
	struct config	*cfg;
	struct rules	*r;

	/* Rules compile as the file is read: all errors, in line order. */
	r = rules_new();
	if ((cfg = conf_load_rules(file, main_rule_cb, r, errs)) == NULL) {
		rules_free(r);
		return NULL;
	}
	rules_finish(r);
	return poller_gen_new(cfg, r);
}

static void
main_limits(const struct config *cfg, struct http_limits *l)
{
	memset(l, 0, sizeof(*l));
	l->hl_concurrency = cfg->c_concurrency;
	l->hl_per_host = cfg->c_per_host;
	l->hl_timeout = cfg->c_timeout;
	l->hl_max_size = cfg->c_max_size;
	l->hl_user_agent = cfg->c_user_agent;
	l->hl_deny_private = cfg->c_deny_private;
}

/* ------------------------------------------------------ --parse, --match */

struct main_fetch {
	struct feed_parser	*mf_parser;
	const char		*mf_source;
	int			 mf_failed;
	char			 mf_err[256];
	int			 mf_http_ok;
	char			 mf_http_err[256];
	feed_item_cb		*mf_cb;
	void			*mf_arg;
};

static int
main_fetch_data(void *arg, const struct http_response *r, const char *buf,
    size_t len)
{
	struct main_fetch	*mf = arg;
	char			*charset;

	if (mf->mf_parser == NULL) {
		charset = http_charset(r->hr_content_type);
		mf->mf_parser = feed_parser_new(mf->mf_source, charset,
		    mf->mf_cb, mf->mf_arg);
		feed_parser_set_max_items(mf->mf_parser, 0);
		free(charset);
	}
	if (feed_parser_push(mf->mf_parser, buf, len, mf->mf_err,
	    sizeof(mf->mf_err)) == -1) {
		mf->mf_failed = 1;
		return -1;
	}
	return 0;
}

static void
main_fetch_done(void *arg, const struct http_response *r)
{
	struct main_fetch	*mf = arg;

	mf->mf_http_ok = r->hr_error == HTTP_OK && r->hr_status >= 200 &&
	    r->hr_status <= 299;
	if (r->hr_error == HTTP_OK)
		snprintf(mf->mf_http_err, sizeof(mf->mf_http_err), "HTTP %ld",
		    r->hr_status);
	else
		snprintf(mf->mf_http_err, sizeof(mf->mf_http_err), "%s: %s",
		    http_error_name(r->hr_error),
		    r->hr_errmsg ? r->hr_errmsg : "failed");
}

/*
 * Parses a file or a URL, handing items to cb.  Returns 0 if it was a
 * feed, -1 (with the reason on stderr) if not.
 */
static int
main_fetch(const char *source, feed_item_cb *cb, void *arg,
    const struct feed_meta **meta, struct feed_parser **keep)
{
	struct main_fetch	 mf;
	char			 buf[65536], err[256];
	size_t			 n;
	FILE			*fp;

	memset(&mf, 0, sizeof(mf));
	mf.mf_source = source;
	mf.mf_cb = cb;
	mf.mf_arg = arg;
	if (strstr(source, "://") != NULL) {
		struct event_base	*base;
		struct http		*ht;
		struct http_limits	 l;
		struct http_request	 rq;

		memset(&l, 0, sizeof(l));
		l.hl_concurrency = 1;
		l.hl_per_host = 1;
		l.hl_timeout = CONF_DEFAULT_TIMEOUT;
		l.hl_max_size = CONF_DEFAULT_MAX_SIZE;
		l.hl_user_agent = CONF_DEFAULT_USER_AGENT;
		if ((base = event_base_new()) == NULL)
			fatalx("event_base_new failed");
		if ((ht = http_new(base, &l, err, sizeof(err))) == NULL)
			fatalx("%s", err);
		memset(&rq, 0, sizeof(rq));
		rq.hq_url = source;
		rq.hq_allow_file = strncasecmp(source, "file:", 5) == 0;
		rq.hq_on_data = main_fetch_data;
		rq.hq_on_done = main_fetch_done;
		rq.hq_arg = &mf;
		http_start(ht, &rq);
		event_base_dispatch(base);
		http_free(ht);
		event_base_free(base);
		if (!mf.mf_http_ok && !mf.mf_failed) {
			fprintf(stderr, "newswatchd: %s: %s\n", source,
			    mf.mf_http_err);
			feed_parser_free(mf.mf_parser);
			return -1;
		}
	} else {
		if ((fp = fopen(source, "rb")) == NULL) {
			fprintf(stderr, "newswatchd: %s: %s\n", source,
			    strerror(errno));
			return -1;
		}
		mf.mf_parser = feed_parser_new(source, NULL, cb, arg);
		/* Nothing is kept per item here: no cap on how many. */
		feed_parser_set_max_items(mf.mf_parser, 0);
		while (!mf.mf_failed && (n = fread(buf, 1, sizeof(buf), fp)) > 0)
			if (feed_parser_push(mf.mf_parser, buf, n, mf.mf_err,
			    sizeof(mf.mf_err)) == -1)
				mf.mf_failed = 1;
		fclose(fp);
	}
	if (mf.mf_parser == NULL) {
		fprintf(stderr, "newswatchd: %s: not a feed: empty\n", source);
		return -1;
	}
	if (feed_parser_finish(mf.mf_parser, err, sizeof(err)) == -1) {
		fprintf(stderr, "newswatchd: %s: not a feed: %s\n", source,
		    mf.mf_failed ? mf.mf_err : err);
		feed_parser_free(mf.mf_parser);
		return -1;
	}
	if (mf.mf_failed)
		fprintf(stderr, "newswatchd: %s: %s (items before it kept)\n",
		    source, mf.mf_err);
	*meta = feed_parser_meta(mf.mf_parser);
	*keep = mf.mf_parser;
	return 0;
}

/*
 * ', "key": ' as one literal and its length, known when compiling: a
 * strlen() and three appends per key showed in the profile of --parse.
 */
#define MAIN_KEY(k)	", \"" k "\": ", sizeof(", \"" k "\": ") - 1

/* Appends key (MAIN_KEY) and v as JSON (a string, or null when NULL). */
static void
main_json_key(struct sbuf *sb, const char *key, size_t klen, const char *v)
{
	sbuf_add(sb, key, klen);
	sbuf_json(sb, v);
}

/*
 * Dates go out as RFC 3339 in UTC, or null: digits and "-T:Z", quoted
 * as they are, with no escaping to look for.
 */
static void
main_json_date(struct sbuf *sb, const char *key, size_t klen, int64_t t)
{
	char	buf[DATE_RFC3339_LEN + 2];
	size_t	n;

	sbuf_add(sb, key, klen);
	if (t == DATE_NONE) {
		sbuf_add(sb, "null", 4);
		return;
	}
	buf[0] = '"';
	date_format(t, buf + 1);
	n = strlen(buf);
	buf[n] = '"';
	sbuf_add(sb, buf, n + 1);
}

struct main_parse {
	struct sbuf	mp_out;
	int		mp_first;
};

/*
 * Entries go out as they are parsed (bounded memory), in 64 KiB writes; the
 * feed after.  Written by hand, not with jansson: building a json_t per
 * entry was a third of the time of --parse on a large feed.
 */
static void
main_parse_item(void *arg, const struct feed_item *it)
{
	struct main_parse	*mp = arg;
	struct sbuf		*sb = &mp->mp_out;
	size_t			 i;

	if (!mp->mp_first)
		sbuf_addc(sb, ',');
	sbuf_adds(sb, "\n {\"id\": ");
	mp->mp_first = 0;
	sbuf_json(sb, it->fi_id);
	main_json_key(sb, MAIN_KEY("title"), it->fi_title);
	main_json_key(sb, MAIN_KEY("link"), it->fi_link);
	main_json_date(sb, MAIN_KEY("published"), it->fi_published);
	main_json_date(sb, MAIN_KEY("updated"), it->fi_updated);
	main_json_key(sb, MAIN_KEY("author"), it->fi_author);
	main_json_key(sb, MAIN_KEY("summary"), it->fi_summary);
	main_json_key(sb, MAIN_KEY("content"), it->fi_content);
	sbuf_adds(sb, ", \"categories\": [");
	for (i = 0; i < it->fi_ncategories; i++) {
		if (i > 0)
			sbuf_adds(sb, ", ");
		sbuf_json(sb, it->fi_categories[i]);
	}
	sbuf_adds(sb, "]}");
	if (sb->sb_len >= 65536) {
		fwrite(sb->sb_buf, 1, sb->sb_len, stdout);
		sbuf_reset(sb);
	}
}

static int
main_parse(const char *source)
{
	struct main_parse	 mp;
	const struct feed_meta	*fm;
	struct feed_parser	*fp;
	int			 rc = 0;

	sbuf_init(&mp.mp_out);
	mp.mp_first = 1;
	sbuf_adds(&mp.mp_out, "{\"entries\": [");
	if (main_fetch(source, main_parse_item, &mp, &fm, &fp) == -1) {
		sbuf_adds(&mp.mp_out, "],\n \"feed\": null}\n");
		rc = 1;
	} else {
		sbuf_adds(&mp.mp_out, "],\n \"feed\": {\"title\": ");
		sbuf_json(&mp.mp_out, fm->fm_title);
		main_json_key(&mp.mp_out, MAIN_KEY("link"), fm->fm_link);
		main_json_key(&mp.mp_out, MAIN_KEY("format"), fm->fm_format);
		sbuf_adds(&mp.mp_out, "}}\n");
		feed_parser_free(fp);
	}
	fwrite(mp.mp_out.sb_buf, 1, mp.mp_out.sb_len, stdout);
	sbuf_free(&mp.mp_out);
	return rc;
}

struct main_match {
	struct rules		*mm_rules;
	struct rules_doc	*mm_doc;
	const struct feed_item	*mm_item;
	size_t			 mm_hits;
};

static void
main_print_clean(const char *s)
{
	/* One line per item: feed text may carry tabs and newlines. */
	for (; s != NULL && *s; s++)
		putchar((unsigned char)*s < 0x20 ? ' ' : *s);
}

static void
main_match_hit(void *arg, unsigned wl, const char *const *words, size_t n)
{
	struct main_match	*mm = arg;
	size_t			 i;

	(void)wl;
	mm->mm_hits++;
	main_print_clean(mm->mm_item->fi_title ? mm->mm_item->fi_title :
	    "(untitled)");
	putchar('\t');
	main_print_clean(mm->mm_item->fi_link ? mm->mm_item->fi_link : "-");
	putchar('\t');
	for (i = 0; i < n; i++) {
		if (i > 0)
			fputs(", ", stdout);
		main_print_clean(words[i]);
	}
	putchar('\n');
}

static void
main_match_item(void *arg, const struct feed_item *it)
{
	struct main_match	*mm = arg;

	free(poller_doc_fill(mm->mm_doc, it));
	mm->mm_item = it;
	rules_match(mm->mm_rules, mm->mm_doc, main_match_hit, mm);
}

static int
main_match(const char *rule, const char *source)
{
	struct main_match	 mm;
	const struct feed_meta	*fm;
	struct feed_parser	*fp;
	char			 err[512];
	int			 rc;

	memset(&mm, 0, sizeof(mm));
	mm.mm_rules = rules_new();
	if (rules_add(mm.mm_rules, 0, RULES_MATCH, rule, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "newswatchd: rule: %s\n", err);
		rules_free(mm.mm_rules);
		return 2;
	}
	rules_finish(mm.mm_rules);
	mm.mm_doc = rules_doc_new();
	rc = main_fetch(source, main_match_item, &mm, &fm, &fp);
	if (rc == 0)
		feed_parser_free(fp);
	rules_doc_free(mm.mm_doc);
	rules_free(mm.mm_rules);
	fflush(stdout);
	return mm.mm_hits > 0 ? 0 : 1;
}

/* ------------------------------------------------------------ -t, --once */

static int
main_test(const char *file)
{
	struct sbuf		 errs;
	struct poller_gen	*g;

	sbuf_init(&errs);
	if ((g = main_load(file, &errs)) == NULL) {
		fputs(errs.sb_buf, stderr);
		sbuf_free(&errs);
		return 1;
	}
	sbuf_free(&errs);
	/* Silence is success; -v says what was read. */
	log_debug("%s: configuration OK: %zu feeds, %zu watchlists, "
	    "%zu rules", file, g->pg_conf->c_nfeeds,
	    g->pg_conf->c_nwatchlists, rules_count(g->pg_rules));
	poller_gen_unref(g);
	return 0;
}

static void
main_break(void *arg)
{
	struct main_ctx	*m = arg;

	event_base_loopbreak(m->m_base);
}

/* --once: every feed polled; now every queued alert, once. */
static void
main_once_idle(void *arg)
{
	struct main_ctx	*m = arg;

	if (m->m_dry || m->m_outbox == NULL) {
		event_base_loopbreak(m->m_base);
		return;
	}
	outbox_once(m->m_outbox, main_break, m);
}

/* ------------------------------------------------------------ run mode */

static int
main_same(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

static void
main_reload(struct main_ctx *m)
{
	struct sbuf		 errs;
	struct poller_gen	*g, *old = m->m_gen;
	struct http_limits	 l;
	char			*line, *nl;

	notify_send("RELOADING=1");
	sbuf_init(&errs);
	if ((g = main_load(m->m_file, &errs)) == NULL) {
		for (line = errs.sb_buf; *line; line = nl + 1) {
			if ((nl = strchr(line, '\n')) == NULL)
				nl = line + strlen(line) - 1;
			else
				*nl = '\0';
			log_warnx("reload: %s", line);
		}
		log_warnx("reload failed (configuration not changed)");
		sbuf_free(&errs);
		metrics_reload(m->m_metrics, 0);
		notify_send("READY=1");
		return;
	}
	sbuf_free(&errs);
	if (strcmp(g->pg_conf->c_state, old->pg_conf->c_state) != 0)
		log_warnx("reload: state directory changes only at restart");
	if (!main_same(g->pg_conf->c_listen, old->pg_conf->c_listen))
		log_warnx("reload: listen changes only at restart");
	log_init(g->pg_conf->c_log_syslog, m->m_verbose);
	main_limits(g->pg_conf, &l);
	http_set_limits(m->m_http, &l);
	outbox_set_config(m->m_outbox, g->pg_conf);
	poller_set_gen(m->m_poller, g);
	metrics_set_config(m->m_metrics, g->pg_conf);
	metrics_reload(m->m_metrics, 1);
	m->m_gen = g;
	poller_gen_unref(old);
	log_info("reload: feeds=%zu watchlists=%zu files=%zu",
	    g->pg_conf->c_nfeeds, g->pg_conf->c_nwatchlists,
	    g->pg_conf->c_nfiles);
	notify_send("READY=1");
	notify_status(m->m_notify);
}

static void
main_stop_check(evutil_socket_t fd, short ev, void *arg)
{
	struct main_ctx	*m = arg;
	struct timeval	 tv = { 0, 100000 };

	(void)fd;
	(void)ev;
	if ((poller_busy(m->m_poller) == 0 && outbox_busy(m->m_outbox) == 0) ||
	    time(NULL) >= m->m_stop_at) {
		event_base_loopbreak(m->m_base);
		return;
	}
	evtimer_add(m->m_stop_timer, &tv);
}

static void
main_signal_cb(evutil_socket_t sig, short ev, void *arg)
{
	struct main_ctx	*m = arg;

	(void)ev;
	if (sig == SIGHUP) {
		log_info("reload signal=SIGHUP file=%s", log_q(m->m_file));
		main_reload(m);
		return;
	}
	if (m->m_stopping)
		return;
	m->m_stopping = 1;
	log_info("stopping signal=%s", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	notify_send("STOPPING=1");
	metrics_stopping(m->m_metrics);
	poller_stop(m->m_poller);
	/* In-flight polls and deliveries finish, within the grace time. */
	m->m_stop_at = time(NULL) + MAIN_STOP_GRACE;
	main_stop_check(-1, 0, m);
}

/* Run mode: counters for poller and outbox, /metrics, sd_notify timer. */
static void
main_observe(struct main_ctx *m)
{
	const struct config	*cfg = m->m_gen->pg_conf;
	char			 err[256];

	m->m_metrics = metrics_new(m->m_base, m->m_store, cfg);
	poller_set_metrics(m->m_poller, m->m_metrics);
	outbox_set_metrics(m->m_outbox, m->m_metrics);
	if (cfg->c_listen != NULL) {
		if (metrics_listen(m->m_metrics, cfg->c_listen_addr,
		    cfg->c_listen_port, err, sizeof(err)) == -1)
			fatalx("listen = %s: %s", cfg->c_listen, err);
		log_info("metrics listen=%s", log_q(cfg->c_listen));
	}
	m->m_notify = notify_new(m->m_base, m->m_metrics);
}

static int
main_daemon(const char *file, int once, int dry, int verbose)
{
	struct main_ctx		 m;
	struct sbuf		 errs;
	struct http_limits	 l;
	struct event		*sigs[4];
	static const int	 signos[] = { SIGTERM, SIGINT, SIGHUP };
	char			 err[512];
	int			 rc = 0, nsig = 0, flags = 0;
	size_t			 i;
	int64_t			 left;

	memset(&m, 0, sizeof(m));
	m.m_file = file;
	m.m_verbose = verbose;
	m.m_dry = dry;
	sbuf_init(&errs);
	if ((m.m_gen = main_load(file, &errs)) == NULL) {
		fputs(errs.sb_buf, stderr);
		sbuf_free(&errs);
		return 1;
	}
	sbuf_free(&errs);
	log_init(m.m_gen->pg_conf->c_log_syslog, verbose);
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	signal(SIGPIPE, SIG_IGN);

	if ((m.m_store = store_open(m.m_gen->pg_conf->c_state, dry, err,
	    sizeof(err))) == NULL) {
		log_warnx("%s", err);
		poller_gen_unref(m.m_gen);
		return 1;
	}
	if ((m.m_base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	main_limits(m.m_gen->pg_conf, &l);
	if ((m.m_http = http_new(m.m_base, &l, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	if (!dry)
		m.m_outbox = outbox_new(m.m_base, m.m_store, m.m_http,
		    m.m_gen->pg_conf);
	if (once)
		flags |= POLLER_ONCE;
	if (dry)
		flags |= POLLER_DRY;
	/* --once delivers after polling, so that each alert is tried once. */
	m.m_poller = poller_new(m.m_base, m.m_store, m.m_http,
	    once ? NULL : m.m_outbox, m.m_gen, flags);
	if (once)
		poller_on_idle(m.m_poller, main_once_idle, &m);
	else {
		for (i = 0; i < sizeof(signos) / sizeof(signos[0]); i++) {
			sigs[nsig] = evsignal_new(m.m_base, signos[i],
			    main_signal_cb, &m);
			if (sigs[nsig] == NULL || evsignal_add(sigs[nsig],
			    NULL) == -1)
				fatalx("cannot handle signal %d", signos[i]);
			nsig++;
		}
		if ((m.m_stop_timer = evtimer_new(m.m_base, main_stop_check,
		    &m)) == NULL)
			fatalx("evtimer_new failed");
		main_observe(&m);
	}
	poller_start(m.m_poller);
	if (!once) {
		outbox_kick(m.m_outbox);
		log_info("started feeds=%zu watchlists=%zu",
		    m.m_gen->pg_conf->c_nfeeds,
		    m.m_gen->pg_conf->c_nwatchlists);
		notify_send("READY=1");
		notify_status(m.m_notify);
	}
	event_base_dispatch(m.m_base);

	if (once && !dry && (left = store_delivery_count(m.m_store)) > 0) {
		log_warnx("queued=%lld (alert deliveries still queued for a retry)",
		    (long long)left);
		rc = 2;
	}
	if (!once)
		log_info("stopped");
	for (i = 0; i < (size_t)nsig; i++)
		event_free(sigs[i]);
	if (m.m_stop_timer != NULL)
		event_free(m.m_stop_timer);
	notify_free(m.m_notify);
	/* First: what is still in flight ends, and its owners free it. */
	http_free(m.m_http);
	poller_free(m.m_poller);
	outbox_free(m.m_outbox);
	metrics_free(m.m_metrics);
	store_close(m.m_store);
	event_base_free(m.m_base);
	poller_gen_unref(m.m_gen);
	return rc;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "once",	no_argument,		NULL, 'O' },
		{ "dry-run",	no_argument,		NULL, 'D' },
		{ "parse",	required_argument,	NULL, 'P' },
		{ "match",	required_argument,	NULL, 'M' },
		{ "version",	no_argument,		NULL, 'V' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	enum main_mode	 mode = MODE_RUN;
	const char	*file = NEWSWATCH_CONF, *arg = NULL;
	int		 ch, verbose = 0, dry = 0, rc;

	while ((ch = getopt_long(argc, argv, "c:thvV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			file = optarg;
			break;
		case 't':
			mode = MODE_TEST;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'O':
			mode = MODE_ONCE;
			break;
		case 'D':
			dry = 1;
			break;
		case 'P':
			mode = MODE_PARSE;
			arg = optarg;
			break;
		case 'M':
			mode = MODE_MATCH;
			arg = optarg;
			break;
		case 'V':
			printf("newswatchd %s\n", NEWSWATCH_VERSION);
			return 0;
		case 'h':
			main_usage(0);
		default:
			main_usage(1);
		}
	}
	argc -= optind;
	argv += optind;
	if (dry && mode != MODE_ONCE) {
		fprintf(stderr, "newswatchd: --dry-run goes with --once\n");
		main_usage(1);
	}
	log_init(0, verbose);
	switch (mode) {
	case MODE_PARSE:
		if (argc != 0)
			main_usage(1);
		rc = main_parse(arg);
		break;
	case MODE_MATCH:
		if (argc != 1)
			main_usage(2);
		rc = main_match(arg, argv[0]);
		break;
	case MODE_TEST:
		if (argc != 0)
			main_usage(1);
		rc = main_test(file);
		break;
	default:
		if (argc != 0)
			main_usage(1);
		rc = main_daemon(file, mode == MODE_ONCE, dry, verbose);
		break;
	}
	return rc;
}
