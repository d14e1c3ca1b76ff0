/*
 * text.h: UTF-8 text for matching and for alerts (pure).
 *
 * Words are runs of Unicode letters and digits.  A word is folded with
 * utf8proc (NFKD, case fold, marks stripped), so "Kariņš", "KARINS" and
 * "karins" fold alike; a trailing possessive ('s, ’s) is not part of the
 * word.  Every other character separates words.
 */
#ifndef NEWSWATCH_TEXT_H
#define NEWSWATCH_TEXT_H

#include <stddef.h>

struct sbuf;

/*
 * Calls cb once per word of s (len bytes, UTF-8; invalid bytes separate
 * words).  folded is the folded word (NUL-terminated), orig/olen the word
 * as it stands in s.  The pointers are valid only during the call.
 * Returns the number of words.
 */
typedef void	text_word_cb(void *arg, const char *folded, size_t flen,
		    const char *orig, size_t olen);
size_t	text_words(const char *s, size_t len, text_word_cb *cb, void *arg);

/* Folds a whole string as a word would be (for rule terms); caller frees. */
char	*text_fold(const char *s, size_t len);

/*
 * HTML -> plain text: tags dropped (script/style with their content),
 * entities decoded (html_entity_decode), block elements and whitespace runs
 * become one space, trimmed.  Caller frees.
 */
char	*text_html_to_text(const char *html, size_t len);

/* Appends s to sb, valid UTF-8 only, cut at max code points (with "…"). */
void	text_truncate(struct sbuf *sb, const char *s, size_t max);

/*
 * Normalises a URL for "same story" comparison: scheme and host lower
 * case, no fragment, no default port, no trailing slash, utm_* and
 * similar tracking parameters removed.  Caller frees.
 */
char	*text_norm_url(const char *url);
/* A title folded to its words joined by one space, for dedup.  Frees. */
char	*text_norm_title(const char *title);

#endif
