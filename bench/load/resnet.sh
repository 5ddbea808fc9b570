#!/usr/bin/env bash
# ResNet18 served by `warden serve` (Release): batch-1 latency in process vs HTTP binary tensors vs gRPC raw contents,
# 16 concurrent clients with dynamic batching off and on, and ONNX Runtime session settings (intra-op threads, sessions).
# Everything runs against one server started here and stopped at the end; the harness is `Warden.Bench resnet-serving`.
# `transport` swaps ResNet18 for a stand-in with the same 602 KB input and a graph of one GlobalAveragePool, so what is
# measured is the protocol, codec and inference path alone (COMPARE="REST_URL GRPC_URL" of a second running server adds
# its paths to the rotation, an A/B of two builds; so does it for `latency`, which also breaks each path's mean down by
# ASP.NET Core's request duration and the statistics extension's inference path and graph run).
# Args: parts to run (latency batching sessions transport; default latency batching sessions). Env: RUNS (200 sequential requests per path), WARMUP_SECONDS (20: the paths in turn before latency and transport measure anything), INTRA_OP (1),
# CLIENTS (16), SECONDS (20), MAX_BATCH (16), QUEUE_DELAY_US (2000), BATCH_INTRA_OPS (1,2: batching off/on at each),
# SESSION_CLIENTS (4), SESSION_SECONDS (10),
# PORT (9130: REST; +1 gRPC), LOG (true: the prediction log on, at the default durability), LOG_OFF_RERUN (1: the
# latency and batching parts once more with the log off).
set -euo pipefail
cd "$(dirname "$0")/../.."
PORT=${PORT:-9130}
LOG=${LOG:-true}
export WARDEN_API_KEY=wdn_bench_admin_key_0123456789abcdefghijklmnopqrstu
dotnet build -c Release bench/Warden.Bench -v q -nologo >/dev/null
dotnet build -c Release src/Warden.Cli -v q -nologo >/dev/null
warden=src/Warden.Cli/bin/Release/net10.0/warden.dll
bench=bench/Warden.Bench/bin/Release/net10.0/Warden.Bench.dll

dir=
pid=
stop() { [ -n "$pid" ] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }; pid=; [ -n "$dir" ] && rm -rf "$dir"; dir=; }
trap stop EXIT
serve_and_run() { # log parts...
  local log=$1; shift
  dir=$(mktemp -d)
  WARDEN_ADMIN_KEY=$WARDEN_API_KEY dotnet "$warden" serve --urls http://127.0.0.1:$PORT --grpc-urls http://127.0.0.1:$((PORT + 1)) \
    --data-dir "$dir" --Warden:PredictionLog:Enabled "$log" --Logging:LogLevel:Default Warning >"$dir/warden.log" 2>&1 & pid=$!
  for _ in $(seq 1 300); do curl -fs http://127.0.0.1:$PORT/v2/health/ready >/dev/null 2>&1 && break; sleep 0.1; done
  curl -fs http://127.0.0.1:$PORT/v2/health/ready >/dev/null || { echo "warden did not start:" >&2; cat "$dir/warden.log" >&2; exit 1; }
  echo
  echo "# warden serve, prediction log $log; machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  dotnet "$bench" resnet-serving http://127.0.0.1:$PORT http://127.0.0.1:$((PORT + 1)) "$@"
  stop
}

parts=("${@:-latency batching sessions}")
read -r -a parts <<<"${parts[*]}"
serve_and_run "$LOG" "${parts[@]}"
# Each prediction record holds the input tensor (150,528 floats, stored as JSON): latency and batching again without the
# log show what logging costs at this size.
if [ "$LOG" = true ] && [ "${LOG_OFF_RERUN:-1}" = 1 ]; then
  again=()
  for part in "${parts[@]}"; do if [[ $part == latency || $part == batching ]]; then again+=("$part"); fi; done
  if [ ${#again[@]} -gt 0 ]; then serve_and_run false "${again[@]}"; fi
fi
