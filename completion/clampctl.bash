# bash completion for clampctl(8)

# The profile directory of the node config in force (--config, $CLAMPDOWN_CONFIG, the default).
_clampctl_profile_dir() {
	local cfg=${CLAMPDOWN_CONFIG:-/etc/clampdown/config.json} i
	for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
		case ${COMP_WORDS[i]} in
		--config) cfg=${COMP_WORDS[i + 1]} ;;
		--config=*) cfg=${COMP_WORDS[i]#--config=} ;;
		esac
	done
	sed -n 's/.*"profile_dir"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$cfg" 2>/dev/null | head -1 |
		grep . || echo /etc/clampdown/profiles
}

_clampctl() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]} verb=${COMP_WORDS[1]:-} opts dir
	COMPREPLY=()
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "check diff explain log help" -- "$cur"))
		return
	fi
	case $prev in
	--config | --file)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	--profile)
		dir=$(_clampctl_profile_dir)
		COMPREPLY=($(compgen -W "$(cd "$dir" 2>/dev/null && ls -- *.json 2>/dev/null | sed 's/\.json$//')" -- "$cur"))
		return
		;;
	--color)
		COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
		return
		;;
	--since)
		COMPREPLY=($(compgen -W "1h 1d 7d $(date -u +%Y-%m-%d)" -- "$cur"))
		return
		;;
	--top) return ;;
	esac
	case $verb in
	check) opts="--config" ;;
	diff | explain) opts="--config --profile --json --color" ;;
	log) opts="--config --file --since --top --json" ;;
	*) return ;;
	esac
	if [[ $cur == -* ]] || [ "$verb" = check ] || [ "$verb" = log ]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}
complete -F _clampctl clampctl
