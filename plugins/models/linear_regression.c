/* linear_regression.c — ordinary least squares and ridge regression, the proof model plugin.
 *
 * Fits Y ≈ X B + 1 bᵀ for one or several target columns. The default solver is closed form:
 * X and Y are centred (weighted by sample_weight when given) so the intercept drops out and
 * ridge never penalises it. Both OLS and ridge first form the centred cross-product of [X | Y]
 * in one streamed pass, a cache-sized block of centred rows at a time, never a centred copy of
 * X; ridge then solves (XᵀWX + αI) B = XᵀWY by Cholesky. OLS does the same with α = 0 when the
 * Gram matrix is well conditioned, where the normal equations lose nothing measurable against
 * an orthogonal solve, and otherwise falls back to LAPACK's SVD least squares on a centred copy
 * (dgelsd: minimum norm when X is rank deficient).
 * The same model also exposes its training objective,
 *   F(B, b) = Σ_i [ ½ w_i ‖x_iᵀB + bᵀ − y_i‖² + α/(2n) ‖B‖² ],
 * whose minimiser is the closed-form one, so `solver: optimizer` trains it with any optimizer
 * plugin and the gradient checker can test it. θ is B row-major (d × t) followed by b (t) when
 * fit_intercept is set.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <cblas.h>
#include <lapacke.h>
#include <plum/plugin.h>

typedef enum {
  SOLVER_LSTSQ = 0,
  SOLVER_OPTIMIZER,
} LinRegSolver;

static const char *const solver_names[] = {"lstsq", "optimizer", NULL};

typedef struct {
  gboolean fit_intercept;
  double alpha;
  int solver;
  PlumBinding *optimizer;
} LinRegParams;

typedef struct {
  const LinRegParams *params; /* borrowed from the binding, which outlives the instance */
  size_t n_features;
  size_t n_outputs;
  double *coef;      /* n_features x n_outputs; NULL until fitted */
  double *intercept; /* n_outputs */
} LinReg;

/* The training data as the objective sees it: views plus what the loss needs. */
typedef struct {
  PlumMatrix X;
  PlumMatrix Y;
  const double *w; /* nullable */
  double alpha;
  gboolean fit_intercept;
  /* Scratch for `capacity` rows: residuals and, for minibatches, the gathered rows. It only
   * grows (a batch drawn with replacement may exceed n), so steady training allocates nothing. */
  size_t capacity;
  double *resid;
  double *xb, *yb, *wb;
} LinRegObjective;

/* Validation ---------------------------------------------------------------------------- */

static gboolean
check_weights(const double *w, size_t n, GError **error)
{
  double total = 0;
  for (size_t i = 0; i < n; i++) {
    if (!(isfinite(w[i]) && w[i] >= 0)) {
      g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                  "linear_regression: sample_weight[%zu] is %g; weights must be finite and >= 0", i,
                  w[i]);
      return FALSE;
    }
    total += w[i];
  }
  if (total > 0)
    return TRUE;
  g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
              "linear_regression: sample weights sum to 0");
  return FALSE;
}

/* X (n x d, n >= 1) and Y (n x t), both finite (X taken as such when x_finite: the caller
 * checked it). d and t of 0 accept any width. */
static gboolean
check_xy(const PlumMatrix *X, const PlumMatrix *Y, size_t d, size_t t, const char *x_name,
         const char *y_name, gboolean x_finite, GError **error)
{
  if (X == NULL || Y == NULL) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "linear_regression: %s and %s are both required", x_name, y_name);
    return FALSE;
  }
  if (X->rows < 1 || X->cols < 1 || Y->cols < 1) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "linear_regression: needs at least one row, feature and target, got %s %zu x "
                "%zu and %s %zu x %zu",
                x_name, X->rows, X->cols, y_name, Y->rows, Y->cols);
    return FALSE;
  }
  return plum_matrix_check_shape(X, 0, d, x_name, error) &&
         plum_matrix_check_shape(Y, X->rows, t, y_name, error) &&
         (x_finite || plum_matrix_check_finite(X, x_name, error)) &&
         plum_matrix_check_finite(Y, y_name, error);
}

static gboolean
check_fit_data(const PlumFitData *data, GError **error)
{
  gboolean x_finite = (plum_fit_data_flags(data) & PLUM_FIT_X_FINITE) != 0;
  if (!check_xy(data->X, data->y, 0, 0, "X", "y", x_finite, error))
    return FALSE;
  if (data->sample_weight && !check_weights(data->sample_weight, data->X->rows, error))
    return FALSE;
  if (data->X_val == NULL && data->y_val == NULL)
    return TRUE;
  return check_xy(data->X_val, data->y_val, data->X->cols, data->y->cols, "X_val", "y_val",
                  x_finite, error);
}

/* Shared linear algebra ----------------------------------------------------------------- */

/* out = X coef + 1 interceptᵀ (intercept nullable: none). */
static void
linear_apply(const PlumMatrix *X, const double *coef, const double *intercept, size_t t,
             double *out, size_t ld_out)
{
  if (t == 1) { /* one target: a dot per row; dgemm would pack X for a single column */
    double b = intercept ? intercept[0] : 0.0;
    for (size_t i = 0; i < X->rows; i++)
      out[i * ld_out] = b;
    plum_matrix_row_dots(1.0, X, coef, 1.0, out, ld_out);
    return;
  }
  for (size_t i = 0; i < X->rows; i++) {
    double *row = out + i * ld_out;
    if (intercept)
      memcpy(row, intercept, t * sizeof *row);
    else
      memset(row, 0, t * sizeof *row);
  }
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)X->rows, (int)t, (int)X->cols, 1.0,
              X->data, (int)X->ld, coef, (int)t, 1.0, out, (int)ld_out);
}

/* The (weighted) column means of M into mean[cols]. */
static void
column_means(const PlumMatrix *M, const double *w, double *mean)
{
  double total = 0;
  memset(mean, 0, M->cols * sizeof *mean);
  for (size_t i = 0; i < M->rows; i++) {
    const double *row = PLUM_MATRIX_ROW(M, i);
    double wi = w ? w[i] : 1.0;
    for (size_t j = 0; j < M->cols; j++)
      mean[j] += wi * row[j];
    total += wi;
  }
  for (size_t j = 0; j < M->cols; j++)
    mean[j] /= total;
}

/* dst (rows x cols, leading dimension ld_dst) = √w_i (M_i − mean) row by row (mean, w
 * nullable). */
static void
centre_scale(const PlumMatrix *M, const double *mean, const double *w, double *dst, size_t ld_dst)
{
  for (size_t i = 0; i < M->rows; i++) {
    const double *src = PLUM_MATRIX_ROW(M, i);
    double s = w ? sqrt(w[i]) : 1.0;
    double *row = dst + i * ld_dst;
    if (mean)
      for (size_t j = 0; j < M->cols; j++)
        row[j] = s * (src[j] - mean[j]);
    else
      for (size_t j = 0; j < M->cols; j++)
        row[j] = s * src[j];
  }
}

/* Closed-form fit ------------------------------------------------------------------------ */

/* Minimum-norm least squares A B = Y; A is n x d, Y is max(n, d) x t and receives B. */
static gboolean
solve_lstsq(double *A, size_t n, size_t d, double *Y, size_t t, PlumState *report, GError **error)
{
  double *sv = g_new(double, MIN(n, d));
  lapack_int rank = 0;
  lapack_int info = LAPACKE_dgelsd(LAPACK_ROW_MAJOR, (lapack_int)n, (lapack_int)d, (lapack_int)t, A,
                                   (lapack_int)d, Y, (lapack_int)t, sv, -1.0, &rank);
  g_free(sv);
  if (info != 0) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED,
                "linear_regression: the SVD least-squares solve failed to converge (dgelsd "
                "info %d)",
                (int)info);
    return FALSE;
  }
  if (report)
    plum_state_set_int(report, "rank", rank);
  return TRUE;
}

/* Rows of centred [X | Y] per block of the cross-product: with 32 features a block is about
 * 130 KiB, so dsyrk reads it from L2 right after it was written. */
#define GRAM_BLOCK_ROWS 512

/* Below this reciprocal condition number of the equilibrated centred XᵀWX, the normal equations
 * could lose more than about 1e-10 relative accuracy against an orthogonal solve, so OLS takes
 * dgelsd. */
#define NORMAL_EQUATIONS_MIN_RCOND 1e-6

/* G (m x m row-major upper triangle, m = d + t) = Σ_i w_i z_i z_iᵀ with z_i = [x_i − x̄, y_i − ȳ]
 * (means and w nullable: none); its top-left d x d block is XᵀWX and its top-right d x t block
 * XᵀWY. Centring each block as it is used keeps the accuracy of an explicitly centred X without
 * a second copy of it in memory. */
static void
centred_gram(const PlumMatrix *X, const PlumMatrix *Y, const double *w, const double *x_mean,
             const double *y_mean, double *G)
{
  size_t n = X->rows, d = X->cols, t = Y->cols, m = d + t;
  double *Z = g_new(double, MIN(n, (size_t)GRAM_BLOCK_ROWS) * m);
  memset(G, 0, m * m * sizeof *G);
  for (size_t start = 0; start < n; start += GRAM_BLOCK_ROWS) {
    size_t rows = MIN((size_t)GRAM_BLOCK_ROWS, n - start);
    PlumMatrix Xb = plum_matrix_view(PLUM_MATRIX_ROW(X, start), rows, d, X->ld);
    PlumMatrix Yb = plum_matrix_view(PLUM_MATRIX_ROW(Y, start), rows, t, Y->ld);
    const double *wb = w ? w + start : NULL;
    centre_scale(&Xb, x_mean, wb, Z, m);
    centre_scale(&Yb, y_mean, wb, Z + d, m);
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)m, (int)rows, 1.0, Z, (int)m, 1.0, G,
                (int)m);
  }
  g_free(Z);
}

/* Equilibrates and Cholesky-factors XᵀWX + αI, the top-left d x d block of the cross-product
 * G (m x m) of centred_gram, in place: G's row-major upper triangle is LAPACK's column-major
 * lower one. With S = diag(scale), scale_j = 1/√(XᵀWX + αI)_jj, the factored matrix is
 * S (XᵀWX + αI) S and the top-right block becomes S XᵀWY: by van der Sluis, the accuracy of
 * Cholesky then depends on the condition of that unit-diagonal matrix, not on the units of the
 * features. Returns dpotrf's info (j + 1 when column j has no spread); with rcond, also
 * estimates the reciprocal condition number. */
static lapack_int
factor_normal(double *G, size_t d, size_t m, double alpha, double *scale, double *rcond)
{
  for (size_t j = 0; j < d; j++) {
    double diag = G[j * m + j] + alpha;
    if (!(diag > 0 && isfinite(diag)))
      return (lapack_int)(j + 1);
    G[j * m + j] = diag;
    scale[j] = 1.0 / sqrt(diag);
  }
  for (size_t j = 0; j < d; j++)
    for (size_t k = j; k < m; k++)
      G[j * m + k] *= scale[j] * (k < d ? scale[k] : 1.0);
  double anorm =
      rcond ? LAPACKE_dlansy(LAPACK_COL_MAJOR, '1', 'L', (lapack_int)d, G, (lapack_int)m) : 0;
  lapack_int info = LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'L', (lapack_int)d, G, (lapack_int)m);
  if (info == 0 && rcond)
    info = LAPACKE_dpocon(LAPACK_COL_MAJOR, 'L', (lapack_int)d, G, (lapack_int)m, anorm, rcond);
  return info;
}

/* B = (XᵀWX + αI)⁻¹ XᵀWY = S (S (XᵀWX + αI) S)⁻¹ S XᵀWY into coef (d x t row-major), from G
 * and scale as factor_normal left them. S XᵀWY, G's row-major top-right block, goes to LAPACK
 * column-major and back. */
static void
solve_normal(const double *G, const double *scale, size_t d, size_t t, double *coef)
{
  size_t m = d + t, n_rhs = d * t;
  double *rhs = g_new(double, n_rhs);
  for (size_t j = 0; j < d; j++)
    for (size_t k = 0; k < t; k++)
      rhs[k * d + j] = G[j * m + d + k];
  LAPACKE_dpotrs(LAPACK_COL_MAJOR, 'L', (lapack_int)d, (lapack_int)t, G, (lapack_int)m, rhs,
                 (lapack_int)d);
  for (size_t j = 0; j < d; j++)
    for (size_t k = 0; k < t; k++)
      coef[j * t + k] = scale[j] * rhs[k * d + j];
  g_free(rhs);
}

/* Takes ownership of coef and intercept. */
static void
linreg_install(LinReg *self, size_t d, size_t t, double *coef, double *intercept)
{
  g_free(self->coef);
  g_free(self->intercept);
  self->n_features = d;
  self->n_outputs = t;
  self->coef = coef;
  self->intercept = intercept;
}

/* OLS through dgelsd on centred copies of X and Y, for a Gram matrix too ill conditioned for
 * the normal equations; B goes to coef (d x t). */
static gboolean
fit_lstsq(const PlumMatrix *X, const PlumMatrix *Y, const double *w, const double *x_mean,
          const double *y_mean, double *coef, PlumState *report, GError **error)
{
  size_t n = X->rows, d = X->cols, t = Y->cols;
  double *A = g_new(double, X->rows * X->cols);
  double *B = g_new0(double, MAX(n, d) * t);
  centre_scale(X, x_mean, w, A, d);
  centre_scale(Y, y_mean, w, B, t);
  gboolean ok = solve_lstsq(A, n, d, B, t, report, error);
  if (ok)
    memcpy(coef, B, d * t * sizeof *coef);
  g_free(A);
  g_free(B);
  return ok;
}

/* Ridge, and OLS with a well-conditioned Gram matrix, by Cholesky on the centred normal
 * equations; the rest of OLS by dgelsd. B goes to coef (d x t). */
static gboolean
fit_coef(const LinReg *self, const PlumFitData *data, const double *x_mean, const double *y_mean,
         double *coef, GError **error)
{
  const PlumMatrix *X = data->X, *Y = data->y;
  size_t d = X->cols, t = Y->cols;
  double alpha = self->params->alpha, rcond = 0;
  gboolean ols = !(alpha > 0);
  double *G = g_new(double, (d + t) * (d + t)), *scale = g_new(double, d);
  centred_gram(X, Y, data->sample_weight, x_mean, y_mean, G);
  lapack_int info = factor_normal(G, d, d + t, alpha, scale, ols ? &rcond : NULL);
  gboolean solved = info == 0 && !(ols && rcond < NORMAL_EQUATIONS_MIN_RCOND);
  if (solved)
    solve_normal(G, scale, d, t, coef);
  g_free(G);
  g_free(scale);
  if (solved && ols && data->report)
    plum_state_set_int(data->report, "rank", (gint64)d);
  if (solved)
    return TRUE;
  if (ols)
    return fit_lstsq(X, Y, data->sample_weight, x_mean, y_mean, coef, data->report, error);
  g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED,
              "linear_regression: XᵀX + alpha·I is not positive definite (dpotrf info %d); "
              "alpha = %g is too small for this data",
              (int)info, alpha);
  return FALSE;
}

static gboolean
fit_closed_form(LinReg *self, const PlumFitData *data, GError **error)
{
  const PlumMatrix *X = data->X, *Y = data->y;
  size_t d = X->cols, t = Y->cols;
  double *x_mean = NULL, *intercept = g_new0(double, t);

  if (self->params->fit_intercept) {
    x_mean = g_new(double, d);
    column_means(X, data->sample_weight, x_mean);
    column_means(Y, data->sample_weight, intercept);
  }
  double *coef = g_new(double, X->cols * Y->cols);
  gboolean ok = fit_coef(self, data, x_mean, x_mean ? intercept : NULL, coef, error);
  if (ok && x_mean) /* b = ȳ − Bᵀx̄ */
    cblas_dgemv(CblasRowMajor, CblasTrans, (int)d, (int)t, -1.0, coef, (int)t, x_mean, 1, 1.0,
                intercept, 1);
  g_free(x_mean);
  if (!ok) {
    g_free(coef);
    g_free(intercept);
    return FALSE;
  }
  linreg_install(self, d, t, coef, intercept);
  return TRUE;
}

/* The objective ---------------------------------------------------------------------------- */

static size_t
objective_n_params(size_t d, size_t t, gboolean fit_intercept)
{
  return d * t + (fit_intercept ? t : 0);
}

static void
objective_free(void *ctx)
{
  LinRegObjective *o = ctx;
  g_free(o->resid);
  g_free(o->xb);
  g_free(o->yb);
  g_free(o->wb);
  g_free(o);
}

static void
ensure_capacity(LinRegObjective *o, size_t rows)
{
  if (rows <= o->capacity && o->xb != NULL)
    return;
  o->capacity = MAX(rows, o->capacity);
  o->resid = g_renew(double, o->resid, o->capacity * o->Y.cols);
  o->xb = g_renew(double, o->xb, o->capacity * o->X.cols);
  o->yb = g_renew(double, o->yb, o->capacity * o->Y.cols);
  if (o->w)
    o->wb = g_renew(double, o->wb, o->capacity);
}

/* Copies the selected rows into the scratch buffers so one BLAS path serves every batch. */
static gboolean
gather_terms(LinRegObjective *o, const size_t *terms, size_t m, PlumMatrix *Xb, PlumMatrix *Yb,
             const double **wb, GError **error)
{
  size_t n = o->X.rows, d = o->X.cols, t = o->Y.cols;
  ensure_capacity(o, m);
  for (size_t i = 0; i < m; i++) {
    size_t r = terms[i];
    if (r >= n) {
      g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED,
                  "linear_regression: objective term %zu is out of range (%zu terms)", r, n);
      return FALSE;
    }
    memcpy(o->xb + i * d, PLUM_MATRIX_ROW(&o->X, r), d * sizeof *o->xb);
    memcpy(o->yb + i * t, PLUM_MATRIX_ROW(&o->Y, r), t * sizeof *o->yb);
    if (o->wb)
      o->wb[i] = o->w[r];
  }
  *Xb = plum_matrix_view(o->xb, m, d, 0);
  *Yb = plum_matrix_view(o->yb, m, t, 0);
  *wb = o->wb;
  return TRUE;
}

static gboolean
objective_eval(void *ctx, const double *theta, const size_t *terms, size_t n_sel, double *value,
               double *grad, GError **error)
{
  LinRegObjective *o = ctx;
  size_t n = o->X.rows, d = o->X.cols, t = o->Y.cols;
  PlumMatrix X = o->X, Y = o->Y;
  const double *w = o->w;

  if (terms && !gather_terms(o, terms, n_sel, &X, &Y, &w, error))
    return FALSE;
  size_t m = X.rows;
  const double *coef = theta, *intercept = o->fit_intercept ? theta + d * t : NULL;

  /* Residuals r_i = x_iᵀB + b − y_i; the weight scales each row's loss and, once the loss is
   * summed, its residual for the gradient Σ w_i x_i r_iᵀ. */
  linear_apply(&X, coef, intercept, t, o->resid, t);
  double loss = 0;
  for (size_t i = 0; i < m; i++) {
    double *r = o->resid + i * t;
    cblas_daxpy((int)t, -1.0, PLUM_MATRIX_ROW(&Y, i), 1, r, 1);
    double wi = w ? w[i] : 1.0;
    loss += 0.5 * wi * cblas_ddot((int)t, r, 1, r, 1);
    if (grad && w)
      cblas_dscal((int)t, wi, r, 1);
  }
  /* The penalty share of the m selected terms out of n. */
  double share = o->alpha * (double)m / (double)n;
  *value = loss + 0.5 * share * cblas_ddot((int)(d * t), coef, 1, coef, 1);
  if (grad == NULL)
    return TRUE;
  memcpy(grad, coef, d * t * sizeof *grad);
  cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)d, (int)t, (int)m, 1.0, X.data,
              (int)X.ld, o->resid, (int)t, share, grad, (int)t);
  if (o->fit_intercept) {
    double *g_b = grad + d * t;
    memset(g_b, 0, t * sizeof *g_b);
    for (size_t i = 0; i < m; i++)
      cblas_daxpy((int)t, 1.0, o->resid + i * t, 1, g_b, 1);
  }
  return TRUE;
}

/* Starts at B = 0 and b = the (weighted) mean target, the optimum of b for B = 0. */
static void
objective_initial(void *ctx, double *theta)
{
  LinRegObjective *o = ctx;
  size_t d = o->X.cols, t = o->Y.cols;
  memset(theta, 0, d * t * sizeof *theta);
  if (o->fit_intercept)
    column_means(&o->Y, o->w, theta + d * t);
}

/* The objective over X, Y (borrowed: they must outlive it). */
static void
objective_init(const PlumMatrix *X, const PlumMatrix *Y, const double *w, double alpha,
               gboolean fit_intercept, PlumObjective *obj)
{
  LinRegObjective *o = g_new0(LinRegObjective, 1);
  o->X = *X;
  o->Y = *Y;
  o->w = w;
  o->alpha = alpha;
  o->fit_intercept = fit_intercept;
  o->capacity = X->rows;
  o->resid = g_new(double, X->rows * Y->cols);
  *obj = (PlumObjective){
      .struct_size = sizeof *obj,
      .n_params = objective_n_params(X->cols, Y->cols, fit_intercept),
      .n_terms = X->rows,
      .ctx = o,
      .eval = objective_eval,
      .initial = objective_initial,
      .free = objective_free,
  };
}

static gboolean
linreg_objective(void *self_ptr, const PlumFitData *data, PlumObjective *obj, GError **error)
{
  const LinReg *self = self_ptr;
  if (!check_fit_data(data, error))
    return FALSE;
  objective_init(data->X, data->y, data->sample_weight, self->params->alpha,
                 self->params->fit_intercept, obj);
  return TRUE;
}

static void
install_theta(LinReg *self, size_t d, size_t t, const double *theta)
{
  double *intercept = g_new0(double, t);
  if (self->params->fit_intercept)
    memcpy(intercept, theta + d * t, t * sizeof *intercept);
  linreg_install(self, d, t, g_memdup2(theta, d * t * sizeof *theta), intercept);
}

static gboolean
linreg_set_theta(void *self_ptr, const PlumFitData *data, const double *theta, GError **error)
{
  gboolean x_finite = (plum_fit_data_flags(data) & PLUM_FIT_X_FINITE) != 0;
  if (!check_xy(data->X, data->y, 0, 0, "X", "y", x_finite, error))
    return FALSE;
  install_theta(self_ptr, data->X->cols, data->y->cols, theta);
  return TRUE;
}

/* Early stopping scores θ by the unpenalised mean ½‖r‖² of the held-out rows. */
static gboolean
validate_score(void *user, const double *theta, double *score, GError **error)
{
  PlumObjective *val = user;
  double total;
  if (!val->eval(val->ctx, theta, NULL, val->n_terms, &total, NULL, error))
    return FALSE;
  *score = total / (double)val->n_terms;
  return TRUE;
}

static void
write_report(PlumState *report, const PlumOptimResult *res)
{
  plum_state_set_int(report, "n_iter", (gint64)res->n_iter);
  plum_state_set_int(report, "n_evals", (gint64)res->n_evals);
  plum_state_set_real(report, "objective", res->value);
  plum_state_set_real(report, "grad_norm", res->grad_norm);
  plum_state_set_string(report, "stop_reason", res->stop_reason);
}

static gboolean
fit_optimizer(LinReg *self, const PlumFitData *data, GError **error)
{
  if (self->params->optimizer == NULL) {
    g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_MISSING,
                "linear_regression: solver 'optimizer' needs an optimizer");
    return FALSE;
  }
  PlumObjective obj, val = {0};
  objective_init(data->X, data->y, data->sample_weight, self->params->alpha,
                 self->params->fit_intercept, &obj);
  PlumOptimContext octx = {.struct_size = sizeof octx,
                           .rng = data->rng,
                           .progress = data->progress,
                           .report = data->report};
  if (data->X_val) {
    objective_init(data->X_val, data->y_val, NULL, 0, self->params->fit_intercept, &val);
    octx.validate = validate_score;
    octx.validate_user = &val;
  }
  double *theta = g_new(double, obj.n_params);
  obj.initial(obj.ctx, theta);
  PlumOptimResult res = {.struct_size = sizeof res};
  gboolean ok = plum_optimizer_minimize(self->params->optimizer, &obj, theta, &octx, &res, error);
  if (ok)
    install_theta(self, data->X->cols, data->y->cols, theta);
  if (ok && data->report)
    write_report(data->report, &res);
  g_free(theta);
  obj.free(obj.ctx);
  if (val.free)
    val.free(val.ctx);
  return ok;
}

/* The model vtable -------------------------------------------------------------------------- */

static void *
linreg_create(const void *params, GError **error)
{
  LinReg *self = g_new0(LinReg, 1);
  self->params = params;
  return self;
}

static void
linreg_destroy(void *self_ptr)
{
  LinReg *self = self_ptr;
  g_free(self->coef);
  g_free(self->intercept);
  g_free(self);
}

static gboolean
linreg_fit(void *self_ptr, const PlumFitData *data, GError **error)
{
  LinReg *self = self_ptr;
  if (!check_fit_data(data, error))
    return FALSE;
  if (self->params->solver == SOLVER_OPTIMIZER)
    return fit_optimizer(self, data, error);
  return fit_closed_form(self, data, error);
}

static void
linreg_shape(const void *self_ptr, PlumModelShape *shape)
{
  const LinReg *self = self_ptr;
  shape->n_features = self->n_features;
  shape->n_outputs = self->n_outputs;
  shape->n_classes = 0;
  shape->n_transform = 0;
}

static gboolean
linreg_check_fitted(const LinReg *self, GError **error)
{
  if (self->coef)
    return TRUE;
  g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_NOT_FITTED,
              "linear_regression: the model is not fitted; call fit or load first");
  return FALSE;
}

static gboolean
linreg_predict(const void *self_ptr, const PlumMatrix *X, PlumMatrix *out, GError **error)
{
  const LinReg *self = self_ptr;
  if (!linreg_check_fitted(self, error))
    return FALSE;
  if (X->cols != self->n_features) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "linear_regression: X has %zu features, the model was fitted on %zu", X->cols,
                self->n_features);
    return FALSE;
  }
  if (!plum_matrix_check_finite(X, "X", error) ||
      !plum_matrix_check_shape(out, X->rows, self->n_outputs, "predictions", error))
    return FALSE;
  if (X->rows > 0)
    linear_apply(X, self->coef, self->intercept, self->n_outputs, out->data, out->ld);
  return TRUE;
}

/* predict without its checks: the host has checked X (width, finite) and sized values. */
static gboolean
linreg_predict_all(const void *self_ptr, const PlumMatrix *X, PlumMatrix *values, PlumMatrix *proba,
                   PlumMatrix *std, GError **error)
{
  const LinReg *self = self_ptr;
  (void)proba;
  (void)std;
  if (!linreg_check_fitted(self, error))
    return FALSE;
  if (values != NULL && X->rows > 0)
    linear_apply(X, self->coef, self->intercept, self->n_outputs, values->data, values->ld);
  return TRUE;
}

static gboolean
linreg_save(const void *self_ptr, PlumState *state, GError **error)
{
  const LinReg *self = self_ptr;
  if (!linreg_check_fitted(self, error))
    return FALSE;
  plum_state_set_reals(state, "coef", self->coef, self->n_features, self->n_outputs);
  plum_state_set_reals(state, "intercept", self->intercept, 1, self->n_outputs);
  return TRUE;
}

static gboolean
linreg_load(void *self_ptr, const PlumState *state, GError **error)
{
  LinReg *self = self_ptr;
  size_t d = 0, t = 0;
  const double *coef = plum_state_get_reals(state, "coef", 0, 0, &d, &t, error);
  if (coef == NULL)
    return FALSE;
  const double *intercept = plum_state_get_reals(state, "intercept", 1, t, NULL, NULL, error);
  if (intercept == NULL)
    return FALSE;
  PlumMatrix coef_view = plum_matrix_view((double *)coef, d, t, 0);
  PlumMatrix intercept_view = plum_matrix_view((double *)intercept, 1, t, 0);
  if (d < 1 || t < 1) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
                "linear_regression: saved coef is %zu x %zu; it needs at least one row and "
                "column",
                d, t);
    return FALSE;
  }
  if (!plum_matrix_check_finite(&coef_view, "saved coef", error) ||
      !plum_matrix_check_finite(&intercept_view, "saved intercept", error))
    return FALSE;
  linreg_install(self, d, t, g_memdup2(coef, d * t * sizeof *coef),
                 g_memdup2(intercept, t * sizeof *intercept));
  return TRUE;
}

static const PlumModelVTable linreg_vtable = {
    .struct_size = sizeof(PlumModelVTable),
    .create = linreg_create,
    .destroy = linreg_destroy,
    .fit = linreg_fit,
    .shape = linreg_shape,
    .save = linreg_save,
    .load = linreg_load,
    .predict = linreg_predict,
    .predict_all = linreg_predict_all,
    .objective = linreg_objective,
    .set_theta = linreg_set_theta,
};

static const PlumParamSpec linreg_params[] = {
    PLUM_PARAM_BOOL_SPEC(LinRegParams, fit_intercept, TRUE,
                         "fit an intercept (X and y are centred; the intercept is not penalised)"),
    PLUM_PARAM_REAL_SPEC(LinRegParams, alpha, 0.0, 0.0, INFINITY, 0,
                         "ridge penalty α/2‖B‖² on the summed squared error (0: ordinary least "
                         "squares)"),
    PLUM_PARAM_ENUM_SPEC(LinRegParams, solver, SOLVER_LSTSQ, solver_names,
                         "lstsq: closed form (SVD, or Cholesky for ridge); optimizer: minimise the "
                         "objective with `optimizer`"),
    PLUM_PARAM_COMPONENT_SPEC(LinRegParams, optimizer, PLUM_KIND_OPTIMIZER, "gd", 0,
                              "the optimizer used when solver is `optimizer`"),
};

static const PlumComponentDesc linreg_components[] = {
    {
        .struct_size = sizeof(PlumComponentDesc),
        .kind = PLUM_KIND_MODEL,
        .name = "linear_regression",
        .summary = "ordinary least squares and ridge regression, one or several targets",
        .caps = PLUM_CAP_REGRESSOR | PLUM_CAP_SUPERVISED | PLUM_CAP_MULTI_OUTPUT,
        .params = linreg_params,
        .n_params = G_N_ELEMENTS(linreg_params),
        .params_size = sizeof(LinRegParams),
        .vtable = &linreg_vtable,
        .state_version = 1,
    },
};

PLUM_PLUGIN_DEFINE(linear_regression, PACKAGE_VERSION, "MIT",
                   "linear least squares: OLS and ridge by LAPACK or by any optimizer",
                   linreg_components, NULL)
