/*
 * test_alert.c: the alert JSON, chat bodies, syslog line, id and
 * signature (alert.c) against interface.md.
 */
#include "unit.h"

#include <jansson.h>

#include "alert.h"
#include "conf.h"
#include "date.h"
#include "util.h"

static const char *const words[] = { "Latvia", "NATO", "troops" };

/* The contract's example alert. */
static void
example(struct alert *a)
{
	memset(a, 0, sizeof(*a));
	alert_make_id("baltic", "lapresse",
	    "https://www.lapresse.ca/international/2022-01-21/latvia.php",
	    a->a_id);
	a->a_watchlist = "baltic";
	a->a_matched = words;
	a->a_nmatched = 3;
	a->a_feed_name = "lapresse";
	a->a_feed_url = "https://www.lapresse.ca/actualites/rss";
	a->a_item_id =
	    "https://www.lapresse.ca/international/2022-01-21/latvia.php";
	a->a_title = "Latvia hopes Canada will extend its military presence";
	a->a_link =
	    "https://www.lapresse.ca/international/2022-01-21/latvia.php";
	a->a_published = 1642774320;	/* 2022-01-21T14:12:00Z */
	a->a_author = "Lee Berthiaume";
	a->a_summary = "plain text, at most 1000 characters";
	a->a_detected_at = 1795716000;	/* 2026-11-26T18:00:00Z */
}

static json_t *
load(const char *s)
{
	json_error_t	 err;
	json_t		*j;

	if ((j = json_loads(s, 0, &err)) == NULL)
		fail_msg("not JSON (%s): %s", err.text, s);
	return j;
}

/* The keys of object o, in order, are exactly those of the list. */
static void
assert_keys(json_t *o, const char *const *keys, size_t n)
{
	const char	*k;
	json_t		*v;
	size_t		 i = 0;

	assert_true(json_is_object(o));
	assert_int_equal(json_object_size(o), n);
	json_object_foreach(o, k, v) {
		(void)v;
		assert_string_equal(k, keys[i]);
		i++;
	}
}

static const char *
str_at(json_t *root, const char *obj, const char *key)
{
	json_t	*o = obj != NULL ? json_object_get(root, obj) : root;
	const char *s = json_string_value(json_object_get(o, key));

	if (s == NULL)
		fail_msg("%s.%s is not a string", obj ? obj : "", key);
	return s;
}

static void
test_id(void **state)
{
	char	a[ALERT_ID_LEN + 1], b[ALERT_ID_LEN + 1];
	size_t	i;

	(void)state;
	/* hashlib.sha256(b"baltic\0lapresse\0https://x/1").hexdigest()[:16] */
	alert_make_id("baltic", "lapresse", "https://x/1", a);
	assert_string_equal(a, "f8faef588a6bb31f");
	alert_make_id("baltic", "lapresse", "https://x/1", b);
	assert_string_equal(a, b);
	assert_int_equal(strlen(a), ALERT_ID_LEN);
	for (i = 0; i < ALERT_ID_LEN; i++)
		assert_non_null(strchr("0123456789abcdef", a[i]));

	alert_make_id("baltic", "lapresse", "https://x/2", b);
	assert_string_not_equal(a, b);
	alert_make_id("nordic", "lapresse", "https://x/1", b);
	assert_string_not_equal(a, b);
	alert_make_id("baltic", "cbc", "https://x/1", b);
	assert_string_not_equal(a, b);
	/* The separators keep the fields apart. */
	alert_make_id("ab", "c", "x", a);
	alert_make_id("a", "bc", "x", b);
	assert_string_not_equal(a, b);
}

static void
test_json(void **state)
{
	static const char *const top[] = { "type", "id", "watchlist",
	    "matched", "feed", "item", "detected_at" };
	static const char *const feedk[] = { "name", "url" };
	static const char *const itemk[] = { "id", "title", "link",
	    "published", "author", "summary" };
	struct alert	 a;
	json_t		*j, *m;
	char		*s;
	size_t		 i;

	(void)state;
	example(&a);
	s = alert_to_json(&a);
	/* One compact line. */
	assert_null(strchr(s, '\n'));
	assert_null(strstr(s, ": "));
	j = load(s);
	assert_keys(j, top, 7);
	assert_keys(json_object_get(j, "feed"), feedk, 2);
	assert_keys(json_object_get(j, "item"), itemk, 6);
	assert_string_equal(str_at(j, NULL, "type"), "newswatch.alert");
	assert_string_equal(str_at(j, NULL, "id"), a.a_id);
	assert_string_equal(str_at(j, NULL, "watchlist"), "baltic");
	m = json_object_get(j, "matched");
	assert_true(json_is_array(m));
	assert_int_equal(json_array_size(m), 3);
	for (i = 0; i < 3; i++)
		assert_string_equal(json_string_value(json_array_get(m, i)),
		    words[i]);
	assert_string_equal(str_at(j, "feed", "name"), "lapresse");
	assert_string_equal(str_at(j, "feed", "url"),
	    "https://www.lapresse.ca/actualites/rss");
	assert_string_equal(str_at(j, "item", "id"),
	    "https://www.lapresse.ca/international/2022-01-21/latvia.php");
	assert_string_equal(str_at(j, "item", "title"),
	    "Latvia hopes Canada will extend its military presence");
	assert_string_equal(str_at(j, "item", "link"),
	    "https://www.lapresse.ca/international/2022-01-21/latvia.php");
	assert_string_equal(str_at(j, "item", "published"),
	    "2022-01-21T14:12:00Z");
	assert_string_equal(str_at(j, "item", "author"), "Lee Berthiaume");
	assert_string_equal(str_at(j, "item", "summary"),
	    "plain text, at most 1000 characters");
	assert_string_equal(str_at(j, NULL, "detected_at"),
	    "2026-11-26T18:00:00Z");
	json_decref(j);
	free(s);
}

/* Whatever the feed did not give is null, never "" nor missing. */
static void
test_json_nulls(void **state)
{
	struct alert	 a;
	json_t		*j, *item;
	char		*s;

	(void)state;
	memset(&a, 0, sizeof(a));
	alert_make_id("w", "f", "k", a.a_id);
	a.a_watchlist = "w";
	a.a_feed_name = "f";
	a.a_feed_url = "file:///tmp/f.xml";
	a.a_item_id = "k";
	a.a_published = DATE_NONE;
	a.a_detected_at = 0;
	s = alert_to_json(&a);
	j = load(s);
	assert_true(json_is_array(json_object_get(j, "matched")));
	assert_int_equal(json_array_size(json_object_get(j, "matched")), 0);
	item = json_object_get(j, "item");
	assert_int_equal(json_object_size(item), 6);
	assert_true(json_is_null(json_object_get(item, "title")));
	assert_true(json_is_null(json_object_get(item, "link")));
	assert_true(json_is_null(json_object_get(item, "published")));
	assert_true(json_is_null(json_object_get(item, "author")));
	assert_true(json_is_null(json_object_get(item, "summary")));
	assert_string_equal(str_at(j, NULL, "detected_at"),
	    "1970-01-01T00:00:00Z");
	json_decref(j);
	free(s);
}

static size_t
utf8_chars(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static void
test_json_summary(void **state)
{
	struct alert	 a;
	struct sbuf	 sb;
	json_t		*j;
	const char	*sum;
	char		*s;
	size_t		 i;

	(void)state;
	example(&a);
	/* 1500 two-byte characters: cut on a character, not a byte. */
	sbuf_init(&sb);
	for (i = 0; i < 1500; i++)
		sbuf_adds(&sb, "\xc3\xa9");
	a.a_summary = sb.sb_buf;
	s = alert_to_json(&a);
	j = load(s);
	sum = str_at(j, "item", "summary");
	assert_int_equal(utf8_chars(sum), ALERT_SUMMARY_MAX);
	assert_string_equal(sum + strlen(sum) - 3, "\xe2\x80\xa6");
	assert_memory_equal(sum, sb.sb_buf, 2 * (ALERT_SUMMARY_MAX - 1));
	json_decref(j);
	free(s);

	/* Exactly the limit: untouched. */
	sbuf_reset(&sb);
	for (i = 0; i < ALERT_SUMMARY_MAX; i++)
		sbuf_addc(&sb, 'a' + (char)(i % 26));
	s = alert_to_json(&a);
	j = load(s);
	assert_string_equal(str_at(j, "item", "summary"), sb.sb_buf);
	json_decref(j);
	free(s);
	sbuf_free(&sb);
}

/* Bad bytes from a feed never make the JSON invalid. */
static void
test_json_bad_utf8(void **state)
{
	struct alert	 a;
	json_t		*j;
	char		*s;

	(void)state;
	example(&a);
	a.a_title = "bad \xff\xfe byte";
	a.a_author = "\xc3";
	a.a_summary = "ok \xe2\x82 then";
	s = alert_to_json(&a);
	j = load(s);
	assert_string_equal(str_at(j, "item", "title"), "bad  byte");
	assert_string_equal(str_at(j, "item", "author"), "");
	assert_string_equal(str_at(j, "item", "summary"), "ok  then");
	json_decref(j);
	free(s);
}

static char *
body(const struct alert *a, int format)
{
	char	*json, *b, err[256];

	json = alert_to_json(a);
	err[0] = '\0';
	b = alert_webhook_body(json, format, err, sizeof(err));
	if (b == NULL)
		fail_msg("alert_webhook_body: %s", err);
	free(json);
	return b;
}

static void
test_body_json(void **state)
{
	struct alert	 a;
	char		*json, *b;

	(void)state;
	example(&a);
	json = alert_to_json(&a);
	b = body(&a, CONF_FORMAT_JSON);
	assert_string_equal(b, json);
	free(b);
	free(json);
}

static void
test_body_chat(void **state)
{
	static const char *const slackk[] = { "text" };
	static const char *const discordk[] = { "content",
	    "allowed_mentions" };
	struct alert	 a;
	json_t		*j, *am;
	char		*b;

	(void)state;
	example(&a);
	b = body(&a, CONF_FORMAT_SLACK);
	j = load(b);
	assert_keys(j, slackk, 1);
	assert_string_equal(str_at(j, NULL, "text"), "[baltic] Latvia hopes "
	    "Canada will extend its military presence https://www.lapresse.ca"
	    "/international/2022-01-21/latvia.php");
	json_decref(j);
	free(b);

	b = body(&a, CONF_FORMAT_DISCORD);
	j = load(b);
	assert_keys(j, discordk, 2);
	assert_string_equal(str_at(j, NULL, "content"), "[baltic] Latvia "
	    "hopes Canada will extend its military presence https://www."
	    "lapresse.ca/international/2022-01-21/latvia.php");
	/* No @everyone from a feed's title. */
	am = json_object_get(j, "allowed_mentions");
	assert_true(json_is_array(json_object_get(am, "parse")));
	assert_int_equal(json_array_size(json_object_get(am, "parse")), 0);
	json_decref(j);
	free(b);

	/* Newlines are gone, Slack's markup characters escaped. */
	a.a_title = "  Q&A:\n<b>NATO</b>\r\n\ttroops\xe2\x80\xa8here  ";
	a.a_link = "https://x/a b\nc";
	b = body(&a, CONF_FORMAT_SLACK);
	j = load(b);
	assert_string_equal(str_at(j, NULL, "text"), "[baltic] Q&amp;A: "
	    "&lt;b&gt;NATO&lt;/b&gt; troops here https://x/a%20b%0Ac");
	json_decref(j);
	free(b);
	b = body(&a, CONF_FORMAT_DISCORD);
	j = load(b);
	assert_string_equal(str_at(j, NULL, "content"), "[baltic] Q&A: "
	    "<b>NATO</b> troops here https://x/a%20b%0Ac");
	json_decref(j);
	free(b);

	/* No title, no link. */
	a.a_title = NULL;
	a.a_link = NULL;
	b = body(&a, CONF_FORMAT_DISCORD);
	j = load(b);
	assert_string_equal(str_at(j, NULL, "content"), "[baltic]");
	json_decref(j);
	free(b);
}

static void
test_body_long_title(void **state)
{
	struct alert	 a;
	struct sbuf	 sb;
	json_t		*j;
	const char	*t;
	char		*b;
	size_t		 i;

	(void)state;
	example(&a);
	sbuf_init(&sb);
	for (i = 0; i < 5000; i++)
		sbuf_adds(&sb, "word ");
	a.a_title = sb.sb_buf;
	b = body(&a, CONF_FORMAT_DISCORD);
	j = load(b);
	t = str_at(j, NULL, "content");
	/* Discord's limit is 2,000 characters. */
	assert_true(utf8_chars(t) < 2000);
	assert_non_null(strstr(t, "\xe2\x80\xa6 https://www.lapresse.ca/"));
	json_decref(j);
	free(b);
	sbuf_free(&sb);
}

static void
test_body_bad(void **state)
{
	char	 err[256];

	(void)state;
	err[0] = '\0';
	assert_null(alert_webhook_body("{", CONF_FORMAT_JSON, err,
	    sizeof(err)));
	assert_non_null(strstr(err, "not JSON"));
	err[0] = '\0';
	assert_null(alert_webhook_body("{\"type\":\"other\"}",
	    CONF_FORMAT_SLACK, err, sizeof(err)));
	assert_string_equal(err, "JSON is not a newswatch.alert");
	assert_null(alert_webhook_body("[1]", CONF_FORMAT_DISCORD, err,
	    sizeof(err)));
	assert_null(alert_webhook_body("{\"type\":\"newswatch.alert\"}", 99,
	    err, sizeof(err)));
	assert_string_equal(err, "unknown webhook format 99");
	assert_null(alert_syslog_line("not json"));
	assert_null(alert_syslog_line("{\"type\":1}"));
}

static char *
syslog_line(const struct alert *a)
{
	char	*json, *line;

	json = alert_to_json(a);
	line = alert_syslog_line(json);
	assert_non_null(line);
	free(json);
	return line;
}

static void
test_syslog(void **state)
{
	struct alert	 a;
	char		*l;
	const char	*p;

	(void)state;
	example(&a);
	l = syslog_line(&a);
	assert_string_equal(l, "alert watchlist=baltic feed=lapresse "
	    "title=\"Latvia hopes Canada will extend its military presence\" "
	    "link=https://www.lapresse.ca/international/2022-01-21/latvia.php");
	free(l);

	/* A feed cannot forge a second line or break out of the quotes. */
	a.a_title = "a \"quoted\" back\\slash\nalert watchlist=x\r"
	    "\x1b[31mred\x7f\xc2\x85nel\xe2\x80\xa9ps \xe2\x80\xae" "evil";
	a.a_link = "https://x/\" injected=1\n";
	l = syslog_line(&a);
	assert_string_equal(l, "alert watchlist=baltic feed=lapresse "
	    "title=\"a \\\"quoted\\\" back\\\\slash alert watchlist=x "
	    "[31mred nel ps evil\" "
	    "link=https://x/%22%20injected=1%0A");
	for (p = l; *p != '\0'; p++)
		assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
	free(l);

	/* A cut title never ends in a lone backslash. */
	{
		struct sbuf	sb;
		size_t		i;

		sbuf_init(&sb);
		for (i = 0; i < 1000; i++)
			sbuf_addc(&sb, '\\');
		a.a_title = sb.sb_buf;
		a.a_link = "https://x/";
		l = syslog_line(&a);
		p = strstr(l, "\xe2\x80\xa6\" link=https://x/");
		assert_non_null(p);
		free(l);
		sbuf_free(&sb);
	}

	a.a_title = NULL;
	a.a_link = NULL;
	l = syslog_line(&a);
	assert_string_equal(l,
	    "alert watchlist=baltic feed=lapresse title=\"\" link=");
	free(l);
}

/* The known-answer vector of the Standard Webhooks specification. */
static void
test_sign(void **state)
{
	static const char body[] = "{\"test\": 2432232314}";
	char	*sig, err[256];

	(void)state;
	err[0] = '\0';
	sig = alert_sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
	    "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body,
	    sizeof(body) - 1, err, sizeof(err));
	assert_non_null(sig);
	assert_string_equal(sig,
	    "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
	free(sig);

	/* The body is taken by its length, not up to a NUL. */
	sig = alert_sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
	    "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body,
	    sizeof(body) - 2, err, sizeof(err));
	assert_string_not_equal(sig,
	    "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
	free(sig);
}

static void
test_sign_bad(void **state)
{
	static const char *const bad64[] = {
		"whsec_", "whsec_abc", "whsec_ab=c", "whsec_a===",
		"whsec_MfKQ 9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
		"whsec_MfKQ-9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
	};
	char	 err[256];
	size_t	 i;

	(void)state;
	assert_null(alert_sign("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "m", 1,
	    "x", 1, err, sizeof(err)));
	assert_string_equal(err,
	    "webhook secret does not start with 'whsec_'");
	for (i = 0; i < sizeof(bad64) / sizeof(bad64[0]); i++) {
		err[0] = '\0';
		if (alert_sign(bad64[i], "m", 1, "x", 1, err,
		    sizeof(err)) != NULL)
			fail_msg("secret '%s' accepted", bad64[i]);
		assert_string_equal(err, "webhook secret is not valid base64 "
		    "after 'whsec_'");
	}
	/* NULL err is allowed. */
	assert_null(alert_sign("nope", "m", 1, "x", 1, NULL, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_nulls),
		cmocka_unit_test(test_json_summary),
		cmocka_unit_test(test_json_bad_utf8),
		cmocka_unit_test(test_body_json),
		cmocka_unit_test(test_body_chat),
		cmocka_unit_test(test_body_long_title),
		cmocka_unit_test(test_body_bad),
		cmocka_unit_test(test_syslog),
		cmocka_unit_test(test_sign),
		cmocka_unit_test(test_sign_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
