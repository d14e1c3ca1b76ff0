/*
 * log.c: stderr in the foreground (the journal keeps it under systemd),
 * syslog with `log = syslog`.  After OpenBSD's log.c.
 *
 * Messages often carry text from the network (feed titles, server
 * answers): control characters are replaced before the line is written,
 * so a feed cannot forge log lines.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

static int	log_to_syslog;
static int	log_verbose;

void
log_init(int to_syslog, int verbose)
{
	log_to_syslog = to_syslog;
	log_verbose = verbose;
	if (to_syslog)
		openlog("newswatchd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static void log_vwrite(int, const char *, const char *, va_list, int)
    __attribute__((format(printf, 3, 0)));

static void
log_vwrite(int pri, const char *prefix, const char *fmt, va_list ap,
    int with_errno)
{
	char	 msg[2048];
	int	 saved = errno;
	size_t	 i;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (with_errno) {
		size_t	n = strlen(msg);

		snprintf(msg + n, sizeof(msg) - n, ": %s", strerror(saved));
	}
	for (i = 0; msg[i] != '\0'; i++)
		if ((unsigned char)msg[i] < 0x20 || msg[i] == 0x7f)
			msg[i] = ' ';
	if (log_to_syslog)
		syslog(pri, "%s%s", prefix, msg);
	else {
		fprintf(stderr, "newswatchd: %s%s\n", prefix, msg);
		fflush(stderr);
	}
	errno = saved;
}

const char *
log_q(const char *v)
{
	static char	 bufs[4][512];
	static int	 next;
	char		*b;
	size_t		 i = 0, n = sizeof(bufs[0]);

	if (v == NULL)
		v = "";
	if (*v != '\0' && strpbrk(v, " \t\"\\=") == NULL)
		return v;
	b = bufs[next];
	next = (next + 1) % 4;
	b[i++] = '"';
	for (; *v && i + 3 < n; v++) {
		if (*v == '"' || *v == '\\')
			b[i++] = '\\';
		b[i++] = *v;
	}
	b[i++] = '"';
	b[i] = '\0';
	return b;
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_WARNING, "", fmt, ap, 1);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_WARNING, "", fmt, ap, 0);
	va_end(ap);
}

void
log_errx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_ERR, "error: ", fmt, ap, 0);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_INFO, "", fmt, ap, 0);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	log_vwrite(LOG_DEBUG, "debug: ", fmt, ap, 0);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_CRIT, "fatal: ", fmt, ap, 1);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_CRIT, "fatal: ", fmt, ap, 0);
	va_end(ap);
	exit(1);
}
