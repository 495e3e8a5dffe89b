#!/bin/bash
# make bench: clampdown's cost against runc itself and a shell+jq wrapper.
# Paired, interleaved runs on one machine: medians, and each ratio the median of the
# per-round ratios of two variants run in the same round (drift between rounds cancels).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/e2e/lib.sh"
N=${BENCH_N:-50}
[ "$(id -u)" -eq 0 ] || { echo "make bench runs real containers and needs root" >&2; exit 1; }
WORK=$(mktemp -d /tmp/clampdown-bench.XXXXXX)
export WORK
# the passthrough fast path's records (fastpath.h): the bench's own
export CLAMPDOWN_RUN_DIR="$WORK/records"
trap 'restore_cgroups; rm -rf "$WORK"' EXIT
prepare_cgroups_for_crun
make_rootfs "$WORK/rootfs"
# a syscall-heavy loop: ns per syscall under each filter (getppid, close(-1), prctl(PR_GET_DUMPABLE))
cc -O2 -static -o "$WORK/rootfs/bin/sysloop" -x c - <<'C'
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
int main(void)
{
	struct timespec a, b;
	const long n = 200000;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		syscall(SYS_getppid);
		syscall(SYS_close, -1);
		syscall(SYS_prctl, 3, 0, 0, 0, 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.1f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / (3.0 * n));
	return 0;
}
C
CLAMPDOWN_COUNTED=${CLAMPDOWN_COUNTED:-$CLAMPDOWN}
for rt in "$RUNC" "$CRUN" /bin/true; do
	node_config "$WORK/$(basename "$rt").json" "$rt" "$TOP/profiles" "$WORK/decisions.jsonl" \
		'.decision_log=null | .cache_dir=$ENV.WORK + "/cache"'
done
# passthrough without a record: every state takes the full path (parse, validate the node config)
node_config "$WORK/full.json" "$RUNC" "$TOP/profiles" "$WORK/decisions.jsonl" '.decision_log=null | .cache_dir=null'
# a bundle on tmpfs, as containerd's are, and the rootfs an overlay mounted for the container, as every
# engine's is (a plain directory costs host_mounts a mountinfo read: the raw-bundle row below)
mkdir -p "$WORK/run" && mount -t tmpfs tmpfs "$WORK/run" && trap 'cd /; umount "$WORK/run"; restore_cgroups; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/run/rootfs" "$WORK/run/upper" "$WORK/run/work"
mount -t overlay overlay -o "lowerdir=$WORK/rootfs,upperdir=$WORK/run/upper,workdir=$WORK/run/work" "$WORK/run/rootfs"
trap 'cd /; umount -l "$WORK/run/rootfs" || true; umount -l "$WORK/run" || true; restore_cgroups; rm -rf "$WORK"' EXIT
make_bundle "$WORK/tpl" "$WORK/run/rootfs" "true" '.process.args=["/bin/true"]'
B="$WORK/run/b"

# timings read $EPOCHREALTIME (µs): no process is started to read the clock
# sample NAME CONFIG COMMAND...: CONFIG as the bundle's config.json, then one timing in µs appended to $WORK/NAME
sample() {
	local name=$1 cfg=$2 t0
	shift 2
	cp "$cfg" "$B/config.json"
	t0=${EPOCHREALTIME/./}
	"$@" >/dev/null 2>"$WORK/sample.err" || { echo "bench: $name failed: $*: $(cat "$WORK/sample.err")" >&2; exit 1; }
	echo $((${EPOCHREALTIME/./} - t0)) >>"$WORK/$name"
}
median_of() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
median() { median_of <"$WORK/$1"; }
# paired: the median of the per-round ratios (differences), each from two runs of the same round
paired_ratio() { paste "$WORK/$1" "$WORK/$2" | awk '{printf "%.6f\n", $1 / $2}' | median_of; }
paired_diff() { paste "$WORK/$1" "$WORK/$2" | awk '{print $1 - $2}' | median_of; }

mkdir -p "$B" && cp -r "$WORK/tpl/." "$B/"
cd "$B"
# what each wrapper hands the runtime: the runtime's own work differs with it (a seccomp filter
# to compile, tmpfs mounts, the bandwidth hook), so each wrapper is also measured against the
# runtime started directly on the config.json that wrapper writes
T="$WORK/tpl/config.json"
# harden NODE IN OUT: what clampdown writes for IN, handed to a runtime that exits
harden() { cp "$2" config.json && "$CLAMPDOWN" --clampdown-config="$1" create x && cp config.json "$3"; }
# what it writes for crun (the filter as BPF too): a runtime named crun that exits
mkdir -p "$WORK/fake" && ln -s /bin/true "$WORK/fake/crun"
node_config "$WORK/true-crun.json" "$WORK/fake/crun" "$TOP/profiles" "$WORK/decisions.jsonl" \
	'.decision_log=null | .cache_dir=$ENV.WORK + "/cache"'
harden "$WORK/true.json" "$T" "$WORK/hardened.json"
harden "$WORK/true-crun.json" "$T" "$WORK/hardened-crun.json"
# the hardening taken apart: each part alone on the unhardened config. A prestart hook (Docker's
# network setup) is what makes the bandwidth hook run: the runc spec config has none, so its hook
# part is measured on that config with a prestart hook, against the same without clampdown's hook
P="$WORK/part"
jq --slurpfile d "$TOP/bench/docker-config.json" '.linux.seccomp=$d[0].linux.seccomp' "$T" >"$P-dsc.json"
jq --slurpfile h "$WORK/hardened.json" '.linux.seccomp=$h[0].linux.seccomp' "$T" >"$P-sc.json"
jq '.linux.seccomp.architectures=["SCMP_ARCH_X86","SCMP_ARCH_X86_64","SCMP_ARCH_X32"]' "$P-sc.json" >"$P-sc3.json"
jq --slurpfile h "$WORK/hardened-crun.json" '.linux.seccomp=$h[0].linux.seccomp |
	.annotations["run.oci.seccomp_bpf_data"]=$h[0].annotations["run.oci.seccomp_bpf_data"]' "$T" >"$P-scbpf.json"
jq --slurpfile h "$WORK/hardened.json" '.mounts=$h[0].mounts | .root.readonly=true |
	.linux.maskedPaths=$h[0].linux.maskedPaths | .linux.readonlyPaths=$h[0].linux.readonlyPaths' "$T" >"$P-mounts.json"
jq --slurpfile h "$WORK/hardened.json" '.process=$h[0].process | .linux.resources=$h[0].linux.resources' "$T" >"$P-proc.json"
# (a hook reads its state on stdin: crun fails the start when one exits before it has written it)
jq '.hooks.prestart=[{path: "/bin/sh", args: ["sh", "-c", "cat >/dev/null"]}]' "$T" >"$P-net.json"
harden "$WORK/true.json" "$P-net.json" "$WORK/hardened-net.json"
jq --slurpfile h "$WORK/hardened-net.json" '.hooks=$h[0].hooks' "$P-net.json" >"$P-hook.json"
jq -e '.hooks.createRuntime | length == 1' "$P-hook.json" >/dev/null
cp "$T" config.json && JQ_WRAPPER_RUNTIME=/bin/true "$TOP/bench/jq-wrapper.sh" create x && cp config.json "$WORK/jq.json"
# a shim that only execs the runtime: static with glibc, and (x86-64) without any libc,
# the floor for any wrapper: one more execve and nothing else
cc -O2 -static -o "$WORK/shim" -x c - <<'C'
#include <unistd.h>
int main(int argc, char **argv) { (void)argc; execv(argv[1], argv + 1); return 127; }
C
# and a runtime that does nothing (exits 0): what a passthrough adds, without runc's own 10 ms
cc -O2 -static -nostdlib -o "$WORK/noop-runtime" -x c - <<'C'
__asm__(".globl _start\n_start:\n xor %edi, %edi\n mov $60, %eax\n syscall\n");
C
node_config "$WORK/noop.json" "$WORK/noop-runtime" "$TOP/profiles" "$WORK/decisions.jsonl" \
	'.decision_log=null | .cache_dir=$ENV.WORK + "/cache"'
node_config "$WORK/noop-full.json" "$WORK/noop-runtime" "$TOP/profiles" "$WORK/decisions.jsonl" '.decision_log=null | .cache_dir=null'
cc -O2 -static -nostdlib -fno-stack-protector -o "$WORK/rawshim" -x c - <<'C'
__asm__(".globl _start\n_start:\n mov (%rsp), %rax\n lea 16(%rsp), %rsi\n lea 16(%rsp,%rax,8), %rdx\n"
	" mov (%rsi), %rdi\n mov $59, %eax\n syscall\n mov $127, %edi\n mov $60, %eax\n syscall\n");
C

echo "lifecycle (run /bin/true, deleted on exit), $N interleaved rounds..." >&2
# each round runs every variant once, in a random order: a run can leave work behind for the
# next (crun's cgroup and the hook's interfaces are removed asynchronously), and a fixed or
# alternating order puts the same variant after the hardened ones every time
# runc-again is runc once more (A/A): how far two identical variants' ratio strays here
variants=(runc runc-again runc-hardened shim-runc cd-runc runc-jq jq-runc crun crun-hardened shim-crun cd-crun)
PARTS="dsc sc3 sc mounts proc net hook"
for p in $PARTS; do variants+=("runc-p-$p" "crun-p-$p"); done
variants+=(crun-p-scbpf)
run_variant() {
	local i=$1
	case $2 in
	runc-p-*) sample "$2" "$P-${2#runc-p-}.json" "$RUNC" --root "$WORK/st" run "p-${2#runc-p-}-$i" ;;
	crun-p-*) sample "$2" "$P-${2#crun-p-}.json" "$CRUN" --root "$WORK/cst" run "p-${2#crun-p-}-$i" ;;
	runc) sample runc "$T" "$RUNC" --root "$WORK/st" run "r$i" ;;
	runc-again) sample runc-again "$T" "$RUNC" --root "$WORK/st" run "a$i" ;;
	runc-hardened) sample runc-hardened "$WORK/hardened.json" "$RUNC" --root "$WORK/st" run "h$i" ;;
	shim-runc) sample shim-runc "$WORK/hardened.json" "$WORK/shim" "$RUNC" --root "$WORK/st" run "s$i" ;;
	cd-runc) sample cd-runc "$T" "$CLAMPDOWN" --clampdown-config="$WORK/runc.json" --root "$WORK/st" run "c$i" ;;
	runc-jq) sample runc-jq "$WORK/jq.json" "$RUNC" --root "$WORK/st" run "q$i" ;;
	jq-runc) sample jq-runc "$T" "$TOP/bench/jq-wrapper.sh" --root "$WORK/st" run "j$i" ;;
	crun) sample crun "$T" "$CRUN" --root "$WORK/cst" run "r$i" ;;
	crun-hardened) sample crun-hardened "$WORK/hardened-crun.json" "$CRUN" --root "$WORK/cst" run "h$i" ;;
	shim-crun) sample shim-crun "$WORK/hardened-crun.json" "$WORK/shim" "$CRUN" --root "$WORK/cst" run "s$i" ;;
	cd-crun) sample cd-crun "$T" "$CLAMPDOWN" --clampdown-config="$WORK/crun.json" --root "$WORK/cst" run "c$i" ;;
	esac
}
# rounds COUNT FN VARIANT...: COUNT rounds, each calling FN ROUND VARIANT for every variant, shuffled
rounds() {
	local n=$1 fn=$2 i v
	shift 2
	for i in $(seq "$n"); do
		for v in $(printf '%s\n' "$@" | shuf); do
			"$fn" "$i" "$v"
		done
	done
}
rounds "$N" run_variant "${variants[@]}"

echo "syscall cost inside a container, per filter..." >&2
for v in none dsc sc3 sc; do
	[ $v = none ] && f="$T" || f="$P-$v.json"
	jq '.process.args=["/bin/sysloop"]' "$f" >"$WORK/loop-$v.json"
done
run_loop() {
	cp "$WORK/loop-$2.json" "$B/config.json"
	"$RUNC" --root "$WORK/st" run "loop-$2-$1" >>"$WORK/sys-$2" 2>/dev/null
}
rounds 9 run_loop none dsc sc3 sc
# the filter's length: restricted's merge with the native ABI (as shipped) and with Docker's three
cp -r "$TOP/profiles" "$WORK/profiles3"
jq 'del(.rules.seccomp.architectures)' "$TOP/profiles/restricted.json" >"$WORK/profiles3/restricted.json"
node_config "$WORK/true-crun3.json" "$WORK/fake/crun" "$WORK/profiles3" "$WORK/decisions.jsonl" '.decision_log=null | .cache_dir=null'
harden "$WORK/true-crun3.json" "$T" "$WORK/hardened-crun3.json"
bpf_len() { jq -r '.annotations["run.oci.seccomp_bpf_data"]' "$1" | base64 -d | wc -c | awk '{print $1 / 8}'; }

echo "passthrough state and exec --process..." >&2
jq '.process.args=["sleep","600"]' "$T" >config.json
"$RUNC" --root "$WORK/st" run -d sleeper >/dev/null
# process files live beside the bundle on tmpfs, as containerd's do
echo '{"user":{"uid":0,"gid":0},"args":["/bin/true"],"cwd":"/","env":["PATH=/bin"]}' >"$WORK/run/proc.json"
cp "$WORK/run/proc.json" "$WORK/run/p.json"
"$CLAMPDOWN" --clampdown-config="$WORK/runc.json" --root "$WORK/st" exec --process "$WORK/run/p.json" sleeper
cp "$WORK/run/p.json" "$WORK/run/proc-hardened.json"
# timed NAME COMMAND...: one timing in µs appended to $WORK/NAME
timed() {
	local name=$1 t0
	shift
	t0=${EPOCHREALTIME/./}
	"$@" >/dev/null || { echo "bench: $name failed: $*" >&2; exit 1; }
	echo $((${EPOCHREALTIME/./} - t0)) >>"$WORK/$name"
}
# the fast path records a node config that has not changed for a second; the first state writes it
while [ $(($(date +%s) - $(stat -c %Z "$WORK/noop-full.json"))) -le 1 ]; do sleep 0.2; done
"$CLAMPDOWN" --clampdown-config="$WORK/runc.json" --root "$WORK/st" state sleeper >/dev/null
"$CLAMPDOWN" --clampdown-config="$WORK/noop.json" state x
run_noop() {
	case $2 in
	noop) timed noop "$WORK/noop-runtime" state x ;;
	rawshim-noop) timed rawshim-noop "$WORK/rawshim" "$WORK/noop-runtime" state x ;;
	shim-noop) timed shim-noop "$WORK/shim" "$WORK/noop-runtime" state x ;;
	cd-noop) timed cd-noop "$CLAMPDOWN" --clampdown-config="$WORK/noop.json" state x ;;
	cd-noop-full) timed cd-noop-full "$CLAMPDOWN" --clampdown-config="$WORK/noop-full.json" state x ;;
	esac
}
rounds $((N * 10)) run_noop noop rawshim-noop shim-noop cd-noop cd-noop-full
run_state() {
	case $2 in
	state) timed state "$RUNC" --root "$WORK/st" state sleeper ;;
	rawshim-state) timed rawshim-state "$WORK/rawshim" "$RUNC" --root "$WORK/st" state sleeper ;;
	shim-state) timed shim-state "$WORK/shim" "$RUNC" --root "$WORK/st" state sleeper ;;
	cd-state) timed cd-state "$CLAMPDOWN" --clampdown-config="$WORK/runc.json" --root "$WORK/st" state sleeper ;;
	cd-state-full) timed cd-state-full "$CLAMPDOWN" --clampdown-config="$WORK/full.json" --root "$WORK/st" state sleeper ;;
	esac
}
rounds $((N * 3)) run_state state rawshim-state shim-state cd-state cd-state-full
# exec: runc's own exec swings from 20 to 55 ms here (its processes and threads on two vCPUs), so
# besides the ratio against runc (and runc against itself, A/A), clampdown's own cost is measured
# exactly as for state: the same exec --process, hardening included, handed to a runtime that exits
run_exec() {
	case $2 in
	exec | exec-again)
		cp "$WORK/run/proc-hardened.json" "$WORK/run/p.json"
		timed "$2" "$RUNC" --root "$WORK/st" exec --process "$WORK/run/p.json" sleeper
		;;
	cd-exec)
		cp "$WORK/run/proc.json" "$WORK/run/p.json"
		timed cd-exec "$CLAMPDOWN" --clampdown-config="$WORK/runc.json" --root "$WORK/st" exec --process "$WORK/run/p.json" sleeper
		;;
	noop-exec)
		cp "$WORK/run/proc-hardened.json" "$WORK/run/p.json"
		timed noop-exec "$WORK/noop-runtime" --root "$WORK/st" exec --process "$WORK/run/p.json" sleeper
		;;
	cd-noop-exec)
		cp "$WORK/run/proc.json" "$WORK/run/p.json"
		timed cd-noop-exec "$CLAMPDOWN" --clampdown-config="$WORK/noop.json" --root "$WORK/st" exec --process "$WORK/run/p.json" sleeper
		;;
	esac
}
rounds $((N * 2)) run_exec exec exec-again cd-exec
rounds $((N * 4)) run_exec noop-exec cd-noop-exec
"$RUNC" --root "$WORK/st" delete -f sleeper

# the rewrite alone: instructions counted by callgrind up to execve (a build that dumps there),
# and the time from main to execve measured inside that build (median of N)
instr() {
	rm -f "$WORK"/cg.*
	cp "$1" "$B/config.json"
	valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.%p" "$CLAMPDOWN_COUNTED" \
		--clampdown-config="$WORK/true.json" create -b "$B" x >/dev/null 2>&1
	sed -n 's/^summary: //p' "$WORK"/cg.*.1
}
inproc() {
	rm -f "$WORK/t"
	for _ in $(seq "$N"); do
		cp "$1" "$B/config.json"
		CLAMPDOWN_BENCH_TIME=1 "$CLAMPDOWN_COUNTED" --clampdown-config="$WORK/true.json" create -b "$B" x 2>>"$WORK/t"
	done
	sort -n "$WORK/t" | awk '{a[NR]=$1} END {printf "%.3f ms", a[int((NR+1)/2)] / 1e6}'
}
rss() {
	cp "$1" "$B/config.json"
	/usr/bin/time -f %M "$CLAMPDOWN" --clampdown-config="$WORK/true.json" create -b "$B" x 2>&1 | tail -1
}
typical="$WORK/tpl/config.json"
# a config.json dockerd 20.10 wrote (docker run -v ... --memory 256m; its own seccomp profile)
# (its bind sources, resolv.conf, hostname, hosts and the -v directory, made for the bench)
mkdir -p "$WORK/docker-ct/config" && touch "$WORK/docker-ct/resolv.conf" "$WORK/docker-ct/hostname" "$WORK/docker-ct/hosts"
jq --arg r "$WORK/run/rootfs" --arg d "$WORK/docker-ct" '.root.path=$r |
	.mounts |= map(if .type == "bind" then .source |= ($d + "/" + (split("/") | last)) else . end)' \
	"$TOP/bench/docker-config.json" >"$WORK/docker.json"
jq '.mounts += [range(1000) | {destination: "/m\(.)", type: "tmpfs", source: "tmpfs", options: ["nosuid"]}]' "$typical" >"$WORK/mounts.json"
jq '.process.env += [range(10000) | "VAR\(.)=value-\(.)"]' "$typical" >"$WORK/env.json"
jq --arg r "$WORK/rootfs" '.root.path=$r' "$typical" >"$WORK/plainroot.json"
head -c 1040000 /dev/zero | tr '\0' x >"$WORK/pad"
jq --rawfile pad "$WORK/pad" '.annotations={"pad": $pad}' "$typical" >"$WORK/1mib.json"
# the first start of a distinct seccomp merge pays for it (and libseccomp's compile) once
rm -rf "$WORK/cache"
cold_docker=$(instr "$WORK/docker.json")
rm -rf "$WORK/cache"
cold_typical=$(instr "$typical")

ratio() { awk -v a="$1" 'BEGIN {printf "%.3f", a}'; }
row() { printf '| %s | %s µs | %s |\n' "$1" "$(median "$2")" "${3:-}"; }
vs() { ratio "$(paired_ratio "$1" "$2")"; }
printf '\n| measure | median | ratio |\n|---|---|---|\n'
row "lifecycle, runc" runc 1.000
row "lifecycle, runc again (A/A: the noise in a ratio)" runc-again "$(vs runc-again runc)"
row "lifecycle, runc on the config.json clampdown writes" runc-hardened "$(vs runc-hardened runc) (the hardening's own cost in runc)"
row "lifecycle, exec-only shim + runc on that config" shim-runc "$(vs shim-runc runc-hardened): the floor for any wrapper"
row "lifecycle, clampdown + runc" cd-runc "$(vs cd-runc runc-hardened) against the same config direct; $(vs cd-runc runc) against runc unhardened"
row "lifecycle, runc on the config.json the jq wrapper writes" runc-jq
row "lifecycle, jq wrapper + runc" jq-runc "$(vs jq-runc runc-jq) against the same config direct"
row "lifecycle, crun" crun 1.000
row "lifecycle, crun on the config.json clampdown writes" crun-hardened "$(vs crun-hardened crun)"
row "lifecycle, exec-only shim + crun on that config" shim-crun "$(vs shim-crun crun-hardened): the floor for any wrapper"
row "lifecycle, clampdown + crun" cd-crun "$(vs cd-crun crun-hardened) against the same config direct"
printf '\n| the hardening taken apart (lifecycle, each part alone on the unhardened config) | runc | crun |\n|---|---|---|\n'
part() { # part LABEL RUNC_SAMPLE CRUN_SAMPLE BASE_RUNC BASE_CRUN
	local r="-" c="-"
	[ -z "$2" ] || r="$(median "$2") µs ($(vs "$2" "$4"))"
	[ -z "$3" ] || c="$(median "$3") µs ($(vs "$3" "$5"))"
	printf '| %s | %s | %s |\n' "$1" "$r" "$c"
}
part "unhardened (runc spec config)" runc crun runc crun
part "Docker's default seccomp profile alone" runc-p-dsc crun-p-dsc runc crun
part "clampdown's seccomp, three ABIs (before: Docker's archMap)" runc-p-sc3 crun-p-sc3 runc crun
part "clampdown's seccomp, native ABI (restricted)" runc-p-sc crun-p-sc runc crun
part "clampdown's seccomp, native ABI, as BPF (crun)" "" crun-p-scbpf runc crun
part "mounts: read-only root, tmpfs, masked and read-only paths" runc-p-mounts crun-p-mounts runc crun
part "process and cgroup limits: user, caps, rlimits, no_new_privs" runc-p-proc crun-p-proc runc crun
part "a prestart hook (Docker's network setup): the base of the next row" runc-p-net crun-p-net runc crun
part "clampdown's bandwidth hook, after that prestart hook" runc-p-hook crun-p-hook runc-p-net crun-p-net
part "the whole, as clampdown writes it" runc-hardened crun-hardened runc crun
part "the whole, through clampdown" cd-runc cd-crun runc crun
part "through clampdown, against Docker's seccomp alone" cd-runc cd-crun runc-p-dsc crun-p-dsc
printf '\n| inside the container: ns per syscall (getppid, close, prctl; median of 9 runs) | ns | against no filter |\n|---|---|---|\n'
for v in none:"no filter" dsc:"Docker's default profile" sc3:"clampdown's, three ABIs" sc:"clampdown's, native ABI (restricted)"; do
	printf '| %s | %s | +%s |\n' "${v#*:}" "$(median "sys-${v%%:*}")" \
		"$(awk -v a="$(median "sys-${v%%:*}")" -v b="$(median sys-none)" 'BEGIN {printf "%.1f", a - b}')"
done
printf '\n| the filter clampdown writes (restricted, runc spec config) | BPF instructions |\n|---|---|\n'
printf '| three ABIs (Docker'"'"'s archMap) | %s |\n| native ABI (as shipped) | %s |\n\n' \
	"$(bpf_len "$WORK/hardened-crun3.json")" "$(bpf_len "$WORK/hardened-crun.json")"
printf '| measure | median | ratio |\n|---|---|---|\n'
row "state, runc" state
row "state, through an exec-only shim without libc" rawshim-state "+$(paired_diff rawshim-state state) µs: one more execve, the floor"
row "state, through an exec-only shim, static glibc" shim-state "+$(paired_diff shim-state state) µs: glibc's startup on top"
row "state, through clampdown (fast path)" cd-state "+$(paired_diff cd-state state) µs; +$(paired_diff cd-state rawshim-state) µs over the floor"
row "state, through clampdown, full path (cache_dir null)" cd-state-full "+$(paired_diff cd-state-full state) µs"
row "passthrough to a runtime that only exits" noop ""
row "the same through an exec-only shim without libc" rawshim-noop "+$(paired_diff rawshim-noop noop) µs: the floor"
row "the same through an exec-only shim, static glibc" shim-noop "+$(paired_diff shim-noop noop) µs"
row "the same through clampdown (fast path)" cd-noop "+$(paired_diff cd-noop noop) µs; +$(paired_diff cd-noop rawshim-noop) µs over the floor"
row "the same through clampdown, full path (cache_dir null)" cd-noop-full "+$(paired_diff cd-noop-full noop) µs"
row "exec --process, runc (the hardened process file)" exec
row "exec --process, runc again (A/A)" exec-again "$(vs exec-again exec)"
row "exec --process, through clampdown" cd-exec "$(vs cd-exec exec)"
row "exec --process to a runtime that only exits" noop-exec ""
row "the same through clampdown (hardening the process file)" cd-noop-exec "+$(paired_diff cd-noop-exec noop-exec) µs: clampdown's own exec cost"
printf '| rewrite alone, runc spec config, first merge of its seccomp (%s bytes) | %s instructions | |\n' \
	"$(stat -c %s "$typical")" "$cold_typical"
printf '| rewrite alone, Docker config, first merge of its seccomp (%s bytes) | %s instructions | |\n' \
	"$(stat -c %s "$WORK/docker.json")" "$cold_docker"
for f in typical:"$typical" "typical on a plain directory rootfs (a raw bundle)":"$WORK/plainroot.json" \
	docker:"$WORK/docker.json" 1000-mounts:"$WORK/mounts.json" 10000-env:"$WORK/env.json" \
	1MiB:"$WORK/1mib.json"; do
	printf '| rewrite alone, %s (%s bytes) | %s | %s instructions |\n' "${f%%:*}" "$(stat -c %s "${f#*:}")" \
		"$(inproc "${f#*:}")" "$(instr "${f#*:}")"
done
printf '| peak RSS, typical / Docker / 1 MiB config | %s / %s / %s KiB | |\n' "$(rss "$typical")" \
	"$(rss "$WORK/docker.json")" "$(rss "$WORK/1mib.json")"
