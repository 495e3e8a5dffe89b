#!/bin/bash
# make check-runc-suite: runc's own integration tests (the bats suite in
# Debian's runc source package), once with runc and once with
# RUNC=clampdown under a profile whose every rule is in audit mode. The two
# runs must give the same result for every test.
#
#   RUNC_SUITE_FILES="run exec"   only these .bats files (default: all)
#   RUNC_SUITE_DIR=DIR            where the source and results live (build-runc-suite)
#   RUNC_SUITE_TIMEOUT=SECONDS    per test (default 120): a hung test fails, not the run
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
DIR=${RUNC_SUITE_DIR:-$TOP/build-runc-suite}
TIMEOUT=${RUNC_SUITE_TIMEOUT:-120}
RUNC_BIN=$(command -v runc || echo /usr/sbin/runc)
[ "$(id -u)" -eq 0 ] || { echo "runc-suite: runs real containers as root" >&2; exit 1; }
mkdir -p "$DIR"

# --- Debian's source for the runc that is installed, and what its tests need
deb_src() {
	local f=/etc/apt/sources.list.d/clampdown-deb-src.sources
	grep -rqs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/ && return 0
	sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources >"$f"
	apt-get update -qq >/dev/null
}
version=$(dpkg-query -W -f='${Version}' runc)
SRC=$(find "$DIR" -maxdepth 1 -type d -name 'runc-*' | head -1)
if [ -z "$SRC" ] || [ "$(cat "$DIR/version" 2>/dev/null)" != "$version" ]; then
	deb_src
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -qq --no-install-recommends bats gawk golang-go dpkg-dev >/dev/null 2>&1
	apt-get build-dep -y -qq runc >/dev/null 2>&1
	rm -rf "${DIR:?}"/runc*
	(cd "$DIR" && apt-get source -qq "runc=$version" >/dev/null 2>&1)
	echo "$version" >"$DIR/version"
	SRC=$(find "$DIR" -maxdepth 1 -type d -name 'runc-*' | head -1)
fi

# --- the suite's helpers, built against Debian's Go packages (no module downloads)
# (seccompagent needs the seccomp build tag, or it exits at once and the notify tests hang)
GP="$DIR/gopath"
mkdir -p "$GP/src/github.com/opencontainers"
ln -sfn "$SRC" "$GP/src/github.com/opencontainers/runc"
for c in recvtty sd-helper seccompagent; do
	[ -x "$SRC/contrib/cmd/$c/$c" ] && continue
	(cd "$GP/src/github.com/opencontainers/runc" && GO111MODULE=off GOPATH="$GP:/usr/share/gocode" \
		GOCACHE="$DIR/gocache" GOFLAGS= go build -tags seccomp -o "contrib/cmd/$c/$c" "./contrib/cmd/$c")
done

# --- images: busybox-static without proc/ and sys/ (the suite's own images are downloads);
# the Debian image the hooks test asks for is the same busybox, in both runs alike
. "$TOP/tests/e2e/lib.sh"
TD="$SRC/tests/integration/testdata"
if [ ! -s "$TD/busybox-amd64.tar.xz" ]; then
	rm -rf "$DIR/rootfs"
	make_rootfs "$DIR/rootfs"
	rmdir "$DIR/rootfs/proc" "$DIR/rootfs/sys"
	tar -C "$DIR/rootfs" -cJf "$TD/busybox-amd64.tar.xz" .
	cp "$TD/busybox-amd64.tar.xz" "$TD/debian-amd64.tar.xz"
fi

# --- clampdown: runc behind it, every rule audited (nothing rewritten, nothing refused)
mkdir -p "$DIR/profiles"
cp -r "$TOP"/profiles/*.json "$TOP"/profiles/seccomp "$DIR/profiles/"
jq -n --arg rt "$RUNC_BIN" --arg pd "$DIR/profiles" --arg log "$DIR/decisions.jsonl" \
	'{runtime: $rt, profile_dir: $pd, default_profile: "audit", selectable_profiles: ["audit"], decision_log: $log}' \
	>"$DIR/node.json"
rm -f "$DIR/decisions.jsonl"

files=()
if [ -n "${RUNC_SUITE_FILES:-}" ]; then
	for f in $RUNC_SUITE_FILES; do files+=("tests/integration/$f.bats"); done
else
	files=(tests/integration)
fi

# suite RUNTIME OUT [bats args]: the suite's TAP lines, on a tty as it wants
suite() {
	local rt=$1 out=$2 cmd
	shift 2
	cmd=$(printf '%q ' bats -t "$@" "${files[@]}")
	(cd "$SRC" && RUNC="$rt" CLAMPDOWN_CONFIG="$DIR/node.json" BATS_TEST_TIMEOUT=$TIMEOUT \
		script -q -e -c "$cmd" /dev/null) >"$out.raw" 2>&1 || true
	# one line per test: result and name (runc's numbering and tty noise dropped)
	sed -n 's/\r$//; s/^\(ok\|not ok\) [0-9]* \(.*\)$/\1\t\2/p' "$out.raw" |
		sed 's/^ok\t\(.*\) # skip.*/skip\t\1/' >"$out"
}
counts() { awk -F'\t' '{n[$1]++} END {printf "%d passed, %d failed, %d skipped", n["ok"], n["not ok"], n["skip"]}' "$1"; }

echo "runc-suite: runc $version, ${files[*]}" >&2
suite "$RUNC_BIN" "$DIR/runc.tap"
suite "$TOP/clampdown" "$DIR/clampdown.tap"

# a test whose results differ runs again with both, twice: the suite has races of its own
# (seccomp-notify starts its agent in the background and does not wait for it)
retry() {
	local name=$1 a b
	for _ in 1 2; do
		re=$(printf '%s' "$name" | sed 's/[][\.*^$()+?{}|/]/\\&/g')
		suite "$RUNC_BIN" "$DIR/r1" -f "^${re}\$"
		suite "$TOP/clampdown" "$DIR/r2" -f "^${re}\$"
		a=$(cut -f1 "$DIR/r1") b=$(cut -f1 "$DIR/r2")
		[ -n "$a" ] && [ "$a" = "$b" ] && { echo "$a"; return 0; }
	done
	return 1
}
differ=0
while IFS=$'\t' read -r name; do
	if res=$(retry "$name"); then
		echo "runc-suite: \"$name\" differed once, then both: $res (a race in the test)" >&2
		for f in runc clampdown; do
			awk -F'\t' -v n="$name" -v r="$res" 'BEGIN {OFS = "\t"} $2 == n {$1 = r} {print}' "$DIR/$f.tap" >"$DIR/$f.tmp"
			mv "$DIR/$f.tmp" "$DIR/$f.tap"
		done
	else
		differ=$((differ + 1))
		echo "runc-suite: differs: $name" >&2
	fi
done < <(diff <(sort "$DIR/runc.tap") <(sort "$DIR/clampdown.tap") | sed -n 's/^[<>] [^\t]*\t//p' | sort -u)

echo "runc directly:    $(counts "$DIR/runc.tap")"
echo "through clampdown: $(counts "$DIR/clampdown.tap")"
echo "decisions logged: $(wc -l <"$DIR/decisions.jsonl" 2>/dev/null || echo 0)"
# both runs list the same tests in the same order (names can repeat across files)
same=$(paste "$DIR/runc.tap" "$DIR/clampdown.tap" | awk -F'\t' '$1 == $3 && $2 == $4' | wc -l)
total=$(wc -l <"$DIR/runc.tap")
[ "$total" -gt 0 ] || { echo "runc-suite: no test ran" >&2; exit 1; }
# a test passes here when both runs agree on it
echo "runc-suite: $same passed, $((total - same)) failed"
[ "$differ" -eq 0 ] && [ "$same" -eq "$total" ] && [ "$(wc -l <"$DIR/clampdown.tap")" -eq "$total" ]
