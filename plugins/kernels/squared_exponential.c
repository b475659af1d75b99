/* squared_exponential.c — the squared-exponential (RBF) kernel, isotropic or with automatic
 * relevance determination (ARD):
 *
 *   k(x, y) = σ² exp(−½ Σ_k (x_k − y_k)² / ℓ_k²)
 *
 * with one learnable length_scale ℓ for every dimension, or — when `length_scales` is given —
 * one per dimension (its length must equal the number of features; length_scale is then ignored
 * and its gradient is 0). All of them and the variance σ² are learned in log space. The Gram
 * matrix goes through pairwise.c: squared distances by one GEMM (one SYRK on a triangle for
 * K(X, X), mirrored), computed on a copy of the points divided by ℓ_k under ARD. The gradient
 * with respect to log ℓ is K ∘ D/ℓ², from the recomputed distances D; with respect to log ℓ_k
 * it is K ∘ (x_k − y_k)²/ℓ_k², one pass over the Gram matrix per dimension.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <plum/plugin.h>

#include "vecmath.h"
#include "pairwise.h"

#define HYPER_MIN 1e-5
#define HYPER_MAX 1e5

typedef struct {
  double length_scale;
  double variance;
  PlumRealArray length_scales; /* empty: isotropic */
} SeParams;

static gboolean
is_ard(const SeParams *p)
{
  return p->length_scales.len > 0;
}

/* Squared distances arrive already divided by ℓ_k² under ARD. */
PLUM_VEC_CLONES static void
se_map(const void *params, double *v, size_t len)
{
  const SeParams *p = params;
  double scale = is_ard(p) ? 0.5 : 0.5 / (p->length_scale * p->length_scale);
#pragma omp simd
  for (size_t j = 0; j < len; j++)
    v[j] = p->variance * plum_vec_exp(-v[j] * scale);
}

/* Isotropic: ∂k/∂log ℓ = k D/ℓ², ∂k/∂log σ² = k. */
static void
se_grad(const void *params, const double *d2, const double *k, double *const *dk, size_t len)
{
  const SeParams *p = params;
  double inv_l2 = 1 / (p->length_scale * p->length_scale);
  for (size_t j = 0; j < len; j++) {
    double kj = k[j];
    dk[0][j] = kj * d2[j] * inv_l2;
    dk[1][j] = kj;
  }
}

static const PairwiseKernel se_kernel = {
    .base = PAIRWISE_SQDIST, .map = se_map, .grad = se_grad, .n_grad = 2};

/* NaN when the ARD length scales do not match the dimension (gram says so as an error). */
static double
se_eval(const void *params, const double *x, const double *y, size_t d)
{
  const SeParams *p = params;
  if (!is_ard(p))
    return pairwise_eval(&se_kernel, params, x, y, d);
  if (p->length_scales.len != d)
    return NAN;
  double d2 = 0;
  for (size_t k = 0; k < d; k++) {
    double t = (x[k] - y[k]) / p->length_scales.data[k];
    d2 += t * t;
  }
  se_map(params, &d2, 1);
  return d2;
}

static gboolean
check_ard_width(const SeParams *p, size_t d, GError **error)
{
  if (p->length_scales.len == d)
    return TRUE;
  g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
              "squared_exponential: length_scales has %zu entries but the points have %zu "
              "features",
              p->length_scales.len, d);
  return FALSE;
}

/* (transfer full) M with column k divided by ℓ_k. */
static PlumMatrix *
ard_scaled(const SeParams *p, const PlumMatrix *M, GError **error)
{
  PlumMatrix *S = plum_matrix_new(M->rows, M->cols, error);
  if (S == NULL)
    return NULL;
  for (size_t i = 0; i < M->rows; i++)
    for (size_t k = 0; k < M->cols; k++)
      PLUM_MATRIX_AT(S, i, k) = PLUM_MATRIX_AT(M, i, k) / p->length_scales.data[k];
  return S;
}

static gboolean
se_gram(const void *params, const PlumMatrix *X, const PlumMatrix *Y, PlumMatrix *K, GError **error)
{
  const SeParams *p = params;
  if (!is_ard(p)) {
    pairwise_gram(&se_kernel, params, X, Y, K);
    return TRUE;
  }
  if (!check_ard_width(p, X->cols, error))
    return FALSE;
  PlumMatrix *Xs = ard_scaled(p, X, error);
  PlumMatrix *Ys = Xs != NULL && Y != NULL ? ard_scaled(p, Y, error) : NULL;
  gboolean ok = Xs != NULL && (Y == NULL || Ys != NULL);
  if (ok)
    pairwise_gram(&se_kernel, params, Xs, Ys, K);
  plum_matrix_free(Ys);
  plum_matrix_free(Xs);
  return ok;
}

/* ARD: dK[0] = 0 (length_scale unused), dK[1] = K, dK[2 + q] = K ∘ (x_q − y_q)²/ℓ_q². */
static gboolean
se_gram_gradient_ard(const SeParams *p, const PlumMatrix *X, const PlumMatrix *K, PlumMatrix *dK,
                     GError **error)
{
  if (!check_ard_width(p, X->cols, error))
    return FALSE;
  PlumMatrix *Xs = ard_scaled(p, X, error);
  if (Xs == NULL)
    return FALSE;
  ptrdiff_t n = (ptrdiff_t)X->rows;
  size_t d = X->cols;
#pragma omp parallel for schedule(static)
  for (ptrdiff_t i = 0; i < n; i++) {
    const double *krow = PLUM_MATRIX_ROW(K, i), *xi = PLUM_MATRIX_ROW(Xs, i);
    memset(PLUM_MATRIX_ROW(&dK[0], i), 0, (size_t)n * sizeof(double));
    memcpy(PLUM_MATRIX_ROW(&dK[1], i), krow, (size_t)n * sizeof(double));
    for (size_t q = 0; q < d; q++) {
      double *out = PLUM_MATRIX_ROW(&dK[2 + q], i);
      for (ptrdiff_t j = 0; j < n; j++) {
        double t = xi[q] - PLUM_MATRIX_AT(Xs, j, q);
        out[j] = krow[j] * t * t;
      }
    }
  }
  plum_matrix_free(Xs);
  return TRUE;
}

static gboolean
se_gram_gradient(const void *params, const PlumMatrix *X, const PlumMatrix *K, PlumMatrix *dK,
                 GError **error)
{
  const SeParams *p = params;
  if (is_ard(p))
    return se_gram_gradient_ard(p, X, K, dK, error);
  pairwise_gram_gradient(&se_kernel, params, X, K, dK);
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
    PLUM_PARAM_REAL_SPEC(SeParams, length_scale, 1.0, HYPER_MIN, HYPER_MAX,
                         PLUM_PARAM_LEARNABLE | PLUM_PARAM_LOG_SCALE,
                         "length scale ℓ: distance over which the correlation falls to e^-1/2"),
    PLUM_PARAM_REAL_SPEC(SeParams, variance, 1.0, HYPER_MIN, HYPER_MAX,
                         PLUM_PARAM_LEARNABLE | PLUM_PARAM_LOG_SCALE,
                         "signal variance σ² = k(x, x)"),
    {.name = "length_scales",
     .type = PLUM_PARAM_REAL_ARRAY,
     .flags = PLUM_PARAM_LEARNABLE | PLUM_PARAM_LOG_SCALE,
     .offset = offsetof(SeParams, length_scales),
     .min = HYPER_MIN,
     .max = HYPER_MAX,
     .doc = "ARD: one length scale per feature (replaces length_scale; empty: isotropic)"},
};

static const PlumComponentDesc se_components[] = {
    KERNEL_COMPONENT("squared_exponential",
                     "squared-exponential (RBF) kernel σ² exp(-‖x-y‖²/2ℓ²), optionally ARD",
                     se_params, SeParams, se_vtable),
};

PLUM_PLUGIN_DEFINE(squared_exponential, PACKAGE_VERSION, "MIT",
                   "the squared-exponential kernel with BLAS Gram matrices", se_components, NULL)
