#!/usr/bin/env python3
"""Is a gap between Fairlearn's and Warden's exponentiated gradient the learner? Over several fold seeds, fits Fairlearn's
ExponentiatedGradient (DP and EO) and the unmitigated learner with sklearn's default LogisticRegression() and with Warden's
learner in sklearn terms (the elastic net of fairlearn-reference.py), both in turn on the same folds and Warden's encoding,
and prints the out-of-fold accuracies (randomised classifiers in expectation).

Usage: FAIRLEARN_SRC=/dir/holding/fairlearn /usr/bin/python3 bench/fairness/fairlearn-learners.py cps1985 [SEED ...]
"""
import importlib.util
import os
import sys
import warnings

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("reference", os.path.join(here, "fairlearn-reference.py"))
reference = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reference)
reference.import_fairlearn()

import numpy as np  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from fairlearn.reductions import DemographicParity, EqualizedOdds, ExponentiatedGradient  # noqa: E402

warnings.simplefilter("ignore")
name = sys.argv[1] if len(sys.argv) > 1 else "cps1985"
seeds = [int(s) for s in sys.argv[2:]] or list(range(1, 9))
path, label, positive, sensitive = reference.DATASETS[name]
header, rows = reference.read_csv(path)
li, si = header.index(label), header.index(sensitive)
y = np.array([reference.label_of(r[li], positive) for r in rows])
g = np.array([r[si] for r in rows])
learners = {
    "sklearn default": lambda: LogisticRegression(),
    "Warden's (elastic net)": lambda: LogisticRegression(penalty="elasticnet", solver="saga", l1_ratio=0.5, C=0.5,
                                                         max_iter=5000, tol=1e-6, random_state=0),
}
print("| seed | learner | unmitigated | EG DP | EG EO |\n|---|---|---|---|---|")
for seed in seeds:
    fold = np.array(reference.folds_of(list(y), list(g), 5, seed))
    correct = {k: [0.0, 0.0, 0.0] for k in learners}
    for k in range(5):
        tr, te = np.where(fold != k)[0], np.where(fold == k)[0]
        x_tr, x_te = reference.encode(header, [rows[i] for i in tr], [[rows[i] for i in tr], [rows[i] for i in te]], label, sensitive)
        for learner, make in learners.items():
            correct[learner][0] += np.sum(make().fit(x_tr, y[tr]).predict(x_te) == y[te])
            for j, moment in ((1, DemographicParity), (2, EqualizedOdds)):
                eg = ExponentiatedGradient(make(), constraints=moment())
                eg.fit(x_tr, y[tr], sensitive_features=g[tr])
                p = eg._pmf_predict(x_te)[:, 1]
                correct[learner][j] += np.sum(p * y[te] + (1 - p) * (1 - y[te]))
    for learner, c in correct.items():
        print(f"| {seed} | {learner} | {c[0] / len(y):.4f} | {c[1] / len(y):.4f} | {c[2] / len(y):.4f} |", flush=True)
