/* dot_product.c — kernels that depend on the points only through xᵀy:
 *
 *   linear               xᵀy + c
 *   polynomial           (γ xᵀy + c)^d
 *   hyperbolic_tangent   tanh(γ xᵀy + c)      (the sigmoid kernel; not positive definite)
 *
 * with scale γ (learnable in log space), offset c (learnable on its own scale: 0 is its natural
 * value and a log could not reach it) and an integer degree d that is not learned. Offsets of
 * linear and polynomial stay >= 0 so that their Gram matrices stay positive semi-definite; the
 * sigmoid kernel is indefinite anyway and takes any offset. Defaults (γ = 1, c = 0, d = 3) are
 * libsvm's apart from γ, which libsvm sets to 1/features: a kernel does not know the width of
 * the data it will see. Gram matrices go through pairwise.c (one SYRK or GEMM, one map per row).
 */
#include "config.h"

#include <math.h>
#include <plum/plugin.h>

#include "pairwise.h"

#define OFFSET_MAX 1e5

typedef struct {
  double offset;
} LinearParams;

/* polynomial and hyperbolic_tangent; degree is unused by the latter */
typedef struct {
  double scale;
  double offset;
  gint64 degree;
} PolyParams;

/* linear ------------------------------------------------------------------------------------ */

static void
linear_map(const void *params, double *v, size_t len)
{
  const LinearParams *p = params;
  for (size_t j = 0; j < len; j++)
    v[j] += p->offset;
}

static void
linear_grad(const void *params, const double *dot, const double *k, double *const *dk, size_t len)
{
  for (size_t j = 0; j < len; j++)
    dk[0][j] = 1;
}

static const PairwiseKernel linear_kernel = {
    .base = PAIRWISE_DOT, .map = linear_map, .grad = linear_grad, .n_grad = 1};
PAIRWISE_KERNEL_DEFINE(linear, linear_kernel);

/* polynomial -------------------------------------------------------------------------------- */

static void
polynomial_map(const void *params, double *v, size_t len)
{
  const PolyParams *p = params;
  for (size_t j = 0; j < len; j++)
    v[j] = pow(p->scale * v[j] + p->offset, (double)p->degree);
}

/* With b = γ xᵀy + c: ∂k/∂log γ = d b^(d−1) γ xᵀy, ∂k/∂c = d b^(d−1). */
static void
polynomial_grad(const void *params, const double *dot, const double *k, double *const *dk,
                size_t len)
{
  const PolyParams *p = params;
  double deg = (double)p->degree;
  for (size_t j = 0; j < len; j++) {
    double g = p->scale * dot[j], slope = deg * pow(g + p->offset, deg - 1);
    dk[0][j] = slope * g;
    dk[1][j] = slope;
  }
}

static const PairwiseKernel polynomial_kernel = {
    .base = PAIRWISE_DOT, .map = polynomial_map, .grad = polynomial_grad, .n_grad = 2};
PAIRWISE_KERNEL_DEFINE(polynomial, polynomial_kernel);

/* hyperbolic_tangent ------------------------------------------------------------------------ */

static void
tanh_map(const void *params, double *v, size_t len)
{
  const PolyParams *p = params;
  for (size_t j = 0; j < len; j++)
    v[j] = tanh(p->scale * v[j] + p->offset);
}

/* ∂k/∂log γ = (1 − k²) γ xᵀy, ∂k/∂c = 1 − k² */
static void
tanh_grad(const void *params, const double *dot, const double *k, double *const *dk, size_t len)
{
  const PolyParams *p = params;
  for (size_t j = 0; j < len; j++) {
    double g = p->scale * dot[j], slope = 1 - k[j] * k[j];
    dk[0][j] = slope * g;
    dk[1][j] = slope;
  }
}

static const PairwiseKernel tanh_kernel = {
    .base = PAIRWISE_DOT, .map = tanh_map, .grad = tanh_grad, .n_grad = 2};
PAIRWISE_KERNEL_DEFINE(tanh, tanh_kernel);

/* Schemas and components -------------------------------------------------------------------- */

#define SCALE_SPEC                                                                                 \
  PLUM_PARAM_REAL_SPEC(PolyParams, scale, 1.0, 1e-5, 1e5,                                          \
                       PLUM_PARAM_LEARNABLE | PLUM_PARAM_LOG_SCALE,                                \
                       "scale γ of the dot product (libsvm's gamma)")

static const PlumParamSpec linear_params[] = {
    PLUM_PARAM_REAL_SPEC(LinearParams, offset, 0.0, 0.0, OFFSET_MAX, PLUM_PARAM_LEARNABLE,
                         "offset c added to xᵀy (a constant feature of value √c)"),
};

static const PlumParamSpec polynomial_params[] = {
    SCALE_SPEC,
    PLUM_PARAM_REAL_SPEC(PolyParams, offset, 0.0, 0.0, OFFSET_MAX, PLUM_PARAM_LEARNABLE,
                         "offset c (libsvm's coef0): weighs the lower-order terms"),
    PLUM_PARAM_INT_SPEC(PolyParams, degree, 3, 1, 100, 0, "degree d (not learned)"),
};

static const PlumParamSpec tanh_params[] = {
    SCALE_SPEC,
    PLUM_PARAM_REAL_SPEC(PolyParams, offset, 0.0, -OFFSET_MAX, OFFSET_MAX, PLUM_PARAM_LEARNABLE,
                         "offset c (libsvm's coef0)"),
};

static const PlumComponentDesc dot_product_components[] = {
    KERNEL_COMPONENT("linear", "linear kernel xᵀy + c", linear_params, LinearParams, linear_vtable),
    KERNEL_COMPONENT("polynomial", "polynomial kernel (γxᵀy + c)^d", polynomial_params, PolyParams,
                     polynomial_vtable),
    KERNEL_COMPONENT("hyperbolic_tangent", "sigmoid kernel tanh(γxᵀy + c) (not positive definite)",
                     tanh_params, PolyParams, tanh_vtable),
};

PLUM_PLUGIN_DEFINE(dot_product, PACKAGE_VERSION, "MIT",
                   "dot-product kernels: linear, polynomial, hyperbolic tangent",
                   dot_product_components, NULL)
