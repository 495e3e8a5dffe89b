#!/bin/bash
# End-to-end: a private containerd (its own root, state and sockets) with
# deploy/containerd-config.toml merged in, containers started by ctr through
# clampdown (--runc-binary, as the snippet's BinaryName does for the CRI).
set -u
. "$(dirname "$0")/lib.sh"
require_root containerd

if ! command -v containerd >/dev/null || ! command -v ctr >/dev/null; then
	skip_or_fail "containerd: containerd or ctr is not installed"
	summary containerd
	exit $?
fi
e2e_setup containerd
SOCK="$WORK/containerd.sock"
C="ctr -a $SOCK -n clampdown-e2e"
e2e_extra_cleanup() {
	local t
	for t in $($C task ls -q 2>/dev/null); do $C task kill -s KILL "$t" >/dev/null 2>&1; done
	for t in $($C task ls -q 2>/dev/null); do $C task delete -f "$t" >/dev/null 2>&1; done
	$C container ls -q 2>/dev/null | xargs -r $C container rm >/dev/null 2>&1
	[ -f "$WORK/containerd.pid" ] && kill "$(cat "$WORK/containerd.pid")" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$(cat "$WORK/containerd.pid")" 2>/dev/null || break; sleep 0.1; done
	pkill -f "[c]ontainerd-shim-runc-v2 .*-address $SOCK" 2>/dev/null
	for _ in $(seq 50); do pgrep -f "[c]ontainerd-shim-runc-v2 .*-address $SOCK" >/dev/null || break; sleep 0.1; done
	grep -o " ${WORK}[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null
}

make_rootfs "$WORK/rootfs"
make_oci_archive "$WORK/rootfs" "$WORK/image.tar" test
IMG=docker.io/library/clampdown-bb:test
mkdir -p "$WORK/profiles"
cp -r "$TOP"/profiles/*.json "$TOP"/profiles/seccomp "$WORK/profiles/"
LOG="$WORK/decisions.jsonl"
node_config "$WORK/clampdown.json" "$RUNC" "$WORK/profiles" "$LOG" '.selectable_profiles=["restricted","baseline"]'
{
	printf 'version = 2\nroot = "%s/root"\nstate = "%s/state"\n' "$WORK" "$WORK"
	printf '[grpc]\n  address = "%s"\n[ttrpc]\n  address = "%s.ttrpc"\n' "$SOCK" "$SOCK"
	sed -n '/^\[plugins/,$p' "$TOP/deploy/containerd-config.toml" | sed "s|\"/usr/local/bin/clampdown\"|\"$CLAMPDOWN\"|"
} >"$WORK/config.toml"
# the shims and clampdown inherit containerd's environment: $CLAMPDOWN_CONFIG reaches clampdown
CLAMPDOWN_CONFIG="$WORK/clampdown.json" containerd --config "$WORK/config.toml" >"$WORK/containerd.log" 2>&1 &
echo $! >"$WORK/containerd.pid"
for _ in $(seq 100); do $C version >/dev/null 2>&1 && break; sleep 0.1; done
check "private containerd is up" quiet $C version
expect_match "the deploy snippet loads: CRI plugin ok" "$($C plugins ls 2>&1 | grep -w cri)" "cri +linux/[a-z0-9]+ +ok"
expect_match "the deploy snippet: BinaryName is clampdown" \
	"$(containerd --config "$WORK/config.toml" config dump 2>/dev/null | grep BinaryName)" "BinaryName = \"$CLAMPDOWN\""
check "ctr image import" quiet $C image import --base-name docker.io/library/clampdown-bb "$WORK/image.tar"

RUN="$C run --rm --runc-binary $CLAMPDOWN"
PROBE='echo uid=$(id -u) $(grep -E "^(CapEff|NoNewPrivs)" /proc/self/status | tr -d "\t" | tr "\n" " ")
touch /x 2>/dev/null && echo rootfs=rw || echo rootfs=ro'
out=$($RUN "$IMG" cd-run sh -c "$PROBE" 2>&1)
expect_match "ctr run: the profile's uid, caps, NoNewPrivs" "$out" "uid=65534 CapEff:0000000000000400 NoNewPrivs:1"
expect_match "ctr run: read-only root" "$out" "rootfs=ro"
out=$($RUN --privileged "$IMG" cd-priv sh -c "$PROBE"'; ls /dev | wc -l' 2>&1)
expect_match "ctr run --privileged runs hardened" "$out" "uid=65534 CapEff:0000000000000400 NoNewPrivs:1"
expect_match "ctr run --privileged: no host devices" "$out" $'\n1[0-9]$'
out=$($RUN --mount type=bind,src=/,dst=/host,options=rbind:ro "$IMG" cd-mnt sh -c 'test -e /host/etc/passwd && echo visible || echo absent' 2>&1)
expect_eq "ctr run --mount /:/host is dropped" "$out" "absent"
# an alias of / (a bind mount of it made elsewhere, read-only here) is / whatever its path says;
# a procfs mounted elsewhere is the host's processes
mkdir -p "$WORK/alias" "$WORK/hostproc" "$WORK/harmless/sub"
mount --bind -o ro / "$WORK/alias"
mount -t proc proc "$WORK/hostproc"
mount --bind -o ro / "$WORK/harmless/sub"
out=$($RUN --mount "type=bind,src=$WORK/alias,dst=/host,options=rbind:ro" "$IMG" cd-alias sh -c 'test -e /host/etc/passwd && echo visible || echo absent' 2>&1)
expect_eq "ctr run --mount of an alias of /: dropped" "$out" "absent"
out=$($RUN --mount "type=bind,src=$WORK/hostproc,dst=/host,options=rbind:ro" "$IMG" cd-proc sh -c 'test -e /host/1/environ && echo visible || echo absent' 2>&1)
expect_eq "ctr run --mount of a procfs mounted elsewhere: dropped" "$out" "absent"
out=$($RUN --mount "type=bind,src=$WORK/harmless,dst=/host,options=rbind:rw" "$IMG" cd-below sh -c 'ls /host; test -e /host/sub/etc/passwd && echo visible || echo absent' 2>&1)
expect_eq "ctr run --mount rbind of a directory with an alias of / below: its own files only" "$out" $'sub\nabsent'
check "the decision log names the mount below" jq_ok "$LOG" -s \
	'any(.[]; .id=="cd-below" and any(.findings[]; .reason | test("below it at .*/harmless/sub is /: bound without the mounts below it")))'
out=$($RUN --net-host "$IMG" cd-net true 2>&1)
expect_match "ctr run --net-host refused, ctr shows clampdown's reason" "$out" \
	"OCI runtime create failed: clampdown: profile restricted refuses container cd-net: rule host_namespaces: linux.namespaces.network"

# profile selection by annotation: only a selectable profile
out=$($RUN --annotation io.clampdown.profile=baseline "$IMG" cd-base id -u 2>&1)
expect_eq "annotation selects baseline (selectable): root stays root" "$out" "0"
out=$($RUN --annotation io.clampdown.profile=audit "$IMG" cd-audit id -u 2>&1)
expect_match "annotation naming a profile that is not selectable: refused" "$out" \
	"clampdown: .*annotations.io.clampdown.profile: profile \"audit\" is not in selectable_profiles"
check "decision log: cd-base under baseline" jq_ok "$LOG" -s 'any(.[]; .id=="cd-base" and .profile=="baseline" and .command=="create")'
check "decision log: the refused selection, with the annotation's value" jq_ok "$LOG" -s \
	'any(.[]; .id=="cd-audit" and .verdict=="denied" and .findings[0].rule=="profile" and .findings[0].before=="audit"
	  and .findings[0].field=="annotations.io.clampdown.profile")'

# a running task: limits on the host side, exec, pause/resume, kill, delete
$C run -d --runc-binary "$CLAMPDOWN" "$IMG" cd-task sh -c 'echo started; exec sleep 300' >/dev/null 2>&1
pid=$($C task ls 2>/dev/null | awk '$1=="cd-task"{print $2}')
cg_pids=$(sed -n 's/^[0-9]*:pids://p' "/proc/$pid/cgroup")
cg_mem=$(sed -n 's/^[0-9]*:memory://p' "/proc/$pid/cgroup")
expect_eq "task: pids limit from the profile" "$(cat "/sys/fs/cgroup/pids$cg_pids/pids.max" 2>&1)" "512"
expect_eq "task: memory limit from the profile" "$(cat "/sys/fs/cgroup/memory$cg_mem/memory.limit_in_bytes" 2>&1)" "536870912"
expect_eq "ctr task exec runs as the profile's user" "$($C task exec --exec-id e1 cd-task id -u 2>&1)" "65534"
expect_eq "ctr task exec --user 0 runs as 65534" "$($C task exec --exec-id e2 --user 0 cd-task id -u 2>&1)" "65534"
check "ctr task pause" quiet $C task pause cd-task
expect_eq "paused" "$($C task ls | awk '$1=="cd-task"{print $3}')" "PAUSED"
check "ctr task resume" quiet $C task resume cd-task
expect_eq "running" "$($C task ls | awk '$1=="cd-task"{print $3}')" "RUNNING"
check "ctr task ps lists the process" bash -c "$C task ps cd-task | grep -qw $pid"
check "ctr task kill" quiet $C task kill -s KILL cd-task
for _ in $(seq 50); do [ "$($C task ls | awk '$1=="cd-task"{print $3}')" = STOPPED ] && break; sleep 0.1; done
check "ctr task delete" quiet $C task delete cd-task
check "ctr container rm" quiet $C container rm cd-task
check "every create and exec is in the decision log" jq_ok "$LOG" -s \
	'(map(select(.command=="create")) | length == 10) and (map(select(.command=="exec")) | length == 2)'

e2e_extra_cleanup
e2e_extra_cleanup() { :; }
check "no shim left" bash -c "! pgrep -f '[c]ontainerd-shim-runc-v2 .*-address $SOCK' >/dev/null"
check "no mount left under the test's directory" bash -c "! grep -q ' $WORK' /proc/mounts"
summary containerd
