#!/usr/bin/env python3
"""Fairlearn's own AdversarialFairnessClassifier (Zhang, Lemoine & Mitchell 2018) on the folds of fairlearn-reference.py.

Reads the train.csv / test.csv of every fold that bench/fairness/fairlearn-reference.sh wrote into DIR, encodes them with
that script's encode() (Warden's features), fits `fairlearn.adversarial.AdversarialFairnessClassifier` per fold and
constraint, and scores it with that script's functions: out of fold = the K test folds pooled, in sample = each fold's
model on its own training rows; predictions are the classifier's hard labels (`predict`, sigmoid >= 0.5). The goal columns
compare against the `fl-eg` rows (Fairlearn's ExponentiatedGradient) of DIR/results.json, so run the reference first:

  WARDEN=/bin/true FAIRLEARN_SRC=/path bash bench/fairness/fairlearn-reference.sh DIR --methods fl-eg
  FAIRLEARN_SRC=/path /usr/bin/python3 bench/fairness/fairlearn-adversarial.py DIR [--only hmda] [--variants default,...]
  /usr/bin/python3 bench/fairness/fairlearn-adversarial.py DIR --table      # the Markdown table again

Results go to DIR/adversarial.json (the fl-eg rows copied beside them for the table). Needs numpy, pandas,
scikit-learn, scipy, PyTorch (Debian: apt-get install python3-torch) and a Fairlearn with `fairlearn.adversarial` (0.8 or later;
FAIRLEARN_SRC may point at a folder holding a fairlearn/ source tree).
"""
import argparse
import importlib.util
import json
import os
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))

# Variants: Fairlearn's defaults first. predictor_model=[] / adversary_model=[] are the documented defaults (a network
# without hidden layers, i.e. logistic regression on X, and a logistic adversary on the predictor's output (and y for EO));
# they are passed explicitly because the copy run here rejects None under backend="torch". Everything else is the
# constructor's default: Adam, learning_rate 0.001, alpha 1, epochs 1, batch_size 32, shuffle False.
VARIANTS = {
    "default": {},
    "a0.1": {"alpha": 0.1},
    "a10": {"alpha": 10.0},
    "e50": {"epochs": 50},
    "e50-a0.1": {"epochs": 50, "alpha": 0.1},
    "e50-a10": {"epochs": 50, "alpha": 10.0},
    # 500 epochs: CPS 1985's 427 training rows make only 14 Adam steps (lr 0.001) per epoch.
    "e500": {"epochs": 500},
    "e500-a0.1": {"epochs": 500, "alpha": 0.1},
    "e500-a10": {"epochs": 500, "alpha": 10.0},
}
CONSTRAINTS = {"DP": "demographic_parity", "EO": "equalized_odds"}


def fail(message):
    print(f"fairlearn-adversarial: {message}", file=sys.stderr)
    sys.exit(2)


def load_reference():
    spec = importlib.util.spec_from_file_location("fairlearn_reference", os.path.join(HERE, "fairlearn-reference.py"))
    ref = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ref)
    return ref


def import_adversarial(ref):
    # fairlearn-reference.py's import check: FAIRLEARN_SRC first on sys.path, numpy/pandas/scikit-learn/scipy present,
    # Fairlearn importable (it exits with a message otherwise).
    ref.import_fairlearn()
    try:
        import torch
    except ImportError as e:
        fail(f"PyTorch is not importable ({e}): Fairlearn's adversarial module needs it here "
             f"(Debian: apt-get install python3-torch; or pip install torch)")
    try:
        import fairlearn
        from fairlearn.adversarial import AdversarialFairnessClassifier
    except ImportError as e:
        fail(f"Fairlearn's adversarial module is not importable ({e}). Install Fairlearn >= 0.8 (pip install fairlearn) "
             f"or set FAIRLEARN_SRC to a folder holding a fairlearn/ source tree with fairlearn/adversarial/.")
    return fairlearn, torch, AdversarialFairnessClassifier


def name_of(variant):
    opts = VARIANTS[variant]
    shown = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in opts.items())
    return f"**Fairlearn** `AdversarialFairnessClassifier` ({shown or 'defaults'})"


def run(args, ref):
    fairlearn, torch, AdversarialFairnessClassifier = import_adversarial(ref)
    import numpy as np
    torch.set_num_threads(1)
    with open(os.path.join(args.dir, "results.json")) as f:
        reference = json.load(f)
    out_path = os.path.join(args.dir, "adversarial.json")
    results = {"fairlearn": fairlearn.__version__, "fairlearn_file": fairlearn.__file__, "torch": torch.__version__,
               "folds": reference["folds"], "seed": reference["seed"], "datasets": {}}
    if os.path.exists(out_path):
        with open(out_path) as f:
            results["datasets"] = json.load(f).get("datasets", {})
    variants = args.variants.split(",")
    for v in variants:
        if v not in VARIANTS:
            fail(f"unknown variant {v} (known: {', '.join(VARIANTS)})")
    only = args.only.split(",") if args.only else list(reference["datasets"])
    for name in only:
        if name not in reference["datasets"]:
            fail(f"{name}: not in {args.dir}/results.json (run fairlearn-reference.sh with --methods fl-eg first)")
        d = reference["datasets"][name]
        _, label, positive, sensitive = ref.DATASETS[name]
        entries = {}
        for k in range(reference["folds"]):
            fold_dir = os.path.join(args.dir, name, f"fold-{k}")
            header, tr_rows = ref.read_csv(os.path.join(fold_dir, "train.csv"))
            _, te_rows = ref.read_csv(os.path.join(fold_dir, "test.csv"))
            li, si = header.index(label), header.index(sensitive)
            y_tr = [ref.label_of(r[li], positive) for r in tr_rows]
            y_te = [ref.label_of(r[li], positive) for r in te_rows]
            g_tr, g_te = [r[si] for r in tr_rows], [r[si] for r in te_rows]
            x_tr, x_te = ref.encode(header, tr_rows, [tr_rows, te_rows], label, sensitive)
            for constraint in args.constraints.split(","):
                for variant in variants:
                    started = time.time()
                    model = AdversarialFairnessClassifier(backend="torch", predictor_model=[], adversary_model=[],
                                                          constraints=CONSTRAINTS[constraint], random_state=args.seed,
                                                          **VARIANTS[variant])
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        model.fit(x_tr, np.array(y_tr), sensitive_features=np.array(g_tr))
                    p_tr = np.asarray(model.predict(x_tr), dtype=float).ravel()
                    p_te = np.asarray(model.predict(x_te), dtype=float).ravel()
                    print(f"  {name} fold {k} {constraint} {variant}: {time.time() - started:.1f} s, "
                          f"{model.n_iter_} steps", file=sys.stderr)
                    test_sums, train_sums = ref.rates(p_te, y_te, g_te), ref.rates(p_tr, y_tr, g_tr)
                    correct = float(sum(p if yy else 1 - p for p, yy in zip(p_te, y_te)))
                    train_m = ref.metrics(train_sums, float(sum(p if yy else 1 - p for p, yy in zip(p_tr, y_tr))), len(y_tr))
                    e = entries.setdefault(f"{constraint}|fl-adv-{variant}",
                                           {"oof": {}, "correct": 0.0, "n": 0, "train": [], "info": []})
                    e["oof"] = ref.merge(e["oof"], test_sums)
                    e["correct"] += correct
                    e["n"] += len(y_te)
                    e["train"].append({kk: train_m[kk] for kk in ("accuracy", "dp", "eo")})
                    e["info"].append({})
        summary = {}
        for key, e in entries.items():
            constraint = key.split("|")[0]
            m = ref.metrics(e["oof"], e["correct"], e["n"])
            summary[key] = {
                "oof_accuracy": m["accuracy"], "oof_dp": m["dp"], "oof_eo": m["eo"], "oof_selection": m["selection"],
                "se": ref.se_of(e["oof"], constraint),
                "in_accuracy": sum(t["accuracy"] for t in e["train"]) / len(e["train"]),
                "in_dp": sum(t["dp"] for t in e["train"]) / len(e["train"]),
                "in_eo": sum(t["eo"] for t in e["train"]) / len(e["train"]),
                "in_dp_range": [min(t["dp"] for t in e["train"]), max(t["dp"] for t in e["train"])],
                "in_eo_range": [min(t["eo"] for t in e["train"]), max(t["eo"] for t in e["train"])],
                "in_folds": e["train"], "info": e["info"],
            }
        # The fl-eg rows travel with ours so the table needs only this file.
        fl_eg = {kk: vv for kk, vv in d["runs"].items() if kk.endswith("|fl-eg")}
        earlier = results["datasets"].get(name, {}).get("runs", {})
        results["datasets"][name] = {kk: d[kk] for kk in ("rows", "label", "sensitive", "groups")}
        results["datasets"][name]["runs"] = {**earlier, **fl_eg, **summary}
        with open(out_path, "w") as f:
            json.dump(results, f, indent=1, default=float)


def table(args, ref):
    path = os.path.join(args.dir, "adversarial.json")
    if not os.path.exists(path):
        fail(f"no {path}: run without --table first")
    with open(path) as f:
        results = json.load(f)
    # Reuse fairlearn-reference.py's table (same columns, same goal rule) on a copy of our results.
    for variant in VARIANTS:
        ref.NAMES[f"fl-adv-{variant}"] = name_of(variant)
    tmp = os.path.join(args.dir, "adversarial-table")
    os.makedirs(tmp, exist_ok=True)
    with open(os.path.join(tmp, "results.json"), "w") as f:
        json.dump(results, f, default=float)
    print(f"PyTorch {results['torch']}.", end=" ")
    ref.table(tmp)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("dir", help="a folder written by fairlearn-reference.sh (its results.json must hold the fl-eg rows)")
    p.add_argument("--only", help="comma-separated data set names (default: all in DIR/results.json)")
    p.add_argument("--variants", default="default", help="comma-separated: " + ", ".join(VARIANTS))
    p.add_argument("--constraints", default="DP,EO")
    p.add_argument("--seed", type=int, default=42, help="random_state of the classifier")
    p.add_argument("--table", action="store_true", help="print the table of a finished run and exit")
    args = p.parse_args()
    ref = load_reference()
    if not args.table:
        run(args, ref)
    table(args, ref)


if __name__ == "__main__":
    main()
