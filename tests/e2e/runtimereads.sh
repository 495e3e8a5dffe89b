#!/bin/bash
# End-to-end: what only the runtime reads, with real runc and crun. crun's
# annotations (a seccomp plugin library, raw BPF, a hooks output file), a
# relative namespace path the image resolves, a cgroupsPath naming a cgroup
# with processes (the test's own), exec --cgroup, device rules on update, an
# OOM score below the floor, restore. Each through clampdown, and where it
# shows the attack is real, the same config run by the runtime alone.
set -u
. "$(dirname "$0")/lib.sh"
require_root runtimereads

e2e_setup runtimereads
VICTIM=
e2e_extra_cleanup() {
	[ -n "${VICTIM_PID:-}" ] && kill "$VICTIM_PID" 2>/dev/null
	wait 2>/dev/null
	[ -n "$VICTIM" ] && rmdir "$VICTIM" 2>/dev/null
	return 0
}

make_rootfs "$WORK/rootfs"
build_sysprobe "$WORK/rootfs"
LOG="$WORK/decisions.jsonl"
prepare_cgroups_for_crun
mkdir -p "$WORK/profiles"
cp -r "$TOP"/profiles/*.json "$TOP"/profiles/seccomp "$WORK/profiles/"
for rt in "$RUNC" "$CRUN"; do
	node_config "$WORK/$(basename "$rt").json" "$rt" "$WORK/profiles" "$LOG"
done

# a library whose constructor leaves a marker: crun dlopen()s run.oci.seccomp.plugins in the host process
cc -shared -fPIC -O2 -Wall -Werror -o "$WORK/plugin.so" -x c - <<C
#include <stddef.h>
#include <stdio.h>
__attribute__((constructor)) static void marker(void)
{
	FILE *f = fopen("$WORK/plugin-loaded", "w");
	if (f)
		fclose(f);
}
int run_oci_seccomp_notify_plugin_version(void) { return 1; }
int run_oci_seccomp_notify_start(void **o, void *c, size_t s) { (void)o; (void)c; (void)s; return 0; }
int run_oci_seccomp_notify_handle_request(void *a, void *b, void *c, void *d, void *e, int *f)
{ (void)a; (void)b; (void)c; (void)d; (void)e; (void)f; return 0; }
int run_oci_seccomp_notify_stop(void *o) { (void)o; return 0; }
C

# ct NAME RUNTIME SCRIPT FILTER: one container through clampdown; $rc, $out, $err
ct() {
	local b="$WORK/b-$1" rt=$2
	[ "$rt" = "$CRUN" ] && prepare_cgroups_for_crun
	make_bundle "$b" "$WORK/rootfs" "$3" "$4"
	(cd "$b" && timeout 30 "$CLAMPDOWN" --clampdown-config="$WORK/$(basename "$rt").json" --root "$ROOTS/$(basename "$rt")" \
		run "rr-$1" </dev/null >"$b.out" 2>"$b.err")
	rc=$? out=$(cat "$b.out") err=$(cat "$b.err")
}
direct() {
	local b="$WORK/d-$1" rt=$2
	[ "$rt" = "$CRUN" ] && prepare_cgroups_for_crun
	make_bundle "$b" "$WORK/rootfs" "$3" "$4"
	(cd "$b" && timeout 30 "$rt" --root "$ROOTS/$(basename "$rt")" run "rd-$1" </dev/null >"$b.out" 2>"$b.err")
	rc=$? out=$(cat "$b.out")
}
reasons() { jq -r --arg id "$1" 'select(.id==$id) | .findings[]? | .field + ": " + (.reason // "")' "$LOG"; }

# 1. crun's annotations (a seccomp filter is there: the node's, and for the controls one of the test's)
SECCOMP=".linux.seccomp={\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"keyctl\"],\"action\":\"SCMP_ACT_ERRNO\"}]}"
direct plugin "$CRUN" 'sleep 1' "$SECCOMP | .annotations={\"run.oci.seccomp.plugins\":\"$WORK/plugin.so\"}"
check "control: crun alone loads a run.oci.seccomp.plugins library into itself, as root" test -e "$WORK/plugin-loaded"
rm -f "$WORK/plugin-loaded"
ct plugin "$CRUN" 'echo ran' ".annotations={\"run.oci.seccomp.plugins\":\"$WORK/plugin.so\"}"
expect_eq "crun: the container runs" "$rc:$out" "0:ran"
check "crun: the library was not loaded" test ! -e "$WORK/plugin-loaded"
expect_match "crun: the annotation was removed, and said so" "$(reasons rr-plugin)" \
	"annotations.run.oci.seccomp.plugins: crun dlopen"
# an allow-all BPF program (one instruction: return SECCOMP_RET_ALLOW) in place of the filter
ALLOW_ALL=$(printf '\006\000\000\000\000\000\377\177' | base64)
direct bpf "$CRUN" 'sysprobe keyctl' "$SECCOMP | .annotations={\"run.oci.seccomp_bpf_data\":\"$ALLOW_ALL\"}"
expect_eq "control: crun alone swaps the filter for raw BPF (keyctl allowed)" "$rc:$out" "0:ok"
ct bpf "$CRUN" 'sysprobe keyctl; sysprobe unshare 0x10000000' ".annotations={\"run.oci.seccomp_bpf_data\":\"$ALLOW_ALL\"}"
expect_eq "crun: the node's filter stays in force (keyctl, unshare -U refused)" "$rc:$out" $'0:EPERM\nEPERM'
# crun creates the hooks' output file on the host, as root, wherever it is told
direct hooks "$CRUN" 'true' ".hooks={\"prestart\":[{\"path\":\"/bin/true\"}]} | .annotations={\"run.oci.hooks.stderr\":\"$WORK/made-by-crun\"}"
check "control: crun alone creates run.oci.hooks.stderr's file" test -e "$WORK/made-by-crun"
rm -f "$WORK/made-by-crun"
ct hooks "$CRUN" 'echo ran' ".annotations={\"run.oci.hooks.stderr\":\"$WORK/made-by-crun\"}"
expect_eq "crun: the container (with clampdown's own hook) runs" "$rc:$out" "0:ran"
check "crun: no file created on the host" test ! -e "$WORK/made-by-crun"
ct systemd "$RUNC" 'echo ran' '.annotations={"org.systemd.property.DeviceAllow":"\"/dev/sda rwm\"","org.criu.config":"/tmp/x"}'
expect_eq "runc: systemd properties and a CRIU config removed, the container runs" "$rc:$out" "0:ran"
check "runc: and said so" jq_ok "$LOG" -s \
	'any(.[]; .id=="rr-systemd" and ([.findings[] | select(.rule=="annotations")] | length) == 2)'

for rt in "$RUNC" "$CRUN"; do
	n=$(basename "$rt")
	# 2. a relative namespace path: runc opens it inside the rootfs, where the image puts a link
	ln -sfn /proc/self/ns/pid "$WORK/rootfs/nslink"
	ct "relns-$n" "$rt" 'ps -o pid | wc -l' '.linux.namespaces |= map(if .type=="pid" then .path="nslink" else . end)'
	expect_match "$n: a relative namespace path is refused" "$rc:$err" \
		"^1:clampdown: profile restricted refuses container rr-relns-$n: rule host_namespaces: linux.namespaces.pid: a relative path"
	# 3. an OOM score that would make the node's daemons go first: raised to the floor
	ct "oom-$n" "$rt" 'cat /proc/self/oom_score_adj' '.process.oomScoreAdj=-1000'
	expect_eq "$n: oomScoreAdj -1000 is written as the floor, -997" \
		"$(jq -r .process.oomScoreAdj "$WORK/b-oom-$n/config.json")" "-997"
	# (this host's root lacks CAP_SYS_RESOURCE: it cannot lower an OOM score, so the runtime may refuse to start)
	[ "$rc" = 0 ] && expect_eq "$n: the container's score is the floor" "$out" "-997"
	[ "$rc" = 0 ] || expect_match "$n: the runtime could not lower the score here (no CAP_SYS_RESOURCE)" "$err" "oom|Permission|denied"
done
rm -f "$WORK/rootfs/nslink"

# 4. a cgroupsPath naming a cgroup with processes in it (the test's own, with a process of its own)
VICTIM=/sys/fs/cgroup/pids/clampdown-e2e-victim-$$
mkdir "$VICTIM" && echo 100 >"$VICTIM/pids.max"
sleep 600 &
VICTIM_PID=$!
echo "$VICTIM_PID" >"$VICTIM/cgroup.procs"
direct victim "$RUNC" 'cat /sys/fs/cgroup/pids/pids.max' ".linux.cgroupsPath=\"/clampdown-e2e-victim-$$\" | .linux.resources.pids.limit=7"
expect_eq "control: runc alone joins it and sets its limit on the process already there" "$(cat "$VICTIM/pids.max")" "7"
echo 100 >"$VICTIM/pids.max"
for rt in "$RUNC" "$CRUN"; do
	n=$(basename "$rt")
	ct "victim-$n" "$rt" 'true' ".linux.cgroupsPath=\"/clampdown-e2e-victim-$$\""
	expect_match "$n: a populated cgroup as cgroupsPath is refused" "$rc:$err" \
		"^1:clampdown: .*rule cgroup_path: linux.cgroupsPath: .*exists with processes in it"
	expect_eq "$n: its limit is untouched" "$(cat "$VICTIM/pids.max")" "100"
done
kill "$VICTIM_PID" && wait "$VICTIM_PID" 2>/dev/null
VICTIM_PID=
rmdir "$VICTIM" && VICTIM=

# 5. exec --cgroup and update's devices, against running containers
for rt in "$RUNC" "$CRUN"; do
	n=$(basename "$rt")
	b="$WORK/run-$n"
	make_bundle "$b" "$WORK/rootfs" "sleep 120"
	(cd "$b" && "$CLAMPDOWN" --clampdown-config="$WORK/$n.json" --root "$ROOTS/$n" run -d "rr-run-$n" </dev/null >/dev/null 2>&1)
	own=$("$CLAMPDOWN" --clampdown-config="$WORK/$n.json" --root "$ROOTS/$n" exec "rr-run-$n" sh -c 'grep pids /proc/self/cgroup')
	out=$("$CLAMPDOWN" --clampdown-config="$WORK/$n.json" --root "$ROOTS/$n" exec --cgroup .. "rr-run-$n" sh -c 'grep pids /proc/self/cgroup' 2>&1)
	expect_eq "$n: exec --cgroup .. stays in the container's cgroup" "$out" "$own"
	check "$n: the flag was dropped, and said so" jq_ok "$LOG" -s \
		'any(.[]; .command=="exec" and any(.findings[]?; .field=="exec --cgroup"))'
	# a process file read from a pipe goes to the runtime as a memfd: never into the process, whatever --preserve-fds
	out=$(jq -c '.process | .args=["ls","-l","/proc/self/fd/"] | .terminal=false' "$b/config.json" |
		"$CLAMPDOWN" --clampdown-config="$WORK/$n.json" --root "$ROOTS/$n" exec --preserve-fds 2 -p /dev/stdin "rr-run-$n" 3</dev/null 4</dev/null 2>&1)
	check "$n: exec --preserve-fds 2 -p <pipe>: the process has the preserved fds but not clampdown's copy" \
		bash -c "grep -q ' 4 -> ' <<<'$out' && ! grep -q clampdown-process <<<'$out'"
	echo '{"devices":[{"allow":true,"access":"rwm"}]}' | "$CLAMPDOWN" --clampdown-config="$WORK/$n.json" --root "$ROOTS/$n" \
		update -r - "rr-run-$n" >/dev/null 2>&1
	out=$("$CLAMPDOWN" --clampdown-config="$WORK/$n.json" --root "$ROOTS/$n" exec "rr-run-$n" cat /sys/fs/cgroup/devices/devices.list 2>&1)
	check "$n: update's allow-all device rule never reached the device cgroup" bash -c "! grep -q 'a \\*:\\* rwm' <<<'$out'"
	if [ "$rt" = "$CRUN" ]; then
		# crun's getopt: "-p=f" is the file "=f", "-pid-file=f" is -p with "id-file=f"; --rootless is --root
		echo '{}' >"$WORK/=p.json"
		CD="$CLAMPDOWN --clampdown-config=$WORK/$n.json --root $ROOTS/$n"
		out=$($CD exec -p="$WORK/p.json" "rr-run-$n" 2>&1)
		expect_match "crun: exec -p=FILE (getopt reads the file \"=FILE\") refused" "$?:$out" \
			"^255:clampdown: -p=.*: crun reads a flag with one dash as a one-letter flag"
		out=$($CD exec -pid-file="$WORK/x" "rr-run-$n" true 2>&1)
		expect_match "crun: exec -pid-file=... refused" "$?:$out" "^255:clampdown: -pid-file="
		out=$($CD --rootless "$WORK" exec "rr-run-$n" true 2>&1)
		expect_match "crun: --rootless (crun's other spelling of --root) refused" "$?:$out" \
			"^255:clampdown: --rootless .*: crun reads it as --root"
		# crun's update JSON keeps the first of a repeated flag, runc the last: one is left
		$CD update --pids-limit 100000 --pids-limit 100 "rr-run-$n" >/dev/null 2>&1
		expect_eq "crun: update with a repeated flag applies the judged one" \
			"$($CD exec "rr-run-$n" cat /sys/fs/cgroup/pids/pids.max)" "100"
		expect_eq "crun: exec -u 1000 gets the profile's group, not crun's 0" "$($CD exec -u 1000 "rr-run-$n" id -g)" "65534"
		out=$(ulimit -Hc unlimited; ulimit -Hn 1048576 2>/dev/null; "$CRUN" --root "$ROOTS/$n" exec "rr-run-$n" sh -c 'echo $(ulimit -Hc) $(ulimit -Hn)')
		check "control: crun's exec alone inherits its caller's rlimits ($out)" test "${out%% *}" = unlimited
		# (this host's root cannot raise its hard nofile: the cap applies to what it has)
		nofile=$(ulimit -Hn) && [ "$nofile" -gt 65536 ] && nofile=65536
		out=$(ulimit -Hc unlimited; ulimit -Hn 1048576 2>/dev/null; "$CLAMPDOWN" --clampdown-config="$WORK/$n.json" \
			--root "$ROOTS/$n" exec "rr-run-$n" sh -c 'echo $(ulimit -Hc) $(ulimit -Hn)')
		expect_eq "crun: exec gets the profile's caps instead (core 0, nofile at most 65536)" "$out" "0 $nofile"
	fi
	"$rt" --root "$ROOTS/$n" delete -f "rr-run-$n" >/dev/null 2>&1
done

# 6. restore: what the checkpoint brings back is not in config.json
b="$WORK/restore"
make_bundle "$b" "$WORK/rootfs" "true"
out=$(cd "$b" && "$CLAMPDOWN" --clampdown-config="$WORK/runc.json" --root "$ROOTS/runc" restore --image-path "$WORK/none" rr-restore 2>&1 </dev/null)
expect_match "restore is refused, naming the rule" "$?:$out" \
	"^1:clampdown: profile restricted refuses container rr-restore: rule restore: restore: the checkpoint brings back credentials"

summary runtimereads
