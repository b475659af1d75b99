/* adaptive.c — minibatch optimizers with per-parameter step sizes: adagrad, rmsprop, adam and
 * adamw.
 *
 * The textbook rules, on the mean gradient g of each minibatch (all operations per element):
 *   adagrad (Duchi et al. 2011)     v ← v + g²;             θ ← θ − η g / (√v + ε)
 *   rmsprop (Tieleman & Hinton)     v ← ρ v + (1 − ρ) g²;   θ ← θ − η g / (√v + ε)
 *   adam (Kingma & Ba 2015)         m ← β₁ m + (1 − β₁) g;  v ← β₂ v + (1 − β₂) g²;
 *                                   θ ← θ − η m̂ / (√v̂ + ε), m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ)
 *   adamw (Loshchilov & Hutter 2019) θ ← (1 − η λ) θ, then the adam step: the weight decay is
 *                                   decoupled from the gradient, so it is not rescaled by √v̂.
 * adamw decays every parameter, intercepts included: the objective seam does not say which
 * parameters are intercepts. All four share one params struct (each schema names only its own
 * fields) and the epoch loop of minibatch.c.
 */
#include "config.h"

#include <math.h>
#include <cblas.h>

#include "minibatch.h"
#include "vecmath.h"

typedef struct {
  PlumOptimCommon common;
  OptimMinibatchParams mb;
  double learning_rate;
  double rho;
  double beta1;
  double beta2;
  double eps;
  gboolean bias_correction;
  double weight_decay;
} AdaptiveParams;

typedef struct {
  const AdaptiveParams *p;
  int n;
  double weight_decay; /* adamw's λ; 0 for the others */
  double *m;           /* first moment (adam, adamw) */
  double *v;           /* second moment or sum of squares */
} Adaptive;

/* The update loops run once per minibatch over every parameter: the moments are local
 * restrict pointers (through `a` they might alias theta, which kept the loops scalar) and the
 * loops are vectorised (AVX2 where the CPU has it: vecmath.h). */

/* v ← keep v + add g², then the step η g / (√v + ε). */
PLUM_VEC_CLONES static void
scaled_step(Adaptive *a, double *restrict theta, const double *restrict grad, double keep,
            double add)
{
  double eta = a->p->learning_rate, eps = a->p->eps, *restrict v = a->v;
#pragma omp simd
  for (int i = 0; i < a->n; i++) {
    v[i] = keep * v[i] + add * grad[i] * grad[i];
    theta[i] -= eta * grad[i] / (sqrt(v[i]) + eps);
  }
}

static void
adagrad_update(void *rule, double *theta, const double *grad, guint64 step, guint64 epoch)
{
  (void)step;
  (void)epoch;
  scaled_step(rule, theta, grad, 1, 1);
}

static void
rmsprop_update(void *rule, double *theta, const double *grad, guint64 step, guint64 epoch)
{
  Adaptive *a = rule;
  (void)step;
  (void)epoch;
  scaled_step(a, theta, grad, a->p->rho, 1 - a->p->rho);
}

/* m ← β₁ m + (1 − β₁) g, v ← β₂ v + (1 − β₂) g², θ ← θ − η m / (√(v / c₂) + ε). */
PLUM_VEC_CLONES static void
adam_step(Adaptive *a, double *restrict theta, const double *restrict grad, double eta, double c2)
{
  const AdaptiveParams *p = a->p;
  double b1 = p->beta1, b2 = p->beta2, eps = p->eps, *restrict m = a->m, *restrict v = a->v;
#pragma omp simd
  for (int i = 0; i < a->n; i++) {
    m[i] = b1 * m[i] + (1 - b1) * grad[i];
    v[i] = b2 * v[i] + (1 - b2) * grad[i] * grad[i];
    theta[i] -= eta * m[i] / (sqrt(v[i] / c2) + eps);
  }
}

static void
adam_update(void *rule, double *theta, const double *grad, guint64 step, guint64 epoch)
{
  Adaptive *a = rule;
  const AdaptiveParams *p = a->p;
  (void)epoch;
  double c1 = 1, c2 = 1;
  if (p->bias_correction) {
    c1 = 1 - pow(p->beta1, (double)step);
    c2 = 1 - pow(p->beta2, (double)step);
  }
  if (a->weight_decay > 0)
    cblas_dscal(a->n, 1 - p->learning_rate * a->weight_decay, theta, 1);
  adam_step(a, theta, grad, p->learning_rate / c1, c2);
}

static gboolean
adaptive_run(const void *params, const PlumObjective *obj, double *theta, PlumOptimMonitor *monitor,
             OptimUpdateFunc update, double weight_decay, GError **error)
{
  const AdaptiveParams *p = params;
  Adaptive a = {
      .p = p,
      .n = (int)obj->n_params,
      .weight_decay = weight_decay,
      .m = g_new0(double, obj->n_params),
      .v = g_new0(double, obj->n_params),
  };
  gboolean ok = optim_minibatch_run(obj, &p->mb, update, &a, theta, monitor, error);
  g_free(a.m);
  g_free(a.v);
  return ok;
}

static gboolean
adagrad_minimize(const void *params, const PlumObjective *obj, double *theta,
                 PlumOptimMonitor *monitor, GError **error)
{
  return adaptive_run(params, obj, theta, monitor, adagrad_update, 0, error);
}

static gboolean
rmsprop_minimize(const void *params, const PlumObjective *obj, double *theta,
                 PlumOptimMonitor *monitor, GError **error)
{
  return adaptive_run(params, obj, theta, monitor, rmsprop_update, 0, error);
}

static gboolean
adam_minimize(const void *params, const PlumObjective *obj, double *theta,
              PlumOptimMonitor *monitor, GError **error)
{
  return adaptive_run(params, obj, theta, monitor, adam_update, 0, error);
}

static gboolean
adamw_minimize(const void *params, const PlumObjective *obj, double *theta,
               PlumOptimMonitor *monitor, GError **error)
{
  const AdaptiveParams *p = params;
  return adaptive_run(params, obj, theta, monitor, adam_update, p->weight_decay, error);
}

#define ADAPTIVE_COMMON_SPECS(def_lr, def_eps)                                                     \
  PLUM_OPTIM_COMMON_SPECS(AdaptiveParams, 200, 0), OPTIM_MINIBATCH_SPECS(AdaptiveParams, 32),      \
      PLUM_PARAM_REAL_SPEC(AdaptiveParams, learning_rate, (def_lr), 0.0, INFINITY,                 \
                           PLUM_PARAM_MIN_EXCLUSIVE, "base step size on the mean objective"),      \
      PLUM_PARAM_REAL_SPEC(AdaptiveParams, eps, (def_eps), 0.0, INFINITY,                          \
                           PLUM_PARAM_MIN_EXCLUSIVE,                                               \
                           "added to the root of the second moment, against division by zero")

#define ADAM_SPECS                                                                                 \
  PLUM_PARAM_REAL_SPEC(AdaptiveParams, beta1, 0.9, 0.0, 1.0, PLUM_PARAM_MAX_EXCLUSIVE,             \
                       "decay of the first-moment (mean gradient) estimate"),                      \
      PLUM_PARAM_REAL_SPEC(AdaptiveParams, beta2, 0.999, 0.0, 1.0, PLUM_PARAM_MAX_EXCLUSIVE,       \
                           "decay of the second-moment (squared gradient) estimate"),              \
      PLUM_PARAM_BOOL_SPEC(AdaptiveParams, bias_correction, TRUE,                                  \
                           "divide the moments by 1 - beta^t to undo their start at zero")

static const PlumParamSpec adagrad_params[] = {
    ADAPTIVE_COMMON_SPECS(0.01, 1e-10),
};

static const PlumParamSpec rmsprop_params[] = {
    ADAPTIVE_COMMON_SPECS(0.001, 1e-8),
    PLUM_PARAM_REAL_SPEC(AdaptiveParams, rho, 0.9, 0.0, 1.0, PLUM_PARAM_MAX_EXCLUSIVE,
                         "decay of the running mean of squared gradients"),
};

static const PlumParamSpec adam_params[] = {
    ADAPTIVE_COMMON_SPECS(0.001, 1e-8),
    ADAM_SPECS,
};

static const PlumParamSpec adamw_params[] = {
    ADAPTIVE_COMMON_SPECS(0.001, 1e-8),
    ADAM_SPECS,
    PLUM_PARAM_REAL_SPEC(AdaptiveParams, weight_decay, 0.01, 0.0, INFINITY, 0,
                         "decoupled weight decay: each update shrinks theta by "
                         "learning_rate * weight_decay"),
};

#define ADAPTIVE_COMPONENT(cname, csummary, specs, vt)                                             \
  {                                                                                                \
    .struct_size = sizeof(PlumComponentDesc), .kind = PLUM_KIND_OPTIMIZER, .name = (cname),        \
    .summary = (csummary),                                                                         \
    .caps = PLUM_CAP_NEEDS_GRADIENT | PLUM_CAP_NEEDS_SEPARABLE | PLUM_CAP_USES_BOUNDS,             \
    .params = (specs), .n_params = G_N_ELEMENTS(specs), .params_size = sizeof(AdaptiveParams),     \
    .vtable = &(vt),                                                                               \
  }

static const PlumOptimizerVTable adagrad_vtable = {
    .struct_size = sizeof(PlumOptimizerVTable),
    .minimize = adagrad_minimize,
};
static const PlumOptimizerVTable rmsprop_vtable = {
    .struct_size = sizeof(PlumOptimizerVTable),
    .minimize = rmsprop_minimize,
};
static const PlumOptimizerVTable adam_vtable = {
    .struct_size = sizeof(PlumOptimizerVTable),
    .minimize = adam_minimize,
};
static const PlumOptimizerVTable adamw_vtable = {
    .struct_size = sizeof(PlumOptimizerVTable),
    .minimize = adamw_minimize,
};

static const PlumComponentDesc adaptive_components[] = {
    ADAPTIVE_COMPONENT("adagrad",
                       "minibatch AdaGrad: steps scaled by accumulated squared "
                       "gradients",
                       adagrad_params, adagrad_vtable),
    ADAPTIVE_COMPONENT("rmsprop",
                       "minibatch RMSProp: steps scaled by a running mean of squared "
                       "gradients",
                       rmsprop_params, rmsprop_vtable),
    ADAPTIVE_COMPONENT("adam", "minibatch Adam with bias-corrected moment estimates", adam_params,
                       adam_vtable),
    ADAPTIVE_COMPONENT("adamw", "minibatch Adam with decoupled weight decay", adamw_params,
                       adamw_vtable),
};

PLUM_PLUGIN_DEFINE(adaptive, PACKAGE_VERSION, "MIT",
                   "adaptive minibatch optimizers: adagrad, rmsprop, adam, adamw",
                   adaptive_components, NULL)
