/* pipeline.c — YAML pipelines: data → transforms → model → evaluation → outputs.
 *
 * The pipeline document is bound by the core binder against the schema tables below, so a
 * pipeline is validated exactly like a component: every error at once, with file:line:column
 * and key path. Transform steps are model components with PLUM_CAP_TRANSFORMER (scalers, PCA,
 * third-party steps alike). A fitted pipeline (transform and model instances, class labels,
 * feature names) is what a model file stores; loading one re-binds its resolved configuration
 * and hands each component its saved state.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <plum/config.h>
#include <plum/csv.h>
#include <plum/metrics.h>
#include <plum/modelfile.h>
#include <plum/pipeline.h>
#include <plum/progress.h>
#include <plum/registry.h>
#include <plum/threads.h>
#include <plum/version.h>

#include "pipeline-config.h"

typedef struct {
  const PlumComponent *component;
  const PlumModelVTable *vt;
  const PlumBinding *binding; /* borrowed from the configuration */
  void *instance;
} Step;

struct PlumPipeline {
  char *source;     /* file name or source name, for messages */
  char *base_dir;   /* inputs are resolved against it */
  char *yaml;       /* the text it was parsed from (search re-parses it) */
  char **overrides; /* applied on top of yaml */
  const PlumRegistry *reg;
  PlumPipelineConfig cfg;
  Step *steps; /* transforms */
  size_t n_steps;
  Step model;
  gboolean fitted;
  char **classes;     /* training classes (NULL-terminated) or NULL */
  char ***categories; /* per data.categorical column, its training categories, or NULL */
  size_t n_categories;
  char *target_name; /* the training data's label column, or NULL */
  char **feature_names;
  size_t n_features;
  PlumState *summary;
};

/* Construction ------------------------------------------------------------------------------- */

static void
steps_clear(PlumPipeline *p)
{
  for (size_t i = 0; i < p->n_steps; i++)
    if (p->steps[i].instance != NULL)
      p->steps[i].vt->destroy(p->steps[i].instance);
  if (p->model.instance != NULL)
    p->model.vt->destroy(p->model.instance);
  p->model.instance = NULL;
  for (size_t i = 0; i < p->n_steps; i++)
    p->steps[i].instance = NULL;
  p->fitted = FALSE;
}

static void
categories_free(PlumPipeline *p)
{
  for (size_t k = 0; k < p->n_categories; k++)
    g_strfreev(p->categories[k]);
  g_clear_pointer(&p->categories, g_free);
  p->n_categories = 0;
}

void
plum_pipeline_free(PlumPipeline *p)
{
  if (p == NULL)
    return;
  steps_clear(p);
  g_free(p->steps);
  plum_pipeline_config_clear(&p->cfg);
  g_strfreev(p->classes);
  categories_free(p);
  g_free(p->target_name);
  g_strfreev(p->feature_names);
  g_strfreev(p->overrides);
  plum_state_free(p->summary);
  g_free(p->yaml);
  g_free(p->base_dir);
  g_free(p->source);
  g_free(p);
}

static Step
step_for(const PlumBinding *b)
{
  const PlumComponent *c = plum_binding_component(b);
  return (Step){.component = c, .vt = plum_component_vtable(c), .binding = b};
}

static PlumPipeline *
pipeline_new(const char *yaml, const char *source, const char *base_dir,
             const char *const *overrides, GError **error)
{
  PlumRegistry *reg = plum_registry_get_default(error);
  if (reg == NULL)
    return NULL;
  PlumConfig *cfg = plum_config_parse_string(yaml, source, error);
  if (cfg == NULL)
    return NULL;
  for (const char *const *o = overrides; o != NULL && *o != NULL; o++)
    if (!plum_config_set_override(cfg, *o, error)) {
      plum_config_free(cfg);
      return NULL;
    }
  PlumPipeline *p = g_new0(PlumPipeline, 1);
  p->reg = reg;
  gboolean ok = plum_pipeline_config_bind(reg, cfg, &p->cfg, error);
  plum_config_free(cfg);
  if (!ok) {
    g_free(p);
    return NULL;
  }
  p->source = g_strdup(source);
  p->base_dir = g_strdup(base_dir);
  p->yaml = g_strdup(yaml);
  p->overrides = g_strdupv((char **)overrides);
  p->n_steps = p->cfg.transforms.len;
  p->steps = g_new0(Step, p->n_steps);
  for (size_t i = 0; i < p->n_steps; i++)
    p->steps[i] = step_for(p->cfg.transforms.items[i]);
  p->model = step_for(p->cfg.model);
  p->summary = plum_state_new();
  return p;
}

PlumPipeline *
plum_pipeline_new_from_string(const char *yaml, const char *source_name,
                              const char *const *overrides, GError **error)
{
  char *cwd = g_get_current_dir();
  PlumPipeline *p = pipeline_new(yaml, source_name, cwd, overrides, error);
  g_free(cwd);
  return p;
}

PlumPipeline *
plum_pipeline_new_from_file(const char *path, const char *const *overrides, GError **error)
{
  char *text = NULL;
  GError *io = NULL;
  if (!g_file_get_contents(path, &text, NULL, &io)) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_IO, "%s", io->message);
    g_error_free(io);
    return NULL;
  }
  char *dir = g_path_get_dirname(path);
  char *abs_dir = g_canonicalize_filename(dir, NULL);
  PlumPipeline *p = pipeline_new(text, path, abs_dir, overrides, error);
  g_free(abs_dir);
  g_free(dir);
  g_free(text);
  return p;
}

char *
plum_pipeline_to_yaml(const PlumPipeline *p)
{
  return plum_pipeline_config_to_yaml(&p->cfg);
}

guint64
plum_pipeline_seed(const PlumPipeline *p)
{
  return (guint64)p->cfg.seed;
}

gboolean
plum_pipeline_is_fitted(const PlumPipeline *p)
{
  return p->fitted;
}

const char *const *
plum_pipeline_classes(const PlumPipeline *p)
{
  return (const char *const *)p->classes;
}

const PlumState *
plum_pipeline_summary(const PlumPipeline *p)
{
  return p->summary;
}

/* Data --------------------------------------------------------------------------------------- */

static char *
resolve_input(const PlumPipeline *p, const char *path)
{
  return g_path_is_absolute(path) ? g_strdup(path) : g_build_filename(p->base_dir, path, NULL);
}

static PlumTargetMode
target_mode(const PlumPipeline *p)
{
  const PlumPipelineData *d = &p->cfg.data;
  if (d->label != NULL && strcmp(d->label, "none") == 0)
    return PLUM_TARGET_NONE;
  guint64 caps = plum_component_caps(p->model.component);
  if (caps & PLUM_CAP_CLASSIFIER)
    return PLUM_TARGET_CLASS;
  if (caps & PLUM_CAP_SUPERVISED)
    return PLUM_TARGET_REAL;
  return PLUM_TARGET_AUTO; /* ground truth for clustering scores, never used to fit */
}

static void
csv_options(const PlumPipeline *p, gboolean test, PlumCsvOptions *o)
{
  const PlumPipelineData *d = &p->cfg.data;
  plum_csv_options_init(o);
  o->delimiter = d->delimiter[0];
  o->header = d->header;
  o->target = target_mode(p);
  o->missing = d->missing;
  if (d->missing_tokens != NULL)
    o->missing_tokens = (const char *const *)d->missing_tokens;
  if (d->label != NULL && o->target != PLUM_TARGET_NONE) {
    char *end = NULL;
    gint64 index = g_ascii_strtoll(d->label, &end, 10);
    if (end != d->label && *end == '\0')
      o->label_index = index;
    else
      o->label_name = d->label;
  }
  if (test && p->classes != NULL)
    o->classes = (const char *const *)p->classes;
  o->categorical = (const char *const *)d->categorical;
  if (test)
    o->categories = (const char *const *const *)p->categories;
}

/* Every name in a data.use / data.drop list must be a feature column. */
static gboolean
check_column_names(char **list, const char *key, const PlumDataset *ds, GError **error)
{
  const char *const *names = (const char *const *)ds->feature_names;
  for (char **name = list; name != NULL && *name != NULL; name++) {
    if (g_strv_contains(names, *name))
      continue;
    const char *guess = plum_did_you_mean(*name, names);
    g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE,
                "data.%s: no feature column named '%s'%s%s%s", key, *name,
                guess ? " (did you mean '" : "", guess ? guess : "", guess ? "'?)" : "");
    return FALSE;
  }
  return TRUE;
}

/* Keeps the columns data.use selects and data.drop does not, in the file's order. */
static gboolean
select_columns(const PlumPipeline *p, PlumDataset *ds, GError **error)
{
  char **use = p->cfg.data.use, **drop = p->cfg.data.drop;
  if (use == NULL && drop == NULL)
    return TRUE;
  if (!check_column_names(use, "use", ds, error) || !check_column_names(drop, "drop", ds, error))
    return FALSE;
  size_t d = ds->X->cols, n_keep = 0;
  size_t *keep = g_new(size_t, d);
  for (size_t j = 0; j < d; j++) {
    const char *name = ds->feature_names[j];
    gboolean used = use == NULL || g_strv_contains((const char *const *)use, name);
    gboolean dropped = drop != NULL && g_strv_contains((const char *const *)drop, name);
    if (used && !dropped)
      keep[n_keep++] = j;
  }
  if (n_keep == 0) {
    g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE,
                "data: the column selection leaves no feature");
    g_free(keep);
    return FALSE;
  }
  PlumMatrix *X = plum_matrix_new(ds->X->rows, n_keep, error);
  if (X != NULL) {
    char **names = g_new0(char *, n_keep + 1);
    char ***cats = g_new0(char **, n_keep);
    for (size_t i = 0; i < X->rows; i++)
      for (size_t j = 0; j < n_keep; j++)
        PLUM_MATRIX_AT(X, i, j) = PLUM_MATRIX_AT(ds->X, i, keep[j]);
    for (size_t j = 0; j < n_keep; j++) {
      names[j] = g_strdup(ds->feature_names[keep[j]]);
      cats[j] = ds->categories ? ds->categories[keep[j]] : NULL;
    }
    PlumDataset tmp = {.X = X};
    plum_dataset_set_categories(&tmp, ds->categories ? (char *const *const *)cats : NULL);
    g_free(cats);
    plum_dataset_set_categories(ds, NULL);
    plum_matrix_free(ds->X);
    ds->X = X;
    ds->categories = tmp.categories;
    g_strfreev(ds->feature_names);
    ds->feature_names = names;
  }
  g_free(keep);
  return X != NULL;
}

/* One indicator column per category, named column=category, in place of each categorical
 * column; a missing category (NaN) leaves every indicator NaN for an impute step. */
static gboolean
expand_categories(PlumDataset *ds, GError **error)
{
  if (ds->categories == NULL)
    return TRUE;
  size_t d = ds->X->cols, width = 0;
  for (size_t j = 0; j < d; j++)
    width += ds->categories[j] ? MAX(g_strv_length(ds->categories[j]), 1) : 1;
  PlumMatrix *X = plum_matrix_new(ds->X->rows, width, error);
  if (X == NULL)
    return FALSE;
  GPtrArray *names = g_ptr_array_new();
  for (size_t j = 0, at = 0; j < d; j++) {
    char **cats = ds->categories[j];
    size_t k = cats ? MAX(g_strv_length(cats), 1) : 1;
    for (size_t i = 0; i < X->rows; i++) {
      double v = PLUM_MATRIX_AT(ds->X, i, j);
      for (size_t c = 0; c < k; c++)
        PLUM_MATRIX_AT(X, i, at + c) = cats == NULL ? v : isnan(v) ? NAN : (double)(v == (double)c);
    }
    for (size_t c = 0; c < k; c++)
      g_ptr_array_add(names, cats && cats[c]
                                 ? g_strdup_printf("%s=%s", ds->feature_names[j], cats[c])
                                 : g_strdup(ds->feature_names[j]));
    at += k;
  }
  g_ptr_array_add(names, NULL);
  plum_dataset_set_categories(ds, NULL);
  plum_matrix_free(ds->X);
  ds->X = X;
  g_strfreev(ds->feature_names);
  ds->feature_names = (char **)g_ptr_array_free(names, FALSE);
  return TRUE;
}

/* The training categories of each data.categorical column, kept for test data and the model
 * file. */
static void
keep_categories(PlumPipeline *p, const PlumDataset *ds)
{
  categories_free(p);
  char **names = p->cfg.data.categorical;
  if (names == NULL || ds->categories == NULL)
    return;
  size_t n = g_strv_length(names);
  p->categories = g_new0(char **, n + 1);
  p->n_categories = n;
  for (size_t k = 0; k < n; k++)
    for (size_t j = 0; j < ds->X->cols; j++)
      if (strcmp(ds->feature_names[j], names[k]) == 0)
        p->categories[k] = g_strdupv(ds->categories[j]);
}

static PlumDataset *
read_csv(PlumPipeline *p, const char *path, PlumCsvOptions *opts, gboolean train, GError **error)
{
  PlumDataset *ds = plum_csv_read(path, opts, error);
  if (ds == NULL || !select_columns(p, ds, error)) {
    plum_dataset_free(ds);
    return NULL;
  }
  if (train)
    keep_categories(p, ds);
  if (!expand_categories(ds, error))
    g_clear_pointer(&ds, plum_dataset_free);
  return ds;
}

static gboolean
check_width(const PlumPipeline *p, const char *path, const PlumDataset *ds, GError **error)
{
  if (ds->X->cols == p->n_features)
    return TRUE;
  g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
              "%s: %zu feature columns, but the model was trained on %zu", path, ds->X->cols,
              p->n_features);
  return FALSE;
}

PlumDataset *
plum_pipeline_read_csv(PlumPipeline *p, const char *path, gboolean *has_labels_out, GError **error)
{
  PlumCsvOptions opts;
  csv_options(p, TRUE, &opts);
  /* Prediction data may come with the training label column or without it. */
  if (p->target_name != NULL && opts.header && opts.target != PLUM_TARGET_NONE) {
    opts.label_name = p->target_name;
    opts.label_optional = TRUE;
  }
  if (p->cfg.data.categorical == NULL && p->cfg.data.use == NULL && p->cfg.data.drop == NULL)
    opts.n_features = p->n_features; /* else the width is known only after selection */
  PlumDataset *ds = read_csv(p, path, &opts, FALSE, error);
  if (ds != NULL && !check_width(p, path, ds, error))
    g_clear_pointer(&ds, plum_dataset_free);
  *has_labels_out = ds != NULL && ds->y != NULL;
  return ds;
}

PlumDataset *
plum_pipeline_load_data(PlumPipeline *p, gboolean test, GError **error)
{
  const char *file = test ? p->cfg.data.test : p->cfg.data.train;
  if (file == NULL) {
    g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_MISSING, "%s: data.%s is not set",
                p->source, test ? "test" : "train");
    return NULL;
  }
  char *path = resolve_input(p, file);
  PlumCsvOptions opts;
  csv_options(p, test, &opts);
  PlumDataset *ds = read_csv(p, path, &opts, !test, error);
  g_free(path);
  if (ds == NULL)
    return NULL;
  if (!test) {
    g_strfreev(p->classes);
    p->classes = g_strdupv(ds->classes);
    g_free(p->target_name);
    p->target_name = g_strdup(ds->target_name);
  }
  return ds;
}

/* Fitting ------------------------------------------------------------------------------------ */

/* Whether the features of data this pipeline read itself hold no NaN or Inf: its CSV reader
 * refuses a non-finite cell, and reads a missing cell or category as NaN only under
 * data.missing: nan. */
static gboolean
loaded_x_finite(const PlumPipeline *p)
{
  return p->cfg.data.missing != PLUM_MISSING_NAN;
}

/* NaN or Inf reaching a step that cannot take it: name the column. X known finite (data the
 * pipeline read) is not streamed through again. */
static gboolean
check_finite_for(const Step *s, const PlumMatrix *X, gboolean known_finite, char *const *names,
                 GError **error)
{
  if (known_finite || (plum_component_caps(s->component) & PLUM_CAP_ALLOW_NAN))
    return TRUE;
  size_t row, col;
  if (plum_matrix_all_finite(X, &row, &col))
    return TRUE;
  char fallback[32];
  g_snprintf(fallback, sizeof fallback, "%zu", col);
  g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_NONFINITE,
              "%s in column '%s' (data row %zu) reaches '%s', which cannot take missing or "
              "infinite values: add an `impute` transform or set data.missing: drop",
              isnan(PLUM_MATRIX_AT(X, row, col)) ? "NaN" : "an infinite value",
              names ? names[col] : fallback, row + 1, plum_component_name(s->component));
  return FALSE;
}

static gboolean
step_create(Step *s, GError **error)
{
  s->instance = s->vt->create(plum_binding_params(s->binding), error);
  return s->instance != NULL;
}

/* Fits a transform step on X and returns X transformed. */
static PlumMatrix *
step_fit_transform(Step *s, const PlumMatrix *X, PlumRng *rng, PlumState *report, GError **error)
{
  PlumFitData fd = {.struct_size = sizeof fd, .X = X, .rng = rng, .report = report};
  if (!step_create(s, error) || !s->vt->fit(s->instance, &fd, error))
    return NULL;
  PlumModelShape shape = {.struct_size = sizeof shape};
  s->vt->shape(s->instance, &shape);
  PlumMatrix *out = plum_matrix_new(X->rows, shape.n_transform, error);
  if (out != NULL && !s->vt->transform(s->instance, X, out, error)) {
    plum_matrix_free(out);
    out = NULL;
  }
  return out;
}

/* Runs X through the fitted transforms. Returns X itself when there are none (no copy of the
 * data), else the transformed matrix, which *owned_out then holds for the caller to free. */
static const PlumMatrix *
apply_transforms(const PlumPipeline *p, const PlumMatrix *X, PlumMatrix **owned_out, GError **error)
{
  const PlumMatrix *cur = X;
  PlumMatrix *owned = NULL;
  for (size_t i = 0; i < p->n_steps; i++) {
    const Step *s = &p->steps[i];
    PlumModelShape shape = {.struct_size = sizeof shape};
    s->vt->shape(s->instance, &shape);
    PlumMatrix *next = plum_matrix_new(cur->rows, shape.n_transform, error);
    if (next != NULL && !s->vt->transform(s->instance, cur, next, error)) {
      plum_matrix_free(next);
      next = NULL;
    }
    plum_matrix_free(owned);
    cur = owned = next;
    if (next == NULL)
      break;
  }
  *owned_out = owned;
  return cur;
}

/* A model's fit report (scalars and strings: deviance, n_iter, stop_reason…) as
 * "<prefix>.<name>" entries of the run summary (arrays too: PCA's explained variances). */
static void
keep_report(PlumState *summary, const char *prefix, const PlumState *report)
{
  for (size_t i = 0; i < plum_state_size(report); i++) {
    const char *name = plum_state_name_at(report, i);
    char key[256];
    g_snprintf(key, sizeof key, "%s.%s", prefix, name);
    size_t rows, cols;
    const double *v;
    const gint64 *k;
    const char *text;
    switch (plum_state_type_at(report, i)) {
    case PLUM_STATE_REALS:
      if ((v = plum_state_get_reals(report, name, 0, 0, &rows, &cols, NULL)) != NULL)
        plum_state_set_reals(summary, key, v, rows, cols);
      break;
    case PLUM_STATE_INTS:
      if ((k = plum_state_get_ints(report, name, 0, &rows, NULL)) != NULL)
        plum_state_set_ints(summary, key, k, rows);
      break;
    case PLUM_STATE_STRING:
      if ((text = plum_state_get_string(report, name, NULL)) != NULL)
        plum_state_set_string(summary, key, text);
      break;
    }
  }
}

/* Cross-validation and search fit many times; only a final fit shows progress. */
static gboolean
pipeline_fit(PlumPipeline *p, const PlumDataset *ds, gboolean show_progress, gboolean x_finite,
             GError **error)
{
  steps_clear(p);
  guint64 caps = plum_component_caps(p->model.component);
  const char *model_name = plum_component_name(p->model.component);
  if ((caps & PLUM_CAP_SUPERVISED) && ds->y == NULL) {
    g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_CAPABILITY,
                "model '%s' learns from targets, but data.label is none", model_name);
    return FALSE;
  }
  if ((caps & PLUM_CAP_CLASSIFIER) && ds->n_classes < 2) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                "model '%s' is a classifier but the training labels hold %zu class%s", model_name,
                ds->n_classes, ds->n_classes == 1 ? "" : "es");
    return FALSE;
  }
  PlumRng *rng = plum_rng_new((guint64)p->cfg.seed);
  char *const *names = ds->feature_names;
  const PlumMatrix *X = ds->X; /* the data itself until a transform makes a new matrix */
  PlumMatrix *owned = NULL;
  for (size_t i = 0; X != NULL && i < p->n_steps; i++) {
    PlumState *report = plum_state_new();
    PlumMatrix *next =
        check_finite_for(&p->steps[i], X, i == 0 && x_finite, i == 0 ? names : NULL, error)
            ? step_fit_transform(&p->steps[i], X, rng, report, error)
            : NULL;
    if (next != NULL && show_progress) {
      char prefix[64];
      g_snprintf(prefix, sizeof prefix, "fit.transform.%zu", i);
      keep_report(p->summary, prefix, report);
    }
    plum_state_free(report);
    plum_matrix_free(owned);
    X = owned = next;
  }
  gboolean ok = X != NULL &&
                check_finite_for(&p->model, X, p->n_steps == 0 && x_finite,
                                 p->n_steps == 0 ? names : NULL, error) &&
                step_create(&p->model, error);
  if (ok) {
    PlumProgress *progress = plum_progress_new(
        model_name, 0, show_progress ? plum_progress_default_mode() : PLUM_PROGRESS_QUIET, 10);
    PlumState *report = plum_state_new();
    PlumFitData fd = {
        .struct_size = sizeof fd,
        .X = X,
        .y = (caps & PLUM_CAP_SUPERVISED) ? ds->y : NULL,
        .n_classes = (caps & PLUM_CAP_CLASSIFIER) ? ds->n_classes : 0,
        .rng = rng,
        .progress = progress,
        .report = report,
        /* X is finite (checked above, or read by this pipeline's CSV reader), unless the
         * model takes NaN and nothing looked */
        .flags = (caps & PLUM_CAP_ALLOW_NAN) ? 0 : PLUM_FIT_X_FINITE,
    };
    ok = p->model.vt->fit(p->model.instance, &fd, error);
    if (ok && show_progress)
      keep_report(p->summary, "fit", report);
    plum_progress_free(progress);
    plum_state_free(report);
  }
  plum_matrix_free(owned);
  plum_rng_free(rng);
  if (!ok) {
    steps_clear(p);
    return FALSE;
  }
  g_strfreev(p->feature_names);
  p->feature_names = g_strdupv(ds->feature_names);
  p->n_features = ds->X->cols;
  if (ds != NULL && ds->classes != NULL && p->classes == NULL)
    p->classes = g_strdupv(ds->classes);
  p->fitted = TRUE;
  return TRUE;
}

gboolean
plum_pipeline_fit(PlumPipeline *p, const PlumDataset *ds, GError **error)
{
  return pipeline_fit(p, ds, TRUE, FALSE, error);
}

/* Prediction --------------------------------------------------------------------------------- */

void
plum_predictions_free(PlumPredictions *pred)
{
  if (pred == NULL)
    return;
  plum_matrix_free(pred->values);
  plum_matrix_free(pred->proba);
  plum_matrix_free(pred->std);
  plum_matrix_free(pred->transformed);
  g_free(pred);
}

/* Calls one optional output slot into a new rows x cols matrix. */
static PlumMatrix *
model_output(const Step *m,
             gboolean (*slot)(const void *, const PlumMatrix *, PlumMatrix *, GError **),
             const PlumMatrix *X, size_t cols, GError **error)
{
  PlumMatrix *out = plum_matrix_new(X->rows, cols, error);
  if (out != NULL && !slot(m->instance, X, out, error)) {
    plum_matrix_free(out);
    return NULL;
  }
  return out;
}

/* predict, predict_proba and predict_std, each where the model has it, into new matrices: all
 * from one predict_all call when the model has one (Z is checked: the fitted width, finite),
 * else slot by slot. */
static gboolean
predict_outputs(const Step *m, const PlumModelShape *shape, const PlumMatrix *Z,
                PlumPredictions *pred, GError **error)
{
  const PlumModelVTable *vt = m->vt;
  gboolean ok = TRUE;
  if (vt->predict != NULL)
    ok = (pred->values = plum_matrix_new(Z->rows, shape->n_outputs, error)) != NULL;
  if (ok && vt->predict_proba != NULL && shape->n_classes > 0)
    ok = (pred->proba = plum_matrix_new(Z->rows, shape->n_classes, error)) != NULL;
  if (ok && vt->predict_std != NULL)
    ok = (pred->std = plum_matrix_new(Z->rows, shape->n_outputs, error)) != NULL;
  if (!ok)
    return FALSE;
  if (vt->predict_all != NULL && Z->cols == shape->n_features)
    return vt->predict_all(m->instance, Z, pred->values, pred->proba, pred->std, error);
  return (pred->values == NULL || vt->predict(m->instance, Z, pred->values, error)) &&
         (pred->proba == NULL || vt->predict_proba(m->instance, Z, pred->proba, error)) &&
         (pred->std == NULL || vt->predict_std(m->instance, Z, pred->std, error));
}

PlumPredictions *
plum_pipeline_predict(const PlumPipeline *p, const PlumMatrix *X, GError **error)
{
  if (!p->fitted) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_NOT_FITTED,
                "the pipeline has not been fitted");
    return NULL;
  }
  if (X->cols != p->n_features) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "the data has %zu feature columns but the model was trained on %zu", X->cols,
                p->n_features);
    return NULL;
  }
  PlumMatrix *owned = NULL;
  const PlumMatrix *Z = apply_transforms(p, X, &owned, error);
  if (Z == NULL)
    return NULL;
  const Step *m = &p->model;
  PlumModelShape shape = {.struct_size = sizeof shape};
  m->vt->shape(m->instance, &shape);
  PlumPredictions *pred = g_new0(PlumPredictions, 1);
  gboolean ok = check_finite_for(m, Z, FALSE, p->n_steps == 0 ? p->feature_names : NULL, error);
  ok = ok && predict_outputs(m, &shape, Z, pred, error);
  if (ok && m->vt->predict == NULL && m->vt->transform != NULL)
    ok = (pred->transformed = model_output(m, m->vt->transform, Z, shape.n_transform, error)) !=
         NULL;
  plum_matrix_free(owned);
  if (!ok) {
    plum_predictions_free(pred);
    return NULL;
  }
  return pred;
}

static void
append_number(GString *out, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append(out, g_ascii_formatd(buf, sizeof buf, "%.17g", v));
}

/* A CSV header cell, quoted when it needs to be. */
static void
append_cell(GString *out, const char *text)
{
  if (strpbrk(text, ",\"\r\n") == NULL) {
    g_string_append(out, text);
    return;
  }
  g_string_append_c(out, '"');
  for (const char *c = text; *c; c++) {
    if (*c == '"')
      g_string_append_c(out, '"');
    g_string_append_c(out, *c);
  }
  g_string_append_c(out, '"');
}

static void
append_header_block(GString *out, const char *prefix, size_t cols, char *const *names)
{
  for (size_t j = 0; j < cols; j++) {
    g_string_append_c(out, ',');
    char *name = names ? g_strconcat(prefix, names[j], NULL)
                       : (cols == 1 ? g_strdup(prefix) : g_strdup_printf("%s%zu", prefix, j));
    if (names == NULL && cols == 1 && name[strlen(name) - 1] == '_')
      name[strlen(name) - 1] = '\0';
    append_cell(out, name);
    g_free(name);
  }
}

static void
append_row_block(GString *out, const PlumMatrix *m, size_t i)
{
  for (size_t j = 0; m != NULL && j < m->cols; j++) {
    g_string_append_c(out, ',');
    append_number(out, PLUM_MATRIX_AT(m, i, j));
  }
}

char *
plum_pipeline_format_predictions(const PlumPipeline *p, const PlumPredictions *pred,
                                 const size_t *row_ids)
{
  const PlumMatrix *first = pred->values ? pred->values : pred->transformed;
  /* Only a classifier's outputs are classes; a clusterer's are cluster ids. */
  gboolean classifier = (plum_component_caps(p->model.component) & PLUM_CAP_CLASSIFIER) != 0;
  gboolean classes = classifier && p->classes != NULL && pred->values != NULL;
  classes = classes && (pred->proba == NULL || pred->proba->cols == g_strv_length(p->classes));
  GString *out = g_string_new("row");
  if (pred->values != NULL)
    append_header_block(out, pred->values->cols == 1 ? "prediction" : "prediction_",
                        pred->values->cols, NULL);
  if (pred->proba != NULL)
    append_header_block(out, "proba_", pred->proba->cols, classes ? p->classes : NULL);
  if (pred->std != NULL)
    append_header_block(out, pred->std->cols == 1 ? "std" : "std_", pred->std->cols, NULL);
  if (pred->transformed != NULL)
    append_header_block(out, "component_", pred->transformed->cols, NULL);
  g_string_append_c(out, '\n');
  for (size_t i = 0; i < first->rows; i++) {
    g_string_append_printf(out, "%zu", row_ids ? row_ids[i] : i);
    if (classes) {
      g_string_append_c(out, ',');
      double c = PLUM_MATRIX_AT(pred->values, i, 0);
      gboolean known = c >= 0 && c < g_strv_length(p->classes) && c == floor(c);
      append_cell(out, known ? p->classes[(size_t)c] : "?");
    } else {
      append_row_block(out, pred->values, i);
    }
    append_row_block(out, pred->proba, i);
    append_row_block(out, pred->std, i);
    append_row_block(out, pred->transformed, i);
    g_string_append_c(out, '\n');
  }
  return g_string_free(out, FALSE);
}

gboolean
plum_pipeline_write_predictions(const PlumPipeline *p, const PlumPredictions *pred,
                                const size_t *row_ids, const char *path, GError **error)
{
  char *csv = plum_pipeline_format_predictions(p, pred, row_ids);
  gboolean ok = plum_file_write_atomic(path, csv, strlen(csv), error);
  g_free(csv);
  return ok;
}

/* Evaluation --------------------------------------------------------------------------------- */

static const char *const default_classification[] = {"accuracy", "f1_macro", NULL};
static const char *const default_regression[] = {"r2", "rmse", "mae", NULL};
static const char *const default_clustering[] = {"inertia", NULL};

static const char *const *
metric_names(const PlumPipeline *p)
{
  if (p->cfg.evaluate.metrics != NULL)
    return (const char *const *)p->cfg.evaluate.metrics;
  switch (plum_pipeline_config_task(&p->cfg)) {
  case PLUM_TASK_CLASSIFICATION:
    return default_classification;
  case PLUM_TASK_REGRESSION:
    return default_regression;
  case PLUM_TASK_CLUSTERING:
    return default_clustering;
  default:
    return NULL;
  }
}

static double
elapsed_since(gint64 start)
{
  return (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC;
}

/* Scores the fitted pipeline on ds; each metric goes to summary as "<prefix>.<metric>". */
static gboolean
score(PlumPipeline *p, const PlumDataset *ds, const char *prefix, PlumState *summary,
      GError **error)
{
  const char *const *names = metric_names(p);
  int task = plum_pipeline_config_task(&p->cfg);
  if (names == NULL || (ds->y == NULL && task != PLUM_TASK_CLUSTERING))
    return TRUE;
  gint64 start = g_get_monotonic_time();
  PlumPredictions *pred = plum_pipeline_predict(p, ds->X, error);
  if (pred == NULL)
    return FALSE;
  char key[128];
  g_snprintf(key, sizeof key, "%s.time.predict", prefix);
  plum_state_set_real(summary, key, elapsed_since(start));
  const Step *m = &p->model;
  gboolean want_z = task == PLUM_TASK_CLUSTERING || m->vt->log_likelihood != NULL;
  PlumMatrix *owned = NULL;
  const PlumMatrix *Z = want_z ? apply_transforms(p, ds->X, &owned, error) : NULL;
  gboolean ok = !want_z || Z != NULL;
  double *loglik = NULL;
  if (ok && m->vt->log_likelihood != NULL) {
    loglik = g_new(double, Z->rows);
    ok = m->vt->log_likelihood(m->instance, Z, ds->y, loglik, error);
  }
  PlumMetricInput in = {
      .y_true = ds->y ? ds->y->data : NULL,
      .y_pred = pred->values ? pred->values->data : NULL,
      .proba = pred->proba,
      .n = ds->X->rows,
      .n_classes = ds->n_classes,
      .X = Z,
      .log_likelihood = loglik,
  };
  for (const char *const *name = names; ok && *name != NULL; name++) {
    double v;
    ok = plum_metric_compute(*name, &in, &v, error);
    g_snprintf(key, sizeof key, "%s.%s", prefix, *name);
    if (ok)
      plum_state_set_real(summary, key, v);
  }
  if (ok && task == PLUM_TASK_CLASSIFICATION && pred->values != NULL) {
    size_t k = ds->n_classes;
    gint64 *counts = g_new0(gint64, k * k);
    plum_confusion_matrix(in.y_true, in.y_pred, in.n, k, counts);
    g_snprintf(key, sizeof key, "%s.confusion", prefix);
    plum_state_set_ints(summary, key, counts, k * k);
    g_free(counts);
  }
  if (!ok)
    g_prefix_error(error, "evaluating on the %s rows: ", prefix);
  g_free(loglik);
  plum_matrix_free(owned);
  plum_predictions_free(pred);
  return ok;
}

/* k-fold cross-validation of the pipeline as configured; per-metric mean and standard
 * deviation go to summary as "<prefix>.<metric>.mean/.std". The pipeline ends up unfitted. */
static gboolean
cross_validate(PlumPipeline *p, const PlumDataset *ds, size_t folds, const char *prefix,
               PlumState *summary, GError **error)
{
  size_t n = ds->X->rows;
  gboolean strat = p->cfg.evaluate.stratify && ds->classes != NULL;
  PlumRng *rng = plum_rng_new((guint64)p->cfg.seed ^ 0x9e3779b97f4a7c15u);
  size_t *fold_of = g_new(size_t, n);
  gboolean ok =
      plum_split_kfold(n, strat ? ds->y->data : NULL, ds->n_classes, folds, rng, fold_of, error);
  const char *const *names = metric_names(p);
  size_t n_metrics = names ? g_strv_length((char **)names) : 0;
  double *sum = g_new0(double, n_metrics), *sum2 = g_new0(double, n_metrics);
  size_t *train = g_new(size_t, n), *test = g_new(size_t, n);
  PlumState *fold_summary = plum_state_new();
  for (size_t f = 0; ok && f < folds; f++) {
    size_t n_train = 0, n_test = 0;
    for (size_t i = 0; i < n; i++) {
      if (fold_of[i] == f)
        test[n_test++] = i;
      else
        train[n_train++] = i;
    }
    PlumDataset *tr = plum_dataset_subset(ds, train, n_train, error);
    PlumDataset *te = tr ? plum_dataset_subset(ds, test, n_test, error) : NULL;
    ok = te != NULL && pipeline_fit(p, tr, FALSE, loaded_x_finite(p), error) &&
         score(p, te, "fold", fold_summary, error);
    for (size_t m = 0; ok && m < n_metrics; m++) {
      char key[128];
      double v;
      g_snprintf(key, sizeof key, "fold.%s", names[m]);
      plum_state_get_real(fold_summary, key, &v, NULL);
      sum[m] += v;
      sum2[m] += v * v;
    }
    if (!ok)
      g_prefix_error(error, "cross-validation fold %zu of %zu: ", f + 1, folds);
    plum_dataset_free(tr);
    plum_dataset_free(te);
  }
  for (size_t m = 0; ok && m < n_metrics; m++) {
    char key[128];
    double mean = sum[m] / (double)folds;
    double var = fmax(0, sum2[m] / (double)folds - mean * mean);
    g_snprintf(key, sizeof key, "%s.%s.mean", prefix, names[m]);
    plum_state_set_real(summary, key, mean);
    g_snprintf(key, sizeof key, "%s.%s.std", prefix, names[m]);
    plum_state_set_real(summary, key, sqrt(var));
  }
  steps_clear(p);
  plum_state_free(fold_summary);
  g_free(test);
  g_free(train);
  g_free(sum2);
  g_free(sum);
  g_free(fold_of);
  plum_rng_free(rng);
  return ok;
}

/* Search ------------------------------------------------------------------------------------- */

/* The "path=value" overrides of candidate `index` (grid) or of one random draw. */
static char **
search_candidate(const PlumPipelineSearch *s, size_t index, PlumRng *rng)
{
  const PlumSearchParam *params = s->params.items;
  char **out = g_new0(char *, s->params.len + 1);
  for (size_t i = 0; i < s->params.len; i++) {
    const PlumSearchParam *sp = &params[i];
    char value[G_ASCII_DTOSTR_BUF_SIZE];
    if (sp->values != NULL) {
      size_t k = g_strv_length(sp->values);
      size_t pick = s->method == PLUM_SEARCH_GRID ? index % k : plum_rng_below(rng, k);
      index /= k;
      g_strlcpy(value, sp->values[pick], sizeof value);
    } else if (sp->int_uniform.len == 2) {
      gint64 lo = sp->int_uniform.data[0], hi = sp->int_uniform.data[1];
      g_snprintf(value, sizeof value, "%" G_GINT64_FORMAT,
                 lo + (gint64)plum_rng_below(rng, (size_t)(hi - lo) + 1));
    } else {
      gboolean log_scale = sp->log_uniform.len == 2;
      const double *r = log_scale ? sp->log_uniform.data : sp->uniform.data;
      double lo = log_scale ? log(r[0]) : r[0], hi = log_scale ? log(r[1]) : r[1];
      double x = lo + (hi - lo) * plum_rng_uniform(rng);
      g_ascii_formatd(value, sizeof value, "%.17g", log_scale ? exp(x) : x);
    }
    out[i] = g_strdup_printf("%s=%s", sp->path, value);
  }
  return out;
}

static size_t
search_size(const PlumPipelineSearch *s)
{
  if (s->method == PLUM_SEARCH_RANDOM)
    return (size_t)s->n_iter;
  size_t total = 1;
  const PlumSearchParam *params = s->params.items;
  for (size_t i = 0; i < s->params.len; i++)
    total *= g_strv_length(params[i].values);
  return total;
}

/* A new pipeline from this one's text, its overrides and `extra`. */
static PlumPipeline *
pipeline_variant(const PlumPipeline *p, char **extra, GError **error)
{
  GPtrArray *all = g_ptr_array_new();
  for (char **o = p->overrides; o != NULL && *o != NULL; o++)
    g_ptr_array_add(all, *o);
  for (char **o = extra; *o != NULL; o++)
    g_ptr_array_add(all, *o);
  g_ptr_array_add(all, NULL);
  PlumPipeline *v =
      pipeline_new(p->yaml, p->source, p->base_dir, (const char *const *)all->pdata, error);
  g_ptr_array_free(all, TRUE);
  return v;
}

/* Takes over q's configuration (q is freed). */
static void
pipeline_adopt(PlumPipeline *p, PlumPipeline *q)
{
  steps_clear(p);
  PlumPipelineConfig cfg = p->cfg;
  p->cfg = q->cfg;
  q->cfg = cfg;
  Step *steps = p->steps;
  p->steps = q->steps;
  q->steps = steps;
  size_t n = p->n_steps;
  p->n_steps = q->n_steps;
  q->n_steps = n;
  p->model = q->model;
  q->model = (Step){0};
  char **o = p->overrides;
  p->overrides = q->overrides;
  q->overrides = o;
  plum_pipeline_free(q);
}

static gboolean
search(PlumPipeline *p, const PlumDataset *train, PlumState *summary, GError **error)
{
  const PlumPipelineSearch *s = &p->cfg.search;
  const char *const *names = metric_names(p);
  const char *scoring = s->scoring ? s->scoring : (names ? names[0] : NULL);
  const PlumMetricInfo *info = scoring ? plum_metric_find(scoring) : NULL;
  if (info == NULL) {
    g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_MISSING,
                "search: no scoring metric (set search.scoring)");
    return FALSE;
  }
  PlumRng *rng = plum_rng_new((guint64)p->cfg.seed ^ 0x5eed5eed5eedULL);
  size_t total = search_size(s);
  PlumPipeline *best = NULL;
  double best_score = NAN;
  char key[160];
  gboolean ok = TRUE;
  for (size_t c = 0; ok && c < total; c++) {
    char **cand = search_candidate(s, c, rng);
    char *scoring_override = g_strdup_printf("evaluate.metrics=[%s]", scoring);
    char **with_metric = g_new0(char *, g_strv_length(cand) + 2);
    for (size_t i = 0; cand[i]; i++)
      with_metric[i] = cand[i];
    with_metric[g_strv_length(cand)] = scoring_override;
    PlumPipeline *v = pipeline_variant(p, with_metric, error);
    PlumState *cv = plum_state_new();
    ok = v != NULL && cross_validate(v, train, (size_t)s->folds, "cv", cv, error);
    double sc = NAN;
    g_snprintf(key, sizeof key, "cv.%s.mean", scoring);
    if (ok)
      plum_state_get_real(cv, key, &sc, NULL);
    gboolean better =
        ok && (best == NULL || (info->higher_is_better ? sc > best_score : sc < best_score));
    if (better) {
      plum_pipeline_free(best);
      best = g_steal_pointer(&v);
      best_score = sc;
      for (size_t i = 0; cand[i]; i++) {
        char *eq = strchr(cand[i], '=');
        g_snprintf(key, sizeof key, "search.best.%.*s", (int)(eq - cand[i]), cand[i]);
        plum_state_set_string(summary, key, eq + 1);
      }
    }
    if (!ok)
      g_prefix_error(error, "search candidate %zu (%s): ", c + 1, cand[0]);
    plum_state_free(cv);
    plum_pipeline_free(v);
    g_free(with_metric);
    g_free(scoring_override);
    g_strfreev(cand);
  }
  plum_rng_free(rng);
  if (!ok) {
    plum_pipeline_free(best);
    return FALSE;
  }
  g_snprintf(key, sizeof key, "search.best_%s", scoring);
  plum_state_set_real(summary, key, best_score);
  plum_state_set_int(summary, "search.candidates", (gint64)total);
  /* The best candidate's evaluate.metrics was narrowed to the scoring metric: keep ours. */
  char **metrics = g_strdupv(p->cfg.evaluate.metrics);
  pipeline_adopt(p, best);
  g_strfreev(p->cfg.evaluate.metrics);
  p->cfg.evaluate.metrics = metrics;
  return TRUE;
}

/* Outputs ------------------------------------------------------------------------------------ */

static void
append_json_string(GString *out, const char *s)
{
  g_string_append_c(out, '"');
  for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
    if (*c == '"' || *c == '\\')
      g_string_append_printf(out, "\\%c", *c);
    else if (*c < 0x20)
      g_string_append_printf(out, "\\u%04x", *c);
    else
      g_string_append_c(out, (char)*c);
  }
  g_string_append_c(out, '"');
}

/* The summary as a flat JSON object; non-finite numbers become null. */
static char *
summary_to_json(const PlumState *summary)
{
  GString *out = g_string_new("{");
  for (size_t i = 0; i < plum_state_size(summary); i++) {
    const char *name = plum_state_name_at(summary, i);
    g_string_append(out, i ? ",\n  " : "\n  ");
    append_json_string(out, name);
    g_string_append(out, ": ");
    switch (plum_state_type_at(summary, i)) {
    case PLUM_STATE_REALS: {
      size_t rows, cols;
      const double *v = plum_state_get_reals(summary, name, 0, 0, &rows, &cols, NULL);
      for (size_t k = 0; k < rows * cols; k++) {
        g_string_append(out, k == 0 && rows * cols > 1 ? "[" : (k ? ", " : ""));
        if (isfinite(v[k]))
          append_number(out, v[k]);
        else
          g_string_append(out, "null");
      }
      if (rows * cols > 1)
        g_string_append_c(out, ']');
      break;
    }
    case PLUM_STATE_INTS: {
      size_t n;
      const gint64 *v = plum_state_get_ints(summary, name, 0, &n, NULL);
      g_string_append_c(out, '[');
      for (size_t k = 0; k < n; k++)
        g_string_append_printf(out, "%s%" G_GINT64_FORMAT, k ? ", " : "", v[k]);
      g_string_append_c(out, ']');
      break;
    }
    case PLUM_STATE_STRING:
      append_json_string(out, plum_state_get_string(summary, name, NULL));
      break;
    }
  }
  g_string_append(out, "\n}\n");
  return g_string_free(out, FALSE);
}

static gboolean
write_outputs(PlumPipeline *p, const PlumDataset *eval_ds, const size_t *eval_rows, GError **error)
{
  const PlumPipelineOutput *o = &p->cfg.output;
  if (o->predictions != NULL) {
    PlumPredictions *pred = plum_pipeline_predict(p, eval_ds->X, error);
    gboolean ok =
        pred != NULL && plum_pipeline_write_predictions(p, pred, eval_rows, o->predictions, error);
    plum_predictions_free(pred);
    if (!ok)
      return FALSE;
  }
  if (o->metrics != NULL) {
    char *json = summary_to_json(p->summary);
    gboolean ok = plum_file_write_atomic(o->metrics, json, strlen(json), error);
    g_free(json);
    if (!ok)
      return FALSE;
  }
  return o->model == NULL || plum_pipeline_save(p, o->model, error);
}

/* The run ------------------------------------------------------------------------------------ */

typedef struct {
  PlumDataset *train; /* rows the model is fitted on */
  PlumDataset *eval;  /* rows it is scored on (test file or holdout), or NULL */
  size_t *eval_rows;  /* their row numbers in the data file */
  const char *eval_name;
} Split;

static void
split_clear(Split *s)
{
  plum_dataset_free(s->train);
  plum_dataset_free(s->eval);
  g_free(s->eval_rows);
}

static gboolean
load_split(PlumPipeline *p, Split *s, GError **error)
{
  PlumDataset *all = plum_pipeline_load_data(p, FALSE, error);
  if (all == NULL)
    return FALSE;
  if (p->cfg.data.test != NULL) {
    s->train = all;
    s->eval = plum_pipeline_load_data(p, TRUE, error);
    s->eval_name = "test";
    return s->eval != NULL;
  }
  double fraction = p->cfg.evaluate.test_fraction;
  if (fraction <= 0) {
    s->train = all;
    return TRUE;
  }
  gboolean strat = p->cfg.evaluate.stratify && all->classes != NULL;
  PlumRng *rng = plum_rng_new((guint64)p->cfg.seed);
  size_t *train = NULL, *test = NULL, n_train = 0, n_test = 0;
  gboolean ok = plum_split_holdout(all->X->rows, strat ? all->y->data : NULL, all->n_classes,
                                   fraction, rng, &train, &n_train, &test, &n_test, error);
  plum_rng_free(rng);
  if (ok) {
    s->train = plum_dataset_subset(all, train, n_train, error);
    s->eval = s->train ? plum_dataset_subset(all, test, n_test, error) : NULL;
    s->eval_rows = g_steal_pointer(&test);
    s->eval_name = "holdout";
    ok = s->eval != NULL;
  }
  g_free(train);
  g_free(test);
  plum_dataset_free(all);
  return ok;
}

gboolean
plum_pipeline_run(PlumPipeline *p, PlumState *summary, GError **error)
{
  if (!plum_threads_set((unsigned)p->cfg.threads, error))
    return FALSE;
  plum_state_free(p->summary);
  p->summary = plum_state_new();
  PlumState *sm = p->summary;
  plum_state_set_int(sm, "seed", p->cfg.seed);
  plum_state_set_int(sm, "threads", plum_threads_get());
  gint64 start = g_get_monotonic_time();
  Split s = {0};
  gboolean ok = load_split(p, &s, error);
  plum_state_set_real(sm, "time.load", elapsed_since(start));
  if (ok) {
    plum_state_set_int(sm, "train.rows", (gint64)s.train->X->rows);
    plum_state_set_int(sm, "train.features", (gint64)s.train->X->cols);
  }
  if (ok && p->cfg.search.params.len > 0) {
    start = g_get_monotonic_time();
    ok = search(p, s.train, sm, error);
    plum_state_set_real(sm, "time.search", elapsed_since(start));
  }
  if (ok && p->cfg.evaluate.folds >= 2) {
    start = g_get_monotonic_time();
    ok = cross_validate(p, s.train, (size_t)p->cfg.evaluate.folds, "cv", sm, error);
    plum_state_set_real(sm, "time.cv", elapsed_since(start));
  }
  if (ok) {
    start = g_get_monotonic_time();
    ok = pipeline_fit(p, s.train, TRUE, loaded_x_finite(p), error);
    plum_state_set_real(sm, "time.fit", elapsed_since(start));
  }
  if (ok && s.eval != NULL) {
    plum_state_set_int(sm, "eval.rows", (gint64)s.eval->X->rows);
    ok = score(p, s.eval, s.eval_name, sm, error);
  }
  if (ok)
    ok = score(p, s.train, "train", sm, error);
  if (ok)
    ok = write_outputs(p, s.eval ? s.eval : s.train, s.eval ? s.eval_rows : NULL, error);
  split_clear(&s);
  if (ok && summary != NULL)
    for (size_t i = 0; i < plum_state_size(sm); i++) {
      const char *name = plum_state_name_at(sm, i);
      double v;
      if (plum_state_type_at(sm, i) == PLUM_STATE_REALS && plum_state_get_real(sm, name, &v, NULL))
        plum_state_set_real(summary, name, v);
    }
  return ok;
}

/* Model files -------------------------------------------------------------------------------- */

static void
meta_set_strv(PlumState *meta, const char *prefix, char *const *v)
{
  char key[128];
  size_t n = v ? g_strv_length((char **)v) : 0;
  g_snprintf(key, sizeof key, "%s.count", prefix);
  plum_state_set_int(meta, key, (gint64)n);
  for (size_t i = 0; i < n; i++) {
    g_snprintf(key, sizeof key, "%s.%zu", prefix, i);
    plum_state_set_string(meta, key, v[i]);
  }
}

static char **
meta_get_strv(const PlumState *meta, const char *prefix, GError **error)
{
  char key[128];
  gint64 n;
  g_snprintf(key, sizeof key, "%s.count", prefix);
  if (!plum_state_get_int(meta, key, &n, error))
    return NULL;
  if (n < 0 || (guint64)n > plum_state_size(meta)) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
                "%s: invalid count %" G_GINT64_FORMAT, key, n);
    return NULL;
  }
  char **v = g_new0(char *, (size_t)n + 1);
  for (gint64 i = 0; i < n; i++) {
    g_snprintf(key, sizeof key, "%s.%" G_GINT64_FORMAT, prefix, i);
    const char *s = plum_state_get_string(meta, key, error);
    if (s == NULL) {
      g_strfreev(v);
      return NULL;
    }
    v[i] = g_strdup(s);
  }
  return v;
}

static gboolean
add_entry(PlumModelFile *mf, const char *role, const Step *s, GError **error)
{
  PlumState *state = plum_state_new();
  if (!s->vt->save(s->instance, state, error)) {
    plum_state_free(state);
    g_prefix_error(error, "saving %s '%s': ", role, plum_component_name(s->component));
    return FALSE;
  }
  const PlumModule *m = plum_component_module(s->component);
  plum_model_file_add(mf, role, PLUM_KIND_MODEL, plum_component_name(s->component),
                      plum_module_name(m), plum_module_version(m),
                      plum_component_state_version(s->component), state);
  return TRUE;
}

gboolean
plum_pipeline_save(const PlumPipeline *p, const char *path, GError **error)
{
  if (!p->fitted) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_NOT_FITTED,
                "the pipeline has not been fitted: nothing to save");
    return FALSE;
  }
  PlumModelFile *mf = plum_model_file_new();
  mf->config_yaml = plum_pipeline_to_yaml(p);
  mf->seed = (guint64)p->cfg.seed;
  meta_set_strv(mf->meta, "feature", p->feature_names);
  meta_set_strv(mf->meta, "class", p->classes);
  if (p->target_name != NULL)
    plum_state_set_string(mf->meta, "target", p->target_name);
  char **cat_names = p->cfg.data.categorical;
  for (size_t k = 0; k < p->n_categories && cat_names != NULL; k++) {
    char prefix[160];
    g_snprintf(prefix, sizeof prefix, "category.%s", cat_names[k]);
    meta_set_strv(mf->meta, prefix, p->categories[k]);
  }
  for (size_t i = 0; i < plum_state_size(p->summary); i++) {
    const char *name = plum_state_name_at(p->summary, i);
    double v;
    char key[160];
    g_snprintf(key, sizeof key, "summary.%s", name);
    if (plum_state_type_at(p->summary, i) == PLUM_STATE_REALS &&
        plum_state_get_real(p->summary, name, &v, NULL))
      plum_state_set_real(mf->meta, key, v);
  }
  gboolean ok = TRUE;
  for (size_t i = 0; ok && i < p->n_steps; i++) {
    char role[32];
    g_snprintf(role, sizeof role, "transform.%zu", i);
    ok = add_entry(mf, role, &p->steps[i], error);
  }
  ok = ok && add_entry(mf, "model", &p->model, error) && plum_model_file_save(mf, path, error);
  plum_model_file_free(mf);
  return ok;
}

/* Hands a saved state to a fresh instance of the component the configuration names. */
static gboolean
load_step(Step *s, const PlumModelEntry *e, const char *role, GError **error)
{
  const char *name = plum_component_name(s->component);
  const PlumModule *m = plum_component_module(s->component);
  if (strcmp(e->role, role) != 0 || strcmp(e->component, name) != 0) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
                "entry '%s' (%s) does not match the configuration's %s '%s'", e->role, e->component,
                role, name);
    return FALSE;
  }
  if (e->state_version != plum_component_state_version(s->component)) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
                "%s '%s' was saved by module %s %s with state version %u, but the loaded "
                "module %s %s reads state version %u",
                role, name, e->module, e->module_version, e->state_version, plum_module_name(m),
                plum_module_version(m), plum_component_state_version(s->component));
    return FALSE;
  }
  if (!step_create(s, error) || !s->vt->load(s->instance, e->state, error)) {
    g_prefix_error(error, "loading %s '%s': ", role, name);
    return FALSE;
  }
  return TRUE;
}

/* Every component the file needs must be loaded: say which is not before binding fails. */
static gboolean
check_components_present(const PlumModelFile *mf, const char *path, GError **error)
{
  PlumRegistry *reg = plum_registry_get_default(error);
  if (reg == NULL)
    return FALSE;
  for (size_t i = 0; i < mf->n_entries; i++) {
    const PlumModelEntry *e = &mf->entries[i];
    if (plum_registry_find(reg, e->kind, e->component) == NULL) {
      g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_NOT_FOUND,
                  "%s: %s needs %s '%s' from module %s %s, which is not loaded (see 'plum "
                  "plugins --all')",
                  path, e->role, plum_kind_to_string(e->kind), e->component, e->module,
                  e->module_version);
      return FALSE;
    }
  }
  return TRUE;
}

PlumPipeline *
plum_pipeline_load(const char *path, GError **error)
{
  PlumModelFile *mf = plum_model_file_load(path, error);
  if (mf == NULL)
    return NULL;
  PlumPipeline *p = NULL;
  if (check_components_present(mf, path, error)) {
    char *source = g_strdup_printf("%s (configuration)", path);
    p = plum_pipeline_new_from_string(mf->config_yaml, source, NULL, error);
    g_free(source);
  }
  gboolean ok = p != NULL;
  if (ok && mf->n_entries != p->n_steps + 1) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
                "%s: %zu fitted components for a pipeline of %zu", path, mf->n_entries,
                p->n_steps + 1);
    ok = FALSE;
  }
  for (size_t i = 0; ok && i < p->n_steps; i++) {
    char role[32];
    g_snprintf(role, sizeof role, "transform.%zu", i);
    ok = load_step(&p->steps[i], &mf->entries[i], role, error);
  }
  ok = ok && load_step(&p->model, &mf->entries[p->n_steps], "model", error);
  if (ok) {
    p->feature_names = meta_get_strv(mf->meta, "feature", error);
    ok = p->feature_names != NULL;
  }
  if (ok) {
    p->classes = meta_get_strv(mf->meta, "class", error);
    ok = p->classes != NULL;
  }
  if (ok && plum_state_has(mf->meta, "target"))
    p->target_name = g_strdup(plum_state_get_string(mf->meta, "target", NULL));
  char **cat_names = ok ? p->cfg.data.categorical : NULL;
  if (cat_names != NULL) {
    p->n_categories = g_strv_length(cat_names);
    p->categories = g_new0(char **, p->n_categories + 1);
  }
  for (size_t k = 0; ok && cat_names != NULL && cat_names[k] != NULL; k++) {
    char prefix[160];
    g_snprintf(prefix, sizeof prefix, "category.%s", cat_names[k]);
    ok = (p->categories[k] = meta_get_strv(mf->meta, prefix, error)) != NULL;
  }
  if (ok) {
    p->n_features = g_strv_length(p->feature_names);
    if (p->classes[0] == NULL)
      g_clear_pointer(&p->classes, g_strfreev);
    for (size_t i = 0; i < plum_state_size(mf->meta); i++) {
      const char *name = plum_state_name_at(mf->meta, i);
      double v;
      if (g_str_has_prefix(name, "summary.") && plum_state_get_real(mf->meta, name, &v, NULL))
        plum_state_set_real(p->summary, name + strlen("summary."), v);
    }
    p->fitted = TRUE;
  }
  if (!ok && p != NULL) {
    g_prefix_error(error, "%s: ", path);
    plum_pipeline_free(g_steal_pointer(&p));
  }
  plum_model_file_free(mf);
  return p;
}

char *
plum_pipeline_describe(const PlumPipeline *p)
{
  GString *out = g_string_new(NULL);
  g_string_append_printf(out, "seed:      %" G_GINT64_FORMAT "\n", p->cfg.seed);
  g_string_append_printf(out, "features:  %zu\n", p->n_features);
  if (p->classes != NULL) {
    char *joined = g_strjoinv(", ", p->classes);
    g_string_append_printf(out, "classes:   %s\n", joined);
    g_free(joined);
  }
  g_string_append(out, "components:\n");
  for (size_t i = 0; i <= p->n_steps; i++) {
    const Step *s = i < p->n_steps ? &p->steps[i] : &p->model;
    const PlumModule *m = plum_component_module(s->component);
    g_string_append_printf(out, "  %-12s %-24s module %s %s, state version %u\n",
                           i < p->n_steps ? "transform" : "model",
                           plum_component_name(s->component), plum_module_name(m),
                           plum_module_version(m), plum_component_state_version(s->component));
  }
  if (plum_state_size(p->summary) > 0) {
    g_string_append(out, "at training time:\n");
    for (size_t i = 0; i < plum_state_size(p->summary); i++) {
      const char *name = plum_state_name_at(p->summary, i);
      double v;
      if (plum_state_get_real(p->summary, name, &v, NULL))
        g_string_append_printf(out, "  %-32s %.6g\n", name, v);
    }
  }
  char *yaml = plum_pipeline_to_yaml(p);
  g_string_append_printf(out, "pipeline:\n%s", yaml);
  g_free(yaml);
  return g_string_free(out, FALSE);
}
