/* minibatch.c — epochs of shuffled minibatches, for every minibatch optimizer.
 *
 * The optimizers differ only in how they turn a minibatch gradient into a step; the loop over
 * epochs and batches, the shuffling from the run's seeded generator (so one seed gives one
 * model, bit for bit), the projection onto box bounds (projected stochastic gradient) and the
 * reporting to the monitor live here once. Work vectors are allocated once per run.
 */
#include "config.h"

#include <math.h>
#include <cblas.h>

#include "minibatch.h"
#include "objective.h"

typedef struct {
  const PlumObjective *obj;
  const OptimMinibatchParams *mb;
  PlumOptimMonitor *monitor;
  OptimUpdateFunc update;
  void *rule;
  PlumRng *rng;  /* NULL when not shuffling */
  size_t *order; /* the terms in this epoch's order */
  double *grad;
  guint64 step;
} Loop;

/* One pass over the terms; *mean gets Σ batch values / n_terms (non-finite once diverged). */
static gboolean
run_epoch(Loop *l, double *theta, guint64 epoch, double *mean, GError **error)
{
  const PlumObjective *obj = l->obj;
  size_t n = obj->n_terms, batch = (size_t)MIN((guint64)l->mb->batch_size, (guint64)n);
  if (l->rng != NULL)
    plum_rng_shuffle(l->rng, l->order, n);
  double total = 0;
  for (size_t start = 0; start < n && isfinite(total); start += batch) {
    size_t nb = MIN(batch, n - start);
    double value;
    if (!obj->eval(obj->ctx, theta, l->order + start, nb, &value, l->grad, error))
      return FALSE;
    plum_optim_monitor_count_eval(l->monitor);
    total += value;
    cblas_dscal((int)obj->n_params, 1.0 / (double)nb, l->grad, 1);
    l->update(l->rule, theta, l->grad, ++l->step, epoch);
    optim_project_box(obj, theta);
  }
  *mean = total / (double)n;
  return TRUE;
}

static gboolean
loop_run(Loop *l, double *theta, GError **error)
{
  gboolean full = plum_optim_monitor_common(l->monitor)->tol > 0;
  for (guint64 epoch = 0;; epoch++) {
    double value, grad_norm = NAN;
    if (!run_epoch(l, theta, epoch, &value, error))
      return FALSE;
    if (full && isfinite(value)) {
      if (!optim_eval_mean(l->obj, l->monitor, theta, &value, l->grad, error))
        return FALSE;
      grad_norm = cblas_dnrm2((int)l->obj->n_params, l->grad, 1);
    }
    if (!plum_optim_monitor_step(l->monitor, theta, value, grad_norm))
      return TRUE;
  }
}

gboolean
optim_minibatch_run(const PlumObjective *obj, const OptimMinibatchParams *mb,
                    OptimUpdateFunc update, void *rule, double *theta, PlumOptimMonitor *monitor,
                    GError **error)
{
  Loop l = {
      .obj = obj,
      .mb = mb,
      .monitor = monitor,
      .update = update,
      .rule = rule,
      .rng = mb->shuffle ? plum_optim_monitor_rng(monitor) : NULL,
  };
  if (mb->shuffle && l.rng == NULL) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED,
                "shuffling minibatches needs the run's random generator, and none was given");
    return FALSE;
  }
  l.order = g_new(size_t, obj->n_terms);
  for (size_t i = 0; i < obj->n_terms; i++)
    l.order[i] = i;
  l.grad = g_new(double, obj->n_params);
  optim_project_box(obj, theta);
  gboolean ok = loop_run(&l, theta, error);
  g_free(l.order);
  g_free(l.grad);
  return ok;
}
