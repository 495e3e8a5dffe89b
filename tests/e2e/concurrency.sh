#!/bin/bash
# Concurrency: 50 containers run at once through clampdown, each from its
# own bundle, all writing one decision log. Every one starts hardened, the
# log has exactly one whole line per decision (the run and the bandwidth hook), and no temp file is left.
set -u
. "$(dirname "$0")/lib.sh"
require_root concurrency

e2e_setup concurrency
N=${CONCURRENCY_N:-50}
make_rootfs "$WORK/rootfs"
mkdir -p "$WORK/empty"
LOG="$WORK/decisions.jsonl"
node_config "$WORK/node.json" "$RUNC" "$TOP/profiles" "$LOG"
PROBE='echo uid=$(id -u); grep -E "^(CapEff|NoNewPrivs)" /proc/self/status | tr -d "\t"
if touch /probe 2>/dev/null; then echo rootfs=rw; else echo rootfs=ro; fi'
# every capability and a long environment: many findings, so each log line
# is several pages long and interleaving writers would tear it
ALL_CAPS=$(sed -n 's/^#define \(CAP_[A-Z_]*\)[[:space:]]*[0-9][0-9]*$/\1/p' /usr/include/linux/capability.h |
	jq -R . | jq -sc .)
for i in $(seq "$N"); do
	make_bundle "$WORK/b$i" "$WORK/rootfs" "$PROBE" \
		".process.capabilities = {bounding: $ALL_CAPS, effective: $ALL_CAPS, permitted: $ALL_CAPS} |
		 .process.env += [range(200) | \"PAD_\\(.)=\\(. * 1000)\"] | .mounts += [range(40) | {destination: \"/m\\(.)\",
		 type: \"bind\", source: \"$WORK/empty\", options: [\"bind\", \"rw\"]}] |
		 .hooks.prestart = [{path: \"/bin/true\"}]"
done

for i in $(seq "$N"); do
	(cd "$WORK/b$i" && "$CLAMPDOWN" --clampdown-config="$WORK/node.json" --root "$ROOTS/runc" run "cc-$i" \
		>"$WORK/b$i.out" 2>"$WORK/b$i.err"
	echo $? >"$WORK/b$i.rc") &
done
wait

bad=0
for i in $(seq "$N"); do
	out=$(cat "$WORK/b$i.out")
	if [ "$(cat "$WORK/b$i.rc")" != 0 ] || [ -s "$WORK/b$i.err" ] || ! [[ $out =~ uid=65534 ]] ||
		! [[ $out =~ CapEff:0000000000000400 ]] || ! [[ $out =~ NoNewPrivs:1 ]] || ! [[ $out =~ rootfs=ro ]]; then
		bad=$((bad + 1))
		echo "# cc-$i: exit $(cat "$WORK/b$i.rc"): $out $(cat "$WORK/b$i.err")"
	fi
done
expect_eq "all $N containers ran hardened (non-root, CapEff, no_new_privs, read-only root)" "$bad" "0"
# two decisions per container: its run (the rewrite) and the bandwidth hook's (which runs after the
# prestart hook, as Docker's network setup does)
expect_eq "the decision log has $((2 * N)) lines, two per container" "$(wc -l <"$LOG")" "$((2 * N))"
expect_eq "each one a whole JSON object" "$(jq -R 'fromjson? | objects' "$LOG" | jq -s length)" "$((2 * N))"
expect_eq "one run decision per container, none twice" \
	"$(jq -r 'select(.command == "run") | .id' "$LOG" | sort -u | wc -l) $(jq -r 'select(.command == "run")' "$LOG" | jq -s length)" "$N $N"
expect_eq "one hook decision per container" "$(jq -r 'select(.command == "hook bandwidth") | .id' "$LOG" | sort -u | wc -l)" "$N"
check "each run decision with its findings" jq_ok "$LOG" -s \
	'map(select(.command == "run")) | all(.[]; .verdict == "rewritten" and (.findings | length) > 10)'
check "lines longer than a page (so a torn write would show)" test "$(wc -L <"$LOG")" -gt 8192
expect_eq "no temp file left in any bundle" "$(find "$WORK" -name '.config.json.clampdown-*' | wc -l)" "0"

# how: the log is opened O_APPEND and each line goes out in one write(2)
if command -v strace >/dev/null; then
	make_bundle "$WORK/traced" "$WORK/rootfs" "true"
	strace -qq -e trace=openat,write,close -o "$WORK/trace" "$CLAMPDOWN" --clampdown-config="$WORK/node.json" \
		--root "$ROOTS/runc" create -b "$WORK/traced" cc-traced >/dev/null 2>&1
	"$RUNC" --root "$ROOTS/runc" delete -f cc-traced >/dev/null 2>&1
	writes=$(awk -v logf="\"$LOG\"" '
		/^openat/ && index($0, logf) { split($0, a, "= "); fd = a[2]; flags = $0; next }
		fd != "" && $0 ~ "^write\\(" fd "," { n++ }
		fd != "" && $0 ~ "^close\\(" fd "\\)" { fd = "" }
		END { print (flags ~ /O_APPEND/ ? "append" : "no-append"), n + 0 }' "$WORK/trace")
	expect_eq "the decision log: opened O_APPEND, one write(2) for the line" "$writes" "append 1"
else
	skip_or_fail "strace is not installed"
fi

summary concurrency
