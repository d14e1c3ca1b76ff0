/*
 * test_store.c: store.c against store.h, on real files in a fresh
 * temporary directory per test.  The tests read the database with the
 * sqlite3 API directly where they check what store.c must have written.
 */
#include "unit.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store.h"
#include "util.h"

#define DAY	86400

struct tdir {
	char	 td_dir[64];	/* the mkdtemp directory */
	char	*td_state;	/* td_dir/state: not there until opened */
	char	*td_db;		/* td_state/newswatch.db */
};

static int
tdir_rm(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return remove(path);
}

static int
setup(void **state)
{
	struct tdir	*t;

	t = xcalloc(1, sizeof(*t));
	util_strlcpy(t->td_dir, "/tmp/test_store.XXXXXX", sizeof(t->td_dir));
	if (mkdtemp(t->td_dir) == NULL)
		return -1;
	t->td_state = xasprintf("%s/state", t->td_dir);
	t->td_db = xasprintf("%s/newswatch.db", t->td_state);
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct tdir	*t = *state;
	int		 rc;

	rc = nftw(t->td_dir, tdir_rm, 16, FTW_DEPTH | FTW_PHYS);
	free(t->td_state);
	free(t->td_db);
	free(t);
	return rc;
}

static struct store *
open_ok(const char *dir, int dry)
{
	struct store	*st;
	char		 err[512] = "";

	st = store_open(dir, dry, err, sizeof(err));
	if (st == NULL)
		fail_msg("store_open(%s, %d): %s", dir, dry, err);
	return st;
}

/* store_open must refuse, with an error that contains want. */
static void
open_refused(const char *dir, int dry, const char *want)
{
	char	err[512] = "";

	assert_null(store_open(dir, dry, err, sizeof(err)));
	if (strstr(err, want) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", err, want);
	/* One line for the log. */
	assert_null(strchr(err, '\n'));
}

/* One integer from SQL run on the database file, past store.c. */
static int64_t
sql_int(const char *db, const char *sql)
{
	sqlite3		*h;
	sqlite3_stmt	*s;
	int64_t		 v = -1;

	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(h);
	return v;
}

static void
sql_exec(const char *db, const char *sql)
{
	sqlite3	*h;

	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

static char *
slurp(const char *path, size_t *len)
{
	struct sbuf	 sb;
	char		 buf[4096];
	size_t		 n;
	FILE		*f;

	assert_non_null(f = fopen(path, "rb"));
	sbuf_init(&sb);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sbuf_add(&sb, buf, n);
	fclose(f);
	*len = sb.sb_len;
	return sb.sb_buf;
}

static int
exists(const char *path)
{
	struct stat	sb;

	return stat(path, &sb) == 0;
}

static void
item_add_ok(struct store *st, const char *feed, const char *key, int want)
{
	char	err[256] = "";
	int	r;

	r = store_item_add(st, feed, key, 1000, err, sizeof(err));
	if (r == -1)
		fail_msg("store_item_add: %s", err);
	assert_int_equal(r, want);
}

static void
alert_add_ok(struct store *st, const char *id, int64_t now, int want,
    const char *s1, const char *s2)
{
	const char	*sinks[2] = { s1, s2 };
	char		 err[256] = "", json[64];
	int		 r;

	snprintf(json, sizeof(json), "{\"id\":\"%s\"}", id);
	r = store_alert_add(st, id, "baltic", json, sinks, s2 ? 2 : 1, now,
	    err, sizeof(err));
	if (r == -1)
		fail_msg("store_alert_add: %s", err);
	assert_int_equal(r, want);
}

static void
test_open_creates(void **state)
{
	struct tdir	*t = *state;
	struct store	*st;
	struct stat	 sb;
	char		 err[256] = "";

	st = open_ok(t->td_state, 0);
	assert_int_equal(stat(t->td_state, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0700);
	assert_true(exists(t->td_db));
	assert_int_equal(store_check(st, err, sizeof(err)), 0);
	/* WAL is a property of the file: a second connection sees it. */
	assert_int_equal(sql_int(t->td_db, "SELECT journal_mode = 'wal' "
	    "FROM pragma_journal_mode"), 1);
	assert_int_equal(sql_int(t->td_db, "PRAGMA user_version"), 2);
	assert_int_equal(sql_int(t->td_db, "SELECT count(*) FROM sqlite_master"
	    " WHERE type = 'table' AND name IN ('feed', 'item', 'story',"
	    " 'alert', 'delivery')"), 5);
	assert_int_equal(sql_int(t->td_db, "SELECT count(*) FROM sqlite_master"
	    " WHERE type = 'index' AND name = 'delivery_due'"), 1);
	/* The outbox's look-ups go through an index, never a scan. */
	assert_int_equal(sql_int(t->td_db, "SELECT count(*) FROM sqlite_master"
	    " WHERE type = 'index' AND name = 'delivery_sink'"), 1);
	assert_int_equal(store_delivery_next(st), -1);
	assert_int_equal(store_delivery_count(st), 0);
	store_close(st);
	store_close(NULL);
}

static void
test_reopen_keeps(void **state)
{
	struct tdir		*t = *state;
	struct store		*st;
	struct store_feed	 in, out;
	char			 err[256] = "";

	memset(&in, 0, sizeof(in));
	in.sf_conf_url = "https://example.org/rss";
	in.sf_etag = "\"abc\"";
	in.sf_next_poll = 1700000900;
	in.sf_last_poll = 1700000000;
	in.sf_last_ok = 1699999000;
	in.sf_paused_until = 42;
	in.sf_errors = 3;
	in.sf_last_error = "http: 503 Service Unavailable";
	in.sf_gone = 1;

	st = open_ok(t->td_state, 0);
	assert_int_equal(store_feed_get(st, "lapresse", &out, err,
	    sizeof(err)), 0);
	assert_null(out.sf_url);
	assert_int_equal(store_begin(st, err, sizeof(err)), 0);
	assert_int_equal(store_feed_put(st, "lapresse", &in, err,
	    sizeof(err)), 0);
	item_add_ok(st, "lapresse", "guid-1", 1);
	alert_add_ok(st, "a1", 100, 1, "ops", NULL);
	assert_int_equal(store_commit(st, err, sizeof(err)), 0);
	store_close(st);

	st = open_ok(t->td_state, 0);
	assert_int_equal(store_feed_get(st, "lapresse", &out, err,
	    sizeof(err)), 1);
	assert_null(out.sf_url);
	assert_string_equal(out.sf_conf_url, in.sf_conf_url);
	assert_string_equal(out.sf_etag, in.sf_etag);
	assert_null(out.sf_last_modified);
	assert_null(out.sf_body_hash);
	assert_int_equal(out.sf_next_poll, in.sf_next_poll);
	assert_int_equal(out.sf_last_poll, in.sf_last_poll);
	assert_int_equal(out.sf_last_ok, in.sf_last_ok);
	assert_int_equal(out.sf_paused_until, 42);
	assert_int_equal(out.sf_errors, 3);
	assert_string_equal(out.sf_last_error, in.sf_last_error);
	assert_int_equal(out.sf_gone, 1);
	store_feed_clear(&out);
	assert_null(out.sf_etag);

	/* A second put replaces every field, NULLs included. */
	in.sf_etag = NULL;
	in.sf_url = "https://example.org/new";
	in.sf_errors = 0;
	assert_int_equal(store_feed_put(st, "lapresse", &in, err,
	    sizeof(err)), 0);
	assert_int_equal(store_feed_get(st, "lapresse", &out, err,
	    sizeof(err)), 1);
	assert_null(out.sf_etag);
	assert_string_equal(out.sf_url, "https://example.org/new");
	assert_int_equal(out.sf_errors, 0);
	store_feed_clear(&out);

	assert_int_equal(store_item_seen(st, "lapresse", "guid-1"), 1);
	assert_int_equal(store_item_seen(st, "cbc", "guid-1"), 0);
	assert_int_equal(store_delivery_count(st), 1);
	store_close(st);
}

struct each {
	char	names[128];
	int	stop_at;
	int	calls;
};

static int
each_cb(void *arg, const char *feed, const struct store_feed *sf)
{
	struct each	*e = arg;

	e->calls++;
	snprintf(e->names + strlen(e->names), sizeof(e->names) -
	    strlen(e->names), "%s=%d ", feed, sf->sf_errors);
	return e->calls == e->stop_at ? 7 : 0;
}

static void
test_feed_each(void **state)
{
	struct tdir		*t = *state;
	struct store		*st;
	struct store_feed	 sf;
	struct each		 e;
	char			 err[256] = "";

	st = open_ok(t->td_state, 0);
	memset(&sf, 0, sizeof(sf));
	sf.sf_errors = 2;
	assert_int_equal(store_feed_put(st, "zeta", &sf, err, sizeof(err)), 0);
	sf.sf_errors = 0;
	assert_int_equal(store_feed_put(st, "alpha", &sf, err, sizeof(err)),
	    0);
	memset(&e, 0, sizeof(e));
	assert_int_equal(store_feed_each(st, each_cb, &e, err, sizeof(err)),
	    0);
	assert_string_equal(e.names, "alpha=0 zeta=2 ");
	memset(&e, 0, sizeof(e));
	e.stop_at = 1;
	assert_int_equal(store_feed_each(st, each_cb, &e, err, sizeof(err)),
	    7);
	assert_int_equal(e.calls, 1);
	/* The walk stopped cleanly: the statement is usable again. */
	memset(&e, 0, sizeof(e));
	assert_int_equal(store_feed_each(st, each_cb, &e, err, sizeof(err)),
	    0);
	assert_int_equal(e.calls, 2);
	store_close(st);
}

static void
test_items(void **state)
{
	struct tdir	*t = *state;
	struct store	*st;
	char		 err[256] = "";

	st = open_ok(t->td_state, 0);
	assert_int_equal(store_item_seen(st, "f", "k"), 0);
	assert_int_equal(store_begin(st, err, sizeof(err)), 0);
	item_add_ok(st, "f", "k", 1);
	item_add_ok(st, "f", "k", 0);
	item_add_ok(st, "g", "k", 1);
	assert_int_equal(store_commit(st, err, sizeof(err)), 0);
	assert_int_equal(store_item_seen(st, "f", "k"), 1);
	assert_int_equal(store_item_seen(st, "g", "k"), 1);
	assert_int_equal(store_item_seen(st, "f", "K"), 0);
	assert_int_equal(sql_int(t->td_db, "SELECT first_seen FROM item"
	    " WHERE feed = 'f'"), 1000);
	store_close(st);
}

static void
test_rollback(void **state)
{
	struct tdir	*t = *state;
	struct store	*st;
	char		 err[256] = "";

	st = open_ok(t->td_state, 0);
	assert_int_equal(store_begin(st, err, sizeof(err)), 0);
	item_add_ok(st, "f", "k1", 1);
	assert_int_equal(store_story_claim(st, "baltic", "l1", "t1", 100, err,
	    sizeof(err)), 1);
	alert_add_ok(st, "a1", 100, 1, "ops", "syslog");
	store_rollback(st);
	assert_int_equal(store_item_seen(st, "f", "k1"), 0);
	assert_int_equal(store_delivery_count(st), 0);
	/* Nothing outside a transaction: a no-op, not an error. */
	store_rollback(st);

	assert_int_equal(store_begin(st, err, sizeof(err)), 0);
	/* The rolled-back claim is gone too. */
	assert_int_equal(store_story_claim(st, "baltic", "l1", "t1", 100, err,
	    sizeof(err)), 1);
	item_add_ok(st, "f", "k1", 1);
	alert_add_ok(st, "a1", 100, 1, "ops", "syslog");
	assert_int_equal(store_commit(st, err, sizeof(err)), 0);
	store_close(st);

	st = open_ok(t->td_state, 0);
	assert_int_equal(store_item_seen(st, "f", "k1"), 1);
	assert_int_equal(store_delivery_count(st), 2);
	/* A commit with no transaction fails and says why. */
	err[0] = '\0';
	assert_int_equal(store_commit(st, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "commit"));
	store_close(st);
}

static void
test_busy(void **state)
{
	struct tdir	*t = *state;
	struct store	*st;
	sqlite3		*h;
	char		 err[256] = "";

	st = open_ok(t->td_state, 0);
	assert_int_equal(sqlite3_open(t->td_db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	    SQLITE_OK);
	/* After busy_timeout: an error, not a hang and not a crash. */
	assert_int_equal(store_begin(st, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "locked"));
	/* Reads go on under WAL while another connection writes. */
	assert_int_equal(store_item_seen(st, "f", "k"), 0);
	assert_int_equal(store_delivery_count(st), 0);
	sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(h);
	assert_int_equal(store_begin(st, err, sizeof(err)), 0);
	assert_int_equal(store_commit(st, err, sizeof(err)), 0);
	store_close(st);
}

static int
claim(struct store *st, const char *wl, const char *link, const char *title,
    int64_t now)
{
	char	err[256] = "";
	int	r;

	if ((r = store_story_claim(st, wl, link, title, now, err,
	    sizeof(err))) == -1)
		fail_msg("store_story_claim: %s", err);
	return r;
}

static void
test_story(void **state)
{
	struct tdir	*t = *state;
	struct store	*st;
	int64_t		 t0 = 1700000000;

	st = open_ok(t->td_state, 0);
	assert_int_equal(claim(st, "baltic", "ex.org/a", "latvia hopes",
	    t0), 1);
	/* The same link: a duplicate whatever the title, for ever. */
	assert_int_equal(claim(st, "baltic", "ex.org/a", "other", t0 + 1), 0);
	assert_int_equal(claim(st, "baltic", "ex.org/a", NULL, t0 + 400 * DAY),
	    0);
	/* Another watchlist has its own claims. */
	assert_int_equal(claim(st, "arctic", "ex.org/a", "latvia hopes", t0),
	    1);
	/* The same title, another link, within a day: a duplicate. */
	assert_int_equal(claim(st, "baltic", "cbc.ca/b", "latvia hopes",
	    t0 + DAY - 1), 0);
	/* The duplicate claimed nothing: its link is still free. */
	assert_int_equal(claim(st, "baltic", "cbc.ca/b", "fresh title",
	    t0 + 10), 1);
	/* A day later the title is free again, and claimed anew. */
	assert_int_equal(claim(st, "baltic", "cbc.ca/c", "latvia hopes",
	    t0 + DAY), 1);
	assert_int_equal(claim(st, "baltic", "cbc.ca/d", "latvia hopes",
	    t0 + DAY + 100), 0);
	assert_int_equal(claim(st, "baltic", NULL, "latvia hopes",
	    t0 + 2 * DAY + 1), 1);
	/* No keys at all: nothing to compare, never a duplicate. */
	assert_int_equal(claim(st, "baltic", NULL, NULL, t0), 1);
	assert_int_equal(claim(st, "baltic", "", "", t0), 1);
	assert_int_equal(claim(st, "baltic", "", "t only", t0), 1);
	assert_int_equal(claim(st, "baltic", NULL, "t only", t0 + 5), 0);
	assert_int_equal(claim(st, "baltic", "l only", "", t0), 1);
	assert_int_equal(claim(st, "baltic", "l only", NULL, t0 + 5), 0);
	assert_int_equal(sql_int(t->td_db, "SELECT count(*) FROM story"
	    " WHERE key = ''"), 0);
	store_close(st);
}

static void
test_alert_idempotent(void **state)
{
	struct tdir		*t = *state;
	struct store		*st;
	struct store_delivery	 d;
	char			 err[256] = "";

	st = open_ok(t->td_state, 0);
	alert_add_ok(st, "a1", 100, 1, "ops", "syslog");
	assert_int_equal(store_delivery_count(st), 2);
	assert_int_equal(store_delivery_head(st, "ops", 0, &d, err,
	    sizeof(err)), 1);
	assert_int_equal(store_delivery_retry(st, d.sd_rowid, 5000, "503",
	    err, sizeof(err)), 0);
	store_delivery_clear(&d);
	/* Queued again: kept as it is, its backoff included. */
	alert_add_ok(st, "a1", 200, 0, "ops", "syslog");
	alert_add_ok(st, "a1", 300, 0, "other", NULL);
	assert_int_equal(store_delivery_count(st), 2);
	assert_int_equal(sql_int(t->td_db, "SELECT count(*) FROM alert"), 1);
	assert_int_equal(sql_int(t->td_db, "SELECT max(attempts) FROM"
	    " delivery"), 1);
	assert_int_equal(sql_int(t->td_db, "SELECT max(next_try) FROM"
	    " delivery"), 5000);
	store_close(st);
}

/* The sinks with live deliveries, as one string "a,b,". */
static void
assert_sinks(struct store *st, const char *want)
{
	struct sbuf	  sb;
	char		**v, err[256] = "";
	size_t		  n, i;

	assert_int_equal(store_delivery_sinks(st, &v, &n, err, sizeof(err)), 0);
	sbuf_init(&sb);
	for (i = 0; i < n; i++) {
		sbuf_adds(&sb, v[i]);
		sbuf_addc(&sb, ',');
		free(v[i]);
	}
	free(v);
	assert_string_equal(sb.sb_buf, want);
	sbuf_free(&sb);
}

static void
test_delivery(void **state)
{
	struct tdir		*t = *state;
	struct store		*st;
	struct store_delivery	 d;
	int64_t			 r1, r2, r3;
	char			 err[256] = "";

	st = open_ok(t->td_state, 0);
	assert_sinks(st, "");
	assert_int_equal(store_delivery_head(st, "ops", 0, &d, err,
	    sizeof(err)), 0);

	alert_add_ok(st, "a1", 100, 1, "ops", "syslog");
	alert_add_ok(st, "a2", 200, 1, "ops", NULL);
	assert_int_equal(store_delivery_count(st), 3);
	assert_int_equal(store_delivery_next(st), 100);
	assert_sinks(st, "ops,syslog,");

	/* Each sink's oldest, with all it needs to be sent. */
	assert_int_equal(store_delivery_head(st, "ops", 0, &d, err,
	    sizeof(err)), 1);
	assert_string_equal(d.sd_alert_id, "a1");
	assert_string_equal(d.sd_sink, "ops");
	assert_string_equal(d.sd_watchlist, "baltic");
	assert_string_equal(d.sd_json, "{\"id\":\"a1\"}");
	assert_int_equal(d.sd_attempts, 0);
	assert_int_equal(d.sd_created, 100);
	assert_int_equal(d.sd_next_try, 100);
	r1 = d.sd_rowid;
	store_delivery_clear(&d);
	assert_int_equal(store_delivery_head(st, "syslog", 0, &d, err,
	    sizeof(err)), 1);
	assert_string_equal(d.sd_alert_id, "a1");
	assert_string_equal(d.sd_sink, "syslog");
	r2 = d.sd_rowid;
	store_delivery_clear(&d);
	/* Past a rowid: the next of that sink, then none. */
	assert_int_equal(store_delivery_head(st, "ops", r1, &d, err,
	    sizeof(err)), 1);
	assert_string_equal(d.sd_alert_id, "a2");
	r3 = d.sd_rowid;
	store_delivery_clear(&d);
	assert_true(r1 < r2 && r2 < r3);
	assert_int_equal(store_delivery_head(st, "ops", r3, &d, err,
	    sizeof(err)), 0);
	assert_int_equal(store_delivery_head(st, "nosuch", 0, &d, err,
	    sizeof(err)), 0);

	/* A retry: later, counted, with its reason; still the head. */
	assert_int_equal(store_delivery_retry(st, r1, 1000, "http: 503", err,
	    sizeof(err)), 0);
	assert_int_equal(store_delivery_head(st, "ops", 0, &d, err,
	    sizeof(err)), 1);
	assert_int_equal(d.sd_rowid, r1);
	assert_int_equal(d.sd_attempts, 1);
	assert_int_equal(d.sd_next_try, 1000);
	store_delivery_clear(&d);
	assert_int_equal(sql_int(t->td_db, "SELECT last_error = 'http: 503'"
	    " FROM delivery WHERE attempts = 1"), 1);
	assert_int_equal(store_delivery_next(st), 100);

	/* Accepted: it leaves the queue; the alert goes with its last one. */
	assert_int_equal(store_delivery_done(st, r2, err, sizeof(err)), 0);
	assert_int_equal(store_delivery_count(st), 2);
	assert_sinks(st, "ops,");
	assert_int_equal(store_delivery_next(st), 200);
	assert_int_equal(sql_int(t->td_db, "SELECT count(*) FROM alert"), 2);
	assert_int_equal(store_delivery_done(st, r3, err, sizeof(err)), 0);
	assert_int_equal(sql_int(t->td_db, "SELECT count(*) FROM alert"), 1);
	assert_int_equal(store_delivery_next(st), 1000);
	/* Done twice (a late answer): nothing left to do, no error. */
	assert_int_equal(store_delivery_done(st, r3, err, sizeof(err)), 0);
	assert_int_equal(store_delivery_count(st), 1);
	store_close(st);
}

static void
test_expire(void **state)
{
	struct tdir		*t = *state;
	struct store		*st;
	struct store_delivery	 d;
	char			 err[256] = "";

	st = open_ok(t->td_state, 0);
	alert_add_ok(st, "old", 100, 1, "ops", "syslog");
	alert_add_ok(st, "new", 500, 1, "ops", NULL);
	assert_int_equal(store_delivery_dead(st), 0);
	assert_int_equal(store_delivery_expire(st, 100, err, sizeof(err)), 0);
	assert_int_equal(store_delivery_expire(st, 400, err, sizeof(err)), 2);
	/* Already dead: not counted again. */
	assert_int_equal(store_delivery_expire(st, 400, err, sizeof(err)), 0);
	assert_int_equal(store_delivery_count(st), 1);
	assert_int_equal(store_delivery_dead(st), 2);
	assert_int_equal(store_delivery_next(st), 500);
	/* Dead ones are never a head, nor their sink listed for them. */
	assert_sinks(st, "ops,");
	assert_int_equal(store_delivery_head(st, "ops", 0, &d, err,
	    sizeof(err)), 1);
	assert_string_equal(d.sd_alert_id, "new");
	store_delivery_clear(&d);
	assert_int_equal(store_delivery_head(st, "syslog", 0, &d, err,
	    sizeof(err)), 0);
	/* Dead ones are kept, with their alert. */
	assert_int_equal(sql_int(t->td_db, "SELECT count(*) FROM alert"
	    " WHERE id = 'old'"), 1);
	assert_int_equal(store_delivery_expire(st, 1000, err, sizeof(err)), 1);
	assert_int_equal(store_delivery_next(st), -1);
	assert_int_equal(store_delivery_count(st), 0);
	assert_int_equal(store_delivery_dead(st), 3);
	store_close(st);
}

/* The whole state directory, as it would be listed and read. */
struct snap {
	char	*sn_db;
	size_t	 sn_len;
	struct stat sn_sb;
	int	 sn_wal, sn_shm;
};

static void
snap_take(struct tdir *t, struct snap *s)
{
	char	*p;

	s->sn_db = slurp(t->td_db, &s->sn_len);
	assert_int_equal(stat(t->td_db, &s->sn_sb), 0);
	p = xasprintf("%s-wal", t->td_db);
	s->sn_wal = exists(p);
	free(p);
	p = xasprintf("%s-shm", t->td_db);
	s->sn_shm = exists(p);
	free(p);
}

static void
snap_same(struct tdir *t, struct snap *a)
{
	struct snap	b;

	snap_take(t, &b);
	assert_int_equal(a->sn_len, b.sn_len);
	assert_memory_equal(a->sn_db, b.sn_db, a->sn_len);
	assert_int_equal(a->sn_sb.st_mtim.tv_sec, b.sn_sb.st_mtim.tv_sec);
	assert_int_equal(a->sn_sb.st_mtim.tv_nsec, b.sn_sb.st_mtim.tv_nsec);
	assert_int_equal(a->sn_wal, b.sn_wal);
	assert_int_equal(a->sn_shm, b.sn_shm);
	free(b.sn_db);
}

/* What a poll and a delivery pass do, on st. */
static void
dry_work(struct store *st)
{
	struct store_feed	 sf;
	struct store_delivery	 d;
	char			 err[256] = "";

	memset(&sf, 0, sizeof(sf));
	sf.sf_etag = "dry";
	assert_int_equal(store_begin(st, err, sizeof(err)), 0);
	item_add_ok(st, "f", "dry-item", 1);
	assert_int_equal(claim(st, "baltic", "dry/link", "dry title", 100), 1);
	alert_add_ok(st, "dry-alert", 100, 1, "ops", NULL);
	assert_int_equal(store_feed_put(st, "f", &sf, err, sizeof(err)), 0);
	assert_int_equal(store_commit(st, err, sizeof(err)), 0);
	/* Within the run it behaves as a real store. */
	assert_int_equal(store_item_seen(st, "f", "dry-item"), 1);
	assert_int_equal(claim(st, "baltic", "dry/link", NULL, 200), 0);
	while (store_delivery_head(st, "ops", 0, &d, err, sizeof(err)) == 1) {
		assert_int_equal(store_delivery_done(st, d.sd_rowid, err,
		    sizeof(err)), 0);
		store_delivery_clear(&d);
	}
	assert_int_equal(store_delivery_count(st), 0);
	assert_true(store_delivery_expire(st, 1000, err, sizeof(err)) >= 0);
	assert_int_equal(store_check(st, err, sizeof(err)), 0);
}

static void
test_dry_existing(void **state)
{
	struct tdir	*t = *state;
	struct store	*st;
	struct snap	 before;

	st = open_ok(t->td_state, 0);
	item_add_ok(st, "f", "real-item", 1);
	alert_add_ok(st, "real-alert", 50, 1, "ops", NULL);
	store_close(st);
	snap_take(t, &before);
	/* A clean close checkpointed the WAL away. */
	assert_false(before.sn_wal);
	assert_false(before.sn_shm);

	st = open_ok(t->td_state, 1);
	/* The dry store sees the real state. */
	assert_int_equal(store_item_seen(st, "f", "real-item"), 1);
	assert_int_equal(store_delivery_count(st), 1);
	dry_work(st);
	store_close(st);
	snap_same(t, &before);
	free(before.sn_db);

	st = open_ok(t->td_state, 0);
	assert_int_equal(store_item_seen(st, "f", "dry-item"), 0);
	assert_int_equal(store_item_seen(st, "f", "real-item"), 1);
	assert_int_equal(store_delivery_count(st), 1);
	store_close(st);
}

/* A daemon running beside the dry run: its WAL is read, nothing written. */
static void
test_dry_beside_daemon(void **state)
{
	struct tdir	*t = *state;
	struct store	*live, *st;
	struct snap	 before;

	live = open_ok(t->td_state, 0);
	item_add_ok(live, "f", "in-wal", 1);
	snap_take(t, &before);
	assert_true(before.sn_wal);
	st = open_ok(t->td_state, 1);
	assert_int_equal(store_item_seen(st, "f", "in-wal"), 1);
	dry_work(st);
	store_close(st);
	snap_same(t, &before);
	free(before.sn_db);
	assert_int_equal(store_item_seen(live, "f", "dry-item"), 0);
	store_close(live);
}

static void
test_dry_nothing(void **state)
{
	struct tdir	*t = *state;
	struct store	*st;

	/* No directory: none is made. */
	st = open_ok(t->td_state, 1);
	assert_int_equal(store_item_seen(st, "f", "k"), 0);
	dry_work(st);
	store_close(st);
	assert_false(exists(t->td_state));

	/* A directory without a database: no file is made. */
	assert_int_equal(mkdir(t->td_state, 0700), 0);
	st = open_ok(t->td_state, 1);
	dry_work(st);
	store_close(st);
	assert_false(exists(t->td_db));
}

static void
write_file(const char *path, const char *data, size_t len, off_t at)
{
	int	fd;

	assert_true((fd = open(path, O_WRONLY | O_CREAT, 0600)) != -1);
	assert_int_equal(pwrite(fd, data, len, at), (ssize_t)len);
	close(fd);
}

static void
test_corrupt_garbage(void **state)
{
	struct tdir	*t = *state;
	char		 junk[8192], *after;
	size_t		 i, len;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (char)("garbage!"[i % 8] ^ (i & 0x55));
	assert_int_equal(mkdir(t->td_state, 0700), 0);
	write_file(t->td_db, junk, sizeof(junk), 0);
	open_refused(t->td_state, 0, "refusing");
	open_refused(t->td_state, 1, "refusing");
	/* Never replaced, never touched. */
	after = slurp(t->td_db, &len);
	assert_int_equal(len, sizeof(junk));
	assert_memory_equal(after, junk, len);
	free(after);
}

static void
test_corrupt_pages(void **state)
{
	struct tdir	*t = *state;
	struct store	*st;
	char		 key[32], junk[4096];
	int		 i;

	st = open_ok(t->td_state, 0);
	assert_int_equal(store_begin(st, NULL, 0), 0);
	for (i = 0; i < 2000; i++) {
		snprintf(key, sizeof(key), "https://ex.org/item/%d", i);
		item_add_ok(st, "f", key, 1);
	}
	assert_int_equal(store_commit(st, NULL, 0), 0);
	store_close(st);
	/* The header stays valid; b-tree pages in the middle do not. */
	memset(junk, 0x5a, sizeof(junk));
	write_file(t->td_db, junk, sizeof(junk), 3 * 4096);
	write_file(t->td_db, junk, sizeof(junk), 8 * 4096);
	open_refused(t->td_state, 0, "corrupt");
	open_refused(t->td_state, 1, "refusing");
}

static void
test_newer_schema(void **state)
{
	struct tdir	*t = *state;

	store_close(open_ok(t->td_state, 0));
	sql_exec(t->td_db, "PRAGMA user_version = 99");
	open_refused(t->td_state, 0, "newer");
	open_refused(t->td_state, 1, "newer");
	/* Refused, not downgraded. */
	assert_int_equal(sql_int(t->td_db, "PRAGMA user_version"), 99);
}

/* A version-0 database with the tables half made is brought forward. */
static void
test_migrate_partial(void **state)
{
	struct tdir	*t = *state;
	struct store	*st;

	assert_int_equal(mkdir(t->td_state, 0700), 0);
	sql_exec(t->td_db, "CREATE TABLE item (feed TEXT NOT NULL, key TEXT"
	    " NOT NULL, first_seen INTEGER NOT NULL, PRIMARY KEY (feed, key))"
	    " WITHOUT ROWID; INSERT INTO item VALUES ('f', 'k', 1)");
	st = open_ok(t->td_state, 0);
	assert_int_equal(store_item_seen(st, "f", "k"), 1);
	alert_add_ok(st, "a", 1, 1, "ops", NULL);
	store_close(st);
	assert_int_equal(sql_int(t->td_db, "PRAGMA user_version"), 2);
}

/* A database of version 1 (the first release) gets step 2, data kept. */
static void
test_migrate_v1(void **state)
{
	struct tdir		*t = *state;
	struct store		*st;
	struct store_delivery	 d;
	char			 err[256] = "";

	st = open_ok(t->td_state, 0);
	alert_add_ok(st, "a", 1, 1, "ops", NULL);
	store_close(st);
	sql_exec(t->td_db, "DROP INDEX delivery_sink; PRAGMA user_version = 1");
	st = open_ok(t->td_state, 0);
	assert_int_equal(store_delivery_head(st, "ops", 0, &d, err,
	    sizeof(err)), 1);
	assert_string_equal(d.sd_alert_id, "a");
	store_delivery_clear(&d);
	store_close(st);
	assert_int_equal(sql_int(t->td_db, "PRAGMA user_version"), 2);
	assert_int_equal(sql_int(t->td_db, "SELECT count(*) FROM sqlite_master"
	    " WHERE type = 'index' AND name = 'delivery_sink'"), 1);
}

static void
test_bad_dir(void **state)
{
	struct tdir	*t = *state;
	char		*p;

	/* A file where the directory should be. */
	write_file(t->td_state, "x", 1, 0);
	open_refused(t->td_state, 0, "not a directory");
	/* A missing parent is not made up. */
	p = xasprintf("%s/no/such", t->td_dir);
	open_refused(p, 0, "No such file");
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_open_creates),
		T(test_reopen_keeps),
		T(test_feed_each),
		T(test_items),
		T(test_rollback),
		T(test_busy),
		T(test_story),
		T(test_alert_idempotent),
		T(test_delivery),
		T(test_expire),
		T(test_dry_existing),
		T(test_dry_beside_daemon),
		T(test_dry_nothing),
		T(test_corrupt_garbage),
		T(test_corrupt_pages),
		T(test_newer_schema),
		T(test_migrate_partial),
		T(test_migrate_v1),
		T(test_bad_dir),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
