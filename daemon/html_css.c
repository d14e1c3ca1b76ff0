/*
 * html_css.c: style attributes in sanitized HTML, feedparser's way: the
 * properties of a list, and in the background, border, margin and padding
 * ones only keywords, colours and lengths (pure).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "html_int.h"
#include "html_names.h"
#include "util.h"

/* CSS values allowed in background, border, margin and padding. */
static int
html_css_value_ok(const char *w, size_t n)
{
	size_t	i = 0, d;

	if (html_names_lookup(w, n) & HN_CSSKW)
		return 1;
	if (n > 1 && w[0] == '#') {
		for (i = 1; i < n; i++)
			if (!isdigit((unsigned char)w[i]) &&
			    (w[i] < 'a' || w[i] > 'f'))
				return 0;
		return 1;
	}
	if (n >= 4 && strncmp(w, "rgb(", 4) == 0) {
		for (i = 4; i < n; i++)
			if (!isdigit((unsigned char)w[i]) && w[i] != '%' &&
			    w[i] != ',' && w[i] != ')')
				return 0;
		return 1;
	}
	/* \d{0,2}\.?\d{0,2}(unit)? */
	for (d = 0; i < n && d < 2 && isdigit((unsigned char)w[i]); d++)
		i++;
	if (i < n && w[i] == '.')
		i++;
	for (d = 0; i < n && d < 2 && isdigit((unsigned char)w[i]); d++)
		i++;
	if (i == n)
		return 1;
	static const char *const units[] = { "cm", "em", "ex", "in", "mm",
	    "pc", "pt", "px", "%", ",", ")" };
	for (d = 0; d < NELEM(units); d++)
		if (strlen(units[d]) == n - i &&
		    strncmp(w + i, units[d], n - i) == 0)
			return 1;
	return 0;
}

/* feedparser's sanitize_style(): url() is cut, odd syntax drops it all. */
char *
html_style(const char *in)
{
	struct sbuf	 s, out;
	const char	*p, *q, *name, *val;
	size_t		 nlen, vlen;
	char		 prop[64];

	sbuf_init(&s);
	for (p = in; *p != '\0'; ) {
		if (strncasecmp(p, "url", 3) == 0) {
			q = p + 3;
			while (isspace((unsigned char)*q))
				q++;
			if (*q == '(' && (q = strchr(q, ')')) != NULL) {
				q++;
				while (isspace((unsigned char)*q))
					q++;
				sbuf_addc(&s, ' ');
				p = q;
				continue;
			}
		}
		sbuf_addc(&s, *p++);
	}
	/* The gauntlet: only these characters and simple groups. */
	for (p = s.sb_buf; *p != '\0'; p++) {
		if (strchr(":,;#%.!", *p) != NULL || isspace((unsigned char)*p) ||
		    isalnum((unsigned char)*p))
			continue;
		if (*p == '-' && p > s.sb_buf && html_isword(p[-1]) &&
		    html_isword(p[1]))
			continue;
		if (*p == '\'' || *p == '"') {
			q = p + 1;
			while (*q != '\0' && (html_isword(*q) ||
			    isspace((unsigned char)*q)))
				q++;
			if (*q == *p && q > p + 1) {
				p = q;
				continue;
			}
		}
		if (*p == '(') {
			q = p + 1;
			while (*q != '\0' && (isdigit((unsigned char)*q) ||
			    *q == ',' || isspace((unsigned char)*q)))
				q++;
			if (*q == ')' && q > p + 1) {
				p = q;
				continue;
			}
		}
		sbuf_free(&s);
		return xstrdup("");
	}
	sbuf_init(&out);
	for (p = s.sb_buf; ; ) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		name = p;
		while (html_isword(*p) || *p == '-')
			p++;
		nlen = (size_t)(p - name);
		while (isspace((unsigned char)*p))
			p++;
		if (nlen == 0 || *p != ':')
			goto bad;
		p++;
		while (isspace((unsigned char)*p))
			p++;
		val = p;
		while (*p != '\0' && *p != ':' && *p != ';')
			p++;
		vlen = (size_t)(p - val);
		if (*p == ':')
			goto bad;
		if (*p == ';')
			p++;
		if (vlen == 0 || nlen >= sizeof(prop))
			continue;
		for (size_t i = 0; i < nlen; i++)
			prop[i] = (char)tolower((unsigned char)name[i]);
		prop[nlen] = '\0';
		if (!(html_names_lookup(prop, nlen) & HN_CSS)) {
			const char	*w, *e = val + vlen;
			int		 ok = 1;

			if (strncmp(prop, "background", 10) != 0 &&
			    strncmp(prop, "border", 6) != 0 &&
			    strncmp(prop, "margin", 6) != 0 &&
			    strncmp(prop, "padding", 7) != 0)
				continue;
			for (w = val; w < e && ok; ) {
				while (w < e && isspace((unsigned char)*w))
					w++;
				q = w;
				while (q < e && !isspace((unsigned char)*q))
					q++;
				if (q > w && !html_css_value_ok(w, (size_t)(q - w)))
					ok = 0;
				w = q;
			}
			if (!ok)
				continue;
		}
		if (out.sb_len > 0)
			sbuf_addc(&out, ' ');
		sbuf_add(&out, name, nlen);
		sbuf_adds(&out, ": ");
		sbuf_add(&out, val, vlen);
		sbuf_addc(&out, ';');
	}
	sbuf_free(&s);
	/* The buffer is handed over as is (sbuf_detach() would allocate). */
	return out.sb_buf;
bad:
	sbuf_free(&s);
	sbuf_free(&out);
	return xstrdup("");
}

