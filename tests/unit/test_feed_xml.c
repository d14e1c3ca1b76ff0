/*
 * test_feed_xml.c: the tokenizer under the SAX layer (feed_xml.c):
 * namespaces and their scopes, line ends, references, end tags that do
 * not match, limits; each document also pushed a byte at a time, which
 * must read the same.
 */
#include "unit.h"

#include <stdio.h>
#include <string.h>

#include "feed.h"
#include "util.h"

/* Every item as one line: title|link|id|author|summary|content|cats. */
static void
dump_cb(void *arg, const struct feed_item *it)
{
	struct sbuf	*sb = arg;
	size_t		 i;

	sbuf_printf(sb, "%s|%s|%s|%s|%s|%s|",
	    it->fi_title ? it->fi_title : "-", it->fi_link ? it->fi_link : "-",
	    it->fi_id ? it->fi_id : "-", it->fi_author ? it->fi_author : "-",
	    it->fi_summary ? it->fi_summary : "-",
	    it->fi_content ? it->fi_content : "-");
	for (i = 0; i < it->fi_ncategories; i++)
		sbuf_printf(sb, "%s,", it->fi_categories[i]);
	sbuf_adds(sb, "\n");
}

/*
 * Parses doc in pushes of chunk bytes (0: whole) into out: the items,
 * then "title=T" for the feed, then "ok" or "error: E".
 */
static void
parse_chunked(const char *doc, size_t chunk, struct sbuf *out)
{
	struct feed_parser		*fp;
	const struct feed_meta		*m;
	char				 err[256];
	size_t				 len = strlen(doc), off, n;
	int				 rc = 0;

	sbuf_reset(out);
	fp = feed_parser_new("http://example.test/feed", NULL, dump_cb, out);
	if (chunk == 0)
		chunk = len;
	for (off = 0; off < len && rc == 0; off += n) {
		n = len - off < chunk ? len - off : chunk;
		rc = feed_parser_push(fp, doc + off, n, err, sizeof(err));
	}
	if (rc == 0)
		rc = feed_parser_finish(fp, err, sizeof(err));
	m = feed_parser_meta(fp);
	sbuf_printf(out, "title=%s\n", m->fm_title ? m->fm_title : "-");
	if (rc == 0)
		sbuf_adds(out, "ok");
	else
		sbuf_printf(out, "error: %s", err);
	feed_parser_free(fp);
}

/* doc reads as want, whole and a byte at a time. */
static void
check_doc(const char *doc, const char *want)
{
	struct sbuf	whole, bytes;

	sbuf_init(&whole);
	sbuf_init(&bytes);
	parse_chunked(doc, 0, &whole);
	parse_chunked(doc, 1, &bytes);
	assert_string_equal(whole.sb_buf, want);
	assert_string_equal(bytes.sb_buf, want);
	sbuf_free(&whole);
	sbuf_free(&bytes);
}

/* Prefixes and default namespaces hold in their element and below. */
static void
test_namespace_scopes(void **state)
{
	(void)state;
	/* An Atom feed under a prefix, its default namespace something else. */
	check_doc(
	    "<a:feed xmlns:a='http://www.w3.org/2005/Atom' xmlns='urn:x'>"
	    "<a:title>T</a:title>"
	    "<a:entry><a:title>One</a:title><title>not Atom</title>"
	    "<a:id>urn:1</a:id></a:entry>"
	    /* The prefix rebound below: no longer Atom. */
	    "<a:entry xmlns:a='urn:other'><a:title>hidden</a:title></a:entry>"
	    /* And back once that entry ended. */
	    "<a:entry><a:title>Two</a:title></a:entry>"
	    "</a:feed>",
	    "One|-|urn:1|-|-|-|\n"
	    "Two|-|-|-|-|-|\n"
	    "title=T\nok");
	/* A default namespace rebound for one entry, then back. */
	check_doc(
	    "<feed xmlns='http://www.w3.org/2005/Atom'><title>T</title>"
	    "<entry xmlns='urn:x'><title>not Atom</title></entry>"
	    "<entry><title>A</title></entry>"
	    "</feed>",
	    "A|-|-|-|-|-|\n"
	    "title=T\nok");
	/* A module namespace bound on the item only. */
	check_doc(
	    "<rss><channel><title>T</title>"
	    "<item xmlns:dc='http://purl.org/dc/elements/1.1/'>"
	    "<title>A</title><dc:creator>Jane</dc:creator></item>"
	    "<item><title>B</title><dc:creator>unbound</dc:creator></item>"
	    "</channel></rss>",
	    "A|-|-|Jane|-|-|\n"
	    "B|-|-|-|-|-|\n"
	    "title=T\nok");
}

/* xml:base is in the xml namespace without a declaration. */
static void
test_xml_prefix(void **state)
{
	(void)state;
	check_doc(
	    "<feed xmlns='http://www.w3.org/2005/Atom' "
	    "xml:base='http://other.test/dir/'><title>T</title>"
	    "<entry><title>A</title><link href='a.html'/></entry></feed>",
	    "A|http://other.test/dir/a.html|-|-|-|-|\n"
	    "title=T\nok");
}

/* CR LF and a lone CR are LF in text and CDATA, a space in attributes. */
static void
test_line_ends(void **state)
{
	(void)state;
	check_doc(
	    "<rss><channel><title>a\r\nb\rc</title><item>"
	    "<title>x\r\ny</title>"
	    "<description><![CDATA[<p>1\r\n2\r3</p>]]></description>"
	    "<category domain='a\r\nb'>c\r\nd</category>"
	    "</item></channel></rss>\r\n",
	    "x\ny|-|-|-|<p>1\n2\n3</p>|-|c\nd,\n"
	    "title=a\nb\nc\nok");
	/* In attributes: an Atom link's, an XHTML element's (the summary too). */
	check_doc(
	    "<feed xmlns='http://www.w3.org/2005/Atom'><entry>"
	    "<title>A</title><link href='http://example.test/a\r\nb'/>"
	    "<content type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'>"
	    "<p title='1\r\n2'>t</p></div></content></entry></feed>",
	    "A|http://example.test/a b|-|-|<p title=\"1 2\">t</p>|"
	    "<p title=\"1 2\">t</p>|\n"
	    "title=-\nok");
}

/* References: XML's five, numbers, HTML names; unknown ones stay. */
static void
test_references(void **state)
{
	(void)state;
	check_doc(
	    "<rss><channel><item>"
	    "<title>&lt;&gt;&amp;&quot;&apos; &#233;&#xe9; &eacute;&nbsp;|"
	    "&lang;&rang; &bogus;</title>"
	    "<link>http://example.test/?a=1&amp;b=2</link>"
	    "</item></channel></rss>",
	    "<>&\"' \xc3\xa9\xc3\xa9 \xc3\xa9\xc2\xa0|"
	    "\xe2\x8c\xa9\xe2\x8c\xaa &bogus;|http://example.test/?a=1&b=2|"
	    "-|-|-|-|\n"
	    "title=-\nok");
}

/*
 * An end tag closes what is open down to its element; one that closes
 * nothing is ignored.  libxml2 stopped at either and lost what followed.
 */
static void
test_unmatched_end_tags(void **state)
{
	(void)state;
	check_doc(
	    "<rss><channel><title>T</title>"
	    "<item><title>A</titel></title><link>http://example.test/a</link>"
	    "</item>"
	    "<item><title>B</item>"
	    "<item><title>C</title></b></item>"
	    "</channel></rss>",
	    "A|http://example.test/a|-|-|-|-|\n"
	    "B|-|-|-|-|-|\n"
	    "C|-|-|-|-|-|\n"
	    "title=T\nok");
}

/* Attributes as real feeds write them: bare, unquoted, odd spaces. */
static void
test_attribute_forms(void **state)
{
	(void)state;
	check_doc(
	    "<feed xmlns='http://www.w3.org/2005/Atom'><entry>"
	    "<title>A</title><link rel = \"alternate\" hidden"
	    " href=http://example.test/a/></entry>"
	    "<entry><title>B</title><link rel='alternate' "
	    "href=\"http://example.test/b?x='1'&amp;y\" /></entry></feed>",
	    "A|http://example.test/a|-|-|-|-|\n"
	    "B|http://example.test/b?x='1'&y|-|-|-|-|\n"
	    "title=-\nok");
}

/* A DOCTYPE without entities is read past, with its internal subset. */
static void
test_doctype(void **state)
{
	(void)state;
	check_doc(
	    "<!DOCTYPE rss [ <!ELEMENT rss ANY> <!-- ']' > --> ]>"
	    "<rss><channel><item><title>A</title></item></channel></rss>",
	    "A|-|-|-|-|-|\n"
	    "title=-\nok");
	check_doc(
	    "<!DOCTYPE rss [ <!ENTITY e 'x'> ]>"
	    "<rss><channel><item><title>&e;</title></item></channel></rss>",
	    "title=-\nerror: document declares entities");
}

/*
 * Nesting past 256, a tag past 1 MiB and scopes holding over 4 MiB end
 * the document, items kept.
 * (Padded past what the input stage looks ahead, so that the error is
 * the push's.)
 */
static void
test_limits(void **state)
{
	struct sbuf	doc, out;
	int		i;

	(void)state;
	sbuf_init(&doc);
	sbuf_init(&out);
	sbuf_adds(&doc, "<rss><channel><item><title>A</title><description>");
	for (i = 0; i < 70000; i++)
		sbuf_addc(&doc, 'z');
	sbuf_adds(&doc, "</description></item><item>");
	for (i = 0; i < 300; i++)
		sbuf_adds(&doc, "<x>");
	for (i = 0; i < 300; i++)
		sbuf_adds(&doc, "</x>");
	sbuf_adds(&doc, "<title>B</title></item></channel></rss>");
	parse_chunked(doc.sb_buf, 0, &out);
	assert_non_null(strstr(out.sb_buf, "A|-|"));
	assert_null(strstr(out.sb_buf, "B|-|"));
	assert_non_null(strstr(out.sb_buf, "nested over 256 deep"));

	sbuf_reset(&doc);
	sbuf_adds(&doc, "<rss><channel><item><title>A</title></item>"
	    "<item><title>B</title><x a='");
	for (i = 0; i < 1100 * 1024; i++)
		sbuf_addc(&doc, 'y');
	sbuf_adds(&doc, "'/></item></channel></rss>");
	parse_chunked(doc.sb_buf, 16384, &out);
	assert_non_null(strstr(out.sb_buf, "A|-|"));
	assert_non_null(strstr(out.sb_buf, "over 1 MiB"));

	/* Bindings in scope: ten tags of 600 KiB each pass what is held. */
	sbuf_reset(&doc);
	sbuf_adds(&doc, "<rss><channel><item><title>A</title></item><item>");
	for (int k = 0; k < 10; k++) {
		sbuf_printf(&doc, "<x xmlns:p%d='", k);
		for (i = 0; i < 600 * 1024; i++)
			sbuf_addc(&doc, 'u');
		sbuf_adds(&doc, "'>");
	}
	sbuf_adds(&doc, "<title>B</title></item></channel></rss>");
	parse_chunked(doc.sb_buf, 16384, &out);
	assert_non_null(strstr(out.sb_buf, "A|-|"));
	assert_null(strstr(out.sb_buf, "B|-|"));
	assert_non_null(strstr(out.sb_buf, "over 4 MiB of names"));
	sbuf_free(&doc);
	sbuf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_namespace_scopes),
		cmocka_unit_test(test_xml_prefix),
		cmocka_unit_test(test_line_ends),
		cmocka_unit_test(test_references),
		cmocka_unit_test(test_unmatched_end_tags),
		cmocka_unit_test(test_attribute_forms),
		cmocka_unit_test(test_doctype),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
