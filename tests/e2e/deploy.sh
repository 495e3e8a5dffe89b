#!/bin/bash
# deploy/: the manifests' YAML, the containerd snippet and daemon.json checked
# on their own and against each other, and the DaemonSet's node config run
# through clampctl check with the shipped profiles. (containerd.sh starts
# containerd with the snippet; docker.sh starts dockerd with daemon.json.)
set -u
. "$(dirname "$0")/lib.sh"
CLAMPCTL=${CLAMPCTL:-$TOP/clampctl}
WORK=$(mktemp -d /tmp/clampdown-deploy.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

while IFS= read -r line; do
	case $line in
	PASS\ *) ok "${line#PASS }" ;;
	*) not_ok "${line#FAIL }" ;;
	esac
done < <(/usr/bin/python3 "$TOP/scripts/validate-deploy.py" "$TOP/deploy" "$WORK/node.json" 2>&1)

mkdir -p "$WORK/profiles"
cp -r "$TOP"/profiles/*.json "$TOP"/profiles/seccomp "$WORK/profiles/"
jq --arg rt "$RUNC" --arg pd "$WORK/profiles" --arg w "$WORK" \
	'.runtime=$rt | .profile_dir=$pd | .decision_log=($w + "/d.jsonl") | .cache_dir=($w + "/cache")' \
	"$WORK/node.json" >"$WORK/node-local.json"
out=$("$CLAMPCTL" check --config "$WORK/node-local.json" 2>&1)
expect_eq "the DaemonSet's node config passes clampctl check" "$?:$(tail -1 <<<"$out")" \
	"0:$WORK/node-local.json: 3 profiles, 3 seccomp filters compiled: no problems"
expect_eq "the ConfigMap's runtime is Debian's runc" "$(jq -r .runtime "$WORK/node.json")" "/usr/sbin/runc"

# make install as the README says, into a staging root: every file daemon.json and the containerd
# snippet name is there, and each installed node config passes clampctl check against what was installed
make -C "$TOP" -s install DESTDIR="$WORK/root" PREFIX=/usr/local >"$WORK/install.out" 2>&1
check "make install into a staging root" test $? -eq 0
for f in $(grep -oh '/etc/clampdown/[A-Za-z0-9._-]*\.json\|/usr/local/bin/[a-z-]*' "$TOP/deploy/daemon.json" \
	"$TOP/deploy/containerd-config.toml" | sort -u); do
	check "make install puts $f in place (deploy/ names it)" test -e "$WORK/root$f"
done
for n in config audit; do
	jq --arg r "$WORK/root" --arg w "$WORK" '.profile_dir=($r + .profile_dir) | .decision_log=($w + "/d.jsonl")' \
		"$WORK/root/etc/clampdown/$n.json" >"$WORK/installed-$n.json"
	out=$("$CLAMPCTL" check --config "$WORK/installed-$n.json" 2>&1)
	expect_match "the installed $n.json passes clampctl check" "$?:$(tail -1 <<<"$out")" "^0:.*no problems"
done

summary deploy
