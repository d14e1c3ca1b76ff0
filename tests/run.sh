#!/bin/sh
# The whole suite: cmocka unit tests, then the integration tests that run
# the real daemon against servers they start on 127.0.0.1.  Ends with the
# line "N passed, N failed" (counted in test cases) and fails if any did.
#
# Environment: BUILD (build or build-san), NEWSWATCHD (the binary),
# ONLY (a substring: run only the suites whose name contains it).
BUILD=${BUILD:-build}
NEWSWATCHD=${NEWSWATCHD:-./newswatchd}
export NEWSWATCHD
# Sanitizer findings must fail the run, leaks included.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:exitcode=86:abort_on_error=0}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=87}
export ASAN_OPTIONS UBSAN_OPTIONS

passed=0
failed=0
log=$(mktemp "${TMPDIR:-/tmp}/newswatch-test.XXXXXX")
trap 'rm -f "$log"' EXIT INT TERM

# count SUITE PASSED FAILED
count() {
	passed=$((passed + $2))
	failed=$((failed + $3))
	printf '%-28s %4d passed, %d failed\n' "$1" "$2" "$3"
}

for t in "$BUILD"/test_*; do
	[ -x "$t" ] || continue
	case $t in *.o) continue ;; esac
	name=unit/$(basename "$t")
	case $name in *"${ONLY:-}"*) ;; *) continue ;; esac
	"$t" >"$log" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test.*/\1/p' "$log")
	f=$(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test.*/\1/p' "$log")
	p=${p:-0}
	f=${f:-0}
	# A crash or a sanitizer report is a failure however cmocka counted.
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	count "$name" "$p" "$f"
	[ "$f" -eq 0 ] || sed 's/^/    /' "$log"
done

for t in tests/integration/test_*.py; do
	[ -f "$t" ] || continue
	name=integration/$(basename "$t" .py)
	case $name in *"${ONLY:-}"*) ;; *) continue ;; esac
	python3 "$t" >"$log" 2>&1
	rc=$?
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
	f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	count "$name" "$p" "$f"
	[ "$f" -eq 0 ] || grep -v '^ok ' "$log" | sed 's/^/    /'
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
