/*
 * html_names.h: the names the HTML sanitizer knows (elements, attributes,
 * URI schemes, HTML 4 entities, CSS properties and keywords) in one table,
 * so that a name is looked up once for all it is (pure).
 */
#ifndef NEWSWATCH_HTML_NAMES_H
#define NEWSWATCH_HTML_NAMES_H

#include <stddef.h>

/* What a name is; the lists are feedparser's unless said otherwise. */
#define HN_ELEM		0x0001	/* acceptable_elements: kept with content */
#define HN_DROP		0x0002	/* element whose content goes with it */
#define HN_VOID		0x0004	/* element without an end tag: <br /> */
#define HN_ATTR		0x0008	/* acceptable_attributes */
#define HN_URL		0x0010	/* attribute holding a URL */
#define HN_SCHEME	0x0020	/* URI scheme allowed in a URL attribute */
#define HN_ENTITY	0x0040	/* HTML 4 entity name (case matters) */
#define HN_CSS		0x0080	/* CSS property kept in style attributes */
#define HN_CSSKW	0x0100	/* keyword of background, border, margin… */
#define HN_LOWER	0x0200	/* attribute whose value is lowered (rel) */
#define HN_STYLE	0x0400	/* the style attribute */

/*
 * The HN_ bits of s (len bytes, compared as they are: lower the case of
 * tag names first), 0 for a name of none of the lists.
 */
unsigned	html_names_lookup(const char *s, size_t len);

#endif
