/*
 * rules.h: the rule language -> one matcher for all watchlists (pure).
 *
 *   Latvia  troop*  "battle group"  a AND b  a b  a OR b  NOT a  -a
 *   ( … )  a NEAR/n b  title:a  summary:( … )  author:  category:
 *
 * Precedence NOT, then AND, then OR.  Every rule of every watchlist goes
 * into one struct rules; rules_finish() builds an index by term so that an
 * item only costs the rules that share a word with it (a rule that has no
 * word it needs, such as "NOT x", is checked on every item).
 */
#ifndef NEWSWATCH_RULES_H
#define NEWSWATCH_RULES_H

#include <stddef.h>

enum rules_kind {
	RULES_MATCH = 0,	/* any match rule of a watchlist raises it */
	RULES_EXCLUDE		/* any exclude rule vetoes it */
};

/* The fields a rule can name; an item's text arrives in these. */
enum rules_field {
	RULES_TITLE = 0,
	RULES_SUMMARY,		/* summary and content, as plain text */
	RULES_AUTHOR,
	RULES_CATEGORY,
	RULES_NFIELDS
};

struct rules;
struct rules_doc;

struct rules	*rules_new(void);
void		 rules_free(struct rules *);
/*
 * Adds one rule of watchlist wl (0 … n-1).  Returns 0, or -1 with a
 * message in err that names the offending token and its column, e.g.
 * "column 12: expected ')' before end of rule".
 */
int		 rules_add(struct rules *, unsigned wl, enum rules_kind,
		    const char *src, char *err, size_t errlen);
/* Builds the index; call once after the last rules_add(). */
void		 rules_finish(struct rules *);
/* Number of rules added. */
size_t		 rules_count(const struct rules *);

/*
 * An item's text, tokenised once and then matched against every rule.
 * rules_doc_add() may be called several times per field (e.g. summary
 * then content; each category); text is plain UTF-8 text.
 */
struct rules_doc *rules_doc_new(void);
void		 rules_doc_free(struct rules_doc *);
void		 rules_doc_reset(struct rules_doc *);
void		 rules_doc_add(struct rules_doc *, enum rules_field,
		    const char *text, size_t len);

/*
 * Calls cb once per watchlist that matches doc (some match rule holds, no
 * exclude rule does), in increasing wl order.  words are the words of the
 * item text that satisfied the rule, as they stand in the text, each once
 * (folded comparison), in order of first appearance; valid during the call.
 * Returns the number of watchlists matched.
 */
typedef void	rules_hit_cb(void *arg, unsigned wl, const char *const *words,
		    size_t nwords);
size_t		 rules_match(struct rules *, struct rules_doc *,
		    rules_hit_cb *, void *arg);

/*
 * For tests and benchmarks: how many rule evaluations rules_match() has
 * run since rules_new(), to show that the index skips rules whose words
 * an item lacks.
 */
size_t		 rules_evaluated(const struct rules *);

#endif
