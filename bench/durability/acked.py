#!/usr/bin/env python3
"""Load generator and checker for the kill -9 durability trial (bench/durability/kill9.sh).

  acked.py load  --url U --key K --prefix P --out acked.json [--clients 16] [--key-every 10]
      Runs concurrent clients until the server stops answering (it is killed), then writes what was acknowledged:
      prediction ids answered 200 and key ids answered 201 (each key creation also appends a `key.create` audit entry).
  acked.py check --url U --key K --acked acked.json
      Reads the restarted server's API (not the database file, so it works on any backend) and prints one JSON line:
      how many acknowledged predictions, keys and audit entries are missing, and whether the audit chain verifies.

Standard library only.
"""
import argparse
import http.client
import json
import sys
import threading
import urllib.parse

ROW = {"pirat": 0.221, "hirat": 0.221, "lvrat": 0.8, "chist": 5, "mhist": 2, "phist": 0, "unemp": 3.9,
       "selfemp": 0, "insurance": 0, "condomin": 0, "single": 0, "hschool": 1}


def connection(url):
    parts = urllib.parse.urlsplit(url)
    return http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=30)


def infer_body(request_id):
    inputs = [{"name": n, "shape": [1, 1], "datatype": "FP32", "data": [v]} for n, v in ROW.items()]
    return json.dumps({"id": request_id, "inputs": inputs})


def load(args):
    predictions, keys, lock = [], [], threading.Lock()
    headers = {"Authorization": "Bearer " + args.key, "Content-Type": "application/json"}
    stats = {"non2xx": 0}

    def client(index):
        conn = connection(args.url)
        n = 0
        while True:
            n += 1
            name = f"{args.prefix}-c{index}-{n}"
            is_key = args.key_every > 0 and n % args.key_every == 0
            try:
                if is_key:
                    body = json.dumps({"name": name, "role": "consumer", "models": ["credit-risk"]})
                    conn.request("POST", "/api/keys", body, headers)
                else:
                    conn.request("POST", "/v2/models/credit-risk/infer", infer_body(name), headers)
                response = conn.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException):
                return  # the server is gone: nothing more can be acknowledged
            with lock:
                if is_key and response.status == 201:
                    keys.append(json.loads(payload)["info"]["id"])
                elif not is_key and response.status == 200:
                    predictions.append(name)
                else:
                    stats["non2xx"] += 1

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump({"predictions": predictions, "keys": keys, "non2xx": stats["non2xx"]}, f)


def get(conn, path, key):
    conn.request("GET", path, headers={"Authorization": "Bearer " + key})
    response = conn.getresponse()
    payload = response.read()
    if response.status != 200:
        raise SystemExit(f"GET {path}: {response.status} {payload[:200]!r}")
    return json.loads(payload)


def pages(conn, path, key):
    after = None
    while True:
        page = get(conn, path + ("&after=" + after if after else ""), key)
        yield from page["items"]
        after = page.get("next")
        if not after:
            return


def check(args):
    with open(args.acked, encoding="utf-8") as f:
        acked = json.load(f)
    conn = connection(args.url)
    stored_predictions = {p["id"] for p in pages(conn, "/api/predictions?model=credit-risk&limit=1000", args.key)}
    stored_keys = {k["id"] for k in get(conn, "/api/keys", args.key)}
    audited_keys = {e["target"] for e in pages(conn, "/api/audit?limit=1000", args.key) if e["action"] == "key.create"}
    verify = get(conn, "/api/audit/verify", args.key)
    result = {
        "acked_predictions": len(acked["predictions"]),
        "missing_predictions": sum(1 for p in acked["predictions"] if p not in stored_predictions),
        "acked_keys": len(acked["keys"]),
        "missing_keys": sum(1 for k in acked["keys"] if k not in stored_keys),
        "missing_audit_entries": sum(1 for k in acked["keys"] if k not in audited_keys),
        "audit_valid": verify["valid"],
        "audit_entries": verify["entriesChecked"],
    }
    print(json.dumps(result))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("load")
    p.add_argument("--url", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--prefix", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--key-every", type=int, default=10, help="every Nth request of a client creates a key")
    c = sub.add_parser("check")
    c.add_argument("--url", required=True)
    c.add_argument("--key", required=True)
    c.add_argument("--acked", required=True)
    args = parser.parse_args()
    load(args) if args.command == "load" else check(args)


if __name__ == "__main__":
    sys.exit(main())
