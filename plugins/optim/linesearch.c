/* linesearch.c — strong-Wolfe line search, written from Nocedal & Wright's algorithms 3.5/3.6.
 *
 * The bracketing phase grows the step until it brackets an interval containing strong-Wolfe
 * points (sufficient decrease fails, the objective rises, or the slope turns non-negative); zoom
 * then shrinks the bracket, keeping at its "lo" end the best step that satisfies sufficient
 * decrease. New trial steps come from the minimiser of the cubic through the two ends' values
 * and slopes (N&W eq. 3.59), safeguarded: extrapolation grows the step by 1.1 to 4 times the
 * last growth; a zoom trial stays 1% of the bracket away from its ends and becomes a bisection
 * when the cubic cannot give one (a non-finite value at an end) or when the previous trial did
 * not halve the bracket, which bounds the work on hard lines while a cubic that models the line
 * well lands on the step at once. Values within rounding of each other (optim_value_slack) count
 * as equal, so that near a minimum, where what a step can gain is below the rounding of the
 * objective, the slope decides instead of the noise. Every trial evaluates value and gradient
 * together, since the objective seam computes both in one pass anyway.
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>
#include <cblas.h>

#include "linesearch.h"
#include "objective.h"

/* One trial step α with φ(α) and φ'(α). */
typedef struct {
  double a, f, df;
} Sample;

typedef struct {
  OptimLineSearch *ls;
  const OptimWolfeParams *p;
  gint64 evals;
  double last_a; /* the step x_new and g_new currently hold */
  double slack;  /* differences of values below this are rounding */
} Search;

static gboolean
sample_at(Search *s, double a, Sample *out, GError **error)
{
  OptimLineSearch *ls = s->ls;
  int n = (int)ls->obj->n_params;
  memcpy(ls->x_new, ls->x, (size_t)n * sizeof *ls->x_new);
  cblas_daxpy(n, a, ls->d, 1, ls->x_new, 1);
  s->evals++;
  s->last_a = a;
  out->a = a;
  if (!optim_eval_mean(ls->obj, ls->monitor, ls->x_new, &out->f, ls->g_new, error))
    return FALSE;
  out->df = cblas_ddot(n, ls->g_new, 1, ls->d, 1);
  return TRUE;
}

/* f is worse than ref beyond rounding; NaN is worse than anything. */
static gboolean
worse(const Search *s, double f, double ref)
{
  return !(f <= ref + s->slack);
}

static gboolean
sufficient_decrease(const Search *s, const Sample *t)
{
  return !worse(s, t->f, s->ls->f0 + s->p->c1 * t->a * s->ls->slope0);
}

static gboolean
curvature(const Search *s, const Sample *t)
{
  return fabs(t->df) <= -s->p->c2 * s->ls->slope0;
}

/* The minimiser of the cubic interpolating both samples (NAN when it has none). */
static double
cubic_min(const Sample *u, const Sample *v)
{
  double d1 = u->df + v->df - 3 * (u->f - v->f) / (u->a - v->a);
  double disc = d1 * d1 - u->df * v->df;
  if (!(disc >= 0))
    return NAN;
  double d2 = copysign(sqrt(disc), v->a - u->a);
  double a = v->a - (v->a - u->a) * (v->df + d2 - d1) / (v->df - u->df + 2 * d2);
  return isfinite(a) ? a : NAN;
}

/* The next bracketing step beyond cur, which still descends. */
static double
extrapolate(const Sample *prev, const Sample *cur)
{
  double grow = cur->a - prev->a;
  double lo = cur->a + 1.1 * grow, hi = cur->a + 4 * grow;
  double a = cubic_min(prev, cur);
  return isnan(a) ? hi : fmin(fmax(a, lo), hi);
}

/* A trial inside the bracket: the cubic's minimiser kept off the ends, or the midpoint when
 * the cubic has none or when the last trial failed to halve the bracket (so the bracket at
 * least halves every two trials). */
static double
interpolate(const Sample *lo, const Sample *hi, gboolean bisect)
{
  double left = fmin(lo->a, hi->a), width = fabs(hi->a - lo->a);
  double a = cubic_min(lo, hi);
  if (bisect || isnan(a))
    return left + 0.5 * width;
  return fmin(fmax(a, left + 0.01 * width), left + 0.99 * width);
}

static OptimWolfeStatus
accept(Search *s, const Sample *t, OptimWolfeStatus status)
{
  s->ls->alpha = t->a;
  s->ls->f_new = t->f;
  return status;
}

/* Out of evaluations: settle for lo, the best step of sufficient decrease, if it moves at all. */
static OptimWolfeStatus
settle(Search *s, const Sample *lo, GError **error)
{
  if (lo->a <= 0)
    return OPTIM_WOLFE_NO_STEP;
  Sample again;
  if (s->last_a != lo->a && !sample_at(s, lo->a, &again, error))
    return OPTIM_WOLFE_ERROR;
  return accept(s, lo, OPTIM_WOLFE_DECREASE);
}

/* Algorithm 3.6: the bracket [lo, hi] (in either order) contains strong-Wolfe steps. */
static OptimWolfeStatus
zoom(Search *s, Sample lo, Sample hi, GError **error)
{
  double width = fabs(hi.a - lo.a), last_width = INFINITY;
  while (s->evals < s->p->max_linesearch && width > DBL_EPSILON * fmax(lo.a, hi.a)) {
    Sample t;
    if (!sample_at(s, interpolate(&lo, &hi, width > 0.5 * last_width), &t, error))
      return OPTIM_WOLFE_ERROR;
    if (!sufficient_decrease(s, &t) || worse(s, t.f, lo.f)) {
      hi = t;
    } else {
      if (curvature(s, &t))
        return accept(s, &t, OPTIM_WOLFE_OK);
      if (t.df * (hi.a - lo.a) >= 0)
        hi = lo;
      lo = t;
    }
    last_width = width;
    width = fabs(hi.a - lo.a);
  }
  return settle(s, &lo, error);
}

OptimWolfeStatus
optim_wolfe_search(OptimLineSearch *ls, const OptimWolfeParams *p, double alpha0, GError **error)
{
  Search s = {.ls = ls, .p = p, .last_a = NAN, .slack = optim_value_slack(ls->f0)};
  if (!(ls->slope0 < 0) || !(alpha0 > 0))
    return OPTIM_WOLFE_NO_STEP;
  /* Algorithm 3.5. */
  Sample prev = {.a = 0, .f = ls->f0, .df = ls->slope0};
  double a = alpha0;
  while (s.evals < p->max_linesearch) {
    Sample cur;
    if (!sample_at(&s, a, &cur, error))
      return OPTIM_WOLFE_ERROR;
    if (!sufficient_decrease(&s, &cur) || (prev.a > 0 && worse(&s, cur.f, prev.f)))
      return zoom(&s, prev, cur, error);
    if (curvature(&s, &cur))
      return accept(&s, &cur, OPTIM_WOLFE_OK);
    if (cur.df >= 0)
      return zoom(&s, cur, prev, error);
    a = extrapolate(&prev, &cur);
    prev = cur;
  }
  return settle(&s, &prev, error);
}

double
optim_value_slack(double f)
{
  return 64 * DBL_EPSILON * fabs(f);
}

gboolean
optim_wolfe_check_params(const OptimWolfeParams *p, GError **error)
{
  if (p->c1 < p->c2)
    return TRUE;
  g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE,
              "c1 (%g) must be smaller than c2 (%g) for the Wolfe conditions to be satisfiable",
              p->c1, p->c2);
  return FALSE;
}

void
optim_wolfe_give_up(PlumOptimMonitor *monitor, double grad_norm)
{
  char reason[96];
  g_snprintf(reason, sizeof reason,
             "line search: no decrease along steepest descent (gradient norm %.3g)", grad_norm);
  plum_optim_monitor_stop(monitor, reason);
}
