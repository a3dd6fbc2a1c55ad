#!/usr/bin/env python3
"""Runs a built tree's harbor/apply.sh twice against a stand-in for Harbor's v2.0 API on
127.0.0.1, and checks that both runs succeed and leave exactly what the tree declares.

Usage: fake_harbor.py HARBOR_FOLDER

The stand-in answers like Harbor where apply.sh relies on it: basic authentication, 409
for a second object of one name, `GET /registries?q=name=X` (exact) and
`GET /replication/policies?name=X` (Harbor matches policy names fuzzily, so apply.sh must
pick the exact one), POST to create, PUT to update. No traffic leaves the machine.
"""
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse

USER, PASSWORD = "admin", "test-password"
STORE = {"registries": {}, "replication/policies": {}}
CALLS = []


class Harbor(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, body=None):
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def authorised(self):
        expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        if self.headers.get("Authorization") != expected:
            self.reply(401, {"errors": [{"code": "UNAUTHORIZED"}]})
            return False
        return True

    def route(self):
        url = urlparse(self.path)
        match = re.fullmatch(r"/api/v2\.0/(registries|replication/policies)(?:/(\d+))?", url.path)
        if not match:
            return None, None, url
        return match.group(1), match.group(2), url

    def do_GET(self):
        if not self.authorised():
            return
        kind, ident, url = self.route()
        if kind is None or ident is not None:
            return self.reply(404)
        query = parse_qs(url.query)
        objects = list(STORE[kind].values())
        if kind == "registries" and "q" in query:
            wanted = unquote(query["q"][0]).split("=", 1)[1]
            objects = [o for o in objects if o["name"] == wanted]
        if kind == "replication/policies" and "name" in query:
            objects = [o for o in objects if query["name"][0] in o["name"]]
        CALLS.append(("GET", kind))
        self.reply(200, objects)

    def body(self):
        length = int(self.headers.get("Content-Length", "0"))
        return json.loads(self.rfile.read(length) or b"{}")

    def do_POST(self):
        if not self.authorised():
            return
        kind, ident, _ = self.route()
        if kind is None or ident is not None:
            return self.reply(404)
        obj = self.body()
        if any(o["name"] == obj.get("name") for o in STORE[kind].values()):
            CALLS.append(("POST-409", kind))
            return self.reply(409, {"errors": [{"code": "CONFLICT"}]})
        obj["id"] = len(STORE[kind]) + 1
        STORE[kind][obj["id"]] = obj
        CALLS.append(("POST", kind))
        self.reply(201)

    def do_PUT(self):
        if not self.authorised():
            return
        kind, ident, _ = self.route()
        if kind is None or ident is None or int(ident) not in STORE[kind]:
            return self.reply(404)
        obj = self.body()
        obj["id"] = int(ident)
        STORE[kind][int(ident)] = obj
        CALLS.append(("PUT", kind))
        self.reply(200)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    source = sys.argv[1]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Harbor)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    local = f"http://127.0.0.1:{server.server_address[1]}"
    work = tempfile.mkdtemp()
    try:
        folder = os.path.join(work, "harbor")
        shutil.copytree(source, folder)
        script = os.path.join(folder, "apply.sh")
        with open(script) as handle:
            text = handle.read()
        text = re.sub(r"^apply ('[^']*'|\S+)", f"apply '{local}'", text, flags=re.M)
        with open(script, "w") as handle:
            handle.write(text)
        env = dict(os.environ, HARBOR_USER=USER, HARBOR_PASSWORD=PASSWORD)
        declared = len(re.findall(r"^apply ", text, flags=re.M))
        for run in (1, 2):
            done = subprocess.run(["sh", script], env=env, capture_output=True, text=True, timeout=60)
            if done.returncode != 0:
                sys.exit(f"run {run} of apply.sh failed ({done.returncode}): {done.stderr}")
        policies = STORE["replication/policies"]
        if len(policies) != declared:
            sys.exit(f"{len(policies)} policies after two runs; the tree declares {declared}")
        if any(call[0] == "POST-409" for call in CALLS):
            sys.exit(f"apply.sh posted an object that existed: {CALLS}")
        if ("PUT", "replication/policies") not in CALLS:
            sys.exit("the second run did not update the policies")
        print(f"{declared} policies, {len(STORE['registries'])} registries; second run updated them")
    finally:
        server.shutdown()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
