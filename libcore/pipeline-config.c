/* pipeline-config.c — the pipeline document's schema, bound by the core binder.
 *
 * The sections of a pipeline (data, transforms, model, evaluate, search, output) are described
 * by the same PlumParamSpec tables components use, so unknown keys, wrong types and bad values
 * in a pipeline get exactly the messages a plugin's parameters get. What the binder cannot
 * know — that a transform step must be able to transform, that a metric fits the model's task —
 * is checked here, still with the location of the offending value, still all at once.
 */
#include "config.h"

#include <string.h>

#include <plum/csv.h>
#include <plum/metrics.h>
#include <plum/pipeline.h>
#include <plum/plugin.h>

#include "pipeline-config.h"

static const char *const missing_choices[] = {"error", "drop", "nan", NULL};
static const char *const method_choices[] = {"grid", "random", NULL};

static const PlumParamSpec data_specs[] = {
    PLUM_PARAM_STRING_SPEC(PlumPipelineData, train, NULL, PLUM_PARAM_REQUIRED,
                           "training data (CSV), relative to the pipeline file"),
    PLUM_PARAM_STRING_SPEC(PlumPipelineData, test, NULL, 0,
                           "test data (CSV); without it evaluate.test_fraction holds rows out"),
    PLUM_PARAM_STRING_SPEC(PlumPipelineData, label, "-1", 0,
                           "label column: a name, an index (negative from the end), or none"),
    PLUM_PARAM_BOOL_SPEC(PlumPipelineData, header, TRUE, "the first row names the columns"),
    PLUM_PARAM_STRING_SPEC(PlumPipelineData, delimiter, ",", 0, "field delimiter, one character"),
    {.name = "missing_tokens", .type = PLUM_PARAM_STRING_ARRAY,
     .offset = offsetof(PlumPipelineData, missing_tokens),
     .doc = "cell texts that mean a missing value (default: empty, NA, N/A, ?)"},
    PLUM_PARAM_ENUM_SPEC(PlumPipelineData, missing, 0, missing_choices,
                         "missing values: error, drop the row, or nan (for an impute step)"),
    {.name = "use", .type = PLUM_PARAM_STRING_ARRAY, .offset = offsetof(PlumPipelineData, use),
     .doc = "feature columns to keep, by name (default: all)"},
    {.name = "drop", .type = PLUM_PARAM_STRING_ARRAY, .offset = offsetof(PlumPipelineData, drop),
     .doc = "feature columns to leave out, by name"},
    {.name = "categorical", .type = PLUM_PARAM_STRING_ARRAY,
     .offset = offsetof(PlumPipelineData, categorical),
     .doc = "feature columns holding category names, one-hot encoded (column=name)"},
};

static const PlumParamSpec evaluate_specs[] = {
    PLUM_PARAM_REAL_SPEC(PlumPipelineEvaluate, test_fraction, 0, 0, 1, PLUM_PARAM_MAX_EXCLUSIVE,
                         "rows held out for testing when there is no test file (0: none)"),
    PLUM_PARAM_INT_SPEC(PlumPipelineEvaluate, folds, 0, 0, 1000, 0,
                        "k-fold cross-validation on the training rows (0: none, else >= 2)"),
    PLUM_PARAM_BOOL_SPEC(PlumPipelineEvaluate, stratify, TRUE,
                         "keep class proportions in splits (classifiers)"),
    {.name = "metrics", .type = PLUM_PARAM_STRING_ARRAY,
     .offset = offsetof(PlumPipelineEvaluate, metrics),
     .doc = "metric names (default: a standard set for the model's task)"},
};

static const PlumParamSpec search_param_specs[] = {
    PLUM_PARAM_STRING_SPEC(PlumSearchParam, path, NULL, PLUM_PARAM_REQUIRED,
                           "the parameter's key path, e.g. model.optimizer.learning_rate"),
    {.name = "values", .type = PLUM_PARAM_STRING_ARRAY, .offset = offsetof(PlumSearchParam, values),
     .doc = "values to try (grid), each written as in the pipeline"},
    {.name = "uniform", .type = PLUM_PARAM_REAL_ARRAY, .offset = offsetof(PlumSearchParam, uniform),
     .min_len = 2, .max_len = 2, .min = -INFINITY, .max = INFINITY,
     .doc = "random search: uniform on [low, high]"},
    {.name = "log_uniform", .type = PLUM_PARAM_REAL_ARRAY,
     .offset = offsetof(PlumSearchParam, log_uniform), .min_len = 2, .max_len = 2, .min = 0,
     .max = INFINITY, .flags = PLUM_PARAM_MIN_EXCLUSIVE,
     .doc = "random search: log-uniform on [low, high], both > 0"},
    {.name = "int_uniform", .type = PLUM_PARAM_INT_ARRAY,
     .offset = offsetof(PlumSearchParam, int_uniform), .min_len = 2, .max_len = 2,
     .min = -1e15, .max = 1e15, .doc = "random search: an integer on [low, high]"},
};

static const PlumParamSpec search_specs[] = {
    PLUM_PARAM_ENUM_SPEC(PlumPipelineSearch, method, PLUM_SEARCH_GRID, method_choices,
                         "grid: every combination; random: n_iter draws"),
    PLUM_PARAM_INT_SPEC(PlumPipelineSearch, n_iter, 10, 1, 100000, 0,
                        "random search: candidates drawn"),
    PLUM_PARAM_INT_SPEC(PlumPipelineSearch, folds, 5, 2, 1000, 0,
                        "cross-validation folds scoring each candidate"),
    PLUM_PARAM_STRING_SPEC(PlumPipelineSearch, scoring, NULL, 0,
                           "metric to optimise (default: the first of evaluate.metrics)"),
    {.name = "params", .type = PLUM_PARAM_RECORD_LIST,
     .offset = offsetof(PlumPipelineSearch, params), .fields = search_param_specs,
     .n_fields = G_N_ELEMENTS(search_param_specs), .record_size = sizeof(PlumSearchParam),
     .doc = "the parameters searched"},
};

static const PlumParamSpec output_specs[] = {
    PLUM_PARAM_STRING_SPEC(PlumPipelineOutput, model, NULL, 0,
                           "model file to write (relative to the current directory)"),
    PLUM_PARAM_STRING_SPEC(PlumPipelineOutput, predictions, NULL, 0,
                           "predictions CSV for the test rows (or the training rows)"),
    PLUM_PARAM_STRING_SPEC(PlumPipelineOutput, metrics, NULL, 0, "metrics JSON"),
};

#define RECORD_SPEC(field, specs, docstr)                                                         \
  {.name = #field, .type = PLUM_PARAM_RECORD, .offset = offsetof(PlumPipelineConfig, field),     \
   .fields = specs, .n_fields = G_N_ELEMENTS(specs), .record_size = sizeof(((PlumPipelineConfig *)0)->field), \
   .doc = docstr}

static const PlumParamSpec pipeline_specs[] = {
    PLUM_PARAM_INT_SPEC(PlumPipelineConfig, version, 1, 1, 1, PLUM_PARAM_REQUIRED,
                        "pipeline format version (1)"),
    PLUM_PARAM_INT_SPEC(PlumPipelineConfig, seed, 0, 0, 9.2e18, 0,
                        "seed of every random choice (splits, initialisation, shuffling)"),
    PLUM_PARAM_INT_SPEC(PlumPipelineConfig, threads, 0, 0, 4096, 0,
                        "threads for OpenMP and BLAS together (0: PLUM_NUM_THREADS or all)"),
    RECORD_SPEC(data, data_specs, "where the data comes from"),
    {.name = "transforms", .type = PLUM_PARAM_COMPONENT_LIST,
     .offset = offsetof(PlumPipelineConfig, transforms), .component_kind = PLUM_KIND_MODEL,
     .doc = "preprocessing steps, in order (models that can transform)"},
    PLUM_PARAM_COMPONENT_SPEC(PlumPipelineConfig, model, PLUM_KIND_MODEL, NULL,
                              PLUM_PARAM_REQUIRED, "the model, with its own components"),
    RECORD_SPEC(evaluate, evaluate_specs, "how the model is scored"),
    RECORD_SPEC(search, search_specs, "hyperparameter search (optional)"),
    RECORD_SPEC(output, output_specs, "files written"),
};

const PlumParamSpec *
plum_pipeline_schema(size_t *n_out)
{
  *n_out = G_N_ELEMENTS(pipeline_specs);
  return pipeline_specs;
}

int
plum_pipeline_config_task(const PlumPipelineConfig *cfg)
{
  guint64 caps = plum_component_caps(plum_binding_component(cfg->model));
  if (caps & PLUM_CAP_CLASSIFIER)
    return PLUM_TASK_CLASSIFICATION;
  if (caps & PLUM_CAP_REGRESSOR)
    return PLUM_TASK_REGRESSION;
  if (caps & PLUM_CAP_CLUSTERER)
    return PLUM_TASK_CLUSTERING;
  return 0;
}

/* Collects cross-section problems, each at the location of the value at fault. */
typedef struct {
  const PlumConfig *cfg;
  GString *messages;
  int first_code;
} Problems;

static void
problem(Problems *pr, const char *path, int code, const char *fmt, ...) G_GNUC_PRINTF(4, 5);

static void
problem(Problems *pr, const char *path, int code, const char *fmt, ...)
{
  const PlumConfigNode *node = plum_config_lookup(pr->cfg, path);
  va_list ap;
  va_start(ap, fmt);
  char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  if (pr->messages->len > 0)
    g_string_append_c(pr->messages, '\n');
  else
    pr->first_code = code;
  g_string_append_printf(pr->messages, "%s: %s: %s",
                         node ? plum_config_node_location(node) : "(pipeline)", path, msg);
  g_free(msg);
}

static void
check_transforms(const PlumPipelineConfig *c, Problems *pr)
{
  for (size_t i = 0; i < c->transforms.len; i++) {
    const PlumComponent *comp = plum_binding_component(c->transforms.items[i]);
    if (plum_component_caps(comp) & PLUM_CAP_TRANSFORMER)
      continue;
    char path[64];
    g_snprintf(path, sizeof path, "transforms.%zu", i);
    problem(pr, path, PLUM_CONFIG_ERROR_CAPABILITY,
            "'%s' is not a transform (it has no transform step; see 'plum plugins --kind "
            "model')",
            plum_component_name(comp));
  }
}

static void
check_metrics(const PlumPipelineConfig *c, Problems *pr)
{
  int task = plum_pipeline_config_task(c);
  char **metrics = c->evaluate.metrics;
  for (size_t i = 0; metrics != NULL && metrics[i] != NULL; i++) {
    char path[64];
    g_snprintf(path, sizeof path, "evaluate.metrics.%zu", i);
    const PlumMetricInfo *info = plum_metric_find(metrics[i]);
    if (info == NULL) {
      size_t n = 0;
      const PlumMetricInfo *all = plum_metric_list(&n);
      const char **names = g_new0(const char *, n + 1);
      for (size_t k = 0; k < n; k++)
        names[k] = all[k].name;
      const char *guess = plum_did_you_mean(metrics[i], names);
      problem(pr, path, PLUM_CONFIG_ERROR_UNKNOWN_KEY, "unknown metric '%s'%s%s%s", metrics[i],
              guess ? "; did you mean '" : "", guess ? guess : "", guess ? "'?" : "");
      g_free(names);
    } else if (info->task != PLUM_TASK_ANY && (int)info->task != task) {
      problem(pr, path, PLUM_CONFIG_ERROR_CAPABILITY,
              "metric '%s' does not apply to model '%s'", metrics[i],
              plum_component_name(plum_binding_component(c->model)));
    }
  }
}

static void
check_data(const PlumPipelineConfig *c, Problems *pr)
{
  if (strlen(c->data.delimiter) != 1)
    problem(pr, "data.delimiter", PLUM_CONFIG_ERROR_RANGE,
            "the delimiter must be one character, not '%s'", c->data.delimiter);
  if (c->evaluate.folds == 1)
    problem(pr, "evaluate.folds", PLUM_CONFIG_ERROR_RANGE,
            "cross-validation needs at least 2 folds (0 turns it off)");
  if (c->data.test != NULL && c->evaluate.test_fraction > 0)
    problem(pr, "evaluate.test_fraction", PLUM_CONFIG_ERROR_RANGE,
            "data.test is given, so no rows should be held out (remove test_fraction)");
}

static void
check_search(const PlumPipelineConfig *c, Problems *pr)
{
  const PlumPipelineSearch *s = &c->search;
  const PlumSearchParam *params = s->params.items;
  for (size_t i = 0; i < s->params.len; i++) {
    const PlumSearchParam *sp = &params[i];
    char path[64];
    g_snprintf(path, sizeof path, "search.params.%zu", i);
    int given = (sp->values != NULL) + (sp->uniform.len > 0) + (sp->log_uniform.len > 0) +
                (sp->int_uniform.len > 0);
    if (given != 1)
      problem(pr, path, PLUM_CONFIG_ERROR_RANGE,
              "give exactly one of values, uniform, log_uniform, int_uniform");
    else if (s->method == PLUM_SEARCH_GRID && sp->values == NULL)
      problem(pr, path, PLUM_CONFIG_ERROR_RANGE,
              "grid search needs a list of values (distributions are for method: random)");
    else if ((sp->uniform.len == 2 && sp->uniform.data[0] > sp->uniform.data[1]) ||
             (sp->log_uniform.len == 2 && sp->log_uniform.data[0] > sp->log_uniform.data[1]) ||
             (sp->int_uniform.len == 2 && sp->int_uniform.data[0] > sp->int_uniform.data[1]))
      problem(pr, path, PLUM_CONFIG_ERROR_RANGE, "the range's low end is above its high end");
  }
  if (s->scoring != NULL && plum_metric_find(s->scoring) == NULL)
    problem(pr, "search.scoring", PLUM_CONFIG_ERROR_RANGE, "unknown metric '%s'", s->scoring);
}

gboolean
plum_pipeline_config_bind(const PlumRegistry *reg, const PlumConfig *cfg,
                          PlumPipelineConfig *out, GError **error)
{
  memset(out, 0, sizeof *out);
  if (!plum_params_bind(reg, pipeline_specs, G_N_ELEMENTS(pipeline_specs),
                        plum_config_root(cfg), "", out, error))
    return FALSE;
  Problems pr = {.cfg = cfg, .messages = g_string_new(NULL)};
  check_data(out, &pr);
  check_transforms(out, &pr);
  check_metrics(out, &pr);
  check_search(out, &pr);
  gboolean ok = pr.messages->len == 0;
  if (!ok) {
    g_set_error_literal(error, PLUM_CONFIG_ERROR, pr.first_code, pr.messages->str);
    plum_pipeline_config_clear(out);
  }
  g_string_free(pr.messages, TRUE);
  return ok;
}

void
plum_pipeline_config_clear(PlumPipelineConfig *cfg)
{
  plum_params_clear(pipeline_specs, G_N_ELEMENTS(pipeline_specs), cfg);
}

char *
plum_pipeline_config_to_yaml(const PlumPipelineConfig *cfg)
{
  return plum_params_to_yaml(pipeline_specs, G_N_ELEMENTS(pipeline_specs), cfg);
}
