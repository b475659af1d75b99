/* constant.c — the two kernels that ignore where the points are:
 *
 *   constant      k(x, y) = v                 (a bias, or an amplitude inside a product)
 *   white_noise   k(x, y) = s · [x is y]      (independent noise of variance s on each point)
 *
 * White noise is defined on identity, not on equal coordinates, as scikit-learn's WhiteKernel:
 * the Gram matrix K(X, X) gets s on its diagonal and K(X, Y) is 0 even where rows of X and Y
 * coincide, so noise enters the training covariance but not the cross-covariance with test
 * points. The pointwise k(x, y) follows suit: s when x and y are the same pointer, 0 otherwise;
 * diag() is s. Both values are learnable in log space within scikit-learn's default bounds.
 */
#include "config.h"

#include <plum/plugin.h>

#include "pairwise.h"

typedef struct {
  double value;
} ConstantParams;

typedef struct {
  double level;
} WhiteParams;

static void
fill_vector(double *out, size_t n, double v)
{
  for (size_t i = 0; i < n; i++)
    out[i] = v;
}

/* constant ---------------------------------------------------------------------------------- */

static double
constant_eval(const void *params, const double *x, const double *y, size_t d)
{
  return ((const ConstantParams *)params)->value;
}

static gboolean
constant_gram(const void *params, const PlumMatrix *X, const PlumMatrix *Y, PlumMatrix *K,
              GError **error)
{
  plum_matrix_fill(K, ((const ConstantParams *)params)->value);
  return TRUE;
}

/* ∂k/∂log v = v */
static gboolean
constant_gram_gradient(const void *params, const PlumMatrix *X, const PlumMatrix *K, PlumMatrix *dK,
                       GError **error)
{
  plum_matrix_fill(&dK[0], ((const ConstantParams *)params)->value);
  return TRUE;
}

static void
constant_diag(const void *params, const PlumMatrix *X, double *out)
{
  fill_vector(out, X->rows, ((const ConstantParams *)params)->value);
}

static const PlumKernelVTable constant_vtable = {
    .struct_size = sizeof(PlumKernelVTable),
    .eval = constant_eval,
    .gram = constant_gram,
    .gram_gradient = constant_gram_gradient,
    .diag = constant_diag,
};

/* white_noise ------------------------------------------------------------------------------- */

static double
white_eval(const void *params, const double *x, const double *y, size_t d)
{
  return x == y ? ((const WhiteParams *)params)->level : 0.0;
}

/* s I on K(X, X); 0 on K(X, Y). */
static void
white_fill(const WhiteParams *p, gboolean symmetric, PlumMatrix *K)
{
  plum_matrix_fill(K, 0.0);
  for (size_t i = 0; symmetric && i < K->rows; i++)
    PLUM_MATRIX_AT(K, i, i) = p->level;
}

static gboolean
white_gram(const void *params, const PlumMatrix *X, const PlumMatrix *Y, PlumMatrix *K,
           GError **error)
{
  white_fill(params, Y == NULL, K);
  return TRUE;
}

/* ∂K/∂log s = s I */
static gboolean
white_gram_gradient(const void *params, const PlumMatrix *X, const PlumMatrix *K, PlumMatrix *dK,
                    GError **error)
{
  white_fill(params, TRUE, &dK[0]);
  return TRUE;
}

static void
white_diag(const void *params, const PlumMatrix *X, double *out)
{
  fill_vector(out, X->rows, ((const WhiteParams *)params)->level);
}

static const PlumKernelVTable white_vtable = {
    .struct_size = sizeof(PlumKernelVTable),
    .eval = white_eval,
    .gram = white_gram,
    .gram_gradient = white_gram_gradient,
    .diag = white_diag,
};

/* Schemas and components -------------------------------------------------------------------- */

static const PlumParamSpec constant_params[] = {
    PLUM_PARAM_REAL_SPEC(ConstantParams, value, 1.0, 1e-5, 1e5,
                         PLUM_PARAM_LEARNABLE | PLUM_PARAM_LOG_SCALE, "the constant v = k(x, y)"),
};

static const PlumParamSpec white_params[] = {
    PLUM_PARAM_REAL_SPEC(WhiteParams, level, 1.0, 1e-5, 1e5,
                         PLUM_PARAM_LEARNABLE | PLUM_PARAM_LOG_SCALE,
                         "noise variance s added to the diagonal of K(X, X)"),
};

static const PlumComponentDesc constant_components[] = {
    KERNEL_COMPONENT("constant", "constant kernel k(x, y) = v", constant_params, ConstantParams,
                     constant_vtable),
    KERNEL_COMPONENT_CAPS("white_noise", "white-noise kernel: s on the diagonal of K(X, X) only",
                          white_params, WhiteParams, white_vtable, PLUM_CAP_KERNEL_DIAGONAL),
};

PLUM_PLUGIN_DEFINE(constant, PACKAGE_VERSION, "MIT",
                   "kernels independent of position: constant and white noise", constant_components,
                   NULL)
