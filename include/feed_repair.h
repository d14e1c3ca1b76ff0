/*
 * feed_repair.h: the second half of the input stage (feed_repair.c),
 * decoded UTF-8 -> well-formed text for the tokenizer (feed_xml.c).  Only
 * feed_input.c uses it; the state lives in its struct feed_input.
 */
#ifndef NEWSWATCH_FEED_REPAIR_H
#define NEWSWATCH_FEED_REPAIR_H

#include "util.h"

enum feed_rstate {
	FS_PROLOG,	/* before the root element: only markup is kept */
	FS_TEXT,
	FS_TAG,		/* <name ...> or </name> */
	FS_ATTR,	/* a quoted attribute value */
	FS_COMMENT,	/* dropped */
	FS_PI,		/* dropped */
	FS_CDATA,
	FS_DECL,	/* <!DOCTYPE ...>, kept so that entities are refused */
	FS_JSON		/* passed on as decoded */
};

struct feed_rep {
	enum feed_rstate fr_state;
	enum feed_rstate fr_ret;	/* where a comment or PI returns */
	char		 fr_quote;
	int		 fr_run;	/* '-', ']' or '?' just before */
	int		 fr_bracket;	/* '[' depth in a DOCTYPE */
	int		 fr_decl_drop;	/* a "<!" that is no DOCTYPE: dropped */
	int		 fr_begun;	/* more than whitespace was seen */
};

void	feed_rep_init(struct feed_rep *);
/*
 * Repairs work onto out; what cannot be decided yet (a '&' or '<' cut by
 * the end of the push) stays in work for the next call.
 */
void	feed_rep_run(struct feed_rep *, struct sbuf *work, int final,
	    struct sbuf *out);
/*
 * The same on n bytes the caller keeps, so that they need not be copied
 * into a work buffer first: returns the bytes used; the rest must come
 * first in the next call.
 */
size_t	feed_rep_buf(struct feed_rep *, const char *s, size_t n, int final,
	    struct sbuf *out);

#endif
