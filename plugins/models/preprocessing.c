/* preprocessing.c — the pipeline's transform steps as model components (PLUM_CAP_TRANSFORMER).
 *
 * Like scikit-learn's scalers, each step is an estimator: an unsupervised fit on the training
 * features, transform to n × n_transform, inverse_transform where one exists, and save/load of
 * what fit learned, so PCA and third-party transforms plug into a pipeline's `transforms:` the
 * same way. The numbers follow scikit-learn 1.2 (tests/reference/preprocessing.py):
 *  - standardize = StandardScaler: population std, mean and variance by the corrected two-pass
 *    sum in row order as numpy does; a column whose variance is rounding noise (sklearn's test
 *    var <= n·eps·var + (n·mean·eps)²) gets scale 1, so it is only centred.
 *  - min_max = MinMaxScaler: a column whose range is below 10·eps gets range 1, so a constant
 *    column maps to feature_min.
 *  - normalize = Normalizer: rows divided by their l2, l1 or max norm; a row whose norm is below
 *    10·eps (a zero row) is left as it is. Nothing is learned but the width.
 *  - impute = SimpleImputer on NaN: mean, median (midpoint of the two middle values),
 *    most_frequent (the smallest of ties) or constant. A column with no value at all is an error
 *    naming it, where sklearn silently drops the column: the output always has the input's
 *    columns. Inf is an error.
 *  - one_hot = OneHotEncoder on the listed columns, which hold category codes (non-negative
 *    integers stored as doubles, as the CSV reader encodes categorical columns). The categories
 *    of a column are the distinct codes seen at fit, in increasing order; each listed column is
 *    replaced, in its place, by one indicator column per category (the first dropped with
 *    `drop: first`), the other columns keep their order. An unseen code at transform is an error.
 *  - polynomial = PolynomialFeatures, columns in sklearn's order (bias, then degree by degree,
 *    lexicographic combinations with replacement), each term computed as sklearn does; but
 *    include_bias defaults to false (sklearn: true), since plum's models fit their own intercept.
 * The shared layer checks shapes, non-finite values and fitted state once for every step, and
 * runs each step's per-row function over the rows, in parallel for large inputs. The steps whose
 * output is as wide as their input (standardize, min_max, normalize, impute) may transform in
 * place (out == X); one_hot and polynomial need an output that does not overlap X.
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <plum/plugin.h>

/* Below this many output cells a transform runs on one thread: OpenMP start-up would cost more. */
#define PREP_PARALLEL_MIN ((size_t)1 << 15)
/* Widths beyond a BLAS int are of no use to any model downstream. */
#define PREP_MAX_COLUMNS ((size_t)G_MAXINT)
/* Category codes must be exactly representable as doubles and as gint64 state. */
#define PREP_MAX_CODE 9007199254740992.0 /* 2^53 */

typedef struct Prep Prep;

/* One row of input to one row of output; FALSE when the row cannot be transformed. */
typedef gboolean (*PrepRowFunc)(const Prep *self, const double *in, double *out);

typedef struct {
  const char *name;
  size_t size;        /* of the instance struct, which starts with a Prep */
  gboolean allow_nan; /* NaN is data to fill, not an error */
  /* Learn from X (at least one row and column, values checked) and install what was learned
   * with prep_set_fitted; leave the instance unchanged on failure. */
  gboolean (*fit)(Prep *self, const PlumMatrix *X, GError **error);
  /* The same from a saved state of n_features = d. */
  gboolean (*load)(Prep *self, const PlumState *state, size_t d, GError **error);
  void (*save)(const Prep *self, PlumState *state); /* nullable: nothing beyond the width */
  void (*clear)(Prep *self);                        /* nullable: frees what fit installed */
  PrepRowFunc forward;
  PrepRowFunc inverse; /* nullable */
  /* nullable when rows never fail: why `in`, row `row`, failed */
  void (*explain)(const Prep *self, gboolean inverse, const double *in, size_t row, GError **error);
} PrepOps;

struct Prep {
  const PrepOps *ops;
  const void *params; /* borrowed from the binding, which outlives the instance */
  size_t n_features;  /* 0 until fitted or loaded */
  size_t n_out;
};

/* The shared layer ---------------------------------------------------------------------------- */

static void
prep_set_fitted(Prep *self, size_t n_features, size_t n_out)
{
  self->n_features = n_features;
  self->n_out = n_out;
}

static void *
prep_new(const PrepOps *ops, const void *params)
{
  Prep *self = g_malloc0(ops->size);
  self->ops = ops;
  self->params = params;
  return self;
}

static void
prep_destroy(void *self_ptr)
{
  Prep *self = self_ptr;
  if (self->ops->clear)
    self->ops->clear(self);
  g_free(self);
}

/* With NaN allowed, Inf is still an error: it is no missing value and no number to keep. */
static gboolean
check_no_inf(const PlumMatrix *M, const char *what, GError **error)
{
  for (size_t i = 0; i < M->rows; i++) {
    const double *row = PLUM_MATRIX_ROW(M, i);
    for (size_t j = 0; j < M->cols; j++) {
      if (!isinf(row[j]))
        continue;
      g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_NONFINITE,
                  "%s: infinite value %g at row %zu, column %zu (counting from 0); only NaN "
                  "marks a missing value",
                  what, row[j], i, j);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
prep_check_values(const Prep *self, const PlumMatrix *M, const char *name, gboolean forward,
                  GError **error)
{
  char what[64];
  g_snprintf(what, sizeof what, "%s: %s", self->ops->name, name);
  if (forward && self->ops->allow_nan)
    return check_no_inf(M, what, error);
  return plum_matrix_check_finite(M, what, error);
}

static gboolean
prep_check_fitted(const Prep *self, GError **error)
{
  if (self->n_features > 0)
    return TRUE;
  g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_NOT_FITTED,
              "%s: not fitted; call fit or load first", self->ops->name);
  return FALSE;
}

static gboolean
prep_fit(void *self_ptr, const PlumFitData *data, GError **error)
{
  Prep *self = self_ptr;
  const PlumMatrix *X = data->X;
  if (X == NULL || X->rows < 1 || X->cols < 1) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "%s: fit needs X with at least one row and one column", self->ops->name);
    return FALSE;
  }
  if (!prep_check_values(self, X, "X", TRUE, error))
    return FALSE;
  return self->ops->fit(self, X, error);
}

static void
prep_shape(const void *self_ptr, PlumModelShape *shape)
{
  const Prep *self = self_ptr;
  shape->n_features = self->n_features;
  shape->n_outputs = 0;
  shape->n_classes = 0;
  shape->n_transform = self->n_out;
}

/* Runs fn over the rows; returns the first row it failed on, or in->rows. */
static size_t
prep_map_rows(const Prep *self, PrepRowFunc fn, const PlumMatrix *in, PlumMatrix *out)
{
  size_t n = in->rows, bad = n;
  gboolean parallel = n > 1 && n * MAX(in->cols, out->cols) >= PREP_PARALLEL_MIN;
#pragma omp parallel for schedule(static) reduction(min : bad) if (parallel)
  for (size_t i = 0; i < n; i++) {
    if (!fn(self, PLUM_MATRIX_ROW(in, i), PLUM_MATRIX_ROW(out, i)))
      bad = MIN(bad, i);
  }
  return bad;
}

/* Checks in (in_cols wide) and out (out_cols wide, as many rows) and maps the rows. */
static gboolean
prep_apply(const Prep *self, gboolean forward, const PlumMatrix *in, size_t in_cols,
           PlumMatrix *out, size_t out_cols, GError **error)
{
  const char *in_name = forward ? "X" : "Z";
  if (!prep_check_fitted(self, error))
    return FALSE;
  if (in->cols != in_cols) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "%s: %s has %zu columns; the step was fitted for %zu", self->ops->name, in_name,
                in->cols, in_cols);
    return FALSE;
  }
  char what[64];
  g_snprintf(what, sizeof what, "%s: output", self->ops->name);
  if (!prep_check_values(self, in, in_name, forward, error) ||
      !plum_matrix_check_shape(out, in->rows, out_cols, what, error))
    return FALSE;
  PrepRowFunc fn = forward ? self->ops->forward : self->ops->inverse;
  size_t bad = prep_map_rows(self, fn, in, out);
  if (bad == in->rows)
    return TRUE;
  self->ops->explain(self, !forward, PLUM_MATRIX_ROW(in, bad), bad, error);
  return FALSE;
}

static gboolean
prep_transform(const void *self_ptr, const PlumMatrix *X, PlumMatrix *out, GError **error)
{
  const Prep *self = self_ptr;
  return prep_apply(self, TRUE, X, self->n_features, out, self->n_out, error);
}

static gboolean
prep_inverse_transform(const void *self_ptr, const PlumMatrix *Z, PlumMatrix *out, GError **error)
{
  const Prep *self = self_ptr;
  return prep_apply(self, FALSE, Z, self->n_out, out, self->n_features, error);
}

static gboolean
prep_save(const void *self_ptr, PlumState *state, GError **error)
{
  const Prep *self = self_ptr;
  if (!prep_check_fitted(self, error))
    return FALSE;
  plum_state_set_int(state, "n_features", (gint64)self->n_features);
  if (self->ops->save)
    self->ops->save(self, state);
  return TRUE;
}

static gboolean
prep_load(void *self_ptr, const PlumState *state, GError **error)
{
  Prep *self = self_ptr;
  gint64 d = 0;
  if (!plum_state_get_int(state, "n_features", &d, error))
    return FALSE;
  if (d < 1 || (guint64)d > PREP_MAX_COLUMNS) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
                "%s: saved n_features is %" G_GINT64_FORMAT "; it must be in 1..%zu",
                self->ops->name, d, PREP_MAX_COLUMNS);
    return FALSE;
  }
  return self->ops->load(self, state, (size_t)d, error);
}

/* v[0..d) must be finite (and positive when `positive`); fails naming what[j]. At fit, a value
 * that is not is the overflow of a column with values near ±DBL_MAX. */
static gboolean
check_learned(const Prep *self, const char *what, const double *v, size_t d, gboolean positive,
              GQuark domain, int code, GError **error)
{
  for (size_t j = 0; j < d; j++) {
    if (isfinite(v[j]) && (!positive || v[j] > 0))
      continue;
    g_set_error(error, domain, code, "%s: %s[%zu] is %g; it must be finite%s", self->ops->name,
                what, j, v[j], positive ? " and positive" : "");
    return FALSE;
  }
  return TRUE;
}

/* A saved 1 × d row as check_learned wants it, or NULL with a state error. */
static const double *
load_row(const Prep *self, const PlumState *state, const char *name, size_t d, gboolean positive,
         GError **error)
{
  char what[64];
  g_snprintf(what, sizeof what, "saved %s", name);
  const double *v = plum_state_get_reals(state, name, 1, d, NULL, NULL, error);
  if (v == NULL ||
      !check_learned(self, what, v, d, positive, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE, error))
    return NULL;
  return v;
}

/* standardize and min_max: per-column affine maps ------------------------------------------- */

typedef struct {
  gboolean with_mean;
  gboolean with_std;
} StandardizeParams;

typedef struct {
  double feature_min;
  double feature_max;
} MinMaxParams;

/* standardize computes (x − offset) / scale, min_max x · scale + offset; each is the other's
 * inverse, written the way scikit-learn writes it so the results agree to the last bit. */
typedef struct {
  Prep base;
  double *offset; /* d: the mean (0 when not centring), or sklearn's min_ */
  double *scale;  /* d: the std (1 when not scaling or constant), or sklearn's scale_ */
} Affine;

static void
affine_clear(Prep *base)
{
  Affine *self = (Affine *)base;
  g_clear_pointer(&self->offset, g_free);
  g_clear_pointer(&self->scale, g_free);
}

/* Takes ownership of offset and scale. */
static void
affine_install(Affine *self, size_t d, double *offset, double *scale)
{
  affine_clear(&self->base);
  self->offset = offset;
  self->scale = scale;
  prep_set_fitted(&self->base, d, d);
}

/* Installs what a fit learned, taking ownership (also on failure), unless a column overflowed. */
static gboolean
affine_fitted(Prep *base, size_t d, double *offset, double *scale, GError **error)
{
  if (check_learned(base, "offset", offset, d, FALSE, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                    error) &&
      check_learned(base, "scale", scale, d, TRUE, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                    error)) {
    affine_install((Affine *)base, d, offset, scale);
    return TRUE;
  }
  g_free(offset);
  g_free(scale);
  return FALSE;
}

static gboolean
affine_sub_div_row(const Prep *base, const double *in, double *out)
{
  const Affine *self = (const Affine *)base;
  for (size_t j = 0; j < base->n_features; j++)
    out[j] = (in[j] - self->offset[j]) / self->scale[j];
  return TRUE;
}

static gboolean
affine_mul_add_row(const Prep *base, const double *in, double *out)
{
  const Affine *self = (const Affine *)base;
  for (size_t j = 0; j < base->n_features; j++)
    out[j] = in[j] * self->scale[j] + self->offset[j];
  return TRUE;
}

static void
affine_save(const Prep *base, PlumState *state)
{
  const Affine *self = (const Affine *)base;
  plum_state_set_reals(state, "offset", self->offset, 1, base->n_features);
  plum_state_set_reals(state, "scale", self->scale, 1, base->n_features);
}

static gboolean
affine_load(Prep *base, const PlumState *state, size_t d, GError **error)
{
  const double *offset = load_row(base, state, "offset", d, FALSE, error);
  const double *scale = offset ? load_row(base, state, "scale", d, TRUE, error) : NULL;
  if (scale == NULL)
    return FALSE;
  affine_install((Affine *)base, d, g_memdup2(offset, d * sizeof *offset),
                 g_memdup2(scale, d * sizeof *scale));
  return TRUE;
}

/* Column sums in row order: numpy's X.sum(axis=0) on a C-ordered array, to the last bit. */
static void
column_sums(const PlumMatrix *X, const double *centre, double *sum, double *sum_sq)
{
  memset(sum, 0, X->cols * sizeof *sum);
  if (sum_sq)
    memset(sum_sq, 0, X->cols * sizeof *sum_sq);
  for (size_t i = 0; i < X->rows; i++) {
    const double *row = PLUM_MATRIX_ROW(X, i);
    for (size_t j = 0; j < X->cols; j++) {
      double t = centre ? row[j] - centre[j] : row[j];
      sum[j] += t;
      if (sum_sq)
        sum_sq[j] += t * t;
    }
  }
}

/* sklearn's _is_constant_feature: the variance is within the two-pass algorithm's error. */
static gboolean
is_constant_feature(double var, double mean, double n)
{
  double t = n * mean * DBL_EPSILON;
  return var <= n * DBL_EPSILON * var + t * t;
}

/* Mean and population std by the corrected two-pass algorithm (Chan, Golub, LeVeque), the
 * formula of sklearn's _incremental_mean_and_var on a first batch. */
static gboolean
standardize_fit(Prep *base, const PlumMatrix *X, GError **error)
{
  const StandardizeParams *p = base->params;
  size_t d = X->cols;
  double n = (double)X->rows;
  double *mean = g_new(double, d), *scale = g_new(double, d);
  double *corr = g_new(double, d), *ssq = g_new(double, d);

  column_sums(X, NULL, mean, NULL);
  for (size_t j = 0; j < d; j++)
    mean[j] /= n;
  column_sums(X, mean, corr, ssq);
  for (size_t j = 0; j < d; j++) {
    double var = (ssq[j] - corr[j] * corr[j] / n) / n;
    gboolean constant = !p->with_std || is_constant_feature(var, mean[j], n);
    scale[j] = constant ? 1.0 : sqrt(var);
    if (!p->with_mean)
      mean[j] = 0.0;
  }
  g_free(corr);
  g_free(ssq);
  return affine_fitted(base, d, mean, scale, error);
}

static gboolean
min_max_fit(Prep *base, const PlumMatrix *X, GError **error)
{
  const MinMaxParams *p = base->params;
  size_t d = X->cols;
  double *lo = g_memdup2(PLUM_MATRIX_ROW(X, 0), d * sizeof *lo);
  double *hi = g_memdup2(lo, d * sizeof *hi);
  for (size_t i = 1; i < X->rows; i++) {
    const double *row = PLUM_MATRIX_ROW(X, i);
    for (size_t j = 0; j < d; j++) {
      lo[j] = MIN(lo[j], row[j]);
      hi[j] = MAX(hi[j], row[j]);
    }
  }
  /* In place, hi becomes sklearn's scale_ and lo its min_ = feature_min − data_min · scale_. */
  for (size_t j = 0; j < d; j++) {
    double range = hi[j] - lo[j];
    hi[j] = (p->feature_max - p->feature_min) / (range < 10 * DBL_EPSILON ? 1.0 : range);
    lo[j] = p->feature_min - lo[j] * hi[j];
  }
  return affine_fitted(base, d, lo, hi, error);
}

static gboolean
min_max_check_params(const void *params, GError **error)
{
  const MinMaxParams *p = params;
  if (p->feature_min < p->feature_max && isfinite(p->feature_max - p->feature_min))
    return TRUE;
  g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE,
              "min_max: feature_min (%g) must be less than feature_max (%g), both finite",
              p->feature_min, p->feature_max);
  return FALSE;
}

/* normalize: rows to unit norm --------------------------------------------------------------- */

typedef enum {
  NORM_L2 = 0,
  NORM_L1,
  NORM_MAX,
} NormKind;

static const char *const norm_names[] = {"l2", "l1", "max", NULL};

typedef struct {
  int norm;
} NormalizeParams;

static gboolean
normalize_fit(Prep *self, const PlumMatrix *X, GError **error)
{
  prep_set_fitted(self, X->cols, X->cols);
  return TRUE;
}

static gboolean
normalize_load(Prep *self, const PlumState *state, size_t d, GError **error)
{
  prep_set_fitted(self, d, d);
  return TRUE;
}

static double
row_norm(NormKind kind, const double *x, size_t d)
{
  double acc = 0;
  for (size_t j = 0; j < d; j++) {
    if (kind == NORM_L2)
      acc += x[j] * x[j];
    else if (kind == NORM_L1)
      acc += fabs(x[j]);
    else
      acc = MAX(acc, fabs(x[j]));
  }
  return kind == NORM_L2 ? sqrt(acc) : acc;
}

static gboolean
normalize_row(const Prep *self, const double *in, double *out)
{
  const NormalizeParams *p = self->params;
  size_t d = self->n_features;
  double norm = row_norm((NormKind)p->norm, in, d);
  if (norm < 10 * DBL_EPSILON) /* sklearn's _handle_zeros_in_scale */
    norm = 1.0;
  for (size_t j = 0; j < d; j++)
    out[j] = in[j] / norm;
  return TRUE;
}

/* impute: NaN to a per-column statistic ------------------------------------------------------ */

typedef enum {
  IMPUTE_MEAN = 0,
  IMPUTE_MEDIAN,
  IMPUTE_MOST_FREQUENT,
  IMPUTE_CONSTANT,
} ImputeStrategy;

static const char *const impute_names[] = {"mean", "median", "most_frequent", "constant", NULL};

typedef struct {
  int strategy;
  double fill_value;
} ImputeParams;

typedef struct {
  Prep base;
  double *fill; /* d */
} Impute;

static void
impute_clear(Prep *base)
{
  g_clear_pointer(&((Impute *)base)->fill, g_free);
}

static void
impute_install(Impute *self, size_t d, double *fill)
{
  impute_clear(&self->base);
  self->fill = fill;
  prep_set_fitted(&self->base, d, d);
}

static int
compare_doubles(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The non-NaN values of column j into buf, sorted; returns how many. */
static size_t
sorted_column(const PlumMatrix *X, size_t j, double *buf)
{
  size_t m = 0;
  for (size_t i = 0; i < X->rows; i++) {
    double v = PLUM_MATRIX_AT(X, i, j);
    if (!isnan(v))
      buf[m++] = v;
  }
  qsort(buf, m, sizeof *buf, compare_doubles);
  return m;
}

/* numpy.ma.median: the midpoint of the two middle values (the same value twice when odd). */
static double
sorted_median(const double *v, size_t m)
{
  return (v[(m - 1) / 2] + v[m / 2]) / 2.0;
}

/* scipy.stats.mode: the most frequent value, the smallest of ties. */
static double
sorted_mode(const double *v, size_t m)
{
  double best = v[0];
  size_t best_run = 0;
  for (size_t i = 0; i < m;) {
    size_t k = i + 1;
    while (k < m && v[k] == v[i])
      k++;
    if (k - i > best_run) {
      best = v[i];
      best_run = k - i;
    }
    i = k;
  }
  return best;
}

/* Median or mode per column into stat (NaN for a column with no value); sorting dominates, so
 * columns go to threads, each with its own buffer. */
static void
impute_order_statistics(const PlumMatrix *X, ImputeStrategy strategy, double *stat)
{
  gboolean parallel = X->cols > 1 && X->rows * X->cols >= PREP_PARALLEL_MIN;
#pragma omp parallel if (parallel)
  {
    double *buf = g_new(double, X->rows);
#pragma omp for schedule(dynamic)
    for (size_t j = 0; j < X->cols; j++) {
      size_t m = sorted_column(X, j, buf);
      if (m == 0)
        stat[j] = NAN;
      else
        stat[j] = strategy == IMPUTE_MEDIAN ? sorted_median(buf, m) : sorted_mode(buf, m);
    }
    g_free(buf);
  }
}

/* numpy.ma.mean: the sum of the present values in row order over their count. */
static void
impute_means(const PlumMatrix *X, double *stat)
{
  size_t d = X->cols;
  size_t *count = g_new0(size_t, d);
  memset(stat, 0, d * sizeof *stat);
  for (size_t i = 0; i < X->rows; i++) {
    const double *row = PLUM_MATRIX_ROW(X, i);
    for (size_t j = 0; j < d; j++) {
      gboolean present = !isnan(row[j]);
      stat[j] += present ? row[j] : 0.0;
      count[j] += present;
    }
  }
  for (size_t j = 0; j < d; j++)
    stat[j] = count[j] > 0 ? stat[j] / (double)count[j] : NAN;
  g_free(count);
}

/* NaN marks a column with no value at all, Inf one whose statistic overflowed. */
static gboolean
impute_check_fill(const Prep *base, const double *fill, size_t d, GError **error)
{
  const ImputeParams *p = base->params;
  for (size_t j = 0; j < d; j++) {
    if (!isnan(fill[j]))
      continue;
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_MISSING,
                "impute: column %zu (counting from 0) is NaN in every row, so strategy '%s' has "
                "nothing to compute; drop the column or use strategy 'constant'",
                j, impute_names[p->strategy]);
    return FALSE;
  }
  return check_learned(base, "statistics", fill, d, FALSE, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                       error);
}

static gboolean
impute_fit(Prep *base, const PlumMatrix *X, GError **error)
{
  const ImputeParams *p = base->params;
  size_t d = X->cols;
  double *fill = g_new(double, d);
  if (p->strategy == IMPUTE_CONSTANT) {
    for (size_t j = 0; j < d; j++)
      fill[j] = p->fill_value;
  } else if (p->strategy == IMPUTE_MEAN) {
    impute_means(X, fill);
  } else {
    impute_order_statistics(X, p->strategy, fill);
  }
  if (!impute_check_fill(base, fill, d, error)) {
    g_free(fill);
    return FALSE;
  }
  impute_install((Impute *)base, d, fill);
  return TRUE;
}

static gboolean
impute_row(const Prep *base, const double *in, double *out)
{
  const Impute *self = (const Impute *)base;
  for (size_t j = 0; j < base->n_features; j++)
    out[j] = isnan(in[j]) ? self->fill[j] : in[j];
  return TRUE;
}

static void
impute_save(const Prep *base, PlumState *state)
{
  plum_state_set_reals(state, "statistics", ((const Impute *)base)->fill, 1, base->n_features);
}

static gboolean
impute_load(Prep *base, const PlumState *state, size_t d, GError **error)
{
  const double *fill = load_row(base, state, "statistics", d, FALSE, error);
  if (fill == NULL)
    return FALSE;
  impute_install((Impute *)base, d, g_memdup2(fill, d * sizeof *fill));
  return TRUE;
}

static gboolean
impute_check_params(const void *params, GError **error)
{
  const ImputeParams *p = params;
  if (isfinite(p->fill_value))
    return TRUE;
  g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE,
              "impute: fill_value is %g; it must be finite", p->fill_value);
  return FALSE;
}

/* one_hot: category codes to indicator columns, in place ------------------------------------- */

typedef enum {
  DROP_NONE = 0,
  DROP_FIRST,
} OneHotDrop;

static const char *const drop_names[] = {"none", "first", NULL};

typedef struct {
  PlumIntArray columns;
  int drop;
} OneHotParams;

/* The encoded columns in increasing order, whatever order the configuration lists them in. */
typedef struct {
  Prep base;
  size_t n_enc;
  size_t *columns;   /* n_enc input columns */
  size_t *cat_start; /* n_enc + 1: the categories of columns[k] are cats[cat_start[k]..[k+1]) */
  double *cats;      /* sorted codes per encoded column */
} OneHot;

static void
one_hot_clear(Prep *base)
{
  OneHot *self = (OneHot *)base;
  g_clear_pointer(&self->columns, g_free);
  g_clear_pointer(&self->cat_start, g_free);
  g_clear_pointer(&self->cats, g_free);
}

static int
compare_sizes(const void *a, const void *b)
{
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return (x > y) - (x < y);
}

/* The configured columns, sorted (transfer full), after checking they exist in d columns. */
static size_t *
one_hot_columns(const OneHotParams *p, size_t d, GError **error)
{
  for (size_t k = 0; k < p->columns.len; k++) {
    if (p->columns.data[k] >= 0 && (guint64)p->columns.data[k] < d)
      continue;
    g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE,
                "one_hot: columns[%zu] is %" G_GINT64_FORMAT ", but X has %zu columns "
                "(counting from 0)",
                k, p->columns.data[k], d);
    return NULL;
  }
  size_t *cols = g_new(size_t, p->columns.len);
  for (size_t k = 0; k < p->columns.len; k++)
    cols[k] = (size_t)p->columns.data[k];
  qsort(cols, p->columns.len, sizeof *cols, compare_sizes);
  return cols;
}

static gboolean
is_code(double v)
{
  return v >= 0 && v < PREP_MAX_CODE && v == floor(v);
}

/* Takes ownership of the arrays, also on failure; the output width follows from them. */
static gboolean
one_hot_install(OneHot *self, size_t d, size_t *columns, size_t *cat_start, double *cats,
                GError **error)
{
  const OneHotParams *p = self->base.params;
  size_t n_enc = p->columns.len, n_out = d - n_enc;
  for (size_t k = 0; k < n_enc; k++)
    n_out += cat_start[k + 1] - cat_start[k] - (p->drop == DROP_FIRST);
  if (n_out == 0) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "one_hot: no column would be left: every column is encoded and has a single "
                "category, which drop 'first' removes");
    g_free(columns);
    g_free(cat_start);
    g_free(cats);
    return FALSE;
  }
  one_hot_clear(&self->base);
  self->n_enc = n_enc;
  self->columns = columns;
  self->cat_start = cat_start;
  self->cats = cats;
  prep_set_fitted(&self->base, d, n_out);
  return TRUE;
}

/* The sorted distinct codes of column c into cats (room for X->rows); returns how many. */
static gboolean
distinct_codes(const PlumMatrix *X, size_t c, double *cats, size_t *n_out, GError **error)
{
  for (size_t i = 0; i < X->rows; i++) {
    double v = PLUM_MATRIX_AT(X, i, c);
    if (!is_code(v)) {
      g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                  "one_hot: X row %zu, column %zu (counting from 0) is %g, not a category code "
                  "(a non-negative integer below 2^53)",
                  i, c, v);
      return FALSE;
    }
    cats[i] = v;
  }
  qsort(cats, X->rows, sizeof *cats, compare_doubles);
  size_t m = 1;
  for (size_t i = 1; i < X->rows; i++) {
    if (cats[i] != cats[m - 1])
      cats[m++] = cats[i];
  }
  *n_out = m;
  return TRUE;
}

static gboolean
one_hot_fit(Prep *base, const PlumMatrix *X, GError **error)
{
  const OneHotParams *p = base->params;
  size_t *columns = one_hot_columns(p, X->cols, error);
  if (columns == NULL)
    return FALSE;
  size_t n_enc = p->columns.len;
  size_t *cat_start = g_new0(size_t, n_enc + 1);
  double *cats = g_new(double, n_enc * X->rows);
  for (size_t k = 0; k < n_enc; k++) {
    size_t m = 0;
    if (!distinct_codes(X, columns[k], cats + cat_start[k], &m, error)) {
      g_free(columns);
      g_free(cat_start);
      g_free(cats);
      return FALSE;
    }
    cat_start[k + 1] = cat_start[k] + m;
  }
  cats = g_renew(double, cats, cat_start[n_enc]);
  return one_hot_install((OneHot *)base, X->cols, columns, cat_start, cats, error);
}

/* The index of code v among the sorted categories of encoded column k, or -1. */
static gssize
one_hot_find(const OneHot *self, size_t k, double v)
{
  const double *cats = self->cats + self->cat_start[k];
  const double *hit =
      bsearch(&v, cats, self->cat_start[k + 1] - self->cat_start[k], sizeof v, compare_doubles);
  return hit ? hit - cats : -1;
}

/* Copies in[*src..end) to out[*dst..), advancing both: the columns between encoded ones. */
static void
copy_run(const double *in, size_t *src, size_t end, double *out, size_t *dst)
{
  memcpy(out + *dst, in + *src, (end - *src) * sizeof *out);
  *dst += end - *src;
  *src = end;
}

static gboolean
one_hot_row(const Prep *base, const double *in, double *out)
{
  const OneHot *self = (const OneHot *)base;
  size_t drop = ((const OneHotParams *)base->params)->drop == DROP_FIRST;
  size_t src = 0, dst = 0;
  for (size_t k = 0; k < self->n_enc; k++) {
    copy_run(in, &src, self->columns[k], out, &dst);
    size_t width = self->cat_start[k + 1] - self->cat_start[k] - drop;
    gssize c = one_hot_find(self, k, in[src++]);
    if (c < 0)
      return FALSE;
    memset(out + dst, 0, width * sizeof *out);
    if ((size_t)c >= drop)
      out[dst + (size_t)c - drop] = 1.0;
    dst += width;
  }
  copy_run(in, &src, base->n_features, out, &dst);
  return TRUE;
}

/* sklearn's inverse: the largest indicator wins (the first of ties); a block summing to 0 is
 * the dropped category, or an error without one. Returns the category index or -1. */
static gssize
one_hot_decode(const double *block, size_t width, size_t drop)
{
  double sum = 0;
  size_t best = 0;
  for (size_t c = 0; c < width; c++) {
    sum += block[c];
    if (block[c] > block[best])
      best = c;
  }
  if (width == 0 || sum == 0)
    return drop ? 0 : -1;
  return (gssize)(best + drop);
}

static gboolean
one_hot_inverse_row(const Prep *base, const double *in, double *out)
{
  const OneHot *self = (const OneHot *)base;
  size_t drop = ((const OneHotParams *)base->params)->drop == DROP_FIRST;
  size_t src = 0, dst = 0;
  for (size_t k = 0; k < self->n_enc; k++) {
    copy_run(in, &src, src + (self->columns[k] - dst), out, &dst);
    size_t width = self->cat_start[k + 1] - self->cat_start[k] - drop;
    gssize c = one_hot_decode(in + src, width, drop);
    if (c < 0)
      return FALSE;
    out[dst++] = self->cats[self->cat_start[k] + (size_t)c];
    src += width;
  }
  copy_run(in, &src, src + (base->n_features - dst), out, &dst);
  return TRUE;
}

/* Re-walks the failed row to name the first encoded column at fault. */
static void
one_hot_explain(const Prep *base, gboolean inverse, const double *in, size_t row, GError **error)
{
  const OneHot *self = (const OneHot *)base;
  size_t drop = ((const OneHotParams *)base->params)->drop == DROP_FIRST;
  size_t widths_before = 0; /* output columns of the encoded columns before k */
  for (size_t k = 0; k < self->n_enc; k++) {
    size_t n_cats = self->cat_start[k + 1] - self->cat_start[k], width = n_cats - drop;
    const double *cats = self->cats + self->cat_start[k];
    size_t c = self->columns[k], z = c - k + widths_before;
    widths_before += width;
    if (!inverse && one_hot_find(self, k, in[c]) < 0) {
      g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                  "one_hot: X row %zu, column %zu (counting from 0) holds %g, a category not "
                  "seen at fit (it saw %zu, from %g to %g)",
                  row, c, in[c], n_cats, cats[0], cats[n_cats - 1]);
      return;
    }
    if (inverse && one_hot_decode(in + z, width, drop) < 0) {
      g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                  "one_hot: Z row %zu, columns %zu..%zu (the indicators of X column %zu) are all "
                  "0, which names no category when drop is 'none'",
                  row, z, z + width - 1, c);
      return;
    }
  }
}

static void
one_hot_save(const Prep *base, PlumState *state)
{
  const OneHot *self = (const OneHot *)base;
  size_t n_cats = self->cat_start[self->n_enc];
  gint64 *counts = g_new(gint64, self->n_enc);
  gint64 *codes = g_new(gint64, n_cats);
  for (size_t k = 0; k < self->n_enc; k++)
    counts[k] = (gint64)(self->cat_start[k + 1] - self->cat_start[k]);
  for (size_t i = 0; i < n_cats; i++)
    codes[i] = (gint64)self->cats[i];
  plum_state_set_ints(state, "n_categories", counts, self->n_enc);
  plum_state_set_ints(state, "categories", codes, n_cats);
  g_free(counts);
  g_free(codes);
}

/* cat_start from saved counts, which must be positive and add up to n_cats. */
static size_t *
load_cat_start(const gint64 *counts, size_t n_enc, size_t n_cats, GError **error)
{
  size_t *start = g_new0(size_t, n_enc + 1);
  for (size_t k = 0; k < n_enc; k++) {
    if (counts[k] < 1 || (guint64)counts[k] > n_cats - start[k]) {
      g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
                  "one_hot: saved n_categories[%zu] is %" G_GINT64_FORMAT
                  "; it must be at least 1 and the counts must add up to the %zu categories",
                  k, counts[k], n_cats);
      g_free(start);
      return NULL;
    }
    start[k + 1] = start[k] + (size_t)counts[k];
  }
  if (start[n_enc] == n_cats)
    return start;
  g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
              "one_hot: saved n_categories add up to %zu, but %zu categories are saved",
              start[n_enc], n_cats);
  g_free(start);
  return NULL;
}

/* Codes, increasing within each column, as doubles (transfer full). */
static double *
load_codes(const gint64 *codes, const size_t *start, size_t n_enc, GError **error)
{
  double *cats = g_new(double, start[n_enc]);
  for (size_t k = 0; k < n_enc; k++) {
    for (size_t i = start[k]; i < start[k + 1]; i++) {
      cats[i] = (double)codes[i];
      gboolean increasing = i == start[k] || codes[i] > codes[i - 1];
      if (is_code(cats[i]) && increasing)
        continue;
      g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
                  "one_hot: saved categories[%zu] is %" G_GINT64_FORMAT
                  "; codes must be non-negative, below 2^53 and increasing within a column",
                  i, codes[i]);
      g_free(cats);
      return NULL;
    }
  }
  return cats;
}

static gboolean
one_hot_load(Prep *base, const PlumState *state, size_t d, GError **error)
{
  const OneHotParams *p = base->params;
  size_t n_enc = p->columns.len, n_cats = 0;
  const gint64 *counts = plum_state_get_ints(state, "n_categories", n_enc, NULL, error);
  const gint64 *codes = counts ? plum_state_get_ints(state, "categories", 0, &n_cats, error) : NULL;
  if (codes == NULL)
    return FALSE;
  size_t *cat_start = load_cat_start(counts, n_enc, n_cats, error);
  double *cats = cat_start ? load_codes(codes, cat_start, n_enc, error) : NULL;
  size_t *columns = cats ? one_hot_columns(p, d, error) : NULL;
  if (columns == NULL) {
    g_free(cat_start);
    g_free(cats);
    return FALSE;
  }
  return one_hot_install((OneHot *)base, d, columns, cat_start, cats, error);
}

static gboolean
one_hot_check_params(const void *params, GError **error)
{
  const OneHotParams *p = params;
  for (size_t k = 0; k < p->columns.len; k++) {
    for (size_t l = 0; l < k; l++) {
      if (p->columns.data[l] != p->columns.data[k])
        continue;
      g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE,
                  "one_hot: columns[%zu] and columns[%zu] both name column %" G_GINT64_FORMAT, l, k,
                  p->columns.data[k]);
      return FALSE;
    }
  }
  return TRUE;
}

/* polynomial: products of features up to a degree -------------------------------------------- */

typedef struct {
  gint64 degree;
  gboolean interaction_only;
  gboolean include_bias;
} PolynomialParams;

/* sklearn's column index: for degree k (1-based) and feature f, index[(k−1)(d+1) + f] is the
 * first output column of the degree-k terms whose first factor is f; entry d ends the degree. */
typedef struct {
  Prep base;
  size_t *index; /* degree × (d + 1) */
} Poly;

static void
poly_clear(Prep *base)
{
  g_clear_pointer(&((Poly *)base)->index, g_free);
}

/* How many output columns, in double so an absurd count shows instead of wrapping around. */
static double
poly_count(const PolynomialParams *p, size_t d)
{
  double total = p->include_bias ? 1 : 0;
  for (gint64 k = 1; k <= p->degree; k++) {
    double n = p->interaction_only ? (double)d : (double)d + (double)k - 1, c = 1;
    for (gint64 i = 0; i < k; i++)
      c = c * (n - (double)i) / (double)(i + 1);
    total += c;
  }
  return total;
}

static gboolean
poly_install(Prep *base, size_t d, GError **error)
{
  const PolynomialParams *p = base->params;
  double count = poly_count(p, d);
  if (count > (double)PREP_MAX_COLUMNS) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "polynomial: degree %" G_GINT64_FORMAT " on %zu features gives %.0f columns, "
                "more than the %zu plum can use",
                p->degree, d, count, PREP_MAX_COLUMNS);
    return FALSE;
  }
  size_t w = d + 1, degree = (size_t)p->degree;
  size_t *index = g_new(size_t, degree * w);
  for (size_t f = 0; f <= d; f++)
    index[f] = (p->include_bias ? 1 : 0) + f;
  for (size_t k = 1; k < degree; k++) {
    const size_t *prev = index + (k - 1) * w;
    size_t *cur = index + k * w, col = prev[d];
    for (size_t f = 0; f < d; f++) {
      cur[f] = col;
      col += prev[d] - (p->interaction_only ? prev[f + 1] : prev[f]);
    }
    cur[d] = col;
  }
  poly_clear(base);
  ((Poly *)base)->index = index;
  prep_set_fitted(base, d, index[degree * w - 1]);
  return TRUE;
}

static gboolean
poly_fit(Prep *base, const PlumMatrix *X, GError **error)
{
  return poly_install(base, X->cols, error);
}

static gboolean
poly_load(Prep *base, const PlumState *state, size_t d, GError **error)
{
  return poly_install(base, d, error);
}

/* Each degree-k term is x_f times a degree-(k−1) term already in the row, as sklearn computes
 * it, so the products round the same way. */
static gboolean
poly_row(const Prep *base, const double *in, double *out)
{
  const PolynomialParams *p = base->params;
  const size_t *index = ((const Poly *)base)->index;
  size_t d = base->n_features, w = d + 1;
  if (p->include_bias)
    out[0] = 1.0;
  memcpy(out + index[0], in, d * sizeof *out);
  for (size_t k = 1; k < (size_t)p->degree; k++) {
    const size_t *prev = index + (k - 1) * w, *cur = index + k * w;
    for (size_t f = 0; f < d; f++) {
      double *dst = out + cur[f];
      for (size_t c = p->interaction_only ? prev[f + 1] : prev[f]; c < prev[d]; c++)
        *dst++ = out[c] * in[f];
    }
  }
  return TRUE;
}

/* Tables -------------------------------------------------------------------------------------- */

static const PrepOps standardize_ops = {
    .name = "standardize",
    .size = sizeof(Affine),
    .fit = standardize_fit,
    .load = affine_load,
    .save = affine_save,
    .clear = affine_clear,
    .forward = affine_sub_div_row,
    .inverse = affine_mul_add_row,
};

static const PrepOps min_max_ops = {
    .name = "min_max",
    .size = sizeof(Affine),
    .fit = min_max_fit,
    .load = affine_load,
    .save = affine_save,
    .clear = affine_clear,
    .forward = affine_mul_add_row,
    .inverse = affine_sub_div_row,
};

static const PrepOps normalize_ops = {
    .name = "normalize",
    .size = sizeof(Prep),
    .fit = normalize_fit,
    .load = normalize_load,
    .forward = normalize_row,
};

static const PrepOps impute_ops = {
    .name = "impute",
    .size = sizeof(Impute),
    .allow_nan = TRUE,
    .fit = impute_fit,
    .load = impute_load,
    .save = impute_save,
    .clear = impute_clear,
    .forward = impute_row,
};

static const PrepOps one_hot_ops = {
    .name = "one_hot",
    .size = sizeof(OneHot),
    .fit = one_hot_fit,
    .load = one_hot_load,
    .save = one_hot_save,
    .clear = one_hot_clear,
    .forward = one_hot_row,
    .inverse = one_hot_inverse_row,
    .explain = one_hot_explain,
};

static const PrepOps polynomial_ops = {
    .name = "polynomial",
    .size = sizeof(Poly),
    .fit = poly_fit,
    .load = poly_load,
    .clear = poly_clear,
    .forward = poly_row,
};

static void *
standardize_create(const void *params, GError **error)
{
  return prep_new(&standardize_ops, params);
}

static void *
min_max_create(const void *params, GError **error)
{
  return prep_new(&min_max_ops, params);
}

static void *
normalize_create(const void *params, GError **error)
{
  return prep_new(&normalize_ops, params);
}

static void *
impute_create(const void *params, GError **error)
{
  return prep_new(&impute_ops, params);
}

static void *
one_hot_create(const void *params, GError **error)
{
  return prep_new(&one_hot_ops, params);
}

static void *
polynomial_create(const void *params, GError **error)
{
  return prep_new(&polynomial_ops, params);
}

#define PREP_VTABLE(create_fn, inverse_fn)                                                         \
  {                                                                                                \
    .struct_size = sizeof(PlumModelVTable), .create = (create_fn), .destroy = prep_destroy,        \
    .fit = prep_fit, .shape = prep_shape, .save = prep_save, .load = prep_load,                    \
    .transform = prep_transform, .inverse_transform = (inverse_fn),                                \
  }

static const PlumModelVTable standardize_vtable =
    PREP_VTABLE(standardize_create, prep_inverse_transform);
static const PlumModelVTable min_max_vtable = PREP_VTABLE(min_max_create, prep_inverse_transform);
static const PlumModelVTable normalize_vtable = PREP_VTABLE(normalize_create, NULL);
static const PlumModelVTable impute_vtable = PREP_VTABLE(impute_create, NULL);
static const PlumModelVTable one_hot_vtable = PREP_VTABLE(one_hot_create, prep_inverse_transform);
static const PlumModelVTable polynomial_vtable = PREP_VTABLE(polynomial_create, NULL);

static const PlumParamSpec standardize_params[] = {
    PLUM_PARAM_BOOL_SPEC(StandardizeParams, with_mean, TRUE, "subtract the column mean"),
    PLUM_PARAM_BOOL_SPEC(StandardizeParams, with_std, TRUE,
                         "divide by the column's population std (a constant column by 1)"),
};

static const PlumParamSpec min_max_params[] = {
    PLUM_PARAM_REAL_SPEC(MinMaxParams, feature_min, 0.0, -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                         "where each column's training minimum goes"),
    PLUM_PARAM_REAL_SPEC(MinMaxParams, feature_max, 1.0, -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                         "where each column's training maximum goes (> feature_min)"),
};

static const PlumParamSpec normalize_params[] = {
    PLUM_PARAM_ENUM_SPEC(NormalizeParams, norm, NORM_L2, norm_names,
                         "the norm each row is divided by (a zero row stays zero)"),
};

static const PlumParamSpec impute_params[] = {
    PLUM_PARAM_ENUM_SPEC(ImputeParams, strategy, IMPUTE_MEAN, impute_names,
                         "what replaces NaN: the column's mean, median, most frequent value "
                         "(smallest of ties) or fill_value"),
    PLUM_PARAM_REAL_SPEC(ImputeParams, fill_value, 0.0, -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                         "the value strategy 'constant' fills in"),
};

static const PlumParamSpec one_hot_params[] = {
    {.name = "columns",
     .type = PLUM_PARAM_INT_ARRAY,
     .flags = PLUM_PARAM_REQUIRED,
     .offset = offsetof(OneHotParams, columns),
     .min = 0,
     .max = (double)G_MAXINT,
     .min_len = 1,
     .doc = "indices (from 0) of the columns holding category codes; each becomes one column "
            "per category seen at fit, in its place"},
    PLUM_PARAM_ENUM_SPEC(OneHotParams, drop, DROP_NONE, drop_names,
                         "first: leave out each column's first (smallest) category"),
};

static const PlumParamSpec polynomial_params[] = {
    PLUM_PARAM_INT_SPEC(PolynomialParams, degree, 2, 2, 5, 0, "the highest total degree"),
    PLUM_PARAM_BOOL_SPEC(PolynomialParams, interaction_only, FALSE,
                         "only products of distinct features (no x², x³…)"),
    PLUM_PARAM_BOOL_SPEC(PolynomialParams, include_bias, FALSE,
                         "add a first column of ones (scikit-learn's default is true)"),
};

#define PREP_COMPONENT(id, ParamsType, extra_caps, summ, check_fn)                                 \
  {                                                                                                \
    .struct_size = sizeof(PlumComponentDesc), .kind = PLUM_KIND_MODEL, .name = #id,                \
    .summary = (summ), .caps = PLUM_CAP_TRANSFORMER | (extra_caps), .params = id##_params,         \
    .n_params = G_N_ELEMENTS(id##_params), .params_size = sizeof(ParamsType),                      \
    .check_params = (check_fn), .vtable = &id##_vtable, .state_version = 1,                        \
  }

static const PlumComponentDesc preprocessing_components[] = {
    PREP_COMPONENT(standardize, StandardizeParams, 0,
                   "centre columns and scale them to unit variance", NULL),
    PREP_COMPONENT(min_max, MinMaxParams, 0,
                   "scale columns linearly onto [feature_min, feature_max]", min_max_check_params),
    PREP_COMPONENT(normalize, NormalizeParams, 0, "scale each row to unit l2, l1 or max norm",
                   NULL),
    PREP_COMPONENT(impute, ImputeParams, PLUM_CAP_ALLOW_NAN,
                   "replace NaN by the column's mean, median, most frequent value or a constant",
                   impute_check_params),
    PREP_COMPONENT(one_hot, OneHotParams, 0, "expand category-code columns into indicator columns",
                   one_hot_check_params),
    PREP_COMPONENT(polynomial, PolynomialParams, 0, "add products of features up to a degree",
                   NULL),
};

PLUM_PLUGIN_DEFINE(preprocessing, PACKAGE_VERSION, "MIT",
                   "transform steps: standardize, min_max, normalize, impute, one_hot, "
                   "polynomial",
                   preprocessing_components, NULL)
