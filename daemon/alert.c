/*
 * alert.c: the alert as users receive it (pure): the contract's JSON
 * (interface.md, "Alert: JSON"), the slack and discord bodies, the syslog
 * line, the stable alert id and the Standard Webhooks signature.
 *
 * Everything an alert carries from a feed (title, link, author, summary)
 * is untrusted.  In JSON, jansson escapes it; in the one-line forms
 * (syslog, chat) every control character, line separator and bidi
 * override is neutralised so that a feed cannot forge a second log line
 * or a misleading one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <utf8proc.h>

#include "alert.h"
#include "conf.h"
#include "date.h"
#include "html.h"
#include "text.h"
#include "util.h"

#define ALERT_TYPE		"newswatch.alert"
/* A title in a one-line form: enough to recognise the story. */
#define ALERT_LINE_TITLE_MAX	200
/*
 * Discord refuses content over 2,000 characters: past this a link is
 * left out of a chat message rather than cut into a broken one.
 */
#define ALERT_CHAT_LINK_MAX	1500

/* The bytes of a finished buffer as a string of their own. */
static char *
alert_detach(struct sbuf *sb)
{
	char	*s = xstrndup(sb->sb_buf, sb->sb_len);

	sbuf_free(sb);
	return s;
}

void
alert_make_id(const char *watchlist, const char *feed, const char *item_key,
    char out[ALERT_ID_LEN + 1])
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen = 0;
	struct sbuf		 sb;
	size_t			 i;

	/* NUL separators: ("ab", "c") and ("a", "bc") must differ. */
	sbuf_init(&sb);
	sbuf_add(&sb, watchlist, strlen(watchlist) + 1);
	sbuf_add(&sb, feed, strlen(feed) + 1);
	sbuf_adds(&sb, item_key);
	/* SHA-256 fails only when libcrypto cannot allocate: as xmalloc. */
	if (!EVP_Digest(sb.sb_buf, sb.sb_len, md, &mdlen, EVP_sha256(), NULL) ||
	    mdlen < ALERT_ID_LEN / 2)
		abort();
	sbuf_free(&sb);
	for (i = 0; i < ALERT_ID_LEN / 2; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0xf];
	}
	out[ALERT_ID_LEN] = '\0';
}

/* JSON. */

/* A string, null for NULL; invalid UTF-8 is dropped rather than refused. */
static json_t *
alert_json_str(const char *s)
{
	struct sbuf	 sb;
	json_t		*j;

	if (s == NULL)
		return json_null();
	if ((j = json_string(s)) != NULL)
		return j;
	sbuf_init(&sb);
	text_truncate(&sb, s, SIZE_MAX);
	j = json_string(sb.sb_buf);
	sbuf_free(&sb);
	return j != NULL ? j : json_null();
}

static json_t *
alert_json_date(int64_t t)
{
	char	buf[DATE_RFC3339_LEN];

	if (t == DATE_NONE)
		return json_null();
	date_format(t, buf);
	return json_string(buf);
}

static int
alert_dump_cb(const char *buf, size_t len, void *arg)
{
	sbuf_add(arg, buf, len);
	return 0;
}

/* Compact, keys in insertion order; through sbuf so OOM stays fatal. */
static char *
alert_dump(const json_t *j)
{
	struct sbuf	sb;

	sbuf_init(&sb);
	if (json_dump_callback(j, alert_dump_cb, &sb,
	    JSON_COMPACT | JSON_PRESERVE_ORDER) == -1)
		abort();
	return alert_detach(&sb);
}

char *
alert_to_json(const struct alert *a)
{
	json_t		*root, *feed, *item, *matched;
	struct sbuf	 sum;
	char		*s;
	size_t		 i;

	matched = json_array();
	for (i = 0; i < a->a_nmatched; i++)
		json_array_append_new(matched, alert_json_str(a->a_matched[i]));

	feed = json_object();
	json_object_set_new(feed, "name", alert_json_str(a->a_feed_name));
	json_object_set_new(feed, "url", alert_json_str(a->a_feed_url));

	item = json_object();
	json_object_set_new(item, "id", alert_json_str(a->a_item_id));
	json_object_set_new(item, "title", alert_json_str(a->a_title));
	json_object_set_new(item, "link", alert_json_str(a->a_link));
	json_object_set_new(item, "published", alert_json_date(a->a_published));
	json_object_set_new(item, "author", alert_json_str(a->a_author));
	if (a->a_summary != NULL) {
		/* At most ALERT_SUMMARY_MAX code points, "…" included. */
		sbuf_init(&sum);
		text_truncate(&sum, a->a_summary, ALERT_SUMMARY_MAX);
		json_object_set_new(item, "summary", alert_json_str(sum.sb_buf));
		sbuf_free(&sum);
	} else
		json_object_set_new(item, "summary", json_null());

	root = json_object();
	json_object_set_new(root, "type", json_string(ALERT_TYPE));
	json_object_set_new(root, "id", alert_json_str(a->a_id));
	json_object_set_new(root, "watchlist", alert_json_str(a->a_watchlist));
	json_object_set_new(root, "matched", matched);
	json_object_set_new(root, "feed", feed);
	json_object_set_new(root, "item", item);
	json_object_set_new(root, "detected_at",
	    alert_json_date(a->a_detected_at));

	s = alert_dump(root);
	json_decref(root);
	return s;
}

/* The fields the one-line forms need, borrowed from the parsed JSON. */
struct alert_view {
	json_t		*av_root;
	const char	*av_watchlist;
	const char	*av_feed;
	const char	*av_title;
	const char	*av_link;
};

static int
alert_view(struct alert_view *v, const char *json, char *err, size_t errlen)
{
	json_error_t	 jerr;
	json_t		*feed, *item;

	memset(v, 0, sizeof(*v));
	if ((v->av_root = json_loads(json, 0, &jerr)) == NULL)
		return util_err(err, errlen, "alert is not JSON: %s", jerr.text);
	if (!json_is_object(v->av_root) ||
	    json_string_value(json_object_get(v->av_root, "type")) == NULL ||
	    strcmp(json_string_value(json_object_get(v->av_root, "type")),
	    ALERT_TYPE) != 0) {
		json_decref(v->av_root);
		v->av_root = NULL;
		return util_err(err, errlen, "JSON is not a %s", ALERT_TYPE);
	}
	feed = json_object_get(v->av_root, "feed");
	item = json_object_get(v->av_root, "item");
	/* json_string_value() is NULL for a missing or non-string value. */
	v->av_watchlist = json_string_value(json_object_get(v->av_root,
	    "watchlist"));
	v->av_feed = json_string_value(json_object_get(feed, "name"));
	v->av_title = json_string_value(json_object_get(item, "title"));
	v->av_link = json_string_value(json_object_get(item, "link"));
	return 0;
}

/* One-line text. */

static int
alert_is_bidi(utf8proc_int32_t cp)
{
	return (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e || cp == 0x200f;
}

/* Characters that end a line somewhere: C0, DEL, C1, U+2028, U+2029. */
static int
alert_is_break(utf8proc_int32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
	    cp == 0x2028 || cp == 0x2029;
}

/*
 * s as one line of text: every control character and line separator is a
 * blank, blank runs are one space, no blank at either end, bidi
 * overrides dropped, invalid UTF-8 is U+FFFD; cut to max code points.
 */
static char *
alert_oneline(const char *s, size_t max)
{
	const utf8proc_uint8_t	*p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t	 len = (utf8proc_ssize_t)strlen(s), n;
	utf8proc_int32_t	 cp;
	struct sbuf		 flat, out;
	int			 blank = 0;

	sbuf_init(&flat);
	while (len > 0) {
		if ((n = utf8proc_iterate(p, len, &cp)) < 0) {
			n = 1;
			cp = 0xfffd;
		}
		p += n;
		len -= n;
		if (alert_is_bidi(cp))
			continue;
		if (alert_is_break(cp) || cp == ' ') {
			blank = 1;
			continue;
		}
		if (blank && flat.sb_len > 0)
			sbuf_addc(&flat, ' ');
		blank = 0;
		if (cp == 0xfffd)
			sbuf_adds(&flat, "\xef\xbf\xbd");
		else
			sbuf_add(&flat, (const char *)p - n, (size_t)n);
	}
	sbuf_init(&out);
	text_truncate(&out, flat.sb_buf, max);
	sbuf_free(&flat);
	return alert_detach(&out);
}

/*
 * s as one blank-free token (a link, a name): blanks, control
 * characters, line separators, bidi overrides, '"' and invalid bytes are
 * percent-encoded, which keeps a link a working link.
 */
static void
alert_token(struct sbuf *sb, const char *s)
{
	const utf8proc_uint8_t	*p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t	 len = (utf8proc_ssize_t)strlen(s), n, i;
	utf8proc_int32_t	 cp;

	while (len > 0) {
		if ((n = utf8proc_iterate(p, len, &cp)) < 0) {
			n = 1;
			cp = -1;
		}
		if (cp == -1 || cp == ' ' || cp == '"' || alert_is_break(cp) ||
		    alert_is_bidi(cp)) {
			for (i = 0; i < n; i++)
				sbuf_printf(sb, "%%%02X", p[i]);
		} else
			sbuf_add(sb, (const char *)p, (size_t)n);
		p += n;
		len -= n;
	}
}

/* "[watchlist] title link": the chat message of slack and discord. */
static char *
alert_chat_line(const struct alert_view *v)
{
	struct sbuf	 sb;
	char		*title;

	sbuf_init(&sb);
	sbuf_adds(&sb, "[");
	alert_token(&sb, v->av_watchlist != NULL ? v->av_watchlist : "");
	sbuf_adds(&sb, "]");
	if (v->av_title != NULL) {
		title = alert_oneline(v->av_title, ALERT_LINE_TITLE_MAX);
		if (*title != '\0') {
			sbuf_addc(&sb, ' ');
			sbuf_adds(&sb, title);
		}
		free(title);
	}
	if (v->av_link != NULL && *v->av_link != '\0' &&
	    strlen(v->av_link) <= ALERT_CHAT_LINK_MAX) {
		sbuf_addc(&sb, ' ');
		alert_token(&sb, v->av_link);
	}
	return alert_detach(&sb);
}

/* Slack reads &, < and > as markup: its documentation asks for these. */
static char *
alert_slack_escape(const char *s)
{
	struct sbuf	sb;

	sbuf_init(&sb);
	html_escape(&sb, s);
	return alert_detach(&sb);
}

char *
alert_webhook_body(const char *json, int format, char *err, size_t errlen)
{
	struct alert_view	 v;
	json_t			*body, *am;
	char			*line, *s;

	if (alert_view(&v, json, err, errlen) == -1)
		return NULL;
	if (format != CONF_FORMAT_SLACK && format != CONF_FORMAT_DISCORD) {
		json_decref(v.av_root);
		if (format != CONF_FORMAT_JSON) {
			util_err(err, errlen, "unknown webhook format %d",
			    format);
			return NULL;
		}
		return xstrdup(json);
	}

	line = alert_chat_line(&v);
	body = json_object();
	if (format == CONF_FORMAT_SLACK) {
		s = alert_slack_escape(line);
		json_object_set_new(body, "text", json_string(s));
		free(s);
	} else {
		json_object_set_new(body, "content", json_string(line));
		/*
		 * A title is the feed's text: "@everyone" in it must not
		 * ping a whole Discord server.
		 */
		am = json_object();
		json_object_set_new(am, "parse", json_array());
		json_object_set_new(body, "allowed_mentions", am);
	}
	free(line);
	s = alert_dump(body);
	json_decref(body);
	json_decref(v.av_root);
	return s;
}

char *
alert_syslog_line(const char *json)
{
	struct alert_view	 v;
	struct sbuf		 sb;
	char			*title, *t;

	if (alert_view(&v, json, NULL, 0) == -1)
		return NULL;
	sbuf_init(&sb);
	sbuf_adds(&sb, "alert watchlist=");
	alert_token(&sb, v.av_watchlist != NULL ? v.av_watchlist : "");
	sbuf_adds(&sb, " feed=");
	alert_token(&sb, v.av_feed != NULL ? v.av_feed : "");
	sbuf_adds(&sb, " title=\"");
	title = alert_oneline(v.av_title != NULL ? v.av_title : "",
	    ALERT_LINE_TITLE_MAX);
	/* Escaped after the cut, so a cut never leaves a lone backslash. */
	for (t = title; *t != '\0'; t++) {
		if (*t == '"' || *t == '\\')
			sbuf_addc(&sb, '\\');
		sbuf_addc(&sb, *t);
	}
	free(title);
	sbuf_adds(&sb, "\" link=");
	alert_token(&sb, v.av_link != NULL ? v.av_link : "");
	json_decref(v.av_root);
	return alert_detach(&sb);
}

/* Signing. */

/*
 * Strict base64 (RFC 4648 section 4, padded, no blanks) into a new
 * buffer; -1 if s is anything else or empty.  EVP_DecodeBlock alone
 * would accept blanks and count the padding as bytes.
 */
static int
alert_b64_decode(const char *s, unsigned char **out, size_t *outlen)
{
	size_t		 i, len = strlen(s), pad = 0;
	int		 n;
	unsigned char	 c;

	if (len == 0 || len % 4 != 0 || len > INT32_MAX)
		return -1;
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '=') {
			if (i < len - 2 || ++pad > 2)
				return -1;
		} else if (pad > 0 || !((c >= 'A' && c <= 'Z') ||
		    (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '+' || c == '/'))
			return -1;
	}
	*out = xmalloc(len / 4 * 3 + 1);
	if ((n = EVP_DecodeBlock(*out, (const unsigned char *)s,
	    (int)len)) < 0 || (size_t)n < pad || (size_t)n - pad == 0) {
		free(*out);
		*out = NULL;
		return -1;
	}
	*outlen = (size_t)n - pad;
	return 0;
}

char *
alert_sign(const char *secret, const char *msg_id, int64_t ts,
    const char *body, size_t bodylen, char *err, size_t errlen)
{
	unsigned char	*key, mac[EVP_MAX_MD_SIZE];
	unsigned char	 b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
	unsigned int	 maclen = 0;
	size_t		 keylen;
	struct sbuf	 msg;

	/* Never quote the secret in the error: it would end up in a log. */
	if (strncmp(secret, "whsec_", 6) != 0) {
		util_err(err, errlen, "webhook secret does not start with "
		    "'whsec_'");
		return NULL;
	}
	if (alert_b64_decode(secret + 6, &key, &keylen) == -1) {
		util_err(err, errlen, "webhook secret is not valid base64 "
		    "after 'whsec_'");
		return NULL;
	}
	sbuf_init(&msg);
	sbuf_printf(&msg, "%s.%lld.", msg_id, (long long)ts);
	sbuf_add(&msg, body, bodylen);
	if (HMAC(EVP_sha256(), key, (int)keylen,
	    (const unsigned char *)msg.sb_buf, msg.sb_len, mac,
	    &maclen) == NULL) {
		free(key);
		sbuf_free(&msg);
		util_err(err, errlen, "HMAC-SHA256 failed");
		return NULL;
	}
	OPENSSL_cleanse(key, keylen);
	free(key);
	sbuf_free(&msg);
	EVP_EncodeBlock(b64, mac, (int)maclen);
	return xasprintf("v1,%s", b64);
}
