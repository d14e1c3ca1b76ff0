/*
 * test_html.c: character references and the sanitizer.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "util.h"

static void
assert_ref(const char *name, const char *want)
{
	char	out[HTML_ENTITY_MAX];
	size_t	n;

	n = html_entity_decode(name, strlen(name), out);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(out, want, n);
}

static void
assert_clean(const char *in, const char *base, const char *want)
{
	char	*out;

	out = html_sanitize(in, strlen(in), base);
	assert_string_equal(out, want);
	free(out);
}

static void
test_entity_named(void **state)
{
	(void)state;
	assert_ref("nbsp", "\xc2\xa0");
	assert_ref("eacute", "\xc3\xa9");
	assert_ref("mdash", "\xe2\x80\x94");
	assert_ref("amp", "&");
	assert_ref("AElig", "\xc3\x86");
	assert_ref("zwnj", "\xe2\x80\x8c");
	/* HTML5 names with two code points */
	assert_ref("NotEqualTilde", "\xe2\x89\x82\xcc\xb8");
}

static void
test_entity_unknown(void **state)
{
	char	out[HTML_ENTITY_MAX];

	(void)state;
	assert_int_equal(html_entity_decode("nosuch", 6, out), 0);
	assert_int_equal(html_entity_decode("", 0, out), 0);
	assert_int_equal(html_entity_decode("Nbsp", 4, out), 0);
	/* a prefix of a longer name is no name */
	assert_int_equal(html_entity_decode("nbs", 3, out), 0);
	assert_int_equal(html_entity_decode("amp\0x", 5, out), 0);
	assert_int_equal(html_entity_decode("#", 1, out), 0);
	assert_int_equal(html_entity_decode("#x", 2, out), 0);
	assert_int_equal(html_entity_decode("#12a", 4, out), 0);
}

static void
test_entity_numeric(void **state)
{
	(void)state;
	assert_ref("#233", "\xc3\xa9");
	assert_ref("#xE9", "\xc3\xa9");
	assert_ref("#XE9", "\xc3\xa9");
	assert_ref("#x1F600", "\xf0\x9f\x98\x80");
	assert_ref("#65", "A");
	/* windows-1252 for C1 controls, as browsers do */
	assert_ref("#150", "\xe2\x80\x93");
	assert_ref("#x80", "\xe2\x82\xac");
	/* NUL, surrogates and past U+10FFFF: U+FFFD */
	assert_ref("#0", "\xef\xbf\xbd");
	assert_ref("#xD800", "\xef\xbf\xbd");
	assert_ref("#x110000", "\xef\xbf\xbd");
	assert_ref("#99999999999999999999", "\xef\xbf\xbd");
}

static void
test_sanitize_script_style(void **state)
{
	(void)state;
	assert_clean("safe<script type=\"text/javascript\">alert(1)</script> "
	    "description", NULL, "safe description");
	assert_clean("a<style>body{}</style>b", NULL, "ab");
	assert_clean("a<SCRIPT>x</SCRIPT>b", NULL, "ab");
	assert_clean("a<iframe src=\"http://e/\">x</iframe>b", NULL, "ab");
	assert_clean("a<object data=\"x\"><param name=\"a\">x</object>b",
	    NULL, "ab");
	assert_clean("a<embed src=\"x.swf\">b", NULL, "ab");
	assert_clean("<applet code=\"x\">y</applet>z", NULL, "z");
}

static void
test_sanitize_attributes(void **state)
{
	(void)state;
	assert_clean("<img src=\"http://e/i.jpg\" onclick=\"evil()\" />", NULL,
	    "<img src=\"http://e/i.jpg\" />");
	assert_clean("<p onmouseover='x()' class=c>t</p>", NULL,
	    "<p class=\"c\">t</p>");
	/* attributes come out sorted and lower case, as feedparser writes */
	assert_clean("<a TITLE=\"t\" HREF=\"http://e/\">x</a>", NULL,
	    "<a href=\"http://e/\" title=\"t\">x</a>");
}

/*
 * An escape at every place of values of every length around 16 and 32:
 * the scans go 16 bytes at a time and read the last ones again.
 */
static void
test_sanitize_runs(void **state)
{
	char	val[48], in[96], want[128];
	size_t	len, at;

	(void)state;
	for (len = 1; len < 40; len++)
		for (at = 0; at < len; at++) {
			memset(val, 'x', len);
			val[len] = '\0';
			val[at] = '&';
			snprintf(in, sizeof(in), "<p title=\"%s\">t</p>", val);
			val[at] = '\0';
			snprintf(want, sizeof(want),
			    "<p title=\"%s&amp;%s\">t</p>", val, val + at + 1);
			assert_clean(in, NULL, want);
		}
}

static void
test_sanitize_urls(void **state)
{
	(void)state;
	assert_clean("<a href=\"javascript:alert(1)\">x</a>", NULL,
	    "<a href=\"\">x</a>");
	assert_clean("<a href=\" JavaScript:alert(1)\">x</a>", NULL,
	    "<a href=\"\">x</a>");
	assert_clean("<img src=\"vbscript:x\" />", NULL, "<img src=\"\" />");
	assert_clean("<img src=\"data:text/html,x\" />", NULL,
	    "<img src=\"\" />");
	assert_clean("<a href=\"/p?q=1\">x</a>", "http://e.test/feed/",
	    "<a href=\"http://e.test/p?q=1\">x</a>");
	assert_clean("<img src=\"i.png\" />", "http://e.test/feed/",
	    "<img src=\"http://e.test/feed/i.png\" />");
	assert_clean("<a href=\"mailto:a@b\">x</a>", "http://e.test/",
	    "<a href=\"mailto:a@b\">x</a>");
	assert_clean("<a href=\"\xc3\x80\">x</a>", "http://e.test/",
	    "<a href=\"http://e.test/\xc3\x80\">x</a>");
}

static void
test_sanitize_elements(void **state)
{
	(void)state;
	/* unknown elements go, their text stays */
	assert_clean("<blink>x</blink>", NULL, "x");
	assert_clean("<meta http-equiv=\"refresh\" content=\"0\">x", NULL, "x");
	assert_clean("a<br/>b<hr>c", NULL, "a<br />b<hr />c");
	assert_clean("<p/>", NULL, "<p></p>");
	assert_clean("<!-- c -->x", NULL, "<!-- c -->x");
	assert_clean("<?php x ?>y", NULL, "y");
}

static void
test_sanitize_style_attr(void **state)
{
	(void)state;
	assert_clean("<span style=\"color: red; position: absolute\">x</span>",
	    NULL, "<span style=\"color: red;\">x</span>");
	assert_clean("<span style=\"background: url(javascript:x)\">x</span>",
	    NULL, "<span>x</span>");
	assert_clean("<span style=\"width: expression(alert(1))\">x</span>",
	    NULL, "<span>x</span>");
}

static void
test_sanitize_refs(void **state)
{
	(void)state;
	assert_clean("a &amp; b &eacute; &#233; &#x96;", NULL,
	    "a &amp; b &eacute; &#233; &#x2013;");
	/* a name HTML 4 does not know is escaped */
	assert_clean("&nosuch; x", NULL, "&amp;nosuch x");
	assert_clean("AT&T", NULL, "AT&T");
	assert_clean("<a title=\"a&b\">x</a>", NULL,
	    "<a title=\"a&amp;b\">x</a>");
}

static void
test_sanitize_edges(void **state)
{
	(void)state;
	assert_clean("", NULL, "");
	assert_clean("  x \r\n y  ", NULL, "x \n y");
	/* an unfinished tag is text, escaped so that it cannot become one */
	assert_clean("a <b", NULL, "a &lt;b");
	assert_clean("x <img src=x onerror=alert(1)", NULL,
	    "x &lt;img src=x onerror=alert(1)");
	/* quoted values may hold brackets */
	assert_clean("<img alt=\"a<br />b\" src=\"http://e/i\">", NULL,
	    "<img alt=\"a&lt;br /&gt;b\" src=\"http://e/i\" />");
	assert_clean("x < y", NULL, "x < y");
	assert_clean("<![CDATA[x]]>", NULL, "&lt;![CDATA[x]]>");
	/* an unclosed script swallows the rest, never shows it */
	assert_clean("a<script>alert(1)", NULL, "a");
	/* SGML's empty tags "<>" and "</>" go, as in feedparser */
	assert_clean("a<>b</>c", NULL, "abc");
}

static void
test_escape(void **state)
{
	struct sbuf	sb;

	(void)state;
	sbuf_init(&sb);
	html_escape(&sb, "AT&T <rocks> \"q\"");
	assert_string_equal(sb.sb_buf, "AT&amp;T &lt;rocks&gt; \"q\"");
	sbuf_free(&sb);
}

static void
assert_resolved(const char *uri, const char *base, const char *want)
{
	char	*out;

	out = html_resolve(uri, base);
	assert_string_equal(out, want);
	free(out);
}

static void
test_resolve(void **state)
{
	(void)state;
	/* Absolute ASCII URIs come back as they are (the fast path). */
	assert_resolved("https://e.example/a?b=c&d#f", "http://h.example/p/",
	    "https://e.example/a?b=c&d#f");
	assert_resolved("mailto:x@e.example", "http://h.example/",
	    "mailto:x@e.example");
	assert_resolved("javascript:alert(1)", "http://h.example/",
	    "javascript:alert(1)");
	/* Relative ones are resolved (RFC 3986 section 5.4). */
	assert_resolved("../q", "http://h.example/a/b/c", "http://h.example/a/q");
	assert_resolved("//o.example/x", "https://h.example/a",
	    "https://o.example/x");
	assert_resolved("?y", "http://h.example/a/b", "http://h.example/a/b?y");
	/* Bytes libxml2 does not take go through escaped and come back. */
	assert_resolved("/x/\xc3\xbc y", "http://h.example/p/",
	    "http://h.example/x/\xc3\xbc y");
	assert_resolved("http://h.example/\xc3\x84", "http://b.example/",
	    "http://h.example/\xc3\x84");
	/* No base: the URI as it is. */
	assert_resolved("/x", NULL, "/x");
	assert_resolved("/x", "", "/x");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entity_named),
		cmocka_unit_test(test_entity_unknown),
		cmocka_unit_test(test_entity_numeric),
		cmocka_unit_test(test_sanitize_script_style),
		cmocka_unit_test(test_sanitize_attributes),
		cmocka_unit_test(test_sanitize_runs),
		cmocka_unit_test(test_sanitize_urls),
		cmocka_unit_test(test_sanitize_elements),
		cmocka_unit_test(test_sanitize_style_attr),
		cmocka_unit_test(test_sanitize_refs),
		cmocka_unit_test(test_sanitize_edges),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_resolve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
