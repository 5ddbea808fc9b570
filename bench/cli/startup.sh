#!/usr/bin/env bash
# CLI start-up: wall time of `warden predict` against curl sending the same V2 request to the same running server,
# median of N runs each (after warm-up runs), for the published CLI as shipped (ReadyToRun) and, for comparison, the
# same CLI published without ReadyToRun. Usage: bash bench/cli/startup.sh   (N=21 PORT=9111 by default)
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-21}
PORT=${PORT:-9111}
OUT=${OUT:-$(mktemp -d)}
export WARDEN_API_KEY=wdn_bench_admin_key_0123456789abcdefghijklmnopqrstu
export WARDEN_URL=http://127.0.0.1:$PORT
request=bench/load/request.json

echo "publishing to $OUT ..." >&2
dotnet publish src/Warden.Cli -c Release -r linux-x64 --self-contained false -o "$OUT/r2r" -v q -nologo >/dev/null
dotnet publish src/Warden.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=false -o "$OUT/jit" -v q -nologo >/dev/null

data=$(mktemp -d)
WARDEN_ADMIN_KEY=$WARDEN_API_KEY "$OUT/r2r/warden" serve --urls "$WARDEN_URL" --data-dir "$data" \
  --Logging:LogLevel:Default Warning >/dev/null 2>&1 & server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 300); do curl -fs "$WARDEN_URL/v2/health/ready" >/dev/null 2>&1 && break; sleep 0.1; done

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

curl_infer=(curl -fsS -H "Authorization: Bearer $WARDEN_API_KEY" -H "Content-Type: application/json" --data-binary "@$request" "$WARDEN_URL/v2/models/credit-risk/infer")
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "runs: $N per command (median, ms)"
measure curl "${curl_infer[@]}"
measure "warden-predict(r2r)" "$OUT/r2r/warden" predict credit-risk --input "@$request"
measure "warden-predict(jit)" "$OUT/jit/warden" predict credit-risk --input "@$request"
measure "warden-predict-features(r2r)" "$OUT/r2r/warden" predict credit-risk --input '{"pirat":0.221,"hirat":0.221,"lvrat":0.8,"chist":5,"mhist":2,"phist":0,"unemp":3.9,"selfemp":0,"insurance":0,"condomin":0,"single":0,"hschool":1}'
measure "warden-help(r2r)" "$OUT/r2r/warden" predict --help
# Runtime knobs a short command might want but `warden serve` must not lose (one runtimeconfig for both), measured here
# through their environment variables: workstation GC instead of the server GC `serve` uses, and no tiered PGO.
measure "warden-predict(r2r,DOTNET_gcServer=0)" env DOTNET_gcServer=0 "$OUT/r2r/warden" predict credit-risk --input "@$request"
measure "warden-predict(r2r,DOTNET_TieredPGO=0)" env DOTNET_TieredPGO=0 "$OUT/r2r/warden" predict credit-risk --input "@$request"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
