#!/usr/bin/env bash
# Issue 12's goal against Fairlearn itself (docs/fairness.md, "Against Fairlearn itself"): builds the Release CLI if needed,
# then runs bench/fairness/fairlearn-reference.py with a Python that has numpy, pandas, scikit-learn and scipy.
# Usage: FAIRLEARN_SRC=/dir/holding/fairlearn bash bench/fairness/fairlearn-reference.sh [OUT=/tmp/fairlearn-reference] [extra args]
#   (FAIRLEARN_SRC may be left unset when Fairlearn is installed: pip install fairlearn==0.10.0)
# PYTHON overrides the interpreter (default /usr/bin/python3, where Debian's python3-sklearn installs; a pyenv python3 may lack it).
set -euo pipefail
out=${1:-/tmp/fairlearn-reference}
shift || true
warden=${WARDEN:-src/Warden.Cli/bin/Release/net10.0/warden}
if [ ! -x "$warden" ]; then
  nice -n 19 dotnet build src/Warden.Cli -c Release >&2
fi
python=${PYTHON:-/usr/bin/python3}
WARDEN="$warden" nice -n 19 "$python" bench/fairness/fairlearn-reference.py --out "$out" "$@"
