/*
 * feed.c: bytes -> items (pure): the parser's life and its input.
 *
 * Pushed bytes go through the input stage (feed_input.c: encoding and
 * repairs) to the tokenizer (feed_xml.c) whose SAX layer (feed_sax.c)
 * builds the items, or, for a JSON Feed, are held for feed_json.c.
 * Field meanings are feedparser's (../shared/conformance/README.md).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "feed.h"
#include "feed_int.h"
#include "util.h"

static void
feed_meta_sync(struct feed_parser *fp)
{
	static const struct { const char *p; int64_t s; } periods[] = {
		{ "hourly", 3600 }, { "daily", 86400 }, { "weekly", 604800 },
		{ "monthly", 2592000 }, { "yearly", 31536000 }
	};
	const char	*per = fp->fp_fv[F_SYPERIOD].fv_str;
	const char	*freq = fp->fp_fv[F_SYFREQ].fv_str;
	long long	 n = 1;
	size_t		 i;

	fp->fp_meta.fm_title = fp->fp_fv[F_TITLE].fv_str;
	fp->fp_meta.fm_link = fp->fp_fv[F_LINK].fv_str;
	if (fp->fp_fv[F_TTL].fv_str != NULL || per == NULL)
		return;
	if (freq != NULL && ((n = strtoll(freq, NULL, 10)) < 1 || n > 100000))
		n = 1;
	for (i = 0; i < sizeof(periods) / sizeof(periods[0]); i++)
		if (strcasecmp(per, periods[i].p) == 0)
			fp->fp_meta.fm_ttl = periods[i].s / n;
}

struct feed_parser *
feed_parser_new(const char *base_url, const char *charset, feed_item_cb *cb,
    void *arg)
{
	struct feed_parser	*fp;

	fp = xcalloc(1, sizeof(*fp));
	fp->fp_url = base_url != NULL ? xstrdup(base_url) : NULL;
	fp->fp_in = feed_input_new(charset);
	fp->fp_cb = cb;
	fp->fp_arg = arg;
	fp->fp_guid_link = 1;
	fp->fp_max_items = FEED_MAX_ITEMS;
	sbuf_init(&fp->fp_buf);
	sbuf_init(&fp->fp_json);
	sbuf_init(&fp->fp_text);
	fp->fp_xml = feed_xml_new();
	return fp;
}

void
feed_parser_set_max_items(struct feed_parser *fp, size_t n)
{
	fp->fp_max_items = n;
}

/*
 * Hands what the input stage made of a push to the tokenizer or the
 * JSON; what the tokenizer cannot use yet (a tag cut by the push) stays
 * at the start of fp_buf for the next.
 */
static void
feed_deliver(struct feed_parser *fp, int final)
{
	size_t	len = fp->fp_buf.sb_len, used;

	if (feed_input_json(fp->fp_in)) {
		if (len > FEED_MAX_JSON - fp->fp_json.sb_len)
			feed_fail(fp, "JSON feed too large");
		else
			sbuf_add(&fp->fp_json, fp->fp_buf.sb_buf, len);
		sbuf_reset(&fp->fp_buf);
		return;
	}
	if (len == 0 && !final)
		return;
	used = feed_xml_run(fp, fp->fp_buf.sb_buf, len, final);
	memmove(fp->fp_buf.sb_buf, fp->fp_buf.sb_buf + used, len - used);
	fp->fp_buf.sb_len = len - used;
	fp->fp_buf.sb_buf[fp->fp_buf.sb_len] = '\0';
}

int
feed_parser_push(struct feed_parser *fp, const char *buf, size_t len,
    char *err, size_t errlen)
{
	if (fp->fp_failed)
		return util_err(err, errlen, "%s", fp->fp_err);
	if (fp->fp_done || len == 0)
		return 0;
	feed_input_push(fp->fp_in, buf, len, 0, &fp->fp_buf);
	feed_deliver(fp, 0);
	feed_meta_sync(fp);
	if (fp->fp_failed)
		return util_err(err, errlen, "%s", fp->fp_err);
	return 0;
}

/* The whole JSON Feed, parsed at the end. */
static int
feed_json_finish(struct feed_parser *fp, char *err, size_t errlen)
{
	char	*title = NULL, *link = NULL;

	if (fp->fp_failed)
		return util_err(err, errlen, "%s", fp->fp_err);
	if (feed_json_parse(fp->fp_json.sb_buf, fp->fp_json.sb_len,
	    fp->fp_url, fp->fp_cb, fp->fp_arg, &title, &link, &fp->fp_nitems,
	    err, errlen) == -1)
		return -1;
	feed_val_set(&fp->fp_fv[F_TITLE], title, 3);
	feed_val_set(&fp->fp_fv[F_LINK], link, 3);
	fp->fp_meta.fm_format = "jsonfeed1";
	fp->fp_root = 1;
	feed_meta_sync(fp);
	return 0;
}

int
feed_parser_finish(struct feed_parser *fp, char *err, size_t errlen)
{
	if (!fp->fp_failed && !fp->fp_done) {
		feed_input_push(fp->fp_in, NULL, 0, 1, &fp->fp_buf);
		feed_deliver(fp, 1);
	}
	if (feed_input_json(fp->fp_in))
		return feed_json_finish(fp, err, errlen);
	/* A cut document keeps what it had: the item being read too. */
	if (fp->fp_item_depth && !fp->fp_refused) {
		if (fp->fp_field != F_NONE)
			feed_field_end(fp);
		if (fp->fp_author_depth)
			feed_author_flush(fp);
		fp->fp_item_depth = 0;
		feed_item_end(fp);
	}
	feed_meta_sync(fp);
	if (fp->fp_refused)
		return util_err(err, errlen, "document declares entities");
	if (!fp->fp_root)
		return util_err(err, errlen, "%s", fp->fp_failed ? fp->fp_err :
		    "not a feed");
	return 0;
}

const struct feed_meta *
feed_parser_meta(const struct feed_parser *fp)
{
	return &fp->fp_meta;
}

size_t
feed_parser_nitems(const struct feed_parser *fp)
{
	return fp->fp_nitems;
}

void
feed_parser_free(struct feed_parser *fp)
{
	size_t	i;

	if (fp == NULL)
		return;
	feed_xml_free(fp->fp_xml);
	feed_item_reset(fp);
	for (i = 0; i <= F_AEMAIL; i++)
		free(fp->fp_fv[i].fv_str);
	for (i = 0; i < FEED_MAX_DEPTH; i++)
		free(fp->fp_base[i]);
	feed_input_free(fp->fp_in);
	sbuf_free(&fp->fp_buf);
	sbuf_free(&fp->fp_json);
	sbuf_free(&fp->fp_text);
	free(fp->fp_url);
	free(fp->fp_rootns);
	free(fp);
}
