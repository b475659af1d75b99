/* objective.c — the mean objective and box projection shared by the optimizer modules.
 *
 * Optimizers work on F/n_terms rather than F so that a learning rate or a gradient tolerance
 * means the same whatever the number of rows; the objective seam returns sums, and this is the
 * one place that turns a full-batch sum into a mean.
 */
#include "config.h"

#include <math.h>
#include <cblas.h>

#include "objective.h"

gboolean
optim_eval_mean(const PlumObjective *obj, PlumOptimMonitor *monitor, const double *theta,
                double *value, double *grad, GError **error)
{
  if (!obj->eval(obj->ctx, theta, NULL, obj->n_terms, value, grad, error))
    return FALSE;
  plum_optim_monitor_count_eval(monitor);
  double scale = 1.0 / (double)obj->n_terms;
  *value *= scale;
  if (grad != NULL)
    cblas_dscal((int)obj->n_params, scale, grad, 1);
  return TRUE;
}

gboolean
optim_eval_start(const PlumObjective *obj, PlumOptimMonitor *monitor, const double *theta,
                 const char *who, double *value, double *grad, GError **error)
{
  if (!optim_eval_mean(obj, monitor, theta, value, grad, error))
    return FALSE;
  if (isfinite(*value))
    return TRUE;
  g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED,
              "%s: the objective is %g at the starting point", who, *value);
  return FALSE;
}

void
optim_project_box(const PlumObjective *obj, double *theta)
{
  for (size_t i = 0; obj->lower != NULL && i < obj->n_params; i++)
    theta[i] = fmax(theta[i], obj->lower[i]);
  for (size_t i = 0; obj->upper != NULL && i < obj->n_params; i++)
    theta[i] = fmin(theta[i], obj->upper[i]);
}
