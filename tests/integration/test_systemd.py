#!/usr/bin/env python3
"""The unit file as installed (issue 6, point 1): `systemd-analyze
security --offline=yes` at most 2.0, `systemd-analyze verify` clean."""

import os
import re
import shutil
import subprocess

import nwtest
from nwtest import Fail, check, eq

THRESHOLD = 2.0


def install(t):
    """make install into a prefix under the test's dir (no DESTDIR, so the
    unit's ExecStart= names a binary that exists); the unit's path."""
    prefix = t.path("usr")
    r = subprocess.run(["make", "-s", "-o", "newswatchd", "install",
                        "PREFIX=" + prefix, "SYSCONFDIR=" + t.path("etc")],
                       cwd=nwtest.REPO_ROOT, capture_output=True, text=True,
                       timeout=60)
    check(r.returncode == 0, "make install: %s" % r.stderr[-500:])
    unit = os.path.join(prefix, "lib/systemd/system/newswatchd.service")
    check(os.path.isfile(unit), "no unit at %s" % unit)
    return prefix, unit


def analyze(args, env=None):
    if shutil.which("systemd-analyze") is None:
        raise Fail("systemd-analyze not found (package systemd)")
    return subprocess.run(["systemd-analyze"] + args, capture_output=True,
                          text=True, timeout=60, env=env)


def test_unit_directives(t):
    prefix, unit = install(t)
    with open(unit) as f:
        text = f.read()
    check(not re.search(r"@[A-Z]+@", text), "placeholders left in the unit")
    for want in ("Type=notify", "NotifyAccess=main", "WatchdogSec=",
                 "Restart=on-failure", "ExecReload=", "DynamicUser=yes",
                 "StateDirectory=newswatch", "ConfigurationDirectory=",
                 "ExecStart=%s/sbin/newswatchd -c %s/newswatch/newswatch.conf"
                 % (prefix, t.path("etc"))):
        check(want in text, "%s missing from the unit" % want)


def test_security_score(t):
    _, unit = install(t)
    r = analyze(["security", "--offline=yes", "--no-pager", unit])
    m = re.search(r"Overall exposure level for newswatchd\.service: "
                  r"(\d+\.\d+)", r.stdout)
    check(m is not None, "no exposure level in: %s %s"
          % (r.stdout[-300:], r.stderr[-300:]))
    score = float(m.group(1))
    print("# systemd-analyze security: %.1f" % score)
    check(score <= THRESHOLD, "exposure %.1f > %.1f:\n%s" % (
        score, THRESHOLD, "\n".join(ln for ln in r.stdout.splitlines()
                                    if ln.startswith("\u2717"))))
    # The same through --threshold, as CI would use it.
    r = analyze(["security", "--offline=yes", "--no-pager",
                 "--threshold=%d" % int(THRESHOLD * 10), unit])
    eq(r.returncode, 0, "systemd-analyze security --threshold=20 status")


def test_verify_clean(t):
    prefix, unit = install(t)
    env = dict(os.environ, MANPATH=os.path.join(prefix, "share/man"))
    r = analyze(["verify", unit], env=env)
    out = (r.stdout + r.stderr).strip()
    check(r.returncode == 0 and out == "",
          "systemd-analyze verify: status %d: %s" % (r.returncode, out))


if __name__ == "__main__":
    nwtest.main(globals())
