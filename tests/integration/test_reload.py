#!/usr/bin/env python3
"""SIGHUP with includes (issue 6, point 3): feeds added start, removed ones
stop, a changed watchlist applies to the next items, a bad file keeps the
old configuration and logs every FILE:LINE, queued alerts are kept."""

import os
import re
import signal
import time

import nwtest
from nwtest import Fail, check, eq, item, rss2, Feed, wait_until


def write_feed(t, name, url):
    return t.write(os.path.join("conf.d", "%s.conf" % name),
                   '[feed "%s"]\nurl = %s\n' % (name, url))


def test_reload_feeds_watchlists_queue(t):
    srv = t.feed_server()
    hook = t.webhook()
    for p in ("/a.xml", "/b.xml", "/c.xml"):
        srv.set(p, Feed(rss2([item("Weather in Riga", guid="w" + p)])))
    srv.set("/a.xml", Feed(rss2([item("Latvia joins the talks", guid="l1")])))
    os.makedirs(t.path("conf.d"))
    write_feed(t, "a", srv.url("/a.xml"))
    write_feed(t, "b", srv.url("/b.xml"))
    wl = t.write(os.path.join("conf.d", "wl.conf"),
                 '[watchlist "old"]\nmatch = Latvia\nnotify = ops\n')
    cfg = t.config(webhooks={"ops": {"url": hook.url()}},
                   daemon={"interval": "1s", "timeout": "5s",
                           "include": t.path("conf.d") + "/*.conf"})
    # The first delivery fails: the alert waits in the queue.
    hook.respond(200, fail_times=1)
    d = t.start_daemon(cfg)
    hook.wait_posts(1, timeout=20)
    srv.wait_requests("/b.xml", 1, timeout=15)
    eq(srv.count("/c.xml"), 0, "polls of c before it is configured")

    # New configuration: c added, b removed, the watchlist now Estonia.
    os.unlink(t.path("conf.d/b.conf"))
    write_feed(t, "c", srv.url("/c.xml"))
    t.write(os.path.join("conf.d", "wl.conf"),
            '[watchlist "new"]\nmatch = Estonia\nnotify = ops\n')
    d.signal(signal.SIGHUP)
    srv.wait_requests("/c.xml", 1, timeout=15)
    time.sleep(1.5)            # a poll of b in flight at the HUP may end
    nb = srv.count("/b.xml")
    n = srv.count("/c.xml")
    srv.wait_requests("/c.xml", n + 2, timeout=15)
    eq(srv.count("/b.xml"), nb, "polls of the removed feed b")

    # The alert queued before the reload is still delivered, same id.
    posts = hook.wait_posts(1, timeout=20, accepted=True)
    first = hook.all()[0]
    eq(posts[-1].id, first.id, "id of the alert queued across the reload")
    eq(posts[-1].json()["watchlist"], "old", "its watchlist")

    # Next items: the new watchlist applies, the old one no longer does.
    srv.set("/a.xml", Feed(rss2([
        item("Latvia joins the talks", guid="l1"),
        item("Latvia again", guid="l2"),
        item("Estonia and Latvia", guid="e1")])))
    wait_until(lambda: len(hook.accepted()) >= 2, 20, "the Estonia alert")
    n = srv.count("/a.xml")
    srv.wait_requests("/a.xml", n + 2, timeout=15)
    got = sorted((p.json()["watchlist"], p.json()["item"]["id"])
                 for p in hook.accepted())
    eq(got, [("new", "e1"), ("old", "l1")], "alerts accepted")

    # A bad reload: every FILE:LINE logged, the old configuration stays.
    bad1 = t.write(os.path.join("conf.d", "zz-bad.conf"),
                   '[feed "d"]\nurl = gopher://x/\nbogus = 1\n')
    with open(cfg, "a") as f:
        f.write("nonsense = 2\n")
    with open(cfg) as f:
        main_line = len(f.read().splitlines())
    d.signal(signal.SIGHUP)
    for where in ("%s:%d:" % (cfg, main_line), "%s:2:" % bad1,
                  "%s:3:" % bad1):
        wait_until(lambda: where in d.stderr(), 10,
                   "%s in the log" % where)
    wait_until(lambda: "configuration not changed" in d.stderr(), 5,
               "'configuration not changed'")
    n = srv.count("/c.xml")
    srv.wait_requests("/c.xml", n + 2, timeout=15)
    eq(srv.count("/b.xml"), nb, "polls of b after a refused reload")
    d.check_alive(" after a refused reload")
    d.stop(8)


def test_reload_opml(t):
    # Feeds from OPML: an outline added to the file starts polling.
    srv = t.feed_server()
    for p in ("/a.xml", "/b.xml"):
        srv.set(p, Feed(rss2([item("Weather in Riga", guid="w" + p)])))
    outline = '<outline text="%s" xmlUrl="%s"/>'
    opml = ('<?xml version="1.0"?><opml version="2.0"><body>'
            '<outline text="News">%s</outline></body></opml>\n')
    t.write("feeds.opml", opml % (outline % ("A feed", srv.url("/a.xml"))))
    cfg = t.config(daemon={"interval": "1s", "timeout": "5s"},
                   extra="[opml]\nfile = feeds.opml\n")
    d = t.start_daemon(cfg)
    srv.wait_requests("/a.xml", 1, timeout=15)
    t.write("feeds.opml", opml % (outline % ("A feed", srv.url("/a.xml")) +
                                  outline % ("B feed", srv.url("/b.xml"))))
    d.signal(signal.SIGHUP)
    srv.wait_requests("/b.xml", 1, timeout=15)
    d.stop(8)


if __name__ == "__main__":
    nwtest.main(globals())
