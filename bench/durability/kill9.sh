#!/usr/bin/env bash
# Durability trial: TRIALS times, start `warden serve` on a fresh data directory, put CLIENTS concurrent clients on it
# (predictions, plus a key creation every 10th request of each client), kill -9 the server after a random 1.5-3.5 s,
# restart it on the same directory and count what was acknowledged (200/201) but is missing: predictions, keys and their
# `key.create` audit entries (read through the API by acked.py, so the check works on any store), then `warden audit verify`.
#
#   bash bench/durability/kill9.sh                      # 20 trials, Warden:PredictionLog:Durability=acknowledged
#   DURABILITY=async TRIALS=5 bash bench/durability/kill9.sh
#   POSTGRES='Host=127.0.0.1;Port=55432;Username=warden;Password=warden;Database=warden_test' bash bench/durability/kill9.sh
#       # on PostgreSQL: each trial gets a fresh database (created through POSTGRES's server, dropped afterwards)
#   EXTRA_ARGS="--Warden:PredictionLog:CommitIntervalMs 0" bash bench/durability/kill9.sh   # extra serve arguments
#   SKIP_BUILD=1 …                                                                            # use the Release build as it is
#
# Prints one JSON line per trial and a total; exits 1 if anything acknowledged is missing or the chain does not verify.
set -euo pipefail
cd "$(dirname "$0")/../.."
TRIALS=${TRIALS:-20}
CLIENTS=${CLIENTS:-16}
DURABILITY=${DURABILITY:-acknowledged}
PORT=${PORT:-9131}
EXTRA_ARGS=${EXTRA_ARGS:-}
POSTGRES=${POSTGRES:-}
URL=http://127.0.0.1:$PORT
export WARDEN_API_KEY=wdn_durability_admin_key_0123456789abcdefghijklm
export WARDEN_URL=$URL
[ "${SKIP_BUILD:-0}" = 1 ] || dotnet build -c Release src/Warden.Cli -v q -nologo >/dev/null
warden=src/Warden.Cli/bin/Release/net10.0/warden.dll
work=$(mktemp -d)
pid=
database=
# psql takes a libpq URI; the Npgsql connection string's keys map onto it.
pg_uri() { # database
  python3 -c 'import sys,urllib.parse as u; kv=dict(p.split("=",1) for p in sys.argv[1].split(";") if p); k={x.lower():v for x,v in kv.items()}
print("postgresql://%s:%s@%s:%s/%s" % (u.quote(k.get("username","postgres")), u.quote(k.get("password","")), k.get("host","127.0.0.1"), k.get("port","5432"), sys.argv[2]))' "$POSTGRES" "$1"
}
drop_database() {
  [ -n "$database" ] && psql -q "$(pg_uri postgres)" -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1 || true
  database=
}
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; drop_database; rm -rf "$work"' EXIT

start() { # data dir
  local store=()
  if [ -n "$POSTGRES" ]; then
    store=(--Warden:Database:Provider postgresql --Warden:Database:MigrateAtStart true
      --ConnectionStrings:Warden "$(python3 -c 'import sys; print(";".join(p for p in sys.argv[1].split(";") if p and not p.lower().startswith("database=")) + ";Database=" + sys.argv[2])' "$POSTGRES" "$database")")
  fi
  # shellcheck disable=SC2086
  WARDEN_ADMIN_KEY=$WARDEN_API_KEY dotnet "$warden" serve "${store[@]}" --urls "$URL" --data-dir "$1" \
    --Warden:PredictionLog:Durability "$DURABILITY" --Logging:LogLevel:Default Warning $EXTRA_ARGS >>"$work/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do curl -fs "$URL/v2/health/ready" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "server did not become ready; log: $work/server.log" >&2; tail -20 "$work/server.log" >&2; return 1
}

totals='{}'
failed=0
for trial in $(seq 1 "$TRIALS"); do
  dir="$work/data-$trial"
  if [ -n "$POSTGRES" ]; then
    database="warden_kill9_$$_$trial"
    psql -q "$(pg_uri postgres)" -c "CREATE DATABASE $database" >/dev/null
  fi
  start "$dir"
  # One request first, so that the kill falls in steady traffic rather than in the first requests' warm-up (connection
  # pool, JIT), which on a loaded machine can outlast the whole 1.5-3.5 s window.
  curl -fs -o /dev/null -X POST "$URL/v2/models/credit-risk/infer" -H "Authorization: Bearer $WARDEN_API_KEY" -H 'Content-Type: application/json' \
    -d '{"id":"warm-up","inputs":[{"name":"pirat","shape":[1,1],"datatype":"FP32","data":[0.2]},{"name":"hirat","shape":[1,1],"datatype":"FP32","data":[0.2]},{"name":"lvrat","shape":[1,1],"datatype":"FP32","data":[0.8]},{"name":"chist","shape":[1,1],"datatype":"FP32","data":[5]},{"name":"mhist","shape":[1,1],"datatype":"FP32","data":[2]},{"name":"phist","shape":[1,1],"datatype":"FP32","data":[0]},{"name":"unemp","shape":[1,1],"datatype":"FP32","data":[3.9]},{"name":"selfemp","shape":[1,1],"datatype":"FP32","data":[0]},{"name":"insurance","shape":[1,1],"datatype":"FP32","data":[0]},{"name":"condomin","shape":[1,1],"datatype":"FP32","data":[0]},{"name":"single","shape":[1,1],"datatype":"FP32","data":[0]},{"name":"hschool","shape":[1,1],"datatype":"FP32","data":[1]}]}' || true
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
  drop_database
done
echo "total ($TRIALS trials, $CLIENTS clients, durability=$DURABILITY, store=$([ -n "$POSTGRES" ] && echo postgresql || echo sqlite)): $totals"
exit $failed
