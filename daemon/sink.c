/*
 * sink.c: syslog, stdout and webhooks (json, slack, discord), signed
 * with the Standard Webhooks headers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "alert.h"
#include "conf.h"
#include "http.h"
#include "sink.h"
#include "util.h"

struct sink_job {
	sink_done_cb	*sj_done;
	void		*sj_arg;
	char		*sj_url;
};

int
sink_exists(const struct config *cfg, const char *name)
{
	return strcmp(name, "syslog") == 0 || strcmp(name, "stdout") == 0 ||
	    conf_webhook_find(cfg, name) != NULL;
}

static void
sink_syslog(const char *json, sink_done_cb *done, void *arg)
{
	static int	 opened;
	char		*line;

	if ((line = alert_syslog_line(json)) == NULL) {
		done(arg, 0, 0, "stored alert is not valid JSON");
		return;
	}
	/* interface.md: openlog("newswatchd", LOG_PID, LOG_DAEMON). */
	if (!opened) {
		openlog("newswatchd", LOG_PID, LOG_DAEMON);
		opened = 1;
	}
	syslog(LOG_NOTICE, "%s", line);
	free(line);
	done(arg, 1, 0, NULL);
}

static void
sink_stdout(const char *json, sink_done_cb *done, void *arg)
{
	/* One line per alert; a full pipe or closed stdout is retried. */
	if (fputs(json, stdout) == EOF || fputc('\n', stdout) == EOF ||
	    fflush(stdout) == EOF) {
		clearerr(stdout);
		done(arg, 0, 0, strerror(errno));
		return;
	}
	done(arg, 1, 0, NULL);
}

static void
sink_webhook_done(void *arg, const struct http_response *r)
{
	struct sink_job	*j = arg;
	char		 why[256];

	if (r->hr_error == HTTP_ECANCELLED)
		j->sj_done(j->sj_arg, -1, 0, "cancelled");
	else if (r->hr_error == HTTP_OK && r->hr_status >= 200 &&
	    r->hr_status <= 299)
		j->sj_done(j->sj_arg, 1, 0, NULL);
	else {
		if (r->hr_error == HTTP_OK)
			snprintf(why, sizeof(why), "%s answered HTTP %ld",
			    j->sj_url, r->hr_status);
		else
			snprintf(why, sizeof(why), "%s: %s: %s", j->sj_url,
			    http_error_name(r->hr_error),
			    r->hr_errmsg ? r->hr_errmsg : "failed");
		j->sj_done(j->sj_arg, 0, r->hr_retry_after, why);
	}
	free(j->sj_url);
	free(j);
}

static void
sink_webhook(struct http *ht, const struct conf_webhook *wh,
    const char *alert_id, const char *json, sink_done_cb *done, void *arg)
{
	struct http_request	 rq;
	struct sink_job		*j;
	const char		*hdr[3];
	char			*body, *sig = NULL, err[256];
	int64_t			 ts = (int64_t)time(NULL);
	size_t			 n = 0;

	if ((body = alert_webhook_body(json, (int)wh->cwh_format, err,
	    sizeof(err))) == NULL) {
		done(arg, 0, 0, err);
		return;
	}
	hdr[n++] = xasprintf("webhook-id: %s", alert_id);
	hdr[n++] = xasprintf("webhook-timestamp: %lld", (long long)ts);
	if (wh->cwh_secret != NULL) {
		if ((sig = alert_sign(wh->cwh_secret, alert_id, ts, body,
		    strlen(body), err, sizeof(err))) == NULL) {
			free((char *)hdr[0]);
			free((char *)hdr[1]);
			free(body);
			done(arg, 0, 0, err);
			return;
		}
		hdr[n++] = xasprintf("webhook-signature: %s", sig);
		free(sig);
	}
	j = xcalloc(1, sizeof(*j));
	j->sj_done = done;
	j->sj_arg = arg;
	j->sj_url = xstrdup(wh->cwh_url);
	memset(&rq, 0, sizeof(rq));
	rq.hq_url = wh->cwh_url;
	rq.hq_body = body;
	rq.hq_bodylen = strlen(body);
	rq.hq_headers = hdr;
	rq.hq_nheaders = n;
	rq.hq_on_done = sink_webhook_done;
	rq.hq_arg = j;
	http_start(ht, &rq);
	while (n > 0)
		free((char *)hdr[--n]);
	free(body);
}

void
sink_deliver(struct http *ht, const struct config *cfg, const char *name,
    const char *alert_id, const char *json, sink_done_cb *done, void *arg)
{
	const struct conf_webhook	*wh;
	char				 why[256];

	if (strcmp(name, "syslog") == 0)
		sink_syslog(json, done, arg);
	else if (strcmp(name, "stdout") == 0)
		sink_stdout(json, done, arg);
	else if ((wh = conf_webhook_find(cfg, name)) != NULL)
		sink_webhook(ht, wh, alert_id, json, done, arg);
	else {
		/* Removed from the configuration: kept until it returns. */
		snprintf(why, sizeof(why), "no sink named \"%s\"", name);
		done(arg, 0, 0, why);
	}
}
