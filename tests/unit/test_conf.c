/*
 * test_conf.c: newswatch.conf parsing (conf.c) against interface.md.
 */
#include "unit.h"

#include <errno.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "conf.h"
#include "util.h"

/* Parses text as "t.conf"; *errs gets the error text (caller frees). */
static struct config *
parse(const char *text, char **errs)
{
	struct config	*c;
	struct sbuf	 sb;

	sbuf_init(&sb);
	c = conf_parse("t.conf", text, strlen(text), &sb);
	if (errs != NULL)
		*errs = xstrdup(sb.sb_buf);
	else if (sb.sb_len > 0)
		fail_msg("unexpected errors:\n%s", sb.sb_buf);
	sbuf_free(&sb);
	return c;
}

/* text must fail with exactly these error lines. */
static void
expect_errors(const char *text, const char *want)
{
	struct config	*c;
	char		*errs;

	c = parse(text, &errs);
	assert_null(c);
	assert_string_equal(errs, want);
	free(errs);
}

static struct config *
parse_ok(const char *text)
{
	struct config	*c;

	c = parse(text, NULL);
	assert_non_null(c);
	return c;
}

static void
test_defaults(void **state)
{
	struct config	*c;

	(void)state;
	c = parse_ok("");
	assert_string_equal(c->c_file, "t.conf");
	assert_string_equal(c->c_state, CONF_DEFAULT_STATE);
	assert_int_equal(c->c_interval, 900);
	assert_int_equal(c->c_concurrency, 16);
	assert_int_equal(c->c_per_host, 2);
	assert_int_equal(c->c_timeout, 30);
	assert_int_equal(c->c_max_size, 8 * 1024 * 1024);
	assert_int_equal(c->c_max_age, 0);
	assert_string_equal(c->c_user_agent, CONF_DEFAULT_USER_AGENT);
	assert_int_equal(c->c_max_queue_age, 7 * 86400);
	assert_int_equal(c->c_deny_private, 0);
	assert_int_equal(c->c_log_syslog, 0);
	assert_int_equal(c->c_nfeeds, 0);
	assert_int_equal(c->c_nwatchlists, 0);
	assert_int_equal(c->c_nwebhooks, 0);
	conf_free(c);
	conf_free(NULL);
}

/* The contract's example, less the keys that are not supported yet. */
static const char full[] =
    "[daemon]\n"
    "state      = /var/lib/newswatch       # directory\n"
    "interval   = 10m                      # default poll interval\n"
    "concurrency = 8\n"
    "per_host   = 3\n"
    "timeout    = 45s\n"
    "max_size   = 2M\n"
    "max_age    = 2d\n"
    "user_agent = newswatch/1.0 (+https://example.org/newswatch)\n"
    "log        = syslog\n"
    "max_queue_age = 3d\n"
    "deny_private = yes\n"
    "\n"
    "[feed \"lapresse\"]\n"
    "url      = https://www.lapresse.ca/actualites/rss\n"
    "interval = 5m\n"
    "\n"
    "[feed \"cbc\"]\n"
    "url = http://www.cbc.ca/rss\n"
    "\n"
    "[feed \"local\"]\n"
    "url = file:///srv/feeds/local.xml\n"
    "\n"
    "[watchlist \"baltic\"]\n"
    "match   = Latvia AND (NATO OR troop*)\n"
    "match   = \"battle group\" NEAR/10 Latvia    # several match lines\n"
    "exclude = hockey OR football\n"
    "feeds   = lapresse cbc\n"
    "notify  = syslog ops\n"
    "\n"
    "[watchlist \"all\"]\n"
    "match = news\n"
    "\n"
    "[webhook \"ops\"]\n"
    "url    = https://hooks.example.org/newswatch\n"
    "format = slack\n"
    "secret = whsec_G1uLRTUmw3E4Mbcur47O6Ho5ZcXt5nZA\n"
    "\n"
    "[webhook \"plain\"]\n"
    "url = http://127.0.0.1:9999/hook\n";

static void
test_full(void **state)
{
	struct config			*c;
	const struct conf_watchlist	*w;
	const struct conf_webhook	*h;

	(void)state;
	c = parse_ok(full);
	assert_string_equal(c->c_state, "/var/lib/newswatch");
	assert_int_equal(c->c_interval, 600);
	assert_int_equal(c->c_concurrency, 8);
	assert_int_equal(c->c_per_host, 3);
	assert_int_equal(c->c_timeout, 45);
	assert_int_equal(c->c_max_size, 2 * 1024 * 1024);
	assert_int_equal(c->c_max_age, 2 * 86400);
	assert_string_equal(c->c_user_agent,
	    "newswatch/1.0 (+https://example.org/newswatch)");
	assert_int_equal(c->c_log_syslog, 1);
	assert_int_equal(c->c_max_queue_age, 3 * 86400);
	assert_int_equal(c->c_deny_private, 1);

	assert_int_equal(c->c_nfeeds, 3);
	assert_string_equal(c->c_feeds[0].cf_name, "lapresse");
	assert_string_equal(c->c_feeds[0].cf_url,
	    "https://www.lapresse.ca/actualites/rss");
	assert_int_equal(c->c_feeds[0].cf_interval, 300);
	assert_int_equal(c->c_feeds[0].cf_line, 14);
	assert_string_equal(c->c_feeds[1].cf_name, "cbc");
	/* No interval of its own: the daemon's. */
	assert_int_equal(c->c_feeds[1].cf_interval, 600);
	assert_string_equal(c->c_feeds[2].cf_url,
	    "file:///srv/feeds/local.xml");

	assert_int_equal(c->c_nwatchlists, 2);
	w = &c->c_watchlists[0];
	assert_string_equal(w->cw_name, "baltic");
	assert_int_equal(w->cw_line, 24);
	assert_int_equal(w->cw_nmatch, 2);
	assert_string_equal(w->cw_match[0].cr_text,
	    "Latvia AND (NATO OR troop*)");
	assert_int_equal(w->cw_match[0].cr_line, 25);
	/* The quotes of a rule are rule syntax: kept. */
	assert_string_equal(w->cw_match[1].cr_text,
	    "\"battle group\" NEAR/10 Latvia");
	assert_int_equal(w->cw_match[1].cr_line, 26);
	assert_int_equal(w->cw_nexclude, 1);
	assert_string_equal(w->cw_exclude[0].cr_text, "hockey OR football");
	assert_int_equal(w->cw_exclude[0].cr_line, 27);
	assert_int_equal(w->cw_nfeeds, 2);
	assert_string_equal(w->cw_feeds[0], "lapresse");
	assert_string_equal(w->cw_feeds[1], "cbc");
	assert_int_equal(w->cw_nnotify, 2);
	assert_string_equal(w->cw_notify[0], "syslog");
	assert_string_equal(w->cw_notify[1], "ops");
	assert_true(conf_watchlist_wants(w, "cbc"));
	assert_false(conf_watchlist_wants(w, "local"));

	w = &c->c_watchlists[1];
	assert_int_equal(w->cw_nfeeds, 0);
	assert_null(w->cw_feeds);
	assert_true(conf_watchlist_wants(w, "local"));
	assert_int_equal(w->cw_nexclude, 0);
	/* notify defaults to syslog. */
	assert_int_equal(w->cw_nnotify, 1);
	assert_string_equal(w->cw_notify[0], "syslog");

	assert_int_equal(c->c_nwebhooks, 2);
	h = conf_webhook_find(c, "ops");
	assert_non_null(h);
	assert_string_equal(h->cwh_url, "https://hooks.example.org/newswatch");
	assert_int_equal(h->cwh_format, CONF_FORMAT_SLACK);
	assert_string_equal(h->cwh_secret,
	    "whsec_G1uLRTUmw3E4Mbcur47O6Ho5ZcXt5nZA");
	assert_int_equal(h->cwh_line, 34);
	h = conf_webhook_find(c, "plain");
	assert_int_equal(h->cwh_format, CONF_FORMAT_JSON);
	assert_null(h->cwh_secret);
	assert_null(conf_webhook_find(c, "syslog"));
	assert_null(conf_webhook_find(c, "nope"));

	assert_ptr_equal(conf_feed_find(c, "cbc"), &c->c_feeds[1]);
	assert_null(conf_feed_find(c, "CBC"));
	conf_free(c);
}

static void
test_formats(void **state)
{
	struct config	*c;

	(void)state;
	c = parse_ok("[webhook \"d\"]\nurl = https://d/\nformat = discord\n"
	    "[webhook \"j\"]\nurl = https://j/\nformat = json\n");
	assert_int_equal(c->c_webhooks[0].cwh_format, CONF_FORMAT_DISCORD);
	assert_int_equal(c->c_webhooks[1].cwh_format, CONF_FORMAT_JSON);
	conf_free(c);
}

/* The [daemon] interval applies to feeds defined before it too. */
static void
test_interval_order(void **state)
{
	struct config	*c;

	(void)state;
	c = parse_ok("[feed \"a\"]\nurl = https://a/\n"
	    "[daemon]\ninterval = 1h\n");
	assert_int_equal(c->c_feeds[0].cf_interval, 3600);
	conf_free(c);
}

static void
test_duration(void **state)
{
	static const char *const bad[] = {
		"", "s", "m", "-5", "+5", "5x", "5 m", " 5", "5 ", "1.5h",
		"15M", "15S", "1h30m", "0x10", "9223372036854775808",
		"106751991167301d", "153722867280912931m",
	};
	size_t	i;

	(void)state;
	assert_int_equal(conf_parse_duration("0"), 0);
	assert_int_equal(conf_parse_duration("0s"), 0);
	assert_int_equal(conf_parse_duration("30"), 30);
	assert_int_equal(conf_parse_duration("30s"), 30);
	assert_int_equal(conf_parse_duration("15m"), 900);
	assert_int_equal(conf_parse_duration("2h"), 7200);
	assert_int_equal(conf_parse_duration("7d"), 604800);
	assert_int_equal(conf_parse_duration("007m"), 420);
	assert_int_equal(conf_parse_duration("153722867280912930m"),
	    153722867280912930LL * 60);
	assert_int_equal(conf_parse_duration("9223372036854775807"),
	    INT64_MAX);
	assert_int_equal(conf_parse_duration("106751991167300d"),
	    106751991167300LL * 86400);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (conf_parse_duration(bad[i]) != -1)
			fail_msg("duration '%s' accepted", bad[i]);
}

static void
test_size(void **state)
{
	static const char *const bad[] = {
		"", "K", "-1", "+1", "1T", "1.5M", "1KB", "1 K", "1MiB",
		"9223372036854775808", "8589934592G", "x",
	};
	size_t	i;

	(void)state;
	assert_int_equal(conf_parse_size("0"), 0);
	assert_int_equal(conf_parse_size("100"), 100);
	assert_int_equal(conf_parse_size("1K"), 1024);
	assert_int_equal(conf_parse_size("2k"), 2048);
	assert_int_equal(conf_parse_size("8M"), 8388608);
	assert_int_equal(conf_parse_size("3m"), 3 * 1048576);
	assert_int_equal(conf_parse_size("1G"), 1073741824);
	assert_int_equal(conf_parse_size("2g"), 2147483648LL);
	assert_int_equal(conf_parse_size("8589934591G"),
	    8589934591LL * 1073741824LL);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (conf_parse_size(bad[i]) != -1)
			fail_msg("size '%s' accepted", bad[i]);
}

static void
test_booleans(void **state)
{
	static const struct {
		const char	*v;
		int		 want;
	} cases[] = {
		{ "yes", 1 }, { "no", 0 }, { "true", 1 }, { "false", 0 },
		{ "on", 1 }, { "off", 0 }, { "1", 1 }, { "0", 0 },
		{ "YES", 1 }, { "Off", 0 },
	};
	struct config	*c;
	char		*text;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		text = xasprintf("[daemon]\ndeny_private = %s\n", cases[i].v);
		c = parse_ok(text);
		assert_int_equal(c->c_deny_private, cases[i].want);
		conf_free(c);
		free(text);
	}
	expect_errors("[daemon]\ndeny_private = maybe\n",
	    "t.conf:2: 'deny_private' must be yes or no, not 'maybe'\n");
	expect_errors("[daemon]\ndeny_private = 2\n",
	    "t.conf:2: 'deny_private' must be yes or no, not '2'\n");
}

static void
test_comments(void **state)
{
	struct config			*c;
	const struct conf_watchlist	*w;

	(void)state;
	c = parse_ok(
	    "# a comment\n"
	    "; another\n"
	    "   # indented\n"
	    "\t; indented with a tab\n"
	    "[daemon] # after a header\n"
	    "state = /srv/nw ; trailing\n"
	    "user_agent = nw#1;x\n"
	    "[feed \"f#1\"]\n"
	    "url = https://example.org/feed#top\n"
	    "[watchlist \"w\"]\n"
	    "match = \"a # b\"\n"
	    "match = \"c ; d\" OR e # why\n"
	    "match = \"x \\\" # y\"\n"
	    "match = f\t#tab before\n");
	assert_string_equal(c->c_state, "/srv/nw");
	/* Not after a blank: part of the value. */
	assert_string_equal(c->c_user_agent, "nw#1;x");
	assert_string_equal(c->c_feeds[0].cf_name, "f#1");
	assert_string_equal(c->c_feeds[0].cf_url,
	    "https://example.org/feed#top");
	w = &c->c_watchlists[0];
	assert_int_equal(w->cw_nmatch, 4);
	assert_string_equal(w->cw_match[0].cr_text, "\"a # b\"");
	assert_string_equal(w->cw_match[1].cr_text, "\"c ; d\" OR e");
	assert_string_equal(w->cw_match[2].cr_text, "\"x \\\" # y\"");
	assert_string_equal(w->cw_match[3].cr_text, "f");
	conf_free(c);
}

static void
test_quoting(void **state)
{
	struct config	*c;

	(void)state;
	c = parse_ok("[daemon]\nuser_agent = \"nw 1.0 # (test)\"\n"
	    "state = \"/a \\\"b\\\\\"\n");
	assert_string_equal(c->c_user_agent, "nw 1.0 # (test)");
	assert_string_equal(c->c_state, "/a \"b\\");
	conf_free(c);
	/* A quote in a name would break the syslog line's NAME=… */
	expect_errors("[feed \"x\\\"y\"]\nurl = https://a/\n",
	    "t.conf:1: bad feed name \"x\"y\": it must not be empty or "
	    "have blanks, commas, quotes or backslashes\n");
	expect_errors("[daemon]\nstate = \"/a\n",
	    "t.conf:2: 'state': bad quoting\n");
	expect_errors("[daemon]\nstate = \"/a\" b\n",
	    "t.conf:2: 'state': bad quoting\n");
	expect_errors("[daemon]\nstate = \"\"\n",
	    "t.conf:2: 'state' needs a value\n");
}

/* Windows line ends, a BOM, no newline at the end, odd spacing. */
static void
test_layout(void **state)
{
	struct config	*c;

	(void)state;
	c = parse_ok("\xef\xbb\xbf[daemon]\r\nstate=/x\r\n"
	    "  [ feed   \"a\" ]  \r\n\turl\t=\thttps://a/\t\r\n"
	    "[DAEMON]\nInterval = 1m");
	assert_string_equal(c->c_state, "/x");
	assert_string_equal(c->c_feeds[0].cf_url, "https://a/");
	assert_int_equal(c->c_interval, 60);
	conf_free(c);
}

static void
test_lists(void **state)
{
	struct config			*c;
	const struct conf_watchlist	*w;

	(void)state;
	c = parse_ok("[feed \"a\"]\nurl = https://a/\n"
	    "[feed \"b\"]\nurl = https://b/\n"
	    "[webhook \"h\"]\nurl = https://h/\n"
	    "[watchlist \"w\"]\nmatch = x\nfeeds = a,b\n"
	    "notify = stdout,\th syslog\n");
	w = &c->c_watchlists[0];
	assert_int_equal(w->cw_nfeeds, 2);
	assert_string_equal(w->cw_feeds[1], "b");
	assert_int_equal(w->cw_nnotify, 3);
	assert_string_equal(w->cw_notify[0], "stdout");
	assert_string_equal(w->cw_notify[1], "h");
	assert_string_equal(w->cw_notify[2], "syslog");
	conf_free(c);
}

static void
test_secret(void **state)
{
	static const char *const bad[] = {
		"G1uLRTUmw3E4Mbcur47O6Ho5ZcXt5nZA",
		"whsec_", "whsec_abc", "whsec_ab=c", "whsec_a===",
		"whsec_G1uL RTUmw3E4Mbcur47O6Ho5ZcXt5nZA",
		"whsec_G1uL-TUmw3E4Mbcur47O6Ho5ZcXt5nZA",
		"WHSEC_G1uLRTUmw3E4Mbcur47O6Ho5ZcXt5nZA",
	};
	struct config	*c;
	char		*text, *want;
	size_t		 i;

	(void)state;
	c = parse_ok("[webhook \"h\"]\nurl = https://h/\n"
	    "secret = whsec_YWJjZA==\n");
	assert_string_equal(c->c_webhooks[0].cwh_secret, "whsec_YWJjZA==");
	conf_free(c);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		text = xasprintf("[webhook \"h\"]\nurl = https://h/\n"
		    "secret = \"%s\"\n", bad[i]);
		/* The secret itself is never echoed. */
		want = xstrdup("t.conf:3: webhook 'h': secret must be "
		    "'whsec_' followed by base64\n");
		expect_errors(text, want);
		free(text);
		free(want);
	}
}

static void
test_listen(void **state)
{
	static const char *const bad[] = { "127.0.0.1", "localhost:9470",
	    "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:x", "::1:80",
	    "[::1]80", "[::1]:", "[127.0.0.1]:80", ":80", "1.2.3:80" };
	struct config	*c;
	char		*text, *errs, *want;
	size_t		 i;

	(void)state;
	c = parse_ok("[daemon]\nlisten = 127.0.0.1:9470\n");
	assert_string_equal(c->c_listen, "127.0.0.1:9470");
	assert_string_equal(c->c_listen_addr, "127.0.0.1");
	assert_int_equal(c->c_listen_port, 9470);
	conf_free(c);
	c = parse_ok("[daemon]\nlisten = [::1]:65535\n");
	assert_string_equal(c->c_listen_addr, "::1");
	assert_int_equal(c->c_listen_port, 65535);
	conf_free(c);
	c = parse_ok("[daemon]\n");
	assert_null(c->c_listen);
	conf_free(c);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		text = xasprintf("[daemon]\nlisten = %s\n", bad[i]);
		want = xasprintf("t.conf:2: 'listen' must be ADDRESS:PORT with "
		    "a numeric address, as 127.0.0.1:9470 or [::1]:9470, not "
		    "'%s'\n", bad[i]);
		assert_null(parse(text, &errs));
		if (strcmp(errs, want) != 0)
			fail_msg("listen = %s:\nwant %sgot  %s", bad[i], want,
			    errs);
		free(errs);
		free(want);
		free(text);
	}
	expect_errors("[daemon]\nlisten = 127.0.0.1:1\nlisten = 127.0.0.1:2\n",
	    "t.conf:3: 'listen' is already set at line 2\n");
}

/* A scratch directory for files that include each other. */
static char *
tmpdir(void)
{
	char	*d = xstrdup("/tmp/test_conf.XXXXXX");

	assert_non_null(mkdtemp(d));
	return d;
}

static char *
put(const char *dir, const char *name, const char *text)
{
	char	*path = xasprintf("%s/%s", dir, name);
	FILE	*f;

	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	return path;
}

static void
rmtree(const char *dir)
{
	char	*cmd = xasprintf("rm -rf '%s'", dir);

	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/* conf_load(path) fails with exactly want, %1$s standing for dir. */
static void
expect_load_errors(const char *path, const char *dir, const char *fmt)
{
	struct sbuf	 errs;
	struct sbuf	 want;
	const char	*s;

	sbuf_init(&errs);
	sbuf_init(&want);
	for (s = fmt; *s != '\0'; s++) {
		if (*s == '@')
			sbuf_adds(&want, dir);
		else
			sbuf_addc(&want, *s);
	}
	assert_null(conf_load(path, &errs));
	assert_string_equal(errs.sb_buf, want.sb_buf);
	sbuf_free(&errs);
	sbuf_free(&want);
}

static void
test_include(void **state)
{
	struct config	*c;
	struct sbuf	 errs;
	char		*dir, *sub, *main_conf, *p;

	(void)state;
	dir = tmpdir();
	sub = xasprintf("%s/conf.d", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	/* Relative to the including file; sorted; settings after it count. */
	main_conf = put(dir, "main.conf", "[daemon]\n"
	    "include = conf.d/*.conf\n"
	    "interval = 5m\n"
	    "include = conf.d/none-*.conf\n"
	    "[feed \"main\"]\n"
	    "url = http://main/\n");
	free(put(sub, "20-b.conf", "# b\n[feed \"b\"]\nurl = http://b/\n"
	    "[watchlist \"w\"]\nmatch = x\nfeeds = a b main\nnotify = h\n"));
	free(put(sub, "10-a.conf", "[feed \"a\"]\nurl = http://a/\n"
	    "interval = 1m\n[webhook \"h\"]\nurl = http://h/\n"));
	free(put(sub, "README", "not a configuration\n"));
	sbuf_init(&errs);
	c = conf_load(main_conf, &errs);
	assert_string_equal(errs.sb_buf, "");
	assert_non_null(c);
	assert_int_equal(c->c_nfiles, 3);
	assert_string_equal(c->c_files[0], main_conf);
	p = xasprintf("%s/conf.d/10-a.conf", dir);
	assert_string_equal(c->c_files[1], p);
	free(p);
	assert_int_equal(c->c_nfeeds, 3);
	assert_string_equal(c->c_feeds[0].cf_name, "a");
	assert_int_equal(c->c_feeds[0].cf_file, 1);
	assert_int_equal(c->c_feeds[0].cf_interval, 60);
	assert_string_equal(c->c_feeds[1].cf_name, "b");
	assert_int_equal(c->c_feeds[1].cf_file, 2);
	assert_int_equal(c->c_feeds[1].cf_line, 2);
	assert_int_equal(c->c_feeds[1].cf_interval, 300);
	assert_string_equal(c->c_feeds[2].cf_name, "main");
	assert_int_equal(c->c_feeds[2].cf_file, 0);
	assert_int_equal(c->c_nwatchlists, 1);
	assert_int_equal(c->c_watchlists[0].cw_file, 2);
	assert_int_equal(c->c_nwebhooks, 1);
	conf_free(c);
	sbuf_free(&errs);

	/* Errors name the included file and its line, files in order. */
	free(put(sub, "30-bad.conf", "[feed \"c\"]\nbogus = 1\n[daemon]\n"
	    "state = /x\n"));
	free(put(sub, "40-dup.conf", "\n[feed \"a\"]\nurl = http://a2/\n"
	    "[watchlist \"w2\"]\nmatch = (x\n"));
	expect_load_errors(main_conf, dir,
	    "@/conf.d/30-bad.conf:1: feed 'c' has no url\n"
	    "@/conf.d/30-bad.conf:2: unknown key 'bogus' in [feed]\n"
	    "@/conf.d/30-bad.conf:3: [daemon] belongs in the main file, "
	    "@/main.conf, not in an included one\n"
	    "@/conf.d/40-dup.conf:2: feed 'a' is already defined at "
	    "@/conf.d/10-a.conf:1\n");
	rmtree(dir);
	free(main_conf);
	free(sub);
	free(dir);

	/* A file named outright must exist; a glob may match nothing. */
	expect_errors("[daemon]\ninclude = /nonexistent/x.conf\n"
	    "include = /nonexistent/*.conf\n",
	    "t.conf:2: include '/nonexistent/x.conf': no such file\n");
	/* Only in [daemon]. */
	expect_errors("[feed \"a\"]\nurl = http://a/\ninclude = x\n",
	    "t.conf:3: unknown key 'include' in [feed]\n");
}

static const char opml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"		/* 1 */
    "<opml version=\"2.0\">\n"					/* 2 */
    "<head><title>Subscriptions</title></head>\n"		/* 3 */
    "<body>\n"							/* 4 */
    "<outline text=\"News\" title=\"News\">\n"		/* 5 */
    "  <outline type=\"rss\" text=\"ignored\" title=\"Le Devoir, "
    "Monde\"\n"							/* 6 */
    "    xmlUrl=\"https://www.ledevoir.com/rss/monde.xml\"/>\n"	/* 7 */
    "  <outline text=\"Deeper\">\n"				/* 8 */
    "    <outline text=\"CBC &amp; co\" "
    "xmlUrl=\"http://cbc.example/rss?a=1&amp;b=2\"/>\n"		/* 9 */
    "  </outline>\n"						/* 10 */
    "</outline>\n"						/* 11 */
    "<outline text=\"Again\">\n"				/* 12 */
    "  <outline type=\"rss\" text=\"CBC &amp; co\" "
    "xmlUrl=\"http://cbc.example/rss?a=1&amp;b=2\"/>\n"		/* 13 */
    "</outline>\n"						/* 14 */
    "<outline xmlUrl=\"http://notitle.example/feed\"/>\n"	/* 15 */
    "</body>\n"
    "</opml>\n";

static void
test_opml(void **state)
{
	struct config	*c;
	struct sbuf	 errs;
	char		*dir, *main_conf, *path;

	(void)state;
	dir = tmpdir();
	path = put(dir, "feeds.opml", opml);
	free(path);
	main_conf = put(dir, "main.conf", "[daemon]\nstate = /x\n"
	    "[opml]\nfile = feeds.opml\n"
	    "[watchlist \"w\"]\nmatch = x\nfeeds = Le-Devoir-Monde\n");
	sbuf_init(&errs);
	c = conf_load(main_conf, &errs);
	assert_string_equal(errs.sb_buf, "");
	assert_non_null(c);
	assert_int_equal(c->c_nfiles, 2);
	/* Nested, title before text, the same feed in two folders once. */
	assert_int_equal(c->c_nfeeds, 3);
	assert_string_equal(c->c_feeds[0].cf_name, "Le-Devoir-Monde");
	assert_string_equal(c->c_feeds[0].cf_url,
	    "https://www.ledevoir.com/rss/monde.xml");
	assert_int_equal(c->c_feeds[0].cf_file, 1);
	assert_int_equal(c->c_feeds[0].cf_line, 7);
	assert_int_equal(c->c_feeds[0].cf_interval, CONF_DEFAULT_INTERVAL);
	assert_string_equal(c->c_feeds[1].cf_name, "CBC-&-co");
	assert_string_equal(c->c_feeds[1].cf_url,
	    "http://cbc.example/rss?a=1&b=2");
	assert_string_equal(c->c_feeds[2].cf_name,
	    "http://notitle.example/feed");
	conf_free(c);
	sbuf_reset(&errs);

	/* A clash with a feed of the file, a bad URL: at the OPML's line. */
	free(put(dir, "main.conf", "[feed \"CBC-&-co\"]\nurl = http://x/\n"
	    "[opml]\nfile = feeds.opml\nfile = bad.opml\n"));
	free(put(dir, "bad.opml", "<opml><body>\n"
	    "<outline title=\"g\" xmlUrl=\"gopher://g/\"/>\n"
	    "<outline title=\"h\" xmlUrl=\"http://h/\">\n"
	    "</body></opml>\n"));
	expect_load_errors(main_conf, dir,
	    "@/feeds.opml:9: feed 'CBC-&-co' is already defined at "
	    "@/main.conf:1\n"
	    "@/feeds.opml:13: feed 'CBC-&-co' is already defined at "
	    "@/main.conf:1\n"
	    "@/bad.opml:2: feed 'g': xmlUrl must be http://, https:// or "
	    "file://, not 'gopher://g/'\n"
	    "@/bad.opml:4: not OPML: Opening and ending tag mismatch: "
	    "outline line 3 and body\n");

	/* Not OPML at all; a missing file. */
	free(put(dir, "main.conf", "[opml]\nfile = main.conf\n"
	    "file = none.opml\n[opml]\nfile = rss.xml\n"));
	free(put(dir, "rss.xml", "<rss><channel/></rss>\n"));
	expect_load_errors(main_conf, dir,
	    "@/main.conf:2: '@/main.conf' is read already\n"
	    "@/main.conf:3: opml '@/none.opml': cannot open: No such file "
	    "or directory\n"
	    "@/rss.xml:1: not OPML: the root element is <rss>, not <opml>\n");

	/* Entities are never expanded and nothing is read (no XXE). */
	free(put(dir, "main.conf", "[opml]\nfile = xxe.opml\n"));
	path = xasprintf("<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE opml [<!ENTITY xxe SYSTEM \"file://%s/main.conf\">\n"
	    "<!ENTITY big \"BIG\">]>\n"
	    "<opml><body><outline title=\"&big;\" xmlUrl=\"http://a/\"/>"
	    "<outline title=\"t&xxe;\" xmlUrl=\"http://b/\"/>"
	    "</body></opml>\n", dir);
	free(put(dir, "xxe.opml", path));
	free(path);
	c = conf_load(main_conf, &errs);
	if (c != NULL) {
		size_t	i;

		for (i = 0; i < c->c_nfeeds; i++) {
			assert_null(strstr(c->c_feeds[i].cf_name, "opml"));
			assert_null(strstr(c->c_feeds[i].cf_name, "BIG"));
		}
		conf_free(c);
	} else
		assert_null(strstr(errs.sb_buf, "[opml]\n"));
	sbuf_free(&errs);
	rmtree(dir);
	free(main_conf);
	free(dir);
}

/* One message per problem, each at its line. */
static void
test_errors_each(void **state)
{
	static const struct {
		const char	*text;
		const char	*want;
	} cases[] = {
		{ "state = /x\n",
		  "t.conf:1: 'state' is outside any section: put it under "
		  "[daemon], [feed \"…\"], [watchlist \"…\"], "
		  "[webhook \"…\"] or [opml]\n" },
		{ "[daemon]\nstate /x\n",
		  "t.conf:2: expected 'key = value', found no '='\n" },
		{ "[daemon]\n= /x\n", "t.conf:2: missing key before '='\n" },
		{ "[daemon]\nsta te = /x\n", "t.conf:2: bad key 'sta te'\n" },
		{ "[daemon\n", "t.conf:1: unterminated section header\n" },
		{ "[feed \"a]\n", "t.conf:1: unterminated section header\n" },
		{ "[feed \"a\" x]\n", "t.conf:1: bad section header: "
		  "expected [name] or [name \"subname\"]\n" },
		{ "[]\n", "t.conf:1: bad section header: "
		  "expected [name] or [name \"subname\"]\n" },
		{ "[daemon] x\n",
		  "t.conf:1: unexpected text after section header\n" },
		{ "[server]\nport = 1\n", "t.conf:1: unknown section "
		  "'[server]'\n" },
		{ "[daemon \"x\"]\n", "t.conf:1: [daemon] takes no name\n" },
		{ "[feed]\nurl = https://a/\n",
		  "t.conf:1: [feed] needs a name: [feed \"NAME\"]\n" },
		{ "[feed \"a b\"]\n", "t.conf:1: bad feed name \"a b\": it "
		  "must not be empty or have blanks, commas, quotes or "
		  "backslashes\n" },
		{ "[watchlist \"\"]\n", "t.conf:1: bad watchlist name \"\": "
		  "it must not be empty or have blanks, commas, quotes or "
		  "backslashes\n" },
		{ "[daemon]\nport = 1\n",
		  "t.conf:2: unknown key 'port' in [daemon]\n" },
		{ "[feed \"a\"]\nurl = https://a/\nmatch = x\n",
		  "t.conf:3: unknown key 'match' in [feed]\n" },
		{ "[daemon]\nstate =\n", "t.conf:2: 'state' needs a value\n" },
		{ "[daemon]\nstate = /a\nstate = /b\n",
		  "t.conf:3: 'state' is already set at line 2\n" },
		{ "[daemon]\ninterval = 5\n[daemon]\ninterval = 6\n",
		  "t.conf:4: 'interval' is already set at line 2\n" },
		{ "[daemon]\ninterval = 5 min\n", "t.conf:2: 'interval': bad "
		  "duration '5 min' (a number, then s, m, h or d)\n" },
		{ "[daemon]\ninterval = 0\n",
		  "t.conf:2: 'interval' must be more than 0\n" },
		{ "[daemon]\ntimeout = 0s\n",
		  "t.conf:2: 'timeout' must be more than 0\n" },
		{ "[daemon]\nmax_queue_age = 0\n",
		  "t.conf:2: 'max_queue_age' must be more than 0\n" },
		{ "[daemon]\nmax_age = -1\n", "t.conf:2: 'max_age': bad "
		  "duration '-1' (a number, then s, m, h or d)\n" },
		{ "[daemon]\nconcurrency = 0\n", "t.conf:2: 'concurrency' "
		  "must be a number from 1 to 1024, not '0'\n" },
		{ "[daemon]\nconcurrency = 1025\n", "t.conf:2: 'concurrency' "
		  "must be a number from 1 to 1024, not '1025'\n" },
		{ "[daemon]\nper_host = 0\n", "t.conf:2: 'per_host' "
		  "must be a number from 1 to 1024, not '0'\n" },
		{ "[daemon]\nper_host = two\n", "t.conf:2: 'per_host' "
		  "must be a number from 1 to 1024, not 'two'\n" },
		{ "[daemon]\nmax_size = 0\n",
		  "t.conf:2: 'max_size' must be more than 0\n" },
		{ "[daemon]\nmax_size = 8MB\n", "t.conf:2: 'max_size': bad "
		  "size '8MB' (a number of bytes, or with K, M or G)\n" },
		{ "[daemon]\nlog = journal\n",
		  "t.conf:2: 'log' must be stderr or syslog, not 'journal'\n" },
		{ "[daemon]\nuser_agent = \"a\tb\"\n",
		  "t.conf:2: 'user_agent' has a control character\n" },
		{ "[feed \"a\"]\nurl = ftp://a/\n", "t.conf:2: feed 'a': url "
		  "must be http://, https:// or file://, not 'ftp://a/'\n" },
		{ "[feed \"a\"]\nurl = https://\n", "t.conf:2: feed 'a': url "
		  "must be http://, https:// or file://, not 'https://'\n" },
		{ "[feed \"a\"]\nurl = www.a.org/rss\n", "t.conf:2: feed 'a': "
		  "url must be http://, https:// or file://, "
		  "not 'www.a.org/rss'\n" },
		{ "[feed \"a\"]\ninterval = 5m\n",
		  "t.conf:1: feed 'a' has no url\n" },
		{ "[feed \"a\"]\nurl = https://a/\ninterval = 0\n",
		  "t.conf:3: 'interval' must be more than 0\n" },
		{ "[feed \"a\"]\nurl = https://a/\nurl = https://b/\n",
		  "t.conf:3: 'url' is already set at line 2\n" },
		{ "[feed \"a\"]\nurl = https://a/\n[feed \"a\"]\n"
		  "url = https://b/\n",
		  "t.conf:3: feed 'a' is already defined at line 1\n" },
		{ "[webhook \"h\"]\nurl = file:///tmp/x\n", "t.conf:2: webhook "
		  "'h': url must be http:// or https://, not 'file:///tmp/x'\n" },
		{ "[webhook \"h\"]\nformat = json\n",
		  "t.conf:1: webhook 'h' has no url\n" },
		{ "[webhook \"h\"]\nurl = https://h/\nformat = teams\n",
		  "t.conf:3: 'format' must be json, slack or discord, "
		  "not 'teams'\n" },
		{ "[webhook \"stdout\"]\nurl = https://h/\n", "t.conf:1: "
		  "webhook name 'stdout' is taken by the built-in sink\n" },
		{ "[webhook \"h\"]\nurl = https://h/\n[webhook \"h\"]\n",
		  "t.conf:3: webhook 'h' is already defined at line 1\n" },
		{ "[watchlist \"w\"]\nnotify = stdout\n",
		  "t.conf:1: watchlist 'w' has no match line\n" },
		{ "[watchlist \"w\"]\nmatch = x\nfeeds = nope\n",
		  "t.conf:3: watchlist 'w': no feed named 'nope'\n" },
		{ "[watchlist \"w\"]\nmatch = x\nnotify = syslog ops\n",
		  "t.conf:3: watchlist 'w': no sink named 'ops' (syslog, "
		  "stdout or a [webhook \"…\"])\n" },
		{ "[watchlist \"w\"]\nmatch = x\nfeeds = ,\n",
		  "t.conf:3: 'feeds' needs at least one name\n" },
		{ "[watchlist \"w\"]\nmatch = x\n[watchlist \"w\"]\n"
		  "match = y\n",
		  "t.conf:3: watchlist 'w' is already defined at line 1\n" },
		{ "[daemon]\nstate = /a\0b\n", "t.conf:2: NUL byte in line\n" },
	};
	struct config	*c;
	struct sbuf	 sb;
	size_t		 i, len;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* The NUL case needs its length: the rest of the literal. */
		len = strlen(cases[i].text);
		if (strstr(cases[i].want, "NUL") != NULL)
			len += 1 + strlen(cases[i].text + len + 1);
		sbuf_init(&sb);
		c = conf_parse("t.conf", cases[i].text, len, &sb);
		if (c != NULL || strcmp(sb.sb_buf, cases[i].want) != 0)
			fail_msg("case %zu:\n%s\nwant: %sgot:  %s", i,
			    cases[i].text, cases[i].want, sb.sb_buf);
		conf_free(c);
		sbuf_free(&sb);
	}
}

/* Every error of a file at once, in line order, whatever found them. */
static void
test_errors_all(void **state)
{
	(void)state;
	expect_errors(
	    "timeout = 5\n"				/* 1 */
	    "[daemon]\n"				/* 2 */
	    "concurrency = 0\n"				/* 3 */
	    "listen = 127.0.0.1\n"			/* 4 */
	    "bogus = 1\n"				/* 5 */
	    "[watchlist \"w\"]\n"			/* 6 */
	    "feeds = a later\n"				/* 7 */
	    "notify = hook\n"				/* 8 */
	    "[feed \"a\"]\n"				/* 9 */
	    "url = gopher://a/\n"			/* 10 */
	    "[opml]\n"					/* 11 */
	    "file = /nonexistent/x.opml\n"		/* 12 */
	    "[webhook \"hook\"\n"			/* 13 */
	    "secret = nope\n",				/* 14 */
	    "t.conf:1: 'timeout' is outside any section: put it under "
	    "[daemon], [feed \"…\"], [watchlist \"…\"], [webhook \"…\"] or "
	    "[opml]\n"
	    "t.conf:3: 'concurrency' must be a number from 1 to 1024, "
	    "not '0'\n"
	    "t.conf:4: 'listen' must be ADDRESS:PORT with a numeric address, "
	    "as 127.0.0.1:9470 or [::1]:9470, not '127.0.0.1'\n"
	    "t.conf:5: unknown key 'bogus' in [daemon]\n"
	    "t.conf:6: watchlist 'w' has no match line\n"
	    "t.conf:7: watchlist 'w': no feed named 'later'\n"
	    "t.conf:8: watchlist 'w': no sink named 'hook' (syslog, stdout "
	    "or a [webhook \"…\"])\n"
	    "t.conf:10: feed 'a': url must be http://, https:// or file://, "
	    "not 'gopher://a/'\n"
	    "t.conf:12: opml '/nonexistent/x.opml': cannot open: No such "
	    "file or directory\n"
	    "t.conf:13: unterminated section header\n");
}

static void
test_load(void **state)
{
	struct config	*c;
	struct sbuf	 errs;
	char		 path[] = "/tmp/test_conf.XXXXXX";
	char		*want;
	int		 fd;

	(void)state;
	sbuf_init(&errs);
	c = conf_load("/nonexistent/newswatch.conf", &errs);
	assert_null(c);
	assert_string_equal(errs.sb_buf, "/nonexistent/newswatch.conf: "
	    "cannot open: No such file or directory\n");

	sbuf_reset(&errs);
	assert_null(conf_load("/", &errs));
	assert_string_equal(errs.sb_buf, "/: cannot read: Is a directory\n");

	fd = mkstemp(path);
	assert_true(fd != -1);
	assert_int_equal(write(fd, full, sizeof(full) - 1),
	    (ssize_t)(sizeof(full) - 1));
	close(fd);
	sbuf_reset(&errs);
	c = conf_load(path, &errs);
	assert_non_null(c);
	assert_string_equal(errs.sb_buf, "");
	assert_string_equal(c->c_file, path);
	assert_int_equal(c->c_nfeeds, 3);
	conf_free(c);

	/* Errors name the file as given. */
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd != -1);
	assert_int_equal(write(fd, "\n[x]\n", 5), 5);
	close(fd);
	c = conf_load(path, &errs);
	assert_null(c);
	want = xasprintf("%s:2: unknown section '[x]'\n", path);
	assert_string_equal(errs.sb_buf, want);
	free(want);
	unlink(path);
	sbuf_free(&errs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_interval_order),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_booleans),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_secret),
		cmocka_unit_test(test_listen),
		cmocka_unit_test(test_include),
		cmocka_unit_test(test_opml),
		cmocka_unit_test(test_errors_each),
		cmocka_unit_test(test_errors_all),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
