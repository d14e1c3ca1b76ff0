/*
 * util.h: the xmalloc family and a growable string buffer.
 *
 * Running out of memory is fatal (style.md): xmalloc() and friends print
 * one line to stderr and abort().  Everything else in the daemon may assume
 * allocation succeeds.
 */
#ifndef NEWSWATCH_UTIL_H
#define NEWSWATCH_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

/* A NUL-terminated growable buffer; sb_buf is never NULL after sbuf_init. */
struct sbuf {
	char	*sb_buf;
	size_t	 sb_len;
	size_t	 sb_cap;
};

void	 sbuf_init(struct sbuf *);
void	 sbuf_free(struct sbuf *);
void	 sbuf_reset(struct sbuf *);
void	 sbuf_addc_grow(struct sbuf *, char);
void	 sbuf_add_grow(struct sbuf *, const char *, size_t);
/* Makes room for n more bytes now, so that appending them never grows it. */
void	 sbuf_reserve(struct sbuf *, size_t n);

/* Inline for the same reason: the call showed in the profile of --parse. */
static inline void
sbuf_add(struct sbuf *sb, const char *s, size_t n)
{
	if (n == 0)
		return;
	if (n < sb->sb_cap - sb->sb_len) {
		memcpy(sb->sb_buf + sb->sb_len, s, n);
		sb->sb_len += n;
		sb->sb_buf[sb->sb_len] = '\0';
	} else
		sbuf_add_grow(sb, s, n);
}

/* Inline, so that the length of a literal is known when compiling. */
static inline void
sbuf_adds(struct sbuf *sb, const char *s)
{
	sbuf_add(sb, s, strlen(s));
}

/* Inline: parsers append byte by byte, and a call per byte showed in perf. */
static inline void
sbuf_addc(struct sbuf *sb, char c)
{
	if (sb->sb_len + 1 < sb->sb_cap) {
		sb->sb_buf[sb->sb_len++] = c;
		sb->sb_buf[sb->sb_len] = '\0';
	} else
		sbuf_addc_grow(sb, c);
}
void	 sbuf_printf(struct sbuf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 sbuf_vprintf(struct sbuf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
/*
 * Appends s as a JSON string literal, or null when s is NULL.  UTF-8 goes
 * out as it is; bytes that are not UTF-8 become U+FFFD, so the output is
 * always valid JSON whatever the input was.
 */
void	 sbuf_json(struct sbuf *, const char *);
/* Hands the string to the caller (to free) and leaves the buffer empty. */
char	*sbuf_detach(struct sbuf *);

/*
 * Exponential backoff with full jitter: a random delay in [0, w] seconds
 * where w = base * 2^(attempt - 1), at most cap (attempt >= 1).
 */
int64_t	 util_backoff(int64_t base, int64_t cap, int attempt);

/* Copies src into dst of size dstsize, always NUL-terminated (BSD strlcpy). */
size_t	 util_strlcpy(char *, const char *, size_t);
/* Fills err (if non-NULL) with a formatted message; returns -1. */
int	 util_err(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#endif
