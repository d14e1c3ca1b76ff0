#!/usr/bin/env python3
"""bench.py: issue 5's benchmark, newswatchd beside the peers in one run.

usage: bench.py [--quick] [--runs N] [--only LIST] [--slow] [--bin ./newswatchd]
                [--shared ../shared] [--dir build/bench] [--port 18088]

Every figure is whole-process: hyperfine (median wall of RUNS runs) wrapping
/usr/bin/time -v (CPU user+sys median, peak RSS max), as
../shared/bench/peers.sh does.  Traffic goes to nginx on 127.0.0.1 only.
Workloads (--only takes a comma list of these names):
  parse   newswatchd --parse big.xml > /dev/null  vs  sfeed < big.xml, xmllint --stream
  poll    --once 1,000 feeds cold and warm (304), 5,000 and 10,000 cold;
          peers sfeed_update and newsboat (newsboat at 5,000 only with --slow)
  match   100,000 rules, one watchlist each, over big.xml's items through
          `--once --dry-run` on a file:// feed, less the same with one rule
          and less `-t` (rule compilation); peer grep -F -i -w -c -f
  idle    run mode, 10,000 feeds on 15 min, state warm: CPU in 60 s
  ready   run mode, 10,000 feeds and 100,000 rules: exec to READY=1
--quick: 1,000 feeds, 10,000 rules, one run each, no poll peers, idle 10 s.
Results: DIR/results/{table.md,results.json,*.timev,*.json}; the table goes
to stdout.
"""
import argparse, json, os, re, shutil, signal, socket, statistics as st
import subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
TCK = os.sysconf("SC_CLK_TCK")

# The peers' figures of ../shared/bench/README.md (2 cores, AMD EPYC), used
# for the ratio only where this run did not measure that peer.
README = {
    "parse": {"sfeed": 0.130},
    "poll-1000-cold": {"sfeed_update": 13.9, "newsboat": 19.1},
    "poll-1000-warm": {"sfeed_update": 11.3, "newsboat": 16.8},
    "poll-5000-cold": {"sfeed_update": 68.7, "newsboat": 311},
}
TARGET = {   # issue 5: newswatchd must be this many times faster than the best peer
    "poll-1000-cold": 20, "poll-1000-warm": 50, "poll-5000-cold": 20,
    "parse": 1.0,
}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=True, check=True, **kw)


class Bench:
    def __init__(self, a):
        self.a = a
        self.dir = os.path.abspath(a.dir)
        self.corpus = os.path.join(self.dir, "corpus")
        self.out = os.path.join(self.dir, "results")
        self.work = os.path.join(self.dir, "work")
        self.bin = os.path.abspath(a.bin)
        self.shared = os.path.abspath(a.shared)
        self.base = f"http://127.0.0.1:{a.port}"
        self.alog = f"/tmp/feedbench-nginx-{a.port}/access.log"
        self.rows = []          # one dict per measured command
        self.notes = []
        self.started_nginx = False
        os.makedirs(self.out, exist_ok=True)
        os.makedirs(self.work, exist_ok=True)
        for f in os.listdir(self.out):
            os.unlink(os.path.join(self.out, f))

    # ------------------------------------------------------------ set-up
    def corpus_ready(self, n):
        man = os.path.join(self.corpus, "manifest.tsv")
        if os.path.exists(man) and sum(1 for _ in open(man)) >= n and \
                os.path.exists(os.path.join(self.corpus, "big.items")):
            return
        log(f"== corpus: {n} feeds + big.xml -> {self.corpus}")
        sh(f"python3 {self.shared}/bench/gen_corpus.py {self.corpus} {n} >&2")

    def rules_ready(self, k):
        path = os.path.join(self.corpus, f"rules_{k}.txt")
        if k not in (10, 1000, 10000) and not os.path.exists(path):
            log(f"== rules: {k} -> {path}")
            sh(f"python3 {HERE}/gen_rules.py rules {self.shared} {k} {path}")
        return path

    def urls(self, n):
        path = os.path.join(self.work, f"urls-{n}")
        with open(os.path.join(self.corpus, "manifest.tsv")) as man, open(path, "w") as f:
            for i, line in zip(range(n), man):
                f.write(f"{self.base}/feeds/{line.split()[0]}\n")
        return path

    def items(self, n):
        with open(os.path.join(self.corpus, "manifest.tsv")) as man:
            return sum(int(line.split("\t")[2]) for _, line in zip(range(n), man))

    def conf(self, name, feeds=None, rules=None, interval="15m"):
        d = os.path.join(self.work, name)
        os.makedirs(d, exist_ok=True)
        c = os.path.join(d, "conf")
        cmd = f"python3 {HERE}/gen_rules.py conf {c} --state {d}/state --interval {interval}"
        if feeds:
            cmd += f" --feeds {feeds}"
        if rules:
            cmd += f" --rules {rules}"
        sh(cmd)
        return d, c

    def serve(self):
        try:
            with open(os.path.join(self.corpus, "manifest.tsv"), "rb") as f:
                want = f.read()
            got = subprocess.run(["curl", "-sf", f"{self.base}/manifest.tsv"],
                                 capture_output=True).stdout
        except OSError:
            got = b""
        if got != want:
            if os.path.exists(f"/tmp/feedbench-nginx-{self.a.port}/nginx.pid"):
                subprocess.run([f"{self.shared}/bench/stop.sh", str(self.a.port)],
                               stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
            sh(f"{self.shared}/bench/serve.sh {self.corpus} {self.a.port} >/dev/null")
            self.started_nginx = True

    def stop(self):
        if self.started_nginx:
            subprocess.run([f"{self.shared}/bench/stop.sh", str(self.a.port)],
                           stdout=subprocess.DEVNULL)

    # ------------------------------------------------------------ measuring
    @staticmethod
    def busy():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return v[0] + v[1] + v[2] + v[5] + v[6] + v[7], sum(v[:8])

    def wait_idle(self, limit=None):
        limit = self.a.idle_wait if limit is None else limit
        for _ in range(limit):
            a, b = self.busy(); time.sleep(1); c, d = self.busy()
            if (c - a) * 100 < (d - b) * 15:
                return
        log("warning: host still busy, measuring anyway")

    def bench(self, name, work, tool, cmd, runs=None, prepare=None, warmup=0,
              pipe=False, feeds=0, items=0):
        """hyperfine around /usr/bin/time -v around cmd (a sh command)."""
        runs = runs or self.a.runs
        tv = os.path.join(self.out, f"{name}.timev")
        js = os.path.join(self.out, f"{name}.json")
        self.wait_idle()
        if os.path.exists(self.alog):
            open(self.alog, "w").close()
        log(f"== {name}: {cmd}")
        b0 = self.busy()
        hf = ["hyperfine", "--style", "basic", "--runs", str(runs), "--export-json", js]
        if prepare:
            hf += ["--prepare", prepare]
        if warmup:
            hf += ["--warmup", str(warmup)]
        if pipe:
            hf += ["--output=pipe"]
        # warm-up runs go through /usr/bin/time too: the .timev keeps the last runs
        hf.append(f"/usr/bin/time -v -a -o {tv} {cmd}")
        subprocess.run(hf, check=True, stdout=sys.stderr)
        b1 = self.busy()
        hostbusy = os.cpu_count() * (b1[0] - b0[0]) / max(1, b1[1] - b0[1])
        res = json.load(open(js))["results"][0]
        n = len(res["times"])
        text = open(tv).read()
        grab = lambda k: [float(x) for x in re.findall(re.escape(k) + r": ([\d.]+)", text)][-n:]
        cpu = [u + s for u, s in zip(grab("User time (seconds)"), grab("System time (seconds)"))]
        status = ""
        if os.path.exists(self.alog):
            codes = {}
            for line in open(self.alog):
                codes[line.strip()] = codes.get(line.strip(), 0) + 1
            status = " ".join(f"{k}×{v}" for k, v in sorted(codes.items()))
        row = dict(name=name, work=work, tool=tool, cmd=cmd, runs=n,
                   wall=res["median"], walls=res["times"], cpu=st.median(cpu),
                   rss=max(grab("Maximum resident set size (kbytes)")) / 1024,
                   feeds=feeds, items=items, status=status, busy=hostbusy)
        self.rows.append(row)
        log(f"   {name}: wall {row['wall']:.3f} s, CPU {row['cpu']:.2f} s, "
            f"RSS {row['rss']:.1f} MiB {status}")
        return row

    def add(self, **row):
        row.setdefault("runs", 1); row.setdefault("status", ""); row.setdefault("cmd", "")
        row.setdefault("feeds", 0); row.setdefault("items", 0); row.setdefault("busy", None)
        self.rows.append(row)
        log(f"   {row['name']}: " + ", ".join(f"{k} {v}" for k, v in row.items()
                                              if k in ("wall", "cpu", "rss")))

    # ------------------------------------------------------------ workloads
    def w_parse(self):
        big = os.path.join(self.corpus, "big.xml")
        bi = int(open(os.path.join(self.corpus, "big.items")).read())
        r = self.a.runs if self.a.quick else max(self.a.runs, 5)
        self.bench("parse-newswatchd", "parse", "newswatchd",
                   f"{self.bin} --parse {big} > /dev/null", runs=r, items=bi)
        self.bench("parse-sfeed", "parse", "sfeed", f"sfeed < {big} > /dev/null",
                   runs=r, items=bi)
        self.bench("parse-xmllint-stream", "parse-floor", "xmllint --stream",
                   f"xmllint --stream --noout {big}", runs=r, items=bi)
        # libxml2's SAX push parser as feed.c had it before feed_xml.c,
        # handlers that only count: why newswatchd tokenizes on its own.
        if self.a.floor_bin:
            self.bench("parse-libxml2-sax", "parse-floor", "libxml2 SAX push",
                       f"{self.a.floor_bin} {big} > /dev/null", runs=r, items=bi)

    def w_bigmem(self):
        """issue 3, point 8: a 100 MB feed of 200,000 items parses in
        bounded memory (peak RSS < 16 MiB): items are handed on and freed."""
        path = os.path.join(self.a.dir, "work", "huge-200000.xml")
        if not os.path.exists(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            words = ("latvia nato troops canada riga baltic defence minister "
                     "europe alliance market winter election border").split()
            n = 200000
            # ~330 bytes of description per item: 200,000 items make ~100 MB.
            with open(path + ".tmp", "w") as f:
                f.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">'
                        "<channel><title>Huge</title><link>http://example.org/</link>\n")
                for i in range(n):
                    desc = " ".join(words[(i * 7 + k * 3) % len(words)]
                                    for k in range(44))
                    f.write("<item><title>Item %d</title><link>http://example.org/a/%d"
                            "</link><guid>g%d</guid><pubDate>Fri, 21 Jan 2022 14:12:00"
                            " GMT</pubDate><description>&lt;p&gt;%s&lt;/p&gt;"
                            "</description></item>\n" % (i, i, i, desc))
                f.write("</channel></rss>\n")
            os.rename(path + ".tmp", path)
        mb = os.path.getsize(path) / 1e6
        r = self.bench("bigmem-newswatchd", "bigmem", "newswatchd",
                       f"{self.bin} --parse {path} > /dev/null", runs=1,
                       items=200000)
        self.notes.append(f"bigmem: {mb:.0f} MB, 200,000 items: peak RSS "
                          f"{r['rss']:.1f} MiB (target < 16 MiB: "
                          f"{'met' if r['rss'] < 16 else 'NOT met'})")

    def nw_poll(self, n, warm=True):
        d, c = self.conf(f"newswatchd-{n}", feeds=self.urls(n))
        ni = self.items(n)
        nw = f"{self.bin} --once -c {c}"
        self.bench(f"poll-newswatchd-{n}-cold", f"poll-{n}-cold", "newswatchd", nw,
                   prepare=f"rm -rf {d}/state; mkdir -p {d}/state", pipe=True,
                   feeds=n, items=ni)
        if warm:
            self.bench(f"poll-newswatchd-{n}-warm", f"poll-{n}-warm", "newswatchd", nw,
                       warmup=1, pipe=True, feeds=n, items=ni)

    def peer_poll(self, n, newsboat=True, runs=None):
        ni = self.items(n)
        urls = self.urls(n)
        d = os.path.join(self.work, f"sfeed-{n}")
        os.makedirs(d, exist_ok=True)
        with open(f"{d}/sfeedrc", "w") as f:
            f.write(f'sfeedpath="{d}/feeds"\nfeeds() {{\n')
            for i, u in enumerate(open(urls), 1):
                f.write(f'\tfeed "f{i:05d}" "{u.strip()}"\n')
            f.write("}\n")
        su = f"sfeed_update {d}/sfeedrc > /dev/null"
        self.bench(f"poll-sfeed_update-{n}-cold", f"poll-{n}-cold", "sfeed_update", su,
                   prepare=f"rm -rf {d}/feeds", runs=runs, feeds=n, items=ni)
        if n <= 1000:
            self.bench(f"poll-sfeed_update-{n}-warm", f"poll-{n}-warm", "sfeed_update", su,
                       runs=runs, feeds=n, items=ni)
        if not newsboat:
            return
        d = os.path.join(self.work, f"newsboat-{n}")
        os.makedirs(f"{d}/home", exist_ok=True)
        shutil.copy(urls, f"{d}/urls")
        open(f"{d}/config", "w").write("reload-threads 16\n")
        nb = (f"env HOME={d}/home XDG_CONFIG_HOME={d}/home/.config "
              f"XDG_DATA_HOME={d}/home/.local/share newsboat -q -u {d}/urls "
              f"-c {d}/cache.db -C {d}/config -x reload")
        self.bench(f"poll-newsboat-{n}-cold", f"poll-{n}-cold", "newsboat", nb,
                   prepare=f"rm -f {d}/cache.db", runs=runs, feeds=n, items=ni)
        if n <= 1000:
            sh(nb)   # newsboat stores validators from its 2nd fetch on
            self.bench(f"poll-newsboat-{n}-warm", f"poll-{n}-warm", "newsboat", nb,
                       runs=runs, feeds=n, items=ni)

    def w_poll(self):
        if self.a.quick:
            self.nw_poll(1000)
            return
        self.nw_poll(1000)
        self.peer_poll(1000)
        self.nw_poll(5000, warm=False)
        self.nw_poll(10000, warm=False)
        # sfeed_update needs ~70 s a run at 5,000, newsboat ~300 s: one run each
        self.peer_poll(5000, newsboat=self.a.slow, runs=1)
        if not self.a.slow:
            self.notes.append("newsboat at 5,000 feeds not run (~300 s a run; "
                              "--slow / BENCH_SLOW=1 runs it): ratio against sfeed_update")
        self.notes.append("peers at 5,000 feeds: one run; at 10,000 not run "
                          "(sfeed_update ~140 s, newsboat ~20 min a run)")

    def w_match(self):
        k = 10000 if self.a.quick else 100000
        rules = self.rules_ready(k)
        big = os.path.join(self.corpus, "big.xml")
        bi = int(open(os.path.join(self.corpus, "big.items")).read())
        url = os.path.join(self.work, "big.url")
        open(url, "w").write(f"file://{big}\n")
        d1, c1 = self.conf("match-1", feeds=url)
        dk, ck = self.conf(f"match-{k}", feeds=url, rules=rules)
        for d in (d1, dk):
            os.makedirs(f"{d}/state", exist_ok=True)
        r = 1 if k >= 100000 else self.a.runs
        comp = self.bench(f"compile-newswatchd-{k}", f"compile-{k}", "newswatchd",
                          f"{self.bin} -t -c {ck}", runs=r)
        one = self.bench("match-newswatchd-1", "match-1", "newswatchd",
                         f"{self.bin} --once --dry-run -c {c1}", pipe=True, items=bi)
        full = self.bench(f"match-newswatchd-{k}", f"match-{k}", "newswatchd",
                          f"{self.bin} --once --dry-run -c {ck}", runs=r, pipe=True, items=bi)
        net = full["cpu"] - comp["cpu"] - one["cpu"]
        self.add(name=f"match-newswatchd-{k}-net", work=f"match-{k}-net", tool="newswatchd",
                 wall=full["wall"] - comp["wall"] - one["wall"], cpu=max(net, 0.0),
                 rss=full["rss"], items=bi,
                 cmd="match run less compile (-t) less the 1-rule run")
        # The matcher alone: what the target is about (the runs above add
        # storing ~30,000 alerts in the dry run's in-memory database).
        if self.a.match_bin:
            mo = os.path.join(self.out, f"bench_match-{k}.txt")
            open(mo, "w").close()
            row = self.bench(f"match-matcher-{k}", f"match-{k}-matcher", "newswatchd",
                             f"{self.a.match_bin} {rules} {big} >> {mo}",
                             runs=self.a.runs, items=bi)
            vals = [dict(kv.split("=", 1) for kv in l.split()) for l in open(mo) if l.strip()]
            row["ips"] = st.median(float(v["match_items_per_cpu_s"]) for v in vals)
            row["match_cpu"] = st.median(float(v["match_cpu"]) for v in vals)
            row["parse_cpu"] = st.median(float(v["parse_cpu"]) for v in vals)
            row["cmd"] += (f" (5 rounds inside each run; matching {row['match_cpu']:.3f} s CPU, "
                           f"parse alone {row['parse_cpu']:.3f} s)")
        # the lower bound of the README: grep over sfeed's TSV of big.xml
        tsv = os.path.join(self.work, "big.tsv")
        sh(f"sfeed < {big} > {tsv}")
        lines = sum(1 for _ in open(tsv))
        self.bench("grep-rules-10000", "match-grep-10000", "grep -F -i -w",
                   f"grep -F -i -w -c -f {self.corpus}/rules_10000.txt {tsv}",
                   pipe=True, items=lines)
        if not self.a.quick:
            words = os.path.join(self.work, f"words_{k}.txt")
            with open(words, "w") as f:   # the plain words of the rules: grep knows no more
                for line in open(rules):
                    for w in re.findall(r"[^\s\"()*]+", line):
                        if w not in ("AND", "OR", "NOT") and not w.startswith("NEAR/") \
                                and ":" not in w:
                            f.write(w + "\n")
            try:   # 10,000 words take grep 860 MiB; 100,000 may not fit at all
                self.bench(f"grep-words-{k}", f"match-grep-{k}", "grep -F -i -w",
                           f"timeout 300 grep -F -i -w -c -f {words} {tsv}", runs=1,
                           pipe=True, items=lines)
            except subprocess.CalledProcessError:
                self.notes.append(f"grep -F -i -w with the {k:,} rules' words failed "
                                  "(killed: memory or 300 s); see grep-words-*.timev")

    def run_daemon(self, conf, until_ready_only=False, idle=60, settle=5):
        """Run mode under a NOTIFY_SOCKET of ours: (seconds to READY=1,
        CPU seconds over `idle` s after READY + settle, peak RSS MiB)."""
        tmp = tempfile.mkdtemp(prefix="nwbench-")
        path = os.path.join(tmp, "notify")
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.bind(path)
        s.settimeout(120)
        env = dict(os.environ, NOTIFY_SOCKET=path)
        t0 = time.monotonic()
        p = subprocess.Popen([self.bin, "-c", conf], env=env, stdout=subprocess.DEVNULL,
                             stderr=open(os.path.join(self.out, "run-mode.log"), "a"))
        ready = cpu = None
        try:
            while True:
                msg = s.recv(4096).decode()
                if "READY=1" in msg.split("\n"):
                    ready = time.monotonic() - t0
                    break
            if not until_ready_only:
                time.sleep(settle)
                c0 = self.proc_cpu(p.pid)
                time.sleep(idle)
                cpu = self.proc_cpu(p.pid) - c0
        except socket.timeout:
            log("warning: no READY=1 within 120 s")
        rss = self.proc_hwm(p.pid)
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(30)
        except subprocess.TimeoutExpired:
            p.kill(); p.wait()
        s.close(); shutil.rmtree(tmp)
        return ready, cpu, rss

    @staticmethod
    def proc_cpu(pid):
        with open(f"/proc/{pid}/stat") as f:
            v = f.read().rsplit(")", 1)[1].split()
        return (int(v[11]) + int(v[12])) / TCK

    @staticmethod
    def proc_hwm(pid):
        try:
            for line in open(f"/proc/{pid}/status"):
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    def w_idle(self):
        n = 1000 if self.a.quick else 10000
        idle = 10 if self.a.quick else 60
        d, c = self.conf(f"newswatchd-idle-{n}", feeds=self.urls(n))
        shutil.rmtree(f"{d}/state", ignore_errors=True); os.makedirs(f"{d}/state")
        # every feed polled once: in run mode the next slots are >= 7.5 min away
        sh(f"{self.bin} --once -c {c} > /dev/null 2>&1")
        self.wait_idle()
        log(f"== idle-newswatchd-{n}: run mode, CPU over {idle} s after READY")
        ready, cpu, rss = self.run_daemon(c, idle=idle)
        self.add(name=f"idle-newswatchd-{n}", work=f"idle-{n}", tool="newswatchd",
                 wall=idle, cpu=cpu, rss=rss, feeds=n, cmd=f"newswatchd -c {c} (run mode)")

    def w_ready(self):
        n, k = (1000, 10000) if self.a.quick else (10000, 100000)
        rules = self.rules_ready(k)
        d, c = self.conf(f"newswatchd-ready-{n}-{k}", feeds=self.urls(n), rules=rules)
        shutil.rmtree(f"{d}/state", ignore_errors=True); os.makedirs(f"{d}/state")
        runs = 1 if not self.a.quick and k >= 100000 else self.a.runs
        times, rsss = [], []
        for _ in range(runs):
            self.wait_idle()
            log(f"== ready-newswatchd-{n}-{k}: exec to READY=1")
            ready, _, rss = self.run_daemon(c, until_ready_only=True)
            log(f"   READY after {ready} s")
            if ready is not None:
                times.append(ready); rsss.append(rss)
        self.add(name=f"ready-newswatchd-{n}-{k}", work=f"ready-{n}-{k}", tool="newswatchd",
                 wall=st.median(times) if times else None, cpu=None,
                 rss=max(rsss) if rsss else None, runs=len(times), feeds=n,
                 cmd=f"newswatchd -c {c} (run mode) until READY=1")

    # ------------------------------------------------------------ report
    def table(self):
        rows = {r["name"]: r for r in self.rows}
        by = {}
        for r in self.rows:
            by.setdefault(r["work"], []).append(r)
        out = []
        out.append("| work | newswatchd wall s | CPU s | peak RSS MiB | rate | best peer "
                   "(wall s) | ratio | target | met |")
        out.append("|---|--:|--:|--:|--:|---|--:|---|---|")

        def fmt(x, p=3):
            return "—" if x is None else f"{x:.{p}f}"

        def peer(work):
            ps = [r for r in by.get(work, []) if r["tool"] != "newswatchd"]
            if ps:
                b = min(ps, key=lambda r: r["wall"])
                return b["tool"], b["wall"], "this run"
            ref = README.get(work)
            if ref:
                t = min(ref, key=ref.get)
                return t, ref[t], "README"
            return None, None, None

        for work in ["parse", "poll-1000-cold", "poll-1000-warm", "poll-5000-cold",
                     "poll-10000-cold"]:
            nw = [r for r in by.get(work, []) if r["tool"] == "newswatchd"]
            if not nw:
                continue
            r = nw[0]
            if work == "parse":
                rate = f"{r['items'] / r['wall']:,.0f} items/s"
            else:
                rate = f"{r['feeds'] / r['wall']:,.0f} feeds/s"
            t, pw, src = peer(work)
            if work == "poll-10000-cold":
                # linear cost and RSS target; the peer is 2x the 5,000 figure
                t5 = peer("poll-5000-cold")
                t, pw, src = (t5[0], t5[1] * 2, (t5[2] or "") + ", 5,000 × 2") if t5[1] else \
                    (None, None, None)
            ratio = pw / r["wall"] if pw else None
            tgt = TARGET.get(work, 20)
            met = ratio is not None and ratio >= tgt
            extra = ""
            fl = rows.get("parse-libxml2-sax")
            if work == "parse" and fl and pw:
                extra = (f"; libxml2 SAX alone {fl['wall']:.3f} s = "
                         f"{fl['wall'] / pw:.2f}× sfeed's time")
            if work == "poll-10000-cold":
                extra = f"; RSS {r['rss']:.1f} ≤ 48 MiB: {'yes' if r['rss'] <= 48 else 'NO'}"
                met = met and r["rss"] <= 48
                r1 = rows.get("poll-newswatchd-1000-cold")
                if r1:
                    extra += f"; CPU/feed vs 1,000: {r['cpu'] / 10 / r1['cpu']:.2f}×"
            peer_s = f"{t} {fmt(pw)} ({src})" if t else "—"
            ratio_s = f"{ratio:.1f}×" if ratio else "—"
            out.append(f"| {work} | {fmt(r['wall'])} | {fmt(r['cpu'], 2)} | {r['rss']:.1f} | "
                       f"{rate} | {peer_s} | {ratio_s} | ≥ {tgt}×{extra} | "
                       f"{'yes' if met else 'NO'} |")
        for r in self.rows:
            w = r["work"]
            if r["tool"] != "newswatchd":
                continue
            if w.startswith("match-") and w.endswith("-matcher"):
                ips = r.get("ips")
                comp = rows.get(f"compile-newswatchd-{w.split('-')[1]}")
                ok = ips and ips >= 100000 and r["rss"] <= 100 and comp and comp["wall"] < 2
                g = rows.get("grep-rules-10000")
                out.append(f"| {w.split('-')[1]} rules, the matcher (`bench_match`) | "
                           f"{fmt(r.get('match_cpu'))} | {fmt(r.get('match_cpu'), 2)} | "
                           f"{r['rss']:.1f} | "
                           f"{'—' if not ips else f'{ips:,.0f}'} items/CPU-s | "
                           f"grep 10,000 words {fmt(g['wall']) if g else '—'} | — | "
                           f"≥ 100,000 items/s/core, ≤ 100 MiB | {'yes' if ok else 'NO'} |")
            elif w.startswith("match-") and w.endswith("-net"):
                ips = r["items"] / r["cpu"] if r["cpu"] and r["cpu"] > 0 else None
                comp = rows.get(f"compile-newswatchd-{w.split('-')[1]}")
                out.append(f"| {w[:-4]} rules, whole daemon `--once --dry-run` "
                           f"(net of compile and parse; alerts stored and printed) | "
                           f"{fmt(r['wall'])} | {fmt(r['cpu'], 2)} | {r['rss']:.1f} | "
                           f"{'—' if not ips else f'{ips:,.0f}'} items/CPU-s | — | — | "
                           f"(for information) | — |")
                if comp:
                    out.append(f"| compile {w.split('-')[1]} rules (`-t`) | {fmt(comp['wall'])} | "
                               f"{fmt(comp['cpu'], 2)} | {comp['rss']:.1f} | | — | — | < 2 s | "
                               f"{'yes' if comp['wall'] < 2 else 'NO'} |")
            elif w.startswith("idle-"):
                ok = r["cpu"] is not None and r["cpu"] < 0.1 * r["wall"] / 60
                out.append(f"| {w} feeds, run mode, {r['wall']} s | — | {fmt(r['cpu'], 2)} | "
                           f"{fmt(r['rss'], 1)} | | — | — | < 0.1 s CPU / 60 s | "
                           f"{'yes' if ok else 'NO'} |")
            elif w.startswith("ready-"):
                ok = r["wall"] is not None and r["wall"] < 2
                out.append(f"| {w}: start to READY | {fmt(r['wall'])} | — | {fmt(r['rss'], 1)} "
                           f"| | — | — | < 2 s | {'yes' if ok else 'NO'} |")
        out.append("")
        out.append("All commands (median wall of `runs`, CPU median, peak RSS max):")
        out.append("")
        out.append("| command | runs | wall s | CPU s | peak RSS MiB | items/s (wall) | HTTP "
                   "| host busy cores (own CPU/wall) |")
        out.append("|---|--:|--:|--:|--:|--:|---|---|")
        for r in self.rows:
            ips = f"{r['items'] / r['wall']:,.0f}" if r["items"] and r["wall"] else ""
            out.append(f"| {r['name']} | {r['runs']} | {fmt(r['wall'])} | "
                       f"{fmt(r['cpu'], 2)} | {fmt(r['rss'], 1)} | {ips} | {r['status']} | "
                       + (f"{r['busy']:.2f} ({(r['cpu'] or 0) / r['wall']:.2f})"
                          if r.get("busy") is not None and r["wall"] else "") + " |")
        if self.notes:
            out.append("")
            out += [f"- {n}" for n in self.notes]
        return "\n".join(out) + "\n"


def machine():
    model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                  if l.startswith("model name")), "?")
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True,
                              text=True, cwd=HERE).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, cwd=HERE).stdout.strip()
    except OSError:
        head, dirty = "?", ""
    return (f"date {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}, "
            f"nproc {os.cpu_count()}, CPU {model}, commit {head}"
            f"{' (work tree modified)' if dirty else ''}")


def main():
    ap = argparse.ArgumentParser(description="issue 5 benchmark")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--slow", action="store_true", help="newsboat at 5,000 feeds too")
    ap.add_argument("--runs", type=int)
    ap.add_argument("--only", default="parse,bigmem,poll,match,idle,ready")
    ap.add_argument("--bin", default="./newswatchd")
    ap.add_argument("--floor-bin", help="tests/bench/sax_floor.c built (make bench does)")
    ap.add_argument("--match-bin", help="tests/bench/bench_match.c built (make bench does)")
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--dir", default="build/bench")
    ap.add_argument("--port", type=int, default=18088)
    ap.add_argument("--idle-wait", type=int, help="s to wait for a quiet host before "
                    "each command (default 30, quick 5)")
    a = ap.parse_args()
    a.runs = a.runs or (1 if a.quick else 3)
    a.idle_wait = a.idle_wait if a.idle_wait is not None else (5 if a.quick else 30)
    for tool in ("hyperfine", "nginx", "sfeed", "xmllint", "curl"):
        if not shutil.which(tool) and not os.path.exists(f"/usr/sbin/{tool}"):
            sys.exit(f"bench: {tool} missing: run `make bench-deps`")
    if not os.path.exists("/usr/bin/time"):
        sys.exit("bench: /usr/bin/time missing: run `make bench-deps`")
    os.environ["LC_ALL"] = "C.UTF-8"
    b = Bench(a)
    only = a.only.split(",")
    b.corpus_ready(1000 if a.quick else 10000)
    b.serve()
    try:
        for w in only:
            try:
                getattr(b, f"w_{w}")()
            except (subprocess.CalledProcessError, OSError) as e:
                b.notes.append(f"workload {w} stopped: {e}")
                log(f"bench: workload {w} stopped: {e}")
    finally:
        b.stop()
    head = machine()
    table = b.table()
    with open(os.path.join(b.out, "table.md"), "w") as f:
        f.write(head + "\n\n" + table)
    json.dump(dict(machine=head, rows=b.rows, notes=b.notes),
              open(os.path.join(b.out, "results.json"), "w"), indent=1)
    print(head + "\n")
    print(table)


if __name__ == "__main__":
    main()
