/*
 * conf_int.h: what the parts of the configuration parser share (conf.c
 * reads lines and files, conf_set.c turns each key's value into struct
 * config, conf_opml.c reads feeds out of an OPML file).  Not for other
 * modules: they use conf.h.
 */
#ifndef NEWSWATCH_CONF_INT_H
#define NEWSWATCH_CONF_INT_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"

enum conf_sect {
	SECT_NONE = 0,		/* before the first header */
	SECT_SKIP,		/* a rejected header: its keys are ignored */
	SECT_DAEMON,
	SECT_FEED,
	SECT_WATCHLIST,
	SECT_WEBHOOK,
	SECT_OPML
};

struct conf_err {
	size_t		 ce_file;	/* index in c_files */
	int		 ce_line;
	size_t		 ce_seq;	/* keeps the order of one line's errors */
	char		*ce_msg;
};

/* Lines of the keys a watchlist is checked on once the file is read. */
struct conf_wlines {
	int		 wl_feeds;
	int		 wl_notify;
};

struct conf_parser;
typedef void	conf_set_fn(struct conf_parser *, const char *key,
		    const char *value);

struct conf_key {
	enum conf_sect	 ck_sect;
	const char	*ck_name;
	conf_set_fn	*ck_set;
	int		 ck_repeat;	/* may appear more than once */
	int		 ck_raw;	/* quotes belong to the value (rules) */
};

#define CONF_NKEYS	26

struct conf_parser {
	struct config		*cp_conf;
	struct conf_err		*cp_errs;
	size_t			 cp_nerrs;
	size_t			 cp_file;	/* index in c_files */
	int			 cp_line;
	enum conf_sect		 cp_sect;
	/* Line where each key of the table was set: [daemon] and current. */
	int			 cp_dseen[CONF_NKEYS];
	int			 cp_seen[CONF_NKEYS];
	struct conf_wlines	*cp_wlines;	/* one per watchlist */
	conf_rule_fn		*cp_rule_fn;
	void			*cp_rule_arg;
};

extern const struct conf_key	conf_keys[];
extern const size_t		conf_nkeys;

/* One problem at the current file and line, or at a given one. */
void	conf_error(struct conf_parser *, int line, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	conf_error_at(struct conf_parser *, size_t file, int line,
	    const char *, ...) __attribute__((format(printf, 4, 5)));

/* conf.c, for the setters. */
void	conf_include(struct conf_parser *, const char *pattern);
void	conf_opml_load(struct conf_parser *, const char *path);

/* conf_set.c: value checks shared with conf.c. */
int	conf_url_valid(const char *url, const char *const *schemes);
extern const char *const conf_feed_schemes[];

/*
 * conf_opml.c: calls fn for every outline with an xmlUrl, in document
 * order, nested ones included, with a feed name made of its title (or
 * text) and the line it is on.  0, or -1 with *line and err if the
 * document is not well-formed (feeds before the error were handed out).
 * Nothing is ever fetched and no entity is expanded.
 */
typedef void	conf_opml_fn(void *arg, int line, const char *name,
		    const char *url);
int	conf_opml_parse(const char *text, size_t len, conf_opml_fn *fn,
	    void *arg, int *line, char *err, size_t errlen);

#endif
