/*
 * util.c: allocation that cannot fail, and a growable string buffer.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Out of memory is the one fatal condition outside main.c (style.md). */
static void __attribute__((noreturn))
util_oom(void)
{
	static const char msg[] = "newswatchd: out of memory\n";

	(void)!fwrite(msg, 1, sizeof(msg) - 1, stderr);
	abort();
}

void *
xmalloc(size_t n)
{
	void	*p;

	if ((p = malloc(n ? n : 1)) == NULL)
		util_oom();
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void	*p;

	if ((p = calloc(nmemb ? nmemb : 1, size ? size : 1)) == NULL)
		util_oom();
	return p;
}

void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	void	*p;
	size_t	 n;

	if (size && nmemb > SIZE_MAX / size)
		util_oom();
	n = nmemb * size;
	if ((p = realloc(ptr, n > 0 ? n : 1)) == NULL)
		util_oom();
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	struct sbuf	 sb;
	va_list		 ap;

	sbuf_init(&sb);
	va_start(ap, fmt);
	sbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	return sb.sb_buf;
}

void
sbuf_init(struct sbuf *sb)
{
	sb->sb_cap = 64;
	sb->sb_len = 0;
	sb->sb_buf = xmalloc(sb->sb_cap);
	sb->sb_buf[0] = '\0';
}

void
sbuf_free(struct sbuf *sb)
{
	free(sb->sb_buf);
	sb->sb_buf = NULL;
	sb->sb_len = sb->sb_cap = 0;
}

void
sbuf_reset(struct sbuf *sb)
{
	sb->sb_len = 0;
	sb->sb_buf[0] = '\0';
}

static void
sbuf_grow(struct sbuf *sb, size_t more)
{
	size_t	need;

	if (more > SIZE_MAX - sb->sb_len - 1)
		util_oom();
	need = sb->sb_len + more + 1;
	if (need <= sb->sb_cap)
		return;
	while (sb->sb_cap < need)
		sb->sb_cap = sb->sb_cap > SIZE_MAX / 2 ? need : sb->sb_cap * 2;
	sb->sb_buf = xreallocarray(sb->sb_buf, sb->sb_cap, 1);
}

void
sbuf_reserve(struct sbuf *sb, size_t n)
{
	sbuf_grow(sb, n);
}

void
sbuf_add_grow(struct sbuf *sb, const char *s, size_t n)
{
	if (n == 0)
		return;
	sbuf_grow(sb, n);
	memcpy(sb->sb_buf + sb->sb_len, s, n);
	sb->sb_len += n;
	sb->sb_buf[sb->sb_len] = '\0';
}

void
sbuf_adds(struct sbuf *sb, const char *s)
{
	sbuf_add(sb, s, strlen(s));
}

void
sbuf_addc_grow(struct sbuf *sb, char c)
{
	sbuf_grow(sb, 1);
	sb->sb_buf[sb->sb_len++] = c;
	sb->sb_buf[sb->sb_len] = '\0';
}

void
sbuf_vprintf(struct sbuf *sb, const char *fmt, va_list ap)
{
	va_list	ap2;
	int	n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	sbuf_grow(sb, (size_t)n);
	vsnprintf(sb->sb_buf + sb->sb_len, (size_t)n + 1, fmt, ap);
	sb->sb_len += (size_t)n;
}

void
sbuf_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	sbuf_vprintf(sb, fmt, ap);
	va_end(ap);
}

/* Length of the valid UTF-8 sequence at p (p[0] >= 0x80), 0 if none. */
static size_t
sbuf_utf8_len(const unsigned char *p)
{
	unsigned char	c = p[0];

	if (c >= 0xc2 && c <= 0xdf)
		return (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		/* No overlong forms (E0 80..9F), no surrogates (ED A0..BF). */
		if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0))
			return 0;
		return (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90))
			return 0;
		return (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80 &&
		    (p[3] & 0xc0) == 0x80 ? 4 : 0;
	}
	return 0;
}

/* Bytes a JSON string holds as they are: printable ASCII but " and \\. */
static const unsigned char sbuf_json_plain[256] = {
	[0x20] = 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x30] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x40] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x50] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
	[0x60] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x70] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

void
sbuf_json(struct sbuf *sb, const char *s)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)s, *run;
	char			 esc[7];
	size_t			 n;

	if (s == NULL) {
		sbuf_add(sb, "null", 4);
		return;
	}
	sbuf_addc(sb, '"');
	for (;;) {
		/* Runs of bytes that need nothing go out in one copy. */
		for (run = p; sbuf_json_plain[*p]; p++)
			;
		if (p > run)
			sbuf_add(sb, (const char *)run, (size_t)(p - run));
		if (*p == '\0')
			break;
		if (*p >= 0x80) {
			/* A NUL inside a sequence ends the check: no overread. */
			if ((n = sbuf_utf8_len(p)) > 0) {
				sbuf_add(sb, (const char *)p, n);
				p += n;
			} else {
				sbuf_add(sb, "\xef\xbf\xbd", 3);
				p++;
			}
			continue;
		}
		switch (*p) {
		case '"':  sbuf_add(sb, "\\\"", 2); break;
		case '\\': sbuf_add(sb, "\\\\", 2); break;
		case '\n': sbuf_add(sb, "\\n", 2); break;
		case '\r': sbuf_add(sb, "\\r", 2); break;
		case '\t': sbuf_add(sb, "\\t", 2); break;
		default:
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 0xf];
			sbuf_add(sb, esc, 6);
		}
		p++;
	}
	sbuf_addc(sb, '"');
}

char *
sbuf_detach(struct sbuf *sb)
{
	char	*s = sb->sb_buf;

	sbuf_init(sb);
	return s;
}

int64_t
util_backoff(int64_t base, int64_t cap, int attempt)
{
	int64_t	w = base > 0 ? base : 1;

	while (attempt-- > 1 && w < cap)
		w *= 2;
	if (w > cap)
		w = cap;
	return (int64_t)(random() % (w + 1));
}

size_t
util_strlcpy(char *dst, const char *src, size_t dstsize)
{
	size_t	n = strlen(src);

	if (dstsize) {
		size_t	c = n >= dstsize ? dstsize - 1 : n;

		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}

int
util_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}
