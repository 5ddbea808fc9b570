#!/usr/bin/env bash
# Warden vs the onnxruntime-node peer (bench/load/ort-node/server.js), side by side in one run: the same credit-risk ONNX
# file, the same stock V2 JSON request and wrk settings as bench/load/run.sh (infer.lua, 32 connections). Warden runs as
# `warden serve` with auth and the prediction log on at the default durability. Rounds alternate peer and Warden so load
# bursts on a shared machine fall on both. Needs wrk and node/npm (Debian's nodejs and npm are installed when node is absent).
# Env: CONNECTIONS (32), THREADS (2), DURATION (20s), WARMUP (5s), ROUNDS (2), PORT (9120: Warden; +2 the peer),
# SESSION_SWEEP (1: then Warden alone under four ONNX Runtime session settings of credit-risk), SWEEP_DURATION (10s).
set -euo pipefail
cd "$(dirname "$0")/../.."
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-5s}
ROUNDS=${ROUNDS:-2}
PORT=${PORT:-9120}
export WARDEN_API_KEY=wdn_bench_admin_key_0123456789abcdefghijklmnopqrstu
model=samples/models/credit-risk/1/model.onnx  # the demo version warden serve loads into an empty registry

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# The peer's dependency goes into the temporary folder, never into the repository. ONNX Runtime's CPU binaries ship in the
# npm package; the install script would otherwise also fetch the CUDA provider.
cp bench/load/ort-node/package.json bench/load/ort-node/server.js "$work/"
(cd "$work" && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund --loglevel=error >/dev/null)
dotnet build -c Release src/Warden.Cli -v q -nologo >/dev/null
warden=src/Warden.Cli/bin/Release/net10.0/warden.dll

wait_ready() { for _ in $(seq 1 300); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "not ready: $1" >&2; return 1; }
run_wrk() { # url duration → RESULT line
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2" --latency -s bench/load/infer.lua "$1" | grep RESULT
}
field() { sed -E "s/.*$2=([0-9.]+).*/\1/" <<<"$1"; }

node "$work/server.js" "$PWD/$model" credit-risk $((PORT + 2)) >"$work/peer.log" 2>&1 & pids+=($!)
WARDEN_ADMIN_KEY=$WARDEN_API_KEY dotnet "$warden" serve --urls http://127.0.0.1:$PORT --grpc-urls none \
  --data-dir "$work/data" --Logging:LogLevel:Default Warning >"$work/warden.log" 2>&1 & pids+=($!)
wait_ready http://127.0.0.1:$((PORT + 2))/v2/health/ready
wait_ready http://127.0.0.1:$PORT/v2/health/ready
peer_url=http://127.0.0.1:$((PORT + 2))/v2/models/credit-risk/infer
warden_url=http://127.0.0.1:$PORT/v2/models/credit-risk/infer
# Same answer from both (the peer's shape is Warden's): label and probability.
curl -fs -H "Content-Type: application/json" --data @bench/load/request.json "$peer_url" | grep -q '"probability"'
curl -fs -H "Authorization: Bearer $WARDEN_API_KEY" -H "Content-Type: application/json" --data @bench/load/request.json "$warden_url" | grep -q '"probability"'

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); node $(node --version); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency -s bench/load/infer.lua (after a $WARMUP warm-up of each)"
run_wrk "$peer_url" "$WARMUP" >/dev/null
run_wrk "$warden_url" "$WARMUP" >/dev/null
for round in $(seq 1 "$ROUNDS"); do
  peer=$(run_wrk "$peer_url" "$DURATION")
  echo "round $round ort-node $peer"
  ward=$(run_wrk "$warden_url" "$DURATION")
  echo "round $round warden   $ward"
  awk -v r="$round" -v w="$(field "$ward" rps)" -v p="$(field "$peer" rps)" -v wp="$(field "$ward" p99_ms)" -v pp="$(field "$peer" p99_ms)" \
    'BEGIN { printf "round %d warden/ort-node: %.2fx req/s, p99 %.2f ms vs %.2f ms (%.2fx)\n", r, w / p, wp, pp, wp / pp }'
done

# ONNX Runtime session settings of the credit-risk deployment (PUT /api/models/credit-risk/settings/serving), same wrk load.
if [ "${SESSION_SWEEP:-1}" = 1 ]; then
  echo "credit-risk session settings (warden, wrk -d${SWEEP_DURATION:-10s}):"
  for setting in "1 1" "2 1" "1 2" "2 2"; do
    read -r intra sessions <<<"$setting"
    curl -fs -X PUT -H "Authorization: Bearer $WARDEN_API_KEY" -H "Content-Type: application/json" \
      --data "{\"session\":{\"intraOpThreads\":$intra,\"interOpThreads\":1,\"sessions\":$sessions}}" \
      http://127.0.0.1:$PORT/api/models/credit-risk/settings/serving >/dev/null
    run_wrk "$warden_url" 3s >/dev/null
    echo "intra-op $intra sessions $sessions $(run_wrk "$warden_url" "${SWEEP_DURATION:-10s}")"
  done
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
