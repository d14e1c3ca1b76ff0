/*
 * conf.h: newswatch.conf -> struct config (pure: no logging, no exit).
 *
 * Every problem is one line "FILE:LINE: message" appended to the caller's
 * error buffer; parsing goes on after an error so that a user sees all of
 * them at once, and returns NULL at the end if there was any.
 */
#ifndef NEWSWATCH_CONF_H
#define NEWSWATCH_CONF_H

#include <stddef.h>
#include <stdint.h>

struct sbuf;
struct conf_index;

enum conf_format {
	CONF_FORMAT_JSON = 0,
	CONF_FORMAT_SLACK,
	CONF_FORMAT_DISCORD
};

struct conf_feed {
	char		*cf_name;
	char		*cf_url;
	int64_t		 cf_interval;	/* seconds; the daemon's when not set */
	int		 cf_line;	/* line of the [feed "…"] header */
	size_t		 cf_file;	/* where: index in c_files */
};

/* One rule line of a watchlist, with the line it came from. */
struct conf_rule {
	char		*cr_text;
	int		 cr_line;
};

struct conf_watchlist {
	char		*cw_name;
	int		 cw_line;
	size_t		 cw_file;	/* index in c_files */
	struct conf_rule *cw_match;	/* any one of them */
	size_t		 cw_nmatch;
	struct conf_rule *cw_exclude;	/* any one of them vetoes */
	size_t		 cw_nexclude;
	char		**cw_feeds;	/* feed names; NULL/0: every feed */
	size_t		 cw_nfeeds;
	char		**cw_notify;	/* sink names; default { "syslog" } */
	size_t		 cw_nnotify;
};

struct conf_webhook {
	char		*cwh_name;
	char		*cwh_url;
	enum conf_format cwh_format;
	char		*cwh_secret;	/* "whsec_…" or NULL */
	int		 cwh_line;
	size_t		 cwh_file;	/* index in c_files */
};

struct config {
	char		*c_file;	/* c_files[0] */
	char		**c_files;	/* every file read: main, includes, OPML */
	size_t		 c_nfiles;
	char		*c_state;	/* directory */
	int64_t		 c_interval;	/* seconds */
	int		 c_concurrency;
	int		 c_per_host;
	int64_t		 c_timeout;	/* seconds */
	int64_t		 c_max_size;	/* bytes */
	int64_t		 c_max_age;	/* seconds; 0 off */
	char		*c_user_agent;
	int64_t		 c_max_queue_age; /* seconds */
	int		 c_deny_private;
	int		 c_log_syslog;	/* log = syslog */
	char		*c_listen;	/* "ADDR:PORT" as written, or NULL */
	char		*c_listen_addr;	/* numeric, without brackets */
	int		 c_listen_port;

	struct conf_feed *c_feeds;
	size_t		 c_nfeeds;
	struct conf_watchlist *c_watchlists;
	size_t		 c_nwatchlists;
	struct conf_webhook *c_webhooks;
	size_t		 c_nwebhooks;
	/* Names of feeds, watchlists, webhooks -> index, for O(1) lookups. */
	struct conf_index *c_index;
};

/* Defaults, also used by the man page and the README. */
#define CONF_DEFAULT_STATE		"/var/lib/newswatch"
#define CONF_DEFAULT_INTERVAL		(15 * 60)
#define CONF_DEFAULT_CONCURRENCY	16
#define CONF_DEFAULT_PER_HOST		2
#define CONF_DEFAULT_TIMEOUT		30
#define CONF_DEFAULT_MAX_SIZE		(8 * 1024 * 1024)
#define CONF_DEFAULT_MAX_QUEUE_AGE	(7 * 86400)
#define CONF_DEFAULT_USER_AGENT		"newswatch/" NEWSWATCH_VERSION \
					    " (+https://github.com/newswatch/newswatch)"

/*
 * Parses text (len bytes; named file in messages).  Returns a config, or
 * NULL with one "FILE:LINE: message\n" per problem appended to errs.
 */
struct config	*conf_parse(const char *file, const char *text, size_t len,
		    struct sbuf *errs);
/* Reads and parses a file; an unreadable file is one "FILE: …" line. */
struct config	*conf_load(const char *file, struct sbuf *errs);

/*
 * The same, calling fn for each match (exclude 0) or exclude (exclude 1)
 * line of watchlist number wl as it is read, so that a bad rule is
 * reported in line order among the other problems.  fn returns 0, or -1
 * with a message in err.
 */
typedef int	conf_rule_fn(void *arg, size_t wl, int exclude,
		    const char *rule, char *err, size_t errlen);
struct config	*conf_parse_rules(const char *file, const char *text,
		    size_t len, conf_rule_fn *fn, void *arg, struct sbuf *errs);
struct config	*conf_load_rules(const char *file, conf_rule_fn *fn,
		    void *arg, struct sbuf *errs);
void		 conf_free(struct config *);

/* Lookups by name; NULL when absent. */
const struct conf_feed	 *conf_feed_find(const struct config *, const char *);
const struct conf_webhook *conf_webhook_find(const struct config *,
		    const char *);
/* 1 if watchlist wants items of feed (its `feeds` list, or all). */
int		 conf_watchlist_wants(const struct conf_watchlist *,
		    const char *feed);

/* "15m" -> 900, "8M" -> 8388608; -1 on a bad value.  Exposed for tests. */
int64_t		 conf_parse_duration(const char *);
int64_t		 conf_parse_size(const char *);

#endif
