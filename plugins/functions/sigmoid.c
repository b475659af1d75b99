/* sigmoid.c — the logistic activation σ(z) = 1 / (1 + e^-z), the proof activation plugin.
 *
 * Forward is evaluated with e^-|z| <= 1, so no exponential overflows for large |z| and the
 * result stays in [0, 1]. Backward uses the output it already has, σ' = A (1 − A), so it needs
 * no exponential at all. Both work elementwise on whole matrices; A may alias Z and dZ may alias
 * dA. The CAP_OUTPUT_SIGMOID flag lets a cost that fuses with it (binary cross-entropy) skip
 * this backward and hand back A − Y directly.
 */
#include "config.h"

#include <math.h>
#include <plum/plugin.h>

/* Rows worth splitting across threads; below this the fork costs more than the loop. */
#define SIGMOID_PARALLEL_MIN 65536

static inline double
sigmoid(double z)
{
  double t = exp(-fabs(z));
  return z >= 0 ? 1.0 / (1.0 + t) : t / (1.0 + t);
}

static void
sigmoid_forward(const void *params, const PlumMatrix *Z, PlumMatrix *A)
{
  long rows = (long)Z->rows;
#pragma omp parallel for schedule(static) if (Z->rows * Z->cols >= SIGMOID_PARALLEL_MIN)
  for (long i = 0; i < rows; i++) {
    const double *z = PLUM_MATRIX_ROW(Z, i);
    double *a = PLUM_MATRIX_ROW(A, i);
    for (size_t j = 0; j < Z->cols; j++)
      a[j] = sigmoid(z[j]);
  }
}

static void
sigmoid_backward(const void *params, const PlumMatrix *Z, const PlumMatrix *A, const PlumMatrix *dA,
                 PlumMatrix *dZ)
{
  long rows = (long)A->rows;
#pragma omp parallel for schedule(static) if (A->rows * A->cols >= SIGMOID_PARALLEL_MIN)
  for (long i = 0; i < rows; i++) {
    const double *a = PLUM_MATRIX_ROW(A, i), *da = PLUM_MATRIX_ROW(dA, i);
    double *dz = PLUM_MATRIX_ROW(dZ, i);
    for (size_t j = 0; j < A->cols; j++)
      dz[j] = da[j] * a[j] * (1.0 - a[j]);
  }
}

static const PlumActivationVTable sigmoid_vtable = {
    .struct_size = sizeof(PlumActivationVTable),
    .forward = sigmoid_forward,
    .backward = sigmoid_backward,
};

/* No hyperparameters: the schema is empty. */
static const PlumComponentDesc sigmoid_components[] = {
    {
        .struct_size = sizeof(PlumComponentDesc),
        .kind = PLUM_KIND_ACTIVATION,
        .name = "sigmoid",
        .summary = "logistic sigmoid 1 / (1 + exp(-z))",
        .caps = PLUM_CAP_OUTPUT_SIGMOID,
        .vtable = &sigmoid_vtable,
    },
};

PLUM_PLUGIN_DEFINE(sigmoid, PACKAGE_VERSION, "MIT", "the logistic sigmoid activation",
                   sigmoid_components, NULL)
