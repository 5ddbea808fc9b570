#!/usr/bin/env bash
# The native agent (warden-edge, Native AOT) side by side with `warden edge` (the whole warden executable, published
# self-contained as one file): time from exec to the first successful GET /v2/health/ready and to the model's ready
# answer, median of RUNS starts each, and size on disk without the ONNX Runtime native library (issue 14: <= 100 ms,
# <= 40 MB). Each start uses a copy of a data directory that has synced the bundle once, with the server up. (The
# server also listens on its port + 1, for gRPC.) Runs unattended; the last lines are a summary with the machine's load
# average, which matters: on a 2-core machine loaded by other work the start-up times are mostly waiting for a core.
# REALTIME=1 runs the timed starts (and the poller) under SCHED_FIFO (chrt -f 10, needs root): on a machine loaded by
# other work this approximates an idle machine, since the agent then gets a core whenever it can run.
set -euo pipefail
RUNS=${RUNS:-7}
rt=(); [ "${REALTIME:-0}" = 1 ] && rt=(chrt -f 10)
SERVER_PORT=9411 source "$(dirname "$0")/prepare.sh"
# NATIVE_DIR / CLI_DIR: directories published earlier with these same commands (a publish takes minutes).
native=${NATIVE_DIR:-$work/native}
cli=${CLI_DIR:-$work/cli}
[ -n "${NATIVE_DIR:-}" ] || dotnet publish src/Warden.Edge.Host -c Release -r linux-x64 -p:PublishAot=true -o "$native" -v q -nologo >/dev/null
[ -n "${CLI_DIR:-}" ] || [ "${SKIP_CLI:-0}" = 1 ] || dotnet publish src/Warden.Cli -c Release -r linux-x64 --self-contained -p:PublishSingleFile=true -o "$cli" -v q -nologo >/dev/null
agent_args=(--server "$server_url" --key "$WARDEN_ADMIN_KEY" --device-key "$work/device.pem" --trust "$work/signer.pub.pem"
  --channel stable --listen http://127.0.0.1:9430 --sync-seconds 3600)

# One online start of the native agent fetches and caches the bundle; every measured start copies that directory.
"$native/warden-edge" "${agent_args[@]}" --data-dir "$work/seed" >"$work/seed.log" 2>&1 &
seed=$!
for _ in $(seq 1 600); do curl -fs http://127.0.0.1:9430/v2/models/credit-risk/ready >/dev/null 2>&1 && break; kill -0 "$seed" 2>/dev/null || break; sleep 0.05; done
curl -fs http://127.0.0.1:9430/v2/models/credit-risk/ready >/dev/null || { echo "the native agent did not serve the bundle:"; cat "$work/seed.log"; exit 1; }
kill "$seed"; wait "$seed" 2>/dev/null || true

size_mb() { # $1 = publish directory; everything but libonnxruntime.so, debug symbols and documentation files
  find "$1" -type f ! -name 'libonnxruntime*.so*' ! -name '*.dbg' ! -name '*.pdb' ! -name '*.xml' -printf '%s\n' | awk '{s+=$1} END {printf "%.1f", s/1048576}'
}

# Starts each agent of AGENTS (a JSON list of [label, command...]) RUNS times, round-robin, so agents compared in one run
# see the same load; prints one line per agent: the median milliseconds from exec to the first 200 of /v2/health/ready
# and of the model's ready. "Ready" is found without a polling loop competing with the agent for the 2 cores: the
# poller blocks on the agent's log until its "Ready after" line, then asks GET /v2/health/ready once (a 200 is required)
# and takes the time after that answer, so the figure includes the agent's log line and one HTTP round trip, and no
# polling interval. POLL=1 polls both endpoints every millisecond from exec instead (the earlier method).
measure() {
  "${rt[@]}" /usr/bin/python3 - "$RUNS" "$work" "${POLL:-0}" <<'PY'
import json, os, select, shutil, signal, socket, statistics, subprocess, sys, time
runs, work, poll = int(sys.argv[1]), sys.argv[2], sys.argv[3] == "1"
agents = json.loads(os.environ["AGENTS"])

def ok(path):
    try:
        with socket.create_connection(("127.0.0.1", 9430), timeout=1) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
            return s.recv(16).startswith(b"HTTP/1.1 200")
    except OSError:
        return False

def fail(message, log):
    sys.exit(message + ": " + open(log, errors="replace").read())

results = {label: ([], []) for label, *_ in agents}
for run in range(runs):
    for label, *command in agents:
        health, model = results[label]
        data = os.path.join(work, "run")
        shutil.rmtree(data, ignore_errors=True)
        shutil.copytree(os.path.join(work, "seed"), data)
        log_path = os.path.join(work, f"run-{label}.log")
        with open(log_path, "wb") as log:
            start = time.monotonic()
            process = subprocess.Popen(command + ["--data-dir", data], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            fd, pending, seen = process.stdout.fileno(), b"", poll
            while not seen:  # block on the agent's output until its "Ready after" line
                left = 60 - (time.monotonic() - start)
                if left <= 0 or not select.select([fd], [], [], left)[0]:
                    process.kill(); fail("agent did not log ready within 60 s", log_path)
                chunk = os.read(fd, 65536)
                if not chunk:
                    log.write(pending); log.flush(); fail("agent exited before it was ready", log_path)
                log.write(chunk); pending += chunk
                seen = b"Ready after" in pending
            for path, times in (("/v2/health/ready", health), ("/v2/models/credit-risk/ready", model)):
                while not ok(path):
                    if not poll and path == "/v2/health/ready":
                        process.kill(); log.flush(); fail("logged ready but GET /v2/health/ready was not 200", log_path)
                    if process.poll() is not None or time.monotonic() - start > 60:
                        log.flush(); fail("agent did not get ready", log_path)
                    time.sleep(0.001)
                times.append((time.monotonic() - start) * 1000)
            process.send_signal(signal.SIGTERM)
            try:
                rest, _ = process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                # Seen with `warden edge` under REALTIME=1 (spinning threads of equal real-time priority); the start was timed.
                print(f"note: {label} run {run + 1} did not stop within 30 s of SIGTERM; killed", file=sys.stderr)
                process.kill()
                rest, _ = process.communicate()
            log.write(rest)
for label, (health, model) in results.items():
    print(f"{label} exec_to_health_ready_ms={statistics.median(health):.0f} exec_to_model_ready_ms={statistics.median(model):.0f} "
          f"(min {min(health):.0f}, max {max(health):.0f}; {runs} runs; all {' '.join(f'{t:.0f}' for t in health)})")
PY
}
loadavg() { cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/'; }
# The agent's own account of its last start: "Ready after N ms: ... restored in N ms (N ms verifying, N ms loading
# sessions), listening after N ms" (times from the start of the agent's start-up, after the process and options).
phases() { grep -o 'Ready after.*' "$work/run-$1.log" | tail -1 || echo "(no 'Ready after' line in the agent's log)"; }

# The agents measured, round-robin: warden-edge; COMPARE_DIR=<another warden-edge publish> adds it (an A/B of two
# builds under the same load); SKIP_CLI=1 leaves out `warden edge`.
agents=$(python3 -c 'import json, sys; a = sys.argv[1:]; n = a.index("--"); args = a[n + 1:]
out = [["native", a[0] + "/warden-edge", *args]]
if a[1]: out.append(["compare", a[1] + "/warden-edge", *args])
if a[2] != "1": out.append(["cli", a[3] + "/warden", "edge", *args])
print(json.dumps(out))' "$native" "${COMPARE_DIR:-}" "${SKIP_CLI:-0}" "$cli" -- "${agent_args[@]}")
before=$(loadavg)
results=$(AGENTS=$agents measure)
after=$(loadavg)
line() { # $1 = label, $2 = publish directory
  echo "agent=$1 size_mb_without_onnxruntime=$(size_mb "$2") $(grep "^$1 " <<<"$results" | cut -d' ' -f2-) load_avg_1/5/15=$before..$after"
}
native_result=$(line native "$native"); echo "RESULT $native_result"
summary="  warden-edge (Native AOT):   $native_result
      last start, as the agent logged it: $(phases native)"
if [ -n "${COMPARE_DIR:-}" ]; then
  compare_result=$(line compare "$COMPARE_DIR"); echo "RESULT $compare_result"
  summary+="
  warden-edge from COMPARE_DIR=$COMPARE_DIR: $compare_result
      last start, as the agent logged it: $(phases compare)"
fi
if [ "${SKIP_CLI:-0}" != 1 ]; then
  cli_result=$(line cli "$cli"); echo "RESULT $cli_result"
  summary+="
  warden edge (self-contained): $cli_result
      last start, as the agent logged it: $(phases cli)"
fi

cat <<SUMMARY

Summary ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load average 1/5/15 min at the end: $(loadavg); REALTIME=${REALTIME:-0}; POLL=${POLL:-0})
  Target (issue 14): exec -> ready <= 100 ms, <= 40 MB on disk without libonnxruntime.so.
  "Ready" = the first 200 of GET /v2/health/ready: the agent listens, every bundle in service has been re-verified from
  disk (signature, decryption, SHA-256) and its ONNX Runtime session exists. Median of $RUNS starts from a synced copy
  (agents alternated run by run).
$summary
  A load average above the CPU count means the figures include time spent waiting for a core.
SUMMARY
