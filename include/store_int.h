/*
 * store_int.h: what store.c and store_queue.c share (not for other
 * modules): the prepared statements, the handle, and the helpers that
 * run them.
 */
#ifndef NEWSWATCH_STORE_INT_H
#define NEWSWATCH_STORE_INT_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

enum store_stmt {
	S_BEGIN,
	S_BEGIN_READ,
	S_COMMIT,
	S_ROLLBACK,
	S_SAVEPOINT,
	S_RELEASE,
	S_ROLLBACK_TO,
	S_FEED_GET,
	S_FEED_PUT,
	S_FEED_LIST,
	S_ITEM_SEEN,
	S_ITEM_ADD,
	S_STORY_GET,
	S_STORY_PUT,
	S_ALERT_ADD,
	S_DELIVERY_ADD,
	S_DELIVERY_HEAD,
	S_DELIVERY_SINKS,
	S_DELIVERY_DONE,
	S_DELIVERY_RETRY,
	S_DELIVERY_EXPIRE,
	S_DELIVERY_NEXT,
	S_DELIVERY_COUNT,
	S_DELIVERY_DEAD,
	S_QUEUE_LIST,
	S_MAX
};

struct store {
	sqlite3		*st_db;
	char		*st_path;	/* for messages; ":memory:" when dry */
	int		 st_dry;
	sqlite3_stmt	*st_stmt[S_MAX];
};

/* Fills err with "PATH: what: SQLite's message"; returns -1. */
int		 store_fail(struct store *, const char *what, char *err,
		    size_t errlen);
/* Ready for its next use, with no pointer into the caller's strings. */
void		 store_done(sqlite3_stmt *);
/* Runs a statement that returns no row; -1 with err. */
int		 store_run(struct store *, enum store_stmt, const char *what,
		    char *err, size_t errlen);
/* One integer from a one-row statement; -1 on error (never logged). */
int64_t		 store_int(struct store *, enum store_stmt, int64_t ifnull);
/* A text column, copied (NULL stays NULL). */
char		*store_col_str(sqlite3_stmt *, int col);

#endif
