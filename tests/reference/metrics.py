#!/usr/bin/python3
"""Reference values for tests/test-metrics.c, from scikit-learn 1.2.

Every input below is written out literally in tests/test-metrics.c as well; keep the two in
step. The script prints each metric with 17 significant digits as a C initialiser, ready to
paste into the test.

Run: /usr/bin/python3 tests/reference/metrics.py
"""
import numpy as np
import sklearn
from sklearn import metrics

# Binary labels with a zero-division case in the second prediction set (class 1 never
# predicted), and probabilities with tied scores across both classes.
BIN_TRUE = [0, 1, 1, 0, 1, 0, 0, 1, 1, 0]
BIN_PRED = [0, 1, 0, 0, 1, 1, 0, 1, 0, 0]
BIN_PRED_NONE = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
BIN_P1 = [0.1, 0.8, 0.4, 0.4, 0.9, 0.6, 0.2, 0.8, 0.4, 0.0]

# Four classes; class 3 never occurs in y_true and class 2 is never predicted, so the macro
# averages run over classes present in only one of the two.
MC_TRUE = [0, 1, 2, 2, 1, 0, 1, 2, 0, 1, 2, 0]
MC_PRED = [0, 1, 1, 3, 1, 0, 0, 1, 3, 1, 0, 0]

# Three-class probabilities (rows sum to 1) with ties within each column, and one row giving
# probability 0 to its true class so log_loss's clipping matters.
P3_TRUE = [0, 1, 2, 0, 1, 2, 0, 1, 2]
P3 = [
    [0.6, 0.3, 0.1],
    [0.2, 0.5, 0.3],
    [0.2, 0.3, 0.5],
    [0.3, 0.3, 0.4],
    [0.3, 0.3, 0.4],
    [0.1, 0.1, 0.8],
    [0.0, 0.5, 0.5],
    [0.6, 0.3, 0.1],
    [0.3, 0.2, 0.5],
]

REG_TRUE = [3.0, -0.5, 2.0, 7.0, 4.25, 0.0, 1.5, 10.0]
REG_PRED = [2.5, 0.0, 2.0, 8.0, 4.0, 0.5, 1.0, 9.0]
# Poisson targets include zeros.
POI_TRUE = [0.0, 1.0, 3.0, 0.0, 2.0, 5.0, 1.0]
POI_PRED = [0.5, 1.2, 2.5, 0.1, 2.0, 4.0, 1.5]

# Clustering: 2-D points, predicted ids with a noise label -1 and a singleton cluster (7).
CL_X = [
    [0.0, 0.0],
    [0.5, 0.2],
    [0.1, 0.9],
    [5.0, 5.0],
    [5.5, 4.8],
    [4.9, 5.3],
    [9.0, 0.0],
    [2.0, 2.5],
    [0.3, 0.4],
    [5.2, 5.1],
]
CL_TRUE = [0, 0, 0, 1, 1, 1, 2, 2, 0, 1]
CL_PRED = [4, 4, 4, 2, 2, 2, 7, -1, 4, -1]


def emit(name, value):
    print("  {\"%s\", %.17g}," % (name, value))


print("/* scikit-learn %s (tests/reference/metrics.py) */" % sklearn.__version__)
print("/* binary */")
for avg in ["binary", "macro", "micro", "weighted"]:
    suffix = "" if avg == "binary" else "_" + avg
    emit("precision" + suffix, metrics.precision_score(BIN_TRUE, BIN_PRED, average=avg,
                                                       zero_division=0))
    emit("recall" + suffix, metrics.recall_score(BIN_TRUE, BIN_PRED, average=avg,
                                                 zero_division=0))
    emit("f1" + suffix, metrics.f1_score(BIN_TRUE, BIN_PRED, average=avg, zero_division=0))
emit("accuracy", metrics.accuracy_score(BIN_TRUE, BIN_PRED))
emit("balanced_accuracy", metrics.balanced_accuracy_score(BIN_TRUE, BIN_PRED))
p1 = np.array(BIN_P1)
emit("roc_auc", metrics.roc_auc_score(BIN_TRUE, p1))
emit("log_loss", metrics.log_loss(BIN_TRUE, np.column_stack([1 - p1, p1]), labels=[0, 1]))

print("/* binary, class 1 never predicted (zero division) */")
for name, fn in [("precision", metrics.precision_score), ("recall", metrics.recall_score),
                 ("f1", metrics.f1_score)]:
    emit(name, fn(BIN_TRUE, BIN_PRED_NONE, zero_division=0))
    emit(name + "_macro", fn(BIN_TRUE, BIN_PRED_NONE, average="macro", zero_division=0))

print("/* four classes, 3 absent from y_true, 2 never predicted */")
for avg in ["macro", "micro", "weighted"]:
    emit("precision_" + avg, metrics.precision_score(MC_TRUE, MC_PRED, average=avg,
                                                     zero_division=0))
    emit("recall_" + avg, metrics.recall_score(MC_TRUE, MC_PRED, average=avg, zero_division=0))
    emit("f1_" + avg, metrics.f1_score(MC_TRUE, MC_PRED, average=avg, zero_division=0))
emit("accuracy", metrics.accuracy_score(MC_TRUE, MC_PRED))
emit("balanced_accuracy", metrics.balanced_accuracy_score(MC_TRUE, MC_PRED))
print("/* confusion matrix, labels 0..3 */")
print("  " + ", ".join(str(v) for v in
                       metrics.confusion_matrix(MC_TRUE, MC_PRED, labels=[0, 1, 2, 3]).ravel()))

print("/* three-class probabilities */")
emit("roc_auc", metrics.roc_auc_score(P3_TRUE, np.array(P3), multi_class="ovr"))
emit("log_loss", metrics.log_loss(P3_TRUE, np.array(P3), labels=[0, 1, 2]))

print("/* regression */")
emit("mse", metrics.mean_squared_error(REG_TRUE, REG_PRED))
emit("rmse", metrics.mean_squared_error(REG_TRUE, REG_PRED, squared=False))
emit("mae", metrics.mean_absolute_error(REG_TRUE, REG_PRED))
emit("r2", metrics.r2_score(REG_TRUE, REG_PRED))
emit("explained_variance", metrics.explained_variance_score(REG_TRUE, REG_PRED))
emit("mean_poisson_deviance", metrics.mean_poisson_deviance(POI_TRUE, POI_PRED))
print("/* regression, constant target */")
emit("r2 (exact)", metrics.r2_score([2.0, 2.0, 2.0], [2.0, 2.0, 2.0]))
emit("r2 (inexact)", metrics.r2_score([2.0, 2.0, 2.0], [2.0, 2.5, 2.0]))
emit("explained_variance (bias only)",
     metrics.explained_variance_score([1.0, 2.0, 3.0], [2.0, 3.0, 4.0]))

print("/* clustering */")
X = np.array(CL_X)
labels = np.array(CL_PRED)
inertia = 0.0
for c in np.unique(labels):
    if c == -1:
        continue
    rows = X[labels == c]
    inertia += ((rows - rows.mean(axis=0)) ** 2).sum()
emit("inertia", inertia)
emit("silhouette", metrics.silhouette_score(X, labels))
emit("adjusted_rand", metrics.adjusted_rand_score(CL_TRUE, CL_PRED))
