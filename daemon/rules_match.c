/*
 * rules_match.c: an item's words (struct rules_doc) against the compiled
 * rules of rules.c.
 *
 * Per item: each distinct word is looked up once as a whole word and once
 * per prefix length that some rule uses; a hit stamps the term and makes
 * the rules anchored on it candidates.  Only candidates (and the few rules
 * without an anchor, such as "NOT x") are evaluated, so an item costs its
 * own words and the rules it shares one with, never the whole rule set.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "rules_int.h"
#include "text.h"
#include "util.h"

/*
 * Words of one item beyond this are ignored: a feed body is at most
 * max_size, but matching must stay bounded whatever the configuration.
 */
#define RULES_DOC_MAXWORDS	200000

struct rules_doc *
rules_doc_new(void)
{
	struct rules_doc	*d;

	d = xcalloc(1, sizeof(*d));
	sbuf_init(&d->d_fold);
	sbuf_init(&d->d_orig);
	return d;
}

void
rules_doc_free(struct rules_doc *d)
{
	if (d == NULL)
		return;
	sbuf_free(&d->d_fold);
	sbuf_free(&d->d_orig);
	free(d->d_words);
	free(d->d_dist);
	free(d->d_tab);
	free(d);
}

/* Keeps every buffer: the next item reuses them. */
void
rules_doc_reset(struct rules_doc *d)
{
	size_t	i;

	for (i = 0; i < d->d_ndist; i++)
		d->d_tab[d->d_dist[i].ds_slot] = 0;
	d->d_ndist = 0;
	d->d_nwords = 0;
	d->d_seg = 0;
	sbuf_reset(&d->d_fold);
	sbuf_reset(&d->d_orig);
}

static void
rules_doc_grow(struct rules_doc *d)
{
	size_t	i, j, mask;

	free(d->d_tab);
	d->d_tabcap = d->d_tabcap ? d->d_tabcap * 2 : 512;
	d->d_tab = xcalloc(d->d_tabcap, sizeof(*d->d_tab));
	mask = d->d_tabcap - 1;
	for (i = 0; i < d->d_ndist; i++) {
		for (j = d->d_dist[i].ds_hash & mask; d->d_tab[j] != 0;
		    j = (j + 1) & mask)
			;
		d->d_tab[j] = (uint32_t)i + 1;
		d->d_dist[i].ds_slot = (uint32_t)j;
	}
}

/* The distinct word of folded form s, added if new. */
static uint32_t
rules_doc_dist(struct rules_doc *d, const char *s, size_t len, uint32_t w)
{
	struct rules_dist	*ds;
	uint64_t		 h = rules_hash_final(rules_hash(s, len), 0);
	size_t			 j, mask, f;
	uint32_t		 id;

	if ((d->d_ndist + 1) * 2 > d->d_tabcap)
		rules_doc_grow(d);
	mask = d->d_tabcap - 1;
	for (j = h & mask; (id = d->d_tab[j]) != 0; j = (j + 1) & mask) {
		ds = &d->d_dist[id - 1];
		if (ds->ds_hash == h && d->d_words[ds->ds_first].dw_flen == len &&
		    memcmp(d->d_fold.sb_buf + d->d_words[ds->ds_first].dw_foff,
		    s, len) == 0)
			return id - 1;
	}
	if (d->d_ndist == d->d_capdist) {
		d->d_capdist = d->d_capdist ? d->d_capdist * 2 : 256;
		d->d_dist = xreallocarray(d->d_dist, d->d_capdist,
		    sizeof(*d->d_dist));
	}
	id = (uint32_t)d->d_ndist++;
	ds = &d->d_dist[id];
	memset(ds, 0, sizeof(*ds));
	ds->ds_hash = h;
	ds->ds_first = ds->ds_last = w;
	for (f = 0; f < RULES_NFIELDS; f++)
		ds->ds_firstf[f] = RULES_NONE;
	ds->ds_slot = (uint32_t)j;
	d->d_tab[j] = id + 1;
	return id;
}

static void
rules_doc_word(void *arg, const char *folded, size_t flen, const char *orig,
    size_t olen)
{
	struct rules_doc	*d = arg;
	struct rules_word	*w;
	struct rules_dist	*ds;
	uint32_t		 wi, di;

	if (d->d_nwords >= RULES_DOC_MAXWORDS)
		return;
	if (d->d_nwords == d->d_capwords) {
		d->d_capwords = d->d_capwords ? d->d_capwords * 2 : 512;
		d->d_words = xreallocarray(d->d_words, d->d_capwords,
		    sizeof(*d->d_words));
	}
	wi = (uint32_t)d->d_nwords++;
	w = &d->d_words[wi];
	w->dw_foff = (uint32_t)d->d_fold.sb_len;
	w->dw_flen = (uint32_t)flen;
	sbuf_add(&d->d_fold, folded, flen);
	w->dw_ooff = (uint32_t)d->d_orig.sb_len;
	sbuf_add(&d->d_orig, orig, olen);
	sbuf_addc(&d->d_orig, '\0');
	w->dw_seg = d->d_seg;
	w->dw_field = d->d_field;
	w->dw_next = RULES_NONE;
	di = rules_doc_dist(d, folded, flen, wi);
	w->dw_dist = di;
	ds = &d->d_dist[di];
	if (ds->ds_first != wi)
		d->d_words[ds->ds_last].dw_next = wi;
	ds->ds_last = wi;
	if (ds->ds_firstf[d->d_field] == RULES_NONE)
		ds->ds_firstf[d->d_field] = wi;
	ds->ds_fields |= 1u << d->d_field;
}

void
rules_doc_add(struct rules_doc *d, enum rules_field field, const char *text,
    size_t len)
{
	if ((unsigned)field >= RULES_NFIELDS)
		return;
	d->d_field = field;
	text_words(text, len, rules_doc_word, d);
	/* A phrase or a NEAR never spans two texts (summary, content). */
	d->d_seg++;
}

/* Records that term t holds distinct word di; new candidates to r_cand. */
static void
rules_hit(struct rules *r, uint32_t t, uint32_t di)
{
	struct rules_term	*tm = &r->r_terms[t];
	struct rules_hit	*h;
	uint32_t		 i, ru;

	if (tm->rt_stamp != r->r_gen) {
		tm->rt_stamp = r->r_gen;
		tm->rt_hits = RULES_NONE;
		if (tm->rt_df < UINT32_MAX)
			tm->rt_df++;
	}
	h = rules_vec_push(&r->r_hits, sizeof(*h));
	h->rh_dist = di;
	h->rh_next = tm->rt_hits;
	tm->rt_hits = (uint32_t)(r->r_hits.v_n - 1);
	for (i = 0; i < tm->rt_npost; i++) {
		ru = r->r_post[tm->rt_post + i];
		if (r->r_rstamp[ru] != r->r_gen) {
			r->r_rstamp[ru] = r->r_gen;
			*(uint32_t *)rules_vec_push(&r->r_cand,
			    sizeof(uint32_t)) = ru;
		}
	}
}

static void
rules_lookup(struct rules *r, const struct rules_doc *d)
{
	const struct rules_word	*w;
	const char		*s;
	uint64_t		 h;
	uint32_t		 t;
	size_t			 di, i, k;

	for (di = 0; di < d->d_ndist; di++) {
		w = &d->d_words[d->d_dist[di].ds_first];
		s = d->d_fold.sb_buf + w->dw_foff;
		t = rules_term_find(r, d->d_dist[di].ds_hash, s, w->dw_flen, 0);
		if (t != RULES_NONE)
			rules_hit(r, t, (uint32_t)di);
		/* One FNV pass yields the hash of every prefix length. */
		h = RULES_FNV_BASIS;
		for (i = 0, k = 0; k < r->r_nplens &&
		    r->r_plens[k] <= w->dw_flen; k++) {
			for (; i < r->r_plens[k]; i++)
				h = rules_hash_step(h, (unsigned char)s[i]);
			t = rules_term_find(r, rules_hash_final(h, 1), s, i, 1);
			if (t != RULES_NONE)
				rules_hit(r, t, (uint32_t)di);
		}
	}
}

/*
 * Word w made a rule true.  The key sorts witnesses in the order the alert
 * lists them: field, then position.
 */
static void
rules_wit(struct rules *r, const struct rules_doc *d, uint32_t w)
{
	*(uint64_t *)rules_vec_push(&r->r_wit, sizeof(uint64_t)) =
	    (uint64_t)d->d_words[w].dw_field << 32 | w;
}

/* Does item word w have the folded form of term t (word or prefix)? */
static int
rules_term_is(const struct rules *r, const struct rules_doc *d, uint32_t t,
    const struct rules_word *w)
{
	const struct rules_term	*tm = &r->r_terms[t];

	if (tm->rt_prefix ? w->dw_flen < tm->rt_len : w->dw_flen != tm->rt_len)
		return 0;
	return memcmp(d->d_fold.sb_buf + w->dw_foff,
	    r->r_strs.sb_buf + tm->rt_off, tm->rt_len) == 0;
}

/* A word or prefix leaf: does one of its words occur in the fields? */
static int
rules_eval_term(struct rules *r, const struct rules_doc *d,
    const struct rules_node *nd, int collect)
{
	const struct rules_term	*tm = &r->r_terms[nd->rn_arg];
	const struct rules_dist	*ds;
	uint32_t		 h, f;
	int			 found = 0;

	if (tm->rt_stamp != r->r_gen)
		return 0;
	for (h = tm->rt_hits; h != RULES_NONE; h = ((struct rules_hit *)
	    r->r_hits.v_p)[h].rh_next) {
		ds = &d->d_dist[((struct rules_hit *)r->r_hits.v_p)[h].rh_dist];
		if ((ds->ds_fields & nd->rn_fields) == 0)
			continue;
		found = 1;
		if (!collect)
			break;
		/* Its first occurrence is the one the alert lists. */
		for (f = 0; f < RULES_NFIELDS; f++)
			if ((nd->rn_fields & (1u << f)) &&
			    ds->ds_firstf[f] != RULES_NONE) {
				rules_wit(r, d, ds->ds_firstf[f]);
				break;
			}
	}
	return found;
}

/*
 * Calls for each occurrence of a phrase (or of a word or prefix: a phrase
 * of one) in the fields: spans to r_spans, witnesses to r_wit.  With
 * neither (spans == 0, collect == 0) it stops at the first.
 */
static int
rules_occur(struct rules *r, const struct rules_doc *d,
    const struct rules_node *nd, int spans, int collect)
{
	const struct rules_term	*tm;
	const struct rules_word	*w;
	const uint32_t		*terms;
	struct rules_span	*sp;
	uint32_t		 h, o, k, n, t0;
	int			 found = 0;

	if (nd->rn_kind == RN_PHRASE) {
		terms = r->r_kids + nd->rn_arg;
		n = nd->rn_n;
	} else {
		terms = &nd->rn_arg;
		n = 1;
	}
	t0 = terms[0];
	tm = &r->r_terms[t0];
	if (tm->rt_stamp != r->r_gen)
		return 0;
	for (h = tm->rt_hits; h != RULES_NONE; h = ((struct rules_hit *)
	    r->r_hits.v_p)[h].rh_next) {
		o = d->d_dist[((struct rules_hit *)r->r_hits.v_p)[h].rh_dist].
		    ds_first;
		for (; o != RULES_NONE; o = d->d_words[o].dw_next) {
			w = &d->d_words[o];
			if ((nd->rn_fields & (1u << w->dw_field)) == 0 ||
			    o + n > d->d_nwords)
				continue;
			for (k = 1; k < n; k++)
				if (d->d_words[o + k].dw_seg != w->dw_seg ||
				    !rules_term_is(r, d, terms[k],
				    &d->d_words[o + k]))
					break;
			if (k < n)
				continue;
			found = 1;
			if (spans) {
				sp = rules_vec_push(&r->r_spans, sizeof(*sp));
				sp->rs_start = o;
				sp->rs_end = o + n - 1;
				sp->rs_seg = w->dw_seg;
			} else if (collect) {
				for (k = 0; k < n; k++)
					rules_wit(r, d, o + k);
			} else
				return 1;
		}
	}
	return found;
}

static void
rules_spans(struct rules *r, const struct rules_doc *d, uint32_t node)
{
	const struct rules_node	*nd = &r->r_nodes[node];
	uint32_t		 i;

	if (nd->rn_kind == RN_OR) {
		for (i = 0; i < nd->rn_n; i++)
			rules_spans(r, d, r->r_kids[nd->rn_arg + i]);
	} else
		rules_occur(r, d, nd, 1, 0);
}

static int
rules_span_cmp(const void *a, const void *b)
{
	const struct rules_span	*x = a, *y = b;

	return x->rs_start < y->rs_start ? -1 : x->rs_start > y->rs_start;
}

static void
rules_span_wit(struct rules *r, const struct rules_doc *d,
    const struct rules_span *s)
{
	uint32_t	i;

	for (i = s->rs_start; i <= s->rs_end; i++)
		rules_wit(r, d, i);
}

/*
 * a NEAR/n b: some span of a and some span of b in one text, apart,
 * with at most n words between them, either order.
 */
static int
rules_eval_near(struct rules *r, const struct rules_doc *d,
    const struct rules_node *nd, int collect)
{
	struct rules_span	*sa, *sb, *x, *y;
	size_t			 na, nb, i, lo, hi, mid, maxb = 0;
	uint32_t		 gap, dist = nd->rn_dist, from;
	int			 found = 0;

	r->r_spans.v_n = 0;
	rules_spans(r, d, r->r_kids[nd->rn_arg]);
	na = r->r_spans.v_n;
	if (na == 0)
		return 0;
	rules_spans(r, d, r->r_kids[nd->rn_arg + 1]);
	nb = r->r_spans.v_n - na;
	if (nb == 0)
		return 0;
	sa = r->r_spans.v_p;
	sb = sa + na;
	if (na > 1)
		qsort(sa, na, sizeof(*sa), rules_span_cmp);
	if (nb > 1)
		qsort(sb, nb, sizeof(*sb), rules_span_cmp);
	for (i = 0; i < nb; i++)
		if (sb[i].rs_end - sb[i].rs_start > maxb)
			maxb = sb[i].rs_end - sb[i].rs_start;
	for (x = sa; x < sa + na; x++) {
		/* The first b that could end within dist before a. */
		from = x->rs_start > dist + 1 + maxb ?
		    x->rs_start - dist - 1 - (uint32_t)maxb : 0;
		for (lo = 0, hi = nb; lo < hi;) {
			mid = (lo + hi) / 2;
			if (sb[mid].rs_start < from)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (y = sb + lo; y < sb + nb &&
		    y->rs_start <= x->rs_end + 1 + dist; y++) {
			if (y->rs_seg != x->rs_seg)
				continue;
			if (y->rs_end < x->rs_start)
				gap = x->rs_start - y->rs_end - 1;
			else if (y->rs_start > x->rs_end)
				gap = y->rs_start - x->rs_end - 1;
			else
				continue;	/* the same words */
			if (gap > dist)
				continue;
			if (!collect)
				return 1;
			found = 1;
			rules_span_wit(r, d, x);
			rules_span_wit(r, d, y);
		}
	}
	return found;
}

/*
 * Is node true of d?  With collect, the words that make it true go to
 * r_wit (every true branch of an OR, none under a NOT); without, the
 * first answer will do.
 */
static int
rules_eval(struct rules *r, const struct rules_doc *d, uint32_t node,
    int collect)
{
	const struct rules_node	*nd = &r->r_nodes[node];
	size_t			 mark = r->r_wit.v_n;
	uint32_t		 i;
	int			 any = 0;

	switch (nd->rn_kind) {
	case RN_WORD:
	case RN_PREFIX:
		return rules_eval_term(r, d, nd, collect);
	case RN_PHRASE:
		return rules_occur(r, d, nd, 0, collect);
	case RN_AND:
		for (i = 0; i < nd->rn_n; i++)
			if (!rules_eval(r, d, r->r_kids[nd->rn_arg + i],
			    collect)) {
				r->r_wit.v_n = mark;
				return 0;
			}
		return 1;
	case RN_OR:
		for (i = 0; i < nd->rn_n; i++)
			if (rules_eval(r, d, r->r_kids[nd->rn_arg + i],
			    collect)) {
				any = 1;
				if (!collect)
					break;
			}
		return any;
	case RN_NOT:
		return !rules_eval(r, d, r->r_kids[nd->rn_arg], 0);
	case RN_NEAR:
		return rules_eval_near(r, d, nd, collect);
	}
	return 0;
}

/*
 * Sorts the candidates by rule (that is, by watchlist): insertion for a
 * few, else radix, 11 bits a pass, as qsort() was a sixth of the time.
 */
static void
rules_sort_cand(struct rules *r)
{
	uint32_t	*a = r->r_cand.v_p, *b, *t, x, cnt[2048];
	size_t		 n = r->r_cand.v_n, i, j, sum, c;
	int		 shift;

	if (n < 48) {
		for (i = 1; i < n; i++) {
			x = a[i];
			for (j = i; j > 0 && a[j - 1] > x; j--)
				a[j] = a[j - 1];
			a[j] = x;
		}
		return;
	}
	if (r->r_tmp.v_cap < n) {
		r->r_tmp.v_cap = r->r_cand.v_cap;
		r->r_tmp.v_p = xreallocarray(r->r_tmp.v_p, r->r_tmp.v_cap,
		    sizeof(uint32_t));
	}
	b = r->r_tmp.v_p;
	for (shift = 0; shift < 33; shift += 11) {
		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < n; i++)
			cnt[(a[i] >> shift) & 2047]++;
		for (i = 0, sum = 0; i < 2048; i++) {
			c = cnt[i];
			cnt[i] = (uint32_t)sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			b[cnt[(a[i] >> shift) & 2047]++] = a[i];
		t = a;
		a = b;
		b = t;
	}
	/* Three passes: the result is in r_tmp's array; swap the two. */
	t = r->r_cand.v_p;
	r->r_cand.v_p = r->r_tmp.v_p;
	r->r_tmp.v_p = t;
	c = r->r_cand.v_cap;
	r->r_cand.v_cap = r->r_tmp.v_cap;
	r->r_tmp.v_cap = c;
}

static int
rules_u64_cmp(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The words of r_wit, each folded form once, first appearance first. */
static size_t
rules_words(struct rules *r, struct rules_doc *d)
{
	uint64_t		*wit = r->r_wit.v_p;
	struct rules_dist	*ds;
	uint32_t		 w;
	size_t			 i;

	if (r->r_wit.v_n > 1)
		qsort(wit, r->r_wit.v_n, sizeof(*wit), rules_u64_cmp);
	if (++r->r_outgen == 0)
		r->r_outgen = 1;
	r->r_out.v_n = 0;
	for (i = 0; i < r->r_wit.v_n; i++) {
		w = (uint32_t)wit[i];
		ds = &d->d_dist[d->d_words[w].dw_dist];
		if (ds->ds_outgen == r->r_outgen)
			continue;
		ds->ds_outgen = r->r_outgen;
		*(const char **)rules_vec_push(&r->r_out, sizeof(char *)) =
		    d->d_orig.sb_buf + d->d_words[w].dw_ooff;
	}
	return r->r_out.v_n;
}

/* Starts a new item: stamps from older items no longer count. */
static void
rules_newgen(struct rules *r)
{
	size_t	i;

	if (++r->r_gen == 0) {
		for (i = 0; i < r->r_nterms; i++)
			r->r_terms[i].rt_stamp = 0;
		memset(r->r_rstamp, 0, r->r_nrules * sizeof(*r->r_rstamp));
		r->r_gen = 1;
	}
	r->r_hits.v_n = 0;
	r->r_cand.v_n = 0;
}

size_t
rules_match(struct rules *r, struct rules_doc *d, rules_hit_cb *cb,
    void *arg)
{
	const struct rules_rule	*ru;
	uint32_t		*cand, wl;
	size_t			 i, j, k, nwl = 0, nw;
	int			 veto, matched;

	if (!r->r_finished)
		rules_finish(r);
	rules_newgen(r);
	rules_lookup(r, d);
	for (i = 0; i < r->r_nalways; i++)
		if (r->r_rstamp[r->r_always[i]] != r->r_gen) {
			r->r_rstamp[r->r_always[i]] = r->r_gen;
			*(uint32_t *)rules_vec_push(&r->r_cand,
			    sizeof(uint32_t)) = r->r_always[i];
		}
	rules_sort_cand(r);
	cand = r->r_cand.v_p;
	for (i = 0; i < r->r_cand.v_n; i = j) {
		wl = r->r_rules[cand[i]].ru_wl;
		for (j = i; j < r->r_cand.v_n &&
		    r->r_rules[cand[j]].ru_wl == wl; j++)
			;
		veto = matched = 0;
		r->r_wit.v_n = 0;
		/* Excludes come first in a watchlist (rules_finish). */
		for (k = i; k < j && !veto; k++) {
			ru = &r->r_rules[cand[k]];
			r->r_evaluated++;
			if (!rules_eval(r, d, ru->ru_root, 0))
				continue;
			if (ru->ru_kind == RULES_EXCLUDE)
				veto = 1;
			else {
				matched = 1;
				rules_eval(r, d, ru->ru_root, 1);
			}
		}
		if (veto || !matched)
			continue;
		nw = rules_words(r, d);
		if (cb != NULL)
			cb(arg, wl, (const char *const *)r->r_out.v_p, nw);
		nwl++;
	}
	/*
	 * Anchors are chosen again, on what items hold, after 256 items,
	 * then after each fourfold: cheap, and soon stable.
	 */
	if (++r->r_items >= r->r_replan) {
		if (r->r_replan > 0)
			rules_index(r);
		r->r_replan = r->r_replan ? r->r_replan * 4 : 256;
	}
	return nwl;
}
