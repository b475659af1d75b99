#!/usr/bin/python3
"""Reference coefficients for tests/test-proof-plugins.c, from scikit-learn 1.2.

Fits LinearRegression, Ridge(alpha=1) and a weighted LinearRegression on the raw (unscaled)
diabetes data shipped in data/diabetes.csv and prints the coefficients and intercepts as C
initialisers with 17 significant digits, ready to paste into the test.

Run: /usr/bin/python3 tests/reference/linear_regression.py [data/diabetes.csv]
"""
import sys

import numpy as np
import sklearn
from sklearn.linear_model import LinearRegression, Ridge

path = sys.argv[1] if len(sys.argv) > 1 else "data/diabetes.csv"
data = np.loadtxt(path, delimiter=",", skiprows=1)
X, y = data[:, :-1], data[:, -1]
# Integer weights 1, 2, 3, 1, 2, 3, …: the test builds the same vector from the row index.
weights = 1.0 + np.arange(len(y)) % 3


def emit(name, model):
    values = ", ".join("%.17g" % v for v in model.coef_)
    print("/* %s */" % name)
    print("static const double %s_coef[] = {%s};" % (name, values))
    print("static const double %s_intercept = %.17g;" % (name, model.intercept_))


print("/* scikit-learn %s, %s: %d rows, %d features */" % (sklearn.__version__, path, *X.shape))
emit("ols", LinearRegression().fit(X, y))
emit("ridge1", Ridge(alpha=1.0).fit(X, y))
emit("wls", LinearRegression().fit(X, y, sample_weight=weights))
