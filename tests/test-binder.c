/* test-binder.c — the central hyperparameter binder (plum/config.h, plum/params.h).
 *
 * A statically registered test module provides optimizers, kernels (including the sum/product
 * combinators, so components nest three deep), activations and two models whose schemas use
 * every parameter type. The tests bind YAML onto them and check values, defaults, every error
 * message (location, key path, valid keys, did-you-mean), that all errors come in one pass in
 * document order, that overrides go through the same checks, that learnable hyperparameters
 * pack and unpack in log space with clamping, and that the resolved YAML binds back to the same
 * parameters.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <plum/config.h>
#include <plum/error.h>
#include <plum/plugin.h>
#include <plum/registry.h>

/* Test module ------------------------------------------------------------------------------ */

typedef struct {
  PlumOptimCommon common;
  double step;
  int line_search;
  gboolean nesterov;
} GdParams;

typedef struct {
  PlumOptimCommon common;
  gint64 memory;
} LbfgsParams;

typedef struct {
  double length_scale;
  double variance;
} RbfParams;

typedef struct {
  double bias;
  PlumRealArray scales;
} LinearParams;

typedef struct {
  PlumBindingList kernels;
} CombinatorParams;

typedef struct {
  double factor;
  PlumBinding *inner;
} WrapperParams;

typedef struct {
  double scale;
} TanhParams;

typedef struct {
  gint64 units;
  PlumBinding *activation;
  double dropout;
} Layer;

typedef struct {
  gboolean enabled;
  double fraction;
} EarlyStop;

typedef struct {
  PlumRecordList layers;
  PlumBinding *optimizer;
  PlumRealArray class_weights;
  PlumIntArray seeds;
  char *label;
  char *notes;
  char **metrics;
  EarlyStop early_stop;
  gint64 epochs;
  gboolean verbose;
} MlpParams;

typedef struct {
  PlumBinding *kernel;
  double noise;
  PlumBinding *mean;
  PlumBinding *optimizer;
} GpParams;

static const char *const line_searches[] = {"none", "backtracking", "wolfe", NULL};

static const PlumParamSpec gd_specs[] = {
    PLUM_OPTIM_COMMON_SPECS(GdParams, 100, 1e-6),
    PLUM_PARAM_REAL_SPEC(GdParams, step, 0.1, 0, INFINITY, PLUM_PARAM_MIN_EXCLUSIVE, "step size"),
    PLUM_PARAM_ENUM_SPEC(GdParams, line_search, 1, line_searches, "line search"),
    PLUM_PARAM_BOOL_SPEC(GdParams, nesterov, FALSE, "Nesterov momentum"),
};

static const PlumParamSpec lbfgs_specs[] = {
    PLUM_OPTIM_COMMON_SPECS(LbfgsParams, 100, 1e-6),
    PLUM_PARAM_INT_SPEC(LbfgsParams, memory, 10, 1, 100, 0, "stored correction pairs"),
};

static const PlumParamSpec rbf_specs[] = {
    PLUM_PARAM_REAL_SPEC(RbfParams, length_scale, 1, 1e-5, 1e5,
                         PLUM_PARAM_LEARNABLE | PLUM_PARAM_LOG_SCALE, "length scale"),
    PLUM_PARAM_REAL_SPEC(RbfParams, variance, 1, 1e-5, 1e5,
                         PLUM_PARAM_LEARNABLE | PLUM_PARAM_LOG_SCALE, "signal variance"),
};

static const double default_scales[] = {1, 2};

static const PlumParamSpec linear_specs[] = {
    PLUM_PARAM_REAL_SPEC(LinearParams, bias, 0.5, 0, 10,
                         PLUM_PARAM_LEARNABLE | PLUM_PARAM_MIN_EXCLUSIVE, "bias"),
    {.name = "scales",
     .type = PLUM_PARAM_REAL_ARRAY,
     .flags = PLUM_PARAM_LEARNABLE,
     .offset = offsetof(LinearParams, scales),
     .def_reals = default_scales,
     .def_len = G_N_ELEMENTS(default_scales),
     .min = 0,
     .max = INFINITY,
     .doc = "scales"},
};

static const PlumParamSpec sum_specs[] = {
    {.name = "kernels",
     .type = PLUM_PARAM_COMPONENT_LIST,
     .flags = PLUM_PARAM_REQUIRED,
     .offset = offsetof(CombinatorParams, kernels),
     .component_kind = PLUM_KIND_KERNEL,
     .min_len = 2,
     .doc = "the kernels to add"},
};

static const PlumParamSpec product_specs[] = {
    {.name = "kernels",
     .type = PLUM_PARAM_COMPONENT_LIST,
     .flags = PLUM_PARAM_REQUIRED,
     .offset = offsetof(CombinatorParams, kernels),
     .component_kind = PLUM_KIND_KERNEL,
     .min_len = 2,
     .max_len = 3,
     .doc = "the kernels to multiply"},
};

static const PlumParamSpec scaled_specs[] = {
    PLUM_PARAM_REAL_SPEC(WrapperParams, factor, 1, 1e-3, 1e3,
                         PLUM_PARAM_LEARNABLE | PLUM_PARAM_LOG_SCALE, "factor"),
    PLUM_PARAM_COMPONENT_SPEC(WrapperParams, inner, PLUM_KIND_KERNEL, "rbf", 0, "kernel scaled"),
};

static const PlumParamSpec warped_specs[] = {
    PLUM_PARAM_COMPONENT_SPEC(WrapperParams, inner, PLUM_KIND_KERNEL, "missing_kernel", 0,
                              "a default that names nothing loaded"),
};

static const PlumParamSpec tanh_specs[] = {
    PLUM_PARAM_REAL_SPEC(TanhParams, scale, 1, 0, INFINITY, PLUM_PARAM_MIN_EXCLUSIVE, "scale"),
};

static const PlumParamSpec layer_fields[] = {
    PLUM_PARAM_INT_SPEC(Layer, units, 0, 1, 1e6, PLUM_PARAM_REQUIRED, "units in the layer"),
    PLUM_PARAM_COMPONENT_SPEC(Layer, activation, PLUM_KIND_ACTIVATION, "relu", 0, "activation"),
    PLUM_PARAM_REAL_SPEC(Layer, dropout, 0, 0, 1, PLUM_PARAM_MAX_EXCLUSIVE, "dropout rate"),
};

static const PlumParamSpec early_stop_fields[] = {
    PLUM_PARAM_BOOL_SPEC(EarlyStop, enabled, FALSE, "stop early"),
    PLUM_PARAM_REAL_SPEC(EarlyStop, fraction, 0.1, 0, 1,
                         PLUM_PARAM_MIN_EXCLUSIVE | PLUM_PARAM_MAX_EXCLUSIVE, "held-out share"),
};

static const double default_weights[] = {0.5, 0.5};
static const char *const default_metrics[] = {"accuracy", NULL};

static const PlumParamSpec mlp_specs[] = {
    {.name = "layers",
     .type = PLUM_PARAM_RECORD_LIST,
     .flags = PLUM_PARAM_REQUIRED,
     .offset = offsetof(MlpParams, layers),
     .min_len = 1,
     .fields = layer_fields,
     .n_fields = G_N_ELEMENTS(layer_fields),
     .record_size = sizeof(Layer),
     .doc = "layers of the network"},
    PLUM_PARAM_COMPONENT_SPEC(MlpParams, optimizer, PLUM_KIND_OPTIMIZER, "gd", 0, "optimizer"),
    {.name = "class_weights",
     .type = PLUM_PARAM_REAL_ARRAY,
     .offset = offsetof(MlpParams, class_weights),
     .def_reals = default_weights,
     .def_len = G_N_ELEMENTS(default_weights),
     .min = 0,
     .max = 1,
     .min_len = 1,
     .max_len = 4,
     .doc = "class weights"},
    {.name = "seeds",
     .type = PLUM_PARAM_INT_ARRAY,
     .offset = offsetof(MlpParams, seeds),
     .min = 0,
     .max = 1000,
     .max_len = 3,
     .doc = "seeds"},
    PLUM_PARAM_STRING_SPEC(MlpParams, label, "target", 0, "label column"),
    PLUM_PARAM_STRING_SPEC(MlpParams, notes, NULL, 0, "free text"),
    {.name = "metrics",
     .type = PLUM_PARAM_STRING_ARRAY,
     .offset = offsetof(MlpParams, metrics),
     .choices = default_metrics,
     .doc = "metrics to report"},
    {.name = "early_stop",
     .type = PLUM_PARAM_RECORD,
     .offset = offsetof(MlpParams, early_stop),
     .fields = early_stop_fields,
     .n_fields = G_N_ELEMENTS(early_stop_fields),
     .record_size = sizeof(EarlyStop),
     .doc = "early stopping"},
    PLUM_PARAM_INT_SPEC(MlpParams, epochs, 10, 1, 1e6, 0, "epochs"),
    PLUM_PARAM_BOOL_SPEC(MlpParams, verbose, FALSE, "print progress"),
};

static const PlumParamSpec gp_specs[] = {
    PLUM_PARAM_COMPONENT_SPEC(GpParams, kernel, PLUM_KIND_KERNEL, NULL, PLUM_PARAM_REQUIRED,
                              "covariance function"),
    PLUM_PARAM_REAL_SPEC(GpParams, noise, 0, 1e-9, 10,
                         PLUM_PARAM_REQUIRED | PLUM_PARAM_LEARNABLE | PLUM_PARAM_LOG_SCALE,
                         "noise variance of the likelihood"),
    PLUM_PARAM_COMPONENT_SPEC(GpParams, mean, PLUM_KIND_KERNEL, NULL, PLUM_PARAM_OPTIONAL,
                              "prior mean"),
    PLUM_PARAM_COMPONENT_SPEC(GpParams, optimizer, PLUM_KIND_OPTIMIZER, "lbfgs", 0,
                              "hyperparameter optimizer"),
};

static gboolean
gd_check(const void *params, GError **error)
{
  const GdParams *p = params;
  if (p->nesterov && p->line_search != 0) {
    g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_CAPABILITY,
                "nesterov momentum needs line_search: none");
    return FALSE;
  }
  return TRUE;
}

static gboolean
lbfgs_check(const void *params, GError **error)
{
  const LbfgsParams *p = params;
  if (p->memory > p->common.max_iter) {
    g_set_error(error, g_quark_from_static_string("test-lbfgs"), 1,
                "memory %" G_GINT64_FORMAT " exceeds max_iter %" G_GINT64_FORMAT, p->memory,
                p->common.max_iter);
    return FALSE;
  }
  return TRUE;
}

/* The binder never runs a component; these only fill the slots the registry requires. */
static gboolean
minimize_unused(const void *params, const PlumObjective *obj, double *theta,
                PlumOptimMonitor *monitor, GError **error)
{
  g_assert_not_reached();
}

static double
eval_unused(const void *params, const double *x, const double *y, size_t d)
{
  g_assert_not_reached();
}

static void
forward_unused(const void *params, const PlumMatrix *Z, PlumMatrix *A)
{
  g_assert_not_reached();
}

static void
backward_unused(const void *params, const PlumMatrix *Z, const PlumMatrix *A, const PlumMatrix *dA,
                PlumMatrix *dZ)
{
  g_assert_not_reached();
}

static void *
create_unused(const void *params, GError **error)
{
  g_assert_not_reached();
}

static void
destroy_unused(void *self)
{
  g_assert_not_reached();
}

static gboolean
fit_unused(void *self, const PlumFitData *data, GError **error)
{
  g_assert_not_reached();
}

static void
shape_unused(const void *self, PlumModelShape *shape)
{
  g_assert_not_reached();
}

static gboolean
save_unused(const void *self, PlumState *state, GError **error)
{
  g_assert_not_reached();
}

static gboolean
load_unused(void *self, const PlumState *state, GError **error)
{
  g_assert_not_reached();
}

static const PlumOptimizerVTable optimizer_vtable = {.struct_size = sizeof optimizer_vtable,
                                                     .minimize = minimize_unused};
static const PlumKernelVTable kernel_vtable = {.struct_size = sizeof kernel_vtable,
                                               .eval = eval_unused};
static const PlumActivationVTable activation_vtable = {.struct_size = sizeof activation_vtable,
                                                       .forward = forward_unused,
                                                       .backward = backward_unused};
static const PlumModelVTable model_vtable = {.struct_size = sizeof model_vtable,
                                             .create = create_unused,
                                             .destroy = destroy_unused,
                                             .fit = fit_unused,
                                             .shape = shape_unused,
                                             .save = save_unused,
                                             .load = load_unused};

#define TEST_COMPONENT(k, n, specs, ST, check, vt)                                                 \
  {                                                                                                \
    .struct_size = sizeof(PlumComponentDesc), .kind = (k), .name = (n),                            \
    .summary = n " for the binder tests", .params = (specs), .n_params = G_N_ELEMENTS(specs),      \
    .params_size = sizeof(ST), .check_params = (check), .vtable = (vt)                             \
  }

static const PlumComponentDesc test_components[] = {
    TEST_COMPONENT(PLUM_KIND_OPTIMIZER, "gd", gd_specs, GdParams, gd_check, &optimizer_vtable),
    TEST_COMPONENT(PLUM_KIND_OPTIMIZER, "lbfgs", lbfgs_specs, LbfgsParams, lbfgs_check,
                   &optimizer_vtable),
    TEST_COMPONENT(PLUM_KIND_KERNEL, "rbf", rbf_specs, RbfParams, NULL, &kernel_vtable),
    TEST_COMPONENT(PLUM_KIND_KERNEL, "linear", linear_specs, LinearParams, NULL, &kernel_vtable),
    TEST_COMPONENT(PLUM_KIND_KERNEL, "sum", sum_specs, CombinatorParams, NULL, &kernel_vtable),
    TEST_COMPONENT(PLUM_KIND_KERNEL, "product", product_specs, CombinatorParams, NULL,
                   &kernel_vtable),
    TEST_COMPONENT(PLUM_KIND_KERNEL, "scaled", scaled_specs, WrapperParams, NULL, &kernel_vtable),
    TEST_COMPONENT(PLUM_KIND_KERNEL, "warped", warped_specs, WrapperParams, NULL, &kernel_vtable),
    {.struct_size = sizeof(PlumComponentDesc),
     .kind = PLUM_KIND_ACTIVATION,
     .name = "relu",
     .summary = "relu for the binder tests",
     .vtable = &activation_vtable},
    TEST_COMPONENT(PLUM_KIND_ACTIVATION, "tanh", tanh_specs, TanhParams, NULL, &activation_vtable),
    TEST_COMPONENT(PLUM_KIND_MODEL, "mlp", mlp_specs, MlpParams, NULL, &model_vtable),
    TEST_COMPONENT(PLUM_KIND_MODEL, "gp", gp_specs, GpParams, NULL, &model_vtable),
};

PLUM_PLUGIN_DEFINE(test_binder, "1.0", "MIT", "components for the binder tests", test_components,
                   NULL)

static PlumRegistry *registry;

/* Helpers ----------------------------------------------------------------------------------- */

static PlumConfig *
parse(const char *yaml)
{
  GError *error = NULL;
  PlumConfig *cfg = plum_config_parse_string(yaml, "t.yaml", &error);
  g_assert_no_error(error);
  return cfg;
}

/* Binds the component at `key` of cfg (a key path, also used as the binding's path). */
static PlumBinding *
bind_config(const PlumConfig *cfg, PlumComponentKind kind, const char *key, GError **error)
{
  const PlumConfigNode *node = plum_config_lookup(cfg, key);
  g_assert_nonnull(node);
  return plum_binding_new_from_node(registry, kind, node, key, error);
}

static PlumBinding *
bind_yaml(const char *yaml, PlumComponentKind kind, const char *key, GError **error)
{
  PlumConfig *cfg = parse(yaml);
  PlumBinding *b = bind_config(cfg, kind, key, error);
  plum_config_free(cfg);
  return b;
}

static PlumBinding *
bind_model_ok(const char *yaml)
{
  GError *error = NULL;
  PlumBinding *b = bind_yaml(yaml, PLUM_KIND_MODEL, "model", &error);
  g_assert_no_error(error);
  g_assert_nonnull(b);
  return b;
}

static void
assert_model_error(const char *yaml, PlumConfigError code, const char *message)
{
  GError *error = NULL;
  PlumBinding *b = bind_yaml(yaml, PLUM_KIND_MODEL, "model", &error);
  g_assert_null(b);
  g_assert_nonnull(error);
  if (error->domain != PLUM_CONFIG_ERROR || error->code != (int)code ||
      strcmp(error->message, message) != 0)
    g_error("for\n%s\nwanted code %d:\n%s\ngot %s code %d:\n%s", yaml, code, message,
            g_quark_to_string(error->domain), error->code, error->message);
  g_error_free(error);
}

static const char *
component_name(const PlumBinding *b)
{
  return plum_component_name(plum_binding_component(b));
}

/* Kinds and suggestions --------------------------------------------------------------------- */

static void
test_kinds(void)
{
  for (int k = PLUM_KIND_MODEL; k <= PLUM_KIND_LAST; k++)
    g_assert_cmpint(plum_kind_from_string(plum_kind_to_string(k)), ==, k);
  g_assert_cmpstr(plum_kind_to_string(PLUM_KIND_OPTIMIZER), ==, "optimizer");
  g_assert_cmpstr(plum_kind_to_string(PLUM_KIND_FAMILY), ==, "family");
  g_assert_null(plum_kind_to_string(0));
  g_assert_null(plum_kind_to_string(PLUM_KIND_LAST + 1));
  g_assert_cmpint(plum_kind_from_string("optimiser"), ==, 0);
  g_assert_cmpint(plum_kind_from_string(NULL), ==, 0);
}

static void
test_did_you_mean(void)
{
  const char *const keys[] = {"max_iter", "learning_rate", "tol", NULL};
  g_assert_cmpstr(plum_did_you_mean("lerning_rate", keys), ==, "learning_rate");
  g_assert_cmpstr(plum_did_you_mean("maxiter", keys), ==, "max_iter");
  g_assert_cmpstr(plum_did_you_mean("tl", keys), ==, "tol");
  /* 13 letters allow 4 edits, not 5 */
  g_assert_cmpstr(plum_did_you_mean("lxxxxing_rate", keys), ==, "learning_rate");
  g_assert_null(plum_did_you_mean("lxxxxxng_rate", keys));
  g_assert_null(plum_did_you_mean("seed", keys));
  g_assert_null(plum_did_you_mean(NULL, keys));
  g_assert_null(plum_did_you_mean("tol", NULL));
}

/* Binding values ----------------------------------------------------------------------------- */

static void
test_reference_forms(void)
{
  const char *const forms[] = {
      "opt: gd\n",
      "opt: {name: gd}\n",
      "opt: {gd: {}}\n",
      "opt: {name: gd, step: 0.5, line_search: wolfe}\n",
      "opt:\n  gd:\n    step: 0.5\n    line_search: wolfe\n",
  };
  for (size_t i = 0; i < G_N_ELEMENTS(forms); i++) {
    GError *error = NULL;
    PlumBinding *b = bind_yaml(forms[i], PLUM_KIND_OPTIMIZER, "opt", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(component_name(b), ==, "gd");
    g_assert_cmpstr(plum_binding_path(b), ==, "opt");
    const GdParams *p = plum_binding_params(b);
    g_assert_cmpint(p->common.max_iter, ==, 100);
    g_assert_cmpfloat(p->common.tol, ==, 1e-6);
    g_assert_cmpfloat(p->step, ==, i < 3 ? 0.1 : 0.5);
    g_assert_cmpint(p->line_search, ==, i < 3 ? 1 : 2);
    g_assert_false(p->nesterov);
    plum_binding_free(b);
  }
}

static void
test_every_type(void)
{
  PlumBinding *b =
      bind_model_ok("model:\n"
                    "  name: mlp\n"
                    "  layers:\n"
                    "    - units: 64\n"
                    "      activation: relu\n"
                    "    - {units: 8, activation: {name: tanh, scale: 2}, dropout: 0.5}\n"
                    "  optimizer: {name: gd, step: 0.25, line_search: none, "
                    "max_iter: 7, nesterov: true}\n"
                    "  class_weights: [0.2, 0.8, 1]\n"
                    "  seeds: [1, -0, 1000]\n"
                    "  label: \"y \\\"quoted\\\"\\n\"\n"
                    "  notes: hello\n"
                    "  metrics: [accuracy, f1, '']\n"
                    "  early_stop: {enabled: true, fraction: 0.2}\n"
                    "  epochs: 5\n"
                    "  verbose: true\n");
  const MlpParams *p = plum_binding_params(b);
  g_assert_cmpuint(p->layers.len, ==, 2);
  const Layer *layers = p->layers.items;
  g_assert_cmpint(layers[0].units, ==, 64);
  g_assert_cmpstr(component_name(layers[0].activation), ==, "relu");
  g_assert_cmpstr(plum_binding_path(layers[0].activation), ==, "model.layers[0].activation");
  g_assert_cmpfloat(layers[0].dropout, ==, 0);
  g_assert_cmpint(layers[1].units, ==, 8);
  g_assert_cmpstr(component_name(layers[1].activation), ==, "tanh");
  g_assert_cmpfloat(((const TanhParams *)plum_binding_params(layers[1].activation))->scale, ==, 2);
  g_assert_cmpfloat(layers[1].dropout, ==, 0.5);

  const GdParams *gd = plum_binding_params(p->optimizer);
  g_assert_cmpfloat(gd->step, ==, 0.25);
  g_assert_cmpint(gd->line_search, ==, 0);
  g_assert_cmpint(gd->common.max_iter, ==, 7);
  g_assert_true(gd->nesterov);

  g_assert_cmpuint(p->class_weights.len, ==, 3);
  g_assert_cmpfloat(p->class_weights.data[0], ==, 0.2);
  g_assert_cmpfloat(p->class_weights.data[2], ==, 1);
  g_assert_cmpuint(p->seeds.len, ==, 3);
  g_assert_cmpint(p->seeds.data[0], ==, 1);
  g_assert_cmpint(p->seeds.data[1], ==, 0);
  g_assert_cmpint(p->seeds.data[2], ==, 1000);
  g_assert_cmpstr(p->label, ==, "y \"quoted\"\n");
  g_assert_cmpstr(p->notes, ==, "hello");
  g_assert_cmpuint(g_strv_length(p->metrics), ==, 3);
  g_assert_cmpstr(p->metrics[1], ==, "f1");
  g_assert_cmpstr(p->metrics[2], ==, "");
  g_assert_true(p->early_stop.enabled);
  g_assert_cmpfloat(p->early_stop.fraction, ==, 0.2);
  g_assert_cmpint(p->epochs, ==, 5);
  g_assert_true(p->verbose);
  plum_binding_free(b);
}

static void
test_defaults(void)
{
  PlumBinding *b = bind_model_ok("model: {name: mlp, layers: [{units: 3}]}\n");
  const MlpParams *p = plum_binding_params(b);
  const Layer *layer = p->layers.items;
  g_assert_cmpstr(component_name(layer->activation), ==, "relu");
  g_assert_cmpstr(component_name(p->optimizer), ==, "gd");
  g_assert_cmpstr(plum_binding_path(p->optimizer), ==, "model.optimizer");
  g_assert_cmpfloat(((const GdParams *)plum_binding_params(p->optimizer))->step, ==, 0.1);
  g_assert_cmpuint(p->class_weights.len, ==, 2);
  g_assert_true(p->class_weights.data != default_weights);
  g_assert_cmpfloat(p->class_weights.data[1], ==, 0.5);
  g_assert_cmpuint(p->seeds.len, ==, 0);
  g_assert_null(p->seeds.data);
  g_assert_cmpstr(p->label, ==, "target");
  g_assert_null(p->notes);
  g_assert_cmpuint(g_strv_length(p->metrics), ==, 1);
  g_assert_cmpstr(p->metrics[0], ==, "accuracy");
  g_assert_false(p->early_stop.enabled);
  g_assert_cmpfloat(p->early_stop.fraction, ==, 0.1);
  g_assert_cmpint(p->epochs, ==, 10);
  g_assert_false(p->verbose);
  plum_binding_free(b);

  /* a default component with a default component of its own */
  b = bind_model_ok("model: {name: gp, noise: 0.5, kernel: scaled}\n");
  const GpParams *gp = plum_binding_params(b);
  const WrapperParams *scaled = plum_binding_params(gp->kernel);
  g_assert_cmpstr(component_name(scaled->inner), ==, "rbf");
  g_assert_cmpstr(plum_binding_path(scaled->inner), ==, "model.kernel.inner");
  g_assert_null(gp->mean);
  g_assert_cmpstr(component_name(gp->optimizer), ==, "lbfgs");
  plum_binding_free(b);
}

static void
test_nested_three_deep(void)
{
  PlumBinding *b = bind_model_ok("model:\n"
                                 "  name: gp\n"
                                 "  noise: 0.1\n"
                                 "  kernel:\n"
                                 "    name: sum\n"
                                 "    kernels:\n"
                                 "      - {rbf: {length_scale: 2}}\n"
                                 "      - name: product\n"
                                 "        kernels: [linear, {name: rbf, variance: 3}]\n"
                                 "  optimizer: {lbfgs: {memory: 4}}\n");
  const GpParams *gp = plum_binding_params(b);
  g_assert_cmpstr(component_name(gp->kernel), ==, "sum");
  const CombinatorParams *sum = plum_binding_params(gp->kernel);
  g_assert_cmpuint(sum->kernels.len, ==, 2);
  const PlumBinding *rbf = sum->kernels.items[0];
  g_assert_cmpstr(component_name(rbf), ==, "rbf");
  g_assert_cmpstr(plum_binding_path(rbf), ==, "model.kernel.kernels[0]");
  g_assert_cmpfloat(((const RbfParams *)plum_binding_params(rbf))->length_scale, ==, 2);
  g_assert_cmpfloat(((const RbfParams *)plum_binding_params(rbf))->variance, ==, 1);

  const PlumBinding *product = sum->kernels.items[1];
  g_assert_cmpstr(component_name(product), ==, "product");
  const CombinatorParams *prod = plum_binding_params(product);
  g_assert_cmpuint(prod->kernels.len, ==, 2);
  g_assert_cmpstr(component_name(prod->kernels.items[0]), ==, "linear");
  g_assert_cmpstr(plum_binding_path(prod->kernels.items[1]), ==,
                  "model.kernel.kernels[1].kernels[1]");
  const RbfParams *inner = plum_binding_params(prod->kernels.items[1]);
  g_assert_cmpfloat(inner->variance, ==, 3);

  const LbfgsParams *lbfgs = plum_binding_params(gp->optimizer);
  g_assert_cmpint(lbfgs->memory, ==, 4);
  g_assert_cmpint(lbfgs->common.max_iter, ==, 100);
  plum_binding_free(b);

  assert_model_error("model:\n"
                     "  name: gp\n"
                     "  noise: 0.1\n"
                     "  kernel:\n"
                     "    name: sum\n"
                     "    kernels:\n"
                     "      - rbf\n"
                     "      - name: product\n"
                     "        kernels: [linear, {name: rbf, variance: -3}]\n",
                     PLUM_CONFIG_ERROR_RANGE,
                     "t.yaml:9:49: model.kernel.kernels[1].kernels[1].variance: value -3 is "
                     "below the minimum 1e-05");
}

/* Errors ------------------------------------------------------------------------------------- */

typedef struct {
  const char *yaml;
  PlumConfigError code;
  const char *message;
} ErrorCase;

#define MLP "model:\n  name: mlp\n  layers: [{units: 1}]\n"

static const ErrorCase error_cases[] = {
    {MLP "  verbose: yes\n", PLUM_CONFIG_ERROR_TYPE,
     "t.yaml:4:12: model.verbose: expected true or false, got 'yes'"},
    {MLP "  verbose: [true]\n", PLUM_CONFIG_ERROR_TYPE,
     "t.yaml:4:12: model.verbose: expected true or false, got a list"},
    {MLP "  epochs: 1.5\n", PLUM_CONFIG_ERROR_TYPE,
     "t.yaml:4:11: model.epochs: expected an integer, got '1.5'"},
    {MLP "  epochs: 99999999999999999999\n", PLUM_CONFIG_ERROR_RANGE,
     "t.yaml:4:11: model.epochs: integer 99999999999999999999 does not fit in 64 bits"},
    {MLP "  epochs: 0\n", PLUM_CONFIG_ERROR_RANGE,
     "t.yaml:4:11: model.epochs: value 0 is below the minimum 1"},
    {MLP "  epochs: 2000000\n", PLUM_CONFIG_ERROR_RANGE,
     "t.yaml:4:11: model.epochs: value 2000000 is above the maximum 1000000"},
    {MLP "  class_weights: [0.5, abc]\n", PLUM_CONFIG_ERROR_TYPE,
     "t.yaml:4:24: model.class_weights[1]: expected a number, got 'abc'"},
    {MLP "  class_weights: [nan]\n", PLUM_CONFIG_ERROR_RANGE,
     "t.yaml:4:19: model.class_weights[0]: 'nan' is not a finite number"},
    {MLP "  class_weights: [1e999]\n", PLUM_CONFIG_ERROR_RANGE,
     "t.yaml:4:19: model.class_weights[0]: '1e999' is not a finite number"},
    {MLP "  class_weights: [.inf]\n", PLUM_CONFIG_ERROR_TYPE,
     "t.yaml:4:19: model.class_weights[0]: expected a number, got '.inf'"},
    {MLP "  class_weights: [1.5]\n", PLUM_CONFIG_ERROR_RANGE,
     "t.yaml:4:19: model.class_weights[0]: value 1.5 is above the maximum 1"},
    {MLP "  class_weights: []\n", PLUM_CONFIG_ERROR_RANGE,
     "t.yaml:4:18: model.class_weights: length 0 is below the minimum length 1"},
    {MLP "  class_weights: [0, 0, 0, 0, 0]\n", PLUM_CONFIG_ERROR_RANGE,
     "t.yaml:4:18: model.class_weights: length 5 is above the maximum length 4"},
    {MLP "  class_weights: 0.5\n", PLUM_CONFIG_ERROR_TYPE,
     "t.yaml:4:18: model.class_weights: expected a list of numbers, got '0.5'"},
    {MLP "  seeds: [1, x]\n", PLUM_CONFIG_ERROR_TYPE,
     "t.yaml:4:14: model.seeds[1]: expected an integer, got 'x'"},
    {MLP "  seeds: [1001]\n", PLUM_CONFIG_ERROR_RANGE,
     "t.yaml:4:11: model.seeds[0]: value 1001 is above the maximum 1000"},
    {MLP "  label: [a]\n", PLUM_CONFIG_ERROR_TYPE,
     "t.yaml:4:10: model.label: expected a string, got a list"},
    {MLP "  metrics: [accuracy, {a: 1}]\n", PLUM_CONFIG_ERROR_TYPE,
     "t.yaml:4:23: model.metrics[1]: expected a string, got a mapping"},
    {MLP "  metrics: accuracy\n", PLUM_CONFIG_ERROR_TYPE,
     "t.yaml:4:12: model.metrics: expected a list of strings, got 'accuracy'"},
    {MLP "  early_stop: 3\n", PLUM_CONFIG_ERROR_TYPE,
     "t.yaml:4:15: model.early_stop: expected a mapping of keys to values, got '3'"},
    {MLP "  early_stop: {fraction: 0}\n", PLUM_CONFIG_ERROR_RANGE,
     "t.yaml:4:26: model.early_stop.fraction: value 0 must be greater than 0"},
    {MLP "  early_stop: {fraction: 1}\n", PLUM_CONFIG_ERROR_RANGE,
     "t.yaml:4:26: model.early_stop.fraction: value 1 must be less than 1"},
    {MLP "  early_stop: {enabled: true, fractoin: 0.5}\n", PLUM_CONFIG_ERROR_UNKNOWN_KEY,
     "t.yaml:4:31: model.early_stop.fractoin: unknown key (valid keys: enabled, fraction); "
     "did you mean 'fraction'?"},
    {MLP "  optimizer: {name: gd, step: -1}\n", PLUM_CONFIG_ERROR_RANGE,
     "t.yaml:4:31: model.optimizer.step: value -1 must be greater than 0"},
    {MLP "  optimizer: {name: gd, line_search: backtrack}\n", PLUM_CONFIG_ERROR_RANGE,
     "t.yaml:4:38: model.optimizer.line_search: 'backtrack' is not one of none, backtracking, "
     "wolfe; did you mean 'backtracking'?"},
    {MLP "  optimizer: {name: gd, line_search: [none]}\n", PLUM_CONFIG_ERROR_TYPE,
     "t.yaml:4:38: model.optimizer.line_search: expected one of none, backtracking, wolfe, got "
     "a list"},
    {MLP "  optimizer: {name: gd, stpe: 1}\n", PLUM_CONFIG_ERROR_UNKNOWN_KEY,
     "t.yaml:4:25: model.optimizer.stpe: unknown key (valid keys: name, max_iter, tol, rel_tol, "
     "patience, min_delta, step, line_search, nesterov); did you mean 'step'?"},
    {MLP "  optimizer: {name: gd, momentum: 1}\n", PLUM_CONFIG_ERROR_UNKNOWN_KEY,
     "t.yaml:4:25: model.optimizer.momentum: unknown key (valid keys: name, max_iter, tol, "
     "rel_tol, patience, min_delta, step, line_search, nesterov)"},
    {MLP "  optimizer: lbgfs\n", PLUM_CONFIG_ERROR_COMPONENT,
     "t.yaml:4:14: model.optimizer: no optimizer named 'lbgfs'; did you mean 'lbfgs'? "
     "(available: gd, lbfgs)"},
    {MLP "  optimizer: [gd]\n", PLUM_CONFIG_ERROR_TYPE,
     "t.yaml:4:14: model.optimizer: expected a component name or a mapping with 'name', got a "
     "list"},
    {MLP "  optimizer: {step: 1}\n", PLUM_CONFIG_ERROR_MISSING,
     "t.yaml:4:14: model.optimizer: missing key 'name' (optimizer: gd, lbfgs)"},
    {MLP "  optimizer: {name: [gd]}\n", PLUM_CONFIG_ERROR_TYPE,
     "t.yaml:4:21: model.optimizer.name: expected a component name, got a list"},
    {MLP "  optimizer: {name: gd, nesterov: true}\n", PLUM_CONFIG_ERROR_CAPABILITY,
     "t.yaml:4:14: model.optimizer: nesterov momentum needs line_search: none"},
    {MLP "  optimizer: {lbfgs: {max_iter: 5}}\n", PLUM_CONFIG_ERROR_RANGE,
     "t.yaml:4:22: model.optimizer: memory 10 exceeds max_iter 5"},
    {"model:\n  name: mlp\n", PLUM_CONFIG_ERROR_MISSING,
     "t.yaml:2:3: model.layers: required key is missing (layers of the network)"},
    {"model:\n  name: mlp\n  layers: {units: 3}\n", PLUM_CONFIG_ERROR_TYPE,
     "t.yaml:3:11: model.layers: expected a list of mappings, got a mapping"},
    {"model:\n  name: mlp\n  layers: [{units: 0}]\n", PLUM_CONFIG_ERROR_RANGE,
     "t.yaml:3:20: model.layers[0].units: value 0 is below the minimum 1"},
    {"model:\n  name: mlp\n  layers: [7]\n", PLUM_CONFIG_ERROR_TYPE,
     "t.yaml:3:12: model.layers[0]: expected a mapping of keys to values, got '7'"},
    {"model:\n  name: mlp\n  layers: [{activation: relu}]\n", PLUM_CONFIG_ERROR_MISSING,
     "t.yaml:3:12: model.layers[0].units: required key is missing (units in the layer)"},
    {"model:\n  name: mlp\n  layers: [{units: 2, activation: rleu}]\n", PLUM_CONFIG_ERROR_COMPONENT,
     "t.yaml:3:35: model.layers[0].activation: no activation named 'rleu'; did you mean "
     "'relu'? (available: relu, tanh)"},
    {"model: {name: gp, kernel: rbf}\n", PLUM_CONFIG_ERROR_MISSING,
     "t.yaml:1:8: model.noise: required key is missing (noise variance of the likelihood)"},
    {"model: {name: gp, noise: 0.1}\n", PLUM_CONFIG_ERROR_MISSING,
     "t.yaml:1:8: model.kernel: required key is missing (kernel: linear, product, rbf, scaled, "
     "sum, warped)"},
    {"model: {name: gp, noise: 0.1, kernel: warped}\n", PLUM_CONFIG_ERROR_COMPONENT,
     "t.yaml:1:39: model.kernel.inner: the default kernel 'missing_kernel' is not loaded"},
    {"model: {name: gp, noise: 0.1, kernel: {name: sum, kernels: [rbf]}}\n",
     PLUM_CONFIG_ERROR_RANGE,
     "t.yaml:1:60: model.kernel.kernels: length 1 is below the minimum length 2"},
    {"model: {name: gp, noise: 0.1, kernel: {name: sum, kernels: rbf}}\n", PLUM_CONFIG_ERROR_TYPE,
     "t.yaml:1:60: model.kernel.kernels: expected a list of components, got 'rbf'"},
    {"model: {name: gp, noise: 0.1, kernel: {sum: {kernels: [rbf, rbf]}, rbf: {}}}\n",
     PLUM_CONFIG_ERROR_MISSING,
     "t.yaml:1:39: model.kernel: missing key 'name' (kernel: linear, product, rbf, scaled, sum, "
     "warped)"},
    {"model: {name: gp, noise: 0.1, kernel: {rbff: {length_scale: 1}}}\n",
     PLUM_CONFIG_ERROR_COMPONENT,
     "t.yaml:1:40: model.kernel: no kernel named 'rbff'; did you mean 'rbf'? (available: "
     "linear, product, rbf, scaled, sum, warped)"},
    {"model: {name: gp, noise: 0.1, kernel: rbf, mean: {name: linear, bias: 0}}\n",
     PLUM_CONFIG_ERROR_RANGE, "t.yaml:1:71: model.mean.bias: value 0 must be greater than 0"},
    {"model: {name: forest}\n", PLUM_CONFIG_ERROR_COMPONENT,
     "t.yaml:1:15: model: no model named 'forest' (available: gp, mlp)"},
    {"model: [mlp]\n", PLUM_CONFIG_ERROR_TYPE,
     "t.yaml:1:8: model: expected a component name or a mapping with 'name', got a list"},
};

static void
test_error_messages(void)
{
  for (size_t i = 0; i < G_N_ELEMENTS(error_cases); i++)
    assert_model_error(error_cases[i].yaml, error_cases[i].code, error_cases[i].message);
}

static void
test_all_errors_in_one_pass(void)
{
  PlumConfig *cfg = parse("model:\n"
                          "  name: mlp\n"
                          "  layers:\n"
                          "    - {units: 0}\n"
                          "    - {units: 4, activation: sigmoid}\n"
                          "  optimizer: {name: gd, stpe: 1, step: 0}\n"
                          "  epochs: x\n"
                          "  colour: red\n");
  GError *error = NULL;
  g_assert_true(plum_config_set_override(cfg, "model.verbose=maybe", &error));
  g_assert_no_error(error);
  PlumBinding *b = bind_config(cfg, PLUM_KIND_MODEL, "model", &error);
  g_assert_null(b);
  /* the code is the first error's */
  g_assert_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE);
  g_assert_cmpstr(
      error->message, ==,
      "t.yaml:4:15: model.layers[0].units: value 0 is below the minimum 1\n"
      "t.yaml:5:30: model.layers[1].activation: no activation named 'sigmoid' (available: relu, "
      "tanh)\n"
      "t.yaml:6:25: model.optimizer.stpe: unknown key (valid keys: name, max_iter, tol, "
      "rel_tol, patience, min_delta, step, line_search, nesterov); did you mean 'step'?\n"
      "t.yaml:6:40: model.optimizer.step: value 0 must be greater than 0\n"
      "t.yaml:7:11: model.epochs: expected an integer, got 'x'\n"
      "t.yaml:8:3: model.colour: unknown key (valid keys: name, layers, optimizer, "
      "class_weights, seeds, label, notes, metrics, early_stop, epochs, verbose)\n"
      "--set model.verbose: model.verbose: expected true or false, got 'maybe'");
  g_error_free(error);
  plum_config_free(cfg);
}

/* Overrides ---------------------------------------------------------------------------------- */

static void
set_override(PlumConfig *cfg, const char *assignment)
{
  GError *error = NULL;
  g_assert_true(plum_config_set_override(cfg, assignment, &error));
  g_assert_no_error(error);
}

static void
test_overrides(void)
{
  PlumConfig *cfg = parse("model:\n  name: mlp\n  layers: [{units: 3}]\n  optimizer: lbfgs\n");
  set_override(cfg, "model.optimizer.memory=5");
  set_override(cfg, "model.layers.0.units=9");
  set_override(cfg, "model.seeds=[4, 2]");
  GError *error = NULL;
  PlumBinding *b = bind_config(cfg, PLUM_KIND_MODEL, "model", &error);
  g_assert_no_error(error);
  const MlpParams *p = plum_binding_params(b);
  g_assert_cmpstr(component_name(p->optimizer), ==, "lbfgs");
  g_assert_cmpint(((const LbfgsParams *)plum_binding_params(p->optimizer))->memory, ==, 5);
  g_assert_cmpint(((const Layer *)p->layers.items)->units, ==, 9);
  g_assert_cmpuint(p->seeds.len, ==, 2);
  g_assert_cmpint(p->seeds.data[0], ==, 4);
  plum_binding_free(b);

  /* swapping the optimizer drops lbfgs's memory, which gd would not accept */
  set_override(cfg, "model.optimizer=gd");
  set_override(cfg, "model.optimizer.step=0.5");
  b = bind_config(cfg, PLUM_KIND_MODEL, "model", &error);
  g_assert_no_error(error);
  p = plum_binding_params(b);
  g_assert_cmpstr(component_name(p->optimizer), ==, "gd");
  g_assert_cmpfloat(((const GdParams *)plum_binding_params(p->optimizer))->step, ==, 0.5);
  plum_binding_free(b);

  set_override(cfg, "model.optimizer.step=-2");
  set_override(cfg, "model.optimizer.memory=5");
  g_assert_null(bind_config(cfg, PLUM_KIND_MODEL, "model", &error));
  g_assert_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE);
  g_assert_cmpstr(error->message, ==,
                  "--set model.optimizer.step: model.optimizer.step: value -2 must be greater "
                  "than 0\n"
                  "--set model.optimizer.memory: model.optimizer.memory: unknown key (valid "
                  "keys: name, max_iter, tol, rel_tol, patience, min_delta, step, line_search, "
                  "nesterov)");
  g_clear_error(&error);
  plum_config_free(cfg);
}

/* Learnable hyperparameters ------------------------------------------------------------------- */

#define GP_LEARNABLE                                                                               \
  "model:\n"                                                                                       \
  "  name: gp\n"                                                                                   \
  "  noise: 0.01\n"                                                                                \
  "  kernel:\n"                                                                                    \
  "    name: sum\n"                                                                                \
  "    kernels:\n"                                                                                 \
  "      - {rbf: {length_scale: 2, variance: 3}}\n"                                                \
  "      - {name: linear, bias: 0.5, scales: [1, 2]}\n"                                            \
  "  mean: linear\n"

static void
assert_floats(const double *got, const double *want, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    if (isinf(want[i]))
      g_assert_cmpfloat(got[i], ==, want[i]);
    else
      g_assert_cmpfloat_with_epsilon(got[i], want[i], 1e-12);
  }
}

static void
test_learnable(void)
{
  PlumBinding *b = bind_model_ok(GP_LEARNABLE);
  /* schema order, depth first: kernel (rbf ls, var; linear bias, scales), noise, mean */
  g_assert_cmpuint(plum_binding_n_learnable(b), ==, 9);
  double theta[9], lower[9], upper[9];
  plum_binding_get_learnable(b, theta, lower, upper);
  const double want_theta[9] = {log(2), log(3), 0.5, 1, 2, log(0.01), 0.5, 1, 2};
  const double want_lower[9] = {log(1e-5), log(1e-5), 0, 0, 0, log(1e-9), 0, 0, 0};
  const double want_upper[9] = {log(1e5), log(1e5), 10,       INFINITY, INFINITY,
                                log(10),  10,       INFINITY, INFINITY};
  assert_floats(theta, want_theta, 9);
  assert_floats(lower, want_lower, 9);
  assert_floats(upper, want_upper, 9);

  /* lower and upper are optional */
  double again[9];
  plum_binding_get_learnable(b, again, NULL, NULL);
  assert_floats(again, want_theta, 9);

  /* writing back: exp where log-scaled, clamped to the bounds (exclusive ones stay open) */
  const double set[9] = {log(4), -100, -5, 3, 4, log(100), 20, 0.5, 0.25};
  plum_binding_set_learnable(b, set);
  const GpParams *gp = plum_binding_params(b);
  const CombinatorParams *sum = plum_binding_params(gp->kernel);
  const RbfParams *rbf = plum_binding_params(sum->kernels.items[0]);
  const LinearParams *linear = plum_binding_params(sum->kernels.items[1]);
  const LinearParams *mean = plum_binding_params(gp->mean);
  g_assert_cmpfloat_with_epsilon(rbf->length_scale, 4, 1e-12);
  g_assert_cmpfloat(rbf->variance, ==, 1e-5);
  g_assert_cmpfloat(linear->bias, >, 0);
  g_assert_cmpfloat(linear->bias, ==, nextafter(0, 1));
  g_assert_cmpfloat(linear->scales.data[0], ==, 3);
  g_assert_cmpfloat(linear->scales.data[1], ==, 4);
  g_assert_cmpfloat(gp->noise, ==, 10);
  g_assert_cmpfloat(mean->bias, ==, 10);
  g_assert_cmpfloat(mean->scales.data[0], ==, 0.5);
  g_assert_cmpfloat(mean->scales.data[1], ==, 0.25);

  /* a round trip through theta leaves in-bounds values where they are */
  plum_binding_get_learnable(b, theta, NULL, NULL);
  plum_binding_set_learnable(b, theta);
  plum_binding_get_learnable(b, again, NULL, NULL);
  assert_floats(again, theta, 9);
  plum_binding_free(b);

  b = bind_model_ok("model: {name: mlp, layers: [{units: 3}]}\n");
  g_assert_cmpuint(plum_binding_n_learnable(b), ==, 0);
  plum_binding_free(b);
}

/* Resolved YAML ------------------------------------------------------------------------------- */

/* bind → to_yaml → parse → bind gives the same resolved configuration. */
static void
assert_round_trip(const PlumBinding *b)
{
  char *yaml = plum_binding_to_yaml(b);
  char *doc = g_strdup_printf("model: %s\n", yaml);
  GError *error = NULL;
  PlumBinding *again = bind_yaml(doc, PLUM_KIND_MODEL, "model", &error);
  g_assert_no_error(error);
  char *yaml_again = plum_binding_to_yaml(again);
  g_assert_cmpstr(yaml_again, ==, yaml);
  g_free(yaml_again);
  plum_binding_free(again);
  g_free(doc);
  g_free(yaml);
}

static void
test_to_yaml(void)
{
  GError *error = NULL;
  const PlumComponent *gd = plum_registry_find(registry, PLUM_KIND_OPTIMIZER, "gd");
  PlumBinding *b = plum_binding_new_default(registry, gd, &error);
  g_assert_no_error(error);
  char *yaml = plum_binding_to_yaml(b);
  g_assert_cmpstr(yaml, ==,
                  "{name: gd, max_iter: 100, tol: 1e-06, rel_tol: 0, patience: 0, min_delta: 0, "
                  "step: 0.1, line_search: backtracking, nesterov: false}");
  g_free(yaml);
  plum_binding_free(b);

  b = bind_model_ok("model:\n"
                    "  name: mlp\n"
                    "  layers: [{units: 2, activation: {tanh: {scale: 0.5}}}, {units: 1}]\n"
                    "  optimizer: {name: gd, step: 0.30000000000000004}\n"
                    "  label: \"a \\\"b\\\" \\\\ c\\n\\td\"\n"
                    "  metrics: []\n"
                    "  seeds: [3]\n");
  yaml = plum_binding_to_yaml(b);
  g_assert_cmpstr(
      yaml, ==,
      "{name: mlp, layers: [{units: 2, activation: {name: tanh, scale: 0.5}, "
      "dropout: 0}, {units: 1, activation: {name: relu}, dropout: 0}], optimizer: "
      "{name: gd, max_iter: 100, tol: 1e-06, rel_tol: 0, patience: 0, min_delta: 0, "
      "step: 0.30000000000000004, line_search: backtracking, nesterov: false}, "
      "class_weights: [0.5, 0.5], seeds: [3], label: \"a \\\"b\\\" \\\\ c\\x0a\\x09d\", "
      "metrics: [], early_stop: {enabled: false, fraction: 0.1}, epochs: 10, "
      "verbose: false}");
  g_free(yaml);
  assert_round_trip(b);
  plum_binding_free(b);

  b = bind_model_ok(GP_LEARNABLE);
  assert_round_trip(b);
  /* extreme values from learning still print back exactly */
  const double set[9] = {log(4), -100, -5, 3, 4, log(100), 20, 0.5, 1.0 / 3};
  plum_binding_set_learnable(b, set);
  assert_round_trip(b);
  plum_binding_free(b);
}

static void
test_copy(void)
{
  PlumBinding *b = bind_model_ok(GP_LEARNABLE);
  char *yaml = plum_binding_to_yaml(b);
  PlumBinding *copy = plum_binding_copy(b);
  plum_binding_free(b);
  char *copied = plum_binding_to_yaml(copy);
  g_assert_cmpstr(copied, ==, yaml);
  g_assert_cmpstr(plum_binding_path(copy), ==, "model");

  PlumBinding *other = plum_binding_copy(copy);
  double theta[9];
  plum_binding_get_learnable(other, theta, NULL, NULL);
  theta[2] = 7;
  plum_binding_set_learnable(other, theta);
  char *unchanged = plum_binding_to_yaml(copy);
  g_assert_cmpstr(unchanged, ==, yaml);
  plum_binding_free(other);
  plum_binding_free(copy);
  g_free(unchanged);
  g_free(copied);
  g_free(yaml);

  b = bind_model_ok("model: {name: mlp, layers: [{units: 3}, {units: 4, activation: tanh}], "
                    "seeds: [1, 2], notes: x, early_stop: {enabled: true}}\n");
  copy = plum_binding_copy(b);
  const MlpParams *p = plum_binding_params(b), *q = plum_binding_params(copy);
  g_assert_true(p->layers.items != q->layers.items);
  g_assert_true(p->seeds.data != q->seeds.data);
  g_assert_true(p->notes != q->notes);
  g_assert_true(p->metrics != q->metrics);
  g_assert_true(p->optimizer != q->optimizer);
  g_assert_true(((const Layer *)p->layers.items)[1].activation !=
                ((const Layer *)q->layers.items)[1].activation);
  g_assert_true(q->early_stop.enabled);
  plum_binding_free(b);
  char *text = plum_binding_to_yaml(copy);
  g_assert_nonnull(strstr(text, "notes: \"x\""));
  g_free(text);
  plum_binding_free(copy);
  g_assert_null(plum_binding_copy(NULL));
}

/* Schema tables bound directly (the pipeline's own sections) --------------------------------- */

typedef struct {
  PlumBinding *model;
  gint64 seed;
  char *output;
  char **tags;
  PlumRealArray range;
} Pipeline;

static const PlumParamSpec pipeline_specs[] = {
    PLUM_PARAM_COMPONENT_SPEC(Pipeline, model, PLUM_KIND_MODEL, NULL, PLUM_PARAM_REQUIRED,
                              "the model"),
    PLUM_PARAM_INT_SPEC(Pipeline, seed, 42, 0, INFINITY, 0, "random seed"),
    PLUM_PARAM_STRING_SPEC(Pipeline, output, NULL, 0, "where predictions go"),
    {.name = "tags",
     .type = PLUM_PARAM_STRING_ARRAY,
     .offset = offsetof(Pipeline, tags),
     .doc = "labels"},
    {.name = "range",
     .type = PLUM_PARAM_REAL_ARRAY,
     .offset = offsetof(Pipeline, range),
     .min = -INFINITY,
     .max = INFINITY,
     .min_len = 2,
     .max_len = 2,
     .doc = "optional, but two values when given"},
};

static gboolean
bind_pipeline(const char *yaml, Pipeline *p, GError **error)
{
  PlumConfig *cfg = parse(yaml);
  gboolean ok = plum_params_bind(registry, pipeline_specs, G_N_ELEMENTS(pipeline_specs),
                                 plum_config_root(cfg), "", p, error);
  plum_config_free(cfg);
  return ok;
}

static void
test_params_bind(void)
{
  Pipeline p = {0};
  GError *error = NULL;
  g_assert_true(bind_pipeline("model: {name: gp, noise: 0.1, kernel: rbf}\nseed: 7\n", &p, &error));
  g_assert_no_error(error);
  g_assert_cmpstr(plum_binding_path(p.model), ==, "model");
  g_assert_cmpint(p.seed, ==, 7);
  g_assert_null(p.output);
  g_assert_null(p.tags);
  g_assert_cmpuint(p.range.len, ==, 0);
  char *yaml = plum_params_to_yaml(pipeline_specs, G_N_ELEMENTS(pipeline_specs), &p);
  g_assert_cmpstr(yaml, ==,
                  "model: {name: gp, kernel: {name: rbf, length_scale: 1, variance: 1}, noise: "
                  "0.1, optimizer: {name: lbfgs, max_iter: 100, tol: 1e-06, rel_tol: 0, "
                  "patience: 0, min_delta: 0, memory: 10}}\n"
                  "seed: 7\n");
  plum_params_clear(pipeline_specs, G_N_ELEMENTS(pipeline_specs), &p);
  /* the block mapping binds back to the same values */
  g_assert_true(bind_pipeline(yaml, &p, &error));
  g_assert_no_error(error);
  char *again = plum_params_to_yaml(pipeline_specs, G_N_ELEMENTS(pipeline_specs), &p);
  g_assert_cmpstr(again, ==, yaml);
  g_free(again);
  g_free(yaml);
  plum_params_clear(pipeline_specs, G_N_ELEMENTS(pipeline_specs), &p);
  Pipeline zero = {0};
  g_assert_cmpmem(&p, sizeof p, &zero, sizeof zero);

  /* on failure, what was bound before the mistake is freed and the struct cleared */
  g_assert_false(bind_pipeline("model: {name: gp, noise: 0.1, kernel: rbf}\noutput: out.csv\n"
                               "tags: [a, b]\nseed: -1\n",
                               &p, &error));
  g_assert_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE);
  g_assert_cmpstr(error->message, ==, "t.yaml:4:7: seed: value -1 is below the minimum 0");
  g_clear_error(&error);
  g_assert_cmpmem(&p, sizeof p, &zero, sizeof zero);

  g_assert_false(
      bind_pipeline("model: {name: gp, noise: 0.1, kernel: rbf}\nrange: [1]\n", &p, &error));
  g_assert_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE);
  g_assert_cmpstr(error->message, ==, "t.yaml:2:8: range: length 1 is below the minimum length 2");
  g_clear_error(&error);
  g_assert_cmpmem(&p, sizeof p, &zero, sizeof zero);

  g_assert_false(
      plum_params_defaults(registry, pipeline_specs, G_N_ELEMENTS(pipeline_specs), "", &p, &error));
  g_assert_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_MISSING);
  g_assert_cmpstr(error->message, ==, "model: required key is missing (model: gp, mlp)");
  g_clear_error(&error);

  g_assert_true(plum_params_defaults(registry, pipeline_specs + 1, G_N_ELEMENTS(pipeline_specs) - 1,
                                     "run", &p, &error));
  g_assert_no_error(error);
  g_assert_cmpint(p.seed, ==, 42);
  plum_params_clear(pipeline_specs, G_N_ELEMENTS(pipeline_specs), &p);

  PlumConfig *cfg = parse("run: [1]\n");
  g_assert_false(plum_params_bind(registry, pipeline_specs, G_N_ELEMENTS(pipeline_specs),
                                  plum_config_lookup(cfg, "run"), "run", &p, &error));
  g_assert_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_TYPE);
  g_assert_cmpstr(error->message, ==,
                  "t.yaml:1:6: run: expected a mapping of keys to values, got a list");
  g_clear_error(&error);
  plum_config_free(cfg);
}

static void
test_binding_new_default(void)
{
  GError *error = NULL;
  const PlumComponent *gp = plum_registry_find(registry, PLUM_KIND_MODEL, "gp");
  g_assert_null(plum_binding_new_default(registry, gp, &error));
  g_assert_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_MISSING);
  g_assert_cmpstr(error->message, ==,
                  "kernel: required key is missing (kernel: linear, product, rbf, scaled, sum, "
                  "warped)\n"
                  "noise: required key is missing (noise variance of the likelihood)");
  g_clear_error(&error);

  const PlumComponent *relu = plum_registry_find(registry, PLUM_KIND_ACTIVATION, "relu");
  PlumBinding *b = plum_binding_new_default(registry, relu, &error);
  g_assert_no_error(error);
  g_assert_cmpstr(plum_binding_path(b), ==, "");
  char *yaml = plum_binding_to_yaml(b);
  g_assert_cmpstr(yaml, ==, "{name: relu}");
  g_free(yaml);
  g_assert_cmpuint(plum_binding_n_learnable(b), ==, 0);
  plum_binding_free(b);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  GError *error = NULL;
  registry = plum_registry_new();
  g_assert_nonnull(plum_registry_add_static(registry, plum_plugin_test_binder_get_desc(), &error));
  g_assert_no_error(error);

  g_test_add_func("/binder/kinds", test_kinds);
  g_test_add_func("/binder/did-you-mean", test_did_you_mean);
  g_test_add_func("/binder/reference-forms", test_reference_forms);
  g_test_add_func("/binder/every-type", test_every_type);
  g_test_add_func("/binder/defaults", test_defaults);
  g_test_add_func("/binder/nested-three-deep", test_nested_three_deep);
  g_test_add_func("/binder/error-messages", test_error_messages);
  g_test_add_func("/binder/all-errors-in-one-pass", test_all_errors_in_one_pass);
  g_test_add_func("/binder/overrides", test_overrides);
  g_test_add_func("/binder/learnable", test_learnable);
  g_test_add_func("/binder/to-yaml", test_to_yaml);
  g_test_add_func("/binder/copy", test_copy);
  g_test_add_func("/binder/params-bind", test_params_bind);
  g_test_add_func("/binder/binding-new-default", test_binding_new_default);
  int status = g_test_run();
  plum_registry_free(registry);
  return status;
}
