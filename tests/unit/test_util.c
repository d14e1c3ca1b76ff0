/*
 * test_util.c: the string buffer and the backoff every retry relies on.
 */
#include "unit.h"

#include "util.h"

static void
test_sbuf(void **state)
{
	struct sbuf	 sb;
	char		*s;
	int		 i;

	(void)state;
	sbuf_init(&sb);
	assert_string_equal(sb.sb_buf, "");
	for (i = 0; i < 1000; i++)
		sbuf_addc(&sb, 'x');
	assert_int_equal(sb.sb_len, 1000);
	sbuf_printf(&sb, "%d-%s", 42, "y");
	assert_int_equal(sb.sb_len, 1004);
	assert_string_equal(sb.sb_buf + 1000, "42-y");
	s = sbuf_detach(&sb);
	assert_int_equal(strlen(s), 1004);
	assert_string_equal(sb.sb_buf, "");
	free(s);
	sbuf_free(&sb);
}

static void
test_backoff_window(void **state)
{
	int	attempt, i;
	int64_t	d, w, max_seen;

	(void)state;
	srandom(1);
	for (attempt = 1; attempt <= 20; attempt++) {
		w = 5;
		for (i = 1; i < attempt && w < 3600; i++)
			w *= 2;
		if (w > 3600)
			w = 3600;
		max_seen = 0;
		for (i = 0; i < 2000; i++) {
			d = util_backoff(5, 3600, attempt);
			assert_true(d >= 0);
			assert_true(d <= w);
			if (d > max_seen)
				max_seen = d;
		}
		/* Full jitter: the whole window is used, not just its end. */
		assert_true(max_seen > w / 2);
	}
}

static void
test_backoff_cap(void **state)
{
	int	i;

	(void)state;
	for (i = 0; i < 1000; i++)
		assert_true(util_backoff(60, 6 * 3600, 1000) <= 6 * 3600);
	/* A base of 0 still backs off (never a busy loop at the caller). */
	for (i = 0; i < 1000; i++)
		assert_true(util_backoff(0, 10, 3) <= 4);
}

static void
test_strlcpy_err(void **state)
{
	char	buf[4];

	(void)state;
	assert_int_equal(util_strlcpy(buf, "abcdef", sizeof(buf)), 6);
	assert_string_equal(buf, "abc");
	assert_int_equal(util_err(buf, sizeof(buf), "%s", "long"), -1);
	assert_string_equal(buf, "lon");
	assert_int_equal(util_err(NULL, 0, "x"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sbuf),
		cmocka_unit_test(test_backoff_window),
		cmocka_unit_test(test_backoff_cap),
		cmocka_unit_test(test_strlcpy_err),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
