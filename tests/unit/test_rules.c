/*
 * test_rules.c: the rule language of interface.md, its errors and limits,
 * the matched words of an alert, and the index by term.
 */
#include "unit.h"

#include <stdio.h>

#include "rules.h"
#include "util.h"

/* What rules_match() reported: "wl:word,word;wl:…". */
static void
hits(void *arg, unsigned wl, const char *const *words, size_t n)
{
	struct sbuf	*sb = arg;
	size_t		 i;

	if (sb->sb_len > 0)
		sbuf_addc(sb, ';');
	sbuf_printf(sb, "%u:", wl);
	for (i = 0; i < n; i++)
		sbuf_printf(sb, "%s%s", i ? "," : "", words[i]);
}

static void
add(struct rules *r, unsigned wl, enum rules_kind kind, const char *src)
{
	char	err[256];

	if (rules_add(r, wl, kind, src, err, sizeof(err)) == -1)
		fail_msg("rule '%s': %s", src, err);
}

/* Matches a title and a summary; returns what hits() wrote (to free). */
static char *
match_doc(struct rules *r, const char *title, const char *summary)
{
	struct rules_doc	*d = rules_doc_new();
	struct sbuf		 sb;
	size_t			 n, nwl = 0;
	char			*s, *p;

	sbuf_init(&sb);
	if (title != NULL)
		rules_doc_add(d, RULES_TITLE, title, strlen(title));
	if (summary != NULL)
		rules_doc_add(d, RULES_SUMMARY, summary, strlen(summary));
	n = rules_match(r, d, hits, &sb);
	for (p = sb.sb_buf; *p != '\0'; p++)
		nwl += *p == ':';
	assert_int_equal(n, nwl);
	rules_doc_free(d);
	s = sbuf_detach(&sb);
	sbuf_free(&sb);
	return s;
}

/* One rule, one summary: "" when it does not match, else its words. */
static void
check(const char *rule, const char *text, const char *want)
{
	struct rules	*r = rules_new();
	char		*got;

	add(r, 0, RULES_MATCH, rule);
	rules_finish(r);
	got = match_doc(r, NULL, text);
	if (strcmp(got, want) != 0)
		fail_msg("rule '%s' on '%s': got '%s', want '%s'", rule, text,
		    got, want);
	free(got);
	rules_free(r);
}

static void
test_term(void **state)
{
	(void)state;
	check("Latvia", "Latvia's army", "0:Latvia");
	check("Latvia", "the army of LATVIA’S neighbour", "0:LATVIA");
	check("latvia", "Latvian army", "");
	check("Kariņš", "Mr. KARINS said", "0:KARINS");
	check("KARINS", "Mr. Kariņš said", "0:Kariņš");
	check("Latvia's", "Latvia", "0:Latvia");
	/* Lower-case and, or, not are words like any other. */
	check("cats and dogs", "cats dogs", "");
	check("cats and dogs", "cats and dogs", "0:cats,and,dogs");
	check("x or y", "x", "");
	check("not", "it is not", "0:not");
	/* A word of several parts is a phrase. */
	check("covid-19", "Covid 19 cases", "0:Covid,19");
	check("covid-19", "19 covid", "");
}

static void
test_boolean(void **state)
{
	(void)state;
	check("nato AND latvia", "Latvia joins NATO", "0:Latvia,NATO");
	check("nato AND latvia", "Latvia", "");
	check("nato latvia", "Latvia joins NATO", "0:Latvia,NATO");
	check("nato latvia", "NATO", "");
	check("nato OR latvia", "NATO", "0:NATO");
	check("nato OR latvia", "Latvia and NATO", "0:Latvia,NATO");
	check("nato OR latvia", "Estonia", "");
	check("latvia NOT nato", "Latvia", "0:Latvia");
	check("latvia NOT nato", "Latvia NATO", "");
	check("latvia -nato", "Latvia", "0:Latvia");
	check("latvia -nato", "Latvia NATO", "");
	check("NOT nato", "Latvia", "0:");
	check("-nato", "NATO", "");
	check("NOT NOT nato", "NATO", "0:");
	check("latvia -(nato OR eu)", "Latvia EU", "");
	check("latvia -(nato OR eu)", "Latvia USA", "0:Latvia");
}

static void
test_precedence(void **state)
{
	(void)state;
	/* a OR (b AND c) */
	check("a OR b AND c", "a", "0:a");
	check("a OR b AND c", "b", "");
	check("a OR b AND c", "c b", "0:c,b");
	check("(a OR b) AND c", "a", "");
	check("(a OR b) AND c", "a c", "0:a,c");
	/* (NOT a) AND b, and (NOT a) OR b */
	check("NOT a b", "b", "0:b");
	check("NOT a b", "a b", "");
	check("NOT a OR b", "a b", "0:b");
	check("NOT a OR b", "a", "");
	check("NOT a OR b", "c", "0:");
	/* Implicit AND binds like AND: a OR (b c). */
	check("a OR b c", "b", "");
	check("a OR b c", "c b", "0:c,b");
}

static void
test_prefix(void **state)
{
	(void)state;
	check("troop*", "Canadian troops", "0:troops");
	check("troop*", "one troop", "0:troop");
	check("troop*", "Troopers and troops", "0:Troopers,troops");
	check("troop*", "atroop", "");
	check("troop*", "tro op", "");
	check("kariņ*", "Karins", "0:Karins");
	check("a* AND z*", "zz aa", "0:zz,aa");
}

static void
test_phrase(void **state)
{
	struct rules		*r;
	struct rules_doc	*d;
	size_t			 n;

	(void)state;
	check("\"battle group\"", "the battle group was", "0:battle,group");
	check("\"battle group\"", "BATTLE-GROUP", "0:BATTLE,GROUP");
	check("\"battle group\"", "group battle", "");
	check("\"battle group\"", "battle and group", "");
	check("“battle group”", "a battle group", "0:battle,group");
	check("\"battle group\" nato", "NATO battle group", "0:NATO,battle,group");
	check("\"Latvia's troops\"", "Latvia’s troops", "0:Latvia,troops");
	check("title:\"battle group\"", "battle group", "");

	/* A phrase does not run from one text (summary) into the next. */
	r = rules_new();
	add(r, 0, RULES_MATCH, "\"battle group\"");
	rules_finish(r);
	d = rules_doc_new();
	rules_doc_add(d, RULES_SUMMARY, "a battle", 8);
	rules_doc_add(d, RULES_SUMMARY, "group b", 7);
	n = rules_match(r, d, NULL, NULL);
	assert_int_equal(n, 0);
	rules_doc_reset(d);
	rules_doc_add(d, RULES_SUMMARY, "a battle group", 14);
	n = rules_match(r, d, NULL, NULL);
	assert_int_equal(n, 1);
	rules_doc_free(d);
	rules_free(r);
}

static void
test_near(void **state)
{
	(void)state;
	/* At most n other words between, either order. */
	check("a NEAR/2 b", "a x y b", "0:a,b");
	check("a NEAR/2 b", "a x y z b", "");
	check("a NEAR/2 b", "b x y a", "0:b,a");
	check("a NEAR/2 b", "b x y z a", "");
	check("a NEAR/0 b", "b a", "0:b,a");
	check("a NEAR/0 b", "a x b", "");
	check("a NEAR/2 b", "a", "");
	check("a NEAR/2 a", "a", "");
	check("a NEAR/2 a", "a x a", "0:a");
	/* Phrases count from their ends. */
	check("\"battle group\" NEAR/1 latvia", "battle group in Latvia",
	    "0:battle,group,Latvia");
	check("\"battle group\" NEAR/1 latvia",
	    "battle group stationed in Latvia", "");
	check("latvia NEAR/1 \"battle group\"", "Latvia's own battle group",
	    "0:Latvia,battle,group");
	/* An OR of words and prefixes on either side. */
	check("(nato OR troop*) NEAR/3 latvia", "troops sent to Latvia",
	    "0:troops,Latvia");
	check("(nato OR troop*) NEAR/3 latvia", "NATO troops sent far to Latvia",
	    "0:troops,Latvia");
	check("(nato OR troop*) NEAR/3 latvia", "NATO sent far away to Latvia",
	    "");
	check("a NEAR/1 b c", "a b", "");
	check("a NEAR/1 b c", "c a b", "0:c,a,b");
	check("NOT a NEAR/1 b", "a b", "");
	check("NOT a NEAR/1 b", "a x x b", "0:");
	/* Several pairs: every word that takes part is listed. */
	check("troop* NEAR/1 latvia", "troops Latvia troopers x Latvia",
	    "0:troops,Latvia,troopers");
}

static void
test_near_fields(void **state)
{
	struct rules	*r;
	char		*got;

	(void)state;
	r = rules_new();
	add(r, 0, RULES_MATCH, "latvia NEAR/5 nato");
	rules_finish(r);
	/* The same words in two fields are not near. */
	got = match_doc(r, "news from Latvia", "NATO said");
	assert_string_equal(got, "");
	free(got);
	got = match_doc(r, "Latvia and NATO", NULL);
	assert_string_equal(got, "0:Latvia,NATO");
	free(got);
	rules_free(r);
}

static void
test_fields(void **state)
{
	struct rules		*r;
	struct rules_doc	*d;
	struct sbuf		 sb;

	(void)state;
	r = rules_new();
	add(r, 0, RULES_MATCH, "title:latvia");
	add(r, 1, RULES_MATCH, "summary:(nato AND latvia)");
	add(r, 2, RULES_MATCH, "author:berthiaume");
	add(r, 3, RULES_MATCH, "category:defence");
	add(r, 4, RULES_MATCH, "defence");
	add(r, 5, RULES_MATCH, "title:nato OR summary:latvia");
	add(r, 6, RULES_MATCH, "summary:troops");
	rules_finish(r);
	d = rules_doc_new();
	sbuf_init(&sb);
	rules_doc_add(d, RULES_TITLE, "NATO in the Baltics", 19);
	rules_doc_add(d, RULES_SUMMARY, "Latvia hopes.", 13);
	/* Content is summary text too. */
	rules_doc_add(d, RULES_SUMMARY, "NATO troops stay.", 17);
	rules_doc_add(d, RULES_AUTHOR, "Lee Berthiaume", 14);
	rules_doc_add(d, RULES_CATEGORY, "World", 5);
	rules_doc_add(d, RULES_CATEGORY, "Defence", 7);
	assert_int_equal(rules_match(r, d, hits, &sb), 6);
	assert_string_equal(sb.sb_buf, "1:Latvia,NATO;2:Berthiaume;"
	    "3:Defence;4:Defence;5:NATO,Latvia;6:troops");
	rules_free(r);

	/* Without a field, a word counts in any field. */
	r = rules_new();
	add(r, 0, RULES_MATCH, "lee AND baltics AND world AND stay");
	rules_finish(r);
	sbuf_reset(&sb);
	assert_int_equal(rules_match(r, d, hits, &sb), 1);
	assert_string_equal(sb.sb_buf, "0:Baltics,stay,Lee,World");
	rules_free(r);
	sbuf_free(&sb);
	rules_doc_free(d);
}

static void
test_watchlists(void **state)
{
	struct rules	*r;
	char		*got;

	(void)state;
	r = rules_new();
	/* Added out of order: callbacks still come by watchlist. */
	add(r, 4, RULES_MATCH, "latvia");
	add(r, 2, RULES_EXCLUDE, "hockey OR football");
	add(r, 2, RULES_MATCH, "latvia");
	add(r, 1, RULES_MATCH, "nato");
	add(r, 1, RULES_MATCH, "latvia");
	add(r, 3, RULES_MATCH, "zebra");
	add(r, 5, RULES_EXCLUDE, "latvia");	/* an exclude alone never alerts */
	add(r, 0, RULES_MATCH, "latvia");
	add(r, 0, RULES_EXCLUDE, "NOT nato");
	assert_int_equal(rules_count(r), 9);
	rules_finish(r);
	got = match_doc(r, "Latvia hockey", "NATO");
	assert_string_equal(got, "0:Latvia;1:Latvia,NATO;4:Latvia");
	free(got);
	got = match_doc(r, "Latvia hockey", NULL);
	assert_string_equal(got, "1:Latvia;4:Latvia");
	free(got);
	got = match_doc(r, "Latvia and NATO", "latvia nato");
	assert_string_equal(got,
	    "0:Latvia;1:Latvia,NATO;2:Latvia;4:Latvia");
	free(got);
	got = match_doc(r, "nothing here", NULL);
	assert_string_equal(got, "");
	free(got);
	rules_free(r);
}

static void
test_matched_words(void **state)
{
	struct rules	*r;
	char		*got;

	(void)state;
	r = rules_new();
	add(r, 0, RULES_MATCH, "latvia AND (nato OR troop*)");
	rules_finish(r);
	/* First appearance: title before summary; spelling as written. */
	got = match_doc(r, "NATO troops in Latvia", "Latvia's NATO allies");
	assert_string_equal(got, "0:NATO,troops,Latvia");
	free(got);
	got = match_doc(r, "LATVIA latvia Latvia", "nato Nato NATO");
	assert_string_equal(got, "0:LATVIA,nato");
	free(got);
	rules_free(r);
	/* Words under NOT are not listed. */
	check("latvia -hockey -(football nato)", "Latvia football",
	    "0:Latvia");
	/* Two spellings fold alike: the first one is listed. */
	check("karins", "Kariņs met Karins", "0:Kariņs");
}

static void
check_error(const char *rule, const char *want)
{
	struct rules	*r = rules_new();
	char		 err[256];

	memset(err, 0, sizeof(err));
	assert_int_equal(rules_add(r, 0, RULES_MATCH, rule, err,
	    sizeof(err)), -1);
	if (strcmp(err, want) != 0)
		fail_msg("rule '%s': got '%s', want '%s'", rule, err, want);
	assert_int_equal(rules_count(r), 0);
	rules_free(r);
}

static void
test_errors(void **state)
{
	(void)state;
	check_error("", "empty rule");
	check_error("  \t ", "empty rule");
	check_error("latvia AND (nato OR x))", "column 23: unexpected ')'");
	check_error("Kariņš )", "column 8: unexpected ')'");
	check_error("()", "column 2: unexpected ')'");
	check_error("\"battle group", "column 1: unterminated phrase");
	check_error("a \"battle group", "column 3: unterminated phrase");
	check_error("latvia titel:x", "column 8: unknown field 'titel'");
	check_error("a b NOT", "column 5: expected a word after NOT");
	check_error("a AND", "column 3: expected a word after AND");
	/* The stray token is named, at its own column (interface.md). */
	check_error("a AND OR b", "column 7: unexpected 'OR' after AND");
	check_error("Latvia AND ) NATO", "column 12: unexpected ')' after AND");
	check_error("a OR", "column 3: expected a word after OR");
	check_error("a -", "column 3: expected a word after -");
	check_error("OR a", "column 1: unexpected 'OR'");
	check_error("AND", "column 1: unexpected 'AND'");
	check_error("(a OR b", "column 8: expected ')' before end of rule, "
	    "to close the '(' at column 1");
	check_error("a NEAR b", "column 3: NEAR needs a distance, as in NEAR/5");
	check_error("a NEAR/x b",
	    "column 3: expected a number after NEAR/ in 'NEAR/x'");
	check_error("a NEAR/5000 b", "column 3: NEAR distance above 1000");
	check_error("a NEAR/5", "column 3: expected a word after NEAR/5");
	check_error("NEAR/5 a", "column 1: unexpected 'NEAR/5'");
	check_error("(a AND b) NEAR/3 c", "column 1: NEAR takes words, "
	    "prefixes, phrases or an OR of them on each side");
	check_error("a NEAR/3 (b OR (c d))", "column 10: NEAR takes words, "
	    "prefixes, phrases or an OR of them on each side");
	check_error("a NEAR/2 b NEAR/2 c", "column 12: 'NEAR/2' cannot "
	    "follow another NEAR: join them with AND");
	check_error("tr*op", "column 1: '*' can only end a word, in 'tr*op'");
	check_error("x *", "column 3: no letter or digit in '*'");
	check_error("a && b", "column 3: no letter or digit in '&&'");
	check_error("U.S*", "column 1: a prefix must be one word: 'U.S*'");
	check_error("a \"\"", "column 3: empty phrase");
	check_error("title:(summary:x)",
	    "column 8: field 'summary' inside another field");
	check_error("title:", "column 1: expected a word after title:");
	check_error("title:-x", "column 1: expected a word after title:");
}

static void
test_limits(void **state)
{
	struct rules	*r;
	struct sbuf	 sb;
	char		 err[256];
	int		 i;

	(void)state;
	r = rules_new();
	sbuf_init(&sb);
	/* Length: 4096 bytes pass, 4097 do not. */
	while (sb.sb_len < 4096)
		sbuf_adds(&sb, "a ");
	sb.sb_buf[4095] = 'b';
	sb.sb_buf[4096] = '\0';
	sb.sb_len = 4096;
	assert_int_equal(rules_add(r, 0, RULES_MATCH, sb.sb_buf, err,
	    sizeof(err)), -1);	/* 2048 words: over the word limit */
	assert_string_equal(err, "column 513: more than 256 words in one rule");
	sbuf_reset(&sb);
	for (i = 0; i < 4096; i++)
		sbuf_addc(&sb, 'x');
	assert_int_equal(rules_add(r, 0, RULES_MATCH, sb.sb_buf, err,
	    sizeof(err)), 0);
	sbuf_addc(&sb, 'x');
	assert_int_equal(rules_add(r, 0, RULES_MATCH, sb.sb_buf, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "rule of 4097 bytes, longer than the limit "
	    "of 4096");

	/* Words: 256 pass, 257 do not (phrases count every word). */
	sbuf_reset(&sb);
	for (i = 0; i < 256; i++)
		sbuf_printf(&sb, "w%d ", i);
	assert_int_equal(rules_add(r, 0, RULES_MATCH, sb.sb_buf, err,
	    sizeof(err)), 0);
	sbuf_reset(&sb);
	for (i = 0; i < 255; i++)
		sbuf_printf(&sb, "w%d ", i);
	/* 10 * 3 + 90 * 4 + 155 * 5 bytes before the phrase. */
	sbuf_adds(&sb, "\"x y\"");
	assert_int_equal(rules_add(r, 0, RULES_MATCH, sb.sb_buf, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "column 1166: more than 256 words in one rule");

	/* Nesting: 64 levels pass, 65 do not. */
	sbuf_reset(&sb);
	for (i = 0; i < 64; i++)
		sbuf_addc(&sb, '(');
	sbuf_addc(&sb, 'a');
	for (i = 0; i < 64; i++)
		sbuf_addc(&sb, ')');
	assert_int_equal(rules_add(r, 0, RULES_MATCH, sb.sb_buf, err,
	    sizeof(err)), 0);
	sbuf_reset(&sb);
	for (i = 0; i < 65; i++)
		sbuf_addc(&sb, '(');
	sbuf_addc(&sb, 'a');
	for (i = 0; i < 65; i++)
		sbuf_addc(&sb, ')');
	assert_int_equal(rules_add(r, 0, RULES_MATCH, sb.sb_buf, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "column 65: nested deeper than 64");
	sbuf_reset(&sb);
	for (i = 0; i < 65; i++)
		sbuf_adds(&sb, "NOT ");
	sbuf_addc(&sb, 'a');
	assert_int_equal(rules_add(r, 0, RULES_MATCH, sb.sb_buf, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "column 257: nested deeper than 64");
	assert_int_equal(rules_count(r), 3);
	sbuf_free(&sb);
	rules_free(r);
}

static void
test_index(void **state)
{
	struct rules	*r;
	char		 src[64], *got;
	int		 i;

	(void)state;
	r = rules_new();
	for (i = 0; i < 1000; i++) {
		snprintf(src, sizeof(src), "word%d AND (x%d OR y*)", i, i);
		add(r, (unsigned)i, RULES_MATCH, src);
	}
	add(r, 1000, RULES_MATCH, "zebra");
	add(r, 1001, RULES_MATCH, "\"battle group\"");
	add(r, 1002, RULES_MATCH, "troop* OR giraffe");
	rules_finish(r);
	assert_int_equal(rules_evaluated(r), 0);
	got = match_doc(r, "Latvia news", "nothing in common");
	assert_string_equal(got, "");
	free(got);
	/* No rule shares a word with the item: none was evaluated. */
	assert_int_equal(rules_evaluated(r), 0);
	got = match_doc(r, "word7 and yes", "battle");
	assert_string_equal(got, "7:word7,yes");
	free(got);
	/*
	 * word7's rule (anchored on word7, not on "x7 OR y*") and "battle
	 * group" (anchored on its rarer-looking, longer word: battle).
	 */
	assert_int_equal(rules_evaluated(r), 2);
	rules_free(r);

	/* A rule with no word it needs is checked on every item. */
	r = rules_new();
	add(r, 0, RULES_MATCH, "zebra");
	add(r, 1, RULES_MATCH, "NOT zebra");
	add(r, 2, RULES_MATCH, "giraffe OR NOT lion");
	rules_finish(r);
	got = match_doc(r, "Latvia", NULL);
	assert_string_equal(got, "1:;2:");
	free(got);
	assert_int_equal(rules_evaluated(r), 2);
	rules_free(r);
}

/*
 * Anchors follow what items hold: "troop* AND canada" first hangs on the
 * word canada, and once every item has said Canada, on troop*.
 */
static void
test_replan(void **state)
{
	struct rules		*r;
	struct rules_doc	*d;
	size_t			 i, before;

	(void)state;
	r = rules_new();
	add(r, 0, RULES_MATCH, "troop* AND canada");
	rules_finish(r);
	d = rules_doc_new();
	for (i = 0; i < 300; i++) {
		rules_doc_reset(d);
		rules_doc_add(d, RULES_TITLE, "Canada news", 11);
		assert_int_equal(rules_match(r, d, NULL, NULL), 0);
	}
	assert_int_equal(rules_evaluated(r), 256);
	before = rules_evaluated(r);
	rules_doc_reset(d);
	rules_doc_add(d, RULES_TITLE, "Canada news", 11);
	assert_int_equal(rules_match(r, d, NULL, NULL), 0);
	assert_int_equal(rules_evaluated(r), before);
	rules_doc_reset(d);
	rules_doc_add(d, RULES_TITLE, "Canada troops", 13);
	assert_int_equal(rules_match(r, d, NULL, NULL), 1);
	assert_int_equal(rules_evaluated(r), before + 1);
	rules_doc_free(d);
	rules_free(r);
}

/* The article of tests/unit/fixtures (run from the repo root). */
static char *
read_article(size_t *len)
{
	FILE		*f;
	struct sbuf	 sb;
	char		 buf[4096], *text;
	size_t		 n;

	if ((f = fopen("tests/unit/fixtures/seed-article.txt", "r")) == NULL)
		fail_msg("tests/unit/fixtures/seed-article.txt: run the tests "
		    "from the repository root");
	sbuf_init(&sb);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sbuf_add(&sb, buf, n);
	fclose(f);
	*len = sb.sb_len;
	text = sbuf_detach(&sb);
	sbuf_free(&sb);
	return text;
}

static void
test_article(void **state)
{
	struct rules		*r;
	struct rules_doc	*d;
	struct sbuf		 sb;
	char			*text, *nl;
	size_t			 len;

	(void)state;
	text = read_article(&len);
	r = rules_new();
	add(r, 0, RULES_MATCH, "Latvia AND (NATO OR troop*)");
	add(r, 1, RULES_MATCH, "Kariņš");
	add(r, 2, RULES_MATCH, "Karins");
	add(r, 3, RULES_MATCH, "\"battle group\" NEAR/10 Latvia");
	add(r, 4, RULES_MATCH, "\"battle group\" NEAR/10 NATO");
	add(r, 5, RULES_MATCH, "Latvia");
	add(r, 5, RULES_EXCLUDE, "hockey OR football");
	add(r, 6, RULES_MATCH, "Latvia");
	add(r, 6, RULES_EXCLUDE, "Russia*");
	add(r, 7, RULES_MATCH, "title:(Latvia AND Canada) -title:troops");
	add(r, 8, RULES_MATCH, "troupes");
	rules_finish(r);
	d = rules_doc_new();
	sbuf_init(&sb);
	/* The first line is the title, the rest the summary. */
	nl = memchr(text, '\n', len);
	assert_non_null(nl);
	rules_doc_add(d, RULES_TITLE, text, (size_t)(nl - text));
	rules_doc_add(d, RULES_SUMMARY, nl + 1, len - (size_t)(nl + 1 - text));
	assert_int_equal(rules_match(r, d, hits, &sb), 7);
	/*
	 * Latvia is in the title; troops (paragraph 4) comes before NATO
	 * (paragraph 6).  The article spells Kariņs (ņ folds to n) and
	 * Karins: both rules match and list the first spelling.  No battle
	 * group stands within 10 words of Latvia, one stands right after
	 * NATO ("the NATO battle group"): that NATO is the one listed.  The
	 * title's "Russian" vetoes watchlist 6.
	 */
	assert_string_equal(sb.sb_buf, "0:Latvia,troops,NATO;1:Kariņs;"
	    "2:Kariņs;4:NATO,battle,group;5:Latvia;7:Latvia,Canada;"
	    "8:troupes");
	rules_doc_free(d);
	rules_free(r);
	sbuf_free(&sb);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_term),
		cmocka_unit_test(test_boolean),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_phrase),
		cmocka_unit_test(test_near),
		cmocka_unit_test(test_near_fields),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_watchlists),
		cmocka_unit_test(test_matched_words),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_index),
		cmocka_unit_test(test_replan),
		cmocka_unit_test(test_article),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
