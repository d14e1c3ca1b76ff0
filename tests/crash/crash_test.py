#!/usr/bin/env python3
"""The kill test (issue 7): nothing lost, nothing doubled, whatever moment
the daemon dies at.

newswatchd runs in run mode against a FeedServer with FEEDS feeds (200 by
default) whose items change between polls (new items keep appearing, at
random, in random feeds) and three webhook sinks on one WebhookReceiver that
fails 20% of requests at random.  The daemon is killed with SIGKILL at a
random moment KILLS times and restarted each time: half of the kills fall
anywhere in its first 1.5 s, the other half a random 0-20 ms after the
FeedServer served a feed with new items (when the poll's transaction is
likely under way).  During the kills every fsync of the daemon is slowed
by a few milliseconds (an LD_PRELOAD shim built with cc), as on a slow
disk, so that commits are windows a kill can actually fall into.  After
every kill the database must pass `PRAGMA integrity_check`.  At the end the item generator
stops, the daemon is run with --once until nothing is queued (the receiver
still failing 20%: each run retries what is left), and then:

  * `PRAGMA integrity_check` is ok, and nothing is left queued or dead;
  * every (watchlist, item) that should alert was accepted (2xx) at least
    once;
  * no (watchlist, item) was posted under two different ids (a redelivery
    carries the same id; the id is also the webhook-id header);
  * nothing was posted that should not alert, and every complete POST is
    validly signed.

Which (watchlist, item) should alert is computed here from the titles, with
the watchlists' rules mirrored in Python.

    python3 tests/crash/crash_test.py [--kills N] [--feeds N] [--seed S]

Prints progress, then "1 passed, 0 failed" (or "0 passed, 1 failed" with
the reasons), the form tests/run.sh counts; exit status 1 on failure.
"""

import argparse
import os
import random
import sqlite3
import sys
import threading
import time

sys.dont_write_bytecode = True   # no __pycache__ in the tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import nwtest  # noqa: E402
from nwtest import Fail, item, rss2, Feed  # noqa: E402

# Items of feed i: kind k % 5 says which watchlists it hits (see expected()).
TITLES = [
    "Latvia asks NATO for troops f%d n%d",     # baltic, latvia, nato
    "Latvia hockey final f%d n%d",              # none (latvia excludes hockey)
    "Weather in Riga f%d n%d",                  # none
    "Latvia budget vote f%d n%d",               # latvia
    "NATO summit opens f%d n%d",                # nato (even feeds only)
]


def feed_name(i):
    return "f%03d" % i


def watchlists(nfeeds):
    even = " ".join(feed_name(i) for i in range(0, nfeeds, 2))
    return {
        "baltic": {"match": "Latvia AND (NATO OR troop*)", "notify": "h1"},
        "latvia": {"match": "Latvia", "exclude": "hockey", "notify": "h2"},
        "nato": {"match": "NATO", "feeds": even, "notify": "h3"},
    }


def expected(i, k):
    """The watchlists that item k of feed i must alert."""
    kind = k % 5
    out = set()
    if kind == 0:
        out |= {"baltic", "latvia"}
    if kind == 3:
        out.add("latvia")
    if kind in (0, 4) and i % 2 == 0:
        out.add("nato")
    return out


def make_item(i, k):
    return item(TITLES[k % 5] % (i, k), guid="urn:crash:%d:%d" % (i, k),
                link="http://news.example.org/crash/%d/%d" % (i, k),
                summary="Item %d of feed %d." % (k, i))


class Publisher:
    """Feeds whose items change between polls: every `tick` seconds a few
    random feeds get a new item (the newest first; older ones stay, so that
    whatever was published is still there for the final run)."""

    def __init__(self, srv, nfeeds, rng, per_tick, tick=0.5):
        self.srv = srv
        self.nfeeds = nfeeds
        self.rng = rng
        self.per_tick = per_tick
        self.tick = tick
        self.count = [2] * nfeeds       # items per feed
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        for i in range(nfeeds):
            self._publish(i)
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _publish(self, i):
        items = [make_item(i, k) for k in range(self.count[i] - 1, -1, -1)]
        self.srv.set("/%s.xml" % feed_name(i),
                     Feed(rss2(items, title="Feed %d" % i)))

    def _loop(self):
        while not self.stopping.wait(self.tick):
            with self.lock:
                for i in self.rng.sample(range(self.nfeeds), self.per_tick):
                    self.count[i] += 1
                    self._publish(i)

    def start(self):
        self.thread.start()

    def stop(self):
        self.stopping.set()
        self.thread.join()

    def should_alert(self):
        """{(watchlist, feed, item id)} of everything published."""
        out = set()
        with self.lock:
            for i in range(self.nfeeds):
                for k in range(self.count[i]):
                    for w in expected(i, k):
                        out.add((w, feed_name(i), "urn:crash:%d:%d" % (i, k)))
        return out


SLOW_SYNC_C = r"""
/* LD_PRELOAD shim: every fsync/fdatasync takes DELAY_US longer, as on a
 * slow disk, so that a commit is a window a kill can fall into. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <unistd.h>
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
int fsync(int fd) {
	if (!real_fsync) real_fsync = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	usleep(DELAY_US);
	return real_fsync(fd);
}
int fdatasync(int fd) {
	if (!real_fdatasync)
		real_fdatasync = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
	usleep(DELAY_US);
	return real_fdatasync(fd);
}
"""


def slow_sync_shim(directory, ms):
    """Builds the shim; its path, or None (with a note) if cc fails."""
    import subprocess
    src = os.path.join(directory, "slowsync.c")
    so = os.path.join(directory, "slowsync.so")
    with open(src, "w") as f:
        f.write(SLOW_SYNC_C)
    p = subprocess.run(["cc", "-shared", "-fPIC", "-O2",
                        "-DDELAY_US=%d" % int(ms * 1000), "-o", so, src,
                        "-ldl"], capture_output=True, text=True)
    if p.returncode != 0:
        print("# note: no slow-sync shim (cc failed: %s); kills are less "
              "likely to fall inside a commit" % p.stderr.strip()[-200:])
        return None
    return so


def served_changed(srv, seen, deadline):
    """Waits until the FeedServer has answered 200 (a feed with new items)
    to a request made after the first `seen` ones, or until deadline."""
    while time.monotonic() < deadline:
        for r in srv.requests()[seen:]:
            if r.status == 200 and r.end is not None:
                return True
        time.sleep(0.001)
    return False


def integrity(db):
    """PRAGMA integrity_check on a read-only connection (it never
    checkpoints or deletes the WAL: the daemon itself must recover it)."""
    if not os.path.exists(db):
        return "ok"
    uri = "file:%s?mode=ro" % db
    con = sqlite3.connect(uri, uri=True, timeout=30)
    try:
        rows = con.execute("PRAGMA integrity_check").fetchall()
    finally:
        con.close()
    return "; ".join(str(r[0]) for r in rows)


def queue_left(db):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=30)
    try:
        live = con.execute("SELECT count(*) FROM delivery WHERE dead = 0"
                           ).fetchone()[0]
        dead = con.execute("SELECT count(*) FROM delivery WHERE dead = 1"
                           ).fetchone()[0]
    finally:
        con.close()
    return live, dead


def complete(p):
    """A POST whose body arrived whole (the daemon may die mid-request)."""
    try:
        n = int(p.headers.get("content-length", "-1"))
    except ValueError:
        return False
    return n == len(p.body)


def verify(hook, should):
    """The three promises, from what the receiver saw."""
    problems = []
    ids = {}
    accepted = set()
    partial = 0
    for p in hook.all():
        if not complete(p):
            partial += 1
            continue
        if p.sig_error is not None:
            problems.append("bad signature on %r: %s" % (p, p.sig_error))
            continue
        try:
            a = p.json()
        except ValueError as e:
            problems.append("POST body is not JSON (%s): %r" % (e, p.body[:200]))
            continue
        if p.id != a.get("id"):
            problems.append("webhook-id %r but alert id %r" % (p.id, a.get("id")))
        key = (a["watchlist"], a["feed"]["name"], a["item"]["id"])
        ids.setdefault(key, set()).add(a["id"])
        if 200 <= p.status < 300:
            accepted.add(key)
    doubled = {k: v for k, v in ids.items() if len(v) > 1}
    lost = should - accepted
    extra = set(ids) - should
    for k, v in sorted(doubled.items())[:10]:
        problems.append("%s delivered under %d ids: %s" % (k, len(v), sorted(v)))
    if doubled:
        problems.append("%d (watchlist, item) pairs under two ids or more"
                        % len(doubled))
    for k in sorted(lost)[:10]:
        problems.append("never delivered: %s" % (k,))
    if lost:
        problems.append("%d of %d (watchlist, item) pairs never delivered"
                        % (len(lost), len(should)))
    for k in sorted(extra)[:10]:
        problems.append("alerted but should not: %s" % (k,))
    if extra:
        problems.append("%d pairs alerted that should not" % len(extra))
    return problems, {"posts": len(hook.all()), "partial": partial,
                      "accepted_pairs": len(accepted), "pairs": len(should)}


def run(args):
    rng = random.Random(args.seed)
    t = nwtest.TestContext("crash")
    keep = os.environ.get("NWTEST_KEEP") == "1"
    problems = []
    try:
        srv = t.feed_server()
        hook = t.webhook(nwtest.make_secret())
        hook.respond(200, fail_ratio=0.2, fail_status=503,
                     seed=rng.randrange(1 << 30))
        pub = Publisher(srv, args.feeds, rng, per_tick=args.per_tick)
        feeds = {feed_name(i): srv.url("/%s.xml" % feed_name(i))
                 for i in range(args.feeds)}
        hooks = {h: {"url": hook.url("/" + h), "secret": hook.secret}
                 for h in ("h1", "h2", "h3")}
        cfg = t.config(feeds=feeds, watchlists=watchlists(args.feeds),
                       webhooks=hooks,
                       daemon={"interval": "2s", "timeout": "5s",
                               "concurrency": "16", "per_host": "16"})
        db = os.path.join(t.state, "newswatch.db")
        shim = (slow_sync_shim(t.dir, args.slow_sync_ms)
                if args.slow_sync_ms > 0 else None)
        if shim is not None:
            os.environ["LD_PRELOAD"] = shim
            # An ASan build (make check SANITIZE=1) refuses a library
            # loaded before its runtime unless told this is fine.
            asan = os.environ.get("ASAN_OPTIONS", "")
            os.environ["ASAN_OPTIONS"] = ((asan + ":") if asan else "") + \
                "verify_asan_link_order=0"
        pub.start()
        started = time.monotonic()
        for n in range(args.kills):
            seen = srv.count()
            d = t.start_daemon(cfg)
            life = rng.uniform(args.min_life, args.max_life)
            if rng.random() < args.targeted:
                # Aim at the poll's transaction: just after a feed that
                # changed was served (its items are parsed, matched and
                # committed within milliseconds of the last byte).
                served_changed(srv, seen, time.monotonic() + life)
                time.sleep(rng.uniform(0, 0.02))
            else:
                time.sleep(life)
            if not d.alive():
                raise Fail("kill %d: the daemon exited by itself (status %s) "
                           "before the kill" % (n + 1, d.proc.poll()))
            d.kill()
            r = integrity(db)
            if r != "ok":
                raise Fail("kill %d: PRAGMA integrity_check: %s" % (n + 1, r))
            if (n + 1) % 20 == 0 or n + 1 == args.kills:
                print("# %d kills, %.0fs, %d POSTs so far"
                      % (n + 1, time.monotonic() - started, len(hook.all())),
                      flush=True)
        pub.stop()
        os.environ.pop("LD_PRELOAD", None)
        # Drain: --once retries every queued alert whatever its backoff;
        # the receiver still fails 20%, so a few runs are needed.
        for n in range(args.drain_runs):
            res = t.run_once(cfg, timeout=300)
            if res.rc == 0:
                break
            if res.rc != 2:
                raise Fail("--once exited %s (want 0 or 2): %s"
                           % (res.rc, res.err.strip()[-500:]))
        else:
            raise Fail("alerts still queued after %d --once runs"
                       % args.drain_runs)
        r = integrity(db)
        if r != "ok":
            raise Fail("after the drain: PRAGMA integrity_check: %s" % r)
        live, dead = queue_left(db)
        if live or dead:
            problems.append("queue not empty after the drain: %d live, %d dead"
                            % (live, dead))
        p, stats = verify(hook, pub.should_alert())
        problems += p
        print("# %d kills in %.0fs; %d pairs should alert, %d accepted; "
              "%d POSTs (%d cut short by a kill)"
              % (args.kills, time.monotonic() - started, stats["pairs"],
                 stats["accepted_pairs"], stats["posts"], stats["partial"]),
              flush=True)
    except Fail as e:
        problems.append(str(e))
    finally:
        if problems:
            t._daemons[:-3] = []     # the last daemons say enough
            for ln in t.report():
                print("#   " + ln)
        if problems and os.environ.get("NWTEST_KEEP_FAILED") == "1":
            keep = True
            print("# kept %s" % t.dir)
        t.close(keep=keep)
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kills", type=int,
                    default=int(os.environ.get("CRASH_KILLS", "200")))
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--seed", type=int,
                    default=int(os.environ.get("CRASH_SEED") or
                                random.SystemRandom().randrange(1 << 30)))
    ap.add_argument("--per-tick", type=int, default=4,
                    help="feeds that get a new item every 0.5 s")
    ap.add_argument("--min-life", type=float, default=0.05)
    ap.add_argument("--max-life", type=float, default=1.5)
    ap.add_argument("--drain-runs", type=int, default=25)
    ap.add_argument("--slow-sync-ms", type=float, default=5,
                    help="delay added to every fsync of the daemon during "
                    "the kills (LD_PRELOAD shim; 0: none)")
    ap.add_argument("--targeted", type=float, default=0.5,
                    help="share of kills aimed just after a changed feed "
                    "was served (the others fall anywhere)")
    args = ap.parse_args()
    print("# crash test: %d kills, %d feeds, seed %d (CRASH_SEED=%d "
          "repeats the same choices)" % (args.kills, args.feeds, args.seed,
                                         args.seed), flush=True)
    problems = run(args)
    if problems:
        print("FAIL crash_test: %s" % problems[-1])
        for p in problems:
            print("#   " + p)
        print("0 passed, 1 failed")
        return 1
    print("ok crash_test")
    print("1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
