/*
 * notify.c: the service manager's protocol (sd_notify(3)) without
 * libsystemd: a datagram to the unix socket named by $NOTIFY_SOCKET
 * ('@' for the abstract namespace).
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "metrics.h"
#include "notify.h"
#include "util.h"

struct notify {
	struct metrics	*n_metrics;
	struct event	*n_timer;
	int		 n_watchdog;	/* WATCHDOG=1 at each tick */
	char		*n_status;	/* last STATUS= sent */
};

void
notify_send(const char *msg)
{
	struct sockaddr_un	 sun;
	const char		*path = getenv("NOTIFY_SOCKET");
	socklen_t		 len;
	int			 fd;

	if (path == NULL || path[0] == '\0' ||
	    strlen(path) >= sizeof(sun.sun_path))
		return;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	if (sun.sun_path[0] == '@')
		sun.sun_path[0] = '\0';	/* abstract namespace */
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return;
	if (sendto(fd, msg, strlen(msg), MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, len) == -1)
		log_debug("%s: %s", __func__, strerror(errno));
	close(fd);
}

/*
 * Half of $WATCHDOG_USEC in microseconds, or 0 when the watchdog is off
 * or meant for another process ($WATCHDOG_PID).
 */
static long long
notify_watchdog_usec(void)
{
	const char	*s, *pid;
	char		*end;
	long long	 usec;

	if ((s = getenv("WATCHDOG_USEC")) == NULL)
		return 0;
	if ((pid = getenv("WATCHDOG_PID")) != NULL &&
	    strtoll(pid, NULL, 10) != (long long)getpid())
		return 0;
	errno = 0;
	usec = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || usec <= 0)
		return 0;
	return usec / 2 > 0 ? usec / 2 : 1;
}

void
notify_status(struct notify *n)
{
	struct metrics_summary	 s;
	char			*msg;

	if (n == NULL)
		return;
	if (metrics_summary(n->n_metrics, &s) == -1) {
		msg = xstrdup("STATUS=database not answering");
	} else
		msg = xasprintf("STATUS=%zu feeds: %zu ok, %zu failing, "
		    "%zu paused, %zu not polled yet; %lld alerts queued",
		    s.ms_feeds, s.ms_ok, s.ms_failing, s.ms_paused, s.ms_new,
		    (long long)s.ms_queued);
	if (n->n_status == NULL || strcmp(n->n_status, msg) != 0) {
		notify_send(msg);
		free(n->n_status);
		n->n_status = msg;
	} else
		free(msg);
}

static void
notify_tick(evutil_socket_t fd, short ev, void *arg)
{
	struct notify	*n = arg;

	(void)fd;
	(void)ev;
	notify_status(n);
	/* The loop ran this timer; the database must answer too. */
	if (n->n_watchdog && metrics_healthy(n->n_metrics))
		notify_send("WATCHDOG=1");
}

struct notify *
notify_new(struct event_base *base, struct metrics *m)
{
	struct notify	*n;
	struct timeval	 tv;
	long long	 usec;
	const char	*path = getenv("NOTIFY_SOCKET");

	if (path == NULL || *path == '\0')
		return NULL;
	n = xcalloc(1, sizeof(*n));
	n->n_metrics = m;
	usec = notify_watchdog_usec();
	n->n_watchdog = usec > 0;
	if (usec == 0 || usec > NOTIFY_STATUS_EVERY * 1000000LL)
		usec = NOTIFY_STATUS_EVERY * 1000000LL;
	tv.tv_sec = (time_t)(usec / 1000000);
	tv.tv_usec = (suseconds_t)(usec % 1000000);
	if ((n->n_timer = event_new(base, -1, EV_PERSIST, notify_tick,
	    n)) == NULL || event_add(n->n_timer, &tv) == -1)
		fatalx("notify: cannot add the watchdog timer");
	if (n->n_watchdog)
		log_info("watchdog: ping every %lld ms", usec / 1000);
	return n;
}

void
notify_free(struct notify *n)
{
	if (n == NULL)
		return;
	event_free(n->n_timer);
	free(n->n_status);
	free(n);
}
