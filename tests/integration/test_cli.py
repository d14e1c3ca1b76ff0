#!/usr/bin/env python3
"""Command line: -V, -h, -t, --parse, --match (interface.md, "Command line")."""

import sys
import json
import re

sys.dont_write_bytecode = True   # no __pycache__ in the tree
import nwtest  # noqa: E402
from nwtest import Fail, check, eq, item, rss2, atom, rss1


def test_version(t):
    for flag in ("-V", "--version"):
        rc, out, err = t.run([flag], timeout=10)
        eq(rc, 0, "exit status of %s" % flag)
        check(re.search(r"\d+\.\d+", out + err),
              "%s printed no version number: %r" % (flag, out + err))


def test_help(t):
    for flag in ("-h", "--help"):
        rc, out, err = t.run([flag], timeout=10)
        eq(rc, 0, "exit status of %s" % flag)
        check((out + err).strip(), "%s printed nothing" % flag)
        check("--once" in out + err, "%s does not mention --once" % flag)


def good_config(t):
    return t.config(
        feeds={"a": "http://127.0.0.1:9/a.xml",
               "b": {"url": "http://127.0.0.1:9/b.xml", "interval": "5m"}},
        watchlists={"baltic": {"match": ["Latvia AND (NATO OR troop*)",
                                         '"battle group" NEAR/10 Latvia'],
                               "exclude": "hockey OR football",
                               "feeds": "a b",
                               "notify": "syslog stdout ops"}},
        webhooks={"ops": {"url": "http://127.0.0.1:9/hook", "format": "json",
                          "secret": "whsec_G1uLRTUmw3E4Mbcur47O6Ho5ZcXt5nZA"}},
        daemon={"concurrency": "4", "per_host": "1", "max_size": "8M",
                "max_age": "0", "user_agent": "nwtest/1.0",
                "max_queue_age": "7d", "deny_private": "no", "log": "stderr"})


def test_check_valid_config(t):
    cfg = good_config(t)
    rc, out, err = t.run(["-t", "-c", cfg], timeout=10)
    eq(rc, 0, "exit status of -t on a valid configuration")
    bad = [ln for ln in err.splitlines()
           if re.match(re.escape(cfg) + r":\d+:", ln)]
    check(not bad, "-t reported problems in a valid configuration: %r" % bad)


def error_lines(err, cfg):
    """{line number: message} of the FILE:LINE: lines on stderr."""
    found = {}
    for ln in err.splitlines():
        m = re.match(re.escape(cfg) + r":(\d+):\s*(.*)$", ln)
        if m:
            found.setdefault(int(m.group(1)), []).append(m.group(2))
    return found


def test_check_several_errors(t):
    text = "\n".join([
        "[daemon]",                              # 1
        "state = %s" % t.state,                  # 2
        "interval = banana",                     # 3  bad duration
        "",                                      # 4
        "colour = blue",                         # 5  unknown key
        "",                                      # 6
        "[frobnicate]",                          # 7  unknown section
        "x = 1",                                 # 8  (inside it; may or may not be reported)
        "",                                      # 9
        '[feed "a"]',                            # 10
        "url = http://127.0.0.1:9/a.xml",        # 11
        "",                                      # 12
        '[watchlist "w"]',                       # 13
        "match = Latvia AND (NATO OR",           # 14 bad rule
        "notify = stdout",                       # 15
        "",
    ])
    cfg = t.write("bad.conf", text)
    rc, out, err = t.run(["-t", "-c", cfg], timeout=10)
    eq(rc, 1, "exit status of -t on a configuration with errors")
    found = error_lines(err, cfg)
    for line, what in ((3, "bad duration"), (5, "unknown key"),
                       (7, "unknown section"), (14, "bad rule")):
        check(line in found, "no %s:%d: line for the %s; stderr: %r"
              % (cfg, line, what, err))
    for line in (1, 2, 10, 11):
        check(line not in found, "problem reported at line %d, which is "
              "valid: %r" % (line, found.get(line)))


def test_check_bad_rule_column(t):
    prefix = "match = "
    rule = "Latvia AND ) NATO"
    text = "\n".join([
        "[daemon]",
        "state = %s" % t.state,
        '[feed "a"]',
        "url = http://127.0.0.1:9/a.xml",
        '[watchlist "w"]',
        prefix + rule,                           # line 6
        "notify = stdout",
        ""])
    cfg = t.write("rule.conf", text)
    rc, out, err = t.run(["-t", "-c", cfg], timeout=10)
    eq(rc, 1, "exit status of -t with a bad rule")
    lines = [ln for ln in err.splitlines() if ln.startswith(cfg + ":6:")]
    check(lines, "no %s:6: line for the bad rule; stderr: %r" % (cfg, err))
    # The offending token is ")" at column 12 of the rule, column 20 of the
    # line (1-based).  Accept the column as FILE:LINE:COL:, as "column N"
    # (or col/position/offset/char), in either base, or as a caret under
    # the token in an echo of the rule.
    cols = {12, 20, 11, 19}
    ok = False
    for ln in lines:
        m = re.match(re.escape(cfg) + r":6:(\d+):", ln)
        if m and int(m.group(1)) in cols:
            ok = True
        for m in re.finditer(r"(?:column|col\.?|position|pos|offset|char"
                             r"(?:acter)?)\s*:?\s*(\d+)", ln, re.I):
            if int(m.group(1)) in cols:
                ok = True
    errl = err.splitlines()
    for i, ln in enumerate(errl):
        if ")" in ln and i + 1 < len(errl) and "^" in errl[i + 1]:
            if ln.find(")") == errl[i + 1].find("^"):
                ok = True
    check(ok, "the bad-rule error does not give the column of ')' "
          "(12 in the rule, 20 in the line): %r" % err)


def test_check_unknown_key(t):
    text = "[daemon]\nstate = %s\nfrobnicate = yes\n" % t.state
    cfg = t.write("k.conf", text)
    rc, out, err = t.run(["-t", "-c", cfg], timeout=10)
    eq(rc, 1, "exit status of -t with an unknown key")
    check(3 in error_lines(err, cfg),
          "unknown key not reported as %s:3:; stderr: %r" % (cfg, err))
    # A run refuses the configuration too (1: bad configuration).
    rc, out, err = t.run(["--once", "-c", cfg], timeout=20)
    eq(rc, 1, "exit status of --once with an unknown key")


def test_check_unknown_section(t):
    text = "[daemon]\nstate = %s\n\n[feeds]\nurl = http://127.0.0.1:9/\n" % t.state
    cfg = t.write("s.conf", text)
    rc, out, err = t.run(["-t", "-c", cfg], timeout=10)
    eq(rc, 1, "exit status of -t with an unknown section")
    check(4 in error_lines(err, cfg),
          "unknown section not reported as %s:4:; stderr: %r" % (cfg, err))


# ---------------------------------------------------------------- --parse

def parse_json(out):
    try:
        return json.loads(out)
    except ValueError as e:
        raise Fail("--parse did not print JSON (%s): %r" % (e, out[:500]))


def test_parse_rss2(t):
    items = [
        item("Latvia hopes Canada will extend its military presence",
             link="http://news.example.org/latvia", guid="tag:example,1",
             summary='<p onclick="steal()">Riga wants <b>allies</b> to stay '
                     '&amp; fight.</p><script>evil()</script>',
             author="Lee Berthiaume", categories=["Europe", "Defence"]),
        item("Only content", link="http://news.example.org/content",
             guid="tag:example,2", summary=None,
             content="<p>The <i>full</i> text.</p>", published=None),
    ]
    f = t.write("f.xml", rss2(items, title="La Presse", link="http://news.example.org/"))
    rc, out, err = t.run(["--parse", f], timeout=10)
    eq(rc, 0, "exit status of --parse on RSS 2.0")
    d = parse_json(out)
    eq(d["feed"]["title"], "La Presse", "feed.title")
    eq(d["feed"]["link"], "http://news.example.org/", "feed.link")
    eq(d["feed"]["format"], "rss2.0", "feed.format")
    es = d["entries"]
    eq(len(es), 2, "number of entries")
    e = es[0]
    eq(e["id"], "tag:example,1", "entries[0].id (guid)")
    eq(e["title"], "Latvia hopes Canada will extend its military presence",
       "entries[0].title")
    eq(e["link"], "http://news.example.org/latvia", "entries[0].link")
    eq(e["published"], "2022-01-21T14:12:00Z", "entries[0].published")
    eq(e["author"], "Lee Berthiaume", "entries[0].author")
    eq(e["categories"], ["Europe", "Defence"], "entries[0].categories")
    s = e["summary"]
    check(isinstance(s, str) and "Riga wants <b>allies</b> to stay &amp; fight."
          in s, "entries[0].summary does not keep the HTML decoded once: %r" % s)
    for bad in ("script", "evil()", "onclick", "steal"):
        check(bad not in s, "entries[0].summary keeps unsafe %r: %r" % (bad, s))
    eq(e["content"], None, "entries[0].content (none in the feed)")
    e = es[1]
    eq(e["published"], None, "entries[1].published (none in the feed)")
    check(e["content"] and "The <i>full</i> text." in e["content"],
          "entries[1].content: %r" % e["content"])
    check(e["summary"] and "The <i>full</i> text." in e["summary"],
          "an item without a summary gets its content as summary: %r"
          % e["summary"])


def test_parse_atom(t):
    items = [item("Estonia and NATO", link="http://news.example.org/estonia",
                  guid="urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a",
                  summary="Tallinn <em>welcomes</em> troops",
                  author="Jane Doe", categories=["Baltics"])]
    f = t.write("f.atom", atom(items, title="Atom News",
                               link="http://news.example.org/atom"))
    rc, out, err = t.run(["--parse", f], timeout=10)
    eq(rc, 0, "exit status of --parse on Atom 1.0")
    d = parse_json(out)
    eq(d["feed"]["title"], "Atom News", "feed.title")
    eq(d["feed"]["link"], "http://news.example.org/atom", "feed.link")
    eq(d["feed"]["format"], "atom1.0", "feed.format")
    eq(len(d["entries"]), 1, "number of entries")
    e = d["entries"][0]
    eq(e["id"], "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a", "entry id")
    eq(e["title"], "Estonia and NATO", "entry title")
    eq(e["link"], "http://news.example.org/estonia", "entry link")
    eq(e["published"], "2022-01-21T14:12:00Z", "entry published")
    eq(e["author"], "Jane Doe", "entry author")
    eq(e["categories"], ["Baltics"], "entry categories")
    check(e["summary"] and "Tallinn <em>welcomes</em> troops" in e["summary"],
          "entry summary: %r" % e["summary"])


def test_parse_rss1(t):
    items = [item("Lithuania news", link="http://news.example.org/lt",
                  summary="Vilnius", author="A. Writer")]
    f = t.write("f.rdf", rss1(items, title="RDF News",
                              link="http://news.example.org/rdf"))
    rc, out, err = t.run(["--parse", f], timeout=10)
    eq(rc, 0, "exit status of --parse on RSS 1.0")
    d = parse_json(out)
    eq(d["feed"]["title"], "RDF News", "feed.title")
    eq(d["feed"]["link"], "http://news.example.org/rdf", "feed.link")
    eq(d["feed"]["format"], "rss1.0", "feed.format")
    eq(len(d["entries"]), 1, "number of entries")
    e = d["entries"][0]
    eq(e["title"], "Lithuania news", "entry title")
    eq(e["link"], "http://news.example.org/lt", "entry link")
    eq(e["id"], "http://news.example.org/lt", "entry id (rdf:about)")
    # feedparser reads dc:date as "updated" (its meanings are the contract's)
    eq(e["updated"], "2022-01-21T14:12:00Z", "entry updated (dc:date)")
    eq(e["author"], "A. Writer", "entry author (dc:creator)")


def test_parse_not_a_feed(t):
    for name, body in (("hello.txt", "hello, world\n"),
                       ("page.html", "<!DOCTYPE html><html><head><title>x"
                                     "</title></head><body><p>hi</p></body></html>\n"),
                       ("empty.xml", "")):
        f = t.write(name, body)
        rc, out, err = t.run(["--parse", f], timeout=10)
        eq(rc, 1, "exit status of --parse on %s (no feed at all)" % name)


def test_parse_url(t):
    srv = t.feed_server()
    url = srv.set("/feed", nwtest.Feed(atom([item("Hello from HTTP")],
                                            title="Served")))
    rc, out, err = t.run(["--parse", url], timeout=20)
    eq(rc, 0, "exit status of --parse URL")
    d = parse_json(out)
    eq(d["feed"]["title"], "Served", "feed.title")
    eq([e["title"] for e in d["entries"]], ["Hello from HTTP"], "entry titles")
    reqs = srv.requests("/feed")
    eq(len(reqs), 1, "requests the server saw for /feed")
    eq(reqs[0].method, "GET", "method")


# ---------------------------------------------------------------- --match

MATCH_ITEMS = [
    item("Latvia asks NATO for more troops", link="http://news.example.org/1"),
    item("Hockey results", link="http://news.example.org/2",
         summary="Latvia beat Canada"),
    item("Riga summit", link="http://news.example.org/3",
         summary="NATO ministers met in Latvia’s capital"),
]


def match_lines(out):
    return [ln for ln in out.splitlines() if ln.strip()]


def test_match_some(t):
    f = t.write("m.xml", rss2(MATCH_ITEMS))
    rc, out, err = t.run(["--match", "Latvia AND NATO", f], timeout=10)
    eq(rc, 0, "exit status of --match with matches")
    lines = match_lines(out)
    eq(len(lines), 2, "number of lines printed (one per matching item): %r"
       % out)
    check("Latvia asks NATO for more troops" in lines[0] and
          "http://news.example.org/1" in lines[0],
          "first line lacks title or link: %r" % lines[0])
    check("Riga summit" in lines[1] and "http://news.example.org/3" in lines[1],
          "second line lacks title or link: %r" % lines[1])
    for ln in lines:
        check("Latvia" in ln and "NATO" in ln,
              "line lacks the words that matched: %r" % ln)


def test_match_none(t):
    f = t.write("m.xml", rss2(MATCH_ITEMS))
    rc, out, err = t.run(["--match", "Estonia", f], timeout=10)
    eq(rc, 1, "exit status of --match without matches")
    eq(match_lines(out), [], "lines printed without a match")


def test_match_bad_rule(t):
    f = t.write("m.xml", rss2(MATCH_ITEMS))
    for rule in ("Latvia AND (NATO OR", "Latvia AND ) NATO", '"battle group'):
        rc, out, err = t.run(["--match", rule, f], timeout=10)
        eq(rc, 2, "exit status of --match %r (bad rule)" % rule)


def test_match_word_rules(t):
    f = t.write("m.xml", rss2(MATCH_ITEMS))
    # Latvia matches "Latvia’s" but Latvian would not be matched by Latvia.
    rc, out, err = t.run(["--match", "title:Riga AND Latvia", f], timeout=10)
    eq(rc, 0, "exit status of --match title:Riga AND Latvia (Latvia’s)")
    eq(len(match_lines(out)), 1, "lines for title:Riga AND Latvia")
    rc, out, err = t.run(["--match", "title:hockey", f], timeout=10)
    eq(rc, 0, "exit status of --match title:hockey")
    rc, out, err = t.run(["--match", "title:Canada", f], timeout=10)
    eq(rc, 1, "exit status of --match title:Canada (only in the summary)")
    rc, out, err = t.run(["--match", "troop*", f], timeout=10)
    eq(rc, 0, "exit status of --match troop*")
    eq(len(match_lines(out)), 1, "lines for troop*")


def test_match_seed_accents(t):
    f = t.write("seed.xml", rss2([nwtest.seed_item()]))
    for rule in ("Karins", "KARIŅŠ", "Latvia AND (NATO OR troop*)"):
        rc, out, err = t.run(["--match", rule, f], timeout=10)
        eq(rc, 0, "exit status of --match %r on the seed article" % rule)
        eq(len(match_lines(out)), 1, "lines for %r: %r" % (rule, out))


def test_match_phrase_near_not(t):
    items = [item("Canada and the battle group", guid="1",
                  summary="The NATO battle group stationed in Latvia grows"),
             item("Battle of words", guid="2",
                  summary="A group of Latvia fans; a battle far away"),
             item("Latvia budget", guid="3", summary="Money for schools")]
    f = t.write("p.xml", rss2(items))
    for rule, want in (('"battle group" NEAR/10 Latvia', ["1"]),
                       ('"battle group"', ["1"]),
                       ("Latvia NOT battle", ["3"]),
                       ("Latvia -battle", ["3"]),
                       ("summary:(schools OR fans)", ["2", "3"])):
        rc, out, err = t.run(["--match", rule, f], timeout=10)
        titles = {"1": "Canada and the battle group", "2": "Battle of words",
                  "3": "Latvia budget"}
        eq(rc, 0, "exit status of --match %r" % rule)
        lines = match_lines(out)
        eq(len(lines), len(want), "lines for %r: %r" % (rule, out))
        for ln, k in zip(lines, want):
            check(titles[k] in ln, "--match %r printed %r, want item %r"
                  % (rule, ln, titles[k]))


def test_parse_no_entity_expansion(t):
    srv = t.feed_server()
    srv.set("/dtd", nwtest.Raw('<!ENTITY remote "REMOTE-TEXT">',
                               content_type="application/xml-dtd"))
    srv.set("/ent", nwtest.Raw("REMOTE-ENTITY"))
    doc = """<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
  <!ENTITY remote SYSTEM "%s">
  <!ENTITY %% ext SYSTEM "%s">
  %%ext;
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>Entities</title>
<link>http://news.example.org/</link>
<item><title>A &xxe; B</title><guid>1</guid><description>C &remote; D &lol9; E</description></item>
</channel></rss>
""" % (srv.url("/ent"), srv.url("/dtd"))
    f = t.write("xxe.xml", doc)
    res = t.run(["--parse", f], timeout=30)
    check("root:" not in res.out, "--parse read /etc/passwd")
    check("REMOTE" not in res.out, "--parse expanded a remote entity")
    check(len(res.out) < 100000, "--parse expanded nested entities (%d bytes "
          "of output)" % len(res.out))
    eq(srv.requests(), [], "requests the XML parser made")
    check("lollollol" not in res.out, "--parse expanded &lol9;")


def test_include_glob(t):
    confd = t.path("conf.d")
    import os
    os.makedirs(confd)
    srv = t.feed_server()
    srv.set("/a.xml", nwtest.Feed(rss2([item("Latvia from an include",
                                             guid="inc")])))
    t.write("conf.d/20-watch.conf",
            '[watchlist "w"]\nmatch = Latvia\nnotify = stdout\n')
    t.write("conf.d/10-feed.conf", '[feed "a"]\nurl = %s\n' % srv.url("/a.xml"))
    t.write("conf.d/ignored.txt", "this is not read\n")
    cfg = t.config(daemon={"include": confd + "/*.conf"})
    rc, out, err = t.run(["-t", "-c", cfg], timeout=10)
    eq(rc, 0, "exit status of -t with includes")
    rc, out, err = t.run(["--once", "-c", cfg], timeout=30)
    eq(rc, 0, "exit status of --once with includes")
    eq([a["item"]["id"] for a in nwtest.parse_alert_lines(out)], ["inc"],
       "alerts from a feed and a watchlist in included files")
    bad = t.write("conf.d/30-bad.conf", "[feed \"b\"]\nurl = %s\nbogus = 1\n"
                  % srv.url("/b.xml"))
    rc, out, err = t.run(["-t", "-c", cfg], timeout=10)
    eq(rc, 1, "exit status of -t with an error in an included file")
    check(re.search(re.escape(bad) + r":3:", err),
          "the error is not reported as %s:3:: %r" % (bad, err))


def test_check_units(t):
    cfg = t.config(feeds={"a": {"url": "http://127.0.0.1:9/a.xml",
                                "interval": "1d"}},
                   watchlists={"w": {"match": "x"}},
                   daemon={"interval": "90s", "timeout": "2m", "max_age": "7d",
                           "max_size": "1G", "max_queue_age": "12h"})
    rc, out, err = t.run(["-t", "-c", cfg], timeout=10)
    eq(rc, 0, "exit status of -t with s/m/h/d and G units")
    for key, val in (("max_size", "12Q"), ("timeout", "-5s"),
                     ("per_host", "many")):
        cfg = t.config(daemon={key: val}, watchlists={"w": {"match": "x"}})
        rc, out, err = t.run(["-t", "-c", cfg], timeout=10)
        eq(rc, 1, "exit status of -t with %s = %s" % (key, val))
        check(re.search(re.escape(cfg) + r":\d+:", err),
              "%s = %s not reported as FILE:LINE: %r" % (key, val, err))


def test_match_url(t):
    srv = t.feed_server()
    url = srv.set("/m.xml", nwtest.Feed(rss2(MATCH_ITEMS)))
    rc, out, err = t.run(["--match", "troop*", url], timeout=20)
    eq(rc, 0, "exit status of --match on a URL")
    eq(len(match_lines(out)), 1, "lines for troop* on a URL")
    check(srv.count("/m.xml") >= 1, "the server saw no request")


if __name__ == "__main__":
    nwtest.main(globals())
