#!/bin/bash
# make demo: one busybox container, run directly with runc and then through
# clampdown with the restricted profile, and what clampdown changed.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/e2e/lib.sh"
if [ "$(id -u)" -ne 0 ]; then
	echo "make demo runs real containers and needs root" >&2
	exit 1
fi
WORK=$(mktemp -d /tmp/clampdown-demo.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

PROBE='echo "  user:        $(id)"
echo "  CapEff:      $(grep CapEff /proc/self/status | cut -f2)"
echo "  NoNewPrivs:  $(grep NoNewPrivs /proc/self/status | cut -f2)"
echo "  Seccomp:     $(grep "^Seccomp:" /proc/self/status | cut -f2) (2 = filtered)"
touch /hello 2>/dev/null && echo "  write to /:  allowed" || echo "  write to /:  refused (read-only)"
touch /tmp/hello 2>/dev/null && echo "  write /tmp:  allowed" || echo "  write /tmp:  refused"
echo "  memory max:  $(cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max)"
echo "  pids max:    $(cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max)"'

make_rootfs "$WORK/rootfs"
make_bundle "$WORK/plain" "$WORK/rootfs" "$PROBE"
cp -r "$WORK/plain" "$WORK/hardened"
node_config "$WORK/config.json" "$RUNC" "$TOP/profiles" "$WORK/decisions.jsonl"

echo "== Before: runc's default config.json, run directly with runc"
(cd "$WORK/plain" && "$RUNC" --root "$WORK/state" run demo-plain)
echo
echo "== After: the same bundle through clampdown (profile: restricted)"
echo "   $CLAMPDOWN --clampdown-config=$WORK/config.json --root $WORK/state run demo-hardened"
(cd "$WORK/hardened" && "$CLAMPDOWN" --clampdown-config="$WORK/config.json" --root "$WORK/state" run demo-hardened)
echo
echo "== What clampdown rewrote (from its decision log)"
jq -r '"   verdict: \(.verdict), profile: \(.profile)", (.findings[] | if has("warning") then
	"   \(.rule): note: \(.warning)" else
	"   \(.rule): \(.field): \(.before|tojson) -> \(.after|tojson)  (\(.reason))" end)' "$WORK/decisions.jsonl"
echo
echo "== And a refusal: a profile with the user rule in deny mode"
jq '.name="strict" | .rules.user.mode="deny"' "$TOP/profiles/restricted.json" >"$WORK/strict.json"
mkdir -p "$WORK/profiles" && cp -r "$TOP"/profiles/*.json "$TOP"/profiles/seccomp "$WORK/strict.json" "$WORK/profiles/"
node_config "$WORK/strict-config.json" "$RUNC" "$WORK/profiles" "$WORK/decisions.jsonl" '.default_profile="strict"'
cp -r "$WORK/plain" "$WORK/refused"
(cd "$WORK/refused" && "$CLAMPDOWN" --clampdown-config="$WORK/strict-config.json" --root "$WORK/state" \
	--log "$WORK/runc.log" --log-format json run demo-refused) || echo "   (exit status $?)"
echo "   runc --log line: $(cat "$WORK/runc.log")"
