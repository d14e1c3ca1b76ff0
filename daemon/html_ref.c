/*
 * html_ref.c: HTML character references, named (the whole HTML5 list,
 * html_entities.h) and numeric, and escaping text for HTML (pure).
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "html.h"
#include "util.h"

#include "html_entities.h"

/* Browsers read C1 controls in references as windows-1252 (HTML5 13.2.5.80). */
static const uint16_t html_cp1252[32] = {
	0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
	0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178
};

uint32_t
html_c1(uint32_t cp)
{
	return cp >= 0x80 && cp <= 0x9f ? html_cp1252[cp - 0x80] : cp;
}

size_t
html_utf8(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static size_t
html_numeric(const char *s, size_t len, char *out)
{
	uint32_t	cp = 0;
	size_t		i = 1;
	int		hex = 0, d, any = 0;

	if (len > 1 && (s[1] == 'x' || s[1] == 'X')) {
		hex = 1;
		i = 2;
	}
	for (; i < len; i++) {
		if (hex && isxdigit((unsigned char)s[i]))
			d = isdigit((unsigned char)s[i]) ? s[i] - '0' :
			    (tolower((unsigned char)s[i]) - 'a' + 10);
		else if (!hex && isdigit((unsigned char)s[i]))
			d = s[i] - '0';
		else
			return 0;
		any = 1;
		/* Saturate: anything past U+10FFFF is U+FFFD anyway. */
		if (cp <= 0x10ffff)
			cp = cp * (hex ? 16 : 10) + (uint32_t)d;
	}
	if (!any)
		return 0;
	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	return html_utf8(html_c1(cp), out);
}

size_t
html_entity_decode(const char *name, size_t len, char *out)
{
	size_t	lo = 0, hi, mid, n;
	int	c;

	if (len == 0 || memchr(name, '\0', len) != NULL)
		return 0;
	if (name[0] == '#')
		return html_numeric(name, len, out);
	/* The longest HTML5 name has 31 characters. */
	if (len > 32)
		return 0;
	hi = sizeof(html_entities) / sizeof(html_entities[0]);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strncmp(name, html_entities[mid].he_name, len);
		if (c == 0 && html_entities[mid].he_name[len] != '\0')
			c = -1;
		if (c == 0) {
			n = strlen(html_entities[mid].he_utf8);
			memcpy(out, html_entities[mid].he_utf8, n);
			return n;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

void
html_escape(struct sbuf *sb, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '&')
			sbuf_adds(sb, "&amp;");
		else if (*s == '<')
			sbuf_adds(sb, "&lt;");
		else if (*s == '>')
			sbuf_adds(sb, "&gt;");
		else
			sbuf_addc(sb, *s);
	}
}
