#!/bin/bash
# Shared helpers for the end-to-end suites: TAP-style results, a busybox
# rootfs, bundles, node configs. Everything lives under $WORK and is removed.

E2E_PASS=0
E2E_FAIL=0
E2E_N=0
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CLAMPDOWN=${CLAMPDOWN:-$TOP/clampdown}
RUNC=$(command -v runc || echo /usr/sbin/runc)
CRUN=$(command -v crun || echo /usr/bin/crun)

ok() {
	E2E_N=$((E2E_N + 1))
	E2E_PASS=$((E2E_PASS + 1))
	echo "ok $E2E_N - $*"
}

not_ok() {
	E2E_N=$((E2E_N + 1))
	E2E_FAIL=$((E2E_FAIL + 1))
	echo "not ok $E2E_N - $*"
}

# check NAME COMMAND...: one result from a command's status
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# quiet COMMAND...: the status only
quiet() {
	"$@" >/dev/null 2>&1
}

# expect_eq NAME GOT WANT
expect_eq() {
	if [ "$2" == "$3" ]; then ok "$1"; else not_ok "$1 (got '$2', want '$3')"; fi
}

# expect_match NAME TEXT REGEX
expect_match() {
	if [[ $2 =~ $3 ]]; then ok "$1"; else not_ok "$1 ('$2' does not match '$3')"; fi
}

# expect_line NAME TEXT LINE: TEXT has LINE as one of its lines
expect_line() {
	if grep -qxF -- "$3" <<<"$2"; then ok "$1"; else not_ok "$1 (no line '$3' in: $(tr '\n' ' ' <<<"$2"))"; fi
}

# Every skip is a failure in CI (bubblewrap's BWRAP_MUST_WORK).
skip_or_fail() {
	if [ "${CI:-}" = true ]; then
		not_ok "$1 (skipped, and CI=true forbids skips)"
	else
		echo "ok $((E2E_N + 1)) - # SKIP $1"
		E2E_N=$((E2E_N + 1))
	fi
}

# jq_ok FILE [jq args] FILTER: the filter holds (exit status only)
jq_ok() {
	local f=$1
	shift
	jq -e "$@" "$f" >/dev/null 2>&1
}

summary() {
	echo "$1: $E2E_PASS passed, $E2E_FAIL failed"
	[ "$E2E_FAIL" -eq 0 ]
}

require_root() {
	if [ "$(id -u)" -ne 0 ]; then
		skip_or_fail "$1 needs root"
		summary "$1"
		exit $?
	fi
}

# make_rootfs DIR: a busybox-static root with every applet linked
make_rootfs() {
	local d=$1 a
	mkdir -p "$d"/{bin,dev,proc,sys,tmp,run,etc,root}
	cp /bin/busybox "$d/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ -e "$d/bin/$a" ] || ln -s busybox "$d/bin/$a"
	done
	echo 'root:x:0:0:root:/root:/bin/sh' >"$d/etc/passwd"
	echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>"$d/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$d/etc/group"
}

# make_oci_archive ROOTFS OUT TAG: ROOTFS as a one-layer OCI image archive
# whose ref name is TAG (ctr image import --base-name NAME makes NAME:TAG)
make_oci_archive() {
	local root=$1 out=$2 tag=$3 d sha size cfg man
	d=$(mktemp -d)
	mkdir -p "$d/blobs/sha256"
	tar -C "$root" -cf "$d/layer" .
	sha=$(sha256sum "$d/layer" | cut -d' ' -f1) size=$(stat -c %s "$d/layer")
	mv "$d/layer" "$d/blobs/sha256/$sha"
	cfg=$(jq -nc --arg l "sha256:$sha" --arg a "$(dpkg --print-architecture)" \
		'{architecture:$a, os:"linux", config:{Cmd:["sh"], Env:["PATH=/bin"]}, rootfs:{type:"layers", diff_ids:[$l]}}')
	printf '%s' "$cfg" >"$d/blobs/sha256/$(printf '%s' "$cfg" | sha256sum | cut -d' ' -f1)"
	man=$(jq -nc --arg c "sha256:$(printf '%s' "$cfg" | sha256sum | cut -d' ' -f1)" --argjson cs ${#cfg} \
		--arg l "sha256:$sha" --argjson ls "$size" \
		'{schemaVersion:2, mediaType:"application/vnd.oci.image.manifest.v1+json",
		  config:{mediaType:"application/vnd.oci.image.config.v1+json", digest:$c, size:$cs},
		  layers:[{mediaType:"application/vnd.oci.image.layer.v1.tar", digest:$l, size:$ls}]}')
	printf '%s' "$man" >"$d/blobs/sha256/$(printf '%s' "$man" | sha256sum | cut -d' ' -f1)"
	jq -nc --arg m "sha256:$(printf '%s' "$man" | sha256sum | cut -d' ' -f1)" --argjson ms ${#man} --arg t "$tag" \
		'{schemaVersion:2, manifests:[{mediaType:"application/vnd.oci.image.manifest.v1+json", digest:$m,
		  size:$ms, annotations:{"org.opencontainers.image.ref.name":$t}}]}' >"$d/index.json"
	echo '{"imageLayoutVersion":"1.0.0"}' >"$d/oci-layout"
	tar -C "$d" -cf "$out" oci-layout index.json blobs
	rm -rf "$d"
}

# build_sysprobe DIR: tests/e2e/sysprobe.c, static, as DIR/bin/sysprobe
build_sysprobe() {
	cc -static -O2 -o "$1/bin/sysprobe" "$TOP/tests/e2e/sysprobe.c"
}

# make_bundle DIR ROOTFS SCRIPT [JQ-FILTER]: runc's default spec running sh -c SCRIPT
make_bundle() {
	local dir=$1 rootfs=$2 script=$3 filter=${4:-.}
	mkdir -p "$dir"
	(cd "$dir" && "$RUNC" spec)
	jq --arg r "$rootfs" --arg s "$script" \
		'.root.path=$r | .root.readonly=false | .process.terminal=false | .process.args=["sh","-c",$s]' \
		"$dir/config.json" | jq "$filter" >"$dir/config.json.new"
	mv "$dir/config.json.new" "$dir/config.json"
}

# node_config FILE RUNTIME PROFILE_DIR LOG [extra jq]
node_config() {
	jq -n --arg rt "$2" --arg pd "$3" --arg log "$4" \
		'{runtime:$rt, profile_dir:$pd, decision_log:$log, default_profile:"restricted",
		  selectable_profiles:["restricted","baseline","audit"], cache_dir:($log | sub("/[^/]*$"; "/cache"))}' | jq "${5:-.}" >"$1"
}

# marker_runtime FILE: real runc behind a wrapper that touches $WORK/started,
# so a test can tell whether clampdown started the runtime
# wait_settled FILE...: until each file's last change is over a second old, as clampdown
# wants before it knows a file by its identity (the seccomp merge cache, the fast path's record)
wait_settled() {
	local f
	for f; do
		while [ $(($(date +%s) - $(stat -c %Z "$f"))) -le 1 ]; do sleep 0.2; done
	done
}

marker_runtime() {
	printf '#!/bin/sh\ntouch "%s/started"\nexec "%s" "$@"\n' "$WORK" "$RUNC" >"$1"
	chmod +x "$1"
}

# what config.json is: its bytes' hash, the link it is, its type, or missing
state_of() {
	if [ -L "$1" ]; then
		echo "link:$(readlink "$1")"
	elif [ -f "$1" ]; then
		sha256sum <"$1"
	elif [ -e "$1" ]; then
		stat -c %F "$1"
	else
		echo missing
	fi
}

# refused NAME BUNDLE CONFIG REGEX [WANT-STATE] [VAR=VALUE...]: one create
# through a marker_runtime config, refused in every way: exit 1, one stderr
# line matching REGEX, the same in runc's --log as JSON, no runtime started,
# config.json in WANT-STATE (default: as it was), no temp file beside it
REFUSED_N=0
refused() {
	local name=$1 b=$2 cfg=$3 re=$4 want=${5:-}
	shift $(($# < 5 ? $# : 5))
	[ -n "$want" ] || want=$(state_of "$b/config.json")
	REFUSED_N=$((REFUSED_N + 1))
	rm -f "$WORK/started" "$WORK/runc.log"
	env "$@" timeout 20 "$CLAMPDOWN" --clampdown-config="$cfg" --root "$ROOTS/runc" --log "$WORK/runc.log" \
		--log-format json create -b "$b" "refused-$REFUSED_N" >"$WORK/out" 2>"$WORK/err"
	expect_eq "$name: exit 1" "$?" "1"
	expect_match "$name: stderr says why" "$(cat "$WORK/err")" "^clampdown: .*$re"
	expect_eq "$name: and nothing else on stderr or stdout" "$(wc -l <"$WORK/err") $(wc -c <"$WORK/out")" "1 0"
	check "$name: the same error in runc's --log, as runc's JSON" jq_ok "$WORK/runc.log" -s --arg re "$re" \
		'length == 1 and .[0].level == "error" and (.[0].msg | test($re)) and (.[0].time | type == "string")'
	check "$name: no runtime started" test ! -e "$WORK/started"
	expect_eq "$name: config.json as it was" "$(state_of "$b/config.json")" "$want"
	if [ -d "$b" ]; then
		expect_eq "$name: no temp file left" "$(ls -A "$b" | grep -c clampdown)" "0"
	fi
}

# Hybrid cgroup hosts: crun refuses while hugetlb sits on the v2 hierarchy. A v1 hierarchy outlives
# its last umount for a while (another suite's restore_cgroups), then hugetlb falls back to v2: so it
# is mounted whenever it is not, which also keeps a lingering v1 hierarchy from going away under crun.
HUGETLB_MOUNTED=
prepare_cgroups_for_crun() {
	if [ -d /sys/fs/cgroup/unified ] && grep -qw '^hugetlb' /proc/cgroups && ! mountpoint -q /sys/fs/cgroup/hugetlb; then
		mkdir -p /sys/fs/cgroup/hugetlb
		mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb && HUGETLB_MOUNTED=1
	fi
}

restore_cgroups() {
	if [ -n "$HUGETLB_MOUNTED" ]; then
		# under set -e the last command of an && list would end the caller's EXIT trap
		if umount /sys/fs/cgroup/hugetlb 2>/dev/null; then rmdir /sys/fs/cgroup/hugetlb 2>/dev/null || true; fi
	fi
	return 0
}

# e2e_setup NAME: $WORK, $ROOTS (runc/crun state dirs) and an EXIT trap that
# deletes every container the suite left, restores cgroups and removes
# $WORK (kept with KEEP=1). A suite may define e2e_extra_cleanup.
e2e_setup() {
	WORK=$(mktemp -d "/tmp/clampdown-$1.XXXXXX")
	ROOTS="$WORK/state"
	mkdir -p "$ROOTS"
	# the fast path's records: this suite's own, not the node's /run/clampdown
	export CLAMPDOWN_RUN_DIR="$WORK/run-records"
	trap e2e_cleanup EXIT
}

e2e_cleanup() {
	local rt id
	declare -F e2e_extra_cleanup >/dev/null && e2e_extra_cleanup
	for rt in "$RUNC" "$CRUN"; do
		for id in $("$rt" --root "$ROOTS/$(basename "$rt")" list -q 2>/dev/null); do
			"$rt" --root "$ROOTS/$(basename "$rt")" delete -f "$id" >/dev/null 2>&1
		done
	done
	restore_cgroups
	[ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
