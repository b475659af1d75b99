/* naive_bayes.c — Gaussian, Bernoulli and multinomial naive Bayes classifiers: gaussian_nb,
 * bernoulli_nb and multinomial_nb, three components sharing one fit/predict skeleton.
 *
 * Each learns per-class tables in a pass or two over the data and scores a row by its joint
 * log-likelihood log P(c) + log p(x | c) for every class c; predict takes the first largest,
 * predict_proba normalises the joint in log space (exp(jll − logsumexp jll)), and the
 * log_likelihood slot gives log p(x) = logsumexp over classes of the joint, so the joint itself
 * is log predict_proba + log_likelihood. The numbers are scikit-learn 1.2's
 * (tests/reference/pca_nb_knn.py):
 *  - gaussian_nb = GaussianNB: class means and population variances, each variance plus
 *    epsilon = var_smoothing · (the largest variance of a feature over all rows). A feature
 *    constant within a class (or everywhere) is thereby smoothed, not a division by zero; with
 *    every feature constant, or var_smoothing 0 and a feature constant within a class, there is
 *    nothing to smooth with, and fit fails naming the feature.
 *  - bernoulli_nb = BernoulliNB: features above `binarize` count as 1, others as 0;
 *    P(x_j = 1 | c) = (count + alpha) / (n_c + 2 alpha). log P(x_j = 0 | c) is computed as
 *    log((n_c − count + alpha) / (n_c + 2 alpha)) rather than sklearn's log(1 − exp(…)), which
 *    is the same number but for the rounding sklearn's form suffers when P is near 1.
 *    sklearn's binarize=None (no thresholding) is not offered: on 0/1 data any threshold in
 *    [0, 1) is the same.
 *  - multinomial_nb = MultinomialNB: features are counts (a negative value is an error, at fit
 *    and at predict); log P(j | c) = log((count_cj + alpha) / Σ_j (count_cj + alpha)).
 * alpha is at least 1e-10, the value sklearn 1.2 clamps smaller ones to. Priors are estimated as
 * the class frequencies, or given (`priors`, one per class, >= 0, summing to 1 within 1e-5, as
 * sklearn's np.isclose); a zero prior makes its class impossible (probability 0), never NaN.
 * Every class must have a training row: an empty class has no mean or counts to learn.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <cblas.h>
#include <plum/plugin.h>

/* Rows per block when a block of binarised rows goes through GEMM. */
#define NB_ROW_BLOCK 512
/* Threads for the Gaussian joint likelihood from about a millisecond's work (n d k terms): a
 * smaller split saves less than one descheduled thread at the barrier costs on a busy machine. */
#define NB_PARALLEL_MIN ((size_t)1 << 22)
/* sklearn 1.2's _ALPHA_MIN: smaller alpha values are clamped to it there, refused here. */
#define NB_ALPHA_MIN 1e-10
/* np.isclose(sum(priors), 1): |sum − 1| <= 1e-8 + 1e-5. */
#define NB_PRIOR_SUM_TOL (1e-8 + 1e-5)

/* One params struct for the three components; each schema names the fields it uses. */
typedef struct {
  PlumRealArray priors;
  double var_smoothing;
  double alpha;
  double binarize;
} NbParams;

typedef struct NaiveBayes NaiveBayes;

/* What a saved table must hold. */
typedef enum {
  TABLE_FINITE = 0,
  TABLE_POSITIVE, /* variances */
  TABLE_LOG_PROB, /* logs of probabilities: finite and <= 0 */
} TableKind;

typedef struct {
  const char *name;
  TableKind kind;
} TableSpec;

typedef struct {
  const char *name;
  gboolean counts;     /* features must be >= 0 (multinomial) */
  TableSpec tables[2]; /* each n_classes x n_features; name NULL when unused */
  /* Learns the tables from X and class indices y (every class present, count[c] rows). */
  gboolean (*fit)(NaiveBayes *self, const PlumMatrix *X, const size_t *y, const size_t *count,
                  GError **error);
  /* Derives bias, weight and centre (as the model uses them) from the tables, after fit or
   * load. */
  void (*derive)(NaiveBayes *self);
  /* jll (n x n_classes, compact) of X, without the log priors. */
  void (*joint)(const NaiveBayes *self, const PlumMatrix *X, double *jll);
} NbOps;

struct NaiveBayes {
  const NbOps *ops;
  const NbParams *params; /* borrowed from the binding, which outlives the instance */
  size_t n_features;      /* 0 until fitted or loaded */
  size_t n_classes;
  double *log_prior; /* n_classes; -inf for a class given prior 0 */
  double *table[2];  /* n_classes x n_features, as ops->tables says */
  double *bias;      /* n_classes: the part of the joint that does not depend on x */
  double *weight;    /* n_features x n_classes: the discrete models' GEMM weights, 1/var for
                        gaussian_nb */
  double *centre;    /* gaussian_nb: n_features x n_classes, theta transposed; else NULL */
};

/* The shared skeleton -------------------------------------------------------------------------- */

static void
nb_clear(NaiveBayes *self)
{
  g_clear_pointer(&self->log_prior, g_free);
  g_clear_pointer(&self->table[0], g_free);
  g_clear_pointer(&self->table[1], g_free);
  g_clear_pointer(&self->bias, g_free);
  g_clear_pointer(&self->weight, g_free);
  g_clear_pointer(&self->centre, g_free);
  self->n_features = 0;
  self->n_classes = 0;
}

static void *
nb_new(const NbOps *ops, const void *params)
{
  NaiveBayes *self = g_new0(NaiveBayes, 1);
  self->ops = ops;
  self->params = params;
  return self;
}

static void
nb_destroy(void *self_ptr)
{
  nb_clear(self_ptr);
  g_free(self_ptr);
}

/* Allocates zeroed tables for d features and k classes on an instance that holds none. */
static void
nb_alloc(NaiveBayes *self, size_t d, size_t k)
{
  self->n_features = d;
  self->n_classes = k;
  self->log_prior = g_new0(double, k);
  self->bias = g_new0(double, k);
  for (size_t t = 0; t < G_N_ELEMENTS(self->table); t++)
    if (self->ops->tables[t].name)
      self->table[t] = g_new0(double, k *d);
}

static gboolean
check_counts(const NaiveBayes *self, const PlumMatrix *X, const char *what, GError **error)
{
  if (!self->ops->counts)
    return TRUE;
  for (size_t i = 0; i < X->rows; i++) {
    const double *row = PLUM_MATRIX_ROW(X, i);
    for (size_t j = 0; j < X->cols; j++) {
      if (row[j] >= 0)
        continue;
      g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                  "%s: %s holds %g at row %zu, column %zu (counting from 0); features are "
                  "counts and must be >= 0",
                  self->ops->name, what, row[j], i, j);
      return FALSE;
    }
  }
  return TRUE;
}

/* y as class indices (transfer full), with the count of each class; every class must occur. */
static size_t *
read_labels(const NaiveBayes *self, const PlumMatrix *y, size_t k, size_t *count, GError **error)
{
  size_t *labels = g_new(size_t, y->rows);
  memset(count, 0, k * sizeof *count);
  for (size_t i = 0; i < y->rows; i++) {
    double v = PLUM_MATRIX_AT(y, i, 0);
    if (!(v >= 0 && v < (double)k && v == floor(v))) {
      g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                  "%s: y = %g at row %zu (counting from 0) is not a class index in 0..%zu",
                  self->ops->name, v, i, k - 1);
      g_free(labels);
      return NULL;
    }
    labels[i] = (size_t)v;
    count[labels[i]]++;
  }
  for (size_t c = 0; c < k; c++) {
    if (count[c] > 0)
      continue;
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                "%s: class %zu has no training rows; naive Bayes needs at least one per class",
                self->ops->name, c);
    g_free(labels);
    return NULL;
  }
  return labels;
}

static gboolean
check_fit_data(const NaiveBayes *self, const PlumFitData *data, GError **error)
{
  const char *who = self->ops->name;
  const PlumMatrix *X = data->X, *y = data->y;
  if (X == NULL || y == NULL || X->rows < 1 || X->cols < 1 || data->n_classes < 1) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "%s: fit needs X with at least one row and column, and class indices y with "
                "n_classes",
                who);
    return FALSE;
  }
  if (data->sample_weight != NULL) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_UNSUPPORTED,
                "%s: sample weights are not supported", who);
    return FALSE;
  }
  size_t n_priors = self->params->priors.len;
  if (n_priors > 0 && n_priors != data->n_classes) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "%s: priors has %zu entries, but the data have %zu classes", who, n_priors,
                data->n_classes);
    return FALSE;
  }
  return plum_matrix_check_shape(y, X->rows, 1, "y", error) &&
         plum_matrix_check_finite(X, "X", error) && check_counts(self, X, "X", error);
}

/* The given priors, or the class frequencies. */
static void
set_log_prior(NaiveBayes *self, const size_t *count, size_t n)
{
  const PlumRealArray *priors = &self->params->priors;
  for (size_t c = 0; c < self->n_classes; c++)
    self->log_prior[c] = log(priors->len > 0 ? priors->data[c] : (double)count[c] / (double)n);
}

static gboolean
nb_fit(void *self_ptr, const PlumFitData *data, GError **error)
{
  NaiveBayes *self = self_ptr;
  if (!check_fit_data(self, data, error))
    return FALSE;
  const PlumMatrix *X = data->X;
  size_t k = data->n_classes, *count = g_new(size_t, k);
  size_t *labels = read_labels(self, data->y, k, count, error);
  /* A new fit is built apart, so a failed one leaves the instance as it was. */
  NaiveBayes fresh = {.ops = self->ops, .params = self->params};
  gboolean ok = labels != NULL;
  if (ok) {
    nb_alloc(&fresh, X->cols, k);
    set_log_prior(&fresh, count, X->rows);
    ok = fresh.ops->fit(&fresh, X, labels, count, error);
  }
  if (ok) {
    fresh.ops->derive(&fresh);
    nb_clear(self);
    *self = fresh;
  } else {
    nb_clear(&fresh);
  }
  g_free(labels);
  g_free(count);
  return ok;
}

static void
nb_shape(const void *self_ptr, PlumModelShape *shape)
{
  const NaiveBayes *self = self_ptr;
  shape->n_features = self->n_features;
  shape->n_outputs = 1;
  shape->n_classes = self->n_classes;
  shape->n_transform = 0;
}

static gboolean
check_fitted(const NaiveBayes *self, GError **error)
{
  if (self->n_features > 0)
    return TRUE;
  g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_NOT_FITTED,
              "%s: not fitted; call fit or load first", self->ops->name);
  return FALSE;
}

/* X must be n_features wide, finite (and counts for multinomial_nb); out, when given, n x
 * out_cols. */
static gboolean
check_input(const NaiveBayes *self, const PlumMatrix *X, const PlumMatrix *out, size_t out_cols,
            GError **error)
{
  if (!check_fitted(self, error))
    return FALSE;
  if (X->cols != self->n_features) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "%s: X has %zu features, the model was fitted on %zu", self->ops->name, X->cols,
                self->n_features);
    return FALSE;
  }
  return plum_matrix_check_finite(X, "X", error) && check_counts(self, X, "X", error) &&
         (out == NULL || plum_matrix_check_shape(out, X->rows, out_cols, "predictions", error));
}

/* The joint log-likelihood of every row and class of X (checked; transfer full, n x
 * n_classes). */
static double *
joint_of(const NaiveBayes *self, const PlumMatrix *X)
{
  size_t k = self->n_classes;
  double *jll = g_new(double, MAX(X->rows, 1) * k);
  self->ops->joint(self, X, jll);
  for (size_t i = 0; i < X->rows; i++)
    for (size_t c = 0; c < k; c++)
      jll[i * k + c] += self->log_prior[c];
  return jll;
}

/* joint_of after check_input, or NULL. */
static double *
joint_log_likelihood(const NaiveBayes *self, const PlumMatrix *X, const PlumMatrix *out,
                     size_t out_cols, GError **error)
{
  return check_input(self, X, out, out_cols, error) ? joint_of(self, X) : NULL;
}

static double
log_sum_exp(const double *v, size_t k)
{
  double top = v[0];
  for (size_t c = 1; c < k; c++)
    top = MAX(top, v[c]);
  double sum = 0;
  for (size_t c = 0; c < k; c++)
    sum += exp(v[c] - top);
  return top + log(sum);
}

/* The most likely class of each row into values and the class probabilities into proba
 * (either nullable) from the joint log-likelihoods (n x k). */
static void
outputs_of_joint(const double *jll, size_t n, size_t k, PlumMatrix *values, PlumMatrix *proba)
{
  for (size_t i = 0; i < n; i++) {
    const double *row = jll + i * k;
    if (values != NULL) {
      size_t best = 0;
      for (size_t c = 1; c < k; c++)
        if (row[c] > row[best])
          best = c;
      PLUM_MATRIX_AT(values, i, 0) = (double)best;
    }
    if (proba == NULL)
      continue;
    double lse = log_sum_exp(row, k);
    for (size_t c = 0; c < k; c++)
      PLUM_MATRIX_AT(proba, i, c) = exp(row[c] - lse);
  }
}

static gboolean
nb_predict(const void *self_ptr, const PlumMatrix *X, PlumMatrix *out, GError **error)
{
  const NaiveBayes *self = self_ptr;
  double *jll = joint_log_likelihood(self, X, out, 1, error);
  if (jll == NULL)
    return FALSE;
  outputs_of_joint(jll, X->rows, self->n_classes, out, NULL);
  g_free(jll);
  return TRUE;
}

static gboolean
nb_predict_proba(const void *self_ptr, const PlumMatrix *X, PlumMatrix *out, GError **error)
{
  const NaiveBayes *self = self_ptr;
  double *jll = joint_log_likelihood(self, X, out, self->n_classes, error);
  if (jll == NULL)
    return FALSE;
  outputs_of_joint(jll, X->rows, self->n_classes, NULL, out);
  g_free(jll);
  return TRUE;
}

/* Both from one joint log-likelihood; the host has checked X's width and values, the counts
 * of multinomial_nb are still this model's to check (std: none here). */
static gboolean
nb_predict_all(const void *self_ptr, const PlumMatrix *X, PlumMatrix *values, PlumMatrix *proba,
               PlumMatrix *std, GError **error)
{
  const NaiveBayes *self = self_ptr;
  (void)std;
  if (!check_fitted(self, error) || !check_counts(self, X, "X", error))
    return FALSE;
  double *jll = joint_of(self, X);
  outputs_of_joint(jll, X->rows, self->n_classes, values, proba);
  g_free(jll);
  return TRUE;
}

/* log p(x) = logsumexp over classes of the joint; y is not used. */
static gboolean
nb_log_likelihood(const void *self_ptr, const PlumMatrix *X, const PlumMatrix *y, double *out,
                  GError **error)
{
  const NaiveBayes *self = self_ptr;
  double *jll = joint_log_likelihood(self, X, NULL, 0, error);
  if (jll == NULL)
    return FALSE;
  for (size_t i = 0; i < X->rows; i++)
    out[i] = log_sum_exp(jll + i * self->n_classes, self->n_classes);
  g_free(jll);
  return TRUE;
}

static gboolean
nb_save(const void *self_ptr, PlumState *state, GError **error)
{
  const NaiveBayes *self = self_ptr;
  if (!check_fitted(self, error))
    return FALSE;
  size_t k = self->n_classes, d = self->n_features;
  plum_state_set_reals(state, "log_prior", self->log_prior, 1, k);
  for (size_t t = 0; t < G_N_ELEMENTS(self->table); t++)
    if (self->ops->tables[t].name)
      plum_state_set_reals(state, self->ops->tables[t].name, self->table[t], k, d);
  return TRUE;
}

static gboolean
check_saved(const NaiveBayes *self, const char *name, const double *v, size_t len, TableKind kind,
            GError **error)
{
  static const char *const rules[] = {"finite", "finite and > 0", "finite and <= 0"};
  for (size_t i = 0; i < len; i++) {
    gboolean ok = isfinite(v[i]) && (kind != TABLE_POSITIVE || v[i] > 0) &&
                  (kind != TABLE_LOG_PROB || v[i] <= 0);
    if (ok)
      continue;
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
                "%s: saved %s[%zu] is %g; it must be %s", self->ops->name, name, i, v[i],
                rules[kind]);
    return FALSE;
  }
  return TRUE;
}

/* log_prior: a log probability or -inf (a class given prior 0), never NaN or above 0. */
static gboolean
check_saved_log_prior(const NaiveBayes *self, const double *v, size_t k, GError **error)
{
  for (size_t c = 0; c < k; c++) {
    if (v[c] <= 0)
      continue;
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
                "%s: saved log_prior[%zu] is %g; it must be <= 0 or -inf", self->ops->name, c,
                v[c]);
    return FALSE;
  }
  return TRUE;
}

static gboolean
nb_load(void *self_ptr, const PlumState *state, GError **error)
{
  NaiveBayes *self = self_ptr;
  size_t k = 0, d = 0;
  const double *log_prior = plum_state_get_reals(state, "log_prior", 1, 0, NULL, &k, error);
  if (log_prior == NULL || !check_saved_log_prior(self, log_prior, k, error))
    return FALSE;
  const double *tables[2] = {NULL, NULL};
  for (size_t t = 0; t < G_N_ELEMENTS(tables); t++) {
    const TableSpec *spec = &self->ops->tables[t];
    if (spec->name == NULL)
      continue;
    tables[t] = plum_state_get_reals(state, spec->name, k, d, NULL, t == 0 ? &d : NULL, error);
    if (tables[t] == NULL || !check_saved(self, spec->name, tables[t], k * d, spec->kind, error))
      return FALSE;
  }
  if (k < 1 || d < 1) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
                "%s: the saved tables are %zu x %zu; they need a row per class and a column "
                "per feature",
                self->ops->name, k, d);
    return FALSE;
  }
  nb_clear(self);
  nb_alloc(self, d, k);
  memcpy(self->log_prior, log_prior, k * sizeof *log_prior);
  for (size_t t = 0; t < G_N_ELEMENTS(tables); t++)
    if (tables[t])
      memcpy(self->table[t], tables[t], k * d * sizeof(double));
  self->ops->derive(self);
  return TRUE;
}

static gboolean
nb_check_params(const void *params, GError **error)
{
  const PlumRealArray *priors = &((const NbParams *)params)->priors;
  double sum = 0;
  for (size_t c = 0; c < priors->len; c++)
    sum += priors->data[c];
  if (priors->len == 0 || fabs(sum - 1.0) <= NB_PRIOR_SUM_TOL)
    return TRUE;
  g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE,
              "naive Bayes: priors sum to %.17g; they must sum to 1", sum);
  return FALSE;
}

/* gaussian_nb ---------------------------------------------------------------------------------- */

/* Means and sums of squared deviations from them, (k + 1) x d each: per class, and as group k
 * over all rows. Two passes, the mean first, as numpy's mean and var. */
static void
group_moments(const PlumMatrix *X, const size_t *y, const size_t *count, size_t k, double *mean,
              double *ssd)
{
  size_t n = X->rows, d = X->cols;
  double *all_mean = mean + k * d, *all_ssd = ssd + k * d;
  for (size_t i = 0; i < n; i++) {
    const double *row = PLUM_MATRIX_ROW(X, i);
    double *m = mean + y[i] * d;
    for (size_t j = 0; j < d; j++) {
      m[j] += row[j];
      all_mean[j] += row[j];
    }
  }
  for (size_t g = 0; g <= k; g++)
    for (size_t j = 0; j < d; j++)
      mean[g * d + j] /= (double)(g < k ? count[g] : n);
  for (size_t i = 0; i < n; i++) {
    const double *row = PLUM_MATRIX_ROW(X, i), *m = mean + y[i] * d;
    double *v = ssd + y[i] * d;
    for (size_t j = 0; j < d; j++) {
      double t = row[j] - m[j], u = row[j] - all_mean[j];
      v[j] += t * t;
      all_ssd[j] += u * u;
    }
  }
}

/* theta (table 0) = class means, var (table 1) = class population variances + epsilon. */
static gboolean
gaussian_fit(NaiveBayes *self, const PlumMatrix *X, const size_t *y, const size_t *count,
             GError **error)
{
  size_t n = X->rows, d = X->cols, k = self->n_classes;
  double *mean = g_new0(double, (k + 1) * d), *ssd = g_new0(double, (k + 1) * d), top = 0;
  group_moments(X, y, count, k, mean, ssd);
  for (size_t j = 0; j < d; j++)
    top = MAX(top, ssd[k * d + j] / (double)n);
  double epsilon = self->params->var_smoothing * top, *var = self->table[1];
  memcpy(self->table[0], mean, k * d * sizeof *mean);
  for (size_t i = 0; i < k * d; i++)
    var[i] = ssd[i] / (double)count[i / d] + epsilon;
  g_free(mean);
  g_free(ssd);
  if (!(top > 0)) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                "gaussian_nb: every feature is constant; there is no variance to smooth with");
    return FALSE;
  }
  for (size_t i = 0; i < k * d; i++) {
    if (var[i] > 0)
      continue;
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                "gaussian_nb: feature %zu (counting from 0) is constant within class %zu and "
                "var_smoothing = %g adds nothing; raise var_smoothing",
                i % d, i / d, self->params->var_smoothing);
    return FALSE;
  }
  return TRUE;
}

/* bias_c = −½ Σ_j log(2π var_cj); centre and weight hold theta and 1/var transposed, so the
 * joint's inner loop runs over the classes, each an independent sum. */
static void
gaussian_derive(NaiveBayes *self)
{
  size_t d = self->n_features, k = self->n_classes;
  self->centre = g_new(double, d *k);
  self->weight = g_new(double, d *k);
  for (size_t c = 0; c < k; c++) {
    double s = 0;
    for (size_t j = 0; j < d; j++) {
      double v = self->table[1][c * d + j];
      s += log(2.0 * G_PI * v);
      self->centre[j * k + c] = self->table[0][c * d + j];
      self->weight[j * k + c] = 1.0 / v;
    }
    self->bias[c] = -0.5 * s;
  }
}

/* jll_c = bias_c − ½ Σ_j (x_j − theta_cj)² / var_cj. */
static void
gaussian_joint(const NaiveBayes *self, const PlumMatrix *X, double *jll)
{
  size_t n = X->rows, d = self->n_features, k = self->n_classes;
#pragma omp parallel for schedule(static) if (n * d * k > NB_PARALLEL_MIN)
  for (size_t i = 0; i < n; i++) {
    const double *x = PLUM_MATRIX_ROW(X, i);
    double *acc = jll + i * k;
    memset(acc, 0, k * sizeof *acc);
    for (size_t j = 0; j < d; j++) {
      const double *mu = self->centre + j * k, *iv = self->weight + j * k;
      for (size_t c = 0; c < k; c++) {
        double t = x[j] - mu[c];
        acc[c] += t * t * iv[c];
      }
    }
    for (size_t c = 0; c < k; c++)
      acc[c] = self->bias[c] - 0.5 * acc[c];
  }
}

/* The discrete models -------------------------------------------------------------------------- */

/* jll = X' weight + bias, X' = X or X binarised at the threshold, a block of rows at a time. */
static void
discrete_joint(const NaiveBayes *self, const PlumMatrix *X, gboolean binarize, double *jll)
{
  size_t n = X->rows, d = self->n_features, k = self->n_classes;
  size_t block = MIN(n, (size_t)NB_ROW_BLOCK);
  double *buf = binarize ? g_new(double, block *d) : NULL;
  for (size_t i0 = 0; i0 < n; i0 += block) {
    size_t m = MIN(block, n - i0);
    const double *A = PLUM_MATRIX_ROW(X, i0);
    size_t lda = X->ld;
    if (binarize) {
      for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < d; j++)
          buf[i * d + j] = PLUM_MATRIX_AT(X, i0 + i, j) > self->params->binarize ? 1.0 : 0.0;
      A = buf;
      lda = d;
    }
    double *out = jll + i0 * k;
    for (size_t i = 0; i < m; i++)
      memcpy(out + i * k, self->bias, k * sizeof *out);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)k, (int)d, 1.0, A, (int)lda,
                self->weight, (int)k, 1.0, out, (int)k);
  }
  g_free(buf);
}

/* counts (k x d) += per-class sums of X' (as discrete_joint's X'). */
static void
class_feature_counts(const NaiveBayes *self, const PlumMatrix *X, const size_t *y,
                     gboolean binarize, double *counts)
{
  size_t d = X->cols;
  for (size_t i = 0; i < X->rows; i++) {
    const double *row = PLUM_MATRIX_ROW(X, i);
    double *dst = counts + y[i] * d;
    for (size_t j = 0; j < d; j++)
      dst[j] += binarize ? (row[j] > self->params->binarize ? 1.0 : 0.0) : row[j];
  }
}

/* log P(x_j = 1 | c) (table 0) and log P(x_j = 0 | c) (table 1). */
static gboolean
bernoulli_fit(NaiveBayes *self, const PlumMatrix *X, const size_t *y, const size_t *count,
              GError **error)
{
  size_t d = X->cols;
  double alpha = self->params->alpha;
  double *on = self->table[0], *off = self->table[1];
  class_feature_counts(self, X, y, TRUE, on);
  for (size_t c = 0; c < self->n_classes; c++) {
    double nc = (double)count[c], log_total = log(nc + 2.0 * alpha);
    for (size_t j = 0; j < d; j++) {
      double fc = on[c * d + j];
      on[c * d + j] = log(fc + alpha) - log_total;
      off[c * d + j] = log(nc - fc + alpha) - log_total;
    }
  }
  return TRUE;
}

/* weight_jc = log P(1) − log P(0); bias_c = Σ_j log P(x_j = 0 | c). */
static void
bernoulli_derive(NaiveBayes *self)
{
  size_t d = self->n_features, k = self->n_classes;
  self->weight = g_new(double, d *k);
  for (size_t c = 0; c < k; c++) {
    double s = 0;
    for (size_t j = 0; j < d; j++) {
      double off = self->table[1][c * d + j];
      self->weight[j * k + c] = self->table[0][c * d + j] - off;
      s += off;
    }
    self->bias[c] = s;
  }
}

static void
bernoulli_joint(const NaiveBayes *self, const PlumMatrix *X, double *jll)
{
  discrete_joint(self, X, TRUE, jll);
}

/* log P(j | c) (table 0) from the smoothed per-class feature totals. */
static gboolean
multinomial_fit(NaiveBayes *self, const PlumMatrix *X, const size_t *y, const size_t *count,
                GError **error)
{
  size_t d = X->cols;
  double alpha = self->params->alpha, *flp = self->table[0];
  class_feature_counts(self, X, y, FALSE, flp);
  for (size_t c = 0; c < self->n_classes; c++) {
    double *row = flp + c * d, total = 0;
    for (size_t j = 0; j < d; j++)
      total += row[j] += alpha;
    if (!isfinite(total)) {
      g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                  "multinomial_nb: the feature counts of class %zu overflow", c);
      return FALSE;
    }
    double log_total = log(total);
    for (size_t j = 0; j < d; j++)
      row[j] = log(row[j]) - log_total;
  }
  return TRUE;
}

static void
multinomial_derive(NaiveBayes *self)
{
  size_t d = self->n_features, k = self->n_classes;
  self->weight = g_new(double, d *k);
  for (size_t c = 0; c < k; c++)
    for (size_t j = 0; j < d; j++)
      self->weight[j * k + c] = self->table[0][c * d + j];
}

static void
multinomial_joint(const NaiveBayes *self, const PlumMatrix *X, double *jll)
{
  discrete_joint(self, X, FALSE, jll);
}

/* Tables --------------------------------------------------------------------------------------- */

static const NbOps gaussian_ops = {
    .name = "gaussian_nb",
    .tables = {{"theta", TABLE_FINITE}, {"var", TABLE_POSITIVE}},
    .fit = gaussian_fit,
    .derive = gaussian_derive,
    .joint = gaussian_joint,
};

static const NbOps bernoulli_ops = {
    .name = "bernoulli_nb",
    .tables = {{"feature_log_prob", TABLE_LOG_PROB}, {"neg_feature_log_prob", TABLE_LOG_PROB}},
    .fit = bernoulli_fit,
    .derive = bernoulli_derive,
    .joint = bernoulli_joint,
};

static const NbOps multinomial_ops = {
    .name = "multinomial_nb",
    .counts = TRUE,
    .tables = {{"feature_log_prob", TABLE_LOG_PROB}, {NULL, TABLE_FINITE}},
    .fit = multinomial_fit,
    .derive = multinomial_derive,
    .joint = multinomial_joint,
};

static void *
gaussian_nb_create(const void *params, GError **error)
{
  return nb_new(&gaussian_ops, params);
}

static void *
bernoulli_nb_create(const void *params, GError **error)
{
  return nb_new(&bernoulli_ops, params);
}

static void *
multinomial_nb_create(const void *params, GError **error)
{
  return nb_new(&multinomial_ops, params);
}

#define NB_VTABLE(create_fn)                                                                       \
  {                                                                                                \
    .struct_size = sizeof(PlumModelVTable), .create = (create_fn), .destroy = nb_destroy,          \
    .fit = nb_fit, .shape = nb_shape, .save = nb_save, .load = nb_load, .predict = nb_predict,     \
    .predict_proba = nb_predict_proba, .log_likelihood = nb_log_likelihood,                        \
    .predict_all = nb_predict_all,                                                                 \
  }

static const PlumModelVTable gaussian_nb_vtable = NB_VTABLE(gaussian_nb_create);
static const PlumModelVTable bernoulli_nb_vtable = NB_VTABLE(bernoulli_nb_create);
static const PlumModelVTable multinomial_nb_vtable = NB_VTABLE(multinomial_nb_create);

#define NB_PRIORS_SPEC                                                                             \
  {                                                                                                \
    .name = "priors", .type = PLUM_PARAM_REAL_ARRAY, .offset = offsetof(NbParams, priors),         \
    .min = 0, .max = 1,                                                                            \
    .doc = "class prior probabilities, one per class, summing to 1 (empty: the class "             \
           "frequencies)"                                                                          \
  }
#define NB_ALPHA_SPEC(docstr)                                                                      \
  PLUM_PARAM_REAL_SPEC(NbParams, alpha, 1.0, NB_ALPHA_MIN, INFINITY, 0, docstr)

static const PlumParamSpec gaussian_nb_params[] = {
    NB_PRIORS_SPEC,
    PLUM_PARAM_REAL_SPEC(NbParams, var_smoothing, 1e-9, 0.0, INFINITY, 0,
                         "added to every variance, as a share of the largest feature variance"),
};

static const PlumParamSpec bernoulli_nb_params[] = {
    NB_PRIORS_SPEC,
    NB_ALPHA_SPEC("additive smoothing of the per-class feature counts (>= 1e-10)"),
    PLUM_PARAM_REAL_SPEC(NbParams, binarize, 0.0, -INFINITY, INFINITY, 0,
                         "features above this count as 1, the others as 0"),
};

static const PlumParamSpec multinomial_nb_params[] = {
    NB_PRIORS_SPEC,
    NB_ALPHA_SPEC("additive smoothing of the per-class feature counts (>= 1e-10)"),
};

#define NB_COMPONENT(id, summ)                                                                     \
  {                                                                                                \
    .struct_size = sizeof(PlumComponentDesc), .kind = PLUM_KIND_MODEL, .name = #id,                \
    .summary = (summ), .caps = PLUM_CAP_SUPERVISED | PLUM_CAP_CLASSIFIER, .params = id##_params,   \
    .n_params = G_N_ELEMENTS(id##_params), .params_size = sizeof(NbParams),                        \
    .check_params = nb_check_params, .vtable = &id##_vtable, .state_version = 1,                   \
  }

static const PlumComponentDesc naive_bayes_components[] = {
    NB_COMPONENT(gaussian_nb, "naive Bayes with per-class Gaussian features"),
    NB_COMPONENT(bernoulli_nb, "naive Bayes with binary (thresholded) features"),
    NB_COMPONENT(multinomial_nb, "naive Bayes with count features"),
};

PLUM_PLUGIN_DEFINE(naive_bayes, PACKAGE_VERSION, "MIT",
                   "naive Bayes classifiers: Gaussian, Bernoulli and multinomial",
                   naive_bayes_components, NULL)
