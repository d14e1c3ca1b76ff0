/*
 * store.c: the daemon's state in SQLite (the only file that speaks SQL).
 *
 * One database, DIR/newswatch.db, in WAL mode with synchronous=FULL: a
 * COMMIT that returned is on disk, and the outbox reads while a poll
 * writes.  Nothing here logs or exits; errors go back through the caller's
 * buffer with SQLite's own message.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_int.h"
#include "util.h"

#define STORE_FILE	"newswatch.db"
/*
 * Long enough to ride out a checkpoint or a dry run's copy, short enough
 * not to stall the one event loop (fetches, deliveries, /healthz) while
 * another process holds the lock: what fails is redone later.
 */
#define STORE_BUSY_MS	250
/* interface.md: "the same normalised title within a day". */
#define STORE_TITLE_TTL	86400

/*
 * The schema, one step per version: step i takes a database from
 * user_version i to i + 1.  Steps are only ever appended; a shipped step
 * never changes, so that every old database can be brought forward.
 */
static const char *const store_migrations[] = {
	/* 0 -> 1 */
	"CREATE TABLE IF NOT EXISTS feed ("
	"  name TEXT PRIMARY KEY NOT NULL,"
	"  url TEXT, conf_url TEXT, etag TEXT, last_modified TEXT,"
	"  body_hash TEXT,"
	"  next_poll INTEGER NOT NULL DEFAULT 0,"
	"  last_poll INTEGER NOT NULL DEFAULT 0,"
	"  last_ok INTEGER NOT NULL DEFAULT 0,"
	"  paused_until INTEGER NOT NULL DEFAULT 0,"
	"  errors INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT,"
	"  gone INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE IF NOT EXISTS item ("
	"  feed TEXT NOT NULL, key TEXT NOT NULL,"
	"  first_seen INTEGER NOT NULL,"
	"  PRIMARY KEY (feed, key)) WITHOUT ROWID;"
	/* kind 'l': a link, claimed forever; 't': a title, for a day. */
	"CREATE TABLE IF NOT EXISTS story ("
	"  watchlist TEXT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('l', 't')),"
	"  key TEXT NOT NULL, at INTEGER NOT NULL,"
	"  PRIMARY KEY (watchlist, kind, key)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS alert ("
	"  id TEXT PRIMARY KEY NOT NULL, watchlist TEXT NOT NULL,"
	"  json TEXT NOT NULL, created INTEGER NOT NULL);"
	/*
	 * AUTOINCREMENT: a rowid is never reused, so "oldest first" is
	 * ORDER BY id and a stale rowid held by the outbox can never name
	 * a newer delivery.
	 */
	"CREATE TABLE IF NOT EXISTS delivery ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  alert_id TEXT NOT NULL REFERENCES alert (id) ON DELETE CASCADE,"
	"  sink TEXT NOT NULL,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_try INTEGER NOT NULL, last_error TEXT,"
	"  dead INTEGER NOT NULL DEFAULT 0,"
	"  created INTEGER NOT NULL,"
	"  UNIQUE (alert_id, sink));"
	"CREATE INDEX IF NOT EXISTS delivery_due ON delivery (dead, next_try);"
	/*
	 * The alert's text is needed only while a delivery of it is queued
	 * (dead ones included); once every sink accepted it, it goes, so the
	 * database does not grow with every alert ever sent.  "Never twice"
	 * rests on the item table, not on this one.
	 */
	"CREATE TRIGGER IF NOT EXISTS delivery_gone AFTER DELETE ON delivery"
	"  WHEN NOT EXISTS (SELECT 1 FROM delivery"
	"    WHERE alert_id = OLD.alert_id)"
	"  BEGIN DELETE FROM alert WHERE id = OLD.alert_id; END;",
	/*
	 * 1 -> 2: each sink's oldest live delivery, and the sinks with
	 * any, found in O(log n): the outbox looks once per delivery, and a
	 * scan of the queue each time made a backlog of 30,000 alerts take
	 * minutes to drain.
	 */
	"CREATE INDEX IF NOT EXISTS delivery_sink ON delivery (dead, sink, id);",
};
#define STORE_VERSION	\
	((int)(sizeof(store_migrations) / sizeof(store_migrations[0])))

#define STORE_FEED_COLS							\
	"url, conf_url, etag, last_modified, body_hash, next_poll,"	\
	" last_poll, last_ok, paused_until, errors, last_error, gone"

static const char *const store_sql[S_MAX] = {
	[S_BEGIN] = "BEGIN IMMEDIATE",
	[S_BEGIN_READ] = "BEGIN DEFERRED",
	[S_COMMIT] = "COMMIT",
	[S_ROLLBACK] = "ROLLBACK",
	[S_SAVEPOINT] = "SAVEPOINT poll",
	[S_RELEASE] = "RELEASE poll",
	[S_ROLLBACK_TO] = "ROLLBACK TO poll",
	[S_FEED_GET] = "SELECT " STORE_FEED_COLS " FROM feed WHERE name = ?1",
	[S_FEED_PUT] = "INSERT INTO feed (name, " STORE_FEED_COLS ")"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
	    " ON CONFLICT (name) DO UPDATE SET url = excluded.url,"
	    " conf_url = excluded.conf_url, etag = excluded.etag,"
	    " last_modified = excluded.last_modified,"
	    " body_hash = excluded.body_hash, next_poll = excluded.next_poll,"
	    " last_poll = excluded.last_poll, last_ok = excluded.last_ok,"
	    " paused_until = excluded.paused_until, errors = excluded.errors,"
	    " last_error = excluded.last_error, gone = excluded.gone",
	[S_FEED_LIST] = "SELECT " STORE_FEED_COLS ", name FROM feed"
	    " ORDER BY name",
	[S_ITEM_SEEN] = "SELECT 1 FROM item WHERE feed = ?1 AND key = ?2",
	[S_ITEM_ADD] = "INSERT OR IGNORE INTO item (feed, key, first_seen)"
	    " VALUES (?1, ?2, ?3)",
	[S_STORY_GET] = "SELECT at FROM story"
	    " WHERE watchlist = ?1 AND kind = ?2 AND key = ?3",
	[S_STORY_PUT] = "INSERT INTO story (watchlist, kind, key, at)"
	    " VALUES (?1, ?2, ?3, ?4)"
	    " ON CONFLICT (watchlist, kind, key)"
	    " DO UPDATE SET at = excluded.at",
	[S_ALERT_ADD] = "INSERT OR IGNORE INTO alert (id, watchlist, json,"
	    " created) VALUES (?1, ?2, ?3, ?4)",
	[S_DELIVERY_ADD] = "INSERT OR IGNORE INTO delivery (alert_id, sink,"
	    " next_try, created) VALUES (?1, ?2, ?3, ?3)",
	[S_DELIVERY_HEAD] = "SELECT d.id, d.alert_id, a.watchlist, d.sink,"
	    " a.json, d.attempts, d.created, d.next_try"
	    " FROM delivery AS d JOIN alert AS a ON a.id = d.alert_id"
	    " WHERE d.dead = 0 AND d.sink = ?1 AND d.id > ?2"
	    " ORDER BY d.id LIMIT 1",
	/* A loose index scan: one look-up per sink, not one per row. */
	[S_DELIVERY_SINKS] = "WITH RECURSIVE s (sink) AS ("
	    " SELECT min(sink) FROM delivery WHERE dead = 0"
	    " UNION ALL SELECT (SELECT min(sink) FROM delivery"
	    "  WHERE dead = 0 AND sink > s.sink) FROM s"
	    " WHERE s.sink IS NOT NULL)"
	    " SELECT sink FROM s WHERE sink IS NOT NULL",
	[S_DELIVERY_DONE] = "DELETE FROM delivery WHERE id = ?1",
	[S_DELIVERY_RETRY] = "UPDATE delivery SET attempts = attempts + 1,"
	    " next_try = ?2, last_error = ?3 WHERE id = ?1",
	[S_DELIVERY_EXPIRE] = "UPDATE delivery SET dead = 1"
	    " WHERE dead = 0 AND created < ?1",
	[S_DELIVERY_NEXT] = "SELECT min(next_try) FROM delivery WHERE dead = 0",
	[S_DELIVERY_COUNT] = "SELECT count(*) FROM delivery WHERE dead = 0",
	[S_DELIVERY_DEAD] = "SELECT count(*) FROM delivery WHERE dead = 1",
	[S_QUEUE_LIST] = "SELECT sink, sum(dead = 0), sum(dead = 1),"
	    " min(CASE WHEN dead = 0 THEN created END)"
	    " FROM delivery GROUP BY sink ORDER BY sink",
};

int
store_fail(struct store *st, const char *what, char *err, size_t errlen)
{
	return util_err(err, errlen, "%s: %s: %s", st->st_path, what,
	    sqlite3_errmsg(st->st_db));
}

/* Ready for its next use, with no pointer into the caller's strings. */
void
store_done(sqlite3_stmt *s)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

/* Runs a statement that returns no row; -1 with err. */
int
store_run(struct store *st, enum store_stmt i, const char *what, char *err,
    size_t errlen)
{
	sqlite3_stmt	*s = st->st_stmt[i];
	int		 rc;

	rc = sqlite3_step(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		/* The message first: reset may replace it. */
		store_fail(st, what, err, errlen);
		store_done(s);
		return -1;
	}
	store_done(s);
	return 0;
}

/* One integer from a one-row statement; -1 on error (never logged). */
int64_t
store_int(struct store *st, enum store_stmt i, int64_t ifnull)
{
	sqlite3_stmt	*s = st->st_stmt[i];
	int64_t		 v = -1;

	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_type(s, 0) == SQLITE_NULL ? ifnull :
		    sqlite3_column_int64(s, 0);
	store_done(s);
	return v;
}

char *
store_col_str(sqlite3_stmt *s, int col)
{
	const unsigned char	*v;

	if ((v = sqlite3_column_text(s, col)) == NULL)
		return NULL;
	return xstrdup((const char *)v);
}

/* PRAGMA and schema text run once, outside the prepared set. */
static int
store_exec(struct store *st, const char *sql, char *err, size_t errlen)
{
	char	*msg = NULL;

	if (sqlite3_exec(st->st_db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		util_err(err, errlen, "%s: %s", st->st_path,
		    msg != NULL ? msg : sqlite3_errmsg(st->st_db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* The first column of a one-row PRAGMA, as text, into buf. */
static int
store_pragma(sqlite3 *db, const char *sql, char *buf, size_t len)
{
	sqlite3_stmt		*s;
	const unsigned char	*v;
	int			 rc;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return sqlite3_errcode(db);
	buf[0] = '\0';
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((v = sqlite3_column_text(s, 0)) != NULL)
			util_strlcpy(buf, (const char *)v, len);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE)
		rc = SQLITE_OK;
	sqlite3_finalize(s);
	return rc;
}

/*
 * A damaged file is refused, never repaired or replaced: it holds the
 * only record of what was alerted and what is still queued, and the
 * operator decides what to do with it.
 */
static int
store_verify(struct store *st, sqlite3 *db, char *err, size_t errlen)
{
	char	res[256], *p;
	int	rc;

	/* quick_check: O(size) but skips the index cross-check. */
	if ((rc = store_pragma(db, "PRAGMA quick_check(1)", res,
	    sizeof(res))) != SQLITE_OK)
		return util_err(err, errlen, "%s: %s; refusing to use it "
		    "(move it aside to start afresh)", st->st_path,
		    sqlite3_errmsg(db));
	/* The report spans lines; the caller logs one. */
	for (p = res; (p = strchr(p, '\n')) != NULL; )
		*p = ' ';
	if (strcmp(res, "ok") != 0)
		return util_err(err, errlen, "%s: database is corrupt (%s); "
		    "refusing to use it (move it aside to start afresh)",
		    st->st_path, res);
	return 0;
}

/* Brings the schema to STORE_VERSION in one transaction. */
static int
store_migrate(struct store *st, char *err, size_t errlen)
{
	char	 buf[32];
	int	 v, i;

	if (store_exec(st, "BEGIN IMMEDIATE", err, errlen) == -1)
		return -1;
	if (store_pragma(st->st_db, "PRAGMA user_version", buf,
	    sizeof(buf)) != SQLITE_OK) {
		store_fail(st, "user_version", err, errlen);
		goto fail;
	}
	v = atoi(buf);
	if (v > STORE_VERSION) {
		/* A newer daemon's file: an older one must not write to it. */
		util_err(err, errlen, "%s: schema version %d is newer than "
		    "this newswatchd knows (%d); refusing to open it",
		    st->st_path, v, STORE_VERSION);
		goto fail;
	}
	for (i = v; i < STORE_VERSION; i++)
		if (store_exec(st, store_migrations[i], err, errlen) == -1)
			goto fail;
	if (v != STORE_VERSION) {
		snprintf(buf, sizeof(buf), "PRAGMA user_version = %d",
		    STORE_VERSION);
		if (store_exec(st, buf, err, errlen) == -1)
			goto fail;
	}
	if (store_exec(st, "COMMIT", err, errlen) == -1)
		goto fail;
	return 0;
fail:
	if (!sqlite3_get_autocommit(st->st_db))
		sqlite3_exec(st->st_db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/*
 * An SQLite URI for path: percent-encoded, so that a '?', '#' or '%' in
 * the state directory cannot be read as a query or an escape.
 */
static char *
store_uri(const char *path, const char *query)
{
	struct sbuf		 sb;
	const unsigned char	*p;

	sbuf_init(&sb);
	/* An empty authority, so that "//x" stays a path, not a host. */
	sbuf_adds(&sb, path[0] == '/' ? "file://" : "file:");
	for (p = (const unsigned char *)path; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/._-~", *p) != NULL)
			sbuf_addc(&sb, (char)*p);
		else
			sbuf_printf(&sb, "%%%02X", *p);
	}
	sbuf_printf(&sb, "?%s", query);
	return sb.sb_buf;
}

/*
 * Dry run on an existing database: a private copy in memory, so that the
 * run behaves exactly like a real one (stories claimed by one feed are
 * duplicates in the next) while the file, its lock and its -wal/-shm are
 * never touched.  A read-only connection would create -wal and -shm, so
 * when there is no -wal (no daemon running, nothing left to checkpoint)
 * the file is read as immutable; with one, a plain read-only connection
 * reads the WAL too.
 */
static int
store_open_copy(struct store *st, const char *path, char *err,
    size_t errlen)
{
	struct stat	 sb;
	sqlite3		*src = NULL;
	sqlite3_backup	*bk;
	char		*wal, *uri;
	int		 rc, immutable;

	wal = xasprintf("%s-wal", path);
	immutable = stat(wal, &sb) == -1 && errno == ENOENT;
	free(wal);
	uri = store_uri(path, immutable ? "immutable=1" : "mode=ro");
	rc = sqlite3_open_v2(uri, &src, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
	    NULL);
	free(uri);
	if (rc != SQLITE_OK) {
		util_err(err, errlen, "%s: %s", path, src != NULL ?
		    sqlite3_errmsg(src) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_busy_timeout(src, STORE_BUSY_MS);
	if (store_verify(st, src, err, errlen) == -1)
		goto fail;
	if ((bk = sqlite3_backup_init(st->st_db, "main", src, "main")) ==
	    NULL) {
		store_fail(st, "copy", err, errlen);
		goto fail;
	}
	rc = sqlite3_backup_step(bk, -1);
	sqlite3_backup_finish(bk);
	if (rc != SQLITE_DONE) {
		util_err(err, errlen, "%s: copy: %s", path, sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_close(src);
	return 0;
fail:
	sqlite3_close(src);
	return -1;
}

static int
store_open_file(struct store *st, const char *dir, char *err, size_t errlen)
{
	struct stat	 sb;
	char		 mode[16];

	/* 0700: the queue holds alert texts and webhook failures. */
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return util_err(err, errlen, "%s: %s", dir, strerror(errno));
	if (stat(dir, &sb) == -1)
		return util_err(err, errlen, "%s: %s", dir, strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return util_err(err, errlen, "%s: not a directory", dir);
	if (sqlite3_open_v2(st->st_path, &st->st_db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		return store_fail(st, "open", err, errlen);
	sqlite3_busy_timeout(st->st_db, STORE_BUSY_MS);
	if (store_verify(st, st->st_db, err, errlen) == -1)
		return -1;
	/*
	 * WAL: the outbox reads while a poll writes, and a commit is one
	 * append.  synchronous=FULL: WAL's default (NORMAL) may lose the
	 * last commits on power loss, and a lost commit is a lost alert.
	 */
	if (store_pragma(st->st_db, "PRAGMA journal_mode = WAL", mode,
	    sizeof(mode)) != SQLITE_OK)
		return store_fail(st, "journal_mode", err, errlen);
	if (strcmp(mode, "wal") != 0)
		return util_err(err, errlen, "%s: cannot use WAL (journal "
		    "mode stays %s); a network file system?", st->st_path,
		    mode);
	return store_exec(st, "PRAGMA synchronous = FULL", err, errlen);
}

struct store *
store_open(const char *dir, int dry, char *err, size_t errlen)
{
	struct store	*st;
	struct stat	 sb;
	int		 i, copy = 0;

	st = xcalloc(1, sizeof(*st));
	st->st_dry = dry;
	st->st_path = xasprintf("%s/%s", dir, STORE_FILE);
	if (dry) {
		if (stat(st->st_path, &sb) == 0)
			copy = 1;
		else if (errno != ENOENT) {
			util_err(err, errlen, "%s: %s", st->st_path,
			    strerror(errno));
			goto fail;
		}
		/* Nothing yet: an empty database that dies with us. */
		if (sqlite3_open_v2(":memory:", &st->st_db,
		    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
		    SQLITE_OK) {
			store_fail(st, "open", err, errlen);
			goto fail;
		}
		if (copy && store_open_copy(st, st->st_path, err,
		    errlen) == -1)
			goto fail;
	} else if (store_open_file(st, dir, err, errlen) == -1)
		goto fail;
	if (store_exec(st, "PRAGMA foreign_keys = ON", err, errlen) == -1 ||
	    store_migrate(st, err, errlen) == -1)
		goto fail;
	for (i = 0; i < S_MAX; i++)
		if (sqlite3_prepare_v3(st->st_db, store_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &st->st_stmt[i], NULL) !=
		    SQLITE_OK) {
			store_fail(st, "prepare", err, errlen);
			goto fail;
		}
	return st;
fail:
	store_close(st);
	return NULL;
}

void
store_close(struct store *st)
{
	int	i;

	if (st == NULL)
		return;
	for (i = 0; i < S_MAX; i++)
		sqlite3_finalize(st->st_stmt[i]);
	/* An open transaction is rolled back: it was never committed. */
	sqlite3_close(st->st_db);
	free(st->st_path);
	free(st);
}

int
store_check(struct store *st, char *err, size_t errlen)
{
	char	v[16];

	if (st->st_dry)
		return 0;
	if (store_pragma(st->st_db, "PRAGMA journal_mode", v,
	    sizeof(v)) != SQLITE_OK)
		return store_fail(st, "journal_mode", err, errlen);
	if (strcmp(v, "wal") != 0)
		return util_err(err, errlen, "%s: journal mode is %s, not wal",
		    st->st_path, v);
	if (store_pragma(st->st_db, "PRAGMA synchronous", v,
	    sizeof(v)) != SQLITE_OK)
		return store_fail(st, "synchronous", err, errlen);
	/* 2 is FULL (3 EXTRA would do too). */
	if (atoi(v) < 2)
		return util_err(err, errlen, "%s: synchronous is %s, not FULL",
		    st->st_path, v);
	if (store_pragma(st->st_db, "PRAGMA foreign_keys", v,
	    sizeof(v)) != SQLITE_OK)
		return store_fail(st, "foreign_keys", err, errlen);
	if (atoi(v) != 1)
		return util_err(err, errlen, "%s: foreign keys are off",
		    st->st_path);
	return 0;
}

/* ------------------------------------------------------------ feeds */

static void
store_feed_fill(sqlite3_stmt *s, struct store_feed *out)
{
	memset(out, 0, sizeof(*out));
	out->sf_url = store_col_str(s, 0);
	out->sf_conf_url = store_col_str(s, 1);
	out->sf_etag = store_col_str(s, 2);
	out->sf_last_modified = store_col_str(s, 3);
	out->sf_body_hash = store_col_str(s, 4);
	out->sf_next_poll = sqlite3_column_int64(s, 5);
	out->sf_last_poll = sqlite3_column_int64(s, 6);
	out->sf_last_ok = sqlite3_column_int64(s, 7);
	out->sf_paused_until = sqlite3_column_int64(s, 8);
	out->sf_errors = sqlite3_column_int(s, 9);
	out->sf_last_error = store_col_str(s, 10);
	out->sf_gone = sqlite3_column_int(s, 11);
}

int
store_feed_get(struct store *st, const char *feed, struct store_feed *out,
    char *err, size_t errlen)
{
	sqlite3_stmt	*s = st->st_stmt[S_FEED_GET];
	int		 rc;

	memset(out, 0, sizeof(*out));
	sqlite3_bind_text(s, 1, feed, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		store_feed_fill(s, out);
		rc = 1;
	} else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = store_fail(st, "feed get", err, errlen);
	store_done(s);
	return rc;
}

void
store_feed_clear(struct store_feed *sf)
{
	if (sf == NULL)
		return;
	free(sf->sf_url);
	free(sf->sf_conf_url);
	free(sf->sf_etag);
	free(sf->sf_last_modified);
	free(sf->sf_body_hash);
	free(sf->sf_last_error);
	memset(sf, 0, sizeof(*sf));
}

int
store_feed_put(struct store *st, const char *feed,
    const struct store_feed *sf, char *err, size_t errlen)
{
	sqlite3_stmt	*s = st->st_stmt[S_FEED_PUT];

	/* A NULL pointer binds SQL NULL. */
	sqlite3_bind_text(s, 1, feed, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, sf->sf_url, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, sf->sf_conf_url, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, sf->sf_etag, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, sf->sf_last_modified, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, sf->sf_body_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 7, sf->sf_next_poll);
	sqlite3_bind_int64(s, 8, sf->sf_last_poll);
	sqlite3_bind_int64(s, 9, sf->sf_last_ok);
	sqlite3_bind_int64(s, 10, sf->sf_paused_until);
	sqlite3_bind_int(s, 11, sf->sf_errors);
	sqlite3_bind_text(s, 12, sf->sf_last_error, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 13, sf->sf_gone);
	return store_run(st, S_FEED_PUT, "feed put", err, errlen);
}

int
store_feed_each(struct store *st, int (*cb)(void *, const char *,
    const struct store_feed *), void *arg, char *err, size_t errlen)
{
	sqlite3_stmt		*s = st->st_stmt[S_FEED_LIST];
	struct store_feed	 sf;
	char			*name;
	int			 rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		store_feed_fill(s, &sf);
		name = store_col_str(s, 12);
		rc = cb(arg, name, &sf);
		free(name);
		store_feed_clear(&sf);
		if (rc != 0) {
			store_done(s);
			return rc;
		}
	}
	if (rc != SQLITE_DONE)
		rc = store_fail(st, "feed list", err, errlen);
	else
		rc = 0;
	store_done(s);
	return rc;
}

/* ------------------------------------------------------------ items */

int
store_item_seen(struct store *st, const char *feed, const char *key)
{
	sqlite3_stmt	*s = st->st_stmt[S_ITEM_SEEN];
	int		 rc;

	sqlite3_bind_text(s, 1, feed, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	rc = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
	store_done(s);
	return rc;
}

int
store_begin(struct store *st, char *err, size_t errlen)
{
	/*
	 * IMMEDIATE: the write lock now, so that a busy database fails
	 * here (after busy_timeout) and not halfway through a poll.
	 */
	return store_run(st, S_BEGIN, "begin", err, errlen);
}

int
store_commit(struct store *st, char *err, size_t errlen)
{
	if (store_run(st, S_COMMIT, "commit", err, errlen) == -1) {
		/*
		 * Disk full or an I/O error: nothing of the poll is kept, and
		 * no transaction is left open to swallow the next one.
		 */
		store_rollback(st);
		return -1;
	}
	return 0;
}

void
store_rollback(struct store *st)
{
	/* SQLite may have rolled back already (SQLITE_FULL, IOERR). */
	if (sqlite3_get_autocommit(st->st_db))
		return;
	store_run(st, S_ROLLBACK, "rollback", NULL, 0);
}

int
store_read_begin(struct store *st)
{
	if (!sqlite3_get_autocommit(st->st_db))
		return 0;
	return store_run(st, S_BEGIN_READ, "begin", NULL, 0) == 0 ? 1 : 0;
}

void
store_read_end(struct store *st, int begun)
{
	/* A read-only transaction has nothing to lose: end it either way. */
	if (begun && store_run(st, S_COMMIT, "commit", NULL, 0) == -1)
		store_rollback(st);
}

int
store_savepoint(struct store *st, char *err, size_t errlen)
{
	return store_run(st, S_SAVEPOINT, "savepoint", err, errlen);
}

int
store_release(struct store *st, char *err, size_t errlen)
{
	return store_run(st, S_RELEASE, "release", err, errlen);
}

void
store_rollback_savepoint(struct store *st)
{
	/* Undone, and the savepoint closed: the transaction goes on. */
	if (sqlite3_get_autocommit(st->st_db))
		return;
	store_run(st, S_ROLLBACK_TO, "rollback to", NULL, 0);
	store_run(st, S_RELEASE, "release", NULL, 0);
}

int
store_item_add(struct store *st, const char *feed, const char *key,
    int64_t now, char *err, size_t errlen)
{
	sqlite3_stmt	*s = st->st_stmt[S_ITEM_ADD];

	sqlite3_bind_text(s, 1, feed, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, now);
	if (store_run(st, S_ITEM_ADD, "item add", err, errlen) == -1)
		return -1;
	/* OR IGNORE: no change means the key was there. */
	return sqlite3_changes(st->st_db) > 0;
}

/* ------------------------------------------------------------ stories */

/* 1 if (watchlist, kind, key) is a live claim at now, 0 if not, -1. */
static int
store_story_held(struct store *st, const char *watchlist, const char *kind,
    const char *key, int64_t now, char *err, size_t errlen)
{
	sqlite3_stmt	*s = st->st_stmt[S_STORY_GET];
	int64_t		 at;
	int		 rc;

	sqlite3_bind_text(s, 1, watchlist, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, key, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		at = sqlite3_column_int64(s, 0);
		/*
		 * Titles recur ("Live updates", "Weather"), links do not: a
		 * title claim lapses after a day.  A claim from the future (a
		 * clock set back) still holds.
		 */
		rc = kind[0] == 'l' || now - at < STORE_TITLE_TTL;
	} else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = store_fail(st, "story get", err, errlen);
	store_done(s);
	return rc;
}

static int
store_story_put(struct store *st, const char *watchlist, const char *kind,
    const char *key, int64_t now, char *err, size_t errlen)
{
	sqlite3_stmt	*s = st->st_stmt[S_STORY_PUT];

	sqlite3_bind_text(s, 1, watchlist, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, now);
	return store_run(st, S_STORY_PUT, "story put", err, errlen);
}

int
store_story_claim(struct store *st, const char *watchlist,
    const char *norm_link, const char *norm_title, int64_t now, char *err,
    size_t errlen)
{
	int	has_link, has_title, r;

	has_link = norm_link != NULL && norm_link[0] != '\0';
	has_title = norm_title != NULL && norm_title[0] != '\0';
	if (has_link && (r = store_story_held(st, watchlist, "l", norm_link,
	    now, err, errlen)) != 0)
		return r == 1 ? 0 : -1;
	if (has_title && (r = store_story_held(st, watchlist, "t", norm_title,
	    now, err, errlen)) != 0)
		return r == 1 ? 0 : -1;
	if (has_link && store_story_put(st, watchlist, "l", norm_link, now,
	    err, errlen) == -1)
		return -1;
	if (has_title && store_story_put(st, watchlist, "t", norm_title, now,
	    err, errlen) == -1)
		return -1;
	return 1;
}
