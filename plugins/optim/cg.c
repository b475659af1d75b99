/* cg.c — nonlinear conjugate gradient (Polak–Ribière+) on the full-batch mean objective.
 *
 * Written from Nocedal & Wright, Numerical Optimization (2nd ed.), §5.2: d₀ = −g₀ and
 * d_{k+1} = −g_{k+1} + β d_k with β = max(0, g_{k+1}ᵀ(g_{k+1} − g_k) / ‖g_k‖²) (PR+, eq. 5.45),
 * each step chosen by the strong-Wolfe line search of linesearch.c with c2 = 0.1 by default, as
 * the book recommends for CG. The method restarts from steepest descent every `restart_every`
 * iterations (n_params when 0), whenever d is not a descent direction, and once after a failed
 * line search before giving up. The first trial step of each search expects the same
 * first-order change as the previous step (N&W eq. 3.60): α₀ = α_{k−1} g_{k−1}ᵀd_{k−1} / g_kᵀd_k;
 * the very first search starts from 1/‖g‖.
 * cg does not handle bound constraints; the core refuses to hand it an objective with bounds
 * (it lacks PLUM_CAP_USES_BOUNDS).
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <cblas.h>

#include "linesearch.h"
#include "objective.h"

typedef struct {
  PlumOptimCommon common;
  gint64 restart_every;
  OptimWolfeParams wolfe;
} CgParams;

typedef struct {
  const CgParams *p;
  const PlumObjective *obj;
  PlumOptimMonitor *monitor;
  int n;
  gint64 restart_every;
  double *theta; /* the caller's point, updated in place */
  double *g, *d, *x_new, *g_new;
  double f;
  double alpha; /* the last accepted step */
  double slope; /* gᵀd before the last step; 0 before the first */
  gint64 since_restart;
} Cg;

static void
steepest_descent(Cg *c)
{
  memcpy(c->d, c->g, (size_t)c->n * sizeof *c->d);
  cblas_dscal(c->n, -1, c->d, 1);
  c->since_restart = 0;
}

/* The line search from θ along d; OPTIM_WOLFE_NO_STEP when d does not descend. */
static OptimWolfeStatus
search(Cg *c, GError **error)
{
  double slope = cblas_ddot(c->n, c->g, 1, c->d, 1);
  if (!(slope < 0))
    return OPTIM_WOLFE_NO_STEP;
  double alpha0 = c->slope < 0 ? c->alpha * c->slope / slope : 1 / cblas_dnrm2(c->n, c->d, 1);
  OptimLineSearch ls = {
      .obj = c->obj,
      .monitor = c->monitor,
      .x = c->theta,
      .d = c->d,
      .f0 = c->f,
      .slope0 = slope,
      .x_new = c->x_new,
      .g_new = c->g_new,
  };
  OptimWolfeStatus st = optim_wolfe_search(&ls, &c->p->wolfe, alpha0, error);
  if (st == OPTIM_WOLFE_OK || st == OPTIM_WOLFE_DECREASE) {
    c->f = ls.f_new;
    c->alpha = ls.alpha;
    c->slope = slope;
  }
  return st;
}

/* Moves to the accepted point and builds the next direction by PR+. */
static void
advance(Cg *c)
{
  double gg = cblas_ddot(c->n, c->g, 1, c->g, 1);
  double beta =
      (cblas_ddot(c->n, c->g_new, 1, c->g_new, 1) - cblas_ddot(c->n, c->g_new, 1, c->g, 1)) / gg;
  memcpy(c->theta, c->x_new, (size_t)c->n * sizeof *c->theta);
  double *tmp = c->g;
  c->g = c->g_new;
  c->g_new = tmp;
  if (++c->since_restart >= c->restart_every || !(beta > 0)) {
    steepest_descent(c);
    return;
  }
  cblas_dscal(c->n, beta, c->d, 1);
  cblas_daxpy(c->n, -1, c->g, 1, c->d, 1);
}

/* One iteration; FALSE when cg stops (error set only for OPTIM_WOLFE_ERROR). */
static gboolean
iterate(Cg *c, OptimWolfeStatus *status, GError **error)
{
  *status = search(c, error);
  if (*status == OPTIM_WOLFE_NO_STEP && c->since_restart > 0) {
    steepest_descent(c);
    *status = search(c, error);
  }
  if (*status == OPTIM_WOLFE_ERROR)
    return FALSE;
  if (*status == OPTIM_WOLFE_NO_STEP) {
    optim_wolfe_give_up(c->monitor, cblas_dnrm2(c->n, c->g, 1));
    return FALSE;
  }
  advance(c);
  return TRUE;
}

static gboolean
run(Cg *c, GError **error)
{
  if (!optim_eval_start(c->obj, c->monitor, c->theta, "cg", &c->f, c->g, error))
    return FALSE;
  steepest_descent(c);
  for (;;) {
    OptimWolfeStatus status;
    if (!iterate(c, &status, error))
      return status != OPTIM_WOLFE_ERROR;
    if (!plum_optim_monitor_step(c->monitor, c->theta, c->f, cblas_dnrm2(c->n, c->g, 1)))
      return TRUE;
  }
}

static gboolean
cg_minimize(const void *params, const PlumObjective *obj, double *theta, PlumOptimMonitor *monitor,
            GError **error)
{
  const CgParams *p = params;
  size_t n = obj->n_params;
  Cg c = {
      .p = p,
      .obj = obj,
      .monitor = monitor,
      .n = (int)n,
      .restart_every = p->restart_every > 0 ? p->restart_every : (gint64)n,
      .theta = theta,
      .g = g_new(double, n),
      .d = g_new(double, n),
      .x_new = g_new(double, n),
      .g_new = g_new(double, n),
  };
  gboolean ok = run(&c, error);
  g_free(c.g);
  g_free(c.d);
  g_free(c.x_new);
  g_free(c.g_new);
  return ok;
}

static gboolean
cg_check_params(const void *params, GError **error)
{
  const CgParams *p = params;
  return optim_wolfe_check_params(&p->wolfe, error);
}

static const PlumOptimizerVTable cg_vtable = {
    .struct_size = sizeof(PlumOptimizerVTable),
    .minimize = cg_minimize,
};

static const PlumParamSpec cg_params[] = {
    PLUM_OPTIM_COMMON_SPECS(CgParams, 1000, 1e-5),
    PLUM_PARAM_INT_SPEC(CgParams, restart_every, 0, 0, 1e9, 0,
                        "iterations between restarts from steepest descent (0: n_params)"),
    OPTIM_WOLFE_SPECS(CgParams, 0.1),
};

static const PlumComponentDesc cg_components[] = {
    {
        .struct_size = sizeof(PlumComponentDesc),
        .kind = PLUM_KIND_OPTIMIZER,
        .name = "cg",
        .summary = "nonlinear conjugate gradient (Polak-Ribiere+) with a strong-Wolfe line search",
        .caps = PLUM_CAP_NEEDS_GRADIENT,
        .params = cg_params,
        .n_params = G_N_ELEMENTS(cg_params),
        .params_size = sizeof(CgParams),
        .check_params = cg_check_params,
        .vtable = &cg_vtable,
    },
};

PLUM_PLUGIN_DEFINE(cg, PACKAGE_VERSION, "MIT", "nonlinear conjugate gradient optimizer",
                   cg_components, NULL)
