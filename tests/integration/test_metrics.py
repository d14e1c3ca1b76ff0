#!/usr/bin/env python3
"""listen = ADDR:PORT: GET /metrics in the Prometheus text format and
GET /healthz (issue 6, point 4), scraped from the running daemon."""

import math
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import nwtest
from nwtest import Fail, check, eq, item, rss2, Feed, wait_until

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r"[a-zA-Z_][a-zA-Z0-9_]*"
SAMPLE = re.compile(r"^(%s)(\{(.*)\})? (\S+)$" % NAME)
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


def free_port():
    s = socket.socket()
    s.bind((nwtest.LOOPBACK, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def parse_labels(text, line):
    """'a="x",b="y\\"z"' -> dict; Fail on anything the format forbids."""
    out = {}
    i = 0
    while i < len(text):
        m = re.match(r"(%s)=\"" % LABEL, text[i:])
        if m is None:
            raise Fail("bad label at %r in %r" % (text[i:], line))
        name = m.group(1)
        i += m.end()
        val = []
        while True:
            if i >= len(text):
                raise Fail("unterminated label value in %r" % line)
            c = text[i]
            if c == "\\":
                nxt = text[i + 1:i + 2]
                if nxt not in ("\\", '"', "n"):
                    raise Fail("bad escape \\%s in %r" % (nxt, line))
                val.append("\n" if nxt == "n" else nxt)
                i += 2
            elif c == '"':
                i += 1
                break
            elif c == "\n":
                raise Fail("raw newline in a label value: %r" % line)
            else:
                val.append(c)
                i += 1
        if name in out:
            raise Fail("label %s twice in %r" % (name, line))
        out[name] = "".join(val)
        if i < len(text):
            if text[i] != ",":
                raise Fail("expected ',' at %r in %r" % (text[i:], line))
            i += 1
    return out


def parse_metrics(text):
    """A strict reading of the text format 0.0.4.  Returns
    {family: {"type": t, "help": h, "samples": [(name, labels, value)]}}."""
    check(text.endswith("\n"), "exposition does not end with a newline")
    fams = {}
    order = []
    cur = None
    for line in text.split("\n")[:-1]:
        check(line != "", "empty line in the exposition")
        if line.startswith("#"):
            m = re.match(r"^# (HELP|TYPE) (%s) (.*)$" % NAME, line)
            check(m is not None, "bad comment line %r" % line)
            kind, name, rest = m.groups()
            f = fams.setdefault(name, {"type": None, "help": None,
                                       "samples": []})
            if name not in order:
                order.append(name)
            elif cur != name:
                raise Fail("family %s is not contiguous" % name)
            cur = name
            if kind == "TYPE":
                check(f["type"] is None, "two TYPE lines for %s" % name)
                check(rest in TYPES, "bad type %r" % rest)
                check(not f["samples"], "TYPE after samples of %s" % name)
                f["type"] = rest
            else:
                check(f["help"] is None, "two HELP lines for %s" % name)
                f["help"] = rest
            continue
        m = SAMPLE.match(line)
        check(m is not None, "bad sample line %r" % line)
        name, _, labels, value = m.groups()
        labels = parse_labels(labels or "", line)
        try:
            v = float(value)
        except ValueError:
            raise Fail("bad value %r in %r" % (value, line))
        fam = name
        if cur is not None and fams[cur]["type"] == "histogram":
            for suf in ("_bucket", "_sum", "_count"):
                if name == cur + suf:
                    fam = cur
        check(fam == cur, "sample %s outside its family (now %s)" % (name, cur))
        check(fams[fam]["type"] is not None, "sample of %s before TYPE" % fam)
        fams[fam]["samples"].append((name, labels, v))
    for name, f in fams.items():
        if f["type"] == "counter":
            check(name.endswith("_total"), "counter %s without _total" % name)
            check(all(s[2] >= 0 for s in f["samples"]), "negative counter")
        if f["type"] == "histogram":
            check_histogram(name, f["samples"])
        seen = set()
        for s in f["samples"]:
            key = (s[0], tuple(sorted(s[1].items())))
            check(key not in seen, "sample %r twice" % (key,))
            seen.add(key)
    return fams


def check_histogram(name, samples):
    buckets = [(s[1]["le"], s[2]) for s in samples if s[0] == name + "_bucket"]
    check(buckets and buckets[-1][0] == "+Inf", "%s: no +Inf bucket" % name)
    les = [float(b[0]) for b in buckets]
    check(les == sorted(les), "%s: buckets out of order" % name)
    counts = [b[1] for b in buckets]
    check(counts == sorted(counts), "%s: buckets not cumulative" % name)
    count = [s[2] for s in samples if s[0] == name + "_count"]
    sums = [s[2] for s in samples if s[0] == name + "_sum"]
    check(count == [counts[-1]], "%s: _count %r != +Inf %r"
          % (name, count, counts[-1]))
    check(len(sums) == 1 and sums[0] >= 0, "%s: _sum" % name)


def value(fams, family, name=None, **labels):
    for s in fams.get(family, {}).get("samples", []):
        if s[0] == (name or family) and all(s[1].get(k) == v
                                            for k, v in labels.items()):
            return s[2]
    return None


def get(url, timeout=5):
    """(status, content-type, body)"""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.headers.get("Content-Type"), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read().decode()


def promtool(text):
    p = shutil.which("promtool")
    if p is None:
        return
    r = subprocess.run([p, "check", "metrics"], input=text.encode(),
                       capture_output=True, timeout=20)
    # Lint findings (HELP wording…) go to stderr with status 3; a parse
    # error is status 1.
    check(r.returncode in (0, 3) and b"error" not in r.stderr.lower(),
          "promtool check metrics: %s" % r.stderr.decode()[-500:])


def setup(t, port, extra_feeds=None):
    srv = t.feed_server()
    srv.set("/a.xml", Feed(rss2([item("Latvia joins the talks", guid="l1"),
                                 item("Weather in Riga", guid="w1")])))
    srv.set("/bad.xml", nwtest.Status(500))
    hook = t.webhook()
    hook.respond(200, fail_times=1, retry_after=1)
    feeds = {"a": srv.url("/a.xml"), "b{x}=1": srv.url("/bad.xml")}
    feeds.update(extra_feeds or {})
    cfg = t.config(feeds=feeds,
                   watchlists={"w": {"match": "Latvia", "notify": "ops"}},
                   webhooks={"ops": {"url": hook.url()}},
                   daemon={"interval": "1s", "timeout": "5s",
                           "listen": "127.0.0.1:%d" % port})
    return srv, hook, cfg


def test_metrics_scrape(t):
    port = free_port()
    srv, hook, cfg = setup(t, port)
    d = t.start_daemon(cfg)
    base = "http://127.0.0.1:%d" % port
    wait_until(lambda: d.check_alive() or _answers(base), 10, "/healthz")
    # One failed attempt, then the alert is delivered.
    hook.wait_posts(1, timeout=20, accepted=True)
    srv.wait_requests("/bad.xml", 2, timeout=15)

    def scraped():
        st, ctype, body = get(base + "/metrics")
        eq(st, 200, "GET /metrics status")
        check(ctype.startswith("text/plain; version=0.0.4"),
              "Content-Type %r" % ctype)
        f = parse_metrics(body)
        if value(f, "newswatch_alerts_delivered_total", sink="ops") == 1:
            return f, body
        return None
    fams, body = wait_until(scraped, 10, "alerts_delivered_total 1")
    promtool(body)
    eq(value(fams, "newswatch_build_info", version="0.1.0"), 1, "build_info")
    eq(value(fams, "newswatch_up"), 1, "newswatch_up")
    eq(value(fams, "newswatch_feeds", state="ok"), 1, "feeds ok")
    eq(value(fams, "newswatch_feeds", state="failing"), 1, "feeds failing")
    eq(value(fams, "newswatch_feeds", state="new"), 0, "feeds new")
    check(value(fams, "newswatch_fetches_total", result="ok") >= 1,
          "fetches ok")
    check(value(fams, "newswatch_fetches_total", result="http_error") >= 2,
          "fetches http_error")
    n = sum(s[2] for s in fams["newswatch_fetches_total"]["samples"])
    eq(value(fams, "newswatch_fetch_duration_seconds",
             "newswatch_fetch_duration_seconds_count"), n,
       "histogram count = fetches")
    check(value(fams, "newswatch_items_parsed_total") >= 2, "items parsed")
    eq(value(fams, "newswatch_items_new_total"), 2, "items new")
    check(value(fams, "newswatch_alerts_failed_total", sink="ops") >= 1,
          "failed attempts counted")
    eq(value(fams, "newswatch_alerts_queued", sink="ops"), 0, "queued")
    eq(value(fams, "newswatch_oldest_queued_alert_age_seconds"), 0,
       "oldest age with an empty queue")
    now = time.time()
    last = value(fams, "newswatch_feed_last_success_timestamp_seconds",
                 feed="a")
    check(last is not None and now - 60 < last <= now + 1,
          "last success of feed a: %r" % last)
    # A feed name with braces and = stays inside its label value.
    eq(value(fams, "newswatch_feed_last_success_timestamp_seconds",
             feed="b{x}=1"), 0, "last success of the failing feed")
    st, _, body = get(base + "/healthz")
    eq((st, body), (200, "ok\n"), "/healthz")
    st, _, _ = get(base + "/nothing")
    eq(st, 404, "GET /nothing")
    d.stop(8)


def _answers(base):
    try:
        return get(base + "/healthz", timeout=1)[0] == 200
    except OSError:
        return False


def test_metrics_queue_age_and_stopping(t):
    # A sink that refuses: the alert stays queued and ages; while the
    # daemon stops (a fetch hangs in flight) /healthz says 503.
    port = free_port()
    srv = t.feed_server()
    srv.set("/a.xml", Feed(rss2([item("Latvia joins the talks", guid="l1")])))
    srv.set("/hang.xml", nwtest.Hang())
    hook = t.webhook()
    hook.respond(503, retry_after=3600)
    cfg = t.config(feeds={"a": srv.url("/a.xml"),
                          "hang": srv.url("/hang.xml")},
                   watchlists={"w": {"match": "Latvia", "notify": "ops"}},
                   webhooks={"ops": {"url": hook.url()}},
                   daemon={"interval": "1s", "timeout": "30s",
                           "listen": "127.0.0.1:%d" % port})
    d = t.start_daemon(cfg)
    base = "http://127.0.0.1:%d" % port
    hook.wait_posts(1, timeout=20)
    srv.wait_requests("/hang.xml", 1, timeout=15)
    time.sleep(1.2)
    fams = parse_metrics(get(base + "/metrics")[2])
    eq(value(fams, "newswatch_alerts_queued", sink="ops"), 1, "queued")
    check(value(fams, "newswatch_oldest_queued_alert_age_seconds") >= 1,
          "oldest queued alert age")
    eq(value(fams, "newswatch_feeds", state="new"), 1,
       "feeds not polled yet (one hangs)")
    d.signal(signal.SIGTERM)
    wait_until(lambda: get(base + "/healthz", timeout=2)[0] == 503, 3,
               "/healthz 503 while stopping")
    try:
        rc = d.proc.wait(10)
    except subprocess.TimeoutExpired:
        raise Fail("daemon did not stop")
    eq(rc, 0, "exit status")


def test_listen_in_use(t):
    # The port is taken: the daemon says so and exits 1.
    s = socket.socket()
    s.bind((nwtest.LOOPBACK, 0))
    s.listen(1)
    port = s.getsockname()[1]
    try:
        cfg = t.config(daemon={"listen": "127.0.0.1:%d" % port})
        d = t.start_daemon(cfg)
        try:
            rc = d.proc.wait(10)
        except subprocess.TimeoutExpired:
            raise Fail("daemon runs though it cannot listen")
        eq(rc, 1, "exit status")
        check("127.0.0.1:%d" % port in d.stderr(), "no address in %r"
              % d.stderr())
    finally:
        s.close()


if __name__ == "__main__":
    nwtest.main(globals())
