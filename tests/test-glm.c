/* test-glm.c — logistic_regression, glm and the GLM family plugins, driven through the ABI.
 *
 * The plugins are found through PLUM_PLUGIN_PATH and bound from YAML like any other. Fitted
 * coefficients are checked against scikit-learn 1.2 optima (tests/reference/logistic_regression.py
 * on the shipped data, tests/reference/glm.py on the data it generates into tests/data/), every
 * objective against central differences through the core's gradient checker, the families'
 * deviances and likelihoods against closed forms, and every bad input a user can reach must be
 * a clear error.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <plum/plum.h>

#include "plugin-util.h"

static PlumRegistry *registry;

/* Reference values ------------------------------------------------------------------------- */

/* Printed by tests/reference/logistic_regression.py (scikit-learn 1.2.1) on data/. */
/* scikit-learn 1.2.1, LogisticRegression(C=1) optimum, standardized X */
/* breast_cancer: 569 rows, 30 features, 2 classes; lbfgs stops 0.00011 from this optimum */
static const double breast_cancer_coef[] = {
    -0.36309253243369449, -0.38767544277382876, -0.35106211909503543, -0.43560980289288531,
    -0.16183110282963989, 0.56265403347310194,  -0.8599171198467892,  -0.96228022339302599,
    0.076209031771010918, 0.32222623714122478,  -1.2909422897752159,  0.26892190131735877,
    -0.6599745965487579,  -1.0125577315968199,  -0.27721295875018526, 0.73632401295093863,
    0.11053932074831811,  -0.33340761903714738, 0.29579302593973361,  0.68091967294850764,
    -1.0292622619475726,  -1.3146076342279431,  -0.8233473826829808,  -1.0107068310344203,
    -0.67068196295186522, 0.044564251965487599, -0.8733339164738777,  -0.91200312195259514,
    -0.88783732444169983, -0.47981890815408623};
static const double breast_cancer_intercept[] = {0.21450271800137857};
/* iris: 150 rows, 4 features, 3 classes; lbfgs stops 0.00013 from this optimum */
static const double iris_coef[] = {-1.0740661547581822, 0.58781024060539644,  0.48625591415278752,
                                   1.1601151168541262,  -0.36184062701238617, -0.79827448984173999,
                                   -1.9306918596942395, -0.36343102409296718, 2.2941228837872067,
                                   -1.8115561243436005, -0.82626957572595383, 2.6378257000695555};
static const double iris_intercept[] = {-0.20524113269972166, 2.0748397833558188,
                                        -1.8695986506560907};
/* wine: 178 rows, 13 features, 3 classes; lbfgs stops 2.5e-05 from this optimum */
static const double wine_coef[] = {
    0.81013620075505499,  -1.0103312353584417,  0.20019503460338592,  0.20380427894787467,
    -0.44045085530448991, 0.23664657635661418,  0.47220288798541321,  -0.84806019832567325,
    0.37585731034026115,  -0.84479237007147967, 0.58359666262573595,  0.26119570744574433,
    0.049513309531740109, -0.09770734945534891, 0.048194039923609711, 0.2136997196640798,
    0.027543428164438853, -0.24124314782851977, 0.6478848020093434,   0.35398671910435198,
    -1.0018715211136966,  -0.19984833896304083, 0.21278955610370071,  -0.012941217140659694,
    0.13834864846399833,  0.26335502033202446,  -0.40170366879602371, 0.17160801740715256,
    -1.0412514979796554,  0.8696434805725044,   0.13090920829634117,  0.68251313894507226,
    -0.81342234724141282, 0.72596382496462264,  0.052885884871754558, -0.77884970983637836,
    1.0789526120173187,   -1.1407822350537355,  0.061829623036417217};
static const double wine_intercept[] = {0.41234332486930225, 0.7048385613751359,
                                        -1.1171818862444394};
/* breast_cancer_l1: 569 rows, 30 features, 2 classes; penalty l1, C = 0.1, l1_ratio 1 */
static const double breast_cancer_l1_coef[] = {0,
                                               0,
                                               0,
                                               0,
                                               0,
                                               0,
                                               0,
                                               -0.51947877790491059,
                                               0,
                                               0,
                                               -0.31986046217177866,
                                               0,
                                               0,
                                               0,
                                               0,
                                               0,
                                               0,
                                               0,
                                               0,
                                               0,
                                               -2.2494057518558006,
                                               -0.73543465593537283,
                                               0,
                                               0,
                                               -0.1817037815296379,
                                               0,
                                               -0.025547255407428582,
                                               -1.0953454239014373,
                                               -0.16285126610815043,
                                               0};
static const double breast_cancer_l1_intercept[] = {0.69364781313294921};
/* breast_cancer_enet: 569 rows, 30 features, 2 classes; penalty elasticnet, C = 0.5, l1_ratio 0.5
 */
static const double breast_cancer_enet_coef[] = {-0.27642496676900896,
                                                 -0.36479368706122378,
                                                 -0.22719929787906867,
                                                 -0.30920305042325186,
                                                 0,
                                                 0,
                                                 -0.48090984070671039,
                                                 -0.75134444036987902,
                                                 0,
                                                 0.226503374183123,
                                                 -1.1677952093953885,
                                                 0.094700420954074327,
                                                 -0.39849972428045377,
                                                 -0.68629405211062178,
                                                 -0.12230438002251673,
                                                 0.56748472549721218,
                                                 0,
                                                 -0.0050914251904671196,
                                                 0.15465719061188912,
                                                 0.26321497310828057,
                                                 -1.0074259885304304,
                                                 -1.0293537190811954,
                                                 -0.77124541562704907,
                                                 -0.88157083551424809,
                                                 -0.67017606042198519,
                                                 0,
                                                 -0.67673770908121667,
                                                 -0.9520498854707915,
                                                 -0.62205404573205225,
                                                 0};
static const double breast_cancer_enet_intercept[] = {0.30169862988664786};
/* iris_l1: 150 rows, 4 features, 3 classes; penalty l1, C = 0.5, l1_ratio 1 */
static const double iris_l1_coef[] = {0,
                                      0,
                                      0,
                                      0.69013588107368662,
                                      0,
                                      -0.25334197635468603,
                                      -4.029054866662003,
                                      0,
                                      2.3841425901553563,
                                      0,
                                      0,
                                      4.0615361231987253};
static const double iris_l1_intercept[] = {-0.10462028292253671, 2.0887256335281692,
                                           -1.9841053506054771};

/* Printed by tests/reference/glm.py (scikit-learn 1.2.1), which also wrote
 * tests/data/glm_poisson.csv and tests/data/glm_gamma.csv. */
/* scikit-learn 1.2.1, tests/reference/glm.py: newton-cholesky, tol=1e-12 */
static const double poisson_a1_coef[] = {0.28370460029227945, -0.16662938867067806,
                                         0.10423044114981289, -0.062853885573505075};
static const double poisson_a1_intercept[] = {0.42584476790697706};
static const double poisson_a1_w_coef[] = {0.31103034480470815, -0.14625814882881236,
                                           0.11075064636002582, -0.063831287819331964};
static const double poisson_a1_w_intercept[] = {0.43641437596670341};
static const double poisson_a0_coef[] = {0.47509848420346656, -0.28746311981964129,
                                         0.19763464133767997, -0.093339084489818161};
static const double poisson_a0_intercept[] = {0.32296656600100404};
/* R's glm(): AIC = −2 loglik + 2 p; standard errors from (XᵀWX)⁻¹, W = μ, φ = 1 */
static const double poisson_a0_deviance[] = {353.58594914664263};
static const double poisson_a0_null_deviance[] = {507.10222103737215};
static const double poisson_a0_aic[] = {915.39998082610055};
static const double poisson_a0_std_err[] = {0.046033635162874689, 0.047396225652990141,
                                            0.045128799798922176, 0.042091747650496183,
                                            0.052283487001659343};
static const double gamma_a1_coef[] = {0.25537733037305249, -0.1017562894252312,
                                       0.075939611812864086, 0.020155835552666236};
static const double gamma_a1_intercept[] = {0.51932198637085281};
static const double gamma_a0_coef[] = {0.51472196829025174, -0.21945772420598458,
                                       0.16180566691017056, 0.023416564763525514};
static const double gamma_a0_intercept[] = {0.49774353285007678};
/* R's glm(): φ = Pearson χ²/(n − p); AIC with φ = deviance/n and + 2 for φ; W = 1 */
static const double gamma_a0_deviance[] = {190.01356483842204};
static const double gamma_a0_dispersion[] = {0.5238155759770029};
static const double gamma_a0_aic[] = {841.95298492824577};
static const double gamma_a0_std_err[] = {0.040843572975989742, 0.041329248710507249,
                                          0.040891842584478956, 0.040570098175543336,
                                          0.041902354445952562};
static const double tweedie_a01_coef[] = {0.46824482426768532, -0.19818002461918294,
                                          0.14926530479251104, 0.044695994778475918};
static const double tweedie_a01_intercept[] = {0.50765399216432328};
static const double invgauss_a01_coef[] = {0.48043494542918153, -0.20509430860763078,
                                           0.15216289415007769, -0.038772751528374928};
static const double invgauss_a01_intercept[] = {0.46750752960313868};

/* Helpers ------------------------------------------------------------------------------------ */

static PlumBinding *
bind_component(PlumComponentKind kind, const char *yaml, GError **error)
{
  return test_bind(registry, kind, "component", yaml, error);
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

typedef struct {
  PlumBinding *binding;
  const PlumFamilyVTable *vt;
  const void *params;
} Family;

static void
family_init(Family *f, const char *yaml)
{
  GError *error = NULL;
  f->binding = bind_component(PLUM_KIND_FAMILY, yaml, &error);
  g_assert_no_error(error);
  f->vt = plum_family_vtable(f->binding, &f->params);
}

/* Reads data/NAME.csv (shipped) or tests/data/NAME.csv (generated). */
static PlumDataset *
load_csv(const char *dir, const char *name, PlumTargetMode target)
{
  GError *error = NULL;
  PlumCsvOptions opts;
  plum_csv_options_init(&opts);
  opts.target = target;
  char *file = g_strconcat(name, ".csv", NULL);
  char *path = strcmp(dir, "data") == 0
                   ? g_test_build_filename(G_TEST_DIST, "data", file, NULL)
                   : g_test_build_filename(G_TEST_DIST, "tests", "data", file, NULL);
  PlumDataset *ds = plum_csv_read(path, &opts, &error);
  g_assert_no_error(error);
  g_free(path);
  g_free(file);
  return ds;
}

/* Centres and scales every column to unit population variance, as StandardScaler. */
static void
standardize(PlumMatrix *X)
{
  for (size_t j = 0; j < X->cols; j++) {
    double mean = 0, ss = 0;
    for (size_t i = 0; i < X->rows; i++)
      mean += PLUM_MATRIX_AT(X, i, j);
    mean /= (double)X->rows;
    for (size_t i = 0; i < X->rows; i++) {
      double c = PLUM_MATRIX_AT(X, i, j) - mean;
      ss += c * c;
    }
    double sd = sqrt(ss / (double)X->rows);
    for (size_t i = 0; i < X->rows; i++)
      PLUM_MATRIX_AT(X, i, j) = (PLUM_MATRIX_AT(X, i, j) - mean) / sd;
  }
}

static PlumDataset *
load_standardized(const char *name)
{
  PlumDataset *ds = load_csv("data", name, PLUM_TARGET_CLASS);
  standardize(ds->X);
  return ds;
}

static PlumFitData
fit_data(const PlumDataset *ds, PlumRng *rng)
{
  return (PlumFitData){.struct_size = sizeof(PlumFitData),
                       .X = ds->X,
                       .y = ds->y,
                       .n_classes = ds->n_classes,
                       .rng = rng};
}

static void
fit_ok(Model *m, const PlumFitData *fd)
{
  GError *error = NULL;
  gboolean ok = m->vt->fit(m->self, fd, &error);
  g_assert_no_error(error);
  g_assert_true(ok);
}

/* |got − want| <= tol · max(1, |want|) element by element. */
static void
assert_close(const double *got, const double *want, size_t n, double tol)
{
  for (size_t i = 0; i < n; i++) {
    if (!(fabs(got[i] - want[i]) <= tol * fmax(1.0, fabs(want[i]))))
      g_error("element %zu: got %.17g, want %.17g (tolerance %g)", i, got[i], want[i], tol);
  }
}

static PlumState *
saved_state(const Model *m)
{
  GError *error = NULL;
  PlumState *state = plum_state_new();
  g_assert_true(m->vt->save(m->self, state, &error));
  g_assert_no_error(error);
  return state;
}

/* The saved coef (rows x cols) and intercept (cols) against a reference. */
static void
assert_coef(const Model *m, size_t rows, size_t cols, const double *coef, const double *intercept,
            double tol)
{
  GError *error = NULL;
  PlumState *state = saved_state(m);
  const double *got = plum_state_get_reals(state, "coef", rows, cols, NULL, NULL, &error);
  g_assert_no_error(error);
  assert_close(got, coef, rows * cols, tol);
  if (plum_state_has(state, "n_classes")) {
    got = plum_state_get_reals(state, "intercept", 1, cols, NULL, NULL, &error);
    g_assert_no_error(error);
    assert_close(got, intercept, cols, tol);
  } else {
    double b;
    g_assert_true(plum_state_get_real(state, "intercept", &b, &error));
    assert_close(&b, intercept, 1, tol);
  }
  plum_state_free(state);
}

/* Fits `yaml` on ds and expects an error of domain/code whose message contains `needle`. */
static void
assert_fit_fails(const char *yaml, const PlumFitData *fd, GQuark domain, int code,
                 const char *needle)
{
  GError *error = NULL;
  Model m;
  model_init(&m, yaml);
  g_assert_false(m.vt->fit(m.self, fd, &error));
  g_assert_error(error, domain, code);
  if (strstr(error->message, needle) == NULL)
    g_error("'%s' does not mention '%s'", error->message, needle);
  g_error_free(error);
  model_clear(&m);
}

/* Objectives ---------------------------------------------------------------------------------- */

/* The gradient at a random θ matches central differences, and the values and gradients over
 * two disjoint halves of the terms add up to the full ones. */
static void
check_objective(const char *yaml, const PlumFitData *fd, double scale)
{
  GError *error = NULL;
  Model m;
  PlumObjective obj;
  model_init(&m, yaml);
  g_assert_true(m.vt->objective(m.self, fd, &obj, &error));
  g_assert_no_error(error);
  size_t np = obj.n_params, n = obj.n_terms, half = n / 2;
  g_assert_cmpuint(n, ==, fd->X->rows);
  double *theta = g_new(double, np), *g_all = g_new(double, np), *g_a = g_new(double, np),
         *g_b = g_new(double, np);
  if (obj.initial)
    obj.initial(obj.ctx, theta);
  else
    memset(theta, 0, np * sizeof *theta);
  for (size_t j = 0; j < np; j++)
    theta[j] += scale * (plum_rng_uniform(fd->rng) - 0.5);

  double err;
  g_assert_true(plum_objective_check_gradient(&obj, theta, 1e-6, &err, &error));
  g_assert_no_error(error);
  if (!(err < 1e-6))
    g_error("%s: gradient check relative error %g", yaml, err);

  size_t *idx = g_new(size_t, n);
  for (size_t i = 0; i < n; i++)
    idx[i] = (i * 7) % n; /* a permutation: 7 is prime to every n used here */
  double v_all, v_a, v_b;
  g_assert_true(obj.eval(obj.ctx, theta, NULL, n, &v_all, g_all, &error));
  g_assert_true(obj.eval(obj.ctx, theta, idx, half, &v_a, g_a, &error));
  g_assert_true(obj.eval(obj.ctx, theta, idx + half, n - half, &v_b, g_b, &error));
  g_assert_no_error(error);
  g_assert_cmpfloat_with_epsilon(v_a + v_b, v_all, 1e-9 * fabs(v_all));
  for (size_t j = 0; j < np; j++)
    g_assert_cmpfloat_with_epsilon(g_a[j] + g_b[j], g_all[j], 1e-9 * fmax(1.0, fabs(g_all[j])));

  g_free(idx);
  g_free(theta);
  g_free(g_all);
  g_free(g_a);
  g_free(g_b);
  obj.free(obj.ctx);
  model_clear(&m);
}

static void
test_logistic_objective(void)
{
  PlumRng *rng = plum_rng_new(7);
  PlumDataset *bc = load_standardized("breast_cancer"), *iris = load_standardized("iris");
  PlumFitData fd = fit_data(bc, rng);
  check_objective("{name: logistic_regression, C: 0.5}", &fd, 1.0);
  check_objective("{name: logistic_regression, penalty: none, fit_intercept: false}", &fd, 1.0);
  double *w = g_new(double, bc->X->rows);
  for (size_t i = 0; i < bc->X->rows; i++)
    w[i] = 1.0 + (double)(i % 3);
  fd.sample_weight = w;
  check_objective("{name: logistic_regression, penalty: elasticnet, l1_ratio: 0}", &fd, 1.0);
  fd = fit_data(iris, rng);
  check_objective("{name: logistic_regression, C: 2}", &fd, 1.0);
  check_objective("{name: logistic_regression, penalty: none, fit_intercept: false}", &fd, 1.0);
  g_free(w);
  plum_dataset_free(bc);
  plum_dataset_free(iris);
  plum_rng_free(rng);
}

static void
test_glm_objective(void)
{
  PlumRng *rng = plum_rng_new(8);
  PlumDataset *pois = load_csv("tests", "glm_poisson", PLUM_TARGET_REAL);
  PlumDataset *gam = load_csv("tests", "glm_gamma", PLUM_TARGET_REAL);
  PlumFitData fd = fit_data(pois, rng);
  check_objective("{name: glm, family: poisson, alpha: 0.5}", &fd, 0.2);
  check_objective("{name: glm, family: {name: tweedie, power: 1.5}, fit_intercept: false}", &fd,
                  0.2);
  double *w = g_new(double, pois->X->rows);
  for (size_t i = 0; i < pois->X->rows; i++)
    w[i] = 1.0 + (double)(i % 3);
  fd.sample_weight = w;
  check_objective("{name: glm, family: {name: poisson, link: sqrt}, alpha: 0.1}", &fd, 0.05);
  fd = fit_data(gam, rng);
  check_objective("{name: glm, family: {name: gamma, link: log}, alpha: 1}", &fd, 0.2);
  check_objective("{name: glm, family: {name: inverse_gaussian, link: log}}", &fd, 0.2);
  check_objective("{name: glm, family: {name: gamma, link: identity}}", &fd, 0.02);
  plum_dataset_free(gam);

  PlumDataset *bc = load_standardized("breast_cancer");
  fd = fit_data(bc, rng);
  fd.n_classes = 0;
  check_objective("{name: glm, family: bernoulli, alpha: 0.01}", &fd, 1.0);
  check_objective("{name: glm, family: {name: binomial, link: probit}}", &fd, 0.2);
  check_objective("{name: glm, family: {name: bernoulli, link: cloglog}}", &fd, 0.2);
  g_free(w);
  plum_dataset_free(bc);
  plum_dataset_free(pois);
  plum_rng_free(rng);
}

/* logistic_regression against scikit-learn --------------------------------------------------- */

static void
check_logistic_reference(const char *data, const char *yaml, const double *coef,
                         const double *intercept, double tol)
{
  PlumRng *rng = plum_rng_new(1);
  PlumDataset *ds = load_standardized(data);
  PlumFitData fd = fit_data(ds, rng);
  PlumState *report = plum_state_new();
  fd.report = report;
  Model m;
  model_init(&m, yaml);
  fit_ok(&m, &fd);
  size_t k = ds->n_classes == 2 ? 1 : ds->n_classes;
  assert_coef(&m, ds->X->cols, k, coef, intercept, tol);
  g_assert_true(plum_state_has(report, "stop_reason"));
  plum_state_free(report);
  model_clear(&m);
  plum_dataset_free(ds);
  plum_rng_free(rng);
}

#define LOGISTIC_LBFGS_1E6 "{name: logistic_regression, C: 1, optimizer: {name: lbfgs, tol: 1e-6}}"

static void
test_logistic_breast_cancer(void)
{
  /* lbfgs's default tol (1e-5 on the gradient norm of F/n) stops about 2e-4 from the optimum
   * here, as scikit-learn's own lbfgs stops 1e-4 away; 1e-6 is the loosest that meets 1e-4. */
  check_logistic_reference("breast_cancer", LOGISTIC_LBFGS_1E6, breast_cancer_coef,
                           breast_cancer_intercept, 1e-4);
  check_logistic_reference(
      "breast_cancer",
      "{name: logistic_regression, optimizer: {name: lbfgs, tol: 1e-10, max_iter: 10000}}",
      breast_cancer_coef, breast_cancer_intercept, 1e-7);
}

static void
test_logistic_multinomial(void)
{
  check_logistic_reference("iris", LOGISTIC_LBFGS_1E6, iris_coef, iris_intercept, 1e-4);
  check_logistic_reference("wine", LOGISTIC_LBFGS_1E6, wine_coef, wine_intercept, 1e-4);
  const char *tight =
      "{name: logistic_regression, optimizer: {name: lbfgs, tol: 1e-10, max_iter: 10000}}";
  check_logistic_reference("iris", tight, iris_coef, iris_intercept, 1e-7);
  check_logistic_reference("wine", tight, wine_coef, wine_intercept, 1e-7);
}

static void
test_logistic_sparse(void)
{
  check_logistic_reference("breast_cancer",
                           "{name: logistic_regression, penalty: l1, C: 0.1, tol: 1e-9}",
                           breast_cancer_l1_coef, breast_cancer_l1_intercept, 1e-5);
  check_logistic_reference(
      "breast_cancer",
      "{name: logistic_regression, penalty: elasticnet, C: 0.5, l1_ratio: 0.5, tol: 1e-9}",
      breast_cancer_enet_coef, breast_cancer_enet_intercept, 1e-5);
  check_logistic_reference("iris", "{name: logistic_regression, penalty: l1, C: 0.5, tol: 1e-9}",
                           iris_l1_coef, iris_l1_intercept, 1e-5);
}

/* predict_proba rows are the softmax (sigmoid) of the reference scores; predict is their
 * argmax; a saved and reloaded model predicts the same. */
static void
test_logistic_predict(void)
{
  GError *error = NULL;
  PlumRng *rng = plum_rng_new(1);
  PlumDataset *ds = load_standardized("iris");
  PlumFitData fd = fit_data(ds, rng);
  Model m, m2;
  model_init(&m, "{name: logistic_regression, optimizer: {name: lbfgs, tol: 1e-10}}");
  fit_ok(&m, &fd);
  size_t n = ds->X->rows, k = 3;
  PlumMatrix *P = plum_matrix_new(n, k, &error), *L = plum_matrix_new(n, 1, &error);
  g_assert_true(m.vt->predict_proba(m.self, ds->X, P, &error));
  g_assert_true(m.vt->predict(m.self, ds->X, L, &error));
  g_assert_no_error(error);
  size_t correct = 0;
  for (size_t i = 0; i < n; i++) {
    double s[3], total = 0;
    for (size_t c = 0; c < k; c++) {
      s[c] = iris_intercept[c];
      for (size_t j = 0; j < 4; j++)
        s[c] += PLUM_MATRIX_AT(ds->X, i, j) * iris_coef[j * k + c];
      total += exp(s[c]);
    }
    size_t best = 0;
    for (size_t c = 0; c < k; c++) {
      g_assert_cmpfloat_with_epsilon(PLUM_MATRIX_AT(P, i, c), exp(s[c]) / total, 1e-6);
      if (s[c] > s[best])
        best = c;
    }
    g_assert_cmpfloat(PLUM_MATRIX_AT(L, i, 0), ==, (double)best);
    correct += PLUM_MATRIX_AT(L, i, 0) == PLUM_MATRIX_AT(ds->y, i, 0);
  }
  g_assert_cmpuint(correct, >=, 140); /* scikit-learn's fit gets 146 of 150 right */

  PlumState *state = saved_state(&m);
  model_init(&m2, "{name: logistic_regression}");
  g_assert_true(m2.vt->load(m2.self, state, &error));
  g_assert_no_error(error);
  PlumMatrix *P2 = plum_matrix_new(n, k, &error);
  g_assert_true(m2.vt->predict_proba(m2.self, ds->X, P2, &error));
  g_assert_cmpmem(P->data, n * k * sizeof(double), P2->data, n * k * sizeof(double));
  PlumModelShape shape = {.struct_size = sizeof shape};
  m2.vt->shape(m2.self, &shape);
  g_assert_cmpuint(shape.n_features, ==, 4);
  g_assert_cmpuint(shape.n_classes, ==, 3);

  plum_matrix_free(P);
  plum_matrix_free(P2);
  plum_matrix_free(L);
  plum_state_free(state);
  model_clear(&m);
  model_clear(&m2);
  plum_dataset_free(ds);
  plum_rng_free(rng);
}

/* A two-class softmax with ½‖W‖²/C on both columns is the sigmoid model with C doubled: the
 * optimum has w₁ = −w₀ and w = w₁ − w₀. */
static void
test_logistic_binary_softmax(void)
{
  GError *error = NULL;
  PlumRng *rng = plum_rng_new(1);
  PlumDataset *ds = load_standardized("breast_cancer");
  PlumFitData fd = fit_data(ds, rng);
  Model sig, soft;
  model_init(&sig, "{name: logistic_regression, C: 2, optimizer: {name: lbfgs, tol: 1e-10}}");
  model_init(&soft, "{name: logistic_regression, multi_class: multinomial, optimizer: {name: "
                    "lbfgs, tol: 1e-10}}");
  fit_ok(&sig, &fd);
  fit_ok(&soft, &fd);
  size_t n = ds->X->rows;
  PlumMatrix *P1 = plum_matrix_new(n, 2, &error), *P2 = plum_matrix_new(n, 2, &error);
  g_assert_true(sig.vt->predict_proba(sig.self, ds->X, P1, &error));
  g_assert_true(soft.vt->predict_proba(soft.self, ds->X, P2, &error));
  g_assert_no_error(error);
  assert_close(P2->data, P1->data, 2 * n, 1e-7);
  for (size_t i = 0; i < n; i++)
    g_assert_cmpfloat_with_epsilon(PLUM_MATRIX_AT(P1, i, 0) + PLUM_MATRIX_AT(P1, i, 1), 1.0, 1e-15);
  plum_matrix_free(P1);
  plum_matrix_free(P2);
  model_clear(&sig);
  model_clear(&soft);
  plum_dataset_free(ds);
  plum_rng_free(rng);
}

static void
test_logistic_errors(void)
{
  GError *error = NULL;
  PlumRng *rng = plum_rng_new(1);
  double xs[8] = {0, 1, 1, 0, 2, 1, 3, 2}, ys[4] = {0, 1, 0, 1}, out[4];
  PlumMatrix X = plum_matrix_view(xs, 4, 2, 0), y = plum_matrix_view(ys, 4, 1, 0);
  PlumFitData fd = {.struct_size = sizeof fd, .X = &X, .y = &y, .n_classes = 2, .rng = rng};
  const char *yaml = "{name: logistic_regression}";

  xs[3] = NAN;
  assert_fit_fails(yaml, &fd, PLUM_DATA_ERROR, PLUM_DATA_ERROR_NONFINITE, "row 1, column 1");
  xs[3] = INFINITY;
  assert_fit_fails(yaml, &fd, PLUM_DATA_ERROR, PLUM_DATA_ERROR_NONFINITE, "row 1, column 1");
  xs[3] = 0;
  ys[1] = 0;
  ys[3] = 0;
  assert_fit_fails(yaml, &fd, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID, "single class (0)");
  fd.n_classes = 1;
  assert_fit_fails(yaml, &fd, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID, "n_classes is 1");
  fd.n_classes = 3;
  ys[1] = 1;
  assert_fit_fails(yaml, &fd, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID, "class 2 of 3 never");
  fd.n_classes = 2;
  ys[2] = 2;
  assert_fit_fails(yaml, &fd, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID, "y = 2 at row 2");
  ys[2] = 0.5;
  assert_fit_fails(yaml, &fd, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID, "y = 0.5 at row 2");
  ys[2] = 0;
  PlumMatrix y_short = plum_matrix_view(ys, 3, 1, 0);
  fd.y = &y_short;
  assert_fit_fails(yaml, &fd, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE, "y");
  fd.y = &y;
  double w[4] = {1, -1, 1, 1};
  fd.sample_weight = w;
  assert_fit_fails(yaml, &fd, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID, "sample_weight[1]");
  fd.sample_weight = NULL;

  Model m;
  model_init(&m, "{name: logistic_regression, penalty: l1}");
  PlumMatrix P = plum_matrix_view(out, 4, 1, 0);
  g_assert_false(m.vt->predict(m.self, &X, &P, &error));
  g_assert_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_NOT_FITTED);
  g_clear_error(&error);
  PlumObjective obj;
  g_assert_false(m.vt->objective(m.self, &fd, &obj, &error));
  g_assert_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_UNSUPPORTED);
  g_clear_error(&error);
  fit_ok(&m, &fd);
  PlumMatrix X3 = plum_matrix_view(xs, 2, 3, 0);
  g_assert_false(m.vt->predict(m.self, &X3, &P, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE);
  g_clear_error(&error);
  PlumMatrix P3 = plum_matrix_view(out, 2, 2, 0);
  g_assert_false(m.vt->predict_proba(m.self, &X, &P3, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE);
  g_clear_error(&error);
  model_clear(&m);

  g_assert_null(bind_component(PLUM_KIND_MODEL, "{name: logistic_regression, C: 0}", &error));
  g_assert_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE);
  g_clear_error(&error);
  g_assert_null(
      bind_component(PLUM_KIND_MODEL, "{name: logistic_regression, penalty: l3}", &error));
  g_assert_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE);
  g_clear_error(&error);
  plum_rng_free(rng);
}

/* Held-out rows reach the optimizer's early stopping: with a min_delta no improvement can
 * meet, it stops after `patience` checks and says so; bad held-out rows are refused. */
static void
check_early_stopping(const char *yaml, PlumDataset *ds, size_t n_classes)
{
  PlumRng *rng = plum_rng_new(1);
  size_t n_fit = ds->X->rows - 50;
  PlumMatrix X = plum_matrix_rows(ds->X, 0, n_fit), y = plum_matrix_rows(ds->y, 0, n_fit);
  PlumMatrix X_val = plum_matrix_rows(ds->X, n_fit, 50), y_val = plum_matrix_rows(ds->y, n_fit, 50);
  PlumFitData fd = {.struct_size = sizeof fd,
                    .X = &X,
                    .y = &y,
                    .n_classes = n_classes,
                    .X_val = &X_val,
                    .y_val = &y_val,
                    .rng = rng};
  PlumState *report = plum_state_new();
  fd.report = report;
  Model m;
  model_init(&m, yaml);
  fit_ok(&m, &fd);
  GError *error = NULL;
  const char *reason = plum_state_get_string(report, "stop_reason", &error);
  g_assert_no_error(error);
  g_assert_true(g_str_has_prefix(reason, "early stopping"));
  gint64 n_iter = 0;
  g_assert_true(plum_state_get_int(report, "n_iter", &n_iter, &error));
  g_assert_cmpint(n_iter, ==, 3);
  /* the monitor reports the best held-out score and when it came (the model passes the report) */
  double best = report_real(report, "val_best_loss");
  g_assert_true(isfinite(best) && best > 0);
  gint64 best_iter = -1;
  g_assert_true(plum_state_get_int(report, "val_best_iter", &best_iter, &error));
  g_assert_cmpint(best_iter, >=, 0);
  g_assert_cmpint(best_iter, <=, n_iter);

  PlumMatrix X_narrow = X_val;
  X_narrow.cols--;
  fd.X_val = &X_narrow;
  g_assert_false(m.vt->fit(m.self, &fd, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE);
  g_clear_error(&error);
  fd.X_val = &X_val;
  double saved = PLUM_MATRIX_AT(&y_val, 3, 0);
  PLUM_MATRIX_AT(&y_val, 3, 0) = -1;
  g_assert_false(m.vt->fit(m.self, &fd, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID);
  g_assert_nonnull(strstr(error->message, "at row 3"));
  g_clear_error(&error);
  PLUM_MATRIX_AT(&y_val, 3, 0) = saved;

  plum_state_free(report);
  model_clear(&m);
  plum_rng_free(rng);
}

static void
test_early_stopping(void)
{
  const char *opt = "optimizer: {name: lbfgs, patience: 2, min_delta: 1.0e9}";
  char *yaml = g_strdup_printf("{name: logistic_regression, %s}", opt);
  PlumDataset *ds = load_standardized("breast_cancer");
  check_early_stopping(yaml, ds, 2);
  plum_dataset_free(ds);
  g_free(yaml);
  yaml = g_strdup_printf("{name: glm, family: poisson, solver: optimizer, %s}", opt);
  ds = load_csv("tests", "glm_poisson", PLUM_TARGET_REAL);
  check_early_stopping(yaml, ds, 0);
  plum_dataset_free(ds);
  g_free(yaml);
}

/* A saved state that does not fit is refused before it is used. */
static void
test_logistic_bad_state(void)
{
  GError *error = NULL;
  Model m;
  model_init(&m, "{name: logistic_regression}");
  PlumState *state = plum_state_new();
  double coef[6] = {1, 2, 3, 4, 5, 6}, intercept[3] = {0, 0, 0};
  plum_state_set_reals(state, "coef", coef, 2, 3);
  plum_state_set_reals(state, "intercept", intercept, 1, 3);
  plum_state_set_int(state, "n_classes", 2);
  g_assert_false(m.vt->load(m.self, state, &error));
  g_assert_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE);
  g_clear_error(&error);
  plum_state_set_int(state, "n_classes", 3);
  coef[4] = NAN;
  plum_state_set_reals(state, "coef", coef, 2, 3);
  g_assert_false(m.vt->load(m.self, state, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_NONFINITE);
  g_clear_error(&error);
  plum_state_free(state);
  model_clear(&m);
}

/* glm against scikit-learn ------------------------------------------------------------------- */

static PlumState *
fit_glm(const char *data, const char *yaml, const double *w, const double *coef,
        const double *intercept, double tol)
{
  PlumRng *rng = plum_rng_new(1);
  PlumDataset *ds = load_csv("tests", data, PLUM_TARGET_REAL);
  PlumFitData fd = fit_data(ds, rng);
  PlumState *report = plum_state_new();
  fd.sample_weight = w;
  fd.report = report;
  Model m;
  model_init(&m, yaml);
  fit_ok(&m, &fd);
  assert_coef(&m, 4, 1, coef, intercept, tol);
  model_clear(&m);
  plum_dataset_free(ds);
  plum_rng_free(rng);
  return report;
}

static void
check_glm(const char *data, const char *yaml, const double *w, const double *coef,
          const double *intercept, double tol)
{
  plum_state_free(fit_glm(data, yaml, w, coef, intercept, tol));
}

static void
test_glm_poisson(void)
{
  check_glm("glm_poisson", "{name: glm, family: poisson, alpha: 1}", NULL, poisson_a1_coef,
            poisson_a1_intercept, 1e-5);
  check_glm("glm_poisson",
            "{name: glm, family: poisson, alpha: 1, solver: optimizer, optimizer: {name: lbfgs, "
            "tol: 1e-10}}",
            NULL, poisson_a1_coef, poisson_a1_intercept, 1e-5);
  double w[300];
  for (size_t i = 0; i < 300; i++)
    w[i] = 1.0 + (double)(i % 3);
  check_glm("glm_poisson", "{name: glm, family: poisson, alpha: 1}", w, poisson_a1_w_coef,
            poisson_a1_w_intercept, 1e-5);

  PlumState *r = fit_glm("glm_poisson", "{name: glm, family: poisson, tol: 1e-14}", NULL,
                         poisson_a0_coef, poisson_a0_intercept, 1e-7);
  GError *error = NULL;
  assert_close((double[]){report_real(r, "deviance")}, poisson_a0_deviance, 1, 1e-7);
  assert_close((double[]){report_real(r, "null_deviance")}, poisson_a0_null_deviance, 1, 1e-10);
  assert_close((double[]){report_real(r, "aic")}, poisson_a0_aic, 1, 1e-7);
  g_assert_cmpfloat(report_real(r, "dispersion"), ==, 1.0);
  const double *se = plum_state_get_reals(r, "std_err", 1, 5, NULL, NULL, &error);
  g_assert_no_error(error);
  assert_close(se, poisson_a0_std_err, 5, 1e-5);
  plum_state_free(r);
}

static void
test_glm_gamma(void)
{
  GError *error = NULL;
  check_glm("glm_gamma", "{name: glm, family: {name: gamma, link: log}, alpha: 1}", NULL,
            gamma_a1_coef, gamma_a1_intercept, 1e-5);
  PlumState *r = fit_glm("glm_gamma", "{name: glm, family: {name: gamma, link: log}, tol: 1e-14}",
                         NULL, gamma_a0_coef, gamma_a0_intercept, 1e-7);
  assert_close((double[]){report_real(r, "deviance")}, gamma_a0_deviance, 1, 1e-7);
  assert_close((double[]){report_real(r, "dispersion")}, gamma_a0_dispersion, 1, 1e-6);
  assert_close((double[]){report_real(r, "aic")}, gamma_a0_aic, 1, 1e-7);
  const double *se = plum_state_get_reals(r, "std_err", 1, 5, NULL, NULL, &error);
  g_assert_no_error(error);
  assert_close(se, gamma_a0_std_err, 5, 1e-5);
  plum_state_free(r);
  check_glm("glm_gamma", "{name: glm, family: {name: tweedie, power: 1.5}, alpha: 0.1}", NULL,
            tweedie_a01_coef, tweedie_a01_intercept, 1e-5);
  check_glm("glm_gamma", "{name: glm, family: {name: inverse_gaussian, link: log}, alpha: 0.1}",
            NULL, invgauss_a01_coef, invgauss_a01_intercept, 1e-5);
  check_glm("glm_gamma", "{name: glm, family: {name: tweedie, power: 3}, alpha: 0.1}", NULL,
            invgauss_a01_coef, invgauss_a01_intercept, 1e-5);
}

/* The bernoulli GLM with α = 1/(nC) is logistic regression with C; IRLS and lbfgs agree. */
static void
test_glm_bernoulli_is_logistic(void)
{
  PlumRng *rng = plum_rng_new(1);
  PlumDataset *ds = load_standardized("breast_cancer");
  PlumFitData fd = fit_data(ds, rng);
  fd.n_classes = 0;
  char *yaml =
      g_strdup_printf("{name: glm, family: bernoulli, alpha: %.17g}", 1.0 / (double)ds->X->rows);
  Model m;
  model_init(&m, yaml);
  fit_ok(&m, &fd);
  assert_coef(&m, 30, 1, breast_cancer_coef, breast_cancer_intercept, 1e-7);
  model_clear(&m);
  g_free(yaml);
  plum_dataset_free(ds);
  plum_rng_free(rng);
}

/* Proportions out of `trials` are bernoulli rows weighted by the trials. */
static void
test_glm_binomial_trials(void)
{
  GError *error = NULL;
  PlumRng *rng = plum_rng_new(1);
  PlumDataset *ds = load_csv("tests", "glm_poisson", PLUM_TARGET_REAL);
  size_t n = ds->X->rows;
  double *w = g_new(double, n);
  for (size_t i = 0; i < n; i++) {
    PLUM_MATRIX_AT(ds->y, i, 0) = fmin(PLUM_MATRIX_AT(ds->y, i, 0), 4.0) / 4.0;
    w[i] = 4.0;
  }
  PlumFitData fd = fit_data(ds, rng);
  Model binom, bern;
  model_init(&binom, "{name: glm, family: {name: binomial, trials: 4}}");
  model_init(&bern, "{name: glm, family: bernoulli}");
  fit_ok(&binom, &fd);
  fd.sample_weight = w;
  fit_ok(&bern, &fd);
  PlumState *a = saved_state(&binom), *b = saved_state(&bern);
  const double *ca = plum_state_get_reals(a, "coef", 4, 1, NULL, NULL, &error);
  const double *cb = plum_state_get_reals(b, "coef", 4, 1, NULL, NULL, &error);
  g_assert_no_error(error);
  assert_close(ca, cb, 4, 1e-9);

  fd.sample_weight = NULL;
  PLUM_MATRIX_AT(ds->y, 5, 0) = 0.3;
  assert_fit_fails("{name: glm, family: {name: binomial, trials: 4}}", &fd, PLUM_DATA_ERROR,
                   PLUM_DATA_ERROR_INVALID, "row 5");
  plum_state_free(a);
  plum_state_free(b);
  model_clear(&binom);
  model_clear(&bern);
  g_free(w);
  plum_dataset_free(ds);
  plum_rng_free(rng);
}

/* The normal family with the identity link is ordinary least squares, with σ² estimated by
 * RSS / (n − p) and R's AIC n (log(2π RSS / n) + 1) + 2 (p + 1). */
static void
test_glm_normal_is_ols(void)
{
  GError *error = NULL;
  PlumRng *rng = plum_rng_new(1);
  PlumDataset *ds = load_csv("tests", "glm_gamma", PLUM_TARGET_REAL);
  PlumFitData fd = fit_data(ds, rng);
  PlumState *report = plum_state_new();
  fd.report = report;
  Model glm, ols;
  model_init(&glm, "{name: glm}");
  model_init(&ols, "{name: linear_regression}");
  fit_ok(&glm, &fd);
  fd.report = NULL;
  fit_ok(&ols, &fd);
  PlumState *a = saved_state(&glm), *b = saved_state(&ols);
  const double *ca = plum_state_get_reals(a, "coef", 4, 1, NULL, NULL, &error);
  const double *cb = plum_state_get_reals(b, "coef", 4, 1, NULL, NULL, &error);
  g_assert_no_error(error);
  assert_close(ca, cb, 4, 1e-10);
  double n = (double)ds->X->rows, rss = report_real(report, "deviance");
  assert_close((double[]){report_real(report, "dispersion")}, (double[]){rss / (n - 5)}, 1, 1e-12);
  assert_close((double[]){report_real(report, "aic")},
               (double[]){n * (log(2 * G_PI * rss / n) + 1) + 2 * 6}, 1, 1e-12);
  plum_state_free(report);
  plum_state_free(a);
  plum_state_free(b);
  model_clear(&glm);
  model_clear(&ols);
  plum_dataset_free(ds);
  plum_rng_free(rng);
}

static void
test_glm_predict_save_load(void)
{
  GError *error = NULL;
  PlumRng *rng = plum_rng_new(1);
  PlumDataset *ds = load_csv("tests", "glm_poisson", PLUM_TARGET_REAL);
  PlumFitData fd = fit_data(ds, rng);
  Model m, m2;
  model_init(&m, "{name: glm, family: poisson, alpha: 1}");
  fit_ok(&m, &fd);
  size_t n = ds->X->rows;
  PlumMatrix *mu = plum_matrix_new(n, 1, &error), *mu2 = plum_matrix_new(n, 1, &error);
  g_assert_true(m.vt->predict(m.self, ds->X, mu, &error));
  g_assert_no_error(error);
  for (size_t i = 0; i < n; i++) {
    double eta = poisson_a1_intercept[0];
    for (size_t j = 0; j < 4; j++)
      eta += PLUM_MATRIX_AT(ds->X, i, j) * poisson_a1_coef[j];
    g_assert_cmpfloat_with_epsilon(PLUM_MATRIX_AT(mu, i, 0), exp(eta), 1e-5 * exp(eta));
  }
  PlumState *state = saved_state(&m);
  model_init(&m2, "{name: glm, family: poisson}");
  g_assert_true(m2.vt->load(m2.self, state, &error));
  g_assert_no_error(error);
  g_assert_true(m2.vt->predict(m2.self, ds->X, mu2, &error));
  g_assert_cmpmem(mu->data, n * sizeof(double), mu2->data, n * sizeof(double));

  PlumMatrix X3 = plum_matrix_rows(ds->X, 0, 2);
  X3.cols = 3;
  g_assert_false(m2.vt->predict(m2.self, &X3, mu2, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE);
  g_clear_error(&error);
  plum_state_set_real(state, "intercept", NAN);
  g_assert_false(m2.vt->load(m2.self, state, &error));
  g_assert_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE);
  g_clear_error(&error);

  plum_state_free(state);
  plum_matrix_free(mu);
  plum_matrix_free(mu2);
  model_clear(&m);
  model_clear(&m2);
  plum_dataset_free(ds);
  plum_rng_free(rng);
}

/* Singular designs: a clear error naming the column without a penalty, a finite fit with one. */
static void
test_glm_singular(void)
{
  PlumRng *rng = plum_rng_new(1);
  PlumDataset *ds = load_csv("tests", "glm_poisson", PLUM_TARGET_REAL);
  PlumFitData fd = fit_data(ds, rng);
  for (size_t i = 0; i < ds->X->rows; i++)
    PLUM_MATRIX_AT(ds->X, i, 2) = PLUM_MATRIX_AT(ds->X, i, 0);
  assert_fit_fails("{name: glm, family: poisson}", &fd, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED,
                   "feature 2 (counting from 0) is a linear combination");
  Model m;
  model_init(&m, "{name: glm, family: poisson, alpha: 0.1}");
  fit_ok(&m, &fd);
  PlumState *state = saved_state(&m);
  GError *error = NULL;
  const double *coef = plum_state_get_reals(state, "coef", 4, 1, NULL, NULL, &error);
  g_assert_no_error(error);
  g_assert_cmpfloat_with_epsilon(coef[0], coef[2], 1e-10); /* ridge splits the duplicate */
  plum_state_free(state);
  model_clear(&m);

  /* A gradient method has no trouble with the flat direction: from β = 0 it never moves
   * along it, so the duplicate's weight is split evenly (the minimum-norm answer); the
   * report leaves out the standard errors the singular information matrix cannot give. */
  PlumState *report = plum_state_new();
  fd.report = report;
  model_init(&m, "{name: glm, family: poisson, solver: optimizer, optimizer: {name: lbfgs, tol: "
                 "1e-10}}");
  fit_ok(&m, &fd);
  state = saved_state(&m);
  coef = plum_state_get_reals(state, "coef", 4, 1, NULL, NULL, &error);
  g_assert_no_error(error);
  g_assert_cmpfloat_with_epsilon(coef[0], coef[2], 1e-8);
  g_assert_true(isfinite(coef[0]));
  g_assert_false(plum_state_has(report, "std_err"));
  g_assert_true(plum_state_has(report, "deviance"));
  fd.report = NULL;
  plum_state_free(report);
  plum_state_free(state);
  model_clear(&m);

  for (size_t i = 0; i < ds->X->rows; i++)
    PLUM_MATRIX_AT(ds->X, i, 2) = 3.0;
  assert_fit_fails("{name: glm, family: poisson}", &fd, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED,
                   "intercept is a linear combination");
  plum_dataset_free(ds);
  plum_rng_free(rng);
}

/* Non-canonical links whose mean space is bounded: IRLS halves its steps back into it (from
 * the intercept-only model on the first step) and agrees with lbfgs on the same objective. */
static void
test_glm_step_halving(void)
{
  GError *error = NULL;
  PlumRng *rng = plum_rng_new(1);
  PlumDataset *ds = load_csv("tests", "glm_poisson", PLUM_TARGET_REAL);
  PlumFitData fd = fit_data(ds, rng);
  PlumState *report = plum_state_new();
  fd.report = report;
  Model m;
  model_init(&m, "{name: glm, family: {name: poisson, link: identity}}");
  fit_ok(&m, &fd);
  g_assert_cmpfloat(report_real(report, "deviance"), <, report_real(report, "null_deviance"));
  PlumMatrix *mu = plum_matrix_new(ds->X->rows, 1, &error);
  g_assert_true(m.vt->predict(m.self, ds->X, mu, &error));
  g_assert_no_error(error);
  for (size_t i = 0; i < ds->X->rows; i++)
    g_assert_cmpfloat(PLUM_MATRIX_AT(mu, i, 0), >, 0);
  plum_matrix_free(mu);
  plum_state_free(report);
  model_clear(&m);
  plum_dataset_free(ds);

  ds = load_csv("tests", "glm_gamma", PLUM_TARGET_REAL);
  fd = fit_data(ds, rng);
  Model irls, lbfgs;
  model_init(&irls, "{name: glm, family: gamma}");
  model_init(&lbfgs, "{name: glm, family: gamma, solver: optimizer, optimizer: {name: lbfgs, "
                     "tol: 1e-10}}");
  fit_ok(&irls, &fd);
  fit_ok(&lbfgs, &fd);
  PlumState *a = saved_state(&irls), *b = saved_state(&lbfgs);
  const double *ca = plum_state_get_reals(a, "coef", 4, 1, NULL, NULL, &error);
  const double *cb = plum_state_get_reals(b, "coef", 4, 1, NULL, NULL, &error);
  g_assert_no_error(error);
  assert_close(ca, cb, 4, 1e-6);
  plum_state_free(a);
  plum_state_free(b);
  model_clear(&irls);
  model_clear(&lbfgs);
  plum_dataset_free(ds);
  plum_rng_free(rng);
}

static void
test_glm_bad_input(void)
{
  PlumRng *rng = plum_rng_new(1);
  double xs[8] = {0, 1, 1, 0, 2, 1, 3, 2}, ys[4] = {1, 0.5, 3, 2};
  PlumMatrix X = plum_matrix_view(xs, 4, 2, 0), y = plum_matrix_view(ys, 4, 1, 0);
  PlumFitData fd = {.struct_size = sizeof fd, .X = &X, .y = &y, .rng = rng};

  xs[5] = NAN;
  assert_fit_fails("{name: glm, family: poisson}", &fd, PLUM_DATA_ERROR, PLUM_DATA_ERROR_NONFINITE,
                   "row 2, column 1");
  xs[5] = 1;
  ys[2] = -1;
  assert_fit_fails("{name: glm, family: poisson}", &fd, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                   "y = -1 at row 2");
  assert_fit_fails("{name: glm, family: poisson}", &fd, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                   "component.family (poisson)");
  ys[2] = 1.5;
  assert_fit_fails("{name: glm, family: bernoulli}", &fd, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                   "y = 1.5 at row 2");
  ys[2] = 0;
  assert_fit_fails("{name: glm, family: gamma}", &fd, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                   "y = 0 at row 2");
  assert_fit_fails("{name: glm, family: inverse_gaussian}", &fd, PLUM_DATA_ERROR,
                   PLUM_DATA_ERROR_INVALID, "y = 0 at row 2");
  assert_fit_fails("{name: glm, family: {name: tweedie, power: 2.5}}", &fd, PLUM_DATA_ERROR,
                   PLUM_DATA_ERROR_INVALID, "y = 0 at row 2");
  ys[2] = -0.5;
  assert_fit_fails("{name: glm, family: tweedie}", &fd, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                   "y = -0.5 at row 2");
  ys[2] = 3;
  PlumMatrix y_short = plum_matrix_view(ys, 3, 1, 0);
  fd.y = &y_short;
  assert_fit_fails("{name: glm, family: poisson}", &fd, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                   "y");
  plum_rng_free(rng);
}

/* Family configuration errors surface when binding, naming the key. */
static void
test_family_schema(void)
{
  static const char *const bad[] = {
      "{name: poisson, link: logit}",      "{name: gamma, link: probit}",
      "{name: bernoulli, link: identity}", "{name: tweedie, power: 0.5}",
      "{name: binomial, trials: 0}",
  };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    GError *error = NULL;
    g_assert_null(bind_component(PLUM_KIND_FAMILY, bad[i], &error));
    g_assert_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE);
    g_error_free(error);
  }
}

/* Every optimizer trains both models ---------------------------------------------------------- */

/* The model x optimizer matrix: each optimizer plugin, with settings of its own, drives
 * logistic_regression and glm through their objectives to the scikit-learn optima. The
 * full-batch ones converge; the minibatch ones end within the noise of their last steps. */
static const struct {
  const char *optimizer;
  double tol;
} optimizer_matrix[] = {
    {"{name: gd, line_search: backtracking, learning_rate: 1, max_iter: 20000, tol: 1.0e-7}", 1e-5},
    {"{name: lbfgs, tol: 1.0e-8}", 1e-5},
    {"{name: cg, tol: 1.0e-8}", 1e-5},
    {"{name: sgd, learning_rate: 0.1, momentum: 0.9, nesterov: true, schedule: step_decay, "
     "decay_every: 50, max_iter: 500}",
     5e-2},
    {"{name: adagrad, learning_rate: 0.5, max_iter: 500}", 5e-2},
    {"{name: rmsprop, learning_rate: 0.01, max_iter: 500}", 5e-2},
    {"{name: adam, learning_rate: 0.01, max_iter: 500}", 5e-2},
    {"{name: adamw, learning_rate: 0.01, weight_decay: 0, max_iter: 500}", 5e-2},
};

static void
test_optimizer_matrix(void)
{
  for (size_t i = 0; i < G_N_ELEMENTS(optimizer_matrix); i++) {
    const char *opt = optimizer_matrix[i].optimizer;
    double tol = optimizer_matrix[i].tol;
    g_test_message("optimizer %s", opt);
    char *yaml = g_strdup_printf("{name: logistic_regression, optimizer: %s}", opt);
    check_logistic_reference("iris", yaml, iris_coef, iris_intercept, tol);
    g_free(yaml);
    yaml = g_strdup_printf("{name: glm, family: poisson, alpha: 1, solver: optimizer, "
                           "optimizer: %s}",
                           opt);
    check_glm("glm_poisson", yaml, NULL, poisson_a1_coef, poisson_a1_intercept, tol);
    g_free(yaml);
    yaml = g_strdup_printf("{name: glm, family: {name: gamma, link: log}, alpha: 1, "
                           "solver: optimizer, optimizer: %s}",
                           opt);
    check_glm("glm_gamma", yaml, NULL, gamma_a1_coef, gamma_a1_intercept, tol);
    g_free(yaml);
  }
}

/* The objective and set_theta seams on their own: minimising a model's objective with an
 * optimizer the caller binds, then installing θ, gives the fitted model. */
static void
check_objective_set_theta(const char *yaml, PlumDataset *ds, size_t n_classes, size_t k,
                          const double *coef, const double *intercept)
{
  GError *error = NULL;
  PlumRng *rng = plum_rng_new(1);
  PlumFitData fd = fit_data(ds, rng);
  fd.n_classes = n_classes;
  PlumBinding *lbfgs = bind_component(PLUM_KIND_OPTIMIZER, "{name: lbfgs, tol: 1.0e-10}", &error);
  g_assert_no_error(error);
  Model m;
  PlumObjective obj;
  model_init(&m, yaml);
  g_assert_true(m.vt->objective(m.self, &fd, &obj, &error));
  g_assert_no_error(error);
  double *theta = g_new0(double, obj.n_params);
  if (obj.initial)
    obj.initial(obj.ctx, theta);
  PlumOptimContext octx = {.struct_size = sizeof octx, .rng = rng};
  g_assert_true(plum_optimizer_minimize(lbfgs, &obj, theta, &octx, NULL, &error));
  g_assert_no_error(error);
  g_assert_true(m.vt->set_theta(m.self, &fd, theta, &error));
  g_assert_no_error(error);
  assert_coef(&m, ds->X->cols, k, coef, intercept, 1e-6);
  g_free(theta);
  obj.free(obj.ctx);
  model_clear(&m);
  plum_binding_free(lbfgs);
  plum_rng_free(rng);
}

static void
test_objective_set_theta(void)
{
  PlumDataset *ds = load_standardized("iris");
  check_objective_set_theta("{name: logistic_regression}", ds, 3, 3, iris_coef, iris_intercept);
  plum_dataset_free(ds);
  ds = load_csv("tests", "glm_poisson", PLUM_TARGET_REAL);
  check_objective_set_theta("{name: glm, family: poisson, alpha: 1}", ds, 0, 1, poisson_a1_coef,
                            poisson_a1_intercept);
  plum_dataset_free(ds);
}

/* Families at the function level ------------------------------------------------------------ */

static double
deviance_of(const char *yaml, const double *y, const double *mu, size_t n)
{
  Family f;
  family_init(&f, yaml);
  double dev = f.vt->deviance(f.params, y, mu, NULL, n);
  plum_binding_free(f.binding);
  return dev;
}

static double
loglik_of(const char *yaml, double y, double mu, double w, double phi)
{
  Family f;
  family_init(&f, yaml);
  double ll = f.vt->log_likelihood(f.params, &y, &mu, &w, 1, phi);
  plum_binding_free(f.binding);
  return ll;
}

static void
test_family_deviances(void)
{
  const double y[4] = {0, 0.5, 2, 7}, mu[4] = {0.4, 0.7, 1.5, 5};
  const double yp[4] = {0.1, 0.5, 2, 7};
  /* Unit deviances at y = 0: poisson 2μ, bernoulli −2 log(1 − μ). */
  g_assert_cmpfloat_with_epsilon(deviance_of("poisson", y, mu, 1), 0.8, 1e-15);
  g_assert_cmpfloat_with_epsilon(deviance_of("bernoulli", y, mu, 1), -2 * log(0.6), 1e-15);
  double tw0 = deviance_of("{name: tweedie, power: 1.5}", y, mu, 1);
  g_assert_cmpfloat_with_epsilon(tw0, 2 * pow(0.4, 0.5) / 0.5, 1e-15);
  /* tweedie at p = 0, 1, 2, 3 is normal, poisson, gamma, inverse Gaussian. */
  g_assert_cmpfloat_with_epsilon(deviance_of("{name: tweedie, power: 1}", y, mu, 4),
                                 deviance_of("poisson", y, mu, 4), 1e-13);
  g_assert_cmpfloat_with_epsilon(deviance_of("{name: tweedie, power: 2}", yp, mu, 4),
                                 deviance_of("gamma", yp, mu, 4), 1e-13);
  g_assert_cmpfloat_with_epsilon(deviance_of("{name: tweedie, power: 3}", yp, mu, 4),
                                 deviance_of("inverse_gaussian", yp, mu, 4), 1e-12);
  g_assert_cmpfloat_with_epsilon(deviance_of("{name: tweedie, power: 0, link: identity}", y, mu, 4),
                                 deviance_of("normal", y, mu, 4), 1e-13);
  /* Closed forms at one point. */
  g_assert_cmpfloat_with_epsilon(deviance_of("gamma", &yp[2], &mu[2], 1),
                                 2 * (-log(2 / 1.5) + 0.5 / 1.5), 1e-15);
  g_assert_cmpfloat_with_epsilon(deviance_of("inverse_gaussian", &yp[3], &mu[3], 1), 4.0 / (7 * 25),
                                 1e-15);
  g_assert_cmpfloat_with_epsilon(deviance_of("{name: binomial, trials: 2}", &y[1], &mu[1], 1),
                                 2 * 2 * (0.5 * log(0.5 / 0.7) + 0.5 * log(0.5 / 0.3)), 1e-15);
}

/* working_weights against w μ′²/V(μ) and W (η + (y − μ)/μ′) from mu_eta and variance, for each
 * family and link with a shortcut, 300 rows (a block and more), weighted and not; the links
 * without one refuse and leave W alone. */
static void
test_family_working_weights(void)
{
  static const struct {
    const char *yaml;
    gboolean shortcut;
  } cases[] = {
      {"poisson", TRUE},
      {"{name: poisson, link: identity}", FALSE},
      {"bernoulli", TRUE},
      {"{name: binomial, trials: 3}", TRUE},
      {"{name: bernoulli, link: probit}", FALSE},
      {"{name: gamma, link: log}", TRUE},
      {"gamma", FALSE},
      {"{name: tweedie, power: 1.5}", TRUE},
      {"{name: tweedie, power: 3}", TRUE},
      {"{name: tweedie, power: 1.5, link: identity}", FALSE},
  };
  enum { N = 300 };
  static double y[N], w[N], eta[N], mu[N], dmu[N], var[N], W[N], Wz[N];
  for (size_t c = 0; c < G_N_ELEMENTS(cases); c++) {
    Family f;
    family_init(&f, cases[c].yaml);
    g_assert_nonnull(f.vt->working_weights);
    for (size_t i = 0; i < N; i++) {
      double u = (double)(i % 17) / 17.0;
      y[i] = 0.05 + 0.9 * u; /* in every family's support, proportions included */
      eta[i] = 0.3 * sin(0.1 * (double)i);
      w[i] = 0.5 + (double)(i % 3);
    }
    if (strstr(cases[c].yaml, "identity")) /* keep μ = η positive */
      for (size_t i = 0; i < N; i++)
        eta[i] += 1.0;
    f.vt->linkinv(f.params, eta, mu, N);
    f.vt->mu_eta(f.params, eta, dmu, N);
    f.vt->variance(f.params, mu, var, N);
    for (int weighted = 0; weighted <= 1; weighted++) {
      for (size_t i = 0; i < N; i++)
        W[i] = Wz[i] = -1.0;
      const double *wv = weighted ? w : NULL;
      gboolean took = f.vt->working_weights(f.params, y, wv, eta, mu, N, W, Wz);
      g_assert_cmpint(took, ==, cases[c].shortcut);
      for (size_t i = 0; i < N; i++) {
        if (!took) {
          g_assert_cmpfloat(W[i], ==, -1.0);
          continue;
        }
        double wi = wv ? wv[i] : 1.0, want = wi * dmu[i] * dmu[i] / var[i];
        double want_z = want * (eta[i] + (y[i] - mu[i]) / dmu[i]);
        g_assert_cmpfloat_with_epsilon(W[i], want, 1e-12 * fabs(want));
        g_assert_cmpfloat_with_epsilon(Wz[i], want_z, 1e-12 * (1.0 + fabs(want_z)));
      }
    }
    plum_binding_free(f.binding);
  }
}

static void
test_family_likelihoods(void)
{
  /* Poisson(3; 2), Gamma(shape 2, scale 0.5) at 2, IG(μ = 1, λ = 1/φ = 2) at 2, and
   * Binomial(1; 2, 0.25) out of trials 2 · weight 1. */
  g_assert_cmpfloat_with_epsilon(loglik_of("poisson", 3, 2, 1, 1), 3 * log(2) - 2 - log(6), 1e-14);
  g_assert_cmpfloat_with_epsilon(loglik_of("gamma", 2, 1, 1, 0.5), log(8) - 4, 1e-14);
  g_assert_cmpfloat_with_epsilon(loglik_of("inverse_gaussian", 2, 1, 1, 0.5),
                                 0.5 * log(2 / (2 * G_PI * 8)) - 2 * 1.0 / (2 * 2), 1e-14);
  g_assert_cmpfloat_with_epsilon(loglik_of("{name: binomial, trials: 2}", 0.5, 0.25, 1, 1),
                                 log(2 * 0.25 * 0.75), 1e-14);
  g_assert_cmpfloat_with_epsilon(loglik_of("bernoulli", 1, 0.25, 3, 1), 3 * log(0.25), 1e-14);
}

static void
test_families_accepted(void)
{
  static const char *const names[] = {"bernoulli", "binomial",         "poisson",
                                      "gamma",     "inverse_gaussian", "tweedie"};
  for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
    g_assert_nonnull(plum_registry_find(registry, PLUM_KIND_FAMILY, names[i]));
  g_assert_nonnull(plum_registry_find(registry, PLUM_KIND_MODEL, "glm"));
  g_assert_nonnull(plum_registry_find(registry, PLUM_KIND_MODEL, "logistic_regression"));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  GError *error = NULL;
  registry = plum_registry_get_default(&error);
  g_assert_no_error(error);

  g_test_add_func("/glm/modules-accepted", test_families_accepted);
  g_test_add_func("/logistic_regression/objective-gradient", test_logistic_objective);
  g_test_add_func("/logistic_regression/breast-cancer-sklearn", test_logistic_breast_cancer);
  g_test_add_func("/logistic_regression/multinomial-sklearn", test_logistic_multinomial);
  g_test_add_func("/logistic_regression/l1-elasticnet-sklearn", test_logistic_sparse);
  g_test_add_func("/logistic_regression/predict-save-load", test_logistic_predict);
  g_test_add_func("/logistic_regression/binary-softmax", test_logistic_binary_softmax);
  g_test_add_func("/logistic_regression/errors", test_logistic_errors);
  g_test_add_func("/logistic_regression/bad-state", test_logistic_bad_state);
  g_test_add_func("/glm/early-stopping", test_early_stopping);
  g_test_add_func("/glm/optimizer-matrix", test_optimizer_matrix);
  g_test_add_func("/glm/objective-set-theta", test_objective_set_theta);
  g_test_add_func("/glm/objective-gradient", test_glm_objective);
  g_test_add_func("/glm/poisson-sklearn", test_glm_poisson);
  g_test_add_func("/glm/gamma-tweedie-sklearn", test_glm_gamma);
  g_test_add_func("/glm/bernoulli-is-logistic", test_glm_bernoulli_is_logistic);
  g_test_add_func("/glm/binomial-trials", test_glm_binomial_trials);
  g_test_add_func("/glm/normal-is-ols", test_glm_normal_is_ols);
  g_test_add_func("/glm/predict-save-load", test_glm_predict_save_load);
  g_test_add_func("/glm/singular-design", test_glm_singular);
  g_test_add_func("/glm/step-halving", test_glm_step_halving);
  g_test_add_func("/glm/bad-input", test_glm_bad_input);
  g_test_add_func("/families/schema-errors", test_family_schema);
  g_test_add_func("/families/deviances", test_family_deviances);
  g_test_add_func("/families/likelihoods", test_family_likelihoods);
  g_test_add_func("/families/working-weights", test_family_working_weights);
  return g_test_run();
}
