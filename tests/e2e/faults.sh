#!/bin/bash
# Faults, nothing lost: whatever goes wrong around config.json, the node
# config, a profile or the runtime, clampdown exits 1 with one clear error on
# stderr and in runc's --log, starts no runtime, and leaves config.json as
# it was (or as the fault left it): never partial, never a temp file beside it.
set -u
. "$(dirname "$0")/lib.sh"
require_root faults

e2e_setup faults
make_rootfs "$WORK/rootfs"
LOG="$WORK/decisions.jsonl"
marker_runtime "$WORK/rt"
node_config "$WORK/node.json" "$WORK/rt" "$TOP/profiles" "$LOG"
cc -shared -fPIC -O2 -Wall -Werror -o "$WORK/faultinj.so" "$TOP/tests/e2e/faultinj.c" -ldl
MOUNTS=()
e2e_extra_cleanup() {
	local m
	for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null; done
}

# bundle_at DIR: a busybox bundle whose only file is config.json (rootfs elsewhere)
bundle_at() {
	make_bundle "$1" "$WORK/rootfs" "true"
}

# --- the harness sees a runtime start, so "no runtime started" means something
bundle_at "$WORK/good"
rm -f "$WORK/started"
check "control: a good bundle starts the runtime" "$CLAMPDOWN" --clampdown-config="$WORK/node.json" \
	--root "$ROOTS/runc" create -b "$WORK/good" ft-good
check "control: the wrapper left its mark" test -e "$WORK/started"
"$RUNC" --root "$ROOTS/runc" delete -f ft-good

# --- the bundle's filesystem fills up: the old file stays whole
mkdir -p "$WORK/full" && mount -t tmpfs -o size=64k tmpfs "$WORK/full" && MOUNTS+=("$WORK/full")
bundle_at "$WORK/full/b"
dd if=/dev/zero of="$WORK/full/fill" bs=4k >/dev/null 2>&1
refused "ENOSPC, no page free" "$WORK/full/b" "$WORK/node.json" "cannot write the new config.json: No space left on device"
# one page free: the new file is written in part before the disk is full
truncate -s -4096 "$WORK/full/fill"
refused "ENOSPC, part written" "$WORK/full/b" "$WORK/node.json" "cannot write the new config.json: No space left on device"
check "ENOSPC: config.json still parses as the original" jq_ok "$WORK/full/b/config.json" '.root.readonly == false'

# --- a read-only bundle directory
mkdir -p "$WORK/ro" && mount -t tmpfs tmpfs "$WORK/ro" && MOUNTS+=("$WORK/ro")
bundle_at "$WORK/ro/b"
mount -o remount,ro "$WORK/ro"
refused "read-only bundle" "$WORK/ro/b" "$WORK/node.json" \
	"cannot create a temporary file beside config.json: Read-only file system"

# --- config.json that is not a regular file of the bundle's own
bundle_at "$WORK/outside"
bundle_at "$WORK/link"
ln -sf "$WORK/outside/config.json" "$WORK/link/config.json"
out_before=$(state_of "$WORK/outside/config.json")
refused "symlink to a file outside the bundle" "$WORK/link" "$WORK/node.json" "config.json: is a symbolic link"
expect_eq "symlink: its target untouched" "$(state_of "$WORK/outside/config.json")" "$out_before"
mkdir -p "$WORK/shadow" && ln -s /etc/shadow "$WORK/shadow/config.json"
shadow_before=$(state_of /etc/shadow)
refused "symlink to /etc/shadow" "$WORK/shadow" "$WORK/node.json" "config.json: is a symbolic link"
expect_eq "/etc/shadow untouched" "$(state_of /etc/shadow)" "$shadow_before"
mkdir -p "$WORK/fifo" && mkfifo "$WORK/fifo/config.json"
refused "a FIFO (no writer: no hang)" "$WORK/fifo" "$WORK/node.json" "config.json: not a regular file"
mkdir -p "$WORK/dir/config.json"
refused "a directory" "$WORK/dir" "$WORK/node.json" "config.json: not a regular file"
refused "a bundle that does not exist" "$WORK/nowhere" "$WORK/node.json" "bundle $WORK/nowhere: cannot open"

# --- the file changes between its size check and its read, or the bundle disappears
INJ=("LD_PRELOAD=$WORK/faultinj.so" "ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0")
# LD_PRELOAD reaches only a dynamic binary: the static clampdown's objects, linked dynamically
INJ_CD=$CLAMPDOWN
readelf -l "$CLAMPDOWN" | grep -q INTERP || INJ_CD="$TOP/build/dynamic/clampdown"
bundle_at "$WORK/grow"
want=$( (cat "$WORK/grow/config.json"; printf '\n\n') | sha256sum)
CLAMPDOWN=$INJ_CD refused "file grows while read" "$WORK/grow" "$WORK/node.json" "config.json: changed size while being read" \
	"$want" "${INJ[@]}" CLAMPDOWN_FAULT=grow CLAMPDOWN_FAULT_FILE="$WORK/grow/config.json"
bundle_at "$WORK/shrink"
want=$(head -c -1 "$WORK/shrink/config.json" | sha256sum)
CLAMPDOWN=$INJ_CD refused "file shrinks while read" "$WORK/shrink" "$WORK/node.json" "config.json: changed size while being read" \
	"$want" "${INJ[@]}" CLAMPDOWN_FAULT=shrink CLAMPDOWN_FAULT_FILE="$WORK/shrink/config.json"
bundle_at "$WORK/vanish"
CLAMPDOWN=$INJ_CD refused "bundle removed while clampdown works" "$WORK/vanish" "$WORK/node.json" \
	"cannot create a temporary file beside config.json: No such file or directory" \
	missing "${INJ[@]}" CLAMPDOWN_FAULT=vanish CLAMPDOWN_FAULT_FILE="$WORK/vanish/config.json"
check "vanish: the bundle directory is gone (the fault happened)" test ! -e "$WORK/vanish"

# --- node config, profiles and runtime: fail closed, saying how to fix it
bundle_at "$WORK/b"
refused "node config missing" "$WORK/b" "$WORK/none.json" \
	"node config: $WORK/none.json: cannot open: No such file or directory; write it .* --clampdown-config=PATH or CLAMPDOWN_CONFIG"
mkdir -p "$WORK/cfgdir"
refused "node config is a directory" "$WORK/b" "$WORK/cfgdir" "node config: $WORK/cfgdir: not a regular file; write it"
node_config "$WORK/noprofdir.json" "$WORK/rt" "$WORK/no-profiles" "$LOG"
refused "profile directory missing" "$WORK/b" "$WORK/noprofdir.json" \
	"profile directory $WORK/no-profiles: No such file or directory; set the node config's \"profile_dir\""
mkdir -p "$WORK/profiles" && cp -r "$TOP"/profiles/*.json "$TOP"/profiles/seccomp "$WORK/profiles/"
rm "$WORK/profiles/restricted.json"
node_config "$WORK/noprof.json" "$WORK/rt" "$WORK/profiles" "$LOG"
refused "default profile missing" "$WORK/b" "$WORK/noprof.json" \
	"profile $WORK/profiles/restricted.json: cannot open: No such file or directory; every profile the node config names"
cp "$TOP/profiles/restricted.json" "$WORK/profiles/" && chmod 000 "$WORK/profiles/restricted.json"
# root reads any file: drop the capabilities that let it, as a confined agent would run
refused "profile unreadable" "$WORK/b" "$WORK/noprof.json" \
	"profile $WORK/profiles/restricted.json: cannot open: Permission denied; every profile" "" \
	setpriv --bounding-set -dac_override,-dac_read_search --
node_config "$WORK/nort.json" "$WORK/no-runc" "$TOP/profiles" "$LOG"
refused "runtime missing" "$WORK/b" "$WORK/nort.json" \
	"runtime \"$WORK/no-runc\" \\(set \"runtime\" to runc's or crun's path\\): No such file or directory"
node_config "$WORK/dirrt.json" "$WORK" "$TOP/profiles" "$LOG"
refused "runtime is a directory" "$WORK/b" "$WORK/dirrt.json" \
	"runtime \"$WORK\" is not an executable file; point it at the real runc or crun"
node_config "$WORK/self.json" "$CLAMPDOWN" "$TOP/profiles" "$LOG"
refused "runtime is clampdown itself" "$WORK/b" "$WORK/self.json" \
	"is clampdown itself; point it at the real runc or crun"

# clampdown installed without its hook binary: a container to shape (a prestart hook sets up its
# network, as Docker's does) is refused, not left to fail in runc
mkdir -p "$WORK/lonely" "$WORK/bnet" && cp "$CLAMPDOWN" "$WORK/lonely/"
jq '.hooks.prestart = [{path: "/bin/true"}]' "$WORK/b/config.json" >"$WORK/bnet/config.json"
CLAMPDOWN="$WORK/lonely/$(basename "$CLAMPDOWN")" refused "clampdown-hook missing beside clampdown" "$WORK/bnet" \
	"$WORK/node.json" "bandwidth: cannot run the hook $WORK/lonely/clampdown-hook \\(install it beside clampdown: make install\\): No such file"

summary faults
