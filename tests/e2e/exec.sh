#!/bin/bash
# End-to-end: runc exec through clampdown, with flags and with --process files.
set -u
. "$(dirname "$0")/lib.sh"
require_root exec

e2e_setup exec

make_rootfs "$WORK/rootfs"
mkdir -p "$WORK/profiles"
cp -r "$TOP"/profiles/*.json "$TOP"/profiles/seccomp "$WORK/profiles/"
jq '.name="denyall" | .rules |= map_values(.mode="deny")' "$TOP/profiles/restricted.json" >"$WORK/profiles/denyall.json"
LOG="$WORK/decisions.jsonl"
prepare_cgroups_for_crun

PROBE='echo "uid=$(id -u) gid=$(id -g) groups=$(id -G | tr " " ,) $(grep -E "^(CapEff|NoNewPrivs)" /proc/self/status | tr -d "\t" | tr "\n" " ")"'

# cd_exec RUNTIME ARGS...: clampdown exec, stdout only
cd_exec() {
	local rt=$1
	shift
	"$CLAMPDOWN" --clampdown-config="$WORK/$(basename "$rt").json" --root "$ROOTS/$(basename "$rt")" \
		--log "$WORK/exec.log" --log-format json exec "$@"
}

exec_suite() {
	local rt=$1 name id out
	name=$(basename "$rt")
	node_config "$WORK/$name.json" "$rt" "$WORK/profiles" "$LOG" '.selectable_profiles += ["denyall"]'
	id="exec-$name"
	make_bundle "$WORK/$id" "$WORK/rootfs" "sleep 120"
	(cd "$WORK/$id" && "$CLAMPDOWN" --clampdown-config="$WORK/$name.json" --root "$ROOTS/$name" run -d "$id" \
		</dev/null >/dev/null 2>&1)
	check "$name: container running" bash -c "'$rt' --root '$ROOTS/$name' state $id | grep -q running"

	out=$(cd_exec "$rt" "$id" sh -c "$PROBE")
	expect_match "$name: plain exec runs as the profile's user" "$out" "uid=65534 gid=65534 groups=65534 CapEff:0000000000000400 NoNewPrivs:1"
	out=$(cd_exec "$rt" -u 0 "$id" sh -c "$PROBE")
	expect_match "$name: exec -u 0 runs as 65534" "$out" "uid=65534 gid=65534"
	out=$(cd_exec "$rt" --user=0:0 "$id" sh -c "$PROBE")
	expect_match "$name: exec --user=0:0 runs as 65534" "$out" "uid=65534 gid=65534"
	out=$(cd_exec "$rt" -u 4294967296 "$id" sh -c "$PROBE")
	expect_match "$name: exec -u 4294967296 (wraps to 0) runs as 65534" "$out" "uid=65534"
	out=$(cd_exec "$rt" -u 1000:0 "$id" sh -c "$PROBE")
	expect_match "$name: exec -u 1000:0 keeps uid, loses gid 0" "$out" "uid=1000 gid=65534"
	out=$(cd_exec "$rt" --cap CAP_SYS_ADMIN -c CAP_NET_RAW "$id" sh -c "$PROBE")
	expect_match "$name: exec --cap SYS_ADMIN/NET_RAW gain nothing" "$out" "CapEff:0000000000000400 "
	if [ "$name" = runc ]; then
		out=$(cd_exec "$rt" -u 1000 -g 0 -g 0x0 -g 7 "$id" sh -c "$PROBE")
		expect_match "$name: exec -g 0 / -g 0x0 dropped, -g 7 kept" "$out" "uid=1000 gid=65534 groups=65534,7 "
	else
		out=$(cd_exec "$rt" -g 0 "$id" sh -c "$PROBE" 2>/dev/null)
		expect_match "$name: exec -g 0 dropped" "$out" "uid=65534 gid=65534 groups=65534 "
		out=$(cd_exec "$rt" -u 1000 "$id" sh -c "$PROBE")
		expect_match "$name: exec -u 1000 without --no-new-privs still gets it" "$out" "uid=1000 .*NoNewPrivs:1"
	fi
	out=$(cd_exec "$rt" --no-new-privs=false "$id" sh -c "$PROBE")
	expect_match "$name: exec --no-new-privs=false keeps NoNewPrivs" "$out" "NoNewPrivs:1"
	out=$(cd_exec "$rt" "$id" sh -c 'echo -u 0 --cap CAP_SYS_ADMIN')
	expect_eq "$name: arguments after the id are the command's" "$out" "-u 0 --cap CAP_SYS_ADMIN"

	# a privileged process file, as dockerd writes for docker exec --privileged -u 0
	jq -n --arg probe "$PROBE" '{terminal:false, user:{uid:0,gid:0,additionalGids:[0]}, args:["sh","-c",$probe],
		env:["PATH=/bin"], cwd:"/", noNewPrivileges:false,
		capabilities:{bounding:["CAP_SYS_ADMIN","CAP_NET_BIND_SERVICE"],effective:["CAP_SYS_ADMIN","CAP_NET_BIND_SERVICE"],
		permitted:["CAP_SYS_ADMIN","CAP_NET_BIND_SERVICE"],inheritable:[],ambient:[]}}' >"$WORK/proc-$name.json"
	cp "$WORK/proc-$name.json" "$WORK/proc-$name.json.orig"
	out=$(cd_exec "$rt" --process "$WORK/proc-$name.json" "$id")
	expect_match "$name: --process file with root and SYS_ADMIN runs hardened" "$out" \
		"uid=65534 gid=65534 groups=65534 CapEff:0000000000000400 NoNewPrivs:1"
	expect_eq "$name: the process file was rewritten" \
		"$(jq -c '[.user.uid, .noNewPrivileges, .capabilities.bounding]' "$WORK/proc-$name.json")" \
		'[65534,true,["CAP_NET_BIND_SERVICE"]]'
	# a process file that is a pipe (runc's own tests pass -p /dev/fd/63): read once, judged, handed over
	out=$(cd_exec "$rt" --process <(cat "$WORK/proc-$name.json.orig") "$id")
	expect_match "$name: --process /dev/fd/N (a pipe) runs hardened" "$out" \
		"uid=65534 gid=65534 groups=65534 CapEff:0000000000000400 NoNewPrivs:1"
	out=$(cd_exec "$rt" --process=<(cat "$WORK/proc-$name.json.orig") "$id")
	expect_match "$name: --process=/dev/fd/N runs hardened" "$out" "uid=65534 gid=65534 groups=65534 CapEff:0000000000000400"
	echo '{"user":{"uid":1},"User":{"uid":0},"args":["id","-u"],"env":["PATH=/bin"],"cwd":"/"}' >"$WORK/fold-$name.json"
	out=$(cd_exec "$rt" --process "$WORK/fold-$name.json" "$id" 2>&1)
	expect_eq "$name: a folded key in a process file is read as runc reads it (User after user: uid 0), and hardened" \
		"$out" "65534"
	echo '{"user":{"uid":1},"User":null,"args":["id"],"cwd":"/"}' >"$WORK/fold-$name.json"
	out=$(cd_exec "$rt" --process "$WORK/fold-$name.json" "$id" 2>&1)
	expect_match "$name: a null spelling after a set one is refused" "$out" '"User" is null after another spelling'
	expect_eq "$name: exec decisions logged" \
		"$(jq -r "select(.id==\"$id\" and .command==\"exec\") | .verdict" "$LOG" | sort -u | tr '\n' ,)" \
		"allowed,rewritten,"
}

exec_suite "$RUNC"
exec_suite "$CRUN"

# deny mode: the exec is refused, and nothing runs (the container brings a filter: seccomp deny refuses none)
CONFINED=$(jq -c '{defaultAction:"SCMP_ACT_ERRNO", syscalls:[{names:.syscalls[0].names, action:"SCMP_ACT_ALLOW"}]}' \
	"$TOP/profiles/seccomp/default.json")
id=exec-deny
make_bundle "$WORK/$id" "$WORK/rootfs" "sleep 120" '.annotations={"io.clampdown.profile":"denyall"} |
	.process.user={"uid":1000,"gid":1000} | .process.noNewPrivileges=true | .root.readonly=true |
	.process.capabilities=map_values([]) | .process.rlimits=[{"type":"RLIMIT_NOFILE","hard":1024,"soft":1024},
	{"type":"RLIMIT_CORE","hard":0,"soft":0}] | .linux.namespaces += [{"type":"cgroup"}] |
	.linux.maskedPaths += ["/proc/interrupts","/sys/devices/virtual/powercap"] |
	.linux.resources={"memory":{"limit":1048576000},"cpu":{"quota":50000,"period":100000},"pids":{"limit":10},
	"devices":[{"allow":false,"access":"rwm"}]} | .linux.seccomp='"$CONFINED"
jq '.rules.resources.memory="2g"' "$WORK/profiles/denyall.json" >"$WORK/p.json" && mv "$WORK/p.json" "$WORK/profiles/denyall.json"
(cd "$WORK/$id" && "$CLAMPDOWN" --clampdown-config="$WORK/runc.json" --root "$ROOTS/runc" run -d "$id" </dev/null \
	>/dev/null 2>"$WORK/$id.err");
check "a compliant container starts under a deny-everything profile" \
	bash -c "'$RUNC' --root '$ROOTS/runc' state $id | grep -q running"
out=$(cd_exec "$RUNC" -u 0 "$id" sh -c 'touch /tmp/pwned; id -u' 2>&1)
expect_eq "deny: exec -u 0 refused, 255 as runc exits for a failed exec" "$?" "255"
expect_match "deny: the reason names the flag" "$out" "profile denyall refuses exec in container $id: rule user: exec --user"
check "deny: the command did not run" bash -c "! '$RUNC' --root '$ROOTS/runc' exec $id test -e /tmp/pwned"
out=$(cd_exec "$RUNC" "$id" id -u)
expect_eq "deny: a compliant exec runs" "$out" "1000"

# the profile comes from the container, not the default: baseline audits root
id=exec-baseline
make_bundle "$WORK/$id" "$WORK/rootfs" "sleep 120" '.annotations={"io.clampdown.profile":"baseline"}'
(cd "$WORK/$id" && "$CLAMPDOWN" --clampdown-config="$WORK/runc.json" --root "$ROOTS/runc" run -d "$id" </dev/null \
	>/dev/null 2>&1)
out=$(cd_exec "$RUNC" -u 0 "$id" id -u)
expect_eq "exec uses the container's profile (baseline audits root)" "$out" "0"
# crun keeps the annotations in its own config.json, not as runc's labels
id=exec-baseline-crun
make_bundle "$WORK/$id" "$WORK/rootfs" "sleep 120" '.annotations={"io.clampdown.profile":"baseline"}'
(cd "$WORK/$id" && "$CLAMPDOWN" --clampdown-config="$WORK/crun.json" --root "$ROOTS/crun" run -d "$id" </dev/null \
	>/dev/null 2>&1)
out=$(cd_exec "$CRUN" -u 0 "$id" id -u)
expect_eq "crun: exec uses the container's profile (baseline audits root)" "$out" "0"
out=$(cd_exec "$CRUN" -u 0 exec-crun id -u)
expect_eq "crun: and the default profile's where the container named none (restricted: uid 65534)" "$out" "65534"

out=$(cd_exec "$RUNC" -u 0 no-such-container id 2>&1)
expect_match "exec into an unknown container: refused, saying why" "$out" "no-such-container: no state under"

summary exec
