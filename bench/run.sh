#!/bin/bash
# make bench: clampdown's cost against runc itself and a shell+jq wrapper.
# Paired, interleaved runs on one machine; medians and ratios from the same run.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/e2e/lib.sh"
N=${BENCH_N:-30}
[ "$(id -u)" -eq 0 ] || { echo "make bench runs real containers and needs root" >&2; exit 1; }
WORK=$(mktemp -d /tmp/clampdown-bench.XXXXXX)
export WORK
trap 'restore_cgroups; rm -rf "$WORK"' EXIT
prepare_cgroups_for_crun
make_rootfs "$WORK/rootfs"
CLAMPDOWN_COUNTED=${CLAMPDOWN_COUNTED:-$CLAMPDOWN}
for rt in "$RUNC" "$CRUN" /bin/true; do
	node_config "$WORK/$(basename "$rt").json" "$rt" "$TOP/profiles" "$WORK/decisions.jsonl" \
		'.decision_log=null | .cache_dir=$ENV.WORK + "/cache"'
done
make_bundle "$WORK/tpl" "$WORK/rootfs" "true" '.process.args=["/bin/true"]'
# a bundle on tmpfs, as containerd's are
mkdir -p "$WORK/run" && mount -t tmpfs tmpfs "$WORK/run" && trap 'cd /; umount "$WORK/run"; restore_cgroups; rm -rf "$WORK"' EXIT
B="$WORK/run/b"

now() { date +%s%N; }
# sample NAME COMMAND...: one timing in microseconds appended to $WORK/NAME
sample() {
	local name=$1 t0
	shift
	cp "$WORK/tpl/config.json" "$B/config.json"
	t0=$(now)
	"$@" >/dev/null 2>&1 || { echo "bench: $name failed: $*" >&2; exit 1; }
	echo $((($(now) - t0) / 1000)) >>"$WORK/$name"
}
median() { sort -n "$WORK/$1" | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

mkdir -p "$B" && cp -r "$WORK/tpl/." "$B/"
cd "$B"
echo "lifecycle (run /bin/true, deleted on exit), $N interleaved rounds..." >&2
for i in $(seq "$N"); do
	sample runc "$RUNC" --root "$WORK/st" run "r$i"
	sample cd-runc "$CLAMPDOWN" --clampdown-config="$WORK/runc.json" --root "$WORK/st" run "c$i"
	sample jq-runc "$TOP/bench/jq-wrapper.sh" --root "$WORK/st" run "j$i"
	sample crun "$CRUN" --root "$WORK/cst" run "r$i"
	sample cd-crun "$CLAMPDOWN" --clampdown-config="$WORK/crun.json" --root "$WORK/cst" run "c$i"
done

echo "passthrough state and exec --process..." >&2
cp "$WORK/tpl/config.json" config.json
jq '.process.args=["sleep","600"]' "$WORK/tpl/config.json" >config.json
"$RUNC" --root "$WORK/st" run -d sleeper >/dev/null
# process files live beside the bundle on tmpfs, as containerd's do
echo '{"user":{"uid":0,"gid":0},"args":["/bin/true"],"cwd":"/","env":["PATH=/bin"]}' >"$WORK/run/proc.json"
for i in $(seq $((N * 3))); do
	t0=$(now); "$RUNC" --root "$WORK/st" state sleeper >/dev/null; echo $((($(now) - t0) / 1000)) >>"$WORK/state"
	t0=$(now); "$CLAMPDOWN" --clampdown-config="$WORK/runc.json" --root "$WORK/st" state sleeper >/dev/null
	echo $((($(now) - t0) / 1000)) >>"$WORK/cd-state"
done
for i in $(seq "$N"); do
	cp "$WORK/run/proc.json" "$WORK/run/p.json"
	t0=$(now); "$RUNC" --root "$WORK/st" exec --process "$WORK/run/p.json" sleeper; echo $((($(now) - t0) / 1000)) >>"$WORK/exec"
	cp "$WORK/run/proc.json" "$WORK/run/p.json"
	t0=$(now); "$CLAMPDOWN" --clampdown-config="$WORK/runc.json" --root "$WORK/st" exec --process "$WORK/run/p.json" sleeper
	echo $((($(now) - t0) / 1000)) >>"$WORK/cd-exec"
done
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
jq --arg r "$WORK/rootfs" '.root.path=$r' "$TOP/bench/docker-config.json" >"$WORK/docker.json"
jq '.mounts += [range(1000) | {destination: "/m\(.)", type: "tmpfs", source: "tmpfs", options: ["nosuid"]}]' "$typical" >"$WORK/mounts.json"
jq '.process.env += [range(10000) | "VAR\(.)=value-\(.)"]' "$typical" >"$WORK/env.json"
head -c 1040000 /dev/zero | tr '\0' x >"$WORK/pad"
jq --rawfile pad "$WORK/pad" '.annotations={"pad": $pad}' "$typical" >"$WORK/1mib.json"
# the first start of a distinct seccomp merge pays for it (and libseccomp's compile) once
rm -rf "$WORK/cache"
cold_docker=$(instr "$WORK/docker.json")
rm -rf "$WORK/cache"
cold_typical=$(instr "$typical")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a / b}'; }
printf '\n| measure | median | ratio |\n|---|---|---|\n'
r=$(median runc)
for v in runc cd-runc jq-runc; do printf '| lifecycle %s | %s µs | %s |\n' "$v" "$(median $v)" "$(ratio "$(median $v)" "$r")"; done
c=$(median crun)
for v in crun cd-crun; do printf '| lifecycle %s | %s µs | %s |\n' "$v" "$(median $v)" "$(ratio "$(median $v)" "$c")"; done
s=$(median state)
printf '| state direct / through clampdown | %s / %s µs | %+.0f µs |\n' "$s" "$(median cd-state)" \
	"$(awk -v a="$(median cd-state)" -v b="$s" 'BEGIN {print a - b}')"
e=$(median exec)
printf '| exec --process direct / through clampdown | %s / %s µs | %s |\n' "$e" "$(median cd-exec)" "$(ratio "$(median cd-exec)" "$e")"
printf '| rewrite alone, runc spec config, first merge of its seccomp (%s bytes) | %s instructions | |\n' \
	"$(stat -c %s "$typical")" "$cold_typical"
printf '| rewrite alone, Docker config, first merge of its seccomp (%s bytes) | %s instructions | |\n' \
	"$(stat -c %s "$WORK/docker.json")" "$cold_docker"
for f in typical:"$typical" docker:"$WORK/docker.json" 1000-mounts:"$WORK/mounts.json" 10000-env:"$WORK/env.json" \
	1MiB:"$WORK/1mib.json"; do
	printf '| rewrite alone, %s (%s bytes) | %s | %s instructions |\n' "${f%%:*}" "$(stat -c %s "${f#*:}")" \
		"$(inproc "${f#*:}")" "$(instr "${f#*:}")"
done
printf '| peak RSS, typical / Docker / 1 MiB config | %s / %s / %s KiB | |\n' "$(rss "$typical")" \
	"$(rss "$WORK/docker.json")" "$(rss "$WORK/1mib.json")"
