/*
 * test_date.c: one test per date form, and what must not parse.
 */
#include "unit.h"

#include "date.h"

static void
assert_date(const char *in, const char *want)
{
	char	buf[DATE_RFC3339_LEN];
	int64_t	t;

	t = date_parse(in);
	if (t == DATE_NONE)
		fail_msg("date_parse(\"%s\") gave DATE_NONE", in);
	date_format(t, buf);
	assert_string_equal(buf, want);
}

static void
assert_none(const char *in)
{
	if (date_parse(in) != DATE_NONE)
		fail_msg("date_parse(\"%s\") should be DATE_NONE", in);
}

static void
test_rfc822(void **state)
{
	(void)state;
	assert_date("Thu, 01 Jan 2004 19:48:21 GMT", "2004-01-01T19:48:21Z");
	assert_date("Sat, 07 Sep 2002 00:00:01 UT", "2002-09-07T00:00:01Z");
	assert_date("Sat, 07 Sep 2002 00:00:01 Z", "2002-09-07T00:00:01Z");
}

static void
test_rfc822_numeric_zone(void **state)
{
	(void)state;
	assert_date("Thu, 01 Jan 2004 19:48:21 +0100", "2004-01-01T18:48:21Z");
	assert_date("Thu, 01 Jan 2004 19:48:21 -0530", "2004-01-02T01:18:21Z");
	assert_date("Thu, 01 Jan 2004 19:48:21 +01:00", "2004-01-01T18:48:21Z");
}

static void
test_rfc822_us_zones(void **state)
{
	(void)state;
	assert_date("Thu, 01 Jan 2004 19:48:21 EST", "2004-01-02T00:48:21Z");
	assert_date("Thu, 01 Jul 2004 19:48:21 EDT", "2004-07-01T23:48:21Z");
	assert_date("Thu, 01 Jan 2004 19:48:21 CST", "2004-01-02T01:48:21Z");
	assert_date("Thu, 01 Jan 2004 19:48:21 CDT", "2004-01-02T00:48:21Z");
	assert_date("Thu, 01 Jan 2004 19:48:21 MST", "2004-01-02T02:48:21Z");
	assert_date("Thu, 01 Jan 2004 19:48:21 MDT", "2004-01-02T01:48:21Z");
	assert_date("Thu, 01 Jan 2004 19:48:21 PST", "2004-01-02T03:48:21Z");
	assert_date("Thu, 01 Jan 2004 19:48:21 PDT", "2004-01-02T02:48:21Z");
}

static void
test_rfc822_european_zones(void **state)
{
	(void)state;
	assert_date("Thu, 01 Jan 2004 19:48:21 CET", "2004-01-01T18:48:21Z");
	assert_date("Thu, 01 Jul 2004 19:48:21 CEST", "2004-07-01T17:48:21Z");
	assert_date("Thu, 01 Jan 2004 19:48:21 EET", "2004-01-01T17:48:21Z");
	assert_date("Thu, 01 Jul 2004 19:48:21 EEST", "2004-07-01T16:48:21Z");
	assert_date("Thu, 01 Jul 2004 19:48:21 BST", "2004-07-01T18:48:21Z");
}

static void
test_rfc822_military(void **state)
{
	(void)state;
	/* RFC 822 as written (and feedparser): A is -1 h, N is +1 h */
	assert_date("01 Jan 2004 12:00:00 A", "2004-01-01T13:00:00Z");
	assert_date("01 Jan 2004 12:00:00 N", "2004-01-01T11:00:00Z");
	assert_date("01 Jan 2004 12:00:00 M", "2004-01-02T00:00:00Z");
	assert_none("01 Jan 2004 12:00:00 J");
}

static void
test_rfc822_gmt_offset(void **state)
{
	(void)state;
	assert_date("Thu, 01 Jan 2004 19:48:21 GMT+2", "2004-01-01T17:48:21Z");
	assert_date("Thu, 01 Jan 2004 19:48:21 GMT-05:00",
	    "2004-01-02T00:48:21Z");
}

static void
test_rfc822_no_seconds(void **state)
{
	(void)state;
	assert_date("Thu, 01 Jan 2004 19:48 GMT", "2004-01-01T19:48:00Z");
}

static void
test_rfc822_two_digit_year(void **state)
{
	(void)state;
	assert_date("Thu, 01 Jan 04 19:48:21 GMT", "2004-01-01T19:48:21Z");
	assert_date("Fri, 01 Jan 99 19:48:21 GMT", "1999-01-01T19:48:21Z");
}

static void
test_rfc822_no_day_name(void **state)
{
	(void)state;
	assert_date("01 Jan 2004 19:48:21 GMT", "2004-01-01T19:48:21Z");
	assert_date("1 Jan 2004", "2004-01-01T00:00:00Z");
}

static void
test_rfc822_no_zone(void **state)
{
	(void)state;
	/* no zone is UTC: the TZ of the machine never matters */
	assert_date("Thu, 01 Jan 2004 19:48:21", "2004-01-01T19:48:21Z");
}

static void
test_rfc822_variants(void **state)
{
	(void)state;
	assert_date("Thursday, 01 January 2004 19:48:21 GMT",
	    "2004-01-01T19:48:21Z");
	assert_date("Thu Jan  1 19:48:21 2004", "2004-01-01T19:48:21Z");
	assert_date("January 1, 2004 7:48 PM", "2004-01-01T19:48:00Z");
	assert_date("01-Jan-2004 19:48:21 +0000", "2004-01-01T19:48:21Z");
}

static void
test_rfc822_non_english(void **state)
{
	(void)state;
	assert_date("jeu, 01 janvier 2004 19:48:21 +0100",
	    "2004-01-01T18:48:21Z");
	assert_date("Do, 01 Okt 2004 19:48:21 +0200", "2004-10-01T17:48:21Z");
	assert_date("lunes, 05 abril 2004 10:00:00 GMT",
	    "2004-04-05T10:00:00Z");
}

static void
test_iso_rfc3339(void **state)
{
	(void)state;
	assert_date("2003-12-31T10:14:55Z", "2003-12-31T10:14:55Z");
	assert_date("2003-12-31T10:14:55+01:00", "2003-12-31T09:14:55Z");
	assert_date("2003-12-31T10:14:55-08:00", "2003-12-31T18:14:55Z");
	assert_date("2003-12-31t10:14:55z", "2003-12-31T10:14:55Z");
}

static void
test_iso_fraction(void **state)
{
	(void)state;
	assert_date("2003-12-31T10:14:55.123456Z", "2003-12-31T10:14:55Z");
	assert_date("2003-12-31T10:14:55,5+00:00", "2003-12-31T10:14:55Z");
}

static void
test_iso_no_zone(void **state)
{
	(void)state;
	assert_date("2003-12-31T10:14:55", "2003-12-31T10:14:55Z");
	assert_date("2003-12-31T10:14", "2003-12-31T10:14:00Z");
}

static void
test_iso_space(void **state)
{
	(void)state;
	assert_date("2003-12-31 10:14:55", "2003-12-31T10:14:55Z");
	assert_date("2003-12-31 10:14:55 +0200", "2003-12-31T08:14:55Z");
}

static void
test_iso_basic(void **state)
{
	(void)state;
	assert_date("20031231T101455Z", "2003-12-31T10:14:55Z");
}

static void
test_w3cdtf_partial(void **state)
{
	(void)state;
	assert_date("2003-12-31", "2003-12-31T00:00:00Z");
	assert_date("2003-12", "2003-12-01T00:00:00Z");
	assert_date("2003", "2003-01-01T00:00:00Z");
}

static void
test_calendar(void **state)
{
	(void)state;
	assert_date("2004-02-29T00:00:00Z", "2004-02-29T00:00:00Z");
	assert_date("2000-02-29", "2000-02-29T00:00:00Z");
	assert_date("1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z");
	assert_date("1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z");
	assert_int_equal(date_parse("1970-01-02T00:00:00Z"), 86400);
	assert_none("2003-02-29");
	assert_none("1900-02-29");
	assert_none("2003-13-01");
	assert_none("2003-12-32");
	assert_none("2003-12-31T25:00:00Z");
	assert_none("2003-12-31T10:60:00Z");
}

static void
test_garbage(void **state)
{
	(void)state;
	assert_true(date_parse(NULL) == DATE_NONE);
	assert_none("");
	assert_none("   ");
	assert_none("yesterday");
	assert_none("not a date at all");
	assert_none("Thu, 01 Foo 2004 19:48:21 GMT");
	assert_none("Thu, 01 Jan 2004 19:48:21 XYZ");
	assert_none("2003-12-31T10:14:55Zjunk");
	assert_none("12345");
	assert_none("2003-");
	assert_none("Jan 2004");
	assert_none("99999999999999999999999 Jan 2004");
}

static void
test_format(void **state)
{
	char	buf[DATE_RFC3339_LEN];

	(void)state;
	date_format(0, buf);
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	date_format(1073000000, buf);
	assert_string_equal(buf, "2004-01-01T23:33:20Z");
	date_format(-1, buf);
	assert_string_equal(buf, "1969-12-31T23:59:59Z");
	/* Digits by hand from year 0 to 9999; snprintf beyond. */
	date_format(253402300799LL, buf);
	assert_string_equal(buf, "9999-12-31T23:59:59Z");
	date_format(-62167219200LL, buf);
	assert_string_equal(buf, "0000-01-01T00:00:00Z");
	date_format(1715953445, buf);
	assert_string_equal(buf, "2024-05-17T13:44:05Z");
}

static void
test_unix_seconds(void **state)
{
	(void)state;
	assert_date("1073000000", "2004-01-01T23:33:20Z");
	assert_date(" 1073000000.75 ", "2004-01-01T23:33:20Z");
	assert_date("123456789", "1973-11-29T21:33:09Z");
	/* milliseconds, as JavaScript gives them */
	assert_date("1073000000999", "2004-01-01T23:33:20Z");
	/* a year, an ISO basic date, and lengths that are neither */
	assert_date("20040101", "2004-01-01T00:00:00Z");
	assert_none("12345678901");
	assert_none("1073000000 GMT");
	assert_none("1073000000.");
}

static void
test_rfc822_comment(void **state)
{
	(void)state;
	assert_date("Thu, 01 Jan 2004 19:48:21 +0100 (CET)",
	    "2004-01-01T18:48:21Z");
	/* JavaScript's Date.toString() */
	assert_date("Thu Jan 01 2004 19:48:21 GMT+0100 "
	    "(Central European Standard Time)", "2004-01-01T18:48:21Z");
	assert_date("Thu, 01 Jan 2004 (a (nested) one) 19:48 GMT",
	    "2004-01-01T19:48:00Z");
	assert_none("Thu, 01 Jan 2004 19:48 GMT (");
}

static void
test_rfc822_more_languages(void **state)
{
	(void)state;
	/* "mar," first is Tuesday, not March (French, Spanish) */
	assert_date("mar, 06 abr 2004 10:00:00 GMT", "2004-04-06T10:00:00Z");
	assert_date("Mar, 06 Apr 2004 10:00:00 GMT", "2004-04-06T10:00:00Z");
	assert_date("Mar 6, 2004", "2004-03-06T00:00:00Z");
	/* Italian, Portuguese, Dutch */
	assert_date("mercoledì, 7 aprile 2004 10:00 CEST",
	    "2004-04-07T08:00:00Z");
	assert_date("qua, 07 out 2004 10:00:00 -0300", "2004-10-07T13:00:00Z");
	assert_date("quarta-feira, 7 de abril 2004", "2004-04-07T00:00:00Z");
	assert_date("wo, 07 mrt 2004 10:00:00 +0100", "2004-03-07T09:00:00Z");
}

static void
test_more_zones(void **state)
{
	(void)state;
	/* German and French-Canadian names */
	assert_date("Do, 01 Jan 2004 19:48:21 MEZ", "2004-01-01T18:48:21Z");
	assert_date("jeu, 01 juil 2004 19:48:21 MESZ", "2004-07-01T17:48:21Z");
	assert_date("jeu, 01 janv 2004 19:48 HNE", "2004-01-02T00:48:00Z");
	assert_date("jeu, 01 juil 2004 19:48 HAE", "2004-07-01T23:48:00Z");
	/* a zone name after an ISO 8601 time */
	assert_date("2004-01-01 19:48:21 EST", "2004-01-02T00:48:21Z");
	assert_date("2004-07-01T19:48 CEST", "2004-07-01T17:48:00Z");
	assert_none("2004-01-01 19:48:21 XYZ");
}

/*
 * The usual RSS date is read at fixed places (date_rfc822_fixed()); what
 * strays from them in any way is read by the general reader, the same.
 */
static void
test_rfc822_fixed(void **state)
{
	(void)state;
	assert_date("Wed, 15 Jan 2025 07:00:00 -0500", "2025-01-15T12:00:00Z");
	assert_date("wed, 15 jan 2025 07:00:00 gmt", "2025-01-15T07:00:00Z");
	assert_date("WED, 15 JAN 2025 07:00:00 GMT", "2025-01-15T07:00:00Z");
	assert_date("Sun, 31 Dec 2006 23:59:60 +1400", "2006-12-31T10:00:00Z");
	assert_date("Mon, 29 Feb 2016 24:00:00 +0000", "2016-03-01T00:00:00Z");
	/* One digit fewer or more: the general reader. */
	assert_date("Wed, 5 Jan 2025 07:00:00 +0000", "2025-01-05T07:00:00Z");
	assert_date("Wed, 15 Jan 2025 07:00 +0000", "2025-01-15T07:00:00Z");
	assert_date("Wed, 15 Jan 25 07:00:00 +0000", "2025-01-15T07:00:00Z");
	assert_date("Wed, 15 Jan 2025 07:00:00 GMT+2", "2025-01-15T05:00:00Z");
	assert_date("Wed, 15 Jan 2025 07:00:00 EST", "2025-01-15T12:00:00Z");
	/* Names the fixed places do not know. */
	assert_date("Mer, 15 Jan 2025 07:00:00 +0000", "2025-01-15T07:00:00Z");
	assert_date("Wed, 15 Ene 2025 07:00:00 +0000", "2025-01-15T07:00:00Z");
	assert_date("Wed, 15 Jan.2025 07:00:00 +0000", "2025-01-15T07:00:00Z");
	/* Out of range: nothing, as from the general reader. */
	assert_none("Wed, 30 Feb 2025 07:00:00 +0000");
	assert_none("Wed, 15 Jan 2025 25:00:00 +0000");
	assert_none("Wed, 15 Jan 2025 07:60:00 +0000");
	assert_none("Wed, 15 Jan 2025 07:00:00 +1500");
	assert_none("Wed, 15 Jan 2025 07:00:00 +0060");
	assert_none("Wed, 15 Jan 0000 07:00:00 +0000");
	assert_none("Wed, 15 Jan 2025 07:00:00 +00x0");
	assert_none("Wed, 15 Jan 2025 07:00:00 +01:0");
	assert_none("W@d, 15 Jan 2025 07:00:00 +0000");
	assert_none("Wed, 15 J@n 2025 07:00:00 +0000");
	assert_none("Wed, 15 Jan 2025 07:00:00 GM@");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc822),
		cmocka_unit_test(test_rfc822_numeric_zone),
		cmocka_unit_test(test_rfc822_us_zones),
		cmocka_unit_test(test_rfc822_european_zones),
		cmocka_unit_test(test_rfc822_military),
		cmocka_unit_test(test_rfc822_gmt_offset),
		cmocka_unit_test(test_rfc822_no_seconds),
		cmocka_unit_test(test_rfc822_two_digit_year),
		cmocka_unit_test(test_rfc822_no_day_name),
		cmocka_unit_test(test_rfc822_no_zone),
		cmocka_unit_test(test_rfc822_variants),
		cmocka_unit_test(test_rfc822_non_english),
		cmocka_unit_test(test_iso_rfc3339),
		cmocka_unit_test(test_iso_fraction),
		cmocka_unit_test(test_iso_no_zone),
		cmocka_unit_test(test_iso_space),
		cmocka_unit_test(test_iso_basic),
		cmocka_unit_test(test_w3cdtf_partial),
		cmocka_unit_test(test_calendar),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_unix_seconds),
		cmocka_unit_test(test_rfc822_comment),
		cmocka_unit_test(test_rfc822_more_languages),
		cmocka_unit_test(test_more_zones),
		cmocka_unit_test(test_rfc822_fixed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
