#!/bin/bash
# End-to-end: clampdown's createRuntime hook shapes a real container's traffic.
# A veth pair per run: the container end is moved in by a prestart hook, as
# Docker's libnetwork-setkey does (runc and crun), or the container joins a
# namespace by path, as Kubernetes pods do. iperf3 measures both directions.
set -u
. "$(dirname "$0")/lib.sh"
require_root bandwidth
for t in iperf3 ip tc nsenter; do
	command -v "$t" >/dev/null || { skip_or_fail "bandwidth needs $t"; summary bandwidth; exit $?; }
done

e2e_setup bandwidth
TAG=$$
NS=cdbw$TAG
H=cdbwh$TAG
NET=10.213.$((TAG % 250))
EGRESS_MBIT=20
INGRESS_MBIT=40

e2e_extra_cleanup() {
	ip link del "$H" >/dev/null 2>&1
	ip netns del "$NS" >/dev/null 2>&1
}

make_rootfs "$WORK/rootfs"
# iperf3 and the libraries it loads
for f in "$(command -v iperf3)" $(ldd "$(command -v iperf3)" | grep -o '/[^ ]*'); do
	cp -L --parents "$f" "$WORK/rootfs"
done
LOG="$WORK/decisions.jsonl"
prepare_cgroups_for_crun
mkdir -p "$WORK/profiles" && cp -r "$TOP"/profiles/*.json "$TOP"/profiles/seccomp "$WORK/profiles/"
# resources off: under restricted's CPU quota and memory limit iperf3 itself reached only 74-90% of the rate
jq --arg e "${EGRESS_MBIT}mbit" --arg i "${INGRESS_MBIT}mbit" \
	'.rules.bandwidth={"mode":"enforce","egress":$e,"ingress":$i} | .rules.resources.mode="off"' "$TOP/profiles/restricted.json" \
	>"$WORK/profiles/restricted.json"

# the prestart hook: the container end of the veth into the new namespace, addressed and up
cat >"$WORK/netsetup.sh" <<HOOK
#!/bin/sh
pid=\$($(command -v jq) -r .pid)
$(command -v ip) link set $H-c netns "\$pid" || exit 1
$(command -v nsenter) -t "\$pid" -n sh -c '
	ip link set $H-c name eth0 && ip addr add $NET.2/24 dev eth0 && ip link set eth0 up && ip link set lo up'
HOOK
chmod +x "$WORK/netsetup.sh"

# within 10% of the configured rate (iperf3 counts payload, TBF whole frames: ~95%).
# TCP over a shaper is noisy on a busy 2-core machine: up to three runs, one must land.
within() {
	local name=$1 flags=$2 want=$3 got all="" i
	for i in 1 2 3; do
		got=$(measure "$flags")
		all="$all $(awk -v g="$got" 'BEGIN { printf "%.1f", g / 1e6 }')"
		if awk -v got="$got" -v want="$want" 'BEGIN { r = got / (want * 1000000); exit !(r > 0.90 && r < 1.10) }'; then
			ok "$name (Mbit/s:$all for $want)"
			return
		fi
	done
	not_ok "$name (Mbit/s:$all, want $want within 10%)"
}

# iperf3 against the server at $NET.2; $1: extra flags (-R: the container sends)
measure() {
	local i out
	for i in $(seq 1 50); do
		out=$(iperf3 -c "$NET.2" -t 4 -O 1 -J $1 2>/dev/null) && break
		sleep 0.2
	done
	jq -r '.end.sum_received.bits_per_second // 0' <<<"$out"
}

gone() {
	! ip link show "$H" >/dev/null 2>&1 && ! ip -o link show type ifb | grep -q cdifb
}

veth() {
	ip link del "$H" >/dev/null 2>&1
	ip link add "$H" type veth peer name "$H-c" && ip addr add "$NET.1/24" dev "$H" && ip link set "$H" up
}

# unshaped, for comparison: a namespace of the test's own with an iperf3 server
veth
ip netns add "$NS"
ip link set "$H-c" netns "$NS"
ip netns exec "$NS" sh -c "ip link set $H-c name eth0 && ip addr add $NET.2/24 dev eth0 && ip link set eth0 up"
ip netns exec "$NS" iperf3 -s -D -I "$WORK/iperf3.pid"
unshaped=0
for _ in 1 2 3; do
	unshaped=$(measure "")
	awk -v g="$unshaped" -v w="$INGRESS_MBIT" 'BEGIN { exit !(g > 10 * w * 1000000) }' && break
done
kill "$(cat "$WORK/iperf3.pid")" 2>/dev/null
awk -v g="$unshaped" -v w="$INGRESS_MBIT" 'BEGIN { exit !(g > 10 * w * 1000000) }' &&
	ok "unshaped veth runs far above the rate ($(awk -v g="$unshaped" 'BEGIN { printf "%.0f", g / 1e6 }') Mbit/s)" ||
	not_ok "unshaped veth runs far above the rate (got $unshaped bit/s)"
ip netns del "$NS"
ip link del "$H" >/dev/null 2>&1

for rt in "$RUNC" "$CRUN"; do
	name=$(basename "$rt")
	node_config "$WORK/$name.json" "$rt" "$WORK/profiles" "$LOG"
	b="$WORK/$name"
	make_bundle "$b" "$WORK/rootfs" 'exec /usr/bin/iperf3 -s -p 5201' \
		'.hooks.prestart=[{"path":"'"$WORK/netsetup.sh"'","args":["netsetup"]}]'
	veth
	cd "$b"
	if ! "$CLAMPDOWN" --clampdown-config="$WORK/$name.json" --root "$ROOTS/$name" create "bw-$name" \
		</dev/null >"$b.out" 2>"$b.err"; then
		not_ok "$name: create with the bandwidth hook ($(cat "$b.err"))"
		cd "$TOP"
		continue
	fi
	cd "$TOP"
	ok "$name: create with the bandwidth hook"
	expect_eq "$name: the hook is the last createRuntime hook, the prestart hook is kept" \
		"$(jq -r '[.hooks.prestart[0].args[0], .hooks.createRuntime[-1].args[1:3][]] | join(" ")' "$b/config.json")" \
		"netsetup hook bandwidth"
	expect_eq "$name: the hook is clampdown-hook, beside clampdown" \
		"$(jq -r '.hooks.createRuntime[-1].path' "$b/config.json")" "$(dirname "$CLAMPDOWN")/clampdown-hook"
	pid=$("$rt" --root "$ROOTS/$name" state "bw-$name" | jq -r .pid)
	q=$(nsenter -t "$pid" -n tc qdisc show)
	ifb=$(nsenter -t "$pid" -n ip -o link show type ifb | awk -F': ' '{ print $2 }')
	expect_match "$name: egress TBF on eth0 at create" "$q" "qdisc tbf 1: dev eth0 root .*rate ${EGRESS_MBIT}Mbit"
	expect_match "$name: ingress TBF on the ifb" "$q" "qdisc tbf 1: dev $ifb root .*rate ${INGRESS_MBIT}Mbit"
	expect_match "$name: ingress qdisc on eth0" "$q" "qdisc ingress ffff: dev eth0"
	expect_match "$name: u32 match-all redirect to the ifb" \
		"$(nsenter -t "$pid" -n tc filter show dev eth0 ingress | tr '\n' ' ')" \
		"u32 .*fh 800::800 .*match 00000000/00000000 at 0.*mirred \(Egress Redirect to device $ifb\)"
	"$CLAMPDOWN" --clampdown-config="$WORK/$name.json" --root "$ROOTS/$name" start "bw-$name"
	expect_match "$name: the shaping survives start" "$(nsenter -t "$pid" -n tc qdisc show dev eth0)" "tbf 1: .*${EGRESS_MBIT}Mbit"
	within "$name: host to container (ingress)" "" "$INGRESS_MBIT"
	within "$name: container to host (egress)" -R "$EGRESS_MBIT"
	expect_eq "$name: the hook logged what it shaped" \
		"$(jq -r "select(.id==\"bw-$name\" and .command==\"hook bandwidth\") | [.verdict, .shaped[0].interface, .shaped[0].egress_bytes_per_second] | join(\" \")" "$LOG")" \
		"shaped eth0 $((EGRESS_MBIT * 125000))"
	"$rt" --root "$ROOTS/$name" delete -f "bw-$name" >/dev/null 2>&1
	# the kernel frees a namespace from a work queue: give it a moment
	for i in $(seq 1 50); do
		gone && break
		sleep 0.1
	done
	check "$name: delete takes the namespace, the veth and the ifb with it" gone
done

# Kubernetes-style: the pod's namespace by path, an annotation below the ceiling
veth
ip netns add "$NS"
ip link set "$H-c" netns "$NS"
ip netns exec "$NS" sh -c "ip link set $H-c name eth0 && ip addr add $NET.2/24 dev eth0 && ip link set eth0 up"
node_config "$WORK/runc.json" "$RUNC" "$WORK/profiles" "$LOG"
b="$WORK/pod"
make_bundle "$b" "$WORK/rootfs" 'sleep 30' \
	'.linux.namespaces=[.linux.namespaces[] | if .type=="network" then .path="/var/run/netns/'"$NS"'" else . end] |
	 .annotations={"kubernetes.io/egress-bandwidth":"8M","kubernetes.io/ingress-bandwidth":"10G"}'
(cd "$b" && "$CLAMPDOWN" --clampdown-config="$WORK/runc.json" --root "$ROOTS/runc" create pod </dev/null >"$b.out" 2>"$b.err")
check "pod: create in a namespace joined by path" test $? -eq 0
q=$(ip netns exec "$NS" tc qdisc show)
expect_match "pod: the annotation's 8M below the ceiling" "$q" "tbf 1: dev eth0 root .*rate 8Mbit"
expect_match "pod: the ceiling above the annotation's 10G" "$q" "tbf 1: dev cdifb[0-9]* root .*rate ${INGRESS_MBIT}Mbit"
# the hook again, by hand, through clampdown's own "hook" command (it runs clampdown-hook): nothing more appears
pid=$("$RUNC" --root "$ROOTS/runc" state pod | jq -r .pid)
hook_args=$(jq -r '.hooks.createRuntime[-1].args[1:][]' "$b/config.json")
echo "{\"id\":\"pod\",\"pid\":$pid}" | "$CLAMPDOWN" $hook_args
check "pod: a second run of the hook succeeds" test $? -eq 0
expect_eq "pod: and changes nothing" "$(ip netns exec "$NS" tc qdisc show | wc -l) $(ip netns exec "$NS" tc filter show dev eth0 ingress | grep -c mirred)" \
	"$(wc -l <<<"$q") 1"
"$RUNC" --root "$ROOTS/runc" delete -f pod >/dev/null 2>&1

# a device in the way of the ifb: the hook fails, and so does create, saying why
idx=$(ip netns exec "$NS" cat /sys/class/net/eth0/ifindex)
ip netns exec "$NS" ip link del "cdifb$idx"
ip netns exec "$NS" ip link add "cdifb$idx" type veth peer name cdbwx
(cd "$b" && "$CLAMPDOWN" --clampdown-config="$WORK/runc.json" --root "$ROOTS/runc" --log "$WORK/runc.log" \
	--log-format json create pod2 </dev/null >"$b.out" 2>"$b.err")
check "pod: create fails when the hook cannot shape" test $? -ne 0
expect_match "pod: runc shows the hook's reason" "$(cat "$b.err" "$WORK/runc.log")" \
	"clampdown: hook bandwidth: eth0: create ifb device cdifb$idx: File exists|eth0: cdifb$idx is not an ifb device"
"$RUNC" --root "$ROOTS/runc" delete -f pod2 >/dev/null 2>&1
ip netns del "$NS"

# a namespace the runtime creates, no hook before clampdown's: only lo can be there when the hook
# would run, so there is no hook (the runtime's fork, exec and wait saved)
b="$WORK/fresh"
make_bundle "$b" "$WORK/rootfs" 'true'
(cd "$b" && "$CLAMPDOWN" --clampdown-config="$WORK/runc.json" --root "$ROOTS/runc" create fresh </dev/null >/dev/null 2>&1)
check "new namespace without hooks: created" test $? -eq 0
expect_eq "new namespace without hooks: no hook written" "$(jq -c '.hooks // {}' "$b/config.json")" "{}"
"$RUNC" --root "$ROOTS/runc" delete -f fresh >/dev/null 2>&1

# a prestart hook that moves nothing in: the hook runs, finds lo only, and the decision log says so
b="$WORK/lonely"
make_bundle "$b" "$WORK/rootfs" 'true' '.hooks.prestart=[{"path":"/bin/true"}]'
(cd "$b" && "$CLAMPDOWN" --clampdown-config="$WORK/runc.json" --root "$ROOTS/runc" run lonely </dev/null >/dev/null 2>&1)
check "lo only: the container runs" test $? -eq 0
expect_eq "lo only: logged as unshaped" \
	"$(jq -r 'select(.id=="lonely" and .command=="hook bandwidth") | [.verdict, .findings[0].reason] | join(": ")' "$LOG")" \
	"unshaped: no interface but lo: nothing to shape"

summary bandwidth
