#!/usr/bin/python3
"""Reference outputs for tests/test-pca-nb-knn.c, from scikit-learn 1.2.

Fits PCA, GaussianNB, BernoulliNB, MultinomialNB, KNeighborsClassifier and KNeighborsRegressor
on the data sets of data/ and on the small matrix below, and prints the results as C
initialisers with 17 significant digits, ready to paste into the test, which builds the same
inputs itself:
  - PCA on wine (all components; and its first 6 rows, wider than tall), digits (20
    components; a 0.9 variance fraction),
    breast_cancer (explained variances only: ill-conditioned, unscaled) and `small`
    (a constant column and repeated rows: rank 3, the fourth direction has no variance, and
    its component, arbitrary up to rounding, is left out of the comparison);
  - naive Bayes joint log-likelihoods (sklearn's predict_joint_log_proba) of every 10th row of
    iris and wine (Gaussian) and every 100th row of digits (Bernoulli, multinomial), and the
    log p(x) of those rows (logsumexp of the joint);
  - kNN labels on iris fitted on the even rows and queried with the odd rows, for k = 1, 3, 5, 10
    and uniform and distance weights (sklearn's kd_tree; its brute force gives the same), the
    probabilities of two of those, labels for manhattan and minkowski p = 3, digits labels (64
    features: plum's GEMM brute force), and diabetes regression values (fit on rows 0..299,
    queried with rows 300..441).

Run: /usr/bin/python3 tests/reference/pca_nb_knn.py [DATA_DIR]
"""
import sys

import numpy as np
import sklearn
from scipy.special import logsumexp
from sklearn.decomposition import PCA
from sklearn.naive_bayes import BernoulliNB, GaussianNB, MultinomialNB
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor

data_dir = sys.argv[1] if len(sys.argv) > 1 else "data"


def load(name):
    d = np.loadtxt("%s/%s.csv" % (data_dir, name), delimiter=",", skiprows=1)
    return d[:, :-1], d[:, -1]


def emit(name, values):
    flat = np.asarray(values, dtype=float).ravel()
    body = ",\n    ".join(
        ", ".join("%.17g" % v for v in flat[k : k + 4]) for k in range(0, len(flat), 4)
    )
    print("static const double %s[%d] = {\n    %s};" % (name, len(flat), body))


def emit_labels(name, values):
    flat = np.asarray(values, dtype=int).ravel()
    body = ",\n    ".join(
        ", ".join("%d" % v for v in flat[k : k + 25]) for k in range(0, len(flat), 25)
    )
    print("static const int %s[%d] = {\n    %s};" % (name, len(flat), body))


iris_x, iris_y = load("iris")
wine_x, wine_y = load("wine")
digits_x, digits_y = load("digits")
diabetes_x, diabetes_y = load("diabetes")

# Column 2 is constant; rows 4 and 5 repeat rows 0 and 1.
small = np.array(
    [
        [1.7, -2.3, 3.1, 7.0],
        [0.4, 4.9, 3.1, -1.2],
        [-3.25, 1.1, 3.1, 2.6],
        [2.0, 0.0, 3.1, 0.0],
        [1.7, -2.3, 3.1, 7.0],
        [0.4, 4.9, 3.1, -1.2],
    ]
)
WINE_ROWS = [0, 59, 130, 177]

print("/* scikit-learn %s, numpy %s; data: %s */" % (sklearn.__version__, np.__version__, data_dir))

print("/* pca */")
pca = PCA(svd_solver="full").fit(wine_x)
emit("pca_wine_components", pca.components_)
emit("pca_wine_variance", pca.explained_variance_)
emit("pca_wine_ratio", pca.explained_variance_ratio_)
emit("pca_wine_singular", pca.singular_values_)
pca = PCA(n_components=5, whiten=True, svd_solver="full").fit(wine_x)
emit("pca_wine_whiten_rows", pca.transform(wine_x)[WINE_ROWS])
# Wider than tall: 6 rows, 13 features, so rank 5 after centring.
pca = PCA(svd_solver="full").fit(wine_x[:6])
emit("pca_wine6_components", pca.components_[:5])
emit("pca_wine6_variance", pca.explained_variance_)
pca = PCA(n_components=20, svd_solver="full").fit(digits_x)
emit("pca_digits_components", pca.components_)
emit("pca_digits_variance", pca.explained_variance_)
emit("pca_digits_ratio", pca.explained_variance_ratio_)
# Unscaled features spanning 1e-4..1e3: the covariance route would lose digits here.
breast_x, _ = load("breast_cancer")
emit("pca_breast_variance", PCA(svd_solver="full").fit(breast_x).explained_variance_)
print("static const size_t pca_digits_n_for_0_9 = %d;" %
      PCA(n_components=0.9, svd_solver="full").fit(digits_x).n_components_)
pca = PCA(svd_solver="full").fit(small)
print("/* small: rank 3; the fourth explained variance is %.3g */" %
      pca.explained_variance_[3])
emit("pca_small_components", pca.components_[:3])
emit("pca_small_variance", pca.explained_variance_)


def joint(model, X, rows):
    jll = model.predict_joint_log_proba(X[rows])
    return jll, logsumexp(jll, axis=1)


print("/* naive Bayes: joint log-likelihoods and log p(x) of the rows named */")
IRIS_ROWS = list(range(0, 150, 10))
WINE_NB_ROWS = list(range(0, 178, 10))
DIGITS_ROWS = list(range(0, 1797, 100))
cases = [
    ("gnb_iris", GaussianNB().fit(iris_x, iris_y), iris_x, IRIS_ROWS),
    ("gnb_wine", GaussianNB(priors=[0.2, 0.3, 0.5], var_smoothing=1e-2).fit(wine_x, wine_y),
     wine_x, WINE_NB_ROWS),
    ("bnb_digits", BernoulliNB().fit(digits_x, digits_y), digits_x, DIGITS_ROWS),
    ("bnb_digits_b", BernoulliNB(alpha=0.5, binarize=7.5, class_prior=[0.1] * 10)
     .fit(digits_x, digits_y), digits_x, DIGITS_ROWS),
    ("mnb_digits", MultinomialNB().fit(digits_x, digits_y), digits_x, DIGITS_ROWS),
    ("mnb_digits_b", MultinomialNB(alpha=0.1, class_prior=[0.05] * 5 + [0.15] * 5)
     .fit(digits_x, digits_y), digits_x, DIGITS_ROWS),
]
for name, model, X, rows in cases:
    jll, lpx = joint(model, X, rows)
    emit("%s_jll" % name, jll)
    emit("%s_lpx" % name, lpx)

print("/* knn on iris: fit on the even rows, query the odd rows */")
even, odd = np.arange(0, 150, 2), np.arange(1, 150, 2)
for k in (1, 3, 5, 10):
    for weights in ("uniform", "distance"):
        model = KNeighborsClassifier(n_neighbors=k, weights=weights, algorithm="kd_tree")
        model.fit(iris_x[even], iris_y[even])
        emit_labels("knn_iris_k%d_%s" % (k, weights), model.predict(iris_x[odd]))
        if (k, weights) in ((10, "uniform"), (5, "distance")):
            emit("knn_iris_k%d_%s_proba" % (k, weights), model.predict_proba(iris_x[odd]))
for metric, p in (("manhattan", 2), ("minkowski", 3)):
    model = KNeighborsClassifier(n_neighbors=5, metric=metric, p=p, algorithm="kd_tree")
    emit_labels("knn_iris_%s" % metric, model.fit(iris_x[even], iris_y[even]).predict(iris_x[odd]))
even, odd = np.arange(0, 1797, 2), np.arange(1, 1797, 2)
model = KNeighborsClassifier(n_neighbors=5, algorithm="brute").fit(digits_x[even], digits_y[even])
emit_labels("knn_digits_k5", model.predict(digits_x[odd]))

print("/* knn regression on diabetes: fit on rows 0..299, query rows 300..441 */")
for weights in ("uniform", "distance"):
    model = KNeighborsRegressor(n_neighbors=5, weights=weights, algorithm="kd_tree")
    model.fit(diabetes_x[:300], diabetes_y[:300])
    emit("knn_diabetes_%s" % weights, model.predict(diabetes_x[300:]))
