/*
 * http.c: libcurl multi <-> libevent, after curl's docs/examples/hiperfifo.c
 * (one struct per transfer tied with CURLOPT_PRIVATE, one event per socket
 * tied with curl_multi_assign), with per-host queues and explicit limits.
 */
#include <sys/queue.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "date.h"
#include "http.h"
#include "util.h"

/* Header values kept from a response are cut here: they are untrusted. */
#define HTTP_MAX_HEADER	1024
#define HTTP_HOST_BUCKETS 1024
/* A redirect chain longer than this is an error (interface.md). */
#define HTTP_MAX_REDIRECTS 5

struct http_host {
	char			*hh_name;
	int			 hh_inflight;
	int			 hh_ready;	/* on ht_ready */
	int64_t			 hh_paused_until; /* 429/503: whole host waits */
	TAILQ_HEAD(, http_xfer)	 hh_queue;
	TAILQ_ENTRY(http_host)	 hh_ready_link;
	struct http_host	*hh_next;	/* hash chain */
};

struct http_xfer {
	struct http		*x_http;
	struct http_host	*x_host;
	CURL			*x_easy;
	struct curl_slist	*x_headers;
	TAILQ_ENTRY(http_xfer)	 x_link;
	char			*x_url;
	char			*x_etag;
	char			*x_last_modified;
	char			*x_body;
	size_t			 x_bodylen;
	char			**x_extra;
	size_t			 x_nextra;
	int			 x_allow_file;
	int			(*x_on_data)(void *, const struct http_response *,
				    const char *, size_t);
	void			(*x_on_done)(void *,
				    const struct http_response *);
	void			*x_arg;

	int			 x_redirects;
	int			 x_all_permanent;
	int			 x_toobig;
	int			 x_aborted;
	int			 x_denied;
	int64_t			 x_max_size;
	struct http_response	 x_resp;
	/* Made when the transfer starts: 10,000 queued feeds need none. */
	char			*x_errbuf;
};

struct http_sock {
	struct event		*hs_ev;
	struct http		*hs_http;
};

struct http {
	struct event_base	*ht_base;
	CURLM			*ht_multi;
	struct event		*ht_timer;
	struct http_limits	 ht_limits;
	char			*ht_user_agent;
	int			 ht_inflight;
	size_t			 ht_pending;	/* queued + in flight */
	int			 ht_running;
	TAILQ_HEAD(, http_host)	 ht_ready;
	TAILQ_HEAD(, http_xfer)	 ht_active;	/* in flight */
	struct http_host	*ht_hosts[HTTP_HOST_BUCKETS];
	struct event		*ht_wake;	/* end of the earliest pause */
	int64_t			 ht_wake_at;
};

static void	http_check_done(struct http *);
static void	http_pump(struct http *);

const char *
http_error_name(enum http_error e)
{
	static const char *const names[] = {
		[HTTP_OK] = "ok", [HTTP_EDNS] = "dns",
		[HTTP_ECONNECT] = "connect", [HTTP_ETLS] = "tls",
		[HTTP_ETIMEOUT] = "timeout", [HTTP_ETOOBIG] = "too large",
		[HTTP_EREDIRECT] = "redirect", [HTTP_EDENIED] = "denied",
		[HTTP_EABORTED] = "aborted", [HTTP_ECANCELLED] = "cancelled",
		[HTTP_EOTHER] = "fetch",
	};

	if ((size_t)e < sizeof(names) / sizeof(names[0]) && names[e] != NULL)
		return names[e];
	return "fetch";
}

/* ---------------------------------------------------------- libevent glue */

static void
http_event_cb(evutil_socket_t fd, short kind, void *arg)
{
	struct http	*ht = arg;
	int		 action;

	action = ((kind & EV_READ) ? CURL_CSELECT_IN : 0) |
	    ((kind & EV_WRITE) ? CURL_CSELECT_OUT : 0);
	curl_multi_socket_action(ht->ht_multi, fd, action, &ht->ht_running);
	http_check_done(ht);
}

static void
http_timer_cb(evutil_socket_t fd, short kind, void *arg)
{
	struct http	*ht = arg;

	(void)fd;
	(void)kind;
	curl_multi_socket_action(ht->ht_multi, CURL_SOCKET_TIMEOUT, 0,
	    &ht->ht_running);
	http_check_done(ht);
}

/* CURLMOPT_TIMERFUNCTION: never act from inside; arm the loop's timer. */
static int
http_multi_timer_cb(CURLM *multi, long timeout_ms, void *arg)
{
	struct http	*ht = arg;
	struct timeval	 tv;

	(void)multi;
	if (timeout_ms < 0) {
		evtimer_del(ht->ht_timer);
		return 0;
	}
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	evtimer_add(ht->ht_timer, &tv);
	return 0;
}

/* CURLMOPT_SOCKETFUNCTION */
static int
http_sock_cb(CURL *e, curl_socket_t s, int what, void *arg, void *sockp)
{
	struct http	*ht = arg;
	struct http_sock *hs = sockp;
	short		 kind;

	(void)e;
	if (what == CURL_POLL_REMOVE) {
		if (hs != NULL) {
			event_free(hs->hs_ev);
			free(hs);
			curl_multi_assign(ht->ht_multi, s, NULL);
		}
		return 0;
	}
	kind = ((what & CURL_POLL_IN) ? EV_READ : 0) |
	    ((what & CURL_POLL_OUT) ? EV_WRITE : 0) | EV_PERSIST;
	if (hs == NULL) {
		hs = xcalloc(1, sizeof(*hs));
		hs->hs_http = ht;
		curl_multi_assign(ht->ht_multi, s, hs);
	} else {
		event_del(hs->hs_ev);
		event_free(hs->hs_ev);
	}
	hs->hs_ev = event_new(ht->ht_base, s, kind, http_event_cb, ht);
	if (hs->hs_ev == NULL)
		abort();	/* out of memory, as xmalloc */
	event_add(hs->hs_ev, NULL);
	return 0;
}

/* ------------------------------------------------------------- callbacks */

static void
http_set_str(char **dst, const char *v, size_t n)
{
	free(*dst);
	if (n > HTTP_MAX_HEADER)
		n = HTTP_MAX_HEADER;
	*dst = xstrndup(v, n);
}

/* Cache-Control: max-age=N (s-maxage is for shared caches: not us). */
static int64_t
http_max_age(const char *v, size_t n)
{
	const char	*p, *end = v + n;

	for (p = v; p + 8 <= end; p++) {
		if (strncasecmp(p, "max-age=", 8) == 0 &&
		    (p == v || p[-1] == ' ' || p[-1] == ',')) {
			long long	 a = 0;

			for (p += 8; p < end && isdigit((unsigned char)*p); p++)
				if (a < 100000000)
					a = a * 10 + (*p - '0');
			return a;
		}
	}
	return -1;
}

static size_t
http_header_cb(char *buf, size_t size, size_t nitems, void *arg)
{
	struct http_xfer	*x = arg;
	struct http_response	*r = &x->x_resp;
	size_t			 len = size * nitems, n = len, nl;
	const char		*colon, *v;
	char			 tmp[64];

	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	if (n >= 5 && strncmp(buf, "HTTP/", 5) == 0) {
		const char	*sp = memchr(buf, ' ', n);
		long		 code = sp ? strtol(sp + 1, NULL, 10) : 0;

		/* A new response of the chain: forget the previous one's. */
		free(r->hr_etag);
		free(r->hr_last_modified);
		free(r->hr_content_type);
		r->hr_etag = r->hr_last_modified = r->hr_content_type = NULL;
		r->hr_retry_after = 0;
		r->hr_max_age = -1;
		r->hr_expires = 0;
		if (code >= 300 && code < 400 && code != 304) {
			x->x_redirects++;
			if (code != 301 && code != 308)
				x->x_all_permanent = 0;
		}
		return len;
	}
	if ((colon = memchr(buf, ':', n)) == NULL)
		return len;
	nl = (size_t)(colon - buf);
	for (v = colon + 1; v < buf + n && (*v == ' ' || *v == '\t'); v++)
		;
	n -= (size_t)(v - buf);
	if (nl == 4 && strncasecmp(buf, "ETag", 4) == 0)
		http_set_str(&r->hr_etag, v, n);
	else if (nl == 13 && strncasecmp(buf, "Last-Modified", 13) == 0)
		http_set_str(&r->hr_last_modified, v, n);
	else if (nl == 12 && strncasecmp(buf, "Content-Type", 12) == 0)
		http_set_str(&r->hr_content_type, v, n);
	else if (nl == 13 && strncasecmp(buf, "Cache-Control", 13) == 0)
		r->hr_max_age = http_max_age(v, n);
	else if (nl == 7 && strncasecmp(buf, "Expires", 7) == 0 &&
	    r->hr_max_age < 0 && n > 0 && n < sizeof(tmp)) {
		int64_t	 t;

		/* Cache-Control max-age wins over Expires (RFC 9111 5.3). */
		memcpy(tmp, v, n);
		tmp[n] = '\0';
		if ((t = date_parse(tmp)) != DATE_NONE &&
		    t > (int64_t)time(NULL))
			r->hr_expires = t;
	}
	else if (nl == 11 && strncasecmp(buf, "Retry-After", 11) == 0 &&
	    n > 0 && n < sizeof(tmp)) {
		int64_t	 t;

		memcpy(tmp, v, n);
		tmp[n] = '\0';
		/*
		 * Our timers count whole seconds from a truncated clock: one
		 * more second never comes back early.  Absurd values are
		 * clamped by the caller.
		 */
		if (isdigit((unsigned char)tmp[0]))
			r->hr_retry_after = (int64_t)time(NULL) + 1 +
			    strtoll(tmp, NULL, 10);
		else if ((t = date_parse(tmp)) != DATE_NONE)
			r->hr_retry_after = t;
	}
	return len;
}

static size_t
http_write_cb(char *buf, size_t size, size_t nmemb, void *arg)
{
	struct http_xfer	*x = arg;
	size_t			 len = size * nmemb;
	long			 code = 0;

	x->x_resp.hr_bytes += len;
	/*
	 * CURLOPT_MAXFILESIZE trusts Content-Length; a chunked or
	 * compressed body is only bounded by counting what arrives.
	 */
	if (x->x_resp.hr_bytes > (size_t)x->x_max_size) {
		x->x_toobig = 1;
		return 0;
	}
	curl_easy_getinfo(x->x_easy, CURLINFO_RESPONSE_CODE, &code);
	/* file:// answers 0; only a 2xx body is the feed. */
	if (code != 0 && (code < 200 || code > 299))
		return len;
	if (x->x_on_data != NULL &&
	    x->x_on_data(x->x_arg, &x->x_resp, buf, len) == -1) {
		x->x_aborted = 1;
		return 0;
	}
	return len;
}

static int
http_addr_private(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)sa;
		uint32_t a = ntohl(sin->sin_addr.s_addr);

		return (a >> 24) == 127 || (a >> 24) == 10 ||
		    (a >> 24) == 0 || (a >> 20) == (172 << 4 | 1) ||
		    (a >> 16) == (192 << 8 | 168) ||
		    (a >> 16) == (169 << 8 | 254) ||
		    (a >> 22) == (100 << 2 | 1);	/* 100.64/10 CGNAT */
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;
		const uint8_t *b = s6->sin6_addr.s6_addr;

		if (IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr) ||
		    IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr) ||
		    IN6_IS_ADDR_LINKLOCAL(&s6->sin6_addr) ||
		    (b[0] & 0xfe) == 0xfc)
			return 1;
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			struct sockaddr_in sin;

			memset(&sin, 0, sizeof(sin));
			sin.sin_family = AF_INET;
			memcpy(&sin.sin_addr, b + 12, 4);
			return http_addr_private((struct sockaddr *)&sin);
		}
		return 0;
	}
	return 1;
}

/*
 * deny_private is checked on the address curl is about to connect to,
 * after resolution, so that a name that resolves differently the second
 * time (DNS rebinding) cannot pass.
 */
static curl_socket_t
http_open_cb(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct http_xfer	*x = arg;

	if (purpose == CURLSOCKTYPE_IPCXN &&
	    x->x_http->ht_limits.hl_deny_private &&
	    http_addr_private(&a->addr)) {
		x->x_denied = 1;
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype, a->protocol);
}

/* ------------------------------------------------------------- transfers */

static unsigned
http_hash(const char *s)
{
	unsigned	h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % HTTP_HOST_BUCKETS;
}

/* The host name as written in the URL: per_host counts by it. */
static struct http_host *
http_host_get(struct http *ht, const char *url)
{
	struct http_host	*h;
	const char		*p, *e, *q;
	char			*name;
	unsigned		 b;

	if ((p = strstr(url, "://")) != NULL)
		p += 3;
	else
		p = url;
	for (e = p; *e && *e != '/' && *e != '?' && *e != '#'; e++)
		;
	/* The host name alone: no user info, no port (interface.md). */
	for (q = e; q > p; q--)
		if (q[-1] == '@') {
			p = q;
			break;
		}
	if (*p == '[') {
		if ((q = memchr(p, ']', (size_t)(e - p))) != NULL)
			e = q + 1;
	} else if ((q = memchr(p, ':', (size_t)(e - p))) != NULL)
		e = q;
	name = xstrndup(p, (size_t)(e - p));
	for (p = name; *p; p++)
		name[p - name] = (char)tolower((unsigned char)*p);
	b = http_hash(name);
	for (h = ht->ht_hosts[b]; h != NULL; h = h->hh_next)
		if (strcmp(h->hh_name, name) == 0) {
			free(name);
			return h;
		}
	h = xcalloc(1, sizeof(*h));
	h->hh_name = name;
	TAILQ_INIT(&h->hh_queue);
	h->hh_next = ht->ht_hosts[b];
	ht->ht_hosts[b] = h;
	return h;
}

static void
http_host_ready(struct http *ht, struct http_host *h)
{
	int	can = !TAILQ_EMPTY(&h->hh_queue) &&
	    h->hh_inflight < ht->ht_limits.hl_per_host &&
	    h->hh_paused_until <= (int64_t)time(NULL);

	if (can && !h->hh_ready) {
		TAILQ_INSERT_TAIL(&ht->ht_ready, h, hh_ready_link);
		h->hh_ready = 1;
	} else if (!can && h->hh_ready) {
		TAILQ_REMOVE(&ht->ht_ready, h, hh_ready_link);
		h->hh_ready = 0;
	}
}

struct http_xfer *
http_start(struct http *ht, const struct http_request *rq)
{
	struct http_xfer	*x;
	size_t			 i;

	x = xcalloc(1, sizeof(*x));
	x->x_http = ht;
	x->x_url = xstrdup(rq->hq_url);
	x->x_etag = rq->hq_etag ? xstrdup(rq->hq_etag) : NULL;
	x->x_last_modified = rq->hq_last_modified ?
	    xstrdup(rq->hq_last_modified) : NULL;
	if (rq->hq_body != NULL) {
		x->x_body = xstrndup(rq->hq_body, rq->hq_bodylen);
		x->x_bodylen = rq->hq_bodylen;
	}
	if (rq->hq_nheaders > 0) {
		x->x_extra = xcalloc(rq->hq_nheaders, sizeof(char *));
		for (i = 0; i < rq->hq_nheaders; i++)
			x->x_extra[i] = xstrdup(rq->hq_headers[i]);
		x->x_nextra = rq->hq_nheaders;
	}
	x->x_allow_file = rq->hq_allow_file;
	x->x_on_data = rq->hq_on_data;
	x->x_on_done = rq->hq_on_done;
	x->x_arg = rq->hq_arg;
	x->x_resp.hr_max_age = -1;
	x->x_host = http_host_get(ht, x->x_url);
	TAILQ_INSERT_TAIL(&x->x_host->hh_queue, x, x_link);
	ht->ht_pending++;
	http_host_ready(ht, x->x_host);
	http_pump(ht);
	return x;
}

static void
http_xfer_free(struct http_xfer *x)
{
	struct http_response	*r = &x->x_resp;
	size_t			 i;

	if (x->x_easy != NULL)
		curl_easy_cleanup(x->x_easy);
	curl_slist_free_all(x->x_headers);
	free(x->x_errbuf);
	free(x->x_url);
	free(x->x_etag);
	free(x->x_last_modified);
	free(x->x_body);
	for (i = 0; i < x->x_nextra; i++)
		free(x->x_extra[i]);
	free(x->x_extra);
	free(r->hr_errmsg);
	free(r->hr_url);
	free(r->hr_permanent_url);
	free(r->hr_etag);
	free(r->hr_last_modified);
	free(r->hr_content_type);
	free(x);
}

static int
http_xfer_setup(struct http *ht, struct http_xfer *x)
{
	const struct http_limits *l = &ht->ht_limits;
	CURL			*e;
	size_t			 i;
	char			*h;

	if ((e = curl_easy_init()) == NULL)
		return -1;
	x->x_easy = e;
	x->x_errbuf = xcalloc(1, CURL_ERROR_SIZE);
	x->x_max_size = l->hl_max_size;
	x->x_all_permanent = 1;
	curl_easy_setopt(e, CURLOPT_URL, x->x_url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->x_errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_NOPROGRESS, 1L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, http_write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, http_header_cb);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, http_open_cb);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, x);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(l->hl_timeout * 1000));
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)HTTP_MAX_REDIRECTS);
	/* A document may never send us to file:// or elsewhere. */
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR,
	    x->x_allow_file ? "http,https,file" : "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "gzip, deflate");
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)l->hl_max_size);
	if (ht->ht_user_agent != NULL)
		curl_easy_setopt(e, CURLOPT_USERAGENT, ht->ht_user_agent);
	if (x->x_etag != NULL) {
		h = xasprintf("If-None-Match: %s", x->x_etag);
		x->x_headers = curl_slist_append(x->x_headers, h);
		free(h);
	}
	if (x->x_last_modified != NULL) {
		h = xasprintf("If-Modified-Since: %s", x->x_last_modified);
		x->x_headers = curl_slist_append(x->x_headers, h);
		free(h);
	}
	for (i = 0; i < x->x_nextra; i++)
		x->x_headers = curl_slist_append(x->x_headers, x->x_extra[i]);
	if (x->x_body != NULL) {
		x->x_headers = curl_slist_append(x->x_headers,
		    "Content-Type: application/json");
		/* No "Expect: 100-continue" round trip for a small body. */
		x->x_headers = curl_slist_append(x->x_headers, "Expect:");
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)x->x_bodylen);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, x->x_body);
		/* A webhook is answered where it is, not after a redirect. */
		curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	}
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->x_headers);
	return 0;
}

/* An in-flight request is over: free its slots, tell the caller, free it. */
static void
http_xfer_end(struct http *ht, struct http_xfer *x)
{
	TAILQ_REMOVE(&ht->ht_active, x, x_link);
	x->x_host->hh_inflight--;
	ht->ht_inflight--;
	ht->ht_pending--;
	http_host_ready(ht, x->x_host);
	if (x->x_on_done != NULL)
		x->x_on_done(x->x_arg, &x->x_resp);
	http_xfer_free(x);
}

/* Starts queued requests while the limits allow, hosts in turn. */
static void
http_pump(struct http *ht)
{
	struct http_host	*h;
	struct http_xfer	*x;

	while (ht->ht_inflight < ht->ht_limits.hl_concurrency &&
	    (h = TAILQ_FIRST(&ht->ht_ready)) != NULL) {
		x = TAILQ_FIRST(&h->hh_queue);
		TAILQ_REMOVE(&h->hh_queue, x, x_link);
		TAILQ_INSERT_TAIL(&ht->ht_active, x, x_link);
		h->hh_inflight++;
		ht->ht_inflight++;
		/* Round robin: this host goes behind the others. */
		TAILQ_REMOVE(&ht->ht_ready, h, hh_ready_link);
		h->hh_ready = 0;
		http_host_ready(ht, h);
		if (http_xfer_setup(ht, x) == -1 ||
		    curl_multi_add_handle(ht->ht_multi, x->x_easy) != CURLM_OK) {
			x->x_resp.hr_error = HTTP_EOTHER;
			x->x_resp.hr_errmsg = xstrdup("cannot start transfer");
			http_xfer_end(ht, x);
		}
	}
}

static enum http_error
http_classify(struct http_xfer *x, CURLcode rc)
{
	if (x->x_toobig || rc == CURLE_FILESIZE_EXCEEDED)
		return HTTP_ETOOBIG;
	if (x->x_aborted)
		return HTTP_EABORTED;
	if (x->x_denied)
		return HTTP_EDENIED;
	switch (rc) {
	case CURLE_OK:
		return HTTP_OK;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return HTTP_EDNS;
	case CURLE_COULDNT_CONNECT:
		return HTTP_ECONNECT;
	case CURLE_OPERATION_TIMEDOUT:
		return HTTP_ETIMEOUT;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
		return HTTP_ETLS;
	case CURLE_TOO_MANY_REDIRECTS:
	case CURLE_UNSUPPORTED_PROTOCOL:
		return HTTP_EREDIRECT;
	default:
		return HTTP_EOTHER;
	}
}

static void
http_finish(struct http *ht, struct http_xfer *x, CURLcode rc)
{
	struct http_response	*r = &x->x_resp;
	char			*u = NULL;
	double			 secs = 0;

	curl_easy_getinfo(x->x_easy, CURLINFO_RESPONSE_CODE, &r->hr_status);
	curl_easy_getinfo(x->x_easy, CURLINFO_EFFECTIVE_URL, &u);
	curl_easy_getinfo(x->x_easy, CURLINFO_TOTAL_TIME, &secs);
	r->hr_seconds = secs;
	r->hr_url = xstrdup(u != NULL ? u : x->x_url);
	if (rc == CURLE_OK && r->hr_status == 0)
		r->hr_status = 200;	/* file:// */
	r->hr_error = http_classify(x, rc);
	if (x->x_redirects > 0 && x->x_all_permanent && rc == CURLE_OK &&
	    strcmp(r->hr_url, x->x_url) != 0)
		r->hr_permanent_url = xstrdup(r->hr_url);
	if (r->hr_error == HTTP_ETOOBIG)
		r->hr_errmsg = xasprintf("body over %lld bytes",
		    (long long)x->x_max_size);
	else if (r->hr_error == HTTP_EDENIED)
		r->hr_errmsg = xstrdup("address refused by deny_private");
	else if (r->hr_error != HTTP_OK && r->hr_error != HTTP_EABORTED)
		r->hr_errmsg = xstrdup(x->x_errbuf != NULL && x->x_errbuf[0] ?
		    x->x_errbuf :
		    curl_easy_strerror(rc));

	curl_multi_remove_handle(ht->ht_multi, x->x_easy);
	http_xfer_end(ht, x);
}

/* Drains curl's messages; never touches a message after removal. */
static void
http_check_done(struct http *ht)
{
	CURLMsg			*m;
	int			 left;
	struct http_xfer	*x;
	CURL			*e;
	CURLcode		 rc;

	while ((m = curl_multi_info_read(ht->ht_multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		e = m->easy_handle;
		rc = m->data.result;
		curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&x);
		http_finish(ht, x, rc);
	}
	http_pump(ht);
}

char *
http_charset(const char *ct)
{
	const char	*p, *e;

	if (ct == NULL || (p = strcasestr(ct, "charset=")) == NULL)
		return NULL;
	p += 8;
	if (*p == '"' || *p == '\'')
		p++;
	for (e = p; *e && *e != ';' && *e != '"' && *e != '\'' && *e != ' ';
	    e++)
		;
	return e > p ? xstrndup(p, (size_t)(e - p)) : NULL;
}

/* ----------------------------------------------------------- host pauses */

static void
http_wake_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct http		*ht = arg;
	struct http_host	*h;
	int64_t			 now = (int64_t)time(NULL), next = 0;
	size_t			 b;

	(void)fd;
	(void)ev;
	ht->ht_wake_at = 0;
	for (b = 0; b < HTTP_HOST_BUCKETS; b++)
		for (h = ht->ht_hosts[b]; h != NULL; h = h->hh_next) {
			if (h->hh_paused_until == 0)
				continue;
			if (h->hh_paused_until <= now) {
				h->hh_paused_until = 0;
				http_host_ready(ht, h);
			} else if (next == 0 || h->hh_paused_until < next)
				next = h->hh_paused_until;
		}
	if (next != 0) {
		struct timeval	tv = { (time_t)(next - now), 0 };

		ht->ht_wake_at = next;
		evtimer_add(ht->ht_wake, &tv);
	}
	http_pump(ht);
}

void
http_pause_host(struct http *ht, const char *url, int64_t until)
{
	struct http_host	*h = http_host_get(ht, url);
	int64_t			 now = (int64_t)time(NULL);

	if (until <= now || until <= h->hh_paused_until)
		return;
	h->hh_paused_until = until;
	http_host_ready(ht, h);
	if (ht->ht_wake_at == 0 || until < ht->ht_wake_at) {
		struct timeval	tv = { (time_t)(until - now), 0 };

		ht->ht_wake_at = until;
		evtimer_add(ht->ht_wake, &tv);
	}
}

/* ------------------------------------------------------------ life cycle */

void
http_set_limits(struct http *ht, const struct http_limits *l)
{
	free(ht->ht_user_agent);
	ht->ht_limits = *l;
	ht->ht_user_agent = l->hl_user_agent ? xstrdup(l->hl_user_agent) :
	    NULL;
	ht->ht_limits.hl_user_agent = ht->ht_user_agent;
	if (ht->ht_limits.hl_concurrency < 1)
		ht->ht_limits.hl_concurrency = 1;
	if (ht->ht_limits.hl_per_host < 1)
		ht->ht_limits.hl_per_host = 1;
}

struct http *
http_new(struct event_base *base, const struct http_limits *l, char *err,
    size_t errlen)
{
	static int	 inited;
	struct http	*ht;

	if (!inited) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			util_err(err, errlen, "curl_global_init failed");
			return NULL;
		}
		inited = 1;
	}
	ht = xcalloc(1, sizeof(*ht));
	ht->ht_base = base;
	TAILQ_INIT(&ht->ht_ready);
	TAILQ_INIT(&ht->ht_active);
	http_set_limits(ht, l);
	if ((ht->ht_multi = curl_multi_init()) == NULL) {
		free(ht->ht_user_agent);
		free(ht);
		util_err(err, errlen, "curl_multi_init failed");
		return NULL;
	}
	if ((ht->ht_timer = evtimer_new(base, http_timer_cb, ht)) == NULL ||
	    (ht->ht_wake = evtimer_new(base, http_wake_cb, ht)) == NULL)
		abort();
	curl_multi_setopt(ht->ht_multi, CURLMOPT_SOCKETFUNCTION, http_sock_cb);
	curl_multi_setopt(ht->ht_multi, CURLMOPT_SOCKETDATA, ht);
	curl_multi_setopt(ht->ht_multi, CURLMOPT_TIMERFUNCTION,
	    http_multi_timer_cb);
	curl_multi_setopt(ht->ht_multi, CURLMOPT_TIMERDATA, ht);
	return ht;
}

size_t
http_pending(const struct http *ht)
{
	return ht->ht_pending;
}

void
http_free(struct http *ht)
{
	struct http_host	*h, *hn;
	struct http_xfer	*x;
	size_t			 b;

	if (ht == NULL)
		return;
	while ((x = TAILQ_FIRST(&ht->ht_active)) != NULL) {
		curl_multi_remove_handle(ht->ht_multi, x->x_easy);
		x->x_resp.hr_error = HTTP_ECANCELLED;
		http_xfer_end(ht, x);
	}
	for (b = 0; b < HTTP_HOST_BUCKETS; b++)
		for (h = ht->ht_hosts[b]; h != NULL; h = hn) {
			hn = h->hh_next;
			while ((x = TAILQ_FIRST(&h->hh_queue)) != NULL) {
				TAILQ_REMOVE(&h->hh_queue, x, x_link);
				x->x_resp.hr_error = HTTP_ECANCELLED;
				if (x->x_on_done != NULL)
					x->x_on_done(x->x_arg, &x->x_resp);
				http_xfer_free(x);
			}
			free(h->hh_name);
			free(h);
		}
	curl_multi_cleanup(ht->ht_multi);
	event_free(ht->ht_timer);
	event_free(ht->ht_wake);
	free(ht->ht_user_agent);
	free(ht);
}
