#!/usr/bin/python3
"""Reference outputs for tests/test-preprocessing.c, from scikit-learn 1.2.

Runs StandardScaler, MinMaxScaler, Normalizer, SimpleImputer, OneHotEncoder and
PolynomialFeatures on the small fixed matrices below and on data/wine.csv, and prints the
results as C initialisers with 17 significant digits, ready to paste into the test. The test
builds the same matrices (and the same NaN mask on wine) itself.

Wine is read as 14 columns: the 13 features and the class code (0, 1, 2) last, which the
one-hot test uses as a categorical column. Where plum's layout differs from scikit-learn's
(one_hot keeps the expanded columns in place of the original column; sklearn's
ColumnTransformer would put them first), the script rearranges sklearn's output into plum's
order.

Run: /usr/bin/python3 tests/reference/preprocessing.py [data/wine.csv]
"""
import sys

import numpy as np
import sklearn
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import (
    MinMaxScaler,
    Normalizer,
    OneHotEncoder,
    PolynomialFeatures,
    StandardScaler,
)

path = sys.argv[1] if len(sys.argv) > 1 else "data/wine.csv"
wine = np.loadtxt(path, delimiter=",", skiprows=1)
wine_x = wine[:, :13]
# Rows compared one by one: the first and last row and one from each class boundary.
WINE_ROWS = [0, 59, 130, 177]

# Column 2 is constant: StandardScaler and MinMaxScaler give it scale 1.
small = np.array(
    [
        [1.7, -2.3, 3.1, 7.0],
        [0.4, 4.9, 3.1, -1.2],
        [-3.25, 1.1, 3.1, 2.6],
        [2.0, 0.0, 3.1, 0.0],
        [4.75, -1.5, 3.1, 10.3],
        [0.1, 2.5, 3.1, -6.4],
    ]
)
nan = np.nan
# Column 1 has a tie for most frequent (1 and 3): sklearn takes the smaller.
small_nan = np.array(
    [
        [1.0, nan, 5.0],
        [2.0, 3.0, nan],
        [nan, 3.0, 5.0],
        [2.0, 1.0, 4.0],
        [7.0, 1.0, nan],
        [2.0, nan, 4.0],
    ]
)
# Columns 0 and 2 hold category codes; column 0 never shows code 2.
small_cat = np.array(
    [
        [0.0, 1.5, 2.0],
        [1.0, -0.5, 0.0],
        [3.0, 3.0, 2.0],
        [0.0, 0.25, 1.0],
        [1.0, 2.0, 0.0],
    ]
)


def wine_nan_mask(shape):
    """The cells the test blanks out of wine's features: (13 i + j) mod 7 == 3."""
    i, j = np.indices(shape)
    return (13 * i + j) % 7 == 3


def emit(name, values):
    flat = np.asarray(values, dtype=float).ravel()
    body = ",\n    ".join(
        ", ".join("%.17g" % v for v in flat[k : k + 4]) for k in range(0, len(flat), 4)
    )
    print("static const double %s[%d] = {\n    %s};" % (name, len(flat), body))


def one_hot_in_place(X, columns, drop):
    """sklearn's encoding of `columns`, each block put where its column was."""
    enc = OneHotEncoder(sparse_output=False, drop=drop).fit(X[:, columns])
    encoded = enc.transform(X[:, columns])
    blocks, start = {}, 0
    for c, cats in zip(columns, enc.categories_):
        width = len(cats) - (1 if drop == "first" else 0)
        blocks[c] = encoded[:, start : start + width]
        start += width
    parts = [blocks[j] if j in blocks else X[:, [j]] for j in range(X.shape[1])]
    return np.hstack(parts)


print("/* scikit-learn %s, numpy %s; wine: %s, %d rows */" % (
    sklearn.__version__, np.__version__, path, wine.shape[0]))

print("/* standardize */")
emit("std_small", StandardScaler().fit_transform(small))
emit("std_small_no_mean", StandardScaler(with_mean=False).fit_transform(small))
emit("std_small_no_std", StandardScaler(with_std=False).fit_transform(small))
emit("std_wine_rows", StandardScaler().fit_transform(wine_x)[WINE_ROWS])

print("/* min_max */")
emit("minmax_small", MinMaxScaler().fit_transform(small))
emit("minmax_small_m1_2", MinMaxScaler(feature_range=(-1, 2)).fit_transform(small))
emit("minmax_wine_rows", MinMaxScaler(feature_range=(-1, 2)).fit_transform(wine_x)[WINE_ROWS])

print("/* normalize */")
for norm in ("l1", "l2", "max"):
    emit("norm_small_%s" % norm, Normalizer(norm=norm).fit_transform(small))
emit("norm_wine_rows", Normalizer(norm="l2").fit_transform(wine_x)[WINE_ROWS])

print("/* impute: statistics_ (what a row of NaN becomes) */")
for strategy in ("mean", "median", "most_frequent"):
    emit("impute_small_%s" % strategy, SimpleImputer(strategy=strategy).fit(small_nan).statistics_)
emit("impute_small_constant",
     SimpleImputer(strategy="constant", fill_value=-1.5).fit_transform(small_nan))
wine_holes = wine_x.copy()
wine_holes[wine_nan_mask(wine_x.shape)] = np.nan
for strategy in ("mean", "median", "most_frequent"):
    emit("impute_wine_%s" % strategy, SimpleImputer(strategy=strategy).fit(wine_holes).statistics_)

print("/* one_hot, expanded columns in place */")
emit("onehot_small", one_hot_in_place(small_cat, [0, 2], None))
emit("onehot_small_drop", one_hot_in_place(small_cat, [0, 2], "first"))
# Magnesium (column 4) is integer-valued; the class code is column 13. Column sums check every
# row compactly (category counts in the encoded blocks).
onehot_wine = one_hot_in_place(wine, [4, 13], None)
emit("onehot_wine_colsum", onehot_wine.sum(axis=0))

print("/* polynomial */")
emit("poly_small_d2", PolynomialFeatures(degree=2, include_bias=False).fit_transform(small))
emit("poly_small_d5_inter_bias",
     PolynomialFeatures(degree=5, interaction_only=True, include_bias=True).fit_transform(small))
emit("poly_wine_d3_colsum",
     PolynomialFeatures(degree=3, include_bias=False).fit_transform(wine_x[:, :5]).sum(axis=0))
