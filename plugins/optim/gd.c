/* gd.c — full-batch gradient descent, the proof optimizer plugin.
 *
 * Minimises the mean objective F(θ)/n_terms (so one learning rate suits any number of rows)
 * with a fixed step, or with a backtracking line search that shrinks the step from
 * learning_rate until the Armijo condition F(θ − t g) <= F(θ) − c1 t ‖g‖² holds (in its
 * derivative form once F's change is below its rounding). Every iteration is reported to the
 * core's monitor, which applies max_iter, tol, rel_tol and early stopping; gd itself only
 * decides to stop when the line search finds no decrease, and then tells the monitor why. A
 * fixed step that makes the objective non-finite is an error: the learning rate is too large,
 * and silently returning garbage would be worse.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <cblas.h>
#include <plum/plugin.h>

#include "objective.h"

typedef enum {
  LINE_SEARCH_NONE = 0,
  LINE_SEARCH_BACKTRACKING,
} GdLineSearch;

/* How far above F(θ) a trial value may be and still count as "unchanged up to rounding". */
#define APPROX_ARMIJO_EPS 1e-10

static const char *const line_search_names[] = {"none", "backtracking", NULL};

typedef struct {
  PlumOptimCommon common;
  double learning_rate;
  int line_search;
  double c1;
  double shrink;
  gint64 max_backtracks;
} GdParams;

typedef enum {
  STEP_ACCEPTED,
  STEP_STOPPED, /* the line search gave up; θ is unchanged */
  STEP_FAILED,  /* error set */
} GdStep;

typedef struct {
  const GdParams *p;
  const PlumObjective *obj;
  PlumOptimMonitor *monitor;
  int n;
  size_t iter;
  double *theta; /* the caller's point, updated in place */
  double *grad;  /* at theta */
  double *trial, *trial_grad;
  double value, grad_norm;
} GdRun;

/* trial = θ − t g, evaluated into trial_value and trial_grad. */
static gboolean
try_step(GdRun *run, double t, double *trial_value, GError **error)
{
  memcpy(run->trial, run->theta, (size_t)run->n * sizeof *run->trial);
  cblas_daxpy(run->n, -t, run->grad, 1, run->trial, 1);
  return optim_eval_mean(run->obj, run->monitor, run->trial, trial_value, run->trial_grad, error);
}

static void
accept_trial(GdRun *run, double trial_value)
{
  double *tmp = run->grad;
  memcpy(run->theta, run->trial, (size_t)run->n * sizeof *run->theta);
  run->grad = run->trial_grad;
  run->trial_grad = tmp;
  run->value = trial_value;
  run->grad_norm = cblas_dnrm2(run->n, run->grad, 1);
}

static GdStep
step_fixed(GdRun *run, GError **error)
{
  double f;
  if (!try_step(run, run->p->learning_rate, &f, error))
    return STEP_FAILED;
  if (!isfinite(f)) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED,
                "gd: the objective is no longer finite (%g) at iteration %zu: learning_rate %g "
                "is too large for this problem (lower it, or set line_search: backtracking)",
                f, run->iter, run->p->learning_rate);
    return STEP_FAILED;
  }
  accept_trial(run, f);
  return STEP_ACCEPTED;
}

/* Armijo's F(θ − t g) <= F(θ) − c1 t ‖g‖²; or, once the change of F is lost in its rounding
 * near a minimum, the derivative form φ'(t) <= (2 c1 − 1) φ'(0) along φ(t) = F(θ − t g) (Hager
 * and Zhang's approximate Armijo condition, exact for quadratics), which the gradient at the
 * trial point still resolves. Without it, value-only backtracking stalls at a gradient norm
 * near √(ε|F|) and accepts ever tinier steps that change nothing. */
static gboolean
sufficient_decrease(const GdRun *run, double t, double f)
{
  double slope = run->grad_norm * run->grad_norm;
  if (!isfinite(f))
    return FALSE;
  if (f <= run->value - run->p->c1 * t * slope)
    return TRUE;
  if (f > run->value + APPROX_ARMIJO_EPS * fabs(run->value))
    return FALSE;
  double dphi = -cblas_ddot(run->n, run->trial_grad, 1, run->grad, 1);
  return dphi <= (1.0 - 2.0 * run->p->c1) * slope;
}

static GdStep
step_backtracking(GdRun *run, GError **error)
{
  double t = run->p->learning_rate;
  for (gint64 k = 0; k <= run->p->max_backtracks; k++, t *= run->p->shrink) {
    double f;
    if (!try_step(run, t, &f, error))
      return STEP_FAILED;
    if (sufficient_decrease(run, t, f)) {
      accept_trial(run, f);
      return STEP_ACCEPTED;
    }
  }
  char reason[96];
  g_snprintf(reason, sizeof reason,
             "line search: no decrease after %" G_GINT64_FORMAT " backtracking steps",
             run->p->max_backtracks);
  plum_optim_monitor_stop(run->monitor, reason);
  return STEP_STOPPED;
}

static gboolean
gd_minimize(const void *params, const PlumObjective *obj, double *theta, PlumOptimMonitor *monitor,
            GError **error)
{
  GdRun run = {
      .p = params, .obj = obj, .monitor = monitor, .n = (int)obj->n_params, .theta = theta};
  run.grad = g_new(double, obj->n_params);
  run.trial = g_new(double, obj->n_params);
  run.trial_grad = g_new(double, obj->n_params);

  gboolean ok = optim_eval_mean(obj, monitor, theta, &run.value, run.grad, error);
  if (ok && !isfinite(run.value)) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED,
                "gd: the objective is %g at the starting point", run.value);
    ok = FALSE;
  }
  run.grad_norm = cblas_dnrm2(run.n, run.grad, 1);
  while (ok) {
    run.iter++;
    GdStep s = run.p->line_search == LINE_SEARCH_BACKTRACKING ? step_backtracking(&run, error)
                                                              : step_fixed(&run, error);
    ok = s != STEP_FAILED;
    if (s != STEP_ACCEPTED || !plum_optim_monitor_step(monitor, theta, run.value, run.grad_norm))
      break;
  }
  g_free(run.grad);
  g_free(run.trial);
  g_free(run.trial_grad);
  return ok;
}

static const PlumOptimizerVTable gd_vtable = {
    .struct_size = sizeof(PlumOptimizerVTable),
    .minimize = gd_minimize,
};

static const PlumParamSpec gd_params[] = {
    PLUM_OPTIM_COMMON_SPECS(GdParams, 1000, 1e-6),
    PLUM_PARAM_REAL_SPEC(GdParams, learning_rate, 0.01, 0.0, INFINITY, PLUM_PARAM_MIN_EXCLUSIVE,
                         "the step (the first step tried by the line search) on the mean "
                         "objective"),
    PLUM_PARAM_ENUM_SPEC(GdParams, line_search, LINE_SEARCH_NONE, line_search_names,
                         "none: fixed step; backtracking: Armijo backtracking from "
                         "learning_rate"),
    PLUM_PARAM_REAL_SPEC(GdParams, c1, 1e-4, 0.0, 0.5,
                         PLUM_PARAM_MIN_EXCLUSIVE | PLUM_PARAM_MAX_EXCLUSIVE,
                         "Armijo sufficient-decrease constant"),
    PLUM_PARAM_REAL_SPEC(GdParams, shrink, 0.5, 0.0, 1.0,
                         PLUM_PARAM_MIN_EXCLUSIVE | PLUM_PARAM_MAX_EXCLUSIVE,
                         "factor applied to the step after each failed Armijo test"),
    PLUM_PARAM_INT_SPEC(GdParams, max_backtracks, 50, 1, 1000, 0,
                        "step shrinks tried in one iteration before gd stops"),
};

static const PlumComponentDesc gd_components[] = {
    {
        .struct_size = sizeof(PlumComponentDesc),
        .kind = PLUM_KIND_OPTIMIZER,
        .name = "gd",
        .summary = "full-batch gradient descent, fixed step or Armijo backtracking",
        .caps = PLUM_CAP_NEEDS_GRADIENT,
        .params = gd_params,
        .n_params = G_N_ELEMENTS(gd_params),
        .params_size = sizeof(GdParams),
        .vtable = &gd_vtable,
    },
};

PLUM_PLUGIN_DEFINE(gd, PACKAGE_VERSION, "MIT", "gradient descent optimizer", gd_components, NULL)
