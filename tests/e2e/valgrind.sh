#!/bin/bash
# valgrind memcheck on clampdown's runtime paths with real runc: create (a
# seccomp filter compiled, then cached), exec with flags and with a
# --process file, update with flags and with a --resources file, a
# passthrough, refusals. No invalid access, no uninitialised value, no leak
# at an exit (memcheck does not check at an execve, which discards the image).
# The plain objects, linked dynamically (memcheck replaces malloc only in a
# dynamic binary): ASan and valgrind exclude each other.
set -u
. "$(dirname "$0")/lib.sh"
require_root valgrind

e2e_setup valgrind
CD="$TOP/build/dynamic/clampdown"
make_rootfs "$WORK/rootfs"
LOG="$WORK/decisions.jsonl"
node_config "$WORK/node.json" "$RUNC" "$TOP/profiles" "$LOG"
command -v valgrind >/dev/null || { skip_or_fail "valgrind is not installed"; summary valgrind; exit $?; }

# vg NAME WANT-EXIT ARGS...: clampdown under memcheck; its report must be clean
vg() {
	local name=$1 want=$2 rc report
	shift 2
	rm -f "$WORK"/vg.*
	valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible \
		--errors-for-leak-kinds=definite,indirect,possible --log-file="$WORK/vg.%p" \
		"$CD" --clampdown-config="$WORK/node.json" --root "$ROOTS/runc" "$@" >"$WORK/out" 2>"$WORK/err" </dev/null
	rc=$?
	# valgrind's own note that it does not emulate seccomp(2) (libseccomp probes it) is not a finding
	report=$(cat "$WORK"/vg.* 2>/dev/null | grep -v -e '^--[0-9]*-- ')
	expect_eq "$name: exit $want" "$rc" "$want"
	if [ -z "$report" ]; then ok "$name: memcheck clean"; else not_ok "$name: memcheck: $report"; fi
}

make_bundle "$WORK/b" "$WORK/rootfs" "sleep 120"
rm -rf "$WORK/cache"
vg "create, seccomp compiled" 0 create -b "$WORK/b" vg-1
check "the container exists" quiet "$RUNC" --root "$ROOTS/runc" state vg-1
vg "start (passthrough)" 0 start vg-1
vg "state (passthrough)" 0 state vg-1
make_bundle "$WORK/b2" "$WORK/rootfs" "true"
vg "create, seccomp from the cache" 0 create -b "$WORK/b2" vg-2
vg "exec with flags" 0 exec -u 0 --cap CAP_SYS_ADMIN --env A=1 vg-1 true
echo '{"user":{"uid":0,"gid":0},"args":["true"],"cwd":"/","env":["PATH=/bin"],
	"capabilities":{"bounding":["CAP_SYS_ADMIN"],"effective":["CAP_SYS_ADMIN"],"permitted":["CAP_SYS_ADMIN"]}}' \
	>"$WORK/p.json"
vg "exec --process" 0 exec --process "$WORK/p.json" vg-1
vg "update with flags" 0 update --pids-limit=-1 --memory 1g vg-1
echo '{"pids":{"limit":-1},"memory":{"limit":-1}}' >"$WORK/r.json"
vg "update --resources" 0 update --resources "$WORK/r.json" vg-1
make_bundle "$WORK/b3" "$WORK/rootfs" "true" '.annotations={"io.clampdown.profile":"nope"}'
vg "refusal: profile not selectable" 1 create -b "$WORK/b3" vg-3
printf '{"process":' >"$WORK/b3/config.json"
vg "refusal: broken config.json" 1 create -b "$WORK/b3" vg-3
vg "refusal: unknown flag" 1 --bogus list
"$RUNC" --root "$ROOTS/runc" delete -f vg-1 >/dev/null 2>&1
"$RUNC" --root "$ROOTS/runc" delete -f vg-2 >/dev/null 2>&1

summary valgrind
