#!/usr/bin/env bash
# drbdadm on one DRBD resource file, as the node it is for: in private UTS and network
# namespaces the hostname is the node's and its address is on the loopback device, which
# drbdadm requires of the `on` section it takes as this host's. Passes when
# `drbdadm -c FILE dump` exits 0 (it parses every keyword and value strictly).
#   drbd.sh FILE NODE ADDRESS
set -euo pipefail
file=$(readlink -f "$1")
unshare --uts --net bash -c '
  set -e
  hostname "$2"
  ip link set lo up
  ip addr add "$3/32" dev lo
  drbdadm -c "$1" dump > /dev/null 2> >(grep -v "modinfo: not found" >&2)
' validate "$file" "$2" "$3"
