#!/usr/bin/env python3
"""Language-server latency: the time from a didChange to its publishDiagnostics on W(N).

Usage: python3 benches/lsp_latency.py [N|FILE.k8s] [EDITS]   (defaults: 5000 apps, 30 edits)

Starts `target/release/k8sc lsp` (build it first, or run through benches/README.md's
command), opens W(N), then makes EDITS edits (alternately breaking and fixing one field)
and prints the median, 90th percentile and worst latency.
"""
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def frame(message):
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def read_message(stream):
    length = 0
    while True:
        line = stream.readline()
        if not line:
            raise EOFError("the server closed its output")
        line = line.strip()
        if not line:
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(stream.read(length))


def wait_for(stream, predicate):
    while True:
        message = read_message(stream)
        if predicate(message):
            return message


def main():
    target = sys.argv[1] if len(sys.argv) > 1 else "5000"
    edits = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    if target.endswith(".k8s"):
        n = target
        with open(target) as handle:
            text = handle.read()
    else:
        n = int(target)
        text = subprocess.run(
            [os.path.join(ROOT, "target/release/examples/gen_workload"), str(n)], check=True, capture_output=True, text=True
        ).stdout
    server = subprocess.Popen(
        [os.path.join(ROOT, "target/release/k8sc"), "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    send = lambda message: (server.stdin.write(frame(message)), server.stdin.flush())
    uri = "file:///bench/w.k8s"
    send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
    wait_for(server.stdout, lambda m: m.get("id") == 1)
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    started = time.perf_counter()
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
          "params": {"textDocument": {"uri": uri, "languageId": "k8sc", "version": 1, "text": text}}})
    wait_for(server.stdout, lambda m: m.get("method") == "textDocument/publishDiagnostics")
    opened = time.perf_counter() - started
    broken = text.replace("  address = ", "  adress = ", 1)
    samples = []
    for version in range(2, edits + 2):
        edited = broken if version % 2 == 0 else text
        started = time.perf_counter()
        send({"jsonrpc": "2.0", "method": "textDocument/didChange",
              "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": edited}]}})
        published = wait_for(server.stdout, lambda m: m.get("method") == "textDocument/publishDiagnostics")
        samples.append(time.perf_counter() - started)
        expected = 1 if version % 2 == 0 else 0
        assert len(published["params"]["diagnostics"]) == expected, published["params"]["diagnostics"][:2]
    send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    wait_for(server.stdout, lambda m: m.get("id") == 2)
    send({"jsonrpc": "2.0", "method": "exit"})
    server.wait(timeout=10)
    samples.sort()
    ms = lambda seconds: f"{seconds * 1000:.1f} ms"
    print(f"W({n}), {len(text) // 1024} KiB: open {ms(opened)}; didChange -> publishDiagnostics over {edits} edits: "
          f"median {ms(samples[len(samples) // 2])}, p90 {ms(samples[int(len(samples) * 0.9)])}, worst {ms(samples[-1])}")


if __name__ == "__main__":
    main()
