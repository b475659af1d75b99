/* gradcheck.c — the core's numerical check of an objective's analytic gradient.
 *
 * Every differentiable plugin is tested against central differences of its own value: this is
 * the one implementation the tests (and plugin authors) call. It always differentiates the full
 * objective (all terms), so a minibatch bug cannot hide behind a lucky batch, and it scales the
 * step with |θ_k| so parameters of very different magnitude are probed alike. The step actually
 * taken, (θ_k + h_k) − (θ_k − h_k) in floating point, is the divisor: dividing by 2h_k would add
 * the rounding of θ_k ± h_k to the error being measured.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <plum/plugin.h>

static gboolean
eval_full(const PlumObjective *obj, const double *theta, double *value, double *grad,
          GError **error)
{
  if (!obj->eval(obj->ctx, theta, NULL, obj->n_terms, value, grad, error))
    return FALSE;
  if (isfinite(*value))
    return TRUE;
  g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED,
              "gradient check: the objective is not finite (%g) at the point checked", *value);
  return FALSE;
}

/* The central difference of the objective along coordinate k; restores work[k]. */
static gboolean
central_difference(const PlumObjective *obj, double *work, size_t k, double h, double *out,
                   GError **error)
{
  double theta_k = work[k], f_up, f_down;
  volatile double up = theta_k + h * fmax(1.0, fabs(theta_k));
  volatile double down = theta_k - (up - theta_k);

  work[k] = up;
  gboolean ok = eval_full(obj, work, &f_up, NULL, error);
  work[k] = down;
  ok = ok && eval_full(obj, work, &f_down, NULL, error);
  work[k] = theta_k;
  if (ok)
    *out = (f_up - f_down) / (up - down);
  return ok;
}

gboolean
plum_objective_check_gradient(const PlumObjective *obj, const double *theta, double h,
                              double *max_rel_err, GError **error)
{
  g_return_val_if_fail(obj != NULL && obj->eval != NULL, FALSE);
  g_return_val_if_fail(theta != NULL && max_rel_err != NULL, FALSE);
  if (!(h > 0 && h < 1)) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                "gradient check: the step h must be in (0, 1), got %g", h);
    return FALSE;
  }
  size_t n = obj->n_params;
  double *grad = g_new(double, n);
  double *work = g_memdup2(theta, n * sizeof *theta);
  double value, worst = 0;
  gboolean ok = eval_full(obj, theta, &value, grad, error);

  for (size_t k = 0; ok && k < n; k++) {
    double numeric;
    ok = central_difference(obj, work, k, h, &numeric, error);
    if (!ok)
      break;
    double scale = fmax(1.0, fmax(fabs(grad[k]), fabs(numeric)));
    double rel = fabs(grad[k] - numeric) / scale;
    if (isnan(rel) || rel > worst) /* a NaN entry makes the result NaN, never a pass */
      worst = rel;
  }
  if (ok)
    *max_rel_err = worst;
  g_free(work);
  g_free(grad);
  return ok;
}
