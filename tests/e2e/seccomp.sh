#!/bin/bash
# End-to-end: real containers under the node's seccomp profile (runc and crun),
# deny and audit modes, a broken profile, and the compile cache.
set -u
. "$(dirname "$0")/lib.sh"
require_root seccomp
e2e_setup seccomp
make_rootfs "$WORK/rootfs"
build_sysprobe "$WORK/rootfs"
mkdir -p "$WORK/profiles" && cp -r "$TOP"/profiles/*.json "$TOP"/profiles/seccomp "$WORK/profiles/"
# the merge cache knows the node's profile by its identity, once it is over a second old
wait_settled "$WORK/profiles/seccomp/default.json"
LOG="$WORK/decisions.jsonl"
prepare_cgroups_for_crun

PROBE='grep ^Seccomp: /proc/self/status | tr -d "\t"
for c in "socket 1" "unshare 0x10000000" mount keyctl add_key chroot "socket 38" "socket 40" bpf io_uring_setup ptrace \
	"personality 0x40000" "unshare 0x400" "socket 2" "personality 0" get_mempolicy unixpair; do
	echo "$c=$(sysprobe $c)"
done
ls / >/dev/null && cat /proc/self/stat >/dev/null && sleep 0.1 && echo work=ok'

# run NAME RUNTIME_CONFIG BUNDLE: clampdown run in the foreground; stdout in BUNDLE.out, stderr in BUNDLE.err
run() {
	(cd "$3" && "$CLAMPDOWN" --clampdown-config="$2" --root "$ROOTS/$(basename "$3")" run "$1" \
		</dev/null >"$3.out" 2>"$3.err")
}

for rt in "$RUNC" "$CRUN"; do
	name=$(basename "$rt")
	node_config "$WORK/$name.json" "$rt" "$WORK/profiles" "$LOG"
	b="$WORK/$name"
	make_bundle "$b" "$WORK/rootfs" "$PROBE"
	run "s-$name" "$WORK/$name.json" "$b"
	out=$(cat "$b.out")
	expect_line "$name: the container runs in seccomp filter mode" "$out" "Seccomp:2"
	for denied in "unshare 0x10000000" mount keyctl add_key chroot "socket 38" "socket 40" bpf io_uring_setup \
		ptrace "personality 0x40000"; do
		expect_line "$name: $denied fails with EPERM" "$out" "$denied=EPERM"
	done
	for allowed in "unshare 0x400" "socket 2" "personality 0" get_mempolicy unixpair; do
		expect_line "$name: $allowed runs" "$out" "$allowed=ok"
	done
	expect_line "$name: sh, ls, cat and sleep work" "$out" "work=ok"
	expect_eq "$name: the default profile went into config.json, native ABI only (restricted)" \
		"$(jq -r '.linux.seccomp.defaultAction + " " + (.linux.seccomp.architectures | sort | join(","))' "$b/config.json")" \
		"SCMP_ACT_ERRNO SCMP_ARCH_X86_64"
done
check "the finding is in the decision log" jq_ok "$LOG" -s \
	'map(select(.id=="s-runc") | .findings[] | select(.rule=="seccomp" and .before=="none")) | length == 1'
check "the merge was remembered (one cache entry for both runtimes' identical merge)" \
	test "$(ls "$WORK/cache" | wc -l)" -eq 1

# the cache is read: a hit writes nothing; an entry with a byte changed (its checksum no longer
# matches: the stored profile goes into config.json unparsed) or one anyone but root could
# have written is a miss: the merge is made again and the entry written anew
entry=$(ls "$WORK/cache"/merge-*)
cp "$entry" "$WORK/entry.orig"
hit() {
	local b="$WORK/$1"
	make_bundle "$b" "$WORK/rootfs" "true"
	(cd "$b" && "$CLAMPDOWN" --clampdown-config="$WORK/runc.json" --root "$ROOTS/hit" create s-hit </dev/null >/dev/null 2>&1)
	"$RUNC" --root "$ROOTS/hit" delete -f s-hit >/dev/null 2>&1
}
ino=$(stat -c %i "$entry")
hit hit1
expect_eq "cache hit: the entry is used as it is, nothing written" "$(stat -c %i "$entry")" "$ino"
expect_eq "cache hit: config.json gets the stored profile" "$(jq -r .linux.seccomp.defaultAction "$WORK/hit1/config.json")" \
	"SCMP_ACT_ERRNO"
sed -i '$ s/"defaultAction":"SCMP_ACT_ERRNO"/"defaultAction":"SCMP_ACT_ALLOW"/' "$entry"
hit hit2
expect_eq "a byte changed in an entry: a miss, not the changed profile" \
	"$(jq -r .linux.seccomp.defaultAction "$WORK/hit2/config.json")" "SCMP_ACT_ERRNO"
check "and the entry written anew" cmp -s "$entry" "$WORK/entry.orig"
expect_eq "a hit and a fresh merge write the same config.json" \
	"$(jq -c .linux.seccomp "$WORK/hit1/config.json")" "$(jq -c .linux.seccomp "$WORK/hit2/config.json")"
chmod 666 "$entry"
hit hit3
expect_eq "a world-writable entry is ignored: the merge is made again" \
	"$(jq -r .linux.seccomp.defaultAction "$WORK/hit3/config.json")" "SCMP_ACT_ERRNO"
expect_eq "and written anew, root's only" "$(stat -c %a "$entry")" "600"

# a container with its own profile: the intersection denies what either side denies
b="$WORK/own"
make_bundle "$b" "$WORK/rootfs" "$PROBE" '.linux.seccomp={"defaultAction":"SCMP_ACT_ALLOW",
	"syscalls":[{"names":["get_mempolicy"],"action":"SCMP_ACT_ERRNO","errnoRet":13},
	            {"names":["socket"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"}]}]}'
run s-own "$WORK/runc.json" "$b"
out=$(cat "$b.out")
expect_line "own profile: its denial stays (get_mempolicy EACCES)" "$out" "get_mempolicy=EACCES"
expect_line "own profile: ours still applies (mount EPERM)" "$out" "mount=EPERM"
expect_line "own profile: AF_INET still allowed" "$out" "socket 2=ok"
expect_line "own profile: but not AF_UNIX, which it denies" "$out" "socket 1=EPERM"
# 0, [2, 37] as six aligned blocks, 39, and from 41 on
expect_eq "own profile: its conditional denial became conditional allows" \
	"$(jq -c '[.linux.seccomp.syscalls[] | select(.names==["socket"]) | .args[0].op[9:]]' "$b/config.json")" \
	'["EQ","MASKED_EQ","MASKED_EQ","MASKED_EQ","MASKED_EQ","MASKED_EQ","MASKED_EQ","EQ","GE"]'
before=$(sha256sum <"$b/config.json")
(cd "$b" && "$CLAMPDOWN" --clampdown-config="$WORK/runc.json" --root "$ROOTS/own" create s-own2 </dev/null >/dev/null 2>&1)
expect_eq "merging again changes nothing" "$(sha256sum <"$b/config.json")" "$before"
"$RUNC" --root "$ROOTS/own" delete -f s-own2 >/dev/null 2>&1

# deny: an unconfined container is refused, a confined one runs untouched
jq '.name="scdeny" | .rules.seccomp.mode="deny"' "$TOP/profiles/restricted.json" >"$WORK/profiles/scdeny.json"
jq '.name="scaudit" | .rules.seccomp.mode="audit"' "$TOP/profiles/restricted.json" >"$WORK/profiles/scaudit.json"
node_config "$WORK/modes.json" "$RUNC" "$WORK/profiles" "$LOG" '.selectable_profiles += ["scdeny","scaudit"]'
b="$WORK/deny"
make_bundle "$b" "$WORK/rootfs" "echo ran" '.annotations={"io.clampdown.profile":"scdeny"}'
run s-deny "$WORK/modes.json" "$b"
expect_match "deny: unconfined refused" "$(cat "$b.err")" "rule seccomp: linux.seccomp: no seccomp profile"
check "deny: nothing ran" test ! -s "$b.out"
b="$WORK/deny-allow"
make_bundle "$b" "$WORK/rootfs" "echo ran" '.annotations={"io.clampdown.profile":"scdeny"} |
	.linux.seccomp={"defaultAction":"SCMP_ACT_ALLOW"}'
run s-deny2 "$WORK/modes.json" "$b"
expect_match "deny: an allow-all default is unconfined too" "$(cat "$b.err")" \
	"linux.seccomp.defaultAction: the default action runs every syscall"

# the node's profile is known by its identity (dev, inode, size, mtime, ctime): edited in place,
# the next start reads it; within a second of the edit nothing is cached, then it is cached anew
sp="$WORK/profiles/seccomp/default.json"
ents=$(ls "$WORK/cache" | wc -l)
jq '.defaultErrnoRet=38' "$sp" >"$WORK/edited.json" && cat "$WORK/edited.json" >"$sp"
hit edit1
expect_eq "a profile edited in place is read at the next start" \
	"$(jq .linux.seccomp.defaultErrnoRet "$WORK/edit1/config.json")" "38"
expect_eq "and not cached while it changed within the last second" "$(ls "$WORK/cache" | wc -l)" "$ents"
wait_settled "$sp"
hit edit2
expect_eq "settled: merged again, cached under its new identity" "$(ls "$WORK/cache" | wc -l)" "$((ents + 1))"
hit edit3
expect_eq "and the new entry is the one used" "$(jq -c .linux.seccomp "$WORK/edit3/config.json")" \
	"$(jq -c .linux.seccomp "$WORK/edit1/config.json")"
newest=$(ls -t "$WORK"/cache/merge-* | head -1)
expect_eq "the entry names the node's profile by path and identity, not by a copy of its text" \
	"$(sed -n '4p;5p' "$newest" | cut -d' ' -f1-2,4 | tr '\n' ' ')" "node $sp $(stat -c '%d %i %s' "$sp") "
# the same size and its old mtime put back (cp -p, rsync -t do that): only its ctime shows the edit
sed 's/"defaultErrnoRet": 38/"defaultErrnoRet": 39/' "$sp" >"$WORK/edited.json"
was=$(stat -c '%s %y' "$sp")
touch -r "$sp" "$WORK/edited.json" && cp -p "$WORK/edited.json" "$sp"
expect_eq "(the edit kept the profile's size and mtime)" "$(stat -c '%s %y' "$sp")" "$was"
wait_settled "$sp"
hit edit4
expect_eq "an edit hidden from size and mtime is still a new identity: no stale hit" \
	"$(jq .linux.seccomp.defaultErrnoRet "$WORK/edit4/config.json")" "39"

# audit: recorded, not applied
b="$WORK/audit"
make_bundle "$b" "$WORK/rootfs" "$PROBE" '.annotations={"io.clampdown.profile":"scaudit"}'
run s-audit "$WORK/modes.json" "$b"
expect_line "audit: the container runs without a filter" "$(cat "$b.out")" "Seccomp:0"
check "audit: the finding is logged as audited" jq_ok "$LOG" -s \
	'map(select(.id=="s-audit") | .findings[] | select(.rule=="seccomp" and .action=="audited")) | length == 1'

# a typo in the node's seccomp profile: refused, naming file, entry and name
jq '.name="typo" | .rules.seccomp.profile="seccomp/typo.json"' "$TOP/profiles/restricted.json" >"$WORK/profiles/typo.json"
echo '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read","wirte"],"action":"SCMP_ACT_ALLOW"}]}' \
	>"$WORK/profiles/seccomp/typo.json"
node_config "$WORK/typo.json" "$RUNC" "$WORK/profiles" "$LOG" '.default_profile="typo"'
b="$WORK/typo"
make_bundle "$b" "$WORK/rootfs" "echo ran"
run s-typo "$WORK/typo.json" "$b"
expect_match "a typo is refused with file, field and name" "$(cat "$b.err")" \
	'seccomp/typo.json: syscalls\[0\].names: "wirte" is not a syscall libseccomp'
check "and config.json is untouched" jq_ok "$b/config.json" '.linux.seccomp == null'

# the ABIs: restricted filters the native one only, so a 32-bit call (int 0x80) or an x32 one is
# the bad-arch action (the thread killed, SIGSYS) in both runtimes; baseline keeps Docker's three
# (i386 getpid runs; x32 passes the filter to a kernel built without x32: ENOSYS)
ABI='for c in i386_getpid x32_getpid; do sysprobe $c >/dev/null; echo "$c=$?"; done; sysprobe i386_getpid'
for rt in "$RUNC" "$CRUN"; do
	name=$(basename "$rt")
	for p in restricted baseline; do
		node_config "$WORK/abi-$name-$p.json" "$rt" "$WORK/profiles" "$LOG" ".default_profile=\"$p\""
		b="$WORK/abi-$name-$p"
		make_bundle "$b" "$WORK/rootfs" "$ABI"
		run "s-abi-$name-$p" "$WORK/abi-$name-$p.json" "$b"
		out=$(cat "$b.out")
		if [ $p = restricted ]; then
			expect_eq "$name, $p: i386 and x32 calls killed (SIGSYS)" "$(echo "$out" | head -2 | tr '\n' ' ')" \
				"i386_getpid=159 x32_getpid=159 "
		else
			expect_eq "$name, $p: an i386 call runs, an x32 one reaches the kernel" "$(echo "$out" | tr '\n' ' ')" \
				"i386_getpid=0 x32_getpid=0 ok "
		fi
	done
done
b="$WORK/abi-$(basename "$CRUN")-restricted"
check "crun: the filter is handed over as BPF (run.oci.seccomp_bpf_data)" \
	jq_ok "$b/config.json" '.annotations["run.oci.seccomp_bpf_data"] | length > 100'
check "runc: no BPF annotation" jq_ok "$WORK/abi-$(basename "$RUNC")-restricted/config.json" \
	'.annotations["run.oci.seccomp_bpf_data"] == null'

# crun installs the annotation's BPF in place of compiling linux.seccomp: it must be the program crun
# would have built. The kernel's copy of the filter (PTRACE_SECCOMP_GET_FILTER) under crun given the
# annotation, and under crun given the same config.json without it, for each shipped profile with
# no profile of the container's own and with Docker's
cc -O2 -o "$WORK/bpfdump" "$TOP/tests/e2e/bpfdump.c"
jq .linux.seccomp "$TOP/bench/docker-config.json" >"$WORK/docker-seccomp.json"
filter_of() { # filter_of ID BUNDLE: the filters the container's process runs under
	"$CRUN" --root "$ROOTS/bpf" run -d --bundle "$2" "$1" >/dev/null 2>&1 &&
		"$WORK/bpfdump" "$("$CRUN" --root "$ROOTS/bpf" state "$1" | jq .pid)"
	"$CRUN" --root "$ROOTS/bpf" delete -f "$1" >/dev/null 2>&1
}
for p in restricted baseline audit; do
	for own in none docker; do
		node_config "$WORK/bpf-$p.json" "$CRUN" "$WORK/profiles" "$LOG" ".default_profile=\"$p\""
		b="$WORK/bpf-$p-$own"
		make_bundle "$b" "$WORK/rootfs" 'sleep 30'
		if [ $own = docker ]; then
			jq --slurpfile s "$WORK/docker-seccomp.json" '.linux.seccomp=$s[0]' "$b/config.json" >"$b/c" &&
				mv "$b/c" "$b/config.json"
		fi
		(cd "$b" && "$CLAMPDOWN" --clampdown-config="$WORK/bpf-$p.json" --root "$ROOTS/bpf" create "bpf-$p-$own" \
			</dev/null >/dev/null 2>&1)
		"$CRUN" --root "$ROOTS/bpf" delete -f "bpf-$p-$own" >/dev/null 2>&1
		mkdir -p "$b-direct" && jq 'del(.annotations["run.oci.seccomp_bpf_data"])' "$b/config.json" >"$b-direct/config.json"
		with=$(filter_of "bw-$p-$own" "$b")
		without=$(filter_of "bo-$p-$own" "$b-direct")
		if [ $p = audit ]; then
			expect_eq "$p, container's own seccomp $own: audit hands over no BPF" \
				"$(jq -r '.annotations["run.oci.seccomp_bpf_data"] // "none"' "$b/config.json")" "none"
			continue
		fi
		check "$p, container's own seccomp $own: a filter was loaded (${with%% *} instructions)" test -n "$with"
		expect_eq "$p, container's own seccomp $own: crun loads the same program from the BPF as it compiles" \
			"$with" "$without"
	done
done

# a run.oci.seccomp_bpf_data of the container's own would replace the filter in crun: with the
# annotations rule off, the seccomp rule removes it (enforce) or refuses it (deny)
jq '.name="noann" | .rules.annotations.mode="off"' "$TOP/profiles/restricted.json" >"$WORK/profiles/noann.json"
jq '.name="noanndeny" | .rules.annotations.mode="off" | .rules.seccomp.mode="deny"' "$TOP/profiles/restricted.json" \
	>"$WORK/profiles/noanndeny.json"
node_config "$WORK/noann-runc.json" "$RUNC" "$WORK/profiles" "$LOG" '.default_profile="noann"'
node_config "$WORK/noanndeny.json" "$CRUN" "$WORK/profiles" "$LOG" '.default_profile="noanndeny"'
allow_all=$(printf '\x06\x00\x00\x00\x00\x00\xff\x7f' | base64) # ret SECCOMP_RET_ALLOW
b="$WORK/ownbpf"
make_bundle "$b" "$WORK/rootfs" 'sysprobe mount' ".annotations={\"run.oci.seccomp_bpf_data\":\"$allow_all\"}"
run s-ownbpf "$WORK/noann-runc.json" "$b"
expect_eq "runc: a container's own BPF annotation removed" \
	"$(jq -r '.annotations["run.oci.seccomp_bpf_data"] // "none"' "$b/config.json")" "none"
b="$WORK/ownbpf-crun"
make_bundle "$b" "$WORK/rootfs" 'sysprobe mount' ".annotations={\"run.oci.seccomp_bpf_data\":\"$allow_all\"}"
node_config "$WORK/noann-crun.json" "$CRUN" "$WORK/profiles" "$LOG" '.default_profile="noann"'
run s-ownbpf-crun "$WORK/noann-crun.json" "$b"
expect_eq "crun: a container's own BPF annotation replaced by the merged filter's (mount still EPERM)" \
	"$(cat "$b.out")" "EPERM"
b="$WORK/ownbpf-deny"
make_bundle "$b" "$WORK/rootfs" 'sysprobe mount' ".annotations={\"run.oci.seccomp_bpf_data\":\"$allow_all\"}"
run s-ownbpf-deny "$WORK/noanndeny.json" "$b"
expect_match "deny: a container's own BPF annotation refused" "$(cat "$b.err")" \
	'annotations.run.oci.seccomp_bpf_data.*crun installs this BPF in place of linux.seccomp'

# seccomp in audit mode judges nothing: the annotations rule still removes a container's own BPF
b="$WORK/ownbpf-audit"
make_bundle "$b" "$WORK/rootfs" 'true' \
	".annotations={\"io.clampdown.profile\":\"scaudit\",\"run.oci.seccomp_bpf_data\":\"$allow_all\"}"
run s-ownbpf-audit "$WORK/modes.json" "$b"
check "seccomp audit: the annotations rule removes a container's own BPF" jq_ok "$LOG" -s \
	'map(select(.id=="s-ownbpf-audit") | .findings[] | select(.rule=="annotations" and .field=="annotations.run.oci.seccomp_bpf_data")) | length == 1'
expect_eq "seccomp audit: and it is gone from config.json" \
	"$(jq -r '.annotations["run.oci.seccomp_bpf_data"] // "none"' "$b/config.json")" "none"

# a bundle clampdown hardened for crun, hardened again (a unit that runs one bundle twice): the BPF
# it wrote is kept, with the annotations rule in deny mode too; nothing is refused or logged about it
jq '.name="anndeny" | .rules.annotations.mode="deny"' "$TOP/profiles/restricted.json" >"$WORK/profiles/anndeny.json"
node_config "$WORK/anndeny.json" "$CRUN" "$WORK/profiles" "$LOG" '.default_profile="anndeny"'
b="$WORK/again"
make_bundle "$b" "$WORK/rootfs" 'sysprobe mount'
# (the second merge writes the first's comparisons in its canonical form, LT 38 as LE 37: the BPF
# follows the linux.seccomp it is written with; from the third on the config stays byte for byte)
for i in 1 2 3; do run "s-again$i" "$WORK/anndeny.json" "$b"; done
expect_eq "hardened again for crun: runs, filtered (annotations in deny mode)" "$(cat "$b.out") $(cat "$b.err")" "EPERM "
check "hardened again: the annotations rule leaves the BPF to the seccomp rule" jq_ok "$LOG" -s \
	'map(select(.id=="s-again2" or .id=="s-again3") | .findings[] | select(.rule=="annotations")) | length == 0'
check "hardened a third time: the BPF it wrote is kept, nothing logged about it" jq_ok "$LOG" -s \
	'map(select(.id=="s-again3") | .findings[] | select(tostring | test("seccomp_bpf_data"))) | length == 0'

restore_cgroups
summary seccomp
