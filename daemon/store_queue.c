/*
 * store_queue.c: the alert queue of the store (adapter): alerts raised
 * within a poll's transaction, then their deliveries, one per sink, taken
 * oldest first per sink, retried, expired, dequeued once accepted.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_int.h"
#include "util.h"

int
store_alert_add(struct store *st, const char *alert_id,
    const char *watchlist, const char *json, const char *const *sinks,
    size_t nsinks, int64_t now, char *err, size_t errlen)
{
	sqlite3_stmt	*s = st->st_stmt[S_ALERT_ADD];
	size_t		 i;

	sqlite3_bind_text(s, 1, alert_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, watchlist, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, json, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, now);
	if (store_run(st, S_ALERT_ADD, "alert add", err, errlen) == -1)
		return -1;
	/*
	 * The id is stable for (watchlist, item): a queued alert is this
	 * alert, and its deliveries, retries and backoff stand.
	 */
	if (sqlite3_changes(st->st_db) == 0)
		return 0;
	s = st->st_stmt[S_DELIVERY_ADD];
	for (i = 0; i < nsinks; i++) {
		sqlite3_bind_text(s, 1, alert_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, sinks[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, now);
		if (store_run(st, S_DELIVERY_ADD, "delivery add", err,
		    errlen) == -1)
			return -1;
	}
	return 1;
}

int
store_delivery_sinks(struct store *st, char ***out, size_t *n, char *err,
    size_t errlen)
{
	sqlite3_stmt	*s = st->st_stmt[S_DELIVERY_SINKS];
	char		**v = NULL;
	int		 rc;

	*out = NULL;
	*n = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = xreallocarray(v, *n + 1, sizeof(*v));
		v[(*n)++] = store_col_str(s, 0);
	}
	if (rc != SQLITE_DONE) {
		store_fail(st, "delivery sinks", err, errlen);
		store_done(s);
		while (*n > 0)
			free(v[--*n]);
		free(v);
		return -1;
	}
	store_done(s);
	*out = v;
	return 0;
}

int
store_delivery_head(struct store *st, const char *sink, int64_t after,
    struct store_delivery *d, char *err, size_t errlen)
{
	sqlite3_stmt	*s = st->st_stmt[S_DELIVERY_HEAD];
	int		 rc;

	memset(d, 0, sizeof(*d));
	sqlite3_bind_text(s, 1, sink, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, after);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		d->sd_rowid = sqlite3_column_int64(s, 0);
		d->sd_alert_id = store_col_str(s, 1);
		d->sd_watchlist = store_col_str(s, 2);
		d->sd_sink = store_col_str(s, 3);
		d->sd_json = store_col_str(s, 4);
		d->sd_attempts = sqlite3_column_int(s, 5);
		d->sd_created = sqlite3_column_int64(s, 6);
		d->sd_next_try = sqlite3_column_int64(s, 7);
		store_done(s);
		return 1;
	}
	if (rc != SQLITE_DONE) {
		store_fail(st, "delivery head", err, errlen);
		store_done(s);
		return -1;
	}
	store_done(s);
	return 0;
}

void
store_delivery_clear(struct store_delivery *d)
{
	free(d->sd_alert_id);
	free(d->sd_watchlist);
	free(d->sd_sink);
	free(d->sd_json);
	memset(d, 0, sizeof(*d));
}

int
store_delivery_done(struct store *st, int64_t rowid, char *err,
    size_t errlen)
{
	sqlite3_bind_int64(st->st_stmt[S_DELIVERY_DONE], 1, rowid);
	return store_run(st, S_DELIVERY_DONE, "delivery done", err, errlen);
}

int
store_delivery_retry(struct store *st, int64_t rowid, int64_t next_try,
    const char *why, char *err, size_t errlen)
{
	sqlite3_stmt	*s = st->st_stmt[S_DELIVERY_RETRY];

	sqlite3_bind_int64(s, 1, rowid);
	sqlite3_bind_int64(s, 2, next_try);
	sqlite3_bind_text(s, 3, why, -1, SQLITE_STATIC);
	return store_run(st, S_DELIVERY_RETRY, "delivery retry", err, errlen);
}

int
store_delivery_expire(struct store *st, int64_t before, char *err,
    size_t errlen)
{
	sqlite3_bind_int64(st->st_stmt[S_DELIVERY_EXPIRE], 1, before);
	if (store_run(st, S_DELIVERY_EXPIRE, "delivery expire", err,
	    errlen) == -1)
		return -1;
	return sqlite3_changes(st->st_db);
}

int64_t
store_delivery_next(struct store *st)
{
	return store_int(st, S_DELIVERY_NEXT, -1);
}

int64_t
store_delivery_count(struct store *st)
{
	return store_int(st, S_DELIVERY_COUNT, 0);
}

int64_t
store_delivery_dead(struct store *st)
{
	return store_int(st, S_DELIVERY_DEAD, 0);
}

int
store_queue_each(struct store *st, int (*cb)(void *, const char *sink,
    int64_t queued, int64_t dead, int64_t oldest), void *arg, char *err,
    size_t errlen)
{
	sqlite3_stmt	*s = st->st_stmt[S_QUEUE_LIST];
	char		*sink;
	int		 rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		sink = store_col_str(s, 0);
		rc = cb(arg, sink, sqlite3_column_int64(s, 1),
		    sqlite3_column_int64(s, 2),
		    sqlite3_column_type(s, 3) == SQLITE_NULL ? -1 :
		    sqlite3_column_int64(s, 3));
		free(sink);
		if (rc != 0) {
			store_done(s);
			return rc;
		}
	}
	if (rc != SQLITE_DONE)
		rc = store_fail(st, "queue list", err, errlen);
	else
		rc = 0;
	store_done(s);
	return rc;
}
