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
PURE		= util conf date html text rules rules_match feed feed_util alert
ADAPTERS	= log store http sink
ORCH		= poller outbox
MODULES		= $(PURE) $(ADAPTERS) $(ORCH)
OBJS		= $(MODULES:%=$(BUILD)/%.o)

# Unit tests and the modules each one links.
UNIT_TESTS	= conf date html text rules feed alert store
UNIT_conf	= conf util
UNIT_date	= date util
UNIT_html	= html util
UNIT_text	= text html util
UNIT_rules	= rules rules_match text html util
UNIT_feed	= feed feed_util date html text util
UNIT_alert	= alert date text html util conf
UNIT_store	= store util
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

.SECONDEXPANSION:
$(BUILD)/test_%: $(BUILD)/test_%.o $$(addprefix $(BUILD)/,$$(addsuffix .o,$$(UNIT_$$*)))
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

unit: $(UNIT_BINS)

check: newswatchd $(UNIT_BINS)
	@BUILD=$(BUILD) SANITIZE=$(SANITIZE) sh tests/run.sh

# Idempotent: installs only what is missing, quiet when all is there.
DEB_PKGS	= build-essential pkg-config libcurl4-openssl-dev libxml2-dev \
		  libevent-dev libsqlite3-dev libjansson-dev libutf8proc-dev \
		  libssl-dev libcmocka-dev python3 sqlite3 util-linux
deps:
	@missing=$$(for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
		grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "deps: installing $$missing"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

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
