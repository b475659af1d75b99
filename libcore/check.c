/* check.c — conformance checks for plugin components, behind `plum check-plugin`.
 *
 * Every check goes through the host calls plum itself makes (binder, vtables, the host
 * services of plugin.h), on small data generated from a fixed seed, so a component that passes
 * here behaves in pipelines. Failures are reported, never fatal: a broken component must not
 * take the checker down with it (a crash is itself the clearest failure, and the caller runs
 * the checker in its own process).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <plum/check.h>
#include <plum/config.h>
#include <plum/plugin.h>

#define N_ROWS 48
#define N_COLS 3
#define GRAD_TOL 1e-5

typedef struct {
  const PlumRegistry *reg;
  const PlumComponent *c;
  const char *const *overrides;
  PlumCheckFunc report;
  gpointer user;
  size_t failures;
} Check;

static void result(Check *ck, gboolean ok, const GError *error, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);

static void
result(Check *ck, gboolean ok, const GError *error, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *what = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  char *full = g_strdup_printf("%s/%s: %s", plum_kind_to_string(plum_component_kind(ck->c)),
                               plum_component_name(ck->c), what);
  ck->report(ok, full, ok || error == NULL ? NULL : error->message, ck->user);
  if (!ok)
    ck->failures++;
  g_free(full);
  g_free(what);
}

/* Binds the component with the user's overrides and `extra` ("param=value" each). */
static PlumBinding *
bind(Check *ck, const char *const *extra, GError **error)
{
  char *text = g_strdup_printf("component: %s\n", plum_component_name(ck->c));
  PlumConfig *cfg = plum_config_parse_string(text, "check-plugin", error);
  g_free(text);
  gboolean ok = cfg != NULL;
  for (int pass = 0; ok && pass < 2; pass++) {
    const char *const *list = pass == 0 ? ck->overrides : extra;
    for (size_t i = 0; ok && list != NULL && list[i] != NULL; i++) {
      char *assignment = g_strdup_printf("component.%s", list[i]);
      ok = plum_config_set_override(cfg, assignment, error);
      g_free(assignment);
    }
  }
  PlumBinding *b = ok ? plum_binding_new_from_node(ck->reg, plum_component_kind(ck->c),
                                                   plum_config_lookup(cfg, "component"),
                                                   "component", error)
                      : NULL;
  plum_config_free(cfg);
  return b;
}

static double
max_rel_diff(const double *a, const double *b, size_t n)
{
  double worst = 0;
  for (size_t i = 0; i < n; i++) {
    double d = fabs(a[i] - b[i]) / fmax(1.0, fmax(fabs(a[i]), fabs(b[i])));
    worst = isnan(d) ? INFINITY : fmax(worst, d);
  }
  return worst;
}

static PlumMatrix *
random_matrix(PlumRng *rng, size_t rows, size_t cols, gboolean integers)
{
  PlumMatrix *m = plum_matrix_new(rows, cols, NULL);
  for (size_t i = 0; i < rows * cols; i++)
    m->data[i] = integers ? (double)plum_rng_below(rng, 5) : plum_rng_normal(rng);
  return m;
}

/* Schema --------------------------------------------------------------------------------------- */

static gboolean
bounded(const PlumParamSpec *s)
{
  return (s->type == PLUM_PARAM_REAL || s->type == PLUM_PARAM_INT) && !(s->min == 0 && s->max == 0);
}

/* The value at one end of a bound, nudged inside when the bound is exclusive; NAN if none. */
static double
edge_value(const PlumParamSpec *s, gboolean upper)
{
  double v = upper ? s->max : s->min;
  if (!isfinite(v) || fabs(v) > 1e6)
    return NAN; /* an edge that large says "unbounded" rather than "try me" */
  gboolean exclusive = (s->flags & (upper ? PLUM_PARAM_MAX_EXCLUSIVE : PLUM_PARAM_MIN_EXCLUSIVE));
  if (!exclusive)
    return v;
  if (s->type == PLUM_PARAM_INT)
    return upper ? v - 1 : v + 1;
  return upper ? v - 1e-6 * fmax(1, fabs(v)) : v + 1e-6 * fmax(1, fabs(v));
}

typedef gboolean (*SmokeFunc)(Check *ck, const PlumBinding *b, GError **error);

static void
check_schema(Check *ck, SmokeFunc smoke)
{
  size_t n = plum_component_n_params(ck->c);
  for (size_t i = 0; i < n; i++) {
    const PlumParamSpec *s = plum_component_param(ck->c, i);
    result(ck, s->doc != NULL && s->doc[0] != '\0', NULL, "parameter %s is documented", s->name);
    if (!bounded(s))
      continue;
    for (int upper = 0; upper < 2; upper++) {
      double v = edge_value(s, upper);
      if (isnan(v))
        continue;
      char value[G_ASCII_DTOSTR_BUF_SIZE], assignment[128];
      g_ascii_formatd(value, sizeof value, "%.17g", v);
      g_snprintf(assignment, sizeof assignment, "%s=%s", s->name, value);
      const char *extra[] = {assignment, NULL};
      GError *error = NULL;
      PlumBinding *b = bind(ck, extra, &error);
      if (b == NULL) {
        /* Another parameter's default rules this edge out (check_params): not a defect. */
        result(ck, TRUE, NULL, "%s at its %s bound (%s) # SKIP %s", s->name,
               upper ? "upper" : "lower", value, error->message);
        g_clear_error(&error);
        continue;
      }
      gboolean ok = smoke == NULL || smoke(ck, b, &error);
      result(ck, ok, error, "works with %s at its %s bound (%s)", s->name,
             upper ? "upper" : "lower", value);
      g_clear_error(&error);
      plum_binding_free(b);
    }
  }
}

/* Models --------------------------------------------------------------------------------------- */

typedef struct {
  PlumMatrix *X;
  PlumMatrix *y;
  size_t n_classes;
} Data;

/* Distinct rows of small integers (codes for one-hot steps, and no duplicate points to make a
 * kernel matrix singular). */
static PlumMatrix *
distinct_integer_rows(PlumRng *rng)
{
  size_t cells[125];
  for (size_t k = 0; k < 125; k++)
    cells[k] = k;
  plum_rng_shuffle(rng, cells, 125);
  PlumMatrix *X = plum_matrix_new(N_ROWS, N_COLS, NULL);
  for (size_t i = 0; i < N_ROWS; i++)
    for (size_t j = 0, v = cells[i]; j < N_COLS; j++, v /= 5)
      PLUM_MATRIX_AT(X, i, j) = (double)(v % 5);
  return X;
}

static Data
model_data(const PlumComponent *c)
{
  G_STATIC_ASSERT(N_COLS == 3 && N_ROWS <= 125);
  PlumRng *rng = plum_rng_new(20261125);
  Data d = {.X = distinct_integer_rows(rng)};
  guint64 caps = plum_component_caps(c);
  if (caps & PLUM_CAP_SUPERVISED) {
    d.y = plum_matrix_new(N_ROWS, 1, NULL);
    for (size_t i = 0; i < N_ROWS; i++) {
      const double *x = PLUM_MATRIX_ROW(d.X, i);
      double t = x[0] - 0.5 * x[1] + 0.25 * x[2] + 0.3 * plum_rng_normal(rng);
      d.y->data[i] = (caps & PLUM_CAP_CLASSIFIER) ? (double)(t > 1.0) : t;
    }
    d.n_classes = (caps & PLUM_CAP_CLASSIFIER) ? 2 : 0;
  }
  plum_rng_free(rng);
  return d;
}

static void
data_clear(Data *d)
{
  plum_matrix_free(d->X);
  plum_matrix_free(d->y);
}

/* Creates and fits an instance with a fixed seed. */
static void *
fit_model(const PlumModelVTable *vt, const PlumBinding *b, const Data *d, const PlumMatrix *X,
          GError **error)
{
  void *inst = vt->create(plum_binding_params(b), error);
  if (inst == NULL)
    return NULL;
  PlumRng *rng = plum_rng_new(42);
  PlumState *report = plum_state_new();
  PlumFitData fd = {.struct_size = sizeof fd,
                    .X = X,
                    .y = d->y,
                    .n_classes = d->n_classes,
                    .rng = rng,
                    .report = report};
  gboolean ok = vt->fit(inst, &fd, error);
  plum_state_free(report);
  plum_rng_free(rng);
  if (!ok) {
    vt->destroy(inst);
    return NULL;
  }
  return inst;
}

typedef struct {
  gboolean (*slot)(const void *, const PlumMatrix *, PlumMatrix *, GError **);
  size_t cols;
} OutputSlot;

#define N_OUTPUT_SLOTS 4

/* What a fitted model outputs and how wide: predict, predict_proba, predict_std, transform
 * (slot NULL or cols 0: none). */
static void
output_slots(const PlumModelVTable *vt, const void *inst, OutputSlot outs[N_OUTPUT_SLOTS])
{
  PlumModelShape shape = {.struct_size = sizeof shape};
  vt->shape(inst, &shape);
  outs[0] = (OutputSlot){vt->predict, shape.n_outputs};
  outs[1] = (OutputSlot){vt->predict_proba, shape.n_classes};
  outs[2] = (OutputSlot){vt->predict_std, shape.n_outputs};
  outs[3] = (OutputSlot){vt->transform, shape.n_transform};
}

/* Everything a fitted model outputs for X, one buffer after another (n x columns each). */
static double *
model_outputs(const PlumModelVTable *vt, const void *inst, const PlumMatrix *X, size_t *len_out,
              GError **error)
{
  OutputSlot outs[N_OUTPUT_SLOTS];
  output_slots(vt, inst, outs);
  size_t total = 0;
  for (size_t k = 0; k < N_OUTPUT_SLOTS; k++)
    total += outs[k].slot ? outs[k].cols * X->rows : 0;
  double *buf = g_new0(double, MAX(total, 1));
  size_t at = 0;
  for (size_t k = 0; k < N_OUTPUT_SLOTS; k++) {
    if (outs[k].slot == NULL || outs[k].cols == 0)
      continue;
    PlumMatrix m = plum_matrix_view(buf + at, X->rows, outs[k].cols, 0);
    if (!outs[k].slot(inst, X, &m, error)) {
      g_free(buf);
      return NULL;
    }
    at += X->rows * outs[k].cols;
  }
  *len_out = at;
  return buf;
}

/* A row's outputs are the same bits whatever rows are predicted with it: leaving the first row
 * out shifts every other row (a BLAS kernel's remainder rows, a vector loop's scalar tail), as
 * `plum predict` on other rows than the training run's evaluation does. */
static void
check_batch_independence(Check *ck, const PlumModelVTable *vt, const void *inst, const Data *d)
{
  size_t n = d->X->rows;
  PlumMatrix rest = plum_matrix_view(PLUM_MATRIX_ROW(d->X, 1), n - 1, d->X->cols, d->X->ld);
  OutputSlot outs[N_OUTPUT_SLOTS];
  output_slots(vt, inst, outs);
  gboolean ok = TRUE;
  for (size_t k = 0; ok && k < N_OUTPUT_SLOTS; k++) {
    size_t c = outs[k].cols;
    if (outs[k].slot == NULL || c == 0)
      continue;
    PlumMatrix *A = plum_matrix_new(n, c, NULL), *B = plum_matrix_new(n - 1, c, NULL);
    ok = outs[k].slot(inst, d->X, A, NULL) && outs[k].slot(inst, &rest, B, NULL) &&
         memcmp(PLUM_MATRIX_ROW(A, 1), B->data, (n - 1) * c * sizeof(double)) == 0;
    plum_matrix_free(B);
    plum_matrix_free(A);
  }
  result(ck, ok, NULL, "a row's outputs do not depend on the rows predicted with it");
}

/* predict_all gives, bit for bit, what predict, predict_proba and predict_std give (the first
 * three output slots). */
static void
check_predict_all(Check *ck, const PlumModelVTable *vt, const void *inst, const Data *d)
{
  if (vt->predict_all == NULL)
    return;
  OutputSlot outs[N_OUTPUT_SLOTS];
  output_slots(vt, inst, outs);
  size_t n = d->X->rows;
  PlumMatrix *all[3] = {NULL, NULL, NULL}, *one[3] = {NULL, NULL, NULL};
  GError *error = NULL;
  gboolean ok = TRUE;
  for (size_t k = 0; k < 3; k++) {
    if (outs[k].slot == NULL || outs[k].cols == 0)
      continue;
    all[k] = plum_matrix_new(n, outs[k].cols, NULL);
    one[k] = plum_matrix_new(n, outs[k].cols, NULL);
    ok = ok && outs[k].slot(inst, d->X, one[k], &error);
  }
  ok = ok && vt->predict_all(inst, d->X, all[0], all[1], all[2], &error);
  for (size_t k = 0; k < 3; k++) {
    ok = ok && (all[k] == NULL ||
                memcmp(all[k]->data, one[k]->data, n * outs[k].cols * sizeof(double)) == 0);
    plum_matrix_free(all[k]);
    plum_matrix_free(one[k]);
  }
  result(ck, ok, error, "predict_all gives what predict, predict_proba and predict_std give");
  g_clear_error(&error);
}

static gboolean
smoke_model(Check *ck, const PlumBinding *b, GError **error)
{
  const PlumModelVTable *vt = plum_component_vtable(ck->c);
  void *inst = vt->create(plum_binding_params(b), error);
  if (inst != NULL)
    vt->destroy(inst);
  return inst != NULL;
}

static void
check_shapes(Check *ck, const PlumModelVTable *vt, const void *inst, const Data *d)
{
  PlumModelShape shape = {.struct_size = sizeof shape};
  vt->shape(inst, &shape);
  result(ck, shape.n_features == N_COLS, NULL, "shape reports %zu input features (fitted on %d)",
         shape.n_features, N_COLS);
  gboolean outputs = vt->predict != NULL || vt->transform != NULL;
  result(ck, outputs, NULL, "has predict or transform");
  if (vt->predict_proba != NULL && shape.n_classes > 0) {
    PlumMatrix *P = plum_matrix_new(N_ROWS, shape.n_classes, NULL);
    GError *error = NULL;
    gboolean ok = vt->predict_proba(inst, d->X, P, &error);
    for (size_t i = 0; ok && i < N_ROWS; i++) {
      double sum = 0;
      for (size_t j = 0; j < shape.n_classes; j++) {
        double p = PLUM_MATRIX_AT(P, i, j);
        ok = ok && p >= 0 && p <= 1;
        sum += p;
      }
      ok = ok && fabs(sum - 1) < 1e-9;
    }
    result(ck, ok, error, "class probabilities lie in [0, 1] and sum to 1");
    g_clear_error(&error);
    plum_matrix_free(P);
  }
  size_t len = 0;
  GError *error = NULL;
  double *out = model_outputs(vt, inst, d->X, &len, &error);
  gboolean finite = out != NULL;
  for (size_t i = 0; finite && i < len; i++)
    finite = isfinite(out[i]);
  result(ck, finite, error, "outputs on the training data are finite");
  g_clear_error(&error);
  g_free(out);

  PlumMatrix *wide = plum_matrix_new(N_ROWS, N_COLS + 1, NULL);
  out = model_outputs(vt, inst, wide, &len, &error);
  result(ck, out == NULL && error != NULL, NULL, "refuses data with a wrong feature count");
  g_clear_error(&error);
  g_free(out);
  plum_matrix_free(wide);
}

static void
check_save_load(Check *ck, const PlumModelVTable *vt, const PlumBinding *b, const void *inst,
                const Data *d)
{
  GError *error = NULL;
  PlumState *state = plum_state_new();
  void *copy = NULL;
  gboolean ok = vt->save(inst, state, &error) &&
                (copy = vt->create(plum_binding_params(b), &error)) != NULL &&
                vt->load(copy, state, &error);
  size_t n1 = 0, n2 = 0;
  double *a = ok ? model_outputs(vt, inst, d->X, &n1, &error) : NULL;
  double *c = a ? model_outputs(vt, copy, d->X, &n2, &error) : NULL;
  ok = c != NULL && n1 == n2 && memcmp(a, c, n1 * sizeof(double)) == 0;
  result(ck, ok, error, "save then load gives identical outputs");
  g_clear_error(&error);
  g_free(a);
  g_free(c);
  if (copy != NULL)
    vt->destroy(copy);
  plum_state_free(state);

  void *fresh = vt->create(plum_binding_params(b), NULL);
  PlumState *empty = plum_state_new();
  ok = fresh != NULL && !vt->load(fresh, empty, &error) && error != NULL;
  result(ck, ok, NULL, "refuses to load an empty state");
  g_clear_error(&error);
  /* An unfitted model's shape may say zero columns: ask for one. */
  gboolean (*slot)(const void *, const PlumMatrix *, PlumMatrix *, GError **) =
      vt->predict ? vt->predict : vt->transform;
  if (slot != NULL && fresh != NULL) {
    PlumMatrix *out = plum_matrix_new(N_ROWS, 1, NULL);
    ok = !slot(fresh, d->X, out, &error) && error != NULL;
    result(ck, ok, NULL, "refuses to predict before it is fitted");
    g_clear_error(&error);
    plum_matrix_free(out);
  }
  if (fresh != NULL)
    vt->destroy(fresh);
  plum_state_free(empty);
}

static void
check_objective(Check *ck, const PlumModelVTable *vt, const PlumBinding *b, const Data *d)
{
  GError *error = NULL;
  void *inst = vt->create(plum_binding_params(b), &error);
  PlumRng *rng = plum_rng_new(3);
  PlumFitData fd = {.struct_size = sizeof fd,
                    .X = d->X,
                    .y = d->y,
                    .n_classes = d->n_classes,
                    .rng = rng};
  PlumObjective obj = {.struct_size = sizeof obj};
  gboolean ok = inst != NULL && vt->objective(inst, &fd, &obj, &error);
  double err = INFINITY;
  if (ok) {
    double *theta = g_new0(double, MAX(obj.n_params, 1));
    if (obj.initial != NULL)
      obj.initial(obj.ctx, theta);
    /* A nearby point, inside any bounds with room for the differences. */
    for (size_t k = 0; k < obj.n_params; k++) {
      theta[k] += 0.1 * plum_rng_normal(rng);
      if (obj.lower != NULL)
        theta[k] = fmax(theta[k], obj.lower[k] + 1e-3 * fmax(1, fabs(obj.lower[k])));
      if (obj.upper != NULL)
        theta[k] = fmin(theta[k], obj.upper[k] - 1e-3 * fmax(1, fabs(obj.upper[k])));
    }
    ok = plum_objective_check_gradient(&obj, theta, 1e-6, &err, &error);
    g_free(theta);
    if (obj.free != NULL)
      obj.free(obj.ctx);
  }
  result(ck, ok && err < GRAD_TOL, error, "objective gradient matches finite differences (%.2g)",
         err);
  g_clear_error(&error);
  plum_rng_free(rng);
  if (inst != NULL)
    vt->destroy(inst);
}

static void
check_model(Check *ck, const PlumBinding *b)
{
  const PlumModelVTable *vt = plum_component_vtable(ck->c);
  Data d = model_data(ck->c);
  GError *error = NULL;
  void *inst = fit_model(vt, b, &d, d.X, &error);
  result(ck, inst != NULL, error, "fits generated data (%d x %d) with its defaults", N_ROWS,
         N_COLS);
  g_clear_error(&error);
  if (inst != NULL) {
    check_shapes(ck, vt, inst, &d);
    check_batch_independence(ck, vt, inst, &d);
    check_predict_all(ck, vt, inst, &d);
    check_save_load(ck, vt, b, inst, &d);
    void *again = fit_model(vt, b, &d, d.X, NULL);
    size_t n1 = 0, n2 = 0;
    double *a = model_outputs(vt, inst, d.X, &n1, NULL);
    double *c = again ? model_outputs(vt, again, d.X, &n2, NULL) : NULL;
    result(ck, a && c && n1 == n2 && memcmp(a, c, n1 * sizeof(double)) == 0, NULL,
           "the same seed gives identical outputs");
    g_free(a);
    g_free(c);
    if (again != NULL)
      vt->destroy(again);
    vt->destroy(inst);
  }
  if (!(plum_component_caps(ck->c) & PLUM_CAP_ALLOW_NAN)) {
    PlumMatrix *bad = plum_matrix_copy(d.X, NULL);
    bad->data[N_COLS + 1] = NAN;
    void *nan_inst = fit_model(vt, b, &d, bad, &error);
    result(ck, nan_inst == NULL && error != NULL, NULL, "refuses NaN features with an error");
    g_clear_error(&error);
    if (nan_inst != NULL)
      vt->destroy(nan_inst);
    plum_matrix_free(bad);
  }
  if (vt->objective != NULL)
    check_objective(ck, vt, b, &d);
  data_clear(&d);
}

/* Optimizers ---------------------------------------------------------------------------------- */

#define OPT_DIM 4
#define OPT_TERMS 16

/* Σ_i ½‖θ − c_i‖²: minimised at the mean of the c_i. */
typedef struct {
  double c[OPT_TERMS][OPT_DIM];
} Quadratic;

static gboolean
quadratic_eval(void *ctx, const double *theta, const size_t *terms, size_t n_sel, double *value,
               double *grad, GError **error)
{
  const Quadratic *q = ctx;
  size_t n = terms ? n_sel : OPT_TERMS;
  *value = 0;
  if (grad != NULL)
    memset(grad, 0, OPT_DIM * sizeof(double));
  for (size_t k = 0; k < n; k++) {
    const double *c = q->c[terms ? terms[k] : k];
    for (size_t j = 0; j < OPT_DIM; j++) {
      double r = theta[j] - c[j];
      *value += 0.5 * r * r;
      if (grad != NULL)
        grad[j] += r;
    }
  }
  return TRUE;
}

static double
quadratic_gap(const Quadratic *q, const double *theta)
{
  double gap = 0;
  for (size_t j = 0; j < OPT_DIM; j++) {
    double mean = 0;
    for (size_t k = 0; k < OPT_TERMS; k++)
      mean += q->c[k][j] / OPT_TERMS;
    gap += (theta[j] - mean) * (theta[j] - mean);
  }
  return sqrt(gap);
}

static gboolean
run_optimizer(const PlumBinding *b, Quadratic *q, double *theta, PlumOptimResult *res,
              GError **error)
{
  PlumObjective obj = {.struct_size = sizeof obj,
                       .n_params = OPT_DIM,
                       .n_terms = OPT_TERMS,
                       .ctx = q,
                       .eval = quadratic_eval};
  PlumRng *rng = plum_rng_new(5);
  PlumOptimContext ctx = {.struct_size = sizeof ctx, .rng = rng};
  for (size_t j = 0; j < OPT_DIM; j++)
    theta[j] = 2.0;
  gboolean ok = plum_optimizer_minimize(b, &obj, theta, &ctx, res, error);
  plum_rng_free(rng);
  return ok;
}

static gboolean
smoke_optimizer(Check *ck, const PlumBinding *b, GError **error)
{
  return TRUE; /* binding succeeded; running at an extreme bound may legitimately diverge */
}

static void
check_optimizer(Check *ck, const PlumBinding *defaults)
{
  Quadratic q;
  PlumRng *rng = plum_rng_new(11);
  for (size_t k = 0; k < OPT_TERMS; k++)
    for (size_t j = 0; j < OPT_DIM; j++)
      q.c[k][j] = plum_rng_normal(rng);
  plum_rng_free(rng);

  const char *long_run[] = {"max_iter=10000", NULL};
  GError *error = NULL;
  PlumBinding *b = bind(ck, long_run, &error);
  double theta[OPT_DIM], again[OPT_DIM], start_gap;
  for (size_t j = 0; j < OPT_DIM; j++)
    theta[j] = 2.0;
  start_gap = quadratic_gap(&q, theta);
  PlumOptimResult res = {.struct_size = sizeof res};
  gboolean ok = b != NULL && run_optimizer(b, &q, theta, &res, &error);
  double gap = quadratic_gap(&q, theta);
  result(ck, ok && gap < 0.5 * start_gap, error,
         "approaches a quadratic's minimum (distance %.3g from %.3g; %s)", gap, start_gap,
         res.stop_reason);
  g_clear_error(&error);
  ok = b != NULL && run_optimizer(b, &q, again, &res, &error);
  result(ck, ok && memcmp(theta, again, sizeof theta) == 0, error,
         "the same seed gives identical parameters");
  g_clear_error(&error);
  plum_binding_free(b);

  const char *short_run[] = {"max_iter=3", NULL};
  b = bind(ck, short_run, &error);
  ok = b != NULL && run_optimizer(b, &q, theta, &res, &error);
  result(ck, ok && res.n_iter <= 3, error, "stops at max_iter (%zu iterations)", res.n_iter);
  g_clear_error(&error);
  plum_binding_free(b);
}

/* Kernels ------------------------------------------------------------------------------------- */

static gboolean
smoke_kernel(Check *ck, const PlumBinding *b, GError **error)
{
  double x[N_COLS] = {0.5, -1, 2}, y[N_COLS] = {1, 0, -0.5};
  return !isnan(plum_kernel_eval(b, x, y, N_COLS));
}

static void
check_gram(Check *ck, const PlumBinding *b, const PlumMatrix *X, const PlumMatrix *Y)
{
  const PlumMatrix *B = Y ? Y : X;
  PlumMatrix *K = plum_matrix_new(X->rows, B->rows, NULL);
  GError *error = NULL;
  gboolean ok = plum_kernel_gram(b, X, Y, K, &error);
  double worst = 0;
  for (size_t i = 0; ok && i < X->rows; i++)
    for (size_t j = 0; j < B->rows; j++) {
      double e = plum_kernel_eval(b, PLUM_MATRIX_ROW(X, i), PLUM_MATRIX_ROW(B, j), X->cols);
      /* white noise only exists on the diagonal of K(X, X): it compares the points themselves */
      if (Y == NULL && i == j)
        continue;
      worst = fmax(worst, max_rel_diff(&PLUM_MATRIX_AT(K, i, j), &e, 1));
    }
  result(ck, ok && worst < 1e-10, error, "Gram matrix %s agrees with pointwise values (%.2g)",
         Y ? "K(X, Y)" : "K(X, X)", worst);
  g_clear_error(&error);
  plum_matrix_free(K);
}

static void
check_gram_gradient(Check *ck, const PlumBinding *b, const PlumMatrix *X)
{
  size_t p = plum_binding_n_learnable(b), n = X->rows;
  if (p == 0)
    return;
  PlumMatrix *K = plum_matrix_new(n, n, NULL), *Kp = plum_matrix_new(n, n, NULL),
             *Km = plum_matrix_new(n, n, NULL);
  PlumMatrix *dK = g_new0(PlumMatrix, p);
  double *storage = g_new0(double, p * n * n);
  for (size_t k = 0; k < p; k++)
    dK[k] = plum_matrix_view(storage + k * n * n, n, n, 0);
  GError *error = NULL;
  gboolean ok = plum_kernel_gram(b, X, NULL, K, &error) &&
                plum_kernel_gram_gradient(b, X, K, dK, &error);
  PlumBinding *work = plum_binding_copy(b);
  double *theta = g_new(double, p), *lower = g_new(double, p), *upper = g_new(double, p);
  double worst = 0;
  plum_binding_get_learnable(work, theta, lower, upper);
  for (size_t k = 0; ok && k < p; k++) {
    /* One-sided at a bound: the binding clamps anything beyond it. */
    double t = theta[k], h = 1e-5 * fmax(1, fabs(t));
    double hi = fmin(t + h, upper[k]), lo = fmax(t - h, lower[k]);
    theta[k] = hi;
    plum_binding_set_learnable(work, theta);
    ok = plum_kernel_gram(work, X, NULL, Kp, &error);
    theta[k] = lo;
    plum_binding_set_learnable(work, theta);
    ok = ok && plum_kernel_gram(work, X, NULL, Km, &error);
    theta[k] = t;
    plum_binding_set_learnable(work, theta);
    for (size_t i = 0; ok && i < n * n; i++) {
      double fd = (Kp->data[i] - Km->data[i]) / (hi - lo);
      worst = fmax(worst, max_rel_diff(&dK[k].data[i], &fd, 1));
    }
  }
  result(ck, ok && worst < 1e-4, error,
         "Gram gradient matches finite differences in %zu learnable parameters (%.2g)", p, worst);
  g_clear_error(&error);
  g_free(upper);
  g_free(lower);
  g_free(theta);
  plum_binding_free(work);
  g_free(storage);
  g_free(dK);
  plum_matrix_free(Km);
  plum_matrix_free(Kp);
  plum_matrix_free(K);
}

/* PLUM_CAP_KERNEL_DIAGONAL: K(X, X) (given) is zero off its diagonal and K(X, Y) is zero, as
 * a sum may then add the kernel through its diagonal alone. */
static void
check_diagonal_kernel(Check *ck, const PlumBinding *b, const PlumMatrix *X, const PlumMatrix *Y,
                      const PlumMatrix *K)
{
  PlumMatrix *C = plum_matrix_new(X->rows, Y->rows, NULL);
  gboolean ok = plum_kernel_gram(b, X, Y, C, NULL);
  for (size_t i = 0; ok && i < X->rows; i++) {
    for (size_t j = 0; j < X->rows; j++)
      ok = ok && (i == j || PLUM_MATRIX_AT(K, i, j) == 0);
    for (size_t j = 0; j < Y->rows; j++)
      ok = ok && PLUM_MATRIX_AT(C, i, j) == 0;
  }
  result(ck, ok, NULL, "diagonal kernel: zero off the diagonal of K(X, X) and on K(X, Y)");
  plum_matrix_free(C);
}

static void
check_kernel(Check *ck, const PlumBinding *b)
{
  PlumRng *rng = plum_rng_new(13);
  PlumMatrix *X = random_matrix(rng, 7, N_COLS, FALSE), *Y = random_matrix(rng, 5, N_COLS, FALSE);
  plum_rng_free(rng);
  double worst = 0;
  for (size_t i = 0; i < X->rows; i++)
    for (size_t j = 0; j < Y->rows; j++) {
      double a = plum_kernel_eval(b, PLUM_MATRIX_ROW(X, i), PLUM_MATRIX_ROW(Y, j), N_COLS);
      double c = plum_kernel_eval(b, PLUM_MATRIX_ROW(Y, j), PLUM_MATRIX_ROW(X, i), N_COLS);
      worst = fmax(worst, max_rel_diff(&a, &c, 1));
    }
  result(ck, worst < 1e-12, NULL, "k(x, y) = k(y, x)");
  check_gram(ck, b, X, NULL);
  check_gram(ck, b, X, Y);
  double *diag = g_new(double, X->rows);
  plum_kernel_diag(b, X, diag);
  PlumMatrix *K = plum_matrix_new(X->rows, X->rows, NULL);
  gboolean ok = plum_kernel_gram(b, X, NULL, K, NULL);
  worst = 0;
  for (size_t i = 0; ok && i < X->rows; i++)
    worst = fmax(worst, max_rel_diff(&diag[i], &PLUM_MATRIX_AT(K, i, i), 1));
  result(ck, ok && worst < 1e-10, NULL, "diag agrees with the Gram matrix");
  if (plum_component_caps(plum_binding_component(b)) & PLUM_CAP_KERNEL_DIAGONAL)
    check_diagonal_kernel(ck, b, X, Y, K);
  plum_matrix_free(K);
  g_free(diag);
  check_gram_gradient(ck, b, X);
  plum_matrix_free(Y);
  plum_matrix_free(X);
}

/* Activations, costs, families ---------------------------------------------------------------- */

static gboolean
smoke_activation(Check *ck, const PlumBinding *b, GError **error)
{
  double z[4] = {-2, -0.5, 0.5, 2}, a[4];
  PlumMatrix Z = plum_matrix_view(z, 1, 4, 0), A = plum_matrix_view(a, 1, 4, 0);
  plum_activation_forward(b, &Z, &A);
  return TRUE;
}

static void
check_activation(Check *ck, const PlumBinding *b)
{
  PlumRng *rng = plum_rng_new(17);
  PlumMatrix *Z = random_matrix(rng, 4, 5, FALSE), *dA = random_matrix(rng, 4, 5, FALSE);
  plum_rng_free(rng);
  for (size_t i = 0; i < 20; i++)
    Z->data[i] += Z->data[i] > 0 ? 0.1 : -0.1; /* stay off kinks such as relu's at 0 */
  PlumMatrix *A = plum_matrix_new(4, 5, NULL), *dZ = plum_matrix_new(4, 5, NULL),
             *Ap = plum_matrix_new(4, 5, NULL), *Am = plum_matrix_new(4, 5, NULL);
  plum_activation_forward(b, Z, A);
  plum_activation_backward(b, Z, A, dA, dZ);
  double worst = 0;
  gboolean finite = TRUE;
  for (size_t i = 0; i < 20; i++) {
    finite = finite && isfinite(A->data[i]);
    double z = Z->data[i], h = 1e-6 * fmax(1, fabs(z));
    Z->data[i] = z + h;
    plum_activation_forward(b, Z, Ap);
    Z->data[i] = z - h;
    plum_activation_forward(b, Z, Am);
    Z->data[i] = z;
    double fd = 0;
    for (size_t k = 0; k < 20; k++)
      fd += dA->data[k] * (Ap->data[k] - Am->data[k]) / (2 * h);
    worst = fmax(worst, max_rel_diff(&dZ->data[i], &fd, 1));
  }
  result(ck, finite, NULL, "forward values are finite");
  result(ck, worst < GRAD_TOL, NULL, "backward matches finite differences (%.2g)", worst);
  plum_matrix_free(Am);
  plum_matrix_free(Ap);
  plum_matrix_free(dZ);
  plum_matrix_free(A);
  plum_matrix_free(dA);
  plum_matrix_free(Z);
}

/* Predictions in (0, 1) whose rows sum to 1, and 0/1 (else -1/+1) one-hot targets. */
static gboolean
cost_inputs(const PlumBinding *b, PlumMatrix *P, PlumMatrix *T, GError **error)
{
  PlumRng *rng = plum_rng_new(19);
  for (size_t i = 0; i < P->rows; i++) {
    double sum = 0;
    for (size_t j = 0; j < P->cols; j++)
      sum += (PLUM_MATRIX_AT(P, i, j) = 0.1 + plum_rng_uniform(rng));
    for (size_t j = 0; j < P->cols; j++)
      PLUM_MATRIX_AT(P, i, j) /= sum;
  }
  plum_rng_free(rng);
  double value;
  for (int pass = 0; pass < 2; pass++) {
    for (size_t i = 0; i < T->rows; i++)
      for (size_t j = 0; j < T->cols; j++)
        PLUM_MATRIX_AT(T, i, j) = j == i % T->cols ? 1 : (pass == 0 ? 0 : -1);
    g_clear_error(error);
    if (plum_cost_loss(b, P, T, &value, NULL, error))
      return TRUE;
  }
  return FALSE;
}

static gboolean
smoke_cost(Check *ck, const PlumBinding *b, GError **error)
{
  PlumMatrix *P = plum_matrix_new(3, 3, NULL), *T = plum_matrix_new(3, 3, NULL);
  gboolean ok = cost_inputs(b, P, T, error);
  plum_matrix_free(T);
  plum_matrix_free(P);
  return ok;
}

static void
check_cost(Check *ck, const PlumBinding *b)
{
  PlumMatrix *P = plum_matrix_new(4, 3, NULL), *T = plum_matrix_new(4, 3, NULL),
             *G = plum_matrix_new(4, 3, NULL);
  GError *error = NULL;
  double value = NAN, worst = 0;
  gboolean ok = cost_inputs(b, P, T, &error) && plum_cost_loss(b, P, T, &value, G, &error);
  result(ck, ok && isfinite(value), error, "loss on valid predictions and targets is finite");
  g_clear_error(&error);
  for (size_t i = 0; ok && i < 12; i++) {
    double p = P->data[i], h = 1e-6, vp, vm;
    P->data[i] = p + h;
    ok = plum_cost_loss(b, P, T, &vp, NULL, &error);
    P->data[i] = p - h;
    ok = ok && plum_cost_loss(b, P, T, &vm, NULL, &error);
    P->data[i] = p;
    double fd = (vp - vm) / (2 * h);
    worst = fmax(worst, max_rel_diff(&G->data[i], &fd, 1));
  }
  result(ck, ok && worst < GRAD_TOL, error, "gradient matches finite differences (%.2g)", worst);
  g_clear_error(&error);
  plum_matrix_free(G);
  plum_matrix_free(T);
  plum_matrix_free(P);
}

#define FAM_N 8

/* The first of several plausible responses the family accepts. */
static gboolean
family_response(const PlumFamilyVTable *vt, const void *params, double *y)
{
  static const double sets[][FAM_N] = {
      {0.2, 0.4, 0.5, 0.6, 0.8, 0.3, 0.7, 0.45}, /* proportions */
      {0, 1, 2, 3, 4, 5, 1, 2},                  /* counts */
      {0.5, 1, 1.5, 2, 2.5, 3, 0.7, 1.2},        /* positive */
      {-1, 0.5, 2, -0.3, 1.1, 0, 3, -2},         /* any real */
      {0, 1, 1, 0, 1, 0, 0, 1},                  /* binary */
  };
  for (size_t s = 0; s < G_N_ELEMENTS(sets); s++)
    if (vt->check_y(params, sets[s], FAM_N, NULL)) {
      memcpy(y, sets[s], sizeof sets[s]);
      return TRUE;
    }
  return FALSE;
}

static gboolean
smoke_family(Check *ck, const PlumBinding *b, GError **error)
{
  const void *params;
  const PlumFamilyVTable *vt = plum_family_vtable(b, &params);
  double y[FAM_N];
  return family_response(vt, params, y);
}

/* working_weights, where the family has it for this link, against w μ′²/V(μ) and W z from
 * mu_eta and variance (at eta, whose μ is mu = linkinv(eta)), with and without weights. */
static void
check_working_weights(Check *ck, const PlumFamilyVTable *vt, const void *params, const double *y,
                      const double *eta, const double *dmu, const double *var)
{
  if (vt->working_weights == NULL)
    return;
  double mu[FAM_N], w[FAM_N], W[FAM_N], Wz[FAM_N], want_W[FAM_N], want_Wz[FAM_N];
  vt->linkinv(params, eta, mu, FAM_N);
  double worst = 0;
  for (int weighted = 0; weighted <= 1; weighted++) {
    for (size_t i = 0; i < FAM_N; i++) {
      w[i] = weighted ? 0.5 + 0.25 * (double)i : 1.0;
      want_W[i] = w[i] * dmu[i] * dmu[i] / var[i];
      want_Wz[i] = want_W[i] * (eta[i] + (y[i] - mu[i]) / dmu[i]);
    }
    if (!vt->working_weights(params, y, weighted ? w : NULL, eta, mu, FAM_N, W, Wz))
      return; /* no shortcut for this link: the model computes them */
    worst = fmax(worst, fmax(max_rel_diff(W, want_W, FAM_N), max_rel_diff(Wz, want_Wz, FAM_N)));
  }
  result(ck, worst < 1e-10, NULL, "working_weights match mu_eta and variance (%.2g)", worst);
}

static void
check_family(Check *ck, const PlumBinding *b)
{
  const void *params;
  const PlumFamilyVTable *vt = plum_family_vtable(b, &params);
  double y[FAM_N], mu[FAM_N], eta[FAM_N], back[FAM_N], dmu[FAM_N], var[FAM_N];
  gboolean ok = family_response(vt, params, y);
  result(ck, ok, NULL, "accepts a plausible response (proportions, counts, positive or real)");
  if (!ok)
    return;
  vt->mustart(params, y, mu, FAM_N);
  result(ck, vt->valid_mu == NULL || vt->valid_mu(params, mu, FAM_N), NULL,
         "mustart gives a valid mean");
  vt->link(params, mu, eta, FAM_N);
  vt->linkinv(params, eta, back, FAM_N);
  result(ck, max_rel_diff(mu, back, FAM_N) < 1e-10, NULL, "linkinv(link(mu)) = mu");
  vt->mu_eta(params, eta, dmu, FAM_N);
  double worst = 0;
  for (size_t i = 0; i < FAM_N; i++) {
    double h = 1e-6 * fmax(1, fabs(eta[i])), e[2] = {eta[i] + h, eta[i] - h}, m[2];
    vt->linkinv(params, e, m, 2);
    double fd = (m[0] - m[1]) / (2 * h);
    worst = fmax(worst, max_rel_diff(&dmu[i], &fd, 1));
  }
  result(ck, worst < GRAD_TOL, NULL, "mu_eta matches finite differences (%.2g)", worst);
  vt->variance(params, mu, var, FAM_N);
  gboolean positive = TRUE;
  for (size_t i = 0; i < FAM_N; i++)
    positive = positive && var[i] > 0 && isfinite(var[i]);
  result(ck, positive, NULL, "variance is positive and finite");
  double dev = vt->deviance(params, y, mu, NULL, FAM_N);
  result(ck, isfinite(dev) && dev >= 0, NULL, "deviance is finite and non-negative (%g)", dev);
  check_working_weights(ck, vt, params, y, eta, dmu, var);
  double bad[FAM_N] = {NAN, 0, 0, 0, 0, 0, 0, 0};
  GError *error = NULL;
  result(ck, !vt->check_y(params, bad, FAM_N, &error) && error != NULL, NULL,
         "refuses a NaN response with an error");
  g_clear_error(&error);
}

/* Dispatch ------------------------------------------------------------------------------------ */

typedef struct {
  SmokeFunc smoke;
  void (*check)(Check *ck, const PlumBinding *b);
} KindChecks;

static const KindChecks kind_checks[PLUM_KIND_LAST + 1] = {
    [PLUM_KIND_MODEL] = {smoke_model, check_model},
    [PLUM_KIND_OPTIMIZER] = {smoke_optimizer, check_optimizer},
    [PLUM_KIND_KERNEL] = {smoke_kernel, check_kernel},
    [PLUM_KIND_ACTIVATION] = {smoke_activation, check_activation},
    [PLUM_KIND_COST] = {smoke_cost, check_cost},
    [PLUM_KIND_FAMILY] = {smoke_family, check_family},
};

size_t
plum_check_component(const PlumRegistry *reg, const PlumComponent *c,
                     const char *const *overrides, PlumCheckFunc report, gpointer user)
{
  Check ck = {.reg = reg, .c = c, .overrides = overrides, .report = report, .user = user};
  const KindChecks *kc = &kind_checks[plum_component_kind(c)];
  GError *error = NULL;
  PlumBinding *b = bind(&ck, NULL, &error);
  result(&ck, b != NULL, error, "binds with its defaults");
  g_clear_error(&error);
  if (b == NULL)
    return ck.failures;
  check_schema(&ck, kc->smoke);
  kc->check(&ck, b);
  plum_binding_free(b);
  return ck.failures;
}
