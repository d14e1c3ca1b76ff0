/*
 * rules_int.h: what rules.c (parser, index) and rules_match.c (documents,
 * evaluation) share.  Private to those two files.
 */
#ifndef NEWSWATCH_RULES_INT_H
#define NEWSWATCH_RULES_INT_H

#include <stddef.h>
#include <stdint.h>

#include "rules.h"
#include "util.h"

#define RULES_NONE	UINT32_MAX
#define RULES_ALLFIELDS	((1u << RULES_NFIELDS) - 1)
/* No anchor: the rule is checked on every item. */
#define RULES_NOCOST	UINT32_MAX
#define RULES_MAXPLEN	1024	/* bytes of a folded prefix */

enum rules_nkind {
	RN_WORD,		/* rn_arg: term */
	RN_PREFIX,		/* rn_arg: term */
	RN_PHRASE,		/* r_kids[rn_arg … +rn_n]: terms */
	RN_AND,			/* r_kids[rn_arg … +rn_n]: nodes */
	RN_OR,
	RN_NOT,			/* one kid */
	RN_NEAR			/* two kids, rn_dist */
};

struct rules_node {
	uint8_t		rn_kind;
	uint8_t		rn_fields;	/* bit (1 << enum rules_field) */
	uint16_t	rn_n;
	uint32_t	rn_arg;
	uint32_t	rn_dist;
	uint32_t	rn_cost;	/* of its cheapest anchor set */
};

/* A word or prefix of some rule, interned: one per distinct string. */
struct rules_term {
	uint64_t	rt_hash;
	uint32_t	rt_off;		/* in r_strs */
	uint32_t	rt_len;
	uint32_t	rt_prefix;
	uint32_t	rt_post;	/* r_post[rt_post … +rt_npost]: rules */
	uint32_t	rt_npost;
	uint32_t	rt_stamp;	/* == r_gen: the item has it … */
	uint32_t	rt_hits;	/* … in these distinct words (r_hits) */
	uint32_t	rt_df;		/* items that held it, of r_items */
};

struct rules_rule {
	uint32_t	ru_root;
	uint32_t	ru_wl;
	uint32_t	ru_kind;
	uint32_t	ru_seq;		/* order of rules_add */
};

/* One distinct item word that a term is in (a list per term). */
struct rules_hit {
	uint32_t	rh_dist;
	uint32_t	rh_next;
};

/* A run of item words [rs_start, rs_end] for NEAR. */
struct rules_span {
	uint32_t	rs_start;
	uint32_t	rs_end;
	uint32_t	rs_seg;
};

/* A growable array of elements of one size. */
struct rules_vec {
	void	*v_p;
	size_t	 v_n;
	size_t	 v_cap;
};

struct rules {
	struct rules_node	*r_nodes;
	size_t			 r_nnodes, r_capnodes;
	uint32_t		*r_kids;
	size_t			 r_nkids, r_capkids;
	struct rules_term	*r_terms;
	size_t			 r_nterms, r_capterms;
	struct sbuf		 r_strs;
	uint64_t		*r_tab;		/* hash >> 32, id + 1; 0 empty */
	size_t			 r_tabcap;
	struct rules_rule	*r_rules;
	size_t			 r_nrules, r_caprules;
	int			 r_finished;

	/* The index, built by rules_finish(). */
	uint32_t		*r_post;
	uint32_t		*r_always;
	size_t			 r_nalways;
	uint64_t		*r_bloom;	/* a bit per term hash */
	size_t			 r_bloommask;
	uint16_t		*r_plens;	/* prefix lengths, increasing */
	size_t			 r_nplens;

	/* Scratch of rules_match(), kept between items. */
	uint32_t		 r_gen;
	uint32_t		*r_rstamp;	/* per rule: == r_gen if candidate */
	struct rules_vec	 r_hits;	/* struct rules_hit */
	struct rules_vec	 r_cand;	/* uint32_t rule */
	struct rules_vec	 r_tmp;		/* uint32_t, to sort r_cand */
	struct rules_vec	 r_wit;		/* uint64_t field << 32 | item word */
	struct rules_vec	 r_spans;	/* struct rules_span */
	struct rules_vec	 r_out;		/* const char * */
	uint32_t		 r_outgen;
	size_t			 r_evaluated;
	uint64_t		 r_items;	/* matched so far */
	uint64_t		 r_replan;	/* rules_index() again after */
};

/* One word of an item. */
struct rules_word {
	uint32_t	dw_foff;	/* folded, in d_fold */
	uint32_t	dw_flen;
	uint32_t	dw_ooff;	/* as written, NUL-terminated, in d_orig */
	uint32_t	dw_seg;		/* rules_doc_add() call it came from */
	uint32_t	dw_dist;
	uint32_t	dw_next;	/* next word with the same folded form */
	uint32_t	dw_field;
};

/* One distinct folded word of an item. */
struct rules_dist {
	uint64_t	ds_hash;
	uint32_t	ds_first;	/* first and last in d_words */
	uint32_t	ds_last;
	uint32_t	ds_firstf[RULES_NFIELDS];
	uint32_t	ds_slot;	/* in d_tab, to clear it */
	uint32_t	ds_fields;	/* fields it occurs in */
	uint32_t	ds_outgen;
};

struct rules_doc {
	struct sbuf		 d_fold;
	struct sbuf		 d_orig;
	struct rules_word	*d_words;
	size_t			 d_nwords, d_capwords;
	struct rules_dist	*d_dist;
	size_t			 d_ndist, d_capdist;
	uint32_t		*d_tab;		/* dist id + 1; 0 empty */
	size_t			 d_tabcap;
	uint32_t		 d_seg;
	enum rules_field	 d_field;	/* of the rules_doc_add() running */
};

void	*rules_vec_push(struct rules_vec *, size_t);
void	 rules_vec_free(struct rules_vec *);
uint64_t rules_hash(const char *, size_t);
uint64_t rules_hash_step(uint64_t, unsigned char);
uint64_t rules_hash_final(uint64_t, int);
void	 rules_index(struct rules *);
/* What anchoring a rule on a term costs (rules_index.c). */
uint32_t rules_term_cost(const struct rules *, uint32_t);
uint32_t rules_term_find(const struct rules *, uint64_t, const char *,
	    size_t, int);

#define RULES_FNV_BASIS	0xcbf29ce484222325ULL

#endif
