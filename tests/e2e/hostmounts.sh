#!/bin/bash
# End-to-end: host_mounts judged by what the kernel and the runtimes do with a
# mount, not by its spelling. Each attack is made as a user would (binds the
# test makes, a second proc, recursive and id-mapping options, remounts, a
# root filesystem on the host's /usr, a source flipped to /etc during the
# start), with runc and crun, under restricted and baseline; where it helps,
# the same config run by the runtime directly shows the attack is real.
# The suite runs in a mount namespace of its own: every mount it makes (all
# below $WORK, sensitive ones read-only) ends with it.
set -u
. "$(dirname "$0")/lib.sh"
require_root hostmounts
if [ -z "${CD_E2E_OWN_NS:-}" ]; then
	CD_E2E_OWN_NS=1 exec unshare -m --propagation private bash "$0" "$@"
fi

e2e_setup hostmounts
e2e_extra_cleanup() {
	[ -n "${FLIP_PID:-}" ] && kill "$FLIP_PID" 2>/dev/null
	wait 2>/dev/null
	# below $WORK, deepest first: rm must never walk into a bind of /
	grep -o " ${WORK}[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null
	mountpoint -q /usr && umount -l /usr
}

make_rootfs "$WORK/rootfs"
mkdir -p "$WORK/rootfs/h" "$WORK/rootfs/data" "$WORK/rootfs/t" "$WORK/rootfs/proc2"
LOG="$WORK/decisions.jsonl"
prepare_cgroups_for_crun
cc -O2 -Wall -Werror -o "$WORK/flipper" "$TOP/tests/e2e/flip.c"

# the shipped profiles, with one sensitive path of the test's own (standing in for /run/containerd)
mkdir -p "$WORK/profiles" "$WORK/fakerun/containerd"
echo state >"$WORK/fakerun/containerd/sock"
cp -r "$TOP"/profiles/seccomp "$WORK/profiles/"
for p in restricted baseline; do
	jq --arg s "$WORK/fakerun/containerd" '.rules.host_mounts.sensitive += [$s]' "$TOP/profiles/$p.json" \
		>"$WORK/profiles/$p.json"
done
jq '.name="pinall" | .rules.host_mounts.pin="always"' "$WORK/profiles/restricted.json" >"$WORK/profiles/pinall.json"
jq '.name="nopin" | .rules.host_mounts.pin="never"' "$WORK/profiles/restricted.json" >"$WORK/profiles/nopin.json"
for rt in "$RUNC" "$CRUN"; do
	node_config "$WORK/$(basename "$rt").json" "$rt" "$WORK/profiles" "$LOG" \
		'.selectable_profiles=["restricted","baseline","pinall","nopin"]'
done

# the host objects the attacks use
mkdir -p "$WORK/alias-root" "$WORK/alias-run" "$WORK/harmless/sub" "$WORK/hostproc" "$WORK/hostsys" \
	"$WORK/data/sub" "$WORK/shm" "$WORK/tfs"
mount --bind -o ro / "$WORK/alias-root"
mount --bind "$WORK/fakerun" "$WORK/alias-run"
echo here >"$WORK/harmless/marker"
mount --bind -o ro / "$WORK/harmless/sub"
mount -t proc proc "$WORK/hostproc"
mount -t sysfs sysfs "$WORK/hostsys"
echo original >"$WORK/data/victim" && chmod 0666 "$WORK/data/victim"
mount -t tmpfs tmpfs "$WORK/data/sub"
echo original >"$WORK/data/sub/victim" && chmod 0666 "$WORK/data/sub/victim"
echo secret >"$WORK/shm/secret" && chmod 0600 "$WORK/shm/secret"
mount -t tmpfs tmpfs "$WORK/tfs"
# the host's /usr, read-only in this namespace: a root.path on it cannot change it, whatever happens
mount --bind -o ro /usr /usr
core=$(cat /proc/sys/kernel/core_pattern)

# ct NAME RUNTIME PROFILE SCRIPT FILTER: one container through clampdown; $out, $rc, $err
ct() {
	local name=$1 rt=$2 profile=$3 b="$WORK/b-$1"
	# hugetlb back on the unified hierarchy (another suite's cleanup, outside this namespace): bind it again
	[ "$rt" = "$CRUN" ] && prepare_cgroups_for_crun
	make_bundle "$b" "$WORK/rootfs" "$4" "$5 | .annotations={\"io.clampdown.profile\":\"$profile\"}"
	(cd "$b" && timeout 30 "$CLAMPDOWN" --clampdown-config="$WORK/$(basename "$rt").json" \
		--root "$ROOTS/$(basename "$rt")" run "hm-$name" </dev/null >"$b.out" 2>"$b.err")
	rc=$? out=$(cat "$b.out") err=$(cat "$b.err")
	[ "$rc" = 0 ] || echo "# $name: exit $rc: $(head -c 600 "$b.err")"
}
# direct NAME RUNTIME SCRIPT FILTER: the same config run by the runtime itself (the attack's control)
direct() {
	local name=$1 rt=$2 b="$WORK/d-$1"
	[ "$rt" = "$CRUN" ] && prepare_cgroups_for_crun
	make_bundle "$b" "$WORK/rootfs" "$3" "$4"
	(cd "$b" && timeout 30 "$rt" --root "$ROOTS/$(basename "$rt")" run "hd-$name" </dev/null >"$b.out" 2>"$b.err")
	rc=$? out=$(cat "$b.out")
}
bind_of() { # SOURCE DEST OPTIONS-JSON
	echo ".mounts += [{\"destination\":\"$2\",\"type\":\"bind\",\"source\":\"$1\",\"options\":$3}]"
}
reason_of() { # container id: the reasons clampdown gave
	jq -r --arg id "$1" 'select(.id==$id) | .findings[]? | .reason // empty' "$LOG"
}

# the mounts at and below /data, each as "PATH ro|rw [nosuid] [nodev]"
FLAGS='awk '"'"'$2 ~ "^/data" {o = "," $4 ","; print $2, (o ~ ",ro,") ? "ro" : "rw", (o ~ ",nosuid,") ? "nosuid" : "-", (o ~ ",nodev,") ? "nodev" : "-"}'"'"' /proc/mounts'
SEE_HOST='test -e /h/etc/passwd && echo host=visible || echo host=absent'
for rt in "$RUNC" "$CRUN"; do
	n=$(basename "$rt")
	for p in restricted baseline; do
		t="$n-$p"
		# 1. aliases
		ct "root-$t" "$rt" "$p" "$SEE_HOST" "$(bind_of "$WORK/alias-root" /h '["rbind"]')"
		expect_eq "$t: an alias of / (a bind mount of it elsewhere) is not mounted" "$rc:$out" "0:host=absent"
		expect_match "$t: the decision log says it is /" "$(reason_of "hm-root-$t")" "alias-root: is / \\(the same inode\\)"
		ct "run-$t" "$rt" "$p" 'cat /h/containerd/sock 2>/dev/null || echo absent; echo pwned >/h/containerd/new 2>/dev/null; true' \
			"$(bind_of "$WORK/alias-run" /h '["rbind","rw"]')"
		expect_eq "$t: an alias of a directory holding a sensitive path is not mounted" "$rc:$out" "0:absent"
		check "$t: from the host, nothing written there" test ! -e "$WORK/fakerun/containerd/new"
		expect_match "$t: it holds the sensitive path, through another mount" "$(reason_of "hm-run-$t")" \
			"holds $WORK/fakerun/containerd \\(through another mount of its filesystem\\)"
		ct "below-$t" "$rt" "$p" 'cat /h/marker; test -e /h/sub/etc/passwd && echo host=visible || echo host=absent' \
			"$(bind_of "$WORK/harmless" /h '["rbind"]')"
		expect_eq "$t: rbind of a harmless directory: its own files, not the alias of / below it" "$rc:$out" \
			$'0:here\nhost=absent'
		# 2. kernel filesystems as bind sources
		ct "proc-$t" "$rt" "$p" 'test -e /h/1/environ && echo hostproc=visible || echo hostproc=absent' \
			"$(bind_of "$WORK/hostproc" /h '["rbind"]')"
		expect_eq "$t: a procfs mounted elsewhere on the host is not bound in" "$rc:$out" "0:hostproc=absent"
		ct "sys-$t" "$rt" "$p" 'test -e /h/kernel && echo hostsys=visible || echo hostsys=absent' \
			"$(bind_of "$WORK/hostsys" /h '["rbind"]')"
		expect_eq "$t: a sysfs mounted elsewhere is not bound in" "$rc:$out" "0:hostsys=absent"
		# 3. a second proc at another destination
		ct "proc2-$t" "$rt" "$p" \
			'test -e /proc2/sys && echo proc2=there || echo proc2=gone; cat /proc/sys/kernel/core_pattern >/proc/sys/kernel/core_pattern 2>/dev/null && echo sysctl=writable || echo sysctl=ro' \
			'.mounts += [{"destination":"/proc2","type":"proc","source":"proc"}]'
		expect_eq "$t: proc at /proc2 is dropped, /proc/sys stays read-only" "$rc:$out" $'0:proc2=gone\nsysctl=ro'
		expect_eq "$t: the host's core_pattern is untouched" "$(cat /proc/sys/kernel/core_pattern)" "$core"
		# 4. options the runtime honours: recursive flags after the plain ones
		echo original >"$WORK/data/victim" && echo original >"$WORK/data/sub/victim"
		ct "rflags-$t" "$rt" "$p" "echo pwned >>/data/victim 2>/dev/null; echo pwned >>/data/sub/victim 2>/dev/null; $FLAGS" \
			"$(bind_of "$WORK/data" /data '["rbind","rrw","rsuid","rdev"]')"
		if [ "$p" = restricted ]; then
			expect_eq "$t: rrw, rsuid, rdev removed: ro,nosuid,nodev, on the mount below too" "$rc:$out" \
				$'0:/data ro nosuid nodev\n/data/sub ro nosuid nodev'
			expect_eq "$t: from the host, neither file was written" \
				"$(cat "$WORK/data/victim" "$WORK/data/sub/victim")" $'original\noriginal'
		else
			expect_eq "$t: rsuid, rdev removed: nosuid,nodev, on the mount below too (binds stay writable)" \
				"$rc:$out" $'0:/data rw nosuid nodev\n/data/sub rw nosuid nodev'
		fi
		ct "remount-$t" "$rt" "$p" 'grep " /sys sysfs" /proc/mounts | cut -d" " -f4 | cut -d, -f1; touch /t/x 2>/dev/null; true' \
			"$(bind_of "$WORK/tfs" /t '["rbind","rw"]') | .mounts += [{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"remount\",\"rw\"]},{\"destination\":\"/t\",\"type\":\"none\",\"source\":\"none\",\"options\":[\"remount\",\"ro\"]}]"
		expect_eq "$t: remount entries dropped: /sys stays read-only" "$rc:$out" "0:ro"
		check "$t: from the host, the bound superblock is still writable" touch "$WORK/tfs/ok"
		# 5. the root filesystem on a host directory
		ct "usr-$t" "$rt" "$p" 'echo ran' '.root.path="/usr"'
		expect_match "$t: root.path /usr refused" "$rc:$err" \
			"^1:clampdown: profile $p refuses container hm-usr-$t: rule host_mounts: root.path: /usr (is /usr|holds /lib)"
		check "$t: the host's /usr got no mount points" test ! -e /usr/proc -a ! -e /usr/sys
	done
	# 4b. id-mapped binds: crun applies mount-level mappings (runc 1.1 ignores them)
	MAP='| .mounts += [{"destination":"/dev/shm","type":"bind","source":"'"$WORK/shm"'","options":["rbind","rw"],"uidMappings":[{"containerID":0,"hostID":65534,"size":1}],"gidMappings":[{"containerID":0,"hostID":65534,"size":1}]}]'
	ct "idmap-$n" "$rt" restricted 'id -u; echo pwned >>/dev/shm/secret 2>/dev/null; true' ".mounts |= map(select(.destination != \"/dev/shm\")) $MAP"
	expect_eq "$n: an id-mapped /dev/shm: the container runs as nobody" "$rc:$out" "0:65534"
	expect_eq "$n: from the host, the root-owned 0600 file is unchanged" "$(cat "$WORK/shm/secret")" "secret"
	expect_match "$n: the mapping was removed, and said so" "$(reason_of "hm-idmap-$n")" "id-mapped mount"
done

# containerd's own layout: bundles below /run/containerd (here the test's stand-in), the rootfs an
# overlay mounted in the bundle: the container's own filesystem, not the sensitive path's
mkdir -p "$WORK/fakerun/containerd/task/b/rootfs" "$WORK/fakerun/containerd/task/up" "$WORK/fakerun/containerd/task/wk" \
	"$WORK/fakerun/containerd/task/plain"
mount -t overlay overlay -o "lowerdir=$WORK/rootfs,upperdir=$WORK/fakerun/containerd/task/up,workdir=$WORK/fakerun/containerd/task/wk" \
	"$WORK/fakerun/containerd/task/b/rootfs"
for rt in "$RUNC" "$CRUN"; do
	n=$(basename "$rt")
	ct "ctrd-$n" "$rt" restricted 'echo ran' ".root.path=\"$WORK/fakerun/containerd/task/b/rootfs\""
	expect_eq "$n: a rootfs mounted below a sensitive path (containerd's bundles) runs" "$rc:$out" "0:ran"
	cp -a "$WORK/rootfs/." "$WORK/fakerun/containerd/task/plain/"
	ct "ctrdplain-$n" "$rt" restricted 'echo ran' ".root.path=\"$WORK/fakerun/containerd/task/plain\""
	expect_match "$n: a plain directory there is the sensitive path's" "$rc:$err" \
		"^1:.*rule host_mounts: root.path: $WORK/fakerun/containerd/task/plain lies under $WORK/fakerun/containerd"
done
# a path that leads elsewhere here: judged in another mount namespace (an empty tmpfs there), it would be
# bound here, where the same path is a procfs (made by the test)
mkdir -p "$WORK/chroot/proc"
mount -t proc proc "$WORK/chroot/proc"
unshare -m --propagation private sh -c "mount -t tmpfs t '$WORK/chroot' && mkdir '$WORK/chroot/proc' && exec sleep 600" &
OTHER_PID=$!
for _ in $(seq 50); do [ -d "/proc/$OTHER_PID/root$WORK/chroot/proc" ] && [ -z "$(ls "/proc/$OTHER_PID/root$WORK/chroot/proc")" ] && break; sleep 0.1; done
ct "elsewhere" "$RUNC" baseline 'test -e /h/sys/kernel/core_pattern && echo hostproc=visible || echo hostproc=absent' \
	"$(bind_of "/proc/$OTHER_PID/root$WORK/chroot/proc" /h '["rbind"]')"
expect_eq "a source in another mount namespace whose path here is a procfs: not mounted" "$rc:$out" "0:hostproc=absent"
expect_match "the decision log says its path leads elsewhere" "$(reason_of hm-elsewhere)" "is not where its path leads here"
kill "$OTHER_PID" 2>/dev/null
wait "$OTHER_PID" 2>/dev/null

# the controls: each attack as the runtime does it without clampdown (reads only, and the test's own files)
direct proc2 "$RUNC" 'cat /proc2/sys/kernel/core_pattern >/proc2/sys/kernel/core_pattern && echo sysctl=writable' \
	'.mounts += [{"destination":"/proc2","type":"proc","source":"proc"}]'
expect_eq "control: runc alone lets a root container write host sysctls through /proc2" "$rc:$out" "0:sysctl=writable"
expect_eq "control: (written back as it was)" "$(cat /proc/sys/kernel/core_pattern)" "$core"
direct root "$RUNC" "$SEE_HOST" "$(bind_of "$WORK/alias-root" /h '["rbind"]')"
expect_eq "control: runc alone shows the host's / through the alias" "$rc:$out" "0:host=visible"
direct rflags "$RUNC" 'echo x >/data/rrw && echo rrw=written' "$(bind_of "$WORK/tfs" /data '["rbind","ro","rrw"]')"
expect_eq "control: runc alone lets rrw undo ro (mount_setattr after the ro remount)" "$rc:$out" "0:rrw=written"
direct remount "$RUNC" 'true' "$(bind_of "$WORK/tfs" /t '["rbind","rw"]') | .mounts += [{\"destination\":\"/t\",\"type\":\"none\",\"source\":\"none\",\"options\":[\"remount\",\"ro\"]}]"
check "control: runc alone remounts the host's (here: the test's) superblock read-only" bash -c "! touch '$WORK/tfs/after' 2>/dev/null"
mount -o remount,rw "$WORK/tfs"
direct idmap "$CRUN" 'true' ".process.user={\"uid\":65534,\"gid\":65534} | .process.args=[\"sh\",\"-c\",\"echo pwned >>/dev/shm/secret && echo written\"] | .mounts |= map(select(.destination != \"/dev/shm\")) $MAP"
expect_eq "control: crun alone lets nobody write a root-owned 0600 file through an id-mapped bind" "$rc:$out" "0:written"
echo secret >"$WORK/shm/secret"

# 6. check-then-use: a bind source flipped between a directory and a link to /etc while containers start
chmod o+x "$WORK" # the flipper runs as nobody
mkdir -p "$WORK/flip/d" && echo mine >"$WORK/flip/d/mine" && ln -s /etc "$WORK/flip/l"
chown -R 65534:65534 "$WORK/flip"
setpriv --reuid 65534 --regid 65534 --clear-groups "$WORK/flipper" "$WORK/flip/d" "$WORK/flip/l" &
FLIP_PID=$!
FLIPS=${FLIPS:-40}
FLIPPED='test -e /h/passwd && echo host; test -e /h/mine && echo own; true'
views=0
for i in $(seq "$FLIPS"); do
	direct "flip-$i" "$RUNC" "$FLIPPED" "$(bind_of "$WORK/flip/d" /h '["rbind"]')"
	[ "$out" = host ] && views=$((views + 1))
done
check "control: without clampdown, the flip shows the host's /etc in some of $FLIPS runc starts ($views)" test "$views" -gt 0
for rt in "$RUNC" "$CRUN"; do
	n=$(basename "$rt") views=0 own=0 started=0
	for i in $(seq "$FLIPS"); do
		ct "flip-$n-$i" "$rt" restricted "$FLIPPED" "$(bind_of "$WORK/flip/d" /h '["rbind"]')"
		[ "$rc" = 0 ] && started=$((started + 1))
		[ "$out" = host ] && views=$((views + 1))
		[ "$out" = own ] && own=$((own + 1))
	done
	expect_eq "$n: $FLIPS starts during the flip: every one started, none showed the host's /etc" "$started:$views" "$FLIPS:0"
	check "$n: the directory, pinned, was bound in some of them ($own)" test "$own" -gt 0
done
check "the pinning is in the decision log" jq_ok "$LOG" -s \
	'any(.[].findings[]?; .warning? // "" | test("pinned at .*/cache/pin/0 \\(a directory above it is not root.s alone\\)"))'
kill "$FLIP_PID" 2>/dev/null
wait "$FLIP_PID" 2>/dev/null
FLIP_PID=
# stopped where it stopped: the directory back in its place
if [ -L "$WORK/flip/d" ]; then
	mv "$WORK/flip/d" "$WORK/flip/t" && mv "$WORK/flip/l" "$WORK/flip/d" && mv "$WORK/flip/t" "$WORK/flip/l"
fi
# nobody else may change that path: with pinning off, such a source is refused
ct "nopin" "$RUNC" nopin 'true' "$(bind_of "$WORK/flip/d" /h '["rbind"]')"
expect_match "pin: never refuses a source below a directory others can change" "$rc:$err" \
	"^1:clampdown: profile nopin refuses container hm-nopin: rule host_mounts: mounts\\[[0-9]+\\]: $WORK/flip can be changed by others than root"
# a flipper running as root (a baseline container's root writing a host directory): pin: always
mkdir -p "$WORK/rflip/d" && echo mine >"$WORK/rflip/d/mine" && ln -s /etc "$WORK/rflip/l"
"$WORK/flipper" "$WORK/rflip/d" "$WORK/rflip/l" &
FLIP_PID=$!
views=0
for i in $(seq "$FLIPS"); do
	ct "rflip-$i" "$RUNC" pinall "$FLIPPED" "$(bind_of "$WORK/rflip/d" /h '["rbind"]')"
	[ "$out" = host ] && views=$((views + 1))
done
expect_eq "pin: always, a root flipper: none of $FLIPS starts showed the host's /etc" "$views" "0"
kill "$FLIP_PID" 2>/dev/null
wait "$FLIP_PID" 2>/dev/null
FLIP_PID=
check "nothing pinned is left in the mount table clampdown was called in" bash -c "! grep -q /cache/pin /proc/self/mountinfo"

summary hostmounts
