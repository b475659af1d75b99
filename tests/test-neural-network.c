/* test-neural-network.c — mlp_classifier and mlp_regressor through the model ABI and the
 * pipeline.
 *
 * The whole network's gradient is checked against central differences with the core's gradient
 * checker, for layer stacks, activations and costs that cover the fused (softmax +
 * categorical cross-entropy, sigmoid + binary cross-entropy) and the chained output gradients,
 * biases on and off, L1 and L2, several outputs, and selections of rows larger than one chunk;
 * the value and gradient over a minibatch must add up over disjoint batches. Then the networks
 * must learn: XOR and AND exactly, digits (the shipped data) to a holdout accuracy of 0.97,
 * two smooth targets at once. One seed gives one network bit for bit, saving and loading keeps
 * every prediction, early stopping stops (showing the validation loss and accuracy every epoch,
 * and reporting the best), dropout trains and is off at predict time, and every bad input is
 * refused with an error.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include <plum/plum.h>

#include "plugin-util.h"

static PlumRegistry *registry;

/* Helpers ------------------------------------------------------------------------------------ */

static PlumBinding *
bind_model(const char *yaml, GError **error)
{
  char *text = g_strconcat("component: ", yaml, "\n", NULL);
  PlumConfig *cfg = plum_config_parse_string(text, "test.yaml", error);
  g_free(text);
  g_assert_nonnull(cfg);
  PlumBinding *b = plum_binding_new_from_node(registry, PLUM_KIND_MODEL,
                                              plum_config_lookup(cfg, "component"), "model", error);
  plum_config_free(cfg);
  return b;
}

typedef struct {
  PlumBinding *binding;
  const PlumModelVTable *vt;
  void *self;
} Model;

static void
model_init(Model *m, const char *yaml)
{
  GError *error = NULL;
  m->binding = bind_model(yaml, &error);
  g_assert_no_error(error);
  m->vt = plum_component_vtable(plum_binding_component(m->binding));
  m->self = m->vt->create(plum_binding_params(m->binding), &error);
  g_assert_no_error(error);
}

static void
model_clear(Model *m)
{
  m->vt->destroy(m->self);
  plum_binding_free(m->binding);
}

static PlumFitData
fit_data(const PlumMatrix *X, const PlumMatrix *y, size_t n_classes, PlumRng *rng)
{
  return (PlumFitData){
      .struct_size = sizeof(PlumFitData), .X = X, .y = y, .n_classes = n_classes, .rng = rng};
}

static void
model_fit(Model *m, const PlumMatrix *X, const PlumMatrix *y, size_t n_classes, guint64 seed)
{
  GError *error = NULL;
  PlumRng *rng = plum_rng_new(seed);
  PlumFitData fd = fit_data(X, y, n_classes, rng);
  g_assert_true(m->vt->fit(m->self, &fd, &error));
  g_assert_no_error(error);
  plum_rng_free(rng);
}

static PlumMatrix *
model_predict(const Model *m, const PlumMatrix *X, size_t cols, gboolean proba)
{
  GError *error = NULL;
  PlumMatrix *out = plum_matrix_new(X->rows, cols, &error);
  g_assert_no_error(error);
  if (proba)
    g_assert_true(m->vt->predict_proba(m->self, X, out, &error));
  else
    g_assert_true(m->vt->predict(m->self, X, out, &error));
  g_assert_no_error(error);
  return out;
}

/* n rows of d standard normal features. */
static PlumMatrix *
random_matrix(PlumRng *rng, size_t n, size_t d)
{
  PlumMatrix *X = plum_matrix_new(n, d, NULL);
  for (size_t i = 0; i < n * d; i++)
    X->data[i] = plum_rng_normal(rng);
  return X;
}

/* Class labels from the sign pattern of the first two features, so every class occurs. */
static PlumMatrix *
labels_for(const PlumMatrix *X, size_t n_classes)
{
  PlumMatrix *y = plum_matrix_new(X->rows, 1, NULL);
  for (size_t i = 0; i < X->rows; i++) {
    size_t code = (PLUM_MATRIX_AT(X, i, 0) > 0) + 2 * (PLUM_MATRIX_AT(X, i, 1) > 0);
    PLUM_MATRIX_AT(y, i, 0) = (double)((code + i) % n_classes);
  }
  return y;
}

static PlumMatrix *
targets_for(const PlumMatrix *X, size_t t)
{
  PlumMatrix *y = plum_matrix_new(X->rows, t, NULL);
  for (size_t i = 0; i < X->rows; i++)
    for (size_t j = 0; j < t; j++)
      PLUM_MATRIX_AT(y, i, j) =
          sin(PLUM_MATRIX_AT(X, i, 0) + (double)j) + 0.5 * PLUM_MATRIX_AT(X, i, 1) * (double)j;
  return y;
}

/* Random features, and labels or smooth targets made from them, from one seed. */
typedef struct {
  PlumRng *rng;
  PlumMatrix *X, *y;
} Problem;

static Problem
problem_new(guint64 seed, size_t n, size_t d, size_t n_classes, size_t n_targets)
{
  Problem p = {.rng = plum_rng_new(seed)};
  p.X = random_matrix(p.rng, n, d);
  p.y = n_classes ? labels_for(p.X, n_classes) : targets_for(p.X, n_targets);
  return p;
}

static void
problem_clear(Problem *p)
{
  plum_matrix_free(p->X);
  plum_matrix_free(p->y);
  plum_rng_free(p->rng);
}

static PlumDataset *
load_csv(const char *name, PlumTargetMode target)
{
  GError *error = NULL;
  PlumCsvOptions opts;
  plum_csv_options_init(&opts);
  opts.target = target;
  char *path = g_test_build_filename(G_TEST_DIST, "data", name, NULL);
  PlumDataset *ds = plum_csv_read(path, &opts, &error);
  g_assert_no_error(error);
  g_free(path);
  return ds;
}

/* The plugins load --------------------------------------------------------------------------- */

static void
test_components(void)
{
  const PlumComponent *c = plum_registry_find(registry, PLUM_KIND_MODEL, "mlp_classifier");
  g_assert_nonnull(c);
  g_assert_cmpuint(plum_component_caps(c), ==, PLUM_CAP_SUPERVISED | PLUM_CAP_CLASSIFIER);
  c = plum_registry_find(registry, PLUM_KIND_MODEL, "mlp_regressor");
  g_assert_nonnull(c);
  g_assert_cmpuint(plum_component_caps(c), ==,
                   PLUM_CAP_SUPERVISED | PLUM_CAP_REGRESSOR | PLUM_CAP_MULTI_OUTPUT);
}

/* Gradients ---------------------------------------------------------------------------------- */

typedef struct {
  const char *yaml;
  size_t n_rows, n_features;
  size_t n_classes; /* 0: regression */
  size_t n_targets;
} GradCase;

static const GradCase grad_cases[] = {
    /* fused softmax + categorical cross-entropy, both penalties */
    {"{name: mlp_classifier, layers: [{units: 5, activation: tanh}], l2: 0.3, l1: 0.1}", 13, 3, 3,
     0},
    /* fused sigmoid + binary cross-entropy: one output column, a bias-free layer */
    {"{name: mlp_classifier, layers: [{units: 4, activation: elu}, {units: 3, activation: gelu, "
     "bias: false}], output_activation: sigmoid, cost: binary_cross_entropy, l2: 0.05}",
     11, 4, 2, 0},
    /* softmax chained through its Jacobian into mse */
    {"{name: mlp_classifier, layers: [{units: 4, activation: softplus}], cost: mse}", 9, 3, 4, 0},
    /* hinge on identity outputs, relu and he initialisation */
    {"{name: mlp_classifier, layers: [{units: 6, activation: relu}], output_activation: "
     "identity, cost: hinge, init: he, l1: 0.02}",
     10, 3, 3, 0},
    /* no hidden layer: multinomial logistic regression */
    {"{name: mlp_classifier, layers: []}", 8, 3, 3, 0},
    /* two targets, two hidden layers, huber */
    {"{name: mlp_regressor, layers: [{units: 6, activation: leaky_relu}, {units: 4, activation: "
     "sigmoid}], cost: {name: huber, delta: 0.5}, l2: 0.2}",
     12, 3, 0, 2},
    /* tanh output into mae, unscaled targets */
    {"{name: mlp_regressor, layers: [{units: 3, activation: exp}], output_activation: tanh, "
     "cost: mae, scale_targets: false}",
     10, 2, 0, 1},
    /* more rows than one chunk (512): gradients accumulate across chunks */
    {"{name: mlp_classifier, layers: [{units: 3, activation: tanh}], l2: 0.01}", 1100, 2, 2, 0},
};

static void
check_network_gradient(const GradCase *c)
{
  GError *error = NULL;
  Problem p = problem_new(5, c->n_rows, c->n_features, c->n_classes, c->n_targets);
  Model m;
  model_init(&m, c->yaml);
  PlumFitData fd = fit_data(p.X, p.y, c->n_classes, p.rng);
  PlumObjective obj;
  g_assert_true(m.vt->objective(m.self, &fd, &obj, &error));
  g_assert_no_error(error);
  g_assert_cmpuint(obj.n_terms, ==, c->n_rows);
  double *theta = g_new(double, obj.n_params);
  obj.initial(obj.ctx, theta);
  double err = INFINITY;
  g_assert_true(plum_objective_check_gradient(&obj, theta, 1e-6, &err, &error));
  g_assert_no_error(error);
  if (!(err < 1e-6))
    g_error("%s: largest relative gradient error %g", c->yaml, err);
  obj.free(obj.ctx);
  g_free(theta);
  model_clear(&m);
  problem_clear(&p);
}

static void
test_gradients(void)
{
  for (size_t i = 0; i < G_N_ELEMENTS(grad_cases); i++)
    check_network_gradient(&grad_cases[i]);
}

/* Value and gradient over disjoint minibatches add up to the full ones, penalty included. */
static void
test_minibatches_add_up(void)
{
  GError *error = NULL;
  Problem p = problem_new(9, 20, 3, 3, 0);
  Model m;
  model_init(&m, "{name: mlp_classifier, layers: [{units: 4}], l2: 0.5, l1: 0.2}");
  PlumFitData fd = fit_data(p.X, p.y, 3, p.rng);
  PlumObjective obj;
  g_assert_true(m.vt->objective(m.self, &fd, &obj, &error));
  size_t np = obj.n_params, order[20];
  for (size_t i = 0; i < 20; i++)
    order[i] = (i * 7) % 20;
  double *theta = g_new(double, np), *g_all = g_new(double, np), *g_a = g_new(double, np),
         *g_b = g_new(double, np);
  obj.initial(obj.ctx, theta);
  double v_all, v_a, v_b;
  g_assert_true(obj.eval(obj.ctx, theta, NULL, 20, &v_all, g_all, &error));
  g_assert_true(obj.eval(obj.ctx, theta, order, 6, &v_a, g_a, &error));
  g_assert_true(obj.eval(obj.ctx, theta, order + 6, 14, &v_b, g_b, &error));
  g_assert_no_error(error);
  g_assert_cmpfloat_with_epsilon(v_a + v_b, v_all, 1e-12 * fabs(v_all));
  for (size_t k = 0; k < np; k++)
    g_assert_cmpfloat_with_epsilon(g_a[k] + g_b[k], g_all[k], 1e-12 * fmax(1, fabs(g_all[k])));
  size_t bad = 20;
  g_assert_false(obj.eval(obj.ctx, theta, &bad, 1, &v_a, g_a, &error));
  g_assert_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED);
  g_error_free(error);
  obj.free(obj.ctx);
  g_free(theta);
  g_free(g_all);
  g_free(g_a);
  g_free(g_b);
  model_clear(&m);
  problem_clear(&p);
}

/* Learning ----------------------------------------------------------------------------------- */

static void
check_truth_table(const char *yaml, const double *labels)
{
  double x[] = {0, 0, 0, 1, 1, 0, 1, 1};
  double y[4];
  memcpy(y, labels, sizeof y);
  PlumMatrix X = plum_matrix_view(x, 4, 2, 0), Y = plum_matrix_view(y, 4, 1, 0);
  Model m;
  model_init(&m, yaml);
  model_fit(&m, &X, &Y, 2, 3);
  PlumMatrix *pred = model_predict(&m, &X, 1, FALSE);
  PlumMatrix *proba = model_predict(&m, &X, 2, TRUE);
  for (size_t i = 0; i < 4; i++) {
    g_assert_cmpfloat(pred->data[i], ==, labels[i]);
    g_assert_cmpfloat(PLUM_MATRIX_AT(proba, i, (size_t)labels[i]), >, 0.9);
    g_assert_cmpfloat_with_epsilon(PLUM_MATRIX_AT(proba, i, 0) + PLUM_MATRIX_AT(proba, i, 1), 1.0,
                                   1e-12);
  }
  plum_matrix_free(pred);
  plum_matrix_free(proba);
  model_clear(&m);
}

static void
test_xor(void)
{
  static const double xor_labels[] = {0, 1, 1, 0};
  check_truth_table("{name: mlp_classifier, layers: [{units: 8, activation: tanh}], "
                    "optimizer: {name: lbfgs, max_iter: 500}}",
                    xor_labels);
  /* one sigmoid output column, trained by minibatches */
  check_truth_table("{name: mlp_classifier, layers: [{units: 8, activation: tanh}], "
                    "output_activation: sigmoid, cost: binary_cross_entropy, "
                    "optimizer: {name: adam, learning_rate: 0.05, batch_size: 2, max_iter: 400}}",
                    xor_labels);
}

static void
test_and(void)
{
  static const double and_labels[] = {0, 0, 0, 1};
  check_truth_table("{name: mlp_classifier, layers: [], optimizer: {name: lbfgs}}", and_labels);
  check_truth_table("{name: mlp_classifier, layers: [{units: 4, dropout: 0.25}], "
                    "optimizer: {name: adam, learning_rate: 0.05, batch_size: 4, max_iter: 300}}",
                    and_labels);
}

/* The shipped digits through the pipeline: standardised pixels, a stratified 20 % holdout. */
static void
test_digits(void)
{
  GError *error = NULL;
  char *path = g_test_build_filename(G_TEST_DIST, "data", "digits.csv", NULL);
  char *yaml = g_strdup_printf("version: 1\n"
                               "seed: 3\n"
                               "data: {train: '%s'}\n"
                               "transforms: [standardize]\n"
                               "model:\n"
                               "  name: mlp_classifier\n"
                               "  layers: [{units: 64}]\n"
                               "  l2: 0.001\n"
                               "  optimizer: {name: adam, batch_size: 32, max_iter: 30}\n"
                               "evaluate: {test_fraction: 0.2, metrics: [accuracy]}\n",
                               path);
  PlumPipeline *p = plum_pipeline_new_from_string(yaml, "digits.yaml", NULL, &error);
  g_assert_no_error(error);
  PlumState *summary = plum_state_new();
  g_assert_true(plum_pipeline_run(p, summary, &error));
  g_assert_no_error(error);
  double accuracy = 0;
  g_assert_true(plum_state_get_real(summary, "holdout.accuracy", &accuracy, &error));
  g_assert_no_error(error);
  g_test_message("digits holdout accuracy %.4f", accuracy);
  g_assert_cmpfloat(accuracy, >=, 0.97);
  plum_state_free(summary);
  plum_pipeline_free(p);
  g_free(yaml);
  g_free(path);
}

/* Two smooth targets at once, the second on another scale: mean absolute error on the rows. */
static void
test_regression_two_targets(void)
{
  Problem p = problem_new(21, 200, 2, 0, 2);
  for (size_t i = 0; i < p.y->rows; i++)
    PLUM_MATRIX_AT(p.y, i, 1) = 100 + 50 * PLUM_MATRIX_AT(p.y, i, 1);
  Model m;
  model_init(&m, "{name: mlp_regressor, layers: [{units: 16, activation: tanh}], "
                 "optimizer: {name: lbfgs, max_iter: 400}}");
  model_fit(&m, p.X, p.y, 0, 1);
  PlumMatrix *pred = model_predict(&m, p.X, 2, FALSE);
  double err[2] = {0, 0};
  for (size_t i = 0; i < p.X->rows; i++)
    for (size_t j = 0; j < 2; j++)
      err[j] += fabs(PLUM_MATRIX_AT(pred, i, j) - PLUM_MATRIX_AT(p.y, i, j)) / (double)p.X->rows;
  g_test_message("mean absolute errors %g and %g", err[0], err[1]);
  g_assert_cmpfloat(err[0], <, 0.05);
  g_assert_cmpfloat(err[1], <, 2.5);
  plum_matrix_free(pred);
  model_clear(&m);
  problem_clear(&p);
}

/* Reproducibility and model files -------------------------------------------------------------- */

static PlumState *
saved(const Model *m)
{
  GError *error = NULL;
  PlumState *state = plum_state_new();
  g_assert_true(m->vt->save(m->self, state, &error));
  g_assert_no_error(error);
  return state;
}

static const double *
saved_theta(const PlumState *state, size_t *n)
{
  GError *error = NULL;
  const double *theta = plum_state_get_reals(state, "theta", 1, 0, NULL, n, &error);
  g_assert_no_error(error);
  return theta;
}

/* Dropout, shuffling and initialisation all come from the seed. */
static void
test_same_seed_same_network(void)
{
  static const char *yaml = "{name: mlp_classifier, layers: [{units: 10, dropout: 0.2}, "
                            "{units: 6, activation: tanh}], "
                            "optimizer: {name: adam, batch_size: 16, max_iter: 5}}";
  Problem p = problem_new(2, 120, 4, 3, 0);
  Model a, b, c;
  model_init(&a, yaml);
  model_init(&b, yaml);
  model_init(&c, yaml);
  model_fit(&a, p.X, p.y, 3, 77);
  model_fit(&b, p.X, p.y, 3, 77);
  model_fit(&c, p.X, p.y, 3, 78);
  PlumState *sa = saved(&a), *sb = saved(&b), *sc = saved(&c);
  size_t na, nb, nc;
  const double *ta = saved_theta(sa, &na), *tb = saved_theta(sb, &nb), *tc = saved_theta(sc, &nc);
  g_assert_cmpuint(na, ==, 4 * 10 + 10 + 10 * 6 + 6 + 6 * 3 + 3);
  g_assert_cmpmem(ta, na * sizeof *ta, tb, nb * sizeof *tb);
  g_assert_true(memcmp(ta, tc, na * sizeof *ta) != 0);
  plum_state_free(sa);
  plum_state_free(sb);
  plum_state_free(sc);
  model_clear(&a);
  model_clear(&b);
  model_clear(&c);
  problem_clear(&p);
}

static void
check_save_load(const char *yaml, size_t n_classes, size_t n_targets)
{
  GError *error = NULL;
  Problem p = problem_new(4, 50, 3, n_classes, n_targets);
  for (size_t i = 0; !n_classes && i < p.y->rows * p.y->cols; i++)
    p.y->data[i] = 10 * p.y->data[i] + 3;
  Model m, loaded;
  model_init(&m, yaml);
  model_init(&loaded, yaml);
  model_fit(&m, p.X, p.y, n_classes, 6);
  PlumState *state = saved(&m);
  g_assert_true(loaded.vt->load(loaded.self, state, &error));
  g_assert_no_error(error);
  PlumModelShape sm = {0}, sl = {0};
  m.vt->shape(m.self, &sm);
  loaded.vt->shape(loaded.self, &sl);
  g_assert_cmpmem(&sm, sizeof sm, &sl, sizeof sl);
  size_t cols = n_classes ? 1 : n_targets;
  PlumMatrix *p1 = model_predict(&m, p.X, cols, FALSE),
             *p2 = model_predict(&loaded, p.X, cols, FALSE);
  g_assert_cmpmem(p1->data, p.X->rows * cols * sizeof(double), p2->data,
                  p.X->rows * cols * sizeof(double));
  plum_matrix_free(p1);
  plum_matrix_free(p2);
  if (n_classes) {
    p1 = model_predict(&m, p.X, n_classes, TRUE);
    p2 = model_predict(&loaded, p.X, n_classes, TRUE);
    g_assert_cmpmem(p1->data, p.X->rows * n_classes * sizeof(double), p2->data,
                    p.X->rows * n_classes * sizeof(double));
    plum_matrix_free(p1);
    plum_matrix_free(p2);
  }
  plum_state_free(state);
  model_clear(&m);
  model_clear(&loaded);
  problem_clear(&p);
}

static void
test_save_load(void)
{
  check_save_load("{name: mlp_classifier, layers: [{units: 5}, {units: 4, bias: false}], "
                  "optimizer: {name: adam, max_iter: 5}}",
                  3, 0);
  check_save_load("{name: mlp_classifier, layers: [{units: 5}], output_activation: sigmoid, "
                  "cost: binary_cross_entropy, optimizer: {name: sgd, max_iter: 5}}",
                  2, 0);
  check_save_load("{name: mlp_regressor, layers: [{units: 5, activation: elu}], "
                  "optimizer: {name: rmsprop, max_iter: 5}}",
                  0, 2);
  check_save_load("{name: mlp_regressor, layers: [{units: 5}], scale_targets: false, "
                  "optimizer: {name: adagrad, max_iter: 5}}",
                  0, 1);
}

/* A saved network that does not fit the configuration it is loaded under is refused. */
static void
test_load_mismatch(void)
{
  GError *error = NULL;
  Problem p = problem_new(4, 30, 3, 3, 0);
  Model m, other;
  model_init(&m, "{name: mlp_classifier, layers: [{units: 5}], optimizer: {name: adam, "
                 "max_iter: 2}}");
  model_fit(&m, p.X, p.y, 3, 1);
  PlumState *state = saved(&m);
  static const char *const mismatched[] = {
      "{name: mlp_classifier, layers: [{units: 6}]}",
      "{name: mlp_classifier, layers: [{units: 5}, {units: 2}]}",
      "{name: mlp_classifier, layers: [{units: 5, bias: false}]}",
  };
  for (size_t i = 0; i < G_N_ELEMENTS(mismatched); i++) {
    model_init(&other, mismatched[i]);
    g_assert_false(other.vt->load(other.self, state, &error));
    g_assert_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE);
    g_clear_error(&error);
    model_clear(&other);
  }
  /* a non-finite weight */
  size_t n;
  const double *fitted = saved_theta(state, &n);
  double *theta = g_memdup2(fitted, n * sizeof(double));
  theta[3] = NAN;
  plum_state_set_reals(state, "theta", theta, 1, n);
  model_init(&other, "{name: mlp_classifier, layers: [{units: 5}]}");
  g_assert_false(other.vt->load(other.self, state, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_NONFINITE);
  g_clear_error(&error);
  model_clear(&other);
  g_free(theta);
  plum_state_free(state);
  model_clear(&m);
  problem_clear(&p);
}

/* Early stopping, dropout, probabilities ------------------------------------------------------ */

static const char *
report_string(const PlumState *report, const char *name)
{
  GError *error = NULL;
  const char *s = plum_state_get_string(report, name, &error);
  g_assert_no_error(error);
  return s;
}

static gint64
report_int(const PlumState *report, const char *name)
{
  GError *error = NULL;
  gint64 v = -1;
  g_assert_true(plum_state_get_int(report, name, &v, &error));
  g_assert_no_error(error);
  return v;
}

/* 200 rows of 5 features with pure-noise binary labels: a validation loss on them stops
 * improving long before max_iter. */
static Problem
noise_problem(void)
{
  Problem p = problem_new(8, 200, 5, 2, 0);
  for (size_t i = 0; i < 200; i++)
    p.y->data[i] = (double)plum_rng_below(p.rng, 2);
  return p;
}

/* Pure-noise labels: the validation loss stops improving long before max_iter. */
static void
test_early_stopping(void)
{
  GError *error = NULL;
  Problem p = noise_problem();
  Model m;
  model_init(&m, "{name: mlp_classifier, layers: [{units: 32}], validation_fraction: 0.25, "
                 "optimizer: {name: adam, learning_rate: 0.01, batch_size: 20, max_iter: 2000, "
                 "patience: 3}}");
  PlumState *report = plum_state_new();
  PlumFitData fd = fit_data(p.X, p.y, 2, p.rng);
  fd.report = report;
  g_assert_true(m.vt->fit(m.self, &fd, &error));
  g_assert_no_error(error);
  g_assert_nonnull(strstr(report_string(report, "stop_reason"), "early stopping"));
  g_assert_cmpint(report_int(report, "n_iter"), <, 2000);
  g_assert_cmpint(report_int(report, "n_validation"), ==, 50);

  /* given held-out rows are used as they are */
  PlumMatrix X_val = plum_matrix_rows(p.X, 0, 40), y_val = plum_matrix_rows(p.y, 0, 40);
  fd.X_val = &X_val;
  fd.y_val = &y_val;
  g_assert_true(m.vt->fit(m.self, &fd, &error));
  g_assert_no_error(error);
  g_assert_cmpint(report_int(report, "n_validation"), ==, 40);
  g_assert_nonnull(strstr(report_string(report, "stop_reason"), "early stopping"));
  plum_state_free(report);
  model_clear(&m);
  problem_clear(&p);
}

/* Fits with a progress line per epoch, written to a temporary file in place of stderr; returns
 * what was written. */
static char *
fit_capturing_progress(const Model *m, PlumFitData *fd)
{
  GError *error = NULL;
  char *path = NULL;
  int out = g_file_open_tmp("test-neural-network-XXXXXX", &path, &error);
  g_assert_no_error(error);
  fflush(stderr);
  int saved_stderr = dup(STDERR_FILENO);
  g_assert_cmpint(dup2(out, STDERR_FILENO), ==, STDERR_FILENO);
  fd->progress = plum_progress_new("mlp", 0, PLUM_PROGRESS_PLAIN, 1);
  gboolean ok = m->vt->fit(m->self, fd, &error);
  plum_progress_free(fd->progress);
  fd->progress = NULL;
  fflush(stderr);
  dup2(saved_stderr, STDERR_FILENO);
  close(saved_stderr);
  close(out);
  g_assert_no_error(error);
  g_assert_true(ok);
  char *text = NULL;
  g_assert_true(g_file_get_contents(path, &text, NULL, &error));
  g_assert_no_error(error);
  g_unlink(path);
  g_free(path);
  return text;
}

/* The number after `key` in a progress line (which must show it). */
static double
progress_value(const char *line, const char *key)
{
  const char *at = strstr(line, key);
  if (at == NULL)
    g_error("no \"%s\" in the progress line \"%s\"", key, line);
  return g_ascii_strtod(at + strlen(key), NULL);
}

/* The mean cost of the fitted weights on X, y: the training objective there (no penalty, no
 * dropout in the networks this is used on) over its rows. */
static double
fitted_mean_cost(const Model *m, const PlumMatrix *X, const PlumMatrix *y, size_t n_classes)
{
  GError *error = NULL;
  PlumState *state = saved(m);
  size_t n_params;
  const double *theta = saved_theta(state, &n_params);
  PlumRng *rng = plum_rng_new(1);
  PlumFitData fd = fit_data(X, y, n_classes, rng);
  PlumObjective obj;
  g_assert_true(m->vt->objective(m->self, &fd, &obj, &error));
  g_assert_no_error(error);
  g_assert_cmpuint(obj.n_params, ==, n_params);
  double total = NAN;
  g_assert_true(obj.eval(obj.ctx, theta, NULL, X->rows, &total, NULL, &error));
  g_assert_no_error(error);
  obj.free(obj.ctx);
  plum_rng_free(rng);
  plum_state_free(state);
  return total / (double)X->rows;
}

/* Early stopping on given held-out rows shows, every epoch, the validation loss and accuracy
 * beside the training loss; the report keeps the best loss, the epoch that reached it (whose
 * line shows it) and the accuracy there, which are what the kept weights give on those rows. */
static void
test_validation_progress(void)
{
  Problem p = noise_problem();
  Model m;
  model_init(&m, "{name: mlp_classifier, layers: [{units: 32}], "
                 "optimizer: {name: adam, learning_rate: 0.01, batch_size: 20, max_iter: 2000, "
                 "patience: 3}}");
  PlumMatrix X_val = plum_matrix_rows(p.X, 0, 40), y_val = plum_matrix_rows(p.y, 0, 40);
  PlumState *report = plum_state_new();
  PlumFitData fd = fit_data(p.X, p.y, 2, p.rng);
  fd.X_val = &X_val;
  fd.y_val = &y_val;
  fd.report = report;
  char *text = fit_capturing_progress(&m, &fd);
  g_assert_true(g_str_has_prefix(report_string(report, "stop_reason"), "early stopping"));
  gint64 n_iter = report_int(report, "n_iter"), best_iter = report_int(report, "val_best_iter");
  g_assert_cmpint(best_iter, >=, 1);
  g_assert_cmpint(best_iter, <, n_iter);
  double best = report_real(report, "val_best_loss");
  g_test_message("stopped after %" G_GINT64_FORMAT
                 " epochs; best validation loss %.6g at %" G_GINT64_FORMAT,
                 n_iter, best, best_iter);
  double kept = fitted_mean_cost(&m, &X_val, &y_val, 2);
  g_assert_cmpfloat_with_epsilon(best, kept, 1e-12 * fmax(1.0, kept));
  PlumMatrix *pred = model_predict(&m, &X_val, 1, FALSE);
  size_t correct = 0;
  for (size_t i = 0; i < 40; i++)
    correct += pred->data[i] == y_val.data[i * y_val.ld];
  g_assert_cmpfloat(report_real(report, "val_best_accuracy"), ==, (double)correct / 40.0);

  char **lines = g_strsplit(text, "\n", -1);
  gint64 epochs = 0;
  for (char **line = lines; *line != NULL; line++) {
    if (!g_str_has_prefix(*line, "mlp: step "))
      continue;
    epochs++;
    double loss = progress_value(*line, "  val_loss "),
           accuracy = progress_value(*line, "  val_accuracy ");
    g_assert_true(isfinite(loss) && loss > 0);
    g_assert_cmpfloat(accuracy, >=, 0.0);
    g_assert_cmpfloat(accuracy, <=, 1.0);
    if (epochs == best_iter)
      g_assert_cmpfloat_with_epsilon(loss, best, 1e-5 * best);
  }
  g_assert_cmpint(epochs, ==, n_iter);
  g_strfreev(lines);
  g_free(text);
  plum_matrix_free(pred);
  plum_state_free(report);
  model_clear(&m);
  problem_clear(&p);
}

/* A regressor has no accuracy: its progress and report give the validation loss alone. */
static void
test_validation_progress_regressor(void)
{
  Problem p = problem_new(9, 120, 3, 0, 1);
  Model m;
  model_init(&m, "{name: mlp_regressor, layers: [{units: 8}], validation_fraction: 0.25, "
                 "optimizer: {name: lbfgs, max_iter: 5, patience: 2}}");
  PlumState *report = plum_state_new();
  PlumFitData fd = fit_data(p.X, p.y, 0, p.rng);
  fd.report = report;
  char *text = fit_capturing_progress(&m, &fd);
  g_assert_true(isfinite(report_real(report, "val_best_loss")));
  g_assert_cmpint(report_int(report, "val_best_iter"), >=, 1);
  g_assert_false(plum_state_has(report, "val_best_accuracy"));
  g_assert_true(isfinite(progress_value(text, "mlp: step 1/5  loss ")));
  g_assert_true(isfinite(progress_value(text, "val_loss ")));
  g_assert_null(strstr(text, "accuracy"));
  g_free(text);
  plum_state_free(report);
  model_clear(&m);
  problem_clear(&p);
}

/* Dropout is a training device only: predictions are deterministic. */
static void
test_dropout_off_at_predict(void)
{
  Problem p = problem_new(12, 60, 3, 4, 0);
  Model m;
  model_init(&m, "{name: mlp_classifier, layers: [{units: 16, dropout: 0.5}], "
                 "optimizer: {name: adam, max_iter: 3}}");
  model_fit(&m, p.X, p.y, 4, 1);
  PlumMatrix *p1 = model_predict(&m, p.X, 4, TRUE), *p2 = model_predict(&m, p.X, 4, TRUE);
  g_assert_cmpmem(p1->data, 60 * 4 * sizeof(double), p2->data, 60 * 4 * sizeof(double));
  plum_matrix_free(p1);
  plum_matrix_free(p2);
  model_clear(&m);
  problem_clear(&p);
}

/* Outputs that are not a distribution (identity + hinge) still give rows of probabilities. */
static void
test_proba_normalised(void)
{
  Problem p = problem_new(13, 40, 3, 3, 0);
  Model m;
  model_init(&m, "{name: mlp_classifier, layers: [{units: 8}], output_activation: identity, "
                 "cost: hinge, optimizer: {name: adam, max_iter: 20}}");
  model_fit(&m, p.X, p.y, 3, 1);
  PlumMatrix *proba = model_predict(&m, p.X, 3, TRUE);
  PlumMatrix *pred = model_predict(&m, p.X, 1, FALSE);
  for (size_t i = 0; i < 40; i++) {
    double total = 0;
    size_t best = 0;
    for (size_t j = 0; j < 3; j++) {
      g_assert_cmpfloat(PLUM_MATRIX_AT(proba, i, j), >=, 0);
      total += PLUM_MATRIX_AT(proba, i, j);
      if (PLUM_MATRIX_AT(proba, i, j) > PLUM_MATRIX_AT(proba, i, best))
        best = j;
    }
    g_assert_cmpfloat_with_epsilon(total, 1.0, 1e-12);
    g_assert_cmpfloat(PLUM_MATRIX_AT(proba, i, best), ==,
                      PLUM_MATRIX_AT(proba, i, (size_t)pred->data[i]));
  }
  plum_matrix_free(proba);
  plum_matrix_free(pred);
  model_clear(&m);
  problem_clear(&p);
}

/* Errors ------------------------------------------------------------------------------------- */

static void
assert_fit_fails(const char *yaml, const PlumFitData *fd, GQuark domain, gint code,
                 const char *fragment)
{
  GError *error = NULL;
  Model m;
  model_init(&m, yaml);
  g_assert_false(m.vt->fit(m.self, fd, &error));
  g_assert_error(error, domain, code);
  if (strstr(error->message, fragment) == NULL)
    g_error("message '%s' lacks '%s'", error->message, fragment);
  g_error_free(error);
  model_clear(&m);
}

static void
test_fit_errors(void)
{
  static const char *cls = "{name: mlp_classifier, layers: [{units: 3}]}";
  static const char *reg = "{name: mlp_regressor, layers: [{units: 3}]}";
  Problem p = problem_new(1, 10, 2, 2, 0);
  PlumMatrix short_y = plum_matrix_rows(p.y, 0, 9);
  PlumFitData fd = fit_data(p.X, &short_y, 2, p.rng);
  assert_fit_fails(cls, &fd, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE, "y");
  assert_fit_fails(reg, &fd, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE, "y");

  fd = fit_data(p.X, p.y, 1, p.rng);
  assert_fit_fails(cls, &fd, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID, "at least two classes");
  p.y->data[4] = 2;
  fd = fit_data(p.X, p.y, 2, p.rng);
  assert_fit_fails(cls, &fd, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID, "row 4");
  p.y->data[4] = 0.5;
  assert_fit_fails(cls, &fd, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID, "not a class index");
  p.y->data[4] = 1;

  p.X->data[7] = NAN;
  assert_fit_fails(cls, &fd, PLUM_DATA_ERROR, PLUM_DATA_ERROR_NONFINITE, "X");
  p.X->data[7] = 0.5;
  p.y->data[2] = NAN;
  assert_fit_fails(reg, &fd, PLUM_DATA_ERROR, PLUM_DATA_ERROR_NONFINITE, "y");
  p.y->data[2] = 0;

  double w[10] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  fd.sample_weight = w;
  assert_fit_fails(cls, &fd, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_UNSUPPORTED, "sample weights");
  fd.sample_weight = NULL;

  PlumMatrix narrow = plum_matrix_view(p.X->data, 5, 1, 2), few = plum_matrix_rows(p.y, 0, 5);
  fd.X_val = &narrow;
  fd.y_val = &few;
  assert_fit_fails(cls, &fd, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE, "X_val");
  fd.X_val = fd.y_val = NULL;

  /* 10 rows cannot give up 5 % for validation */
  assert_fit_fails("{name: mlp_classifier, layers: [], validation_fraction: 0.01, "
                   "optimizer: {name: adam, patience: 2}}",
                   &fd, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE, "validation_fraction");
  /* a cost outside its domain says so through the optimizer */
  assert_fit_fails("{name: mlp_regressor, layers: [], cost: binary_cross_entropy, "
                   "scale_targets: false}",
                   &fd, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID, "binary_cross_entropy");
  problem_clear(&p);
}

static void
test_predict_errors(void)
{
  GError *error = NULL;
  Problem p = problem_new(1, 10, 2, 2, 0);
  PlumMatrix *out = plum_matrix_new(10, 1, NULL);
  Model m;
  model_init(&m, "{name: mlp_classifier, layers: [{units: 3}], optimizer: {name: adam, "
                 "max_iter: 2}}");
  g_assert_false(m.vt->predict(m.self, p.X, out, &error));
  g_assert_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_NOT_FITTED);
  g_clear_error(&error);
  PlumState *state = plum_state_new();
  g_assert_false(m.vt->save(m.self, state, &error));
  g_assert_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_NOT_FITTED);
  g_clear_error(&error);
  plum_state_free(state);

  model_fit(&m, p.X, p.y, 2, 1);
  PlumMatrix wide = plum_matrix_view(p.X->data, 5, 4, 0);
  g_assert_false(m.vt->predict(m.self, &wide, out, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE);
  g_clear_error(&error);
  p.X->data[3] = INFINITY;
  g_assert_false(m.vt->predict(m.self, p.X, out, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_NONFINITE);
  g_clear_error(&error);
  p.X->data[3] = 0;
  PlumMatrix *two = plum_matrix_new(10, 2, NULL);
  g_assert_false(m.vt->predict(m.self, p.X, two, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE);
  g_clear_error(&error);
  plum_matrix_free(two);
  model_clear(&m);
  plum_matrix_free(out);
  problem_clear(&p);
}

/* Configuration mistakes are caught by the binder, with the key path. */
static void
test_config_errors(void)
{
  static const struct {
    const char *yaml;
    gint code;
    const char *path;
  } cases[] = {
      {"{name: mlp_classifier}", PLUM_CONFIG_ERROR_MISSING, "model.layers"},
      {"{name: mlp_classifier, layers: [{units: 0}]}", PLUM_CONFIG_ERROR_RANGE,
       "model.layers[0].units"},
      {"{name: mlp_classifier, layers: [{units: 3, dropout: 1}]}", PLUM_CONFIG_ERROR_RANGE,
       "model.layers[0].dropout"},
      {"{name: mlp_classifier, layers: [{units: 3, activation: relux}]}",
       PLUM_CONFIG_ERROR_COMPONENT, "model.layers[0].activation"},
      {"{name: mlp_classifier, layers: [{units: 3, width: 2}]}", PLUM_CONFIG_ERROR_UNKNOWN_KEY,
       "model.layers[0].width"},
      {"{name: mlp_classifier, layers: [], scale_targets: true}", PLUM_CONFIG_ERROR_UNKNOWN_KEY,
       "model.scale_targets"},
      {"{name: mlp_regressor, layers: [], init: glorot}", PLUM_CONFIG_ERROR_RANGE, "model.init"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    GError *error = NULL;
    PlumBinding *b = bind_model(cases[i].yaml, &error);
    g_assert_null(b);
    g_assert_error(error, PLUM_CONFIG_ERROR, cases[i].code);
    if (strstr(error->message, cases[i].path) == NULL)
      g_error("%s: message '%s' lacks '%s'", cases[i].yaml, error->message, cases[i].path);
    g_error_free(error);
  }
}

/* The regressor on the shipped diabetes data beats predicting the mean by a margin. */
static void
test_diabetes(void)
{
  PlumDataset *ds = load_csv("diabetes.csv", PLUM_TARGET_REAL);
  GError *error = NULL;
  PlumMatrix *X = plum_matrix_copy(ds->X, &error);
  g_assert_no_error(error);
  for (size_t j = 0; j < X->cols; j++) {
    double mean = 0, sq = 0;
    for (size_t i = 0; i < X->rows; i++)
      mean += PLUM_MATRIX_AT(X, i, j) / (double)X->rows;
    for (size_t i = 0; i < X->rows; i++)
      sq += pow(PLUM_MATRIX_AT(X, i, j) - mean, 2) / (double)X->rows;
    for (size_t i = 0; i < X->rows; i++)
      PLUM_MATRIX_AT(X, i, j) = (PLUM_MATRIX_AT(X, i, j) - mean) / sqrt(sq);
  }
  Model m;
  model_init(&m, "{name: mlp_regressor, layers: [{units: 8, activation: tanh}], l2: 1, "
                 "optimizer: {name: lbfgs, max_iter: 200}}");
  model_fit(&m, X, ds->y, 0, 1);
  PlumMatrix *pred = model_predict(&m, X, 1, FALSE);
  double mean = 0, ss_tot = 0, ss_res = 0;
  for (size_t i = 0; i < X->rows; i++)
    mean += ds->y->data[i] / (double)X->rows;
  for (size_t i = 0; i < X->rows; i++) {
    ss_tot += pow(ds->y->data[i] - mean, 2);
    ss_res += pow(ds->y->data[i] - pred->data[i], 2);
  }
  g_test_message("diabetes training R^2 %.4f", 1 - ss_res / ss_tot);
  g_assert_cmpfloat(1 - ss_res / ss_tot, >, 0.5);
  plum_matrix_free(pred);
  model_clear(&m);
  plum_matrix_free(X);
  plum_dataset_free(ds);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  GError *error = NULL;
  registry = plum_registry_get_default(&error);
  g_assert_no_error(error);

  g_test_add_func("/neural_network/components", test_components);
  g_test_add_func("/neural_network/gradients", test_gradients);
  g_test_add_func("/neural_network/minibatches-add-up", test_minibatches_add_up);
  g_test_add_func("/neural_network/xor", test_xor);
  g_test_add_func("/neural_network/and", test_and);
  g_test_add_func("/neural_network/digits", test_digits);
  g_test_add_func("/neural_network/regression-two-targets", test_regression_two_targets);
  g_test_add_func("/neural_network/diabetes", test_diabetes);
  g_test_add_func("/neural_network/same-seed-same-network", test_same_seed_same_network);
  g_test_add_func("/neural_network/save-load", test_save_load);
  g_test_add_func("/neural_network/load-mismatch", test_load_mismatch);
  g_test_add_func("/neural_network/early-stopping", test_early_stopping);
  g_test_add_func("/neural_network/validation-progress", test_validation_progress);
  g_test_add_func("/neural_network/validation-progress-regressor",
                  test_validation_progress_regressor);
  g_test_add_func("/neural_network/dropout-off-at-predict", test_dropout_off_at_predict);
  g_test_add_func("/neural_network/proba-normalised", test_proba_normalised);
  g_test_add_func("/neural_network/fit-errors", test_fit_errors);
  g_test_add_func("/neural_network/predict-errors", test_predict_errors);
  g_test_add_func("/neural_network/config-errors", test_config_errors);
  return g_test_run();
}
