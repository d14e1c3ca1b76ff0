/*
 * date.h: feed dates -> time_t (pure).  RFC 822 / RFC 1123, RFC 3339 /
 * ISO 8601 and the broken variants publishers use.  Never consults TZ or
 * the clock: a date that cannot be read is "no date", never "now".
 */
#ifndef NEWSWATCH_DATE_H
#define NEWSWATCH_DATE_H

#include <stdint.h>
#include <time.h>

#define DATE_NONE	INT64_MIN

/* Seconds since the epoch (UTC), or DATE_NONE if s cannot be read. */
int64_t	date_parse(const char *s);
/* "YYYY-MM-DDTHH:MM:SSZ" into buf (at least DATE_RFC3339_LEN bytes). */
#define DATE_RFC3339_LEN	32
void	date_format(int64_t t, char *buf);

#endif
