/*
 * util.c: allocation that cannot fail, and a growable string buffer.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

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
sbuf_addc_grow(struct sbuf *sb, char c)
{
	sbuf_grow(sb, 1);
	sb->sb_buf[sb->sb_len++] = c;
	sb->sb_buf[sb->sb_len] = '\0';
}

/*
 * Can sbuf_fmt() do all of fmt: conversions d i u x X c s %, flags '0'
 * and '-', a width, lengths l ll z (none on c, s, %)?
 */
static int
sbuf_fmt_simple(const char *fmt)
{
	const char	*p;
	int		 len;

	for (p = fmt; (p = strchr(p, '%')) != NULL; p++) {
		p++;
		while (*p == '0' || *p == '-')
			p++;
		while (*p >= '0' && *p <= '9')
			p++;
		len = *p == 'l' || *p == 'z';
		if (*p == 'l' && p[1] == 'l')
			p++;
		p += len;
		if (*p == '\0' || strchr("diuxX", *p) == NULL) {
			if (len || *p == '\0' || strchr("cs%", *p) == NULL)
				return 0;
		}
	}
	return 1;
}

/* Appends n bytes of s padded to width as printf does. */
static void
sbuf_fmt_pad(struct sbuf *sb, const char *s, size_t n, size_t width,
    int left, int zero)
{
	size_t	pad = width > n ? width - n : 0;

	if (pad > 0 && !left && zero && n > 0 && *s == '-') {
		/* "%05d" of -42 is "-0042": the sign before the zeros. */
		sbuf_addc(sb, '-');
		s++;
		n--;
	}
	while (pad > 0 && !left) {
		sbuf_addc(sb, zero ? '0' : ' ');
		pad--;
	}
	sbuf_add(sb, s, n);
	while (pad-- > 0)
		sbuf_addc(sb, ' ');
}

/*
 * printf for what sbuf_fmt_simple() allows, appending as it goes.  The
 * daemon formats a few short things per item (html.c's "&#x%x;"), and
 * vsnprintf measured twice per call was a twentieth of --parse.
 */
static void
sbuf_fmt(struct sbuf *sb, const char *fmt, va_list ap)
{
	const char		*p = fmt, *q, *s;
	char			 num[24], *e = num + sizeof(num);
	size_t			 width, n;
	unsigned long long	 u, base;
	long long		 d;
	int			 left, zero, l, z, neg;
	char			 c;

	for (;;) {
		if ((q = strchr(p, '%')) == NULL) {
			sbuf_adds(sb, p);
			return;
		}
		sbuf_add(sb, p, (size_t)(q - p));
		p = q + 1;
		left = zero = 0;
		for (; *p == '0' || *p == '-'; p++) {
			if (*p == '-')
				left = 1;
			else
				zero = 1;
		}
		for (width = 0; *p >= '0' && *p <= '9'; p++)
			width = width * 10 + (size_t)(*p - '0');
		l = z = 0;
		for (; *p == 'l'; p++)
			l++;
		if (*p == 'z') {
			z = 1;
			p++;
		}
		c = *p++;
		neg = 0;
		s = e;
		switch (c) {
		case '%':
			sbuf_addc(sb, '%');
			continue;
		case 'c':
			num[0] = (char)va_arg(ap, int);
			sbuf_fmt_pad(sb, num, 1, width, left, 0);
			continue;
		case 's':
			if ((s = va_arg(ap, const char *)) == NULL)
				s = "(null)";	/* as glibc prints it */
			sbuf_fmt_pad(sb, s, strlen(s), width, left, 0);
			continue;
		case 'd':
		case 'i':
			d = l >= 2 ? va_arg(ap, long long) : l ? va_arg(ap, long) :
			    z ? va_arg(ap, ssize_t) : va_arg(ap, int);
			neg = d < 0;
			u = neg ? 0 - (unsigned long long)d : (unsigned long long)d;
			break;
		default:
			u = l >= 2 ? va_arg(ap, unsigned long long) : l ?
			    va_arg(ap, unsigned long) : z ? va_arg(ap, size_t) :
			    va_arg(ap, unsigned);
			break;
		}
		base = c == 'x' || c == 'X' ? 16 : 10;
		do {
			*--e = (c == 'X' ? "0123456789ABCDEF" :
			    "0123456789abcdef")[u % base];
			u /= base;
		} while (u != 0);
		if (neg)
			*--e = '-';
		n = (size_t)(num + sizeof(num) - e);
		sbuf_fmt_pad(sb, e, n, width, left, zero);
		e = num + sizeof(num);
	}
}

void
sbuf_vprintf(struct sbuf *sb, const char *fmt, va_list ap)
{
	va_list	ap2;
	size_t	room;
	int	n;

	if (sbuf_fmt_simple(fmt)) {
		sbuf_fmt(sb, fmt, ap);
		return;
	}
	/* Formatted in place when it fits, measured first only when not. */
	room = sb->sb_cap - sb->sb_len;
	va_copy(ap2, ap);
	n = vsnprintf(sb->sb_buf + sb->sb_len, room, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		sb->sb_buf[sb->sb_len] = '\0';
		return;
	}
	if ((size_t)n >= room) {
		sbuf_grow(sb, (size_t)n);
		vsnprintf(sb->sb_buf + sb->sb_len, (size_t)n + 1, fmt, ap);
	}
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

/*
 * The first byte from p on that a JSON string may not hold as it is: a
 * C0 control, '"', '\\', NUL (the end) or a byte >= 0x80 (UTF-8, checked
 * by the caller).  With SSE2 (every x86-64) 16 at a time and no strlen()
 * first, which was a pass of its own over every string.
 *
 * The loads are aligned, so the last one may read up to 15 bytes past
 * the NUL but never into another page: nothing can fault, and the bytes
 * past the NUL are never used.  AddressSanitizer cannot know that and
 * would report them, hence no_sanitize_address here only.
 */
#ifdef __SSE2__
__attribute__((no_sanitize_address))
static const unsigned char *
sbuf_json_stop(const unsigned char *p)
{
	const __m128i	 sp = _mm_set1_epi8(' '), qu = _mm_set1_epi8('"'),
			 bs = _mm_set1_epi8('\\');
	const __m128i	*a = (const __m128i *)(const void *)
			    ((uintptr_t)p & ~(uintptr_t)15);
	__m128i		 x;
	unsigned	 mask, skip = (unsigned)((uintptr_t)p & 15);

	for (;;) {
		x = _mm_load_si128(a);
		/* Signed: below ' ' are NUL, controls and all >= 0x80. */
		mask = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_cmplt_epi8(x, sp), _mm_or_si128(_mm_cmpeq_epi8(x, qu),
		    _mm_cmpeq_epi8(x, bs)))) >> skip << skip;
		if (mask != 0)
			return (const unsigned char *)(const void *)a +
			    __builtin_ctz(mask);
		skip = 0;
		a++;
	}
}
#else
static const unsigned char *
sbuf_json_stop(const unsigned char *p)
{
	while (*p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
		p++;
	return p;
}
#endif

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
	run = p;
	for (;;) {
		/*
		 * Runs of bytes that need nothing go out in one copy, valid
		 * UTF-8 included.  A NUL inside a sequence ends the check
		 * (sbuf_utf8_len): no overread.
		 */
		p = sbuf_json_stop(p);
		if (*p >= 0x80 && (n = sbuf_utf8_len(p)) > 0) {
			p += n;
			continue;
		}
		sbuf_add(sb, (const char *)run, (size_t)(p - run));
		if (*p == '\0')
			break;
		if (*p >= 0x80)
			sbuf_add(sb, "\xef\xbf\xbd", 3);
		else {
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
		}
		run = ++p;
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
