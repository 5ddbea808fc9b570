#!/usr/bin/env bash
# CLI start-up: wall time of `warden predict` against curl sending the same V2 request to the same running server,
# median of N runs each (after 3 warm-up runs). Publishes the CLI as the image ships it — the full CLI (ReadyToRun,
# `warden.dll`) and, beside it, the native `warden` (Native AOT: needs clang and zlib1g-dev) — starts `warden serve`
# through the native executable (which execs the full CLI), and times the native client commands and, for comparison,
# the same command run by the full CLI. Unattended: bash bench/cli/startup.sh   (N=21 PORT=9111 OUT=<temp dir> by default;
# APP=<dir> uses a directory published earlier with the same two commands)
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-21}
PORT=${PORT:-9111}
OUT=${OUT:-$(mktemp -d)}
export WARDEN_API_KEY=wdn_bench_admin_key_0123456789abcdefghijklmnopqrstu
export WARDEN_URL=http://127.0.0.1:$PORT
request=bench/load/request.json
app=$OUT/app

if [ -n "${APP:-}" ]; then
  app=$APP  # published earlier with the two commands below (they take minutes)
else
  echo "publishing to $app ..." >&2
  # The same two publishes as deploy/Dockerfile.
  dotnet publish src/Warden.Cli -c Release -r linux-x64 --self-contained false -p:UseAppHost=false -o "$app" -v q -nologo >/dev/null
  dotnet publish src/Warden.Cli.Native -c Release -r linux-x64 -o "$app" -v q -nologo >/dev/null
fi

data=$(mktemp -d)
WARDEN_ADMIN_KEY=$WARDEN_API_KEY "$app/warden" serve --urls "$WARDEN_URL" --data-dir "$data" \
  --Logging:LogLevel:Default Warning >/dev/null 2>&1 & server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 600); do curl -fs "$WARDEN_URL/v2/health/ready" >/dev/null 2>&1 && break; sleep 0.1; done

# Milliseconds one run of the command takes, output discarded; a failed run aborts the benchmark.
run_ms() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# name, then the command; prints "name median_ms"
measure() {
  local name=$1
  shift
  for _ in 1 2 3; do run_ms "$@" >/dev/null; done
  echo "$name $(for _ in $(seq 1 "$N"); do run_ms "$@"; done | median)"
}

features='{"pirat":0.221,"hirat":0.221,"lvrat":0.8,"chist":5,"mhist":2,"phist":0,"unemp":3.9,"selfemp":0,"insurance":0,"condomin":0,"single":0,"hschool":1}'
curl_infer=(curl -fsS -H "Authorization: Bearer $WARDEN_API_KEY" -H "Content-Type: application/json" --data-binary "@$request" "$WARDEN_URL/v2/models/credit-risk/infer")
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "runs: $N per command (median, ms)"
measure curl "${curl_infer[@]}"
measure "warden-predict(native)" "$app/warden" predict credit-risk --input "@$request"
measure "warden-predict-features(native)" "$app/warden" predict credit-risk --input "$features"
measure "warden-predict-help(native)" "$app/warden" predict --help
measure "warden-models-list(native)" "$app/warden" models list
# The full CLI running the same commands (what `dotnet run --project src/Warden.Cli` and `dotnet warden.dll` run).
measure "warden-predict(full,r2r)" dotnet "$app/warden.dll" predict credit-risk --input "@$request"
measure "warden-predict-help(full,r2r)" dotnet "$app/warden.dll" predict --help
# A command the native executable hands to the full CLI (exec, same process): the cost of the hand-over on top.
measure "warden-keygen-help(native->full)" "$app/warden" keygen --help
measure "warden-keygen-help(full)" dotnet "$app/warden.dll" keygen --help
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
