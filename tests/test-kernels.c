/* test-kernels.c — every kernel plugin, loaded through PLUM_PLUGIN_PATH and driven only through
 * the host services (plum_kernel_eval, _gram, _gram_gradient, _diag).
 *
 * Known values at x = [1, 2, 3], y = [3, 4, 5] (‖x − y‖² = 12, xᵀy = 26) from the closed forms;
 * the batched Gram matrices (symmetric and cross) against pointwise evaluation; diagonals; the
 * analytic Gram gradients against central differences in the learnable (log-)parameters as the
 * binder packs them, for every kernel and for composites nested three deep; the packing order
 * of composites; ARD width errors; and schema errors a user can make in composite syntax.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <plum/plum.h>

#include "plugin-util.h"

static PlumRegistry *registry;

/* Every kernel plugin at hyperparameters away from their defaults and bounds (an offset of 0
 * would sit on its bound, where a central difference cannot step). */
static const char *const all_kernels[] = {
    "{squared_exponential: {length_scale: 0.7, variance: 1.3}}",
    "{squared_exponential: {length_scales: [0.5, 1.2, 2.0], variance: 0.8}}",
    "{exponential: {length_scale: 1.4, variance: 0.6}}",
    "{matern32: {length_scale: 0.9, variance: 1.7}}",
    "{matern52: {length_scale: 1.1, variance: 0.4}}",
    "{rational_quadratic: {length_scale: 0.8, alpha: 1.6, variance: 1.2}}",
    "{periodic: {length_scale: 0.9, periodicity: 2.5, variance: 1.1}}",
    "{multiquadric: {c: 1.5}}",
    "{linear: {offset: 0.4}}",
    "{polynomial: {scale: 0.3, offset: 0.7, degree: 3}}",
    "{hyperbolic_tangent: {scale: 0.2, offset: -0.3}}",
    "{constant: {value: 2.5}}",
    "{white_noise: {level: 0.3}}",
    "{sum: {kernels: [{product: {kernels: [{constant: {value: 2}}, "
    "{squared_exponential: {length_scale: 0.5}}]}}, {white_noise: {level: 0.01}}]}}",
    "{scale: {kernel: {sum: {kernels: [{product: {kernels: [matern52, "
    "{rational_quadratic: {alpha: 0.7}}, {linear: {offset: 0.2}}]}}, "
    "{periodic: {periodicity: 1.7}}]}}, factor: 0.6}}",
    "{product: {kernels: [{scale: {kernel: exponential, factor: 1.9}}, constant, white_noise]}}",
};

static PlumBinding *
bind_kernel_checked(const char *yaml, GError **error)
{
  return test_bind(registry, PLUM_KIND_KERNEL, "kernel", yaml, error);
}

static PlumBinding *
bind_kernel(const char *yaml)
{
  GError *error = NULL;
  PlumBinding *b = bind_kernel_checked(yaml, &error);
  g_assert_no_error(error);
  return b;
}

static PlumMatrix *
random_matrix(PlumRng *rng, size_t rows, size_t cols)
{
  GError *error = NULL;
  PlumMatrix *m = plum_matrix_new(rows, cols, &error);
  g_assert_no_error(error);
  for (size_t i = 0; i < rows * cols; i++)
    m->data[i] = plum_rng_normal(rng);
  return m;
}

static PlumMatrix *
new_matrix(size_t rows, size_t cols)
{
  GError *error = NULL;
  PlumMatrix *m = plum_matrix_new(rows, cols, &error);
  g_assert_no_error(error);
  return m;
}

static void
assert_close(double got, double want, double rel, const char *what)
{
  if (!(fabs(got - want) <= rel * fmax(1.0, fabs(want))))
    g_error("%s: got %.17g, want %.17g (tolerance %g)", what, got, want, rel);
}

/* Known values ------------------------------------------------------------------------------ */

static void
test_known_values(void)
{
  static const struct {
    const char *yaml;
    double value;
  } cases[] = {
      {"{squared_exponential: {length_scale: 2}}", 0.22313016014842982},
      {"{squared_exponential: {length_scales: [2, 2, 2]}}", 0.22313016014842982},
      {"{exponential: {length_scale: 2}}", 0.17692120631776423},
      {"{matern32: {length_scale: 2}}", 0.19914827347145583},
      {"{matern52: {length_scale: 2}}", 0.20532087608359795},
      {"{rational_quadratic: {length_scale: 2, alpha: 2}}", 0.32653061224489793},
      {"{periodic: {length_scale: 1, periodicity: 4}}", 0.7161475367051843},
      {"{multiquadric: {c: 2}}", 4},
      {"{linear: {offset: 1}}", 27},
      {"{polynomial: {scale: 1, offset: 0, degree: 2}}", 676},
      {"{hyperbolic_tangent: {scale: 0.01, offset: -0.1}}", 0.1586485042974989},
      {"{constant: {value: 2.5}}", 2.5},
      {"{white_noise: {level: 0.3}}", 0},
      {"{sum: {kernels: [constant, linear]}}", 27},
      {"{product: {kernels: [{constant: {value: 2}}, {polynomial: {degree: 2}}]}}", 1352},
      {"{scale: {kernel: {squared_exponential: {length_scale: 2}}, factor: 3}}",
       3 * 0.22313016014842982},
  };
  const double x[] = {1, 2, 3}, y[] = {3, 4, 5};
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    PlumBinding *k = bind_kernel(cases[i].yaml);
    assert_close(plum_kernel_eval(k, x, y, 3), cases[i].value, 1e-14, cases[i].yaml);
    plum_binding_free(k);
  }
  /* white noise is a property of the point, not of its coordinates */
  PlumBinding *white = bind_kernel("{white_noise: {level: 0.3}}");
  double x_copy[] = {1, 2, 3};
  g_assert_cmpfloat(plum_kernel_eval(white, x, x, 3), ==, 0.3);
  g_assert_cmpfloat(plum_kernel_eval(white, x, x_copy, 3), ==, 0.0);
  plum_binding_free(white);
}

/* Gram matrices against pointwise evaluation ---------------------------------------------------
 */

static void
assert_gram_pointwise(const PlumBinding *k, const PlumMatrix *X, const PlumMatrix *Y,
                      const PlumMatrix *K, const char *what)
{
  const PlumMatrix *B = Y ? Y : X;
  for (size_t i = 0; i < X->rows; i++)
    for (size_t j = 0; j < B->rows; j++)
      assert_close(PLUM_MATRIX_AT(K, i, j),
                   plum_kernel_eval(k, PLUM_MATRIX_ROW(X, i), PLUM_MATRIX_ROW(B, j), X->cols),
                   1e-12, what);
}

static void
check_gram(const char *yaml, PlumRng *rng)
{
  GError *error = NULL;
  PlumBinding *k = bind_kernel(yaml);
  PlumMatrix *X = random_matrix(rng, 9, 3), *Y = random_matrix(rng, 5, 3);
  PlumMatrix *K = new_matrix(9, 9), *C = new_matrix(9, 5);
  g_assert_true(plum_kernel_gram(k, X, NULL, K, &error));
  g_assert_true(plum_kernel_gram(k, X, Y, C, &error));
  g_assert_no_error(error);
  assert_gram_pointwise(k, X, NULL, K, yaml);
  assert_gram_pointwise(k, X, Y, C, yaml);
  double diag[9];
  plum_kernel_diag(k, X, diag);
  for (size_t i = 0; i < 9; i++) {
    assert_close(diag[i], PLUM_MATRIX_AT(K, i, i), 1e-14, yaml);
    for (size_t j = 0; j < i; j++)
      g_assert_cmpfloat(PLUM_MATRIX_AT(K, i, j), ==, PLUM_MATRIX_AT(K, j, i));
  }
  plum_matrix_free(K);
  plum_matrix_free(C);
  plum_matrix_free(X);
  plum_matrix_free(Y);
  plum_binding_free(k);
}

static void
test_gram_pointwise(void)
{
  PlumRng *rng = plum_rng_new(11);
  for (size_t i = 0; i < G_N_ELEMENTS(all_kernels); i++)
    check_gram(all_kernels[i], rng);
  plum_rng_free(rng);
}

/* A view of rows of a wider buffer: kernels must honour the leading dimension. */
static void
test_gram_strided(void)
{
  GError *error = NULL;
  PlumRng *rng = plum_rng_new(3);
  PlumMatrix *wide = random_matrix(rng, 7, 5);
  PlumMatrix X = plum_matrix_view(wide->data, 7, 3, 5);
  PlumMatrix *Kbuf = new_matrix(7, 10), *Kc = new_matrix(7, 7);
  PlumMatrix K = plum_matrix_view(Kbuf->data, 7, 7, 10);
  for (size_t i = 0; i < G_N_ELEMENTS(all_kernels); i++) {
    PlumBinding *k = bind_kernel(all_kernels[i]);
    PlumMatrix *Xc = plum_matrix_copy(&X, &error);
    g_assert_true(plum_kernel_gram(k, &X, NULL, &K, &error));
    g_assert_true(plum_kernel_gram(k, Xc, NULL, Kc, &error));
    g_assert_no_error(error);
    for (size_t r = 0; r < 7; r++)
      for (size_t c = 0; c < 7; c++)
        g_assert_cmpfloat(PLUM_MATRIX_AT(&K, r, c), ==, PLUM_MATRIX_AT(Kc, r, c));
    plum_matrix_free(Xc);
    plum_binding_free(k);
  }
  plum_matrix_free(Kbuf);
  plum_matrix_free(Kc);
  plum_matrix_free(wide);
  plum_rng_free(rng);
}

/* Gradients against central differences ----------------------------------------------------- */

static PlumMatrix *
new_gradients(size_t p, size_t n, double **block)
{
  *block = g_new0(double, MAX(p, 1) * n * n);
  PlumMatrix *dK = g_new(PlumMatrix, MAX(p, 1));
  for (size_t q = 0; q < p; q++)
    dK[q] = plum_matrix_view(*block + q * n * n, n, n, 0);
  return dK;
}

static void
check_gram_gradient(const char *yaml, PlumRng *rng)
{
  GError *error = NULL;
  const size_t n = 8;
  const double h = 1e-6;
  PlumBinding *k = bind_kernel(yaml), *work = plum_binding_copy(k);
  size_t p = plum_binding_n_learnable(k);
  g_assert_cmpuint(p, >=, 1);
  PlumMatrix *X = random_matrix(rng, n, 3), *K = new_matrix(n, n);
  PlumMatrix *Kp = new_matrix(n, n), *Km = new_matrix(n, n);
  double *block, *theta = g_new(double, p), *t = g_new(double, p);
  PlumMatrix *dK = new_gradients(p, n, &block);
  g_assert_true(plum_kernel_gram(k, X, NULL, K, &error));
  g_assert_true(plum_kernel_gram_gradient(k, X, K, dK, &error));
  g_assert_no_error(error);
  plum_binding_get_learnable(k, theta, NULL, NULL);
  for (size_t q = 0; q < p; q++) {
    memcpy(t, theta, p * sizeof *t);
    t[q] = theta[q] + h;
    plum_binding_set_learnable(work, t);
    g_assert_true(plum_kernel_gram(work, X, NULL, Kp, &error));
    t[q] = theta[q] - h;
    plum_binding_set_learnable(work, t);
    g_assert_true(plum_kernel_gram(work, X, NULL, Km, &error));
    for (size_t i = 0; i < n * n; i++) {
      char what[512];
      g_snprintf(what, sizeof what, "%s: dK[%zu] entry %zu", yaml, q, i);
      assert_close(dK[q].data[i], (Kp->data[i] - Km->data[i]) / (2 * h), 1e-6, what);
    }
  }
  g_free(block);
  g_free(dK);
  g_free(theta);
  g_free(t);
  plum_matrix_free(K);
  plum_matrix_free(Kp);
  plum_matrix_free(Km);
  plum_matrix_free(X);
  plum_binding_free(work);
  plum_binding_free(k);
}

static void
test_gram_gradient(void)
{
  PlumRng *rng = plum_rng_new(5);
  for (size_t i = 0; i < G_N_ELEMENTS(all_kernels); i++)
    check_gram_gradient(all_kernels[i], rng);
  plum_rng_free(rng);
}

/* The core falls back to finite differences for a kernel without gram_gradient, which would
 * make the test above compare finite differences with themselves: every kernel has the slots. */
static void
test_vtable_slots(void)
{
  static const char *const names[] = {
      "squared_exponential",
      "exponential",
      "matern32",
      "matern52",
      "rational_quadratic",
      "periodic",
      "multiquadric",
      "linear",
      "polynomial",
      "hyperbolic_tangent",
      "constant",
      "white_noise",
      "sum",
      "product",
      "scale",
  };
  for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
    GError *error = NULL;
    const PlumComponent *c = plum_registry_lookup(registry, PLUM_KIND_KERNEL, names[i], &error);
    g_assert_no_error(error);
    const PlumKernelVTable *vt = plum_component_vtable(c);
    g_assert_nonnull(vt->gram);
    g_assert_nonnull(vt->gram_gradient);
    g_assert_nonnull(vt->diag);
  }
}

/* Composites pack their children's hyperparameters depth first, in list order, then their own. */
static void
test_learnable_order(void)
{
  PlumBinding *k = bind_kernel(
      "{scale: {kernel: {sum: {kernels: [{product: {kernels: [{constant: {value: 2}}, "
      "{squared_exponential: {length_scale: 0.5, variance: 3}}]}}, {white_noise: {level: "
      "0.01}}]}}, factor: 7}}");
  const double want[] = {log(2), log(0.5), log(3), log(0.01), log(7)};
  double theta[5], lower[5], upper[5];
  g_assert_cmpuint(plum_binding_n_learnable(k), ==, 5);
  plum_binding_get_learnable(k, theta, lower, upper);
  for (size_t q = 0; q < 5; q++) {
    assert_close(theta[q], want[q], 1e-15, "theta");
    assert_close(lower[q], log(1e-5), 1e-15, "lower");
    assert_close(upper[q], log(1e5), 1e-15, "upper");
  }
  plum_binding_free(k);

  /* non-log offsets are packed as they are, and bounded below by 0 */
  PlumBinding *poly = bind_kernel("{polynomial: {scale: 2, offset: 0.5}}");
  plum_binding_get_learnable(poly, theta, lower, upper);
  assert_close(theta[0], log(2), 1e-15, "scale");
  g_assert_cmpfloat(theta[1], ==, 0.5);
  g_assert_cmpfloat(lower[1], ==, 0.0);
  plum_binding_free(poly);
}

/* Errors ------------------------------------------------------------------------------------- */

static void
test_ard_width(void)
{
  GError *error = NULL;
  PlumRng *rng = plum_rng_new(2);
  PlumBinding *k = bind_kernel("{squared_exponential: {length_scales: [1, 2]}}");
  g_assert_cmpuint(plum_binding_n_learnable(k), ==, 4);
  PlumMatrix *X = random_matrix(rng, 4, 3), *K = new_matrix(4, 4);
  g_assert_true(isnan(plum_kernel_eval(k, X->data, X->data, 3)));
  g_assert_false(plum_kernel_gram(k, X, NULL, K, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE);
  g_assert_nonnull(strstr(error->message, "length_scales has 2 entries"));
  g_clear_error(&error);

  double *block;
  PlumMatrix *dK = new_gradients(4, 4, &block);
  g_assert_false(plum_kernel_gram_gradient(k, X, K, dK, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE);
  g_clear_error(&error);
  /* inside a composite the child's error comes back through the parent */
  PlumBinding *sum = bind_kernel("{sum: {kernels: [constant, {squared_exponential: "
                                 "{length_scales: [1, 2]}}]}}");
  g_assert_false(plum_kernel_gram(sum, X, NULL, K, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE);
  g_clear_error(&error);
  g_free(block);
  g_free(dK);
  plum_binding_free(sum);
  plum_binding_free(k);
  plum_matrix_free(X);
  plum_matrix_free(K);
  plum_rng_free(rng);
}

static void
test_schema_errors(void)
{
  static const struct {
    const char *yaml;
    gint code;
    const char *message;
  } cases[] = {
      {"{sum: {kernels: [constant]}}", PLUM_CONFIG_ERROR_RANGE, "kernel.kernels"},
      {"sum", PLUM_CONFIG_ERROR_MISSING, "kernels"},
      {"scale", PLUM_CONFIG_ERROR_MISSING, "kernel"},
      {"{product: {kernels: [constant, {squared_exponentail: {}}]}}", PLUM_CONFIG_ERROR_COMPONENT,
       "squared_exponentail"},
      {"{squared_exponential: {length_scale: -1}}", PLUM_CONFIG_ERROR_RANGE, "length_scale"},
      {"{squared_exponential: {length_scales: [1, 0]}}", PLUM_CONFIG_ERROR_RANGE, "length_scales"},
      {"{polynomial: {degree: 0}}", PLUM_CONFIG_ERROR_RANGE, "degree"},
      {"{linear: {offset: -1}}", PLUM_CONFIG_ERROR_RANGE, "offset"},
      {"{scale: {kernel: white_noise, factor: 0}}", PLUM_CONFIG_ERROR_RANGE, "factor"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    GError *error = NULL;
    PlumBinding *b = bind_kernel_checked(cases[i].yaml, &error);
    g_assert_null(b);
    g_assert_error(error, PLUM_CONFIG_ERROR, cases[i].code);
    if (strstr(error->message, cases[i].message) == NULL)
      g_error("%s: message '%s' does not mention '%s'", cases[i].yaml, error->message,
              cases[i].message);
    g_error_free(error);
  }
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  GError *error = NULL;
  registry = plum_registry_get_default(&error);
  g_assert_no_error(error);

  g_test_add_func("/kernels/known-values", test_known_values);
  g_test_add_func("/kernels/gram-pointwise", test_gram_pointwise);
  g_test_add_func("/kernels/gram-strided", test_gram_strided);
  g_test_add_func("/kernels/gram-gradient", test_gram_gradient);
  g_test_add_func("/kernels/vtable-slots", test_vtable_slots);
  g_test_add_func("/kernels/learnable-order", test_learnable_order);
  g_test_add_func("/kernels/ard-width", test_ard_width);
  g_test_add_func("/kernels/schema-errors", test_schema_errors);
  return g_test_run();
}
