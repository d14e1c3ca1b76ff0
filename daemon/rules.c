/*
 * rules.c: the rule language (interface.md, "Rule language") compiled into
 * one node array for all watchlists, and the index by term that lets an
 * item skip every rule it shares no word with.  Matching is in
 * rules_match.c.  Pure: errors go to the caller's buffer.
 *
 *   or      := and { OR and }
 *   and     := unary { [AND] unary }
 *   unary   := NOT unary | '-' unary | near
 *   near    := primary [ NEAR/n primary ]
 *   primary := word | prefix* | "phrase" | ( or ) | field: primary
 *
 * NEAR binds tighter than NOT so that "NOT a NEAR/3 b" reads as
 * "NOT (a NEAR/3 b)", the only reading that makes sense.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "rules_int.h"
#include "text.h"
#include "util.h"

/* Limits (architecture.md: every one explicit, every one tested). */
#define RULES_MAXLEN	4096	/* bytes in one rule */
#define RULES_MAXDEPTH	64	/* nested (, NOT, field: */
#define RULES_MAXTERMS	256	/* words in one rule, phrases included */
#define RULES_MAXNEAR	1000	/* n of NEAR/n */

static const char *const rules_fields[RULES_NFIELDS] = {
	[RULES_TITLE] = "title",
	[RULES_SUMMARY] = "summary",
	[RULES_AUTHOR] = "author",
	[RULES_CATEGORY] = "category",
};

enum rules_tok {
	TK_END,
	TK_LP,
	TK_RP,
	TK_AND,
	TK_OR,
	TK_NOT,
	TK_MINUS,
	TK_NEAR,
	TK_FIELD,
	TK_WORD,
	TK_PHRASE
};

struct rules_parser {
	struct rules	*p_r;
	const char	*p_src;
	size_t		 p_len;
	size_t		 p_pos;		/* where the next token starts */
	enum rules_tok	 p_tok;
	size_t		 p_tstart;	/* the current token in p_src */
	size_t		 p_tlen;
	size_t		 p_vstart;	/* its value: a phrase inside quotes */
	size_t		 p_vlen;
	uint32_t	 p_num;		/* NEAR/n: n; field: the field */
	int		 p_depth;
	size_t		 p_nterms;
	uint32_t	 p_words[RULES_MAXTERMS + 1];
	size_t		 p_nwords;
	int		 p_wprefix;
	struct rules_vec p_stack;	/* uint32_t kids being collected */
	char		*p_err;
	size_t		 p_errlen;
};

void *
rules_vec_push(struct rules_vec *v, size_t size)
{
	if (v->v_n == v->v_cap) {
		v->v_cap = v->v_cap ? v->v_cap * 2 : 64;
		v->v_p = xreallocarray(v->v_p, v->v_cap, size);
	}
	return (char *)v->v_p + size * v->v_n++;
}

void
rules_vec_free(struct rules_vec *v)
{
	free(v->v_p);
	v->v_p = NULL;
	v->v_n = v->v_cap = 0;
}

/*
 * FNV-1a, byte by byte, so that rules_match() gets the hash of every
 * prefix of an item word in one pass; a final mix spreads the low bits
 * that pick the slot.
 */
uint64_t
rules_hash_step(uint64_t h, unsigned char c)
{
	return (h ^ c) * 0x100000001b3ULL;
}

uint64_t
rules_hash_final(uint64_t h, int prefix)
{
	h += (uint64_t)prefix;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

uint64_t
rules_hash(const char *s, size_t len)
{
	uint64_t	h = RULES_FNV_BASIS;
	size_t		i;

	for (i = 0; i < len; i++)
		h = rules_hash_step(h, (unsigned char)s[i]);
	return h;
}

/*
 * A slot holds the top half of the hash beside the id: most lookups are
 * for words no rule has, and they end without touching r_terms.
 */
#define RULES_SLOT(h, id)	((uint64_t)(h) >> 32 << 32 | ((uint64_t)(id) + 1))

uint32_t
rules_term_find(const struct rules *r, uint64_t h, const char *s,
    size_t len, int prefix)
{
	const struct rules_term	*t;
	size_t			 i, mask = r->r_tabcap - 1;
	uint64_t		 slot;
	uint32_t		 id;

	if (r->r_tabcap == 0)
		return RULES_NONE;
	/* Most item words are in no rule: a bit in L2 says so. */
	if (r->r_finished && !(r->r_bloom[(h >> 38) & r->r_bloommask] >>
	    (h >> 32 & 63) & 1))
		return RULES_NONE;
	for (i = h & mask; (slot = r->r_tab[i]) != 0; i = (i + 1) & mask) {
		if (slot >> 32 != h >> 32)
			continue;
		id = (uint32_t)slot - 1;
		t = &r->r_terms[id];
		if (t->rt_len == len && t->rt_prefix == (uint32_t)prefix &&
		    memcmp(r->r_strs.sb_buf + t->rt_off, s, len) == 0)
			return id;
	}
	return RULES_NONE;
}

static void
rules_tab_grow(struct rules *r)
{
	size_t		i, j, mask;

	free(r->r_tab);
	r->r_tabcap = r->r_tabcap ? r->r_tabcap * 2 : 1024;
	r->r_tab = xcalloc(r->r_tabcap, sizeof(*r->r_tab));
	mask = r->r_tabcap - 1;
	for (i = 0; i < r->r_nterms; i++) {
		for (j = r->r_terms[i].rt_hash & mask; r->r_tab[j] != 0;
		    j = (j + 1) & mask)
			;
		r->r_tab[j] = RULES_SLOT(r->r_terms[i].rt_hash, i);
	}
}

/* The id of the term (word or prefix) s, added if new. */
static uint32_t
rules_term_intern(struct rules *r, const char *s, size_t len, int prefix)
{
	struct rules_term	*t;
	uint64_t		 h;
	uint32_t		 id;
	size_t			 j, mask;

	h = rules_hash_final(rules_hash(s, len), prefix);
	if ((id = rules_term_find(r, h, s, len, prefix)) != RULES_NONE)
		return id;
	/* Half full at most, so that probes stay short. */
	if ((r->r_nterms + 1) * 2 > r->r_tabcap)
		rules_tab_grow(r);
	if (r->r_nterms == r->r_capterms) {
		r->r_capterms = r->r_capterms ? r->r_capterms * 2 : 256;
		r->r_terms = xreallocarray(r->r_terms, r->r_capterms,
		    sizeof(*r->r_terms));
	}
	id = (uint32_t)r->r_nterms++;
	t = &r->r_terms[id];
	memset(t, 0, sizeof(*t));
	t->rt_hash = h;
	t->rt_off = (uint32_t)r->r_strs.sb_len;
	t->rt_len = (uint32_t)len;
	t->rt_prefix = (uint32_t)prefix;
	t->rt_hits = RULES_NONE;
	sbuf_add(&r->r_strs, s, len);
	sbuf_addc(&r->r_strs, '\0');
	mask = r->r_tabcap - 1;
	for (j = h & mask; r->r_tab[j] != 0; j = (j + 1) & mask)
		;
	r->r_tab[j] = RULES_SLOT(h, id);
	return id;
}


static uint32_t
rules_node_new(struct rules *r, enum rules_nkind kind, uint32_t fields,
    uint32_t arg, uint32_t n)
{
	struct rules_node	*nd;

	if (r->r_nnodes == r->r_capnodes) {
		r->r_capnodes = r->r_capnodes ? r->r_capnodes * 2 : 256;
		r->r_nodes = xreallocarray(r->r_nodes, r->r_capnodes,
		    sizeof(*r->r_nodes));
	}
	nd = &r->r_nodes[r->r_nnodes];
	memset(nd, 0, sizeof(*nd));
	nd->rn_kind = (uint8_t)kind;
	nd->rn_fields = (uint8_t)fields;
	nd->rn_arg = arg;
	nd->rn_n = (uint16_t)n;
	return (uint32_t)r->r_nnodes++;
}

static uint32_t
rules_kids_add(struct rules *r, const uint32_t *kids, size_t n)
{
	uint32_t	first = (uint32_t)r->r_nkids;

	while (r->r_nkids + n > r->r_capkids) {
		r->r_capkids = r->r_capkids ? r->r_capkids * 2 : 256;
		r->r_kids = xreallocarray(r->r_kids, r->r_capkids,
		    sizeof(*r->r_kids));
	}
	memcpy(r->r_kids + r->r_nkids, kids, n * sizeof(*kids));
	r->r_nkids += n;
	return first;
}

/* 1-based column of byte offset off, counted in code points. */
static size_t
rules_column(const char *src, size_t off)
{
	size_t	i, col = 1;

	for (i = 0; i < off; i++)
		if (((unsigned char)src[i] & 0xc0) != 0x80)
			col++;
	return col;
}

static int
rules_error(struct rules_parser *p, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
rules_error(struct rules_parser *p, size_t off, const char *fmt, ...)
{
	struct sbuf	sb;
	va_list		ap;

	sbuf_init(&sb);
	sbuf_printf(&sb, "column %zu: ", rules_column(p->p_src, off));
	va_start(ap, fmt);
	sbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	if (p->p_err != NULL && p->p_errlen > 0)
		util_strlcpy(p->p_err, sb.sb_buf, p->p_errlen);
	sbuf_free(&sb);
	return -1;
}

/* The current token as written, cut for an error message. */
static int
rules_toklen(const struct rules_parser *p)
{
	return (int)(p->p_tlen > 40 ? 40 : p->p_tlen);
}

static int
rules_isspace(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

/* Length of a quote mark at s: ", “ or ”; 0 if none. */
static size_t
rules_quote(const char *s, size_t len)
{
	if (len >= 1 && s[0] == '"')
		return 1;
	if (len >= 3 && (memcmp(s, "\xe2\x80\x9c", 3) == 0 ||
	    memcmp(s, "\xe2\x80\x9d", 3) == 0))
		return 3;
	return 0;
}

static int
rules_isalpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
rules_next(struct rules_parser *p)
{
	const char	*s = p->p_src;
	size_t		 i = p->p_pos, q, k, e;
	uint32_t	 f, n;

	while (i < p->p_len && rules_isspace((unsigned char)s[i]))
		i++;
	p->p_tstart = i;
	p->p_tlen = 1;
	if (i >= p->p_len) {
		p->p_tok = TK_END;
		p->p_tlen = 0;
		p->p_pos = i;
		return 0;
	}
	if (s[i] == '(' || s[i] == ')') {
		p->p_tok = s[i] == '(' ? TK_LP : TK_RP;
		p->p_pos = i + 1;
		return 0;
	}
	if ((q = rules_quote(s + i, p->p_len - i)) > 0) {
		for (e = i + q; e < p->p_len; e++)
			if ((k = rules_quote(s + e, p->p_len - e)) > 0)
				break;
		if (e >= p->p_len)
			return rules_error(p, i, "unterminated phrase");
		p->p_tok = TK_PHRASE;
		p->p_vstart = i + q;
		p->p_vlen = e - i - q;
		p->p_tlen = e + k - i;
		p->p_pos = e + k;
		return 0;
	}
	if (s[i] == '-') {
		p->p_tok = TK_MINUS;
		p->p_pos = i + 1;
		return 0;
	}
	for (e = i; e < p->p_len && !rules_isspace((unsigned char)s[e]) &&
	    s[e] != '(' && s[e] != ')' && rules_quote(s + e, p->p_len - e) == 0;
	    e++)
		;
	p->p_tlen = e - i;
	p->p_pos = e;
	p->p_vstart = i;
	p->p_vlen = e - i;
	for (k = i; k < e && rules_isalpha((unsigned char)s[k]); k++)
		;
	if (k > i && k < e && s[k] == ':') {
		p->p_tlen = k + 1 - i;
		p->p_pos = k + 1;
		for (f = 0; f < RULES_NFIELDS; f++)
			if (strlen(rules_fields[f]) == k - i &&
			    memcmp(rules_fields[f], s + i, k - i) == 0)
				break;
		if (f == RULES_NFIELDS)
			return rules_error(p, i, "unknown field '%.*s'",
			    (int)(k - i), s + i);
		p->p_tok = TK_FIELD;
		p->p_num = f;
		return 0;
	}
	p->p_tok = TK_WORD;
	if (p->p_tlen == 3 && memcmp(s + i, "AND", 3) == 0)
		p->p_tok = TK_AND;
	else if (p->p_tlen == 2 && memcmp(s + i, "OR", 2) == 0)
		p->p_tok = TK_OR;
	else if (p->p_tlen == 3 && memcmp(s + i, "NOT", 3) == 0)
		p->p_tok = TK_NOT;
	else if (p->p_tlen == 4 && memcmp(s + i, "NEAR", 4) == 0)
		return rules_error(p, i, "NEAR needs a distance, as in NEAR/5");
	else if (p->p_tlen >= 5 && memcmp(s + i, "NEAR/", 5) == 0) {
		for (n = 0, k = i + 5; k < e && s[k] >= '0' && s[k] <= '9' &&
		    n <= RULES_MAXNEAR; k++)
			n = n * 10 + (uint32_t)(s[k] - '0');
		if (k == i + 5 || (k < e && (s[k] < '0' || s[k] > '9')))
			return rules_error(p, i, "expected a number after "
			    "NEAR/ in '%.*s'", rules_toklen(p), s + i);
		if (n > RULES_MAXNEAR)
			return rules_error(p, i, "NEAR distance above %d",
			    RULES_MAXNEAR);
		p->p_tok = TK_NEAR;
		p->p_num = n;
	}
	return 0;
}

static int
rules_operand(enum rules_tok tok)
{
	return tok == TK_WORD || tok == TK_PHRASE || tok == TK_LP ||
	    tok == TK_NOT || tok == TK_MINUS || tok == TK_FIELD;
}

/* The error for a token that cannot stand where it is. */
static int
rules_unexpected(struct rules_parser *p)
{
	if (p->p_tok == TK_END)
		return rules_error(p, p->p_tstart, "unexpected end of rule");
	return rules_error(p, p->p_tstart, "unexpected '%.*s'",
	    rules_toklen(p), p->p_src + p->p_tstart);
}

/* After an operator at off, something that can be an operand must come. */
static int
rules_need_operand(struct rules_parser *p, size_t off, size_t len)
{
	if (rules_operand(p->p_tok))
		return 0;
	/* Point at what is wrong: the stray token, or the operator at the end. */
	if (p->p_tok != TK_END)
		return rules_error(p, p->p_tstart, "unexpected '%.*s' after %.*s",
		    rules_toklen(p), p->p_src + p->p_tstart, (int)len,
		    p->p_src + off);
	return rules_error(p, off, "expected a word after %.*s", (int)len,
	    p->p_src + off);
}

static void
rules_parse_word(void *arg, const char *folded, size_t flen,
    const char *orig, size_t olen)
{
	struct rules_parser	*p = arg;

	(void)orig;
	(void)olen;
	if (p->p_nwords < RULES_MAXTERMS + 1 && flen <= RULES_MAXPLEN)
		p->p_words[p->p_nwords++] = rules_term_intern(p->p_r, folded,
		    flen, p->p_wprefix);
}

/* A word, prefix or phrase token -> a leaf. */
static int
rules_parse_leaf(struct rules_parser *p, uint32_t fields, uint32_t *out)
{
	struct rules		*r = p->p_r;
	const char		*v = p->p_src + p->p_vstart, *star;
	size_t			 vlen = p->p_vlen, i;
	uint32_t		 cost = RULES_NOCOST, c;
	int			 prefix = 0;

	star = p->p_tok == TK_WORD ? memchr(v, '*', vlen) : NULL;
	if (star != NULL) {
		if (star != v + vlen - 1)
			return rules_error(p, p->p_tstart,
			    "'*' can only end a word, in '%.*s'",
			    rules_toklen(p), v);
		prefix = 1;
		vlen--;
	}
	p->p_nwords = 0;
	p->p_wprefix = prefix;
	text_words(v, vlen, rules_parse_word, p);
	if (p->p_nwords == 0) {
		if (p->p_tok == TK_PHRASE)
			return rules_error(p, p->p_tstart, "empty phrase");
		return rules_error(p, p->p_tstart,
		    "no letter or digit in '%.*s'", rules_toklen(p), v);
	}
	if (prefix && p->p_nwords > 1)
		return rules_error(p, p->p_tstart,
		    "a prefix must be one word: '%.*s'", rules_toklen(p), v);
	if ((p->p_nterms += p->p_nwords) > RULES_MAXTERMS)
		return rules_error(p, p->p_tstart,
		    "more than %d words in one rule", RULES_MAXTERMS);
	if (p->p_nwords == 1) {
		*out = rules_node_new(r, prefix ? RN_PREFIX : RN_WORD, fields,
		    p->p_words[0], 0);
		r->r_nodes[*out].rn_cost = rules_term_cost(r, p->p_words[0]);
	} else {
		*out = rules_node_new(r, RN_PHRASE, fields,
		    rules_kids_add(r, p->p_words, p->p_nwords),
		    (uint32_t)p->p_nwords);
		for (i = 0; i < p->p_nwords; i++)
			if ((c = rules_term_cost(r, p->p_words[i])) < cost)
				cost = c;
		r->r_nodes[*out].rn_cost = cost;
	}
	return rules_next(p);
}

static int	rules_parse_or(struct rules_parser *, uint32_t, uint32_t *);

static int
rules_deeper(struct rules_parser *p)
{
	if (++p->p_depth > RULES_MAXDEPTH)
		return rules_error(p, p->p_tstart, "nested deeper than %d",
		    RULES_MAXDEPTH);
	return 0;
}

static int
rules_parse_primary(struct rules_parser *p, uint32_t fields, uint32_t *out)
{
	size_t	open = p->p_tstart, flen;
	uint32_t f;

	switch (p->p_tok) {
	case TK_WORD:
	case TK_PHRASE:
		return rules_parse_leaf(p, fields, out);
	case TK_LP:
		if (rules_deeper(p) == -1 || rules_next(p) == -1)
			return -1;
		if (p->p_tok == TK_RP)
			return rules_unexpected(p);
		if (rules_parse_or(p, fields, out) == -1)
			return -1;
		if (p->p_tok == TK_END)
			return rules_error(p, p->p_tstart, "expected ')' before "
			    "end of rule, to close the '(' at column %zu",
			    rules_column(p->p_src, open));
		if (p->p_tok != TK_RP)
			return rules_unexpected(p);
		p->p_depth--;
		return rules_next(p);
	case TK_FIELD:
		f = p->p_num;
		flen = p->p_tlen;
		/* title:(summary:x) could never match: say so. */
		if (fields != RULES_ALLFIELDS && fields != (1u << f))
			return rules_error(p, open, "field '%s' inside "
			    "another field", rules_fields[f]);
		if (rules_deeper(p) == -1 || rules_next(p) == -1)
			return -1;
		if (p->p_tok != TK_WORD && p->p_tok != TK_PHRASE &&
		    p->p_tok != TK_LP)
			return rules_error(p, open, "expected a word after %.*s",
			    (int)flen, p->p_src + open);
		if (rules_parse_primary(p, 1u << f, out) == -1)
			return -1;
		p->p_depth--;
		return 0;
	default:
		return rules_unexpected(p);
	}
}

/* NEAR takes words, prefixes, phrases and ORs of them, nothing else. */
static int
rules_near_ok(const struct rules *r, uint32_t node)
{
	const struct rules_node	*nd = &r->r_nodes[node];
	uint32_t		 i;

	if (nd->rn_kind == RN_WORD || nd->rn_kind == RN_PREFIX ||
	    nd->rn_kind == RN_PHRASE)
		return 1;
	if (nd->rn_kind != RN_OR)
		return 0;
	for (i = 0; i < nd->rn_n; i++)
		if (!rules_near_ok(r, r->r_kids[nd->rn_arg + i]))
			return 0;
	return 1;
}

static int
rules_parse_near(struct rules_parser *p, uint32_t fields, uint32_t *out)
{
	struct rules	*r = p->p_r;
	size_t		 astart = p->p_tstart, op, oplen, bstart;
	uint32_t	 kids[2], dist, ca, cb;

	if (rules_parse_primary(p, fields, &kids[0]) == -1)
		return -1;
	if (p->p_tok != TK_NEAR) {
		*out = kids[0];
		return 0;
	}
	op = p->p_tstart;
	oplen = p->p_tlen;
	dist = p->p_num;
	if (!rules_near_ok(r, kids[0]))
		return rules_error(p, astart, "NEAR takes words, prefixes, "
		    "phrases or an OR of them on each side");
	if (rules_next(p) == -1 || rules_need_operand(p, op, oplen) == -1)
		return -1;
	bstart = p->p_tstart;
	if (rules_parse_primary(p, fields, &kids[1]) == -1)
		return -1;
	if (!rules_near_ok(r, kids[1]))
		return rules_error(p, bstart, "NEAR takes words, prefixes, "
		    "phrases or an OR of them on each side");
	if (p->p_tok == TK_NEAR)
		return rules_error(p, p->p_tstart, "'%.*s' cannot follow "
		    "another NEAR: join them with AND", rules_toklen(p),
		    p->p_src + p->p_tstart);
	*out = rules_node_new(r, RN_NEAR, fields, rules_kids_add(r, kids, 2),
	    2);
	r->r_nodes[*out].rn_dist = dist;
	ca = r->r_nodes[kids[0]].rn_cost;
	cb = r->r_nodes[kids[1]].rn_cost;
	r->r_nodes[*out].rn_cost = ca < cb ? ca : cb;
	return 0;
}

static int
rules_parse_unary(struct rules_parser *p, uint32_t fields, uint32_t *out)
{
	size_t		op = p->p_tstart, oplen = p->p_tlen;
	uint32_t	kid;

	if (p->p_tok != TK_NOT && p->p_tok != TK_MINUS)
		return rules_parse_near(p, fields, out);
	if (rules_deeper(p) == -1 || rules_next(p) == -1 ||
	    rules_need_operand(p, op, oplen) == -1 ||
	    rules_parse_unary(p, fields, &kid) == -1)
		return -1;
	p->p_depth--;
	*out = rules_node_new(p->p_r, RN_NOT, fields,
	    rules_kids_add(p->p_r, &kid, 1), 1);
	p->p_r->r_nodes[*out].rn_cost = RULES_NOCOST;
	return 0;
}

/* Pops the kids collected since base into one AND or OR node. */
static uint32_t
rules_group(struct rules_parser *p, enum rules_nkind kind, uint32_t fields,
    size_t base)
{
	struct rules	*r = p->p_r;
	uint32_t	*kids = (uint32_t *)p->p_stack.v_p + base, node, c;
	uint32_t	 cost = kind == RN_OR ? 0 : RULES_NOCOST;
	size_t		 i, n = p->p_stack.v_n - base;

	p->p_stack.v_n = base;
	if (n == 1)
		return kids[0];
	for (i = 0; i < n; i++) {
		c = r->r_nodes[kids[i]].rn_cost;
		if (kind == RN_AND && c < cost)
			cost = c;
		else if (kind == RN_OR)
			cost = c == RULES_NOCOST || cost > RULES_NOCOST - 1 - c ?
			    RULES_NOCOST : cost + c;
	}
	node = rules_node_new(r, kind, fields, rules_kids_add(r, kids, n),
	    (uint32_t)n);
	r->r_nodes[node].rn_cost = cost;
	return node;
}

static int
rules_parse_and(struct rules_parser *p, uint32_t fields, uint32_t *out)
{
	size_t		base = p->p_stack.v_n, op, oplen;
	uint32_t	kid;

	for (;;) {
		if (rules_parse_unary(p, fields, &kid) == -1)
			return -1;
		*(uint32_t *)rules_vec_push(&p->p_stack, sizeof(kid)) = kid;
		if (p->p_tok == TK_AND) {
			op = p->p_tstart;
			oplen = p->p_tlen;
			if (rules_next(p) == -1 ||
			    rules_need_operand(p, op, oplen) == -1)
				return -1;
		} else if (!rules_operand(p->p_tok))
			break;
	}
	*out = rules_group(p, RN_AND, fields, base);
	return 0;
}

static int
rules_parse_or(struct rules_parser *p, uint32_t fields, uint32_t *out)
{
	size_t		base = p->p_stack.v_n, op, oplen;
	uint32_t	kid;

	for (;;) {
		if (rules_parse_and(p, fields, &kid) == -1)
			return -1;
		*(uint32_t *)rules_vec_push(&p->p_stack, sizeof(kid)) = kid;
		if (p->p_tok != TK_OR)
			break;
		op = p->p_tstart;
		oplen = p->p_tlen;
		if (rules_next(p) == -1 ||
		    rules_need_operand(p, op, oplen) == -1)
			return -1;
	}
	*out = rules_group(p, RN_OR, fields, base);
	return 0;
}

struct rules *
rules_new(void)
{
	struct rules	*r;

	r = xcalloc(1, sizeof(*r));
	sbuf_init(&r->r_strs);
	return r;
}

void
rules_free(struct rules *r)
{
	if (r == NULL)
		return;
	free(r->r_nodes);
	free(r->r_kids);
	free(r->r_terms);
	sbuf_free(&r->r_strs);
	free(r->r_tab);
	free(r->r_rules);
	free(r->r_post);
	free(r->r_always);
	free(r->r_plens);
	free(r->r_bloom);
	free(r->r_rstamp);
	rules_vec_free(&r->r_hits);
	rules_vec_free(&r->r_cand);
	rules_vec_free(&r->r_tmp);
	rules_vec_free(&r->r_wit);
	rules_vec_free(&r->r_spans);
	rules_vec_free(&r->r_out);
	free(r);
}

int
rules_add(struct rules *r, unsigned wl, enum rules_kind kind,
    const char *src, char *err, size_t errlen)
{
	struct rules_parser	 p;
	struct rules_rule	*ru;
	size_t			 nnodes = r->r_nnodes, nkids = r->r_nkids;
	size_t			 len = strlen(src);
	uint32_t		 root;
	int			 rv = -1;

	/* The index (and its filter) is stale from the first new word on. */
	r->r_finished = 0;
	memset(&p, 0, sizeof(p));
	p.p_r = r;
	p.p_src = src;
	p.p_len = len;
	p.p_err = err;
	p.p_errlen = errlen;
	if (len > RULES_MAXLEN)
		return util_err(err, errlen, "rule of %zu bytes, longer than "
		    "the limit of %d", len, RULES_MAXLEN);
	if (rules_next(&p) == -1)
		goto done;
	if (p.p_tok == TK_END) {
		util_err(err, errlen, "empty rule");
		goto done;
	}
	if (rules_parse_or(&p, RULES_ALLFIELDS, &root) == -1)
		goto done;
	if (p.p_tok != TK_END) {
		rules_unexpected(&p);
		goto done;
	}
	if (r->r_nrules == r->r_caprules) {
		r->r_caprules = r->r_caprules ? r->r_caprules * 2 : 64;
		r->r_rules = xreallocarray(r->r_rules, r->r_caprules,
		    sizeof(*r->r_rules));
	}
	ru = &r->r_rules[r->r_nrules];
	ru->ru_root = root;
	ru->ru_wl = wl;
	ru->ru_kind = kind == RULES_EXCLUDE ? RULES_EXCLUDE : RULES_MATCH;
	ru->ru_seq = (uint32_t)r->r_nrules++;
	rv = 0;
 done:
	if (rv == -1) {
		/* A bad rule leaves nothing behind but interned words. */
		r->r_nnodes = nnodes;
		r->r_nkids = nkids;
	}
	rules_vec_free(&p.p_stack);
	return rv;
}

size_t
rules_count(const struct rules *r)
{
	return r->r_nrules;
}

size_t
rules_evaluated(const struct rules *r)
{
	return r->r_evaluated;
}
