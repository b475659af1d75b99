/* components.c — the host side of the seams between component kinds.
 *
 * Plugins never call each other directly: a model that owns an optimizer or a kernel binding
 * calls these functions, which dispatch through the registered (host-sized) vtables. The
 * optimizer monitor lives here too: every optimizer reports each iteration to it, and it — not
 * the optimizer — applies the common stop rules (max_iter, gradient tolerance, relative change),
 * early stopping on a validation score, divergence detection and progress reporting, so that
 * these behave the same whichever optimizer the user picks.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <plum/config.h>
#include <plum/registry.h>

struct PlumOptimMonitor {
  const PlumOptimCommon *common;
  PlumOptimContext ctx; /* the caller's, in a zeroed host-sized copy */
  PlumOptimResult *result;
  size_t n_params;
  double prev_value;
  gboolean have_prev;
  double val_score, val_metric; /* this iteration's validation (NAN: none) */
  double best_score, best_metric;
  size_t best_iter;
  double *best_theta; /* early stopping: the best validated point */
  size_t since_best;
  gboolean stopped;
  GError *failure; /* divergence or a failed validation */
};

static const void *
vtable_of(const PlumBinding *b, PlumComponentKind kind)
{
  const PlumComponent *c = plum_binding_component(b);
  g_return_val_if_fail(plum_component_kind(c) == kind, NULL);
  return plum_component_vtable(c);
}

static void
monitor_set_reason(PlumOptimMonitor *m, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void
monitor_set_reason(PlumOptimMonitor *m, const char *fmt, ...)
{
  if (m->stopped)
    return;
  va_list ap;
  va_start(ap, fmt);
  g_vsnprintf(m->result->stop_reason, sizeof m->result->stop_reason, fmt, ap);
  va_end(ap);
  m->stopped = TRUE;
}

static double
vector_norm(const double *v, size_t n)
{
  double s = 0;
  for (size_t i = 0; i < n; i++)
    s += v[i] * v[i];
  return sqrt(s);
}

static gboolean
monitor_validates(const PlumOptimMonitor *m)
{
  return m->common->patience > 0 && m->ctx.validate != NULL;
}

/* Early stopping: validates theta, remembers the best point, and restores it when patience
 * runs out. */
static void
monitor_validate(PlumOptimMonitor *m, double *theta)
{
  const PlumOptimContext *ctx = &m->ctx;
  double score;
  GError *error = NULL;
  if (!ctx->validate(ctx->validate_user, theta, &score, &error)) {
    g_propagate_prefixed_error(&m->failure, error, "validation failed: ");
    monitor_set_reason(m, "validation failed");
    return;
  }
  m->val_score = score;
  if (ctx->validate_metric != NULL)
    m->val_metric = ctx->validate_metric(ctx->validate_user);
  if (m->best_theta == NULL || score < m->best_score - m->common->min_delta) {
    if (m->best_theta == NULL)
      m->best_theta = g_new(double, m->n_params);
    memcpy(m->best_theta, theta, m->n_params * sizeof(double));
    m->best_score = score;
    m->best_metric = m->val_metric;
    m->best_iter = m->result->n_iter;
    m->since_best = 0;
    return;
  }
  if (++m->since_best >= (size_t)m->common->patience) {
    memcpy(theta, m->best_theta, m->n_params * sizeof(double));
    monitor_set_reason(m, "early stopping: no validation improvement in %zu checks (best %.6g)",
                       m->since_best, m->best_score);
  }
}

/* The iteration's line: the mean objective, and the validation when early stopping is on. */
static void
monitor_progress(const PlumOptimMonitor *m)
{
  PlumProgress *progress = m->ctx.progress;
  if (progress == NULL)
    return;
  if (monitor_validates(m)) {
    plum_progress_set_metric(progress, "val_loss", m->val_score);
    if (m->ctx.validate_metric != NULL) {
      char name[64];
      g_snprintf(name, sizeof name, "val_%s", m->ctx.validate_metric_name);
      plum_progress_set_metric(progress, name, m->val_metric);
    }
  }
  plum_progress_update(progress, m->result->n_iter, m->result->value);
}

gboolean
plum_optim_monitor_step(PlumOptimMonitor *m, double *theta, double value, double grad_norm)
{
  PlumOptimResult *r = m->result;
  const PlumOptimCommon *c = m->common;
  r->n_iter++;
  r->value = value;
  r->grad_norm = grad_norm;
  m->val_score = m->val_metric = NAN;
  if (!isfinite(value) || !isfinite(vector_norm(theta, m->n_params))) {
    monitor_progress(m);
    g_set_error(&m->failure, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED,
                "the optimizer diverged at iteration %zu (objective %g): lower the learning "
                "rate or standardize the features",
                r->n_iter, value);
    monitor_set_reason(m, "diverged");
    return FALSE;
  }
  if (c->tol > 0 && isfinite(grad_norm) && grad_norm <= c->tol)
    monitor_set_reason(m, "converged: gradient norm %.3g <= tol %.3g", grad_norm, c->tol);
  if (c->rel_tol > 0 && m->have_prev &&
      fabs(m->prev_value - value) <= c->rel_tol * fmax(fabs(value), 1.0))
    monitor_set_reason(m, "converged: relative change <= rel_tol %.3g", c->rel_tol);
  m->prev_value = value;
  m->have_prev = TRUE;
  if (!m->stopped && monitor_validates(m))
    monitor_validate(m, theta);
  if (r->n_iter >= (size_t)c->max_iter)
    monitor_set_reason(m, "reached max_iter = %zu", r->n_iter);
  monitor_progress(m);
  return !m->stopped;
}

void
plum_optim_monitor_stop(PlumOptimMonitor *m, const char *reason)
{
  monitor_set_reason(m, "%s", reason);
}

void
plum_optim_monitor_count_eval(PlumOptimMonitor *m)
{
  m->result->n_evals++;
}

const PlumOptimCommon *
plum_optim_monitor_common(const PlumOptimMonitor *m)
{
  return m->common;
}

PlumRng *
plum_optim_monitor_rng(PlumOptimMonitor *m)
{
  return m->ctx.rng;
}

/* Early stopping's outcome in the fit report, under the names plugin.h promises. */
static void
monitor_report(const PlumOptimMonitor *m)
{
  PlumState *report = m->ctx.report;
  if (report == NULL || m->best_theta == NULL)
    return;
  plum_state_set_real(report, "val_best_loss", m->best_score);
  plum_state_set_int(report, "val_best_iter", (gint64)m->best_iter);
  if (m->ctx.validate_metric == NULL)
    return;
  char name[64];
  g_snprintf(name, sizeof name, "val_best_%s", m->ctx.validate_metric_name);
  plum_state_set_real(report, name, m->best_metric);
}

/* A caller built against an older plugin.h hands a shorter context: what it did not know reads
 * NULL here. */
static gboolean
context_copy(const PlumOptimContext *ctx, PlumOptimContext *copy)
{
  g_return_val_if_fail(ctx->struct_size >= offsetof(PlumOptimContext, validate_metric), FALSE);
  *copy = (PlumOptimContext){0};
  memcpy(copy, ctx, MIN(ctx->struct_size, sizeof *copy));
  copy->struct_size = sizeof *copy;
  g_return_val_if_fail(copy->validate_metric == NULL || copy->validate_metric_name != NULL, FALSE);
  return TRUE;
}

gboolean
plum_optimizer_minimize(const PlumBinding *optimizer, const PlumObjective *obj, double *theta,
                        const PlumOptimContext *ctx, PlumOptimResult *result, GError **error)
{
  const PlumOptimizerVTable *vt = vtable_of(optimizer, PLUM_KIND_OPTIMIZER);
  g_return_val_if_fail(vt != NULL && obj != NULL && theta != NULL && ctx != NULL, FALSE);
  const PlumComponent *comp = plum_binding_component(optimizer);
  if ((obj->lower != NULL || obj->upper != NULL) &&
      !(plum_component_caps(comp) & PLUM_CAP_USES_BOUNDS)) {
    g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_CAPABILITY,
                "%s: optimizer '%s' cannot keep parameters within bounds, which this objective "
                "has (use one with the uses-bounds capability, e.g. lbfgs)",
                plum_binding_path(optimizer), plum_component_name(comp));
    return FALSE;
  }
  const void *params = plum_binding_params(optimizer);
  PlumOptimResult local = {.struct_size = sizeof local};
  PlumOptimMonitor m = {
      .common = params, /* every optimizer's params struct starts with PlumOptimCommon */
      .result = result ? result : &local,
      .n_params = obj->n_params,
      .val_score = NAN,
      .val_metric = NAN,
  };
  if (!context_copy(ctx, &m.ctx))
    return FALSE;
  memset(m.result, 0, sizeof *m.result);
  m.result->struct_size = sizeof *m.result;
  m.result->value = NAN;
  m.result->grad_norm = NAN;
  if (m.ctx.progress != NULL)
    plum_progress_set_total(m.ctx.progress, (size_t)m.common->max_iter);

  GError *local_error = NULL;
  gboolean ok = vt->minimize(params, obj, theta, &m, &local_error);
  if (ok && m.failure != NULL) {
    g_propagate_error(&local_error, g_steal_pointer(&m.failure));
    ok = FALSE;
  }
  if (ok && !isfinite(vector_norm(theta, obj->n_params))) {
    g_set_error(&local_error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED,
                "optimizer '%s' returned non-finite parameters",
                plum_component_name(plum_binding_component(optimizer)));
    ok = FALSE;
  }
  if (!m.stopped)
    monitor_set_reason(&m, "the optimizer finished on its own criterion");
  if (m.ctx.progress != NULL)
    plum_progress_finish(m.ctx.progress, m.result->stop_reason);
  if (ok)
    monitor_report(&m);
  g_clear_error(&m.failure);
  g_free(m.best_theta);
  if (!ok)
    g_propagate_prefixed_error(error, local_error, "%s: ", plum_binding_path(optimizer));
  return ok;
}

/* Kernels ------------------------------------------------------------------------------------ */

double
plum_kernel_eval(const PlumBinding *kernel, const double *x, const double *y, size_t d)
{
  const PlumKernelVTable *vt = vtable_of(kernel, PLUM_KIND_KERNEL);
  return vt->eval(plum_binding_params(kernel), x, y, d);
}

/* Pairwise fallback for kernels without a batched Gram matrix. */
static void
gram_by_pairs(const PlumKernelVTable *vt, const void *params, const PlumMatrix *X,
              const PlumMatrix *Y, PlumMatrix *K)
{
  gboolean sym = Y == NULL;
  const PlumMatrix *B = sym ? X : Y;
  ptrdiff_t n = (ptrdiff_t)X->rows;
#pragma omp parallel for schedule(dynamic, 16)
  for (ptrdiff_t i = 0; i < n; i++) {
    for (size_t j = sym ? (size_t)i : 0; j < B->rows; j++) {
      double v = vt->eval(params, PLUM_MATRIX_ROW(X, i), PLUM_MATRIX_ROW(B, j), X->cols);
      PLUM_MATRIX_AT(K, i, j) = v;
      if (sym)
        PLUM_MATRIX_AT(K, j, i) = v;
    }
  }
}

gboolean
plum_kernel_gram(const PlumBinding *kernel, const PlumMatrix *X, const PlumMatrix *Y,
                 PlumMatrix *K, GError **error)
{
  const PlumKernelVTable *vt = vtable_of(kernel, PLUM_KIND_KERNEL);
  const PlumMatrix *B = Y ? Y : X;
  if (B->cols != X->cols) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "%s: points of dimension %zu and %zu cannot be compared", plum_binding_path(kernel),
                X->cols, B->cols);
    return FALSE;
  }
  if (!plum_matrix_check_shape(K, X->rows, B->rows, "Gram matrix", error))
    return FALSE;
  const void *params = plum_binding_params(kernel);
  if (vt->gram != NULL)
    return vt->gram(params, X, Y, K, error);
  gram_by_pairs(vt, params, X, Y, K);
  return TRUE;
}

/* Central differences in the learnable (log-)parameters, on a private copy of the binding. */
static gboolean
gram_gradient_numeric(const PlumBinding *kernel, const PlumMatrix *X, PlumMatrix *dK,
                      GError **error)
{
  size_t p = plum_binding_n_learnable(kernel), n = X->rows;
  PlumBinding *work = plum_binding_copy(kernel);
  double *theta = g_new(double, p);
  plum_binding_get_learnable(work, theta, NULL, NULL);
  PlumMatrix *Kp = plum_matrix_new(n, n, error);
  PlumMatrix *Km = Kp ? plum_matrix_new(n, n, error) : NULL;
  gboolean ok = Km != NULL;
  for (size_t k = 0; ok && k < p; k++) {
    double t = theta[k], h = 1e-6 * fmax(1.0, fabs(t));
    theta[k] = t + h;
    plum_binding_set_learnable(work, theta);
    ok = plum_kernel_gram(work, X, NULL, Kp, error);
    theta[k] = t - h;
    plum_binding_set_learnable(work, theta);
    ok = ok && plum_kernel_gram(work, X, NULL, Km, error);
    theta[k] = t;
    for (size_t i = 0; ok && i < n; i++)
      for (size_t j = 0; j < n; j++)
        PLUM_MATRIX_AT(&dK[k], i, j) =
            (PLUM_MATRIX_AT(Kp, i, j) - PLUM_MATRIX_AT(Km, i, j)) / (2 * h);
  }
  plum_matrix_free(Km);
  plum_matrix_free(Kp);
  g_free(theta);
  plum_binding_free(work);
  return ok;
}

gboolean
plum_kernel_gram_gradient(const PlumBinding *kernel, const PlumMatrix *X, const PlumMatrix *K,
                          PlumMatrix *dK, GError **error)
{
  const PlumKernelVTable *vt = vtable_of(kernel, PLUM_KIND_KERNEL);
  size_t p = plum_binding_n_learnable(kernel);
  for (size_t k = 0; k < p; k++)
    if (!plum_matrix_check_shape(&dK[k], X->rows, X->rows, "Gram gradient", error))
      return FALSE;
  if (vt->gram_gradient != NULL)
    return vt->gram_gradient(plum_binding_params(kernel), X, K, dK, error);
  return gram_gradient_numeric(kernel, X, dK, error);
}

void
plum_kernel_diag(const PlumBinding *kernel, const PlumMatrix *X, double *out)
{
  const PlumKernelVTable *vt = vtable_of(kernel, PLUM_KIND_KERNEL);
  const void *params = plum_binding_params(kernel);
  if (vt->diag != NULL) {
    vt->diag(params, X, out);
    return;
  }
  for (size_t i = 0; i < X->rows; i++)
    out[i] = vt->eval(params, PLUM_MATRIX_ROW(X, i), PLUM_MATRIX_ROW(X, i), X->cols);
}

/* Functions and families --------------------------------------------------------------------- */

void
plum_activation_forward(const PlumBinding *act, const PlumMatrix *Z, PlumMatrix *A)
{
  const PlumActivationVTable *vt = vtable_of(act, PLUM_KIND_ACTIVATION);
  vt->forward(plum_binding_params(act), Z, A);
}

void
plum_activation_backward(const PlumBinding *act, const PlumMatrix *Z, const PlumMatrix *A,
                         const PlumMatrix *dA, PlumMatrix *dZ)
{
  const PlumActivationVTable *vt = vtable_of(act, PLUM_KIND_ACTIVATION);
  vt->backward(plum_binding_params(act), Z, A, dA, dZ);
}

gboolean
plum_cost_loss(const PlumBinding *cost, const PlumMatrix *P, const PlumMatrix *T, double *value,
               PlumMatrix *G, GError **error)
{
  const PlumCostVTable *vt = vtable_of(cost, PLUM_KIND_COST);
  if (P->rows != T->rows || P->cols != T->cols) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "%s: predictions are %zu x %zu but targets are %zu x %zu",
                plum_binding_path(cost), P->rows, P->cols, T->rows, T->cols);
    return FALSE;
  }
  return vt->loss(plum_binding_params(cost), P, T, value, G, error);
}

const PlumFamilyVTable *
plum_family_vtable(const PlumBinding *family, const void **params_out)
{
  const PlumFamilyVTable *vt = vtable_of(family, PLUM_KIND_FAMILY);
  if (params_out != NULL)
    *params_out = plum_binding_params(family);
  return vt;
}
