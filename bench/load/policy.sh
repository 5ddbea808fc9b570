#!/usr/bin/env bash
# Cost of the misuse-and-abuse checks on the serving path (issue 4). One Warden server (defaults: auth and prediction
# logging on); the same stock V2 request is sent with two consumer keys on two models that differ only in what is
# configured:
#   plain    — key without purposes or limits; model without policy documents (the default deployment)
#   guarded  — key with a default purpose, a (never reached) token bucket, daily and monthly quotas and a concurrency
#              cap; model with usage-policy (purpose required), input-policy (range check on all 12 inputs, flag) and
#              output-policy (round to 4 decimals)
# Rounds alternate plain/guarded so drift in machine load hits both. Needs `wrk` (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/../.."
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-20s}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-2}
ADMIN=wdn_bench_admin_key_0123456789abcdefghijklmnopqrstu
URL=http://127.0.0.1:9103
dotnet build -c Release src/Warden.Cli -v q -nologo >/dev/null
warden=src/Warden.Cli/bin/Release/net10.0/warden.dll  # the README's main job: warden serve

wait_ready() { for _ in $(seq 1 200); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "not ready: $1" >&2; return 1; }
api() { curl -fsS -X "$1" "$URL$2" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
measure() { # name key model
  WARDEN_API_KEY=$2 wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -s bench/load/infer.lua "$URL/v2/models/$3/infer" >/dev/null
  echo "$1 $(WARDEN_API_KEY=$2 wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/load/infer.lua "$URL/v2/models/$3/infer" | grep RESULT)"
}

dir=$(mktemp -d)
WARDEN_ADMIN_KEY=$ADMIN dotnet "$warden" serve --urls "$URL" --data-dir "$dir" --Logging:LogLevel:Default Warning & pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
wait_ready "$URL/v2/health/ready"

# A second copy of the demo model so the policies apply to one model only.
model_dir=$(mktemp -d)
cp samples/models/credit-risk/1/model.onnx samples/models/credit-risk/1/card.json "$model_dir/"
curl -fsS -X POST "$URL/api/models/credit-risk-guarded/versions" -H "Authorization: Bearer $ADMIN" \
  -F "model=@$model_dir/model.onnx" -F "card=@$model_dir/card.json" -F stage=production >/dev/null
rm -rf "$model_dir"

plain=$(api POST /api/keys '{"name":"plain","role":"consumer","models":["credit-risk"]}' | sed -E 's/.*"secret":"([^"]+)".*/\1/')
guarded=$(api POST /api/keys '{"name":"guarded","role":"consumer","models":["credit-risk-guarded"],"purposes":["credit-risk-guarded:underwriting"],"defaultPurpose":"underwriting","rateLimit":1000000,"burst":1000000,"dailyQuota":1000000000,"monthlyQuota":1000000000,"maxConcurrency":64}' | sed -E 's/.*"secret":"([^"]+)".*/\1/')
api PUT /api/models/credit-risk-guarded/settings/usage-policy '{"requirePurpose":true}' >/dev/null
ranges=""
for n in pirat hirat lvrat chist mhist phist unemp selfemp insurance condomin single hschool; do ranges="$ranges\"$n\":{\"min\":-1000,\"max\":1000},"; done
api PUT /api/models/credit-risk-guarded/settings/input-policy "{\"action\":\"flag\",\"inputs\":{${ranges%,}}}" >/dev/null
api PUT /api/models/credit-risk-guarded/settings/output-policy '{"mode":"full","decimals":4}' >/dev/null

curl -fsS "$URL/v2/models/credit-risk/infer" -H "Authorization: Bearer $plain" -H "Content-Type: application/json" -d @bench/load/request.json | head -c 300; echo
curl -fsS "$URL/v2/models/credit-risk-guarded/infer" -H "Authorization: Bearer $guarded" -H "Content-Type: application/json" -d @bench/load/request.json | head -c 400; echo
for round in $(seq 1 "$ROUNDS"); do
  measure "round$round plain" "$plain" credit-risk
  measure "round$round guarded" "$guarded" credit-risk-guarded
done
