#!/usr/bin/env bash
# exportfs on one exports file, in a private mount namespace: the file is bind-mounted over
# /etc/exports, tmpfs hides /etc/exports.d and /var/lib/nfs, and each exported path is
# created on a tmpfs over its top-level folder. The host's exports stay untouched. Passes
# when `exportfs -ra` exits 0 and prints nothing on stderr (exportfs only warns, exit 0,
# for a space before `(`, which exports to the world).
set -euo pipefail
file=$(readlink -f "$1")
err=$(mktemp)
trap 'rm -f "$err"' EXIT
status=0
unshare --mount bash -c '
  set -e
  file=$1
  [ -e /etc/exports ] || { echo "/etc/exports is missing: install nfs-kernel-server" >&2; exit 2; }
  mount --bind "$file" /etc/exports
  [ -d /etc/exports.d ] && mount -t tmpfs tmpfs /etc/exports.d
  mount -t tmpfs tmpfs /var/lib/nfs
  for path in $(awk "!/^#/ && NF { print \$1 }" "$file"); do
    top="/$(echo "$path" | cut -d/ -f2)"
    mountpoint -q "$top" || mount -t tmpfs tmpfs "$top"
    mkdir -p "$path"
  done
  exportfs -ra
  exportfs -v >/dev/null
' validate "$file" 2>"$err" || status=$?
if [ "$status" -ne 0 ] || [ -s "$err" ]; then
  echo "exportfs rejects $1 (exit $status):" >&2
  cat "$err" >&2
  exit 1
fi
