/* ridge_classifier.c — a third-party model plugin for plum, built only against the installed
 * SDK: a multiclass ridge classifier trained by any optimizer.
 *
 * Each class k gets a score s_k(x) = w_kᵀx + b_k, fitted by least squares to a ±1 coding of
 * the labels (+1 for the row's class, −1 for the others), with a ridge penalty on W:
 *   F(W, b) = Σ_i [ ½ ‖W x_i + b − t_i‖² + α/(2n) ‖W‖² ];
 * a row goes to the class with the highest score (scikit-learn's RidgeClassifier). The model
 * never solves F itself: fit hands the objective to the optimizer the pipeline names (any
 * optimizer plugin, built-in or not, full-batch or minibatch) and installs the answer with
 * set_theta. θ is W row-major (K x d) followed by b (K). The scores go through libplum's GEMM
 * (BLAS) on the selected rows, gathered into scratch buffers kept in the objective, which is
 * used by one thread at a time, so steady training allocates nothing.
 */
#include <math.h>
#include <string.h>
#include <plum/plugin.h>

typedef struct {
  double alpha;
  PlumBinding *optimizer;
} RidgeParams;

static const PlumParamSpec ridge_params[] = {
    PLUM_PARAM_REAL_SPEC(RidgeParams, alpha, 1.0, 0.0, INFINITY, 0,
                         "ridge penalty alpha/2 |W|^2 on the summed squared error (the "
                         "intercepts are not penalised)"),
    PLUM_PARAM_COMPONENT_SPEC(RidgeParams, optimizer, PLUM_KIND_OPTIMIZER, "lbfgs", 0,
                              "the optimizer that minimises the penalised squared error"),
};

typedef struct {
  const RidgeParams *params;
  size_t n_features;
  size_t n_classes;
  double *coef; /* K x d, then the K intercepts; NULL until fitted */
} Ridge;

/* The training rows as the objective sees them, and its scratch for `capacity` rows. */
typedef struct {
  const PlumMatrix *X;
  const PlumMatrix *y;
  size_t n_classes;
  double alpha;
  size_t capacity;
  double *xb;     /* gathered rows, capacity x d */
  double *scores; /* capacity x K: scores, then residuals */
} RidgeObjective;

/* Checks ------------------------------------------------------------------------------------ */

static gboolean
check_labels(const PlumMatrix *y, size_t n_rows, size_t n_classes, GError **error)
{
  if (!plum_matrix_check_shape(y, n_rows, 1, "y", error))
    return FALSE;
  for (size_t i = 0; i < n_rows; i++) {
    double c = PLUM_MATRIX_AT(y, i, 0);
    if (!(c >= 0 && c < (double)n_classes && c == floor(c))) {
      g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                  "ridge_classifier: y[%zu] = %g is not a class index below %zu", i, c, n_classes);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
check_fit_data(const PlumFitData *data, GError **error)
{
  if (data->y == NULL || data->n_classes < 2 || data->X->rows < 1 || data->X->cols < 1) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "ridge_classifier: needs labelled rows of at least one feature and two classes");
    return FALSE;
  }
  return plum_matrix_check_finite(data->X, "X", error) &&
         check_labels(data->y, data->X->rows, data->n_classes, error);
}

/* Scores: S = X Wᵀ + 1 bᵀ (S is X->rows x K). */
static gboolean
scores(const PlumMatrix *X, const double *coef, size_t K, PlumMatrix *S, GError **error)
{
  const double *b = coef + K * X->cols;
  for (size_t i = 0; i < X->rows; i++)
    memcpy(PLUM_MATRIX_ROW(S, i), b, K * sizeof(double));
  PlumMatrix W = plum_matrix_view((double *)coef, K, X->cols, 0);
  return plum_matrix_gemm(FALSE, TRUE, 1.0, X, &W, 1.0, S, error);
}

/* The objective ---------------------------------------------------------------------------- */

/* Copies the selected rows (all when terms is NULL) into the scratch matrix. */
static PlumMatrix
gather(RidgeObjective *o, const size_t *terms, size_t m)
{
  size_t d = o->X->cols;
  for (size_t s = 0; s < m; s++)
    memcpy(o->xb + s * d, PLUM_MATRIX_ROW(o->X, terms ? terms[s] : s), d * sizeof(double));
  return plum_matrix_view(o->xb, m, d, 0);
}

static void
ensure_capacity(RidgeObjective *o, size_t rows)
{
  if (rows <= o->capacity)
    return;
  o->capacity = rows;
  o->xb = g_renew(double, o->xb, rows * o->X->cols);
  o->scores = g_renew(double, o->scores, rows * o->n_classes);
}

static gboolean
objective_eval(void *ctx, const double *theta, const size_t *terms, size_t n_sel, double *value,
               double *grad, GError **error)
{
  RidgeObjective *o = ctx;
  size_t n = o->X->rows, d = o->X->cols, K = o->n_classes, m = terms ? n_sel : n;
  ensure_capacity(o, m);
  PlumMatrix Xb = gather(o, terms, m), R = plum_matrix_view(o->scores, m, K, 0);
  if (!scores(&Xb, theta, K, &R, error))
    return FALSE;
  double loss = 0, share = o->alpha * (double)m / (double)n;
  for (size_t s = 0; s < m; s++) {
    size_t label = (size_t)PLUM_MATRIX_AT(o->y, terms ? terms[s] : s, 0);
    double *r = PLUM_MATRIX_ROW(&R, s);
    for (size_t k = 0; k < K; k++) {
      r[k] -= k == label ? 1.0 : -1.0; /* the residual against the ±1 code */
      loss += 0.5 * r[k] * r[k];
    }
  }
  double penalty = 0;
  for (size_t p = 0; p < K * d; p++)
    penalty += theta[p] * theta[p];
  *value = loss + 0.5 * share * penalty;
  if (grad == NULL)
    return TRUE;
  /* ∂F/∂W = Rᵀ X + share W, ∂F/∂b = Σ rows of R */
  memcpy(grad, theta, K * d * sizeof(double));
  PlumMatrix G = plum_matrix_view(grad, K, d, 0);
  if (!plum_matrix_gemm(TRUE, FALSE, 1.0, &R, &Xb, share, &G, error))
    return FALSE;
  double *gb = grad + K * d;
  memset(gb, 0, K * sizeof(double));
  for (size_t s = 0; s < m; s++)
    for (size_t k = 0; k < K; k++)
      gb[k] += PLUM_MATRIX_AT(&R, s, k);
  return TRUE;
}

static void
objective_free(void *ctx)
{
  RidgeObjective *o = ctx;
  g_free(o->xb);
  g_free(o->scores);
  g_free(o);
}

static gboolean
ridge_objective(void *self, const PlumFitData *data, PlumObjective *obj, GError **error)
{
  const Ridge *ridge = self;
  if (!check_fit_data(data, error))
    return FALSE;
  RidgeObjective *o = g_new0(RidgeObjective, 1);
  *o = (RidgeObjective){
      .X = data->X, .y = data->y, .n_classes = data->n_classes, .alpha = ridge->params->alpha};
  ensure_capacity(o, data->X->rows);
  /* initial is NULL: θ = 0 (all scores 0) is a fine start for a convex quadratic. */
  *obj = (PlumObjective){.struct_size = sizeof *obj,
                         .n_params = data->n_classes * (data->X->cols + 1),
                         .n_terms = data->X->rows,
                         .ctx = o,
                         .eval = objective_eval,
                         .free = objective_free};
  return TRUE;
}

static gboolean
ridge_set_theta(void *self, const PlumFitData *data, const double *theta, GError **error)
{
  Ridge *ridge = self;
  if (!check_fit_data(data, error))
    return FALSE;
  size_t n_params = data->n_classes * (data->X->cols + 1);
  g_free(ridge->coef);
  ridge->coef = g_memdup2(theta, n_params * sizeof *theta);
  ridge->n_features = data->X->cols;
  ridge->n_classes = data->n_classes;
  return TRUE;
}

/* The model vtable -------------------------------------------------------------------------- */

static void *
ridge_create(const void *params, GError **error)
{
  Ridge *ridge = g_new0(Ridge, 1);
  ridge->params = params;
  return ridge;
}

static void
ridge_destroy(void *self)
{
  Ridge *ridge = self;
  g_free(ridge->coef);
  g_free(ridge);
}

static gboolean
ridge_fit(void *self, const PlumFitData *data, GError **error)
{
  Ridge *ridge = self;
  PlumObjective obj;
  if (!ridge_objective(ridge, data, &obj, error))
    return FALSE;
  PlumOptimContext ctx = {.struct_size = sizeof ctx, .rng = data->rng, .progress = data->progress};
  PlumOptimResult result = {.struct_size = sizeof result};
  double *theta = g_new0(double, obj.n_params);
  gboolean ok =
      plum_optimizer_minimize(ridge->params->optimizer, &obj, theta, &ctx, &result, error) &&
      ridge_set_theta(ridge, data, theta, error);
  if (ok && data->report != NULL) {
    plum_state_set_int(data->report, "n_iter", (gint64)result.n_iter);
    plum_state_set_real(data->report, "objective", result.value);
    plum_state_set_string(data->report, "stop_reason", result.stop_reason);
  }
  g_free(theta);
  obj.free(obj.ctx);
  return ok;
}

static void
ridge_shape(const void *self, PlumModelShape *shape)
{
  const Ridge *ridge = self;
  shape->n_features = ridge->n_features;
  shape->n_outputs = 1;
  shape->n_classes = ridge->n_classes;
  shape->n_transform = 0;
}

static gboolean
ridge_predict(const void *self, const PlumMatrix *X, PlumMatrix *out, GError **error)
{
  const Ridge *ridge = self;
  if (ridge->coef == NULL) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_NOT_FITTED,
                "ridge_classifier: the model is not fitted; call fit or load first");
    return FALSE;
  }
  if (!plum_matrix_check_shape(X, 0, ridge->n_features, "X", error) ||
      !plum_matrix_check_finite(X, "X", error) ||
      !plum_matrix_check_shape(out, X->rows, 1, "predictions", error))
    return FALSE;
  size_t K = ridge->n_classes;
  PlumMatrix *S = plum_matrix_new(X->rows, K, error);
  if (S == NULL)
    return FALSE;
  gboolean ok = scores(X, ridge->coef, K, S, error);
  for (size_t i = 0; ok && i < X->rows; i++) {
    const double *s = PLUM_MATRIX_ROW(S, i);
    size_t best = 0;
    for (size_t k = 1; k < K; k++)
      best = s[k] > s[best] ? k : best;
    PLUM_MATRIX_AT(out, i, 0) = (double)best;
  }
  plum_matrix_free(S);
  return ok;
}

static gboolean
ridge_save(const void *self, PlumState *state, GError **error)
{
  const Ridge *ridge = self;
  if (ridge->coef == NULL) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_NOT_FITTED,
                "ridge_classifier: nothing to save before fit");
    return FALSE;
  }
  size_t K = ridge->n_classes, d = ridge->n_features;
  plum_state_set_reals(state, "coef", ridge->coef, K, d);
  plum_state_set_reals(state, "intercept", ridge->coef + K * d, 1, K);
  return TRUE;
}

static gboolean
ridge_load(void *self, const PlumState *state, GError **error)
{
  Ridge *ridge = self;
  size_t K = 0, d = 0;
  const double *coef = plum_state_get_reals(state, "coef", 0, 0, &K, &d, error);
  const double *b = coef ? plum_state_get_reals(state, "intercept", 1, K, NULL, NULL, error) : NULL;
  if (b == NULL)
    return FALSE;
  PlumMatrix cv = plum_matrix_view((double *)coef, K, d, 0),
             bv = plum_matrix_view((double *)b, 1, K, 0);
  if (K < 2 || d < 1) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
                "ridge_classifier: saved coef is %zu x %zu: it needs two classes and a feature", K,
                d);
    return FALSE;
  }
  if (!plum_matrix_check_finite(&cv, "saved coef", error) ||
      !plum_matrix_check_finite(&bv, "saved intercept", error))
    return FALSE;
  g_free(ridge->coef);
  ridge->coef = g_new(double, K *(d + 1));
  memcpy(ridge->coef, coef, K * d * sizeof(double));
  memcpy(ridge->coef + K * d, b, K * sizeof(double));
  ridge->n_classes = K;
  ridge->n_features = d;
  return TRUE;
}

static const PlumModelVTable ridge_vtable = {
    .struct_size = sizeof(PlumModelVTable),
    .create = ridge_create,
    .destroy = ridge_destroy,
    .fit = ridge_fit,
    .shape = ridge_shape,
    .save = ridge_save,
    .load = ridge_load,
    .predict = ridge_predict,
    .objective = ridge_objective,
    .set_theta = ridge_set_theta,
};

static const PlumComponentDesc ridge_components[] = {
    {
        .struct_size = sizeof(PlumComponentDesc),
        .kind = PLUM_KIND_MODEL,
        .name = "ridge_classifier",
        .summary = "multiclass ridge classifier (least squares on +-1 codes) trained by any "
                   "optimizer",
        .caps = PLUM_CAP_SUPERVISED | PLUM_CAP_CLASSIFIER,
        .params = ridge_params,
        .n_params = G_N_ELEMENTS(ridge_params),
        .params_size = sizeof(RidgeParams),
        .vtable = &ridge_vtable,
        .state_version = 1,
    },
};

PLUM_PLUGIN_DEFINE(ridge_classifier, "1.0.0", "MIT", "a ridge classifier, an out-of-tree example",
                   ridge_components, NULL)
