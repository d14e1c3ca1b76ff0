/*
 * conf.c: newswatch.conf -> struct config (pure: no logging, no exit).
 *
 * The format is INI with git-style subsections (interface.md):
 *
 *	[daemon]			global settings
 *	[feed "NAME"]			one feed
 *	[watchlist "NAME"]		rules and where their alerts go
 *	[webhook "NAME"]		one webhook sink
 *
 * Errors are collected with their line and emitted sorted by line at the
 * end, so a user sees every problem at once and in file order, even those
 * found only once the whole file is read (a watchlist naming a feed that
 * is defined further down).  Rules are not compiled here: main.c does it
 * with rules.c, from the text and line kept in struct conf_rule.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "util.h"

/* A configuration file is small; refuse anything that is clearly not one. */
#define CONF_MAX_FILE		(4 * 1024 * 1024)
/* Bounds of the fetch limits: past these a typo is likelier than intent. */
#define CONF_MAX_CONCURRENCY	1024
#define CONF_MAX_PER_HOST	1024

enum conf_sect {
	SECT_NONE = 0,		/* before the first header */
	SECT_SKIP,		/* a rejected header: its keys are ignored */
	SECT_DAEMON,
	SECT_FEED,
	SECT_WATCHLIST,
	SECT_WEBHOOK
};

struct conf_err {
	int		 ce_line;
	size_t		 ce_seq;	/* keeps the order of one line's errors */
	char		*ce_msg;
};

/* Lines of the keys a watchlist is checked on once the file is read. */
struct conf_wlines {
	int		 wl_feeds;
	int		 wl_notify;
};

struct conf_parser;
typedef void	conf_set_fn(struct conf_parser *, const char *key,
		    const char *value);

struct conf_key {
	enum conf_sect	 ck_sect;
	const char	*ck_name;
	conf_set_fn	*ck_set;	/* NULL: reserved, rejected for now */
	int		 ck_repeat;	/* may appear more than once */
	int		 ck_raw;	/* quotes belong to the value (rules) */
};

#define CONF_NKEYS	24

struct conf_parser {
	struct config		*cp_conf;
	struct conf_err		*cp_errs;
	size_t			 cp_nerrs;
	int			 cp_line;
	enum conf_sect		 cp_sect;
	/* Line where each key of the table was set: [daemon] and current. */
	int			 cp_dseen[CONF_NKEYS];
	int			 cp_seen[CONF_NKEYS];
	struct conf_wlines	*cp_wlines;	/* one per watchlist */
	conf_rule_fn		*cp_rule_fn;
	void			*cp_rule_arg;
};

/* The string of a buffer that is done with, which is freed. */
static char *
conf_detach(struct sbuf *sb)
{
	char	*s = xstrndup(sb->sb_buf, sb->sb_len);

	sbuf_free(sb);
	return s;
}

static void	conf_error(struct conf_parser *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static void
conf_error(struct conf_parser *p, int line, const char *fmt, ...)
{
	struct sbuf	 sb;
	struct conf_err	*e;
	va_list		 ap;

	sbuf_init(&sb);
	va_start(ap, fmt);
	sbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	p->cp_errs = xreallocarray(p->cp_errs, p->cp_nerrs + 1,
	    sizeof(*p->cp_errs));
	e = &p->cp_errs[p->cp_nerrs];
	e->ce_line = line;
	e->ce_seq = p->cp_nerrs++;
	e->ce_msg = conf_detach(&sb);
}

static int
conf_err_cmp(const void *a, const void *b)
{
	const struct conf_err	*x = a, *y = b;

	if (x->ce_line != y->ce_line)
		return x->ce_line < y->ce_line ? -1 : 1;
	return x->ce_seq < y->ce_seq ? -1 : x->ce_seq > y->ce_seq;
}

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
static int
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
	static const char *const schemes[] = { "http", "https", "file", NULL };
	struct conf_feed	*f;
	int64_t			 d;

	f = &p->cp_conf->c_feeds[p->cp_conf->c_nfeeds - 1];
	if (strcasecmp(key, "url") == 0) {
		if (!conf_url_valid(v, schemes)) {
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

static const struct conf_key conf_keys[] = {
	{ SECT_DAEMON,		"state",	 conf_set_state, 0, 0 },
	{ SECT_DAEMON,		"interval",	 conf_set_dur,	 0, 0 },
	{ SECT_DAEMON,		"concurrency",	 conf_set_int,	 0, 0 },
	{ SECT_DAEMON,		"per_host",	 conf_set_int,	 0, 0 },
	{ SECT_DAEMON,		"timeout",	 conf_set_dur,	 0, 0 },
	{ SECT_DAEMON,		"max_size",	 conf_set_size,	 0, 0 },
	{ SECT_DAEMON,		"max_age",	 conf_set_dur,	 0, 0 },
	{ SECT_DAEMON,		"user_agent",	 conf_set_ua,	 0, 0 },
	{ SECT_DAEMON,		"listen",	 NULL,		 0, 0 },
	{ SECT_DAEMON,		"include",	 NULL,		 1, 0 },
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
};

_Static_assert(sizeof(conf_keys) / sizeof(conf_keys[0]) <= CONF_NKEYS,
    "CONF_NKEYS is too small for conf_keys");

static const char *const conf_sect_names[] = {
	[SECT_DAEMON] = "daemon",
	[SECT_FEED] = "feed",
	[SECT_WATCHLIST] = "watchlist",
	[SECT_WEBHOOK] = "webhook",
};

/* Lines. */

/*
 * Cuts a comment off: '#' or ';' at the start of the line or after a
 * blank, and not inside double quotes, so that URL fragments
 * ("…/feed#top") and quoted phrases of a rule ("a # b") survive.
 */
static void
conf_strip_comment(char *s)
{
	size_t	i;
	int	quoted = 0;

	for (i = 0; s[i] != '\0'; i++) {
		if (quoted && s[i] == '\\' && s[i + 1] != '\0')
			i++;
		else if (s[i] == '"')
			quoted = !quoted;
		else if (!quoted && (s[i] == '#' || s[i] == ';') &&
		    (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t')) {
			s[i] = '\0';
			return;
		}
	}
}

static char *
conf_trim(char *s)
{
	size_t	len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
	    s[len - 1] == '\r'))
		s[--len] = '\0';
	return s;
}

static int
conf_is_name(const char *s, size_t len)
{
	size_t	i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' &&
		    s[i] != '-')
			return 0;
	return 1;
}

/*
 * A double-quoted string at s (s[0] == '"'), with \" and \\ escapes, into
 * a new string; *end points past the closing quote.  NULL if unterminated.
 */
static char *
conf_unquote(const char *s, const char **end)
{
	struct sbuf	sb;

	sbuf_init(&sb);
	for (s++; *s != '\0' && *s != '"'; s++) {
		if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
			s++;
		sbuf_addc(&sb, *s);
	}
	if (*s != '"') {
		sbuf_free(&sb);
		return NULL;
	}
	*end = s + 1;
	return conf_detach(&sb);
}

/* A section name users write in other keys: no blank, comma or quote. */
static int
conf_name_valid(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f || *s == ',' ||
		    *s == '"' || *s == '\\')
			return 0;
	return 1;
}

/* The line of an earlier section of that type and name, or 0. */
static int
conf_defined(const struct config *c, enum conf_sect sect, const char *name)
{
	size_t	i;

	switch (sect) {
	case SECT_FEED:
		for (i = 0; i < c->c_nfeeds; i++)
			if (strcmp(c->c_feeds[i].cf_name, name) == 0)
				return c->c_feeds[i].cf_line;
		break;
	case SECT_WATCHLIST:
		for (i = 0; i < c->c_nwatchlists; i++)
			if (strcmp(c->c_watchlists[i].cw_name, name) == 0)
				return c->c_watchlists[i].cw_line;
		break;
	case SECT_WEBHOOK:
		for (i = 0; i < c->c_nwebhooks; i++)
			if (strcmp(c->c_webhooks[i].cwh_name, name) == 0)
				return c->c_webhooks[i].cwh_line;
		break;
	default:
		break;
	}
	return 0;
}

/* Opens a named section; takes name. */
static void
conf_open(struct conf_parser *p, enum conf_sect sect, char *name)
{
	struct config		*c = p->cp_conf;
	struct conf_feed	*f;
	struct conf_watchlist	*w;
	struct conf_webhook	*h;
	const char		*type = conf_sect_names[sect];
	int			 prev;

	if (!conf_name_valid(name)) {
		conf_error(p, p->cp_line, "bad %s name \"%s\": it must not be "
		    "empty or have blanks, commas, quotes or backslashes",
		    type, name);
		goto skip;
	}
	if ((prev = conf_defined(c, sect, name)) != 0) {
		conf_error(p, p->cp_line, "%s '%s' is already defined at "
		    "line %d", type, name, prev);
		goto skip;
	}
	switch (sect) {
	case SECT_FEED:
		c->c_feeds = xreallocarray(c->c_feeds, c->c_nfeeds + 1,
		    sizeof(*c->c_feeds));
		f = &c->c_feeds[c->c_nfeeds++];
		memset(f, 0, sizeof(*f));
		f->cf_name = name;
		f->cf_line = p->cp_line;
		break;
	case SECT_WATCHLIST:
		c->c_watchlists = xreallocarray(c->c_watchlists,
		    c->c_nwatchlists + 1, sizeof(*c->c_watchlists));
		p->cp_wlines = xreallocarray(p->cp_wlines,
		    c->c_nwatchlists + 1, sizeof(*p->cp_wlines));
		memset(&p->cp_wlines[c->c_nwatchlists], 0,
		    sizeof(*p->cp_wlines));
		w = &c->c_watchlists[c->c_nwatchlists++];
		memset(w, 0, sizeof(*w));
		w->cw_name = name;
		w->cw_line = p->cp_line;
		break;
	default:
		/* notify names the built-in sinks and webhooks alike. */
		if (strcmp(name, "syslog") == 0 ||
		    strcmp(name, "stdout") == 0) {
			conf_error(p, p->cp_line, "webhook name '%s' is "
			    "taken by the built-in sink", name);
			goto skip;
		}
		c->c_webhooks = xreallocarray(c->c_webhooks,
		    c->c_nwebhooks + 1, sizeof(*c->c_webhooks));
		h = &c->c_webhooks[c->c_nwebhooks++];
		memset(h, 0, sizeof(*h));
		h->cwh_name = name;
		h->cwh_format = CONF_FORMAT_JSON;
		h->cwh_line = p->cp_line;
		break;
	}
	p->cp_sect = sect;
	return;
skip:
	free(name);
}

/* "[type]" or "[type "name"]", comment and blanks already cut. */
static void
conf_section(struct conf_parser *p, const char *s)
{
	const char	*type, *end;
	char		*name = NULL;
	size_t		 tlen;
	enum conf_sect	 sect;

	/* Until a valid header, keys belong to nothing and are not checked. */
	p->cp_sect = SECT_SKIP;
	memset(p->cp_seen, 0, sizeof(p->cp_seen));

	s += 1 + strspn(s + 1, " \t");
	type = s;
	for (tlen = 0; conf_is_name(s + tlen, 1); tlen++)
		;
	s += tlen;
	s += strspn(s, " \t");
	if (*s == '"') {
		if ((name = conf_unquote(s, &end)) == NULL) {
			conf_error(p, p->cp_line,
			    "unterminated section header");
			return;
		}
		s = end + strspn(end, " \t");
	}
	if (*s != ']' || tlen == 0) {
		if (*s == '\0')
			conf_error(p, p->cp_line,
			    "unterminated section header");
		else
			conf_error(p, p->cp_line, "bad section header: "
			    "expected [name] or [name \"subname\"]");
		goto fail;
	}
	s++;
	if (s[strspn(s, " \t")] != '\0') {
		conf_error(p, p->cp_line, "unexpected text after section "
		    "header");
		goto fail;
	}

	if (tlen == 4 && strncasecmp(type, "opml", 4) == 0) {
		conf_error(p, p->cp_line, "'[opml]' is not supported yet");
		goto fail;
	}
	for (sect = SECT_DAEMON; sect <= SECT_WEBHOOK; sect++)
		if (strlen(conf_sect_names[sect]) == tlen &&
		    strncasecmp(type, conf_sect_names[sect], tlen) == 0)
			break;
	if (sect > SECT_WEBHOOK) {
		conf_error(p, p->cp_line, "unknown section '[%.*s]'",
		    (int)tlen, type);
		goto fail;
	}
	if (sect == SECT_DAEMON) {
		if (name != NULL) {
			conf_error(p, p->cp_line, "[daemon] takes no name");
			goto fail;
		}
		p->cp_sect = SECT_DAEMON;
		return;
	}
	if (name == NULL) {
		conf_error(p, p->cp_line, "[%s] needs a name: [%s \"NAME\"]",
		    conf_sect_names[sect], conf_sect_names[sect]);
		return;
	}
	conf_open(p, sect, name);
	return;
fail:
	free(name);
}

/* "key = value", comment and blanks already cut. */
static void
conf_keyval(struct conf_parser *p, char *s)
{
	const struct conf_key	*k;
	char			*eq, *key, *val, *unq = NULL;
	const char		*end;
	int			*seen;
	size_t			 i;

	if ((eq = strchr(s, '=')) == NULL) {
		conf_error(p, p->cp_line, "expected 'key = value', "
		    "found no '='");
		return;
	}
	*eq = '\0';
	key = conf_trim(s);
	val = conf_trim(eq + 1);
	if (!conf_is_name(key, strlen(key))) {
		conf_error(p, p->cp_line, *key == '\0' ? "missing key before "
		    "'='" : "bad key '%s'", key);
		return;
	}
	if (p->cp_sect == SECT_NONE) {
		conf_error(p, p->cp_line, "'%s' is outside any section: put "
		    "it under [daemon], [feed \"…\"], [watchlist \"…\"] or "
		    "[webhook \"…\"]", key);
		return;
	}
	if (p->cp_sect == SECT_SKIP)
		return;

	for (i = 0; i < sizeof(conf_keys) / sizeof(conf_keys[0]); i++)
		if (conf_keys[i].ck_sect == p->cp_sect &&
		    strcasecmp(conf_keys[i].ck_name, key) == 0)
			break;
	if (i == sizeof(conf_keys) / sizeof(conf_keys[0])) {
		conf_error(p, p->cp_line, "unknown key '%s' in [%s]", key,
		    conf_sect_names[p->cp_sect]);
		return;
	}
	k = &conf_keys[i];
	if (k->ck_set == NULL) {
		conf_error(p, p->cp_line, "'%s' is not supported yet",
		    k->ck_name);
		return;
	}
	seen = p->cp_sect == SECT_DAEMON ? p->cp_dseen : p->cp_seen;
	if (!k->ck_repeat && seen[i] != 0) {
		conf_error(p, p->cp_line, "'%s' is already set at line %d",
		    k->ck_name, seen[i]);
		return;
	}
	seen[i] = p->cp_line;

	/* A quoted value loses its quotes, except a rule's: they are syntax. */
	if (!k->ck_raw && *val == '"') {
		if ((unq = conf_unquote(val, &end)) == NULL ||
		    end[strspn(end, " \t")] != '\0') {
			conf_error(p, p->cp_line, "'%s': bad quoting",
			    k->ck_name);
			free(unq);
			return;
		}
		val = unq;
	}
	if (*val == '\0')
		conf_error(p, p->cp_line, "'%s' needs a value", k->ck_name);
	else
		k->ck_set(p, k->ck_name, val);
	free(unq);
}

static void
conf_line(struct conf_parser *p, char *line)
{
	char	*s;

	conf_strip_comment(line);
	s = conf_trim(line);
	if (*s == '\0')
		return;
	if (*s == '[')
		conf_section(p, s);
	else
		conf_keyval(p, s);
}

static int
conf_sink_exists(const struct config *c, const char *name)
{
	return strcmp(name, "syslog") == 0 || strcmp(name, "stdout") == 0 ||
	    conf_webhook_find(c, name) != NULL;
}

/* What can only be checked, or defaulted, once the whole file is read. */
static void
conf_finish(struct conf_parser *p)
{
	struct config		*c = p->cp_conf;
	struct conf_watchlist	*w;
	size_t			 i, j;

	for (i = 0; i < c->c_nfeeds; i++) {
		if (c->c_feeds[i].cf_url == NULL)
			conf_error(p, c->c_feeds[i].cf_line,
			    "feed '%s' has no url", c->c_feeds[i].cf_name);
		if (c->c_feeds[i].cf_interval == 0)
			c->c_feeds[i].cf_interval = c->c_interval;
	}
	for (i = 0; i < c->c_nwebhooks; i++)
		if (c->c_webhooks[i].cwh_url == NULL)
			conf_error(p, c->c_webhooks[i].cwh_line,
			    "webhook '%s' has no url",
			    c->c_webhooks[i].cwh_name);
	for (i = 0; i < c->c_nwatchlists; i++) {
		w = &c->c_watchlists[i];
		if (w->cw_nmatch == 0)
			conf_error(p, w->cw_line, "watchlist '%s' has no "
			    "match line", w->cw_name);
		for (j = 0; j < w->cw_nfeeds; j++)
			if (conf_feed_find(c, w->cw_feeds[j]) == NULL)
				conf_error(p, p->cp_wlines[i].wl_feeds,
				    "watchlist '%s': no feed named '%s'",
				    w->cw_name, w->cw_feeds[j]);
		for (j = 0; j < w->cw_nnotify; j++)
			if (!conf_sink_exists(c, w->cw_notify[j]))
				conf_error(p, p->cp_wlines[i].wl_notify,
				    "watchlist '%s': no sink named '%s' "
				    "(syslog, stdout or a [webhook \"…\"])",
				    w->cw_name, w->cw_notify[j]);
		if (w->cw_nnotify == 0) {
			w->cw_notify = xcalloc(1, sizeof(*w->cw_notify));
			w->cw_notify[0] = xstrdup("syslog");
			w->cw_nnotify = 1;
		}
	}
}

struct config *
conf_parse(const char *file, const char *text, size_t len, struct sbuf *errs)
{
	return conf_parse_rules(file, text, len, NULL, NULL, errs);
}

struct config *
conf_parse_rules(const char *file, const char *text, size_t len,
    conf_rule_fn *fn, void *arg, struct sbuf *errs)
{
	struct conf_parser	 p;
	struct config		*c;
	const char		*nl;
	size_t			 pos = 0, llen, i;
	char			*line;

	memset(&p, 0, sizeof(p));
	p.cp_rule_fn = fn;
	p.cp_rule_arg = arg;
	p.cp_conf = c = xcalloc(1, sizeof(*c));
	c->c_file = xstrdup(file);
	c->c_state = xstrdup(CONF_DEFAULT_STATE);
	c->c_interval = CONF_DEFAULT_INTERVAL;
	c->c_concurrency = CONF_DEFAULT_CONCURRENCY;
	c->c_per_host = CONF_DEFAULT_PER_HOST;
	c->c_timeout = CONF_DEFAULT_TIMEOUT;
	c->c_max_size = CONF_DEFAULT_MAX_SIZE;
	c->c_max_age = 0;
	c->c_user_agent = xstrdup(CONF_DEFAULT_USER_AGENT);
	c->c_max_queue_age = CONF_DEFAULT_MAX_QUEUE_AGE;

	/* Editors on some systems start a UTF-8 file with a BOM. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len) {
		nl = memchr(text + pos, '\n', len - pos);
		llen = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
		p.cp_line++;
		if (memchr(text + pos, '\0', llen) != NULL)
			conf_error(&p, p.cp_line, "NUL byte in line");
		else {
			line = xstrndup(text + pos, llen);
			conf_line(&p, line);
			free(line);
		}
		pos += llen + 1;
	}
	conf_finish(&p);

	free(p.cp_wlines);
	if (p.cp_nerrs == 0)
		return c;
	qsort(p.cp_errs, p.cp_nerrs, sizeof(*p.cp_errs), conf_err_cmp);
	for (i = 0; i < p.cp_nerrs; i++) {
		if (errs != NULL)
			sbuf_printf(errs, "%s:%d: %s\n", file,
			    p.cp_errs[i].ce_line, p.cp_errs[i].ce_msg);
		free(p.cp_errs[i].ce_msg);
	}
	free(p.cp_errs);
	conf_free(c);
	return NULL;
}

struct config *
conf_load(const char *file, struct sbuf *errs)
{
	return conf_load_rules(file, NULL, NULL, errs);
}

struct config *
conf_load_rules(const char *file, conf_rule_fn *fn, void *arg,
    struct sbuf *errs)
{
	struct config	*c;
	struct sbuf	 sb;
	FILE		*f;
	char		 buf[8192];
	size_t		 n;

	if ((f = fopen(file, "r")) == NULL) {
		if (errs != NULL)
			sbuf_printf(errs, "%s: cannot open: %s\n", file,
			    strerror(errno));
		return NULL;
	}
	sbuf_init(&sb);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (sb.sb_len + n > CONF_MAX_FILE)
			break;
		sbuf_add(&sb, buf, n);
	}
	if (ferror(f) || n > 0) {
		if (errs != NULL) {
			if (n > 0)
				sbuf_printf(errs, "%s: too large (over %d "
				    "MiB)\n", file, CONF_MAX_FILE >> 20);
			else
				sbuf_printf(errs, "%s: cannot read: %s\n",
				    file, strerror(errno));
		}
		fclose(f);
		sbuf_free(&sb);
		return NULL;
	}
	fclose(f);
	c = conf_parse_rules(file, sb.sb_buf, sb.sb_len, fn, arg, errs);
	sbuf_free(&sb);
	return c;
}

static void
conf_free_names(char **names, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static void
conf_free_rules(struct conf_rule *r, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(r[i].cr_text);
	free(r);
}

void
conf_free(struct config *c)
{
	struct conf_watchlist	*w;
	size_t			 i;

	if (c == NULL)
		return;
	for (i = 0; i < c->c_nfeeds; i++) {
		free(c->c_feeds[i].cf_name);
		free(c->c_feeds[i].cf_url);
	}
	free(c->c_feeds);
	for (i = 0; i < c->c_nwatchlists; i++) {
		w = &c->c_watchlists[i];
		free(w->cw_name);
		conf_free_rules(w->cw_match, w->cw_nmatch);
		conf_free_rules(w->cw_exclude, w->cw_nexclude);
		conf_free_names(w->cw_feeds, w->cw_nfeeds);
		conf_free_names(w->cw_notify, w->cw_nnotify);
	}
	free(c->c_watchlists);
	for (i = 0; i < c->c_nwebhooks; i++) {
		free(c->c_webhooks[i].cwh_name);
		free(c->c_webhooks[i].cwh_url);
		free(c->c_webhooks[i].cwh_secret);
	}
	free(c->c_webhooks);
	free(c->c_file);
	free(c->c_state);
	free(c->c_user_agent);
	free(c);
}

const struct conf_feed *
conf_feed_find(const struct config *c, const char *name)
{
	size_t	i;

	for (i = 0; i < c->c_nfeeds; i++)
		if (strcmp(c->c_feeds[i].cf_name, name) == 0)
			return &c->c_feeds[i];
	return NULL;
}

const struct conf_webhook *
conf_webhook_find(const struct config *c, const char *name)
{
	size_t	i;

	for (i = 0; i < c->c_nwebhooks; i++)
		if (strcmp(c->c_webhooks[i].cwh_name, name) == 0)
			return &c->c_webhooks[i];
	return NULL;
}

int
conf_watchlist_wants(const struct conf_watchlist *w, const char *feed)
{
	size_t	i;

	if (w->cw_nfeeds == 0)
		return 1;
	for (i = 0; i < w->cw_nfeeds; i++)
		if (strcmp(w->cw_feeds[i], feed) == 0)
			return 1;
	return 0;
}
