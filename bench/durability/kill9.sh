#!/usr/bin/env bash
# Durability trial: TRIALS times, start `warden serve` on a fresh data directory, put CLIENTS concurrent clients on it
# (predictions, plus a key creation every 10th request of each client), kill -9 the server after a random 1.5-3.5 s,
# restart it on the same directory and count what was acknowledged (200/201) but is missing: predictions, keys and their
# `key.create` audit entries (read through the API by acked.py, so the check works on any store), then `warden audit verify`.
#
#   bash bench/durability/kill9.sh                      # 20 trials, Warden:PredictionLog:Durability=acknowledged
#   DURABILITY=async TRIALS=5 bash bench/durability/kill9.sh
#   EXTRA_ARGS="--Warden:Database:Provider postgresql" bash bench/durability/kill9.sh   # other stores: extra serve arguments
#
# Prints one JSON line per trial and a total; exits 1 if anything acknowledged is missing or the chain does not verify.
set -euo pipefail
cd "$(dirname "$0")/../.."
TRIALS=${TRIALS:-20}
CLIENTS=${CLIENTS:-16}
DURABILITY=${DURABILITY:-acknowledged}
PORT=${PORT:-9131}
EXTRA_ARGS=${EXTRA_ARGS:-}
URL=http://127.0.0.1:$PORT
export WARDEN_API_KEY=wdn_durability_admin_key_0123456789abcdefghijklm
export WARDEN_URL=$URL
dotnet build -c Release src/Warden.Cli -v q -nologo >/dev/null
warden=src/Warden.Cli/bin/Release/net10.0/warden.dll
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"' EXIT

start() { # data dir
  # shellcheck disable=SC2086
  WARDEN_ADMIN_KEY=$WARDEN_API_KEY dotnet "$warden" serve --urls "$URL" --data-dir "$1" \
    --Warden:PredictionLog:Durability "$DURABILITY" --Logging:LogLevel:Default Warning $EXTRA_ARGS >>"$work/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do curl -fs "$URL/v2/health/ready" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "server did not become ready; log: $work/server.log" >&2; tail -20 "$work/server.log" >&2; return 1
}

totals='{}'
failed=0
for trial in $(seq 1 "$TRIALS"); do
  dir="$work/data-$trial"
  start "$dir"
  python3 bench/durability/acked.py load --url "$URL" --key "$WARDEN_API_KEY" --prefix "t$trial" --clients "$CLIENTS" --out "$work/acked-$trial.json" &
  loader=$!
  sleep "$(python3 -c 'import random; print(round(random.uniform(1.5, 3.5), 2))')"
  kill -9 "$pid"; wait "$pid" 2>/dev/null || true; pid=
  wait "$loader"
  start "$dir"
  result=$(python3 bench/durability/acked.py check --url "$URL" --key "$WARDEN_API_KEY" --acked "$work/acked-$trial.json")
  verify=ok; dotnet "$warden" audit verify >/dev/null || verify=broken
  echo "trial $trial: $result cli_verify=$verify"
  totals=$(python3 -c 'import json,sys; t=json.loads(sys.argv[1]); r=json.loads(sys.argv[2]); [t.__setitem__(k, t.get(k,0)+v) for k,v in r.items() if not isinstance(v,bool)]; t["audit_valid_trials"]=t.get("audit_valid_trials",0)+(1 if r["audit_valid"] else 0); print(json.dumps(t))' "$totals" "$result")
  if python3 -c 'import json,sys; r=json.loads(sys.argv[1]); sys.exit(0 if r["missing_predictions"]+r["missing_keys"]+r["missing_audit_entries"]==0 and r["audit_valid"] else 1)' "$result" && [ "$verify" = ok ]; then :; else failed=1; fi
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  rm -rf "$dir"
done
echo "total ($TRIALS trials, $CLIENTS clients, durability=$DURABILITY): $totals"
exit $failed
