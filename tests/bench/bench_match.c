/*
 * bench_match.c: the matcher alone, for `make bench` (issue 5).
 *
 *   bench_match RULES FEED
 *
 * RULES holds one rule per line (gen_rules.py's rules_K.txt), each its own
 * watchlist, compiled as the daemon compiles them.  FEED is streamed
 * through the daemon's parser twice per round: once handing items to
 * nothing (the parse alone), once filling the match document and matching
 * every rule as poller_item_cb() does.  The matching cost is the
 * difference, median of the rounds, in CPU time of this process.  What
 * the whole daemon adds around it (state, alerts' JSON, delivery) is in
 * the `--once` figures of the bench, not here.
 *
 * Prints one line of key=value pairs; peak RSS is the whole process's
 * (rules, parser and documents together).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "feed.h"
#include "poller.h"
#include "rules.h"
#include "util.h"

#define ROUNDS	5

struct bench {
	struct rules		*b_rules;
	struct rules_doc	*b_doc;
	int			 b_match;
	size_t			 b_items;
	size_t			 b_hits;
	size_t			 b_words;
};

static double
bench_cpu(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
bench_hit(void *arg, unsigned wl, const char *const *words, size_t nwords)
{
	struct bench	*b = arg;

	(void)wl;
	(void)words;
	b->b_hits++;
	b->b_words += nwords;
}

static void
bench_item(void *arg, const struct feed_item *it)
{
	struct bench	*b = arg;

	b->b_items++;
	if (!b->b_match)
		return;
	free(poller_doc_fill(b->b_doc, it));
	rules_match(b->b_rules, b->b_doc, bench_hit, b);
}

/* One pass over the feed; its CPU seconds. */
static double
bench_pass(struct bench *b, const char *path, int match)
{
	struct feed_parser	*fp;
	FILE			*f;
	char			 buf[65536], err[256];
	size_t			 n;
	double			 t0 = bench_cpu();

	if ((f = fopen(path, "rb")) == NULL) {
		perror(path);
		exit(1);
	}
	b->b_match = match;
	b->b_items = b->b_hits = b->b_words = 0;
	fp = feed_parser_new(NULL, NULL, bench_item, b);
	feed_parser_set_max_items(fp, 0);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (feed_parser_push(fp, buf, n, err, sizeof(err)) == -1)
			break;
	if (feed_parser_finish(fp, err, sizeof(err)) == -1)
		fprintf(stderr, "bench_match: %s: %s\n", path, err);
	feed_parser_free(fp);
	fclose(f);
	return bench_cpu() - t0;
}

static int
bench_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char *argv[])
{
	struct bench	 b;
	struct rusage	 ru;
	FILE		*f;
	char		*line = NULL, err[256];
	size_t		 cap = 0, nrules = 0, i;
	ssize_t		 len;
	double		 t0, compile, parse[ROUNDS], both[ROUNDS], net[ROUNDS];

	if (argc != 3) {
		fprintf(stderr, "usage: bench_match RULES FEED\n");
		return 2;
	}
	memset(&b, 0, sizeof(b));
	if ((f = fopen(argv[1], "r")) == NULL) {
		perror(argv[1]);
		return 1;
	}
	t0 = bench_cpu();
	b.b_rules = rules_new();
	while ((len = getline(&line, &cap, f)) != -1) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		if (rules_add(b.b_rules, (unsigned)nrules, RULES_MATCH, line, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "%s:%zu: %s\n", argv[1], nrules + 1, err);
			return 1;
		}
		nrules++;
	}
	rules_finish(b.b_rules);
	compile = bench_cpu() - t0;
	free(line);
	fclose(f);
	b.b_doc = rules_doc_new();

	for (i = 0; i < ROUNDS; i++) {
		parse[i] = bench_pass(&b, argv[2], 0);
		both[i] = bench_pass(&b, argv[2], 1);
		net[i] = both[i] - parse[i];
	}
	qsort(parse, ROUNDS, sizeof(double), bench_cmp);
	qsort(both, ROUNDS, sizeof(double), bench_cmp);
	qsort(net, ROUNDS, sizeof(double), bench_cmp);
	getrusage(RUSAGE_SELF, &ru);
	printf("rules=%zu items=%zu hits=%zu words=%zu compile_cpu=%.3f "
	    "parse_cpu=%.3f parse_match_cpu=%.3f match_cpu=%.3f "
	    "match_items_per_cpu_s=%.0f maxrss_kib=%ld\n", nrules, b.b_items,
	    b.b_hits, b.b_words, compile, parse[ROUNDS / 2], both[ROUNDS / 2],
	    net[ROUNDS / 2], net[ROUNDS / 2] > 0 ?
	    (double)b.b_items / net[ROUNDS / 2] : 0.0, ru.ru_maxrss);
	rules_doc_free(b.b_doc);
	rules_free(b.b_rules);
	return 0;
}
