#!/usr/bin/python3
"""Reference outputs for tests/test-svm.c: SVC and SVR from scikit-learn 1.2 (libsvm inside).

Writes two small deterministic data sets under tests/data/ and prints what scikit-learn's libsvm
computes on them, as C initialisers ready to paste into the test:

  svm_binary.csv  200 rows, 4 features, two classes (inside or outside a noisy circle in the
                  first two features; the last two are noise); rows 0-159 train, 160-199 test
  svm_linear.csv  200 rows, 4 features, two classes on either side of a noisy hyperplane;
                  rows 0-159 train, 160-199 test
  svr.csv         150 rows, 3 features, y = sin(2 x0) + 0.5 x1 + noise; rows 0-119 train,
                  120-149 test

and iris and digits (data/iris.csv, data/digits.csv, raw features) with every tenth row as the
test points (for digits, decision values of the first two test points only: 45 pairs each). Numbers are
written with 6 significant digits and read back, so the C test sees the very same inputs.

For each problem: support vectors per class, intercepts, decision values (scikit-learn's raw
one-vs-one values; for two classes libsvm's sign, positive for class 0, which is the negation of
SVC.decision_function and intercept_) and predictions. RBF runs use gamma = 1/(2 l^2) for the length scale l
that the test gives squared_exponential; all runs use C = 1, tol = 1e-3, shrinking, 200 MB cache.

Run: /usr/bin/python3 tests/reference/svm.py [srcdir]
"""
import os
import sys

import numpy as np
import sklearn
from sklearn.svm import SVC, SVR

src = sys.argv[1] if len(sys.argv) > 1 else "."


def write_csv(path, X, y, yfmt):
    with open(path, "w") as f:
        f.write(",".join("x%d" % j for j in range(X.shape[1])) + ",y\n")
        for row, t in zip(X, y):
            f.write(",".join("%.6g" % v for v in row) + "," + (yfmt % t) + "\n")


def read_csv(path):
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    return data[:, :-1], data[:, -1]


def make_binary(path):
    rng = np.random.RandomState(20240605)
    X = rng.normal(size=(200, 4))
    r = X[:, 0] ** 2 + X[:, 1] ** 2 + 0.3 * rng.normal(size=200)
    y = (r > 1.4).astype(int)
    write_csv(path, X, y, "%d")


def make_linear(path):
    rng = np.random.RandomState(20240607)
    X = rng.normal(size=(200, 4))
    s = X @ np.array([1.0, -0.7, 0.4, 0.0]) + 0.4 * rng.normal(size=200)
    write_csv(path, X, (s > 0.2).astype(int), "%d")


def make_svr(path):
    rng = np.random.RandomState(20240606)
    X = rng.uniform(-2, 2, size=(150, 3))
    y = np.sin(2 * X[:, 0]) + 0.5 * X[:, 1] + 0.1 * rng.normal(size=150)
    write_csv(path, X, y, "%.6g")


def c_array(name, values, fmt="%.17g"):
    body = ", ".join(fmt % v for v in np.ravel(values))
    print("static const %s %s[] = {%s};" % ("double" if fmt != "%d" else "int", name, body))


def emit_svc(name, model, Xt, decision_rows=None):
    dec, intercept = model.decision_function(Xt[:decision_rows]), model.intercept_
    if len(model.classes_) == 2:  # libsvm's sign: positive for class 0
        dec, intercept = -dec, -intercept
    print("/* %s: %s */" % (name, model))
    c_array(name + "_n_support", model.n_support_, "%d")
    c_array(name + "_intercept", intercept)
    c_array(name + "_decision", dec)
    c_array(name + "_predict", model.predict(Xt), "%d")


def emit_svr(name, model, Xt):
    print("/* %s: %s */" % (name, model))
    c_array(name + "_n_support", [len(model.support_)], "%d")
    c_array(name + "_intercept", model.intercept_)
    c_array(name + "_predict", model.predict(Xt))


def main():
    binary = os.path.join(src, "tests", "data", "svm_binary.csv")
    linear = os.path.join(src, "tests", "data", "svm_linear.csv")
    regression = os.path.join(src, "tests", "data", "svr.csv")
    make_binary(binary)
    make_linear(linear)
    make_svr(regression)
    common = dict(C=1.0, tol=1e-3, shrinking=True, cache_size=200)
    ovo = dict(decision_function_shape="ovo")
    print("/* Printed by tests/reference/svm.py (scikit-learn %s). */" % sklearn.__version__)

    X, y = read_csv(binary)
    Xtr, ytr, Xte = X[:160], y[:160].astype(int), X[160:]
    emit_svc("binary_rbf", SVC(kernel="rbf", gamma=0.5, **common).fit(Xtr, ytr), Xte)
    w = 0.5 + (np.arange(160) % 3) / 2.0  # sample weights 0.5, 1, 1.5, ...
    weighted = SVC(kernel="rbf", gamma=0.5, class_weight={0: 2.0, 1: 0.5}, **common)
    emit_svc("binary_weighted", weighted.fit(Xtr, ytr, sample_weight=w), Xte)

    X, y = read_csv(linear)
    Xtr, ytr, Xte = X[:160], y[:160].astype(int), X[160:]
    emit_svc("binary_linear", SVC(kernel="linear", **common).fit(Xtr, ytr), Xte)

    X, y = read_csv(os.path.join(src, "data", "iris.csv"))
    y = y.astype(int)
    Xte = X[::10]
    emit_svc("iris_rbf", SVC(kernel="rbf", gamma=0.25, **ovo, **common).fit(X, y), Xte)
    emit_svc("iris_linear", SVC(kernel="linear", **ovo, **common).fit(X, y), Xte)

    X, y = read_csv(os.path.join(src, "data", "digits.csv"))
    digits = SVC(kernel="rbf", gamma=0.001, **ovo, **common).fit(X, y.astype(int))
    emit_svc("digits_rbf", digits, X[::10], decision_rows=2)

    X, y = read_csv(regression)
    Xtr, ytr, Xte = X[:120], y[:120], X[120:]
    emit_svr("svr_rbf", SVR(kernel="rbf", gamma=0.5, epsilon=0.1, **common).fit(Xtr, ytr), Xte)
    emit_svr("svr_linear", SVR(kernel="linear", epsilon=0.2, **common).fit(Xtr, ytr), Xte)


main()
