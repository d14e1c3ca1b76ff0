/*
 * text.c: UTF-8 words and folding (utf8proc), HTML to text, URLs and
 * titles normalised for "same story" detection.  Pure: no I/O, no logging.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "html.h"
#include "text.h"
#include "util.h"

#define TEXT_FOLD_OPTS	(UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | \
			    UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE)
/*
 * The longest full decomposition in Unicode is 18 code points (U+FDFA);
 * case folding can add a few.  Longer ones fall back to the heap.
 */
#define TEXT_FOLD_BUF	32
/* A word longer than this is cut: no real word is, and it bounds memory. */
#define TEXT_WORD_MAX	256

enum text_class {
	TEXT_SEP = 0,		/* separates words */
	TEXT_WORD,		/* letter or digit: starts or continues a word */
	TEXT_MARK,		/* combining mark: continues a word only */
	TEXT_IGNORE		/* soft hyphen, joiners: invisible inside a word */
};

static enum text_class
text_class(int32_t cp)
{
	if (cp < 0x80) {
		if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
		    (cp >= '0' && cp <= '9'))
			return TEXT_WORD;
		return TEXT_SEP;
	}
	/* "Lat&shy;via" is one word on screen, so it is one word here. */
	if (cp == 0xad || cp == 0x200c || cp == 0x200d || cp == 0x2060)
		return TEXT_IGNORE;
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return TEXT_WORD;
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ME:
		return TEXT_MARK;
	default:
		return TEXT_SEP;
	}
}

/* Hands over the string of sb and frees the rest of it. */
static char *
text_take(struct sbuf *sb)
{
	char	*s = sbuf_detach(sb);

	sbuf_free(sb);
	return s;
}

/* Decodes one code point at s; returns its length, or -1 if invalid. */
static int
text_decode(const char *s, size_t len, int32_t *cp)
{
	utf8proc_ssize_t	n;

	if ((unsigned char)s[0] < 0x80) {
		*cp = (unsigned char)s[0];
		return 1;
	}
	n = utf8proc_iterate((const utf8proc_uint8_t *)s,
	    len > 4 ? 4 : (utf8proc_ssize_t)len, cp);
	if (n <= 0 || *cp < 0)
		return -1;
	return (int)n;
}

/* Appends the folded form of one code point to sb. */
static void
text_fold_cp(struct sbuf *sb, int32_t cp)
{
	utf8proc_int32_t	 buf[TEXT_FOLD_BUF], *out = buf;
	utf8proc_ssize_t	 n, i;
	utf8proc_uint8_t	 enc[4];
	int			 last = 0;

	if (cp < 0x80) {
		if (cp >= 'A' && cp <= 'Z')
			cp += 'a' - 'A';
		sbuf_addc(sb, (char)cp);
		return;
	}
	n = utf8proc_decompose_char(cp, buf, TEXT_FOLD_BUF, TEXT_FOLD_OPTS,
	    &last);
	if (n > TEXT_FOLD_BUF) {
		out = xreallocarray(NULL, (size_t)n, sizeof(*out));
		last = 0;
		n = utf8proc_decompose_char(cp, out, n, TEXT_FOLD_OPTS, &last);
	}
	for (i = 0; i < n; i++)
		sbuf_add(sb, (char *)enc, (size_t)utf8proc_encode_char(out[i],
		    enc));
	if (out != buf)
		free(out);
}

/* Is s (len bytes) at a possessive: ' or ’, then s or S, then no word? */
static size_t
text_possessive(const char *s, size_t len)
{
	size_t	alen, rest;
	int32_t	cp;
	int	n;

	if (len >= 1 && s[0] == '\'')
		alen = 1;
	else if (len >= 3 && memcmp(s, "\xe2\x80\x99", 3) == 0)
		alen = 3;
	else
		return 0;
	if (len < alen + 1 || (s[alen] != 's' && s[alen] != 'S'))
		return 0;
	rest = alen + 1;
	if (rest == len)
		return rest;
	if ((n = text_decode(s + rest, len - rest, &cp)) < 0)
		return rest;
	/* "Latvia'sx" is no possessive; a mark would continue the 's'. */
	if (text_class(cp) != TEXT_SEP)
		return 0;
	return rest;
}

size_t
text_words(const char *s, size_t len, text_word_cb *cb, void *arg)
{
	struct sbuf	 fold;
	size_t		 i = 0, start = 0, end = 0, nwords = 0, pos, ncp = 0;
	int32_t		 cp;
	int		 n, inword = 0;
	enum text_class	 cl;

	sbuf_init(&fold);
	while (i <= len) {
		if (i == len) {
			n = 1;
			cl = TEXT_SEP;
		} else if ((n = text_decode(s + i, len - i, &cp)) < 0) {
			n = 1;
			cl = TEXT_SEP;
		} else
			cl = text_class(cp);
		if (inword && cl == TEXT_SEP) {
			fold.sb_buf[fold.sb_len] = '\0';
			cb(arg, fold.sb_buf, fold.sb_len, s + start,
			    end - start);
			nwords++;
			inword = 0;
			if (i < len && (pos = text_possessive(s + i,
			    len - i)) > 0) {
				i += pos;
				continue;
			}
		} else if (!inword && cl == TEXT_WORD) {
			inword = 1;
			start = i;
			ncp = 0;
			sbuf_reset(&fold);
		}
		if (inword) {
			/* ASCII, most of the text, skips the call. */
			if (cp < 0x80 && ncp < TEXT_WORD_MAX &&
			    fold.sb_len + 1 < fold.sb_cap) {
				fold.sb_buf[fold.sb_len++] = (char)(cp >= 'A' &&
				    cp <= 'Z' ? cp + 'a' - 'A' : cp);
				ncp++;
			} else if (ncp < TEXT_WORD_MAX && cl != TEXT_IGNORE) {
				text_fold_cp(&fold, cp);
				ncp++;
			}
			end = i + (size_t)n;
		}
		i += (size_t)n;
	}
	sbuf_free(&fold);
	return nwords;
}

char *
text_fold(const char *s, size_t len)
{
	struct sbuf	sb;
	size_t		i = 0;
	int32_t		cp;
	int		n;

	sbuf_init(&sb);
	while (i < len) {
		if ((n = text_decode(s + i, len - i, &cp)) < 0) {
			i++;
			continue;
		}
		if (text_class(cp) != TEXT_IGNORE)
			text_fold_cp(&sb, cp);
		i += (size_t)n;
	}
	return text_take(&sb);
}

/*
 * Elements that end a line or a block on screen: their tags become a
 * space, so "<p>a</p><p>b</p>" gives "a b" and not "ab".  Sorted for
 * bsearch.
 */
static const char *const text_blocks[] = {
	"address", "article", "aside", "blockquote", "br", "caption",
	"dd", "details", "dialog", "div", "dl", "dt", "fieldset",
	"figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
	"h5", "h6", "header", "hr", "img", "li", "main", "nav", "ol",
	"option", "p", "pre", "section", "summary", "table", "tbody", "td",
	"tfoot", "th", "thead", "title", "tr", "ul",
};

/* Elements whose content is never text to read. */
static const char *const text_hidden[] = { "script", "style" };

static int
text_strcmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
text_isspace(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

static int
text_isalpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
text_isalnum(int c)
{
	return text_isalpha(c) || (c >= '0' && c <= '9');
}

static int
text_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

/* Output of html_to_text: whitespace runs wait until a visible byte. */
struct text_out {
	struct sbuf	to_sb;
	int		to_space;	/* a space is pending */
};

static void
text_out_space(struct text_out *to)
{
	to->to_space = 1;
}

static void
text_out_add(struct text_out *to, const char *s, size_t n)
{
	size_t	i, j;

	for (i = 0; i < n; i = j) {
		if (text_isspace((unsigned char)s[i])) {
			to->to_space = 1;
			j = i + 1;
			continue;
		}
		/* A no-break space is still a space between words. */
		if (n - i >= 2 && memcmp(s + i, "\xc2\xa0", 2) == 0) {
			to->to_space = 1;
			j = i + 2;
			continue;
		}
		for (j = i + 1; j < n && !text_isspace((unsigned char)s[j]) &&
		    (unsigned char)s[j] != 0xc2; j++)
			;
		if (to->to_space && to->to_sb.sb_len > 0)
			sbuf_addc(&to->to_sb, ' ');
		to->to_space = 0;
		sbuf_add(&to->to_sb, s + i, j - i);
	}
}

/*
 * Text between tags: character references decoded, invalid UTF-8
 * replaced by U+FFFD so that what leaves here is always valid (alerts are
 * JSON).
 */
static void
text_out_chars(struct text_out *to, const char *s, size_t n)
{
	char		 ref[HTML_ENTITY_MAX];
	size_t		 i = 0, j, k, rn;
	int32_t		 cp;
	int		 len;

	while (i < n) {
		if (s[i] == '&') {
			for (j = i + 1; j < n && j - i < 40 &&
			    (text_isalnum((unsigned char)s[j]) || s[j] == '#');
			    j++)
				;
			rn = j > i + 1 ? html_entity_decode(s + i + 1,
			    j - i - 1, ref) : 0;
			if (rn > 0) {
				text_out_add(to, ref, rn);
				i = j < n && s[j] == ';' ? j + 1 : j;
				continue;
			}
			text_out_add(to, "&", 1);
			i++;
			continue;
		}
		for (k = i; k < n && s[k] != '&'; k += (size_t)len) {
			if ((len = text_decode(s + k, n - k, &cp)) < 0)
				break;
		}
		text_out_add(to, s + i, k - i);
		i = k;
		if (i < n && s[i] != '&') {
			text_out_add(to, "\xef\xbf\xbd", 3);
			i++;
		}
	}
}

/* Where the tag starting at s[0] == '<' ends (after '>'), quotes kept. */
static size_t
text_tag_end(const char *s, size_t n)
{
	size_t	i;
	char	q = 0;

	for (i = 1; i < n; i++) {
		if (q) {
			if (s[i] == q)
				q = 0;
		} else if (s[i] == '"' || s[i] == '\'') {
			/* A quote only opens a value right after '='. */
			if (s[i - 1] == '=' || (i >= 2 && s[i - 1] == ' ' &&
			    s[i - 2] == '='))
				q = s[i];
		} else if (s[i] == '>')
			return i + 1;
	}
	return n;
}

/* Finds "</name" (any case) in s; returns its offset or n. */
static size_t
text_find_close(const char *s, size_t n, const char *name)
{
	size_t	i, k, nl = strlen(name);

	for (i = 0; i + 2 + nl <= n; i++) {
		if (s[i] != '<' || s[i + 1] != '/')
			continue;
		for (k = 0; k < nl; k++)
			if (text_lower((unsigned char)s[i + 2 + k]) != name[k])
				break;
		if (k == nl)
			return i;
	}
	return n;
}

char *
text_html_to_text(const char *html, size_t len)
{
	struct text_out	 to;
	char		 name[16];
	const char	*key = name, *end;
	size_t		 i = 0, j, k, nl;

	sbuf_init(&to.to_sb);
	to.to_space = 0;
	while (i < len) {
		for (j = i; j < len && html[j] != '<'; j++)
			;
		text_out_chars(&to, html + i, j - i);
		if ((i = j) >= len)
			break;
		if (len - i >= 4 && memcmp(html + i, "<!--", 4) == 0) {
			end = memmem(html + i + 4, len - i - 4, "-->", 3);
			i = end ? (size_t)(end - html) + 3 : len;
			continue;
		}
		if (len - i >= 9 && memcmp(html + i, "<![CDATA[", 9) == 0) {
			end = memmem(html + i + 9, len - i - 9, "]]>", 3);
			k = end ? (size_t)(end - html) : len;
			text_out_add(&to, html + i + 9, k - i - 9);
			i = end ? k + 3 : len;
			continue;
		}
		k = i + 1;
		if (k < len && html[k] == '/')
			k++;
		/* "a < b" and "<3" are text, as a browser shows them. */
		if (k >= len || (!text_isalpha((unsigned char)html[k]) &&
		    html[k] != '!' && html[k] != '?')) {
			text_out_chars(&to, "<", 1);
			i++;
			continue;
		}
		for (nl = 0; k < len && nl < sizeof(name) - 1 &&
		    text_isalnum((unsigned char)html[k]); k++)
			name[nl++] = (char)text_lower((unsigned char)html[k]);
		name[nl] = '\0';
		j = i + text_tag_end(html + i, len - i);
		if (html[i + 1] != '/' && bsearch(&key, text_hidden,
		    sizeof(text_hidden) / sizeof(text_hidden[0]),
		    sizeof(text_hidden[0]), text_strcmp) != NULL) {
			j += text_find_close(html + j, len - j, name);
			j += text_tag_end(html + j, len - j);
			text_out_space(&to);
		} else if (bsearch(&key, text_blocks,
		    sizeof(text_blocks) / sizeof(text_blocks[0]),
		    sizeof(text_blocks[0]), text_strcmp) != NULL)
			text_out_space(&to);
		i = j;
	}
	return text_take(&to.to_sb);
}

void
text_truncate(struct sbuf *sb, const char *s, size_t max)
{
	size_t	len = strlen(s), i = 0, ncp = 0, cut = 0, start = sb->sb_len;
	int32_t	cp;
	int	n;

	if (max == 0)
		return;
	while (i < len) {
		if ((n = text_decode(s + i, len - i, &cp)) < 0) {
			i++;
			continue;
		}
		/* Keep room for the ellipsis: the result has max at most. */
		if (ncp == max - 1)
			cut = sb->sb_len;
		if (ncp == max) {
			sb->sb_len = cut;
			while (sb->sb_len > start &&
			    text_isspace((unsigned char)sb->sb_buf[sb->sb_len - 1]))
				sb->sb_len--;
			sb->sb_buf[sb->sb_len] = '\0';
			sbuf_adds(sb, "\xe2\x80\xa6");
			return;
		}
		sbuf_add(sb, s + i, (size_t)n);
		ncp++;
		i += (size_t)n;
	}
}

/*
 * Query parameters that only say where a click came from: two links that
 * differ only by these are the same story.
 */
static int
text_tracking(const char *p, size_t n)
{
	static const char *const names[] = {
		"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid",
		"mc_cid", "mc_eid", "_ga",
	};
	size_t	i, k;

	if (n >= 4 && strncasecmp(p, "utm_", 4) == 0)
		return 1;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		k = strlen(names[i]);
		if (n == k && strncasecmp(p, names[i], k) == 0)
			return 1;
	}
	return 0;
}

char *
text_norm_url(const char *url)
{
	struct sbuf	 sb;
	const char	*s, *e, *p, *host, *hend, *path, *q, *amp, *eq, *port;
	size_t		 n, plen;
	int		 first = 1;

	for (s = url; text_isspace((unsigned char)*s); s++)
		;
	for (e = s + strlen(s); e > s && text_isspace((unsigned char)e[-1]);
	    e--)
		;
	if ((p = memchr(s, '#', (size_t)(e - s))) != NULL)
		e = p;
	sbuf_init(&sb);
	for (p = s; p < e && (text_isalnum((unsigned char)*p) || *p == '+' ||
	    *p == '-' || *p == '.'); p++)
		;
	if (p == s || e - p < 3 || memcmp(p, "://", 3) != 0) {
		/* No authority: nothing to lower or drop but the fragment. */
		sbuf_add(&sb, s, (size_t)(e - s));
		return text_take(&sb);
	}
	/* http and https serve the same story: one key for both. */
	if ((p - s == 5 && strncasecmp(s, "https", 5) == 0) ||
	    (p - s == 4 && strncasecmp(s, "http", 4) == 0))
		sbuf_adds(&sb, "http");
	else
		for (q = s; q < p; q++)
			sbuf_addc(&sb, (char)text_lower((unsigned char)*q));
	sbuf_adds(&sb, "://");
	host = p + 3;
	for (path = host; path < e && *path != '/' && *path != '?'; path++)
		;
	/* userinfo keeps its case; only the host name is case-blind. */
	for (q = host, p = NULL; q < path; q++)
		if (*q == '@')
			p = q;
	if (p != NULL) {
		sbuf_add(&sb, host, (size_t)(p + 1 - host));
		host = p + 1;
	}
	hend = path;
	port = NULL;
	for (q = hend; q > host && q[-1] >= '0' && q[-1] <= '9'; q--)
		;
	if (q > host && q[-1] == ':') {
		port = q;
		hend = q - 1;
		n = (size_t)(path - port);
		if (n == 0 || (n == 2 && memcmp(port, "80", 2) == 0) ||
		    (n == 3 && memcmp(port, "443", 3) == 0))
			port = NULL;
	}
	if (hend > host && hend[-1] == '.')
		hend--;
	for (q = host; q < hend; q++)
		sbuf_addc(&sb, (char)text_lower((unsigned char)*q));
	if (port != NULL) {
		sbuf_addc(&sb, ':');
		sbuf_add(&sb, port, (size_t)(path - port));
	}
	q = memchr(path, '?', (size_t)(e - path));
	plen = (size_t)((q ? q : e) - path);
	while (plen > 0 && path[plen - 1] == '/')
		plen--;
	sbuf_add(&sb, path, plen);
	if (q == NULL)
		return text_take(&sb);
	for (p = q + 1; p < e; p = amp + 1) {
		if ((amp = memchr(p, '&', (size_t)(e - p))) == NULL)
			amp = e;
		eq = memchr(p, '=', (size_t)(amp - p));
		n = (size_t)((eq ? eq : amp) - p);
		if (amp > p && !text_tracking(p, n)) {
			sbuf_addc(&sb, first ? '?' : '&');
			sbuf_add(&sb, p, (size_t)(amp - p));
			first = 0;
		}
		if (amp == e)
			break;
	}
	return text_take(&sb);
}

static void
text_title_word(void *arg, const char *folded, size_t flen,
    const char *orig, size_t olen)
{
	struct sbuf	*sb = arg;

	(void)orig;
	(void)olen;
	if (sb->sb_len > 0)
		sbuf_addc(sb, ' ');
	sbuf_add(sb, folded, flen);
}

char *
text_norm_title(const char *title)
{
	struct sbuf	sb;

	sbuf_init(&sb);
	text_words(title, strlen(title), text_title_word, &sb);
	return text_take(&sb);
}
