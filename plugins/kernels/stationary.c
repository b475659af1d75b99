/* stationary.c — kernels that depend on the points only through their distance r = ‖x − y‖:
 *
 *   exponential          σ² exp(−r/ℓ)                                   (Matérn ν = 1/2)
 *   matern32             σ² (1 + s) e^−s,          s = √3 r/ℓ
 *   matern52             σ² (1 + s + s²/3) e^−s,   s = √5 r/ℓ
 *   rational_quadratic   σ² (1 + r²/(2αℓ²))^−α
 *   periodic             σ² exp(−2 sin²(π r/p)/ℓ²)
 *   multiquadric         √(r² + c²)              (not positive definite: for SVMs, not GPs)
 *
 * σ² (variance) defaults to 1, which gives the textbook (and scikit-learn) forms; it is there so
 * that a single kernel carries its own amplitude, as squared_exponential does. Every
 * hyperparameter is learnable in log space within [1e-5, 1e5] (scikit-learn's default bounds).
 * The Gram matrices and gradients go through pairwise.c: squared distances by SYRK/GEMM, then
 * one row-wise map; the gradients below are with respect to the logarithms, in schema order.
 */
#include "config.h"

#include <math.h>
#include <plum/plugin.h>

#include "vecmath.h"
#include "pairwise.h"

#define LOG_LEARNABLE (PLUM_PARAM_LEARNABLE | PLUM_PARAM_LOG_SCALE)
#define HYPER_MIN 1e-5
#define HYPER_MAX 1e5

/* length_scale, variance: exponential, matern32, matern52 */
typedef struct {
  double length_scale;
  double variance;
} ScaleParams;

typedef struct {
  double length_scale;
  double alpha;
  double variance;
} RqParams;

typedef struct {
  double length_scale;
  double periodicity;
  double variance;
} PeriodicParams;

typedef struct {
  double c;
} MultiquadricParams;

#define LENGTH_SCALE_SPEC(ST)                                                                      \
  PLUM_PARAM_REAL_SPEC(ST, length_scale, 1.0, HYPER_MIN, HYPER_MAX, LOG_LEARNABLE,                 \
                       "length scale ℓ: how far apart points must be to decorrelate")
#define VARIANCE_SPEC(ST)                                                                          \
  PLUM_PARAM_REAL_SPEC(ST, variance, 1.0, HYPER_MIN, HYPER_MAX, LOG_LEARNABLE,                     \
                       "signal variance σ² = k(x, x)")

/* exponential ------------------------------------------------------------------------------- */

PLUM_VEC_CLONES static void
exponential_map(const void *params, double *v, size_t len)
{
  const ScaleParams *p = params;
#pragma omp simd
  for (size_t j = 0; j < len; j++)
    v[j] = p->variance * plum_vec_exp(-sqrt(v[j]) / p->length_scale);
}

/* ∂k/∂log ℓ = k r/ℓ */
static void
exponential_grad(const void *params, const double *d2, const double *k, double *const *dk,
                 size_t len)
{
  const ScaleParams *p = params;
  for (size_t j = 0; j < len; j++) {
    double s = sqrt(d2[j]) / p->length_scale, kj = k[j];
    dk[0][j] = kj * s;
    dk[1][j] = kj;
  }
}

static const PairwiseKernel exponential_kernel = {
    .base = PAIRWISE_SQDIST, .map = exponential_map, .grad = exponential_grad, .n_grad = 2};
PAIRWISE_KERNEL_DEFINE(exponential, exponential_kernel);

/* matern32 ---------------------------------------------------------------------------------- */

PLUM_VEC_CLONES static void
matern32_map(const void *params, double *v, size_t len)
{
  const ScaleParams *p = params;
#pragma omp simd
  for (size_t j = 0; j < len; j++) {
    double s = sqrt(3.0 * v[j]) / p->length_scale;
    v[j] = p->variance * (1 + s) * plum_vec_exp(-s);
  }
}

/* ∂k/∂log ℓ = σ² s² e^−s */
PLUM_VEC_CLONES static void
matern32_grad(const void *params, const double *d2, const double *k, double *const *dk, size_t len)
{
  const ScaleParams *p = params;
#pragma omp simd
  for (size_t j = 0; j < len; j++) {
    double s = sqrt(3.0 * d2[j]) / p->length_scale, kj = k[j];
    dk[0][j] = p->variance * s * s * plum_vec_exp(-s);
    dk[1][j] = kj;
  }
}

static const PairwiseKernel matern32_kernel = {
    .base = PAIRWISE_SQDIST, .map = matern32_map, .grad = matern32_grad, .n_grad = 2};
PAIRWISE_KERNEL_DEFINE(matern32, matern32_kernel);

/* matern52 ---------------------------------------------------------------------------------- */

PLUM_VEC_CLONES static void
matern52_map(const void *params, double *v, size_t len)
{
  const ScaleParams *p = params;
#pragma omp simd
  for (size_t j = 0; j < len; j++) {
    double s = sqrt(5.0 * v[j]) / p->length_scale;
    v[j] = p->variance * (1 + s + s * s / 3) * plum_vec_exp(-s);
  }
}

/* ∂k/∂log ℓ = σ² (s²/3)(1 + s) e^−s */
PLUM_VEC_CLONES static void
matern52_grad(const void *params, const double *d2, const double *k, double *const *dk, size_t len)
{
  const ScaleParams *p = params;
#pragma omp simd
  for (size_t j = 0; j < len; j++) {
    double s = sqrt(5.0 * d2[j]) / p->length_scale, kj = k[j];
    dk[0][j] = p->variance * s * s / 3 * (1 + s) * plum_vec_exp(-s);
    dk[1][j] = kj;
  }
}

static const PairwiseKernel matern52_kernel = {
    .base = PAIRWISE_SQDIST, .map = matern52_map, .grad = matern52_grad, .n_grad = 2};
PAIRWISE_KERNEL_DEFINE(matern52, matern52_kernel);

/* rational_quadratic ------------------------------------------------------------------------ */

static void
rq_map(const void *params, double *v, size_t len)
{
  const RqParams *p = params;
  double scale = 1 / (2 * p->alpha * p->length_scale * p->length_scale);
  for (size_t j = 0; j < len; j++)
    v[j] = p->variance * exp(-p->alpha * log1p(v[j] * scale));
}

/* With u = r²/(2αℓ²): ∂k/∂log ℓ = 2αk u/(1 + u), ∂k/∂log α = αk (u/(1 + u) − log(1 + u)). */
static void
rq_grad(const void *params, const double *d2, const double *k, double *const *dk, size_t len)
{
  const RqParams *p = params;
  double scale = 1 / (2 * p->alpha * p->length_scale * p->length_scale);
  for (size_t j = 0; j < len; j++) {
    double u = d2[j] * scale, kj = k[j], ratio = u / (1 + u);
    dk[0][j] = 2 * p->alpha * kj * ratio;
    dk[1][j] = p->alpha * kj * (ratio - log1p(u));
    dk[2][j] = kj;
  }
}

static const PairwiseKernel rq_kernel = {
    .base = PAIRWISE_SQDIST, .map = rq_map, .grad = rq_grad, .n_grad = 3};
PAIRWISE_KERNEL_DEFINE(rq, rq_kernel);

/* periodic ---------------------------------------------------------------------------------- */

static void
periodic_map(const void *params, double *v, size_t len)
{
  const PeriodicParams *p = params;
  double l2 = p->length_scale * p->length_scale;
  for (size_t j = 0; j < len; j++) {
    double s = sin(G_PI * sqrt(v[j]) / p->periodicity);
    v[j] = p->variance * exp(-2 * s * s / l2);
  }
}

/* With a = πr/p: ∂k/∂log ℓ = 4k sin²a/ℓ², ∂k/∂log p = 2k a sin 2a/ℓ². */
static void
periodic_grad(const void *params, const double *d2, const double *k, double *const *dk, size_t len)
{
  const PeriodicParams *p = params;
  double l2 = p->length_scale * p->length_scale;
  for (size_t j = 0; j < len; j++) {
    double a = G_PI * sqrt(d2[j]) / p->periodicity, s = sin(a), kj = k[j];
    dk[0][j] = 4 * kj * s * s / l2;
    dk[1][j] = 2 * kj * a * sin(2 * a) / l2;
    dk[2][j] = kj;
  }
}

static const PairwiseKernel periodic_kernel = {
    .base = PAIRWISE_SQDIST, .map = periodic_map, .grad = periodic_grad, .n_grad = 3};
PAIRWISE_KERNEL_DEFINE(periodic, periodic_kernel);

/* multiquadric ------------------------------------------------------------------------------ */

static void
multiquadric_map(const void *params, double *v, size_t len)
{
  const MultiquadricParams *p = params;
  for (size_t j = 0; j < len; j++)
    v[j] = sqrt(v[j] + p->c * p->c);
}

/* ∂k/∂log c = c²/k */
static void
multiquadric_grad(const void *params, const double *d2, const double *k, double *const *dk,
                  size_t len)
{
  const MultiquadricParams *p = params;
  for (size_t j = 0; j < len; j++)
    dk[0][j] = p->c * p->c / k[j];
}

static const PairwiseKernel multiquadric_kernel = {
    .base = PAIRWISE_SQDIST, .map = multiquadric_map, .grad = multiquadric_grad, .n_grad = 1};
PAIRWISE_KERNEL_DEFINE(multiquadric, multiquadric_kernel);

/* Schemas and components -------------------------------------------------------------------- */

static const PlumParamSpec scale_params[] = {
    LENGTH_SCALE_SPEC(ScaleParams),
    VARIANCE_SPEC(ScaleParams),
};

static const PlumParamSpec rq_params[] = {
    LENGTH_SCALE_SPEC(RqParams),
    PLUM_PARAM_REAL_SPEC(RqParams, alpha, 1.0, HYPER_MIN, HYPER_MAX, LOG_LEARNABLE,
                         "scale mixture α: large α tends to the squared exponential"),
    VARIANCE_SPEC(RqParams),
};

static const PlumParamSpec periodic_params[] = {
    LENGTH_SCALE_SPEC(PeriodicParams),
    PLUM_PARAM_REAL_SPEC(PeriodicParams, periodicity, 1.0, HYPER_MIN, HYPER_MAX, LOG_LEARNABLE,
                         "period p: the distance after which the kernel repeats"),
    VARIANCE_SPEC(PeriodicParams),
};

static const PlumParamSpec multiquadric_params[] = {
    PLUM_PARAM_REAL_SPEC(MultiquadricParams, c, 1.0, HYPER_MIN, HYPER_MAX, LOG_LEARNABLE,
                         "shape c in √(r² + c²); k(x, x) = c"),
};

static const PlumComponentDesc stationary_components[] = {
    KERNEL_COMPONENT("exponential", "exponential kernel σ² exp(-r/ℓ) (Matérn ν=1/2)", scale_params,
                     ScaleParams, exponential_vtable),
    KERNEL_COMPONENT("matern32", "Matérn ν=3/2 kernel σ²(1+√3r/ℓ)exp(-√3r/ℓ)", scale_params,
                     ScaleParams, matern32_vtable),
    KERNEL_COMPONENT("matern52", "Matérn ν=5/2 kernel σ²(1+√5r/ℓ+5r²/3ℓ²)exp(-√5r/ℓ)", scale_params,
                     ScaleParams, matern52_vtable),
    KERNEL_COMPONENT("rational_quadratic", "rational quadratic kernel σ²(1+r²/2αℓ²)^-α", rq_params,
                     RqParams, rq_vtable),
    KERNEL_COMPONENT("periodic", "periodic kernel σ² exp(-2 sin²(πr/p)/ℓ²)", periodic_params,
                     PeriodicParams, periodic_vtable),
    KERNEL_COMPONENT("multiquadric", "multiquadric kernel √(r²+c²) (not positive definite)",
                     multiquadric_params, MultiquadricParams, multiquadric_vtable),
};

PLUM_PLUGIN_DEFINE(stationary, PACKAGE_VERSION, "MIT",
                   "distance-based kernels: exponential, Matérn, rational quadratic, periodic, "
                   "multiquadric",
                   stationary_components, NULL)
