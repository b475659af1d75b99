/* nadam.c — a third-party optimizer plugin for plum, built only against the installed SDK:
 * minibatch Nadam (Adam with Nesterov momentum; Dozat, 2016).
 *
 * Per minibatch B, with g the mean gradient over B and t counting updates from 1:
 *   m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²,
 *   m̂ = β₁ m / (1 − β₁^{t+1}) + (1 − β₁) g / (1 − β₁^t),   v̂ = v / (1 − β₂^t),
 *   θ ← θ − η m̂ / (√v̂ + ε).
 * The optimizer sees only the objective and the core's monitor. Each epoch visits every term
 * once, in an order shuffled from the run's seeded generator (plum_optim_monitor_rng), so a
 * seed gives the same answer bit for bit. It reports each epoch to the monitor — the mean of
 * its batch values, or, when the common `tol` is set, the exact full objective and gradient
 * norm after one full-batch evaluation — and stops when the monitor says so. All state lives
 * in the call: nothing survives between minimisations.
 */
#include <math.h>
#include <string.h>
#include <plum/plugin.h>

typedef struct {
  PlumOptimCommon common; /* first, as for every optimizer */
  gint64 batch_size;
  gboolean shuffle;
  double learning_rate;
  double beta1;
  double beta2;
  double epsilon;
} NadamParams;

static const PlumParamSpec nadam_params[] = {
    PLUM_OPTIM_COMMON_SPECS(NadamParams, 100, 0.0),
    PLUM_PARAM_INT_SPEC(NadamParams, batch_size, 32, 1, 1e12, 0,
                        "terms (rows) per minibatch; an epoch's last batch takes what is left"),
    PLUM_PARAM_BOOL_SPEC(NadamParams, shuffle, TRUE,
                         "reshuffle the terms every epoch from the run's seeded generator"),
    PLUM_PARAM_REAL_SPEC(NadamParams, learning_rate, 0.002, 0.0, INFINITY, PLUM_PARAM_MIN_EXCLUSIVE,
                         "step size eta"),
    PLUM_PARAM_REAL_SPEC(NadamParams, beta1, 0.9, 0.0, 1.0, PLUM_PARAM_MAX_EXCLUSIVE,
                         "decay of the first-moment (momentum) estimate"),
    PLUM_PARAM_REAL_SPEC(NadamParams, beta2, 0.999, 0.0, 1.0, PLUM_PARAM_MAX_EXCLUSIVE,
                         "decay of the second-moment estimate"),
    PLUM_PARAM_REAL_SPEC(NadamParams, epsilon, 1e-8, 0.0, 1.0, PLUM_PARAM_MIN_EXCLUSIVE,
                         "added to the root of the second moment, against division by zero"),
};

typedef struct {
  const NadamParams *p;
  const PlumObjective *obj;
  PlumOptimMonitor *monitor;
  PlumRng *rng;  /* NULL when not shuffling */
  size_t *order; /* this epoch's order of the terms */
  double *grad, *m, *v;
  guint64 t;
} Nadam;

static void
nadam_update(Nadam *s, double *theta)
{
  const NadamParams *p = s->p;
  s->t++;
  double b1 = p->beta1, b2 = p->beta2, ti = (double)s->t;
  double c1 = 1.0 - pow(b1, ti), c1_next = 1.0 - pow(b1, ti + 1.0), c2 = 1.0 - pow(b2, ti);
  for (size_t k = 0; k < s->obj->n_params; k++) {
    double g = s->grad[k];
    s->m[k] = b1 * s->m[k] + (1.0 - b1) * g;
    s->v[k] = b2 * s->v[k] + (1.0 - b2) * g * g;
    double m_hat = b1 * s->m[k] / c1_next + (1.0 - b1) * g / c1;
    theta[k] -= p->learning_rate * m_hat / (sqrt(s->v[k] / c2) + p->epsilon);
  }
}

/* Σ f over the terms (NULL: all), divided by their number; gradient into s->grad likewise. */
static gboolean
mean_eval(Nadam *s, const double *theta, const size_t *terms, size_t n_sel, double *value,
          GError **error)
{
  if (!s->obj->eval(s->obj->ctx, theta, terms, n_sel, value, s->grad, error))
    return FALSE;
  plum_optim_monitor_count_eval(s->monitor);
  *value /= (double)n_sel;
  for (size_t k = 0; k < s->obj->n_params; k++)
    s->grad[k] /= (double)n_sel;
  return TRUE;
}

/* One pass over every term; *value gets the mean of the batch values. */
static gboolean
nadam_epoch(Nadam *s, double *theta, double *value, GError **error)
{
  size_t n = s->obj->n_terms, batch = (size_t)MIN((guint64)s->p->batch_size, (guint64)n);
  if (s->rng != NULL)
    plum_rng_shuffle(s->rng, s->order, n);
  double total = 0;
  for (size_t start = 0; start < n && isfinite(total); start += batch) {
    size_t nb = MIN(batch, n - start);
    double mean;
    if (!mean_eval(s, theta, s->order + start, nb, &mean, error))
      return FALSE;
    total += mean * (double)nb;
    nadam_update(s, theta);
  }
  *value = total / (double)n;
  return TRUE;
}

static gboolean
nadam_run(Nadam *s, double *theta, GError **error)
{
  gboolean full = plum_optim_monitor_common(s->monitor)->tol > 0;
  for (;;) {
    double value, grad_norm = NAN;
    if (!nadam_epoch(s, theta, &value, error))
      return FALSE;
    if (full && isfinite(value)) {
      if (!mean_eval(s, theta, NULL, s->obj->n_terms, &value, error))
        return FALSE;
      grad_norm = 0;
      for (size_t k = 0; k < s->obj->n_params; k++)
        grad_norm += s->grad[k] * s->grad[k];
      grad_norm = sqrt(grad_norm);
    }
    if (!plum_optim_monitor_step(s->monitor, theta, value, grad_norm))
      return TRUE;
  }
}

static gboolean
nadam_minimize(const void *params, const PlumObjective *obj, double *theta,
               PlumOptimMonitor *monitor, GError **error)
{
  const NadamParams *p = params;
  Nadam s = {.p = p,
             .obj = obj,
             .monitor = monitor,
             .rng = p->shuffle ? plum_optim_monitor_rng(monitor) : NULL};
  if (p->shuffle && s.rng == NULL) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED,
                "nadam: shuffling needs the run's random generator, and none was given "
                "(set shuffle: false)");
    return FALSE;
  }
  s.order = g_new(size_t, obj->n_terms);
  for (size_t i = 0; i < obj->n_terms; i++)
    s.order[i] = i;
  s.grad = g_new(double, obj->n_params);
  s.m = g_new0(double, obj->n_params);
  s.v = g_new0(double, obj->n_params);
  gboolean ok = nadam_run(&s, theta, error);
  g_free(s.order);
  g_free(s.grad);
  g_free(s.m);
  g_free(s.v);
  return ok;
}

static const PlumOptimizerVTable nadam_vtable = {
    .struct_size = sizeof(PlumOptimizerVTable),
    .minimize = nadam_minimize,
};

static const PlumComponentDesc nadam_components[] = {
    {
        .struct_size = sizeof(PlumComponentDesc),
        .kind = PLUM_KIND_OPTIMIZER,
        .name = "nadam",
        .summary = "minibatch Nadam: Adam with Nesterov momentum",
        .caps = PLUM_CAP_NEEDS_GRADIENT | PLUM_CAP_NEEDS_SEPARABLE,
        .params = nadam_params,
        .n_params = G_N_ELEMENTS(nadam_params),
        .params_size = sizeof(NadamParams),
        .vtable = &nadam_vtable,
    },
};

PLUM_PLUGIN_DEFINE(nadam, "1.0.0", "MIT", "the Nadam optimizer, an out-of-tree example",
                   nadam_components, NULL)
