/* lbfgs.c — limited-memory BFGS on the full-batch mean objective, optionally inside a box.
 *
 * Without bounds this is L-BFGS as in Nocedal & Wright (algorithms 7.4 and 7.5): the two-loop
 * recursion applies the inverse-Hessian approximation built from the last `history` pairs
 * (s, y), scaled by γ = sᵀy / yᵀy, and a strong-Wolfe line search (linesearch.c) picks the step,
 * trying α = 1 first (1/‖g‖ when there is no history yet). A pair with sᵀy <= ε yᵀy would break
 * positive definiteness and is dropped.
 *
 * When the objective has box bounds (PLUM_CAP_USES_BOUNDS) it runs Bertsekas' two-metric
 * projection method instead: variables within ε of a bound with the gradient pushing outward
 * are "binding" and take a scaled gradient step; the others take the L-BFGS direction
 * restricted to them (−P H P g, P zeroing the binding ones, which keeps it a descent
 * direction); the step is found by Armijo backtracking along the projection arc
 * x(α) = Π(x + α d). The gradient norm it reports — and that `tol` tests — is then the norm of
 * the projected gradient Π(x − g) − x, which vanishes exactly at a constrained stationary point.
 *
 * When a search fails, lbfgs forgets its history and tries once more along the steepest descent
 * direction; when that fails too it stops and says why (usually the gradient is as small as
 * rounding lets it be).
 *
 * The default tol, 1e-5 on the 2-norm of the mean objective's (projected) gradient, is scipy's
 * L-BFGS-B pgtol; it is on the mean, so it does not tighten as rows are added. A starting point
 * outside the box is projected into it first.
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>
#include <cblas.h>

#include "linesearch.h"
#include "objective.h"

/* Variables closer than this to a bound (and than the projected gradient norm) may bind. */
#define BINDING_EPS 1e-3

typedef struct {
  PlumOptimCommon common;
  gint64 history;
  OptimWolfeParams wolfe;
} LbfgsParams;

/* The last `m` correction pairs in a ring; slot `head` is the next one written. */
typedef struct {
  int n, m;
  int len, head;
  double *s, *y; /* m x n */
  double *rho;   /* 1 / sᵀy */
  double *alpha; /* two-loop scratch */
} History;

typedef struct {
  const LbfgsParams *p;
  const PlumObjective *obj;
  PlumOptimMonitor *monitor;
  int n;
  gboolean boxed;
  History h;
  double *theta; /* the caller's point, updated in place */
  double *g, *d, *x_new, *g_new;
  double f;
  gboolean *binding; /* boxed only */
} Lbfgs;

/* The pairs take 2 m n doubles, which a large model with a long history may not get. */
static gboolean
history_init(History *h, int n, int m, GError **error)
{
  *h = (History){.n = n, .m = m};
  size_t size = (size_t)m * (size_t)n;
  h->s = g_try_new(double, size);
  h->y = g_try_new(double, size);
  h->rho = g_new(double, (size_t)m);
  h->alpha = g_new(double, (size_t)m);
  if (h->s != NULL && h->y != NULL)
    return TRUE;
  g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED,
              "lbfgs: no memory for %d correction pairs of %d parameters; lower history", m, n);
  return FALSE;
}

static void
history_clear(History *h)
{
  g_free(h->s);
  g_free(h->y);
  g_free(h->rho);
  g_free(h->alpha);
}

/* Records s = x_new − x and y = g_new − g when the pair keeps H positive definite. */
static void
history_push(History *h, const double *x, const double *x_new, const double *g, const double *g_new)
{
  double *s = h->s + (size_t)h->head * (size_t)h->n, *y = h->y + (size_t)h->head * (size_t)h->n;
  memcpy(s, x_new, (size_t)h->n * sizeof *s);
  cblas_daxpy(h->n, -1, x, 1, s, 1);
  memcpy(y, g_new, (size_t)h->n * sizeof *y);
  cblas_daxpy(h->n, -1, g, 1, y, 1);
  double sy = cblas_ddot(h->n, s, 1, y, 1), yy = cblas_ddot(h->n, y, 1, y, 1);
  if (!(sy > DBL_EPSILON * yy))
    return;
  h->rho[h->head] = 1 / sy;
  h->head = (h->head + 1) % h->m;
  h->len = MIN(h->len + 1, h->m);
}

/* The scaling γ of H₀ = γ I from the newest pair (1 without history). */
static double
history_gamma(const History *h)
{
  if (h->len == 0)
    return 1;
  int k = (h->head + h->m - 1) % h->m;
  const double *y = h->y + (size_t)k * (size_t)h->n;
  return 1 / (h->rho[k] * cblas_ddot(h->n, y, 1, y, 1));
}

/* q := H q by the two-loop recursion (N&W algorithm 7.4). */
static void
history_apply(History *h, double *q)
{
  for (int i = 0; i < h->len; i++) {
    int k = (h->head + h->m - 1 - i) % h->m;
    const double *s = h->s + (size_t)k * (size_t)h->n, *y = h->y + (size_t)k * (size_t)h->n;
    h->alpha[k] = h->rho[k] * cblas_ddot(h->n, s, 1, q, 1);
    cblas_daxpy(h->n, -h->alpha[k], y, 1, q, 1);
  }
  cblas_dscal(h->n, history_gamma(h), q, 1);
  for (int i = h->len - 1; i >= 0; i--) {
    int k = (h->head + h->m - 1 - i) % h->m;
    const double *s = h->s + (size_t)k * (size_t)h->n, *y = h->y + (size_t)k * (size_t)h->n;
    double beta = h->rho[k] * cblas_ddot(h->n, y, 1, q, 1);
    cblas_daxpy(h->n, h->alpha[k] - beta, s, 1, q, 1);
  }
}

static double
lower_of(const PlumObjective *obj, int i)
{
  return obj->lower != NULL ? obj->lower[i] : -INFINITY;
}

static double
upper_of(const PlumObjective *obj, int i)
{
  return obj->upper != NULL ? obj->upper[i] : INFINITY;
}

/* ‖Π(x − g) − x‖, or ‖g‖ without bounds. */
static double
gradient_measure(const Lbfgs *r)
{
  if (!r->boxed)
    return cblas_dnrm2(r->n, r->g, 1);
  double sum = 0;
  for (int i = 0; i < r->n; i++) {
    double x = r->theta[i];
    double step = fmin(fmax(x - r->g[i], lower_of(r->obj, i)), upper_of(r->obj, i)) - x;
    sum += step * step;
  }
  return sqrt(sum);
}

/* d = −H g, restricted to the free variables when boxed; steepest descent without history. */
static void
direction(Lbfgs *r, double eps)
{
  for (int i = 0; i < r->n; i++) {
    double x = r->theta[i], g = r->g[i];
    r->binding[i] = r->boxed && ((x <= lower_of(r->obj, i) + eps && g > 0) ||
                                 (x >= upper_of(r->obj, i) - eps && g < 0));
    r->d[i] = r->binding[i] ? 0 : g;
  }
  history_apply(&r->h, r->d);
  double gamma = history_gamma(&r->h);
  for (int i = 0; i < r->n; i++)
    r->d[i] = r->binding[i] ? -gamma * r->g[i] : -r->d[i];
}

/* x_new = Π(x + α d); returns gᵀ(x_new − x), the first-order change along the arc. */
static double
project_step(Lbfgs *r, double alpha)
{
  double change = 0;
  for (int i = 0; i < r->n; i++) {
    double x = r->theta[i] + alpha * r->d[i];
    r->x_new[i] = fmin(fmax(x, lower_of(r->obj, i)), upper_of(r->obj, i));
    change += r->g[i] * (r->x_new[i] - r->theta[i]);
  }
  return change;
}

/* Armijo backtracking along the projection arc. */
static OptimWolfeStatus
search_projected(Lbfgs *r, double alpha, GError **error)
{
  for (gint64 k = 0; k < r->p->wolfe.max_linesearch; k++, alpha *= 0.5) {
    double change = project_step(r, alpha), f_new;
    if (!optim_eval_mean(r->obj, r->monitor, r->x_new, &f_new, r->g_new, error))
      return OPTIM_WOLFE_ERROR;
    if (change < 0 && f_new <= r->f + r->p->wolfe.c1 * change + optim_value_slack(r->f)) {
      r->f = f_new;
      return OPTIM_WOLFE_OK;
    }
  }
  return OPTIM_WOLFE_NO_STEP;
}

static OptimWolfeStatus
search_wolfe(Lbfgs *r, double alpha, GError **error)
{
  OptimLineSearch ls = {
      .obj = r->obj,
      .monitor = r->monitor,
      .x = r->theta,
      .d = r->d,
      .f0 = r->f,
      .slope0 = cblas_ddot(r->n, r->g, 1, r->d, 1),
      .x_new = r->x_new,
      .g_new = r->g_new,
  };
  OptimWolfeStatus st = optim_wolfe_search(&ls, &r->p->wolfe, alpha, error);
  if (st == OPTIM_WOLFE_OK || st == OPTIM_WOLFE_DECREASE)
    r->f = ls.f_new;
  return st;
}

/* One search along a fresh direction; the first step is 1 once the history gives H a scale. */
static OptimWolfeStatus
search(Lbfgs *r, double measure, GError **error)
{
  direction(r, fmin(measure, BINDING_EPS));
  double alpha = r->h.len > 0 ? 1 : fmin(1, 1 / cblas_dnrm2(r->n, r->d, 1));
  if (!(cblas_ddot(r->n, r->g, 1, r->d, 1) < 0))
    return OPTIM_WOLFE_NO_STEP;
  return r->boxed ? search_projected(r, alpha, error) : search_wolfe(r, alpha, error);
}

/* Takes the accepted point: history, then θ and g. */
static void
advance(Lbfgs *r)
{
  history_push(&r->h, r->theta, r->x_new, r->g, r->g_new);
  memcpy(r->theta, r->x_new, (size_t)r->n * sizeof *r->theta);
  double *tmp = r->g;
  r->g = r->g_new;
  r->g_new = tmp;
}

/* One iteration; FALSE when lbfgs stops (error set only for OPTIM_WOLFE_ERROR). */
static gboolean
iterate(Lbfgs *r, double measure, OptimWolfeStatus *status, GError **error)
{
  *status = search(r, measure, error);
  if (*status == OPTIM_WOLFE_NO_STEP && r->h.len > 0) {
    r->h.len = 0;
    *status = search(r, measure, error);
  }
  if (*status == OPTIM_WOLFE_ERROR)
    return FALSE;
  if (*status == OPTIM_WOLFE_NO_STEP) {
    optim_wolfe_give_up(r->monitor, measure);
    return FALSE;
  }
  advance(r);
  return TRUE;
}

static gboolean
run(Lbfgs *r, GError **error)
{
  optim_project_box(r->obj, r->theta);
  if (!optim_eval_start(r->obj, r->monitor, r->theta, "lbfgs", &r->f, r->g, error))
    return FALSE;
  double measure = gradient_measure(r);
  for (;;) {
    OptimWolfeStatus status;
    if (!iterate(r, measure, &status, error))
      return status != OPTIM_WOLFE_ERROR;
    measure = gradient_measure(r);
    if (!plum_optim_monitor_step(r->monitor, r->theta, r->f, measure))
      return TRUE;
  }
}

static gboolean
lbfgs_minimize(const void *params, const PlumObjective *obj, double *theta,
               PlumOptimMonitor *monitor, GError **error)
{
  const LbfgsParams *p = params;
  size_t n = obj->n_params;
  Lbfgs r = {
      .p = p,
      .obj = obj,
      .monitor = monitor,
      .n = (int)n,
      .boxed = obj->lower != NULL || obj->upper != NULL,
      .theta = theta,
      .g = g_new(double, n),
      .d = g_new(double, n),
      .x_new = g_new(double, n),
      .g_new = g_new(double, n),
      .binding = g_new(gboolean, n),
  };
  gboolean ok = history_init(&r.h, (int)n, (int)p->history, error) && run(&r, error);
  history_clear(&r.h);
  g_free(r.g);
  g_free(r.d);
  g_free(r.x_new);
  g_free(r.g_new);
  g_free(r.binding);
  return ok;
}

static gboolean
lbfgs_check_params(const void *params, GError **error)
{
  const LbfgsParams *p = params;
  return optim_wolfe_check_params(&p->wolfe, error);
}

static const PlumOptimizerVTable lbfgs_vtable = {
    .struct_size = sizeof(PlumOptimizerVTable),
    .minimize = lbfgs_minimize,
};

static const PlumParamSpec lbfgs_params[] = {
    PLUM_OPTIM_COMMON_SPECS(LbfgsParams, 1000, 1e-5),
    PLUM_PARAM_INT_SPEC(LbfgsParams, history, 10, 1, 1000, 0,
                        "correction pairs kept to approximate the inverse Hessian"),
    OPTIM_WOLFE_SPECS(LbfgsParams, 0.9),
};

static const PlumComponentDesc lbfgs_components[] = {
    {
        .struct_size = sizeof(PlumComponentDesc),
        .kind = PLUM_KIND_OPTIMIZER,
        .name = "lbfgs",
        .summary = "limited-memory BFGS with a strong-Wolfe line search; projected within bounds",
        .caps = PLUM_CAP_NEEDS_GRADIENT | PLUM_CAP_USES_BOUNDS,
        .params = lbfgs_params,
        .n_params = G_N_ELEMENTS(lbfgs_params),
        .params_size = sizeof(LbfgsParams),
        .check_params = lbfgs_check_params,
        .vtable = &lbfgs_vtable,
    },
};

PLUM_PLUGIN_DEFINE(lbfgs, PACKAGE_VERSION, "MIT", "limited-memory BFGS optimizer", lbfgs_components,
                   NULL)
