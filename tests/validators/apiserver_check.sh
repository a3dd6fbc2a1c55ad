#!/usr/bin/env bash
# Runs a node's emitted haproxy.cfg with the real haproxy and its emitted keepalived check
# (check_apiserver.sh) against it, in private network and mount namespaces: every address
# the two files name is on the loopback device, and a stand-in apiserver (HTTPS, /healthz)
# answers on each backend. Passes when the check passes while haproxy runs, and fails once
# haproxy is stopped: the check sees what keepalived must see to move the VIP.
#   apiserver_check.sh NODE_FOLDER      (hosts/<node> of a built tree)
set -euo pipefail
node=$(readlink -f "$1")
unshare --net --mount bash -c '
  set -euo pipefail
  node=$1
  work=$(mktemp -d)
  trap "kill \$(jobs -p) 2>/dev/null || true; rm -rf \"\$work\"" EXIT
  mount -t tmpfs tmpfs /run
  mkdir -p /run/haproxy
  ip link set lo up
  for address in $(grep -ohE "([0-9]{1,3}\.){3}[0-9]{1,3}" "$node/etc/haproxy/haproxy.cfg" "$node/etc/keepalived/check_apiserver.sh" | sort -u); do
    ip addr add "$address/32" dev lo
  done
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key" -out "$work/crt" -days 1 -subj /CN=apiserver 2>/dev/null
  backends=$(awk "/^ *server / { print \$3 }" "$node/etc/haproxy/haproxy.cfg" | sort -u)
  python3 - "$work" $backends <<PY &
import http.server, ssl, sys, threading
work = sys.argv[1]
class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/healthz" else 404)
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *args):
        pass
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(work + "/crt", work + "/key")
servers = []
for backend in sys.argv[2:]:
    host, port = backend.rsplit(":", 1)
    server = http.server.ThreadingHTTPServer((host, int(port)), Health)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
threading.Event().wait()
PY
  # This sandbox caps open files at 20000, below what maxconn 20000 needs; -n lowers
  # maxconn for this run only (the file is unchanged).
  haproxy -W -db -n 4000 -f "$node/etc/haproxy/haproxy.cfg" > "$work/haproxy.log" 2>&1 &
  haproxy_pid=$!
  for _ in $(seq 50); do
    sh "$node/etc/keepalived/check_apiserver.sh" 2>/dev/null && break
    sleep 0.2
  done
  sh "$node/etc/keepalived/check_apiserver.sh" || { echo "the check fails while haproxy runs:"; cat "$work/haproxy.log"; exit 1; }
  kill "$haproxy_pid"
  wait "$haproxy_pid" 2>/dev/null || true
  if sh "$node/etc/keepalived/check_apiserver.sh" 2>/dev/null; then
    echo "the check passes with haproxy stopped"
    exit 1
  fi
' check "$node"
