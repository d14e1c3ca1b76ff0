/*
 * conf_opml.c: the feeds of an OPML file, as feed readers export their
 * subscriptions (OPML 1.0/2.0: <outline xmlUrl="…" title="…"/>, folders
 * being outlines that hold outlines).  Pure: no logging, no exit.
 *
 * The same rules as feed.c for a document we did not write: libxml2's SAX
 * parser with only our handlers, no entity substitution, no DTD loaded,
 * no network (XML_PARSE_NONET), errors kept out of stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>

#include "conf_int.h"
#include "util.h"

struct conf_opml {
	xmlParserCtxtPtr	 op_ctx;
	conf_opml_fn		*op_fn;
	void			*op_arg;
	int			 op_failed;
	int			 op_root;	/* the root was seen */
	int			 op_line;
	char			 op_err[256];
};

/*
 * A feed name from a title: names are written in `feeds = a b`, so each
 * run of blanks, control characters, commas, quotes and backslashes
 * becomes one '-' (conf.c's conf_name_valid()); NULL if nothing is left.
 */
static char *
conf_opml_name(const char *title)
{
	struct sbuf	 sb;
	const char	*s;
	int		 dash = 0;

	sbuf_init(&sb);
	for (s = title; *s != '\0'; s++) {
		if ((unsigned char)*s <= 0x20 || *s == 0x7f || *s == ',' ||
		    *s == '"' || *s == '\\') {
			dash = sb.sb_len > 0;
			continue;
		}
		if (dash)
			sbuf_addc(&sb, '-');
		dash = 0;
		sbuf_addc(&sb, *s);
	}
	if (sb.sb_len == 0) {
		sbuf_free(&sb);
		return NULL;
	}
	return sb.sb_buf;	/* handed over: sbuf_detach() would allocate */
}

/* Code point cp as UTF-8 into sb; 0 if it is not one XML allows. */
static int
conf_opml_utf8(struct sbuf *sb, unsigned long cp)
{
	if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	if (cp < 0x80)
		sbuf_addc(sb, (char)cp);
	else if (cp < 0x800) {
		sbuf_addc(sb, (char)(0xc0 | (cp >> 6)));
		sbuf_addc(sb, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		sbuf_addc(sb, (char)(0xe0 | (cp >> 12)));
		sbuf_addc(sb, (char)(0x80 | ((cp >> 6) & 0x3f)));
		sbuf_addc(sb, (char)(0x80 | (cp & 0x3f)));
	} else {
		sbuf_addc(sb, (char)(0xf0 | (cp >> 18)));
		sbuf_addc(sb, (char)(0x80 | ((cp >> 12) & 0x3f)));
		sbuf_addc(sb, (char)(0x80 | ((cp >> 6) & 0x3f)));
		sbuf_addc(sb, (char)(0x80 | (cp & 0x3f)));
	}
	return 1;
}

/*
 * The value of attribute name (any case, no namespace), to free; or NULL.
 * Without entity substitution libxml2 hands attribute values over with
 * '&' and '<' as character references ("&#38;"): those are decoded, any
 * other reference (an entity of the document) stays as it is written.
 */
static char *
conf_opml_attr(const xmlChar **attrs, int nattrs, const char *name)
{
	struct sbuf	 sb;
	const char	*s, *e, *semi;
	unsigned long	 cp;
	char		*end;
	int		 i;

	for (i = 0; i < nattrs; i++, attrs += 5)
		if (attrs[2] == NULL &&
		    strcasecmp((const char *)attrs[0], name) == 0)
			break;
	if (i == nattrs)
		return NULL;
	sbuf_init(&sb);
	s = (const char *)attrs[3];
	e = (const char *)attrs[4];
	while (s < e) {
		if (s[0] == '&' && s + 2 < e && s[1] == '#' &&
		    (semi = memchr(s, ';', (size_t)(e - s))) != NULL &&
		    semi - s <= 10) {
			if (s[2] == 'x' || s[2] == 'X')
				cp = strtoul(s + 3, &end, 16);
			else
				cp = strtoul(s + 2, &end, 10);
			if (end == semi && conf_opml_utf8(&sb, cp)) {
				s = semi + 1;
				continue;
			}
		}
		sbuf_addc(&sb, *s++);
	}
	return sb.sb_buf;	/* handed over: sbuf_detach() would allocate */
}

static void
conf_opml_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri, int nns, const xmlChar **ns, int nattrs,
    int ndefaulted, const xmlChar **attrs)
{
	struct conf_opml	*op = ctx;
	char			*url, *title, *name;

	(void)prefix;
	(void)uri;
	(void)nns;
	(void)ns;
	(void)ndefaulted;
	if (op->op_failed)
		return;
	if (!op->op_root) {
		op->op_root = 1;
		if (strcmp((const char *)localname, "opml") != 0) {
			op->op_failed = 1;
			op->op_line = xmlSAX2GetLineNumber(op->op_ctx);
			snprintf(op->op_err, sizeof(op->op_err), "the root "
			    "element is <%.64s>, not <opml>", localname);
			xmlStopParser(op->op_ctx);
			return;
		}
	}
	if (strcmp((const char *)localname, "outline") != 0)
		return;
	/* An outline without xmlUrl is a folder: its children count. */
	if ((url = conf_opml_attr(attrs, nattrs, "xmlUrl")) == NULL)
		return;
	if ((title = conf_opml_attr(attrs, nattrs, "title")) == NULL ||
	    *title == '\0') {
		free(title);
		title = conf_opml_attr(attrs, nattrs, "text");
	}
	name = conf_opml_name(title != NULL && *title != '\0' ? title : url);
	if (name != NULL && *url != '\0')
		op->op_fn(op->op_arg, xmlSAX2GetLineNumber(op->op_ctx), name,
		    url);
	free(name);
	free(title);
	free(url);
}

/* Entities: only the five of XML; a declared one is never expanded. */
static xmlEntityPtr
conf_opml_entity(void *ctx, const xmlChar *name)
{
	(void)ctx;
	return xmlGetPredefinedEntity(name);
}

static void
conf_opml_entity_decl(void *ctx, const xmlChar *name, int type,
    const xmlChar *publicid, const xmlChar *systemid, xmlChar *content)
{
	(void)ctx;
	(void)name;
	(void)type;
	(void)publicid;
	(void)systemid;
	(void)content;
}

static void
conf_opml_error(void *ctx, xmlErrorPtr e)
{
	struct conf_opml	*op = ctx;
	size_t			 n;

	if (e == NULL || e->level < XML_ERR_ERROR || op->op_failed)
		return;
	op->op_failed = 1;
	op->op_line = e->line;
	util_strlcpy(op->op_err, e->message != NULL ? e->message : "error",
	    sizeof(op->op_err));
	n = strlen(op->op_err);
	while (n > 0 && (op->op_err[n - 1] == '\n' || op->op_err[n - 1] == ' '))
		op->op_err[--n] = '\0';
	xmlStopParser(op->op_ctx);
}

int
conf_opml_parse(const char *text, size_t len, conf_opml_fn *fn, void *arg,
    int *line, char *err, size_t errlen)
{
	struct conf_opml	op;
	xmlSAXHandler		sax;

	memset(&op, 0, sizeof(op));
	op.op_fn = fn;
	op.op_arg = arg;
	memset(&sax, 0, sizeof(sax));
	/*
	 * Only these handlers: with no externalSubset or resolveEntity
	 * handler and no XML_PARSE_DTDLOAD, nothing is ever fetched.
	 */
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = conf_opml_start;
	sax.getEntity = conf_opml_entity;
	sax.entityDecl = conf_opml_entity_decl;
	sax.serror = conf_opml_error;
	if ((op.op_ctx = xmlCreatePushParserCtxt(&sax, &op, NULL, 0,
	    NULL)) == NULL) {
		*line = 0;
		return util_err(err, errlen, "cannot create an XML parser");
	}
	/* No NOENT, DTDLOAD or HUGE, ever (as feed.c). */
	xmlCtxtUseOptions(op.op_ctx, XML_PARSE_NONET | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
	op.op_ctx->replaceEntities = 0;
	op.op_ctx->loadsubset = 0;
	while (len > 0 && !op.op_failed) {
		int	n = len > 65536 ? 65536 : (int)len;

		xmlParseChunk(op.op_ctx, text, n, 0);
		text += n;
		len -= (size_t)n;
	}
	if (!op.op_failed)
		xmlParseChunk(op.op_ctx, NULL, 0, 1);
	if (!op.op_failed && !op.op_ctx->wellFormed) {
		op.op_failed = 1;
		op.op_line = xmlSAX2GetLineNumber(op.op_ctx);
		util_strlcpy(op.op_err, "not well-formed", sizeof(op.op_err));
	}
	/* A DOCTYPE makes libxml2 keep its declarations in a document. */
	if (op.op_ctx->myDoc != NULL)
		xmlFreeDoc(op.op_ctx->myDoc);
	xmlFreeParserCtxt(op.op_ctx);
	if (op.op_failed) {
		*line = op.op_line > 0 ? op.op_line : 1;
		return util_err(err, errlen, "%s", op.op_err);
	}
	return 0;
}
