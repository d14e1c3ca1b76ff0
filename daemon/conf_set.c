/*
 * conf_set.c: the value of each key of newswatch.conf into struct config
 * (pure: no logging, no exit).  conf.c reads the lines and finds the key
 * in conf_keys[]; the setter checks the value and reports its own errors.
 */
#include <arpa/inet.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf_int.h"
#include "util.h"

/* Bounds of the fetch limits: past these a typo is likelier than intent. */
#define CONF_MAX_CONCURRENCY	1024
#define CONF_MAX_PER_HOST	1024

const char *const conf_feed_schemes[] = { "http", "https", "file", NULL };

/* Numbers, durations, sizes, booleans. */

/* A run of decimal digits only (no sign, no space) into *out; -1 if not. */
static int
conf_digits(const char *s, size_t len, int64_t *out)
{
	int64_t	v = 0;
	size_t	i;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (INT64_MAX - (s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Digits, then one unit letter if unit is set, times mult; -1 if bad. */
static int64_t
conf_scaled(const char *s, int unit, int64_t mult)
{
	int64_t	v;

	if (conf_digits(s, strlen(s) - (unit != 0), &v) == -1)
		return -1;
	if (v > INT64_MAX / mult)
		return -1;
	return v * mult;
}

int64_t
conf_parse_duration(const char *s)
{
	size_t	len = strlen(s);

	if (len == 0)
		return -1;
	/* Lower case only: "M" reads as months to some, minutes to others. */
	switch (s[len - 1]) {
	case 's':
		return conf_scaled(s, 1, 1);
	case 'm':
		return conf_scaled(s, 1, 60);
	case 'h':
		return conf_scaled(s, 1, 3600);
	case 'd':
		return conf_scaled(s, 1, 86400);
	default:
		return conf_scaled(s, 0, 1);
	}
}

int64_t
conf_parse_size(const char *s)
{
	size_t	len = strlen(s);

	if (len == 0)
		return -1;
	switch (s[len - 1]) {
	case 'K': case 'k':
		return conf_scaled(s, 1, 1024);
	case 'M': case 'm':
		return conf_scaled(s, 1, 1024 * 1024);
	case 'G': case 'g':
		return conf_scaled(s, 1, 1024 * 1024 * 1024);
	default:
		return conf_scaled(s, 0, 1);
	}
}

static int
conf_parse_bool(const char *s)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t	i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	}
	return -1;
}

/* Standard Webhooks secrets: "whsec_" and canonical padded base64. */
static int
conf_secret_valid(const char *s)
{
	size_t	i, len, pad = 0;

	if (strncmp(s, "whsec_", 6) != 0)
		return 0;
	s += 6;
	len = strlen(s);
	if (len == 0 || len % 4 != 0)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '=') {
			/* Padding only at the end, at most two. */
			if (i < len - 2 || ++pad > 2)
				return 0;
		} else if (pad > 0 || !(isalnum((unsigned char)s[i]) ||
		    s[i] == '+' || s[i] == '/'))
			return 0;
	}
	return 1;
}

/* No control characters: the value ends up in a header or a log line. */
static int
conf_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/*
 * A URL of one of the schemes (a NULL-terminated list), with something
 * after "://" and no blank or control character anywhere.
 */
int
conf_url_valid(const char *url, const char *const *schemes)
{
	size_t	 i, n;
	const char *s;

	for (s = url; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return 0;
	for (i = 0; schemes[i] != NULL; i++) {
		n = strlen(schemes[i]);
		if (strncasecmp(url, schemes[i], n) == 0 &&
		    strncmp(url + n, "://", 3) == 0 && url[n + 3] != '\0')
			return 1;
	}
	return 0;
}

/* Setters, one per kind of value; each reports its own errors. */

static void
conf_set_state(struct conf_parser *p, const char *key, const char *v)
{
	(void)key;
	free(p->cp_conf->c_state);
	p->cp_conf->c_state = xstrdup(v);
}

static void
conf_set_dur(struct conf_parser *p, const char *key, const char *v)
{
	struct config	*c = p->cp_conf;
	int64_t		 d;

	if ((d = conf_parse_duration(v)) == -1) {
		conf_error(p, p->cp_line, "'%s': bad duration '%s' (a number, "
		    "then s, m, h or d)", key, v);
		return;
	}
	if (strcasecmp(key, "max_age") == 0) {
		c->c_max_age = d;
		return;
	}
	if (d == 0) {
		conf_error(p, p->cp_line, "'%s' must be more than 0", key);
		return;
	}
	if (strcasecmp(key, "interval") == 0)
		c->c_interval = d;
	else if (strcasecmp(key, "timeout") == 0)
		c->c_timeout = d;
	else
		c->c_max_queue_age = d;
}

static void
conf_set_int(struct conf_parser *p, const char *key, const char *v)
{
	int64_t	n;
	int	max = strcasecmp(key, "concurrency") == 0 ?
		    CONF_MAX_CONCURRENCY : CONF_MAX_PER_HOST;

	if (conf_digits(v, strlen(v), &n) == -1 || n < 1 || n > max) {
		conf_error(p, p->cp_line, "'%s' must be a number from 1 to %d, "
		    "not '%s'", key, max, v);
		return;
	}
	if (strcasecmp(key, "concurrency") == 0)
		p->cp_conf->c_concurrency = (int)n;
	else
		p->cp_conf->c_per_host = (int)n;
}

static void
conf_set_size(struct conf_parser *p, const char *key, const char *v)
{
	int64_t	n;

	if ((n = conf_parse_size(v)) == -1) {
		conf_error(p, p->cp_line, "'%s': bad size '%s' (a number of "
		    "bytes, or with K, M or G)", key, v);
		return;
	}
	if (n == 0) {
		conf_error(p, p->cp_line, "'%s' must be more than 0", key);
		return;
	}
	p->cp_conf->c_max_size = n;
}

static void
conf_set_ua(struct conf_parser *p, const char *key, const char *v)
{
	if (!conf_printable(v)) {
		conf_error(p, p->cp_line, "'%s' has a control character", key);
		return;
	}
	free(p->cp_conf->c_user_agent);
	p->cp_conf->c_user_agent = xstrdup(v);
}

static void
conf_set_log(struct conf_parser *p, const char *key, const char *v)
{
	if (strcmp(v, "stderr") == 0)
		p->cp_conf->c_log_syslog = 0;
	else if (strcmp(v, "syslog") == 0)
		p->cp_conf->c_log_syslog = 1;
	else
		conf_error(p, p->cp_line, "'%s' must be stderr or syslog, "
		    "not '%s'", key, v);
}

static void
conf_set_deny(struct conf_parser *p, const char *key, const char *v)
{
	int	b;

	if ((b = conf_parse_bool(v)) == -1) {
		conf_error(p, p->cp_line, "'%s' must be yes or no, not '%s'",
		    key, v);
		return;
	}
	p->cp_conf->c_deny_private = b;
}

static void
conf_set_feed(struct conf_parser *p, const char *key, const char *v)
{
	struct conf_feed	*f;
	int64_t			 d;

	f = &p->cp_conf->c_feeds[p->cp_conf->c_nfeeds - 1];
	if (strcasecmp(key, "url") == 0) {
		if (!conf_url_valid(v, conf_feed_schemes)) {
			conf_error(p, p->cp_line, "feed '%s': url must be "
			    "http://, https:// or file://, not '%s'",
			    f->cf_name, v);
			/* Still set, so that "no url" is not reported too. */
		}
		f->cf_url = xstrdup(v);
		return;
	}
	if ((d = conf_parse_duration(v)) == -1)
		conf_error(p, p->cp_line, "'%s': bad duration '%s' (a number, "
		    "then s, m, h or d)", key, v);
	else if (d == 0)
		conf_error(p, p->cp_line, "'%s' must be more than 0", key);
	else
		f->cf_interval = d;
}

static void
conf_set_rule(struct conf_parser *p, const char *key, const char *v)
{
	struct conf_watchlist	*w;
	struct conf_rule	**arr;
	size_t			*n;

	w = &p->cp_conf->c_watchlists[p->cp_conf->c_nwatchlists - 1];
	if (strcasecmp(key, "match") == 0) {
		arr = &w->cw_match;
		n = &w->cw_nmatch;
	} else {
		arr = &w->cw_exclude;
		n = &w->cw_nexclude;
	}
	if (p->cp_rule_fn != NULL) {
		char	err[512];

		if (p->cp_rule_fn(p->cp_rule_arg,
		    p->cp_conf->c_nwatchlists - 1, arr == &w->cw_exclude, v,
		    err, sizeof(err)) == -1)
			conf_error(p, p->cp_line, "%s", err);
	}
	*arr = xreallocarray(*arr, *n + 1, sizeof(**arr));
	(*arr)[*n].cr_text = xstrdup(v);
	(*arr)[*n].cr_line = p->cp_line;
	(*n)++;
}

/* feeds = a b c, notify = x y: names separated by blanks (or commas). */
static void
conf_set_list(struct conf_parser *p, const char *key, const char *v)
{
	struct conf_watchlist	*w;
	struct conf_wlines	*wl;
	char			**list = NULL;
	size_t			 n = 0, len;
	const char		*sep = " \t,";

	w = &p->cp_conf->c_watchlists[p->cp_conf->c_nwatchlists - 1];
	wl = &p->cp_wlines[p->cp_conf->c_nwatchlists - 1];
	while (*v != '\0') {
		v += strspn(v, sep);
		if ((len = strcspn(v, sep)) == 0)
			break;
		list = xreallocarray(list, n + 1, sizeof(*list));
		list[n++] = xstrndup(v, len);
		v += len;
	}
	if (n == 0) {
		conf_error(p, p->cp_line, "'%s' needs at least one name", key);
		return;
	}
	if (strcasecmp(key, "feeds") == 0) {
		w->cw_feeds = list;
		w->cw_nfeeds = n;
		wl->wl_feeds = p->cp_line;
	} else {
		w->cw_notify = list;
		w->cw_nnotify = n;
		wl->wl_notify = p->cp_line;
	}
}

static void
conf_set_hook(struct conf_parser *p, const char *key, const char *v)
{
	static const char *const schemes[] = { "http", "https", NULL };
	struct conf_webhook	*h;

	h = &p->cp_conf->c_webhooks[p->cp_conf->c_nwebhooks - 1];
	if (strcasecmp(key, "url") == 0) {
		if (!conf_url_valid(v, schemes))
			conf_error(p, p->cp_line, "webhook '%s': url must be "
			    "http:// or https://, not '%s'", h->cwh_name, v);
		h->cwh_url = xstrdup(v);
	} else if (strcasecmp(key, "format") == 0) {
		if (strcmp(v, "json") == 0)
			h->cwh_format = CONF_FORMAT_JSON;
		else if (strcmp(v, "slack") == 0)
			h->cwh_format = CONF_FORMAT_SLACK;
		else if (strcmp(v, "discord") == 0)
			h->cwh_format = CONF_FORMAT_DISCORD;
		else
			conf_error(p, p->cp_line, "'format' must be json, "
			    "slack or discord, not '%s'", v);
	} else {
		/* Never echo a secret into an error message (and a log). */
		if (!conf_secret_valid(v))
			conf_error(p, p->cp_line, "webhook '%s': secret must "
			    "be 'whsec_' followed by base64", h->cwh_name);
		else
			h->cwh_secret = xstrdup(v);
	}
}

/*
 * listen = ADDR:PORT, a numeric address (no name to resolve at start, and
 * no surprise about which of its addresses is bound): 127.0.0.1:9470,
 * [::1]:9470.
 */
static void
conf_set_listen(struct conf_parser *p, const char *key, const char *v)
{
	struct in6_addr	 a6;
	struct in_addr	 a4;
	const char	*colon, *host = v;
	char		*addr;
	size_t		 hlen;
	int64_t		 port;
	int		 ok;

	if (*v == '[') {
		host = v + 1;
		colon = strchr(v, ']');
		hlen = colon != NULL ? (size_t)(colon - host) : 0;
		if (colon != NULL)
			colon = colon[1] == ':' ? colon + 1 : NULL;
	} else {
		colon = strrchr(v, ':');
		hlen = colon != NULL ? (size_t)(colon - v) : 0;
	}
	addr = xstrndup(host, hlen);
	ok = colon != NULL && hlen > 0 && (*v == '[' ?
	    inet_pton(AF_INET6, addr, &a6) == 1 :
	    inet_pton(AF_INET, addr, &a4) == 1);
	if (!ok || conf_digits(colon + 1, strlen(colon + 1), &port) == -1 ||
	    port < 1 || port > 65535) {
		conf_error(p, p->cp_line, "'%s' must be ADDRESS:PORT with a "
		    "numeric address, as 127.0.0.1:9470 or [::1]:9470, not "
		    "'%s'", key, v);
		free(addr);
		return;
	}
	free(p->cp_conf->c_listen);
	free(p->cp_conf->c_listen_addr);
	p->cp_conf->c_listen = xstrdup(v);
	p->cp_conf->c_listen_addr = addr;
	p->cp_conf->c_listen_port = (int)port;
}

static void
conf_set_include(struct conf_parser *p, const char *key, const char *v)
{
	(void)key;
	conf_include(p, v);
}

static void
conf_set_opml(struct conf_parser *p, const char *key, const char *v)
{
	(void)key;
	conf_opml_load(p, v);
}

const struct conf_key conf_keys[] = {
	{ SECT_DAEMON,		"state",	 conf_set_state, 0, 0 },
	{ SECT_DAEMON,		"interval",	 conf_set_dur,	 0, 0 },
	{ SECT_DAEMON,		"concurrency",	 conf_set_int,	 0, 0 },
	{ SECT_DAEMON,		"per_host",	 conf_set_int,	 0, 0 },
	{ SECT_DAEMON,		"timeout",	 conf_set_dur,	 0, 0 },
	{ SECT_DAEMON,		"max_size",	 conf_set_size,	 0, 0 },
	{ SECT_DAEMON,		"max_age",	 conf_set_dur,	 0, 0 },
	{ SECT_DAEMON,		"user_agent",	 conf_set_ua,	 0, 0 },
	{ SECT_DAEMON,		"listen",	 conf_set_listen, 0, 0 },
	{ SECT_DAEMON,		"include",	 conf_set_include, 1, 0 },
	{ SECT_DAEMON,		"log",		 conf_set_log,	 0, 0 },
	{ SECT_DAEMON,		"max_queue_age", conf_set_dur,	 0, 0 },
	{ SECT_DAEMON,		"deny_private",	 conf_set_deny,	 0, 0 },
	{ SECT_FEED,		"url",		 conf_set_feed,	 0, 0 },
	{ SECT_FEED,		"interval",	 conf_set_feed,	 0, 0 },
	{ SECT_WATCHLIST,	"match",	 conf_set_rule,	 1, 1 },
	{ SECT_WATCHLIST,	"exclude",	 conf_set_rule,	 1, 1 },
	{ SECT_WATCHLIST,	"feeds",	 conf_set_list,	 0, 0 },
	{ SECT_WATCHLIST,	"notify",	 conf_set_list,	 0, 0 },
	{ SECT_WEBHOOK,		"url",		 conf_set_hook,	 0, 0 },
	{ SECT_WEBHOOK,		"format",	 conf_set_hook,	 0, 0 },
	{ SECT_WEBHOOK,		"secret",	 conf_set_hook,	 0, 0 },
	{ SECT_OPML,		"file",		 conf_set_opml,	 1, 0 },
};

const size_t conf_nkeys = sizeof(conf_keys) / sizeof(conf_keys[0]);

_Static_assert(sizeof(conf_keys) / sizeof(conf_keys[0]) <= CONF_NKEYS,
    "CONF_NKEYS is too small for conf_keys");
