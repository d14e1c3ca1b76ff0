#!/usr/bin/env python3
"""Hostile input, bounded (issue 7, point 4): what a feed can throw at the
daemon — XXE, entity bombs, a gzip bomb, an endless body, deep nesting, a
huge text node, NUL bytes, invalid UTF-8, CR/LF aimed at webhook headers and
syslog lines — never reads a file, never makes a connection, never crashes
it, and never grows its memory without bound (architecture.md, "Limits").

Memory is checked as the peak RSS of the run (getrusage of a one-child
wrapper) against a baseline run on a small feed; no timing is asserted.
Under NEWSWATCH_VALGRIND=1 the RSS checks are skipped (valgrind's own
memory is in the figure).
"""

import json
import os
import subprocess
import sys
import time
import zlib

sys.dont_write_bytecode = True   # no __pycache__ in the tree
import nwtest  # noqa: E402
from nwtest import (Fail, check, eq, item, rss2, Feed, Raw, Huge,
                    parse_alert_lines)

# Growth of peak RSS over the baseline that a hostile feed may cause.
RSS_SLACK_KB = 20 * 1024

CANARY = "CANARY-7f3e9b21-not-for-your-eyes"

# Runs argv as its only child and prints that child's peak RSS (KiB) on
# the last line of stderr.
RSS_WRAPPER = r'''
import resource, subprocess, sys
r = subprocess.run(sys.argv[1:])
sys.stderr.write("\nnwtest-maxrss-kb=%d\n"
                 % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(r.returncode if r.returncode >= 0 else 128 - r.returncode)
'''


def measured(t, args, timeout=120, syslog=None):
    """Runs the binary with args; returns (Result, peak RSS in KiB or None
    under valgrind)."""
    if nwtest.valgrind_on():
        return t.run(args, timeout=timeout, syslog=syslog), None
    argv = [sys.executable, "-c", RSS_WRAPPER, nwtest.binary()] + list(args)
    if syslog is not None:
        argv = syslog.wrap(argv)
    env = nwtest.clean_env()
    if os.environ.get("SANITIZE") == "1":
        # ASan keeps freed memory in quarantine (256 MiB by default): with
        # it the peak says nothing of what the daemon holds.
        env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") +
                               ":quarantine_size_mb=0"
                               ":thread_local_quarantine_size_kb=0").lstrip(":")
    try:
        p = subprocess.run(argv, cwd=nwtest.REPO_ROOT, env=env,
                           capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise Fail("%s did not finish within %ds" % (" ".join(args), timeout))
    err = p.stderr.decode("utf-8", "replace")
    rss = None
    marker = "\nnwtest-maxrss-kb="
    if marker in err:
        err, _, tail = err.rpartition(marker)
        rss = int(tail.strip())
    res = nwtest.Result([nwtest.binary()] + list(args), p.returncode,
                        p.stdout.decode("utf-8", "replace"), err)
    res.raw_out = p.stdout
    t.runs.append(res)
    if p.returncode >= 128:
        raise Fail("%s died of signal %d" % (" ".join(args),
                                             p.returncode - 128))
    return res, rss


_baseline = {}


def baseline_rss(t):
    """Peak RSS of --once on a small ordinary feed (measured once, in a
    context of its own)."""
    if "kb" not in _baseline:
        b = nwtest.TestContext("baseline")
        try:
            srv = b.feed_server()
            srv.set("/ok.xml", Feed(rss2([item("Latvia calm", guid="ok")])))
            cfg = b.config(feeds={"ok": srv.url("/ok.xml")},
                           watchlists={"w": {"match": "Latvia",
                                             "notify": "stdout"}})
            res, rss = measured(b, ["--once", "-c", cfg])
            eq(res.rc, 0, "baseline run")
            _baseline["kb"] = rss
        finally:
            b.close()
    return _baseline["kb"]


def check_rss(t, rss, what):
    if rss is None:
        return
    base = baseline_rss(t)
    check(rss - base < RSS_SLACK_KB,
          "%s: peak RSS %d KiB, %d KiB over the baseline (%d KiB); the "
          "limit is %d KiB" % (what, rss, rss - base, base, RSS_SLACK_KB))


def once(t, feeds, match="Latvia", daemon=None, timeout=120):
    """--once with a stdout sink; returns (Result, rss, alerts)."""
    cfg = t.config(feeds=feeds,
                   watchlists={"w": {"match": match, "notify": "stdout"}},
                   daemon=daemon)
    res, rss = measured(t, ["--once", "-c", cfg], timeout=timeout)
    eq(res.rc, 0, "exit status of --once (feed errors do not change it)")
    # Valid UTF-8 JSON, one alert a line, whatever the feed held.
    try:
        text = res.raw_out.decode("utf-8") if hasattr(res, "raw_out") \
            else res.out
    except UnicodeDecodeError as e:
        raise Fail("stdout is not valid UTF-8 (%s): %r" % (e, res.raw_out[:300]))
    check("\x00" not in text, "a NUL byte on stdout: %r" % text[:300])
    return res, rss, parse_alert_lines(text)


def ids(alerts):
    return sorted(a["item"]["id"] for a in alerts)


# ---------------------------------------------------------------- XXE

def xxe_doc(canary_path, entity_url, dtd_url):
    return """<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "%(dtd)s" [
  <!ENTITY file SYSTEM "file://%(canary)s">
  <!ENTITY remote SYSTEM "%(ent)s">
  <!ENTITY %% pfile SYSTEM "file://%(canary)s">
  <!ENTITY %% premote SYSTEM "%(dtd)s">
  %%premote;
]>
<rss version="2.0"><channel><title>XXE</title>
<link>http://news.example.org/</link>
<item><title>Latvia file &file; end</title><guid>xxe-1</guid>
<description>remote &remote; end</description></item>
<item><title>Latvia second</title><guid>xxe-2</guid>
<description>after the entities</description></item>
</channel></rss>
""" % {"canary": canary_path, "ent": entity_url, "dtd": dtd_url}


def xxe_setup(t):
    srv = t.feed_server()
    canary = t.write("canary.txt", CANARY + "\n")
    srv.set("/entity", Raw(CANARY + "-REMOTE", content_type="text/plain"))
    srv.set("/evil.dtd", Raw('<!ENTITY remote "%s-DTD">' % CANARY,
                             content_type="application/xml-dtd"))
    doc = xxe_doc(canary, srv.url("/entity"), srv.url("/evil.dtd"))
    return srv, canary, doc


def check_no_xxe(srv, res, what):
    check(CANARY not in res.out and CANARY not in res.err,
          "%s: the canary file (or the remote entity) reached the output"
          % what)
    for p in ("/entity", "/evil.dtd"):
        eq(srv.count(p), 0, "%s: requests for %s made by the XML parser"
           % (what, p))


def check_xxe_alerts(alerts):
    """A document that declares entities may be refused whole or read
    without them (interface.md); nothing else may come out of it."""
    check(set(ids(alerts)) <= {"xxe-1", "xxe-2"},
          "unexpected items alerted: %r" % ids(alerts))
    for a in alerts:
        check(CANARY not in json.dumps(a), "the canary reached an alert")


def test_xxe_over_http_feed(t):
    srv, canary, doc = xxe_setup(t)
    srv.set("/xxe.xml", Raw(doc))
    res, rss, alerts = once(t, {"x": srv.url("/xxe.xml")})
    check_no_xxe(srv, res, "--once")
    check_xxe_alerts(alerts)
    res = t.run(["--parse", srv.url("/xxe.xml")])
    check_no_xxe(srv, res, "--parse URL")


def test_xxe_over_file_feed(t):
    srv, canary, doc = xxe_setup(t)
    f = t.write("xxe.xml", doc)
    res, rss, alerts = once(t, {"x": "file://" + f})
    check_no_xxe(srv, res, "--once on a file:// feed")
    check_xxe_alerts(alerts)
    res = t.run(["--parse", f])
    check_no_xxe(srv, res, "--parse FILE")
    res = t.run(["--match", "Latvia", "file://" + f])
    check_no_xxe(srv, res, "--match file://")


# ---------------------------------------------------------------- bombs

def billion_laughs():
    ents = ['<!ENTITY lol0 "lol">']
    for i in range(1, 10):
        ents.append('<!ENTITY lol%d "%s">' % (i, ("&lol%d;" % (i - 1)) * 10))
    return """<?xml version="1.0"?>
<!DOCTYPE rss [
%s
]>
<rss version="2.0"><channel><title>Laughs</title>
<item><title>Latvia laughs &lol9;</title><guid>bl-1</guid></item>
<item><title>Latvia after</title><guid>bl-2</guid>
<description>&lol9;&lol9;&lol9;</description></item>
</channel></rss>
""" % "\n".join(ents)


def quadratic_blowup():
    big = "a" * 50000
    return ("""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY a "%s">]>
<rss version="2.0"><channel><title>Quadratic</title>
<item><title>Latvia quadratic</title><guid>qb-1</guid>
<description>%s</description></item>
</channel></rss>
""" % (big, "&a;" * 50000))


def check_bomb(t, doc, name):
    srv = t.feed_server()
    srv.set("/bomb.xml", Raw(doc))
    res, rss, alerts = once(t, {"b": srv.url("/bomb.xml")}, timeout=120)
    check_rss(t, rss, "--once on the %s" % name)
    out = res.out
    check(len(out) < 64 * 1024, "--once on the %s printed %d bytes: "
          "entities expanded" % (name, len(out)))
    check("lollollol" not in out and "aaaaaaaaaaaaaaaaaaaa" not in out,
          "the %s was expanded" % name)
    f = t.write("bomb.xml", doc)
    res, rss = measured(t, ["--parse", f], timeout=120)
    check(res.rc in (0, 1), "--parse exit status %s" % res.rc)
    check_rss(t, rss, "--parse on the %s" % name)
    check(len(res.out) < 64 * 1024 and "lollollol" not in res.out and
          "aaaaaaaaaaaaaaaaaaaa" not in res.out,
          "--parse expanded the %s (%d bytes out)" % (name, len(res.out)))


def test_billion_laughs(t):
    check_bomb(t, billion_laughs(), "billion laughs")


def test_quadratic_blowup(t):
    check_bomb(t, quadratic_blowup(), "quadratic blowup")


def gzip_bomb(decoded_mb):
    """A gzip body: a small feed whose first item is fine, then
    decoded_mb MiB of whitespace inside the channel, never closed."""
    head = rss2([item("Latvia before the bomb", guid="gz-1")])
    head = head[:head.rindex("</channel>")].encode()
    co = zlib.compressobj(9, zlib.DEFLATED, 31)      # 31: gzip wrapper
    parts = [co.compress(head)]
    block = b" " * (1 << 20)
    for _ in range(decoded_mb):
        parts.append(co.compress(block))
    parts.append(co.flush())
    return b"".join(parts)


def test_gzip_bomb_cut_at_max_size(t):
    srv = t.feed_server()
    bomb = gzip_bomb(512)         # 512 MiB decoded, ~0.5 MiB on the wire
    srv.set("/gz.xml", Feed(bomb, headers={"Content-Encoding": "gzip"}))
    srv.set("/ok.xml", Feed(rss2([item("Latvia fine", guid="ok-1")])))
    res, rss, alerts = once(t, {"gz": srv.url("/gz.xml"),
                                "ok": srv.url("/ok.xml")},
                            daemon={"max_size": "1M"})
    check_rss(t, rss, "--once on a gzip bomb with max_size = 1M")
    check("too large" in res.err or "max_size" in res.err,
          "the bomb cut at max_size is not logged: %r" % res.err[-500:])
    eq(ids(alerts), ["gz-1", "ok-1"], "items alerted (the item before the "
       "cut is kept)")


def test_endless_chunked_cut_at_max_size(t):
    srv = t.feed_server()
    srv.set("/endless", Huge(size=None,
                             first_items=[item("Latvia first", guid="e-1")]))
    res, rss, alerts = once(t, {"e": srv.url("/endless")},
                            daemon={"max_size": "1M", "timeout": "60s"})
    check_rss(t, rss, "--once on an endless chunked body")
    r = srv.requests("/endless")
    eq(len(r), 1, "requests for the endless body")
    check(r[0].bytes_sent < 64 * 1024 * 1024,
          "the daemon read %d bytes of an endless body with max_size = 1M"
          % r[0].bytes_sent)
    check("too large" in res.err, "the cut is not logged: %r" % res.err[-500:])
    eq(ids(alerts), ["e-1"], "items alerted before the cut")


# ---------------------------------------------------------------- shapes

def test_deeply_nested_xml(t):
    srv = t.feed_server()
    deep = "<x>" * 10000 + "Latvia" + "</x>" * 10000
    doc = ("""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Deep</title>
<item><title>Latvia before</title><guid>d-1</guid></item>
<item><title>Latvia deep</title><guid>d-2</guid><description>%s</description></item>
<item><title>Latvia after</title><guid>d-3</guid></item>
</channel></rss>
""" % deep)
    srv.set("/deep.xml", Raw(doc))
    res, rss, alerts = once(t, {"d": srv.url("/deep.xml")})
    check_rss(t, rss, "--once on a 10,000-level document")
    check("d-1" in ids(alerts), "the item before the deep one was lost: %r"
          % ids(alerts))
    f = t.write("deep.xml", doc)
    res = t.run(["--parse", f])
    check(res.rc in (0, 1), "--parse exit status %s" % res.rc)


def test_deeply_nested_html_summary(t):
    """10,000 nested elements inside escaped HTML: the sanitizer and the
    HTML-to-text pass must not recurse themselves to death."""
    srv = t.feed_server()
    html = "<div>" * 10000 + "Latvia deep" + "</div>" * 10000
    srv.set("/deep.xml", Feed(rss2([
        item("Latvia html", guid="h-1", summary=html),
        item("Latvia after", guid="h-2")])))
    res, rss, alerts = once(t, {"d": srv.url("/deep.xml")})
    eq(ids(alerts), ["h-1", "h-2"], "items alerted")
    check_rss(t, rss, "--once on a 10,000-level HTML summary")
    res = t.run(["--parse", srv.url("/deep.xml")])
    eq(res.rc, 0, "--parse exit status")


def test_huge_text_node(t):
    """A single 50 MB text node (max_size raised to let it through)."""
    srv = t.feed_server()
    words = b"Riga " * (50 * 1024 * 1024 // 5)
    doc = (b'<?xml version="1.0"?>\n<rss version="2.0"><channel>'
           b'<title>Huge</title>\n<item><title>Latvia before</title>'
           b'<guid>n-1</guid></item>\n<item><title>Latvia huge</title>'
           b'<guid>n-2</guid><description>' + words +
           b'</description></item>\n<item><title>Latvia after</title>'
           b'<guid>n-3</guid></item>\n</channel></rss>\n')
    srv.set("/huge.xml", Feed(doc))
    res, rss, alerts = once(t, {"h": srv.url("/huge.xml")},
                            daemon={"max_size": "64M", "timeout": "60s"})
    check("n-1" in ids(alerts), "the item before the huge one was lost: %r"
          % ids(alerts))
    for a in alerts:
        s = a["item"]["summary"] or ""
        check(len(s) <= 1000, "summary of %d characters" % len(s))


def test_nul_bytes(t):
    srv = t.feed_server()
    doc = (b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0">'
           b'<channel><title>NUL</title>\n'
           b'<item><title>Latvia clean</title><guid>z-1</guid></item>\n'
           b'<item><title>Latvia \x00 NUL title</title><guid>z-\x002</guid>'
           b'<description>a\x00b</description></item>\n'
           b'<item><title>Latvia after</title><guid>z-3</guid></item>\n'
           b'</channel></rss>\n')
    srv.set("/nul.xml", Raw(doc))
    res, rss, alerts = once(t, {"n": srv.url("/nul.xml")})
    check("z-1" in ids(alerts), "the item before the NUL bytes was lost: %r"
          % ids(alerts))
    for a in alerts:
        for k in ("id", "title", "summary"):
            v = a["item"].get(k) or ""
            check("\x00" not in v, "a NUL in item.%s: %r" % (k, v))
    f = t.write("nul.xml", doc)
    res = t.run(["--parse", f])
    check(res.rc in (0, 1), "--parse exit status %s" % res.rc)
    check("\x00" not in res.out, "a NUL byte in --parse output")


def test_invalid_utf8(t):
    srv = t.feed_server()
    doc = (b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0">'
           b'<channel><title>Bad \xff bytes</title>\n'
           b'<item><title>Latvia \xff\xfe bad \xc3 bytes \xed\xa0\x80 '
           b'surrogate \xf4\x90\x80\x80 over</title><guid>u-\xff1</guid>'
           b'<description>x \xc0\xaf overlong</description></item>\n'
           b'<item><title>Latvia after</title><guid>u-2</guid></item>\n'
           b'</channel></rss>\n')
    srv.set("/bad.xml", Raw(doc))
    res, rss, alerts = once(t, {"u": srv.url("/bad.xml")})
    check(len(alerts) >= 1, "no item of a feed with invalid UTF-8 alerted")
    f = t.write("bad.xml", doc)
    p = subprocess.run([nwtest.binary(), "--parse", f], cwd=nwtest.REPO_ROOT,
                       env=nwtest.clean_env(), capture_output=True, timeout=60)
    check(p.returncode in (0, 1), "--parse exit status %s" % p.returncode)
    try:
        json.loads(p.stdout.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise Fail("--parse output is not valid UTF-8 JSON (%s): %r"
                   % (e, p.stdout[:300]))


# ---------------------------------------------------------------- injection

INJECT = "Latvia\r\nX-Injected: yes\r\n\r\nbody"
INJECT_LINK = "http://news.example.org/x\r\nX-Injected-Link: yes"


def injection_feed():
    # Char references make the CR and LF survive XML's line-end rules.
    doc = rss2([item("Latvia plain", guid="plain-1",
                     link="http://news.example.org/plain")])
    evil = ('<item><title>Latvia&#13;&#10;X-Injected: yes&#13;&#10;&#13;&#10;'
            'body</title><link>http://news.example.org/x&#13;&#10;'
            'X-Injected-Link: yes</link><guid>evil&#13;&#10;X-Injected-Id: '
            'yes</guid><author>a&#10;b</author>'
            '<description>d&#13;&#10;X-Injected-Summary: yes</description>'
            '</item>')
    return doc.replace("</channel>", evil + "\n</channel>")


def test_header_injection_webhook(t):
    srv = t.feed_server()
    hook = t.webhook(nwtest.make_secret())
    srv.set("/inj.xml", Raw(injection_feed()))
    hooks = {"j": {"url": hook.url("/j"), "secret": hook.secret},
             "s": {"url": hook.url("/s"), "format": "slack"},
             "d": {"url": hook.url("/d"), "format": "discord"}}
    cfg = t.config(feeds={"i": srv.url("/inj.xml")},
                   watchlists={"w": {"match": "Latvia", "notify": "j s d"}},
                   webhooks=hooks)
    res = t.run_once(cfg)
    eq(res.rc, 0, "exit status")
    posts = hook.all()
    eq(len(posts), 6, "POSTs (2 items x 3 sinks): %r" % posts)
    plain = {p.path: set(p.headers) for p in posts
             if b"plain-1" in p.body or b"/plain" in p.body}
    eq(sorted(plain), ["/d", "/j", "/s"], "POSTs of the plain item")
    for p in posts:
        names = set(p.headers)
        for n in names:
            check("inject" not in n, "injected header %r reached the "
                  "receiver on %s" % (n, p.path))
            check("\r" not in p.headers[n] and "\n" not in p.headers[n],
                  "CR/LF in header %s: %r" % (n, p.headers[n]))
        eq(names, plain[p.path], "header names of a POST to %s with "
           "hostile feed text (vs. a plain item)" % p.path)
        if p.path == "/j":
            check(p.sig_error is None, "signature: %s" % p.sig_error)
            a = p.json()
            eq(p.id, a["id"], "webhook-id vs alert id")
        else:
            json.loads(p.body.decode("utf-8"))


def test_header_injection_syslog(t):
    sl = t.syslog()
    srv = t.feed_server()
    srv.set("/inj.xml", Raw(injection_feed()))
    cfg = t.config(feeds={"i": srv.url("/inj.xml")},
                   watchlists={"w": {"match": "Latvia", "notify": "syslog"}})
    res = t.run_once(cfg, syslog=sl)
    eq(res.rc, 0, "exit status")
    time.sleep(0.3)
    lines = sl.all()
    alerts = [ln for ln in lines if ln.msg.startswith("alert ")]
    eq(len(alerts), 2, "alert lines on syslog (all: %r)" % lines)
    for ln in lines:
        check("\r" not in ln.msg and "\n" not in ln.msg,
              "CR/LF inside one syslog message: %r" % ln.raw)
        check(not ln.msg.startswith("X-Injected"),
              "a forged syslog line: %r" % ln.raw)


if __name__ == "__main__":
    nwtest.main(globals())
