/*
 * conf.c: newswatch.conf -> struct config (pure: no logging, no exit).
 *
 * The format is INI with git-style subsections (interface.md):
 *
 *	[daemon]			global settings
 *	[feed "NAME"]			one feed
 *	[watchlist "NAME"]		rules and where their alerts go
 *	[webhook "NAME"]		one webhook sink
 *	[opml]				feeds from an OPML file
 *
 * `include = GLOB` in [daemon] reads more files (feeds, watchlists,
 * webhooks, OPML) at that point, in sorted order; every file read is kept
 * in c_files so that an error, or a feed, names the file it came from.
 *
 * Errors are collected with their line and emitted sorted by line at the
 * end, so a user sees every problem at once and in file order, even those
 * found only once the whole file is read (a watchlist naming a feed that
 * is defined further down).  Rules are not compiled here: main.c does it
 * with rules.c, from the text and line kept in struct conf_rule.
 */
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "conf_int.h"
#include "util.h"

/*
 * Refuse what is clearly no configuration file; 100,000 watchlists of a
 * few lines each still fit.
 */
#define CONF_MAX_FILE		(64 * 1024 * 1024)
/* An OPML export of a few thousand feeds is a few MiB. */
#define CONF_MAX_OPML		(16 * 1024 * 1024)
/* Files an include may read, all globs together. */
#define CONF_MAX_FILES		1024

/* The string of a buffer that is done with, which is freed. */
static char *
conf_detach(struct sbuf *sb)
{
	char	*s = xstrndup(sb->sb_buf, sb->sb_len);

	sbuf_free(sb);
	return s;
}

static void conf_verror(struct conf_parser *, size_t, int, const char *,
    va_list) __attribute__((format(printf, 4, 0)));

static void
conf_verror(struct conf_parser *p, size_t file, int line, const char *fmt,
    va_list ap)
{
	struct sbuf	 sb;
	struct conf_err	*e;

	sbuf_init(&sb);
	sbuf_vprintf(&sb, fmt, ap);
	p->cp_errs = xreallocarray(p->cp_errs, p->cp_nerrs + 1,
	    sizeof(*p->cp_errs));
	e = &p->cp_errs[p->cp_nerrs];
	e->ce_file = file;
	e->ce_line = line;
	e->ce_seq = p->cp_nerrs++;
	e->ce_msg = conf_detach(&sb);
}

void
conf_error(struct conf_parser *p, int line, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	conf_verror(p, p->cp_file, line, fmt, ap);
	va_end(ap);
}

void
conf_error_at(struct conf_parser *p, size_t file, int line, const char *fmt,
    ...)
{
	va_list	ap;

	va_start(ap, fmt);
	conf_verror(p, file, line, fmt, ap);
	va_end(ap);
}

static int
conf_err_cmp(const void *a, const void *b)
{
	const struct conf_err	*x = a, *y = b;

	/* Files in the order they were read, each in line order. */
	if (x->ce_file != y->ce_file)
		return x->ce_file < y->ce_file ? -1 : 1;
	if (x->ce_line != y->ce_line)
		return x->ce_line < y->ce_line ? -1 : 1;
	return x->ce_seq < y->ce_seq ? -1 : x->ce_seq > y->ce_seq;
}


static const char *const conf_sect_names[] = {
	[SECT_DAEMON] = "daemon",
	[SECT_FEED] = "feed",
	[SECT_WATCHLIST] = "watchlist",
	[SECT_WEBHOOK] = "webhook",
	[SECT_OPML] = "opml",
};

/* Lines. */

/*
 * Cuts a comment off: '#' or ';' at the start of the line or after a
 * blank, and not inside double quotes, so that URL fragments
 * ("…/feed#top") and quoted phrases of a rule ("a # b") survive.
 */
static void
conf_strip_comment(char *s)
{
	size_t	i;
	int	quoted = 0;

	for (i = 0; s[i] != '\0'; i++) {
		if (quoted && s[i] == '\\' && s[i + 1] != '\0')
			i++;
		else if (s[i] == '"')
			quoted = !quoted;
		else if (!quoted && (s[i] == '#' || s[i] == ';') &&
		    (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t')) {
			s[i] = '\0';
			return;
		}
	}
}

static char *
conf_trim(char *s)
{
	size_t	len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
	    s[len - 1] == '\r'))
		s[--len] = '\0';
	return s;
}

static int
conf_is_name(const char *s, size_t len)
{
	size_t	i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' &&
		    s[i] != '-')
			return 0;
	return 1;
}

/*
 * A double-quoted string at s (s[0] == '"'), with \" and \\ escapes, into
 * a new string; *end points past the closing quote.  NULL if unterminated.
 */
static char *
conf_unquote(const char *s, const char **end)
{
	struct sbuf	sb;

	sbuf_init(&sb);
	for (s++; *s != '\0' && *s != '"'; s++) {
		if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
			s++;
		sbuf_addc(&sb, *s);
	}
	if (*s != '"') {
		sbuf_free(&sb);
		return NULL;
	}
	*end = s + 1;
	return conf_detach(&sb);
}

/* A section name users write in other keys: no blank, comma or quote. */
static int
conf_name_valid(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f || *s == ',' ||
		    *s == '"' || *s == '\\')
			return 0;
	return 1;
}

/*
 * Section names -> their index, by open addressing.  Tens of thousands of
 * feeds and watchlists are normal: duplicate checks and lookups by name
 * (the poller asks for a feed at every poll) must not scan them all.
 */
struct conf_slot {
	const char	*cs_name;	/* borrowed from the config; NULL: free */
	enum conf_sect	 cs_sect;
	size_t		 cs_idx;
};

struct conf_index {
	struct conf_slot *ci_slots;
	size_t		 ci_cap;	/* a power of two */
	size_t		 ci_n;
};

static size_t
conf_index_hash(enum conf_sect sect, const char *s)
{
	uint64_t	h = 14695981039346656037ull ^ (uint64_t)sect;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (size_t)h;
}

static struct conf_slot *
conf_index_slot(const struct conf_index *ix, enum conf_sect sect,
    const char *name)
{
	size_t	i = conf_index_hash(sect, name) & (ix->ci_cap - 1);

	while (ix->ci_slots[i].cs_name != NULL &&
	    (ix->ci_slots[i].cs_sect != sect ||
	    strcmp(ix->ci_slots[i].cs_name, name) != 0))
		i = (i + 1) & (ix->ci_cap - 1);
	return &ix->ci_slots[i];
}

static void
conf_index_add(struct config *c, enum conf_sect sect, const char *name,
    size_t idx)
{
	struct conf_index	*ix;
	struct conf_slot	*old, *sl;
	size_t			 i, ocap;

	if ((ix = c->c_index) == NULL)
		ix = c->c_index = xcalloc(1, sizeof(*ix));
	if (2 * (ix->ci_n + 1) > ix->ci_cap) {
		old = ix->ci_slots;
		ocap = ix->ci_cap;
		ix->ci_cap = ocap ? 2 * ocap : 64;
		ix->ci_slots = xcalloc(ix->ci_cap, sizeof(*ix->ci_slots));
		for (i = 0; i < ocap; i++)
			if (old[i].cs_name != NULL)
				*conf_index_slot(ix, old[i].cs_sect,
				    old[i].cs_name) = old[i];
		free(old);
	}
	sl = conf_index_slot(ix, sect, name);
	if (sl->cs_name == NULL)
		ix->ci_n++;
	sl->cs_name = name;
	sl->cs_sect = sect;
	sl->cs_idx = idx;
}

/* The index of a section by name, or -1. */
static long
conf_index_find(const struct config *c, enum conf_sect sect,
    const char *name)
{
	const struct conf_slot	*sl;

	if (c->c_index == NULL)
		return -1;
	sl = conf_index_slot(c->c_index, sect, name);
	return sl->cs_name != NULL ? (long)sl->cs_idx : -1;
}

/*
 * Where an earlier section of that type and name is, "line N" in the file
 * being read or "FILE:N" in another, to free; NULL if there is none.
 */
static char *
conf_defined(const struct conf_parser *p, enum conf_sect sect,
    const char *name)
{
	const struct config	*c = p->cp_conf;
	size_t			 file = 0;
	int			 line = 0;
	long			 i;

	if ((i = conf_index_find(c, sect, name)) >= 0) {
		switch (sect) {
		case SECT_FEED:
			line = c->c_feeds[i].cf_line;
			file = c->c_feeds[i].cf_file;
			break;
		case SECT_WATCHLIST:
			line = c->c_watchlists[i].cw_line;
			file = c->c_watchlists[i].cw_file;
			break;
		case SECT_WEBHOOK:
			line = c->c_webhooks[i].cwh_line;
			file = c->c_webhooks[i].cwh_file;
			break;
		default:
			break;
		}
	}
	if (line == 0)
		return NULL;
	if (file == p->cp_file)
		return xasprintf("line %d", line);
	return xasprintf("%s:%d", c->c_files[file], line);
}

/* Opens a named section; takes name. */
static void
conf_open(struct conf_parser *p, enum conf_sect sect, char *name)
{
	struct config		*c = p->cp_conf;
	struct conf_feed	*f;
	struct conf_watchlist	*w;
	struct conf_webhook	*h;
	const char		*type = conf_sect_names[sect];
	char			*prev;

	if (!conf_name_valid(name)) {
		conf_error(p, p->cp_line, "bad %s name \"%s\": it must not be "
		    "empty or have blanks, commas, quotes or backslashes",
		    type, name);
		goto skip;
	}
	if ((prev = conf_defined(p, sect, name)) != NULL) {
		conf_error(p, p->cp_line, "%s '%s' is already defined at %s",
		    type, name, prev);
		free(prev);
		goto skip;
	}
	switch (sect) {
	case SECT_FEED:
		c->c_feeds = xreallocarray(c->c_feeds, c->c_nfeeds + 1,
		    sizeof(*c->c_feeds));
		f = &c->c_feeds[c->c_nfeeds++];
		memset(f, 0, sizeof(*f));
		f->cf_name = name;
		conf_index_add(c, sect, name, c->c_nfeeds - 1);
		f->cf_line = p->cp_line;
		f->cf_file = p->cp_file;
		break;
	case SECT_WATCHLIST:
		c->c_watchlists = xreallocarray(c->c_watchlists,
		    c->c_nwatchlists + 1, sizeof(*c->c_watchlists));
		p->cp_wlines = xreallocarray(p->cp_wlines,
		    c->c_nwatchlists + 1, sizeof(*p->cp_wlines));
		memset(&p->cp_wlines[c->c_nwatchlists], 0,
		    sizeof(*p->cp_wlines));
		w = &c->c_watchlists[c->c_nwatchlists++];
		memset(w, 0, sizeof(*w));
		w->cw_name = name;
		conf_index_add(c, sect, name, c->c_nwatchlists - 1);
		w->cw_line = p->cp_line;
		w->cw_file = p->cp_file;
		break;
	default:
		/* notify names the built-in sinks and webhooks alike. */
		if (strcmp(name, "syslog") == 0 ||
		    strcmp(name, "stdout") == 0) {
			conf_error(p, p->cp_line, "webhook name '%s' is "
			    "taken by the built-in sink", name);
			goto skip;
		}
		c->c_webhooks = xreallocarray(c->c_webhooks,
		    c->c_nwebhooks + 1, sizeof(*c->c_webhooks));
		h = &c->c_webhooks[c->c_nwebhooks++];
		memset(h, 0, sizeof(*h));
		h->cwh_name = name;
		conf_index_add(c, sect, name, c->c_nwebhooks - 1);
		h->cwh_format = CONF_FORMAT_JSON;
		h->cwh_line = p->cp_line;
		h->cwh_file = p->cp_file;
		break;
	}
	p->cp_sect = sect;
	return;
skip:
	free(name);
}

/* "[type]" or "[type "name"]", comment and blanks already cut. */
static void
conf_section(struct conf_parser *p, const char *s)
{
	const char	*type, *end;
	char		*name = NULL;
	size_t		 tlen;
	enum conf_sect	 sect;

	/* Until a valid header, keys belong to nothing and are not checked. */
	p->cp_sect = SECT_SKIP;
	memset(p->cp_seen, 0, sizeof(p->cp_seen));

	s += 1 + strspn(s + 1, " \t");
	type = s;
	for (tlen = 0; conf_is_name(s + tlen, 1); tlen++)
		;
	s += tlen;
	s += strspn(s, " \t");
	if (*s == '"') {
		if ((name = conf_unquote(s, &end)) == NULL) {
			conf_error(p, p->cp_line,
			    "unterminated section header");
			return;
		}
		s = end + strspn(end, " \t");
	}
	if (*s != ']' || tlen == 0) {
		if (*s == '\0')
			conf_error(p, p->cp_line,
			    "unterminated section header");
		else
			conf_error(p, p->cp_line, "bad section header: "
			    "expected [name] or [name \"subname\"]");
		goto fail;
	}
	s++;
	if (s[strspn(s, " \t")] != '\0') {
		conf_error(p, p->cp_line, "unexpected text after section "
		    "header");
		goto fail;
	}

	for (sect = SECT_DAEMON; sect <= SECT_OPML; sect++)
		if (strlen(conf_sect_names[sect]) == tlen &&
		    strncasecmp(type, conf_sect_names[sect], tlen) == 0)
			break;
	if (sect > SECT_OPML) {
		conf_error(p, p->cp_line, "unknown section '[%.*s]'",
		    (int)tlen, type);
		goto fail;
	}
	if (sect == SECT_DAEMON || sect == SECT_OPML) {
		if (name != NULL) {
			conf_error(p, p->cp_line, "[%s] takes no name",
			    conf_sect_names[sect]);
			goto fail;
		}
		/* Included files add to the lists; settings are in one place. */
		if (sect == SECT_DAEMON && p->cp_file != 0) {
			conf_error(p, p->cp_line, "[daemon] belongs in the main "
			    "file, %s, not in an included one",
			    p->cp_conf->c_files[0]);
			goto fail;
		}
		p->cp_sect = sect;
		return;
	}
	if (name == NULL) {
		conf_error(p, p->cp_line, "[%s] needs a name: [%s \"NAME\"]",
		    conf_sect_names[sect], conf_sect_names[sect]);
		return;
	}
	conf_open(p, sect, name);
	return;
fail:
	free(name);
}

/* "key = value", comment and blanks already cut. */
static void
conf_keyval(struct conf_parser *p, char *s)
{
	const struct conf_key	*k;
	char			*eq, *key, *val, *unq = NULL;
	const char		*end;
	int			*seen;
	size_t			 i;

	if ((eq = strchr(s, '=')) == NULL) {
		conf_error(p, p->cp_line, "expected 'key = value', "
		    "found no '='");
		return;
	}
	*eq = '\0';
	key = conf_trim(s);
	val = conf_trim(eq + 1);
	if (!conf_is_name(key, strlen(key))) {
		conf_error(p, p->cp_line, *key == '\0' ? "missing key before "
		    "'='" : "bad key '%s'", key);
		return;
	}
	if (p->cp_sect == SECT_NONE) {
		conf_error(p, p->cp_line, "'%s' is outside any section: put "
		    "it under [daemon], [feed \"…\"], [watchlist \"…\"], "
		    "[webhook \"…\"] or [opml]", key);
		return;
	}
	if (p->cp_sect == SECT_SKIP)
		return;

	for (i = 0; i < conf_nkeys; i++)
		if (conf_keys[i].ck_sect == p->cp_sect &&
		    strcasecmp(conf_keys[i].ck_name, key) == 0)
			break;
	if (i == conf_nkeys) {
		conf_error(p, p->cp_line, "unknown key '%s' in [%s]", key,
		    conf_sect_names[p->cp_sect]);
		return;
	}
	k = &conf_keys[i];
	seen = p->cp_sect == SECT_DAEMON ? p->cp_dseen : p->cp_seen;
	if (!k->ck_repeat && seen[i] != 0) {
		conf_error(p, p->cp_line, "'%s' is already set at line %d",
		    k->ck_name, seen[i]);
		return;
	}
	seen[i] = p->cp_line;

	/* A quoted value loses its quotes, except a rule's: they are syntax. */
	if (!k->ck_raw && *val == '"') {
		if ((unq = conf_unquote(val, &end)) == NULL ||
		    end[strspn(end, " \t")] != '\0') {
			conf_error(p, p->cp_line, "'%s': bad quoting",
			    k->ck_name);
			free(unq);
			return;
		}
		val = unq;
	}
	if (*val == '\0')
		conf_error(p, p->cp_line, "'%s' needs a value", k->ck_name);
	else
		k->ck_set(p, k->ck_name, val);
	free(unq);
}

static void
conf_line(struct conf_parser *p, char *line)
{
	char	*s;

	conf_strip_comment(line);
	s = conf_trim(line);
	if (*s == '\0')
		return;
	if (*s == '[')
		conf_section(p, s);
	else
		conf_keyval(p, s);
}

static int
conf_sink_exists(const struct config *c, const char *name)
{
	return strcmp(name, "syslog") == 0 || strcmp(name, "stdout") == 0 ||
	    conf_webhook_find(c, name) != NULL;
}

/* What can only be checked, or defaulted, once the whole file is read. */
static void
conf_finish(struct conf_parser *p)
{
	struct config		*c = p->cp_conf;
	struct conf_watchlist	*w;
	size_t			 i, j;

	for (i = 0; i < c->c_nfeeds; i++) {
		if (c->c_feeds[i].cf_url == NULL)
			conf_error_at(p, c->c_feeds[i].cf_file,
			    c->c_feeds[i].cf_line, "feed '%s' has no url",
			    c->c_feeds[i].cf_name);
		if (c->c_feeds[i].cf_interval == 0)
			c->c_feeds[i].cf_interval = c->c_interval;
	}
	for (i = 0; i < c->c_nwebhooks; i++)
		if (c->c_webhooks[i].cwh_url == NULL)
			conf_error_at(p, c->c_webhooks[i].cwh_file,
			    c->c_webhooks[i].cwh_line, "webhook '%s' has no url",
			    c->c_webhooks[i].cwh_name);
	for (i = 0; i < c->c_nwatchlists; i++) {
		w = &c->c_watchlists[i];
		if (w->cw_nmatch == 0)
			conf_error_at(p, w->cw_file, w->cw_line, "watchlist "
			    "'%s' has no match line", w->cw_name);
		for (j = 0; j < w->cw_nfeeds; j++)
			if (conf_feed_find(c, w->cw_feeds[j]) == NULL)
				conf_error_at(p, w->cw_file,
				    p->cp_wlines[i].wl_feeds,
				    "watchlist '%s': no feed named '%s'",
				    w->cw_name, w->cw_feeds[j]);
		for (j = 0; j < w->cw_nnotify; j++)
			if (!conf_sink_exists(c, w->cw_notify[j]))
				conf_error_at(p, w->cw_file,
				    p->cp_wlines[i].wl_notify,
				    "watchlist '%s': no sink named '%s' "
				    "(syslog, stdout or a [webhook \"…\"])",
				    w->cw_name, w->cw_notify[j]);
		if (w->cw_nnotify == 0) {
			w->cw_notify = xcalloc(1, sizeof(*w->cw_notify));
			w->cw_notify[0] = xstrdup("syslog");
			w->cw_nnotify = 1;
		}
	}
}

/* Parses the text of file number file (c_files) line by line. */
static void
conf_text(struct conf_parser *p, size_t file, const char *text, size_t len)
{
	const char	*nl;
	size_t		 pos = 0, llen;
	char		*line;

	p->cp_file = file;
	p->cp_line = 0;
	p->cp_sect = SECT_NONE;
	memset(p->cp_seen, 0, sizeof(p->cp_seen));
	/* Editors on some systems start a UTF-8 file with a BOM. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len) {
		nl = memchr(text + pos, '\n', len - pos);
		llen = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
		p->cp_line++;
		if (memchr(text + pos, '\0', llen) != NULL)
			conf_error(p, p->cp_line, "NUL byte in line");
		else {
			line = xstrndup(text + pos, llen);
			conf_line(p, line);
			free(line);
		}
		pos += llen + 1;
	}
}

/*
 * Reads a whole file of at most max bytes into sb: 0, or -1 with why
 * ("cannot open: …") in err.
 */
static int
conf_read(const char *file, size_t max, struct sbuf *sb, char *err,
    size_t errlen)
{
	FILE	*f;
	char	 buf[8192];
	size_t	 n;

	if ((f = fopen(file, "r")) == NULL)
		return util_err(err, errlen, "cannot open: %s",
		    strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (sb->sb_len + n > max)
			break;
		sbuf_add(sb, buf, n);
	}
	if (ferror(f) || n > 0) {
		if (n > 0)
			util_err(err, errlen, "too large (over %zu MiB)",
			    max >> 20);
		else
			util_err(err, errlen, "cannot read: %s",
			    strerror(errno));
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

/* path, relative to the directory of the file being read; to free. */
static char *
conf_path(const struct conf_parser *p, const char *path)
{
	const char	*cur = p->cp_conf->c_files[p->cp_file], *slash;

	if (path[0] == '/' || (slash = strrchr(cur, '/')) == NULL)
		return xstrdup(path);
	return xasprintf("%.*s/%s", (int)(slash - cur), cur, path);
}

/* Adds a file to c_files: its index, or -1 (with an error) if it was read. */
static int
conf_add_file(struct conf_parser *p, const char *path)
{
	struct config	*c = p->cp_conf;
	size_t		 i;

	for (i = 0; i < c->c_nfiles; i++)
		if (strcmp(c->c_files[i], path) == 0) {
			conf_error(p, p->cp_line, "'%s' is read already",
			    path);
			return -1;
		}
	if (c->c_nfiles >= CONF_MAX_FILES) {
		conf_error(p, p->cp_line, "more than %d files", CONF_MAX_FILES);
		return -1;
	}
	c->c_files = xreallocarray(c->c_files, c->c_nfiles + 1,
	    sizeof(*c->c_files));
	c->c_files[c->c_nfiles] = xstrdup(path);
	return (int)c->c_nfiles++;
}

/* A directory that is not there matches nothing; one we cannot read fails. */
static int
conf_glob_err(const char *path, int err)
{
	(void)path;
	return err != ENOENT && err != ENOTDIR;
}

/*
 * include = GLOB: every file it matches, in sorted order, read here as if
 * its lines stood in place of the include line.
 */
void
conf_include(struct conf_parser *p, const char *pattern)
{
	struct sbuf	 sb;
	glob_t		 g;
	char		*path, err[256];
	size_t		 i, file = p->cp_file;
	int		 line = p->cp_line, r, idx;
	enum conf_sect	 sect = p->cp_sect;
	int		 seen[CONF_NKEYS];

	path = conf_path(p, pattern);
	memset(&g, 0, sizeof(g));
	r = glob(path, 0, conf_glob_err, &g);
	if (r == GLOB_NOMATCH) {
		/* An empty conf.d is fine; a file named outright must be. */
		if (strpbrk(pattern, "*?[") == NULL)
			conf_error(p, line, "include '%s': no such file",
			    path);
	} else if (r != 0)
		conf_error(p, line, "include '%s': cannot read the "
		    "directory: %s", path, r == GLOB_NOSPACE ? "out of memory" :
		    strerror(errno));
	memcpy(seen, p->cp_seen, sizeof(seen));
	for (i = 0; r == 0 && i < g.gl_pathc; i++) {
		sbuf_init(&sb);
		if (conf_read(g.gl_pathv[i], CONF_MAX_FILE, &sb, err,
		    sizeof(err)) == -1)
			conf_error(p, line, "include '%s': %s", g.gl_pathv[i],
			    err);
		else if ((idx = conf_add_file(p, g.gl_pathv[i])) != -1)
			conf_text(p, (size_t)idx, sb.sb_buf, sb.sb_len);
		sbuf_free(&sb);
		p->cp_file = file;
		p->cp_line = line;
		p->cp_sect = sect;
	}
	memcpy(p->cp_seen, seen, sizeof(seen));
	globfree(&g);
	free(path);
}

/* A feed of an OPML file. */
static void
conf_opml_feed(void *arg, int line, const char *name, const char *url)
{
	struct conf_parser	*p = arg;
	struct config		*c = p->cp_conf;
	const struct conf_feed	*old;
	struct conf_feed	*f;
	char			*prev;

	p->cp_line = line;
	/* Exports list a feed once per folder it is in: the same is fine. */
	if ((old = conf_feed_find(c, name)) != NULL &&
	    old->cf_url != NULL && strcmp(old->cf_url, url) == 0)
		return;
	if ((prev = conf_defined(p, SECT_FEED, name)) != NULL) {
		conf_error(p, line, "feed '%s' is already defined at %s",
		    name, prev);
		free(prev);
		return;
	}
	if (!conf_url_valid(url, conf_feed_schemes))
		conf_error(p, line, "feed '%s': xmlUrl must be http://, "
		    "https:// or file://, not '%s'", name, url);
	c->c_feeds = xreallocarray(c->c_feeds, c->c_nfeeds + 1,
	    sizeof(*c->c_feeds));
	f = &c->c_feeds[c->c_nfeeds++];
	memset(f, 0, sizeof(*f));
	f->cf_name = xstrdup(name);
	conf_index_add(c, SECT_FEED, f->cf_name, c->c_nfeeds - 1);
	f->cf_url = xstrdup(url);
	f->cf_line = line;
	f->cf_file = p->cp_file;
}

/* [opml] file = PATH: every feed of an OPML file. */
void
conf_opml_load(struct conf_parser *p, const char *file)
{
	struct sbuf	 sb;
	char		*path, err[256];
	size_t		 prev = p->cp_file;
	int		 line = p->cp_line, idx, eline;

	path = conf_path(p, file);
	sbuf_init(&sb);
	if (conf_read(path, CONF_MAX_OPML, &sb, err, sizeof(err)) == -1)
		conf_error(p, line, "opml '%s': %s", path, err);
	else if ((idx = conf_add_file(p, path)) != -1) {
		p->cp_file = (size_t)idx;
		if (conf_opml_parse(sb.sb_buf, sb.sb_len, conf_opml_feed, p,
		    &eline, err, sizeof(err)) == -1)
			conf_error(p, eline, "not OPML: %s", err);
		p->cp_file = prev;
		p->cp_line = line;
	}
	sbuf_free(&sb);
	free(path);
}

struct config *
conf_parse(const char *file, const char *text, size_t len, struct sbuf *errs)
{
	return conf_parse_rules(file, text, len, NULL, NULL, errs);
}

struct config *
conf_parse_rules(const char *file, const char *text, size_t len,
    conf_rule_fn *fn, void *arg, struct sbuf *errs)
{
	struct conf_parser	 p;
	struct config		*c;
	size_t			 i;

	memset(&p, 0, sizeof(p));
	p.cp_rule_fn = fn;
	p.cp_rule_arg = arg;
	p.cp_conf = c = xcalloc(1, sizeof(*c));
	c->c_files = xcalloc(1, sizeof(*c->c_files));
	c->c_files[0] = xstrdup(file);
	c->c_nfiles = 1;
	c->c_file = xstrdup(file);
	c->c_state = xstrdup(CONF_DEFAULT_STATE);
	c->c_interval = CONF_DEFAULT_INTERVAL;
	c->c_concurrency = CONF_DEFAULT_CONCURRENCY;
	c->c_per_host = CONF_DEFAULT_PER_HOST;
	c->c_timeout = CONF_DEFAULT_TIMEOUT;
	c->c_max_size = CONF_DEFAULT_MAX_SIZE;
	c->c_max_age = 0;
	c->c_user_agent = xstrdup(CONF_DEFAULT_USER_AGENT);
	c->c_max_queue_age = CONF_DEFAULT_MAX_QUEUE_AGE;

	conf_text(&p, 0, text, len);
	conf_finish(&p);

	free(p.cp_wlines);
	if (p.cp_nerrs == 0)
		return c;
	qsort(p.cp_errs, p.cp_nerrs, sizeof(*p.cp_errs), conf_err_cmp);
	for (i = 0; i < p.cp_nerrs; i++) {
		if (errs != NULL)
			sbuf_printf(errs, "%s:%d: %s\n",
			    c->c_files[p.cp_errs[i].ce_file],
			    p.cp_errs[i].ce_line, p.cp_errs[i].ce_msg);
		free(p.cp_errs[i].ce_msg);
	}
	free(p.cp_errs);
	conf_free(c);
	return NULL;
}

struct config *
conf_load(const char *file, struct sbuf *errs)
{
	return conf_load_rules(file, NULL, NULL, errs);
}

struct config *
conf_load_rules(const char *file, conf_rule_fn *fn, void *arg,
    struct sbuf *errs)
{
	struct config	*c;
	struct sbuf	 sb;
	char		 err[256];

	sbuf_init(&sb);
	if (conf_read(file, CONF_MAX_FILE, &sb, err, sizeof(err)) == -1) {
		if (errs != NULL)
			sbuf_printf(errs, "%s: %s\n", file, err);
		sbuf_free(&sb);
		return NULL;
	}
	c = conf_parse_rules(file, sb.sb_buf, sb.sb_len, fn, arg, errs);
	sbuf_free(&sb);
	return c;
}

static void
conf_free_names(char **names, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static void
conf_free_rules(struct conf_rule *r, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(r[i].cr_text);
	free(r);
}

void
conf_free(struct config *c)
{
	struct conf_watchlist	*w;
	size_t			 i;

	if (c == NULL)
		return;
	for (i = 0; i < c->c_nfeeds; i++) {
		free(c->c_feeds[i].cf_name);
		free(c->c_feeds[i].cf_url);
	}
	free(c->c_feeds);
	for (i = 0; i < c->c_nwatchlists; i++) {
		w = &c->c_watchlists[i];
		free(w->cw_name);
		conf_free_rules(w->cw_match, w->cw_nmatch);
		conf_free_rules(w->cw_exclude, w->cw_nexclude);
		conf_free_names(w->cw_feeds, w->cw_nfeeds);
		conf_free_names(w->cw_notify, w->cw_nnotify);
	}
	free(c->c_watchlists);
	for (i = 0; i < c->c_nwebhooks; i++) {
		free(c->c_webhooks[i].cwh_name);
		free(c->c_webhooks[i].cwh_url);
		free(c->c_webhooks[i].cwh_secret);
	}
	free(c->c_webhooks);
	if (c->c_index != NULL)
		free(c->c_index->ci_slots);
	free(c->c_index);
	conf_free_names(c->c_files, c->c_nfiles);
	free(c->c_listen);
	free(c->c_listen_addr);
	free(c->c_file);
	free(c->c_state);
	free(c->c_user_agent);
	free(c);
}

const struct conf_feed *
conf_feed_find(const struct config *c, const char *name)
{
	long	i = conf_index_find(c, SECT_FEED, name);

	return i >= 0 ? &c->c_feeds[i] : NULL;
}

const struct conf_webhook *
conf_webhook_find(const struct config *c, const char *name)
{
	long	i = conf_index_find(c, SECT_WEBHOOK, name);

	return i >= 0 ? &c->c_webhooks[i] : NULL;
}

int
conf_watchlist_wants(const struct conf_watchlist *w, const char *feed)
{
	size_t	i;

	if (w->cw_nfeeds == 0)
		return 1;
	for (i = 0; i < w->cw_nfeeds; i++)
		if (strcmp(w->cw_feeds[i], feed) == 0)
			return 1;
	return 0;
}
