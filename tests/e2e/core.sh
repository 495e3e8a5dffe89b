#!/bin/bash
# End-to-end: real busybox containers through clampdown with real runc and crun.
set -u
. "$(dirname "$0")/lib.sh"
require_root e2e

e2e_setup e2e

make_rootfs "$WORK/rootfs"
mkdir -p "$WORK/profiles"
cp -r "$TOP"/profiles/*.json "$TOP"/profiles/seccomp "$WORK/profiles/"
jq '.name="denyroot" | .rules.user.mode="deny"' "$TOP/profiles/restricted.json" >"$WORK/profiles/denyroot.json"
LOG="$WORK/decisions.jsonl"
node_config "$WORK/runc.json" "$RUNC" "$WORK/profiles" "$LOG"
node_config "$WORK/crun.json" "$CRUN" "$WORK/profiles" "$LOG"
prepare_cgroups_for_crun

PROBE='echo uid=$(id -u) gid=$(id -g)
grep -E "^(CapEff|CapAmb|NoNewPrivs)" /proc/self/status | tr -d "\t"
if touch /probe 2>/dev/null; then echo rootfs=rw; else echo rootfs=ro; fi
if touch /tmp/probe 2>/dev/null; then echo tmp=rw; else echo tmp=ro; fi
if [ -d /sys/fs/cgroup/memory ]; then
  echo mem=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes) pids=$(cat /sys/fs/cgroup/pids/pids.max)
  echo cfs=$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us)
else
  echo mem=$(cat /sys/fs/cgroup/memory.max) pids=$(cat /sys/fs/cgroup/pids.max)
  echo cfs=$(cut -d" " -f1 /sys/fs/cgroup/cpu.max)
fi'

# run_through RUNTIME CONFIG BUNDLE ID: clampdown run, stdout to BUNDLE.out
run_through() {
	local name
	name=$(basename "$1")
	(cd "$3" && "$CLAMPDOWN" --clampdown-config="$2" --root "$ROOTS/$name" --log "$3.log" \
		--log-format json run "$4" >"$3.out" 2>"$3.err")
}

restricted_suite() {
	local rt=$1 cfg=$2 name b out
	name=$(basename "$rt")
	b="$WORK/$name-restricted"
	make_bundle "$b" "$WORK/rootfs" "$PROBE"
	check "$name: restricted container runs" run_through "$rt" "$cfg" "$b" "e2e-$name-1"
	out=$(cat "$b.out")
	expect_match "$name: uid/gid are the profile's" "$out" "uid=65534 gid=65534"
	expect_match "$name: CapEff is NET_BIND_SERVICE only" "$out" "CapEff:0000000000000400"
	expect_match "$name: CapAmb keeps it for the non-root process" "$out" "CapAmb:0000000000000400"
	expect_match "$name: NoNewPrivs" "$out" "NoNewPrivs:1"
	expect_match "$name: a write to / fails" "$out" "rootfs=ro"
	expect_match "$name: /tmp is writable" "$out" "tmp=rw"
	expect_match "$name: memory and pids limits in the cgroup" "$out" "mem=536870912 pids=512"
	expect_match "$name: CPU quota" "$out" "cfs=100000"
	expect_eq "$name: nothing on stderr" "$(cat "$b.err")" ""
	expect_eq "$name: config.json rewritten" "$(jq -c '[.root.readonly, .process.user.uid]' "$b/config.json")" \
		"[true,65534]"
	expect_eq "$name: no temp file left" "$(ls -A "$b" | grep -c clampdown)" "0"
}

restricted_suite "$RUNC" "$WORK/runc.json"
restricted_suite "$CRUN" "$WORK/crun.json"

# --- refusal: an error line in runc's --log, the bundle intact, no container
b="$WORK/denied"
make_bundle "$b" "$WORK/rootfs" "id" '.annotations={"io.clampdown.profile":"denyroot"}'
jq '.selectable_profiles += ["denyroot"]' "$WORK/runc.json" >"$WORK/deny.json"
sum=$(sha256sum <"$b/config.json")
(cd "$b" && "$CLAMPDOWN" --clampdown-config="$WORK/deny.json" --root "$ROOTS/runc" --log "$b.log" \
	--log-format json create e2e-denied >"$b.out" 2>"$b.err")
expect_eq "refusal exits 1" "$?" "1"
expect_eq "refusal: one stderr line" "$(wc -l <"$b.err")" "1"
expect_match "refusal: stderr names the rule and field" "$(cat "$b.err")" \
	"^clampdown: profile denyroot refuses container e2e-denied: rule user: process.user.uid"
check "refusal: --log line is runc's JSON" jq_ok "$b.log" \
	'select(.level=="error" and (.msg|startswith("clampdown: profile denyroot")) and (.time|test("^[0-9-]+T")))'
expect_eq "refusal: config.json unchanged" "$(sha256sum <"$b/config.json")" "$sum"
check "refusal: no container was created" bash -c "! '$RUNC' --root '$ROOTS/runc' state e2e-denied >/dev/null 2>&1"
expect_eq "refusal: decision logged as denied" \
	"$(jq -r 'select(.id=="e2e-denied") | .verdict' "$LOG")" "denied"

# --- text log format when runc is called without --log-format json
(cd "$b" && "$CLAMPDOWN" --clampdown-config="$WORK/deny.json" --root "$ROOTS/runc" --log "$b.textlog" \
	create e2e-denied2 >/dev/null 2>&1)
expect_match "refusal: logrus text line without --log-format json" "$(cat "$b.textlog")" \
	'^time="[0-9T:.-]+Z" level=error msg="clampdown: profile denyroot'

# --- a profile not listed as selectable is refused
b="$WORK/unselectable"
make_bundle "$b" "$WORK/rootfs" "id" '.annotations={"io.clampdown.profile":"denyroot"}'
(cd "$b" && "$CLAMPDOWN" --clampdown-config="$WORK/runc.json" --root "$ROOTS/runc" create e2e-unsel \
	>/dev/null 2>"$b.err")
expect_match "annotation naming an unselectable profile is refused" "$(cat "$b.err")" \
	'profile "denyroot" is not in selectable_profiles'

# --- a selectable profile by annotation: baseline audits the root user
b="$WORK/baseline"
ALLCAPS=$(for c in $(seq 0 40); do capsh --decode="$(printf %x $((1 << c)))" | sed 's/.*=//'; done |
	tr a-z A-Z | jq -R . | jq -sc .)
make_bundle "$b" "$WORK/rootfs" 'id -u; grep CapEff /proc/self/status' \
	".annotations={\"io.clampdown.profile\":\"baseline\"} | .process.capabilities |= map_values($ALLCAPS)"
check "baseline selected by annotation runs" run_through "$RUNC" "$WORK/runc.json" "$b" e2e-baseline
expect_match "baseline: root stays (audit), all caps cut to Docker's minus NET_RAW" "$(cat "$b.out")" \
	$'^0\nCapEff:\t00000000a80405fb$'
expect_eq "baseline: audit finding logged" \
	"$(jq -r 'select(.id=="e2e-baseline") | .findings[] | select(.rule=="user") | .action' "$LOG" | head -1)" \
	"audited"

# --- flags after the container id, then start; create stays quiet
b="$WORK/reordered"
make_bundle "$b" "$WORK/rootfs" 'id -u > /tmp/x; sleep 30'
"$CLAMPDOWN" --clampdown-config="$WORK/runc.json" --root "$ROOTS/runc" create e2e-reorder --bundle "$b" \
	>"$b.out" 2>"$b.err" </dev/null
expect_eq "create with --bundle after the id succeeds quietly" "$?:$(cat "$b.out" "$b.err")" "0:"
expect_eq "that bundle was hardened" "$(jq .process.user.uid "$b/config.json")" "65534"

# --- passthrough: byte-identical stdout and status
for args in "state e2e-reorder" "ps --format json e2e-reorder" "list" "--version" "features" "state no-such-container"; do
	# shellcheck disable=SC2086
	want=$("$RUNC" --root "$ROOTS/runc" $args 2>/dev/null; echo "rc=$?")
	# shellcheck disable=SC2086
	got=$("$CLAMPDOWN" --clampdown-config="$WORK/runc.json" --root "$ROOTS/runc" $args 2>/dev/null; echo "rc=$?")
	expect_eq "passthrough '$args' is byte-identical" "$got" "$want"
done
"$CLAMPDOWN" --clampdown-config="$WORK/runc.json" --root "$ROOTS/runc" start e2e-reorder
"$CLAMPDOWN" --clampdown-config="$WORK/runc.json" --root "$ROOTS/runc" kill e2e-reorder KILL
sleep 0.3
"$CLAMPDOWN" --clampdown-config="$WORK/runc.json" --root "$ROOTS/runc" delete -f e2e-reorder
check "start, kill and delete pass through" bash -c "! '$RUNC' --root '$ROOTS/runc' state e2e-reorder >/dev/null 2>&1"

# --- passthrough does not read profiles: a broken profile dir does not matter
node_config "$WORK/noprof.json" "$RUNC" "/nonexistent" "$LOG"
check "passthrough loads no profile" "$CLAMPDOWN" --clampdown-config="$WORK/noprof.json" --root "$ROOTS/runc" list -q

# --- fail closed on a broken config, profile or runtime
b="$WORK/broken"
make_bundle "$b" "$WORK/rootfs" "id"
echo '{"runtime": "/usr/sbin/runc",' >"$WORK/bad.json"
out=$(cd "$b" && "$CLAMPDOWN" --clampdown-config="$WORK/bad.json" create e2e-bad 2>&1)
expect_match "broken node config: refused, naming the file" "$out" "^clampdown: $WORK/bad.json: invalid JSON"
mkdir -p "$WORK/badprof"
echo '{"name":"restricted","rules":{"user":{"mode":"enforce","uid":0}}}' >"$WORK/badprof/restricted.json"
node_config "$WORK/badprof.json" "$RUNC" "$WORK/badprof" "$LOG"
out=$(cd "$b" && "$CLAMPDOWN" --clampdown-config="$WORK/badprof.json" create e2e-bad 2>&1)
expect_match "broken profile: refused, naming file and field" "$out" "restricted.json: rules.user.uid"
node_config "$WORK/self.json" "$CLAMPDOWN" "$WORK/profiles" "$LOG"
out=$(cd "$b" && "$CLAMPDOWN" --clampdown-config="$WORK/self.json" state x 2>&1)
expect_match "runtime that is clampdown itself: refused" "$out" "is clampdown itself"
ln -sf "$CLAMPDOWN" "$WORK/runc-link"
node_config "$WORK/self2.json" "$WORK/runc-link" "$WORK/profiles" "$LOG"
out=$(cd "$b" && "$CLAMPDOWN" --clampdown-config="$WORK/self2.json" state x 2>&1)
expect_match "a symlink to clampdown as runtime: refused" "$out" "is clampdown itself"
out=$(CLAMPDOWN_CONFIG="$WORK/bad.json" "$CLAMPDOWN" list 2>&1)
expect_match "CLAMPDOWN_CONFIG is read" "$out" "$WORK/bad.json"
out=$(CLAMPDOWN_CONFIG="$WORK/bad.json" "$CLAMPDOWN" --clampdown-config="$WORK/runc.json" --root "$ROOTS/runc" list -q 2>&1)
expect_eq "--clampdown-config wins over CLAMPDOWN_CONFIG" "$?" "0"
out=$("$CLAMPDOWN" --clampdown-config="$WORK/runc.json" --bogus list 2>&1)
expect_match "unknown global flag refused" "$out" "flag provided but not defined: -bogus"

# --- a crafted config.json: case-folded keys, duplicates, a symlinked config
b="$WORK/folded"
make_bundle "$b" "$WORK/rootfs" "id" '.process.User={"uid":0}'
(cd "$b" && "$CLAMPDOWN" --clampdown-config="$WORK/runc.json" --root "$ROOTS/runc" create e2e-fold >/dev/null 2>&1)
check "case-folded key: read as runc reads it, merged into the one field, hardened" \
	jq_ok "$b/config.json" '.process.User == null and .process.user.uid == 65534'
"$RUNC" --root "$ROOTS/runc" delete -f e2e-fold >/dev/null 2>&1
printf '{"process":{"user":{"uid":1000},"user":{"uid":0}}}' >"$b/config.json"
out=$(cd "$b" && "$CLAMPDOWN" --clampdown-config="$WORK/runc.json" create e2e-dup 2>&1)
expect_match "duplicate key refused" "$out" "duplicate"
rm "$b/config.json"
ln -s /etc/shadow "$b/config.json"
out=$(cd "$b" && "$CLAMPDOWN" --clampdown-config="$WORK/runc.json" create e2e-link 2>&1)
expect_match "symlinked config.json refused" "$out" "symbolic link"
check "/etc/shadow untouched" test "$(stat -c %h:%s /etc/shadow)" = "$(stat -c %h:%s /etc/shadow)"

# --- integers above int64 survive and mean what they meant
b="$WORK/bigint"
# jq rounds big integers, so the digits go in with sed
make_bundle "$b" "$WORK/rootfs" 'ulimit -H -f' '.process.rlimits=[{"type":"RLIMIT_FSIZE","hard":"BIG","soft":0}]'
sed -i 's/"hard": *"BIG"/"hard":18446744073709551615/' "$b/config.json"
check "rlimit of 2^64-1 runs" run_through "$RUNC" "$WORK/runc.json" "$b" e2e-bigint
expect_eq "2^64-1 is still unlimited inside" "$(cat "$b.out")" "unlimited"
check "and is written back as the same digits" grep -q '"hard":18446744073709551615' "$b/config.json"

# --- decision log: one well-formed line per decision
check "decision log lines are all JSON with the fields" jq_ok "$LOG" -s \
	'all(.[]; has("time") and has("id") and has("command") and has("profile") and has("verdict") and
	     (.findings|type=="array"))'

# --- an unwritable decision log does not stop containers
b="$WORK/nolog"
make_bundle "$b" "$WORK/rootfs" "id -u"
node_config "$WORK/nolog.json" "$RUNC" "$WORK/profiles" "/proc/clampdown/decisions.jsonl"
check "unwritable decision log: container still runs" run_through "$RUNC" "$WORK/nolog.json" "$b" e2e-nolog
expect_match "and stderr says so" "$(cat "$b.err")" "cannot write the decision log"

summary core
