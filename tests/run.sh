#!/bin/sh
# The whole suite: cmocka unit tests, then the integration tests that run
# the real daemon against servers they start on 127.0.0.1.  Ends with the
# line "N passed, N failed" (counted in test cases) and fails if any did.
#
# Environment: BUILD (build or build-san), NEWSWATCHD (the binary),
# ONLY (a substring: run only the suites whose name contains it),
# VALGRIND=1 (every unit test binary and every daemon run under valgrind's
# memcheck: an error or a definite/indirect leak fails the test),
# CRASH_KILLS_CHECK (kills of the crash test run here; 0 skips it).
BUILD=${BUILD:-build}
NEWSWATCHD=${NEWSWATCHD:-./newswatchd}
export NEWSWATCHD
VALGRIND=${VALGRIND:-}
CRASH_KILLS_CHECK=${CRASH_KILLS_CHECK:-20}
vg=
if [ "$VALGRIND" = 1 ]; then
	if [ "${SANITIZE:-}" = 1 ]; then
		echo "run.sh: VALGRIND=1 and SANITIZE=1 do not mix" >&2
		exit 2
	fi
	command -v valgrind >/dev/null 2>&1 || {
		echo "run.sh: VALGRIND=1 but valgrind is not installed" >&2
		exit 2
	}
	vg="valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect --num-callers=30 --suppressions=tests/valgrind.supp"
	# nwtest.py wraps every daemon it starts (and scales its waits).
	NEWSWATCH_VALGRIND=1
	export NEWSWATCH_VALGRIND
fi
# Sanitizer findings must fail the run, leaks included.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:exitcode=86:abort_on_error=0}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=87}
export ASAN_OPTIONS UBSAN_OPTIONS

passed=0
failed=0
log=$(mktemp "${TMPDIR:-/tmp}/newswatch-test.XXXXXX")
trap 'rm -f "$log"' EXIT
trap 'exit 130' INT TERM

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
	$vg "$t" >"$log" 2>&1
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

# The kill test, short (make crash-test runs the long one).  Not under
# valgrind: a daemon that slow is killed before it does anything.
name=crash/crash_test
case $name in *"${ONLY:-}"*) run_crash=1 ;; *) run_crash=0 ;; esac
if [ "$run_crash" = 1 ] && [ "$CRASH_KILLS_CHECK" -gt 0 ] && [ "$VALGRIND" != 1 ]; then
	python3 tests/crash/crash_test.py --kills "$CRASH_KILLS_CHECK" >"$log" 2>&1
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
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
