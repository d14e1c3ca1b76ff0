/*
 * notify.h: sd_notify(3) without libsystemd, as chrony does it: one
 * datagram to $NOTIFY_SOCKET per message.  READY=1, RELOADING=1,
 * STOPPING=1 from main; STATUS= (feeds ok / failing, alerts queued) and
 * WATCHDOG=1 from a loop timer, at half of $WATCHDOG_USEC, sent only
 * while the loop runs and the database answers.
 */
#ifndef NEWSWATCH_NOTIFY_H
#define NEWSWATCH_NOTIFY_H

struct event_base;
struct metrics;
struct notify;

/* STATUS= is refreshed this often (seconds), or with the watchdog. */
#define NOTIFY_STATUS_EVERY	10

/* Sends msg if $NOTIFY_SOCKET is set; silent otherwise. */
void		 notify_send(const char *msg);
/* Starts the STATUS=/WATCHDOG=1 timer (none without $NOTIFY_SOCKET). */
struct notify	*notify_new(struct event_base *, struct metrics *);
void		 notify_free(struct notify *);
/* Sends STATUS= now if it changed. */
void		 notify_status(struct notify *);

#endif
