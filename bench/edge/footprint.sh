#!/usr/bin/env bash
# Edge agent footprint: start-to-ready time, resident memory at idle and under load (wrk, 8 connections).
# Builds Release (or uses WARDEN), packs a signed int8 bundle of credit-risk for a device, publishes it on a local server,
# starts `warden edge` on an empty data directory. Runs unattended; prints RESULT lines with the load average.
set -euo pipefail
# The server also listens on its port + 1 (gRPC), so the agent takes 9210.
SERVER_PORT=9201 source "$(dirname "$0")/prepare.sh"
start=$(date +%s%N)
$warden edge --server "$server_url" --key "$WARDEN_ADMIN_KEY" --device-key "$work/device.pem" --trust "$work/signer.pub.pem" \
  --data-dir "$work/agent" --channel stable --listen http://127.0.0.1:9210 >"$work/agent.log" 2>&1 &
agent=$!
for _ in $(seq 1 600); do curl -fs http://127.0.0.1:9210/v2/models/credit-risk >/dev/null 2>&1 && break; sleep 0.05; done
ready=$(( ($(date +%s%N) - start) / 1000000 ))
pid=$agent
sleep 3
[ -d /proc/$pid ] || { echo "agent exited:"; cat "$work/agent.log"; exit 1; }
idle=$(awk '/VmRSS/{print $2}' /proc/$pid/status)
WARDEN_API_KEY=x wrk -t1 -c8 -d10s -s bench/load/infer.lua http://127.0.0.1:9210/v2/models/credit-risk/infer | grep RESULT
[ -d /proc/$pid ] || { echo "agent died under load:"; tail -40 "$work/agent.log"; exit 1; }
peak=$(awk '/VmHWM/{print $2}' /proc/$pid/status)
echo "RESULT agent start_to_ready_ms=$ready rss_idle_mb=$((idle/1024)) rss_peak_under_load_mb=$((peak/1024)) load_avg_1/5/15=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/') cpus=$(nproc)"
echo "(start_to_ready_ms: a fresh device's first start, from exec through register, sync, download, verify, decrypt and"
echo " session creation to the model's metadata answering; a load average above the CPU count inflates every figure)"
