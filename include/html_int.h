/*
 * html_int.h: what the parts of the HTML sanitizer share (html.c tokenizes
 * and filters the markup, html_css.c the style attributes).  Not for
 * other modules: they use html.h.
 */
#ifndef NEWSWATCH_HTML_INT_H
#define NEWSWATCH_HTML_INT_H

#include <ctype.h>
#include <stddef.h>

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* feedparser's sanitize_style(): the declarations of in it keeps. */
char	*html_style(const char *in);

static inline int
html_isword(int c)
{
	return isalnum((unsigned char)c) || c == '_';
}

#endif
