/* test-functions.c — the activation and cost plugins, through the host services.
 *
 * Every activation's backward is checked against central differences of Σ dA ⊙ f(Z), which for
 * softmax is the full Jacobian-vector product Jᵀ dA, not just its diagonal; every cost's
 * gradient against central differences of its value. Closed-form values pin the formulas (the
 * exact erf form of gelu, the clipping of the cross-entropies), in-place calls must agree with
 * out-of-place ones, and each cost refuses targets (and, for the cross-entropies, predictions)
 * outside its domain with an error that names the row.
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include <plum/plum.h>

#include "plugin-util.h"

static PlumRegistry *registry;

#define ROWS 4
#define COLS 5

static PlumBinding *
bind_yaml(PlumComponentKind kind, const char *yaml)
{
  GError *error = NULL;
  PlumBinding *b = test_bind(registry, kind, "component", yaml, &error);
  g_assert_no_error(error);
  return b;
}

/* Uniform on [lo, hi), away from the kinks at 0 of relu-like activations and absolute costs. */
static void
fill_uniform(PlumRng *rng, double *x, size_t n, double lo, double hi)
{
  for (size_t i = 0; i < n; i++) {
    do
      x[i] = lo + (hi - lo) * plum_rng_uniform(rng);
    while (fabs(x[i]) < 0.05);
  }
}

/* Activations -------------------------------------------------------------------------------- */

static const char *const activation_yaml[] = {
    "identity",
    "tanh",
    "relu",
    "{name: leaky_relu, slope: 0.2}",
    "{name: elu, alpha: 0.7}",
    "softplus",
    "exp",
    "gelu",
    "softmax",
    "sigmoid",
};

static double
weighted_output(const PlumBinding *act, const double *z, const double *w)
{
  double zc[ROWS * COLS], a[ROWS * COLS], total = 0;
  memcpy(zc, z, sizeof zc);
  PlumMatrix Z = plum_matrix_view(zc, ROWS, COLS, 0), A = plum_matrix_view(a, ROWS, COLS, 0);
  plum_activation_forward(act, &Z, &A);
  for (size_t i = 0; i < ROWS * COLS; i++)
    total += w[i] * a[i];
  return total;
}

/* Z uniform on [-scale, scale) and dA on [-1, 1) from `seed`; A = f(Z) and dZ = Jᵀ dA. */
static void
activation_sample(const PlumBinding *act, guint64 seed, double scale, double *z, double *a,
                  double *da, double *dz)
{
  PlumRng *rng = plum_rng_new(seed);
  fill_uniform(rng, z, ROWS * COLS, -scale, scale);
  fill_uniform(rng, da, ROWS * COLS, -1, 1);
  plum_rng_free(rng);
  PlumMatrix Z = plum_matrix_view(z, ROWS, COLS, 0), A = plum_matrix_view(a, ROWS, COLS, 0);
  PlumMatrix dA = plum_matrix_view(da, ROWS, COLS, 0), dZ = plum_matrix_view(dz, ROWS, COLS, 0);
  plum_activation_forward(act, &Z, &A);
  plum_activation_backward(act, &Z, &A, &dA, &dZ);
}

/* dZ = Jᵀ dA against ∂/∂z_k Σ dA ⊙ f(Z), element by element. */
static void
check_activation_backward(const char *yaml)
{
  PlumBinding *act = bind_yaml(PLUM_KIND_ACTIVATION, yaml);
  double z[ROWS * COLS], a[ROWS * COLS], da[ROWS * COLS], dz[ROWS * COLS];
  activation_sample(act, 7, 2, z, a, da, dz);
  for (size_t k = 0; k < ROWS * COLS; k++) {
    double saved = z[k], h = 1e-6;
    z[k] = saved + h;
    double up = weighted_output(act, z, da);
    z[k] = saved - h;
    double down = weighted_output(act, z, da);
    z[k] = saved;
    double numeric = (up - down) / (2 * h);
    if (!(fabs(numeric - dz[k]) <= 1e-7 * fmax(1.0, fabs(numeric))))
      g_error("%s: dZ[%zu] = %.12g, central difference %.12g", yaml, k, dz[k], numeric);
  }
  plum_binding_free(act);
}

static void
test_activation_gradients(void)
{
  for (size_t i = 0; i < G_N_ELEMENTS(activation_yaml); i++)
    check_activation_backward(activation_yaml[i]);
}

/* A may alias Z and dZ may alias dA: the in-place results equal the out-of-place ones. */
static void
check_activation_in_place(const char *yaml)
{
  PlumBinding *act = bind_yaml(PLUM_KIND_ACTIVATION, yaml);
  double z[ROWS * COLS], a[ROWS * COLS], da[ROWS * COLS], dz[ROWS * COLS], buf[ROWS * COLS];
  activation_sample(act, 11, 3, z, a, da, dz);
  PlumMatrix Z = plum_matrix_view(z, ROWS, COLS, 0), A = plum_matrix_view(a, ROWS, COLS, 0);
  PlumMatrix B = plum_matrix_view(buf, ROWS, COLS, 0);
  memcpy(buf, z, sizeof buf);
  plum_activation_forward(act, &B, &B);
  g_assert_cmpmem(buf, sizeof buf, a, sizeof a);
  memcpy(buf, da, sizeof buf);
  plum_activation_backward(act, &Z, &A, &B, &B);
  g_assert_cmpmem(buf, sizeof buf, dz, sizeof dz);
  plum_binding_free(act);
}

static void
test_activation_in_place(void)
{
  for (size_t i = 0; i < G_N_ELEMENTS(activation_yaml); i++)
    check_activation_in_place(activation_yaml[i]);
}

static double
activate_one(const char *yaml, double z)
{
  PlumBinding *act = bind_yaml(PLUM_KIND_ACTIVATION, yaml);
  double a;
  PlumMatrix Z = plum_matrix_view(&z, 1, 1, 0), A = plum_matrix_view(&a, 1, 1, 0);
  plum_activation_forward(act, &Z, &A);
  plum_binding_free(act);
  return a;
}

static void
test_activation_values(void)
{
  static const struct {
    const char *yaml;
    double z, want;
  } cases[] = {
      {"identity", -1.5, -1.5},
      {"tanh", 0.5, 0.46211715726000974},
      {"relu", -2.0, 0.0},
      {"relu", 3.0, 3.0},
      {"leaky_relu", -2.0, -0.02}, /* default slope 0.01 */
      {"{name: leaky_relu, slope: 0.3}", -2.0, -0.6},
      {"elu", -1.0, -0.63212055882855767},
      {"{name: elu, alpha: 2}", -1.0, -1.2642411176571153},
      {"softplus", 0.0, 0.69314718055994531},
      {"softplus", 800.0, 800.0},
      {"softplus", -800.0, 0.0},
      {"exp", 1.0, 2.7182818284590451},
      {"gelu", 1.0, 0.84134474606854293}, /* Φ(1): the erf form */
      {"gelu", -1.0, -0.15865525393145707},
      {"softmax", 123.0, 1.0},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    double got = activate_one(cases[i].yaml, cases[i].z);
    if (!(fabs(got - cases[i].want) <= 1e-15 * fmax(1.0, fabs(cases[i].want))))
      g_error("%s(%g) = %.17g, want %.17g", cases[i].yaml, cases[i].z, got, cases[i].want);
  }
}

/* Huge scores neither overflow nor lose the distribution; rows are independent. */
static void
test_softmax_stable(void)
{
  PlumBinding *act = bind_yaml(PLUM_KIND_ACTIVATION, "softmax");
  double z[] = {1000, 1001, 999, -1000, -1001, -999};
  double a[6];
  PlumMatrix Z = plum_matrix_view(z, 2, 3, 0), A = plum_matrix_view(a, 2, 3, 0);
  plum_activation_forward(act, &Z, &A);
  double e1 = exp(1.0), em1 = exp(-1.0), s = 1 + e1 + em1;
  const double want[] = {1 / s, e1 / s, em1 / s, 1 / s, em1 / s, e1 / s};
  for (size_t i = 0; i < 6; i++)
    g_assert_cmpfloat_with_epsilon(a[i], want[i], 1e-15);
  plum_binding_free(act);
}

/* Fused gradients are found through capability flags. */
static void
test_capabilities(void)
{
  static const struct {
    PlumComponentKind kind;
    const char *name;
    guint64 caps;
  } cases[] = {
      {PLUM_KIND_ACTIVATION, "softmax", PLUM_CAP_OUTPUT_SOFTMAX},
      {PLUM_KIND_ACTIVATION, "sigmoid", PLUM_CAP_OUTPUT_SIGMOID},
      {PLUM_KIND_ACTIVATION, "identity", 0},
      {PLUM_KIND_COST, "categorical_cross_entropy", PLUM_CAP_FUSES_SOFTMAX},
      {PLUM_KIND_COST, "binary_cross_entropy", PLUM_CAP_FUSES_SIGMOID},
      {PLUM_KIND_COST, "hinge", 0},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    const PlumComponent *c = plum_registry_find(registry, cases[i].kind, cases[i].name);
    g_assert_nonnull(c);
    g_assert_cmpuint(plum_component_caps(c), ==, cases[i].caps);
  }
}

/* Costs ------------------------------------------------------------------------------------ */

typedef enum {
  TARGETS_REAL,         /* any real */
  TARGETS_PROBABILITY,  /* in (0, 1) */
  TARGETS_DISTRIBUTION, /* one-hot rows */
  TARGETS_SIGN,         /* -1, 0 or 1 */
} TargetKind;

typedef struct {
  const char *yaml;
  TargetKind targets;
  gboolean probabilities; /* predictions must be in (0, 1) */
} CostCase;

static const CostCase cost_cases[] = {
    {"mse", TARGETS_REAL, FALSE},
    {"mae", TARGETS_REAL, FALSE},
    {"huber", TARGETS_REAL, FALSE},
    {"{name: huber, delta: 0.3}", TARGETS_REAL, FALSE},
    {"binary_cross_entropy", TARGETS_PROBABILITY, TRUE},
    {"categorical_cross_entropy", TARGETS_DISTRIBUTION, TRUE},
    {"hinge", TARGETS_SIGN, FALSE},
};

static void
fill_targets(PlumRng *rng, TargetKind kind, double *t)
{
  for (size_t i = 0; i < ROWS; i++) {
    for (size_t j = 0; j < COLS; j++) {
      double *v = &t[i * COLS + j];
      switch (kind) {
      case TARGETS_REAL:
        *v = 4 * plum_rng_uniform(rng) - 2;
        break;
      case TARGETS_PROBABILITY:
        *v = plum_rng_uniform(rng);
        break;
      case TARGETS_DISTRIBUTION:
        *v = j == i % COLS ? 1.0 : 0.0;
        break;
      case TARGETS_SIGN:
        *v = (double)plum_rng_below(rng, 3) - 1.0;
        break;
      }
    }
  }
}

static double
cost_value(const PlumBinding *cost, double *p, double *t)
{
  GError *error = NULL;
  PlumMatrix P = plum_matrix_view(p, ROWS, COLS, 0), T = plum_matrix_view(t, ROWS, COLS, 0);
  double value = NAN;
  g_assert_true(plum_cost_loss(cost, &P, &T, &value, NULL, &error));
  g_assert_no_error(error);
  return value;
}

static void
check_cost_gradient(const CostCase *c)
{
  GError *error = NULL;
  PlumBinding *cost = bind_yaml(PLUM_KIND_COST, c->yaml);
  PlumRng *rng = plum_rng_new(3);
  double p[ROWS * COLS], t[ROWS * COLS], g[ROWS * COLS];
  if (c->probabilities)
    fill_uniform(rng, p, ROWS * COLS, 0.1, 0.9);
  else
    fill_uniform(rng, p, ROWS * COLS, -2, 2);
  fill_targets(rng, c->targets, t);
  PlumMatrix P = plum_matrix_view(p, ROWS, COLS, 0), T = plum_matrix_view(t, ROWS, COLS, 0);
  PlumMatrix G = plum_matrix_view(g, ROWS, COLS, 0);
  double value;
  g_assert_true(plum_cost_loss(cost, &P, &T, &value, &G, &error));
  g_assert_no_error(error);
  g_assert_cmpfloat(value, ==, cost_value(cost, p, t));
  for (size_t k = 0; k < ROWS * COLS; k++) {
    double saved = p[k], h = 1e-6;
    p[k] = saved + h;
    double up = cost_value(cost, p, t);
    p[k] = saved - h;
    double down = cost_value(cost, p, t);
    p[k] = saved;
    double numeric = (up - down) / (2 * h);
    if (!(fabs(numeric - g[k]) <= 1e-7 * fmax(1.0, fabs(numeric))))
      g_error("%s: G[%zu] = %.12g, central difference %.12g", c->yaml, k, g[k], numeric);
  }
  plum_rng_free(rng);
  plum_binding_free(cost);
}

static void
test_cost_gradients(void)
{
  for (size_t i = 0; i < G_N_ELEMENTS(cost_cases); i++)
    check_cost_gradient(&cost_cases[i]);
}

static double
cost_of(const char *yaml, const double *p, const double *t, size_t rows, size_t cols)
{
  GError *error = NULL;
  PlumBinding *cost = bind_yaml(PLUM_KIND_COST, yaml);
  PlumMatrix P = plum_matrix_view((double *)p, rows, cols, 0);
  PlumMatrix T = plum_matrix_view((double *)t, rows, cols, 0);
  double value = NAN;
  g_assert_true(plum_cost_loss(cost, &P, &T, &value, NULL, &error));
  g_assert_no_error(error);
  plum_binding_free(cost);
  return value;
}

/* Sums over rows and columns of the textbook formulas. */
static void
test_cost_values(void)
{
  const double p[] = {0.5, -1.0, 3.0, 0.25};
  const double t[] = {1.5, 1.0, 0.0, 0.25};
  g_assert_cmpfloat_with_epsilon(cost_of("mae", p, t, 2, 2), 1 + 2 + 3, 1e-15);
  /* δ = 1: ½·1², 1·(2 − ½), 1·(3 − ½), 0 */
  g_assert_cmpfloat_with_epsilon(cost_of("huber", p, t, 2, 2), 0.5 + 1.5 + 2.5, 1e-15);
  g_assert_cmpfloat_with_epsilon(cost_of("{name: huber, delta: 10}", p, t, 2, 2), 0.5 * (1 + 4 + 9),
                                 1e-15);

  const double q[] = {0.8, 0.3};
  const double y[] = {1.0, 0.0};
  g_assert_cmpfloat_with_epsilon(cost_of("binary_cross_entropy", q, y, 2, 1), -log(0.8) - log(0.7),
                                 1e-15);
  const double dist[] = {0.2, 0.7, 0.1, 0.5, 0.25, 0.25};
  const double onehot[] = {0, 1, 0, 1, 0, 0};
  g_assert_cmpfloat_with_epsilon(cost_of("categorical_cross_entropy", dist, onehot, 2, 3),
                                 -log(0.7) - log(0.5), 1e-15);

  /* margins 1 − s p: 1 − 0.5, 1 − (−1)(−1) = 0, 1 − (−1)(3) = 4 (target 0 is −1), 1 − 0.25 */
  const double s[] = {1, -1, 0, 1};
  g_assert_cmpfloat_with_epsilon(cost_of("hinge", p, s, 2, 2), 0.5 + 0 + 4 + 0.75, 1e-15);
}

/* A saturated probability costs a large finite amount (clipped at machine epsilon). */
static void
test_cross_entropy_clipped(void)
{
  const double p[] = {0.0, 1.0};
  const double t[] = {1.0, 0.0};
  double bce = cost_of("binary_cross_entropy", p, t, 2, 1);
  g_assert_true(isfinite(bce));
  g_assert_cmpfloat_with_epsilon(bce, -2 * log(DBL_EPSILON), 1e-9);
  const double row[] = {0.0, 1.0};
  const double hot[] = {1.0, 0.0};
  g_assert_true(isfinite(cost_of("categorical_cross_entropy", row, hot, 1, 2)));
}

static void
assert_cost_refuses(const char *yaml, const double *p, const double *t, size_t rows, size_t cols,
                    gint code, const char *fragment)
{
  GError *error = NULL;
  PlumBinding *cost = bind_yaml(PLUM_KIND_COST, yaml);
  PlumMatrix P = plum_matrix_view((double *)p, rows, cols, 0);
  PlumMatrix T = plum_matrix_view((double *)t, rows, cols, 0);
  double value = 0, g[8];
  PlumMatrix G = plum_matrix_view(g, rows, cols, 0);
  g_assert_false(plum_cost_loss(cost, &P, &T, &value, &G, &error));
  g_assert_error(error, PLUM_DATA_ERROR, code);
  if (strstr(error->message, fragment) == NULL)
    g_error("%s: message '%s' lacks '%s'", yaml, error->message, fragment);
  g_error_free(error);
  plum_binding_free(cost);
}

static void
test_cost_domains(void)
{
  const double half[] = {0.5, 0.5, 0.5, 0.5};
  const double bad_prob[] = {0.5, 1.5, 0.5, 0.5};
  const double negative[] = {0.5, 0.5, -0.2, 0.5};
  const double not_dist[] = {1, 0, 1, 1};
  const double onehot[] = {1, 0, 0, 1};
  const double not_sign[] = {1, -1, 0.5, 0};
  const double nan_t[] = {0, NAN, 0, 0};
  assert_cost_refuses("binary_cross_entropy", half, bad_prob, 2, 2, PLUM_DATA_ERROR_INVALID,
                      "row 0 (counting from 0), column 1");
  assert_cost_refuses("binary_cross_entropy", negative, half, 2, 2, PLUM_DATA_ERROR_INVALID,
                      "prediction -0.2");
  assert_cost_refuses("categorical_cross_entropy", half, not_dist, 2, 2, PLUM_DATA_ERROR_INVALID,
                      "row 1 (counting from 0) sum to 2");
  assert_cost_refuses("categorical_cross_entropy", negative, onehot, 2, 2, PLUM_DATA_ERROR_INVALID,
                      "sigmoid or softmax");
  assert_cost_refuses("hinge", half, not_sign, 2, 2, PLUM_DATA_ERROR_INVALID, "target 0.5");
  assert_cost_refuses("mae", half, nan_t, 2, 2, PLUM_DATA_ERROR_NONFINITE, "targets");
  assert_cost_refuses("huber", half, nan_t, 2, 2, PLUM_DATA_ERROR_NONFINITE, "targets");
}

/* Targets or a gradient matrix of the wrong shape are refused before anything is written. */
static void
test_cost_shapes(void)
{
  GError *error = NULL;
  PlumBinding *cost = bind_yaml(PLUM_KIND_COST, "hinge");
  double p[4] = {0}, t[4] = {1, 1, 1, 1}, g[2], value;
  PlumMatrix P = plum_matrix_view(p, 2, 2, 0), T = plum_matrix_view(t, 2, 2, 0);
  PlumMatrix G = plum_matrix_view(g, 1, 2, 0), T_wide = plum_matrix_view(t, 1, 4, 0);
  g_assert_false(plum_cost_loss(cost, &P, &T, &value, &G, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE);
  g_clear_error(&error);
  g_assert_false(plum_cost_loss(cost, &P, &T_wide, &value, NULL, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE);
  g_error_free(error);
  plum_binding_free(cost);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  GError *error = NULL;
  registry = plum_registry_get_default(&error);
  g_assert_no_error(error);

  g_test_add_func("/functions/activations/gradients", test_activation_gradients);
  g_test_add_func("/functions/activations/in-place", test_activation_in_place);
  g_test_add_func("/functions/activations/values", test_activation_values);
  g_test_add_func("/functions/activations/softmax-stable", test_softmax_stable);
  g_test_add_func("/functions/capabilities", test_capabilities);
  g_test_add_func("/functions/costs/gradients", test_cost_gradients);
  g_test_add_func("/functions/costs/values", test_cost_values);
  g_test_add_func("/functions/costs/cross-entropy-clipped", test_cross_entropy_clipped);
  g_test_add_func("/functions/costs/domains", test_cost_domains);
  g_test_add_func("/functions/costs/shapes", test_cost_shapes);
  return g_test_run();
}
