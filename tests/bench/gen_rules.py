#!/usr/bin/env python3
"""Rules and configurations for `make bench` (standard library only).

usage: gen_rules.py rules SHARED K OUT.txt [--seed S]
       gen_rules.py conf OUT.conf --state DIR [--feeds URLFILE] [--rules RULES.txt]
                                  [--interval 15m] [--concurrency 16] [--per-host 16]

`rules`: K rules, one per line, made the way ../shared/bench/gen_corpus.py
makes rules_K.txt (its rules(seed, K) gives the word pool: the six real words
Latvia, NATO, troops, Adazi, Karins, Riga first, then invented names that
rarely match), extended to a mix of forms, as issue 5 asks:
  ~50% single terms, ~15% phrases, ~10% AND pairs, ~10% OR pairs,
  ~10% prefixes, ~5% NEAR/5 pairs.
One rule in 500 is built from the real words, so that a realistic few match.
Same seed and K -> byte-identical file.

`conf`: a configuration (interface.md) with one [feed] per line of URLFILE
and one [watchlist] per rule (each with notify = stdout); without --rules,
one watchlist "baltic" (Latvia AND (NATO OR troop*)).
"""
import argparse, importlib.util, os, random, sys

REAL = ["Latvia", "NATO", "troops", "Ādaži", "Kariņš", "Riga", "Rinkēvičs",
        "allied", "border", "drills", "defence", "budget", "rail", "Tallinn"]


SYL = ["ka", "ro", "vin", "tel", "mar", "os", "lu", "den", "ri", "zak", "bor", "ē", "ņa"]


def corpus_words(shared, seed, k):
    """gen_corpus.rules(seed, 10000) (rules_10000.txt, word for word), then
    more invented names of the same syllables.  gen_corpus's own generator
    (2-4 syllables) runs out of names near 30,000, so past 10,000 ours takes
    3-6 syllables."""
    path = os.path.join(shared, "bench", "gen_corpus.py")
    spec = importlib.util.spec_from_file_location("gen_corpus", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = mod.rules(seed, min(k, 10000)).split()
    seen = set(out)
    rng = random.Random(seed * 19 + k)
    while len(out) < k:
        w = "".join(rng.choice(SYL) for _ in range(rng.randint(3, 6))).capitalize()
        if w not in seen:
            seen.add(w); out.append(w)
    return out


def make_rules(words, seed, k):
    rng = random.Random(seed * 17 + k)
    out = words[:6]                       # the real single terms, as rules_K.txt
    i = 6
    while len(out) < k:
        if len(out) % 500 == 0:           # a real-word rule: some items match
            a, b = rng.sample(REAL, 2)
            form = rng.choice([f"{a} AND {b}", f"{a} OR {b}", f'"{a} {b}"',
                               f"{a[:4]}*", f"{a} NEAR/5 {b}", f"title:{a}"])
            out.append(form)
            continue
        w = words[i % len(words)]
        v = words[(i * 7 + 3) % len(words)]
        i += 1
        r = rng.random()
        if r < 0.50:
            out.append(w)
        elif r < 0.65:
            out.append(f'"{w} {v}"')
        elif r < 0.75:
            out.append(f"{w} AND {v}")
        elif r < 0.85:
            out.append(f"{w} OR {v}")
        elif r < 0.95:
            out.append(f"{w[:max(3, len(w) - 2)]}*")
        else:
            out.append(f"{w} NEAR/5 {v}")
    return out


def cmd_rules(a):
    words = corpus_words(a.shared, a.seed, a.k)
    with open(a.out, "w") as f:
        f.write("\n".join(make_rules(words, a.seed, a.k)) + "\n")


def cmd_conf(a):
    with open(a.out, "w") as f:
        f.write(f"[daemon]\nstate = {a.state}\ninterval = {a.interval}\n"
                f"concurrency = {a.concurrency}\nper_host = {a.per_host}\n"
                f"timeout = 30s\nmax_size = 64M\n")
        d = os.path.abspath(a.out) + ".d"
        if a.rules:
            f.write(f"include = {d}/*.conf\n")
        f.write("\n")
        if a.feeds:
            for n, url in enumerate(open(a.feeds), 1):
                f.write(f'[feed "f{n:05d}"]\nurl = {url.strip()}\n')
        if a.rules:
            # The daemon reads at most 4 MiB per file: the watchlists go to
            # OUT.d/NNN.conf, 10,000 a file, read with [daemon] include.
            os.makedirs(d, exist_ok=True)
            for old in os.listdir(d):
                os.unlink(os.path.join(d, old))
            part = None
            for n, rule in enumerate(open(a.rules), 1):
                if (n - 1) % 10000 == 0:
                    part and part.close()
                    part = open(os.path.join(d, f"{(n - 1) // 10000:03d}.conf"), "w")
                part.write(f'[watchlist "r{n:06d}"]\nmatch = {rule.strip()}\n'
                           f"notify = stdout\n")
            part and part.close()
        else:
            f.write('[watchlist "baltic"]\nmatch = Latvia AND (NATO OR troop*)\n'
                    "notify = stdout\n")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("rules")
    r.add_argument("shared"); r.add_argument("k", type=int); r.add_argument("out")
    r.add_argument("--seed", type=int, default=42)
    c = sub.add_parser("conf")
    c.add_argument("out"); c.add_argument("--state", required=True)
    c.add_argument("--feeds"); c.add_argument("--rules")
    c.add_argument("--interval", default="15m")
    c.add_argument("--concurrency", default="16"); c.add_argument("--per-host", default="16")
    a = ap.parse_args()
    {"rules": cmd_rules, "conf": cmd_conf}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
