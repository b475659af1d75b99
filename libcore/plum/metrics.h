/* plum/metrics.h — evaluation metrics, by name.
 *
 * Metrics are looked up by the names a pipeline's `evaluate.metrics` uses. Each knows the task
 * it applies to and what it needs (labels, class probabilities, real predictions, features for
 * clustering scores). Classification labels are class indices 0..n_classes-1 stored as doubles;
 * clustering labels are cluster ids (-1 = noise).
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
} PlumMetricInfo;

/* NULL-terminated list of every metric. */
const PlumMetricInfo *plum_metric_list(size_t *n_out);
/* (transfer none) NULL when unknown. */
const PlumMetricInfo *plum_metric_find(const char *name);
/* Fails on an unknown name (with a did-you-mean), missing inputs, or undefined values (e.g.
 * ROC AUC with one class present). */
gboolean plum_metric_compute(const char *name, const PlumMetricInput *in, double *out,
                             GError **error);

/* Confusion matrix: counts[i * n_classes + j] = rows of true class i predicted as j. */
void plum_confusion_matrix(const double *y_true, const double *y_pred, size_t n,
                           size_t n_classes, gint64 *counts);

/* Splitting ---------------------------------------------------------------------------------- */

struct PlumRng;

/* A holdout split of n rows: test_fraction of them (at least one each side) go to the test
 * indices; stratified by class when labels != NULL (each class split in proportion). Row
 * order is shuffled with rng. Outputs are allocated (g_free). */
gboolean plum_split_holdout(size_t n, const double *labels, size_t n_classes,
                            double test_fraction, struct PlumRng *rng, size_t **train_out,
                            size_t *n_train_out, size_t **test_out, size_t *n_test_out,
                            GError **error);
/* k folds of n rows: fold_of[i] in 0..k-1 for every row; stratified when labels != NULL
 * (scikit-learn StratifiedKFold semantics: class counts spread evenly over folds). Fails when
 * k < 2 or k > n (or, stratified, when a class has fewer than... rows is allowed but warned in
 * the message). */
gboolean plum_split_kfold(size_t n, const double *labels, size_t n_classes, size_t k,
                          struct PlumRng *rng, size_t *fold_of, GError **error);

G_END_DECLS

#endif /* PLUM_METRICS_H */
