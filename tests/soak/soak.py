#!/usr/bin/env python3
"""The soak (issue 7, point 6): newswatchd in run mode for DURATION against
FEEDS feeds (500 by default) whose items keep changing, and a flaky webhook
receiver (a share of requests, 15% by default, fail at random).  Every SAMPLE
seconds (60 by default) it records the daemon's resident anonymous
memory (RssAnon: heap and stacks; VmRSS is shown too),
its open file descriptors (/proc/PID/fd), the size of the WAL file and the
length of the alert queue (live deliveries).

It fails if any of them grows by more than 5% over the second half of the
run: the growth is the least-squares trend of the second half's samples
times its length, compared with 5% of their mean, above a small absolute
floor per figure (a queue of 2 alerts that becomes 3 is no leak).  It also
fails if the daemon dies or stops delivering, or if integrity_check fails.

    python3 tests/soak/soak.py --duration 30m [--feeds 500] [--sample 60]

Prints one line per sample and a summary; the last line is
"1 passed, 0 failed" or "0 passed, 1 failed".
"""

import argparse
import os
import random
import re
import sqlite3
import sys
import threading
import time

sys.dont_write_bytecode = True   # no __pycache__ in the tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import nwtest  # noqa: E402
from nwtest import Fail, item, rss2, Feed  # noqa: E402

# Absolute growth below which a trend is noise, per figure.
FLOORS = {"rss_kb": 128, "fds": 2, "wal_kb": 64, "queue": 20}
GROWTH_MAX = 0.05


def duration(s):
    m = re.fullmatch(r"(\d+)([smhd]?)", s.strip())
    if not m:
        raise argparse.ArgumentTypeError("bad duration %r" % s)
    return int(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600,
                              "d": 86400}[m.group(2)]


WORDS = ["Latvia", "NATO", "troops", "Riga", "weather", "budget", "hockey",
         "summit", "Estonia", "energy"]
# Summary text that no watchlist looks for: the alert rate stays well under
# what the flaky receiver can take, so that the queue has a steady state.
FILLER = ["lorem", "ipsum", "dolor", "sit", "amet", "consectetur",
          "adipiscing", "elit", "sed", "do", "eiusmod", "tempor"]


class Publisher:
    """Every tick, a few random feeds get a new item; each feed keeps its
    newest WINDOW items (older ones drop out, as in real feeds)."""
    WINDOW = 15

    def __init__(self, srv, nfeeds, rng, per_tick, tick):
        self.srv, self.nfeeds, self.rng = srv, nfeeds, rng
        self.per_tick, self.tick = per_tick, tick
        self.next = [0] * nfeeds
        self.items = [[] for _ in range(nfeeds)]
        self.stopping = threading.Event()
        for i in range(nfeeds):
            # Quiet items to start with: no burst of alerts at the start,
            # which would take the first half to drain.
            for k in range(3):
                self.items[i].insert(0, item("Quiet start f%d q%d" % (i, k),
                                             guid="soak:%d:q%d" % (i, k)))
            self._publish(i)
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _add(self, i):
        k = self.next[i]
        self.next[i] += 1
        words = self.rng.sample(WORDS, 3)
        self.items[i].insert(0, item("%s %s %s f%d n%d" % (
            words[0], words[1], words[2], i, k), guid="soak:%d:%d" % (i, k),
            link="http://news.example.org/soak/%d/%d" % (i, k),
            summary="<p>%s</p>" % " ".join(self.rng.choice(FILLER)
                                           for _ in range(40))))
        del self.items[i][self.WINDOW:]

    def _publish(self, i):
        self.srv.set("/f%d.xml" % i, Feed(rss2(self.items[i])))

    def _loop(self):
        while not self.stopping.wait(self.tick):
            for i in self.rng.sample(range(self.nfeeds), self.per_tick):
                self._add(i)
                self._publish(i)

    def start(self):
        self.thread.start()

    def stop(self):
        self.stopping.set()
        self.thread.join()


def sample(pid, state):
    with open("/proc/%d/status" % pid) as f:
        status = f.read()
    # RssAnon: the heap and stacks.  VmRSS also counts mapped library and
    # database pages, which the kernel drops and reloads at will.
    rss = int(re.search(r"^RssAnon:\s+(\d+)", status, re.M).group(1))
    vmrss = int(re.search(r"^VmRSS:\s+(\d+)", status, re.M).group(1))
    fds = len(os.listdir("/proc/%d/fd" % pid))
    wal = os.path.join(state, "newswatch.db-wal")
    wal_kb = os.path.getsize(wal) // 1024 if os.path.exists(wal) else 0
    con = sqlite3.connect("file:%s?mode=ro" % os.path.join(state,
                                                           "newswatch.db"),
                          uri=True, timeout=30)
    try:
        queue = con.execute("SELECT count(*) FROM delivery WHERE dead = 0"
                            ).fetchone()[0]
    finally:
        con.close()
    return {"rss_kb": rss, "fds": fds, "wal_kb": wal_kb, "queue": queue,
            "vmrss_kb": vmrss}


def trend(points):
    """Least-squares slope of [(t, v)]."""
    n = len(points)
    mt = sum(p[0] for p in points) / n
    mv = sum(p[1] for p in points) / n
    den = sum((p[0] - mt) ** 2 for p in points)
    if den == 0:
        return 0.0, mv
    return sum((p[0] - mt) * (p[1] - mv) for p in points) / den, mv


def judge(samples):
    """[(figure, growth, mean, verdict)] over the second half."""
    out = []
    half = samples[len(samples) // 2:]
    if len(half) < 3:
        raise Fail("too few samples in the second half (%d): run longer or "
                   "sample more often" % len(half))
    span = half[-1][0] - half[0][0]
    for k in FLOORS:
        slope, mean = trend([(t, s[k]) for t, s in half])
        growth = slope * span
        bad = growth > max(GROWTH_MAX * mean, FLOORS[k])
        out.append((k, growth, mean, bad))
    return out


def run(args):
    rng = random.Random(args.seed)
    t = nwtest.TestContext("soak")
    problems = []
    try:
        srv = t.feed_server()
        hook = t.webhook(nwtest.make_secret())
        hook.respond(200, fail_ratio=args.fail_ratio, fail_status=503,
                     seed=rng.randrange(1 << 30))
        pub = Publisher(srv, args.feeds, rng, args.per_tick, args.tick)
        feeds = {"f%03d" % i: srv.url("/f%d.xml" % i)
                 for i in range(args.feeds)}
        hooks = {h: {"url": hook.url("/" + h), "secret": hook.secret}
                 for h in ("h1", "h2")}
        cfg = t.config(
            feeds=feeds,
            watchlists={"baltic": {"match": "Latvia AND (NATO OR troop*)",
                                   "notify": "h1"},
                        "energy": {"match": "energy NEAR/3 summit",
                                   "exclude": "hockey", "notify": "h2"},
                        "riga": {"match": "title:Riga", "notify": "h1"}},
            webhooks=hooks,
            daemon={"interval": args.interval, "timeout": "10s"})
        d = t.start_daemon(cfg)
        pub.start()
        start = time.monotonic()
        samples = []
        print("# soak: %ds, %d feeds, interval %s, receiver failing %d%%, "
              "sample every %ds" % (args.duration, args.feeds, args.interval,
                                    args.fail_ratio * 100, args.sample),
              flush=True)
        print("# %7s %9s %9s %5s %8s %6s %8s %8s"
              % ("t(s)", "anon(KiB)", "rss(KiB)", "fds", "wal(KiB)", "queue",
                 "posts", "polls"), flush=True)
        # The first sample after a minute of warm-up (or one sample period).
        next_at = start + min(args.sample, 60)
        while True:
            now = time.monotonic()
            if now >= start + args.duration + 0.5:
                break
            time.sleep(max(0.0, min(next_at, start + args.duration) - now))
            d.check_alive(" during the soak")
            s = sample(d.pid, t.state)
            el = time.monotonic() - start
            samples.append((el, s))
            print("  %7.0f %9d %9d %5d %8d %6d %8d %8d"
                  % (el, s["rss_kb"], s["vmrss_kb"], s["fds"], s["wal_kb"],
                     s["queue"], len(hook.all()), srv.count()), flush=True)
            next_at += args.sample
            if el >= args.duration:
                break
        pub.stop()
        accepted = len(hook.accepted())
        d.stop(15)
        con = sqlite3.connect("file:%s?mode=ro" % os.path.join(
            t.state, "newswatch.db"), uri=True)
        ic = con.execute("PRAGMA integrity_check").fetchone()[0]
        con.close()
        if ic != "ok":
            problems.append("integrity_check: %s" % ic)
        if accepted == 0:
            problems.append("no alert was delivered during the soak")
        for k, growth, mean, bad in judge(samples):
            print("# %-7s second half: mean %.0f, trend %+.0f (%+.1f%%)%s"
                  % (k, mean, growth, 100 * growth / mean if mean else 0,
                     "  <-- grows" if bad else ""), flush=True)
            if bad:
                problems.append("%s grows over the second half: %+.0f on a "
                                "mean of %.0f" % (k, growth, mean))
        print("# %d POSTs (%d accepted), %d feed requests"
              % (len(hook.all()), accepted, srv.count()), flush=True)
    except Fail as e:
        problems.append(str(e))
    finally:
        if problems:
            for ln in t.report():
                print("#   " + ln)
        t.close(keep=os.environ.get("NWTEST_KEEP") == "1")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--duration", type=duration,
                    default=duration(os.environ.get("DURATION", "10m")))
    ap.add_argument("--feeds", type=int, default=500)
    ap.add_argument("--sample", type=duration, default=60)
    ap.add_argument("--interval", default="30s")
    ap.add_argument("--per-tick", type=int, default=1)
    ap.add_argument("--tick", type=float, default=1.0)
    ap.add_argument("--fail-ratio", type=float, default=0.15)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    problems = run(args)
    if problems:
        print("FAIL soak: %s" % problems[-1])
        for p in problems:
            print("#   " + p)
        print("0 passed, 1 failed")
        return 1
    print("ok soak")
    print("1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
