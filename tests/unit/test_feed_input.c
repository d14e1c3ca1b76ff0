/*
 * test_feed_input.c: what the feed parser makes of the real web: the
 * choice of encoding, bytes that are not what their label says, the
 * repairs made before libxml2 (bare '&', "&#X41;", control bytes,
 * garbage around the root), chunk boundaries, and JSON Feed.
 */
#include "unit.h"

#include <stdio.h>
#include <string.h>

#include "date.h"
#include "feed.h"
#include "feed_int.h"
#include "util.h"

#define MAXITEMS	4

struct got {
	size_t		 g_n;
	char		*g_title[MAXITEMS];
	char		*g_link[MAXITEMS];
	char		*g_id[MAXITEMS];
	char		*g_summary[MAXITEMS];
	char		*g_content[MAXITEMS];
	char		*g_author[MAXITEMS];
	int64_t		 g_pub[MAXITEMS];
	int64_t		 g_upd[MAXITEMS];
	struct sbuf	 g_cats;	/* "a,b," of every item */
	struct sbuf	 g_dump;	/* every field, to compare runs */
};

static char *
dupnull(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static void
got_cb(void *arg, const struct feed_item *it)
{
	struct got	*g = arg;
	size_t		 i;

	sbuf_printf(&g->g_dump, "[%s|%s|%s|%s|%s|%s|%lld|%lld]\n",
	    it->fi_id ? it->fi_id : "-", it->fi_title ? it->fi_title : "-",
	    it->fi_link ? it->fi_link : "-",
	    it->fi_author ? it->fi_author : "-",
	    it->fi_summary ? it->fi_summary : "-",
	    it->fi_content ? it->fi_content : "-",
	    (long long)it->fi_published, (long long)it->fi_updated);
	for (i = 0; i < it->fi_ncategories; i++)
		sbuf_printf(&g->g_cats, "%s,", it->fi_categories[i]);
	if (g->g_n >= MAXITEMS) {
		g->g_n++;
		return;
	}
	g->g_title[g->g_n] = dupnull(it->fi_title);
	g->g_link[g->g_n] = dupnull(it->fi_link);
	g->g_id[g->g_n] = dupnull(it->fi_id);
	g->g_summary[g->g_n] = dupnull(it->fi_summary);
	g->g_content[g->g_n] = dupnull(it->fi_content);
	g->g_author[g->g_n] = dupnull(it->fi_author);
	g->g_pub[g->g_n] = it->fi_published;
	g->g_upd[g->g_n] = it->fi_updated;
	g->g_n++;
}

struct run {
	struct got		 r_got;
	struct feed_parser	*r_fp;
	int			 r_finish;
	char			 r_err[256];
};

/* Parses len bytes of doc, chunk bytes at a time (0: at once). */
static void
run_feed(struct run *r, const char *doc, size_t len, size_t chunk,
    const char *charset)
{
	size_t	off, n;

	memset(r, 0, sizeof(*r));
	sbuf_init(&r->r_got.g_cats);
	sbuf_init(&r->r_got.g_dump);
	r->r_fp = feed_parser_new("http://example.test/feed/", charset,
	    got_cb, &r->r_got);
	if (chunk == 0)
		chunk = len;
	for (off = 0; off < len; off += n) {
		n = len - off < chunk ? len - off : chunk;
		if (feed_parser_push(r->r_fp, doc + off, n, r->r_err,
		    sizeof(r->r_err)) == -1)
			break;
	}
	r->r_finish = feed_parser_finish(r->r_fp, r->r_err, sizeof(r->r_err));
}

static void
run_str(struct run *r, const char *doc)
{
	run_feed(r, doc, strlen(doc), 0, NULL);
}

static void
run_cs(struct run *r, const char *doc, size_t chunk, const char *charset)
{
	run_feed(r, doc, strlen(doc), chunk, charset);
}

static void
run_free(struct run *r)
{
	size_t	i;

	for (i = 0; i < r->r_got.g_n && i < MAXITEMS; i++) {
		free(r->r_got.g_title[i]);
		free(r->r_got.g_link[i]);
		free(r->r_got.g_id[i]);
		free(r->r_got.g_summary[i]);
		free(r->r_got.g_content[i]);
		free(r->r_got.g_author[i]);
	}
	sbuf_free(&r->r_got.g_cats);
	sbuf_free(&r->r_got.g_dump);
	feed_parser_free(r->r_fp);
}

/* What the input stage makes of doc, pushed chunk bytes at a time. */
static char *
input_run(const char *doc, size_t len, size_t chunk, const char *charset)
{
	struct feed_input	*fi = feed_input_new(charset);
	struct sbuf		 out;
	size_t			 off, n;

	sbuf_init(&out);
	if (chunk == 0)
		chunk = len > 0 ? len : 1;
	for (off = 0; off < len; off += n) {
		n = len - off < chunk ? len - off : chunk;
		feed_input_push(fi, doc + off, n, 0, &out);
	}
	feed_input_push(fi, NULL, 0, 1, &out);
	feed_input_free(fi);
	/* The buffer is handed over as is (sbuf_detach() would allocate). */
	return out.sb_buf;
}

static void
assert_input(const char *doc, const char *want)
{
	char	*got = input_run(doc, strlen(doc), 0, NULL);

	assert_string_equal(got, want);
	free(got);
}

#define ITEM(t)	"<rss version=\"2.0\"><channel><item><title>" t \
		"</title></item></channel></rss>"

static void
test_bom_wins(void **state)
{
	struct run	r;

	(void)state;
	/* a UTF-8 BOM beats both the declaration and the HTTP charset */
	run_cs(&r, "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>"
	    ITEM("caf\xc3\xa9"), 0, "koi8-r");
	assert_int_equal(r.r_finish, 0);
	assert_int_equal(r.r_got.g_n, 1);
	assert_string_equal(r.r_got.g_title[0], "caf\xc3\xa9");
	run_free(&r);
}

static void
test_declaration_and_charset(void **state)
{
	struct run	r;

	(void)state;
	/* the declaration beats the HTTP charset: EUC-KR through iconv */
	run_cs(&r, "<?xml version=\"1.0\" encoding=\"euc-kr\"?>"
	    ITEM("\xb0\xa1"), 1, "iso-8859-1");
	assert_int_equal(r.r_got.g_n, 1);
	assert_string_equal(r.r_got.g_title[0], "\xea\xb0\x80");
	run_free(&r);

	/* without a declaration, the HTTP charset */
	run_cs(&r, ITEM("\xe9"), 0, "koi8-r");
	assert_int_equal(r.r_got.g_n, 1);
	assert_string_equal(r.r_got.g_title[0], "\xd0\x98");
	run_free(&r);

	/* a UTF-16 label on bytes that are not UTF-16 is ignored */
	run_str(&r, "<?xml version=\"1.0\" encoding=\"utf-16\"?>"
	    ITEM("\xc3\xa9"));
	assert_int_equal(r.r_got.g_n, 1);
	assert_string_equal(r.r_got.g_title[0], "\xc3\xa9");
	run_free(&r);

	/* an unknown label: UTF-8 is the better guess */
	run_str(&r, "<?xml version=\"1.0\" encoding=\"x-nonesuch\"?>"
	    ITEM("\xc3\xa9"));
	assert_string_equal(r.r_got.g_title[0], "\xc3\xa9");
	run_free(&r);
}

static void
test_utf16_without_bom(void **state)
{
	const char	*src = ITEM("ok");
	char		 doc[256];
	size_t		 i, n = 0;
	struct run	 r;

	(void)state;
	/* XML 1.0 appendix F: "<\0" is UTF-16LE, "\0<" UTF-16BE */
	for (i = 0; src[i] != '\0'; i++) {
		doc[n++] = src[i];
		doc[n++] = '\0';
	}
	run_feed(&r, doc, n, 3, NULL);
	assert_int_equal(r.r_got.g_n, 1);
	assert_string_equal(r.r_got.g_title[0], "ok");
	run_free(&r);
	run_feed(&r, doc + 1, n - 1, 0, NULL);
	assert_int_equal(r.r_got.g_n, 1);
	run_free(&r);
}

static void
test_label_lies(void **state)
{
	struct run	r;

	(void)state;
	/* "UTF-8" that is not: windows-1252, as feedparser guesses */
	run_str(&r, "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
	    ITEM("caf\xe9 \x93q\x94"));
	assert_int_equal(r.r_got.g_n, 1);
	assert_string_equal(r.r_got.g_title[0],
	    "caf\xc3\xa9 \xe2\x80\x9cq\xe2\x80\x9d");
	run_free(&r);

	/* with a byte windows-1252 lacks (0x9d): ISO-8859-2 */
	run_str(&r, ITEM("\xa9\x9d"));
	assert_string_equal(r.r_got.g_title[0], "\xc5\xa0\xc2\x9d");
	run_free(&r);
}

static void
test_invalid_bytes_replaced(void **state)
{
	struct sbuf	doc;
	struct run	r;
	int		i;

	(void)state;
	/* past the look-ahead a bad byte is U+FFFD and nothing is lost */
	sbuf_init(&doc);
	sbuf_adds(&doc, "<rss version=\"2.0\"><channel>");
	for (i = 0; i < 3000; i++)
		sbuf_printf(&doc, "<item><title>\xc3\xa9%d</title></item>", i);
	sbuf_adds(&doc, "<item><title>a\xff" "b\xe2\x82</title></item>"
	    "<item><title>next</title></item></channel></rss>");
	run_feed(&r, doc.sb_buf, doc.sb_len, 4096, NULL);
	assert_int_equal(r.r_finish, 0);
	assert_int_equal(r.r_got.g_n, 3002);
	assert_non_null(strstr(r.r_got.g_dump.sb_buf,
	    "|a\xef\xbf\xbd" "b\xef\xbf\xbd|"));
	assert_non_null(strstr(r.r_got.g_dump.sb_buf, "|next|"));
	run_free(&r);
	sbuf_free(&doc);

	/* in a declared multibyte encoding too (Shift_JIS) */
	run_str(&r, "<?xml version=\"1.0\" encoding=\"shift_jis\"?>"
	    ITEM("\x82\xa0\x82"));
	assert_int_equal(r.r_got.g_n, 1);
	assert_string_equal(r.r_got.g_title[0], "\xe3\x81\x82\xef\xbf\xbd");
	run_free(&r);
}

static void
test_double_encoded(void **state)
{
	struct run	r;

	(void)state;
	/* UTF-8 read as Latin-1 and encoded again: U+2026 */
	run_str(&r, "<rss version=\"2.0\"><channel><item><description>"
	    "&#226;&#128;&#166;</description><title>\xc3\xa2\xc2\x80\xc2\xa6"
	    "</title></item></channel></rss>");
	assert_string_equal(r.r_got.g_summary[0], "\xe2\x80\xa6");
	assert_string_equal(r.r_got.g_title[0], "\xe2\x80\xa6");
	run_free(&r);

	/* plain Latin-1 text is left as it is */
	run_str(&r, ITEM("caf\xc3\xa9"));
	assert_string_equal(r.r_got.g_title[0], "caf\xc3\xa9");
	run_free(&r);

	/* and so is a document that says it is Latin-1 */
	run_str(&r, "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>"
	    ITEM("\xc3\xa9"));
	assert_string_equal(r.r_got.g_title[0], "\xc3\x83\xc2\xa9");
	run_free(&r);
}

static void
test_repair_amp(void **state)
{
	struct run	r;

	(void)state;
	run_str(&r, "<rss version=\"2.0\"><channel>"
	    "<link>http://e.test/?a=1&b=2&c</link><item>"
	    "<title>AT&T & co &#X41;&#x42;&#67; &nbsp &amp; &nbsp;</title>"
	    "<link>http://e.test/?a=1&b=2</link>"
	    "<description><![CDATA[x &amp; y & z]]></description>"
	    "</item></channel></rss>");
	assert_int_equal(r.r_finish, 0);
	assert_string_equal(feed_parser_meta(r.r_fp)->fm_link,
	    "http://e.test/?a=1&b=2&c");
	assert_string_equal(r.r_got.g_title[0],
	    "AT&T & co ABC &nbsp & \xc2\xa0");
	assert_string_equal(r.r_got.g_link[0], "http://e.test/?a=1&b=2");
	/* a CDATA section is left alone: no "&amp;amp;" */
	assert_string_equal(r.r_got.g_summary[0], "x &amp; y & z");
	run_free(&r);

	/* in attribute values too */
	run_str(&r, "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry>"
	    "<link href=\"http://e.test/?a=1&b=2\"/></entry></feed>");
	assert_int_equal(r.r_got.g_n, 1);
	assert_string_equal(r.r_got.g_link[0], "http://e.test/?a=1&b=2");
	run_free(&r);
}

static void
test_repair_stray(void **state)
{
	struct run	r;

	(void)state;
	/* C0 controls, a bare '<', "]]>", a forbidden reference */
	run_str(&r, ITEM("a\x01" "b\x0b" "c 1 < 2 ]]> &#0;&#xd800;"));
	assert_int_equal(r.r_finish, 0);
	assert_string_equal(r.r_got.g_title[0],
	    "abc 1 < 2 ]]> \xef\xbf\xbd\xef\xbf\xbd");
	run_free(&r);

	/* a NUL byte is a control byte too */
	run_feed(&r, ITEM("a\0b"), sizeof(ITEM("a\0b")) - 1, 0, NULL);
	assert_string_equal(r.r_got.g_title[0], "ab");
	run_free(&r);

	/* a comment with "--" in it, U+FFFE */
	run_str(&r, "<rss version=\"2.0\"><channel><!-- a -- b --><item>"
	    "<title>x\xef\xbf\xbey</title></item></channel></rss>");
	assert_int_equal(r.r_got.g_n, 1);
	assert_string_equal(r.r_got.g_title[0], "x\xef\xbf\xbdy");
	run_free(&r);
}

static void
test_repair_around_root(void **state)
{
	struct run	r;

	(void)state;
	/* a PHP warning before the declaration, garbage after the root */
	run_str(&r, "\n<b>Warning</b>: x in y.php\n"
	    "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel>"
	    "<title>t</title><item><title>one</title></item></channel></rss>"
	    "\n<p>trailing & garbage <<");
	assert_int_equal(r.r_finish, 0);
	assert_int_equal(r.r_got.g_n, 1);
	assert_string_equal(feed_parser_meta(r.r_fp)->fm_title, "t");
	run_free(&r);

	/* a second root element is never read */
	run_str(&r, ITEM("one") ITEM("two"));
	assert_int_equal(r.r_finish, 0);
	assert_int_equal(r.r_got.g_n, 1);
	assert_string_equal(r.r_got.g_title[0], "one");
	run_free(&r);

	/* the input stage itself: what libxml2 gets */
	assert_input("junk<?xml version=\"1.0\"?><!-- c --><?pi x?>"
	    "<!DOCTYPE rss><rss a=\"x&y<z\">&#X41;</rss>",
	    "<!DOCTYPE rss><rss a=\"x&amp;y&lt;z\">&#x41;</rss><!---->");
}

static const char mixed[] =
    "\xef\xbb\xbf junk <?xml version=\"1.0\" encoding=\"utf-8\"?>"
    "<!DOCTYPE rss><rss version=\"2.0\"><channel><title>a & b</title>"
    "<!-- c -- d --><?pi ?>"
    "<item><title>&#X41;&#x1F600;&eacute;&bogus;&nbsp &#12345678901234;"
    "\x01\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 1 < 2</title>"
    "<link>http://e.test/?a=1&b=2</link>"
    "<description><![CDATA[<p>x & ]] y</p>]]></description></item>"
    "</channel></rss> tail & <garbage";

static void
test_chunks_equal_whole(void **state)
{
	struct run	 whole, r;
	char		*want, *got;
	size_t		 len = sizeof(mixed) - 1, c;

	(void)state;
	want = input_run(mixed, len, 0, NULL);
	for (c = 1; c <= 48; c++) {
		got = input_run(mixed, len, c, NULL);
		assert_string_equal(got, want);
		free(got);
	}
	free(want);

	run_feed(&whole, mixed, len, 0, NULL);
	assert_int_equal(whole.r_finish, 0);
	assert_int_equal(whole.r_got.g_n, 1);
	for (c = 1; c <= 13; c += 3) {
		run_feed(&r, mixed, len, c, NULL);
		assert_int_equal(r.r_finish, 0);
		assert_string_equal(r.r_got.g_dump.sb_buf,
		    whole.r_got.g_dump.sb_buf);
		run_free(&r);
	}
	run_free(&whole);
}

/*
 * Past the first 64 KiB (where the encoding is decided on what was held
 * back) every push is repaired as it comes, so a '<' or '&' can fall at
 * the end of a push after text of the same push.  That text was once
 * handed on twice ("<link>u>u</link>"): each chunk size from 1 to 300,
 * and some larger, must give what the whole document gives.
 */
static void
test_chunks_past_lookahead(void **state)
{
	static const char item[] =
	    "<item><title>Latvia &amp; NATO, story %d &eacute; 1 < 2</title>"
	    "<link>http://e.test/a/%d?x=1&y=2</link>"
	    "<guid isPermaLink=\"false\">a-%d</guid>"
	    "<description><![CDATA[<p>x &amp; ]] y</p>]]></description>"
	    "<pubDate>Fri, 21 Jan 2022 14:12:00 GMT</pubDate></item>\n";
	static const size_t big[] = { 511, 4096, 65535, 65537, 100000 };
	struct sbuf	 doc;
	struct run	 whole, r;
	char		*want, *got;
	size_t		 c, k;
	int		 i;

	(void)state;
	sbuf_init(&doc);
	sbuf_adds(&doc, "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>");
	for (i = 0; doc.sb_len < 90 * 1024; i++)
		sbuf_printf(&doc, item, i, i, i);
	sbuf_adds(&doc, "</channel></rss>\n");
	want = input_run(doc.sb_buf, doc.sb_len, 0, NULL);
	for (k = 0, c = 1; c <= 300 || k < sizeof(big) / sizeof(big[0]);
	    c = c < 300 ? c + 1 : big[k++]) {
		got = input_run(doc.sb_buf, doc.sb_len, c, NULL);
		if (strcmp(got, want) != 0)
			fail_msg("chunks of %zu bytes differ from the whole", c);
		free(got);
	}
	free(want);

	run_feed(&whole, doc.sb_buf, doc.sb_len, 0, NULL);
	assert_int_equal(whole.r_finish, 0);
	assert_int_equal(whole.r_got.g_n, i);
	for (c = 29; c <= 41; c += 4) {
		run_feed(&r, doc.sb_buf, doc.sb_len, c, NULL);
		assert_int_equal(r.r_finish, 0);
		assert_string_equal(r.r_got.g_dump.sb_buf,
		    whole.r_got.g_dump.sb_buf);
		run_free(&r);
	}
	run_free(&whole);
	sbuf_free(&doc);
}

/*
 * Whether the label lies is read off the first 64 KiB, however the body
 * was cut: a byte that is not UTF-8 at 70 KiB is U+FFFD whether the
 * document came whole or in chunks (it once made the whole document
 * windows-1252 only when it came in one piece).
 */
static void
test_guess_independent_of_chunks(void **state)
{
	static const size_t chunks[] = { 1000, 4096, 16384, 65535, 65537 };
	struct sbuf	 doc;
	char		*want, *got;
	size_t		 i;

	(void)state;
	sbuf_init(&doc);
	sbuf_adds(&doc, "<rss version=\"2.0\"><channel>");
	while (doc.sb_len < 70 * 1024)
		sbuf_adds(&doc, "<item><title>Kari\xc5\x86s</title></item>\n");
	sbuf_adds(&doc, "<item><title>bad \xe9 byte</title></item>"
	    "</channel></rss>");
	want = input_run(doc.sb_buf, doc.sb_len, 0, NULL);
	assert_non_null(strstr(want, "Kari\xc5\x86s"));
	assert_non_null(strstr(want, "bad \xef\xbf\xbd byte"));
	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		got = input_run(doc.sb_buf, doc.sb_len, chunks[i], NULL);
		if (strcmp(got, want) != 0)
			fail_msg("chunks of %zu bytes differ from the whole",
			    chunks[i]);
		free(got);
	}
	free(want);
	sbuf_free(&doc);
}

/* Found by fuzz_feed once its look-ahead was small (Makefile). */
static void
test_cut_in_cdata(void **state)
{
	static const size_t chunks[] = { 0, 1, 7, 100, 299, 301, 4096 };
	struct sbuf	 doc;
	struct run	 r;
	size_t		 i, len;
	int		 k;

	(void)state;
	/* A body cut inside a CDATA section keeps all of the text. */
	sbuf_init(&doc);
	sbuf_adds(&doc, "<rss version=\"2.0\"><channel><item><title>t</title>"
	    "<description><![CDATA[<p>");
	for (k = 0; k < 300; k++)
		sbuf_printf(&doc, "w%d ", k);
	sbuf_adds(&doc, "last]");
	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		run_feed(&r, doc.sb_buf, doc.sb_len, chunks[i], NULL);
		assert_int_equal(r.r_got.g_n, 1);
		assert_non_null(r.r_got.g_summary[0]);
		len = strlen(r.r_got.g_summary[0]);
		/* The "]" at the cut is read as the start of "]]>". */
		if (len < 9 || strcmp(r.r_got.g_summary[0] + len - 9,
		    "w299 last") != 0)
			fail_msg("chunks of %zu: the summary ends \"%s\"",
			    chunks[i], r.r_got.g_summary[0] +
			    (len > 20 ? len - 20 : 0));
		run_free(&r);
	}
	sbuf_free(&doc);
}

static void
test_decl_then_junk(void **state)
{
	(void)state;
	/* A declaration right before junk was dropped with the junk. */
	assert_input("<!DOCTYPE rss>junk<rss version=\"2.0\"></rss>",
	    "<!DOCTYPE rss><rss version=\"2.0\"></rss><!---->");
	/*
	 * Any other "<!" before the root goes to its '>'; kept, "<!-\x01-"
	 * lost its control character and opened a comment that ran on.
	 */
	assert_input("<!-\x01-->x<rss version=\"2.0\"><!-- c --></rss>",
	    "<rss version=\"2.0\"></rss><!---->");
	assert_input("<!ELEMENT rss ANY><rss/>", "<rss/><!---->");
}

static const char jsonfeed[] =
    "\xef\xbb\xbf\n  {\"version\": \"https://jsonfeed.org/version/1.1\","
    " \"title\": \"My &amp; feed\", \"home_page_url\": \"https://j.test/\","
    " \"items\": ["
    "  {\"id\": \"1\", \"title\": \"First\", \"url\": \"/p/1\","
    "   \"content_html\": \"<p>Hi<script>x()</script></p>\","
    "   \"summary\": \"a < b\","
    "   \"date_published\": \"2024-01-02T03:04:05+01:00\","
    "   \"date_modified\": \"2024-01-03T00:00:00Z\","
    "   \"authors\": [{\"url\": \"https://a.test/\"}, {\"name\": \"Ann\"}],"
    "   \"tags\": [\"x\", 3, \"y\"]},"
    "  {\"id\": 2, \"content_text\": \"1 < 2 & 3\","
    "   \"external_url\": \"https://e.test/2\","
    "   \"author\": {\"name\": \"Bob\"}},"
    "  \"not an object\","
    "  {\"title\": \"third\"}"
    " ]}";

static void
test_jsonfeed(void **state)
{
	struct run		 r, bytes;
	const struct feed_meta	*m;

	(void)state;
	run_feed(&r, jsonfeed, sizeof(jsonfeed) - 1, 0, NULL);
	assert_int_equal(r.r_finish, 0);
	m = feed_parser_meta(r.r_fp);
	assert_string_equal(m->fm_format, "jsonfeed1");
	assert_string_equal(m->fm_title, "My &amp; feed");
	assert_string_equal(m->fm_link, "https://j.test/");
	assert_int_equal(r.r_got.g_n, 3);
	assert_int_equal(feed_parser_nitems(r.r_fp), 3);
	assert_string_equal(r.r_got.g_id[0], "1");
	assert_string_equal(r.r_got.g_title[0], "First");
	assert_string_equal(r.r_got.g_link[0], "http://example.test/p/1");
	assert_string_equal(r.r_got.g_content[0], "<p>Hi</p>");
	assert_string_equal(r.r_got.g_summary[0], "a &lt; b");
	assert_string_equal(r.r_got.g_author[0], "Ann");
	assert_int_equal(r.r_got.g_pub[0], 1704161045);
	assert_int_equal(r.r_got.g_upd[0], 1704240000);
	assert_string_equal(r.r_got.g_cats.sb_buf, "x,y,");
	/* 1.0 author, a number id, text content, external_url */
	assert_string_equal(r.r_got.g_id[1], "2");
	assert_string_equal(r.r_got.g_link[1], "https://e.test/2");
	assert_string_equal(r.r_got.g_content[1], "1 &lt; 2 &amp; 3");
	assert_string_equal(r.r_got.g_summary[1], "1 &lt; 2 &amp; 3");
	assert_string_equal(r.r_got.g_author[1], "Bob");
	assert_int_equal(r.r_got.g_pub[1], DATE_NONE);
	assert_null(r.r_got.g_summary[2]);

	/* it cannot stream, but any chunks give the same */
	run_feed(&bytes, jsonfeed, sizeof(jsonfeed) - 1, 1, NULL);
	assert_string_equal(bytes.r_got.g_dump.sb_buf, r.r_got.g_dump.sb_buf);
	run_free(&bytes);
	run_free(&r);
}

static void
test_jsonfeed_refused(void **state)
{
	struct run	r;
	struct sbuf	doc;
	int		i;

	(void)state;
	/* JSON that is no feed, and no JSON */
	run_str(&r, "{\"error\": \"rate limited\"}");
	assert_int_equal(r.r_finish, -1);
	assert_non_null(strstr(r.r_err, "not a feed"));
	run_free(&r);
	run_str(&r, "{\"items\": [ {\"id\": \"1\"} ");
	assert_int_equal(r.r_finish, -1);
	assert_non_null(strstr(r.r_err, "JSON"));
	run_free(&r);
	/* a NUL inside a string is refused, not cut */
	run_str(&r, "{\"items\": [{\"title\": \"a\\u0000b\"}]}");
	assert_int_equal(r.r_finish, -1);
	run_free(&r);

	/* FEED_MAX_ITEMS holds for JSON too */
	sbuf_init(&doc);
	sbuf_adds(&doc, "{\"items\": [");
	for (i = 0; i < FEED_MAX_ITEMS + 5; i++)
		sbuf_printf(&doc, "%s{\"id\": \"%d\"}", i ? "," : "", i);
	sbuf_adds(&doc, "]}");
	run_feed(&r, doc.sb_buf, doc.sb_len, 65536, NULL);
	assert_int_equal(r.r_finish, 0);
	assert_int_equal(feed_parser_nitems(r.r_fp), FEED_MAX_ITEMS);
	assert_int_equal(r.r_got.g_n, FEED_MAX_ITEMS);
	run_free(&r);
	sbuf_free(&doc);
}

/*
 * A C2 or C3 byte at every place of text of every length up to 130: the
 * scan tests 64 bytes at once, then 16, then the last 16 again.
 */
static void
test_has_latin1_every_place(void **state)
{
	char	buf[130];
	size_t	len, at;

	(void)state;
	for (len = 0; len <= sizeof(buf); len++) {
		memset(buf, 'a', sizeof(buf));
		/* Bytes after the text do not count. */
		if (len < sizeof(buf))
			buf[len] = (char)0xc3;
		assert_false(feed_has_latin1(buf, len));
		for (at = 0; at < len; at++) {
			memset(buf, 'a', len);
			buf[at] = (char)(at % 2 ? 0xc2 : 0xc3);
			assert_true(feed_has_latin1(buf, len));
			buf[at] = (char)0xc4;
			assert_false(feed_has_latin1(buf, len));
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bom_wins),
		cmocka_unit_test(test_declaration_and_charset),
		cmocka_unit_test(test_utf16_without_bom),
		cmocka_unit_test(test_label_lies),
		cmocka_unit_test(test_invalid_bytes_replaced),
		cmocka_unit_test(test_double_encoded),
		cmocka_unit_test(test_repair_amp),
		cmocka_unit_test(test_repair_stray),
		cmocka_unit_test(test_repair_around_root),
		cmocka_unit_test(test_chunks_equal_whole),
		cmocka_unit_test(test_chunks_past_lookahead),
		cmocka_unit_test(test_guess_independent_of_chunks),
		cmocka_unit_test(test_cut_in_cdata),
		cmocka_unit_test(test_decl_then_junk),
		cmocka_unit_test(test_jsonfeed),
		cmocka_unit_test(test_jsonfeed_refused),
		cmocka_unit_test(test_has_latin1_every_place),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
