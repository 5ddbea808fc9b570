# Sourced by .ci/run: Debian's Chromium for the console's browser tests (Microsoft.Playwright drives /usr/bin/chromium; no
# browser is ever downloaded). Idempotent: skipped when the binary is already there.
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
/usr/bin/chromium --version
