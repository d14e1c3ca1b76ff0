/*
 * test_feed.c: the streaming feed parser, format by format and field by
 * field, with the safety cases (XXE, billion laughs) and broken feeds.
 */
#include "unit.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "feed.h"
#include "util.h"

#define MAXITEMS	8

/* What the callback saw: copies, since an item lives only for the call. */
struct got {
	size_t		 n;
	struct feed_item items[MAXITEMS];
	struct sbuf	 dump;		/* every field of every item, in order */
	char		*keys[MAXITEMS];
};

static char *
dupnull(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static void
got_cb(void *arg, const struct feed_item *it)
{
	struct got		*g = arg;
	struct feed_item	*c;
	size_t			 i;

	sbuf_printf(&g->dump, "[%s|%s|%s|%s|%s|%s|%lld|%lld|",
	    it->fi_id ? it->fi_id : "-", it->fi_title ? it->fi_title : "-",
	    it->fi_link ? it->fi_link : "-",
	    it->fi_author ? it->fi_author : "-",
	    it->fi_summary ? it->fi_summary : "-",
	    it->fi_content ? it->fi_content : "-",
	    (long long)it->fi_published, (long long)it->fi_updated);
	for (i = 0; i < it->fi_ncategories; i++)
		sbuf_printf(&g->dump, "%s,", it->fi_categories[i]);
	sbuf_adds(&g->dump, "]\n");
	if (g->n >= MAXITEMS) {
		g->n++;
		return;
	}
	g->keys[g->n] = feed_item_key(it);
	c = &g->items[g->n++];
	c->fi_id = dupnull(it->fi_id);
	c->fi_title = dupnull(it->fi_title);
	c->fi_link = dupnull(it->fi_link);
	c->fi_author = dupnull(it->fi_author);
	c->fi_summary = dupnull(it->fi_summary);
	c->fi_content = dupnull(it->fi_content);
	c->fi_published = it->fi_published;
	c->fi_updated = it->fi_updated;
	c->fi_ncategories = it->fi_ncategories;
	c->fi_categories = xcalloc(it->fi_ncategories + 1, sizeof(char *));
	for (i = 0; i < it->fi_ncategories; i++)
		c->fi_categories[i] = xstrdup(it->fi_categories[i]);
}

static void
got_free(struct got *g)
{
	size_t	i, j;

	for (i = 0; i < g->n && i < MAXITEMS; i++) {
		struct feed_item *c = &g->items[i];

		free(c->fi_id);
		free(c->fi_title);
		free(c->fi_link);
		free(c->fi_author);
		free(c->fi_summary);
		free(c->fi_content);
		for (j = 0; j < c->fi_ncategories; j++)
			free(c->fi_categories[j]);
		free(c->fi_categories);
		free(g->keys[i]);
	}
	sbuf_free(&g->dump);
	free(g);
}

struct run {
	struct got		*r_got;
	struct feed_parser	*r_fp;
	int			 r_push;	/* last push result */
	int			 r_finish;
	char			 r_err[256];
};

/* Parses len bytes of doc, pushed chunk bytes at a time (0: all at once). */
static void
run_feed(struct run *r, const char *doc, size_t len, size_t chunk,
    const char *url, const char *charset)
{
	size_t	off, n;

	memset(r, 0, sizeof(*r));
	r->r_got = xcalloc(1, sizeof(*r->r_got));
	sbuf_init(&r->r_got->dump);
	r->r_fp = feed_parser_new(url, charset, got_cb, r->r_got);
	assert_non_null(r->r_fp);
	if (chunk == 0)
		chunk = len;
	for (off = 0; off < len; off += n) {
		n = len - off < chunk ? len - off : chunk;
		r->r_push = feed_parser_push(r->r_fp, doc + off, n, r->r_err,
		    sizeof(r->r_err));
		if (r->r_push == -1)
			break;
	}
	r->r_finish = feed_parser_finish(r->r_fp, r->r_err, sizeof(r->r_err));
}

static void
run_str(struct run *r, const char *doc)
{
	run_feed(r, doc, strlen(doc), 0, "http://example.test/feed/rss.xml",
	    NULL);
}

static void
run_free(struct run *r)
{
	feed_parser_free(r->r_fp);
	got_free(r->r_got);
}

static const char rss2[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"\n"
    " xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
    "<channel>\n"
    " <title>Example &amp; Co</title>\n"
    " <link>http://example.test/</link>\n"
    " <ttl>30</ttl>\n"
    " <image><title>Not the title</title><link>http://img.test/</link></image>\n"
    " <item>\n"
    "  <title>First item</title>\n"
    "  <link>http://example.test/1</link>\n"
    "  <guid isPermaLink=\"false\">urn:1</guid>\n"
    "  <description>&lt;p&gt;Hello &lt;b&gt;world&lt;/b&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;/p&gt;</description>\n"
    "  <content:encoded><![CDATA[<p>Full <i>text</i></p>]]></content:encoded>\n"
    "  <pubDate>Thu, 01 Jan 2004 19:48:21 GMT</pubDate>\n"
    "  <author>jane@example.test (Jane)</author>\n"
    "  <category>World</category>\n"
    "  <category>Baltic</category>\n"
    " </item>\n"
    " <item>\n"
    "  <title>Second</title>\n"
    "  <guid>http://example.test/2</guid>\n"
    "  <dc:creator>John</dc:creator>\n"
    "  <dc:date>2004-01-02T00:00:00Z</dc:date>\n"
    " </item>\n"
    " <item>\n"
    "  <title>Relative</title>\n"
    "  <link>/3</link>\n"
    " </item>\n"
    "</channel>\n"
    "</rss>\n";

static void
test_rss2_fields(void **state)
{
	struct run		 r;
	struct feed_item	*it;
	const struct feed_meta	*m;

	(void)state;
	run_str(&r, rss2);
	assert_int_equal(r.r_finish, 0);
	assert_int_equal(r.r_got->n, 3);
	assert_int_equal(feed_parser_nitems(r.r_fp), 3);
	m = feed_parser_meta(r.r_fp);
	assert_string_equal(m->fm_title, "Example & Co");
	assert_string_equal(m->fm_link, "http://example.test/");
	assert_string_equal(m->fm_format, "rss2.0");
	assert_int_equal(m->fm_ttl, 30 * 60);

	it = &r.r_got->items[0];
	assert_string_equal(it->fi_id, "urn:1");
	assert_string_equal(it->fi_title, "First item");
	assert_string_equal(it->fi_link, "http://example.test/1");
	assert_string_equal(it->fi_summary, "<p>Hello <b>world</b></p>");
	assert_string_equal(it->fi_content, "<p>Full <i>text</i></p>");
	assert_int_equal(it->fi_published, date_parse("2004-01-01T19:48:21Z"));
	assert_true(it->fi_updated == DATE_NONE);
	assert_string_equal(it->fi_author, "jane@example.test (Jane)");
	assert_int_equal(it->fi_ncategories, 2);
	assert_string_equal(it->fi_categories[0], "World");
	assert_string_equal(it->fi_categories[1], "Baltic");

	/* a permalink guid is the link when there is none */
	it = &r.r_got->items[1];
	assert_string_equal(it->fi_id, "http://example.test/2");
	assert_string_equal(it->fi_link, "http://example.test/2");
	assert_string_equal(it->fi_author, "John");
	assert_int_equal(it->fi_updated, date_parse("2004-01-02T00:00:00Z"));
	assert_null(it->fi_summary);
	assert_null(it->fi_content);

	/* relative links resolve against the feed URL */
	it = &r.r_got->items[2];
	assert_string_equal(it->fi_link, "http://example.test/3");
	assert_null(it->fi_id);
	run_free(&r);
}

static void
test_rss091(void **state)
{
	struct run	r;

	(void)state;
	run_str(&r, "<!DOCTYPE rss PUBLIC \"-//Netscape Communications//DTD RSS 0.91//EN\"\n"
	    " \"http://my.netscape.com/publish/formats/rss-0.91.dtd\">\n"
	    "<rss version=\"0.91\"><channel><title>Old</title>"
	    "<item><title>x</title><link>http://e.test/x</link></item>"
	    "</channel></rss>");
	assert_int_equal(r.r_finish, 0);
	assert_string_equal(feed_parser_meta(r.r_fp)->fm_format, "rss0.9x");
	assert_string_equal(feed_parser_meta(r.r_fp)->fm_title, "Old");
	assert_int_equal(r.r_got->n, 1);
	assert_string_equal(r.r_got->items[0].fi_link, "http://e.test/x");
	run_free(&r);
}

static void
test_rss10(void **state)
{
	struct run	r;

	(void)state;
	run_str(&r, "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"\n"
	    " xmlns=\"http://purl.org/rss/1.0/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
	    " xmlns:sy=\"http://purl.org/rss/1.0/modules/syndication/\">\n"
	    "<channel rdf:about=\"http://e.test/\"><title>RDF feed</title>"
	    "<link>http://e.test/</link>"
	    "<sy:updatePeriod>hourly</sy:updatePeriod>"
	    "<sy:updateFrequency>2</sy:updateFrequency></channel>\n"
	    "<item rdf:about=\"http://e.test/a\"><title>A</title>"
	    "<link>http://e.test/a.html</link>"
	    "<description>Desc</description><dc:creator>Ann</dc:creator>"
	    "<dc:date>2003-12-31T10:14:55+01:00</dc:date>"
	    "<dc:subject>Topic</dc:subject></item>\n"
	    "</rdf:RDF>");
	assert_int_equal(r.r_finish, 0);
	assert_string_equal(feed_parser_meta(r.r_fp)->fm_format, "rss1.0");
	assert_string_equal(feed_parser_meta(r.r_fp)->fm_title, "RDF feed");
	assert_int_equal(feed_parser_meta(r.r_fp)->fm_ttl, 1800);
	assert_int_equal(r.r_got->n, 1);
	assert_string_equal(r.r_got->items[0].fi_id, "http://e.test/a");
	assert_string_equal(r.r_got->items[0].fi_link, "http://e.test/a.html");
	assert_string_equal(r.r_got->items[0].fi_summary, "Desc");
	assert_string_equal(r.r_got->items[0].fi_author, "Ann");
	assert_int_equal(r.r_got->items[0].fi_updated,
	    date_parse("2003-12-31T09:14:55Z"));
	assert_int_equal(r.r_got->items[0].fi_ncategories, 1);
	run_free(&r);
}

static const char atom10[] =
    "<?xml version=\"1.0\"?>\n"
    "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"http://base.test/dir/\">\n"
    " <title type=\"text\">Atom &lt;feed&gt;</title>\n"
    " <link rel=\"self\" href=\"http://base.test/feed.atom\"/>\n"
    " <link href=\"index.html\"/>\n"
    " <entry>\n"
    "  <title type=\"html\">A &lt;b&gt;bold&lt;/b&gt; title</title>\n"
    "  <link rel=\"edit\" href=\"edit/1\"/>\n"
    "  <link rel=\"enclosure\" href=\"a.mp3\"/>\n"
    "  <link rel=\"alternate\" type=\"text/html\" href=\"entries/1\"/>\n"
    "  <id>tag:base.test,2004:1</id>\n"
    "  <published>2004-01-01T00:00:00Z</published>\n"
    "  <updated>2004-01-02T00:00:00+02:00</updated>\n"
    "  <author><name>Jane Doe</name><email>jane@base.test</email></author>\n"
    "  <category term=\"news\"/><category term=\"baltic\"/>\n"
    "  <content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">"
    "<p>Hi &amp; <a href=\"rel/x\" onclick=\"x()\">there</a></p></div></content>\n"
    "  <source><title>Elsewhere</title><id>other</id></source>\n"
    " </entry>\n"
    " <entry xml:base=\"http://other.test/sub/\">\n"
    "  <title>Plain &lt;b&gt; text</title>\n"
    "  <link href=\"2\"/>\n"
    "  <summary type=\"text\">AT&amp;T &lt;rocks&gt;</summary>\n"
    "  <author><name>Solo</name></author>\n"
    " </entry>\n"
    "</feed>\n";

static void
test_atom10_fields(void **state)
{
	struct run		 r;
	struct feed_item	*it;
	const struct feed_meta	*m;

	(void)state;
	run_str(&r, atom10);
	assert_int_equal(r.r_finish, 0);
	m = feed_parser_meta(r.r_fp);
	assert_string_equal(m->fm_format, "atom1.0");
	assert_string_equal(m->fm_title, "Atom <feed>");
	/* rel="self" is not the link; no rel is alternate; xml:base applies */
	assert_string_equal(m->fm_link, "http://base.test/dir/index.html");
	assert_int_equal(r.r_got->n, 2);

	it = &r.r_got->items[0];
	assert_string_equal(it->fi_title, "A <b>bold</b> title");
	assert_string_equal(it->fi_link, "http://base.test/dir/entries/1");
	assert_string_equal(it->fi_id, "tag:base.test,2004:1");
	assert_int_equal(it->fi_published, date_parse("2004-01-01T00:00:00Z"));
	assert_int_equal(it->fi_updated, date_parse("2004-01-01T22:00:00Z"));
	assert_string_equal(it->fi_author, "Jane Doe (jane@base.test)");
	assert_int_equal(it->fi_ncategories, 2);
	assert_string_equal(it->fi_categories[1], "baltic");
	/* xhtml: the wrapping div goes, markup stays, URLs resolve */
	assert_string_equal(it->fi_content, "<p>Hi &amp; "
	    "<a href=\"http://base.test/dir/rel/x\">there</a></p>");
	/* no summary: the content is the summary */
	assert_string_equal(it->fi_summary, it->fi_content);

	it = &r.r_got->items[1];
	assert_string_equal(it->fi_title, "Plain <b> text");
	assert_string_equal(it->fi_link, "http://other.test/sub/2");
	assert_string_equal(it->fi_summary, "AT&T <rocks>");
	assert_string_equal(it->fi_author, "Solo");
	run_free(&r);
}

static void
test_atom03(void **state)
{
	struct run	r;

	(void)state;
	run_str(&r, "<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\">"
	    "<title>Old Atom</title>"
	    "<link rel=\"alternate\" type=\"text/html\" href=\"http://e.test/\"/>"
	    "<entry><title>E</title><id>urn:e</id>"
	    "<issued>2004-01-01T00:00:00Z</issued>"
	    "<modified>2004-01-03T00:00:00Z</modified>"
	    "<content type=\"text/html\" mode=\"escaped\">a &lt;b&gt;b&lt;/b&gt;</content>"
	    "<summary type=\"text/plain\" mode=\"base64\">aGVsbG8=</summary>"
	    "</entry></feed>");
	assert_int_equal(r.r_finish, 0);
	assert_string_equal(feed_parser_meta(r.r_fp)->fm_format, "atom0.3");
	assert_string_equal(feed_parser_meta(r.r_fp)->fm_link, "http://e.test/");
	assert_int_equal(r.r_got->n, 1);
	assert_int_equal(r.r_got->items[0].fi_published,
	    date_parse("2004-01-01T00:00:00Z"));
	assert_int_equal(r.r_got->items[0].fi_updated,
	    date_parse("2004-01-03T00:00:00Z"));
	assert_string_equal(r.r_got->items[0].fi_content, "a <b>b</b>");
	assert_string_equal(r.r_got->items[0].fi_summary, "hello");
	run_free(&r);
}

static void
test_node_precedence(void **state)
{
	struct run	r;

	(void)state;
	run_str(&r, "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry>"
	    "<image><title>Wrong</title><id>wrong</id></image>"
	    "<title>Right</title><id>right</id></entry></feed>");
	assert_int_equal(r.r_got->n, 1);
	assert_string_equal(r.r_got->items[0].fi_title, "Right");
	assert_string_equal(r.r_got->items[0].fi_id, "right");
	run_free(&r);
}

static void
test_chunked_equals_whole(void **state)
{
	struct run	whole, bytes, odd;

	(void)state;
	run_feed(&whole, atom10, strlen(atom10), 0, "http://x.test/", NULL);
	run_feed(&bytes, atom10, strlen(atom10), 1, "http://x.test/", NULL);
	run_feed(&odd, atom10, strlen(atom10), 7, "http://x.test/", NULL);
	assert_int_equal(bytes.r_finish, 0);
	assert_int_equal(whole.r_got->n, 2);
	assert_string_equal(whole.r_got->dump.sb_buf, bytes.r_got->dump.sb_buf);
	assert_string_equal(whole.r_got->dump.sb_buf, odd.r_got->dump.sb_buf);
	assert_string_equal(feed_parser_meta(whole.r_fp)->fm_title,
	    feed_parser_meta(bytes.r_fp)->fm_title);
	run_free(&whole);
	run_free(&bytes);
	run_free(&odd);

	run_feed(&whole, rss2, strlen(rss2), 0, "http://x.test/", NULL);
	run_feed(&bytes, rss2, strlen(rss2), 1, "http://x.test/", NULL);
	assert_int_equal(whole.r_got->n, 3);
	assert_string_equal(whole.r_got->dump.sb_buf, bytes.r_got->dump.sb_buf);
	run_free(&whole);
	run_free(&bytes);
}

static const char latin1_doc[] =
    "<rss version=\"2.0\"><channel><item><title>caf\xe9 \xbd</title>"
    "</item></channel></rss>";

static void
test_encoding_declaration(void **state)
{
	struct run	r;
	char		doc[256];

	(void)state;
	snprintf(doc, sizeof(doc), "<?xml version=\"1.0\" "
	    "encoding=\"ISO-8859-1\"?>%s", latin1_doc);
	/* the declaration wins over the HTTP charset */
	run_feed(&r, doc, strlen(doc), 1, NULL, "utf-8");
	assert_int_equal(r.r_finish, 0);
	assert_int_equal(r.r_got->n, 1);
	assert_string_equal(r.r_got->items[0].fi_title, "caf\xc3\xa9 \xc2\xbd");
	run_free(&r);
}

static void
test_encoding_charset_arg(void **state)
{
	struct run	r;
	char		doc[256];

	(void)state;
	run_feed(&r, latin1_doc, strlen(latin1_doc), 0, NULL, "iso-8859-1");
	assert_int_equal(r.r_finish, 0);
	assert_int_equal(r.r_got->n, 1);
	assert_string_equal(r.r_got->items[0].fi_title, "caf\xc3\xa9 \xc2\xbd");
	run_free(&r);

	/* a declaration without encoding= still lets the charset apply */
	snprintf(doc, sizeof(doc), "<?xml version=\"1.0\"?>\n%s", latin1_doc);
	run_feed(&r, doc, strlen(doc), 3, NULL, "ISO-8859-1");
	assert_int_equal(r.r_got->n, 1);
	assert_string_equal(r.r_got->items[0].fi_title, "caf\xc3\xa9 \xc2\xbd");
	run_free(&r);
}

static void
test_encoding_utf16_bom(void **state)
{
	const char	*src = "<rss version=\"2.0\"><channel><item>"
			    "<title>\xc3\xa9t\xc3\xa9</title></item></channel></rss>";
	char		 doc[512];
	size_t		 n = 0;
	const unsigned char *p;
	struct run	 r;

	(void)state;
	/* UTF-16LE with a BOM; a wrong HTTP charset must not matter */
	doc[n++] = (char)0xff;
	doc[n++] = (char)0xfe;
	for (p = (const unsigned char *)src; *p != '\0'; p++) {
		unsigned cp = *p;

		if (*p == 0xc3) {
			cp = 0xc0 | (p[1] & 0x3f);
			p++;
		}
		doc[n++] = (char)(cp & 0xff);
		doc[n++] = (char)(cp >> 8);
	}
	run_feed(&r, doc, n, 1, NULL, "iso-8859-1");
	assert_int_equal(r.r_finish, 0);
	assert_int_equal(r.r_got->n, 1);
	assert_string_equal(r.r_got->items[0].fi_title, "\xc3\xa9t\xc3\xa9");
	run_free(&r);
}

static void
test_xxe_refused(void **state)
{
	struct run	r;

	(void)state;
	run_str(&r, "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE rss [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
	    "<rss version=\"2.0\"><channel><title>&xxe;</title>"
	    "<item><title>&xxe;</title></item></channel></rss>");
	assert_int_equal(r.r_finish, -1);
	assert_non_null(strstr(r.r_err, "declares entities"));
	assert_int_equal(r.r_got->n, 0);
	assert_null(feed_parser_meta(r.r_fp)->fm_title);
	assert_null(strstr(r.r_got->dump.sb_buf, "root:"));
	run_free(&r);
}

static void
test_billion_laughs_refused(void **state)
{
	struct sbuf	doc;
	struct run	r;
	clock_t		start;
	int		i, j;

	(void)state;
	sbuf_init(&doc);
	sbuf_adds(&doc, "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n"
	    "<!ENTITY lol \"lol\">\n");
	for (i = 1; i < 10; i++) {
		sbuf_printf(&doc, "<!ENTITY lol%d \"", i);
		for (j = 0; j < 10; j++)
			sbuf_printf(&doc, "&lol%s;", i == 1 ? "" :
			    (char[]){ (char)('0' + i - 1), '\0' });
		sbuf_adds(&doc, "\">\n");
	}
	sbuf_adds(&doc, "]>\n<rss version=\"2.0\"><channel>"
	    "<title>&lol9;</title></channel></rss>");
	start = clock();
	run_feed(&r, doc.sb_buf, doc.sb_len, 0, NULL, NULL);
	assert_true((double)(clock() - start) / CLOCKS_PER_SEC < 1.0);
	assert_int_equal(r.r_finish, -1);
	assert_non_null(strstr(r.r_err, "declares entities"));
	assert_null(feed_parser_meta(r.r_fp)->fm_title);
	run_free(&r);
	sbuf_free(&doc);
}

static void
test_html_entities_kept(void **state)
{
	struct run	r;

	(void)state;
	run_str(&r, "<rss version=\"2.0\"><channel><title>a&nbsp;b</title>"
	    "<item><title>caf&eacute; &mdash; &amp; &#233;</title>"
	    "<link>http://e.test/?a=1&amp;b=&eacute;</link>"
	    "<description>x&nbsp;y</description></item></channel></rss>");
	assert_int_equal(r.r_finish, 0);
	assert_string_equal(feed_parser_meta(r.r_fp)->fm_title, "a\xc2\xa0" "b");
	assert_int_equal(r.r_got->n, 1);
	assert_string_equal(r.r_got->items[0].fi_title,
	    "caf\xc3\xa9 \xe2\x80\x94 & \xc3\xa9");
	assert_string_equal(r.r_got->items[0].fi_summary, "x\xc2\xa0y");
	run_free(&r);

	/* in attribute values too */
	run_str(&r, "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry>"
	    "<link href=\"http://e.test/caf&eacute;\"/></entry></feed>");
	assert_int_equal(r.r_got->n, 1);
	assert_string_equal(r.r_got->items[0].fi_link,
	    "http://e.test/caf\xc3\xa9");
	run_free(&r);
}

static void
test_truncated_keeps_items(void **state)
{
	struct run	r;
	const char	*cut = strstr(rss2, "<title>Relative");
	size_t		 len = (size_t)(cut - rss2) + 12;

	(void)state;
	run_feed(&r, rss2, len, 0, NULL, NULL);
	assert_int_equal(r.r_finish, 0);
	assert_true(r.r_got->n >= 2);
	assert_string_equal(r.r_got->items[0].fi_title, "First item");
	assert_string_equal(r.r_got->items[1].fi_title, "Second");
	run_free(&r);

	/* a fatal error mid-document keeps what came before it */
	run_str(&r, "<rss version=\"2.0\"><channel><item><title>ok</title>"
	    "</item><item><title>bad</tit></item></channel></rss>");
	assert_int_equal(r.r_finish, 0);
	assert_true(r.r_got->n >= 1);
	assert_string_equal(r.r_got->items[0].fi_title, "ok");
	run_free(&r);
}

static void
test_not_a_feed(void **state)
{
	struct run	r;

	(void)state;
	run_str(&r, "<html><body><p>hello</p></body></html>");
	assert_int_equal(r.r_finish, -1);
	assert_int_equal(r.r_got->n, 0);
	run_free(&r);

	run_str(&r, "this is not XML at all");
	assert_int_equal(r.r_finish, -1);
	assert_true(r.r_err[0] != '\0');
	run_free(&r);

	run_str(&r, "");
	assert_int_equal(r.r_finish, -1);
	run_free(&r);
}

static void
test_item_key(void **state)
{
	struct feed_item	 it;
	char			*k1, *k2;

	(void)state;
	memset(&it, 0, sizeof(it));
	it.fi_id = "urn:1";
	it.fi_link = "http://e.test/1";
	k1 = feed_item_key(&it);
	assert_string_equal(k1, "urn:1");
	free(k1);
	it.fi_id = NULL;
	k1 = feed_item_key(&it);
	assert_string_equal(k1, "http://e.test/1");
	free(k1);
	it.fi_link = NULL;
	it.fi_title = "T";
	it.fi_summary = "S";
	k1 = feed_item_key(&it);
	k2 = feed_item_key(&it);
	assert_string_equal(k1, k2);
	assert_int_equal(strncmp(k1, "h:", 2), 0);
	assert_int_equal(strlen(k1), 2 + 16);
	free(k2);
	/* the separator matters: "T" + "S" is not "TS" + "" */
	it.fi_title = "TS";
	it.fi_summary = NULL;
	k2 = feed_item_key(&it);
	assert_string_not_equal(k1, k2);
	free(k1);
	free(k2);
}

static void
test_limits(void **state)
{
	struct sbuf	doc;
	struct run	r;
	int		i;

	(void)state;
	sbuf_init(&doc);
	sbuf_adds(&doc, "<rss version=\"2.0\"><channel><item><title>t</title>");
	for (i = 0; i < FEED_MAX_CATEGORIES + 10; i++)
		sbuf_printf(&doc, "<category>c%d</category>", i);
	sbuf_adds(&doc, "<description>");
	for (i = 0; i < FEED_MAX_FIELD / 8 + 100; i++)
		sbuf_adds(&doc, "abcdefg ");
	sbuf_adds(&doc, "</description></item></channel></rss>");
	run_feed(&r, doc.sb_buf, doc.sb_len, 4096, NULL, NULL);
	assert_int_equal(r.r_finish, 0);
	assert_int_equal(r.r_got->n, 1);
	assert_int_equal(r.r_got->items[0].fi_ncategories, FEED_MAX_CATEGORIES);
	assert_true(strlen(r.r_got->items[0].fi_summary) <= FEED_MAX_FIELD);
	run_free(&r);
	sbuf_free(&doc);
}

static void
test_max_items(void **state)
{
	struct sbuf	doc;
	struct run	r;
	int		i;

	(void)state;
	sbuf_init(&doc);
	sbuf_adds(&doc, "<rss version=\"2.0\"><channel>");
	for (i = 0; i < FEED_MAX_ITEMS + 5; i++)
		sbuf_printf(&doc, "<item><title>%d</title></item>", i);
	sbuf_adds(&doc, "</channel></rss>");
	run_feed(&r, doc.sb_buf, doc.sb_len, 65536, NULL, NULL);
	assert_int_equal(r.r_finish, 0);
	assert_int_equal(r.r_got->n, FEED_MAX_ITEMS);
	assert_int_equal(feed_parser_nitems(r.r_fp), FEED_MAX_ITEMS);
	run_free(&r);
	sbuf_free(&doc);
}

static void
test_external_dtd_not_loaded(void **state)
{
	struct run	r;

	(void)state;
	/* an external subset is never read; HTML entities still work */
	run_str(&r, "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE rss SYSTEM \"file:///etc/passwd\">\n"
	    "<rss version=\"2.0\"><channel><title>a&nbsp;b</title>"
	    "<item><title>x</title></item></channel></rss>");
	assert_int_equal(r.r_finish, 0);
	assert_string_equal(feed_parser_meta(r.r_fp)->fm_title, "a\xc2\xa0" "b");
	assert_int_equal(r.r_got->n, 1);
	run_free(&r);

	/* a parameter entity is an entity declaration too */
	run_str(&r, "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n"
	    "<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]>\n"
	    "<rss version=\"2.0\"><channel><title>t</title></channel></rss>");
	assert_int_equal(r.r_finish, -1);
	assert_non_null(strstr(r.r_err, "declares entities"));
	run_free(&r);
}

static void
test_unknown_entity_kept(void **state)
{
	struct run	r;

	(void)state;
	run_str(&r, "<rss version=\"2.0\"><channel>"
	    "<title>testing &doesnotexist; entity</title></channel></rss>");
	assert_int_equal(r.r_finish, 0);
	assert_string_equal(feed_parser_meta(r.r_fp)->fm_title,
	    "testing &doesnotexist; entity");
	run_free(&r);
}

static void
test_windows1252(void **state)
{
	struct run	r;

	(void)state;
	/* Latin-1 labels are read as windows-1252: 0x92 is U+2019 */
	run_str(&r, "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>"
	    "<rss version=\"2.0\"><channel><item><title>don\x92t</title>"
	    "</item></channel></rss>");
	assert_int_equal(r.r_got->n, 1);
	assert_string_equal(r.r_got->items[0].fi_title, "don\xe2\x80\x99t");
	run_free(&r);

	/* and C1 controls that came through as such are mended */
	run_str(&r, "<rss version=\"2.0\"><channel><item>"
	    "<description>don\xc2\x92t</description></item></channel></rss>");
	assert_int_equal(r.r_got->n, 1);
	assert_string_equal(r.r_got->items[0].fi_summary, "don\xe2\x80\x99t");
	run_free(&r);
}

static void
test_markup_in_text(void **state)
{
	struct run	r;

	(void)state;
	/* Atom 0.3 "naked markup" in a text construct is kept as markup */
	run_str(&r, "<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\">"
	    "<entry><title>A &amp; <b>B</b></title></entry></feed>");
	assert_int_equal(r.r_got->n, 1);
	assert_string_equal(r.r_got->items[0].fi_title, "A &amp; <b>B</b>");
	run_free(&r);

	/* an RSS title that looks like HTML is sanitized as HTML */
	run_str(&r, "<rss version=\"2.0\"><channel><item><title>"
	    "a &lt;b&gt;b&lt;/b&gt; &lt;a href=\"javascript:x\"&gt;c&lt;/a&gt;"
	    "</title></item></channel></rss>");
	assert_string_equal(r.r_got->items[0].fi_title,
	    "a <b>b</b> <a href=\"\">c</a>");
	run_free(&r);

	/* with tags HTML would not keep it is text, as in feedparser */
	run_str(&r, "<rss version=\"2.0\"><channel><item><title>"
	    "if a &lt;script&gt; b</title></item></channel></rss>");
	assert_string_equal(r.r_got->items[0].fi_title, "if a <script> b");
	run_free(&r);
}

static void
test_namespaced_rss(void **state)
{
	struct run	r;

	(void)state;
	run_str(&r, "<r:rss version=\"2.0\" xmlns:r=\"http://backend.userland.com/rss2\">"
	    "<r:channel><r:title>NS</r:title><r:item><r:title>i</r:title>"
	    "<r:link>http://e.test/i</r:link></r:item></r:channel></r:rss>");
	assert_int_equal(r.r_finish, 0);
	assert_string_equal(feed_parser_meta(r.r_fp)->fm_title, "NS");
	assert_int_equal(r.r_got->n, 1);
	assert_string_equal(r.r_got->items[0].fi_link, "http://e.test/i");
	run_free(&r);
}

static void
test_media_group(void **state)
{
	struct run	r;

	(void)state;
	/* Media RSS: media:description inside media:group is a summary */
	run_str(&r, "<rss version=\"2.0\" xmlns:media=\"http://search.yahoo.com/mrss/\">"
	    "<channel><item><media:group><media:title>T</media:title>"
	    "<media:description>D</media:description>"
	    "<media:content url=\"http://e.test/v\"/></media:group>"
	    "<link>http://e.test/i</link></item><item><title>2</title>"
	    "<media:group/><description>S</description></item>"
	    "</channel></rss>");
	assert_int_equal(r.r_got->n, 2);
	assert_string_equal(r.r_got->items[0].fi_title, "T");
	assert_string_equal(r.r_got->items[0].fi_summary, "D");
	assert_string_equal(r.r_got->items[0].fi_link, "http://e.test/i");
	/* an item's own fields still win */
	assert_string_equal(r.r_got->items[1].fi_title, "2");
	assert_string_equal(r.r_got->items[1].fi_summary, "S");
	run_free(&r);
}

static void
test_cdf(void **state)
{
	struct run	r;

	(void)state;
	run_str(&r, "<CHANNEL HREF=\"http://e.test/\"><TITLE>C</TITLE>"
	    "<ITEM HREF=\"http://e.test/1\" LASTMOD=\"2004-04-06T23:05:43-05:00\">"
	    "<TITLE>one</TITLE><ABSTRACT>abs</ABSTRACT></ITEM></CHANNEL>");
	assert_int_equal(r.r_finish, 0);
	assert_string_equal(feed_parser_meta(r.r_fp)->fm_link, "http://e.test/");
	assert_string_equal(feed_parser_meta(r.r_fp)->fm_title, "C");
	assert_int_equal(r.r_got->n, 1);
	assert_string_equal(r.r_got->items[0].fi_link, "http://e.test/1");
	assert_string_equal(r.r_got->items[0].fi_summary, "abs");
	assert_int_equal(r.r_got->items[0].fi_updated,
	    date_parse("2004-04-07T04:05:43Z"));
	run_free(&r);
}

static void
test_many_entity_names(void **state)
{
	struct sbuf	doc;
	struct run	r;
	clock_t		start;
	int		i;

	(void)state;
	/* distinct unknown names are bounded, and cheap to look up */
	sbuf_init(&doc);
	sbuf_adds(&doc, "<rss version=\"2.0\"><channel><item><title>t</title>"
	    "</item><item><description>");
	for (i = 0; i < 100000; i++)
		sbuf_printf(&doc, "&u%d;&nbsp;", i);
	sbuf_adds(&doc, "</description></item></channel></rss>");
	start = clock();
	run_feed(&r, doc.sb_buf, doc.sb_len, 0, NULL, NULL);
	assert_true((double)(clock() - start) / CLOCKS_PER_SEC < 2.0);
	assert_int_equal(r.r_finish, 0);
	assert_true(r.r_got->n >= 1);
	assert_string_equal(r.r_got->items[0].fi_title, "t");
	run_free(&r);
	sbuf_free(&doc);
}

static void
count_cb(void *arg, const struct feed_item *it)
{
	(void)it;
	(*(size_t *)arg)++;
}

/* FEED_MAX_ITEMS bounds what the daemon keeps; --parse lifts it. */
static void
test_max_items_lifted(void **state)
{
	struct feed_parser	*fp;
	struct sbuf		 sb;
	char			 err[256];
	size_t			 n, i, lim;

	(void)state;
	sbuf_init(&sb);
	sbuf_adds(&sb, "<rss version=\"2.0\"><channel><title>t</title>");
	for (i = 0; i < FEED_MAX_ITEMS + 5; i++)
		sbuf_printf(&sb, "<item><guid>g%zu</guid></item>", i);
	sbuf_adds(&sb, "</channel></rss>");
	for (lim = 0; lim < 2; lim++) {
		n = 0;
		fp = feed_parser_new("http://example.org/", NULL, count_cb, &n);
		if (lim == 0)
			feed_parser_set_max_items(fp, 0);
		assert_int_equal(feed_parser_push(fp, sb.sb_buf, sb.sb_len, err,
		    sizeof(err)), 0);
		assert_int_equal(feed_parser_finish(fp, err, sizeof(err)), 0);
		assert_int_equal(n, lim == 0 ? FEED_MAX_ITEMS + 5 :
		    FEED_MAX_ITEMS);
		feed_parser_free(fp);
	}
	sbuf_free(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rss2_fields),
		cmocka_unit_test(test_rss091),
		cmocka_unit_test(test_rss10),
		cmocka_unit_test(test_atom10_fields),
		cmocka_unit_test(test_atom03),
		cmocka_unit_test(test_node_precedence),
		cmocka_unit_test(test_chunked_equals_whole),
		cmocka_unit_test(test_encoding_declaration),
		cmocka_unit_test(test_encoding_charset_arg),
		cmocka_unit_test(test_encoding_utf16_bom),
		cmocka_unit_test(test_xxe_refused),
		cmocka_unit_test(test_billion_laughs_refused),
		cmocka_unit_test(test_html_entities_kept),
		cmocka_unit_test(test_truncated_keeps_items),
		cmocka_unit_test(test_not_a_feed),
		cmocka_unit_test(test_item_key),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_max_items),
		cmocka_unit_test(test_external_dtd_not_loaded),
		cmocka_unit_test(test_unknown_entity_kept),
		cmocka_unit_test(test_windows1252),
		cmocka_unit_test(test_markup_in_text),
		cmocka_unit_test(test_namespaced_rss),
		cmocka_unit_test(test_media_group),
		cmocka_unit_test(test_cdf),
		cmocka_unit_test(test_many_entity_names),
		cmocka_unit_test(test_max_items_lifted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
