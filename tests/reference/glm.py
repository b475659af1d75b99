#!/usr/bin/python3
"""Generated data and reference fits for tests/test-glm.c, from scikit-learn 1.2 and numpy.

Draws two small data sets from a fixed seed and writes them to tests/data/ with 17 significant
digits, so the C test reads exactly the numbers fitted here:
  glm_poisson.csv  300 rows, 4 features, y ~ Poisson(exp(0.3 + Xβ))
  glm_gamma.csv    300 rows, 4 features, y ~ Gamma(shape 2, mean exp(0.5 + Xβ))
Then prints C initialisers of the fitted coefficients, intercepts and diagnostics:
  poisson_a1     PoissonRegressor(alpha=1), the default
  poisson_a1_w   the same with sample_weight 1, 2, 3, 1, 2, 3, … (the test builds it from i % 3)
  poisson_a0     PoissonRegressor(alpha=0), with deviance, null deviance, AIC and standard
                 errors computed here with numpy as R's glm() defines them
  gamma_a1       GammaRegressor(alpha=1) (log link)
  gamma_a0       GammaRegressor(alpha=0), with Pearson dispersion, AIC and standard errors
  tweedie_a01    TweedieRegressor(power=1.5, link="log", alpha=0.1) on the gamma data
  invgauss_a01   TweedieRegressor(power=3, link="log", alpha=0.1) on the gamma data

Every fit uses solver="newton-cholesky" with tol=1e-12 so the numbers are the optimum of
scikit-learn's objective (1/(2 Σw)) Σ w_i d(y_i, μ_i) + (α/2)‖β‖², not where the default lbfgs
happens to stop; each is checked here by the gradient of that objective (below 1e-8, so the
coefficients are within about 1e-8 of the optimum: the inverse Gaussian fit falls back to
lbfgs inside scikit-learn, whose Newton Hessian is indefinite there, and gets to 7e-10).

Run: /usr/bin/python3 tests/reference/glm.py [tests/data]
"""
import sys
import warnings

import numpy as np
import sklearn
from scipy.special import gammaln
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import GammaRegressor, PoissonRegressor, TweedieRegressor

# The inverse Gaussian fit warns that it falls back to lbfgs; the gradient check in fit() decides.
warnings.simplefilter("ignore", ConvergenceWarning)
out_dir = sys.argv[1] if len(sys.argv) > 1 else "tests/data"
rng = np.random.default_rng(20261125)
n, d = 300, 4
beta = np.array([0.5, -0.3, 0.2, 0.0])

X_p = rng.normal(size=(n, d))
y_p = rng.poisson(np.exp(0.3 + X_p @ beta)).astype(float)
X_g = rng.normal(size=(n, d))
y_g = rng.gamma(2.0, np.exp(0.5 + X_g @ beta) / 2.0)
weights = 1.0 + np.arange(n) % 3


def write(name, X, y):
    header = ",".join(["x%d" % j for j in range(d)] + ["y"])
    np.savetxt("%s/%s.csv" % (out_dir, name), np.column_stack([X, y]), fmt="%.17g",
               delimiter=",", header=header, comments="")


def fit(model, X, y, w=None):
    """Fits at tol=1e-12 and checks the gradient of scikit-learn's objective (log link)."""
    model.set_params(solver="newton-cholesky", tol=1e-12, max_iter=1000)
    model.fit(X, y, sample_weight=w)
    mu = model.predict(X)
    w = np.ones(n) if w is None else w
    power = {PoissonRegressor: 1.0, GammaRegressor: 2.0}.get(type(model), None)
    power = model.power if power is None else power
    # ∂/∂η of d(y, μ)/2 with a log link is −(y − μ) μ^(1−p).
    r = -w * (y - mu) * mu ** (1.0 - power) / w.sum()
    grad = np.r_[X.T @ r + model.alpha * model.coef_, r.sum()]
    assert np.abs(grad).max() < 1e-8, np.abs(grad).max()
    return model, mu


def reals(name, values):
    values = np.atleast_1d(values)
    print("static const double %s[] = {%s};" % (name, ", ".join("%.17g" % v for v in values)))


def emit(name, model):
    reals(name + "_coef", model.coef_)
    reals(name + "_intercept", model.intercept_)


def std_errors(X, W, dispersion):
    """√diag(φ (AᵀWA)⁻¹) for A = [X, 1]: coefficients first, intercept last."""
    A = np.column_stack([X, np.ones(n)])
    return np.sqrt(np.diag(np.linalg.inv(A.T @ (A * W[:, None]))) * dispersion)


def poisson_deviance(y, mu):
    ylogy = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0) / mu), 0.0)
    return 2.0 * np.sum(ylogy - (y - mu))


def gamma_deviance(y, mu):
    return 2.0 * np.sum(np.log(mu / y) + (y - mu) / mu)


write("glm_poisson", X_p, y_p)
write("glm_gamma", X_g, y_g)
print("/* scikit-learn %s, tests/reference/glm.py: newton-cholesky, tol=1e-12 */"
      % sklearn.__version__)

emit("poisson_a1", fit(PoissonRegressor(alpha=1.0), X_p, y_p)[0])
emit("poisson_a1_w", fit(PoissonRegressor(alpha=1.0), X_p, y_p, weights)[0])

model, mu = fit(PoissonRegressor(alpha=0.0), X_p, y_p)
emit("poisson_a0", model)
loglik = np.sum(y_p * np.log(mu) - mu - gammaln(y_p + 1.0))
print("/* R's glm(): AIC = −2 loglik + 2 p; standard errors from (XᵀWX)⁻¹, W = μ, φ = 1 */")
reals("poisson_a0_deviance", poisson_deviance(y_p, mu))
reals("poisson_a0_null_deviance", poisson_deviance(y_p, np.full(n, y_p.mean())))
reals("poisson_a0_aic", -2.0 * loglik + 2.0 * (d + 1))
reals("poisson_a0_std_err", std_errors(X_p, mu, 1.0))

emit("gamma_a1", fit(GammaRegressor(alpha=1.0), X_g, y_g)[0])

model, mu = fit(GammaRegressor(alpha=0.0), X_g, y_g)
emit("gamma_a0", model)
dev = gamma_deviance(y_g, mu)
pearson = np.sum((y_g - mu) ** 2 / mu**2) / (n - d - 1)
shape = n / dev  # R's Gamma()$aic: the dispersion is deviance / n there
loglik = np.sum(shape * np.log(shape * y_g / mu) - shape * y_g / mu - np.log(y_g) - gammaln(shape))
print("/* R's glm(): φ = Pearson χ²/(n − p); AIC with φ = deviance/n and + 2 for φ; W = 1 */")
reals("gamma_a0_deviance", dev)
reals("gamma_a0_dispersion", pearson)
reals("gamma_a0_aic", -2.0 * loglik + 2.0 * (d + 2))
reals("gamma_a0_std_err", std_errors(X_g, np.ones(n), pearson))

emit("tweedie_a01", fit(TweedieRegressor(power=1.5, link="log", alpha=0.1), X_g, y_g)[0])
emit("invgauss_a01", fit(TweedieRegressor(power=3.0, link="log", alpha=0.1), X_g, y_g)[0])
