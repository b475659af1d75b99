/* test-gp.c — the gaussian_process model plugin, driven through its vtable like the pipeline.
 *
 * With fixed kernels (five of them, composites and ARD included) the predictions, predictive
 * standard deviations and log marginal likelihood equal scikit-learn 1.2's
 * GaussianProcessRegressor to 1e-6 relative on a small version of the shared gp workload
 * (tests/data/gp_train.csv, gp_test.csv, written by tests/reference/gp.py with the numbers
 * below). With learned hyperparameters the log marginal likelihood reaches scikit-learn's; the
 * objective's analytic gradient passes the core's gradient checker; a kernel that is not
 * positive definite fails with a clear error; jitter rescues a singular Gram matrix; prior means,
 * save/load, restarts and the errors a user can reach are exercised.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <plum/plum.h>

#include "plugin-util.h"

static PlumRegistry *registry;

/* Printed by tests/reference/gp.py (scikit-learn 1.2.1). */
/* fixed: 1.22**2 * RBF(length_scale=0.9) + WhiteKernel(noise_level=0.05), alpha 1e-10, normalize_y
 * True */
static const double fixed_mean[] = {-0.11545405530315617, 1.2381529194219258, -0.018128246424082561,
                                    0.64896257949985725,  1.4501302362133948, 0.54656453037143982,
                                    0.6823438098681831,   1.0105387365844591, -0.28885550046941016,
                                    -1.2412696090450488};
static const double fixed_std[] = {1.1022546213627082, 1.3086261685374383, 1.1674923106935744,
                                   1.3046407097774839, 1.0143553474484677, 1.3813533116757444,
                                   1.3604740572488483, 1.034448055806954,  1.2023707142778171,
                                   0.83694264547351938};
static const double fixed_lml = -49.197472024671086;
/* matern: Matern(length_scale=1.3, nu=2.5), alpha 0.01, normalize_y False */
static const double matern_mean[] = {
    -0.13502699720790545, 1.4336817242220365,  -0.007774887986738116, 0.90637199307946636,
    1.5574597138923547,   0.68050539427529133, 0.63879327506566985,   1.0294047279607943,
    -0.66397060364831806, -1.1893092703446664};
static const double matern_std[] = {0.6025334310415208,  0.76401041010879478, 0.67269441965895971,
                                    0.76577561742843792, 0.56124115259129115, 0.81543871034351112,
                                    0.78539963143393632, 0.54775234667213424, 0.69389912630365835,
                                    0.44893585380496887};
static const double matern_lml = -46.983302368287248;
/* matern32: Matern(length_scale=0.9, nu=1.5), alpha 0.0001, normalize_y False */
static const double matern32_mean[] = {
    -0.16677111962097249, 0.96169813417647743, -0.095126389819500418, 0.59893835983934596,
    1.1685950565368404,   0.44262768328280105, 0.54557531881586341,   1.0011887537623734,
    -0.35708545196678881, -1.1115631076134631};
static const double matern32_std[] = {0.84377407498108847, 0.92697504889194826, 0.8653553813113235,
                                      0.92439890283024051, 0.80608654456982543, 0.9550569591434831,
                                      0.94340351051221683, 0.80669822815253101, 0.88849661025148707,
                                      0.68219041664417168};
static const double matern32_lml = -53.742346805183985;
/* ard: RBF(length_scale=[0.5, 1, 2, 1.5]), alpha 0.001, normalize_y True */
static const double ard_mean[] = {-0.39497362137284303, 1.0870722324347324, 0.11750083767235742,
                                  0.25547912678618695,  1.3542292870808597, 0.067805327108824365,
                                  0.74491135037631984,  1.1651912652387513, -0.92817751784498626,
                                  -1.3680677102013779};
static const double ard_std[] = {0.48724307974012088, 0.90437929930306837, 0.81001292338218434,
                                 1.0272531386918122,  0.73598232499955396, 0.66711160383649293,
                                 1.1257539440927211,  0.66142741854302589, 0.6170515998694367,
                                 0.51052015593878652};
static const double ard_lml = -42.622280446101286;
/* mixed: 0.837**2 * RationalQuadratic(alpha=0.8, length_scale=1.2) + Matern(length_scale=2, nu=0.5)
 * + DotProduct(sigma_0=0.5), alpha 1e-06, normalize_y True */
static const double mixed_mean[] = {
    -0.17139766771110415, 2.0854022388338223, -0.037865545318336802, 1.4372928961099822,
    1.3941546469656372,   1.0759107781272501, 0.79373077827536931,   0.96410963083245771,
    -0.48634619913034477, -1.0081187354920687};
static const double mixed_std[] = {0.94935497062965701, 1.1783806073514855,  1.0735063440358963,
                                   1.1275317640733022,  0.9316084050159148,  1.1741820327596639,
                                   1.1363451211817586,  0.90188800844953665, 1.0970145434633354,
                                   0.80651422545391827};
static const double mixed_lml = -50.084212913378735;
/* learned: 1.14**2 * RBF(length_scale=1.74) + WhiteKernel(noise_level=0.0107) */
static const double learned_lml = -34.250869197202498;

/* Helpers ------------------------------------------------------------------------------------ */

typedef TestModel Model;

static PlumBinding *
bind_model_checked(const char *yaml, GError **error)
{
  return test_bind(registry, PLUM_KIND_MODEL, "model", yaml, error);
}

static void
model_init(Model *m, const char *yaml)
{
  test_model_init(m, registry, "model", yaml);
}

static void
model_clear(Model *m)
{
  test_model_clear(m);
}

static PlumDataset *
load_csv(const char *name)
{
  GError *error = NULL;
  PlumCsvOptions opts;
  plum_csv_options_init(&opts);
  opts.target = PLUM_TARGET_REAL;
  char *path = g_test_build_filename(G_TEST_DIST, "tests", "data", name, NULL);
  PlumDataset *ds = plum_csv_read(path, &opts, &error);
  g_assert_no_error(error);
  g_free(path);
  return ds;
}

static PlumFitData
fit_data(const PlumMatrix *X, const PlumMatrix *y, PlumRng *rng, PlumState *report)
{
  return (PlumFitData){
      .struct_size = sizeof(PlumFitData), .X = X, .y = y, .rng = rng, .report = report};
}

/* Fits m on (X, y) with seed 1 and returns the reported log marginal likelihood. */
static double
fit(Model *m, const PlumMatrix *X, const PlumMatrix *y)
{
  GError *error = NULL;
  PlumRng *rng = plum_rng_new(1);
  PlumState *report = plum_state_new();
  PlumFitData fd = fit_data(X, y, rng, report);
  g_assert_true(m->vt->fit(m->self, &fd, &error));
  g_assert_no_error(error);
  double lml;
  g_assert_true(plum_state_get_real(report, "log_marginal_likelihood", &lml, &error));
  g_assert_no_error(error);
  plum_state_free(report);
  plum_rng_free(rng);
  return lml;
}

/* Predictive mean and standard deviation of m at X into new n x 1 matrices. */
static void
predict(const Model *m, const PlumMatrix *X, PlumMatrix **mean, PlumMatrix **sd)
{
  GError *error = NULL;
  *mean = plum_matrix_new(X->rows, 1, &error);
  *sd = plum_matrix_new(X->rows, 1, &error);
  g_assert_true(m->vt->predict(m->self, X, *mean, &error));
  g_assert_true(m->vt->predict_std(m->self, X, *sd, &error));
  g_assert_no_error(error);
}

static void
assert_rel_close(const double *got, const double *want, size_t n, double tol, const char *what)
{
  for (size_t i = 0; i < n; i++)
    if (!(fabs(got[i] - want[i]) <= tol * fabs(want[i])))
      g_error("%s[%zu]: got %.17g, want %.17g (relative tolerance %g)", what, i, got[i], want[i],
              tol);
}

/* Fixed kernels against scikit-learn ---------------------------------------------------------- */

typedef struct {
  const char *yaml;
  const double *mean, *std;
  double lml;
} Reference;

static void
check_reference(const Reference *ref)
{
  PlumDataset *train = load_csv("gp_train.csv"), *test = load_csv("gp_test.csv");
  g_assert_cmpuint(plum_dataset_n_rows(train), ==, 40);
  g_assert_cmpuint(plum_dataset_n_rows(test), ==, 10);
  Model m;
  model_init(&m, ref->yaml);
  double lml = fit(&m, train->X, train->y);
  PlumMatrix *mean, *sd;
  predict(&m, test->X, &mean, &sd);
  assert_rel_close(mean->data, ref->mean, 10, 1e-6, "mean");
  assert_rel_close(sd->data, ref->std, 10, 1e-6, "std");
  assert_rel_close(&lml, &ref->lml, 1, 1e-6, "log marginal likelihood");
  plum_matrix_free(mean);
  plum_matrix_free(sd);
  model_clear(&m);
  plum_dataset_free(train);
  plum_dataset_free(test);
}

static void
test_fixed_sklearn(void)
{
  const Reference refs[] = {
      {"{name: gaussian_process, optimize: false, normalize_y: true, noise: 1e-10, kernel: "
       "{sum: {kernels: [{product: {kernels: [{constant: {value: 1.5}}, {squared_exponential: "
       "{length_scale: 0.9}}]}}, {white_noise: {level: 0.05}}]}}}",
       fixed_mean, fixed_std, fixed_lml},
      {"{name: gaussian_process, optimize: false, noise: 0.01, kernel: {matern52: "
       "{length_scale: 1.3}}}",
       matern_mean, matern_std, matern_lml},
      {"{name: gaussian_process, optimize: false, noise: 1e-4, kernel: {matern32: "
       "{length_scale: 0.9}}}",
       matern32_mean, matern32_std, matern32_lml},
      {"{name: gaussian_process, optimize: false, normalize_y: true, noise: 1e-3, kernel: "
       "{squared_exponential: {length_scales: [0.5, 1, 2, 1.5]}}}",
       ard_mean, ard_std, ard_lml},
      {"{name: gaussian_process, optimize: false, normalize_y: true, noise: 1e-6, kernel: {sum: "
       "{kernels: [{scale: {kernel: {rational_quadratic: {length_scale: 1.2, alpha: 0.8}}, "
       "factor: 0.7}}, {exponential: {length_scale: 2}}, {linear: {offset: 0.25}}]}}}",
       mixed_mean, mixed_std, mixed_lml},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(refs); i++)
    check_reference(&refs[i]);
}

/* Hyperparameter learning -------------------------------------------------------------------- */

#define LEARNED_YAML                                                                               \
  "{name: gaussian_process, normalize_y: true, n_restarts: 2, kernel: {sum: {kernels: "            \
  "[{product: {kernels: [constant, squared_exponential]}}, {white_noise: {level: 0.01}}]}}}"

static void
test_learned_sklearn(void)
{
  PlumDataset *train = load_csv("gp_train.csv");
  Model m;
  model_init(&m, LEARNED_YAML);
  double lml = fit(&m, train->X, train->y);
  if (!(lml >= learned_lml - 1e-6))
    g_error("learned log marginal likelihood %.10g is below scikit-learn's %.10g", lml,
            learned_lml);
  /* the same seed gives the same model */
  Model again;
  model_init(&again, LEARNED_YAML);
  g_assert_cmpfloat(fit(&again, train->X, train->y), ==, lml);
  model_clear(&again);
  model_clear(&m);
  plum_dataset_free(train);
}

/* −log marginal likelihood over the kernel's packed hyperparameters, at the start and at a
 * second point, for a composite kernel with a linear prior mean and normalised targets. */
static void
test_objective_gradient(void)
{
  GError *error = NULL;
  PlumDataset *train = load_csv("gp_train.csv");
  Model m;
  model_init(&m, "{name: gaussian_process, mean: linear, normalize_y: true, noise: 1e-6, kernel: "
                 "{sum: {kernels: [{product: {kernels: [{constant: {value: 0.8}}, "
                 "{squared_exponential: {length_scales: [0.7, 1.1, 1.9, 1.3]}}]}}, "
                 "{rational_quadratic: {alpha: 2}}, {white_noise: {level: 0.02}}]}}}");
  PlumRng *rng = plum_rng_new(1);
  PlumFitData fd = fit_data(train->X, train->y, rng, NULL);
  PlumObjective obj;
  g_assert_true(m.vt->objective(m.self, &fd, &obj, &error));
  g_assert_no_error(error);
  g_assert_cmpuint(obj.n_params, ==, 1 + (2 + 4) + 3 + 1);
  g_assert_cmpuint(obj.n_terms, ==, 1);
  g_assert_nonnull(obj.lower);
  g_assert_nonnull(obj.upper);
  double *theta = g_new(double, obj.n_params), err;
  obj.initial(obj.ctx, theta);
  for (int point = 0; point < 2; point++) {
    g_assert_true(plum_objective_check_gradient(&obj, theta, 1e-6, &err, &error));
    g_assert_no_error(error);
    if (!(err < 1e-6))
      g_error("point %d: gradient relative error %g", point, err);
    for (size_t q = 0; q < obj.n_params; q++)
      theta[q] += 0.3 * (q % 2 ? 1 : -1);
  }
  /* the one term, selected or not */
  double all, one, none;
  size_t term = 0;
  g_assert_true(obj.eval(obj.ctx, theta, NULL, 1, &all, NULL, &error));
  g_assert_true(obj.eval(obj.ctx, theta, &term, 1, &one, NULL, &error));
  g_assert_true(obj.eval(obj.ctx, theta, &term, 0, &none, NULL, &error));
  g_assert_cmpfloat(one, ==, all);
  g_assert_cmpfloat(none, ==, 0.0);

  /* set_theta installs the hyperparameters: the saved log marginal likelihood is the objective's
   * value times −n */
  g_assert_true(m.vt->set_theta(m.self, &fd, theta, &error));
  g_assert_no_error(error);
  PlumState *state = plum_state_new();
  g_assert_true(m.vt->save(m.self, state, &error));
  double lml;
  g_assert_true(plum_state_get_real(state, "log_marginal_likelihood", &lml, &error));
  g_assert_cmpfloat_with_epsilon(-lml / 40, all, 1e-9 * fabs(all));
  plum_state_free(state);
  obj.free(obj.ctx);
  g_free(theta);
  plum_rng_free(rng);
  model_clear(&m);
  plum_dataset_free(train);
}

/* Positive definiteness ------------------------------------------------------------------------ */

static void
expect_fit_error(const char *yaml, const PlumMatrix *X, const PlumMatrix *y, const char *text)
{
  GError *error = NULL;
  Model m;
  model_init(&m, yaml);
  PlumRng *rng = plum_rng_new(1);
  PlumFitData fd = fit_data(X, y, rng, NULL);
  g_assert_false(m.vt->fit(m.self, &fd, &error));
  g_assert_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED);
  if (strstr(error->message, text) == NULL)
    g_error("message '%s' does not mention '%s'", error->message, text);
  g_error_free(error);
  plum_rng_free(rng);
  model_clear(&m);
}

static void
test_not_positive_definite(void)
{
  PlumDataset *train = load_csv("gp_train.csv");
  /* multiquadric is conditionally negative definite: no jitter rescues it */
  expect_fit_error("{name: gaussian_process, optimize: false, kernel: multiquadric}", train->X,
                   train->y, "not positive definite");
  expect_fit_error("{name: gaussian_process, optimize: false, kernel: {hyperbolic_tangent: "
                   "{scale: 0.01, offset: -3}}}",
                   train->X, train->y, "not a covariance matrix");
  expect_fit_error("{name: gaussian_process, optimize: false, kernel: {polynomial: {scale: 1e5, "
                   "degree: 100}}}",
                   train->X, train->y, "NaN or infinite");
  /* with learning, every start fails the same way */
  expect_fit_error("{name: gaussian_process, n_restarts: 2, kernel: multiquadric}", train->X,
                   train->y, "not positive definite");
  plum_dataset_free(train);
}

/* Five copies of one point and no noise: K is all ones, singular; the smallest jitter works. */
static void
test_jitter(void)
{
  GError *error = NULL;
  double x[5] = {0.5, 0.5, 0.5, 0.5, 0.5}, y[5] = {1, 2, 3, 4, 5};
  PlumMatrix X = plum_matrix_view(x, 5, 1, 0), Y = plum_matrix_view(y, 5, 1, 0);
  Model m;
  model_init(&m, "{name: gaussian_process, optimize: false, noise: 0}");
  PlumRng *rng = plum_rng_new(1);
  PlumState *report = plum_state_new();
  PlumFitData fd = fit_data(&X, &Y, rng, report);
  g_assert_true(m.vt->fit(m.self, &fd, &error));
  g_assert_no_error(error);
  double jitter;
  g_assert_true(plum_state_get_real(report, "jitter", &jitter, &error));
  g_assert_cmpfloat(jitter, ==, 1e-10);
  plum_state_free(report);
  plum_rng_free(rng);
  model_clear(&m);
}

/* Prior means ---------------------------------------------------------------------------------- */

/* y = 3 + 2x + 0.1 sin 5x on [0, 5]. */
static void
line_data(double *x, double *y, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    x[i] = 0.2 * (double)i;
    y[i] = 3 + 2 * x[i] + 0.1 * sin(5 * x[i]);
  }
}

/* Far from the data (x = 50, where the kernel is 0) the posterior is the prior mean. */
static double
predict_far(const char *mean)
{
  double x[26], y[26], far = 50, out;
  line_data(x, y, 26);
  PlumMatrix X = plum_matrix_view(x, 26, 1, 0), Y = plum_matrix_view(y, 26, 1, 0);
  PlumMatrix F = plum_matrix_view(&far, 1, 1, 0), O = plum_matrix_view(&out, 1, 1, 0);
  char *yaml = g_strdup_printf("{name: gaussian_process, optimize: false, mean: %s, noise: "
                               "1e-6, kernel: {squared_exponential: {length_scale: 0.5}}}",
                               mean);
  Model m;
  model_init(&m, yaml);
  fit(&m, &X, &Y);
  GError *error = NULL;
  g_assert_true(m.vt->predict(m.self, &F, &O, &error));
  g_assert_no_error(error);
  model_clear(&m);
  g_free(yaml);
  return out;
}

static void
test_prior_mean(void)
{
  double x[26], y[26], xm = 0, ym = 0, sxy = 0, sxx = 0;
  line_data(x, y, 26);
  for (size_t i = 0; i < 26; i++) {
    xm += x[i] / 26;
    ym += y[i] / 26;
  }
  for (size_t i = 0; i < 26; i++) {
    sxy += (x[i] - xm) * (y[i] - ym);
    sxx += (x[i] - xm) * (x[i] - xm);
  }
  double slope = sxy / sxx, line_at_far = ym + slope * (50 - xm);
  g_assert_cmpfloat(predict_far("zero"), ==, 0.0);
  g_assert_cmpfloat_with_epsilon(predict_far("constant"), ym, 1e-12 * ym);
  g_assert_cmpfloat_with_epsilon(predict_far("linear"), line_at_far, 1e-9 * line_at_far);
}

/* Model files ------------------------------------------------------------------------------- */

static void
test_save_load(void)
{
  GError *error = NULL;
  PlumDataset *train = load_csv("gp_train.csv"), *test = load_csv("gp_test.csv");
  Model m, loaded;
  model_init(&m, "{name: gaussian_process, normalize_y: true, mean: constant, kernel: {sum: "
                 "{kernels: [{product: {kernels: [constant, squared_exponential]}}, "
                 "white_noise]}}}");
  fit(&m, train->X, train->y);
  PlumState *state = plum_state_new();
  g_assert_true(m.vt->save(m.self, state, &error));
  g_assert_no_error(error);

  model_init(&loaded, "{name: gaussian_process, normalize_y: true, mean: constant, kernel: "
                      "{sum: {kernels: [{product: {kernels: [constant, squared_exponential]}}, "
                      "white_noise]}}}");
  g_assert_true(loaded.vt->load(loaded.self, state, &error));
  g_assert_no_error(error);
  PlumMatrix *mean, *sd, *mean2, *sd2;
  predict(&m, test->X, &mean, &sd);
  predict(&loaded, test->X, &mean2, &sd2);
  for (size_t i = 0; i < 10; i++) {
    g_assert_cmpfloat(mean2->data[i], ==, mean->data[i]);
    g_assert_cmpfloat(sd2->data[i], ==, sd->data[i]);
  }
  PlumModelShape shape = {.struct_size = sizeof shape};
  loaded.vt->shape(loaded.self, &shape);
  g_assert_cmpuint(shape.n_features, ==, 4);
  g_assert_cmpuint(shape.n_outputs, ==, 1);

  /* a state saved for another kernel does not load */
  Model other;
  model_init(&other, "{name: gaussian_process, kernel: matern52}");
  g_assert_false(other.vt->load(other.self, state, &error));
  g_assert_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE);
  g_assert_nonnull(strstr(error->message, "theta"));
  g_clear_error(&error);
  model_clear(&other);

  /* a damaged state does not load */
  plum_state_set_real(state, "y_scale", -1);
  model_init(&other, "{name: gaussian_process, normalize_y: true, mean: constant, kernel: {sum: "
                     "{kernels: [{product: {kernels: [constant, squared_exponential]}}, "
                     "white_noise]}}}");
  g_assert_false(other.vt->load(other.self, state, &error));
  g_assert_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE);
  g_clear_error(&error);
  model_clear(&other);

  plum_matrix_free(mean);
  plum_matrix_free(sd);
  plum_matrix_free(mean2);
  plum_matrix_free(sd2);
  plum_state_free(state);
  model_clear(&loaded);
  model_clear(&m);
  plum_dataset_free(train);
  plum_dataset_free(test);
}

/* Errors -------------------------------------------------------------------------------------- */

static void
test_errors(void)
{
  GError *error = NULL;
  PlumDataset *train = load_csv("gp_train.csv");
  Model m;
  model_init(&m, "{name: gaussian_process, optimize: false}");
  PlumRng *rng = plum_rng_new(1);
  PlumMatrix *out = plum_matrix_new(40, 1, &error);

  g_assert_false(m.vt->predict(m.self, train->X, out, &error));
  g_assert_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_NOT_FITTED);
  g_clear_error(&error);
  PlumState *state = plum_state_new();
  g_assert_false(m.vt->save(m.self, state, &error));
  g_assert_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_NOT_FITTED);
  g_clear_error(&error);
  g_assert_false(m.vt->load(m.self, state, &error));
  g_assert_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE);
  g_clear_error(&error);
  plum_state_free(state);

  /* two target columns */
  PlumMatrix two = plum_matrix_view(train->X->data, 40, 2, train->X->ld);
  PlumFitData fd = fit_data(train->X, &two, rng, NULL);
  g_assert_false(m.vt->fit(m.self, &fd, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE);
  g_clear_error(&error);

  double w[40];
  for (size_t i = 0; i < 40; i++)
    w[i] = 1;
  fd = fit_data(train->X, train->y, rng, NULL);
  fd.sample_weight = w;
  g_assert_false(m.vt->fit(m.self, &fd, &error));
  g_assert_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_UNSUPPORTED);
  g_clear_error(&error);

  double saved = train->y->data[3];
  train->y->data[3] = NAN;
  fd.sample_weight = NULL;
  g_assert_false(m.vt->fit(m.self, &fd, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_NONFINITE);
  g_clear_error(&error);
  train->y->data[3] = saved;

  fit(&m, train->X, train->y);
  PlumMatrix narrow = plum_matrix_view(train->X->data, 40, 3, train->X->ld);
  g_assert_false(m.vt->predict_std(m.self, &narrow, out, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE);
  g_clear_error(&error);

  /* a minibatch optimizer cannot learn a one-term objective */
  PlumBinding *b = bind_model_checked("{name: gaussian_process, optimizer: sgd}", &error);
  g_assert_null(b);
  g_assert_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_CAPABILITY);
  g_clear_error(&error);
  b = bind_model_checked("{name: gaussian_process, mean: quadratic}", &error);
  g_assert_null(b);
  g_assert_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE);
  g_clear_error(&error);

  plum_matrix_free(out);
  plum_rng_free(rng);
  model_clear(&m);
  plum_dataset_free(train);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  GError *error = NULL;
  registry = plum_registry_get_default(&error);
  g_assert_no_error(error);

  g_test_add_func("/gp/fixed-sklearn", test_fixed_sklearn);
  g_test_add_func("/gp/learned-sklearn", test_learned_sklearn);
  g_test_add_func("/gp/objective-gradient", test_objective_gradient);
  g_test_add_func("/gp/not-positive-definite", test_not_positive_definite);
  g_test_add_func("/gp/jitter", test_jitter);
  g_test_add_func("/gp/prior-mean", test_prior_mean);
  g_test_add_func("/gp/save-load", test_save_load);
  g_test_add_func("/gp/errors", test_errors);
  return g_test_run();
}
