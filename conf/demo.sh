#!/bin/sh
# make demo: run newswatchd once, offline, on the sample feeds in conf/demo,
# and print the alerts (one JSON line each) on stdout.
set -eu
bin=${1:-./newswatchd}
here=$(cd "$(dirname "$0")" && pwd)
state=$(mktemp -d "${TMPDIR:-/tmp}/newswatch-demo.XXXXXX")
trap 'rm -rf "$state"' EXIT INT TERM
sed -e "s|@DEMO@|$here/demo|g" -e "s|@STATE@|$state|g" \
	"$here/demo/demo.conf.in" > "$state/demo.conf"
echo "# newswatchd --once on $here/demo (watchlists in $here/demo/demo.conf.in)" >&2
"$bin" -c "$state/demo.conf" --once
