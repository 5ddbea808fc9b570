#!/usr/bin/env bash
# Edge agent prediction latency with an empty telemetry buffer and with 50,000 records waiting (issue 14: within 10 %).
# Builds Release, publishes a signed int8 credit-risk bundle on a local server, lets the agent sync once, stops both, then
# runs the agent offline twice: with the buffer empty and with BACKLOG records written into it (the files the agent
# itself writes). Each run: wrk, 1 connection (sequential requests), DURATION seconds, after a warm-up. Runs unattended
# (WARDEN=path to use a published warden instead of building); ends with a summary: per round, p50 with the backlog
# over p50 without, and the load average during each run.
set -euo pipefail
BACKLOG=${BACKLOG:-50000}
DURATION=${DURATION:-20}
ROUNDS=${ROUNDS:-2}
SERVER_PORT=9311 source "$(dirname "$0")/prepare.sh"

agent() { # $1 = data dir; starts the agent and waits until it serves credit-risk
  $warden edge --server "$server_url" --key "$WARDEN_ADMIN_KEY" --device-key "$work/device.pem" --trust "$work/signer.pub.pem" \
    --data-dir "$1" --channel stable --listen http://127.0.0.1:9330 --sync-seconds 3600 >"$1.log" 2>&1 &
  agent_pid=$!
  for _ in $(seq 1 600); do curl -fs http://127.0.0.1:9330/v2/models/credit-risk >/dev/null 2>&1 && return; sleep 0.05; done
  echo "agent not ready:"; cat "$1.log"; exit 1
}
stop_agent() { kill "$agent_pid"; wait "$agent_pid" 2>/dev/null || true; }

# One online start fetches and caches the bundle; then the server goes away for good.
agent "$work/seed"
stop_agent
kill "$server"; wait "$server" 2>/dev/null || true

prepare() { # $1 = data dir, $2 = records to put in its buffer
  rm -rf "$1"; cp -r "$work/seed" "$1"; rm -f "$1"/telemetry/*.json
  python3 - "$1/telemetry" "$2" <<'PY'
import json, sys, os
d, n = sys.argv[1], int(sys.argv[2])
body = {"kind": "prediction", "data": {"id": "backlog", "model": "credit-risk", "version": "1", "latency_ms": 1.5}}
for i in range(1, n + 1):
    with open(os.path.join(d, "%019d.json" % i), "w") as f:
        json.dump(dict(body, sequence=i, time="2026-12-06T00:00:00+00:00"), f)
with open(os.path.join(d, "next-sequence"), "w") as f:
    f.write(str(n + 1))
PY
}

measure() { # $1 = label, $2 = backlog
  prepare "$work/run" "$2"
  agent "$work/run"
  pending=$(curl -fs http://127.0.0.1:9330/edge/status | jq .telemetry.pending)
  wrk -t1 -c1 -d3s -s bench/load/infer.lua http://127.0.0.1:9330/v2/models/credit-risk/infer >/dev/null
  result=$(wrk -t1 -c1 -d"${DURATION}s" -s bench/load/infer.lua http://127.0.0.1:9330/v2/models/credit-risk/infer | grep RESULT)
  line="round=$round backlog=$1 pending_at_start=$pending ${result#RESULT } load_avg_1/5/15=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')"
  echo "RESULT $line"
  echo "$line" >>"$work/results"
  stop_agent
}

for round in $(seq 1 "$ROUNDS"); do
  measure empty 0
  measure "$BACKLOG" "$BACKLOG"
done

echo
echo "Summary ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs; target: latency with $BACKLOG records pending within 10 % of none):"
python3 - "$work/results" "$BACKLOG" <<'PY'
import re, statistics, sys
rows = [dict(re.findall(r"(\S+?)=(\S+)", line)) for line in open(sys.argv[1])]
ratios = []
for r in sorted({row["round"] for row in rows}, key=int):
    empty = next(x for x in rows if x["round"] == r and x["backlog"] == "empty")
    full = next(x for x in rows if x["round"] == r and x["backlog"] != "empty")
    ratio = float(full["p50_ms"]) / float(empty["p50_ms"])
    ratios.append(ratio)
    print(f"  round {r}: p50 {empty['p50_ms']} ms empty, {full['p50_ms']} ms with {full['pending_at_start']} pending "
          f"(ratio {ratio:.2f}); req/s {empty['rps']} vs {full['rps']}; load average {empty['load_avg_1/5/15']} / {full['load_avg_1/5/15']}")
print(f"  median ratio of p50 (backlog / empty) over {len(ratios)} rounds: {statistics.median(ratios):.2f} "
      f"(1.10 is the limit; with a load average above the CPU count, compare rounds, not single runs)")
PY
