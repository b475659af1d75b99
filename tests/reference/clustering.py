#!/usr/bin/python3
"""Generated data and reference clusterings for tests/test-clustering.c, from scikit-learn 1.2.

Draws two small data sets from a fixed seed and writes them to tests/data/ with 17 significant
digits, so the C test reads exactly the numbers clustered here:
  clusters.csv  300 rows, 3 features: 4 overlapping Gaussian blobs (y = the blob)
  dbscan.csv    211 rows, 2 features: 3 blobs, 30 uniform noise rows and one row midway
                between two blobs (y = the blob, -1 for noise and that row)
Then prints C initialisers (labels, inertia or mean log-likelihood, iteration counts…):
  km_first    KMeans(4, init = the first 4 rows), default tol 1e-4 and max_iter 300
  km_short    the same with tol = 0 and max_iter = 3 (stops on max_iter, labels recomputed)
  km_empty    KMeans(4, init = km_empty_init), one centre far from every row: its cluster is
              empty after the first assignment and is re-seeded with the farthest row
  km_predict  predict of the km_first model on km_new (6 rows)
Each k-means case is computed with algorithm "lloyd" and "elkan" and checked equal here.
  gmm_<type>  GaussianMixture(4, covariance_type = type, means = the first 4 rows, uniform
              weights, identity precisions, max_iter = 20, tol = 0): score(X) (the mean
              log-likelihood under the final parameters), lower_bound_, bic, aic, predict, and
              score_samples / predict_proba of the first 5 rows
  gmm_conv    the full model with the default tol (1e-3) and max_iter 100: n_iter, converged
  gmm_given   full, with means_init, weights_init and precisions_init as printed
  db_<case>   DBSCAN labels: eps 0.5 / min_samples 5 (euclidean), 0.6 / 6 (manhattan), 0.3 / 1
              and 0.05 / 3 (mostly noise); the first case has a border row within eps of core rows
              of two clusters (checked here), which joins the cluster found first

Run: /usr/bin/python3 tests/reference/clustering.py [tests/data]
"""
import sys

import numpy as np
import sklearn
from sklearn.cluster import DBSCAN, KMeans
from sklearn.mixture import GaussianMixture

out_dir = sys.argv[1] if len(sys.argv) > 1 else "tests/data"
rng = np.random.default_rng(20261126)

# clusters.csv: 4 blobs in 3-d with growing spread, shuffled.
k, d = 4, 3
centres = rng.uniform(-4, 4, size=(k, d))
sizes = [90, 80, 70, 60]
X = np.vstack([rng.normal(centres[c], 1.0 + 0.25 * c, size=(sizes[c], d)) for c in range(k)])
y = np.repeat(np.arange(k), sizes)
perm = rng.permutation(len(y))
X, y = X[perm], y[perm]

# dbscan.csv: 3 blobs and uniform noise, then one row midway between the closest core rows of
# the first two clusters, when they are at most 2 eps apart: a border row of both.
Z = np.vstack([rng.normal(c, 0.4, size=(60, 2)) for c in ([0.0, 0.0], [2.4, 0.0], [-1.0, 3.0])]
              + [rng.uniform(-4, 5, size=(30, 2))])
z_label = np.concatenate([np.repeat([0, 1, 2], 60), np.full(30, -1)])
probe = DBSCAN(eps=0.5, min_samples=5).fit(Z)
core_of = [[i for i in probe.core_sample_indices_ if probe.labels_[i] == c] for c in (0, 1)]
gap = np.sqrt(((Z[core_of[0]][:, None] - Z[core_of[1]][None]) ** 2).sum(-1))
a, b = np.unravel_index(gap.argmin(), gap.shape)
assert gap[a, b] <= 1.0, "the first two clusters are too far apart for a shared border row"
Z = np.vstack([Z, (Z[core_of[0][a]] + Z[core_of[1][b]]) / 2])
z_label = np.append(z_label, -1)

def write(name, A, labels):
    header = ",".join(["x%d" % j for j in range(A.shape[1])] + ["y"])
    np.savetxt("%s/%s.csv" % (out_dir, name), np.column_stack([A, labels]), fmt="%.17g",
               delimiter=",", header=header, comments="")


write("clusters", X, y)
write("dbscan", Z, z_label)


def c_array(ctype, name, values, fmt):
    body = ", ".join(fmt % v for v in np.ravel(values))
    print("static const %s %s[] = {%s};" % (ctype, name, body))


def reals(name, values):
    c_array("double", name, values, "%.17g")


def ints(name, values):
    c_array("int", name, values, "%d")


def kmeans(name, init, **kw):
    fits = [KMeans(k, init=init, n_init=1, algorithm=a, **kw).fit(X) for a in ("lloyd", "elkan")]
    a, b = fits
    assert np.array_equal(a.labels_, b.labels_) and a.n_iter_ == b.n_iter_
    assert abs(a.inertia_ - b.inertia_) <= 1e-12 * a.inertia_
    print("/* %s: n_iter %d */" % (name, a.n_iter_))
    ints(name + "_labels", a.labels_)
    reals(name + "_inertia", [a.inertia_])
    ints(name + "_n_iter", [a.n_iter_])
    reals(name + "_centers", a.cluster_centers_)
    return a


print("/* scikit-learn %s, tests/reference/clustering.py */" % sklearn.__version__)
first = kmeans("km_first", X[:k])
kmeans("km_short", X[:k], tol=0.0, max_iter=3)
empty_init = np.vstack([X[:3], [[40.0, 40.0, 40.0]]])
reals("km_empty_init", empty_init)
kmeans("km_empty", empty_init)
km_new = rng.uniform(-6, 6, size=(6, d))
reals("km_new", km_new)
ints("km_predict", first.predict(km_new))

identity = {"full": np.stack([np.eye(d)] * k), "tied": np.eye(d), "diag": np.ones((k, d)),
            "spherical": np.ones(k)}


def gmm(name, cov, **kw):
    g = GaussianMixture(k, covariance_type=cov, reg_covar=1e-6, n_init=1, init_params="random",
                        random_state=0, **kw).fit(X)
    print("/* %s: n_iter %d, converged %d */" % (name, g.n_iter_, g.converged_))
    reals(name + "_score", [g.score(X)])
    reals(name + "_lower_bound", [g.lower_bound_])
    reals(name + "_bic", [g.bic(X)])
    reals(name + "_aic", [g.aic(X)])
    ints(name + "_n_iter", [g.n_iter_])
    ints(name + "_labels", g.predict(X))
    reals(name + "_loglik5", g.score_samples(X[:5]))
    reals(name + "_proba5", g.predict_proba(X[:5]))
    return g


first_init = {"weights_init": np.full(k, 1.0 / k), "means_init": X[:k]}
for cov in ("full", "diag", "spherical", "tied"):
    gmm("gmm_" + cov, cov, max_iter=20, tol=0.0, precisions_init=identity[cov], **first_init)
conv = gmm("gmm_conv", "full", max_iter=100, precisions_init=identity["full"], **first_init)
assert conv.converged_
given_means = centres + 0.5
given_weights = np.array([0.4, 0.3, 0.2, 0.1])
given_prec = np.stack([np.diag([1.0, 2.0, 0.5]) + 0.1, np.eye(d) * 0.8, np.eye(d) * 1.5,
                       np.eye(d)])
reals("gmm_given_means", given_means)
reals("gmm_given_weights", given_weights)
reals("gmm_given_precisions", given_prec)
gmm("gmm_given", "full", max_iter=20, tol=0.0, weights_init=given_weights,
    means_init=given_means, precisions_init=given_prec)


def dbscan(name, eps, min_samples, metric):
    db = DBSCAN(eps=eps, min_samples=min_samples, metric=metric).fit(Z)
    print("/* %s: %d clusters, %d noise rows, %d core rows */" % (
        name, db.labels_.max() + 1, np.sum(db.labels_ == -1), len(db.core_sample_indices_)))
    ints(name + "_labels", db.labels_)
    return db


db = dbscan("db_euclid", 0.5, 5, "euclidean")
core = np.zeros(len(Z), bool)
core[db.core_sample_indices_] = True
dist = np.sqrt(((Z[:, None, :] - Z[None, :, :]) ** 2).sum(-1))
shared = [i for i in range(len(Z)) if not core[i]
          and len(set(db.labels_[(dist[i] <= 0.5) & core])) > 1]
assert shared, "no border row between two clusters"
print("/* db_euclid: border rows within eps of two clusters: %s */" % shared)
dbscan("db_manhattan", 0.6, 6, "manhattan")
dbscan("db_single", 0.3, 1, "euclidean")
dbscan("db_noise", 0.05, 3, "euclidean")
