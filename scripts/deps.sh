#!/bin/sh
# Installs the Debian packages clampdown builds and tests with, when missing.
# Needs root to install; without root it only lists what is missing.
set -eu
PKGS="build-essential pkg-config libjansson-dev libseccomp-dev libcap-dev libmnl-dev check \
runc crun containerd docker.io busybox-static jq iproute2 util-linux iperf3 strace valgrind \
clang clang-format libclang-rt-14-dev python3 python3-yaml"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing Debian packages:$missing (run as root to install them)" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
