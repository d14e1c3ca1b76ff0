/*
 * sax_floor.c: what libxml2 alone costs on a feed, for `make bench`.
 *
 *   sax_floor FILE
 *
 * The SAX2 push parser newswatchd used until feed_xml.c replaced it
 * (no entity loading, UTF-8 in), pushed 64 KiB at a time as the daemon's
 * --parse reads a file, with handlers that only count.  It alone took
 * two thirds of sfeed's whole time on the benchmark file: the reason
 * newswatchd has a tokenizer of its own.  Kept to show it.
 */
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

static unsigned long	nelem, nchars;

static void
floor_start(void *ctx, const xmlChar *lname, const xmlChar *prefix,
    const xmlChar *uri, int nns, const xmlChar **nss, int nattr, int ndef,
    const xmlChar **attrs)
{
	(void)ctx; (void)lname; (void)prefix; (void)uri; (void)nns;
	(void)nss; (void)nattr; (void)ndef; (void)attrs;
	nelem++;
}

static void
floor_end(void *ctx, const xmlChar *lname, const xmlChar *prefix,
    const xmlChar *uri)
{
	(void)ctx; (void)lname; (void)prefix; (void)uri;
}

static void
floor_chars(void *ctx, const xmlChar *s, int len)
{
	(void)ctx;
	(void)s;
	nchars += (unsigned long)len;
}

int
main(int argc, char *argv[])
{
	xmlSAXHandler		 h;
	xmlParserCtxtPtr	 ctx;
	FILE			*f;
	static char		 buf[65536];
	size_t			 n;

	if (argc != 2) {
		fprintf(stderr, "usage: sax_floor FILE\n");
		return 2;
	}
	if ((f = fopen(argv[1], "rb")) == NULL) {
		perror(argv[1]);
		return 1;
	}
	memset(&h, 0, sizeof(h));
	h.initialized = XML_SAX2_MAGIC;
	h.startElementNs = floor_start;
	h.endElementNs = floor_end;
	h.characters = floor_chars;
	h.cdataBlock = floor_chars;
	if ((ctx = xmlCreatePushParserCtxt(&h, NULL, NULL, 0, argv[1])) == NULL)
		return 1;
	xmlCtxtUseOptions(ctx, XML_PARSE_NONET | XML_PARSE_IGNORE_ENC);
	ctx->replaceEntities = 0;
	xmlSwitchEncoding(ctx, XML_CHAR_ENCODING_UTF8);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		xmlParseChunk(ctx, buf, (int)n, 0);
	xmlParseChunk(ctx, NULL, 0, 1);
	printf("elements=%lu chars=%lu\n", nelem, nchars);
	xmlFreeParserCtxt(ctx);
	fclose(f);
	return 0;
}
