/*
 * http.h: fetches over libcurl's multi interface, driven by the libevent
 * loop (the curl_multi_socket_action pattern of curl's hiperfifo.c).
 *
 * Requests wait in per-host queues and start under two limits: at most
 * `concurrency` in flight in all, at most `per_host` to one host name (as
 * written in the URL).  A body is handed to the caller chunk by chunk as it
 * arrives; max_size is enforced on the decoded bytes while they arrive.
 */
#ifndef NEWSWATCH_HTTP_H
#define NEWSWATCH_HTTP_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct http;
struct http_xfer;

/* What went wrong, by category (named in logs and in the state). */
enum http_error {
	HTTP_OK = 0,		/* a response came: see hr_status */
	HTTP_EDNS,
	HTTP_ECONNECT,
	HTTP_ETLS,
	HTTP_ETIMEOUT,
	HTTP_ETOOBIG,
	HTTP_EREDIRECT,		/* too many, or to a scheme not allowed */
	HTTP_EDENIED,		/* deny_private refused the address */
	HTTP_EABORTED,		/* the caller's on_data said stop */
	HTTP_ECANCELLED,	/* http_free() while it was pending */
	HTTP_EOTHER
};

struct http_limits {
	int		 hl_concurrency;
	int		 hl_per_host;
	int64_t		 hl_timeout;	/* seconds, whole request */
	int64_t		 hl_max_size;	/* bytes of decoded body */
	const char	*hl_user_agent;
	int		 hl_deny_private;
};

/* Filled as the response arrives; complete in on_done. */
struct http_response {
	enum http_error	 hr_error;
	long		 hr_status;	/* last HTTP status; 200 for file:// */
	char		*hr_errmsg;	/* why, for the log, or NULL */
	char		*hr_url;	/* the URL finally fetched */
	char		*hr_permanent_url; /* set when every redirect was 301/308 */
	char		*hr_etag;
	char		*hr_last_modified;
	char		*hr_content_type;
	int64_t		 hr_retry_after;	/* epoch seconds, or 0 */
	int64_t		 hr_max_age;	/* Cache-Control max-age, s; or -1 */
	int64_t		 hr_expires;	/* Expires, epoch seconds; or 0 */
	size_t		 hr_bytes;	/* decoded body bytes */
	double		 hr_seconds;	/* total time */
};

struct http_request {
	const char	*hq_url;
	const char	*hq_etag;		/* If-None-Match, or NULL */
	const char	*hq_last_modified;	/* If-Modified-Since, or NULL */
	const char	*hq_body;		/* POST this (JSON) if non-NULL */
	size_t		 hq_bodylen;
	const char *const *hq_headers;		/* extra "Name: value" lines */
	size_t		 hq_nheaders;
	int		 hq_allow_file;		/* file:// permitted (config) */
	/*
	 * Body bytes of a 2xx answer as they arrive (never of a redirect or
	 * an error page); return -1 to stop the transfer (HTTP_EABORTED).
	 */
	int		(*hq_on_data)(void *, const struct http_response *,
			    const char *, size_t);
	/* Called once, from the loop, when the request ended in any way. */
	void		(*hq_on_done)(void *, const struct http_response *);
	void		*hq_arg;
};

struct http	*http_new(struct event_base *, const struct http_limits *,
		    char *err, size_t errlen);
/* New limits apply to requests started from now on (reload). */
void		 http_set_limits(struct http *, const struct http_limits *);
/*
 * Ends every pending request with HTTP_ECANCELLED (each on_done is called,
 * so that callers free what they hold) and frees.
 */
void		 http_free(struct http *);

/* Queues a request; all strings are copied.  Never fails. */
struct http_xfer *http_start(struct http *, const struct http_request *);
/*
 * The host of url answered 429 or 503: none of its requests starts before
 * until (epoch seconds); those queued wait, in order.
 */
void		 http_pause_host(struct http *, const char *url, int64_t until);
/* The charset parameter of a Content-Type value, or NULL; to free. */
char		*http_charset(const char *content_type);
/* Requests queued or in flight. */
size_t		 http_pending(const struct http *);
const char	*http_error_name(enum http_error);

#endif
