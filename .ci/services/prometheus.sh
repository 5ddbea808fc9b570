# Sourced by .ci/run: Debian's prometheus binary for the scrape test, which starts its own instance on a free loopback
# port with a temporary configuration and storage. Idempotent: an installed binary is kept. Exports WARDEN_TEST_PROMETHEUS.
if ! command -v prometheus >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi
export WARDEN_TEST_PROMETHEUS="$(command -v prometheus)"
