/*
 * test_util.c: the string buffer and the backoff every retry relies on.
 */
#include "unit.h"

#include <stdio.h>
#include <sys/types.h>

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

/* sbuf_printf formats some by hand: it must say what snprintf says. */
#define ASSERT_PRINTF(...) do {						\
	char		want[256];					\
	struct sbuf	sb;						\
									\
	snprintf(want, sizeof(want), __VA_ARGS__);			\
	sbuf_init(&sb);							\
	sbuf_printf(&sb, __VA_ARGS__);					\
	assert_string_equal(sb.sb_buf, want);				\
	assert_int_equal(sb.sb_len, strlen(want));			\
	sbuf_free(&sb);							\
} while (0)

static void
test_printf(void **state)
{
	(void)state;
	ASSERT_PRINTF("&#x%x;|&#%s;|%%%02X", 0x2014u, "8230", 0xe9u);
	ASSERT_PRINTF("%d %i %u %x %X", -2147483647 - 1, 0, 4294967295u,
	    0u, 0xabcdefu);
	ASSERT_PRINTF("%ld %lu %lld %llu %llx", -1L, 1UL,
	    -9223372036854775807LL - 1, 18446744073709551615ULL,
	    0x123456789abcdefULL);
	ASSERT_PRINTF("%zu %zd %zx", (size_t)-1, (ssize_t)-5, (size_t)255);
	ASSERT_PRINTF("[%5d|%-5d|%05d|%-3d|%016llx]", -42, -42, -42, 42,
	    0xbeefULL);
	ASSERT_PRINTF("[%5s|%-5s|%c|%3c|%s]", "ab", "ab", 'x', 'y', "");
	/* Others go to vsnprintf. */
	ASSERT_PRINTF("%.3s|%+d|%#x|%*d|%.2f", "abcdef", 5, 255, 4, 7, 1.5);
	ASSERT_PRINTF("%s: %.150s", "long", "0123456789012345678901234567890123"
	    "456789012345678901234567890123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789");
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

static void
assert_json(const char *in, const char *want)
{
	struct sbuf	sb;

	sbuf_init(&sb);
	sbuf_json(&sb, in);
	assert_string_equal(sb.sb_buf, want);
	sbuf_free(&sb);
}

static void
test_json(void **state)
{
	(void)state;
	assert_json(NULL, "null");
	assert_json("", "\"\"");
	assert_json("plain text", "\"plain text\"");
	assert_json("a\"b\\c/d", "\"a\\\"b\\\\c/d\"");
	assert_json("t\tn\nr\r\x01\x1f", "\"t\\tn\\nr\\r\\u0001\\u001f\"");
	/* UTF-8 as it is, up to four bytes. */
	assert_json("Kari\xc5\x86s \xe2\x80\x94 \xf0\x9f\x93\xb0",
	    "\"Kari\xc5\x86s \xe2\x80\x94 \xf0\x9f\x93\xb0\"");
	/* Not UTF-8 (a stray byte, overlong, surrogate, cut): U+FFFD each. */
	assert_json("a\xff" "b", "\"a\xef\xbf\xbd" "b\"");
	assert_json("\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\"");
	assert_json("\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
	assert_json("end\xe2\x80", "\"end\xef\xbf\xbd\xef\xbf\xbd\"");
}

/*
 * sbuf_json() reads 16 aligned bytes at a time up to the NUL: every
 * start and end within a block, with what needs escaping, UTF-8 and a
 * sequence the cut leaves alone at each place, against a byte at a time.
 */
static void
test_json_blocks(void **state)
{
	static const char	 pat[] = "ab\"cd\\e\x01f\xc3\xa9gh\tij"
				    "klmnopqrstu\xe2\x80\x94vwxyz0123456789"
				    "ABCDEF\"GHIJKL\nMNOPQRSTUVWXYZ";
	static const char	 hex[] = "0123456789abcdef";
	char			*buf, *in;
	struct sbuf		 sb, want;
	size_t			 off, len, i, n;
	unsigned char		 c;

	(void)state;
	buf = aligned_alloc(16, 128);
	sbuf_init(&sb);
	sbuf_init(&want);
	for (off = 0; off < 16; off++)
		for (len = 0; off + len < sizeof(pat) - 1 && len < 64; len++) {
			in = buf + off;
			memcpy(in, pat + off, len);
			in[len] = '\0';
			sbuf_reset(&want);
			sbuf_addc(&want, '"');
			for (i = 0; i < len; i += n) {
				c = (unsigned char)in[i];
				n = 1;
				if (c == 0xc3 && (unsigned char)in[i + 1] == 0xa9)
					n = 2;
				else if (c == 0xe2 && i + 2 < len &&
				    (unsigned char)in[i + 1] == 0x80)
					n = 3;
				if (n > 1 || (c >= 0x20 && c < 0x80 &&
				    c != '"' && c != '\\'))
					sbuf_add(&want, in + i, n);
				else if (c >= 0x80)
					sbuf_add(&want, "\xef\xbf\xbd", 3);
				else if (c == '"' || c == '\\') {
					sbuf_addc(&want, '\\');
					sbuf_addc(&want, (char)c);
				} else if (c == '\n' || c == '\t')
					sbuf_adds(&want, c == '\n' ? "\\n" :
					    "\\t");
				else {
					sbuf_adds(&want, "\\u00");
					sbuf_addc(&want, hex[c >> 4]);
					sbuf_addc(&want, hex[c & 0xf]);
				}
			}
			sbuf_addc(&want, '"');
			sbuf_reset(&sb);
			sbuf_json(&sb, in);
			assert_string_equal(sb.sb_buf, want.sb_buf);
		}
	sbuf_free(&sb);
	sbuf_free(&want);
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sbuf),
		cmocka_unit_test(test_printf),
		cmocka_unit_test(test_backoff_window),
		cmocka_unit_test(test_backoff_cap),
		cmocka_unit_test(test_strlcpy_err),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_blocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
