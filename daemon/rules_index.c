/*
 * rules_index.c: the index by term.  Each rule hangs on its cheapest set
 * of words one of which an item must hold for the rule to match; rules
 * with none are checked on every item.  Costs come from how often terms
 * were seen in items, so rules_match() rebuilds it as it learns.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "rules_int.h"
#include "util.h"

/*
 * Excludes of a watchlist sort before its matches, so that rules_match()
 * meets a veto before it spends time collecting words.
 */
static int
rules_rule_cmp(const void *a, const void *b)
{
	const struct rules_rule	*x = a, *y = b;
	uint32_t		 kx = x->ru_kind == RULES_EXCLUDE ? 0 : 1;
	uint32_t		 ky = y->ru_kind == RULES_EXCLUDE ? 0 : 1;

	if (x->ru_wl != y->ru_wl)
		return x->ru_wl < y->ru_wl ? -1 : 1;
	if (kx != ky)
		return kx < ky ? -1 : 1;
	return x->ru_seq < y->ru_seq ? -1 : x->ru_seq > y->ru_seq;
}

/*
 * What anchoring a rule on one term costs: the share of items that hold
 * the term, as rules_match() has seen so far (scaled to 1024), plus a
 * prior for when it has seen nothing: short words and prefixes hit often.
 */
uint32_t
rules_term_cost(const struct rules *r, uint32_t term)
{
	const struct rules_term	*t = &r->r_terms[term];
	uint32_t		 short_ = t->rt_len < 8 ? 8 - t->rt_len : 0;
	uint32_t		 prior;

	prior = t->rt_prefix ? 16 + 4 * short_ : 4 + short_;
	return prior + (uint32_t)((uint64_t)t->rt_df * 1024 /
	    (r->r_items + 1));
}

/* The cost of the cheapest anchor set of node (RULES_NOCOST: none). */
static uint32_t
rules_cost(const struct rules *r, uint32_t node)
{
	const struct rules_node	*nd = &r->r_nodes[node];
	uint32_t		 i, c, cost;

	switch (nd->rn_kind) {
	case RN_WORD:
	case RN_PREFIX:
		return rules_term_cost(r, nd->rn_arg);
	case RN_PHRASE:
		for (i = 0, cost = RULES_NOCOST; i < nd->rn_n; i++)
			if ((c = rules_term_cost(r,
			    r->r_kids[nd->rn_arg + i])) < cost)
				cost = c;
		return cost;
	case RN_OR:
		for (i = 0, cost = 0; i < nd->rn_n; i++) {
			c = rules_cost(r, r->r_kids[nd->rn_arg + i]);
			if (c == RULES_NOCOST || cost > RULES_NOCOST - 1 - c)
				return RULES_NOCOST;
			cost += c;
		}
		return cost;
	case RN_AND:
	case RN_NEAR:
		for (i = 0, cost = RULES_NOCOST; i < nd->rn_n; i++)
			if ((c = rules_cost(r, r->r_kids[nd->rn_arg + i])) <
			    cost)
				cost = c;
		return cost;
	default:
		return RULES_NOCOST;
	}
}

/*
 * Appends to v the terms of the cheapest set of which an item must hold
 * one for node to be true: OR needs one of all its kids', AND (and NEAR)
 * only those of its cheapest kid, NOT none.
 */
static void
rules_anchor(const struct rules *r, uint32_t node, struct rules_vec *v)
{
	const struct rules_node	*nd = &r->r_nodes[node];
	uint32_t		 i, best = RULES_NONE, kid, c, cost;

	switch (nd->rn_kind) {
	case RN_WORD:
	case RN_PREFIX:
		*(uint32_t *)rules_vec_push(v, sizeof(uint32_t)) = nd->rn_arg;
		break;
	case RN_PHRASE:
		for (i = 0, cost = RULES_NOCOST; i < nd->rn_n; i++) {
			kid = r->r_kids[nd->rn_arg + i];
			if ((c = rules_term_cost(r, kid)) < cost) {
				cost = c;
				best = kid;
			}
		}
		*(uint32_t *)rules_vec_push(v, sizeof(uint32_t)) = best;
		break;
	case RN_OR:
		for (i = 0; i < nd->rn_n; i++)
			rules_anchor(r, r->r_kids[nd->rn_arg + i], v);
		break;
	case RN_AND:
	case RN_NEAR:
		for (i = 0, cost = RULES_NOCOST; i < nd->rn_n; i++) {
			kid = r->r_kids[nd->rn_arg + i];
			if ((c = rules_cost(r, kid)) < cost) {
				cost = c;
				best = kid;
			}
		}
		if (best != RULES_NONE)
			rules_anchor(r, best, v);
		break;
	default:
		break;
	}
}

/*
 * (Re)builds the lists of rules by anchor term (CSR arrays) and of rules
 * without an anchor.  rules_match() calls it again as it learns which
 * words are common, so that "troop* AND canada" comes to hang on troop*
 * in a feed where every item says Canada.
 */
void
rules_index(struct rules *r)
{
	struct rules_vec	 anchors = { 0 };
	struct rules_term	*t;
	uint32_t		*first, *terms;
	size_t			 i, j, n;

	free(r->r_post);
	free(r->r_always);
	r->r_always = xreallocarray(NULL, r->r_nrules, sizeof(uint32_t));
	r->r_nalways = 0;
	first = xreallocarray(NULL, r->r_nrules + 1, sizeof(*first));
	for (i = 0; i < r->r_nterms; i++)
		r->r_terms[i].rt_npost = 0;
	for (i = 0; i < r->r_nrules; i++) {
		first[i] = (uint32_t)anchors.v_n;
		if (r->r_nodes[r->r_rules[i].ru_root].rn_cost == RULES_NOCOST)
			r->r_always[r->r_nalways++] = (uint32_t)i;
		else
			rules_anchor(r, r->r_rules[i].ru_root, &anchors);
	}
	first[r->r_nrules] = (uint32_t)anchors.v_n;
	terms = anchors.v_p;
	for (i = 0; i < anchors.v_n; i++)
		r->r_terms[terms[i]].rt_npost++;
	for (i = 0, n = 0; i < r->r_nterms; i++) {
		r->r_terms[i].rt_post = (uint32_t)n;
		n += r->r_terms[i].rt_npost;
		r->r_terms[i].rt_npost = 0;
	}
	r->r_post = xreallocarray(NULL, n, sizeof(*r->r_post));
	for (i = 0; i < r->r_nrules; i++)
		for (j = first[i]; j < first[i + 1]; j++) {
			t = &r->r_terms[terms[j]];
			r->r_post[t->rt_post + t->rt_npost++] = (uint32_t)i;
		}
	free(first);
	rules_vec_free(&anchors);
}

void
rules_finish(struct rules *r)
{
	size_t	i, len;
	uint8_t	seen[RULES_MAXPLEN + 1];

	if (r->r_nrules > 1)
		qsort(r->r_rules, r->r_nrules, sizeof(*r->r_rules),
		    rules_rule_cmp);
	free(r->r_rstamp);
	r->r_rstamp = xcalloc(r->r_nrules, sizeof(*r->r_rstamp));
	for (i = 0; i < r->r_nterms; i++)
		r->r_terms[i].rt_stamp = 0;
	r->r_gen = 0;
	rules_index(r);
	/* The lengths rules_match() must try as prefixes of each word. */
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < r->r_nterms; i++)
		if (r->r_terms[i].rt_prefix)
			seen[r->r_terms[i].rt_len] = 1;
	/* About 8 bits a term: one lookup in 8 of a word no rule has. */
	free(r->r_bloom);
	for (len = 64; len < r->r_nterms * 8; len *= 2)
		;
	r->r_bloom = xcalloc(len / 64, sizeof(*r->r_bloom));
	r->r_bloommask = len / 64 - 1;
	for (i = 0; i < r->r_nterms; i++) {
		uint64_t h = r->r_terms[i].rt_hash;

		r->r_bloom[(h >> 38) & r->r_bloommask] |= 1ULL << (h >> 32 & 63);
	}
	free(r->r_plens);
	r->r_plens = xreallocarray(NULL, RULES_MAXPLEN + 1, sizeof(uint16_t));
	r->r_nplens = 0;
	for (len = 1; len <= RULES_MAXPLEN; len++)
		if (seen[len])
			r->r_plens[r->r_nplens++] = (uint16_t)len;
	r->r_finished = 1;
}
