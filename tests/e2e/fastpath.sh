#!/bin/bash
# End-to-end: the passthrough fast path. Once the full path has validated a node
# config, state/start/kill/delete... exec the runtime before libc starts; any change
# to the config, the runtime or the record sends them back through the full path.
set -u
. "$(dirname "$0")/lib.sh"
require_root e2e

e2e_setup fastpath
make_rootfs "$WORK/rootfs"
LOG="$WORK/decisions.jsonl"
cp "$RUNC" "$WORK/runc" # a runtime this suite may replace
node_config "$WORK/node.json" "$WORK/runc" "$TOP/profiles" "$LOG"
node_config "$WORK/nocache.json" "$WORK/runc" "$TOP/profiles" "$LOG" '.cache_dir=null'
node_config "$WORK/env.json" "$WORK/runc" "$TOP/profiles" "$LOG"
# a record is only made of files that have not changed for a second
sleep 2.1

# how CONFIG ARGS...: $HOW is "fast" when clampdown ran the runtime without opening its
# node config, "full" when it read it; $RC its status, stdout in $WORK/out, stderr in $WORK/err
how() {
	local cfg=$1
	shift
	strace -qq -s 4096 -e trace=openat,execve -o "$WORK/trace" "$CLAMPDOWN" --clampdown-config="$cfg" \
		--root "$ROOTS/runc" "$@" >"$WORK/out" 2>"$WORK/err"
	RC=$?
	HOW=full
	if ! grep -q "openat(.*\"$cfg\"" "$WORK/trace" && [ "$(grep -c '^execve(' "$WORK/trace")" = 2 ]; then
		HOW=fast
	fi
}
record_of() { ls "$CLAMPDOWN_RUN_DIR" 2>/dev/null | grep -c '^passthrough-'; }

b="$WORK/b"
make_bundle "$b" "$WORK/rootfs" "sleep 60"
(cd "$b" && how "$WORK/node.json" create c1 && echo "$HOW" >"$WORK/how")
expect_eq "create takes the full path" "$(cat "$WORK/how")" "full"
expect_eq "and leaves no record" "$(record_of)" "0"
how "$WORK/node.json" state c1
expect_eq "the first state takes the full path" "$HOW" "full"
expect_eq "and leaves one record" "$(record_of)" "1"
check "in a directory only root can write, a file only root can read" \
	bash -c "[ \"\$(stat -c %a '$CLAMPDOWN_RUN_DIR' \"\$(ls -d '$CLAMPDOWN_RUN_DIR'/passthrough-*)\")\" = \$'700\n600' ]"

how "$WORK/node.json" state c1
expect_eq "the next state is fast" "$HOW" "fast"
expect_eq "its output is runc's, byte for byte" "$(cat "$WORK/out"; echo "rc=$RC")" \
	"$("$RUNC" --root "$ROOTS/runc" state c1; echo "rc=$?")"
check "the runtime ran without clampdown's flag" grep -qF "execve(\"$WORK/runc\", [\"$WORK/runc\", \"--root\", \"$ROOTS/runc\", \"state\", \"c1\"]" "$WORK/trace"
how "$WORK/node.json" start c1
expect_eq "start is fast" "$HOW" "fast"
expect_eq "the container runs" "$("$RUNC" --root "$ROOTS/runc" state c1 | jq -r .status)" "running"
how "$WORK/node.json" ps --format json c1
expect_eq "ps is fast" "$HOW" "fast"
check "and lists the container's process" jq_ok "$WORK/out" 'length == 1'
how "$WORK/node.json" pause c1
expect_eq "pause is fast" "$HOW" "fast"
expect_eq "the container is paused" "$("$RUNC" --root "$ROOTS/runc" state c1 | jq -r .status)" "paused"
how "$WORK/node.json" resume c1
expect_eq "resume is fast" "$HOW" "fast"
how "$WORK/node.json" --log "$WORK/runc.log" --log-format json list -q
expect_eq "with --log and --log-format, list is fast" "$HOW" "fast"
expect_eq "and prints runc's list" "$(cat "$WORK/out")" "c1"
how "$WORK/node.json" state nothing-here
expect_eq "a state of no container is fast, and fails as runc's does" "$HOW:$RC" "fast:1"
how "$WORK/node.json" exec c1 true
expect_eq "exec is never fast" "$HOW" "full"
how "$WORK/node.json" update --pids-limit 50 c1
expect_eq "update is never fast" "$HOW" "full"
how "$WORK/node.json" --bogus state c1
expect_eq "an unknown global flag is not fast, and refused" "$HOW:$RC" "full:1"

# --- $CLAMPDOWN_CONFIG names the config: a record of its own
out=$(CLAMPDOWN_CONFIG="$WORK/env.json" "$CLAMPDOWN" --root "$ROOTS/runc" state c1 | jq -r .id)
expect_eq "through \$CLAMPDOWN_CONFIG, state works" "$out" "c1"
strace -qq -s 4096 -e trace=openat -o "$WORK/trace" env CLAMPDOWN_CONFIG="$WORK/env.json" "$CLAMPDOWN" \
	--root "$ROOTS/runc" state c1 >/dev/null
check "and then is fast" bash -c "! grep -q 'env.json' '$WORK/trace'"

# --- a config with cache_dir null leaves no record
before=$(ls "$CLAMPDOWN_RUN_DIR")
how "$WORK/nocache.json" state c1
how "$WORK/nocache.json" state c1
expect_eq "cache_dir null: state takes the full path" "$HOW" "full"
expect_eq "and no record is written" "$(ls "$CLAMPDOWN_RUN_DIR")" "$before"

# --- the record itself: another owner, a directory others can write, torn
how "$WORK/node.json" state c1
rec=$(grep -l "$WORK/node.json" "$CLAMPDOWN_RUN_DIR"/passthrough-*)
chown nobody "$rec"
how "$WORK/node.json" state c1
expect_eq "a record owned by another user is ignored" "$HOW" "full"
expect_eq "and replaced by the full path" "$(stat -c %U "$rec")" "root"
chmod 0770 "$CLAMPDOWN_RUN_DIR"
how "$WORK/node.json" state c1
expect_eq "a record in a directory others can write is ignored" "$HOW" "full"
chmod 0700 "$CLAMPDOWN_RUN_DIR"
how "$WORK/node.json" state c1
expect_eq "back to fast" "$HOW" "fast"
cp "$rec" "$WORK/rec.keep"
head -c -20 "$WORK/rec.keep" >"$rec"
how "$WORK/node.json" state c1
expect_eq "a torn record is ignored" "$HOW" "full"
sed "s|$WORK/runc|/bin/true|" "$WORK/rec.keep" >"$rec"
how "$WORK/node.json" state c1
expect_eq "a record naming another runtime than it checked is ignored" "$HOW" "full"
how "$WORK/node.json" state c1
expect_eq "fast again once rewritten" "$HOW" "fast"

# --- the node config changes: broken, then another runtime
cp "$WORK/node.json" "$WORK/node.good"
echo '{"runtime": ' >"$WORK/node.json"
how "$WORK/node.json" state c1
expect_eq "a config broken after its record: state takes the full path" "$HOW" "full"
expect_match "and is refused, naming the file" "$RC:$(cat "$WORK/err")" "^1:clampdown: $WORK/node.json: invalid JSON"
jq --arg rt "$CRUN" '.runtime=$rt' "$WORK/node.good" >"$WORK/node.json"
how "$WORK/node.json" list -q
check "a config now naming crun: crun runs" grep -q "execve(\"$CRUN\"" "$WORK/trace"
sleep 2.1
how "$WORK/node.json" list -q
how "$WORK/node.json" list -q
expect_eq "and once settled, crun's record is fast" "$HOW" "fast"
check "running crun" grep -q "execve(\"$CRUN\"" "$WORK/trace"
cp "$WORK/node.good" "$WORK/node.json"
sleep 2.1
how "$WORK/node.json" state c1
how "$WORK/node.json" state c1
expect_eq "back on runc: fast" "$HOW" "fast"

# --- the runtime changes: replaced by clampdown itself, which must not loop
mv "$WORK/runc" "$WORK/runc.real"
ln -s "$CLAMPDOWN" "$WORK/runc"
out=$(timeout 20 "$CLAMPDOWN" --clampdown-config="$WORK/node.json" --root "$ROOTS/runc" state c1 2>&1)
expect_eq "a runtime replaced by clampdown: refused, not looped" "$?:$out" \
	"1:clampdown: $WORK/node.json: runtime \"$WORK/runc\" is clampdown itself; point it at the real runc or crun"
rm "$WORK/runc"
mv "$WORK/runc.real" "$WORK/runc"
how "$WORK/node.json" state c1
expect_eq "the runtime moved back (its ctime moved): full" "$HOW" "full"

# --- kill and delete, fast again once the runtime settled
sleep 2.1
how "$WORK/node.json" state c1
how "$WORK/node.json" kill c1 KILL
expect_eq "kill is fast" "$HOW" "fast"
for _ in $(seq 50); do
	[ "$("$RUNC" --root "$ROOTS/runc" state c1 | jq -r .status)" = stopped ] && break
	sleep 0.1
done
how "$WORK/node.json" delete c1
expect_eq "delete is fast" "$HOW" "fast"
check "the container is gone" bash -c "! '$RUNC' --root '$ROOTS/runc' state c1 >/dev/null 2>&1"

summary fastpath
