/* activations.c — the elementwise and row-wise activations of the neural network: identity,
 * tanh, relu, leaky_relu, elu, softplus, exp, gelu and softmax (sigmoid is its own module).
 *
 * Each activation is written as two row kernels, a forward a = f(z) and a backward
 * dz = (∂a/∂z)ᵀ da, over one contiguous row; one driver walks the rows of the matrices (in
 * parallel when the matrix is large), so the per-element work is a plain loop the compiler can
 * vectorize and the only indirect call is one per row. Backward uses whichever of Z and A = f(Z)
 * is cheaper: the output for tanh, elu, exp and softmax (no transcendental call again), the input
 * for the piecewise-linear ones and for softplus and gelu. As the vtable allows, A may alias Z
 * and dZ may alias dA: every kernel reads an element before it writes the same element, and
 * softmax reads its whole row before writing it. gelu is the exact erf form,
 * z Φ(z) = ½ z (1 + erf(z / √2)) (PyTorch's default), not the tanh approximation. softmax is
 * shifted by the row maximum, so no exponential overflows, and carries CAP_OUTPUT_SOFTMAX so a
 * network paired with categorical_cross_entropy skips its backward for the fused A − T.
 */
#include "config.h"

#include <math.h>
#include <plum/plugin.h>

#include "vecmath.h"

/* Elements worth splitting across threads; below this the fork costs more than the loop. */
#define ACTIVATION_PARALLEL_MIN 65536

typedef void (*RowForward)(const void *params, const double *z, double *a, size_t n);
typedef void (*RowBackward)(const void *params, const double *z, const double *a, const double *da,
                            double *dz, size_t n);

typedef struct {
  double slope;
} LeakyReluParams;

typedef struct {
  double alpha;
} EluParams;

/* The drivers ------------------------------------------------------------------------------ */

static void
rows_forward(const void *params, const PlumMatrix *Z, PlumMatrix *A, RowForward kernel)
{
  long rows = (long)Z->rows;
#pragma omp parallel for schedule(static) if (Z->rows * Z->cols >= ACTIVATION_PARALLEL_MIN)
  for (long i = 0; i < rows; i++)
    kernel(params, PLUM_MATRIX_ROW(Z, i), PLUM_MATRIX_ROW(A, i), Z->cols);
}

static void
rows_backward(const void *params, const PlumMatrix *Z, const PlumMatrix *A, const PlumMatrix *dA,
              PlumMatrix *dZ, RowBackward kernel)
{
  long rows = (long)A->rows;
#pragma omp parallel for schedule(static) if (A->rows * A->cols >= ACTIVATION_PARALLEL_MIN)
  for (long i = 0; i < rows; i++)
    kernel(params, PLUM_MATRIX_ROW(Z, i), PLUM_MATRIX_ROW(A, i), PLUM_MATRIX_ROW(dA, i),
           PLUM_MATRIX_ROW(dZ, i), A->cols);
}

/* The vtable entry points of activation NAME, over its row kernels NAME_fwd and NAME_bwd. */
#define ACTIVATION_VTABLE(NAME)                                                                    \
  static void NAME##_forward(const void *params, const PlumMatrix *Z, PlumMatrix *A)               \
  {                                                                                                \
    rows_forward(params, Z, A, NAME##_fwd);                                                        \
  }                                                                                                \
  static void NAME##_backward(const void *params, const PlumMatrix *Z, const PlumMatrix *A,        \
                              const PlumMatrix *dA, PlumMatrix *dZ)                                \
  {                                                                                                \
    rows_backward(params, Z, A, dA, dZ, NAME##_bwd);                                               \
  }                                                                                                \
  static const PlumActivationVTable NAME##_vtable = {                                              \
      .struct_size = sizeof(PlumActivationVTable),                                                 \
      .forward = NAME##_forward,                                                                   \
      .backward = NAME##_backward,                                                                 \
  }

/* Row kernels ------------------------------------------------------------------------------ */

static void
identity_fwd(const void *params, const double *z, double *a, size_t n)
{
#pragma omp simd
  for (size_t j = 0; j < n; j++)
    a[j] = z[j];
}

static void
identity_bwd(const void *params, const double *z, const double *a, const double *da, double *dz,
             size_t n)
{
#pragma omp simd
  for (size_t j = 0; j < n; j++)
    dz[j] = da[j];
}

static void
tanh_fwd(const void *params, const double *z, double *a, size_t n)
{
  for (size_t j = 0; j < n; j++)
    a[j] = tanh(z[j]);
}

static void
tanh_bwd(const void *params, const double *z, const double *a, const double *da, double *dz,
         size_t n)
{
#pragma omp simd
  for (size_t j = 0; j < n; j++)
    dz[j] = da[j] * (1.0 - a[j] * a[j]);
}

/* v where z > 0, else 0 (and the converse): selects against a constant, the form GCC
 * vectorizes under the default -ftrapping-math, where a select between two computed values
 * stays a branch, and a mispredicted one on random signs. */
static inline double
where_positive(double z, double v)
{
  return z > 0 ? v : 0.0;
}

static inline double
where_not_positive(double z, double v)
{
  return z > 0 ? 0.0 : v;
}

static void
relu_fwd(const void *params, const double *z, double *a, size_t n)
{
#pragma omp simd
  for (size_t j = 0; j < n; j++)
    a[j] = where_positive(z[j], z[j]);
}

static void
relu_bwd(const void *params, const double *z, const double *a, const double *da, double *dz,
         size_t n)
{
#pragma omp simd
  for (size_t j = 0; j < n; j++) {
    double g = da[j];
    dz[j] = where_positive(z[j], g);
  }
}

static void
leaky_relu_fwd(const void *params, const double *z, double *a, size_t n)
{
  double slope = ((const LeakyReluParams *)params)->slope;
#pragma omp simd
  for (size_t j = 0; j < n; j++)
    a[j] = where_positive(z[j], z[j]) + slope * where_not_positive(z[j], z[j]);
}

static void
leaky_relu_bwd(const void *params, const double *z, const double *a, const double *da, double *dz,
               size_t n)
{
  double slope = ((const LeakyReluParams *)params)->slope;
#pragma omp simd
  for (size_t j = 0; j < n; j++) {
    double g = da[j];
    dz[j] = where_positive(z[j], g) + slope * where_not_positive(z[j], g);
  }
}

/* α (e^z − 1) below 0; its derivative α e^z is a + α. */
static void
elu_fwd(const void *params, const double *z, double *a, size_t n)
{
  double alpha = ((const EluParams *)params)->alpha;
  for (size_t j = 0; j < n; j++)
    a[j] = z[j] > 0 ? z[j] : alpha * expm1(z[j]);
}

static void
elu_bwd(const void *params, const double *z, const double *a, const double *da, double *dz,
        size_t n)
{
  double alpha = ((const EluParams *)params)->alpha;
#pragma omp simd
  for (size_t j = 0; j < n; j++) {
    double g = da[j];
    dz[j] = where_positive(z[j], g) + where_not_positive(z[j], g) * (a[j] + alpha);
  }
}

/* log(1 + e^z) = max(z, 0) + log1p(e^−|z|): no overflow; its derivative is σ(z). */
static void
softplus_fwd(const void *params, const double *z, double *a, size_t n)
{
  for (size_t j = 0; j < n; j++)
    a[j] = fmax(z[j], 0.0) + log1p(exp(-fabs(z[j])));
}

static void
softplus_bwd(const void *params, const double *z, const double *a, const double *da, double *dz,
             size_t n)
{
  for (size_t j = 0; j < n; j++) {
    double t = exp(-fabs(z[j]));
    dz[j] = da[j] * (z[j] >= 0 ? 1.0 / (1.0 + t) : t / (1.0 + t));
  }
}

static void
exp_fwd(const void *params, const double *z, double *a, size_t n)
{
  for (size_t j = 0; j < n; j++)
    a[j] = exp(z[j]);
}

static void
exp_bwd(const void *params, const double *z, const double *a, const double *da, double *dz,
        size_t n)
{
#pragma omp simd
  for (size_t j = 0; j < n; j++)
    dz[j] = da[j] * a[j];
}

/* z Φ(z); its derivative is Φ(z) + z φ(z). */
static void
gelu_fwd(const void *params, const double *z, double *a, size_t n)
{
  for (size_t j = 0; j < n; j++)
    a[j] = 0.5 * z[j] * (1.0 + erf(z[j] * M_SQRT1_2));
}

static void
gelu_bwd(const void *params, const double *z, const double *a, const double *da, double *dz,
         size_t n)
{
  const double inv_sqrt_2pi = 0.5 * M_2_SQRTPI * M_SQRT1_2;
  for (size_t j = 0; j < n; j++) {
    double cdf = 0.5 * (1.0 + erf(z[j] * M_SQRT1_2));
    dz[j] = da[j] * (cdf + z[j] * inv_sqrt_2pi * exp(-0.5 * z[j] * z[j]));
  }
}

/* e^(z − max z) / Σ e^(z − max z) over the row. */
PLUM_VEC_CLONES static void
softmax_fwd(const void *params, const double *z, double *a, size_t n)
{
  double top = -INFINITY, total = 0;
  for (size_t j = 0; j < n; j++)
    top = fmax(top, z[j]);
#pragma omp simd reduction(+ : total)
  for (size_t j = 0; j < n; j++) {
    a[j] = plum_vec_exp(z[j] - top);
    total += a[j];
  }
  double inv = 1.0 / total;
#pragma omp simd
  for (size_t j = 0; j < n; j++)
    a[j] *= inv;
}

/* The Jacobian diag(a) − a aᵀ is symmetric: dz = a ⊙ (da − (a · da)). */
static void
softmax_bwd(const void *params, const double *z, const double *a, const double *da, double *dz,
            size_t n)
{
  double dot = 0;
  for (size_t j = 0; j < n; j++)
    dot += a[j] * da[j];
#pragma omp simd
  for (size_t j = 0; j < n; j++)
    dz[j] = a[j] * (da[j] - dot);
}

ACTIVATION_VTABLE(identity);
ACTIVATION_VTABLE(tanh);
ACTIVATION_VTABLE(relu);
ACTIVATION_VTABLE(leaky_relu);
ACTIVATION_VTABLE(elu);
ACTIVATION_VTABLE(softplus);
ACTIVATION_VTABLE(exp);
ACTIVATION_VTABLE(gelu);
ACTIVATION_VTABLE(softmax);

/* Schemas and components ---------------------------------------------------------------------- */

static const PlumParamSpec leaky_relu_params[] = {
    PLUM_PARAM_REAL_SPEC(LeakyReluParams, slope, 0.01, 0.0, 1e6, 0,
                         "the slope below zero: a = slope z for z <= 0"),
};

static const PlumParamSpec elu_params[] = {
    PLUM_PARAM_REAL_SPEC(EluParams, alpha, 1.0, 0.0, 1e6, 0,
                         "the saturation level below zero: a = alpha (e^z - 1) for z <= 0"),
};

#define ACTIVATION_COMPONENT(NAME, SUMMARY, CAPS)                                                  \
  {                                                                                                \
    .struct_size = sizeof(PlumComponentDesc), .kind = PLUM_KIND_ACTIVATION, .name = #NAME,         \
    .summary = (SUMMARY), .caps = (CAPS), .vtable = &NAME##_vtable,                                \
  }

#define ACTIVATION_COMPONENT_WITH_PARAMS(NAME, SUMMARY, PARAMS_TYPE)                               \
  {                                                                                                \
    .struct_size = sizeof(PlumComponentDesc), .kind = PLUM_KIND_ACTIVATION, .name = #NAME,         \
    .summary = (SUMMARY), .params = NAME##_params, .n_params = G_N_ELEMENTS(NAME##_params),        \
    .params_size = sizeof(PARAMS_TYPE), .vtable = &NAME##_vtable,                                  \
  }

static const PlumComponentDesc activation_components[] = {
    ACTIVATION_COMPONENT(identity, "identity: a = z", 0),
    ACTIVATION_COMPONENT(tanh, "hyperbolic tangent", 0),
    ACTIVATION_COMPONENT(relu, "rectified linear unit: max(z, 0)", 0),
    ACTIVATION_COMPONENT_WITH_PARAMS(leaky_relu, "leaky ReLU: z above 0, slope z below",
                                     LeakyReluParams),
    ACTIVATION_COMPONENT_WITH_PARAMS(elu,
                                     "exponential linear unit: z above 0, alpha (e^z - 1) "
                                     "below",
                                     EluParams),
    ACTIVATION_COMPONENT(softplus, "softplus: log(1 + e^z)", 0),
    ACTIVATION_COMPONENT(exp, "exponential: e^z", 0),
    ACTIVATION_COMPONENT(gelu, "Gaussian error linear unit, exact erf form: z Phi(z)", 0),
    ACTIVATION_COMPONENT(softmax, "softmax over each row, shifted by the row maximum",
                         PLUM_CAP_OUTPUT_SOFTMAX),
};

PLUM_PLUGIN_DEFINE(activations, PACKAGE_VERSION, "MIT",
                   "activation functions: identity, tanh, relu, leaky_relu, elu, softplus, exp, "
                   "gelu, softmax",
                   activation_components, NULL)
