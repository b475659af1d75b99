/* test-optimizers.c — every optimizer plugin, bound through the registry and the binder, on
 * objectives whose minimisers are known.
 *
 * The objectives are built here: noiseless least squares over 200 terms (minimiser w*, where
 * minibatch gradients vanish too, so even constant-rate minibatch methods converge exactly),
 * Rosenbrock in 2 and 10 dimensions (one term, minimiser (1, …, 1)), an L2-regularised logistic
 * loss whose minimiser is computed by Newton's method in the test, a constant-gradient objective
 * on which each update rule can be followed step by step by hand, and a zero objective for
 * adamw's decoupled weight decay. Beyond convergence the tests check stop reasons, evaluation
 * counts, bit-identical results for one seed, early stopping with patience (its validation
 * shown in progress every iteration and its best in the fit report), that a monitor saying stop
 * stops every optimizer at once, box bounds, and parameter checks.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <lapacke.h>

#include <plum/config.h>
#include <plum/plum.h>

#include "plugin-util.h"

#define N_MAX 16 /* parameters of the largest test objective */

static const char *const optimizers[] = {"sgd",   "adagrad", "rmsprop", "adam",
                                         "adamw", "lbfgs",   "cg",      NULL};
static const char *const minibatch_optimizers[] = {"sgd",  "adagrad", "rmsprop",
                                                   "adam", "adamw",   NULL};

/* Objectives ---------------------------------------------------------------------------------- */

/* Data of the separable objectives: rows of X (n x d), targets t. */
typedef struct {
  size_t n, d;
  double *X, *t;
  double lambda; /* logistic: L2 penalty λ/2 ‖θ‖², spread over the terms */
  size_t evals;
} Data;

static double
row_dot(const Data *s, size_t i, const double *theta)
{
  double z = 0;
  for (size_t k = 0; k < s->d; k++)
    z += s->X[i * s->d + k] * theta[k];
  return z;
}

/* The loss of term i and its derivative with respect to z = x_iᵀθ. */
typedef double (*TermLoss)(const Data *s, size_t i, double z, double *dz);

static double
squared_loss(const Data *s, size_t i, double z, double *dz)
{
  *dz = z - s->t[i];
  return 0.5 * *dz * *dz;
}

static double
logistic_loss(const Data *s, size_t i, double z, double *dz)
{
  double p = 1 / (1 + exp(-z));
  *dz = p - s->t[i];
  double softplus = z > 0 ? z + log1p(exp(-z)) : log1p(exp(z));
  return softplus - s->t[i] * z;
}

static gboolean
eval_terms(Data *s, TermLoss loss, const double *theta, const size_t *terms, size_t n_sel,
           double *value, double *grad)
{
  s->evals++;
  double sum = 0, theta2 = 0;
  if (grad != NULL)
    memset(grad, 0, s->d * sizeof *grad);
  for (size_t j = 0; j < n_sel; j++) {
    size_t i = terms != NULL ? terms[j] : j;
    double dz;
    sum += loss(s, i, row_dot(s, i, theta), &dz);
    for (size_t k = 0; grad != NULL && k < s->d; k++)
      grad[k] += dz * s->X[i * s->d + k];
  }
  for (size_t k = 0; k < s->d; k++) {
    theta2 += theta[k] * theta[k];
    if (grad != NULL)
      grad[k] += s->lambda * theta[k] * (double)n_sel / (double)s->n;
  }
  *value = sum + 0.5 * s->lambda * theta2 * (double)n_sel / (double)s->n;
  return TRUE;
}

static gboolean
least_squares_eval(void *ctx, const double *theta, const size_t *terms, size_t n_sel, double *value,
                   double *grad, GError **error)
{
  (void)error;
  return eval_terms(ctx, squared_loss, theta, terms, n_sel, value, grad);
}

static gboolean
logistic_eval(void *ctx, const double *theta, const size_t *terms, size_t n_sel, double *value,
              double *grad, GError **error)
{
  (void)error;
  return eval_terms(ctx, logistic_loss, theta, terms, n_sel, value, grad);
}

static const double ls_optimum[] = {1, -2, 3, 0.5, -1};

/* 200 rows of 5 standard normal features, t = X w* exactly. */
static void
least_squares_data(Data *s)
{
  *s = (Data){.n = 200, .d = G_N_ELEMENTS(ls_optimum)};
  s->X = g_new(double, s->n * s->d);
  s->t = g_new(double, s->n);
  PlumRng *rng = plum_rng_new(7);
  for (size_t i = 0; i < s->n * s->d; i++)
    s->X[i] = plum_rng_normal(rng);
  for (size_t i = 0; i < s->n; i++)
    s->t[i] = row_dot(s, i, ls_optimum);
  plum_rng_free(rng);
}

/* 300 rows: an intercept column and 3 normal features; labels from a noisy linear rule. */
static void
logistic_data(Data *s)
{
  static const double w[] = {0.5, 2, -1, 1.5};
  *s = (Data){.n = 300, .d = G_N_ELEMENTS(w), .lambda = 30};
  s->X = g_new(double, s->n * s->d);
  s->t = g_new(double, s->n);
  PlumRng *rng = plum_rng_new(11);
  for (size_t i = 0; i < s->n; i++) {
    s->X[i * s->d] = 1;
    for (size_t k = 1; k < s->d; k++)
      s->X[i * s->d + k] = plum_rng_normal(rng);
    s->t[i] = row_dot(s, i, w) + 0.8 * plum_rng_normal(rng) > 0;
  }
  plum_rng_free(rng);
}

static void
data_clear(Data *s)
{
  g_free(s->X);
  g_free(s->t);
}

static PlumObjective
data_objective(Data *s, gboolean logistic)
{
  return (PlumObjective){
      .struct_size = sizeof(PlumObjective),
      .n_params = s->d,
      .n_terms = s->n,
      .ctx = s,
      .eval = logistic ? logistic_eval : least_squares_eval,
  };
}

/* The logistic minimiser by Newton's method: H δ = g with H = Σ p(1−p) x xᵀ + λ I. */
static void
logistic_optimum(Data *s, double *theta)
{
  size_t d = s->d;
  double g[N_MAX], H[N_MAX * N_MAX];
  memset(theta, 0, d * sizeof *theta);
  for (int it = 0; it < 50; it++) {
    double value;
    eval_terms(s, logistic_loss, theta, NULL, s->n, &value, g);
    for (size_t a = 0; a < d; a++)
      for (size_t b = 0; b < d; b++)
        H[a * d + b] = a == b ? s->lambda : 0;
    for (size_t i = 0; i < s->n; i++) {
      double p = 1 / (1 + exp(-row_dot(s, i, theta))), w = p * (1 - p);
      for (size_t a = 0; a < d; a++)
        for (size_t b = 0; b < d; b++)
          H[a * d + b] += w * s->X[i * d + a] * s->X[i * d + b];
    }
    g_assert_cmpint(LAPACKE_dposv(LAPACK_ROW_MAJOR, 'U', (lapack_int)d, 1, H, (lapack_int)d, g, 1),
                    ==, 0);
    double step = 0;
    for (size_t k = 0; k < d; k++) {
      theta[k] -= g[k];
      step = fmax(step, fabs(g[k]));
    }
    if (step < 1e-15)
      return;
  }
}

typedef struct {
  size_t d;
  size_t evals;
} Rosenbrock;

static gboolean
rosenbrock_eval(void *ctx, const double *x, const size_t *terms, size_t n_sel, double *value,
                double *grad, GError **error)
{
  Rosenbrock *r = ctx;
  (void)terms;
  (void)n_sel;
  (void)error;
  r->evals++;
  double f = 0;
  if (grad != NULL)
    memset(grad, 0, r->d * sizeof *grad);
  for (size_t i = 0; i + 1 < r->d; i++) {
    double a = x[i + 1] - x[i] * x[i], b = 1 - x[i];
    f += 100 * a * a + b * b;
    if (grad != NULL) {
      grad[i] += -400 * a * x[i] - 2 * b;
      grad[i + 1] += 200 * a;
    }
  }
  *value = f;
  return TRUE;
}

static PlumObjective
rosenbrock_objective(Rosenbrock *r)
{
  return (PlumObjective){
      .struct_size = sizeof(PlumObjective),
      .n_params = r->d,
      .n_terms = 1,
      .ctx = r,
      .eval = rosenbrock_eval,
  };
}

static void
rosenbrock_start(double *x, size_t d)
{
  for (size_t i = 0; i < d; i++)
    x[i] = i % 2 == 0 ? -1.2 : 1;
}

/* Every term is f_i(θ) = cᵀθ: every minibatch's mean gradient is exactly c. */
static const double slope_c[] = {0.5, -2, 0.25};

static gboolean
linear_eval(void *ctx, const double *theta, const size_t *terms, size_t n_sel, double *value,
            double *grad, GError **error)
{
  (void)ctx;
  (void)terms;
  (void)error;
  double f = 0;
  for (size_t k = 0; k < G_N_ELEMENTS(slope_c); k++) {
    f += slope_c[k] * theta[k];
    if (grad != NULL)
      grad[k] = slope_c[k] * (double)n_sel;
  }
  *value = f * (double)n_sel;
  return TRUE;
}

static gboolean
zero_eval(void *ctx, const double *theta, const size_t *terms, size_t n_sel, double *value,
          double *grad, GError **error)
{
  (void)ctx;
  (void)theta;
  (void)terms;
  (void)n_sel;
  (void)error;
  *value = 0;
  if (grad != NULL)
    memset(grad, 0, G_N_ELEMENTS(slope_c) * sizeof *grad);
  return TRUE;
}

/* Binding and running --------------------------------------------------------------------- */

static PlumRegistry *
registry(void)
{
  GError *error = NULL;
  PlumRegistry *reg = plum_registry_get_default(&error);
  g_assert_no_error(error);
  return reg;
}

/* Binds a component reference written in YAML flow style, e.g. "{name: adam, max_iter: 5}". */
static PlumBinding *
bind_or_fail(const char *yaml, GError **error)
{
  PlumConfig *cfg = plum_config_parse_string(yaml, "test", error);
  if (cfg == NULL)
    return NULL;
  PlumBinding *b = plum_binding_new_from_node(registry(), PLUM_KIND_OPTIMIZER,
                                              plum_config_root(cfg), "optimizer", error);
  plum_config_free(cfg);
  return b;
}

static PlumBinding *
bind(const char *yaml)
{
  GError *error = NULL;
  PlumBinding *b = bind_or_fail(yaml, &error);
  g_assert_no_error(error);
  g_assert_nonnull(b);
  return b;
}

/* Early-stopping validator: scripted scores, and a record of every point it saw; where the
 * monitor shows and reports what it saw (both nullable). */
typedef struct {
  size_t calls;
  size_t fail_at;      /* 1-based call that fails; 0 never */
  const size_t *evals; /* the objective's evaluation counter */
  size_t evals_at_fail;
  double seen[64][N_MAX]; /* theta at each call */
  size_t n_params;
  PlumProgress *progress;
  PlumState *report;
} Validator;

/* Scores 9, 8, 7, 6, then 10 forever: the best point is the one of the 4th call. */
static gboolean
scripted_validate(void *user, const double *theta, double *score, GError **error)
{
  Validator *v = user;
  v->calls++;
  if (v->calls <= G_N_ELEMENTS(v->seen))
    memcpy(v->seen[v->calls - 1], theta, v->n_params * sizeof *theta);
  if (v->calls == v->fail_at) {
    v->evals_at_fail = *v->evals;
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED, "scripted failure");
    return FALSE;
  }
  *score = v->calls <= 4 ? 10.0 - (double)v->calls : 10.0;
  return TRUE;
}

/* The second held-out measure: 100 + the number of the call just scored. */
static double
scripted_metric(void *user)
{
  const Validator *v = user;
  return 100.0 + (double)v->calls;
}

static gboolean
run_full(const char *yaml, const PlumObjective *obj, double *theta, guint64 seed,
         Validator *validator, PlumOptimResult *result, GError **error)
{
  PlumBinding *b = bind(yaml);
  PlumRng *rng = plum_rng_new(seed);
  PlumOptimContext ctx = {
      .struct_size = sizeof ctx,
      .rng = rng,
      .validate = validator != NULL ? scripted_validate : NULL,
      .validate_user = validator,
      .validate_metric = validator != NULL ? scripted_metric : NULL,
      .validate_metric_name = "calls",
      .progress = validator != NULL ? validator->progress : NULL,
      .report = validator != NULL ? validator->report : NULL,
  };
  gboolean ok = plum_optimizer_minimize(b, obj, theta, &ctx, result, error);
  plum_rng_free(rng);
  plum_binding_free(b);
  return ok;
}

static void
run(const char *yaml, const PlumObjective *obj, double *theta, PlumOptimResult *result)
{
  GError *error = NULL;
  gboolean ok = run_full(yaml, obj, theta, 42, NULL, result, &error);
  g_assert_no_error(error);
  g_assert_true(ok);
}

static double
max_abs_diff(const double *a, const double *b, size_t n)
{
  double m = 0;
  for (size_t i = 0; i < n; i++)
    m = fmax(m, fabs(a[i] - b[i]));
  return m;
}

/* Tests --------------------------------------------------------------------------------------- */

static gboolean
is_minibatch(const char *name)
{
  return g_strv_contains(minibatch_optimizers, name);
}

static void
test_schemas(void)
{
  PlumRegistry *reg = registry();
  static const char *const common[] = {"max_iter", "tol", "rel_tol", "patience", "min_delta"};
  for (const char *const *name = optimizers; *name != NULL; name++) {
    GError *error = NULL;
    const PlumComponent *c = plum_registry_lookup(reg, PLUM_KIND_OPTIMIZER, *name, &error);
    g_assert_no_error(error);
    guint64 caps = plum_component_caps(c);
    g_assert_true(caps & PLUM_CAP_NEEDS_GRADIENT);
    g_assert_cmpint(!!(caps & PLUM_CAP_NEEDS_SEPARABLE), ==, is_minibatch(*name));
    g_assert_cmpint(!!(caps & PLUM_CAP_USES_BOUNDS), ==, strcmp(*name, "cg") != 0);
    for (size_t i = 0; i < G_N_ELEMENTS(common); i++)
      g_assert_cmpstr(plum_component_param(c, i)->name, ==, common[i]);
    for (size_t i = 0; i < plum_component_n_params(c); i++)
      g_assert_true(strlen(plum_component_param(c, i)->doc) > 0);
    PlumBinding *b = plum_binding_new_default(reg, c, &error);
    g_assert_no_error(error);
    plum_binding_free(b);
  }
}

typedef struct {
  const char *name;
  const char *yaml; /* tuned for the objective of the test */
  double tol;       /* max |θ − θ*| required */
} Case;

static const Case least_squares_cases[] = {
    {"sgd", "{name: sgd, learning_rate: 0.05, momentum: 0.9, max_iter: 100}", 1e-8},
    {"sgd-nesterov",
     "{name: sgd, learning_rate: 0.05, momentum: 0.9, nesterov: true, "
     "max_iter: 100}",
     1e-8},
    {"adagrad", "{name: adagrad, learning_rate: 0.5, max_iter: 300}", 1e-6},
    {"rmsprop", "{name: rmsprop, learning_rate: 0.01, max_iter: 300}", 2e-2},
    {"adam", "{name: adam, learning_rate: 0.05, max_iter: 300}", 1e-6},
    {"adamw", "{name: adamw, learning_rate: 0.05, weight_decay: 0, max_iter: 300}", 1e-6},
    {"lbfgs", "{name: lbfgs, tol: 1e-10}", 1e-8},
    {"cg", "{name: cg, tol: 1e-10}", 1e-8},
};

static void
test_least_squares(gconstpointer data)
{
  const Case *c = data;
  Data s;
  least_squares_data(&s);
  PlumObjective obj = data_objective(&s, FALSE);
  double theta[N_MAX] = {0};
  PlumOptimResult result;
  run(c->yaml, &obj, theta, &result);
  g_test_message("%s: %zu iterations, %zu evaluations, error %.3g, stop: %s", c->name,
                 result.n_iter, result.n_evals, max_abs_diff(theta, ls_optimum, s.d),
                 result.stop_reason);
  g_assert_cmpfloat(max_abs_diff(theta, ls_optimum, s.d), <=, c->tol);
  g_assert_cmpuint(result.n_evals, ==, s.evals);
  data_clear(&s);
}

static const Case logistic_cases[] = {
    {"sgd-step-decay",
     "{name: sgd, learning_rate: 0.5, schedule: step_decay, decay_every: 30, "
     "max_iter: 300}",
     5e-3},
    {"sgd-inverse-scaling",
     "{name: sgd, learning_rate: 1, schedule: inverse_scaling, "
     "power_t: 0.6, max_iter: 300}",
     1e-2},
    {"adagrad", "{name: adagrad, learning_rate: 0.2, max_iter: 300}", 2e-2},
    {"rmsprop", "{name: rmsprop, learning_rate: 0.001, max_iter: 300}", 1e-2},
    {"adam", "{name: adam, learning_rate: 0.002, max_iter: 300}", 1e-2},
    {"adamw", "{name: adamw, learning_rate: 0.002, weight_decay: 0, max_iter: 300}", 1e-2},
    {"adam-full-batch", "{name: adam, learning_rate: 0.01, batch_size: 1000, max_iter: 2000}",
     1e-8},
    {"lbfgs", "{name: lbfgs, tol: 1e-8}", 1e-7},
    {"cg", "{name: cg, tol: 1e-8}", 1e-7},
};

static void
test_logistic(gconstpointer data)
{
  const Case *c = data;
  Data s;
  logistic_data(&s);
  double best[N_MAX], theta[N_MAX] = {0};
  logistic_optimum(&s, best);
  s.evals = 0;
  PlumObjective obj = data_objective(&s, TRUE);
  PlumOptimResult result;
  run(c->yaml, &obj, theta, &result);
  g_test_message("%s: %zu iterations, %zu evaluations, error %.3g, stop: %s", c->name,
                 result.n_iter, result.n_evals, max_abs_diff(theta, best, s.d), result.stop_reason);
  g_assert_cmpfloat(max_abs_diff(theta, best, s.d), <=, c->tol);
  data_clear(&s);
}

static void
test_rosenbrock(gconstpointer data)
{
  const char *name = data;
  static const double ones[N_MAX] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  for (size_t d = 2; d <= 10; d += 8) {
    Rosenbrock r = {.d = d};
    PlumObjective obj = rosenbrock_objective(&r);
    double x[N_MAX];
    rosenbrock_start(x, d);
    char *yaml = g_strdup_printf("{name: %s, tol: 1e-9, max_iter: 10000}", name);
    PlumOptimResult result;
    run(yaml, &obj, x, &result);
    g_test_message("%s, %zu dimensions: %zu iterations, %zu evaluations, stop: %s", name, d,
                   result.n_iter, result.n_evals, result.stop_reason);
    g_assert_cmpfloat(max_abs_diff(x, ones, d), <=, 1e-6);
    g_assert_true(g_str_has_prefix(result.stop_reason, "converged: gradient norm"));
    g_assert_cmpuint(result.n_evals, ==, r.evals);
    g_free(yaml);
  }
}

/* Follows each update rule by hand on the constant-gradient objective: 10 terms in batches of 4
 * (4, 4 and a last batch of 2), 3 epochs, so 9 updates with gradient c and learning rate 0.1. */
#define RULE_LR 0.1

typedef struct {
  const char *params;
  double (*step)(double c, int t, int epoch, double *state); /* the change of θ_k */
} RuleCase;

static double
plain_step(double c, int t, int epoch, double *state)
{
  (void)t;
  (void)epoch;
  (void)state;
  return -RULE_LR * c;
}

static double
momentum_step(double c, int t, int epoch, double *state)
{
  (void)t;
  (void)epoch;
  state[0] = 0.9 * state[0] - RULE_LR * c;
  return state[0];
}

static double
nesterov_step(double c, int t, int epoch, double *state)
{
  return 0.9 * momentum_step(c, t, epoch, state) - RULE_LR * c;
}

static double
inverse_scaling_step(double c, int t, int epoch, double *state)
{
  (void)epoch;
  (void)state;
  return -RULE_LR / pow(t, 0.25) * c;
}

static double
step_decay_step(double c, int t, int epoch, double *state)
{
  (void)t;
  (void)state;
  return -RULE_LR * pow(0.5, epoch / 2) * c;
}

static double
adagrad_step(double c, int t, int epoch, double *state)
{
  (void)epoch;
  (void)state;
  return -RULE_LR * c / (sqrt(t * c * c) + 1e-10);
}

static double
rmsprop_step(double c, int t, int epoch, double *state)
{
  (void)epoch;
  (void)state;
  return -RULE_LR * c / (sqrt((1 - pow(0.9, t)) * c * c) + 1e-8);
}

/* Bias-corrected moments of a constant gradient are exact: m̂ = c, v̂ = c². */
static double
adam_step(double c, int t, int epoch, double *state)
{
  (void)t;
  (void)epoch;
  (void)state;
  return -RULE_LR * c / (fabs(c) + 1e-8);
}

static double
adam_uncorrected_step(double c, int t, int epoch, double *state)
{
  (void)epoch;
  (void)state;
  double m = (1 - pow(0.9, t)) * c, v = (1 - pow(0.999, t)) * c * c;
  return -RULE_LR * m / (sqrt(v) + 1e-8);
}

static const RuleCase rule_cases[] = {
    {"name: sgd", plain_step},
    {"name: sgd, momentum: 0.9", momentum_step},
    {"name: sgd, momentum: 0.9, nesterov: true", nesterov_step},
    {"name: sgd, schedule: inverse_scaling, power_t: 0.25", inverse_scaling_step},
    {"name: sgd, schedule: step_decay, decay_every: 2", step_decay_step},
    {"name: adagrad", adagrad_step},
    {"name: rmsprop", rmsprop_step},
    {"name: adam", adam_step},
    {"name: adam, bias_correction: false", adam_uncorrected_step},
    {"name: adamw, weight_decay: 0", adam_step},
};

static void
test_update_rule(gconstpointer data)
{
  const RuleCase *rc = data;
  size_t d = G_N_ELEMENTS(slope_c);
  PlumObjective obj = {
      .struct_size = sizeof obj, .n_params = d, .n_terms = 10, .eval = linear_eval};
  double theta[N_MAX] = {0}, expect[N_MAX] = {0};
  char *yaml =
      g_strdup_printf("{%s, learning_rate: %g, batch_size: 4, max_iter: 3}", rc->params, RULE_LR);
  PlumOptimResult result;
  run(yaml, &obj, theta, &result);
  for (size_t k = 0; k < d; k++) {
    double state[1] = {0};
    int t = 0;
    for (int epoch = 0; epoch < 3; epoch++)
      for (int b = 0; b < 3; b++)
        expect[k] += rc->step(slope_c[k], ++t, epoch, state);
  }
  g_assert_cmpfloat(max_abs_diff(theta, expect, d), <=, 1e-12);
  g_assert_cmpuint(result.n_iter, ==, 3);
  g_assert_cmpuint(result.n_evals, ==, 9);
  g_free(yaml);
}

/* adamw on an objective with zero gradient only decays: θ = (1 − ηλ)^t θ₀; adam does nothing. */
static void
test_adamw_decay(void)
{
  PlumObjective obj = {.struct_size = sizeof obj, .n_params = 3, .n_terms = 8, .eval = zero_eval};
  double theta[3] = {1, -2, 4}, plain[3] = {1, -2, 4};
  PlumOptimResult result;
  run("{name: adamw, learning_rate: 0.1, weight_decay: 0.5, batch_size: 4, max_iter: 5}", &obj,
      theta, &result);
  run("{name: adam, learning_rate: 0.1, batch_size: 4, max_iter: 5}", &obj, plain, &result);
  double factor = pow(1 - 0.1 * 0.5, 10);
  g_assert_cmpfloat(fabs(theta[0] - factor), <=, 1e-14);
  g_assert_cmpfloat(fabs(theta[1] + 2 * factor), <=, 1e-14);
  g_assert_cmpfloat(fabs(theta[2] - 4 * factor), <=, 1e-14);
  g_assert_cmpfloat(plain[0], ==, 1);
  g_assert_cmpfloat(plain[2], ==, 4);
}

static char *
yaml_for(const char *name, const char *extra)
{
  return g_strdup_printf("{name: %s, %s}", name, extra);
}

static void
test_max_iter(gconstpointer data)
{
  const char *name = data;
  Data s;
  logistic_data(&s);
  PlumObjective obj = data_objective(&s, TRUE);
  double theta[N_MAX] = {0};
  char *yaml = yaml_for(name, "max_iter: 3, tol: 0");
  PlumOptimResult result;
  run(yaml, &obj, theta, &result);
  g_assert_cmpuint(result.n_iter, ==, 3);
  g_assert_cmpstr(result.stop_reason, ==, "reached max_iter = 3");
  g_assert_cmpuint(result.n_evals, ==, s.evals);
  g_free(yaml);
  data_clear(&s);
}

/* tol stops at a gradient norm it can see: minibatch optimizers then measure the full gradient
 * at the end of each epoch. */
static void
test_tol(gconstpointer data)
{
  const char *name = data;
  Data s;
  least_squares_data(&s);
  PlumObjective obj = data_objective(&s, FALSE);
  double theta[N_MAX] = {0}, g[N_MAX], value;
  const char *extra =
      is_minibatch(name) ? "tol: 1e-3, learning_rate: 0.05, max_iter: 5000" : "tol: 1e-3";
  char *yaml = yaml_for(name, extra);
  PlumOptimResult result;
  run(yaml, &obj, theta, &result);
  g_assert_true(g_str_has_prefix(result.stop_reason, "converged: gradient norm"));
  least_squares_eval(&s, theta, NULL, s.n, &value, g, NULL);
  double norm = 0;
  for (size_t k = 0; k < s.d; k++)
    norm += g[k] * g[k] / ((double)s.n * (double)s.n);
  g_assert_cmpfloat(sqrt(norm), <=, 1e-3);
  g_assert_cmpfloat(fabs(sqrt(norm) - result.grad_norm), <=, 1e-12);
  g_assert_cmpfloat(fabs(value / (double)s.n - result.value), <=, 1e-12);
  g_free(yaml);
  data_clear(&s);
}

static void
test_determinism(gconstpointer data)
{
  const char *name = data;
  Data s;
  logistic_data(&s);
  PlumObjective obj = data_objective(&s, TRUE);
  char *yaml = yaml_for(name, "max_iter: 20, tol: 0");
  double a[N_MAX] = {0}, b[N_MAX] = {0}, c[N_MAX] = {0};
  PlumOptimResult result;
  GError *error = NULL;
  g_assert_true(run_full(yaml, &obj, a, 5, NULL, &result, &error));
  g_assert_true(run_full(yaml, &obj, b, 5, NULL, &result, &error));
  g_assert_true(run_full(yaml, &obj, c, 6, NULL, &result, &error));
  g_assert_no_error(error);
  g_assert_cmpmem(a, sizeof a, b, sizeof b);
  /* Shuffling draws from the seed: another seed gives another path (full batch: the same). */
  g_assert_cmpint(memcmp(a, c, sizeof a) != 0, ==, is_minibatch(name));
  g_free(yaml);
  if (is_minibatch(name)) {
    /* Without shuffling, minibatches come in term order and the seed does not matter. */
    double d[N_MAX] = {0}, e[N_MAX] = {0};
    yaml = yaml_for(name, "max_iter: 20, shuffle: false");
    g_assert_true(run_full(yaml, &obj, d, 5, NULL, &result, &error));
    g_assert_true(run_full(yaml, &obj, e, 6, NULL, &result, &error));
    g_assert_no_error(error);
    g_assert_cmpmem(d, sizeof d, e, sizeof e);
    g_free(yaml);
  }
  data_clear(&s);
}

/* Shuffling needs the run's generator; a context without one is an error, not a crash. */
static void
test_no_rng(void)
{
  Data s;
  least_squares_data(&s);
  PlumObjective obj = data_objective(&s, FALSE);
  PlumBinding *b = bind("{name: adam}");
  PlumOptimContext ctx = {.struct_size = sizeof ctx};
  double theta[N_MAX] = {0};
  GError *error = NULL;
  g_assert_false(plum_optimizer_minimize(b, &obj, theta, &ctx, NULL, &error));
  g_assert_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED);
  g_assert_nonnull(strstr(error->message, "random generator"));
  g_assert_cmpuint(s.evals, ==, 0);
  g_clear_error(&error);
  plum_binding_free(b);
  data_clear(&s);
}

/* rel_tol stops once consecutive (epoch) values agree. */
static void
test_rel_tol(gconstpointer data)
{
  const char *name = data;
  Data s;
  least_squares_data(&s);
  PlumObjective obj = data_objective(&s, FALSE);
  const char *extra = !is_minibatch(name) ? "rel_tol: 1e-6, tol: 0"
                      : strcmp(name, "adagrad") == 0
                          ? "rel_tol: 1e-6, learning_rate: 0.5, max_iter: 5000"
                          : "rel_tol: 1e-6, learning_rate: 0.05, max_iter: 5000";
  char *yaml = yaml_for(name, extra);
  double theta[N_MAX] = {0};
  PlumOptimResult result;
  run(yaml, &obj, theta, &result);
  g_test_message("%s: %zu iterations, stop: %s", name, result.n_iter, result.stop_reason);
  g_assert_cmpstr(result.stop_reason, ==, "converged: relative change <= rel_tol 1e-06");
  g_assert_cmpuint(result.n_iter, <, 5000);
  g_free(yaml);
  data_clear(&s);
}

static void
test_early_stopping(gconstpointer data)
{
  const char *name = data;
  Data s;
  logistic_data(&s);
  PlumObjective obj = data_objective(&s, TRUE);
  Validator v = {.n_params = s.d, .evals = &s.evals};
  char *yaml = yaml_for(name, "patience: 3, tol: 0, max_iter: 100");
  double theta[N_MAX] = {0};
  PlumOptimResult result;
  GError *error = NULL;
  g_assert_true(run_full(yaml, &obj, theta, 1, &v, &result, &error));
  g_assert_no_error(error);
  g_assert_true(g_str_has_prefix(result.stop_reason, "early stopping"));
  g_assert_cmpuint(v.calls, ==, 7);
  g_assert_cmpuint(result.n_iter, ==, 7);
  g_assert_cmpmem(theta, s.d * sizeof *theta, v.seen[3], s.d * sizeof *theta);
  g_free(yaml);
  data_clear(&s);
}

/* Early stopping shows each iteration's validation score and second measure beside the loss
 * (the scripted 9, 8, 7, 6, 10, 10, 10 and 101…107), and reports the best of them (6, at the
 * 4th iteration, where the measure was 104). */
static void
test_validation_progress(gconstpointer data)
{
  const char *name = data;
  if (!g_test_subprocess()) {
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_passed();
    g_test_trap_assert_stderr("fit: step 1/100  loss *  val_loss 9  val_calls 101  *\n"
                              "fit: step 2/100  loss *  val_loss 8  val_calls 102  *\n"
                              "fit: step 3/100  loss *  val_loss 7  val_calls 103  *\n"
                              "fit: step 4/100  loss *  val_loss 6  val_calls 104  *\n"
                              "fit: step 5/100  loss *  val_loss 10  val_calls 105  *\n"
                              "fit: step 6/100  loss *  val_loss 10  val_calls 106  *\n"
                              "fit: step 7/100  loss *  val_loss 10  val_calls 107  *\n"
                              "fit: stopped at step 7 after * s (early stopping: *)  loss *  "
                              "val_loss 10  val_calls 107  *\n");
    return;
  }
  Data s;
  logistic_data(&s);
  PlumObjective obj = data_objective(&s, TRUE);
  Validator v = {.n_params = s.d,
                 .evals = &s.evals,
                 .progress = plum_progress_new("fit", 0, PLUM_PROGRESS_PLAIN, 1),
                 .report = plum_state_new()};
  char *yaml = yaml_for(name, "patience: 3, tol: 0, max_iter: 100");
  double theta[N_MAX] = {0};
  GError *error = NULL;
  g_assert_true(run_full(yaml, &obj, theta, 1, &v, NULL, &error));
  g_assert_no_error(error);
  g_assert_cmpfloat(report_real(v.report, "val_best_loss"), ==, 6.0);
  g_assert_cmpfloat(report_real(v.report, "val_best_calls"), ==, 104.0);
  gint64 best_iter = 0;
  g_assert_true(plum_state_get_int(v.report, "val_best_iter", &best_iter, &error));
  g_assert_cmpint(best_iter, ==, 4);
  plum_state_free(v.report);
  plum_progress_free(v.progress);
  g_free(yaml);
  data_clear(&s);
}

/* The monitor says stop (here: the validation fails at the 3rd check): the optimizer must not
 * evaluate the objective again, and the failure comes back as the error. */
static void
test_monitor_stop(gconstpointer data)
{
  const char *name = data;
  Data s;
  logistic_data(&s);
  PlumObjective obj = data_objective(&s, TRUE);
  Validator v = {.n_params = s.d, .evals = &s.evals, .fail_at = 3};
  char *yaml = yaml_for(name, "patience: 10, tol: 0, max_iter: 100");
  double theta[N_MAX] = {0};
  PlumOptimResult result;
  GError *error = NULL;
  g_assert_false(run_full(yaml, &obj, theta, 1, &v, &result, &error));
  g_assert_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED);
  g_assert_nonnull(strstr(error->message, "scripted failure"));
  g_assert_cmpuint(v.calls, ==, 3);
  g_assert_cmpuint(s.evals, ==, v.evals_at_fail);
  g_assert_cmpuint(result.n_iter, ==, 3);
  g_clear_error(&error);
  g_free(yaml);
  data_clear(&s);
}

static void
test_divergence(void)
{
  Data s;
  least_squares_data(&s);
  PlumObjective obj = data_objective(&s, FALSE);
  double theta[N_MAX] = {0};
  GError *error = NULL;
  g_assert_false(run_full("{name: sgd, learning_rate: 100}", &obj, theta, 1, NULL, NULL, &error));
  g_assert_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED);
  g_assert_nonnull(strstr(error->message, "diverged"));
  g_assert_true(g_str_has_prefix(error->message, "optimizer"));
  g_clear_error(&error);
  data_clear(&s);
}

/* Bounded Rosenbrock, x₀ <= 0.5: on the boundary the best x₁ is x₀², so the minimiser is
 * (0.5, 0.25). */
static void
test_bounds_rosenbrock(void)
{
  Rosenbrock r = {.d = 2};
  PlumObjective obj = rosenbrock_objective(&r);
  double lower[2] = {-INFINITY, -INFINITY}, upper[2] = {0.5, INFINITY}, x[2] = {-1.2, 1};
  obj.lower = lower;
  obj.upper = upper;
  PlumOptimResult result;
  run("{name: lbfgs, tol: 1e-10}", &obj, x, &result);
  g_test_message("bounded rosenbrock: %zu iterations, stop: %s", result.n_iter, result.stop_reason);
  g_assert_cmpfloat(fabs(x[0] - 0.5), <=, 1e-8);
  g_assert_cmpfloat(fabs(x[1] - 0.25), <=, 1e-8);
  g_assert_true(g_str_has_prefix(result.stop_reason, "converged: gradient norm"));
}

/* ‖Π(θ − ∇F/n) − θ‖ for the box-bounded least squares: zero exactly at its minimiser. */
static double
projected_gradient(Data *s, const double *theta, const double *lower, const double *upper)
{
  double g[N_MAX], value, sum = 0;
  least_squares_eval(s, theta, NULL, s->n, &value, g, NULL);
  for (size_t k = 0; k < s->d; k++) {
    double p = fmin(fmax(theta[k] - g[k] / (double)s->n, lower[k]), upper[k]) - theta[k];
    sum += p * p;
  }
  return sqrt(sum);
}

/* Bounded least squares: tol is the projected gradient norm required at the answer. In full
 * batches projected SGD and Adam converge exactly; in minibatches the residuals left by the
 * bounds make the gradient noisy, so they only come near. */
static const Case bounded_cases[] = {
    {"lbfgs", "{name: lbfgs, tol: 1e-10}", 1e-9},
    {"sgd-full-batch", "{name: sgd, learning_rate: 0.2, batch_size: 1000, max_iter: 300}", 1e-12},
    {"adam-full-batch", "{name: adam, learning_rate: 0.01, batch_size: 1000, max_iter: 1000}",
     1e-12},
    {"sgd", "{name: sgd, learning_rate: 0.001, max_iter: 1000}", 3e-2},
    {"adam", "{name: adam, learning_rate: 0.002, max_iter: 300}", 3e-2},
};

static void
test_bounds_least_squares(gconstpointer data)
{
  const Case *c = data;
  Data s;
  least_squares_data(&s);
  PlumObjective obj = data_objective(&s, FALSE);
  /* w* = (1, −2, 3, 0.5, −1): the bounds cut coordinates 1 and 2. */
  double lower[] = {-10, -1, -10, -10, -10}, upper[] = {10, 10, 2, 10, 10};
  obj.lower = lower;
  obj.upper = upper;
  double theta[N_MAX] = {0};
  PlumOptimResult result;
  run(c->yaml, &obj, theta, &result);
  for (size_t k = 0; k < s.d; k++) {
    g_assert_cmpfloat(theta[k], >=, lower[k]);
    g_assert_cmpfloat(theta[k], <=, upper[k]);
  }
  double pg = projected_gradient(&s, theta, lower, upper);
  g_test_message("%s: projected gradient %.3g, stop: %s", c->name, pg, result.stop_reason);
  g_assert_cmpfloat(pg, <=, c->tol);
  g_assert_cmpfloat(theta[1], ==, -1);
  g_assert_cmpfloat(theta[2], ==, 2);
  data_clear(&s);
}

static void
test_cg_refuses_bounds(void)
{
  Rosenbrock r = {.d = 2};
  PlumObjective obj = rosenbrock_objective(&r);
  double upper[2] = {0.5, INFINITY}, x[2] = {0, 0};
  obj.upper = upper;
  GError *error = NULL;
  g_assert_false(run_full("{name: cg}", &obj, x, 1, NULL, NULL, &error));
  g_assert_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_CAPABILITY);
  g_assert_nonnull(strstr(error->message, "lbfgs"));
  g_assert_cmpuint(r.evals, ==, 0);
  g_clear_error(&error);
}

static void
test_bad_params(void)
{
  static const char *const bad[] = {
      "{name: lbfgs, c1: 0.95}",       "{name: cg, c1: 0.5, c2: 0.2}",
      "{name: sgd, nesterov: true}",   "{name: adam, beta1: 1}",
      "{name: sgd, learning_rate: 0}", "{name: rmsprop, batch_size: 0}",
      "{name: lbfgs, history: 0}",
  };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    GError *error = NULL;
    PlumBinding *b = bind_or_fail(bad[i], &error);
    g_assert_null(b);
    g_assert_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE);
    g_test_message("%s: %s", bad[i], error->message);
    g_clear_error(&error);
  }
}

/* The test objectives themselves, against the core's gradient checker. */
static void
test_objective_gradients(void)
{
  Data ls, lg;
  least_squares_data(&ls);
  logistic_data(&lg);
  Rosenbrock r = {.d = 10};
  PlumObjective objs[] = {data_objective(&ls, FALSE), data_objective(&lg, TRUE),
                          rosenbrock_objective(&r)};
  double theta[N_MAX];
  for (size_t k = 0; k < N_MAX; k++)
    theta[k] = 0.3 * (double)k - 1;
  for (size_t i = 0; i < G_N_ELEMENTS(objs); i++) {
    double err;
    GError *error = NULL;
    g_assert_true(plum_objective_check_gradient(&objs[i], theta, 1e-6, &err, &error));
    g_assert_no_error(error);
    g_assert_cmpfloat(err, <=, 1e-6);
  }
  data_clear(&ls);
  data_clear(&lg);
}

static void
add_per_optimizer(const char *test, const char *const *names, GTestDataFunc fn)
{
  for (const char *const *name = names; *name != NULL; name++) {
    char *path = g_strdup_printf("/optimizers/%s/%s", test, *name);
    g_test_add_data_func(path, *name, fn);
    g_free(path);
  }
}

static void
add_cases(const char *test, const Case *cases, size_t n, GTestDataFunc fn)
{
  for (size_t i = 0; i < n; i++) {
    char *path = g_strdup_printf("/optimizers/%s/%s", test, cases[i].name);
    g_test_add_data_func(path, &cases[i], fn);
    g_free(path);
  }
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  static const char *const full_batch[] = {"lbfgs", "cg", NULL};
  g_test_add_func("/optimizers/schemas", test_schemas);
  g_test_add_func("/optimizers/objective-gradients", test_objective_gradients);
  add_cases("least-squares", least_squares_cases, G_N_ELEMENTS(least_squares_cases),
            test_least_squares);
  add_cases("logistic", logistic_cases, G_N_ELEMENTS(logistic_cases), test_logistic);
  add_per_optimizer("rosenbrock", full_batch, test_rosenbrock);
  for (size_t i = 0; i < G_N_ELEMENTS(rule_cases); i++) {
    char *path = g_strdup_printf("/optimizers/update-rule/%zu", i);
    g_test_add_data_func(path, &rule_cases[i], test_update_rule);
    g_free(path);
  }
  g_test_add_func("/optimizers/adamw-decay", test_adamw_decay);
  add_per_optimizer("max-iter", optimizers, test_max_iter);
  add_per_optimizer("tol", optimizers, test_tol);
  add_per_optimizer("determinism", optimizers, test_determinism);
  g_test_add_func("/optimizers/no-rng", test_no_rng);
  add_per_optimizer("rel-tol", optimizers, test_rel_tol);
  add_per_optimizer("early-stopping", optimizers, test_early_stopping);
  add_per_optimizer("validation-progress", optimizers, test_validation_progress);
  add_per_optimizer("monitor-stop", optimizers, test_monitor_stop);
  g_test_add_func("/optimizers/divergence", test_divergence);
  g_test_add_func("/optimizers/bounds/rosenbrock", test_bounds_rosenbrock);
  add_cases("bounds/least-squares", bounded_cases, G_N_ELEMENTS(bounded_cases),
            test_bounds_least_squares);
  g_test_add_func("/optimizers/bounds/cg-refuses", test_cg_refuses_bounds);
  g_test_add_func("/optimizers/bad-params", test_bad_params);
  return g_test_run();
}
