#!/usr/bin/env bash
# keepalived's config test on one keepalived.conf, in private mount and network namespaces:
# the interfaces it names exist (veth pairs), and the scripts beside it are installed in a
# tmpfs over /etc/keepalived, root-owned and executable, as on a real host. The host's own
# /etc/keepalived and network are untouched. Passes when keepalived exits 0 and prints
# nothing on stderr (it exits 0 even for a missing file, so silence is the real check).
set -euo pipefail
conf=$(readlink -f "$1")
dir=$(dirname "$conf")
interfaces=$(awk '$1 == "interface" { print $2 }' "$conf" | sort -u | tr '\n' ' ')
err=$(mktemp)
trap 'rm -f "$err"' EXIT
status=0
unshare --mount --net bash -c '
  set -e
  conf=$1; dir=$2; shift 2
  ip link set lo up
  n=0
  for interface in "$@"; do
    n=$((n + 1))
    ip link add "$interface" type veth peer name "k8scpeer$n"
    ip link set "$interface" up
  done
  mount -t tmpfs tmpfs /etc/keepalived
  for script in "$dir"/*.sh; do
    [ -e "$script" ] && install -m 0755 -o root -g root "$script" /etc/keepalived/
  done
  install -m 0600 -o root -g root "$conf" /etc/keepalived/keepalived.conf
  exec keepalived --config-test --use-file /etc/keepalived/keepalived.conf
' validate "$conf" "$dir" $interfaces 2>"$err" || status=$?
if [ "$status" -ne 0 ] || [ -s "$err" ]; then
  echo "keepalived rejects $1 (exit $status):" >&2
  cat "$err" >&2
  exit 1
fi
