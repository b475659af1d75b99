#!/usr/bin/python3
"""Reference numbers for tests/test-gp.c, from scikit-learn 1.2's GaussianProcessRegressor.

Writes a small version of the shared gp workload (a smooth function of 4 inputs on [-2, 2]^4
plus N(0, 0.1^2) noise, as bench/gen_data.py's gen_gp makes it) to tests/data/gp_train.csv
(40 rows) and tests/data/gp_test.csv (10 rows), with 17 significant digits so the C test reads
exactly the numbers used here. Then, for five fixed kernels (optimizer=None), prints the test
predictions, predictive standard deviations and the log marginal likelihood as C initialisers,
and for C*RBF + White with hyperparameters learned by scikit-learn's L-BFGS-B (2 restarts,
random_state=0) the log marginal likelihood it reaches.

Run once from the source tree and paste the output into tests/test-gp.c:
    /usr/bin/python3 tests/reference/gp.py
"""
import math
import os
from random import Random

import numpy as np
import sklearn
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import (RBF, ConstantKernel, DotProduct, Matern,
                                              RationalQuadratic, WhiteKernel)

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data")


def generate(rng, n):
    rows = []
    for _ in range(n):
        x = [-2.0 + 4.0 * rng.random() for _ in range(4)]
        f = (math.sin(1.5 * x[0]) + 0.5 * math.cos(2.0 * x[1]) + 0.3 * x[2] * x[2]
             - 0.4 * x[2] * x[3])
        rows.append(x + [f + rng.gauss(0.0, 0.1)])
    return np.array(rows)


def write(name, data):
    with open(os.path.join(DATA, name), "w", newline="\n") as f:
        f.write("x0,x1,x2,x3,y\n")
        for row in data:
            f.write(",".join("%.17g" % v for v in row) + "\n")


def c_array(name, values):
    body = ", ".join("%.17g" % v for v in values)
    return "static const double %s[] = {%s};" % (name, body)


rng = Random(1006)
train, test = generate(rng, 40), generate(rng, 10)
write("gp_train.csv", train)
write("gp_test.csv", test)
X, y, Xt = train[:, :4], train[:, 4], test[:, :4]

# Each case: C name, the plum kernel (YAML, in the comment the test repeats), sklearn kernel,
# alpha (plum's noise), normalize_y.
CASES = [
    ("fixed", ConstantKernel(1.5) * RBF(0.9) + WhiteKernel(0.05), 1e-10, True),
    ("matern", Matern(length_scale=1.3, nu=2.5), 1e-2, False),
    ("matern32", Matern(length_scale=0.9, nu=1.5), 1e-4, False),
    ("ard", RBF(length_scale=[0.5, 1.0, 2.0, 1.5]), 1e-3, True),
    ("mixed", ConstantKernel(0.7) * RationalQuadratic(length_scale=1.2, alpha=0.8)
     + Matern(length_scale=2.0, nu=0.5) + DotProduct(sigma_0=0.5), 1e-6, True),
]

print("/* Printed by tests/reference/gp.py (scikit-learn %s). */" % sklearn.__version__)
for name, kernel, alpha, normalize in CASES:
    gp = GaussianProcessRegressor(kernel=kernel, alpha=alpha, optimizer=None,
                                  normalize_y=normalize).fit(X, y)
    mean, std = gp.predict(Xt, return_std=True)
    print("/* %s: %s, alpha %g, normalize_y %s */" % (name, gp.kernel_, alpha, normalize))
    print(c_array(name + "_mean", mean))
    print(c_array(name + "_std", std))
    print("static const double %s_lml = %.17g;" % (name, gp.log_marginal_likelihood_value_))

learned = GaussianProcessRegressor(
    kernel=ConstantKernel(1.0) * RBF(1.0) + WhiteKernel(0.01), alpha=1e-10, normalize_y=True,
    n_restarts_optimizer=2, random_state=0).fit(X, y)
print("/* learned: %s */" % learned.kernel_)
print("static const double learned_lml = %.17g;" % learned.log_marginal_likelihood_value_)
