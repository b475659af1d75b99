/* gaussian_process.c — Gaussian-process regression with any kernel plugin (Rasmussen &
 * Williams, Gaussian Processes for Machine Learning, algorithm 2.1), numbers equal to
 * scikit-learn's GaussianProcessRegressor.
 *
 * Targets: y = m(x) + s·z, where the prior mean m(x) = b + wᵀx is zero, the constant mean of
 * y (`constant`), or the least-squares line through the data (`linear`, LAPACK dgelsd), fitted
 * once and subtracted; with normalize_y the residuals are centred and scaled to unit variance
 * (the centre is folded into b, the scale is s; s = 1 otherwise). The GP models z: with
 * K = k(X, X) + noise·I, fit computes the Cholesky factor L (one dpotrf, in place on the Gram
 * matrix; row-major lower is LAPACK's column-major upper, so LAPACKE makes no transposed copy)
 * and α = K⁻¹z (dpotrs). When dpotrf fails, jitter of 1e-10 × the mean diagonal, growing ×10 up
 * to 1e-4 ×, is added (the strict upper triangle still holds K, so nothing is recomputed); past
 * that the fit fails with PLUM_MODEL_ERROR_FAILED. Predictions: mean m(x*) + s k*ᵀα, standard
 * deviation s √(k(x*, x*) − ‖L⁻¹k*‖²) (one dtrsm per block of test rows, clamped at 0). The log
 * marginal likelihood of z (as scikit-learn 1.2 reports it: of the normalised targets) goes to
 * the fit report. The full posterior covariance is not offered: the model vtable has no slot for
 * it. A per-sample log_likelihood slot would not fit either: the GP likelihood is joint.
 *
 * With `optimize`, the kernel's learnable hyperparameters (nested composites included, in the
 * binder's packing order, log space where flagged) maximise the log marginal likelihood through
 * any optimizer plugin, lbfgs by default, within the schema bounds. The objective is
 *   F(θ) = −log p(z | X, θ) / n,  ∂F/∂θ_k = −tr((ααᵀ − K⁻¹) ∂K/∂θ_k) / 2n,
 * with K⁻¹ from dpotri and ∂K/∂θ from the kernel's gram_gradient; the trace is a sum over the
 * lower triangle, O(n²) per hyperparameter. Dividing by n (one term, so nothing else changes)
 * makes the optimizers' absolute gradient tolerance mean the same at any n: unscaled, lbfgs's
 * default tol of 1e-5 is below what rounding lets the gradient reach on a few thousand points.
 * Where K is not positive definite F is +∞ (the line search backs off), as in scikit-learn.
 * `n_restarts` further runs start from points drawn uniformly (in log space where flagged) within
 * the bounds from the fit's seeded generator; the best one is kept. The same objective is offered
 * through the vtable for any caller.
 *
 * Saved: the training inputs, α, the prior mean, s, the jitter used and the learned
 * hyperparameters (restored on a copy of the configured kernel binding). L is not saved: load
 * recomputes it (one Gram matrix and one dpotrf), which keeps model files at O(nd) instead of
 * O(n²) and gives the same factor bit for bit on the same machine and thread count.
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>
#include <cblas.h>
#include <lapacke.h>
#include <plum/config.h>
#include <plum/plugin.h>
#include <plum/registry.h>

/* Jitter tries: 0, then JITTER_FIRST × the mean diagonal, ×10 per try, JITTER_TRIES in all. */
#define JITTER_FIRST 1e-10
#define JITTER_TRIES 7
/* A predict block holds at most this many entries of k(X*, X). */
#define PREDICT_BLOCK_ENTRIES ((size_t)1 << 22)
/* dtrsm solves a last, partial tile of rows by other code than whole ones, so a test point's
 * variance would change in its last bits with the number of points predicted with it; blocks
 * are padded with zero rows to a multiple of this (a whole number of OpenBLAS's tiles). */
#define PREDICT_ROW_ALIGN ((size_t)16)

typedef enum {
  MEAN_ZERO = 0,
  MEAN_CONSTANT,
  MEAN_LINEAR,
} GpMean;

static const char *const mean_names[] = {"zero", "constant", "linear", NULL};

typedef struct {
  PlumBinding *kernel;
  double noise;
  int mean;
  gboolean normalize_y;
  gboolean optimize;
  PlumBinding *optimizer;
  gint64 n_restarts;
} GpParams;

/* What the GP regresses: y = b + wᵀx + s z. */
typedef struct {
  size_t n, d;
  double *prior; /* d + 1: b, then w */
  double scale;  /* s */
  double *z;     /* n */
} Targets;

typedef struct {
  const GpParams *params; /* borrowed from the binding, which outlives the instance */
  PlumBinding *kernel;    /* the configured kernel with the fitted hyperparameters */
  PlumMatrix *X;          /* training inputs */
  PlumMatrix *L;          /* lower triangle: Cholesky factor of K + (noise + jitter) I */
  double *alpha;
  Targets targets;
  double jitter;
  double lml;
} Gp;

typedef struct {
  PlumBinding *kernel; /* a private copy: eval installs θ in it */
  PlumMatrix X;        /* borrowed: the fit data outlives the objective */
  Targets targets;
  double noise;
  size_t n_params;
  PlumMatrix *K, *A; /* Gram matrix; its factor, then its inverse */
  double *dK_data;   /* n_params n x n blocks, allocated at the first gradient */
  PlumMatrix *dK;    /* views on dK_data */
  double *row_sums;  /* n_params x n: per-row parts of the traces, summed in a fixed order */
  double *alpha;
  double *theta0, *lower, *upper;
} GpObjective;

/* Validation ------------------------------------------------------------------------------ */

static gboolean
check_fit_data(const PlumFitData *data, GError **error)
{
  const PlumMatrix *X = data->X, *y = data->y;
  if (X == NULL || y == NULL || X->rows < 1 || X->cols < 1) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "gaussian_process: needs X with at least one row and column, and targets y");
    return FALSE;
  }
  if (data->sample_weight != NULL) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_UNSUPPORTED,
                "gaussian_process: sample weights are not supported (use the noise level)");
    return FALSE;
  }
  return plum_matrix_check_shape(y, X->rows, 1, "gaussian_process: y (one target column)", error) &&
         plum_matrix_check_finite(X, "X", error) && plum_matrix_check_finite(y, "y", error);
}

/* Targets ---------------------------------------------------------------------------------- */

static void
targets_clear(Targets *t)
{
  g_free(t->prior);
  g_free(t->z);
  *t = (Targets){0};
}

/* b, w of the least-squares line y ≈ b + wᵀx (minimum norm when rank deficient). */
static gboolean
fit_line(const PlumMatrix *X, const PlumMatrix *y, double *prior, GError **error)
{
  size_t n = X->rows, d = X->cols, rows = MAX(n, d + 1);
  double *A = g_new(double, n *(d + 1)), *B = g_new0(double, rows), *sv = g_new(double, d + 1);
  for (size_t i = 0; i < n; i++) {
    A[i * (d + 1)] = 1;
    memcpy(A + i * (d + 1) + 1, PLUM_MATRIX_ROW(X, i), d * sizeof *A);
    B[i] = PLUM_MATRIX_AT(y, i, 0);
  }
  lapack_int rank;
  lapack_int info = LAPACKE_dgelsd(LAPACK_ROW_MAJOR, (lapack_int)n, (lapack_int)(d + 1), 1, A,
                                   (lapack_int)(d + 1), B, 1, sv, -1.0, &rank);
  if (info == 0)
    memcpy(prior, B, (d + 1) * sizeof *prior);
  else
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED,
                "gaussian_process: the least-squares fit of the linear prior mean failed (dgelsd "
                "info %d)",
                (int)info);
  g_free(A);
  g_free(B);
  g_free(sv);
  return info == 0;
}

static double
vector_sum(const double *v, size_t n)
{
  double s = 0;
  for (size_t i = 0; i < n; i++)
    s += v[i];
  return s;
}

static double
vector_mean(const double *v, size_t n)
{
  return vector_sum(v, n) / (double)n;
}

/* Centres z and scales it to unit (population) variance as scikit-learn does: a spread below
 * 10 machine epsilons counts as none. */
static void
normalize(Targets *t)
{
  double mu = vector_mean(t->z, t->n), ss = 0;
  for (size_t i = 0; i < t->n; i++)
    ss += (t->z[i] - mu) * (t->z[i] - mu);
  double sd = sqrt(ss / (double)t->n);
  t->scale = sd < 10 * DBL_EPSILON ? 1.0 : sd;
  t->prior[0] += mu;
  for (size_t i = 0; i < t->n; i++)
    t->z[i] = (t->z[i] - mu) / t->scale;
}

static gboolean
targets_prepare(const GpParams *p, const PlumMatrix *X, const PlumMatrix *y, Targets *t,
                GError **error)
{
  size_t n = X->rows, d = X->cols;
  *t = (Targets){.n = n, .d = d, .prior = g_new0(double, d + 1), .scale = 1, .z = g_new(double, n)};
  for (size_t i = 0; i < n; i++)
    t->z[i] = PLUM_MATRIX_AT(y, i, 0);
  if (p->mean == MEAN_CONSTANT)
    t->prior[0] = vector_mean(t->z, n);
  if (p->mean == MEAN_LINEAR && !fit_line(X, y, t->prior, error)) {
    targets_clear(t);
    return FALSE;
  }
  for (size_t i = 0; i < n; i++)
    t->z[i] -= t->prior[0];
  plum_matrix_gemv(FALSE, -1.0, X, t->prior + 1, 1.0, t->z);
  if (p->normalize_y)
    normalize(t);
  return TRUE;
}

/* Cholesky ------------------------------------------------------------------------------------ */

/* The lower triangle of the symmetric A (row-major) becomes L with A = LLᵀ; the strict upper
 * triangle is not touched. Returns LAPACK's info. The _work variant skips LAPACKE's NaN scan:
 * a NaN makes the factorisation fail anyway, and the caller looks for it only then. */
static lapack_int
cholesky(PlumMatrix *A)
{
  return LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'U', (lapack_int)A->rows, A->data,
                             (lapack_int)A->ld);
}

/* z := (LLᵀ)⁻¹ z */
static void
cholesky_solve(const PlumMatrix *L, double *z)
{
  lapack_int n = (lapack_int)L->rows;
  LAPACKE_dpotrs_work(LAPACK_COL_MAJOR, 'U', n, 1, L->data, (lapack_int)L->ld, z, n);
}

/* log N(z; 0, LLᵀ) = −½ zᵀα − Σ log L_ii − n/2 log 2π */
static double
log_marginal(const PlumMatrix *L, const double *z, const double *alpha)
{
  size_t n = L->rows;
  double logdet = 0;
  for (size_t i = 0; i < n; i++)
    logdet += log(PLUM_MATRIX_AT(L, i, i));
  return -0.5 * cblas_ddot((int)n, z, 1, alpha, 1) - logdet - 0.5 * (double)n * log(2 * G_PI);
}

static void
restore_lower(PlumMatrix *A)
{
  ptrdiff_t n = (ptrdiff_t)A->rows;
#pragma omp parallel for schedule(static)
  for (ptrdiff_t i = 0; i < n; i++)
    for (ptrdiff_t j = 0; j < i; j++)
      PLUM_MATRIX_AT(A, i, j) = PLUM_MATRIX_AT(A, j, i);
}

/* The strict upper triangle (where K stays while the lower one is factorised) is finite. */
static gboolean
upper_is_finite(const PlumMatrix *A)
{
  for (size_t i = 0; i < A->rows; i++)
    for (size_t j = i + 1; j < A->rows; j++)
      if (!isfinite(PLUM_MATRIX_AT(A, i, j)))
        return FALSE;
  return TRUE;
}

/* Factorises A = K + (noise + jitter) I in place for jitter 0, then growing; LAPACK's info of
 * the last try. diag holds K_ii + noise. A NaN in K stops it after the first try (jitter 0). */
static lapack_int
factor_escalating(PlumMatrix *A, const double *diag, double mean_diag, double *jitter)
{
  lapack_int info = -1;
  for (int attempt = 0; attempt <= JITTER_TRIES && info != 0; attempt++) {
    if (attempt == 1 && !upper_is_finite(A))
      break;
    *jitter = attempt == 0 ? 0.0 : JITTER_FIRST * mean_diag * pow(10.0, attempt - 1);
    if (attempt > 0)
      restore_lower(A);
    for (size_t i = 0; i < A->rows; i++)
      PLUM_MATRIX_AT(A, i, i) = diag[i] + *jitter;
    info = cholesky(A);
  }
  return info;
}

/* A holds the Gram matrix K (full); factorises K + (noise + jitter) I in place with the least
 * jitter that works. */
static gboolean
factor_with_jitter(PlumMatrix *A, double noise, double *jitter_out, GError **error)
{
  size_t n = A->rows;
  double *diag = g_new(double, n), mean_diag = 0, jitter = 0;
  for (size_t i = 0; i < n; i++) {
    diag[i] = PLUM_MATRIX_AT(A, i, i) + noise;
    mean_diag += diag[i] / (double)n;
  }
  lapack_int info = -1;
  if (isfinite(mean_diag) && mean_diag > 0)
    info = factor_escalating(A, diag, mean_diag, &jitter);
  g_free(diag);
  if (info == 0) {
    *jitter_out = jitter;
    return TRUE;
  }
  if (!isfinite(mean_diag) || (mean_diag > 0 && jitter == 0))
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED,
                "gaussian_process: the kernel matrix holds NaN or infinite values; check the "
                "kernel's hyperparameters and the scale of the features");
  else if (!(mean_diag > 0))
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED,
                "gaussian_process: the kernel matrix has mean diagonal %g, so it is not a "
                "covariance matrix; use a positive-definite kernel",
                mean_diag);
  else
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED,
                "gaussian_process: the kernel matrix K + noise·I is not positive definite "
                "(Cholesky fails at row %d) even with jitter %g (%g × its mean diagonal) added; "
                "the kernel may not be positive semi-definite, or it is numerically singular: "
                "raise `noise` or add a white_noise kernel",
                (int)info, jitter, jitter / mean_diag);
  return FALSE;
}

/* The fitted state ------------------------------------------------------------------------- */

static void
gp_clear(Gp *self)
{
  plum_binding_free(self->kernel);
  plum_matrix_free(self->X);
  plum_matrix_free(self->L);
  g_free(self->alpha);
  targets_clear(&self->targets);
  self->kernel = NULL;
  self->X = self->L = NULL;
  self->alpha = NULL;
}

/* (transfer full) The configured kernel with hyperparameters theta. */
static PlumBinding *
kernel_at(const GpParams *p, const double *theta)
{
  PlumBinding *k = plum_binding_copy(p->kernel);
  plum_binding_set_learnable(k, theta);
  return k;
}

/* K + (noise + jitter) I for the kernel into a new matrix, factorised. When jitter_fixed is
 * given it is the one used (load), otherwise the least that works is found (fit). */
static PlumMatrix *
factor_gram(const GpParams *p, const PlumBinding *kernel, const PlumMatrix *X,
            const double *jitter_fixed, double *jitter_out, GError **error)
{
  PlumMatrix *L = plum_matrix_new(X->rows, X->rows, error);
  if (L == NULL || !plum_kernel_gram(kernel, X, NULL, L, error)) {
    plum_matrix_free(L);
    return NULL;
  }
  if (jitter_fixed == NULL) {
    if (factor_with_jitter(L, p->noise, jitter_out, error))
      return L;
    plum_matrix_free(L);
    return NULL;
  }
  for (size_t i = 0; i < X->rows; i++)
    PLUM_MATRIX_AT(L, i, i) += p->noise + *jitter_fixed;
  lapack_int info = cholesky(L);
  if (info == 0)
    return L;
  g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
              "gaussian_process: the saved kernel matrix is no longer positive definite "
              "(Cholesky info %d); the model file does not match this configuration",
              (int)info);
  plum_matrix_free(L);
  return NULL;
}

/* Fits at hyperparameters theta; takes the targets. */
static gboolean
fit_at(Gp *self, const PlumMatrix *X, Targets *t, const double *theta, GError **error)
{
  PlumBinding *kernel = kernel_at(self->params, theta);
  double jitter = 0;
  PlumMatrix *L = factor_gram(self->params, kernel, X, NULL, &jitter, error);
  PlumMatrix *Xc = L != NULL ? plum_matrix_copy(X, error) : NULL;
  if (Xc == NULL) {
    plum_matrix_free(L);
    plum_binding_free(kernel);
    targets_clear(t);
    return FALSE;
  }
  gp_clear(self);
  self->kernel = kernel;
  self->X = Xc;
  self->L = L;
  self->alpha = g_memdup2(t->z, t->n * sizeof(double));
  cholesky_solve(L, self->alpha);
  self->targets = *t;
  *t = (Targets){0};
  self->jitter = jitter;
  self->lml = log_marginal(L, self->targets.z, self->alpha);
  return TRUE;
}

/* The objective −log p(z | X, θ) / n -------------------------------------------------------------
 */

static void
objective_free(void *ctx)
{
  GpObjective *o = ctx;
  plum_binding_free(o->kernel);
  targets_clear(&o->targets);
  plum_matrix_free(o->K);
  plum_matrix_free(o->A);
  g_free(o->dK_data);
  g_free(o->dK);
  g_free(o->row_sums);
  g_free(o->alpha);
  g_free(o->theta0);
  g_free(o->lower);
  g_free(o->upper);
  g_free(o);
}

static gboolean
ensure_gradient_buffers(GpObjective *o, GError **error)
{
  size_t n = o->X.rows, nn;
  if (o->dK != NULL)
    return TRUE;
  if (!g_size_checked_mul(&nn, n, n) || !g_size_checked_mul(&nn, nn, o->n_params)) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "gaussian_process: %zu Gram-matrix gradients of %zu x %zu do not fit in memory",
                o->n_params, n, n);
    return FALSE;
  }
  o->dK_data = g_try_new(double, nn);
  if (o->dK_data == NULL) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "gaussian_process: no memory for %zu Gram-matrix gradients of %zu x %zu",
                o->n_params, n, n);
    return FALSE;
  }
  o->dK = g_new(PlumMatrix, o->n_params);
  for (size_t q = 0; q < o->n_params; q++)
    o->dK[q] = plum_matrix_view(o->dK_data + q * n * n, n, n, n);
  o->row_sums = g_new(double, o->n_params *n);
  return TRUE;
}

/* grad_q = −Σ_ij (α_i α_j − K⁻¹_ij) ∂K_ij/∂θ_q / 2n over the lower triangle (off-diagonal entries
 * twice); A's lower triangle holds K⁻¹. Per-row sums keep the result independent of the thread
 * count. */
static void
trace_terms(GpObjective *o, double *grad)
{
  ptrdiff_t n = (ptrdiff_t)o->X.rows;
  size_t p = o->n_params;
  const double *a = o->alpha;
#pragma omp parallel for schedule(dynamic, 16)
  for (ptrdiff_t i = 0; i < n; i++) {
    const double *inv = PLUM_MATRIX_ROW(o->A, i);
    for (size_t q = 0; q < p; q++) {
      const double *dk = PLUM_MATRIX_ROW(&o->dK[q], i);
      double s = 0;
      for (ptrdiff_t j = 0; j < i; j++)
        s += (a[i] * a[j] - inv[j]) * dk[j];
      o->row_sums[q * (size_t)n + (size_t)i] = 2 * s + (a[i] * a[i] - inv[i]) * dk[i];
    }
  }
  for (size_t q = 0; q < p; q++)
    grad[q] = -0.5 * vector_sum(o->row_sums + q * (size_t)n, (size_t)n) / (double)n;
}

static gboolean
objective_gradient(GpObjective *o, double *grad, GError **error)
{
  if (!ensure_gradient_buffers(o, error) ||
      !plum_kernel_gram_gradient(o->kernel, &o->X, o->K, o->dK, error))
    return FALSE;
  lapack_int info = LAPACKE_dpotri_work(LAPACK_COL_MAJOR, 'U', (lapack_int)o->X.rows, o->A->data,
                                        (lapack_int)o->A->ld);
  if (info != 0) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED,
                "gaussian_process: inverting the kernel matrix failed (dpotri info %d)", (int)info);
    return FALSE;
  }
  trace_terms(o, grad);
  return TRUE;
}

/* One term: `terms` selects it or nothing. Not positive definite: +∞ with a zero gradient. */
static gboolean
objective_eval(void *ctx, const double *theta, const size_t *terms, size_t n_sel, double *value,
               double *grad, GError **error)
{
  GpObjective *o = ctx;
  size_t n = o->X.rows;
  *value = 0;
  if (grad != NULL)
    memset(grad, 0, o->n_params * sizeof *grad);
  if (terms != NULL && n_sel == 0)
    return TRUE;
  plum_binding_set_learnable(o->kernel, theta);
  if (!plum_kernel_gram(o->kernel, &o->X, NULL, o->K, error))
    return FALSE;
  for (size_t i = 0; i < n; i++) {
    memcpy(PLUM_MATRIX_ROW(o->A, i), PLUM_MATRIX_ROW(o->K, i), n * sizeof(double));
    PLUM_MATRIX_AT(o->A, i, i) += o->noise;
  }
  if (cholesky(o->A) != 0) {
    *value = INFINITY;
    return TRUE;
  }
  memcpy(o->alpha, o->targets.z, n * sizeof(double));
  cholesky_solve(o->A, o->alpha);
  *value = -log_marginal(o->A, o->targets.z, o->alpha) / (double)n;
  return grad == NULL || objective_gradient(o, grad, error);
}

static void
objective_initial(void *ctx, double *theta)
{
  GpObjective *o = ctx;
  memcpy(theta, o->theta0, o->n_params * sizeof *theta);
}

/* The objective over X (borrowed) for the targets t (taken). */
static gboolean
objective_init(const GpParams *p, const PlumMatrix *X, Targets *t, PlumObjective *obj,
               GError **error)
{
  size_t n = X->rows;
  GpObjective *o = g_new0(GpObjective, 1);
  o->kernel = plum_binding_copy(p->kernel);
  o->X = *X;
  o->targets = *t;
  *t = (Targets){0};
  o->noise = p->noise;
  o->n_params = plum_binding_n_learnable(o->kernel);
  o->K = plum_matrix_new(n, n, error);
  o->A = o->K != NULL ? plum_matrix_new(n, n, error) : NULL;
  if (o->A == NULL) {
    objective_free(o);
    return FALSE;
  }
  o->alpha = g_new(double, n);
  o->theta0 = g_new(double, MAX(o->n_params, 1));
  o->lower = g_new(double, MAX(o->n_params, 1));
  o->upper = g_new(double, MAX(o->n_params, 1));
  plum_binding_get_learnable(o->kernel, o->theta0, o->lower, o->upper);
  *obj = (PlumObjective){
      .struct_size = sizeof *obj,
      .n_params = o->n_params,
      .n_terms = 1,
      .ctx = o,
      .eval = objective_eval,
      .initial = objective_initial,
      .free = objective_free,
      .lower = o->lower,
      .upper = o->upper,
  };
  return TRUE;
}

/* Hyperparameter learning ------------------------------------------------------------------- */

typedef struct {
  size_t n_evals;
  size_t n_skipped; /* starts where K was not positive definite */
  double best;      /* the least −log marginal likelihood found */
} LearnStats;

static gboolean
draw_start(const PlumObjective *obj, PlumRng *rng, double *theta, GError **error)
{
  for (size_t q = 0; q < obj->n_params; q++) {
    double lo = obj->lower[q], hi = obj->upper[q];
    if (!(isfinite(lo) && isfinite(hi))) {
      g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_CAPABILITY,
                  "gaussian_process: n_restarts needs finite bounds, but learnable kernel "
                  "hyperparameter %zu is bounded by [%g, %g]",
                  q, lo, hi);
      return FALSE;
    }
    theta[q] = lo + (hi - lo) * plum_rng_uniform(rng);
  }
  return TRUE;
}

/* One run of the optimizer from theta (in: start, out: answer); its value into *value. */
static gboolean
learn_once(const GpParams *p, const PlumObjective *obj, const PlumFitData *data, double *theta,
           double *value, LearnStats *stats, GError **error)
{
  if (!obj->eval(obj->ctx, theta, NULL, 1, value, NULL, error))
    return FALSE;
  stats->n_evals++;
  if (!isfinite(*value)) {
    stats->n_skipped++;
    return TRUE;
  }
  PlumOptimContext octx = {
      .struct_size = sizeof octx, .rng = data->rng, .progress = data->progress};
  PlumOptimResult res = {.struct_size = sizeof res};
  if (!plum_optimizer_minimize(p->optimizer, obj, theta, &octx, &res, error) ||
      !obj->eval(obj->ctx, theta, NULL, 1, value, NULL, error))
    return FALSE;
  stats->n_evals += res.n_evals + 1;
  return TRUE;
}

/* The starting point, then n_restarts random ones; the best answer into best_theta. */
static gboolean
learn(const GpParams *p, const PlumObjective *obj, const PlumFitData *data, double *best_theta,
      LearnStats *stats, GError **error)
{
  size_t np = obj->n_params;
  double *theta = g_new(double, np);
  gboolean ok = TRUE;
  stats->best = INFINITY;
  for (gint64 r = 0; ok && r <= p->n_restarts; r++) {
    double value;
    if (r == 0)
      obj->initial(obj->ctx, theta);
    ok = (r == 0 || draw_start(obj, data->rng, theta, error)) &&
         learn_once(p, obj, data, theta, &value, stats, error);
    if (ok && value < stats->best) {
      stats->best = value;
      memcpy(best_theta, theta, np * sizeof *theta);
    }
  }
  g_free(theta);
  if (ok && !isfinite(stats->best)) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED,
                "gaussian_process: the kernel matrix is not positive definite at the starting "
                "hyperparameters nor at any of the %" G_GINT64_FORMAT
                " restarts; raise `noise` or add a white_noise kernel",
                p->n_restarts);
    return FALSE;
  }
  return ok;
}

/* The model vtable ------------------------------------------------------------------------- */

static void *
gp_create(const void *params, GError **error)
{
  Gp *self = g_new0(Gp, 1);
  self->params = params;
  return self;
}

static void
gp_destroy(void *self_ptr)
{
  gp_clear(self_ptr);
  g_free(self_ptr);
}

static void
write_report(const Gp *self, const LearnStats *stats, PlumState *report)
{
  char *kernel = plum_binding_to_yaml(self->kernel);
  plum_state_set_real(report, "log_marginal_likelihood", self->lml);
  plum_state_set_real(report, "jitter", self->jitter);
  plum_state_set_string(report, "kernel", kernel);
  if (stats != NULL) {
    plum_state_set_int(report, "n_evals", (gint64)stats->n_evals);
    plum_state_set_int(report, "starts_not_positive_definite", (gint64)stats->n_skipped);
  }
  g_free(kernel);
}

static gboolean
gp_fit(void *self_ptr, const PlumFitData *data, GError **error)
{
  Gp *self = self_ptr;
  const GpParams *p = self->params;
  Targets t;
  if (!check_fit_data(data, error) || !targets_prepare(p, data->X, data->y, &t, error))
    return FALSE;
  size_t np = plum_binding_n_learnable(p->kernel);
  double *theta = g_new(double, MAX(np, 1));
  plum_binding_get_learnable(p->kernel, theta, NULL, NULL);
  LearnStats stats = {0};
  gboolean learned = p->optimize && np > 0, ok = TRUE;
  if (learned) {
    Targets copy = {.n = t.n,
                    .d = t.d,
                    .prior = g_memdup2(t.prior, (t.d + 1) * sizeof(double)),
                    .scale = t.scale,
                    .z = g_memdup2(t.z, t.n * sizeof(double))};
    PlumObjective obj = {0};
    ok = objective_init(p, data->X, &copy, &obj, error);
    ok = ok && learn(p, &obj, data, theta, &stats, error);
    if (obj.free != NULL && obj.ctx != NULL)
      obj.free(obj.ctx);
  }
  if (ok)
    ok = fit_at(self, data->X, &t, theta, error);
  else
    targets_clear(&t);
  g_free(theta);
  if (ok && data->report != NULL)
    write_report(self, learned ? &stats : NULL, data->report);
  return ok;
}

static gboolean
gp_objective(void *self_ptr, const PlumFitData *data, PlumObjective *obj, GError **error)
{
  const Gp *self = self_ptr;
  Targets t;
  if (!check_fit_data(data, error) || !targets_prepare(self->params, data->X, data->y, &t, error))
    return FALSE;
  return objective_init(self->params, data->X, &t, obj, error);
}

static gboolean
gp_set_theta(void *self_ptr, const PlumFitData *data, const double *theta, GError **error)
{
  Gp *self = self_ptr;
  Targets t;
  if (!check_fit_data(data, error) || !targets_prepare(self->params, data->X, data->y, &t, error))
    return FALSE;
  return fit_at(self, data->X, &t, theta, error);
}

static void
gp_shape(const void *self_ptr, PlumModelShape *shape)
{
  const Gp *self = self_ptr;
  shape->n_features = self->X != NULL ? self->X->cols : 0;
  shape->n_outputs = 1;
  shape->n_classes = 0;
  shape->n_transform = 0;
}

static gboolean
check_fitted(const Gp *self, GError **error)
{
  if (self->X != NULL)
    return TRUE;
  g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_NOT_FITTED,
              "gaussian_process: the model is not fitted; call fit or load first");
  return FALSE;
}

static gboolean
check_predict(const Gp *self, const PlumMatrix *X, const PlumMatrix *out, GError **error)
{
  if (!check_fitted(self, error))
    return FALSE;
  if (X->cols != self->X->cols) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "gaussian_process: X has %zu features, the model was fitted on %zu", X->cols,
                self->X->cols);
    return FALSE;
  }
  return plum_matrix_check_finite(X, "X", error) &&
         plum_matrix_check_shape(out, X->rows, 1, "predictions", error);
}

/* mean = b + Xw + s Kα, with Ks = k(X, X_train) of the block. */
static void
block_mean(const Gp *self, const PlumMatrix *Xb, const PlumMatrix *Ks, double *mean)
{
  const Targets *t = &self->targets;
  for (size_t i = 0; i < Xb->rows; i++)
    mean[i] = t->prior[0];
  /* row by row, so a point's prediction does not depend on the points beside it */
  plum_matrix_row_dots(1.0, Xb, t->prior + 1, 1.0, mean, 1);
  plum_matrix_row_dots(t->scale, Ks, self->alpha, 1.0, mean, 1);
}

/* sd = s √(k(x, x) − ‖L⁻¹k‖²); Ks (rows padded to PREDICT_ROW_ALIGN, the block's first) is
 * overwritten by (L⁻¹ Ksᵀ)ᵀ. */
static void
block_std(const Gp *self, const PlumMatrix *Xb, PlumMatrix *Ks, double *sd)
{
  size_t m = Xb->rows, n = self->X->rows, padded = Ks->rows;
  for (size_t i = m; i < padded; i++)
    memset(PLUM_MATRIX_ROW(Ks, i), 0, n * sizeof(double));
  plum_kernel_diag(self->kernel, Xb, sd);
  cblas_dtrsm(CblasRowMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit, (int)padded, (int)n,
              1.0, self->L->data, (int)self->L->ld, Ks->data, (int)Ks->ld);
  for (size_t i = 0; i < m; i++) {
    const double *v = PLUM_MATRIX_ROW(Ks, i);
    double var = sd[i] - cblas_ddot((int)n, v, 1, v, 1);
    sd[i] = self->targets.scale * sqrt(fmax(var, 0.0));
  }
}

/* The posterior mean into mean and its standard deviation into sd (either nullable; X checked,
 * the model fitted), in blocks of test rows, one Gram block k(X_b, X_train) serving both. */
static gboolean
posterior(const Gp *self, const PlumMatrix *X, PlumMatrix *mean, PlumMatrix *sd, GError **error)
{
  size_t n = self->X->rows, align = PREDICT_ROW_ALIGN;
  size_t block = MAX(PREDICT_BLOCK_ENTRIES / n / align, 1) * align;
  size_t rows = MIN(block, MAX(X->rows, 1));
  PlumMatrix *Ks = plum_matrix_new((rows + align - 1) / align * align, n, error);
  double *col = g_new(double, rows);
  gboolean ok = Ks != NULL;
  for (size_t start = 0; ok && start < X->rows; start += block) {
    size_t m = MIN(block, X->rows - start);
    PlumMatrix Xb = plum_matrix_rows(X, start, m), Kb = plum_matrix_rows(Ks, 0, m);
    ok = plum_kernel_gram(self->kernel, &Xb, self->X, &Kb, error);
    if (!ok)
      break;
    if (mean != NULL) {
      block_mean(self, &Xb, &Kb, col);
      for (size_t i = 0; i < m; i++)
        PLUM_MATRIX_AT(mean, start + i, 0) = col[i];
    }
    if (sd != NULL) { /* last: it overwrites the Gram block */
      PlumMatrix Kp = plum_matrix_rows(Ks, 0, (m + align - 1) / align * align);
      block_std(self, &Xb, &Kp, col);
      for (size_t i = 0; i < m; i++)
        PLUM_MATRIX_AT(sd, start + i, 0) = col[i];
    }
  }
  g_free(col);
  plum_matrix_free(Ks);
  return ok;
}

static gboolean
gp_predict(const void *self, const PlumMatrix *X, PlumMatrix *out, GError **error)
{
  return check_predict(self, X, out, error) && posterior(self, X, out, NULL, error);
}

static gboolean
gp_predict_std(const void *self, const PlumMatrix *X, PlumMatrix *out, GError **error)
{
  return check_predict(self, X, out, error) && posterior(self, X, NULL, out, error);
}

/* Mean and standard deviation from one Gram block per block of rows; the host has checked X
 * and sized the outputs (proba: none here). */
static gboolean
gp_predict_all(const void *self, const PlumMatrix *X, PlumMatrix *values, PlumMatrix *proba,
               PlumMatrix *std, GError **error)
{
  (void)proba;
  return check_fitted(self, error) && posterior(self, X, values, std, error);
}

/* Model files ------------------------------------------------------------------------------- */

static gboolean
gp_save(const void *self_ptr, PlumState *state, GError **error)
{
  const Gp *self = self_ptr;
  if (self->X == NULL) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_NOT_FITTED,
                "gaussian_process: the model is not fitted; nothing to save");
    return FALSE;
  }
  size_t n = self->X->rows, d = self->X->cols, np = plum_binding_n_learnable(self->kernel);
  double *theta = g_new(double, MAX(np, 1));
  plum_binding_get_learnable(self->kernel, theta, NULL, NULL);
  plum_state_set_matrix(state, "X_train", self->X);
  plum_state_set_reals(state, "alpha", self->alpha, n, 1);
  plum_state_set_reals(state, "prior_mean", self->targets.prior, 1, d + 1);
  plum_state_set_real(state, "y_scale", self->targets.scale);
  plum_state_set_real(state, "jitter", self->jitter);
  plum_state_set_real(state, "log_marginal_likelihood", self->lml);
  plum_state_set_reals(state, "theta", theta, 1, np);
  g_free(theta);
  return TRUE;
}

static gboolean
check_saved(gboolean ok, const char *what, GError **error)
{
  if (!ok)
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
                "gaussian_process: saved %s is invalid", what);
  return ok;
}

static gboolean
finite_reals(const double *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (!isfinite(v[i]))
      return FALSE;
  return TRUE;
}

static gboolean
gp_load(void *self_ptr, const PlumState *state, GError **error)
{
  Gp *self = self_ptr;
  const GpParams *p = self->params;
  size_t n = 0, d = 0, np = plum_binding_n_learnable(p->kernel), np_saved = 0;
  PlumMatrix X;
  double scale, jitter, lml;
  const double *alpha, *prior, *theta;
  if (!plum_state_get_matrix(state, "X_train", 0, 0, &X, error))
    return FALSE;
  n = X.rows;
  d = X.cols;
  if (!check_saved(n >= 1 && d >= 1, "X_train (empty)", error) ||
      !plum_matrix_check_finite(&X, "saved X_train", error) ||
      (alpha = plum_state_get_reals(state, "alpha", n, 1, NULL, NULL, error)) == NULL ||
      (prior = plum_state_get_reals(state, "prior_mean", 1, d + 1, NULL, NULL, error)) == NULL ||
      (theta = plum_state_get_reals(state, "theta", 1, 0, NULL, &np_saved, error)) == NULL ||
      !plum_state_get_real(state, "y_scale", &scale, error) ||
      !plum_state_get_real(state, "jitter", &jitter, error) ||
      !plum_state_get_real(state, "log_marginal_likelihood", &lml, error))
    return FALSE;
  if (!check_saved(np_saved == np, "theta (a different kernel was configured)", error) ||
      !check_saved(finite_reals(alpha, n) && finite_reals(prior, d + 1) && finite_reals(theta, np),
                   "alpha, prior_mean or theta (non-finite)", error) ||
      !check_saved(isfinite(scale) && scale > 0, "y_scale", error) ||
      !check_saved(isfinite(jitter) && jitter >= 0, "jitter", error))
    return FALSE;
  PlumBinding *kernel = kernel_at(p, theta);
  PlumMatrix *Xc = plum_matrix_copy(&X, error);
  PlumMatrix *L = Xc != NULL ? factor_gram(p, kernel, Xc, &jitter, NULL, error) : NULL;
  if (L == NULL) {
    plum_matrix_free(Xc);
    plum_binding_free(kernel);
    return FALSE;
  }
  gp_clear(self);
  self->kernel = kernel;
  self->X = Xc;
  self->L = L;
  self->alpha = g_memdup2(alpha, n * sizeof(double));
  self->targets = (Targets){.n = n,
                            .d = d,
                            .prior = g_memdup2(prior, (d + 1) * sizeof(double)),
                            .scale = scale,
                            .z = NULL};
  self->jitter = jitter;
  self->lml = lml;
  return TRUE;
}

/* Schema ------------------------------------------------------------------------------------ */

static gboolean
gp_check_params(const void *params, GError **error)
{
  const GpParams *p = params;
  if (!p->optimize || p->optimizer == NULL)
    return TRUE;
  const PlumComponent *opt = plum_binding_component(p->optimizer);
  if (!(plum_component_caps(opt) & PLUM_CAP_NEEDS_SEPARABLE))
    return TRUE;
  g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_CAPABILITY,
              "optimizer '%s' draws minibatches, but the log marginal likelihood is one "
              "inseparable term; use a full-batch optimizer such as lbfgs",
              plum_component_name(opt));
  return FALSE;
}

static const PlumModelVTable gp_vtable = {
    .struct_size = sizeof(PlumModelVTable),
    .create = gp_create,
    .destroy = gp_destroy,
    .fit = gp_fit,
    .shape = gp_shape,
    .save = gp_save,
    .load = gp_load,
    .predict = gp_predict,
    .predict_std = gp_predict_std,
    .predict_all = gp_predict_all,
    .objective = gp_objective,
    .set_theta = gp_set_theta,
};

static const PlumParamSpec gp_params[] = {
    PLUM_PARAM_COMPONENT_SPEC(GpParams, kernel, PLUM_KIND_KERNEL, "squared_exponential", 0,
                              "the covariance function (composites nest: sum, product, scale)"),
    PLUM_PARAM_REAL_SPEC(GpParams, noise, 1e-10, 0.0, INFINITY, 0,
                         "added to the diagonal of K(X, X): observation noise variance, or a "
                         "small value for numerical stability (scikit-learn's alpha)"),
    PLUM_PARAM_ENUM_SPEC(GpParams, mean, MEAN_ZERO, mean_names,
                         "prior mean: zero, constant (the mean of y) or linear (least squares on "
                         "X), fitted once and subtracted before the GP"),
    PLUM_PARAM_BOOL_SPEC(GpParams, normalize_y, FALSE,
                         "scale the targets (after the prior mean) to zero mean, unit variance"),
    PLUM_PARAM_BOOL_SPEC(GpParams, optimize, TRUE,
                         "learn the kernel's learnable hyperparameters by maximising the log "
                         "marginal likelihood"),
    PLUM_PARAM_COMPONENT_SPEC(GpParams, optimizer, PLUM_KIND_OPTIMIZER, "lbfgs", 0,
                              "the optimizer of the hyperparameters (bounds need one that "
                              "honours them, as lbfgs does)"),
    PLUM_PARAM_INT_SPEC(GpParams, n_restarts, 0, 0, 1000, 0,
                        "further optimizer runs from random hyperparameters within the bounds"),
};

static const PlumComponentDesc gp_components[] = {
    {
        .struct_size = sizeof(PlumComponentDesc),
        .kind = PLUM_KIND_MODEL,
        .name = "gaussian_process",
        .summary = "Gaussian-process regression with any kernel; hyperparameters learned by "
                   "marginal likelihood",
        .caps = PLUM_CAP_SUPERVISED | PLUM_CAP_REGRESSOR,
        .params = gp_params,
        .n_params = G_N_ELEMENTS(gp_params),
        .params_size = sizeof(GpParams),
        .check_params = gp_check_params,
        .vtable = &gp_vtable,
        .state_version = 1,
    },
};

PLUM_PLUGIN_DEFINE(gaussian_process, PACKAGE_VERSION, "MIT",
                   "Gaussian-process regression: Cholesky fit, predictive std, learned kernels",
                   gp_components, NULL)
