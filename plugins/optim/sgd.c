/* sgd.c — minibatch stochastic gradient descent with momentum and learning-rate schedules.
 *
 * Each minibatch moves θ against the batch's mean gradient g. With momentum μ > 0 the step is
 * the classical heavy-ball velocity v ← μ v − η g, θ ← θ + v; with nesterov it is Nesterov's
 * accelerated gradient in the form that needs no look-ahead evaluation (Sutskever et al. 2013,
 * as Bengio et al. rewrote it): θ ← θ + μ v − η g after the same velocity update. The rate η
 * follows the schedule: constant; inverse_scaling η₀ / t^power_t with t the update count (the
 * Robbins–Monro form; power_t in (0.5, 1] meets its conditions); step_decay η₀ decay_factor^k
 * after k·decay_every epochs. The epoch loop itself is minibatch.c's.
 */
#include "config.h"

#include <math.h>
#include <cblas.h>

#include "minibatch.h"

typedef enum {
  SCHEDULE_CONSTANT = 0,
  SCHEDULE_INVERSE_SCALING,
  SCHEDULE_STEP_DECAY,
} SgdSchedule;

static const char *const schedule_names[] = {"constant", "inverse_scaling", "step_decay", NULL};

typedef struct {
  PlumOptimCommon common;
  OptimMinibatchParams mb;
  double learning_rate;
  int schedule;
  double power_t;
  gint64 decay_every;
  double decay_factor;
  double momentum;
  gboolean nesterov;
} SgdParams;

typedef struct {
  const SgdParams *p;
  int n;
  double *velocity; /* NULL without momentum */
} Sgd;

static double
rate(const SgdParams *p, guint64 step, guint64 epoch)
{
  switch ((SgdSchedule)p->schedule) {
  case SCHEDULE_INVERSE_SCALING:
    return p->learning_rate / pow((double)step, p->power_t);
  case SCHEDULE_STEP_DECAY:
    return p->learning_rate * pow(p->decay_factor, (double)(epoch / (guint64)p->decay_every));
  case SCHEDULE_CONSTANT:
    break;
  }
  return p->learning_rate;
}

static void
sgd_update(void *rule, double *theta, const double *grad, guint64 step, guint64 epoch)
{
  Sgd *s = rule;
  double eta = rate(s->p, step, epoch), mu = s->p->momentum;
  if (s->velocity == NULL) {
    cblas_daxpy(s->n, -eta, grad, 1, theta, 1);
    return;
  }
  cblas_dscal(s->n, mu, s->velocity, 1);
  cblas_daxpy(s->n, -eta, grad, 1, s->velocity, 1);
  if (!s->p->nesterov) {
    cblas_daxpy(s->n, 1, s->velocity, 1, theta, 1);
    return;
  }
  cblas_daxpy(s->n, mu, s->velocity, 1, theta, 1);
  cblas_daxpy(s->n, -eta, grad, 1, theta, 1);
}

static gboolean
sgd_minimize(const void *params, const PlumObjective *obj, double *theta, PlumOptimMonitor *monitor,
             GError **error)
{
  const SgdParams *p = params;
  Sgd s = {.p = p, .n = (int)obj->n_params};
  if (p->momentum > 0)
    s.velocity = g_new0(double, obj->n_params);
  gboolean ok = optim_minibatch_run(obj, &p->mb, sgd_update, &s, theta, monitor, error);
  g_free(s.velocity);
  return ok;
}

static gboolean
sgd_check_params(const void *params, GError **error)
{
  const SgdParams *p = params;
  if (!p->nesterov || p->momentum > 0)
    return TRUE;
  g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE,
              "nesterov: true needs a momentum > 0 (it is %g)", p->momentum);
  return FALSE;
}

static const PlumOptimizerVTable sgd_vtable = {
    .struct_size = sizeof(PlumOptimizerVTable),
    .minimize = sgd_minimize,
};

static const PlumParamSpec sgd_params[] = {
    PLUM_OPTIM_COMMON_SPECS(SgdParams, 200, 0),
    OPTIM_MINIBATCH_SPECS(SgdParams, 32),
    PLUM_PARAM_REAL_SPEC(SgdParams, learning_rate, 0.01, 0.0, INFINITY, PLUM_PARAM_MIN_EXCLUSIVE,
                         "initial step size on the mean objective"),
    PLUM_PARAM_ENUM_SPEC(SgdParams, schedule, SCHEDULE_CONSTANT, schedule_names,
                         "learning-rate schedule: constant, inverse_scaling "
                         "(learning_rate / t^power_t, t = updates so far) or step_decay"),
    PLUM_PARAM_REAL_SPEC(SgdParams, power_t, 0.5, 0.0, INFINITY, PLUM_PARAM_MIN_EXCLUSIVE,
                         "inverse_scaling: exponent of the update count"),
    PLUM_PARAM_INT_SPEC(SgdParams, decay_every, 10, 1, 1e9, 0,
                        "step_decay: epochs between two drops of the learning rate"),
    PLUM_PARAM_REAL_SPEC(SgdParams, decay_factor, 0.5, 0.0, 1.0,
                         PLUM_PARAM_MIN_EXCLUSIVE | PLUM_PARAM_MAX_EXCLUSIVE,
                         "step_decay: factor applied to the learning rate at each drop"),
    PLUM_PARAM_REAL_SPEC(SgdParams, momentum, 0.0, 0.0, 1.0, PLUM_PARAM_MAX_EXCLUSIVE,
                         "momentum coefficient (0: plain SGD)"),
    PLUM_PARAM_BOOL_SPEC(SgdParams, nesterov, FALSE,
                         "use Nesterov's accelerated gradient (needs momentum > 0)"),
};

static const PlumComponentDesc sgd_components[] = {
    {
        .struct_size = sizeof(PlumComponentDesc),
        .kind = PLUM_KIND_OPTIMIZER,
        .name = "sgd",
        .summary = "minibatch stochastic gradient descent with momentum and schedules",
        .caps = PLUM_CAP_NEEDS_GRADIENT | PLUM_CAP_NEEDS_SEPARABLE | PLUM_CAP_USES_BOUNDS,
        .params = sgd_params,
        .n_params = G_N_ELEMENTS(sgd_params),
        .params_size = sizeof(SgdParams),
        .check_params = sgd_check_params,
        .vtable = &sgd_vtable,
    },
};

PLUM_PLUGIN_DEFINE(sgd, PACKAGE_VERSION, "MIT", "minibatch stochastic gradient descent",
                   sgd_components, NULL)
