#!/usr/bin/env python3
"""make install / uninstall into a temporary DESTDIR, and the man pages
(issue 6, point 7)."""

import os
import shutil
import subprocess

import nwtest
from nwtest import Fail, check, eq

FILES = ["usr/sbin/newswatchd",
         "usr/lib/systemd/system/newswatchd.service",
         "usr/share/man/man8/newswatchd.8",
         "usr/share/man/man5/newswatch.conf.5",
         "etc/newswatch/newswatch.conf"]


def make(t, target, destdir):
    r = subprocess.run(["make", "-s", "-o", "newswatchd", target,
                        "PREFIX=/usr", "SYSCONFDIR=/etc",
                        "DESTDIR=" + destdir],
                       cwd=nwtest.REPO_ROOT, capture_output=True, text=True,
                       timeout=60)
    check(r.returncode == 0, "make %s: %s" % (target, r.stderr[-500:]))


def tree(root):
    out = []
    for d, _, files in os.walk(root):
        for f in files:
            out.append(os.path.relpath(os.path.join(d, f), root))
    return sorted(out)


def test_install_tree(t):
    dest = t.path("dest")
    make(t, "install", dest)
    eq(tree(dest), sorted(FILES), "installed files")
    mode = lambda p: os.stat(os.path.join(dest, p)).st_mode & 0o777
    eq(mode("usr/sbin/newswatchd"), 0o755, "binary mode")
    eq(mode("usr/share/man/man8/newswatchd.8"), 0o644, "man page mode")
    with open(os.path.join(dest, FILES[1])) as f:
        unit = f.read()
    check("ExecStart=/usr/sbin/newswatchd -c /etc/newswatch/newswatch.conf"
          in unit, "ExecStart= of the installed unit")
    # The example configuration is valid as installed.
    r = t.run(["-t", "-c", os.path.join(dest, FILES[4])])
    eq(r.rc, 0, "newswatchd -t on the example configuration")

    # An operator's configuration is never overwritten.
    conf = os.path.join(dest, FILES[4])
    with open(conf, "w") as f:
        f.write("# mine\n")
    make(t, "install", dest)
    with open(conf) as f:
        eq(f.read(), "# mine\n", "configuration after a second install")

    make(t, "uninstall", dest)
    eq(tree(dest), [FILES[4]], "files left after uninstall (the config)")


def test_man_pages_lint(t):
    if shutil.which("mandoc") is None:
        raise Fail("mandoc not found (make deps installs it)")
    for page in ("daemon/newswatchd.8", "daemon/newswatch.conf.5"):
        r = subprocess.run(["mandoc", "-T", "lint", "-W", "warning", page],
                           cwd=nwtest.REPO_ROOT, capture_output=True,
                           text=True, timeout=30)
        out = (r.stdout + r.stderr).strip()
        check(out == "", "mandoc -T lint -W warning %s:\n%s" % (page, out))
        r = subprocess.run(["mandoc", "-T", "utf8", page],
                           cwd=nwtest.REPO_ROOT, capture_output=True,
                           text=True, timeout=30)
        eq(r.returncode, 0, "mandoc -T utf8 %s" % page)


def test_man_pages_cover(t):
    # Every key of the configuration, every signal, sd_notify, metrics.
    with open(os.path.join(nwtest.REPO_ROOT, "daemon/newswatch.conf.5")) as f:
        conf5 = f.read()
    for key in ("state", "interval", "concurrency", "per_host", "timeout",
                "max_size", "max_age", "user_agent", "listen", "include",
                "log", "max_queue_age", "deny_private", "url", "match",
                "exclude", "feeds", "notify", "format", "secret", "file",
                "opml"):
        check(".It Ic %s" % key in conf5 or "Ic [%s]" % key in conf5,
              "newswatch.conf.5 does not describe %s" % key)
    with open(os.path.join(nwtest.REPO_ROOT, "daemon/newswatchd.8")) as f:
        page8 = f.read()
    for want in ("SIGHUP", "SIGTERM", "NOTIFY_SOCKET", "WATCHDOG_USEC",
                 "/metrics", "/healthz", "newswatch_fetches_total",
                 "systemctl enable --now newswatchd"):
        check(want in page8, "newswatchd.8 does not mention %s" % want)


if __name__ == "__main__":
    nwtest.main(globals())
