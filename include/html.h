/*
 * html.h: HTML character references and HTML sanitizing (pure).
 */
#ifndef NEWSWATCH_HTML_H
#define NEWSWATCH_HTML_H

#include <stddef.h>
#include <stdint.h>

struct sbuf;

/*
 * Decodes one character reference given without '&' and ';': a name of
 * the HTML5 list ("nbsp", "eacute", "mdash", …) or "#233" / "#xE9".
 * Writes the UTF-8 bytes to out (at least HTML_ENTITY_MAX bytes) and
 * returns their number, or 0 when it is no reference.  Numeric references
 * to NUL, surrogates or past U+10FFFF give U+FFFD; 128–159 map through
 * windows-1252 as browsers do.
 */
#define HTML_ENTITY_MAX	8
size_t	html_entity_decode(const char *name, size_t len, char *out);
/* cp, or what windows-1252 puts at 0x80–0x9f (browsers read C1 so). */
uint32_t html_c1(uint32_t cp);
/* Code point cp (at most U+10FFFF) as UTF-8 into out (4 bytes). */
size_t	html_utf8(uint32_t cp, char *out);

/*
 * Drops what is never safe to pass on: script, style, object, embed,
 * iframe (and the like) with their content, on* attributes, javascript:
 * (and vbscript:, data:) URLs; relative URLs are resolved against base
 * (may be NULL).  html[len] must be '\0', as in a string or a struct sbuf:
 * most HTML is tokenized where it is, not from a copy.  Returns a string
 * to free.
 */
char	*html_sanitize(const char *html, size_t len, const char *base);

/*
 * uri resolved against base (RFC 3986; base may be NULL), non-ASCII kept
 * as it is.  Returns a string to free.
 */
char	*html_resolve(const char *uri, const char *base);

/* Appends s to sb with &, < and > as character references. */
void	html_escape(struct sbuf *sb, const char *s);

#endif
