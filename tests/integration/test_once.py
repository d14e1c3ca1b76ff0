#!/usr/bin/env python3
"""--once and --dry-run against a real feed server and webhook receiver:
alerts, their JSON, signatures, dedup, retries, sinks (interface.md)."""

import sys
import datetime
import json
import time

sys.dont_write_bytecode = True   # no __pycache__ in the tree
import nwtest  # noqa: E402
from nwtest import (Fail, check, eq, item, rss2, atom, Feed, norm_ws,
                    check_alert_json, parse_alert_lines)

BALTIC = "Latvia AND (NATO OR troop*)"

A_ITEMS = [
    item("Latvia asks NATO for more troops", link="http://news.example.org/a1",
         guid="tag:a,1",
         summary="<p>Riga wants <b>allies</b> to stay &amp; fight.</p>",
         author="Lee Berthiaume"),
    item("Weather in Riga", link="http://news.example.org/a2", guid="tag:a,2",
         summary="Sunny and cold."),
    item("Troops arrive in Latvia", link="http://news.example.org/a3",
         guid="tag:a,3", summary="Canadian soldiers land."),
]
B_ITEMS = [
    item("NATO battle group in Latvia", link="http://news.example.org/b1",
         guid="urn:b:1", summary="Exercises", author="Jane Doe"),
    item("Estonia news", link="http://news.example.org/b2", guid="urn:b:2",
         summary="Nothing to see."),
]
# (feed, item id) of every alert the watchlist BALTIC must raise.
EXPECTED = {("a", "tag:a,1"), ("a", "tag:a,3"), ("b", "urn:b:1")}


def setup(t, notify="ops", secret=True, fmt="json"):
    srv = t.feed_server()
    hook = t.webhook(nwtest.make_secret() if secret else None)
    urls = {"a": srv.set("/a.xml", Feed(rss2(A_ITEMS))),
            "b": srv.set("/b.xml", Feed(atom(B_ITEMS),
                                        content_type="application/atom+xml"))}
    wh = {"url": hook.url("/hook"), "format": fmt}
    if secret:
        wh["secret"] = hook.secret
    cfg = t.config(feeds=urls,
                   watchlists={"baltic": {"match": BALTIC, "notify": notify}},
                   webhooks={"ops": wh})
    return srv, hook, cfg, urls


def alert_key(a):
    return (a["feed"]["name"], a["item"]["id"])


def check_posts(hook, urls, what="webhook"):
    """Every POST is a signed, well-formed alert; returns {key: [alerts]}."""
    by_key = {}
    now = time.time()
    for p in hook.all():
        eq(p.path, "/hook", "%s POST path" % what)
        ct = p.headers.get("content-type", "")
        check(ct.split(";")[0].strip().lower() == "application/json",
              "%s Content-Type is %r, want application/json" % (what, ct))
        check(p.sig_error is None, "%s signature: %s" % (what, p.sig_error))
        try:
            a = p.json()
        except ValueError as e:
            raise Fail("%s body is not JSON (%s): %r" % (what, e, p.body[:300]))
        check_alert_json(a, what + " body")
        eq(p.headers.get("webhook-id"), a["id"], "webhook-id header vs alert id")
        ts = p.headers.get("webhook-timestamp", "")
        check(ts.isdigit() and abs(int(ts) - now) < 600,
              "webhook-timestamp %r is not Unix seconds of now" % ts)
        eq(a["watchlist"], "baltic", "alert watchlist")
        eq(a["feed"]["url"], urls[a["feed"]["name"]], "alert feed.url")
        by_key.setdefault(alert_key(a), []).append(a)
    return by_key


def test_once_webhook_json(t):
    srv, hook, cfg, urls = setup(t)
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status of --once (all delivered)")
    by_key = check_posts(hook, urls)
    eq(set(by_key), EXPECTED, "(feed, item id) of the alerts delivered")
    for k, alerts in by_key.items():
        eq(len(alerts), 1, "deliveries of alert %r" % (k,))
    eq(len({p.id for p in hook.all()}), 3, "distinct webhook-ids")

    a = by_key[("a", "tag:a,1")][0]
    eq(a["matched"], ["Latvia", "NATO", "troops"], "matched of a/tag:a,1")
    it = a["item"]
    eq(it["title"], "Latvia asks NATO for more troops", "item.title")
    eq(it["link"], "http://news.example.org/a1", "item.link")
    eq(it["published"], "2022-01-21T14:12:00Z", "item.published")
    eq(it["author"], "Lee Berthiaume", "item.author")
    eq(norm_ws(it["summary"]), "Riga wants allies to stay & fight.",
       "item.summary (plain text)")
    eq(by_key[("a", "tag:a,3")][0]["matched"], ["Troops", "Latvia"],
       "matched of a/tag:a,3 (as in the text, in order)")
    b = by_key[("b", "urn:b:1")][0]
    eq(b["matched"], ["NATO", "Latvia"], "matched of b/urn:b:1")
    eq(b["item"]["author"], "Jane Doe", "Atom item.author")
    eq(b["item"]["link"], "http://news.example.org/b1", "Atom item.link")

    # Second run: conditional GETs answered 304, nothing alerted again.
    n_posts = len(hook.all())
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status of the second --once")
    eq(len(hook.all()), n_posts, "POSTs during the second --once")
    for path in ("/a.xml", "/b.xml"):
        reqs = srv.requests(path)
        eq(len(reqs), 2, "requests for %s over two runs" % path)
        etag = srv.routes[path].etag
        eq(reqs[1].headers.get("if-none-match"), etag,
           "If-None-Match of the second request for %s" % path)
        eq(reqs[1].status, 304, "answer to the second request for %s" % path)


def test_once_stdout_sink(t):
    srv, hook, cfg, urls = setup(t, notify="stdout")
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status of --once")
    alerts = parse_alert_lines(out)
    eq(sorted(alert_key(a) for a in alerts), sorted(EXPECTED),
       "alerts printed on stdout, one line each")
    eq(len({a["id"] for a in alerts}), 3, "distinct alert ids")
    eq(hook.all(), [], "POSTs to a webhook no watchlist notifies")
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status of the second --once")
    eq(parse_alert_lines(out), [], "alerts printed by the second --once")


def test_dry_run_changes_no_state(t):
    srv, hook, cfg, urls = setup(t)
    rc, out, err = t.run_once(cfg, dry_run=True)
    eq(rc, 0, "exit status of --once --dry-run")
    dry = parse_alert_lines(out)
    eq(sorted(alert_key(a) for a in dry), sorted(EXPECTED),
       "alerts printed by --dry-run")
    # A dry run that POSTed would deliver everything twice (the next real
    # run alerts again, below).
    eq(hook.all(), [], "webhook POSTs during --dry-run")
    # No state: a second dry run sees the same, and the real run after it
    # asks without validators and alerts everything.
    rc, out, err = t.run_once(cfg, dry_run=True)
    eq(sorted(alert_key(a) for a in parse_alert_lines(out)), sorted(EXPECTED),
       "alerts printed by a second --dry-run")
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status of the real --once after --dry-run")
    for path in ("/a.xml", "/b.xml"):
        for r in srv.requests(path):
            check("if-none-match" not in r.headers and
                  "if-modified-since" not in r.headers,
                  "request for %s carries validators stored by a dry run: %r"
                  % (path, r.headers))
    by_key = check_posts(hook, urls)
    eq(set(by_key), EXPECTED, "alerts delivered by the real run")
    eq({a["id"] for a in dry}, {p.id for p in hook.all()},
       "ids of the dry run vs the real run")


def test_webhook_503_then_retry(t):
    srv, hook, cfg, urls = setup(t)
    hook.respond(503, retry_after=3600)
    rc, out, err = t.run_once(cfg)
    eq(rc, 2, "exit status of --once when the webhook answers 503")
    first = hook.all()
    check(first, "the daemon never tried the webhook")
    ids = {}
    for p in first:
        a = p.json()
        eq(p.id, a["id"], "webhook-id vs alert id")
        ids[alert_key(a)] = p.id
        check(p.sig_error is None, "signature: %s" % p.sig_error)
    check(set(ids) <= EXPECTED, "unexpected alerts %r" % (set(ids) - EXPECTED))
    eq(len(first), len(ids), "POSTs in the failing run (each alert at most "
       "once)")

    # Receiver back: the next --once delivers the same alerts under the
    # same ids, although Retry-After (1 h) is still running.
    hook.respond(200)
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status of --once once the webhook accepts")
    second = hook.all()[len(first):]
    got = {}
    for p in second:
        a = p.json()
        got.setdefault(alert_key(a), []).append(p.id)
    eq(set(got), EXPECTED, "alerts delivered by the second run")
    for k, pids in got.items():
        eq(len(pids), 1, "POSTs of %r in the second run" % (k,))
        if k in ids:
            eq(pids[0], ids[k], "webhook-id of the redelivery of %r" % (k,))
    # And then nothing is left.
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status of a third --once")
    eq(len(hook.all()), len(first) + len(second), "POSTs in the third run")


def test_once_tries_every_queued_alert(t):
    # "--once: try every queued alert once (earlier undelivered ones too,
    # whatever their backoff)": a 503 with Retry-After on the first POST
    # does not excuse the others from their one try.
    srv, hook, cfg, urls = setup(t)
    hook.respond(503, retry_after=3600)
    rc, out, err = t.run_once(cfg)
    eq(rc, 2, "exit status of --once when the webhook answers 503")
    tried = sorted(alert_key(p.json()) for p in hook.all())
    eq(tried, sorted(EXPECTED), "alerts tried in the first run (each once)")
    rc, out, err = t.run_once(cfg)
    eq(rc, 2, "exit status of a second --once, webhook still 503")
    tried = sorted(alert_key(p.json()) for p in hook.all())
    eq(tried, sorted(list(EXPECTED) * 2),
       "alerts tried over two runs (each once per run, whatever the backoff)")


def test_webhook_500_once(t):
    srv, hook, cfg, urls = setup(t)
    hook.respond(200, fail_times=1, fail_status=500)
    rc, out, err = t.run_once(cfg)
    eq(rc, 2, "exit status of --once when one POST got 500")
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status of the next --once")
    acc = hook.accepted()
    eq(sorted(alert_key(p.json()) for p in acc), sorted(EXPECTED),
       "alerts accepted, each once")
    failed = [p for p in hook.all() if p.status == 500]
    eq(len(failed), 1, "POSTs that got 500")
    check(failed[0].id in {p.id for p in acc},
          "the alert that got 500 was delivered later under another id")


def test_same_story_two_feeds(t):
    srv = t.feed_server()
    story = "http://news.example.org/story/latvia-nato"
    urls = {
        "a": srv.set("/a.xml", Feed(rss2([
            item("Latvia asks NATO for troops", link=story, guid="a-1"),
            item("Other A", link="http://news.example.org/oa", guid="a-2")]))),
        "b": srv.set("/b.xml", Feed(atom([
            item("Latvia asks NATO for more troops", link=story, guid="urn:b-1"),
            item("Other B", link="http://news.example.org/ob", guid="urn:b-2")]))),
    }
    cfg = t.config(feeds=urls, watchlists={
        "w1": {"match": "Latvia", "notify": "stdout"},
        "w2": {"match": "NATO", "notify": "stdout"}})
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status")
    alerts = parse_alert_lines(out)
    eq(sorted(a["watchlist"] for a in alerts), ["w1", "w2"],
       "one alert per watchlist for a story in two feeds (same link)")
    for a in alerts:
        eq(a["item"]["link"], story, "link of the alert")
    rc, out, err = t.run_once(cfg)
    eq(parse_alert_lines(out), [], "alerts of the second run")


def test_exclude_vetoes(t):
    srv = t.feed_server()
    url = srv.set("/a.xml", Feed(rss2([
        item("Latvia hockey team wins", guid="1"),
        item("Latvia sports", guid="2", summary="A football match in Riga"),
        item("Latvia elects a president", guid="3"),
    ])))
    cfg = t.config(feeds={"a": url}, watchlists={
        "w": {"match": "Latvia", "exclude": "hockey OR football",
              "notify": "stdout"}})
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status")
    eq([a["item"]["id"] for a in parse_alert_lines(out)], ["3"],
       "items alerted (the others are excluded)")


def test_feeds_restricts(t):
    srv = t.feed_server()
    urls = {
        "a": srv.set("/a.xml", Feed(rss2([item("Latvia in feed A",
                                              guid="a1")]))),
        "b": srv.set("/b.xml", Feed(rss2([item("Latvia is also in feed B",
                                              guid="b1")]))),
    }
    cfg = t.config(feeds=urls, watchlists={
        "only_a": {"match": "Latvia", "feeds": "a", "notify": "stdout"},
        "all": {"match": "Latvia", "notify": "stdout"}})
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status")
    got = sorted((a["watchlist"], a["feed"]["name"])
                 for a in parse_alert_lines(out))
    eq(got, [("all", "a"), ("all", "b"), ("only_a", "a")],
       "(watchlist, feed) of the alerts")


def test_slack_and_discord(t):
    srv = t.feed_server()
    hook = t.webhook()
    link = "http://news.example.org/slack-discord"
    url = srv.set("/a.xml", Feed(rss2([item("Latvia asks NATO for help",
                                            link=link)])))
    cfg = t.config(feeds={"a": url},
                   watchlists={"w": {"match": "Latvia", "notify": "sl dc"}},
                   webhooks={"sl": {"url": hook.url("/slack"), "format": "slack"},
                             "dc": {"url": hook.url("/discord"),
                                    "format": "discord"}})
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status")
    for path, key in (("/slack", "text"), ("/discord", "content")):
        posts = hook.all(path)
        eq(len(posts), 1, "POSTs to %s" % path)
        p = posts[0]
        ct = p.headers.get("content-type", "")
        check(ct.split(";")[0].strip().lower() == "application/json",
              "%s Content-Type is %r" % (path, ct))
        try:
            body = p.json()
        except ValueError:
            raise Fail("%s body is not JSON: %r" % (path, p.body))
        check(isinstance(body, dict) and isinstance(body.get(key), str),
              "%s body is not {%r: string}: %r" % (path, key, body))
        check(link in body[key], "%s %s lacks the link: %r"
              % (path, key, body[key]))
        check("webhook-id" in p.headers, "%s POST lacks webhook-id" % path)


def test_syslog_sink(t):
    sl = t.syslog()
    srv = t.feed_server()
    url = srv.set("/a.xml", Feed(rss2(A_ITEMS)))
    cfg = t.config(feeds={"a": url}, watchlists={
        "baltic": {"match": BALTIC, "notify": "syslog"},
        "riga": {"match": "Riga AND weather"}})      # default sink: syslog
    rc, out, err = t.run_once(cfg, syslog=sl)
    eq(rc, 0, "exit status of --once under the syslog wrapper")
    time.sleep(0.3)
    lines = [ln for ln in sl.all() if ln.msg.startswith("alert ")]
    want = {
        'alert watchlist=baltic feed=a title="Latvia asks NATO for more troops"'
        ' link=http://news.example.org/a1',
        'alert watchlist=baltic feed=a title="Troops arrive in Latvia"'
        ' link=http://news.example.org/a3',
        'alert watchlist=riga feed=a title="Weather in Riga"'
        ' link=http://news.example.org/a2',
    }
    eq(sorted(ln.msg for ln in lines), sorted(want),
       "alert lines on syslog (all lines: %r)" % sl.all())
    for ln in lines:
        eq(ln.ident, "newswatchd", "syslog ident")
        eq(ln.facility, 3, "syslog facility (LOG_DAEMON) of %r" % ln.raw)
        eq(ln.severity, 5, "syslog severity (LOG_NOTICE) of %r" % ln.raw)
        check(ln.pid is not None, "no pid (LOG_PID) in %r" % ln.raw)
    check(not out.strip(), "alerts for syslog also went to stdout: %r" % out)


def test_max_age(t):
    srv = t.feed_server()
    fresh = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=2)
    url = srv.set("/a.xml", Feed(rss2([
        item("Latvia in 2022", guid="old"),            # 2022-01-21
        item("Latvia today", guid="new", published=fresh)])))
    cfg = t.config(feeds={"a": url}, daemon={"max_age": "1d"},
                   watchlists={"w": {"match": "Latvia", "notify": "stdout"}})
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status")
    eq([a["item"]["id"] for a in parse_alert_lines(out)], ["new"],
       "items alerted with max_age = 1d")


def test_same_title_two_feeds(t):
    srv = t.feed_server()
    title = "Latvia asks NATO for troops"
    urls = {"a": srv.set("/a.xml", Feed(rss2([item(title, guid="a1",
                          link="http://news.example.org/a/story")]))),
            "b": srv.set("/b.xml", Feed(rss2([item(title, guid="b1",
                          link="http://other.example.net/b/story")])))}
    cfg = t.config(feeds=urls, watchlists={
        "w1": {"match": "Latvia", "notify": "stdout"},
        "w2": {"match": "troop*", "notify": "stdout"}})
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status")
    eq(sorted(a["watchlist"] for a in parse_alert_lines(out)), ["w1", "w2"],
       "one alert per watchlist for a story in two feeds (same title, same "
       "day, different links)")


def test_item_identity_without_guid(t):
    srv = t.feed_server()
    its = [item("Latvia link only", link="http://news.example.org/lo", guid=""),
           item("Latvia bare item", link="", guid="", summary="no link, no guid")]
    url = srv.set("/a.xml", Feed(rss2(its)))
    cfg = t.config(feeds={"a": url},
                   watchlists={"w": {"match": "Latvia", "notify": "stdout"}})
    rc, out, err = t.run_once(cfg)
    alerts = parse_alert_lines(out)
    eq(sorted(a["item"]["title"] for a in alerts),
       ["Latvia bare item", "Latvia link only"], "items alerted")
    lo = [a for a in alerts if a["item"]["title"] == "Latvia link only"][0]
    eq(lo["item"]["id"], "http://news.example.org/lo",
       "item.id of an item without guid (its link)")
    # The feed changes (new ETag): only the new item alerts.
    its.append(item("Latvia third", link="", guid="", summary="new one"))
    srv.set("/a.xml", Feed(rss2(its)))
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status of the second run")
    eq([a["item"]["title"] for a in parse_alert_lines(out)], ["Latvia third"],
       "items alerted by the second run")


def test_seed_article(t):
    srv = t.feed_server()
    seed = nwtest.seed_item()
    url = srv.set("/seed.xml", Feed(rss2([seed])))
    cfg = t.config(feeds={"lapresse": url}, watchlists={
        "baltic": {"match": BALTIC, "notify": "stdout"},
        "karins": {"match": "Karins", "notify": "stdout"}})
    rc, out, err = t.run_once(cfg)
    eq(rc, 0, "exit status")
    alerts = {a["watchlist"]: a for a in parse_alert_lines(out)}
    eq(sorted(alerts), ["baltic", "karins"], "watchlists alerted on the seed")
    b = alerts["baltic"]
    eq(b["item"]["title"], seed["title"], "item.title")
    eq(b["item"]["link"], seed["link"], "item.link")
    eq(b["matched"], ["Latvia", "troops", "NATO"],
       "matched (as in the text, each once, in order of first appearance)")
    s = b["item"]["summary"]
    check(s.startswith("(Ottawa) Latvia hopes"),
          "item.summary does not start with the article: %r" % s[:80])
    check(len(s) <= 1000, "item.summary has %d characters (max 1000)" % len(s))
    k = alerts["karins"]
    eq(k["matched"][0], "Kariņs", "first matched word of Karins")
    check(set(k["matched"]) <= {"Kariņs", "Karins"},
          "matched of Karins: %r" % k["matched"])


if __name__ == "__main__":
    nwtest.main(globals())
