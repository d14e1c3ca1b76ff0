/*
 * test_text.c: words and folding, HTML to text, truncation, URL and title
 * normalisation.
 */
#include "unit.h"

#include "text.h"
#include "util.h"

/* Words of a text as "folded/orig folded/orig …". */
static void
collect(void *arg, const char *folded, size_t flen, const char *orig,
    size_t olen)
{
	struct sbuf	*sb = arg;

	assert_int_equal(strlen(folded), flen);
	if (sb->sb_len > 0)
		sbuf_addc(sb, ' ');
	sbuf_add(sb, folded, flen);
	sbuf_addc(sb, '/');
	sbuf_add(sb, orig, olen);
}

static void
check_words(const char *s, const char *want, size_t nwant)
{
	struct sbuf	sb;
	size_t		n;

	sbuf_init(&sb);
	n = text_words(s, strlen(s), collect, &sb);
	assert_string_equal(sb.sb_buf, want);
	assert_int_equal(n, nwant);
	sbuf_free(&sb);
}

static void
check_fold(const char *s, const char *want)
{
	char	*f = text_fold(s, strlen(s));

	assert_string_equal(f, want);
	free(f);
}

static void
test_fold(void **state)
{
	(void)state;
	check_fold("Kariņš", "karins");
	check_fold("Karins", "karins");
	check_fold("KARINS", "karins");
	check_fold("Kariņs", "karins");
	check_fold("Straße", "strasse");
	check_fold("\xef\xac\x81nance", "finance");	/* fi ligature */
	check_fold("Crème Brûlée", "creme brulee");
	check_fold("ΟΔΥΣΣΕΥΣ", "οδυσσευσ");
	check_fold("", "");
}

static void
test_words(void **state)
{
	(void)state;
	check_words("Latvia's army", "latvia/Latvia army/army", 2);
	check_words("Latvia\xe2\x80\x99s LATVIA'S", "latvia/Latvia latvia/LATVIA",
	    2);
	check_words("Latvian", "latvian/Latvian", 1);
	/* Only a possessive 's goes; other apostrophes split. */
	check_words("don't it'sy", "don/don t/t it/it sy/sy", 4);
	check_words("Kariņš,Karins", "karins/Kariņš karins/Karins", 2);
	/* A combining mark inside a word belongs to it. */
	check_words("Karin\xcc\x83s", "karins/Karin\xcc\x83s", 1);
	check_words("\xcc\x83" "abc", "abc/abc", 1);
	/* A soft hyphen does not split a word. */
	check_words("Lat\xc2\xadvia", "latvia/Lat\xc2\xadvia", 1);
	check_words("covid-19 (2020)", "covid/covid 19/19 2020/2020", 3);
	check_words("ab\xff" "cd\xc3", "ab/ab cd/cd", 2);
	check_words("  ,;: ", "", 0);
	check_words("", "", 0);
	check_words("東京 Москва", "東京/東京 москва/Москва", 2);
}

static void
check_html(const char *html, const char *want)
{
	char	*t = text_html_to_text(html, strlen(html));

	assert_string_equal(t, want);
	free(t);
}

static void
test_html_to_text(void **state)
{
	(void)state;
	check_html("<p>Hello&nbsp;<b>wor</b>ld</p><p>Next&amp;co</p>",
	    "Hello world Next&co");
	check_html("<script>var x = '<p>';</script>Text<STYLE>p { }</STYLE> "
	    "more", "Text more");
	check_html("a < b &lt;c&gt; &#233;&#xE9; &bogus; <!-- <p>c -->end",
	    "a < b <c> éé &bogus; end");
	check_html("one<br>two<br/>three<li>four", "one two three four");
	check_html("  spaced \n\t out  ", "spaced out");
	check_html("<a title=\"x>y\" href='z'>link</a>", "link");
	check_html("<![CDATA[raw <text>]]>", "raw <text>");
	check_html("bad \xff byte", "bad \xef\xbf\xbd byte");
	check_html("unterminated <a href=", "unterminated");
	check_html("", "");
}

static void
check_trunc(const char *s, size_t max, const char *want)
{
	struct sbuf	sb;

	sbuf_init(&sb);
	sbuf_adds(&sb, "> ");
	text_truncate(&sb, s, max);
	assert_string_equal(sb.sb_buf + 2, want);
	assert_memory_equal(sb.sb_buf, "> ", 2);
	sbuf_free(&sb);
}

static void
test_truncate(void **state)
{
	(void)state;
	check_trunc("Kariņš", 6, "Kariņš");
	check_trunc("Kariņš", 5, "Kari…");
	/* The cut never splits a character: ņ is two bytes. */
	check_trunc("Kariņš", 4, "Kar…");
	check_trunc("Kariņšx", 6, "Kariņ…");
	check_trunc("a\xff" "b", 10, "ab");
	check_trunc("one two", 5, "one…");
	check_trunc("anything", 0, "");
	check_trunc("", 3, "");
}

static void
check_url(const char *url, const char *want)
{
	char	*n = text_norm_url(url);

	assert_string_equal(n, want);
	free(n);
}

static void
test_norm_url(void **state)
{
	(void)state;
	check_url("HTTPS://Example.COM:443/a/b/?utm_source=x&id=3&fbclid=y#frag",
	    "http://example.com/a/b?id=3");
	check_url("http://example.com/a/b?id=3", "http://example.com/a/b?id=3");
	check_url("http://example.com/", "http://example.com");
	check_url("http://example.com:80", "http://example.com");
	check_url("https://example.com:8443/x", "http://example.com:8443/x");
	check_url("https://x.org/p?gclid=1&UTM_medium=a", "http://x.org/p");
	check_url("http://User:Pw@Example.COM./Path/",
	    "http://User:Pw@example.com/Path");
	check_url("  ftp://Host/File#x ", "ftp://host/File");
	check_url("not a url#frag", "not a url");
}

static void
check_title(const char *t, const char *want)
{
	char	*n = text_norm_title(t);

	assert_string_equal(n, want);
	free(n);
}

static void
test_norm_title(void **state)
{
	(void)state;
	check_title("  Latvia’s PM Kariņš: “We hope”  ",
	    "latvia pm karins we hope");
	check_title("LATVIA'S pm KARINS -- we HOPE!", "latvia pm karins we hope");
	check_title("", "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_html_to_text),
		cmocka_unit_test(test_truncate),
		cmocka_unit_test(test_norm_url),
		cmocka_unit_test(test_norm_title),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
