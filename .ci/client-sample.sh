#!/usr/bin/env bash
# The packed Warden.Client used from a separate app: packs Warden.Contracts and Warden.Client into a local folder feed,
# starts `warden serve` on loopback, restores samples/ClientSample against that feed and the machine's NuGet cache only
# (offline; into its own packages folder, so a stale cached Warden.Client is never picked up), runs it (deploy, infer with
# typed tensors, feedback) and checks its output. Usage: bash .ci/client-sample.sh   (run by .ci/run after the build)
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-9131}
work=$(mktemp -d)
data="$work/data"
export WARDEN_API_KEY=wdn_sample_admin_key_0123456789abcdefghijklmnopqrs
export WARDEN_URL=http://127.0.0.1:$PORT
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "packing Warden.Client and Warden.Contracts ..." >&2
dotnet pack src/Warden.Client -c Release -o "$work/feed" -warnaserror -nologo -v q
dotnet pack src/Warden.Contracts -c Release --no-build -o "$work/feed" -warnaserror -nologo -v q
ls "$work/feed"/Warden.Client.*.nupkg "$work/feed"/Warden.Client.*.snupkg "$work/feed"/Warden.Contracts.*.nupkg >/dev/null
# The listing is taken whole before it is searched: `unzip | grep -q` fails under pipefail whenever grep stops reading
# first and unzip dies of SIGPIPE (seen on a loaded machine).
listing=$(unzip -l "$work/feed"/Warden.Client.*[0-9].nupkg)
grep -q "lib/net10.0/Warden.Client.xml" <<<"$listing" || { echo "the package has no XML docs" >&2; exit 1; }

cli=${WARDEN_CLI:-src/Warden.Cli/bin/Debug/net10.0/warden}
[ -x "$cli" ] || dotnet build src/Warden.Cli -nologo -v q
WARDEN_ADMIN_KEY=$WARDEN_API_KEY "$cli" serve --urls "$WARDEN_URL" --data-dir "$data" --Logging:LogLevel:Default Warning >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 600); do curl -fs "$WARDEN_URL/v2/health/ready" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fs "$WARDEN_URL/v2/health/ready" >/dev/null || { cat "$work/server.log" >&2; exit 1; }

cache=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')
dotnet restore samples/ClientSample --source "$work/feed" --source "$cache" -p:RestorePackagesPath="$work/packages" -nologo -v q
dotnet build samples/ClientSample --no-restore -p:RestorePackagesPath="$work/packages" -o "$work/sample" -nologo -v q
output=$(dotnet "$work/sample/ClientSample.dll" samples/models/credit-risk/1/model.onnx client-sample)
echo "$output"
grep -q "^deployed client-sample version" <<<"$output"
grep -q "probability of denial 0\.[0-9]" <<<"$output"
grep -q "feedback: accepted 1, matched 1" <<<"$output"
echo "client sample: OK" >&2
