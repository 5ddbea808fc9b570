# Shared preparation of the edge benchmarks; source it with SERVER_PORT set. Builds $CONFIG (default Release), makes a signer and a device
# key, packs a signed int8 bundle of credit-risk encrypted for the device, starts a local server on SERVER_PORT with the
# signer trusted and publishes the bundle on channel stable.
# Sets: warden (the command), work (a temporary directory, removed on exit), server (the server's pid), server_url.
# Exports WARDEN_ADMIN_KEY.
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# WARDEN: a warden executable to use instead of building one (e.g. a self-contained publish).
CONFIG=${CONFIG:-Release}
if [ -n "${WARDEN:-}" ]; then
  warden=$WARDEN
else
  dotnet build -c "$CONFIG" src/Warden.Cli -v q -nologo >/dev/null
  warden="dotnet src/Warden.Cli/bin/$CONFIG/net10.0/warden.dll"
fi
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
export WARDEN_ADMIN_KEY=wdn_edge_bench_admin_key_0123456789abcdefghijklmn
$warden keygen --out "$work/signer.pem" >/dev/null
$warden keygen --out "$work/device.pem" >/dev/null
$warden pack credit-risk --from-dir samples/models/credit-risk/1 --out "$work/cr.wdn" --quantize int8 \
  --sign-key "$work/signer.pem" --encrypt-for "$work/device.pub.pem" --channel stable >/dev/null
server_url="http://127.0.0.1:${SERVER_PORT:?set SERVER_PORT}"
Warden__Edge__TrustedKeyFiles__0="$work/signer.pub.pem" $warden serve --data-dir "$work/server" --urls "$server_url" >/dev/null 2>&1 &
server=$!
for _ in $(seq 1 300); do curl -fs "$server_url/v2/health/ready" >/dev/null && break; sleep 0.1; done
code=$(curl -sS -o "$work/upload.json" -w "%{http_code}" -X POST -H "Authorization: Bearer $WARDEN_ADMIN_KEY" \
  -H "Content-Type: application/octet-stream" --data-binary @"$work/cr.wdn" "$server_url/edge/bundles")
[ "$code" = 201 ] || { echo "upload refused: $code $(cat "$work/upload.json")" >&2; exit 1; }
