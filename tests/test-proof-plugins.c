/* test-proof-plugins.c — one real plugin of each kind, loaded and driven through the ABI.
 *
 * linear_regression, gd, squared_exponential, sigmoid, mse and normal are found through
 * PLUM_PLUGIN_PATH like any third-party module, bound from YAML by the core's binder and called
 * only through their vtables and the host services. Numbers are checked against scikit-learn
 * (tests/reference/linear_regression.py), closed forms, and central differences through the
 * core's gradient checker; every error path a user can reach is exercised.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <plum/plum.h>

#include "plugin-util.h"

static PlumRegistry *registry;

/* Helpers ------------------------------------------------------------------------------------ */

/* Binds `component: <yaml>`, so a bare name, a map with `name`, or a one-key map all work. */
static PlumBinding *
bind_component(PlumComponentKind kind, const char *yaml, GError **error)
{
  return test_bind(registry, kind, "component", yaml, error);
}

static PlumBinding *
bind_yaml(PlumComponentKind kind, const char *yaml)
{
  GError *error = NULL;
  PlumBinding *b = bind_component(kind, yaml, &error);
  g_assert_no_error(error);
  return b;
}

typedef TestModel Model;

static void
model_init(Model *m, const char *yaml)
{
  test_model_init(m, registry, "component", yaml);
}

static void
model_clear(Model *m)
{
  test_model_clear(m);
}

static PlumDataset *
load_diabetes(void)
{
  GError *error = NULL;
  PlumCsvOptions opts;
  plum_csv_options_init(&opts);
  opts.target = PLUM_TARGET_REAL;
  char *path = g_test_build_filename(G_TEST_DIST, "data", "diabetes.csv", NULL);
  PlumDataset *ds = plum_csv_read(path, &opts, &error);
  g_assert_no_error(error);
  g_free(path);
  g_assert_cmpuint(plum_dataset_n_rows(ds), ==, 442);
  g_assert_cmpuint(plum_dataset_n_features(ds), ==, 10);
  return ds;
}

static PlumFitData
fit_data(const PlumMatrix *X, const PlumMatrix *y, PlumRng *rng)
{
  return (PlumFitData){.struct_size = sizeof(PlumFitData), .X = X, .y = y, .rng = rng};
}

static void
assert_rel_close(const double *got, const double *want, size_t n, double tol)
{
  for (size_t i = 0; i < n; i++) {
    if (fabs(got[i] - want[i]) > tol * fabs(want[i]))
      g_error("element %zu: got %.17g, want %.17g (relative tolerance %g)", i, got[i], want[i],
              tol);
  }
}

static void
assert_abs_close(const double *got, const double *want, size_t n, double tol)
{
  for (size_t i = 0; i < n; i++) {
    if (!(fabs(got[i] - want[i]) <= tol))
      g_error("element %zu: got %.17g, want %.17g (absolute tolerance %g)", i, got[i], want[i],
              tol);
  }
}

/* The fitted coefficients (d x t) and intercept (t) as saved by the model. */
static PlumState *
saved_state(const Model *m)
{
  GError *error = NULL;
  PlumState *state = plum_state_new();
  g_assert_true(m->vt->save(m->self, state, &error));
  g_assert_no_error(error);
  return state;
}

static void
assert_fit_matches(const Model *m, const double *coef, double intercept, double tol)
{
  GError *error = NULL;
  PlumState *state = saved_state(m);
  const double *got = plum_state_get_reals(state, "coef", 10, 1, NULL, NULL, &error);
  g_assert_no_error(error);
  assert_rel_close(got, coef, 10, tol);
  got = plum_state_get_reals(state, "intercept", 1, 1, NULL, NULL, &error);
  g_assert_no_error(error);
  assert_rel_close(got, &intercept, 1, tol);
  plum_state_free(state);
}

/* The plugins load ---------------------------------------------------------------------------- */

static void
test_modules_accepted(void)
{
  static const struct {
    PlumComponentKind kind;
    const char *name;
  } expected[] = {
      {PLUM_KIND_MODEL, "linear_regression"},
      {PLUM_KIND_OPTIMIZER, "gd"},
      {PLUM_KIND_KERNEL, "squared_exponential"},
      {PLUM_KIND_ACTIVATION, "sigmoid"},
      {PLUM_KIND_COST, "mse"},
      {PLUM_KIND_FAMILY, "normal"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(expected); i++) {
    GError *error = NULL;
    const PlumComponent *c =
        plum_registry_lookup(registry, expected[i].kind, expected[i].name, &error);
    g_assert_no_error(error);
    const PlumModule *mod = plum_component_module(c);
    g_assert_null(plum_module_error(mod));
    g_assert_cmpstr(plum_module_name(mod), ==, expected[i].name);
    g_assert_cmpstr(plum_module_version(mod), ==, PACKAGE_VERSION);
  }
}

/* linear_regression against scikit-learn 1.2.1 ---------------------------------------------- */

/* Printed by tests/reference/linear_regression.py (scikit-learn 1.2.1, data/diabetes.csv). */
static const double ols_coef[] = {-0.036361224223623534, -22.85964809049835,  5.6029620919237022,
                                  1.1168079933181856,    -1.0899963340632226, 0.74645045551420885,
                                  0.37200471508913791,   6.5338319359903494,  68.483124964788274,
                                  0.2801169893214972};
static const double ols_intercept = -334.56713851878681;
static const double ridge1_coef[] = {
    -0.03285239685543126, -22.60704543227995,  5.6404052343656517,  1.1189975700485097,
    -0.91467348426988582, 0.58490982528817248, 0.17788523837880593, 6.2504417786615534,
    63.179080873617295,   0.28776690289978579};
static const double ridge1_intercept = -316.07711860428844;
static const double wls_coef[] = {-0.078666704954364272, -19.527219293086375, 5.5227529687534398,
                                  1.0209880889624632,    -1.2420550108641226, 0.89506959630692506,
                                  0.56985092335547749,   7.7207143638422462,  70.40490587818195,
                                  0.30654168577136343};
static const double wls_intercept = -340.08995594682295;

static void
fit_diabetes_against(const char *yaml, gboolean weighted, const double *coef, double intercept)
{
  GError *error = NULL;
  PlumDataset *ds = load_diabetes();
  PlumRng *rng = plum_rng_new(1);
  double w[442];
  for (size_t i = 0; i < G_N_ELEMENTS(w); i++)
    w[i] = 1.0 + (double)(i % 3);
  Model m;
  model_init(&m, yaml);
  PlumFitData fd = fit_data(ds->X, ds->y, rng);
  fd.sample_weight = weighted ? w : NULL;
  g_assert_true(m.vt->fit(m.self, &fd, &error));
  g_assert_no_error(error);
  assert_fit_matches(&m, coef, intercept, 1e-8);
  model_clear(&m);
  plum_rng_free(rng);
  plum_dataset_free(ds);
}

static void
test_ols_sklearn(void)
{
  fit_diabetes_against("{name: linear_regression}", FALSE, ols_coef, ols_intercept);
}

static void
test_ridge_sklearn(void)
{
  fit_diabetes_against("{name: linear_regression, alpha: 1}", FALSE, ridge1_coef, ridge1_intercept);
}

static void
test_weighted_sklearn(void)
{
  fit_diabetes_against("{name: linear_regression}", TRUE, wls_coef, wls_intercept);
}

/* OLS of ys on the columns of xs (6 x 3) through the closed form; the fitted coef
 * and intercept go to coef[3] and intercept, the reported rank is returned. */
static gint64
fit_three_columns(const double *xs, const double *ys, double *coef, double *intercept)
{
  GError *error = NULL;
  PlumRng *rng = plum_rng_new(1);
  PlumMatrix X = plum_matrix_view((double *)xs, 6, 3, 0),
             y = plum_matrix_view((double *)ys, 6, 1, 0);
  Model m;
  model_init(&m, "{name: linear_regression}");
  PlumFitData fd = fit_data(&X, &y, rng);
  fd.report = plum_state_new();
  g_assert_true(m.vt->fit(m.self, &fd, &error));
  g_assert_no_error(error);
  gint64 rank = -1;
  g_assert_true(plum_state_get_int(fd.report, "rank", &rank, &error));
  g_assert_no_error(error);
  PlumState *state = saved_state(&m);
  memcpy(coef, plum_state_get_reals(state, "coef", 3, 1, NULL, NULL, &error), 3 * sizeof *coef);
  g_assert_no_error(error);
  *intercept = *plum_state_get_reals(state, "intercept", 1, 1, NULL, NULL, &error);
  g_assert_no_error(error);
  plum_state_free(state);
  plum_state_free(fd.report);
  model_clear(&m);
  plum_rng_free(rng);
  return rank;
}

/* A repeated column: the minimum-norm answer splits its weight evenly, at rank 2. */
static void
test_rank_deficient(void)
{
  static const double a[6] = {1, 2, 3, 4, 5, 6}, c[6] = {1, 0, 2, 1, 3, 5};
  double xs[18], ys[6], coef[3], intercept;
  for (size_t i = 0; i < 6; i++) {
    xs[3 * i] = xs[3 * i + 1] = a[i];
    xs[3 * i + 2] = c[i];
    ys[i] = 2 * a[i] + 3 * c[i] + 7;
  }
  g_assert_cmpint(fit_three_columns(xs, ys, coef, &intercept), ==, 2);
  static const double want[3] = {1, 1, 3};
  assert_rel_close(coef, want, 3, 1e-10);
  assert_rel_close(&intercept, (const double[]){7}, 1, 1e-10);
}

/* Two columns 1e-7 apart: full rank, but the normal equations would square a condition number
 * near 1e8 and lose about half the digits, so the exact answer checks the solver was orthogonal. */
static void
test_ill_conditioned(void)
{
  static const double a[6] = {1, 2, 3, 4, 5, 6}, e[6] = {1, -1, 2, 0, -2, 1};
  static const double b[6] = {3, 1, 4, 1, 5, 9};
  double xs[18], ys[6], coef[3], intercept;
  for (size_t i = 0; i < 6; i++) {
    xs[3 * i] = a[i];
    xs[3 * i + 1] = a[i] + 1e-7 * e[i];
    xs[3 * i + 2] = b[i];
    ys[i] = 2 * xs[3 * i] + 3 * xs[3 * i + 1] - b[i] + 7;
  }
  g_assert_cmpint(fit_three_columns(xs, ys, coef, &intercept), ==, 3);
  static const double want[3] = {2, 3, -1};
  assert_rel_close(coef, want, 3, 1e-6);
  assert_rel_close(&intercept, (const double[]){7}, 1, 1e-6);
}

/* Two target columns fit exactly like two separate single-target fits. */
static void
test_multi_output(void)
{
  GError *error = NULL;
  PlumDataset *ds = load_diabetes();
  PlumRng *rng = plum_rng_new(1);
  size_t n = plum_dataset_n_rows(ds);
  PlumMatrix *Y = plum_matrix_new(n, 2, &error);
  PlumMatrix *y2 = plum_matrix_new(n, 1, &error);
  g_assert_no_error(error);
  for (size_t i = 0; i < n; i++) {
    PLUM_MATRIX_AT(Y, i, 0) = PLUM_MATRIX_AT(ds->y, i, 0);
    PLUM_MATRIX_AT(Y, i, 1) = 2.0 * PLUM_MATRIX_AT(ds->X, i, 0) - PLUM_MATRIX_AT(ds->y, i, 0);
    PLUM_MATRIX_AT(y2, i, 0) = PLUM_MATRIX_AT(Y, i, 1);
  }
  Model both, second;
  model_init(&both, "{name: linear_regression, alpha: 0.5}");
  model_init(&second, "{name: linear_regression, alpha: 0.5}");
  PlumFitData fd = fit_data(ds->X, Y, rng);
  g_assert_true(both.vt->fit(both.self, &fd, &error));
  fd.y = y2;
  g_assert_true(second.vt->fit(second.self, &fd, &error));
  g_assert_no_error(error);

  PlumModelShape shape = {.struct_size = sizeof shape};
  both.vt->shape(both.self, &shape);
  g_assert_cmpuint(shape.n_features, ==, 10);
  g_assert_cmpuint(shape.n_outputs, ==, 2);
  PlumMatrix *P = plum_matrix_new(n, 2, &error);
  PlumMatrix *p2 = plum_matrix_new(n, 1, &error);
  g_assert_true(both.vt->predict(both.self, ds->X, P, &error));
  g_assert_true(second.vt->predict(second.self, ds->X, p2, &error));
  g_assert_no_error(error);
  for (size_t i = 0; i < n; i++)
    g_assert_cmpfloat_with_epsilon(PLUM_MATRIX_AT(P, i, 1), PLUM_MATRIX_AT(p2, i, 0), 1e-9);

  plum_matrix_free(P);
  plum_matrix_free(p2);
  model_clear(&both);
  model_clear(&second);
  plum_matrix_free(Y);
  plum_matrix_free(y2);
  plum_rng_free(rng);
  plum_dataset_free(ds);
}

/* Training through the objective seam ------------------------------------------------------- */

/* The diabetes features as z-scores, so plain gradient descent converges in a few thousand
 * steps (the Hessian of the mean objective then has condition number about 470). */
static void
standardise(PlumMatrix *X)
{
  for (size_t j = 0; j < X->cols; j++) {
    double mean = 0, var = 0;
    for (size_t i = 0; i < X->rows; i++)
      mean += PLUM_MATRIX_AT(X, i, j) / (double)X->rows;
    for (size_t i = 0; i < X->rows; i++)
      var += pow(PLUM_MATRIX_AT(X, i, j) - mean, 2) / (double)X->rows;
    for (size_t i = 0; i < X->rows; i++)
      PLUM_MATRIX_AT(X, i, j) = (PLUM_MATRIX_AT(X, i, j) - mean) / sqrt(var);
  }
}

/* Fits the closed form and the optimizer on the same standardised data and compares the two
 * parameter vectors. gd stops at a mean-gradient norm of 1e-9; with the smallest Hessian
 * eigenvalue about 0.0086, the parameters are then within about 1.2e-7 of the optimum. */
static void
optimizer_reaches_lstsq(const char *closed_yaml, const char *optim_yaml)
{
  GError *error = NULL;
  PlumDataset *ds = load_diabetes();
  standardise(ds->X);
  PlumRng *rng = plum_rng_new(7);
  PlumState *report = plum_state_new();
  Model exact, trained;
  model_init(&exact, closed_yaml);
  model_init(&trained, optim_yaml);
  PlumFitData fd = fit_data(ds->X, ds->y, rng);
  g_assert_true(exact.vt->fit(exact.self, &fd, &error));
  fd.report = report;
  g_assert_true(trained.vt->fit(trained.self, &fd, &error));
  g_assert_no_error(error);

  const char *reason = plum_state_get_string(report, "stop_reason", &error);
  g_assert_no_error(error);
  gint64 n_iter = 0, n_evals = 0;
  g_assert_true(plum_state_get_int(report, "n_iter", &n_iter, &error));
  g_assert_true(plum_state_get_int(report, "n_evals", &n_evals, &error));
  g_test_message("gd: %s after %" G_GINT64_FORMAT " iterations, %" G_GINT64_FORMAT " evaluations",
                 reason, n_iter, n_evals);
  g_assert_true(g_str_has_prefix(reason, "converged: gradient norm"));

  PlumState *want = saved_state(&exact), *got = saved_state(&trained);
  const char *names[] = {"coef", "intercept"};
  for (size_t k = 0; k < G_N_ELEMENTS(names); k++) {
    size_t rows, cols;
    const double *w = plum_state_get_reals(want, names[k], 0, 0, &rows, &cols, &error);
    const double *g = plum_state_get_reals(got, names[k], rows, cols, NULL, NULL, &error);
    g_assert_no_error(error);
    assert_abs_close(g, w, rows * cols, 1e-6);
  }
  plum_state_free(want);
  plum_state_free(got);
  plum_state_free(report);
  model_clear(&exact);
  model_clear(&trained);
  plum_rng_free(rng);
  plum_dataset_free(ds);
}

static void
test_gd_fixed_step(void)
{
  optimizer_reaches_lstsq("{name: linear_regression}",
                          "{name: linear_regression, solver: optimizer, optimizer: {name: gd, "
                          "learning_rate: 0.4, tol: 1e-9, max_iter: 100000}}");
}

static void
test_gd_backtracking_ridge(void)
{
  optimizer_reaches_lstsq("{name: linear_regression, alpha: 20}",
                          "{name: linear_regression, alpha: 20, solver: optimizer, optimizer: "
                          "{name: gd, learning_rate: 1, line_search: backtracking, tol: 1e-9, "
                          "max_iter: 100000}}");
}

/* A fixed step far beyond 2/L diverges, and gd says so instead of returning garbage. */
static void
test_gd_diverges(void)
{
  GError *error = NULL;
  PlumDataset *ds = load_diabetes();
  PlumRng *rng = plum_rng_new(7);
  Model m;
  model_init(&m, "{name: linear_regression, solver: optimizer, optimizer: {name: gd, "
                 "learning_rate: 1e6, max_iter: 10000}}");
  PlumFitData fd = fit_data(ds->X, ds->y, rng);
  g_assert_false(m.vt->fit(m.self, &fd, &error));
  g_assert_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED);
  g_test_message("%s", error->message);
  g_assert_nonnull(strstr(error->message, "learning"));
  g_clear_error(&error);
  model_clear(&m);
  plum_rng_free(rng);
  plum_dataset_free(ds);
}

/* Early stopping scores held-out rows through the model's validation objective; with a
 * patience of 1 and a step that barely moves, gd stops on the validation rule, not max_iter. */
static void
test_gd_early_stopping(void)
{
  GError *error = NULL;
  PlumDataset *ds = load_diabetes();
  standardise(ds->X);
  PlumRng *rng = plum_rng_new(9);
  PlumMatrix X_fit = plum_matrix_rows(ds->X, 0, 300), y_fit = plum_matrix_rows(ds->y, 0, 300);
  PlumMatrix X_val = plum_matrix_rows(ds->X, 300, 142), y_val = plum_matrix_rows(ds->y, 300, 142);
  PlumState *report = plum_state_new();
  Model m;
  model_init(&m, "{name: linear_regression, solver: optimizer, optimizer: {name: gd, "
                 "learning_rate: 0.1, patience: 1, min_delta: 1e300, max_iter: 1000}}");
  PlumFitData fd = fit_data(&X_fit, &y_fit, rng);
  fd.X_val = &X_val;
  fd.y_val = &y_val;
  fd.report = report;
  g_assert_true(m.vt->fit(m.self, &fd, &error));
  g_assert_no_error(error);
  const char *reason = plum_state_get_string(report, "stop_reason", &error);
  g_assert_no_error(error);
  g_test_message("gd: %s", reason);
  g_assert_true(g_str_has_prefix(reason, "early stopping"));

  y_val.cols = 2; /* validation targets that do not match y */
  g_assert_false(m.vt->fit(m.self, &fd, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE);
  g_clear_error(&error);
  plum_state_free(report);
  model_clear(&m);
  plum_rng_free(rng);
  plum_dataset_free(ds);
}

/* The objective: gradient check, and values over disjoint term sets that add up. */
static void
check_objective(const char *yaml, gboolean intercept)
{
  GError *error = NULL;
  PlumDataset *ds = load_diabetes();
  standardise(ds->X);
  PlumRng *rng = plum_rng_new(3);
  size_t n = plum_dataset_n_rows(ds);
  PlumMatrix *Y = plum_matrix_new(n, 2, &error);
  double *w = g_new(double, n);
  for (size_t i = 0; i < n; i++) {
    PLUM_MATRIX_AT(Y, i, 0) = PLUM_MATRIX_AT(ds->y, i, 0) / 100.0;
    PLUM_MATRIX_AT(Y, i, 1) = plum_rng_normal(rng);
    w[i] = plum_rng_uniform(rng) * 2.0;
  }
  Model m;
  model_init(&m, yaml);
  PlumFitData fd = fit_data(ds->X, Y, rng);
  fd.sample_weight = w;
  PlumObjective obj;
  g_assert_true(m.vt->objective(m.self, &fd, &obj, &error));
  g_assert_no_error(error);
  size_t n_params = 10 * 2 + (intercept ? 2 : 0);
  g_assert_cmpuint(obj.n_params, ==, n_params);
  g_assert_cmpuint(obj.n_terms, ==, n);

  /* The objective is quadratic, so central differences have no truncation error and a large
   * step keeps the rounding of F (about 1e3 here) out of the comparison. */
  double theta[22], max_rel_err;
  for (size_t k = 0; k < n_params; k++)
    theta[k] = plum_rng_normal(rng);
  g_assert_true(plum_objective_check_gradient(&obj, theta, 1e-3, &max_rel_err, &error));
  g_assert_no_error(error);
  g_test_message("linear_regression objective: max relative gradient error %.3g", max_rel_err);
  g_assert_cmpfloat(max_rel_err, <, 1e-6);

  /* Values and gradients over two disjoint halves sum to the full ones (the MPI contract). */
  size_t *terms = g_new(size_t, n);
  for (size_t i = 0; i < n; i++)
    terms[i] = (i * 7) % n; /* 7 and 442 are coprime: a permutation */
  double full, half_a, half_b, g_full[22], g_a[22], g_b[22];
  g_assert_true(obj.eval(obj.ctx, theta, NULL, n, &full, g_full, &error));
  g_assert_true(obj.eval(obj.ctx, theta, terms, n / 2, &half_a, g_a, &error));
  g_assert_true(obj.eval(obj.ctx, theta, terms + n / 2, n - n / 2, &half_b, g_b, &error));
  g_assert_no_error(error);
  g_assert_cmpfloat_with_epsilon(half_a + half_b, full, 1e-9 * fabs(full));
  for (size_t k = 0; k < n_params; k++)
    g_assert_cmpfloat_with_epsilon(g_a[k] + g_b[k], g_full[k], 1e-9 * fmax(1, fabs(g_full[k])));

  /* A batch drawn with replacement may be longer than n: rows count as often as drawn. */
  size_t *twice = g_new(size_t, 2 * n), first = 0;
  double one, both;
  for (size_t i = 0; i < 2 * n; i++)
    twice[i] = i % n;
  g_assert_true(obj.eval(obj.ctx, theta, &first, 1, &one, NULL, &error));
  g_assert_true(obj.eval(obj.ctx, theta, twice, 2 * n, &both, NULL, &error));
  g_assert_no_error(error);
  g_assert_cmpfloat_with_epsilon(both, 2 * full, 1e-9 * fabs(full));
  g_assert_cmpfloat(one, >, 0);
  g_free(twice);

  size_t bad = n;
  g_assert_false(obj.eval(obj.ctx, theta, &bad, 1, &full, NULL, &error));
  g_assert_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED);
  g_clear_error(&error);

  obj.free(obj.ctx);
  g_free(terms);
  g_free(w);
  model_clear(&m);
  plum_matrix_free(Y);
  plum_rng_free(rng);
  plum_dataset_free(ds);
}

static void
test_objective_gradient(void)
{
  check_objective("{name: linear_regression, alpha: 3}", TRUE);
  check_objective("{name: linear_regression, alpha: 3, fit_intercept: false}", FALSE);
}

/* Save, load, predict ---------------------------------------------------------------------- */

static void
test_save_load(void)
{
  GError *error = NULL;
  PlumDataset *ds = load_diabetes();
  PlumRng *rng = plum_rng_new(1);
  size_t n = plum_dataset_n_rows(ds);
  Model a, b;
  model_init(&a, "{name: linear_regression, alpha: 0.1}");
  model_init(&b, "{name: linear_regression, alpha: 0.1}");
  PlumFitData fd = fit_data(ds->X, ds->y, rng);
  g_assert_true(a.vt->fit(a.self, &fd, &error));
  PlumState *state = saved_state(&a);
  g_assert_true(b.vt->load(b.self, state, &error));
  g_assert_no_error(error);

  PlumMatrix *pa = plum_matrix_new(n, 1, &error), *pb = plum_matrix_new(n, 1, &error);
  g_assert_true(a.vt->predict(a.self, ds->X, pa, &error));
  g_assert_true(b.vt->predict(b.self, ds->X, pb, &error));
  g_assert_no_error(error);
  g_assert_cmpmem(pa->data, n * sizeof(double), pb->data, n * sizeof(double));

  /* A state whose intercept does not match coef is refused, and the model stays as it was. */
  double bad[3] = {1, 2, 3};
  plum_state_set_reals(state, "intercept", bad, 1, 3);
  g_assert_false(b.vt->load(b.self, state, &error));
  g_assert_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE);
  g_clear_error(&error);
  g_assert_true(b.vt->predict(b.self, ds->X, pb, &error));
  g_assert_cmpmem(pa->data, n * sizeof(double), pb->data, n * sizeof(double));

  plum_state_free(state);
  plum_matrix_free(pa);
  plum_matrix_free(pb);
  model_clear(&a);
  model_clear(&b);
  plum_rng_free(rng);
  plum_dataset_free(ds);
}

static void
test_errors(void)
{
  GError *error = NULL;
  PlumRng *rng = plum_rng_new(1);
  double xs[6] = {1, 2, 3, 4, 5, 6}, ys[3] = {1, 2, 4}, out[3];
  PlumMatrix X = plum_matrix_view(xs, 3, 2, 0), y = plum_matrix_view(ys, 3, 1, 0);
  PlumMatrix P = plum_matrix_view(out, 3, 1, 0);
  Model m;
  model_init(&m, "{name: linear_regression}");

  g_assert_false(m.vt->predict(m.self, &X, &P, &error));
  g_assert_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_NOT_FITTED);
  g_clear_error(&error);

  xs[3] = NAN;
  PlumFitData fd = fit_data(&X, &y, rng);
  g_assert_false(m.vt->fit(m.self, &fd, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_NONFINITE);
  g_clear_error(&error);
  xs[3] = 4;

  PlumMatrix y_short = plum_matrix_view(ys, 2, 1, 0);
  fd.y = &y_short;
  g_assert_false(m.vt->fit(m.self, &fd, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE);
  g_clear_error(&error);

  PlumMatrix X_empty = plum_matrix_view(xs, 0, 2, 0), y_empty = plum_matrix_view(ys, 0, 1, 0);
  PlumFitData empty = fit_data(&X_empty, &y_empty, rng);
  g_assert_false(m.vt->fit(m.self, &empty, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE);
  g_clear_error(&error);

  double w[3] = {1, -1, 1};
  fd.y = &y;
  fd.sample_weight = w;
  g_assert_false(m.vt->fit(m.self, &fd, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID);
  g_clear_error(&error);

  fd.sample_weight = NULL;
  g_assert_true(m.vt->fit(m.self, &fd, &error));
  g_assert_no_error(error);
  PlumMatrix X3 = plum_matrix_view(xs, 2, 3, 0);
  g_assert_false(m.vt->predict(m.self, &X3, &P, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE);
  g_assert_nonnull(strstr(error->message, "3 features"));
  g_clear_error(&error);

  xs[0] = INFINITY;
  g_assert_false(m.vt->predict(m.self, &X, &P, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_NONFINITE);
  g_clear_error(&error);

  model_clear(&m);
  plum_rng_free(rng);
}

/* Unknown enum values and negative alpha are the binder's to refuse, from the schema. */
static void
test_schema_errors(void)
{
  static const char *const bad[] = {
      "{name: linear_regression, alpha: -1}",
      "{name: linear_regression, solver: qr}",
      "{name: linear_regression, optimizer: {name: gd, line_search: wolfe}}",
      "{name: linear_regression, optimizer: {name: gd, c1: 1}}",
  };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    GError *error = NULL;
    g_assert_null(bind_component(PLUM_KIND_MODEL, bad[i], &error));
    g_assert_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE);
    g_test_message("%s", error->message);
    g_clear_error(&error);
  }
}

/* squared_exponential ---------------------------------------------------------------------------
 */

static void
test_kernel_known_value(void)
{
  PlumBinding *k = bind_yaml(PLUM_KIND_KERNEL, "{name: squared_exponential, length_scale: 2}");
  const double x[] = {1, 2, 3}, y[] = {3, 4, 5};
  g_assert_cmpfloat_with_epsilon(plum_kernel_eval(k, x, y, 3), 0.2231301601484298, 1e-15);
  g_assert_cmpfloat(plum_kernel_eval(k, x, x, 3), ==, 1.0);
  plum_binding_free(k);
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

static void
assert_gram_pointwise(const PlumBinding *k, const PlumMatrix *X, const PlumMatrix *Y,
                      const PlumMatrix *K)
{
  const PlumMatrix *B = Y ? Y : X;
  for (size_t i = 0; i < X->rows; i++)
    for (size_t j = 0; j < B->rows; j++)
      g_assert_cmpfloat_with_epsilon(
          PLUM_MATRIX_AT(K, i, j),
          plum_kernel_eval(k, PLUM_MATRIX_ROW(X, i), PLUM_MATRIX_ROW(B, j), X->cols), 1e-13);
}

static void
test_kernel_gram(void)
{
  GError *error = NULL;
  PlumRng *rng = plum_rng_new(11);
  PlumBinding *k =
      bind_yaml(PLUM_KIND_KERNEL, "{name: squared_exponential, length_scale: 0.7, variance: 1.3}");
  PlumMatrix *X = random_matrix(rng, 9, 3), *Y = random_matrix(rng, 5, 3);
  PlumMatrix *K = plum_matrix_new(9, 9, &error), *C = plum_matrix_new(9, 5, &error);
  g_assert_true(plum_kernel_gram(k, X, NULL, K, &error));
  g_assert_true(plum_kernel_gram(k, X, Y, C, &error));
  g_assert_no_error(error);
  assert_gram_pointwise(k, X, NULL, K);
  assert_gram_pointwise(k, X, Y, C);
  for (size_t i = 0; i < 9; i++) {
    g_assert_cmpfloat(PLUM_MATRIX_AT(K, i, i), ==, 1.3);
    for (size_t j = 0; j < i; j++)
      g_assert_cmpfloat(PLUM_MATRIX_AT(K, i, j), ==, PLUM_MATRIX_AT(K, j, i));
  }
  double diag[9];
  plum_kernel_diag(k, X, diag);
  for (size_t i = 0; i < 9; i++)
    g_assert_cmpfloat(diag[i], ==, 1.3);

  PlumMatrix *wrong = random_matrix(rng, 5, 4);
  g_assert_false(plum_kernel_gram(k, X, wrong, C, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE);
  g_clear_error(&error);

  plum_matrix_free(wrong);
  plum_matrix_free(K);
  plum_matrix_free(C);
  plum_matrix_free(X);
  plum_matrix_free(Y);
  plum_binding_free(k);
  plum_rng_free(rng);
}

/* ∂K/∂(log ℓ, log σ²) against central differences of K, moving the learnable parameters of a
 * copy of the binding through the core's packing. */
static void
test_kernel_gram_gradient(void)
{
  GError *error = NULL;
  PlumRng *rng = plum_rng_new(5);
  PlumBinding *k =
      bind_yaml(PLUM_KIND_KERNEL, "{name: squared_exponential, length_scale: 1.4, variance: 0.8}");
  g_assert_cmpuint(plum_binding_n_learnable(k), ==, 2);
  size_t n = 8;
  PlumMatrix *X = random_matrix(rng, n, 2);
  PlumMatrix *K = plum_matrix_new(n, n, &error), *Kp = plum_matrix_new(n, n, &error);
  PlumMatrix *Km = plum_matrix_new(n, n, &error);
  PlumMatrix *d0 = plum_matrix_new(n, n, &error), *d1 = plum_matrix_new(n, n, &error);
  PlumMatrix dK[2] = {*d0, *d1};
  g_assert_true(plum_kernel_gram(k, X, NULL, K, &error));
  g_assert_true(plum_kernel_gram_gradient(k, X, K, dK, &error));
  g_assert_no_error(error);

  double theta[2], h = 1e-6;
  plum_binding_get_learnable(k, theta, NULL, NULL);
  g_assert_cmpfloat_with_epsilon(theta[0], log(1.4), 1e-15);
  g_assert_cmpfloat_with_epsilon(theta[1], log(0.8), 1e-15);
  PlumBinding *work = plum_binding_copy(k);
  for (size_t p = 0; p < 2; p++) {
    double t[2] = {theta[0], theta[1]};
    t[p] = theta[p] + h;
    plum_binding_set_learnable(work, t);
    g_assert_true(plum_kernel_gram(work, X, NULL, Kp, &error));
    t[p] = theta[p] - h;
    plum_binding_set_learnable(work, t);
    g_assert_true(plum_kernel_gram(work, X, NULL, Km, &error));
    for (size_t i = 0; i < n * n; i++)
      g_assert_cmpfloat_with_epsilon(dK[p].data[i], (Kp->data[i] - Km->data[i]) / (2 * h), 1e-8);
  }
  plum_binding_free(work);
  plum_matrix_free(d0);
  plum_matrix_free(d1);
  plum_matrix_free(K);
  plum_matrix_free(Kp);
  plum_matrix_free(Km);
  plum_matrix_free(X);
  plum_binding_free(k);
  plum_rng_free(rng);
}

/* sigmoid and mse ------------------------------------------------------------------------------ */

static void
test_sigmoid(void)
{
  PlumBinding *act = bind_yaml(PLUM_KIND_ACTIVATION, "sigmoid");
  g_assert_true(plum_component_caps(plum_binding_component(act)) & PLUM_CAP_OUTPUT_SIGMOID);
  double z[8] = {-800, -30, -1.5, 0, 0.25, 2, 30, 800}, a[8], dz[8];
  double da[8] = {1, -2, 0.5, 3, -1, 2, 1, 1};
  PlumMatrix Z = plum_matrix_view(z, 2, 4, 0), A = plum_matrix_view(a, 2, 4, 0);
  PlumMatrix dA = plum_matrix_view(da, 2, 4, 0), dZ = plum_matrix_view(dz, 2, 4, 0);
  plum_activation_forward(act, &Z, &A);
  g_assert_cmpfloat(a[3], ==, 0.5);
  g_assert_cmpfloat(a[0], ==, 0.0);
  g_assert_cmpfloat(a[7], ==, 1.0);
  g_assert_cmpfloat_with_epsilon(a[2], 1.0 / (1.0 + exp(1.5)), 1e-16);
  g_assert_cmpfloat_with_epsilon(a[1], exp(-30) / (1 + exp(-30)), 1e-28);

  plum_activation_backward(act, &Z, &A, &dA, &dZ);
  for (size_t i = 0; i < 8; i++) {
    double h = 1e-5, up[1] = {z[i] + h}, down[1] = {z[i] - h}, fu, fd;
    PlumMatrix U = plum_matrix_view(up, 1, 1, 0), D = plum_matrix_view(down, 1, 1, 0);
    PlumMatrix FU = plum_matrix_view(&fu, 1, 1, 0), FD = plum_matrix_view(&fd, 1, 1, 0);
    plum_activation_forward(act, &U, &FU);
    plum_activation_forward(act, &D, &FD);
    g_assert_cmpfloat_with_epsilon(dz[i], da[i] * (fu - fd) / (2 * h), 1e-9);
  }
  plum_binding_free(act);
}

static void
test_mse(void)
{
  GError *error = NULL;
  PlumBinding *cost = bind_yaml(PLUM_KIND_COST, "mse");
  double p[6] = {1, 2, 3, -1, 0.5, 4}, t[6] = {0, 2, 5, 1, 0.5, 1}, g[6], value;
  PlumMatrix P = plum_matrix_view(p, 3, 2, 0), T = plum_matrix_view(t, 3, 2, 0);
  PlumMatrix G = plum_matrix_view(g, 3, 2, 0);
  g_assert_true(plum_cost_loss(cost, &P, &T, &value, &G, &error));
  g_assert_no_error(error);
  g_assert_cmpfloat(value, ==, 0.5 * (1 + 0 + 4 + 4 + 0 + 9));
  for (size_t i = 0; i < 6; i++) {
    double h = 1e-6, save = p[i], up, down;
    p[i] = save + h;
    g_assert_true(plum_cost_loss(cost, &P, &T, &up, NULL, &error));
    p[i] = save - h;
    g_assert_true(plum_cost_loss(cost, &P, &T, &down, NULL, &error));
    p[i] = save;
    g_assert_cmpfloat_with_epsilon(g[i], (up - down) / (2 * h), 1e-8);
  }
  t[4] = NAN;
  g_assert_false(plum_cost_loss(cost, &P, &T, &value, &G, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_NONFINITE);
  g_clear_error(&error);
  plum_binding_free(cost);
}

/* normal family and the links ----------------------------------------------------------------- */

static void
test_normal_family(void)
{
  GError *error = NULL;
  PlumBinding *fam = bind_yaml(PLUM_KIND_FAMILY, "normal");
  const void *params;
  const PlumFamilyVTable *vt = plum_family_vtable(fam, &params);
  double y[4] = {1.5, -2, 0, 3}, mu[4] = {1, -1, 0.5, 3}, w[4] = {2, 1, 4, 1}, out[4];

  vt->link(params, mu, out, 4);
  g_assert_cmpmem(out, sizeof out, mu, sizeof mu);
  vt->linkinv(params, mu, out, 4);
  g_assert_cmpmem(out, sizeof out, mu, sizeof mu);
  vt->mu_eta(params, mu, out, 4);
  vt->variance(params, mu, out + 2, 2);
  g_assert_cmpfloat(out[0], ==, 1.0);
  g_assert_cmpfloat(out[3], ==, 1.0);
  g_assert_cmpfloat(vt->deviance(params, y, mu, NULL, 4), ==, 0.25 + 1 + 0.25 + 0);
  g_assert_cmpfloat(vt->deviance(params, y, mu, w, 4), ==, 0.5 + 1 + 1 + 0);
  vt->mustart(params, y, out, 4);
  g_assert_cmpmem(out, sizeof out, y, sizeof y);
  double phi = 0.7;
  double want = -0.5 * 8 * log(2 * G_PI * phi) - 0.5 * 2.5 / phi;
  g_assert_cmpfloat_with_epsilon(vt->log_likelihood(params, y, mu, w, 4, phi), want, 1e-12);
  g_assert_true(isnan(vt->log_likelihood(params, y, mu, w, 4, 0)));
  g_assert_true(vt->check_y(params, y, 4, &error));
  g_assert_no_error(error);
  y[2] = NAN;
  g_assert_false(vt->check_y(params, y, 4, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_NONFINITE);
  g_assert_nonnull(strstr(error->message, "y[2]"));
  g_clear_error(&error);
  plum_binding_free(fam);

  /* With the log link, y must be positive and linkinv undoes link. */
  fam = bind_yaml(PLUM_KIND_FAMILY, "{name: normal, link: log}");
  vt = plum_family_vtable(fam, &params);
  double pos[3] = {0.5, 2, 7}, eta[3];
  vt->link(params, pos, eta, 3);
  vt->linkinv(params, eta, out, 3);
  assert_rel_close(out, pos, 3, 1e-15);
  g_assert_true(vt->valid_mu(params, pos, 3));
  g_assert_false(vt->check_y(params, mu, 4, &error)); /* mu[1] = -1 */
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID);
  g_assert_nonnull(strstr(error->message, "log link"));
  g_clear_error(&error);
  g_assert_false(vt->valid_mu(params, mu, 4));
  plum_binding_free(fam);
}

/* Every link: inverse(apply(μ)) = μ and dμ/dη matches central differences of the inverse. */
static void
test_links(void)
{
  static const double mu[] = {0.02, 0.3, 0.5, 0.77, 0.97};
  for (int link = 0; plum_link_names[link] != NULL; link++) {
    double eta[5], back[5], deriv[5];
    plum_link_apply((PlumLink)link, mu, eta, 5);
    plum_link_inverse((PlumLink)link, eta, back, 5);
    plum_link_mu_eta((PlumLink)link, eta, deriv, 5);
    assert_rel_close(back, mu, 5, 1e-14);
    for (size_t i = 0; i < 5; i++) {
      double h = 1e-6 * fmax(1, fabs(eta[i])), e[2] = {eta[i] + h, eta[i] - h}, m[2];
      plum_link_inverse((PlumLink)link, e, m, 2);
      double numeric = (m[0] - m[1]) / (2 * h);
      if (fabs(deriv[i] - numeric) > 1e-7 * fmax(1, fabs(numeric)))
        g_error("%s: dmu/deta at eta %g is %.12g, central difference %.12g", plum_link_names[link],
                eta[i], deriv[i], numeric);
    }
  }
  /* The probit quantile (AS 241) against CPython's statistics.NormalDist().inv_cdf. */
  static const double p[] = {0.975, 1e-10, 0.3, 1 - 1e-12, 1e-300};
  static const double z[] = {1.9599639845400536, -6.361340902404056, -0.5244005127080407,
                             7.0344869100478356, -37.0470962993612};
  double q[5];
  plum_link_apply(PLUM_LINK_PROBIT, p, q, 5);
  assert_rel_close(q, z, 4, 1e-15);
  assert_rel_close(q + 4, z + 4, 1, 1e-13);

  /* Bounded inverse links stay strictly inside (0, 1) with positive derivatives for any η. */
  static const double far[] = {-1e308, -800, -40, 40, 800, 1e308};
  static const PlumLink bounded[] = {PLUM_LINK_LOGIT, PLUM_LINK_PROBIT, PLUM_LINK_CLOGLOG};
  for (size_t b = 0; b < G_N_ELEMENTS(bounded); b++) {
    double m[6], d[6];
    plum_link_inverse(bounded[b], far, m, 6);
    plum_link_mu_eta(bounded[b], far, d, 6);
    for (size_t i = 0; i < 6; i++) {
      g_assert_cmpfloat(m[i], >, 0);
      g_assert_cmpfloat(m[i], <, 1);
      g_assert_cmpfloat(d[i], >, 0);
      g_assert_true(isfinite(d[i]));
    }
  }
}

/* The gradient checker --------------------------------------------------------------------------
 */

/* f(θ) = Σ_i ½ a_i (θ_0 − i)² + sin θ_1 over 4 terms; `wrong` breaks ∂/∂θ_1. */
typedef struct {
  gboolean wrong;
} ToyObjective;

static gboolean
toy_eval(void *ctx, const double *theta, const size_t *terms, size_t n_sel, double *value,
         double *grad, GError **error)
{
  const ToyObjective *toy = ctx;
  *value = 0;
  if (grad)
    grad[0] = grad[1] = 0;
  for (size_t s = 0; s < n_sel; s++) {
    size_t i = terms ? terms[s] : s;
    double r = theta[0] - (double)i;
    *value += 0.5 * (double)(i + 1) * r * r + sin(theta[1]) / 4;
    if (grad) {
      grad[0] += (double)(i + 1) * r;
      grad[1] += (toy->wrong ? sin(theta[1]) : cos(theta[1])) / 4;
    }
  }
  return TRUE;
}

static void
test_gradient_checker(void)
{
  GError *error = NULL;
  ToyObjective toy = {FALSE};
  PlumObjective obj = {
      .struct_size = sizeof obj, .n_params = 2, .n_terms = 4, .ctx = &toy, .eval = toy_eval};
  double theta[2] = {0.3, 1.1}, err;
  g_assert_true(plum_objective_check_gradient(&obj, theta, 1e-6, &err, &error));
  g_assert_no_error(error);
  g_assert_cmpfloat(err, <, 1e-8);
  toy.wrong = TRUE;
  g_assert_true(plum_objective_check_gradient(&obj, theta, 1e-6, &err, &error));
  g_assert_cmpfloat(err, >, 0.1);
  g_assert_false(plum_objective_check_gradient(&obj, theta, 0, &err, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID);
  g_clear_error(&error);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  GError *error = NULL;
  registry = plum_registry_get_default(&error);
  g_assert_no_error(error);

  g_test_add_func("/proof/modules-accepted", test_modules_accepted);
  g_test_add_func("/proof/linear_regression/ols-sklearn", test_ols_sklearn);
  g_test_add_func("/proof/linear_regression/ridge-sklearn", test_ridge_sklearn);
  g_test_add_func("/proof/linear_regression/weighted-sklearn", test_weighted_sklearn);
  g_test_add_func("/proof/linear_regression/rank-deficient", test_rank_deficient);
  g_test_add_func("/proof/linear_regression/ill-conditioned", test_ill_conditioned);
  g_test_add_func("/proof/linear_regression/multi-output", test_multi_output);
  g_test_add_func("/proof/linear_regression/objective-gradient", test_objective_gradient);
  g_test_add_func("/proof/linear_regression/save-load", test_save_load);
  g_test_add_func("/proof/linear_regression/errors", test_errors);
  g_test_add_func("/proof/linear_regression/schema-errors", test_schema_errors);
  g_test_add_func("/proof/gd/fixed-step", test_gd_fixed_step);
  g_test_add_func("/proof/gd/backtracking-ridge", test_gd_backtracking_ridge);
  g_test_add_func("/proof/gd/diverges", test_gd_diverges);
  g_test_add_func("/proof/gd/early-stopping", test_gd_early_stopping);
  g_test_add_func("/proof/squared_exponential/known-value", test_kernel_known_value);
  g_test_add_func("/proof/squared_exponential/gram", test_kernel_gram);
  g_test_add_func("/proof/squared_exponential/gram-gradient", test_kernel_gram_gradient);
  g_test_add_func("/proof/sigmoid", test_sigmoid);
  g_test_add_func("/proof/mse", test_mse);
  g_test_add_func("/proof/normal", test_normal_family);
  g_test_add_func("/proof/links", test_links);
  g_test_add_func("/proof/gradient-checker", test_gradient_checker);
  return g_test_run();
}
