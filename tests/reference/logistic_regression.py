#!/usr/bin/python3
"""Reference coefficients for tests/test-glm.c: LogisticRegression from scikit-learn 1.2.

Fits LogisticRegression(C=1, solver="lbfgs") on the standardized (StandardScaler: population
standard deviation) breast_cancer, iris and wine data shipped in data/, and prints coefficients
and intercepts as C initialisers with 17 significant digits, ready to paste into the test.
breast_cancer is binary (one coefficient column); iris and wine are multinomial (softmax, one
column per class, printed row-major as features x classes to match plum's layout).

The printed numbers are the optimum itself, from solver="newton-cg" at tol=1e-10 (the same
objective: Σ log-loss + ½‖W‖²/C, intercept unpenalised), checked here by the gradient norm.
scikit-learn's lbfgs stops on its relative-decrease test about 1e-4 away from that optimum on
breast_cancer (its distance is printed in each comment), which would leave no margin against a
1e-4 tolerance; the optimum is what both solvers aim at.

The l1 and elasticnet references come from solver="saga" at tol=1e-12 (the only scikit-learn
solver for them that leaves the intercept unpenalised), checked here by the optimality
(subgradient) conditions of Σ log-loss + ((1 − ρ)/2 ‖W‖² + ρ‖W‖₁)/C.

Run: /usr/bin/python3 tests/reference/logistic_regression.py [data-dir]
"""
import sys
import warnings

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

# newton-cg warns when tol=1e-10 is below what rounding lets it certify; the gradient check in
# emit() is the real test of convergence.
warnings.simplefilter("ignore", ConvergenceWarning)

data_dir = sys.argv[1] if len(sys.argv) > 1 else "data"


def load(name):
    data = np.loadtxt("%s/%s.csv" % (data_dir, name), delimiter=",", skiprows=1)
    X = StandardScaler().fit_transform(data[:, :-1])
    return X, data[:, -1].astype(int)


def optimality_gap(model, X, y, C, rho):
    """The largest violation of the optimality conditions of Σ log-loss + R(W) at the model:
    the gradient for the intercepts and nonzero coefficients, the excess of |gradient| over
    ρ/C for coefficients at 0."""
    P = model.predict_proba(X)
    if P.shape[1] == 2:  # binary: one sigmoid column
        R = (P[:, 1] - y)[:, None]
    else:
        R = P - np.eye(P.shape[1])[y]
    W = model.coef_.T
    grad_w = X.T @ R + (1.0 - rho) / C * W
    lam = rho / C
    gap_w = np.where(W != 0, np.abs(grad_w + lam * np.sign(W)), np.maximum(np.abs(grad_w) - lam, 0))
    return max(gap_w.max(), np.abs(R.sum(axis=0)).max())


def emit_fit(name, model, X, y, comment):
    # scikit-learn stores coef_ as classes x features; plum stores features x classes.
    coef = model.coef_.T.ravel()
    print("/* %s: %d rows, %d features, %d classes; %s */"
          % (name, X.shape[0], X.shape[1], len(model.classes_), comment))
    print("static const double %s_coef[] = {%s};" % (name, ", ".join("%.17g" % v for v in coef)))
    print("static const double %s_intercept[] = {%s};"
          % (name, ", ".join("%.17g" % v for v in model.intercept_)))


def emit_sparse(name, X, y, C, penalty, rho):
    model = LogisticRegression(C=C, penalty=penalty, solver="saga", tol=1e-12, max_iter=1000000,
                               l1_ratio=rho if penalty == "elasticnet" else None).fit(X, y)
    assert optimality_gap(model, X, y, C, rho) < 1e-8
    emit_fit(name, model, X, y, "penalty %s, C = %g, l1_ratio %g" % (penalty, C, rho))


def emit(name, X, y):
    model = LogisticRegression(C=1.0, solver="newton-cg", tol=1e-10, max_iter=1000).fit(X, y)
    lbfgs = LogisticRegression(C=1.0, solver="lbfgs", max_iter=10000).fit(X, y)
    assert optimality_gap(model, X, y, 1.0, 0.0) < 1e-8
    emit_fit(name, model, X, y,
             "lbfgs stops %.2g from this optimum" % np.max(np.abs(lbfgs.coef_ - model.coef_)))


print("/* scikit-learn %s, LogisticRegression(C=1) optimum, standardized X */"
      % sklearn.__version__)
for name in ("breast_cancer", "iris", "wine"):
    emit(name, *load(name))
emit_sparse("breast_cancer_l1", *load("breast_cancer"), C=0.1, penalty="l1", rho=1.0)
emit_sparse("breast_cancer_enet", *load("breast_cancer"), C=0.5, penalty="elasticnet", rho=0.5)
emit_sparse("iris_l1", *load("iris"), C=0.5, penalty="l1", rho=1.0)
