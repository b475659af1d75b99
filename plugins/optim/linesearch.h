/* linesearch.h — a strong-Wolfe line search for the full-batch optimizers (lbfgs, cg).
 *
 * Private to the optimizer modules; linesearch.c is compiled into each module that uses it.
 */
#ifndef PLUM_OPTIM_LINESEARCH_H
#define PLUM_OPTIM_LINESEARCH_H

#include <plum/plugin.h>

/* Embedded in a params struct after PlumOptimCommon, as the field `wolfe`. */
typedef struct {
  double c1;             /* sufficient decrease: φ(α) <= φ(0) + c1 α φ'(0) */
  double c2;             /* curvature: |φ'(α)| <= c2 |φ'(0)|, c1 < c2 < 1 */
  gint64 max_linesearch; /* objective evaluations allowed in one search */
} OptimWolfeParams;

/* Laid out like PLUM_OPTIM_COMMON_SPECS. */
/* clang-format off */
#define OPTIM_WOLFE_SPECS(ST, def_c2)                                                              \
  {.name = "c1", .type = PLUM_PARAM_REAL,                                                          \
   .offset = offsetof(ST, wolfe) + offsetof(OptimWolfeParams, c1), .def_real = 1e-4,               \
   .min = 0, .max = 1, .flags = PLUM_PARAM_MIN_EXCLUSIVE | PLUM_PARAM_MAX_EXCLUSIVE,               \
   .doc = "sufficient-decrease (Armijo) constant of the line search"},                             \
  {.name = "c2", .type = PLUM_PARAM_REAL,                                                          \
   .offset = offsetof(ST, wolfe) + offsetof(OptimWolfeParams, c2), .def_real = (def_c2),           \
   .min = 0, .max = 1, .flags = PLUM_PARAM_MIN_EXCLUSIVE | PLUM_PARAM_MAX_EXCLUSIVE,               \
   .doc = "curvature constant of the strong Wolfe conditions (greater than c1)"},                  \
  {.name = "max_linesearch", .type = PLUM_PARAM_INT,                                               \
   .offset = offsetof(ST, wolfe) + offsetof(OptimWolfeParams, max_linesearch), .def_int = 20,      \
   .min = 1, .max = 1000, .doc = "objective evaluations allowed in one line search"}
/* clang-format on */

typedef enum {
  OPTIM_WOLFE_OK,       /* both strong Wolfe conditions hold at alpha */
  OPTIM_WOLFE_DECREASE, /* out of evaluations: alpha > 0 only satisfies sufficient decrease */
  OPTIM_WOLFE_NO_STEP,  /* no step with sufficient decrease was found (x_new is garbage) */
  OPTIM_WOLFE_ERROR,    /* the objective failed; error set */
} OptimWolfeStatus;

/* One search along d from x on the mean objective φ(α) = F(x + α d)/n_terms. The caller fills
 * the inputs and the two work vectors (n_params each); on OK and DECREASE, x_new, g_new and
 * f_new hold the accepted point, its gradient and value, and alpha the step. */
typedef struct {
  const PlumObjective *obj;
  PlumOptimMonitor *monitor;
  const double *x;
  const double *d;
  double f0;     /* φ(0) */
  double slope0; /* φ'(0) = ∇F(x)·d / n_terms, must be < 0 */
  double *x_new;
  double *g_new;
  double f_new;
  double alpha;
} OptimLineSearch;

/* Nocedal & Wright, Numerical Optimization (2nd ed.), algorithms 3.5 (bracketing) and 3.6
 * (zoom), starting from the step alpha0 > 0. */
OptimWolfeStatus optim_wolfe_search(OptimLineSearch *ls, const OptimWolfeParams *p, double alpha0,
                                    GError **error);

/* How far apart two values of the mean objective near f must be to be told apart: it is a sum
 * over many terms, so its last bits are rounding noise. Near a minimum the decrease a step can
 * make falls below this, and insisting on it would shrink every step to nothing; line searches
 * treat values within it as equal and let the gradient decide. */
double optim_value_slack(double f);

/* c1 < c2, without which no step can satisfy both Wolfe conditions (a check_params helper). */
gboolean optim_wolfe_check_params(const OptimWolfeParams *p, GError **error);

/* Stops the run through the monitor when even steepest descent found no decrease: at a point
 * whose gradient is as small as rounding allows, or on an objective whose gradient is wrong. */
void optim_wolfe_give_up(PlumOptimMonitor *monitor, double grad_norm);

#endif /* PLUM_OPTIM_LINESEARCH_H */
