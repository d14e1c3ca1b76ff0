#!/usr/bin/env python3
"""Politeness and persistence: what a publisher's server sees of newswatchd
(Retry-After for the whole host, Cache-Control / Expires / <ttl>, backoff
that never gives up, schedules spread, errors named, unchanged bodies).

Every assertion is on what the test server saw or on the state database,
never on how fast the daemon is."""

import os
import sqlite3
import sys
import time

sys.dont_write_bytecode = True   # no __pycache__ in the tree
import nwtest  # noqa: E402
from nwtest import (check, eq, item, rss2, Feed, NoValidators, Status, Hang,
                    Huge, Raw, wait_until)


def latvia(tag):
    return item("Latvia news %s" % tag, link="http://news.example.org/%s" % tag,
                guid=tag)


def feed_state(t, name):
    db = sqlite3.connect("file:%s?mode=ro" % os.path.join(t.state,
                         "newswatch.db"), uri=True)
    try:
        db.row_factory = sqlite3.Row
        row = db.execute("SELECT * FROM feed WHERE name = ?",
                         (name,)).fetchone()
        return dict(row) if row else None
    finally:
        db.close()


def cfg_for(t, feeds, daemon=None):
    return t.config(feeds=feeds, daemon=daemon,
                    watchlists={"w": {"match": "Latvia", "notify": "stdout"}})


def starts(srv, path=None):
    return [r.start for r in srv.requests(path)]


def test_retry_after_pauses_whole_host(t):
    # Run mode: a 429 with Retry-After: 3 on one feed; the other feed of
    # the same host gets no request either until the 3 s have passed.
    srv = t.feed_server()
    srv.set("/a.xml", Feed(rss2([latvia("a1")])))
    srv.set("/busy", Status(429, retry_after=3))
    cfg = cfg_for(t, {"a": srv.url("/a.xml"), "busy": srv.url("/busy")},
                  daemon={"interval": "1s"})
    d = t.start_daemon(cfg)
    srv.wait_requests("/busy", 1, timeout=15)
    told = srv.requests("/busy")[0]
    wait_until(lambda: told.end is not None, 5, "the 429 to be sent")
    srv.wait_requests("/busy", 2, timeout=20)
    d.stop(5)
    after = [r for r in srv.requests() if r.start > told.end]
    check(after, "no request after the 429")
    first = min(r.start for r in after)
    check(first - told.end >= 3.0,
          "a request %.2fs after a 429 with Retry-After: 3 (paths: %s)"
          % (first - told.end, sorted({r.path for r in after})))


def test_retry_after_clamped_to_a_day(t):
    srv = t.feed_server()
    srv.set("/f", Status(503, retry_after=10 ** 9))
    cfg = cfg_for(t, {"f": srv.url("/f")})
    before = int(time.time())
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status")
    st = feed_state(t, "f")
    check(st["paused_until"] >= before + 86400 - 5,
          "paused_until %d is not about a day away" % st["paused_until"])
    check(st["paused_until"] <= int(time.time()) + 86400 + 5,
          "Retry-After of 10^9 s is not clamped to a day: %d"
          % (st["paused_until"] - before))


def test_cache_control_max_age(t):
    # interval = 1s, but the server says max-age=4: polls at least 4 s apart.
    srv = t.feed_server()
    srv.set("/f", Feed(rss2([latvia("c1")]),
                       headers={"Cache-Control": "public, max-age=4"}))
    d = t.start_daemon(cfg_for(t, {"f": srv.url("/f")},
                               daemon={"interval": "1s"}))
    srv.wait_requests("/f", 2, timeout=20)
    d.stop(5)
    s = starts(srv, "/f")
    check(s[1] - s[0] >= 3.9, "polls %.2fs apart despite max-age=4"
          % (s[1] - s[0]))


def test_expires_header(t):
    # Expires a minute ahead, interval = 1s: no second poll in the next
    # seconds, and the state plans the next poll at the Expires time.  (No
    # bound on how soon after: a slow run, under valgrind, stays correct.)
    srv = t.feed_server()
    expires = int(time.time()) + 60
    srv.set("/f", Feed(rss2([latvia("e1")]), headers={
        "Expires": nwtest.http_date(expires)}))
    d = t.start_daemon(cfg_for(t, {"f": srv.url("/f")},
                               daemon={"interval": "1s"}))
    srv.wait_requests("/f", 1, timeout=20)
    time.sleep(4)
    d.stop(5)
    eq(srv.count("/f"), 1, "polls within 4 s of a feed that Expires in a "
       "minute")
    st = feed_state(t, "f")
    check(st["next_poll"] >= expires - 2,
          "next poll %ds before Expires" % (expires - st["next_poll"]))


def test_rss_ttl(t):
    # <ttl>1</ttl>: one minute between polls although interval = 1s.
    body = rss2([latvia("t1")]).replace("</title>", "</title><ttl>1</ttl>", 1)
    srv = t.feed_server()
    srv.set("/f", Feed(body))
    d = t.start_daemon(cfg_for(t, {"f": srv.url("/f")},
                               daemon={"interval": "1s"}))
    srv.wait_requests("/f", 1, timeout=15)
    time.sleep(4)
    d.stop(5)
    eq(srv.count("/f"), 1, "polls within 4 s of a feed with <ttl>1</ttl>")
    st = feed_state(t, "f")
    check(st["next_poll"] - st["last_poll"] >= 59,
          "next poll %ds after the last, want a minute (ttl)"
          % (st["next_poll"] - st["last_poll"]))


def test_backoff_never_abandons_and_resets(t):
    srv = t.feed_server()
    srv.set("/f", Status(500))
    cfg = cfg_for(t, {"f": srv.url("/f")}, daemon={"interval": "1s"})
    for n in range(1, 6):
        rc, out, err = t.run_once(cfg)
        eq(rc, 0, "exit status with a failing feed")
        st = feed_state(t, "f")
        eq(st["errors"], n, "consecutive errors after %d failed polls" % n)
        check(st["last_error"] and "500" in st["last_error"],
              "last_error %r does not name the status" % st["last_error"])
        check(st["next_poll"] > st["last_poll"], "no next poll planned")
    # The backoff window grows with the errors: its cap is interval * 2^(n-1)
    # (full jitter), never less than the interval.
    check(st["next_poll"] - st["last_poll"] <= 16,
          "backoff after 5 errors of a 1 s feed is %ds, over its cap"
          % (st["next_poll"] - st["last_poll"]))
    srv.set("/f", Feed(rss2([latvia("b1")])))
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status")
    st = feed_state(t, "f")
    eq(st["errors"], 0, "errors after the first success")
    eq(st["last_error"], None, "last_error after the first success")
    check(st["last_ok"] >= st["last_poll"], "last_ok not set")


def test_errors_named(t):
    srv = t.feed_server()
    srv.set("/404", Status(404))
    srv.set("/html", Raw(b"<html><body>Not a feed</body></html>",
                         content_type="text/html"))
    srv.set("/big", Huge(size=4 * 1024 * 1024))
    srv.set("/hang", Hang())
    refused = "http://127.0.0.1:%d/x" % nwtest.free_port()
    feeds = {"status": srv.url("/404"), "html": srv.url("/html"),
             "big": srv.url("/big"), "hang": srv.url("/hang"),
             "refused": refused}
    cfg = cfg_for(t, feeds, daemon={"timeout": "2s", "max_size": "64K"})
    rc, out, err = t.run_once(cfg, timeout=40)
    eq(rc, 0, "exit status: feed errors do not change it")
    want = {"status": "http", "html": "not a feed", "big": "too large",
            "hang": "timeout", "refused": "connect"}
    cats = {}
    for name, cat in want.items():
        st = feed_state(t, name)
        cats[name] = st["last_error"]
        check(st["last_error"] and st["last_error"].startswith(cat + ":"),
              "feed %s: last_error %r, want category %r"
              % (name, st["last_error"], cat))
        check(any(("feed=%s " % name) in ln and ('error="%s:' % cat) in ln
                  for ln in err.splitlines()),
              "feed %s: no log line naming %r" % (name, cat))
    eq(len({v.split(":")[0] for v in cats.values()}), len(want),
       "distinct error categories")


def test_unchanged_body_without_validators(t):
    srv = t.feed_server()
    srv.set("/f", NoValidators(rss2([latvia("n1")])))
    cfg = cfg_for(t, {"f": srv.url("/f")})
    rc, out, err = t.run_once(cfg, args=("-v",))
    eq(rc, 0, "exit status")
    eq(len(nwtest.parse_alert_lines(out)), 1, "alerts of the first run")
    rc, out, err = t.run_once(cfg, args=("-v",))
    eq(rc, 0, "exit status")
    for r in srv.requests("/f"):
        eq(r.headers.get("if-none-match"), None, "If-None-Match sent")
    check(any("feed=f " in ln and "unchanged" in ln for ln in err.splitlines()),
          "the second poll of an unchanged body was parsed: %r" % err)
    # A changed body is parsed again and alerts.
    srv.set("/f", NoValidators(rss2([latvia("n1"), latvia("n2")])))
    rc, out, err = t.run_once(cfg)
    eq([a["item"]["id"] for a in nwtest.parse_alert_lines(out)], ["n2"],
       "alerts after the body changed")
    check(feed_state(t, "f")["body_hash"] is not None,
          "no body hash kept for a server without validators")
    # With validators the next poll is conditional: no hash is kept.
    srv.set("/f", Feed(rss2([latvia("n1"), latvia("n2")])))
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status with validators")
    st = feed_state(t, "f")
    check(st["etag"] is not None, "no ETag stored: %r" % st)
    eq(st["body_hash"], None, "body hash of a body with validators")


def test_permanent_redirect_logged_once(t):
    srv = t.feed_server()
    srv.set("/old", nwtest.Redirect(301, "/new"))
    srv.set("/new", Feed(rss2([latvia("r1")])))
    cfg = cfg_for(t, {"f": srv.url("/old")})
    logs = ""
    for _ in range(3):
        rc, out, err = t.run_once(cfg)
        eq(rc, 0, "exit status")
        logs += err
    eq(srv.count("/old"), 1, "requests for the old url after a 301")
    eq(sum("moved permanently" in ln for ln in logs.splitlines()), 1,
       "log lines about the move over three runs")


def test_schedules_spread(t):
    # Twenty feeds of one interval do not all fire in the same second.
    srv = t.feed_server()
    feeds = {}
    for i in range(20):
        feeds["f%02d" % i] = srv.set("/f%02d" % i, Feed(rss2([latvia(
            "s%d" % i)])))
    d = t.start_daemon(cfg_for(t, feeds, daemon={"interval": "8s",
                                                 "per_host": "16",
                                                 "concurrency": "16"}))
    wait_until(lambda: all(srv.count("/f%02d" % i) >= 1 for i in range(20)),
               20, "every feed polled once")
    d.stop(5)
    first = sorted(min(starts(srv, "/f%02d" % i)) for i in range(20))
    buckets = {}
    for s in first:
        buckets[int(s - first[0])] = buckets.get(int(s - first[0]), 0) + 1
    check(first[-1] - first[0] >= 2.0,
          "first polls of 20 feeds all within %.2fs" % (first[-1] - first[0]))
    check(max(buckets.values()) <= 10,
          "%d of 20 feeds fired in the same second" % max(buckets.values()))


if __name__ == "__main__":
    nwtest.main(globals())
