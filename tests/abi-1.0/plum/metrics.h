/* plum/metrics.h — evaluation metrics, by name.
 *
 * Metrics are looked up by the names a pipeline's `evaluate.metrics` uses. Each knows the task
 * it applies to and what it needs (labels, class probabilities, real predictions, features for
 * clustering scores). Classification labels are class indices 0..n_classes-1 stored as doubles;
 * clustering labels are integral cluster ids (-1 = noise).
 *
 * Every metric follows scikit-learn 1.2's definition of the same name: precision, recall and F1
 * count 0/0 as 0 (zero_division=0); macro and weighted averages run over the classes present in
 * y_true or y_pred; roc_auc is binary on probability column 1, one-vs-rest macro beyond two
 * classes; log_loss clips probabilities to [eps, 1 - eps] with eps = DBL_EPSILON (1.2's "auto")
 * and renormalizes each row; r2 and explained_variance are 1 for a perfect fit of a constant
 * target and 0 for an imperfect one. Clustering: inertia leaves noise (-1) out, while silhouette
 * and adjusted_rand treat -1 as one more label, as scikit-learn does.
 */
#ifndef PLUM_METRICS_H
#define PLUM_METRICS_H

#include <stddef.h>
#include <glib.h>
#include <plum/matrix.h>

G_BEGIN_DECLS

typedef enum {
  PLUM_TASK_CLASSIFICATION = 1,
  PLUM_TASK_REGRESSION,
  PLUM_TASK_CLUSTERING,
  PLUM_TASK_ANY, /* needs only what any model may report (log_likelihood) */
} PlumTask;

/* What a metric is computed from; unused fields may be NULL. */
typedef struct PlumMetricInput {
  const double *y_true;     /* n: class indices, real targets, or true cluster ids */
  const double *y_pred;     /* n: predicted class indices, real predictions, or cluster ids */
  const PlumMatrix *proba;  /* n x n_classes class probabilities (nullable) */
  size_t n;
  size_t n_classes;         /* classification */
  const PlumMatrix *X;      /* clustering scores that need the points (silhouette, inertia) */
  const double *log_likelihood; /* per-sample log-likelihoods (nullable) */
} PlumMetricInput;

typedef struct PlumMetricInfo {
  const char *name;    /* e.g. "f1_macro" */
  PlumTask task;
  gboolean needs_proba;
  gboolean higher_is_better;
  const char *doc;
  /* Which PlumMetricInput fields the metric reads (needs_proba above is the proba field). */
  gboolean needs_y_true;
  gboolean needs_y_pred;
  gboolean needs_features;       /* X */
  gboolean needs_log_likelihood;
} PlumMetricInfo;

/* Every metric, *n_out of them, followed by an entry whose name is NULL (transfer none). */
const PlumMetricInfo *plum_metric_list(size_t *n_out);
/* (transfer none) NULL when unknown. */
const PlumMetricInfo *plum_metric_find(const char *name);
/* Fails on an unknown name (PLUM_CONFIG_ERROR_UNKNOWN_KEY, with a did-you-mean), an input the
 * metric reads that is NULL (PLUM_CONFIG_ERROR_CAPABILITY), no rows or a wrong shape
 * (PLUM_DATA_ERROR_SHAPE), NaN or Inf (PLUM_DATA_ERROR_NONFINITE), labels that are not class
 * indices or cluster ids, or a value that is undefined, e.g. ROC AUC with one class present or
 * R² of one row (PLUM_DATA_ERROR_INVALID). Messages start with "metric 'NAME': ". */
gboolean plum_metric_compute(const char *name, const PlumMetricInput *in, double *out,
                             GError **error);

/* Confusion matrix: counts[i * n_classes + j] = rows of true class i predicted as j. All
 * n_classes^2 counts are written; a row whose labels are not class indices below n_classes is
 * not counted. */
void plum_confusion_matrix(const double *y_true, const double *y_pred, size_t n,
                           size_t n_classes, gint64 *counts);

/* Splitting ---------------------------------------------------------------------------------- */

struct PlumRng;

/* A holdout split of n rows: ceil(test_fraction * n) of them, as scikit-learn's
 * train_test_split, but at least one row on each side, go to the test indices; stratified by
 * class when labels != NULL (each class gives its exact share rounded down or up, largest
 * remainders first). Both sides come back shuffled with rng. Outputs are allocated (g_free) and
 * left untouched on failure. Fails when test_fraction is not inside (0, 1), n < 2, or a label is
 * not a class index. */
gboolean plum_split_holdout(size_t n, const double *labels, size_t n_classes,
                            double test_fraction, struct PlumRng *rng, size_t **train_out,
                            size_t *n_train_out, size_t **test_out, size_t *n_test_out,
                            GError **error);
/* k folds of n rows: fold_of[i] in 0..k-1 for every row (caller-allocated, n entries); fold
 * sizes differ by at most one. Stratified when labels != NULL (scikit-learn StratifiedKFold
 * semantics: each class's shuffled rows are dealt over the folds in turn, so a class's count in
 * two folds differs by at most one); a class with fewer than k rows is allowed and simply
 * missing from some folds. Fails when k < 2 or k > n. */
gboolean plum_split_kfold(size_t n, const double *labels, size_t n_classes, size_t k,
                          struct PlumRng *rng, size_t *fold_of, GError **error);

G_END_DECLS

#endif /* PLUM_METRICS_H */
