#!/bin/bash
# The wrapper operators write today: find the bundle, rewrite config.json with
# jq (user, capabilities, no_new_privileges, read-only root, limits), exec the
# runtime. The reference clampdown is measured against; not for production.
RUNTIME=${JQ_WRAPPER_RUNTIME:-/usr/sbin/runc}
bundle=. cmd=
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
	case "${args[i]}" in
	create | run) [ -z "$cmd" ] && cmd=${args[i]} ;;
	--bundle | -b) bundle=${args[i + 1]} ;;
	--bundle=*) bundle=${args[i]#--bundle=} ;;
	esac
done
if [ -n "$cmd" ]; then
	cfg="$bundle/config.json"
	jq '.process.user.uid=65534 | .process.user.gid=65534 | .process.noNewPrivileges=true | .root.readonly=true
	    | .process.capabilities |= map_values(map(select(. == "CAP_NET_BIND_SERVICE")))
	    | .linux.resources.memory.limit=536870912 | .linux.resources.pids.limit=512
	    | .linux.resources.cpu.quota=100000 | .linux.resources.cpu.period=100000' "$cfg" >"$cfg.tmp" &&
		mv "$cfg.tmp" "$cfg" || exit 1
fi
exec "$RUNTIME" "$@"
