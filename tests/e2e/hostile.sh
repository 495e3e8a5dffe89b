#!/bin/bash
# The bad-input corpus: tests/fixtures/hostile/ holds malformed and hostile
# config.json files, and EXPECT says what clampdown must answer to each.
# Generated here: a 100 MB config.json, and every field of
# tests/fixtures/every-field.json given a value of the wrong JSON type.
set -u
. "$(dirname "$0")/lib.sh"
require_root hostile

e2e_setup hostile
H="$TOP/tests/fixtures/hostile"
LOG="$WORK/decisions.jsonl"
marker_runtime "$WORK/rt"
node_config "$WORK/node.json" "$WORK/rt" "$TOP/profiles" "$LOG"
B="$WORK/b"
mkdir -p "$B"
make_rootfs "$B/rootfs"

# --- each file of the corpus, with its expected outcome
n=0
while IFS=$'\t' read -r file want; do
	case $file in '#'* | '') continue ;; esac
	n=$((n + 1))
	cp "$H/$file" "$B/config.json"
	if [ "$want" != ok ]; then
		refused "$file" "$B" "$WORK/node.json" "$want"
		continue
	fi
	rm -f "$WORK/started"
	check "$file: accepted, the runtime creates it" "$CLAMPDOWN" --clampdown-config="$WORK/node.json" \
		--root "$ROOTS/runc" create -b "$B" "hostile-$n"
	check "$file: and it is hardened" jq_ok "$B/config.json" '.process.user.uid == 65534 and .root.readonly'
	"$RUNC" --root "$ROOTS/runc" delete -f "hostile-$n" >/dev/null 2>&1
done <"$H/EXPECT"
expect_eq "every corpus file has an expected outcome" \
	"$(ls "$H" | grep -v '^EXPECT$' | sort)" "$(grep -v '^#' "$H/EXPECT" | cut -f1 | sort)"

# --- 100 MB: refused from its size alone, before reading it
jq -c --arg pad "$(head -c 1000 /dev/zero | tr '\0' x)" '.annotations={"pad": $pad}' "$H/../every-field.json" >"$B/config.json"
truncate -s 100M "$B/config.json"
refused "100 MB config.json" "$B" "$WORK/node.json" "config.json: 104857600 bytes, more than the 33554432 clampdown reads"

# --- every field clampdown's schema knows, with a value of another type:
# each path of the fixture, then the fixture with that path's value replaced
wrong_types() {
	jq -r '. as $doc | paths as $p |
		($p | map(if type == "number" then "[\(.)]" else ".\(.)" end) | join("") | ltrimstr(".")),
		($doc | setpath($p; getpath($p) | if type == "string" then 7 elif type == "number" then "7"
			elif type == "boolean" then "true" elif type == "array" then {} else [] end) | tojson)' \
		"$TOP/tests/fixtures/every-field.json"
}
# runc cannot create this one here (Intel RDT, RDMA, a user namespace, devices):
# the question is clampdown's answer alone, so the runtime only leaves its mark
printf '#!/bin/sh\ntouch "%s/started"\n' "$WORK" >"$WORK/accept" && chmod +x "$WORK/accept"
node_config "$WORK/accept.json" "$WORK/accept" "$TOP/profiles" "$LOG"
cp "$TOP/tests/fixtures/every-field.json" "$B/config.json"
rm -f "$WORK/started"
check "every-field.json itself is accepted" "$CLAMPDOWN" --clampdown-config="$WORK/accept.json" create -b "$B" hostile-every
check "and handed to the runtime" test -e "$WORK/started"
fields=0
while IFS= read -r name && IFS= read -r mutated; do
	fields=$((fields + 1))
	printf '%s\n' "$mutated" >"$B/config.json"
	rm -f "$WORK/started"
	err=$("$CLAMPDOWN" --clampdown-config="$WORK/accept.json" create -b "$B" hostile-t 2>&1)
	rc=$?
	if [ "$rc" -eq 1 ] && [ ! -e "$WORK/started" ] && grep -qF "config.json: $name: must be" <<<"$err"; then
		ok "wrong type at $name: refused, naming it"
	else
		not_ok "wrong type at $name: refused, naming it (exit $rc: $err)"
	fi
done < <(wrong_types)
check "the sweep covered the fixture's fields ($fields)" test "$fields" -gt 250

summary hostile
