#!/usr/bin/env python3
"""Fetching: encodings, redirects, HTTP errors, misbehaving servers, limits,
per-host concurrency (interface.md, architecture.md "Limits")."""

import sys
import time

sys.dont_write_bytecode = True   # no __pycache__ in the tree
import nwtest  # noqa: E402
from nwtest import (Fail, check, eq, item, rss2, atom, Feed, Redirect, Status,
                    Hang, Drip, Reset, Huge, Raw, parse_alert_lines,
                    wait_until)


def latvia(tag, title=None):
    return item(title or "Latvia news %s" % tag,
                link="http://news.example.org/%s" % tag, guid=tag)


def ids_of(out):
    return sorted(a["item"]["id"] for a in parse_alert_lines(out))


def cfg_for(t, urls, daemon=None, rule="Latvia"):
    return t.config(feeds=urls, daemon=daemon,
                    watchlists={"w": {"match": rule, "notify": "stdout"}})


def test_gzip_and_deflate(t):
    srv = t.feed_server()
    urls = {"gz": srv.set("/gz.xml", Feed(rss2([latvia("gz1")]), gzip=True)),
            "df": srv.set("/df.xml", Feed(atom([latvia("df1")]),
                                          deflate=True))}
    cfg = cfg_for(t, urls, daemon={"user_agent": "nwtest-agent/7.1"})
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status")
    eq(ids_of(out), ["df1", "gz1"], "items alerted from gzip/deflate feeds")
    for path in ("/gz.xml", "/df.xml"):
        r = srv.requests(path)[0]
        ae = [x.strip().split(";")[0] for x in
              r.headers.get("accept-encoding", "").split(",")]
        check("gzip" in ae and "deflate" in ae,
              "Accept-Encoding %r does not offer gzip and deflate"
              % r.headers.get("accept-encoding"))
        eq(r.headers.get("user-agent"), "nwtest-agent/7.1", "User-Agent")


def test_redirect_301_308_remembered(t):
    srv = t.feed_server()
    srv.set("/old", Redirect(301, "/new"))
    srv.set("/new", Feed(rss2([latvia("n1")])))
    srv.set("/old8", Redirect(308, "/new8"))
    srv.set("/new8", Feed(rss2([latvia("m1")])))
    cfg = cfg_for(t, {"a": srv.url("/old"), "b": srv.url("/old8")})
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status")
    eq(ids_of(out), ["m1", "n1"], "items alerted through permanent redirects")
    eq([r.path for r in srv.requests() if r.path in ("/old", "/new")],
       ["/old", "/new"], "requests of the first run (feed a)")
    # New items; the next run asks the new URLs directly.
    srv.set("/new", Feed(rss2([latvia("n1"), latvia("n2")])))
    srv.set("/new8", Feed(rss2([latvia("m1"), latvia("m2")])))
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status of the second run")
    eq(ids_of(out), ["m2", "n2"], "items alerted by the second run")
    eq(srv.count("/old"), 1, "requests for /old (a 301 is remembered)")
    eq(srv.count("/old8"), 1, "requests for /old8 (a 308 is remembered)")
    eq(srv.count("/new"), 2, "requests for /new")


def test_redirect_302_not_remembered(t):
    srv = t.feed_server()
    srv.set("/tmp", Redirect(302, "/there"))
    srv.set("/there", Feed(rss2([latvia("t1")])))
    cfg = cfg_for(t, {"a": srv.url("/tmp")})
    rc, out, err = t.run_once(cfg)
    eq(ids_of(out), ["t1"], "items alerted through a 302")
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status of the second run")
    eq(srv.count("/tmp"), 2, "requests for /tmp (a 302 is not remembered)")


def test_redirect_chain(t):
    srv = t.feed_server()
    srv.set("/c1", Redirect(307, "/c2"))
    srv.set("/c2", Redirect(308, "/c3"))
    srv.set("/c3", Redirect(302, "/c4"))
    srv.set("/c4", Redirect(301, srv.url("/feed")))      # absolute Location
    srv.set("/feed", Feed(rss2([latvia("c")])))
    cfg = cfg_for(t, {"a": srv.url("/c1")})
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status")
    eq(ids_of(out), ["c"], "items alerted through a chain of 4 redirects")
    eq([r.path for r in srv.requests()], ["/c1", "/c2", "/c3", "/c4", "/feed"],
       "requests")


def test_redirect_limit_and_loop(t):
    srv = t.feed_server()
    for n in range(1, 6):                        # 5 redirects: followed
        srv.set("/five%d" % n, Redirect(302, "/five%d" % (n + 1)))
    srv.set("/five6", Feed(rss2([latvia("five")])))
    for n in range(1, 7):                        # 6 redirects: refused
        srv.set("/six%d" % n, Redirect(302, "/six%d" % (n + 1)))
    srv.set("/six7", Feed(rss2([latvia("six")])))
    srv.set("/loop1", Redirect(302, "/loop2"))
    srv.set("/loop2", Redirect(302, "/loop1"))
    srv.set("/good", Feed(rss2([latvia("good")])))
    cfg = cfg_for(t, {"five": srv.url("/five1"), "six": srv.url("/six1"),
                      "loop": srv.url("/loop1"), "good": srv.url("/good")})
    rc, out, err = t.run_once(cfg, timeout=60)
    eq(rc, 0, "exit status (feed errors do not change it)")
    eq(ids_of(out), ["five", "good"], "items alerted")
    eq(srv.count("/six7"), 0, "requests after the 6th redirect")
    loops = srv.count("/loop1") + srv.count("/loop2")
    check(loops <= 6, "%d requests in a redirect loop (at most 5 redirects)"
          % loops)


def mentions(err, *words):
    return any(w in err for w in words)


def test_redirect_to_file_refused(t):
    srv = t.feed_server()
    srv.set("/evil", Redirect(302, "file:///etc/passwd"))
    srv.set("/evil2", Redirect(301, "file:///etc/hostname"))
    srv.set("/good", Feed(rss2([latvia("good")])))
    local = t.write("local.xml", rss2([latvia("local")]))
    cfg = t.config(feeds={"evil": srv.url("/evil"), "evil2": srv.url("/evil2"),
                          "good": srv.url("/good"), "local": "file://" + local},
                   watchlists={"w": {"match": "Latvia OR root OR localhost",
                                     "notify": "stdout"}})
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status (feed errors do not change it)")
    eq(ids_of(out), ["good", "local"], "items alerted (a file:// feed in the "
       "configuration is fine, a redirect to file:// is not)")
    check("root:" not in out + err, "/etc/passwd leaked: %r" % (out + err))
    check(mentions(err, "evil", srv.url("/evil")),
          "the refused redirect of feed evil is not logged: %r" % err)
    # And it stays refused (a 301 to file:// must not be remembered either).
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status of the second run")
    eq(srv.count("/evil2"), 2, "requests for /evil2 (301 to file:// is not "
       "a new URL to remember)")


def test_404_logged(t):
    srv = t.feed_server()
    srv.set("/good", Feed(rss2([latvia("good")])))
    cfg = cfg_for(t, {"missing": srv.url("/missing"), "good": srv.url("/good")})
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status with a feed answering 404")
    eq(ids_of(out), ["good"], "items alerted")
    check("404" in err and mentions(err, "missing", srv.url("/missing")),
          "the 404 of feed 'missing' is not logged: %r" % err)


def test_410_stops_polling(t):
    srv = t.feed_server()
    srv.set("/gone", Status(410))
    srv.set("/good", Feed(rss2([latvia("good")])))
    cfg = cfg_for(t, {"gone": srv.url("/gone"), "good": srv.url("/good")})
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status with a feed answering 410")
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status of the second run")
    eq(srv.count("/gone"), 1, "requests for a feed that answered 410 Gone")
    eq(srv.count("/good"), 2, "requests for the good feed")


# Whether a Retry-After pauses only the feed told or every feed of its host
# is not in the contract (the daemon pauses the host), so each of these
# tests has one server feed only.

def retry_after_once(t, behaviour, sleep=0.0):
    srv = t.feed_server()
    srv.set("/f", behaviour)
    cfg = cfg_for(t, {"f": srv.url("/f")})
    rc, out, err = t.run_once(cfg, timeout=30)
    eq(rc, 0, "exit status with a feed answering %d" % behaviour.code)
    time.sleep(sleep)
    rc, out, err = t.run_once(cfg, timeout=30)
    eq(rc, 0, "exit status of the second run")
    return srv.count("/f")


def test_retry_after_seconds(t):
    n = retry_after_once(t, Status(429, retry_after=3600))
    eq(n, 1, "requests for a feed that answered 429 with Retry-After: 3600 "
       "(--once skips it while Retry-After runs)")


def test_retry_after_http_date(t):
    n = retry_after_once(t, Status(503, retry_after=nwtest.http_date(
        time.time() + 3600)))
    eq(n, 1, "requests for a feed that answered 503 with Retry-After: "
       "<HTTP date in an hour>")


def test_retry_after_run_out(t):
    n = retry_after_once(t, Status(503, retry_after=1), sleep=2.1)
    eq(n, 2, "requests for a feed whose Retry-After (1 s) has run out "
       "(--once polls every feed not paused)")


def test_retry_after_does_not_hang_once(t):
    # Three feeds of one host, per_host = 2, two of them told to wait: the
    # run still ends (whatever the scope of the pause).
    srv = t.feed_server()
    srv.set("/busy", Status(429, retry_after=3600))
    srv.set("/down", Status(503, retry_after=3600))
    srv.set("/third", Feed(rss2([latvia("third")])))
    cfg = cfg_for(t, {"busy": srv.url("/busy"), "down": srv.url("/down"),
                      "third": srv.url("/third")}, daemon={"per_host": "2"})
    rc, out, err = t.run_once(cfg, timeout=30)
    eq(rc, 0, "exit status")


def test_hang_does_not_block_others(t):
    srv = t.feed_server()
    srv.set("/hang", Hang())
    srv.set("/hang2", Hang())
    srv.set("/good", Feed(rss2([latvia("good")])))
    cfg = cfg_for(t, {"hang": srv.url("/hang"), "hang2": srv.url("/hang2"),
                      "good": srv.url("/good")}, daemon={"timeout": "2s"})
    rc, out, err = t.run_once(cfg, timeout=40)
    eq(rc, 0, "exit status with hanging feeds")
    eq(ids_of(out), ["good"], "items alerted")
    check(mentions(err, "hang", srv.url("/hang")),
          "the timeout of feed 'hang' is not logged: %r" % err)


def test_slow_drip_within_timeout(t):
    srv = t.feed_server()
    srv.set("/slow", Drip(rss2([latvia("slow")]), chunks=8, delay=0.15))
    cfg = cfg_for(t, {"slow": srv.url("/slow")}, daemon={"timeout": "10s"})
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status")
    eq(ids_of(out), ["slow"], "items alerted from a slowly sent feed")


def test_slow_drip_past_timeout(t):
    srv = t.feed_server()
    srv.set("/slower", Drip(rss2([latvia("slower")]), chunks=20, delay=0.5))
    srv.set("/good", Feed(rss2([latvia("good")])))
    cfg = cfg_for(t, {"slower": srv.url("/slower"), "good": srv.url("/good")},
                  daemon={"timeout": "2s"})
    rc, out, err = t.run_once(cfg, timeout=40)
    eq(rc, 0, "exit status with a feed slower than the timeout")
    check("good" in ids_of(out), "the good feed was not alerted")


def test_reset_mid_body(t):
    srv = t.feed_server()
    srv.set("/reset", Reset(rss2([latvia("r%d" % i) for i in range(50)])))
    srv.set("/good", Feed(rss2([latvia("good")])))
    cfg = cfg_for(t, {"reset": srv.url("/reset"), "good": srv.url("/good")})
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status with a connection reset mid-body")
    check("good" in ids_of(out), "the good feed was not alerted")
    # The feed was not complete: polled again next time, and the daemon
    # still works.
    srv.set("/reset", Feed(rss2([latvia("r1")])))
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status of the second run")


def test_max_size(t):
    srv = t.feed_server()
    big = 50 * 1024 * 1024
    srv.set("/huge", Huge(size=big))
    srv.set("/endless", Huge(size=None))
    srv.set("/good", Feed(rss2([latvia("good")])))
    cfg = cfg_for(t, {"huge": srv.url("/huge"), "endless": srv.url("/endless"),
                      "good": srv.url("/good")},
                  daemon={"max_size": "64K", "timeout": "30s"})
    rc, out, err = t.run_once(cfg, timeout=60)
    eq(rc, 0, "exit status with bodies over max_size")
    eq(ids_of(out), ["good"], "items alerted")
    h = srv.requests("/huge")[0]
    check(h.bytes_sent < big, "the daemon read all %d bytes of a body over "
          "max_size" % big)
    e = srv.requests("/endless")[0]
    wait_until(lambda: e.error is not None, 5,
               "the daemon to close the endless chunked body")
    check(mentions(err, "huge", srv.url("/huge")) and
          mentions(err, "endless", srv.url("/endless")),
          "the bodies over max_size are not logged: %r" % err)


ILLFORMED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Broken&nbsp;feed</title>
<link>http://news.example.org/</link>
<item><title>Latvia&nbsp;asks NATO for help</title>
<link>http://news.example.org/x1</link><guid>x1</guid>
<description>Riga &amp; Tallinn&nbsp;&mdash; AT&T said</description></item>
<item><title>Latvia & Estonia talk</title>
<link>http://news.example.org/x2</link><guid>x2</guid>
<description>A bare ampersand</description></item>
</channel></rss>
"""


def test_illformed_feed(t):
    srv = t.feed_server()
    srv.set("/bad", Raw(ILLFORMED))
    whole = rss2([latvia("t1", "Latvia first"),
                  item("Latvia second", guid="t2",
                       summary="this one is cut " + "x" * 400)])
    srv.set("/trunc", Raw(whole[:whole.index("this one is cut") + 20]))
    cfg = cfg_for(t, {"bad": srv.url("/bad"), "trunc": srv.url("/trunc")})
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status")
    alerts = {a["item"]["id"]: a for a in parse_alert_lines(out)}
    for k in ("x1", "x2", "t1"):
        check(k in alerts, "item %s of an ill-formed feed not alerted "
              "(got %r)" % (k, sorted(alerts)))
    eq(alerts["x1"]["item"]["title"].replace("\u00a0", " "),
       "Latvia asks NATO for help", "title with &nbsp;")
    eq(alerts["x2"]["item"]["title"], "Latvia & Estonia talk",
       "title with a bare &")
    s = alerts["x1"]["item"]["summary"]
    check("Tallinn" in s and "AT&T" in s and "\u2014" in s,
          "summary lost text: %r" % s)


def test_deny_private(t):
    srv = t.feed_server()
    srv.set("/a.xml", Feed(rss2([latvia("a")])))
    cfg = cfg_for(t, {"a": srv.url("/a.xml")},
                  daemon={"deny_private": "yes"})
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status (a refused feed is a feed error)")
    eq(srv.requests(), [], "requests to 127.0.0.1 with deny_private = yes")
    eq(ids_of(out), [], "items alerted")
    check(mentions(err, "a:", srv.url("/a.xml"), "feed a", "feed=a "),
          "the refused feed is not logged: %r" % err)


def test_per_host_1(t):
    srv = t.feed_server()
    for n in (1, 2, 3):
        srv.set("/p%d" % n, Drip(rss2([latvia("p%d" % n)]), chunks=8,
                                 delay=0.1))
    cfg = cfg_for(t, {"p%d" % n: srv.url("/p%d" % n) for n in (1, 2, 3)},
                  daemon={"per_host": "1", "concurrency": "16"})
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status")
    eq(ids_of(out), ["p1", "p2", "p3"], "items alerted")
    reqs = sorted(srv.requests(), key=lambda r: r.start)
    eq(len(reqs), 3, "requests")
    for a, b in zip(reqs, reqs[1:]):
        check(b.start >= a.end, "with per_host = 1, %s started %.2fs before "
              "%s ended" % (b.path, a.end - b.start, a.path))


if __name__ == "__main__":
    nwtest.main(globals())
