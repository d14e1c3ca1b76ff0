/*
 * test_html_names.c: the one name table answers as the separate lists it
 * replaced (html.c and html_css.c had them, each searched on its own).
 */
#include "unit.h"

#include "html_names.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* acceptable_elements */
static const char *const old_elements[] = {
	"a", "abbr", "acronym", "address", "area", "article", "aside",
	"audio", "b", "big", "blockquote", "br", "button", "canvas",
	"caption", "center", "cite", "code", "col", "colgroup",
	"command", "datagrid", "datalist", "dd", "del", "details",
	"dfn", "dialog", "dir", "div", "dl", "dt", "em",
	"event-source", "fieldset", "figcaption", "figure", "font",
	"footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
	"hr", "i", "img", "input", "ins", "kbd", "keygen", "label",
	"legend", "li", "m", "map", "menu", "meter", "multicol", "nav",
	"nextid", "noscript", "ol", "optgroup", "option", "output",
	"p", "pre", "progress", "q", "rp", "rt", "ruby", "s", "samp",
	"section", "select", "small", "sound", "source", "spacer",
	"span", "strike", "strong", "sub", "sup", "table", "tbody",
	"td", "textarea", "tfoot", "th", "thead", "time", "tr", "tt",
	"u", "ul", "var", "video",
};

/* elements dropped with their content */
static const char *const old_drop[] = {
	"applet", "iframe", "noembed", "noframes", "object", "script",
	"style", "xmp",
};

/* elements without an end tag */
static const char *const old_void[] = {
	"area", "base", "basefont", "br", "col", "command", "embed",
	"frame", "hr", "img", "input", "isindex", "keygen", "link",
	"meta", "param", "source", "track", "wbr",
};

/* acceptable_attributes */
static const char *const old_attrs[] = {
	"abbr", "accept", "accept-charset", "accesskey", "action",
	"align", "alt", "autocomplete", "autofocus", "axis",
	"background", "balance", "bgcolor", "bgproperties", "border",
	"bordercolor", "bordercolordark", "bordercolorlight",
	"bottompadding", "cellpadding", "cellspacing", "ch",
	"challenge", "char", "charoff", "charset", "checked", "choff",
	"cite", "class", "clear", "color", "cols", "colspan",
	"compact", "contenteditable", "controls", "coords", "data",
	"datafld", "datapagesize", "datasrc", "datetime", "default",
	"delay", "dir", "disabled", "draggable", "dynsrc", "enctype",
	"end", "face", "for", "form", "frame", "galleryimg", "gutter",
	"headers", "height", "hidden", "hidefocus", "high", "href",
	"hreflang", "hspace", "icon", "id", "inputmode", "ismap",
	"keytype", "label", "lang", "leftspacing", "list", "longdesc",
	"loop", "loopcount", "loopend", "loopstart", "low", "lowsrc",
	"max", "maxlength", "media", "method", "min", "multiple",
	"name", "nohref", "noshade", "nowrap", "open", "optimum",
	"pattern", "ping", "point-size", "poster", "pqg", "preload",
	"prompt", "radiogroup", "readonly", "rel", "repeat-max",
	"repeat-min", "replace", "required", "rev", "rightspacing",
	"rows", "rowspan", "rules", "scope", "selected", "shape",
	"size", "span", "src", "start", "step", "style", "summary",
	"suppress", "tabindex", "target", "template", "title",
	"toppadding", "type", "unselectable", "urn", "usemap",
	"valign", "value", "variable", "volume", "vrml", "vspace",
	"width", "wrap", "xml:lang",
};

/* attributes holding a URL */
static const char *const old_url_attrs[] = {
	"action", "background", "cite", "codebase", "data", "dynsrc",
	"href", "longdesc", "lowsrc", "poster", "src", "usemap",
};

/* URI schemes allowed */
static const char *const old_schemes[] = {
	"aim", "callto", "cvs", "facetime", "feed", "file", "ftp",
	"git", "gopher", "gtalk", "h323", "hdl", "http", "https",
	"imap", "irc", "irc6", "ircs", "itms", "magnet", "mailto",
	"mms", "msnim", "news", "nntp", "prospero", "rsync", "rtsp",
	"rtspu", "sftp", "shttp", "sip", "sips", "skype", "smb",
	"snews", "ssh", "svn", "svn+ssh", "telnet", "wais", "ymsg",
};

/* HTML 4 entity names */
static const char *const old_entities[] = {
	"AElig", "Aacute", "Acirc", "Agrave", "Alpha", "Aring",
	"Atilde", "Auml", "Beta", "Ccedil", "Chi", "Dagger", "Delta",
	"ETH", "Eacute", "Ecirc", "Egrave", "Epsilon", "Eta", "Euml",
	"Gamma", "Iacute", "Icirc", "Igrave", "Iota", "Iuml", "Kappa",
	"Lambda", "Mu", "Ntilde", "Nu", "OElig", "Oacute", "Ocirc",
	"Ograve", "Omega", "Omicron", "Oslash", "Otilde", "Ouml",
	"Phi", "Pi", "Prime", "Psi", "Rho", "Scaron", "Sigma", "THORN",
	"Tau", "Theta", "Uacute", "Ucirc", "Ugrave", "Upsilon", "Uuml",
	"Xi", "Yacute", "Yuml", "Zeta", "aacute", "acirc", "acute",
	"aelig", "agrave", "alefsym", "alpha", "amp", "and", "ang",
	"apos", "aring", "asymp", "atilde", "auml", "bdquo", "beta",
	"brvbar", "bull", "cap", "ccedil", "cedil", "cent", "chi",
	"circ", "clubs", "cong", "copy", "crarr", "cup", "curren",
	"dArr", "dagger", "darr", "deg", "delta", "diams", "divide",
	"eacute", "ecirc", "egrave", "empty", "emsp", "ensp",
	"epsilon", "equiv", "eta", "eth", "euml", "euro", "exist",
	"fnof", "forall", "frac12", "frac14", "frac34", "frasl",
	"gamma", "ge", "gt", "hArr", "harr", "hearts", "hellip",
	"iacute", "icirc", "iexcl", "igrave", "image", "infin", "int",
	"iota", "iquest", "isin", "iuml", "kappa", "lArr", "lambda",
	"lang", "laquo", "larr", "lceil", "ldquo", "le", "lfloor",
	"lowast", "loz", "lrm", "lsaquo", "lsquo", "lt", "macr",
	"mdash", "micro", "middot", "minus", "mu", "nabla", "nbsp",
	"ndash", "ne", "ni", "not", "notin", "nsub", "ntilde", "nu",
	"oacute", "ocirc", "oelig", "ograve", "oline", "omega",
	"omicron", "oplus", "or", "ordf", "ordm", "oslash", "otilde",
	"otimes", "ouml", "para", "part", "permil", "perp", "phi",
	"pi", "piv", "plusmn", "pound", "prime", "prod", "prop", "psi",
	"quot", "rArr", "radic", "rang", "raquo", "rarr", "rceil",
	"rdquo", "real", "reg", "rfloor", "rho", "rlm", "rsaquo",
	"rsquo", "sbquo", "scaron", "sdot", "sect", "shy", "sigma",
	"sigmaf", "sim", "spades", "sub", "sube", "sum", "sup", "sup1",
	"sup2", "sup3", "supe", "szlig", "tau", "there4", "theta",
	"thetasym", "thinsp", "thorn", "tilde", "times", "trade",
	"uArr", "uacute", "uarr", "ucirc", "ugrave", "uml", "upsih",
	"upsilon", "uuml", "weierp", "xi", "yacute", "yen", "yuml",
	"zeta", "zwj", "zwnj",
};

/* CSS properties kept */
static const char *const old_css[] = {
	"azimuth", "background-color", "border-bottom-color",
	"border-collapse", "border-color", "border-left-color",
	"border-right-color", "border-top-color", "clear", "color",
	"cursor", "direction", "display", "elevation", "float", "font",
	"font-family", "font-size", "font-style", "font-variant",
	"font-weight", "height", "letter-spacing", "line-height",
	"overflow", "pause", "pause-after", "pause-before", "pitch",
	"pitch-range", "richness", "speak", "speak-header",
	"speak-numeral", "speak-punctuation", "speech-rate", "stress",
	"text-align", "text-decoration", "text-indent", "unicode-bidi",
	"vertical-align", "voice-family", "volume", "white-space",
	"width",
};

/* CSS keywords of background, border, … */
static const char *const old_csskw[] = {
	"!important", "aqua", "auto", "black", "block", "blue", "bold",
	"both", "bottom", "brown", "center", "collapse", "dashed",
	"dotted", "fuchsia", "gray", "green", "italic", "left", "lime",
	"maroon", "medium", "navy", "none", "normal", "nowrap",
	"olive", "pointer", "purple", "red", "right", "silver",
	"solid", "teal", "top", "transparent", "underline", "white",
	"yellow",
};

struct old_list {
	const char *const	*ol_names;
	size_t			 ol_n;
	unsigned		 ol_bit;
};

static const struct old_list old_lists[] = {
	{ old_elements, NELEM(old_elements), HN_ELEM },
	{ old_drop, NELEM(old_drop), HN_DROP },
	{ old_void, NELEM(old_void), HN_VOID },
	{ old_attrs, NELEM(old_attrs), HN_ATTR },
	{ old_url_attrs, NELEM(old_url_attrs), HN_URL },
	{ old_schemes, NELEM(old_schemes), HN_SCHEME },
	{ old_entities, NELEM(old_entities), HN_ENTITY },
	{ old_css, NELEM(old_css), HN_CSS },
	{ old_csskw, NELEM(old_csskw), HN_CSSKW },
};

/* The bits the old lists (and the strcmp() calls of html.c) give s. */
static unsigned
old_bits(const char *s)
{
	unsigned	bits = 0;
	size_t		l, i;

	for (l = 0; l < NELEM(old_lists); l++)
		for (i = 0; i < old_lists[l].ol_n; i++)
			if (strcmp(old_lists[l].ol_names[i], s) == 0)
				bits |= old_lists[l].ol_bit;
	if (strcmp(s, "rel") == 0 || strcmp(s, "type") == 0)
		bits |= HN_LOWER;
	if (strcmp(s, "style") == 0)
		bits |= HN_STYLE;
	return bits;
}

static void
assert_same(const char *s)
{
	assert_int_equal(html_names_lookup(s, strlen(s)), old_bits(s));
}

static void
test_names_every_listed(void **state)
{
	size_t	l, i;

	(void)state;
	for (l = 0; l < NELEM(old_lists); l++)
		for (i = 0; i < old_lists[l].ol_n; i++)
			assert_same(old_lists[l].ol_names[i]);
}

static void
test_names_unlisted(void **state)
{
	static const char *const none[] = {
		"", "x", "z", "A", "P", "Href", "HREF", "onclick", "onload",
		"embed", "svg", "math", "javascript", "vbscript", "data:",
		"unrealistic", "ab", "abbrx", "hrefs", "nbs", "nbspx", "Nbsp",
		"amp;", "margin", "padding", "border", "background-image",
		"expression", "!importan", "h7", "xmlns", "xml:base",
		"bordercolorlightest", "border-bottom-colour",
		"averyveryverylongnamethatisinnolist",
	};
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(none); i++)
		assert_same(none[i]);
}

/* Names come with their length, not a NUL: a prefix is no name. */
static void
test_names_length(void **state)
{
	(void)state;
	assert_int_equal(html_names_lookup("hrefx", 4), HN_ATTR | HN_URL);
	assert_int_equal(html_names_lookup("style", 3), 0);
	assert_int_equal(html_names_lookup("hr", 1), 0);
	assert_int_equal(html_names_lookup("a\0", 2), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_every_listed),
		cmocka_unit_test(test_names_unlisted),
		cmocka_unit_test(test_names_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
