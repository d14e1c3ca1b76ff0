/*
 * feed_json.c: JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/)
 * -> the same items as an XML feed (pure).
 *
 * jansson reads a document whole, so feed.c holds a JSON Feed until its
 * end (bounded by the caller's max_size and FEED_MAX_JSON) and hands it
 * over here.  Fields map to feedparser's meanings as the XML ones do:
 * content_html is sanitized HTML, content_text and summary are text
 * escaped as HTML (summary and content always carry HTML).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "date.h"
#include "feed.h"
#include "feed_int.h"
#include "html.h"
#include "util.h"

static const char *
feed_json_str(const json_t *o, const char *key)
{
	json_t	*v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Cuts s at FEED_MAX_FIELD bytes, on a UTF-8 boundary. */
static char *
feed_json_cut(char *s)
{
	size_t	len = strlen(s);

	if (len > FEED_MAX_FIELD) {
		len = FEED_MAX_FIELD;
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
		s[len] = '\0';
	}
	return s;
}

static char *
feed_json_text(const char *s)
{
	return s != NULL ? feed_json_cut(feed_trim(xstrdup(s))) : NULL;
}

/* Text as HTML: what matters to HTML is escaped. */
static char *
feed_json_escape(const char *s)
{
	struct sbuf	sb;

	if (s == NULL)
		return NULL;
	sbuf_init(&sb);
	html_escape(&sb, s);
	return feed_json_cut(feed_trim(sb.sb_buf));
}

static char *
feed_json_html(const char *s, const char *base)
{
	if (s == NULL)
		return NULL;
	return feed_json_cut(feed_trim(html_sanitize(s, strlen(s), base)));
}

/* An id is a string in 1.1; 1.0 feeds in the wild also use numbers. */
static char *
feed_json_id(const json_t *item)
{
	json_t	*v = json_object_get(item, "id");

	if (json_is_string(v))
		return feed_json_text(json_string_value(v));
	if (json_is_integer(v))
		return xasprintf("%lld", (long long)json_integer_value(v));
	if (json_is_real(v))
		return xasprintf("%.17g", json_real_value(v));
	return NULL;
}

/* 1.1 "authors" (the first with a name), else 1.0 "author". */
static char *
feed_json_author(const json_t *item)
{
	json_t		*a;
	const char	*name;
	size_t		 i;

	a = json_object_get(item, "authors");
	for (i = 0; json_is_array(a) && i < json_array_size(a); i++)
		if ((name = feed_json_str(json_array_get(a, i), "name")) != NULL &&
		    *name != '\0')
			return feed_json_text(name);
	a = json_object_get(item, "author");
	if ((name = feed_json_str(a, "name")) != NULL && *name != '\0')
		return feed_json_text(name);
	return NULL;
}

static char *
feed_json_link(const json_t *item, const char *key, const char *base)
{
	const char	*u = feed_json_str(item, key);
	char		*t, *r;

	if (u == NULL)
		return NULL;
	t = feed_trim(xstrdup(u));
	if (*t == '\0') {
		free(t);
		return NULL;
	}
	r = html_resolve(t, base);
	free(t);
	return feed_json_cut(r);
}

static int64_t
feed_json_date(const json_t *item, const char *key)
{
	const char	*d = feed_json_str(item, key);

	return d != NULL ? date_parse(d) : DATE_NONE;
}

static void
feed_json_item(const json_t *item, const char *base, feed_item_cb *cb,
    void *arg)
{
	struct feed_item	 it;
	json_t			*tags;
	char			*cats[FEED_MAX_CATEGORIES];
	const char		*t;
	size_t			 i;

	memset(&it, 0, sizeof(it));
	it.fi_id = feed_json_id(item);
	it.fi_title = feed_json_text(feed_json_str(item, "title"));
	if ((it.fi_link = feed_json_link(item, "url", base)) == NULL)
		it.fi_link = feed_json_link(item, "external_url", base);
	it.fi_author = feed_json_author(item);
	if ((t = feed_json_str(item, "content_html")) != NULL)
		it.fi_content = feed_json_html(t, base);
	else
		it.fi_content = feed_json_escape(feed_json_str(item,
		    "content_text"));
	if ((t = feed_json_str(item, "summary")) != NULL)
		it.fi_summary = feed_json_escape(t);
	else if (it.fi_content != NULL)
		it.fi_summary = xstrdup(it.fi_content);
	it.fi_published = feed_json_date(item, "date_published");
	it.fi_updated = feed_json_date(item, "date_modified");
	tags = json_object_get(item, "tags");
	for (i = 0; json_is_array(tags) && i < json_array_size(tags) &&
	    it.fi_ncategories < FEED_MAX_CATEGORIES; i++) {
		t = json_string_value(json_array_get(tags, i));
		if (t != NULL && *t != '\0')
			cats[it.fi_ncategories++] = feed_json_text(t);
	}
	it.fi_categories = cats;
	if (cb != NULL)
		cb(arg, &it);
	for (i = 0; i < it.fi_ncategories; i++)
		free(cats[i]);
	free(it.fi_id);
	free(it.fi_title);
	free(it.fi_link);
	free(it.fi_author);
	free(it.fi_summary);
	free(it.fi_content);
}

int
feed_json_parse(const char *buf, size_t len, const char *base,
    feed_item_cb *cb, void *arg, char **title, char **link, size_t *nitems,
    char *err, size_t errlen)
{
	json_error_t	 jerr;
	json_t		*root, *items;
	const char	*ver;
	size_t		 i;

	*title = *link = NULL;
	/* Strings with NUL are refused: every field is a C string. */
	if ((root = json_loadb(buf, len, 0, &jerr)) == NULL)
		return util_err(err, errlen, "JSON line %d: %s", jerr.line,
		    jerr.text);
	items = json_object_get(root, "items");
	ver = feed_json_str(root, "version");
	/* Any other JSON (an API's error answer) is no feed. */
	if (!json_is_array(items) && (ver == NULL ||
	    strncmp(ver, "https://jsonfeed.org/version/", 29) != 0)) {
		json_decref(root);
		return util_err(err, errlen, "not a feed: JSON without items");
	}
	*title = feed_json_text(feed_json_str(root, "title"));
	*link = feed_json_link(root, "home_page_url", base);
	for (i = 0; json_is_array(items) && i < json_array_size(items) &&
	    *nitems < FEED_MAX_ITEMS; i++) {
		if (!json_is_object(json_array_get(items, i)))
			continue;
		feed_json_item(json_array_get(items, i), base, cb, arg);
		(*nitems)++;
	}
	json_decref(root);
	return 0;
}
