#!/bin/sh
# Runs every end-to-end suite and closes with one summary line.
pass=0 fail=0
for t in tests/e2e/*.sh; do
	[ "$(basename "$t")" = lib.sh ] && continue
	out=$(bash "$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	line=$(printf '%s\n' "$out" | tail -1 | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p')
	set -- ${line:-0 1}
	pass=$((pass + $1))
	fail=$((fail + $2))
	[ "$rc" -ne 0 ] && [ "$2" -eq 0 ] && fail=$((fail + 1))
done
echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
