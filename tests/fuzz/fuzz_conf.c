/*
 * fuzz_conf.c: libFuzzer target for the configuration parser (conf.c,
 * conf_set.c, conf_opml.c).
 *
 * First byte even: the rest is a newswatch.conf, parsed with a rule
 * callback as the daemon does; a NULL config must come with at least one
 * "FILE:LINE: message" line, and a config must have no error line.
 * First byte odd: the rest is an OPML document for conf_opml_parse().
 *
 * Inputs that would make the parser read other files (include = GLOB,
 * [opml] file = PATH) are skipped: the fuzzer must not wander the file
 * system.  conf_opml_parse() is fuzzed directly instead.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "conf_int.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
fuzz_rule_cb(void *arg, size_t wl, int exclude, const char *rule, char *err,
    size_t errlen)
{
	(void)arg;
	(void)wl;
	(void)exclude;
	/* Refuse some rules, as rules_add() would, to cover that path. */
	if (strchr(rule, '(') != NULL && strchr(rule, ')') == NULL) {
		util_strlcpy(err, "column 1: expected ')'", errlen);
		return -1;
	}
	return 0;
}

static void
fuzz_opml_cb(void *arg, int line, const char *name, const char *url)
{
	(void)arg;
	if (line < 0 || name == NULL || url == NULL)
		abort();
}

/* Case-insensitive memmem for a lower-case needle. */
static int
fuzz_has(const char *s, size_t n, const char *needle)
{
	size_t	m = strlen(needle), i;

	for (i = 0; i + m <= n; i++)
		if (strncasecmp(s + i, needle, m) == 0)
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	*cfg;
	struct sbuf	 errs;
	const char	*text = (const char *)data + 1;
	size_t		 len, i;
	char		 err[256];
	int		 line = 0;

	if (size < 1)
		return 0;
	len = size - 1;
	if (data[0] & 1) {
		(void)conf_opml_parse(text, len, fuzz_opml_cb, NULL, &line,
		    err, sizeof(err));
		return 0;
	}
	if (fuzz_has(text, len, "include") || fuzz_has(text, len, "opml"))
		return 0;
	sbuf_init(&errs);
	cfg = conf_parse_rules("fuzz.conf", text, len, fuzz_rule_cb, NULL,
	    &errs);
	if (cfg == NULL) {
		if (errs.sb_len == 0 || strncmp(errs.sb_buf, "fuzz.conf", 9) != 0)
			abort();	/* refused without saying where */
	} else {
		if (errs.sb_len != 0)
			abort();	/* accepted with errors */
		/* Walk what came out: every string must be readable. */
		for (i = 0; i < cfg->c_nfeeds; i++)
			if (strlen(cfg->c_feeds[i].cf_name) == (size_t)-1 ||
			    conf_feed_find(cfg, cfg->c_feeds[i].cf_name) == NULL)
				abort();
		for (i = 0; i < cfg->c_nwatchlists; i++)
			(void)conf_watchlist_wants(&cfg->c_watchlists[i], "x");
		for (i = 0; i < cfg->c_nwebhooks; i++)
			if (conf_webhook_find(cfg,
			    cfg->c_webhooks[i].cwh_name) == NULL)
				abort();
		conf_free(cfg);
	}
	sbuf_free(&errs);
	return 0;
}
