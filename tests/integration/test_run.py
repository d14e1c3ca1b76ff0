#!/usr/bin/env python3
"""Run mode: polling on a schedule, SIGTERM/SIGINT, restart, SIGHUP reload
(interface.md "Command line", architecture.md "Reload")."""

import sys
import re
import signal
import time

sys.dont_write_bytecode = True   # no __pycache__ in the tree
import nwtest  # noqa: E402
from nwtest import Fail, check, eq, item, rss2, Feed, wait_until


def config(t, srv, hook, watchlists, name="run.conf"):
    return t.config(feeds={"a": srv.url("/a.xml")}, watchlists=watchlists,
                    webhooks={"ops": {"url": hook.url(), "secret": hook.secret}},
                    daemon={"interval": "1s", "timeout": "5s"}, name=name)


def posts_for(hook, **want):
    out = []
    for p in hook.all():
        a = p.json()
        if all(a["item"].get(k) == v if k != "watchlist" else a["watchlist"] == v
               for k, v in want.items()):
            out.append(p)
    return out


def test_run_alerts_new_item_and_restart(t):
    srv = t.feed_server()
    hook = t.webhook(nwtest.make_secret())
    items = [item("Weather in Riga", guid="w1")]
    srv.set("/a.xml", Feed(rss2(items)))
    cfg = config(t, srv, hook, {"baltic": {"match": "Latvia", "notify": "ops"}})
    d = t.start_daemon(cfg)
    srv.wait_requests("/a.xml", 1, timeout=15)
    d.check_alive(" after its first poll")
    eq(hook.all(), [], "POSTs before any matching item")
    items.append(item("Latvia joins the talks", guid="l1"))
    srv.set("/a.xml", Feed(rss2(items)))
    posts = hook.wait_posts(1, timeout=20)
    a = posts[0].json()
    eq(a["item"]["id"], "l1", "item alerted")
    check(posts[0].sig_error is None, "signature: %s" % posts[0].sig_error)
    n = srv.count("/a.xml")
    srv.wait_requests("/a.xml", n + 2, timeout=15)   # more polls, no more alerts
    d.stop(5)
    eq(len(hook.all()), 1, "POSTs in the first life")

    # Restart: the feed changes (new ETag) but the old items are seen.
    items.append(item("Snow in Tallinn", guid="s1"))
    srv.set("/a.xml", Feed(rss2(items)))
    n = srv.count("/a.xml")
    d = t.start_daemon(cfg)
    srv.wait_requests("/a.xml", n + 3, timeout=20)
    d.stop(5)
    eq([p.json()["item"]["id"] for p in hook.all()], ["l1"],
       "items alerted over two lives (nothing twice)")


def test_run_interval(t):
    # A feed is polled on its interval, not in a loop: over a window of
    # 4 intervals it is polled a handful of times (jitter may shorten an
    # interval, so the bound allows intervals of half the setting).
    for interval, window, most in (("1s", 4, 9), ("2s", 5, 6)):
        srv = t.feed_server()
        hook = t.webhook(nwtest.make_secret())
        srv.set("/a.xml", Feed(rss2([item("Weather in Riga", guid="w1")])))
        cfg = t.config(feeds={"a": srv.url("/a.xml")},
                       watchlists={"w": {"match": "Latvia", "notify": "ops"}},
                       webhooks={"ops": {"url": hook.url()}},
                       daemon={"interval": interval, "timeout": "5s"})
        d = t.start_daemon(cfg)
        srv.wait_requests("/a.xml", 1, timeout=15)
        time.sleep(window)
        d.stop(5)
        n = srv.count("/a.xml")
        check(2 <= n <= most, "feed with interval = %s polled %d times in "
              "~%d s" % (interval, n, window))


def run_paused(t, behaviour):
    # Whether a Retry-After pauses the feed or its whole host is not in the
    # contract: one feed per daemon here.
    srv = t.feed_server()
    hook = t.webhook(nwtest.make_secret())
    srv.set("/f", behaviour)
    cfg = t.config(feeds={"f": srv.url("/f")},
                   watchlists={"w": {"match": "Latvia", "notify": "ops"}},
                   webhooks={"ops": {"url": hook.url()}},
                   daemon={"interval": "1s", "timeout": "5s"})
    d = t.start_daemon(cfg)
    srv.wait_requests("/f", 1, timeout=15)
    time.sleep(3.5)
    d.stop(5)
    return srv.count("/f")


def test_run_410_stops_polling(t):
    eq(run_paused(t, nwtest.Status(410)), 1,
       "polls (interval 1s, ~3.5 s) of a feed that answered 410 Gone")


def test_run_retry_after_pauses(t):
    eq(run_paused(t, nwtest.Status(429, retry_after=3600)), 1,
       "polls (interval 1s, ~3.5 s) of a feed under Retry-After: 3600")


def test_listen_metrics_healthz(t):
    srv = t.feed_server()
    hook = t.webhook(nwtest.make_secret())
    srv.set("/a.xml", Feed(rss2([item("Latvia news", guid="l1")])))
    port = nwtest.free_port()
    cfg = t.config(feeds={"a": srv.url("/a.xml")},
                   watchlists={"w": {"match": "Latvia", "notify": "ops"}},
                   webhooks={"ops": {"url": hook.url(), "secret": hook.secret}},
                   daemon={"interval": "2s", "listen": "127.0.0.1:%d" % port})
    d = t.start_daemon(cfg)
    base = "http://127.0.0.1:%d" % port
    wait_until(lambda: nwtest.http_get(base + "/healthz")[0] == 200, 10,
               "GET /healthz to answer 200 (last: %r)"
               % (nwtest.http_get(base + "/healthz"),))
    hook.wait_posts(1, timeout=15)
    st, hd, body = nwtest.http_get(base + "/metrics")
    eq(st, 200, "status of GET /metrics")
    check(hd.get("content-type", "").startswith("text/plain"),
          "/metrics Content-Type %r, want text/plain" % hd.get("content-type"))
    text = body.decode("utf-8")
    sample = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})?\s+"
                        r"[-+]?([0-9.eE+-]+|NaN|Inf)(\s+-?\d+)?$")
    samples = 0
    for ln in text.splitlines():
        if not ln.strip() or ln.startswith("#"):
            continue
        check(sample.match(ln), "/metrics line is not Prometheus text: %r" % ln)
        samples += 1
    check(samples > 0, "/metrics has no samples: %r" % text[:300])
    d.check_alive(" while serving /metrics")
    d.stop(5)


def test_sigint_clean_stop(t):
    srv = t.feed_server()
    hook = t.webhook(nwtest.make_secret())
    srv.set("/a.xml", Feed(rss2([item("Weather in Riga", guid="w1")])))
    cfg = config(t, srv, hook, {"baltic": {"match": "Latvia", "notify": "ops"}})
    d = t.start_daemon(cfg)
    srv.wait_requests("/a.xml", 1, timeout=15)
    d.signal(signal.SIGINT)
    try:
        rc = d.proc.wait(5)
    except Exception:
        raise Fail("daemon did not exit within 5s of SIGINT")
    eq(rc, 0, "exit status after SIGINT")


def test_run_bad_config_exits_1(t):
    cfg = t.write("bad.conf", "[daemon]\nstate = %s\nnonsense = 1\n" % t.state)
    d = t.start_daemon(cfg)
    try:
        rc = d.proc.wait(10)
    except Exception:
        raise Fail("daemon kept running on a bad configuration")
    eq(rc, 1, "exit status of run mode on a bad configuration")
    check(re.search(re.escape(cfg) + r":3:", d.stderr()),
          "no %s:3: in stderr: %r" % (cfg, d.stderr()))


def test_sighup_reload(t):
    srv = t.feed_server()
    hook = t.webhook(nwtest.make_secret())
    items = [item("Weather in Riga", guid="w1")]
    srv.set("/a.xml", Feed(rss2(items)))
    good1 = {"old": {"match": "Latvia", "notify": "ops"}}
    cfg = config(t, srv, hook, good1)
    d = t.start_daemon(cfg)
    srv.wait_requests("/a.xml", 1, timeout=15)

    # A broken configuration: logged with FILE:LINE, the old one stays.
    config(t, srv, hook, good1)
    with open(cfg) as f:
        lines = f.read().splitlines()
    bad_line = len(lines) + 1
    with open(cfg, "a") as f:
        f.write("no_such_key = 1\n")
    d.signal(signal.SIGHUP)
    wait_until(lambda: re.search(re.escape(cfg) + r":%d:" % bad_line,
                                 d.stderr()), 10,
               "the reload error %s:%d: on stderr" % (cfg, bad_line))
    n = srv.count("/a.xml")
    srv.wait_requests("/a.xml", n + 2, timeout=15)
    d.check_alive(" after SIGHUP with a broken configuration")
    items.append(item("Latvia and NATO", guid="l1"))
    srv.set("/a.xml", Feed(rss2(items)))
    hook.wait_posts(1, timeout=20)
    a = hook.all()[0].json()
    eq((a["watchlist"], a["item"]["id"]), ("old", "l1"),
       "alert under the old configuration")

    # A good configuration: its watchlist applies.
    config(t, srv, hook, {"new": {"match": "Estonia", "notify": "ops"}})
    d.signal(signal.SIGHUP)
    n = srv.count("/a.xml")
    srv.wait_requests("/a.xml", n + 3, timeout=15)
    d.check_alive(" after SIGHUP with a good configuration")
    items.append(item("Estonia and Latvia", guid="e1"))
    srv.set("/a.xml", Feed(rss2(items)))
    hook.wait_posts(2, timeout=20)
    n = srv.count("/a.xml")
    srv.wait_requests("/a.xml", n + 2, timeout=15)
    d.stop(5)
    got = sorted((p.json()["watchlist"], p.json()["item"]["id"])
                 for p in hook.all())
    eq(got, [("new", "e1"), ("old", "l1")],
       "alerts (the new watchlist applies, the old one is gone)")


if __name__ == "__main__":
    nwtest.main(globals())
