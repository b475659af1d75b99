/* mse.c — the squared-error cost, the proof cost plugin.
 *
 *   loss(P, T) = Σ_rows ½ ‖p − t‖²,   ∂loss/∂P = P − T
 *
 * Summed over outputs and rows, halved, with no mean: the sum fits the objective seam (a value
 * over a minibatch adds up over disjoint batches, and the optimizer divides by the batch size),
 * and the ½ makes the gradient exactly the residual. A network's trainer therefore sees the
 * same scale as linear_regression's objective. Targets must be finite; the sum is taken in row
 * order on one thread so the value does not depend on the thread count.
 */
#include "config.h"

#include <math.h>
#include <plum/plugin.h>

static gboolean
mse_check(const PlumMatrix *P, const PlumMatrix *T, const PlumMatrix *G, GError **error)
{
  if (!plum_matrix_check_shape(T, P->rows, P->cols, "targets", error) ||
      (G && !plum_matrix_check_shape(G, P->rows, P->cols, "gradient", error)))
    return FALSE;
  return plum_matrix_check_finite(T, "targets", error);
}

static gboolean
mse_loss(const void *params, const PlumMatrix *P, const PlumMatrix *T, double *value, PlumMatrix *G,
         GError **error)
{
  if (!mse_check(P, T, G, error))
    return FALSE;
  double total = 0;
  for (size_t i = 0; i < P->rows; i++) {
    const double *p = PLUM_MATRIX_ROW(P, i), *t = PLUM_MATRIX_ROW(T, i);
    double *g = G ? PLUM_MATRIX_ROW(G, i) : NULL;
    for (size_t j = 0; j < P->cols; j++) {
      double r = p[j] - t[j];
      total += r * r;
      if (g)
        g[j] = r;
    }
  }
  *value = 0.5 * total;
  return TRUE;
}

static const PlumCostVTable mse_vtable = {
    .struct_size = sizeof(PlumCostVTable),
    .loss = mse_loss,
};

/* No hyperparameters: the schema is empty. */
static const PlumComponentDesc mse_components[] = {
    {
        .struct_size = sizeof(PlumComponentDesc),
        .kind = PLUM_KIND_COST,
        .name = "mse",
        .summary = "squared error: sum over rows of 1/2 |p - t|^2, gradient p - t",
        .vtable = &mse_vtable,
    },
};

PLUM_PLUGIN_DEFINE(mse, PACKAGE_VERSION, "MIT", "the squared-error cost", mse_components, NULL)
