#!/usr/bin/env bash
# Edge agent footprint: start-to-ready time, resident memory at idle and under load (wrk, 8 connections).
# Builds Release, packs a signed int8 bundle of credit-risk for a device, publishes it on a local server, starts the agent.
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build -c Release src/Warden.Cli -v q -nologo >/dev/null
warden="dotnet src/Warden.Cli/bin/Release/net10.0/warden.dll"
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
export WARDEN_ADMIN_KEY=wdn_edge_bench_admin_key_0123456789abcdefghijklmn
$warden keygen --out "$work/signer.pem" >/dev/null
$warden keygen --out "$work/device.pem" >/dev/null
$warden pack credit-risk --from-dir samples/models/credit-risk/1 --out "$work/cr.wdn" --quantize int8 \
  --sign-key "$work/signer.pem" --encrypt-for "$work/device.pub.pem" --channel stable >/dev/null
Warden__Edge__TrustedKeyFiles__0="$work/signer.pub.pem" $warden serve --data-dir "$work/server" --urls http://127.0.0.1:9201 >/dev/null 2>&1 &
for _ in $(seq 1 300); do curl -fs http://127.0.0.1:9201/v2/health/ready >/dev/null && break; sleep 0.1; done
code=$(curl -sS -o "$work/upload.json" -w "%{http_code}" -X POST -H "Authorization: Bearer $WARDEN_ADMIN_KEY" \
  -H "Content-Type: application/octet-stream" --data-binary @"$work/cr.wdn" http://127.0.0.1:9201/edge/bundles)
[ "$code" = 201 ] || { echo "upload refused: $code $(cat "$work/upload.json")" >&2; exit 1; }
start=$(date +%s%N)
$warden edge --server http://127.0.0.1:9201 --key "$WARDEN_ADMIN_KEY" --device-key "$work/device.pem" --trust "$work/signer.pub.pem" \
  --data-dir "$work/agent" --channel stable --listen http://127.0.0.1:9202 >"$work/agent.log" 2>&1 &
agent=$!
for _ in $(seq 1 600); do curl -fs http://127.0.0.1:9202/v2/models/credit-risk >/dev/null 2>&1 && break; sleep 0.05; done
ready=$(( ($(date +%s%N) - start) / 1000000 ))
pid=$agent
sleep 3
[ -d /proc/$pid ] || { echo "agent exited:"; cat "$work/agent.log"; exit 1; }
idle=$(awk '/VmRSS/{print $2}' /proc/$pid/status)
WARDEN_API_KEY=x wrk -t1 -c8 -d10s -s bench/load/infer.lua http://127.0.0.1:9202/v2/models/credit-risk/infer | grep RESULT
[ -d /proc/$pid ] || { echo "agent died under load:"; tail -40 "$work/agent.log"; exit 1; }
peak=$(awk '/VmHWM/{print $2}' /proc/$pid/status)
echo "RESULT agent start_to_ready_ms=$ready rss_idle_mb=$((idle/1024)) rss_peak_under_load_mb=$((peak/1024))"
