#!/usr/bin/env bash
# Issue 12's mitigation goal: every DP-/EO-constrained method on HMDA, CPS 1985 and Arrests, hold-out + 5-fold out-of-fold.
# Usage: bash bench/fairness/goal.sh [OUT=/tmp/fairness-goal]   (then python3 bench/fairness/goal-table.py OUT)
# WARDEN="dotnet run --project src/Warden.Cli -c Release --" by default; set WARDEN to a built warden to skip the build check.
# A row whose OUT/<data>/<run>/mitigation.json exists is skipped: delete a row's folder to run it again.
# ONLY="cps1985/adv-dp-auto hmda/eg-eo ..." runs just those rows (the table needs each dataset's none, eg-dp and eg-eo too).
set -euo pipefail
out=${1:-/tmp/fairness-goal}
warden=${WARDEN:-dotnet run --project src/Warden.Cli -c Release --}
mkdir -p "$out"
declare -A args=(
  [hmda]="--data samples/data/hmda.csv --label deny --positive yes --sensitive afam"
  [cps1985]="--data samples/data/cps1985.csv --label wage --positive >7.78 --sensitive gender"
  [arrests]="--data samples/data/arrests.csv --label released --positive Yes --sensitive colour"
)
runs=(
  "none|--mitigation none"
  "eg-dp|--mitigation exponentiated-gradient --constraint demographic-parity"
  "eg-dp-best|--mitigation exponentiated-gradient --constraint demographic-parity --serve best"
  "adv-dp|--mitigation adversarial --constraint demographic-parity"
  "adv-dp-auto|--mitigation adversarial --constraint demographic-parity --adversary-weight auto"
  "adv-dp-avg|--mitigation adversarial --constraint demographic-parity --adversary-weight auto --adversary-average 0.5"
  "adv-dp-decay|--mitigation adversarial --constraint demographic-parity --adversary-weight auto --adversary-decay 300"
  "adv-dp-hidden|--mitigation adversarial --constraint demographic-parity --hidden-units 200"
  "adv-dp-hidden-auto|--mitigation adversarial --constraint demographic-parity --adversary-weight auto --adversary-decay 300 --hidden-units 200"
  "adv-dp-es|--mitigation adversarial --constraint demographic-parity --adversary-weight auto --adversary-decay 300 --early-stopping 5"
  "adv-dp-h8-wd|--mitigation adversarial --constraint demographic-parity --adversary-weight auto --adversary-decay 300 --hidden-units 8 --weight-decay 0.03"
  "adv-dp-h16-wd|--mitigation adversarial --constraint demographic-parity --adversary-weight auto --adversary-decay 300 --hidden-units 16 --weight-decay 0.03"
  "adv-dp-h16-wd-es|--mitigation adversarial --constraint demographic-parity --adversary-weight auto --adversary-decay 300 --hidden-units 16 --weight-decay 0.03 --early-stopping 5"
  "thr-dp|--mitigation threshold --constraint demographic-parity"
  "eg-eo|--mitigation exponentiated-gradient --constraint equalized-odds"
  "eg-eo-best|--mitigation exponentiated-gradient --constraint equalized-odds --serve best"
  "adv-eo|--mitigation adversarial --constraint equalized-odds"
  "adv-eo-auto|--mitigation adversarial --constraint equalized-odds --adversary-weight auto"
  "adv-eo-avg|--mitigation adversarial --constraint equalized-odds --adversary-weight auto --adversary-average 0.5"
  "adv-eo-decay|--mitigation adversarial --constraint equalized-odds --adversary-weight auto --adversary-decay 300"
  "adv-eo-hidden|--mitigation adversarial --constraint equalized-odds --hidden-units 200"
  "adv-eo-hidden-auto|--mitigation adversarial --constraint equalized-odds --adversary-weight auto --adversary-decay 300 --hidden-units 200"
  "adv-eo-es|--mitigation adversarial --constraint equalized-odds --adversary-weight auto --adversary-decay 300 --early-stopping 5"
  "adv-eo-h8-wd|--mitigation adversarial --constraint equalized-odds --adversary-weight auto --adversary-decay 300 --hidden-units 8 --weight-decay 0.03"
  "adv-eo-h16-wd|--mitigation adversarial --constraint equalized-odds --adversary-weight auto --adversary-decay 300 --hidden-units 16 --weight-decay 0.03"
  "adv-eo-h16-wd-es|--mitigation adversarial --constraint equalized-odds --adversary-weight auto --adversary-decay 300 --hidden-units 16 --weight-decay 0.03 --early-stopping 5"
  "thr-eo|--mitigation threshold --constraint equalized-odds"
)
for data in hmda cps1985 arrests; do
  for run in "${runs[@]}"; do
    name=${run%%|*}; opts=${run#*|}
    [ -f "$out/$data/$name/mitigation.json" ] && continue
    if [ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $data/$name "* ]]; then continue; fi
    echo "$data $name: warden mitigate ${args[$data]} $opts --seed 42 --cross-validate 5" >&2
    # shellcheck disable=SC2086
    $warden mitigate ${args[$data]} $opts --seed 42 --cross-validate 5 --out "$out/$data/$name" > "$out/$data-$name.log"
  done
done
