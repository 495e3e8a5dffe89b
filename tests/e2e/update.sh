#!/bin/bash
# End-to-end: runc update through clampdown cannot raise a limit past the profile.
set -u
. "$(dirname "$0")/lib.sh"
require_root update

e2e_setup update

make_rootfs "$WORK/rootfs"
mkdir -p "$WORK/profiles"
cp -r "$TOP"/profiles/*.json "$TOP"/profiles/seccomp "$WORK/profiles/"
jq '.name="denyres" | .rules={resources: (.rules.resources | .mode="deny")}' "$TOP/profiles/restricted.json" \
	>"$WORK/profiles/denyres.json"
LOG="$WORK/decisions.jsonl"
prepare_cgroups_for_crun

# limits RUNTIME ID: "pids mem quota/period", read inside the container with the runtime itself
limits() {
	"$1" --root "$ROOTS/$(basename "$1")" exec "$2" sh -c 'echo $(cat /sys/fs/cgroup/pids/pids.max) \
$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes) \
$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us)/$(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)'
}

cd_update() {
	local rt=$1
	shift
	"$CLAMPDOWN" --clampdown-config="$WORK/$(basename "$rt").json" --root "$ROOTS/$(basename "$rt")" update "$@"
}

update_suite() {
	local rt=$1 name id
	name=$(basename "$rt")
	id="upd-$name"
	node_config "$WORK/$name.json" "$rt" "$WORK/profiles" "$LOG" '.selectable_profiles += ["denyres"]'
	make_bundle "$WORK/$id" "$WORK/rootfs" "sleep 120"
	(cd "$WORK/$id" && "$CLAMPDOWN" --clampdown-config="$WORK/$name.json" --root "$ROOTS/$name" run -d "$id" \
		</dev/null >/dev/null 2>&1)
	expect_eq "$name: created with the profile's limits" "$(limits "$rt" "$id")" "512 536870912 100000/100000"

	cd_update "$rt" --pids-limit=-1 "$id"
	expect_eq "$name: --pids-limit=-1 stays at the profile's 512" "$(limits "$rt" "$id" | cut -d' ' -f1)" "512"
	cd_update "$rt" --pids-limit 100 "$id"
	expect_eq "$name: a lower --pids-limit applies" "$(limits "$rt" "$id" | cut -d' ' -f1)" "100"
	if [ "$name" = runc ]; then
		cd_update "$rt" "$id" --pids-limit 0x10000
		expect_eq "$name: --pids-limit 0x10000 after the id is clamped" "$(limits "$rt" "$id" | cut -d' ' -f1)" "512"
	else
		out=$(cd_update "$rt" --cpu-share '1,"pids":{"limit":-1}' "$id" 2>&1)
		expect_match "$name: a numeric flag carrying JSON is refused" "$out" "crun reads only plain integers"
		expect_eq "$name: and changes nothing" "$(limits "$rt" "$id" | cut -d' ' -f1)" "100"
	fi
	cd_update "$rt" --memory 2147483648 --memory-swap -1 "$id"
	expect_eq "$name: --memory 2g stays at 512m" "$(limits "$rt" "$id" | cut -d' ' -f2)" "536870912"
	cd_update "$rt" --memory 104857600 "$id"
	expect_eq "$name: a lower --memory applies" "$(limits "$rt" "$id" | cut -d' ' -f2)" "104857600"
	cd_update "$rt" --cpu-period 10000 "$id"
	expect_eq "$name: --cpu-period alone cannot raise the CPU share" "$(limits "$rt" "$id" | cut -d' ' -f3)" \
		"10000/10000"
	cd_update "$rt" --cpu-quota -1 --cpu-period 100000 "$id"
	expect_eq "$name: --cpu-quota -1 stays at 1 CPU" "$(limits "$rt" "$id" | cut -d' ' -f3)" "100000/100000"

	echo '{"pids":{"limit":-1},"memory":{"limit":-1,"swap":-1},"cpu":{"quota":900000,"period":100000}}' |
		cd_update "$rt" --resources - "$id"
	expect_eq "$name: --resources - from stdin is clamped" "$(limits "$rt" "$id")" "512 536870912 100000/100000"
	echo '{"pids":{"limit":64}}' | cd_update "$rt" --resources - "$id"
	expect_eq "$name: --resources - within the profile passes on unchanged" "$(limits "$rt" "$id" | cut -d' ' -f1)" "64"
	echo '{"pids":{"limit":-1}}' >"$WORK/res-$name.json"
	cd_update "$rt" -r "$WORK/res-$name.json" "$id"
	expect_eq "$name: -r FILE is clamped" "$(limits "$rt" "$id" | cut -d' ' -f1)" "512"
	expect_eq "$name: and the file is left alone" "$(cat "$WORK/res-$name.json")" '{"pids":{"limit":-1}}'
	cd_update "$rt" --pids-limit 100 "$id"
	echo '{"linux":{"Pids":{"limit":-1}},"Pids":{"limit":-1}}' >"$WORK/fold-$name.json"
	cd_update "$rt" -r "$WORK/fold-$name.json" "$id"
	expect_eq "$name: a folded key in the update is read as runc reads it (\"Pids\" is pids), and clamped" \
		"$(limits "$rt" "$id" | cut -d' ' -f1)" "512"
	cd_update "$rt" --pids-limit 100 "$id"
	echo '{"Pids":{"limit":-1},"pids":{"limit":200}}' >"$WORK/fold-$name.json"
	cd_update "$rt" -r "$WORK/fold-$name.json" "$id"
	expect_eq "$name: two spellings in the update merge as runc merges them (the later wins)" \
		"$(limits "$rt" "$id" | cut -d' ' -f1)" "200"
}

update_suite "$RUNC"
update_suite "$CRUN"

# deny mode: a raise is refused and nothing changes
id=upd-deny
make_bundle "$WORK/$id" "$WORK/rootfs" "sleep 120" '.annotations={"io.clampdown.profile":"denyres"} |
	.linux.resources={"memory":{"limit":104857600},"cpu":{"quota":50000,"period":100000},"pids":{"limit":50}}'
(cd "$WORK/$id" && "$CLAMPDOWN" --clampdown-config="$WORK/runc.json" --root "$ROOTS/runc" run -d "$id" </dev/null \
	>/dev/null 2>&1)
out=$(cd_update "$RUNC" --pids-limit=-1 "$id" 2>&1)
expect_eq "deny: raising pids is refused" "$?" "1"
expect_match "deny: the reason names the field" "$out" "rule resources: resources.pids.limit: would lift the limit"
expect_eq "deny: the limit is unchanged" "$(limits "$RUNC" "$id" | cut -d' ' -f1)" "50"
cd_update "$RUNC" --pids-limit 20 "$id"
expect_eq "deny: lowering is allowed" "$(limits "$RUNC" "$id" | cut -d' ' -f1)" "20"
expect_eq "update decisions are logged" "$(jq -r 'select(.command=="update") | .verdict' "$LOG" | sort -u | tr '\n' ,)" \
	"allowed,denied,rewritten,"

summary update
