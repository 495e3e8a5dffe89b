#!/bin/bash
# End-to-end: a privileged-looking config.json through clampdown's restricted
# profile, checked from inside the container with runc and crun.
set -u
. "$(dirname "$0")/lib.sh"
require_root escape

e2e_setup escape

make_rootfs "$WORK/rootfs"
LOG="$WORK/decisions.jsonl"
prepare_cgroups_for_crun
core_before=$(cat /proc/sys/kernel/core_pattern)

# what --privileged, -v /:/host and friends put into config.json
HOSTILE='.linux.devices=[{"path":"/dev/mem","type":"c","major":1,"minor":1,"fileMode":438,"uid":0,"gid":0}] |
	.linux.resources.devices=[{"allow":true,"access":"rwm"}] | .linux.maskedPaths=[] | .linux.readonlyPaths=[] |
	.mounts=[.mounts[] | if .type=="sysfs" then .options=["nosuid","noexec","nodev","rw"] else . end] |
	.mounts += [{"destination":"/host","type":"bind","source":"/","options":["rbind","rw"]},
	            {"destination":"/etc-link","type":"bind","source":"'"$WORK"'/etc-link","options":["rbind"]}] |
	.linux.sysctl={"kernel.core_pattern":"|/tmp/pwn"} | .linux.rootfsPropagation="rshared" |
	.process.rlimits=[{"type":"RLIMIT_NOFILE","hard":'"$(ulimit -Hn)"',"soft":'"$(ulimit -Hn)"'}]'
ln -s /etc "$WORK/etc-link"
# restricted, with a NOFILE cap below this host's own hard limit so the clamp shows
mkdir -p "$WORK/profiles" && cp -r "$TOP"/profiles/*.json "$TOP"/profiles/seccomp "$WORK/profiles/"
jq '.rules.rlimits.max.RLIMIT_NOFILE=1024' "$TOP/profiles/restricted.json" >"$WORK/profiles/restricted.json"

PROBE='test -e /host/etc/passwd && echo host=visible || echo host=absent
test -e /etc-link/shadow && echo etclink=visible || echo etclink=absent
echo kcore=$(head -c 16 /proc/kcore 2>/dev/null | wc -c)
test -e /dev/mem && echo mem=present || echo mem=absent
mknod /tmp/m c 1 1 2>/dev/null && echo mknod=ok || echo mknod=refused
touch /sys/kernel/x 2>/dev/null && echo sys=rw || echo sys=ro
echo nofile=$(ulimit -Hn)'

for rt in "$RUNC" "$CRUN"; do
	name=$(basename "$rt")
	node_config "$WORK/$name.json" "$rt" "$WORK/profiles" "$LOG"
	b="$WORK/$name"
	make_bundle "$b" "$WORK/rootfs" "$PROBE" "$HOSTILE"
	(cd "$b" && "$CLAMPDOWN" --clampdown-config="$WORK/$name.json" --root "$ROOTS/$name" run "e-$name" \
		</dev/null >"$b.out" 2>"$b.err")
	check "$name: the hostile config runs, neutralised" test -s "$b.out"
	out=$(cat "$b.out")
	expect_match "$name: the host's / bind is gone" "$out" "host=absent"
	expect_match "$name: a symlink to /etc as a bind source is gone" "$out" "etclink=absent"
	expect_match "$name: /proc/kcore reads nothing" "$out" "kcore=0"
	expect_match "$name: the /dev/mem node is not created" "$out" "mem=absent"
	expect_match "$name: mknod fails" "$out" "mknod=refused"
	expect_match "$name: /sys is read-only" "$out" "sys=ro"
	expect_match "$name: NOFILE capped" "$out" "nofile=1024"
	expect_eq "$name: the host's core_pattern is untouched" "$(cat /proc/sys/kernel/core_pattern)" "$core_before"
	expect_eq "$name: propagation is rprivate" "$(jq -r .linux.rootfsPropagation "$b/config.json")" "rprivate"
	expect_eq "$name: recognised as privileged" \
		"$(jq -r "select(.id==\"e-$name\") | .findings[] | select(.rule==\"privileged\" and .field==\"container\") | .action" "$LOG")" \
		"rewritten"
done

# baseline refuses a privileged container outright
b="$WORK/privbase"
make_bundle "$b" "$WORK/rootfs" "echo ran" "$HOSTILE | .annotations={\"io.clampdown.profile\":\"baseline\"}"
out=$(cd "$b" && "$CLAMPDOWN" --clampdown-config="$WORK/runc.json" --root "$ROOTS/runc" --log "$b.log" \
	--log-format json run e-privbase 2>&1 </dev/null)
expect_match "baseline refuses --privileged" "$out" "profile baseline refuses container e-privbase: rule privileged: container: privileged"
check "and says so in runc's log" jq_ok "$b.log" 'select(.msg|test("rule privileged"))'

# host namespaces: pid joined by path is refused in deny mode; host network even in enforce
jq '.name="nsdeny" | .rules.host_namespaces.mode="deny"' "$TOP/profiles/restricted.json" >"$WORK/nsdeny.json"
cp "$WORK/nsdeny.json" "$WORK/profiles/"
node_config "$WORK/deny.json" "$RUNC" "$WORK/profiles" "$LOG" '.default_profile="nsdeny"'
b="$WORK/hostpid"
make_bundle "$b" "$WORK/rootfs" "echo ran" ".linux.namespaces |= map(if .type==\"pid\" then .path=\"/proc/$$/ns/pid\" else . end)"
out=$(cd "$b" && "$CLAMPDOWN" --clampdown-config="$WORK/deny.json" --root "$ROOTS/runc" run e-hostpid 2>&1 </dev/null)
expect_match "--pid host (joined by path) refused" "$out" "rule host_namespaces: linux.namespaces.pid: joins by path"
b="$WORK/hostnet"
make_bundle "$b" "$WORK/rootfs" "echo ran" 'del(.linux.namespaces[] | select(.type=="network"))'
out=$(cd "$b" && "$CLAMPDOWN" --clampdown-config="$WORK/runc.json" --root "$ROOTS/runc" run e-hostnet 2>&1 </dev/null)
expect_match "--net host refused even by an enforcing profile" "$out" "linux.namespaces.network: no namespace of its own: host networking"
b="$WORK/hostuts"
make_bundle "$b" "$WORK/rootfs" 'hostname' ".linux.namespaces |= map(if .type==\"uts\" then .path=\"/proc/$$/ns/uts\" else . end) | .hostname=\"\""
out=$(cd "$b" && "$CLAMPDOWN" --clampdown-config="$WORK/runc.json" --root "$ROOTS/runc" run e-hostuts 2>&1 </dev/null)
expect_eq "--uts host is un-joined by enforce (the container gets its own)" "$(jq -c '.linux.namespaces[] | select(.type=="uts")' "$b/config.json")" '{"type":"uts"}'

# this host has neither AppArmor nor SELinux: both rules say so instead of pretending
check "apparmor and selinux: skipped with a warning where the LSM is absent" jq_ok "$LOG" -s \
	'[.[] | select(.id=="e-runc") | .findings[] | .warning // empty | select(test("(AppArmor|SELinux) is not enabled"))] | length == 2'

summary escape
