# newswatch: a news-monitoring daemon.  GNU make.
#
#   make            build ./newswatchd
#   make deps       install the Debian packages needed to build and test
#   make check      unit and integration tests (SANITIZE=1: ASan + UBSan)
#   make demo       run the daemon once on the bundled sample feeds
#   make install    PREFIX, SYSCONFDIR, DESTDIR as usual

VERSION		= 0.1.0
PREFIX		?= /usr/local
SYSCONFDIR	?= $(PREFIX)/etc
SBINDIR		?= $(PREFIX)/sbin
MANDIR		?= $(PREFIX)/share/man
UNITDIR		?= $(PREFIX)/lib/systemd/system
DESTDIR		?=

PKGS		= libcurl libxml-2.0 libevent sqlite3 jansson libutf8proc libcrypto
# Asked when first used, not when make starts: `make deps all` on a fresh
# machine installs pkg-config and the libraries before anything compiles.
PKG_CFLAGS	= $(eval PKG_CFLAGS := $$(shell pkg-config --cflags $(PKGS)))$(PKG_CFLAGS)
PKG_LIBS	= $(eval PKG_LIBS := $$(shell pkg-config --libs $(PKGS)))$(PKG_LIBS)

CC		?= cc
WARN		= -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes \
		  -Wshadow -Wpointer-arith -Wsign-compare -Wformat=2
# CI builds with warnings as errors (style.md, DEVELOPERS.md).
ifeq ($(CI),true)
WARN		+= -Werror
endif
CFLAGS		?= -O2 -g
ALL_CFLAGS	= -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -Iinclude $(PKG_CFLAGS) \
		  -DNEWSWATCH_VERSION='"$(VERSION)"' \
		  -DNEWSWATCH_CONF='"$(SYSCONFDIR)/newswatch/newswatch.conf"'
LDLIBS		= $(PKG_LIBS) -lm

ifeq ($(SANITIZE),1)
BUILD		= build-san
ALL_CFLAGS	+= -fsanitize=address,undefined -fno-omit-frame-pointer \
		   -fno-sanitize-recover=undefined
LDFLAGS		+= -fsanitize=address,undefined
else
BUILD		= build
endif

# Layer 1 (pure), layer 2 (adapters), layer 3 (orchestration).
PURE		= util conf conf_set conf_opml date html html_ref html_css html_names text rules rules_match rules_index feed feed_sax feed_util feed_input feed_repair feed_json feed_xml alert
ADAPTERS	= log store store_queue http sink metrics notify
ORCH		= poller poller_poll outbox
MODULES		= $(PURE) $(ADAPTERS) $(ORCH)
OBJS		= $(MODULES:%=$(BUILD)/%.o)

# Unit tests and the modules each one links.
UNIT_TESTS	= util conf date html html_names text rules feed feed_input feed_xml alert store
UNIT_util	= util
UNIT_conf	= conf conf_set conf_opml util
UNIT_date	= date util
UNIT_html	= html html_ref html_css html_names util
UNIT_html_names	= html_names
UNIT_text	= text html html_ref html_css html_names util
UNIT_rules	= rules rules_match rules_index text html html_ref html_css html_names util
UNIT_feed	= feed feed_sax feed_xml feed_util feed_input feed_repair feed_json date html html_ref html_css html_names text util
UNIT_feed_input	= feed feed_sax feed_xml feed_util feed_input feed_repair feed_json date html html_ref html_css html_names text util
UNIT_feed_xml	= feed feed_sax feed_xml feed_util feed_input feed_repair feed_json date html html_ref html_css html_names text util
UNIT_alert	= alert date text html html_ref html_css html_names util conf conf_set conf_opml
UNIT_store	= store store_queue util
UNIT_BINS	= $(UNIT_TESTS:%=$(BUILD)/test_%)

.PHONY: all deps demo check unit conformance install uninstall clean FORCE

# The project's shared folder (design notes, conformance corpus, bench).
SHARED		?= ../shared

all: newswatchd

$(BUILD):
	@mkdir -p $(BUILD)

$(BUILD)/%.o: daemon/%.c $(wildcard include/*.h) | $(BUILD)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/newswatchd: $(OBJS) $(BUILD)/main.o
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The binary stands at the top so that ./newswatchd is what was built last,
# sanitized or not.
newswatchd: $(BUILD)/newswatchd FORCE
	@cmp -s $< $@ || { cp $< $@.tmp && mv -f $@.tmp $@; }

$(BUILD)/test_%.o: tests/unit/test_%.c $(wildcard include/*.h) tests/unit/unit.h | $(BUILD)
	$(CC) $(ALL_CFLAGS) -Itests/unit -c -o $@ $<

# Test objects are kept: relinking a test should not recompile it.
.SECONDARY:
.SECONDEXPANSION:
$(BUILD)/test_%: $(BUILD)/test_%.o $$(addprefix $(BUILD)/,$$(addsuffix .o,$$(UNIT_$$*)))
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

unit: $(UNIT_BINS)

check: newswatchd $(UNIT_BINS)
	@BUILD=$(BUILD) SANITIZE=$(SANITIZE) sh tests/run.sh

# Idempotent: installs only what is missing, quiet when all is there.
DEB_PKGS	= build-essential pkg-config libcurl4-openssl-dev libxml2-dev \
		  libevent-dev libsqlite3-dev libjansson-dev libutf8proc-dev \
		  libssl-dev libcmocka-dev python3 sqlite3 util-linux \
		  mandoc systemd
deps:
	@missing=$$(for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
		grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "deps: installing $$missing"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	@# promtool checks /metrics; Debian ships it inside the prometheus
	@# package, whose server we do not want installed and running.
	@command -v promtool >/dev/null || { \
		d=$$(mktemp -d) && cd $$d && \
		apt-get download -qq prometheus >/dev/null 2>&1 && \
		dpkg-deb --fsys-tarfile prometheus_*.deb | tar -x ./usr/bin/promtool && \
		install -m 755 usr/bin/promtool /usr/local/bin/promtool; \
		rc=$$?; rm -rf $$d; \
		[ $$rc -eq 0 ] || echo "deps: promtool not installed; /metrics is checked by the tests' own parser only"; }

# feedparser's test corpus, scored on ./newswatchd --parse (informational).
conformance: newswatchd
	python3 $(SHARED)/conformance/score.py $(SHARED)/conformance/cases.jsonl \
		$(SHARED)/conformance/feedparser -- ./newswatchd --parse

demo: newswatchd
	@sh conf/demo.sh ./newswatchd

install: newswatchd
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(SYSCONFDIR)/newswatch \
		$(DESTDIR)$(UNITDIR)
	install -m 755 newswatchd $(DESTDIR)$(SBINDIR)/newswatchd
	install -m 644 daemon/newswatchd.8 $(DESTDIR)$(MANDIR)/man8/newswatchd.8
	install -m 644 daemon/newswatch.conf.5 $(DESTDIR)$(MANDIR)/man5/newswatch.conf.5
	sed 's|@SBINDIR@|$(SBINDIR)|g; s|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		systemd/newswatchd.service > $(DESTDIR)$(UNITDIR)/newswatchd.service
	# An operator's configuration is never overwritten.
	[ -e $(DESTDIR)$(SYSCONFDIR)/newswatch/newswatch.conf ] || \
		install -m 644 conf/newswatch.conf $(DESTDIR)$(SYSCONFDIR)/newswatch/newswatch.conf

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/newswatchd $(DESTDIR)$(MANDIR)/man8/newswatchd.8 \
		$(DESTDIR)$(MANDIR)/man5/newswatch.conf.5 \
		$(DESTDIR)$(UNITDIR)/newswatchd.service

clean:
	rm -rf build build-san newswatchd

# libFuzzer targets (clang, ASan + UBSan), each run FUZZ_SECONDS:
#   make fuzz FUZZ_SECONDS=600
# Seeds: tests/fuzz/corpus/<target>, and the conformance corpus for the
# feed parser when $(SHARED) is there; new inputs go to build-fuzz/.
FUZZ_CC		?= clang
FUZZ_SECONDS	?= 60
FUZZ_TARGETS	= feed date entity rules conf
FUZZ_feed	= feed feed_sax feed_xml feed_util feed_input feed_repair feed_json date html html_ref html_css html_names text util
FUZZ_date	= date util
FUZZ_entity	= html html_ref html_css html_names util
FUZZ_rules	= rules rules_match rules_index text html html_ref html_css html_names util
FUZZ_conf	= conf conf_set conf_opml util
FUZZ_SAN	= -fsanitize=address,undefined -fno-sanitize-recover=undefined \
		  -fno-omit-frame-pointer
# A 256-byte look-ahead (64 KiB in the daemon) so that the fuzzer's small
# inputs reach the input stage's streaming repairs, whose chunk boundaries
# fuzz_feed compares with a whole parse.
FUZZ_CFLAGS	= -std=c11 -D_GNU_SOURCE $(WARN) -g -O1 \
		  -Iinclude $(PKG_CFLAGS) $(FUZZ_SAN) -DNEWSWATCH_VERSION='"$(VERSION)"' \
		  -DFEED_LOOKAHEAD=256
FUZZ_BINS	= $(FUZZ_TARGETS:%=build-fuzz/fuzz_%)

.PHONY: fuzz fuzz-build fuzz-deps
FUZZ_DEB_PKGS	= clang libclang-rt-14-dev
fuzz-deps:
	@missing=$$(for p in $(FUZZ_DEB_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
		grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "fuzz-deps: installing $$missing"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

build-fuzz:
	@mkdir -p build-fuzz

build-fuzz/%.o: daemon/%.c $(wildcard include/*.h) | build-fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $$(addprefix build-fuzz/,$$(addsuffix .o,$$(FUZZ_$$*)))
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

fuzz-build: $(FUZZ_BINS)

# ASan's default quarantine (256 MiB) alone can pass -rss_limit_mb.
# Every target runs even when one fails; the last line sums them up.
fuzz: $(FUZZ_BINS)
	@pass=0; fail=0; for t in $(FUZZ_TARGETS); do \
		mkdir -p build-fuzz/corpus/$$t; \
		seeds=; [ -d tests/fuzz/corpus/$$t ] && seeds=tests/fuzz/corpus/$$t; \
		if [ $$t = feed ] && [ -d $(SHARED)/conformance/feedparser ]; then \
			seeds="$$seeds $(SHARED)/conformance/feedparser"; fi; \
		dict=; [ -f tests/fuzz/$$t.dict ] && dict=-dict=tests/fuzz/$$t.dict; \
		echo "fuzz: $$t for $(FUZZ_SECONDS)s"; \
		ASAN_OPTIONS=quarantine_size_mb=64 \
		build-fuzz/fuzz_$$t $$dict -max_total_time=$(FUZZ_SECONDS) \
		    -rss_limit_mb=512 -timeout=10 -print_final_stats=1 \
		    build-fuzz/corpus/$$t $$seeds && pass=$$((pass + 1)) || \
		    { fail=$$((fail + 1)); echo "fuzz: $$t FAILED"; }; \
	done; \
	echo "fuzz: $$pass passed, $$fail failed"; [ $$fail -eq 0 ]

# ------------------------------------------------------------------ bench
# Issue 5's benchmark: newswatchd beside sfeed, sfeed_update, newsboat and
# grep on ../shared/bench's corpus, served by nginx on 127.0.0.1 only.
# Not part of `make check`.  BENCH_QUICK=1: 1,000 feeds, one run each (~1 min);
# BENCH_SLOW=1 adds newsboat at 5,000 feeds (~5 min a run).  tests/bench/README.md.
BENCH_DIR	?= $(BUILD)/bench
BENCH_PORT	?= 18088
BENCH_RUNS	?=
BENCH_ONLY	?= parse,bigmem,poll,match,idle,ready
BENCH_IDLE_WAIT	?=
BENCH_DEB_PKGS	= nginx-light sfeed newsboat hyperfine time curl libxml2-utils \
		  python3 sqlite3 linux-perf valgrind

.PHONY: bench bench-deps
bench: newswatchd $(BUILD)/bench_match $(BUILD)/sax_floor
	python3 tests/bench/bench.py --bin ./newswatchd --shared $(SHARED) \
		--match-bin $(BUILD)/bench_match --floor-bin $(BUILD)/sax_floor \
		--dir $(BENCH_DIR) --port $(BENCH_PORT) --only $(BENCH_ONLY) \
		$(if $(BENCH_QUICK),--quick) $(if $(BENCH_SLOW),--slow) \
		$(if $(BENCH_RUNS),--runs $(BENCH_RUNS)) \
		$(if $(BENCH_IDLE_WAIT),--idle-wait $(BENCH_IDLE_WAIT))

# libxml2 alone, as feed.c drives it (tests/bench/sax_floor.c).
$(BUILD)/sax_floor: tests/bench/sax_floor.c | $(BUILD)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ tests/bench/sax_floor.c $(LDLIBS)

# The matcher alone (tests/bench/bench_match.c), linked with the daemon's
# modules as they are built.
$(BUILD)/bench_match: tests/bench/bench_match.c $(OBJS) $(wildcard include/*.h)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ tests/bench/bench_match.c $(OBJS) $(LDLIBS)

bench-deps:
	@missing=$$(for p in $(BENCH_DEB_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
		grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "bench-deps: installing $$missing"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# Issue 7.  The kill test: CRASH_KILLS SIGKILLs at random moments, then
# nothing lost, nothing doubled (`make check` runs a 20-kill version).
# The soak: DURATION (e.g. 30m) of 500 feeds and a flaky receiver; fails if
# memory, open files, the WAL or the queue grow over the second half.
CRASH_KILLS	?= 200
DURATION	?= 10m
.PHONY: crash-test soak
crash-test: newswatchd
	python3 tests/crash/crash_test.py --kills $(CRASH_KILLS)

soak: newswatchd
	python3 tests/soak/soak.py --duration $(DURATION)
