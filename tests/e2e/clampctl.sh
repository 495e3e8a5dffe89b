#!/bin/bash
# End-to-end: clampctl against the shipped profiles, broken ones, real
# bundles (its diff must predict what clampdown writes for runc), a decision
# log written by real containers, and its bash completion.
set -u
. "$(dirname "$0")/lib.sh"
require_root clampctl
CLAMPCTL=${CLAMPCTL:-$TOP/clampctl}

e2e_setup clampctl
make_rootfs "$WORK/rootfs"
mkdir -p "$WORK/profiles"
cp -r "$TOP"/profiles/*.json "$TOP"/profiles/seccomp "$WORK/profiles/"
LOG="$WORK/decisions.jsonl"
CFG="$WORK/clampdown.json"
node_config "$CFG" "$RUNC" "$WORK/profiles" "$LOG"
export CLAMPDOWN_CONFIG=$CFG

# --- check
out=$("$CLAMPCTL" check 2>&1)
rc=$?
expect_eq "check: the shipped profiles have no problems" "$rc $(tail -1 <<<"$out")" \
	"0 $CFG: 3 profiles, 3 seccomp filters compiled: no problems"

cp -r "$WORK/profiles" "$WORK/broken"
jq '.rules.bogus={"mode":"enforce"} | .rules.user.mode="sometimes" | .rules.capabilities.allow=["CAP_NOPE"]' \
	"$TOP/profiles/restricted.json" >"$WORK/broken/restricted.json"
jq '.name="other"' "$TOP/profiles/baseline.json" >"$WORK/broken/baseline.json"
jq '.rules.seccomp.profile="seccomp/bad.json"' "$TOP/profiles/audit.json" >"$WORK/broken/audit.json"
echo '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_EXPLODE"}]}' \
	>"$WORK/broken/seccomp/bad.json"
node_config "$WORK/broken.json" "$CLAMPDOWN" "$WORK/broken" "$LOG" '.selectable_profiles += ["ghost"]'
out=$("$CLAMPCTL" check --config "$WORK/broken.json" 2>&1)
rc=$?
expect_eq "check: problems exit 1" "$rc" "1"
expect_match "check: the runtime may not be clampdown" "$out" "$WORK/broken.json: runtime: \"$CLAMPDOWN\" is clampdown itself"
expect_match "check: a selectable profile that does not exist" "$out" \
	"$WORK/broken.json: selectable_profiles: profile \"ghost\": $WORK/broken/ghost.json: No such file"
expect_match "check: an unknown rule (file and field)" "$out" "$WORK/broken/restricted.json: rules.bogus: unknown rule"
expect_match "check: a bad mode in the same profile" "$out" "$WORK/broken/restricted.json: rules.user.mode: \"sometimes\""
expect_match "check: a bad capability in the same profile" "$out" "$WORK/broken/restricted.json: rules.capabilities.allow.*CAP_NOPE"
expect_match "check: a name that does not match its file" "$out" "$WORK/broken/baseline.json: name: \"other\" does not match"
expect_match "check: a seccomp action libseccomp does not know" "$out" "seccomp/bad.json.*SCMP_ACT_EXPLODE"
expect_match "check: all of them counted" "$(tail -1 <<<"$out")" "3 profiles, 0 seccomp filters compiled: 7 problems$"
echo '{"runtime": "relative/runc"}' >"$WORK/rel.json"
out=$("$CLAMPCTL" check --config "$WORK/rel.json" 2>&1)
expect_eq "check: a broken node config names file and field" "$?:$(head -1 <<<"$out")" \
	"1:$WORK/rel.json: runtime: must be an absolute path, not \"relative/runc\""
"$CLAMPCTL" check --bogus >/dev/null 2>&1
expect_eq "check: a usage error exits 2" "$?" "2"

# --- diff: a root, capable, writable container with a bind mount of /etc
make_bundle "$WORK/b" "$WORK/rootfs" "id -u" \
	'.process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .mounts += [{"destination":"/h","type":"bind","source":"/etc","options":["rbind"]}]'
cp "$WORK/b/config.json" "$WORK/original.json"
out=$("$CLAMPCTL" diff "$WORK/b" 2>&1)
rc=$?
expect_eq "diff: changes exit 1" "$rc" "1"
expect_match "diff: a headline with the profile and verdict" "$(head -1 <<<"$out")" "^$WORK/b/config.json, profile restricted: rewritten, [0-9]+ findings$"
expect_match "diff: rule by rule, before and after" "$out" $'user \\(enforce\\)\n  rewritten process.user.uid: the process runs as root\n    - 0\n    \\+ 65534'
expect_match "diff: a dropped bind mount" "$out" "rewritten mounts\\[[0-9]+\\]: bind mount of /etc"
expect_match "diff: rules with nothing to do say so" "$out" "no_new_privileges \\(enforce\\): no change"
check "diff: no colour when stdout is not a terminal" bash -c "! grep -q $'\\033' <<<\"\$1\"" _ "$out"
check "diff --color always" bash -c "\"$CLAMPCTL\" diff --color always \"$WORK/b\" | grep -q $'\\033\\[1m'"
check "diff wrote nothing" cmp -s "$WORK/b/config.json" "$WORK/original.json"
"$CLAMPCTL" diff --json "$WORK/b/config.json" >"$WORK/diff.json"
check "diff --json: verdict, rules and the rewritten config" jq_ok "$WORK/diff.json" \
	'.verdict=="rewritten" and (.rules|length)==19 and .config.process.user.uid==65534 and .profile=="restricted"'
# clampdown itself, in front of the real runc: what it writes is what diff said
"$CLAMPDOWN" --root "$ROOTS/runc" create --bundle "$WORK/b" ctl-diff >/dev/null 2>&1
"$RUNC" --root "$ROOTS/runc" delete -f ctl-diff >/dev/null 2>&1
norm='del(.hooks.createRuntime[]?.path) | walk(if type=="object" then del(.["--decision-log"]) else . end)'
check "diff --json predicts config.json as clampdown writes it" \
	bash -c "diff <(jq -S '$norm' '$WORK/b/config.json') <(jq -S '.config | $norm' '$WORK/diff.json')"
out=$("$CLAMPCTL" diff --profile audit "$WORK/original.json" 2>&1)
expect_eq "diff --profile audit: allowed, exit 0" "$?:$(head -1 <<<"$out" | sed 's/.*: allowed/allowed/')" \
	"0:allowed, $(jq '[.rules[].findings[]] | length' <("$CLAMPCTL" diff --json --profile audit "$WORK/original.json")) findings"
make_bundle "$WORK/hostnet" "$WORK/rootfs" "true" '.linux.namespaces |= map(select(.type != "network"))'
jq '.rules.host_namespaces.mode="deny"' "$TOP/profiles/restricted.json" | jq '.name="strict"' >"$WORK/profiles/strict.json"
out=$("$CLAMPCTL" diff --profile strict --json "$WORK/hostnet")
rmsg=$("$CLAMPDOWN" --root "$ROOTS/runc" create --bundle "$WORK/hostnet" ctl-deny 2>&1 >/dev/null)
expect_eq "diff: denied, with the reason clampdown gives" \
	"$(jq -r '[.verdict, .refusal, (.config|tostring)] | join("|")' <<<"$out")" \
	"denied|rule host_namespaces: linux.namespaces.network: no namespace of its own: host networking|null"
# shellcheck disable=SC2016
jq '.default_profile="strict"' "$CFG" >"$WORK/strict.json"
rmsg=$(CLAMPDOWN_CONFIG="$WORK/strict.json" "$CLAMPDOWN" --root "$ROOTS/runc" create --bundle "$WORK/hostnet" ctl-deny 2>&1 >/dev/null)
expect_match "clampdown refuses it with the same reason" "$rmsg" "$(jq -r .refusal <<<"$out" | sed 's/[.[\*^$()+?{|]/\\&/g')"
out=$("$CLAMPCTL" diff --profile ghost "$WORK/b" 2>&1)
expect_match "diff: an unknown profile is trouble (exit 2)" "$?:$out" "^2:clampctl: profile $WORK/profiles/ghost.json: "
out=$("$CLAMPCTL" diff "$WORK/nowhere" 2>&1)
expect_match "diff: a missing target is trouble" "$?:$out" "^2:clampctl: $WORK/nowhere: No such file"
jq '.annotations["io.clampdown.profile"]="baseline"' "$WORK/original.json" >"$WORK/ann.json"
expect_eq "diff: the profile an annotation selects" "$("$CLAMPCTL" diff --json "$WORK/ann.json" | jq -r .profile)" "baseline"

# --- explain: findings with their benchmark controls
jq '.linux.namespaces |= map(select(.type != "network" and .type != "pid")) | .linux.seccomp=null' \
	"$WORK/original.json" >"$WORK/lint.json"
out=$("$CLAMPCTL" explain "$WORK/lint.json")
rc=$?
expect_eq "explain: findings exit 1" "$rc" "1"
expect_match "explain: root user, CIS 4.1 and PSS" "$out" \
	$'process.user.uid: the process runs as root \\[user\\]\n    CIS Docker Benchmark 4.1: Ensure that a user for the container has been created\n    Kubernetes Pod Security Standards, Restricted: Running as Non-root user'
expect_match "explain: CAP_SYS_ADMIN, CIS 5.3" "$out" "process.capabilities.bounding: .*CAP_SYS_ADMIN.*"$'\n'"    CIS Docker Benchmark 5.3:"
expect_match "explain: host network, CIS 5.9" "$out" "linux.namespaces.network: .*"$'\n'"    CIS Docker Benchmark 5.9:"
expect_match "explain: host pid, CIS 5.15" "$out" "linux.namespaces.pid: .*"$'\n'"    CIS Docker Benchmark 5.15:"
expect_match "explain: /etc mounted, CIS 5.5 and PSS HostPath" "$out" \
	"bind mount of /etc.*"$'\n'"    CIS Docker Benchmark 5.5: .*"$'\n'"    Kubernetes Pod Security Standards, Baseline: HostPath Volumes"
expect_match "explain: no seccomp, CIS 5.21" "$out" "linux.seccomp: .*"$'\n'"    CIS Docker Benchmark 5.21:"
expect_match "explain: memory unlimited, CIS 5.10; pids, CIS 5.28" "$out" \
	"memory.limit: .*"$'\n'"    CIS Docker Benchmark 5.10:.*pids.limit: .*"$'\n'"    CIS Docker Benchmark 5.28:"
n=$(grep -c '^    CIS\|^    Kub\|^    no CIS' <<<"$out")
"$CLAMPCTL" explain --json "$WORK/lint.json" >"$WORK/explain.json"
check "explain --json: every finding carries its controls, none rewritten" jq_ok "$WORK/explain.json" \
	'[.findings[] | select(.field)] | length > 10 and all(has("action") | not) and
	 (map(select(.cis_docker.id=="5.9")) | length)==1 and (map(select(.k8s_pss.control=="Host Namespaces")) | length)==3'
expect_eq "explain: the summary counts every finding" "$(tail -1 <<<"$out")" \
	"$(jq '[.findings[] | select(.field)] | length' "$WORK/explain.json") findings against profile restricted"
[ "$n" -ge 10 ] && ok "explain: every finding has a control line ($n)" || not_ok "explain: control lines ($n)"
# what the kernel would mount, explained: a kernel filesystem as a source, a remount, a second proc
jq '.mounts += [{"destination":"/ns","type":"bind","source":"/proc/self/ns/net","options":["bind"]},
	{"destination":"/sys","type":"sysfs","source":"sysfs","options":["remount","rw"]},
	{"destination":"/proc2","type":"proc","source":"proc"}]' "$WORK/original.json" >"$WORK/kfs.json"
out=$("$CLAMPCTL" explain "$WORK/kfs.json")
expect_match "explain: nsfs as a bind source, CIS 5.5 and PSS HostPath" "$out" \
	"bind mount of /proc/self/ns/net: is on the host's nsfs, a kernel filesystem.*"$'\n'"    CIS Docker Benchmark 5.5: .*"$'\n'"    Kubernetes Pod Security Standards, Baseline: HostPath Volumes"
expect_match "explain: a remount entry" "$out" "\"remount\" changes what is already mounted at /sys"
expect_match "explain: proc at /proc2, PSS /proc Mount Type" "$out" \
	"a proc mount at /proc2 is outside the paths the masks cover.*"$'\n'"    .*Kubernetes Pod Security Standards, Baseline: /proc Mount Type"
out=$("$CLAMPCTL" explain "$WORK/b/config.json" | tail -1)
expect_match "explain on what clampdown wrote: fewer findings" "$out" "^[0-9] findings? against profile restricted$"

# --- log: a decision log written by real containers through clampdown and runc
rm -f "$LOG"
for i in 1 2 3; do
	make_bundle "$WORK/r$i" "$WORK/rootfs" "true"
	"$CLAMPDOWN" --root "$ROOTS/runc" run --bundle "$WORK/r$i" ctl-run$i >/dev/null 2>&1
done
CLAMPDOWN_CONFIG="$WORK/strict.json" "$CLAMPDOWN" --root "$ROOTS/runc" create --bundle "$WORK/hostnet" ctl-bad >/dev/null 2>&1
CLAMPDOWN_CONFIG="$WORK/strict.json" "$CLAMPDOWN" --root "$ROOTS/runc" create --bundle "$WORK/hostnet" ctl-bad >/dev/null 2>&1
echo 'not json' >>"$LOG"
out=$("$CLAMPCTL" log)
expect_match "log: counts decisions, names the unreadable line" "$(head -1 <<<"$out")" \
	"^$LOG: [0-9]+ decisions \\(1 unreadable line, the first at line [0-9]+\\)$"
expect_match "log: per profile" "$out" $'\nrestricted +[0-9]+ +3 +3 +0 +0 +[0-9]+\n'
expect_match "log: the deny profile" "$out" $'\nstrict +2 +1 +0 +2 +0 +0\n'
expect_match "log: per rule" "$out" $'\nhost_namespaces +4 +3 +4 +0 +0\n'
expect_match "log: the top offender is the refused container" "$out" $'offenders \\(denials, then findings\\)\n  ctl-bad +strict +2 denied'
"$CLAMPCTL" log --json --top 2 >"$WORK/log.json"
check "log --json" jq_ok "$WORK/log.json" \
	'.profiles.strict.denied==2 and .rules.user.containers==4 and (.top_offenders|length)==2 and .unreadable==1'
check "log --since a later time: nothing" jq_ok <("$CLAMPCTL" log --json --since 2999-01-01T00:00:00Z) '.decisions==0'
check "log --since 1h: everything" jq_ok <("$CLAMPCTL" log --json --since 1h) ".decisions==$(jq .decisions "$WORK/log.json")"
out=$("$CLAMPCTL" log --since yesterday 2>&1)
expect_match "log --since: a bad time is trouble" "$?:$out" "^2:clampctl: log: --since yesterday: not a UTC time"

# --- bash completion
. "$TOP/completion/clampctl.bash"
complete_words() {
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	_clampctl
	echo "${COMPREPLY[*]}"
}
expect_eq "completion: commands" "$(complete_words clampctl '')" "check diff explain log help"
expect_eq "completion: diff options" "$(complete_words clampctl diff --)" "--config --profile --json --color"
expect_eq "completion: profiles from the node config's directory" \
	"$(complete_words clampctl diff --config "$CFG" --profile '' | tr ' ' '\n' | sort | tr '\n' ' ')" \
	"audit baseline restricted strict "
expect_eq "completion: --color" "$(complete_words clampctl explain --color a)" "auto always"

summary clampctl
