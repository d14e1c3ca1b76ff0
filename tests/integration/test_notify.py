#!/usr/bin/env python3
"""sd_notify(3) as systemd sees it (issue 6, point 2): the test binds a
unix datagram socket and hands it to the daemon as $NOTIFY_SOCKET."""

import os
import signal
import socket
import threading
import time

import nwtest
from nwtest import Fail, check, eq, item, rss2, Feed, wait_until


class NotifySocket:
    """A unix datagram socket recording every message (split into
    KEY=VALUE lines) with the time it came."""

    def __init__(self, t):
        self.path = t.path("notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(0.1)
        self.msgs = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()
        t._cleanup.append(self.stop)

    def _loop(self):
        while not self.stopping.is_set():
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            with self.lock:
                for line in data.decode("utf-8", "replace").split("\n"):
                    if line:
                        self.msgs.append(line)

    def stop(self):
        self.stopping.set()
        self.thread.join(2)
        self.sock.close()

    def all(self):
        with self.lock:
            return list(self.msgs)

    def wait(self, pred, timeout, what, start=0):
        """Index (>= start) of the first message pred() accepts."""
        def find():
            for i, m in enumerate(self.all()[start:], start):
                if pred(m):
                    return i + 1
            return None
        return wait_until(find, timeout, "%s (got %r)" % (what, self.all()[-8:])) - 1


def start(t, env, cfg):
    """start_daemon with these environment variables (None: unset)."""
    saved = {k: os.environ.get(k) for k in env}
    try:
        for k, v in env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        return t.start_daemon(cfg)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def setup(t):
    srv = t.feed_server()
    srv.set("/a.xml", Feed(rss2([item("Latvia joins the talks", guid="l1")])))
    srv.set("/b.xml", nwtest.Status(500))
    hook = t.webhook()
    hook.respond(503, retry_after=3600)
    cfg = t.config(feeds={"a": srv.url("/a.xml"), "b": srv.url("/b.xml")},
                   watchlists={"w": {"match": "Latvia", "notify": "ops"}},
                   webhooks={"ops": {"url": hook.url()}},
                   daemon={"interval": "1s", "timeout": "5s"})
    return srv, hook, cfg


def test_ready_status_watchdog_reload_stop(t):
    srv, hook, cfg = setup(t)
    ns = NotifySocket(t)
    d = start(t, {"NOTIFY_SOCKET": ns.path, "WATCHDOG_USEC": "600000",
                  "WATCHDOG_PID": None}, cfg)
    ready = ns.wait(lambda m: m == "READY=1", 10, "READY=1")
    ns.wait(lambda m: m.startswith("STATUS="), 5, "STATUS=")
    # Once the feeds were polled and the alert queued, STATUS says so.
    ns.wait(lambda m: m.startswith("STATUS=2 feeds: 1 ok, 1 failing")
            and "1 alerts queued" in m, 15,
            "STATUS= with 1 ok, 1 failing, 1 alerts queued")
    # WATCHDOG=1 at half of WATCHDOG_USEC: several in 1.5 s.
    n0 = ns.all().count("WATCHDOG=1")
    time.sleep(1.5)
    n = ns.all().count("WATCHDOG=1") - n0
    check(3 <= n <= 8, "%d WATCHDOG=1 in 1.5 s with WATCHDOG_USEC=600000" % n)

    mark = len(ns.all())
    d.signal(signal.SIGHUP)
    i = ns.wait(lambda m: m == "RELOADING=1", 5, "RELOADING=1 after SIGHUP",
                start=mark)
    ns.wait(lambda m: m == "READY=1", 5, "READY=1 after RELOADING=1",
            start=i + 1)
    check(ready < i, "READY=1 came before the reload")

    mark = len(ns.all())
    d.stop(8)
    ns.wait(lambda m: m == "STOPPING=1", 2, "STOPPING=1 after SIGTERM",
            start=mark)


def test_watchdog_not_ours(t):
    # WATCHDOG_PID names another process: no WATCHDOG=1, READY=1 still.
    srv, hook, cfg = setup(t)
    ns = NotifySocket(t)
    d = start(t, {"NOTIFY_SOCKET": ns.path, "WATCHDOG_USEC": "200000",
                  "WATCHDOG_PID": "1"}, cfg)
    ns.wait(lambda m: m == "READY=1", 10, "READY=1")
    time.sleep(1.0)
    d.stop(8)
    eq(ns.all().count("WATCHDOG=1"), 0, "WATCHDOG=1 with WATCHDOG_PID=1")


def test_watchdog_own_pid_and_bad_reload(t):
    # WATCHDOG_PID set to the daemon's own pid (it is known only after the
    # fork): a shell execs the daemon, so $$ is the daemon's pid.
    srv, hook, cfg = setup(t)
    ns = NotifySocket(t)
    saved = dict(os.environ)
    os.environ.update({"NOTIFY_SOCKET": ns.path, "WATCHDOG_USEC": "400000"})
    try:
        d = nwtest.Daemon(t, ["sh", "-c", 'WATCHDOG_PID=$$ exec "$0" -c "$1"',
                              nwtest.binary(), cfg])
    finally:
        os.environ.clear()
        os.environ.update(saved)
    ns.wait(lambda m: m == "READY=1", 10, "READY=1")
    ns.wait(lambda m: m == "WATCHDOG=1", 3, "WATCHDOG=1 with WATCHDOG_PID=$$")
    # A broken configuration: RELOADING=1 then READY=1 all the same.
    with open(cfg, "a") as f:
        f.write("no_such_key = 1\n")
    mark = len(ns.all())
    d.signal(signal.SIGHUP)
    i = ns.wait(lambda m: m == "RELOADING=1", 5, "RELOADING=1", start=mark)
    ns.wait(lambda m: m == "READY=1", 5, "READY=1 after a refused reload",
            start=i + 1)
    d.stop(8)


if __name__ == "__main__":
    nwtest.main(globals())
