/* metrics.c — evaluation metrics by name, and the holdout and k-fold splits that feed them.
 * Each metric reproduces scikit-learn 1.2's function of the same name, edge cases included
 * (zero_division=0, averages over the classes present, r2's force_finite, silhouette's 0 for
 * singleton clusters), so a score plum prints can be checked against a notebook; where
 * scikit-learn answers NaN with a warning, plum fails with an error instead. Inputs are checked
 * once, centrally, from what each metric's table entry says it reads, so a compute function
 * only ever sees finite values of the right shape. The splits group rows by class and shuffle
 * each group with the caller's PlumRng, which makes a stratified split and a plain one (all rows
 * in one group) the same code.
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <plum/config.h>
#include <plum/error.h>
#include <plum/metrics.h>
#include <plum/rng.h>

/* Silhouette works on row blocks of the distance matrix of about this many elements (8 MiB). */
#define SILHOUETTE_BLOCK_ELEMENTS ((size_t)1 << 20)
/* Below this many distances per block, threads cost more than they save. */
#define SILHOUETTE_PARALLEL_MIN ((size_t)1 << 14)

typedef enum { SCORE_PRECISION, SCORE_RECALL, SCORE_F1 } Score;
typedef enum { AVERAGE_BINARY, AVERAGE_MACRO, AVERAGE_MICRO, AVERAGE_WEIGHTED } Average;

typedef struct Metric Metric;
typedef gboolean (*MetricFn)(const Metric *m, const PlumMetricInput *in, double *out,
                             GError **error);

struct Metric {
  PlumMetricInfo info;
  MetricFn compute;
  Score score;     /* precision/recall/F1 only */
  Average average; /* precision/recall/F1 only */
};

/* Input checks ------------------------------------------------------------------------------- */

static gboolean
is_class_index(double v, size_t n_classes)
{
  return v >= 0.0 && v < (double)n_classes && v == floor(v);
}

static gboolean
check_class_labels(const double *v, size_t n, size_t n_classes, const char *what, GError **error)
{
  if (n_classes == 0) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                "%s cannot hold class indices: n_classes is 0", what);
    return FALSE;
  }
  for (size_t i = 0; i < n; i++) {
    if (!is_class_index(v[i], n_classes)) {
      g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                  "%s[%zu] = %g is not a class index in 0..%zu", what, i, v[i], n_classes - 1);
      return FALSE;
    }
  }
  return TRUE;
}

/* Cluster ids are any integers; beyond 2^53 a double no longer tells neighbours apart. */
static gboolean
check_cluster_ids(const double *v, size_t n, const char *what, GError **error)
{
  for (size_t i = 0; i < n; i++) {
    if (v[i] != floor(v[i]) || fabs(v[i]) > 0x1p53) {
      g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                  "%s[%zu] = %g is not an integral cluster id", what, i, v[i]);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
missing_input(const char *what, GError **error)
{
  g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_CAPABILITY,
              "needs %s, which was not given", what);
  return FALSE;
}

/* A vector the metric reads: given, and finite throughout. */
static gboolean
check_vector(gboolean needed, const double *v, size_t n, const char *what, GError **error)
{
  if (!needed)
    return TRUE;
  if (v == NULL)
    return missing_input(what, error);
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(v[i])) {
      g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_NONFINITE,
                  "%s[%zu] is %g, not a finite number", what, i, v[i]);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
check_matrix(gboolean needed, const PlumMatrix *m, size_t rows, size_t cols, const char *what,
             GError **error)
{
  if (!needed)
    return TRUE;
  if (m == NULL)
    return missing_input(what, error);
  return plum_matrix_check_shape(m, rows, cols, what, error) &&
         plum_matrix_check_finite(m, what, error);
}

/* Labels must be class indices for classification, integral ids for clustering. */
static gboolean
check_labels(const PlumMetricInfo *info, const double *v, const char *what,
             const PlumMetricInput *in, GError **error)
{
  if (v == NULL)
    return TRUE;
  if (info->task == PLUM_TASK_CLASSIFICATION)
    return check_class_labels(v, in->n, in->n_classes, what, error);
  if (info->task == PLUM_TASK_CLUSTERING)
    return check_cluster_ids(v, in->n, what, error);
  return TRUE;
}

static gboolean
check_inputs(const PlumMetricInfo *info, const PlumMetricInput *in, GError **error)
{
  if (in->n == 0) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE, "there are no rows to score");
    return FALSE;
  }
  if (info->needs_proba && in->n_classes == 0) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                "class probabilities need n_classes > 0");
    return FALSE;
  }
  const double *y_true = info->needs_y_true ? in->y_true : NULL;
  const double *y_pred = info->needs_y_pred ? in->y_pred : NULL;
  return check_vector(info->needs_y_true, in->y_true, in->n, "y_true", error) &&
         check_vector(info->needs_y_pred, in->y_pred, in->n, "y_pred", error) &&
         check_vector(info->needs_log_likelihood, in->log_likelihood, in->n, "log_likelihood",
                      error) &&
         check_matrix(info->needs_proba, in->proba, in->n, in->n_classes, "proba", error) &&
         check_matrix(info->needs_features, in->X, in->n, 0, "X", error) &&
         check_labels(info, y_true, "y_true", in, error) &&
         check_labels(info, y_pred, "y_pred", in, error);
}

/* Classification ----------------------------------------------------------------------------- */

/* Per-class counts in one block; doubles because every use divides them. */
typedef struct ClassCounts {
  size_t k;
  double *tp;    /* rows of class c predicted as c */
  double *pred;  /* rows predicted as c */
  double *truth; /* rows of class c (the support) */
} ClassCounts;

static ClassCounts
class_counts(const PlumMetricInput *in)
{
  size_t k = in->n_classes;
  double *block = g_new0(double, 3 * k);
  ClassCounts c = {.k = k, .tp = block, .pred = block + k, .truth = block + 2 * k};
  for (size_t i = 0; i < in->n; i++) {
    size_t t = (size_t)in->y_true[i], p = (size_t)in->y_pred[i];
    c.truth[t] += 1.0;
    c.pred[p] += 1.0;
    if (t == p)
      c.tp[t] += 1.0;
  }
  return c;
}

static void
class_counts_clear(ClassCounts *c)
{
  g_free(c->tp);
}

/* scikit-learn's class set: labels that occur in y_true or y_pred. */
static gboolean
class_present(const ClassCounts *c, size_t j)
{
  return c->truth[j] > 0.0 || c->pred[j] > 0.0;
}

static double
ratio_or_zero(double num, double den)
{
  return den > 0.0 ? num / den : 0.0;
}

/* F1 is formed from precision and recall, not from counts, exactly as scikit-learn 1.2 does. */
static double
prf_score(Score s, double tp, double pred, double truth)
{
  double precision = ratio_or_zero(tp, pred);
  double recall = ratio_or_zero(tp, truth);
  switch (s) {
  case SCORE_PRECISION:
    return precision;
  case SCORE_RECALL:
    return recall;
  case SCORE_F1:
    return ratio_or_zero(2.0 * precision * recall, precision + recall);
  }
  g_return_val_if_reached(0.0);
}

static double
prf_average(Score s, Average a, const ClassCounts *c)
{
  if (a == AVERAGE_BINARY)
    return prf_score(s, c->tp[1], c->pred[1], c->truth[1]);
  if (a == AVERAGE_MICRO) {
    double tp = 0.0, pred = 0.0, truth = 0.0;
    for (size_t j = 0; j < c->k; j++) {
      tp += c->tp[j];
      pred += c->pred[j];
      truth += c->truth[j];
    }
    return prf_score(s, tp, pred, truth);
  }
  double sum = 0.0, weight = 0.0;
  for (size_t j = 0; j < c->k; j++) {
    if (!class_present(c, j))
      continue;
    double w = a == AVERAGE_WEIGHTED ? c->truth[j] : 1.0;
    sum += w * prf_score(s, c->tp[j], c->pred[j], c->truth[j]);
    weight += w;
  }
  return ratio_or_zero(sum, weight);
}

static gboolean
metric_prf(const Metric *m, const PlumMetricInput *in, double *out, GError **error)
{
  if (m->average == AVERAGE_BINARY && in->n_classes != 2) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                "is for two classes (positive class 1), but there are %zu: use %s_macro, "
                "%s_micro or %s_weighted",
                in->n_classes, m->info.name, m->info.name, m->info.name);
    return FALSE;
  }
  ClassCounts c = class_counts(in);
  *out = prf_average(m->score, m->average, &c);
  class_counts_clear(&c);
  return TRUE;
}

static gboolean
metric_accuracy(const Metric *m, const PlumMetricInput *in, double *out, GError **error)
{
  ClassCounts c = class_counts(in);
  double tp = 0.0;
  for (size_t j = 0; j < c.k; j++)
    tp += c.tp[j];
  *out = tp / (double)in->n;
  class_counts_clear(&c);
  return TRUE;
}

/* Mean recall over the classes of y_true; a class only predicted has no recall to count. */
static gboolean
metric_balanced_accuracy(const Metric *m, const PlumMetricInput *in, double *out, GError **error)
{
  ClassCounts c = class_counts(in);
  double sum = 0.0, classes = 0.0;
  for (size_t j = 0; j < c.k; j++) {
    if (c.truth[j] > 0.0) {
      sum += c.tp[j] / c.truth[j];
      classes += 1.0;
    }
  }
  *out = sum / classes;
  class_counts_clear(&c);
  return TRUE;
}

typedef struct Ranked {
  double score;
  gboolean positive;
} Ranked;

static int
compare_ranked(const void *a, const void *b)
{
  double x = ((const Ranked *)a)->score, y = ((const Ranked *)b)->score;
  return (x > y) - (x < y);
}

/* AUC of column `cls` of proba separating class cls from the rest, as the Mann–Whitney
 * statistic: tied scores share their mean rank, which is the trapezoid scikit-learn draws
 * through a tie on the ROC curve. */
static gboolean
auc_one_vs_rest(const PlumMetricInput *in, size_t cls, Ranked *buf, double *out, GError **error)
{
  size_t n = in->n, n_pos = 0;
  for (size_t i = 0; i < n; i++) {
    buf[i] = (Ranked){PLUM_MATRIX_AT(in->proba, i, cls), (size_t)in->y_true[i] == cls};
    n_pos += buf[i].positive;
  }
  if (n_pos == 0 || n_pos == n) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                n_pos == 0 ? "class %zu never occurs in y_true, so ROC AUC is undefined"
                           : "every row of y_true is class %zu, so ROC AUC is undefined",
                cls);
    return FALSE;
  }
  qsort(buf, n, sizeof *buf, compare_ranked);
  double rank_sum = 0.0;
  for (size_t i = 0; i < n;) {
    size_t j = i, pos = 0;
    for (; j < n && buf[j].score == buf[i].score; j++)
      pos += buf[j].positive;
    rank_sum += (double)pos * (double)(i + 1 + j) / 2.0; /* ranks i+1..j, mean (i+1+j)/2 */
    i = j;
  }
  double p = (double)n_pos, q = (double)(n - n_pos);
  *out = (rank_sum - p * (p + 1.0) / 2.0) / (p * q);
  return TRUE;
}

/* scikit-learn refuses multiclass scores that are not probabilities (np.allclose tolerance). */
static gboolean
check_rows_sum_to_one(const PlumMatrix *proba, GError **error)
{
  for (size_t i = 0; i < proba->rows; i++) {
    double s = 0.0;
    for (size_t j = 0; j < proba->cols; j++)
      s += PLUM_MATRIX_AT(proba, i, j);
    if (fabs(1.0 - s) > 1e-8 + 1e-5 * fabs(s)) {
      g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                  "row %zu of proba sums to %.17g: one-vs-rest ROC AUC needs probabilities "
                  "that sum to 1",
                  i, s);
      return FALSE;
    }
  }
  return TRUE;
}

/* Binary: column 1 against class 1. More classes: the unweighted mean of one-vs-rest AUCs. */
static gboolean
metric_roc_auc(const Metric *m, const PlumMetricInput *in, double *out, GError **error)
{
  size_t k = in->n_classes;
  if (k < 2) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                "needs at least two classes, got n_classes = %zu", k);
    return FALSE;
  }
  if (k > 2 && !check_rows_sum_to_one(in->proba, error))
    return FALSE;
  size_t first = k == 2 ? 1 : 0;
  Ranked *buf = g_new(Ranked, in->n);
  double sum = 0.0;
  gboolean ok = TRUE;
  for (size_t c = first; ok && c < k; c++) {
    double auc = 0.0;
    ok = auc_one_vs_rest(in, c, buf, &auc, error);
    sum += auc;
  }
  g_free(buf);
  if (ok)
    *out = sum / (double)(k - first);
  return ok;
}

/* Probabilities clipped to [eps, 1 - eps] with scikit-learn 1.2's eps="auto" (the float64
 * machine epsilon), then renormalized per row. */
static gboolean
metric_log_loss(const Metric *m, const PlumMetricInput *in, double *out, GError **error)
{
  if (in->n_classes < 2) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                "needs at least two classes, got n_classes = %zu", in->n_classes);
    return FALSE;
  }
  double total = 0.0;
  for (size_t i = 0; i < in->n; i++) {
    const double *row = PLUM_MATRIX_ROW(in->proba, i);
    double s = 0.0;
    for (size_t j = 0; j < in->n_classes; j++)
      s += CLAMP(row[j], DBL_EPSILON, 1.0 - DBL_EPSILON);
    double p = CLAMP(row[(size_t)in->y_true[i]], DBL_EPSILON, 1.0 - DBL_EPSILON);
    total -= log(p / s);
  }
  *out = total / (double)in->n;
  return TRUE;
}

/* Regression --------------------------------------------------------------------------------- */

static double
mean_of(const double *v, size_t n)
{
  double s = 0.0;
  for (size_t i = 0; i < n; i++)
    s += v[i];
  return s / (double)n;
}

static double
mean_squared_error(const PlumMetricInput *in)
{
  double s = 0.0;
  for (size_t i = 0; i < in->n; i++) {
    double d = in->y_true[i] - in->y_pred[i];
    s += d * d;
  }
  return s / (double)in->n;
}

static gboolean
metric_mse(const Metric *m, const PlumMetricInput *in, double *out, GError **error)
{
  *out = mean_squared_error(in);
  return TRUE;
}

static gboolean
metric_rmse(const Metric *m, const PlumMetricInput *in, double *out, GError **error)
{
  *out = sqrt(mean_squared_error(in));
  return TRUE;
}

static gboolean
metric_mae(const Metric *m, const PlumMetricInput *in, double *out, GError **error)
{
  double s = 0.0;
  for (size_t i = 0; i < in->n; i++)
    s += fabs(in->y_true[i] - in->y_pred[i]);
  *out = s / (double)in->n;
  return TRUE;
}

/* scikit-learn's force_finite: a constant target scores 1 when fitted exactly, else 0. */
static double
one_minus_ratio(double num, double den)
{
  if (num == 0.0)
    return 1.0;
  return den != 0.0 ? 1.0 - num / den : 0.0;
}

static gboolean
metric_r2(const Metric *m, const PlumMetricInput *in, double *out, GError **error)
{
  if (in->n < 2) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                "R² is undefined for fewer than two rows");
    return FALSE;
  }
  double mean = mean_of(in->y_true, in->n), num = 0.0, den = 0.0;
  for (size_t i = 0; i < in->n; i++) {
    double r = in->y_true[i] - in->y_pred[i], c = in->y_true[i] - mean;
    num += r * r;
    den += c * c;
  }
  *out = one_minus_ratio(num, den);
  return TRUE;
}

/* Like r2, but the residuals' mean (a constant bias) is not held against the model. */
static gboolean
metric_explained_variance(const Metric *m, const PlumMetricInput *in, double *out, GError **error)
{
  size_t n = in->n;
  double bias = 0.0;
  for (size_t i = 0; i < n; i++)
    bias += in->y_true[i] - in->y_pred[i];
  bias /= (double)n;
  double mean = mean_of(in->y_true, n), num = 0.0, den = 0.0;
  for (size_t i = 0; i < n; i++) {
    double r = in->y_true[i] - in->y_pred[i] - bias, c = in->y_true[i] - mean;
    num += r * r;
    den += c * c;
  }
  *out = one_minus_ratio(num / (double)n, den / (double)n);
  return TRUE;
}

static gboolean
metric_mean_poisson_deviance(const Metric *m, const PlumMetricInput *in, double *out,
                             GError **error)
{
  double total = 0.0;
  for (size_t i = 0; i < in->n; i++) {
    double y = in->y_true[i], mu = in->y_pred[i];
    if (y < 0.0 || mu <= 0.0) {
      g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                  "needs y_true >= 0 and y_pred > 0, but row %zu has y_true = %g and "
                  "y_pred = %g",
                  i, y, mu);
      return FALSE;
    }
    double ylogy = y > 0.0 ? y * log(y / mu) : 0.0;
    total += 2.0 * (ylogy - y + mu);
  }
  *out = total / (double)in->n;
  return TRUE;
}

/* Clustering --------------------------------------------------------------------------------- */

/* Cluster ids renumbered 0..k-1 in increasing order of the original id. */
typedef struct Clusters {
  size_t *id;   /* n */
  size_t *size; /* k: rows per cluster */
  size_t k;
  size_t noise; /* the renumbered id of -1, or k when there is no noise */
} Clusters;

static int
compare_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void
clusters_init(Clusters *c, const double *labels, size_t n)
{
  double *uniq = g_memdup2(labels, n * sizeof *uniq);
  qsort(uniq, n, sizeof *uniq, compare_double);
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (k == 0 || uniq[i] != uniq[k - 1])
      uniq[k++] = uniq[i];
  }
  c->id = g_new(size_t, n);
  c->size = g_new0(size_t, k);
  c->k = k;
  for (size_t i = 0; i < n; i++) {
    const double *hit = bsearch(&labels[i], uniq, k, sizeof *uniq, compare_double);
    c->id[i] = (size_t)(hit - uniq);
    c->size[c->id[i]]++;
  }
  const double noise = -1.0;
  const double *hit = bsearch(&noise, uniq, k, sizeof *uniq, compare_double);
  c->noise = hit ? (size_t)(hit - uniq) : k;
  g_free(uniq);
}

static void
clusters_clear(Clusters *c)
{
  g_free(c->id);
  g_free(c->size);
}

/* Two passes (means, then squared distances) rather than sum-of-squares algebra, which
 * cancels badly when clusters sit far from the origin. */
static gboolean
metric_inertia(const Metric *m, const PlumMetricInput *in, double *out, GError **error)
{
  const PlumMatrix *X = in->X;
  size_t d = X->cols;
  Clusters c;
  clusters_init(&c, in->y_pred, in->n);
  double *means = g_new0(double, c.k *d);
  for (size_t i = 0; i < in->n; i++) {
    double *mean = means + c.id[i] * d;
    for (size_t j = 0; j < d; j++)
      mean[j] += PLUM_MATRIX_AT(X, i, j);
  }
  for (size_t q = 0; q < c.k * d; q++)
    means[q] /= (double)c.size[q / d];
  double total = 0.0;
  for (size_t i = 0; i < in->n; i++) {
    if (c.id[i] == c.noise)
      continue;
    const double *mean = means + c.id[i] * d;
    for (size_t j = 0; j < d; j++) {
      double r = PLUM_MATRIX_AT(X, i, j) - mean[j];
      total += r * r;
    }
  }
  *out = total;
  g_free(means);
  clusters_clear(&c);
  return TRUE;
}

/* s = (b - a) / max(a, b) from the summed distances of one row to each cluster; 0 for a
 * singleton cluster, and for a row whose a and b are both 0, as scikit-learn's nan_to_num. */
static double
silhouette_of_row(const double *dist_sum, const Clusters *c, size_t own)
{
  if (c->size[own] < 2)
    return 0.0;
  double a = dist_sum[own] / (double)(c->size[own] - 1);
  double b = INFINITY;
  for (size_t q = 0; q < c->k; q++) {
    if (q != own)
      b = fmin(b, dist_sum[q] / (double)c->size[q]);
  }
  double scale = fmax(a, b);
  return scale > 0.0 ? (b - a) / scale : 0.0;
}

/* Rows first..first+rows-1: `gram` holds -2 x_i.x_j for them against every row; distances
 * follow as sqrt(-2 x_i.x_j + |x_i|^2 + |x_j|^2) in scikit-learn's order of additions. */
static void
silhouette_block(const double *gram, size_t first, size_t rows, size_t n, const double *sq,
                 const Clusters *c, double *dist_sum, double *s)
{
#pragma omp parallel for schedule(static) if (rows * n >= SILHOUETTE_PARALLEL_MIN)
  for (size_t r = 0; r < rows; r++) {
    size_t i = first + r;
    const double *g = gram + r * n;
    double *acc = dist_sum + r * c->k;
    memset(acc, 0, c->k * sizeof *acc);
    for (size_t j = 0; j < n; j++) {
      double d2 = g[j] + sq[i] + sq[j];
      acc[c->id[j]] += (j == i || d2 <= 0.0) ? 0.0 : sqrt(d2);
    }
    s[r] = silhouette_of_row(acc, c, c->id[i]);
  }
}

static double *
squared_row_norms(const PlumMatrix *X)
{
  double *sq = g_new(double, X->rows);
  for (size_t i = 0; i < X->rows; i++) {
    const double *x = PLUM_MATRIX_ROW(X, i);
    sq[i] = 0.0;
    for (size_t j = 0; j < X->cols; j++)
      sq[i] += x[j] * x[j];
  }
  return sq;
}

/* Mean silhouette over all rows, -1 being one more label. Distances come a block of rows at a
 * time from one GEMM, so memory stays near SILHOUETTE_BLOCK_ELEMENTS whatever n is, and the
 * per-row values are summed in row order so the result does not depend on the thread count. */
static gboolean
metric_silhouette(const Metric *m, const PlumMetricInput *in, double *out, GError **error)
{
  size_t n = in->n;
  Clusters c;
  clusters_init(&c, in->y_pred, n);
  if (c.k < 2 || c.k >= n) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                "needs between 2 and n - 1 = %zu distinct labels, got %zu", n - 1, c.k);
    clusters_clear(&c);
    return FALSE;
  }
  size_t block = CLAMP(SILHOUETTE_BLOCK_ELEMENTS / n, (size_t)1, n);
  double *sq = squared_row_norms(in->X);
  double *gram = g_new(double, block *n);
  double *dist_sum = g_new(double, block *c.k);
  double *s = g_new(double, block);
  double total = 0.0;
  gboolean ok = TRUE;
  for (size_t first = 0; ok && first < n; first += block) {
    size_t rows = MIN(block, n - first);
    PlumMatrix xb = plum_matrix_rows(in->X, first, rows);
    PlumMatrix g = plum_matrix_view(gram, rows, n, n);
    ok = plum_matrix_gemm(FALSE, TRUE, -2.0, &xb, in->X, 0.0, &g, error);
    if (!ok)
      break;
    silhouette_block(gram, first, rows, n, sq, &c, dist_sum, s);
    for (size_t r = 0; r < rows; r++)
      total += s[r];
  }
  if (ok)
    *out = total / (double)n;
  g_free(s);
  g_free(dist_sum);
  g_free(gram);
  g_free(sq);
  clusters_clear(&c);
  return ok;
}

typedef struct Pair {
  size_t a, b;
} Pair;

static int
compare_pair(const void *x, const void *y)
{
  const Pair *p = x, *q = y;
  if (p->a != q->a)
    return (p->a > q->a) - (p->a < q->a);
  return (p->b > q->b) - (p->b < q->b);
}

static guint64
sum_of_squared_sizes(const Clusters *c)
{
  guint64 s = 0;
  for (size_t q = 0; q < c->k; q++)
    s += (guint64)c->size[q] * c->size[q];
  return s;
}

/* Σ n_ij² over the contingency table, from sorted (true, predicted) pairs so that no
 * k_true x k_pred table is ever allocated. */
static guint64
sum_of_squared_cells(const Clusters *t, const Clusters *p, size_t n)
{
  Pair *pairs = g_new(Pair, n);
  for (size_t i = 0; i < n; i++)
    pairs[i] = (Pair){t->id[i], p->id[i]};
  qsort(pairs, n, sizeof *pairs, compare_pair);
  guint64 s = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && compare_pair(&pairs[i], &pairs[j]) == 0)
      j++;
    s += (guint64)(j - i) * (j - i);
    i = j;
  }
  g_free(pairs);
  return s;
}

/* scikit-learn's pair-confusion form of the ARI, counts exact in integers. */
static gboolean
metric_adjusted_rand(const Metric *m, const PlumMetricInput *in, double *out, GError **error)
{
  size_t n = in->n;
  Clusters t, p;
  clusters_init(&t, in->y_true, n);
  clusters_init(&p, in->y_pred, n);
  guint64 cells = sum_of_squared_cells(&t, &p, n);
  guint64 fn = sum_of_squared_sizes(&t) - cells;
  guint64 fp = sum_of_squared_sizes(&p) - cells;
  guint64 tp = cells - n;
  guint64 tn = (guint64)n * n - fp - fn - cells;
  clusters_clear(&t);
  clusters_clear(&p);
  if (fn == 0 && fp == 0) {
    *out = 1.0;
    return TRUE;
  }
  double TP = (double)tp, TN = (double)tn, FP = (double)fp, FN = (double)fn;
  *out = 2.0 * (TP * TN - FN * FP) / ((TP + FN) * (FN + TN) + (TP + FP) * (FP + TN));
  return TRUE;
}

static gboolean
metric_log_likelihood(const Metric *m, const PlumMetricInput *in, double *out, GError **error)
{
  *out = mean_of(in->log_likelihood, in->n);
  return TRUE;
}

/* The table ---------------------------------------------------------------------------------- */

/* A table entry's public half; the trailing arguments say which inputs it reads. */
#define INFO(name_, task_, higher_, doc_, ...)                                                     \
  .info = {.name = name_, .task = task_, .higher_is_better = higher_, .doc = doc_, __VA_ARGS__}
#define READS_LABELS .needs_y_true = TRUE, .needs_y_pred = TRUE
#define READS_PROBA .needs_y_true = TRUE, .needs_proba = TRUE
#define READS_FEATURES .needs_y_pred = TRUE, .needs_features = TRUE
#define CLASSIFIER(name_, fn_, higher_, doc_, reads_)                                              \
  {                                                                                                \
    INFO(name_, PLUM_TASK_CLASSIFICATION, higher_, doc_, reads_), .compute = fn_                   \
  }
#define REGRESSOR(name_, fn_, higher_, doc_)                                                       \
  {                                                                                                \
    INFO(name_, PLUM_TASK_REGRESSION, higher_, doc_, READS_LABELS), .compute = fn_                 \
  }
#define CLUSTERER(name_, fn_, higher_, doc_, reads_)                                               \
  {                                                                                                \
    INFO(name_, PLUM_TASK_CLUSTERING, higher_, doc_, reads_), .compute = fn_                       \
  }
#define PRF(name_, score_, average_, doc_)                                                         \
  {                                                                                                \
    INFO(name_, PLUM_TASK_CLASSIFICATION, TRUE, doc_, READS_LABELS),                               \
        .compute = metric_prf, .score = score_, .average = average_                                \
  }

static const Metric metrics[] = {
    CLASSIFIER("accuracy", metric_accuracy, TRUE, "fraction of rows predicted right", READS_LABELS),
    CLASSIFIER("balanced_accuracy", metric_balanced_accuracy, TRUE,
               "mean recall over the classes present in y_true", READS_LABELS),
    PRF("precision", SCORE_PRECISION, AVERAGE_BINARY, "precision of class 1 (two classes)"),
    PRF("recall", SCORE_RECALL, AVERAGE_BINARY, "recall of class 1 (two classes)"),
    PRF("f1", SCORE_F1, AVERAGE_BINARY, "F1 score of class 1 (two classes)"),
    PRF("precision_macro", SCORE_PRECISION, AVERAGE_MACRO, "unweighted mean precision"),
    PRF("recall_macro", SCORE_RECALL, AVERAGE_MACRO, "unweighted mean recall"),
    PRF("f1_macro", SCORE_F1, AVERAGE_MACRO, "unweighted mean F1 score"),
    PRF("precision_micro", SCORE_PRECISION, AVERAGE_MICRO, "precision of all decisions pooled"),
    PRF("recall_micro", SCORE_RECALL, AVERAGE_MICRO, "recall of all decisions pooled"),
    PRF("f1_micro", SCORE_F1, AVERAGE_MICRO, "F1 score of all decisions pooled"),
    PRF("precision_weighted", SCORE_PRECISION, AVERAGE_WEIGHTED,
        "mean precision weighted by class support"),
    PRF("recall_weighted", SCORE_RECALL, AVERAGE_WEIGHTED, "mean recall weighted by class support"),
    PRF("f1_weighted", SCORE_F1, AVERAGE_WEIGHTED, "mean F1 score weighted by class support"),
    CLASSIFIER("roc_auc", metric_roc_auc, TRUE,
               "area under the ROC curve (one-vs-rest macro beyond two classes)", READS_PROBA),
    CLASSIFIER("log_loss", metric_log_loss, FALSE,
               "mean negative log-probability of the true class", READS_PROBA),
    REGRESSOR("mse", metric_mse, FALSE, "mean squared error"),
    REGRESSOR("rmse", metric_rmse, FALSE, "root mean squared error"),
    REGRESSOR("mae", metric_mae, FALSE, "mean absolute error"),
    REGRESSOR("r2", metric_r2, TRUE, "coefficient of determination R²"),
    REGRESSOR("explained_variance", metric_explained_variance, TRUE,
              "1 - Var(y_true - y_pred) / Var(y_true)"),
    REGRESSOR("mean_poisson_deviance", metric_mean_poisson_deviance, FALSE,
              "mean Poisson deviance (y_true >= 0, y_pred > 0)"),
    CLUSTERER("inertia", metric_inertia, FALSE,
              "sum of squared distances to the mean of each predicted cluster (noise excluded)",
              READS_FEATURES),
    CLUSTERER("silhouette", metric_silhouette, TRUE,
              "mean Euclidean silhouette coefficient (noise -1 counts as a cluster)",
              READS_FEATURES),
    CLUSTERER("adjusted_rand", metric_adjusted_rand, TRUE,
              "adjusted Rand index between true and predicted clusters", READS_LABELS),
    {INFO("log_likelihood", PLUM_TASK_ANY, TRUE,
          "mean per-row log-likelihood under the fitted model", .needs_log_likelihood = TRUE),
     .compute = metric_log_likelihood},
};

const PlumMetricInfo *
plum_metric_list(size_t *n_out)
{
  static PlumMetricInfo *list;
  if (g_once_init_enter(&list)) {
    PlumMetricInfo *l = g_new0(PlumMetricInfo, G_N_ELEMENTS(metrics) + 1);
    for (size_t i = 0; i < G_N_ELEMENTS(metrics); i++)
      l[i] = metrics[i].info;
    g_once_init_leave(&list, l);
  }
  if (n_out != NULL)
    *n_out = G_N_ELEMENTS(metrics);
  return list;
}

static const Metric *
metric_lookup(const char *name, size_t *index_out)
{
  for (size_t i = 0; i < G_N_ELEMENTS(metrics); i++) {
    if (strcmp(metrics[i].info.name, name) == 0) {
      *index_out = i;
      return &metrics[i];
    }
  }
  return NULL;
}

const PlumMetricInfo *
plum_metric_find(const char *name)
{
  g_return_val_if_fail(name != NULL, NULL);
  size_t i;
  return metric_lookup(name, &i) ? plum_metric_list(NULL) + i : NULL;
}

static void
unknown_metric(const char *name, GError **error)
{
  const char *names[G_N_ELEMENTS(metrics) + 1];
  for (size_t i = 0; i < G_N_ELEMENTS(metrics); i++)
    names[i] = metrics[i].info.name;
  names[G_N_ELEMENTS(metrics)] = NULL;
  const char *guess = plum_did_you_mean(name, names);
  char *valid = g_strjoinv(", ", (char **)names);
  g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_UNKNOWN_KEY,
              "unknown metric '%s'%s%s%s (valid: %s)", name, guess ? "; did you mean '" : "",
              guess ? guess : "", guess ? "'?" : "", valid);
  g_free(valid);
}

gboolean
plum_metric_compute(const char *name, const PlumMetricInput *in, double *out, GError **error)
{
  g_return_val_if_fail(name != NULL && in != NULL && out != NULL, FALSE);
  size_t i;
  const Metric *m = metric_lookup(name, &i);
  if (m == NULL) {
    unknown_metric(name, error);
    return FALSE;
  }
  if (check_inputs(&m->info, in, error) && m->compute(m, in, out, error))
    return TRUE;
  g_prefix_error(error, "metric '%s': ", name);
  return FALSE;
}

void
plum_confusion_matrix(const double *y_true, const double *y_pred, size_t n, size_t n_classes,
                      gint64 *counts)
{
  g_return_if_fail((y_true != NULL && y_pred != NULL) || n == 0);
  g_return_if_fail(counts != NULL || n_classes == 0);
  if (n_classes > 0)
    memset(counts, 0, n_classes * n_classes * sizeof *counts);
  for (size_t i = 0; i < n; i++) {
    if (is_class_index(y_true[i], n_classes) && is_class_index(y_pred[i], n_classes))
      counts[(size_t)y_true[i] * n_classes + (size_t)y_pred[i]]++;
  }
}

/* Splitting ---------------------------------------------------------------------------------- */

static gboolean
check_split_labels(const double *labels, size_t n, size_t n_classes, GError **error)
{
  if (labels == NULL || check_class_labels(labels, n, n_classes, "labels", error))
    return TRUE;
  g_prefix_error(error, "stratified split: ");
  return FALSE;
}

/* Rows grouped by class, each group shuffled: group g is order[start[g] .. start[g + 1]).
 * Without labels every row is in group 0. */
static size_t *
shuffled_groups(size_t n, const double *labels, size_t n_groups, PlumRng *rng, size_t **start_out)
{
  size_t *start = g_new0(size_t, n_groups + 1);
  for (size_t i = 0; i < n; i++)
    start[(labels ? (size_t)labels[i] : 0) + 1]++;
  for (size_t g = 0; g < n_groups; g++)
    start[g + 1] += start[g];
  size_t *next = g_memdup2(start, n_groups * sizeof *next);
  size_t *order = g_new(size_t, n);
  for (size_t i = 0; i < n; i++)
    order[next[labels ? (size_t)labels[i] : 0]++] = i;
  for (size_t g = 0; g < n_groups; g++)
    plum_rng_shuffle(rng, order + start[g], start[g + 1] - start[g]);
  g_free(next);
  *start_out = start;
  return order;
}

typedef struct Remainder {
  guint64 rest;
  size_t group;
} Remainder;

static int
compare_remainder(const void *a, const void *b)
{
  const Remainder *x = a, *y = b;
  if (x->rest != y->rest)
    return (x->rest < y->rest) - (x->rest > y->rest); /* largest first */
  return (x->group > y->group) - (x->group < y->group);
}

/* Shares `total` rows out over the groups in proportion to their sizes, each share the floor
 * of its exact value or one more (largest remainders first, ties to the lower class), so the
 * shares sum to total and none exceeds its group. */
static gboolean
apportion(size_t total, size_t n, const size_t *start, size_t n_groups, size_t *share,
          GError **error)
{
  Remainder *rem = g_new(Remainder, n_groups);
  size_t given = 0;
  for (size_t g = 0; g < n_groups; g++) {
    guint64 exact;
    if (!g_uint64_checked_mul(&exact, total, start[g + 1] - start[g])) {
      g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                  "stratified split: %zu rows are too many to apportion", n);
      g_free(rem);
      return FALSE;
    }
    share[g] = (size_t)(exact / n);
    rem[g] = (Remainder){exact % n, g};
    given += share[g];
  }
  qsort(rem, n_groups, sizeof *rem, compare_remainder);
  for (size_t i = 0; given < total; i++, given++)
    share[rem[i].group]++;
  g_free(rem);
  return TRUE;
}

/* test_fraction * n rounded up, as scikit-learn's train_test_split, kept off both ends. */
static size_t
holdout_test_size(size_t n, double test_fraction)
{
  double t = ceil(test_fraction * (double)n);
  return CLAMP((size_t)t, (size_t)1, n - 1);
}

gboolean
plum_split_holdout(size_t n, const double *labels, size_t n_classes, double test_fraction,
                   PlumRng *rng, size_t **train_out, size_t *n_train_out, size_t **test_out,
                   size_t *n_test_out, GError **error)
{
  g_return_val_if_fail(rng != NULL && train_out != NULL && n_train_out != NULL, FALSE);
  g_return_val_if_fail(test_out != NULL && n_test_out != NULL, FALSE);
  if (!(test_fraction > 0.0 && test_fraction < 1.0)) {
    g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE,
                "holdout: the test fraction must lie strictly between 0 and 1, got %g",
                test_fraction);
    return FALSE;
  }
  if (n < 2) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "holdout: needs at least 2 rows (one on each side), got %zu", n);
    return FALSE;
  }
  if (!check_split_labels(labels, n, n_classes, error))
    return FALSE;
  size_t n_test = holdout_test_size(n, test_fraction);
  size_t n_groups = labels ? n_classes : 1;
  size_t *start;
  size_t *order = shuffled_groups(n, labels, n_groups, rng, &start);
  size_t *share = g_new(size_t, n_groups);
  gboolean ok = apportion(n_test, n, start, n_groups, share, error);
  if (ok) {
    size_t *train = g_new(size_t, n - n_test), *test = g_new(size_t, n_test);
    size_t a = 0, b = 0;
    for (size_t g = 0; g < n_groups; g++) {
      for (size_t p = start[g]; p < start[g + 1]; p++) {
        if (p - start[g] < share[g])
          test[b++] = order[p];
        else
          train[a++] = order[p];
      }
    }
    /* Mix the classes again: callers may take the first rows of either side. */
    plum_rng_shuffle(rng, train, a);
    plum_rng_shuffle(rng, test, b);
    *train_out = train;
    *n_train_out = a;
    *test_out = test;
    *n_test_out = b;
  }
  g_free(share);
  g_free(order);
  g_free(start);
  return ok;
}

/* Dealing the class-grouped order round robin puts row p in fold p mod k: fold sizes differ by
 * at most one, and so do a class's counts in any two folds, since its rows are consecutive. */
gboolean
plum_split_kfold(size_t n, const double *labels, size_t n_classes, size_t k, PlumRng *rng,
                 size_t *fold_of, GError **error)
{
  g_return_val_if_fail(rng != NULL && (fold_of != NULL || n == 0), FALSE);
  if (k < 2) {
    g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE,
                "cross-validation needs at least 2 folds, got %zu", k);
    return FALSE;
  }
  if (k > n) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "cross-validation: %zu folds need at least %zu rows, got %zu", k, k, n);
    return FALSE;
  }
  if (!check_split_labels(labels, n, n_classes, error))
    return FALSE;
  size_t *start;
  size_t *order = shuffled_groups(n, labels, labels ? n_classes : 1, rng, &start);
  for (size_t p = 0; p < n; p++)
    fold_of[order[p]] = p % k;
  g_free(order);
  g_free(start);
  return TRUE;
}
