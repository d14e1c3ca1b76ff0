/*
 * log.h: the daemon's one logging API, after OpenBSD's log.c.
 * Only layers 2 and 3 log; pure modules fill an error buffer instead.
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
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
