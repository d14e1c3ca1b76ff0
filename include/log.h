/*
 * log.h: the daemon's one logging API, after OpenBSD's log.c.
 * Only layers 2 and 3 log; pure modules fill an error buffer instead.
 * One line per event, "subject=NAME event key=value …", so that a line
 * can be found with grep and read by a machine.
 * Text that came from the network is passed as an argument, never as
 * the format, and log_*() replaces control characters in the result.
 */
#ifndef NEWSWATCH_LOG_H
#define NEWSWATCH_LOG_H

#include <stdarg.h>

/* to_syslog: 0 stderr, 1 syslog (LOG_DAEMON); verbose: 1 adds debug lines. */
void	log_init(int to_syslog, int verbose);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
/* Something was lost or given up on (LOG_ERR); the daemon goes on. */
void	log_errx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
/*
 * A value for a key=value field: as it is, or in double quotes (with "
 * and \ escaped) when it is empty or holds blanks or quotes.  The result
 * lives in one of four rotating buffers: good for one log call.
 */
const char *log_q(const char *);
void	fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
