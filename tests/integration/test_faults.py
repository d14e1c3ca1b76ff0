#!/usr/bin/env python3
"""Fault tolerance (issue 7, points 2 and 3): a receiver down for a long
stretch, alerts past max_queue_age, the database locked by another process,
a corrupt database at start, a state directory on a full disk.

Time is simulated with --once runs (each tries every queued alert once,
whatever its backoff), so nothing here waits for a backoff to end and no
timing is asserted.
"""

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import time

sys.dont_write_bytecode = True   # no __pycache__ in the tree
import nwtest  # noqa: E402
from nwtest import Fail, check, eq, item, rss2, Feed, wait_until


def db_path(t):
    return os.path.join(t.state, "newswatch.db")


def db_rows(path, sql, args=()):
    con = sqlite3.connect("file:%s?mode=ro" % path, uri=True, timeout=30)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def integrity(path):
    return "; ".join(r[0] for r in db_rows(path, "PRAGMA integrity_check"))


def items_for(gen, n=3):
    """Generation gen of the feed: n new items per generation, newest
    first, older ones kept.  Odd ones mention Latvia; even ones NATO."""
    out = []
    for g in range(gen, -1, -1):
        for k in range(n - 1, -1, -1):
            word = "Latvia" if k % 2 else "NATO"
            out.append(item("%s story g%d k%d" % (word, g, k),
                            guid="g%d-k%d" % (g, k),
                            link="http://news.example.org/g%d/k%d" % (g, k)))
    return out


def posted(hook):
    """[(path, watchlist, item id, alert id)] of accepted POSTs, in order."""
    out = []
    for p in hook.accepted():
        a = p.json()
        out.append((p.path, a["watchlist"], a["item"]["id"], a["id"]))
    return out


# ---------------------------------------------------------------- outage

def test_receiver_outage_then_order_and_ids(t):
    """The receiver is down (connection refused) through 8 runs that each
    raise new alerts: the queue grows; when it returns, every alert goes
    out once, under the id it was raised with, in the order it was raised
    within each watchlist."""
    srv = t.feed_server()
    port = nwtest.free_port()
    url = "http://%s:%d" % (nwtest.LOOPBACK, port)
    cfg = t.config(feeds={"a": srv.url("/a.xml")},
                   watchlists={"lat": {"match": "Latvia", "notify": "ops"},
                               "nato": {"match": "NATO", "notify": "ops alt"}},
                   webhooks={"ops": {"url": url + "/ops"},
                             "alt": {"url": url + "/alt"}})
    queued = []
    for gen in range(8):
        srv.set("/a.xml", Feed(rss2(items_for(gen))))
        res = t.run_once(cfg)
        eq(res.rc, 2, "exit status of --once with the receiver down "
           "(run %d)" % gen)
        n = db_rows(db_path(t), "SELECT count(*) FROM delivery "
                    "WHERE dead = 0")[0][0]
        if queued:
            check(n > queued[-1], "the queue did not grow in run %d: %d "
                  "then %d" % (gen, queued[-1], n))
        queued.append(n)
    # What was raised, in order, as the database says.
    raised = db_rows(db_path(t), "SELECT d.sink, a.watchlist, a.json, a.id "
                     "FROM delivery d JOIN alert a ON a.id = d.alert_id "
                     "ORDER BY d.id")
    import json
    raised = [("/" + s, w, json.loads(j)["item"]["id"], i)
              for s, w, j, i in raised]
    # Per generation: one Latvia item (sink ops), two NATO ones (ops, alt).
    eq(len(raised), 8 * (1 + 2 * 2), "deliveries queued")
    hook = t.webhook(port=port)
    res = t.run_once(cfg)
    eq(res.rc, 0, "exit status once the receiver is back")
    got = posted(hook)
    eq(sorted(got), sorted(raised), "deliveries (sink, watchlist, item, id) "
       "after the outage vs. what was queued")
    for sink in ("/ops", "/alt"):
        for w in ("lat", "nato"):
            want = [r for r in raised if r[0] == sink and r[1] == w]
            have = [g for g in got if g[0] == sink and g[1] == w]
            eq(have, want, "order of watchlist %s on sink %s" % (w, sink))
    eq(len(hook.all()), len(got), "POSTs (each once)")
    eq(db_rows(db_path(t), "SELECT count(*) FROM delivery")[0][0], 0,
       "deliveries left")


def test_one_sink_down_does_not_hold_another(t):
    """1,100 alerts queued for a receiver that is down (more than the
    1,024 rows the outbox once looked at per pass) must not hold back an
    alert for another sink raised after them: each sink has its own
    queue order.  (Before, the later alert was never reached while the
    backlog stood.)  The backlog is then drained in order, each once."""
    srv = t.feed_server()
    port = nwtest.free_port()
    down = "http://%s:%d/down" % (nwtest.LOOPBACK, port)
    n = 1100
    srv.set("/a.xml", Feed(rss2([item("Latvia story %d" % k,
                                      guid="a-%d" % k,
                                      link="http://news.example.org/a/%d" % k)
                                 for k in range(n)])))
    srv.set("/b.xml", Feed(rss2([item("NATO story", guid="b-0",
                                      link="http://news.example.org/b/0")])))
    up = t.webhook()
    hooks = {"down": {"url": down}, "up": {"url": up.url("/up")}}
    cfg = t.config(feeds={"a": srv.url("/a.xml")},
                   watchlists={"lat": {"match": "Latvia", "notify": "down"}},
                   webhooks=hooks)
    res = t.run_once(cfg, timeout=300)
    eq(res.rc, 2, "exit status with the receiver down")
    eq(db_rows(db_path(t), "SELECT count(*) FROM delivery WHERE dead = 0")
       [0][0], n, "deliveries queued for the receiver that is down")
    cfg = t.config(feeds={"a": srv.url("/a.xml"), "b": srv.url("/b.xml")},
                   watchlists={"lat": {"match": "Latvia", "notify": "down"},
                               "nato": {"match": "NATO", "notify": "up"}},
                   webhooks=hooks)
    res = t.run_once(cfg, timeout=300)
    eq(res.rc, 2, "exit status with one receiver still down")
    got = [(p.path, p.json()["watchlist"], p.json()["item"]["id"])
           for p in up.accepted()]
    eq(got, [("/up", "nato", "b-0")], "what the receiver that is up got")
    # Back: the backlog goes out, in the order raised, each once.
    hook = t.webhook(port=port)
    res = t.run_once(cfg, timeout=300)
    eq(res.rc, 0, "exit status once the receiver is back")
    ids = [p.json()["item"]["id"] for p in hook.accepted()]
    eq(len(ids), n, "alerts delivered after the outage")
    eq(ids, ["a-%d" % k for k in range(n)], "their order (the feed's, "
       "newest first, is raise order)")


def test_receiver_outage_run_mode(t):
    """Run mode: the receiver refuses connections while alerts pile up,
    then comes back; everything is delivered in raise order, each under
    one id.  (A short outage: the first backoff steps are seconds.)"""
    srv = t.feed_server()
    port = nwtest.free_port()
    cfg = t.config(feeds={"a": srv.url("/a.xml")},
                   watchlists={"lat": {"match": "Latvia", "notify": "ops"}},
                   webhooks={"ops": {"url": "http://%s:%d/ops"
                                     % (nwtest.LOOPBACK, port)}},
                   daemon={"interval": "1s"})
    srv.set("/a.xml", Feed(rss2(items_for(0))))
    d = t.start_daemon(cfg)
    for gen in range(1, 4):
        n = srv.count("/a.xml")
        srv.wait_requests("/a.xml", n + 1, timeout=20)
        srv.set("/a.xml", Feed(rss2(items_for(gen))))
    n = srv.count("/a.xml")
    srv.wait_requests("/a.xml", n + 2, timeout=20)
    d.check_alive(" during the outage")
    raised = db_rows(db_path(t), "SELECT a.id FROM delivery d JOIN alert a "
                     "ON a.id = d.alert_id ORDER BY d.id")
    raised = [r[0] for r in raised]
    check(len(raised) >= 4, "alerts queued during the outage: %d" % len(raised))
    hook = t.webhook(port=port)
    wait_until(lambda: len(hook.accepted()) >= len(raised), 120,
               "the queued alerts after the receiver returned")
    d.stop(10)
    ids = [p.id for p in hook.accepted()]
    eq(ids[:len(raised)], raised, "delivery order and ids after the outage")
    eq(len(set(ids)), len(ids), "alerts delivered twice")


# ---------------------------------------------------------------- dead

def test_max_queue_age_dead_kept_logged(t):
    sl = t.syslog()
    srv = t.feed_server()
    port = nwtest.free_port()
    listen = nwtest.free_port()
    srv.set("/a.xml", Feed(rss2(items_for(0))))
    cfg = t.config(feeds={"a": srv.url("/a.xml")},
                   watchlists={"lat": {"match": "Latvia", "notify": "ops"}},
                   webhooks={"ops": {"url": "http://%s:%d/ops"
                                     % (nwtest.LOOPBACK, port)}},
                   daemon={"max_queue_age": "2s", "log": "syslog",
                           "listen": "%s:%d" % (nwtest.LOOPBACK, listen)})
    res = t.run_once(cfg, syslog=sl)
    eq(res.rc, 2, "exit status with the receiver down")
    old = [r[0] for r in db_rows(db_path(t), "SELECT alert_id FROM delivery")]
    check(len(old) == 1, "alerts queued: %r" % old)
    time.sleep(3)                 # older than max_queue_age now
    hook = t.webhook(port=port)
    srv.set("/a.xml", Feed(rss2(items_for(1))))
    res = t.run_once(cfg, syslog=sl)
    eq(res.rc, 0, "exit status once only dead alerts are left")
    got = [p.id for p in hook.all()]
    check(not set(old) & set(got), "a dead alert was delivered: %r" % got)
    eq(len(got), 1, "the new alert delivered")
    rows = db_rows(db_path(t), "SELECT d.alert_id, d.dead, a.json FROM "
                   "delivery d JOIN alert a ON a.id = d.alert_id")
    eq(sorted((r[0], r[1]) for r in rows), [(old[0], 1)],
       "dead deliveries kept in the database with their alert")
    time.sleep(0.3)
    dead_lines = [ln for ln in sl.all() if "dead" in ln.msg]
    check(dead_lines, "nothing logged about the dead alert: %r" % sl.all())
    # Visible in metrics.
    d = t.start_daemon(cfg, syslog=sl)
    url = "http://%s:%d/metrics" % (nwtest.LOOPBACK, listen)
    st, _, body = wait_until(lambda: (lambda r: r if r[0] == 200 else None)(
        nwtest.http_get(url)), 20, "/metrics")
    text = body.decode()
    check('newswatch_alerts_dead{sink="ops"} 1' in text,
          "newswatch_alerts_dead of sink ops is not 1:\n%s"
          % "\n".join(ln for ln in text.splitlines() if "dead" in ln))
    d.stop(10)


def test_dead_alert_logged_at_error_level(t):
    """issue 7: an alert past max_queue_age is "logged at error level"."""
    sl = t.syslog()
    srv = t.feed_server()
    port = nwtest.free_port()
    srv.set("/a.xml", Feed(rss2(items_for(0))))
    cfg = t.config(feeds={"a": srv.url("/a.xml")},
                   watchlists={"lat": {"match": "Latvia", "notify": "ops"}},
                   webhooks={"ops": {"url": "http://%s:%d/ops"
                                     % (nwtest.LOOPBACK, port)}},
                   daemon={"max_queue_age": "1s", "log": "syslog"})
    eq(t.run_once(cfg, syslog=sl).rc, 2, "exit status, receiver down")
    time.sleep(2.2)
    eq(t.run_once(cfg, syslog=sl).rc, 0, "exit status, only dead left")
    time.sleep(0.3)
    dead_lines = [ln for ln in sl.all() if "dead" in ln.msg]
    check(dead_lines, "nothing logged about the dead alert: %r" % sl.all())
    for ln in dead_lines:
        check(ln.severity is not None and ln.severity <= 3,
              "syslog severity %s of %r; want LOG_ERR (3) or more urgent"
              % (ln.severity, ln.msg))


# ---------------------------------------------------------------- lock

class Locker:
    """Holds BEGIN EXCLUSIVE on the database from another process (a
    python3 child), until release()."""

    def __init__(self, path):
        self.p = subprocess.Popen(
            [sys.executable, "-c",
             "import sqlite3,sys\n"
             "c=sqlite3.connect(sys.argv[1],timeout=30,isolation_level=None)\n"
             "c.execute('BEGIN EXCLUSIVE')\n"
             "c.execute('CREATE TABLE IF NOT EXISTS nwtest_lock (x)')\n"
             "print('locked',flush=True)\n"
             "sys.stdin.readline()\n"
             "c.execute('ROLLBACK')\n"
             "c.close()\n", path],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.p.stdout.readline()
        if line.strip() != "locked":
            raise Fail("could not lock the database: %r" % line)

    def release(self):
        self.p.stdin.write("\n")
        self.p.stdin.flush()
        self.p.wait(30)


def test_database_locked_by_another_process(t):
    srv = t.feed_server()
    hook = t.webhook()
    cfg = t.config(feeds={"a": srv.url("/a.xml")},
                   watchlists={"lat": {"match": "Latvia", "notify": "ops"}},
                   webhooks={"ops": {"url": hook.url("/ops")}},
                   daemon={"interval": "1s"})
    srv.set("/a.xml", Feed(rss2(items_for(0))))
    d = t.start_daemon(cfg)
    hook.wait_posts(1, timeout=20, accepted=True)
    lock = Locker(db_path(t))
    try:
        # New items while the database is locked: polls cannot commit.
        for gen in range(1, 4):
            srv.set("/a.xml", Feed(rss2(items_for(gen))))
            n = srv.count("/a.xml")
            srv.wait_requests("/a.xml", n + 1, timeout=30)
        time.sleep(6)             # past the daemon's busy timeout (5 s)
        d.check_alive(" while the database was locked")
    finally:
        lock.release()
    want = {"g%d-k1" % g for g in range(4)}
    wait_until(lambda: {p.json()["item"]["id"] for p in hook.accepted()}
               >= want, 60, "every alert after the lock was released")
    d.stop(10)
    err = d.stderr()
    check("locked" in err or "busy" in err,
          "the locked database was not logged: %r" % err[-1000:])
    ids = {}
    for p in hook.all():
        ids.setdefault(p.json()["item"]["id"], set()).add(p.id)
    for k, v in ids.items():
        eq(len(v), 1, "ids of item %s" % k)
    eq(set(ids), want, "items alerted")
    eq(integrity(db_path(t)), "ok", "integrity_check")


# ---------------------------------------------------------------- corrupt

def corrupt_cases(t):
    """(name, bytes) of damaged databases: garbage, a real database with
    a page overwritten, a truncated one."""
    srv = t.feed_server()
    srv.set("/a.xml", Feed(rss2(items_for(30))))
    cfg = t.config(feeds={"a": srv.url("/a.xml")},
                   watchlists={"lat": {"match": "Latvia", "notify": "stdout"}})
    res = t.run_once(cfg)
    eq(res.rc, 0, "making a database")
    con = sqlite3.connect(db_path(t))
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    with open(db_path(t), "rb") as f:
        good = f.read()
    check(len(good) >= 4 * 4096, "database too small to damage: %d"
          % len(good))
    page = 4096
    smashed = bytearray(good)
    for off in range(2 * page, 3 * page, 16):
        smashed[off:off + 16] = b"\xde\xad\xbe\xef" * 4
    return [("garbage", b"this is not a database at all\n" * 200),
            ("page overwritten", bytes(smashed)),
            ("truncated", good[:len(good) // 2 + 100])]


def test_corrupt_database_refused(t):
    cases = corrupt_cases(t)
    srv = t.feed_server()
    srv.set("/b.xml", Feed(rss2(items_for(0))))
    for name, data in cases:
        shutil.rmtree(t.state)
        os.makedirs(t.state)
        with open(db_path(t), "wb") as f:
            f.write(data)
        digest = hashlib.sha256(data).hexdigest()
        cfg = t.config(feeds={"b": srv.url("/b.xml")},
                       watchlists={"lat": {"match": "Latvia",
                                           "notify": "stdout"}})
        for mode in (["--once"], []):
            if mode:
                res = t.run(mode + ["-c", cfg])
                rc, err = res.rc, res.err
            else:
                d = t.start_daemon(cfg)
                try:
                    rc = d.proc.wait(30 * nwtest.TIMEOUT_SCALE)
                except subprocess.TimeoutExpired:
                    d.kill()
                    raise Fail("%s: run mode started on a corrupt database"
                               % name)
                d._close()
                err = d.stderr()
                res = None
            what = "%s database, %s" % (name, "--once" if mode else "run mode")
            check(rc not in (0, 2), "%s: exit status %s, want non-zero"
                  % (what, rc))
            check(db_path(t) in err and ("corrupt" in err or
                                         "not a database" in err or
                                         "malformed" in err),
                  "%s: not reported clearly: %r" % (what, err[-500:]))
            if res is not None:
                eq(res.out, "", "%s: alerts printed" % what)
            with open(db_path(t), "rb") as f:
                eq(hashlib.sha256(f.read()).hexdigest(), digest,
                   "%s: the damaged file was changed" % what)
        eq(srv.count("/b.xml"), 0, "feeds polled on a corrupt database "
           "(%s)" % name)


# ---------------------------------------------------------------- disk full

def ns_integrity(pid, path):
    """integrity_check of path as process pid sees it (SQLite resolves
    /proc/PID/root as a symlink, so it runs inside the namespace)."""
    p = subprocess.run(
        ["nsenter", "-t", str(pid), "-m", sys.executable, "-c",
         "import sqlite3,sys\n"
         "c=sqlite3.connect('file:%s?mode=ro' % sys.argv[1],uri=True,"
         "timeout=30)\n"
         "print('; '.join(r[0] for r in c.execute('PRAGMA integrity_check')))",
         path], capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise Fail("integrity_check in the daemon's namespace: %s"
                   % p.stderr.strip()[-300:])
    return p.stdout.strip()


FULL_WRAPPER = r'''
set -e
state=$1; size=$2; shift 2
mount -t tmpfs -o size=$size nwtest-full "$state"
exec "$@"
'''


def test_disk_full(t):
    """The state directory on a small tmpfs (in a private mount namespace)
    that fills up while alerts are queued: the daemon logs, keeps running,
    loses no alert, and catches up once space returns."""
    if shutil.which("unshare") is None:
        raise Fail("unshare(1) is needed for the disk-full test")
    probe = subprocess.run(["unshare", "-m", "--propagation", "private", "sh",
                            "-c", "mount -t tmpfs -o size=64k x %s && "
                            "umount %s" % (t.state, t.state)],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        raise Fail("cannot mount a tmpfs in a private mount namespace here "
                   "(need root): %s" % probe.stderr.strip())
    srv = t.feed_server()
    hook = t.webhook()
    cfg = t.config(feeds={"a": srv.url("/a.xml")},
                   watchlists={"lat": {"match": "Latvia", "notify": "ops"}},
                   webhooks={"ops": {"url": hook.url("/ops")}},
                   daemon={"interval": "1s"})
    script = t.write("full.sh", FULL_WRAPPER)
    srv.set("/a.xml", Feed(rss2(items_for(0))))
    hook.respond(503)                       # alerts stay queued
    b = nwtest.binary()
    argv = ["unshare", "-m", "--propagation", "private", "sh", script,
            t.state, "2m"] + nwtest.valgrind_argv(t.dir, [b, "-c", cfg])
    d = nwtest.Daemon(t, argv)
    hook.wait_posts(1, timeout=30)
    # The daemon's view of its state directory: /proc/PID/root.
    pid = d.pid
    # unshare and sh exec into the daemon: same pid.
    state = "/proc/%d/root%s" % (pid, t.state)
    wait_until(lambda: os.path.exists(os.path.join(state, "newswatch.db")),
               10, "the database on the tmpfs")
    check(not os.path.exists(os.path.join(t.state, "newswatch.db")),
          "the database is not on the private tmpfs")
    filler = os.path.join(state, "filler")
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 4096, 512, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)
    st = os.statvfs(state)
    check(st.f_bavail == 0, "the tmpfs is not full: %d blocks free"
          % st.f_bavail)
    # New items while the disk is full; the receiver answers again.
    hook.respond(200)
    for gen in range(1, 4):
        srv.set("/a.xml", Feed(rss2(items_for(gen))))
        n = srv.count("/a.xml")
        srv.wait_requests("/a.xml", n + 2, timeout=30)
    d.check_alive(" with its disk full")
    os.unlink(filler)
    want = {"g%d-k1" % g for g in range(4)}
    wait_until(lambda: {p.json()["item"]["id"] for p in hook.accepted()}
               >= want, 90, "every alert once space returned")
    r = ns_integrity(pid, os.path.join(t.state, "newswatch.db"))
    d.stop(10)
    eq(r, "ok", "integrity_check after the disk was full")
    err = d.stderr()
    check("full" in err, "the full disk was not logged: %r" % err[-1500:])
    ids = {}
    for p in hook.all():
        ids.setdefault(p.json()["item"]["id"], set()).add(p.id)
    for k, v in ids.items():
        eq(len(v), 1, "ids of item %s" % k)
    eq(set(ids), want, "items alerted")
    # An alert the receiver accepted while the disk was full is not sent
    # again and again: its dequeue is retried, not its delivery.
    acc = {}
    for p in hook.accepted():
        acc[p.id] = acc.get(p.id, 0) + 1
    check(max(acc.values()) <= 1,
          "alerts accepted more than once while the disk was full: %r"
          % {k: v for k, v in acc.items() if v > 1})


if __name__ == "__main__":
    nwtest.main(globals())
