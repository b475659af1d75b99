/* squared_exponential.c — the squared-exponential (RBF) kernel, the proof kernel plugin.
 *
 *   k(x, y) = σ² exp(−‖x − y‖² / (2ℓ²))
 *
 * with learnable length_scale ℓ and variance σ², both learned in log space. The Gram matrix goes
 * through BLAS: ‖x − y‖² = ‖x‖² + ‖y‖² − 2xᵀy with one GEMM (or, for K(X, X), one SYRK on a
 * triangle, mirrored), clamped at 0 where cancellation makes it slightly negative. The gradient
 * with respect to log ℓ is K ∘ D/ℓ², and D/ℓ² = −2 log(K/σ²) is read back from K itself, so the
 * gradient costs O(n²) instead of another pass over the features.
 */
#include "config.h"

#include <math.h>
#include <cblas.h>
#include <plum/plugin.h>

typedef struct {
  double length_scale;
  double variance;
} SeParams;

static double
se_eval(const void *params, const double *x, const double *y, size_t d)
{
  const SeParams *p = params;
  double d2 = 0;
  for (size_t k = 0; k < d; k++) {
    double diff = x[k] - y[k];
    d2 += diff * diff;
  }
  return p->variance * exp(-0.5 * d2 / (p->length_scale * p->length_scale));
}

static inline double
se_from_sqdist(const SeParams *p, double d2)
{
  return p->variance * exp(-0.5 * fmax(d2, 0.0) / (p->length_scale * p->length_scale));
}

/* K(X, X): XXᵀ on the upper triangle by SYRK, turned into kernel values row by row. Row i only
 * needs the diagonal entries K_ii and K_jj (j > i), which are still squared norms when read. */
static void
gram_symmetric(const SeParams *p, const PlumMatrix *X, PlumMatrix *K)
{
  size_t n = X->rows;
  cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, (int)n, (int)X->cols, 1.0, X->data,
              (int)X->ld, 0.0, K->data, (int)K->ld);
  for (size_t i = 0; i < n; i++) {
    double sq_i = PLUM_MATRIX_AT(K, i, i);
    for (size_t j = i + 1; j < n; j++) {
      double v = se_from_sqdist(p, sq_i + PLUM_MATRIX_AT(K, j, j) - 2.0 * PLUM_MATRIX_AT(K, i, j));
      PLUM_MATRIX_AT(K, i, j) = v;
      PLUM_MATRIX_AT(K, j, i) = v;
    }
    PLUM_MATRIX_AT(K, i, i) = p->variance;
  }
}

static void
row_sqnorms(const PlumMatrix *M, double *out)
{
  for (size_t i = 0; i < M->rows; i++) {
    const double *row = PLUM_MATRIX_ROW(M, i);
    out[i] = cblas_ddot((int)M->cols, row, 1, row, 1);
  }
}

static void
gram_cross(const SeParams *p, const PlumMatrix *X, const PlumMatrix *Y, PlumMatrix *K)
{
  size_t n = X->rows, m = Y->rows;
  double *sq = g_new(double, n + m);
  row_sqnorms(X, sq);
  row_sqnorms(Y, sq + n);
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)m, (int)X->cols, -2.0, X->data,
              (int)X->ld, Y->data, (int)Y->ld, 0.0, K->data, (int)K->ld);
  for (size_t i = 0; i < n; i++) {
    double *row = PLUM_MATRIX_ROW(K, i);
    for (size_t j = 0; j < m; j++)
      row[j] = se_from_sqdist(p, sq[i] + sq[n + j] + row[j]);
  }
  g_free(sq);
}

static gboolean
se_gram(const void *params, const PlumMatrix *X, const PlumMatrix *Y, PlumMatrix *K, GError **error)
{
  const PlumMatrix *other = Y ? Y : X;
  if (other->cols != X->cols) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "squared_exponential: X has %zu columns but Y has %zu", X->cols, other->cols);
    return FALSE;
  }
  if (!plum_matrix_check_shape(K, X->rows, other->rows, "K", error))
    return FALSE;
  if (X->rows == 0 || other->rows == 0)
    return TRUE;
  if (Y)
    gram_cross(params, X, Y, K);
  else
    gram_symmetric(params, X, K);
  return TRUE;
}

/* dK[0] = ∂K/∂log ℓ = K ∘ D/ℓ² = −2 K log(K/σ²) (0 where K underflowed to 0),
 * dK[1] = ∂K/∂log σ² = K. */
static gboolean
se_gram_gradient(const void *params, const PlumMatrix *X, const PlumMatrix *K, PlumMatrix *dK,
                 GError **error)
{
  const SeParams *p = params;
  size_t n = X->rows;
  if (!plum_matrix_check_shape(K, n, n, "K", error) ||
      !plum_matrix_check_shape(&dK[0], n, n, "dK[length_scale]", error) ||
      !plum_matrix_check_shape(&dK[1], n, n, "dK[variance]", error))
    return FALSE;
  for (size_t i = 0; i < n; i++) {
    for (size_t j = 0; j < n; j++) {
      double k = PLUM_MATRIX_AT(K, i, j);
      PLUM_MATRIX_AT(&dK[0], i, j) = k > 0 ? -2.0 * k * log(k / p->variance) : 0.0;
      PLUM_MATRIX_AT(&dK[1], i, j) = k;
    }
  }
  return TRUE;
}

static void
se_diag(const void *params, const PlumMatrix *X, double *out)
{
  const SeParams *p = params;
  for (size_t i = 0; i < X->rows; i++)
    out[i] = p->variance;
}

static const PlumKernelVTable se_vtable = {
    .struct_size = sizeof(PlumKernelVTable),
    .eval = se_eval,
    .gram = se_gram,
    .gram_gradient = se_gram_gradient,
    .diag = se_diag,
};

static const PlumParamSpec se_params[] = {
    PLUM_PARAM_REAL_SPEC(SeParams, length_scale, 1.0, 1e-5, 1e5,
                         PLUM_PARAM_LEARNABLE | PLUM_PARAM_LOG_SCALE,
                         "length scale ℓ: distance over which the correlation falls to e^-1/2"),
    PLUM_PARAM_REAL_SPEC(SeParams, variance, 1.0, 1e-5, 1e5,
                         PLUM_PARAM_LEARNABLE | PLUM_PARAM_LOG_SCALE,
                         "signal variance σ² = k(x, x)"),
};

static const PlumComponentDesc se_components[] = {
    {
        .struct_size = sizeof(PlumComponentDesc),
        .kind = PLUM_KIND_KERNEL,
        .name = "squared_exponential",
        .summary = "squared-exponential (RBF) kernel σ² exp(-‖x-y‖²/2ℓ²)",
        .params = se_params,
        .n_params = G_N_ELEMENTS(se_params),
        .params_size = sizeof(SeParams),
        .vtable = &se_vtable,
    },
};

PLUM_PLUGIN_DEFINE(squared_exponential, PACKAGE_VERSION, "MIT",
                   "the squared-exponential kernel with BLAS Gram matrices", se_components, NULL)
