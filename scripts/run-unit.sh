#!/bin/sh
# Runs each Check suite binary and closes with one summary line.
pass=0 fail=0
for t in "$@"; do
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	line=$(printf '%s\n' "$out" | sed -n 's/.*Checks: \([0-9]*\), Failures: \([0-9]*\), Errors: \([0-9]*\).*/\1 \2 \3/p')
	read -r checks failures errors <<-EOF2
	${line:-0 0 0}
	EOF2
	bad=$((failures + errors))
	pass=$((pass + checks - bad))
	fail=$((fail + bad))
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		echo "$t: exited $rc"
		fail=$((fail + 1))
	fi
done
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
