/* logistic_regression.c — binary and multinomial logistic regression with L2, L1 and
 * elastic-net penalties.
 *
 * Two classes use one sigmoid column; more (or `multi_class: multinomial`) use a softmax over
 * one column per class, as scikit-learn's multinomial solver does. The training objective is
 * scikit-learn's divided by C (same minimiser), written as a sum over rows:
 *   F(W, b) = Σ_i [ w_i ℓ(y_i, x_iᵀW + bᵀ) + R(W) / n ],
 *   R(W) = ((1 − ρ)/2 ‖W‖² + ρ ‖W‖₁) / C,
 * with ρ = 0 for `l2`, 1 for `l1`, l1_ratio for `elasticnet`, and R = 0 for `none`; ℓ is the
 * log-loss (log1p(e^−|z|) and log-sum-exp forms, so no score overflows) and the intercept is
 * never penalised. An evaluation is one pass over X in blocks of rows, each block's scores
 * (X_b W) and gradient share (X_bᵀ R_b) taken while it is in cache, blocks split over threads.
 *
 * Smooth penalties (none, l2) train through the `optimizer` component, lbfgs by default; the
 * same objective is exposed for the gradient checker and any other optimizer. l1 and elasticnet
 * are not differentiable, and optimizers see only a smooth objective, so the model minimises
 * them itself by accelerated proximal gradient (FISTA with backtracking and gradient-based
 * adaptive restart, Beck & Teboulle 2009, O'Donoghue & Candès 2015): the smooth part through
 * the same objective, the ρ‖W‖₁/C part by soft thresholding; it stops when the gradient mapping
 * of the mean objective is at most `tol` in every coordinate, or after `max_iter` iterations.
 *
 * With an optimizer, held-out rows (X_val, y_val) give early stopping their mean log-loss; the
 * proximal solver has no validation hook and ignores them.
 *
 * The softmax is invariant to adding a constant to every class's score, so the unpenalised
 * intercepts (and, with no penalty, the coefficient rows) are centred across classes after
 * fitting — scikit-learn's lbfgs arrives at the same representative. θ is W row-major
 * (d × k, k = 1 or n_classes) followed by b (k) when fit_intercept is set.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <cblas.h>
#include <omp.h>
#include <plum/plugin.h>

#include "vecmath.h"
#include "linmodel.h"

typedef enum {
  PENALTY_NONE = 0,
  PENALTY_L2,
  PENALTY_L1,
  PENALTY_ELASTICNET,
} LogRegPenalty;

static const char *const penalty_names[] = {"none", "l2", "l1", "elasticnet", NULL};

typedef enum {
  MULTI_CLASS_AUTO = 0,
  MULTI_CLASS_MULTINOMIAL,
} LogRegMultiClass;

static const char *const multi_class_names[] = {"auto", "multinomial", NULL};

typedef struct {
  int penalty;
  double C;
  double l1_ratio;
  gboolean fit_intercept;
  int multi_class;
  PlumBinding *optimizer;
  gint64 max_iter;
  double tol;
} LogRegParams;

typedef struct {
  const LogRegParams *params; /* borrowed from the binding, which outlives the instance */
  size_t n_features;
  size_t n_classes;
  size_t k;          /* score columns: 1 (sigmoid) or n_classes (softmax) */
  double *coef;      /* n_features x k; NULL until fitted */
  double *intercept; /* k */
} LogReg;

/* The training data as the objective sees it, with scratch sized for every row once. */
typedef struct {
  PlumMatrix X;
  double *y;       /* class indices, contiguous copy */
  const double *w; /* nullable */
  size_t n, d, k;
  gboolean fit_intercept;
  double l2;       /* F holds (l2 / 2) ‖W‖² */
  double *S;       /* n x k scores, then residuals */
  double *partial; /* per thread: its loss, then its gradient share */
  size_t partial_len;
  LinmodelGather gather; /* minibatches */
} LogRegObjective;

/* Penalty strengths -------------------------------------------------------------------------- */

static double
l1_strength(const LogRegParams *p)
{
  switch (p->penalty) {
  case PENALTY_L1:
    return 1.0 / p->C;
  case PENALTY_ELASTICNET:
    return p->l1_ratio / p->C;
  default:
    return 0.0;
  }
}

static double
l2_strength(const LogRegParams *p)
{
  switch (p->penalty) {
  case PENALTY_L2:
    return 1.0 / p->C;
  case PENALTY_ELASTICNET:
    return (1.0 - p->l1_ratio) / p->C;
  default:
    return 0.0;
  }
}

static size_t
score_columns(const LogRegParams *p, size_t n_classes)
{
  return n_classes == 2 && p->multi_class == MULTI_CLASS_AUTO ? 1 : n_classes;
}

/* Validation ----------------------------------------------------------------------------- */

/* Labels are whole numbers in [0, n_classes); counts the rows of positive weight per class. */
static gboolean
count_labels(const PlumMatrix *y, const char *what, size_t n_classes, const double *w,
             size_t *count, GError **error)
{
  for (size_t i = 0; i < y->rows; i++) {
    double v = PLUM_MATRIX_AT(y, i, 0);
    if (!(v >= 0 && v < (double)n_classes && v == floor(v))) {
      g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                  "logistic_regression: %s = %g at row %zu (counting from 0) is not a class "
                  "index in 0..%zu",
                  what, v, i, n_classes - 1);
      return FALSE;
    }
    if (w == NULL || w[i] > 0)
      count[(size_t)v]++;
  }
  return TRUE;
}

/* Every class must occur in a row of positive weight, or its unpenalised intercept would run
 * off to −∞. */
static gboolean
check_labels(const PlumMatrix *y, size_t n_classes, const double *w, GError **error)
{
  size_t *count = g_new0(size_t, n_classes), present = 0, first = 0, missing = n_classes;
  gboolean ok = count_labels(y, "y", n_classes, w, count, error);
  for (size_t c = n_classes; c-- > 0;) {
    if (count[c] == 0)
      missing = c;
    else if (present++ == 0 || c < first)
      first = c;
  }
  g_free(count);
  if (!ok || missing == n_classes)
    return ok;
  if (present == 1)
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                "logistic_regression: y holds a single class (%zu); at least two classes must "
                "occur",
                first);
  else
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                "logistic_regression: class %zu of %zu never occurs in y (with positive "
                "weight); its intercept would diverge",
                missing, n_classes);
  return FALSE;
}

static gboolean
check_fit_data(const PlumFitData *data, GError **error)
{
  if (!linmodel_check_fit_data("logistic_regression", data, error))
    return FALSE;
  if (data->n_classes < 2) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                "logistic_regression: y must hold class indices of at least two classes "
                "(n_classes is %zu)",
                data->n_classes);
    return FALSE;
  }
  if (!check_labels(data->y, data->n_classes, data->sample_weight, error))
    return FALSE;
  if (data->y_val == NULL)
    return TRUE;
  size_t *count = g_new0(size_t, data->n_classes); /* held-out rows may miss a class */
  gboolean ok = count_labels(data->y_val, "y_val", data->n_classes, NULL, count, error);
  g_free(count);
  return ok;
}

/* Scores and losses ------------------------------------------------------------------------ */

/* S (m x k, leading dimension ld) = X W + 1 bᵀ (intercept nullable: none). A sigmoid model's
 * (k = 1) scores are row dots (plum_matrix_row_dots): a row's score does not depend on the rows
 * beside it, in a training block or a prediction batch, and dgemm's per-element sums for k > 1
 * do not either. */
static void
scores(const PlumMatrix *X, const double *coef, const double *intercept, size_t k, double *S,
       size_t ld)
{
  for (size_t i = 0; i < X->rows; i++)
    for (size_t j = 0; j < k; j++)
      S[i * ld + j] = intercept ? intercept[j] : 0.0;
  if (k == 1)
    plum_matrix_row_dots(1.0, X, coef, 1.0, S, ld);
  else
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)X->rows, (int)k, (int)X->cols, 1.0,
                X->data, (int)X->ld, coef, (int)k, 1.0, S, (int)ld);
}

/* G (d x k) += Xᵀ R for a softmax model (k > 1), R m x k compact. */
static void
add_xt_residual(const PlumMatrix *X, const double *R, size_t k, double *G)
{
  cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)X->cols, (int)k, (int)X->rows, 1.0,
              X->data, (int)X->ld, R, (int)k, 1.0, G, (int)k);
}

/* σ(z) from t = e^−|z| <= 1, so nothing overflows. */
static inline double
sigmoid_of(double z, double t)
{
  return (z >= 0 ? 1.0 : t) / (1.0 + t);
}

/* The log-loss of one sigmoid row from its score *s, which becomes the residual wi (σ(z) − y).
 * One exponential t = e^−|z| serves σ(z) and log(1 + e^z) = max(z, 0) + log(1 + t); log(1 + t)
 * is taken as log(u) t / (u − 1), u = 1 + t (Goldberg 1991, Theorem 4: a few ulps however small
 * t is), as SLEEF's vector log1p takes 4x its log's time. Where u rounds to 1, log u = 0 and
 * the sum's second term gives t. Branch-free (vecmath.h), so loops of it vectorise. */
static inline double
binary_row(double *s, double y, double wi)
{
  double z = *s, t = plum_vec_exp(-fabs(z)), u = 1.0 + t, d = u - 1.0;
  double log1p_t = plum_vec_log(u) * (t / (d == 0 ? 1.0 : d)) + (d == 0 ? t : 0.0);
  *s = wi * ((z >= 0 ? 1.0 : t) / u - y);
  return wi * ((z > 0 ? z : 0.0) + log1p_t - y * z);
}

/* binary_row over m rows (w nullable: unit weights), vectorised. */
PLUM_VEC_CLONES static double
binary_rows(double *s, const double *y, const double *w, size_t m)
{
  double loss = 0;
  if (w == NULL) {
#pragma omp simd reduction(+ : loss)
    for (size_t i = 0; i < m; i++)
      loss += binary_row(s + i, y[i], 1.0);
  } else {
#pragma omp simd reduction(+ : loss)
    for (size_t i = 0; i < m; i++)
      loss += binary_row(s + i, y[i], w[i]);
  }
  return loss;
}

/* Replaces the scores s[0..k) by their softmax; returns log Σ_j e^{s_j}, computed with the
 * largest score shifted out so nothing overflows. */
static double
softmax_in_place(double *s, size_t k)
{
  double top = s[0], total = 0;
  for (size_t j = 1; j < k; j++)
    top = fmax(top, s[j]);
  for (size_t j = 0; j < k; j++) {
    s[j] = exp(s[j] - top);
    total += s[j];
  }
  for (size_t j = 0; j < k; j++)
    s[j] /= total;
  return top + log(total);
}

/* The log-loss of one softmax row from its scores s, which become the residual ∂ℓ/∂s (scaled
 * by the weight wi) for the gradient. */
static double
row_loss(double *s, size_t k, size_t label, double wi)
{
  double s_label = s[label], lse = softmax_in_place(s, k);
  for (size_t j = 0; j < k; j++)
    s[j] = wi * (s[j] - (j == label ? 1.0 : 0.0));
  return wi * (lse - s_label);
}

/* The objective ---------------------------------------------------------------------------- */

static size_t
objective_n_params(size_t d, size_t k, gboolean fit_intercept)
{
  return d * k + (fit_intercept ? k : 0);
}

static void
objective_free(void *ctx)
{
  LogRegObjective *o = ctx;
  g_free(o->y);
  g_free(o->S);
  g_free(o->partial);
  linmodel_gather_clear(&o->gather);
  g_free(o);
}

/* Rows per block of the fused pass: a block of X (128 x d doubles, 32 KiB at d = 32: in L1) is
 * still in cache when its gradient product reads it again, so each evaluation streams X from
 * memory once, not twice. 256 rows spilled to L2 and made the bench fit 10% slower. */
#define LOGREG_BLOCK 128
/* Below this many matrix elements a pass is not worth waking threads for (minibatches). */
#define LOGREG_PARALLEL_MIN 65536

/* The loss of rows [i0, i0 + m) and, when g (dk + k, intercept part last) is given, their
 * gradient added to g; S is the scores/residuals scratch of those rows. */
static double
block_eval(const LogRegObjective *o, const PlumMatrix *X, const double *y, const double *w,
           const double *coef, const double *intercept, size_t i0, size_t m, double *S, double *g)
{
  size_t k = o->k, dk = o->d * k;
  PlumMatrix Xb = {PLUM_MATRIX_ROW(X, i0), m, X->cols, X->ld};
  double loss = 0;
  if (k == 1) {
    /* row dots and Xᵀr on the block in cache: no BLAS call per block (linmodel.h) */
    scores(&Xb, coef, intercept, 1, S, 1);
    loss = binary_rows(S, y + i0, w ? w + i0 : NULL, m);
    if (g == NULL)
      return loss;
    linmodel_add_xt_r(&Xb, S, o->fit_intercept, g); /* the intercept's share at g[dk], dk = d */
    return loss;
  }
  scores(&Xb, coef, intercept, k, S, k);
  for (size_t i = 0; i < m; i++)
    loss += row_loss(S + i * k, k, (size_t)y[i0 + i], w ? w[i0 + i] : 1.0);
  if (g == NULL)
    return loss;
  add_xt_residual(&Xb, S, k, g);
  if (o->fit_intercept)
    for (size_t i = 0; i < m; i++)
      for (size_t j = 0; j < k; j++)
        g[dk + j] += S[i * k + j];
  return loss;
}

/* Loss and data gradient over all m rows of X, one fused pass per thread over a contiguous run
 * of blocks; the threads' sums are added in thread order, so a thread count gives one result. */
static double
data_eval(LogRegObjective *o, const PlumMatrix *X, const double *y, const double *w,
          const double *coef, const double *intercept, double *grad)
{
  size_t m = X->rows, width = objective_n_params(o->d, o->k, o->fit_intercept),
         n_blocks = (m + LOGREG_BLOCK - 1) / LOGREG_BLOCK;
  int n_threads = m * X->cols >= LOGREG_PARALLEL_MIN ? omp_get_max_threads() : 1;
  n_threads = (int)MAX(MIN((size_t)n_threads, n_blocks), 1);
  /* per thread, 1 + width sums: the loss, then the gradient share (kept between evaluations,
   * as a minibatch optimizer evaluates once per batch) */
  size_t stride = 1 + width, len = (size_t)n_threads * stride;
  if (o->partial_len < len) {
    g_free(o->partial);
    o->partial = g_new(double, len);
    o->partial_len = len;
  }
  double *partial = o->partial;
  memset(partial, 0, len * sizeof *partial);
#pragma omp parallel num_threads(n_threads)
  {
    size_t t = (size_t)omp_get_thread_num(), nt = (size_t)omp_get_num_threads();
    size_t b0 = t * n_blocks / nt, b1 = (t + 1) * n_blocks / nt;
    double *sums = partial + t * stride;
    for (size_t b = b0; b < b1; b++) {
      size_t i0 = b * LOGREG_BLOCK, mb = MIN(LOGREG_BLOCK, m - i0);
      sums[0] +=
          block_eval(o, X, y, w, coef, intercept, i0, mb, o->S + i0 * o->k, grad ? sums + 1 : NULL);
    }
  }
  double total = 0;
  for (int t = 0; t < n_threads; t++) {
    total += partial[(size_t)t * stride];
    if (grad)
      cblas_daxpy((int)width, 1.0, partial + (size_t)t * stride + 1, 1, grad, 1);
  }
  return total;
}

static gboolean
objective_eval(void *ctx, const double *theta, const size_t *terms, size_t n_sel, double *value,
               double *grad, GError **error)
{
  LogRegObjective *o = ctx;
  PlumMatrix X = o->X;
  const double *y = o->y, *w = o->w;
  if (terms && !linmodel_gather(&o->gather, "logistic_regression", &o->X, o->y, o->w, terms, n_sel,
                                &X, &y, &w, error))
    return FALSE;
  size_t m = X.rows, dk = o->d * o->k;
  const double *coef = theta, *intercept = o->fit_intercept ? theta + dk : NULL;
  /* The penalty share of the m selected terms out of n. */
  double share = o->l2 * (double)m / (double)o->n;
  if (grad) {
    memset(grad, 0, objective_n_params(o->d, o->k, o->fit_intercept) * sizeof *grad);
    cblas_daxpy((int)dk, share, coef, 1, grad, 1);
  }
  double loss = data_eval(o, &X, y, w, coef, intercept, grad);
  *value = loss + 0.5 * share * cblas_ddot((int)dk, coef, 1, coef, 1);
  return TRUE;
}

/* The smooth objective (loss + (l2/2)‖W‖²) over X, y and w, which must outlive it. */
static void
objective_init(const PlumMatrix *X, const PlumMatrix *y, const double *w, size_t n_classes,
               const LogRegParams *p, double l2, PlumObjective *obj)
{
  size_t n = X->rows, k = score_columns(p, n_classes), s_len = n * k;
  LogRegObjective *o = g_new0(LogRegObjective, 1);
  o->X = *X;
  o->y = g_new(double, n);
  cblas_dcopy((int)n, y->data, (int)y->ld, o->y, 1);
  o->w = w;
  o->n = n;
  o->d = X->cols;
  o->k = k;
  o->fit_intercept = p->fit_intercept;
  o->l2 = l2;
  o->S = g_new(double, s_len);
  *obj = (PlumObjective){
      .struct_size = sizeof *obj,
      .n_params = objective_n_params(X->cols, k, p->fit_intercept),
      .n_terms = n,
      .ctx = o,
      .eval = objective_eval,
      .free = objective_free,
  };
}

/* The training objective of data (checked). */
static void
objective_of_fit_data(const PlumFitData *data, const LogRegParams *p, PlumObjective *obj)
{
  objective_init(data->X, data->y, data->sample_weight, data->n_classes, p, l2_strength(p), obj);
}

/* Installing θ ------------------------------------------------------------------------------ */

static void
logreg_install(LogReg *self, size_t d, size_t n_classes, size_t k, double *coef, double *intercept)
{
  g_free(self->coef);
  g_free(self->intercept);
  self->n_features = d;
  self->n_classes = n_classes;
  self->k = k;
  self->coef = coef;
  self->intercept = intercept;
}

/* Subtracts the mean of v[0..k) from each entry. */
static void
centre(double *v, size_t k)
{
  double mean = 0;
  for (size_t j = 0; j < k; j++)
    mean += v[j];
  mean /= (double)k;
  for (size_t j = 0; j < k; j++)
    v[j] -= mean;
}

/* Copies θ into the fitted state; softmax scores are centred across classes (see the top). */
static void
install_theta(LogReg *self, size_t d, size_t n_classes, const double *theta)
{
  const LogRegParams *p = self->params;
  size_t k = score_columns(p, n_classes);
  double *coef = g_memdup2(theta, d * k * sizeof *theta);
  double *intercept = g_new0(double, k);
  if (p->fit_intercept)
    memcpy(intercept, theta + d * k, k * sizeof *intercept);
  if (k > 1) {
    centre(intercept, k);
    for (size_t j = 0; p->penalty == PENALTY_NONE && j < d; j++)
      centre(coef + j * k, k);
  }
  logreg_install(self, d, n_classes, k, coef, intercept);
}

/* Proximal gradient for l1 and elasticnet ----------------------------------------------------- */

typedef struct {
  const PlumObjective *obj;
  size_t n_params, n_pen; /* the first n_pen parameters (W) carry the l1 penalty */
  double l1;              /* of the mean objective: ρ / (C n) */
  double *v, *g, *x_new, *diff;
} Fista;

static gboolean
eval_mean(const Fista *f, const double *theta, double *value, double *grad, GError **error)
{
  const PlumObjective *obj = f->obj;
  if (!obj->eval(obj->ctx, theta, NULL, obj->n_terms, value, grad, error))
    return FALSE;
  double scale = 1.0 / (double)obj->n_terms;
  *value *= scale;
  if (grad)
    cblas_dscal((int)f->n_params, scale, grad, 1);
  return TRUE;
}

static double
l1_norm(const Fista *f, const double *theta)
{
  return f->l1 * cblas_dasum((int)f->n_pen, theta, 1);
}

/* x_new = prox(v − g / L): soft thresholding of W by l1 / L, the intercepts a plain step. */
static void
prox_step(Fista *f, double L)
{
  double thresh = f->l1 / L;
  for (size_t j = 0; j < f->n_params; j++) {
    double u = f->v[j] - f->g[j] / L;
    if (j < f->n_pen)
      u = copysign(fmax(fabs(u) - thresh, 0.0), u);
    f->x_new[j] = u;
    f->diff[j] = u - f->v[j];
  }
}

/* One backtracking prox step from v: doubles L until the quadratic model bounds the smooth
 * part. Returns the smooth value at x_new in *f_new. */
static gboolean
backtrack(Fista *f, double f_v, double *L, double *f_new, GError **error)
{
  for (int tries = 0; tries < 60; tries++, *L *= 2.0) {
    prox_step(f, *L);
    if (!eval_mean(f, f->x_new, f_new, NULL, error))
      return FALSE;
    double dd = cblas_ddot((int)f->n_params, f->diff, 1, f->diff, 1);
    double model = f_v + cblas_ddot((int)f->n_params, f->g, 1, f->diff, 1) + 0.5 * *L * dd;
    if (*f_new <= model + 1e-12 * fabs(f_v))
      return TRUE;
  }
  g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED,
              "logistic_regression: the proximal gradient line search found no step (the "
              "objective is not finite?)");
  return FALSE;
}

typedef struct {
  size_t n_iter;
  double value;
  double mapping; /* ‖gradient mapping‖∞ at the last step */
  char stop_reason[96];
} FistaResult;

/* θ ← x_new and v ← x_new + β (x_new − θ), Nesterov's extrapolation; the momentum restarts
 * (β = 0, t = 1) when the step turns against the last move, diff · (x_new − θ) < 0. */
static void
fista_advance(Fista *f, double *theta, double *t)
{
  double turn = 0;
  for (size_t j = 0; j < f->n_params; j++)
    turn += f->diff[j] * (f->x_new[j] - theta[j]);
  double t_next = turn < 0 ? 1.0 : 0.5 * (1.0 + sqrt(1.0 + 4.0 * *t * *t));
  double beta = turn < 0 ? 0.0 : (*t - 1.0) / t_next;
  for (size_t j = 0; j < f->n_params; j++) {
    f->v[j] = f->x_new[j] + beta * (f->x_new[j] - theta[j]);
    theta[j] = f->x_new[j];
  }
  *t = t_next;
}

/* Minimises F/n + l1 ‖W‖₁ from theta (in: start, out: answer). */
static gboolean
fista(Fista *f, const LogRegParams *p, PlumProgress *progress, double *theta, FistaResult *res,
      GError **error)
{
  size_t np = f->n_params;
  double t = 1.0, L = 1.0, f_v, f_new;
  memcpy(f->v, theta, np * sizeof *theta);
  if (progress)
    plum_progress_set_total(progress, (size_t)p->max_iter);
  for (res->n_iter = 1; res->n_iter <= (size_t)p->max_iter; res->n_iter++) {
    if (!eval_mean(f, f->v, &f_v, f->g, error))
      return FALSE;
    L *= 0.9; /* let the step grow back where the curvature is milder */
    if (!backtrack(f, f_v, &L, &f_new, error))
      return FALSE;
    res->value = f_new + l1_norm(f, f->x_new);
    res->mapping = L * fabs(f->diff[cblas_idamax((int)np, f->diff, 1)]);
    if (progress)
      plum_progress_update(progress, res->n_iter, res->value);
    fista_advance(f, theta, &t);
    if (res->mapping <= p->tol) {
      g_snprintf(res->stop_reason, sizeof res->stop_reason,
                 "converged: gradient mapping %.3g <= tol %.3g", res->mapping, p->tol);
      break;
    }
  }
  if (res->stop_reason[0] == '\0') {
    res->n_iter--;
    g_snprintf(res->stop_reason, sizeof res->stop_reason, "reached max_iter = %zu", res->n_iter);
  }
  if (progress)
    plum_progress_finish(progress, res->stop_reason);
  return TRUE;
}

static gboolean
fit_proximal(LogReg *self, const PlumFitData *data, GError **error)
{
  const LogRegParams *p = self->params;
  PlumObjective obj;
  objective_of_fit_data(data, p, &obj);
  size_t np = obj.n_params;
  LogRegObjective *o = obj.ctx;
  Fista f = {
      .obj = &obj,
      .n_params = np,
      .n_pen = o->d * o->k,
      .l1 = l1_strength(p) / (double)o->n,
      .v = g_new(double, np),
      .g = g_new(double, np),
      .x_new = g_new(double, np),
      .diff = g_new(double, np),
  };
  double *theta = g_new0(double, np);
  FistaResult res = {0};
  gboolean ok = fista(&f, p, data->progress, theta, &res, error);
  if (ok)
    install_theta(self, o->d, data->n_classes, theta);
  if (ok && data->report) {
    plum_state_set_int(data->report, "n_iter", (gint64)res.n_iter);
    plum_state_set_real(data->report, "objective", res.value);
    plum_state_set_real(data->report, "grad_norm", res.mapping);
    plum_state_set_string(data->report, "stop_reason", res.stop_reason);
  }
  g_free(theta);
  g_free(f.v);
  g_free(f.g);
  g_free(f.x_new);
  g_free(f.diff);
  obj.free(obj.ctx);
  return ok;
}

/* Smooth penalties through the optimizer -------------------------------------------------- */

/* Early stopping scores θ by the mean log-loss of the held-out rows. */
static gboolean
fit_optimizer(LogReg *self, const PlumFitData *data, GError **error)
{
  PlumObjective obj, val = {0};
  objective_of_fit_data(data, self->params, &obj);
  PlumOptimContext octx = {.struct_size = sizeof octx,
                           .rng = data->rng,
                           .progress = data->progress,
                           .report = data->report};
  if (data->X_val) {
    objective_init(data->X_val, data->y_val, NULL, data->n_classes, self->params, 0.0, &val);
    octx.validate = linmodel_validate_mean;
    octx.validate_user = &val;
  }
  PlumOptimResult res = {.struct_size = sizeof res};
  double *theta = g_new0(double, obj.n_params);
  gboolean ok = plum_optimizer_minimize(self->params->optimizer, &obj, theta, &octx, &res, error);
  if (ok)
    install_theta(self, data->X->cols, data->n_classes, theta);
  if (ok && data->report) {
    plum_state_set_int(data->report, "n_iter", (gint64)res.n_iter);
    plum_state_set_int(data->report, "n_evals", (gint64)res.n_evals);
    plum_state_set_real(data->report, "objective", res.value);
    plum_state_set_real(data->report, "grad_norm", res.grad_norm);
    plum_state_set_string(data->report, "stop_reason", res.stop_reason);
  }
  g_free(theta);
  obj.free(obj.ctx);
  if (val.free)
    val.free(val.ctx);
  return ok;
}

/* The model vtable -------------------------------------------------------------------------- */

static void *
logreg_create(const void *params, GError **error)
{
  (void)error;
  LogReg *self = g_new0(LogReg, 1);
  self->params = params;
  return self;
}

static void
logreg_destroy(void *self_ptr)
{
  LogReg *self = self_ptr;
  g_free(self->coef);
  g_free(self->intercept);
  g_free(self);
}

static gboolean
logreg_fit(void *self_ptr, const PlumFitData *data, GError **error)
{
  LogReg *self = self_ptr;
  if (!check_fit_data(data, error))
    return FALSE;
  if (l1_strength(self->params) > 0)
    return fit_proximal(self, data, error);
  return fit_optimizer(self, data, error);
}

static gboolean
logreg_objective(void *self_ptr, const PlumFitData *data, PlumObjective *obj, GError **error)
{
  const LogReg *self = self_ptr;
  if (l1_strength(self->params) > 0) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_UNSUPPORTED,
                "logistic_regression: penalty '%s' is not differentiable, so it has no objective "
                "for optimizers; the model fits it itself by proximal gradient",
                penalty_names[self->params->penalty]);
    return FALSE;
  }
  if (!check_fit_data(data, error))
    return FALSE;
  objective_of_fit_data(data, self->params, obj);
  return TRUE;
}

static gboolean
logreg_set_theta(void *self_ptr, const PlumFitData *data, const double *theta, GError **error)
{
  if (data->X == NULL || data->X->cols < 1 || data->n_classes < 2) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "logistic_regression: set_theta needs the training X and its n_classes");
    return FALSE;
  }
  install_theta(self_ptr, data->X->cols, data->n_classes, theta);
  return TRUE;
}

static void
logreg_shape(const void *self_ptr, PlumModelShape *shape)
{
  const LogReg *self = self_ptr;
  shape->n_features = self->n_features;
  shape->n_outputs = 1;
  shape->n_classes = self->n_classes;
  shape->n_transform = 0;
}

static gboolean
check_fitted(const LogReg *self, GError **error)
{
  if (self->coef != NULL)
    return TRUE;
  g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_NOT_FITTED,
              "logistic_regression: the model is not fitted; call fit or load first");
  return FALSE;
}

static gboolean
check_predict_input(const LogReg *self, const PlumMatrix *X, const PlumMatrix *out, size_t out_cols,
                    GError **error)
{
  if (!check_fitted(self, error))
    return FALSE;
  if (X->cols != self->n_features) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "logistic_regression: X has %zu features, the model was fitted on %zu", X->cols,
                self->n_features);
    return FALSE;
  }
  return plum_matrix_check_finite(X, "X", error) &&
         plum_matrix_check_shape(out, X->rows, out_cols, "predictions", error);
}

static inline double
exp_neg_abs(double z)
{
  return plum_vec_exp(-fabs(z));
}

/* t[i] = e^−|s[i]|, vectorised the same for every row wherever it sits (vecmath.h). */
PLUM_VEC_CLONES static void
exp_neg_abs_rows(const double *s, double *t, size_t n)
{
  PLUM_VEC_MAP(exp_neg_abs, s, t, n, 0.0);
}

/* Labels (score > 0) into values and the two class probabilities into proba, either nullable,
 * of a sigmoid model from its scores s and t = e^−|s|. */
static void
sigmoid_outputs(const double *s, const double *t, size_t m, PlumMatrix *values, PlumMatrix *proba)
{
  if (values != NULL) {
    double *v = values->data;
    size_t ld = values->ld;
#pragma omp simd
    for (size_t i = 0; i < m; i++)
      v[i * ld] = s[i] > 0 ? 1.0 : 0.0;
  }
  if (proba != NULL) {
    double *p = proba->data;
    size_t ld = proba->ld;
#pragma omp simd
    for (size_t i = 0; i < m; i++) {
      p[i * ld] = sigmoid_of(-s[i], t[i]);
      p[i * ld + 1] = sigmoid_of(s[i], t[i]);
    }
  }
}

/* Labels (the class of the largest score, score > 0 for a sigmoid) into values and class
 * probabilities into proba, either nullable, from one pass of scores over X (checked). */
static void
logreg_outputs(const LogReg *self, const PlumMatrix *X, PlumMatrix *values, PlumMatrix *proba)
{
  size_t k = self->k;
  double *S = g_new(double, MAX(X->rows * k, 1));
  scores(X, self->coef, self->intercept, k, S, k);
  if (k == 1) {
    double *T = NULL;
    if (proba != NULL) {
      T = g_new(double, MAX(X->rows, 1));
      exp_neg_abs_rows(S, T, X->rows);
    }
    sigmoid_outputs(S, T, X->rows, values, proba);
    g_free(T);
    g_free(S);
    return;
  }
  for (size_t i = 0; i < X->rows; i++) {
    const double *s = S + i * k;
    if (values != NULL) {
      size_t best = 0;
      for (size_t j = 1; j < k; j++)
        if (s[j] > s[best])
          best = j;
      PLUM_MATRIX_AT(values, i, 0) = (double)best;
    }
    if (proba == NULL)
      continue;
    double *row = PLUM_MATRIX_ROW(proba, i);
    memcpy(row, s, k * sizeof *row);
    softmax_in_place(row, k);
  }
  g_free(S);
}

static gboolean
logreg_predict_proba(const void *self_ptr, const PlumMatrix *X, PlumMatrix *out, GError **error)
{
  const LogReg *self = self_ptr;
  if (!check_predict_input(self, X, out, self->n_classes, error))
    return FALSE;
  logreg_outputs(self, X, NULL, out);
  return TRUE;
}

static gboolean
logreg_predict(const void *self_ptr, const PlumMatrix *X, PlumMatrix *out, GError **error)
{
  const LogReg *self = self_ptr;
  if (!check_predict_input(self, X, out, 1, error))
    return FALSE;
  logreg_outputs(self, X, out, NULL);
  return TRUE;
}

/* Both at once; the host has checked X and sized the outputs (std: none here). */
static gboolean
logreg_predict_all(const void *self_ptr, const PlumMatrix *X, PlumMatrix *values, PlumMatrix *proba,
                   PlumMatrix *std, GError **error)
{
  const LogReg *self = self_ptr;
  (void)std;
  if (!check_fitted(self, error))
    return FALSE;
  logreg_outputs(self, X, values, proba);
  return TRUE;
}

static gboolean
logreg_save(const void *self_ptr, PlumState *state, GError **error)
{
  const LogReg *self = self_ptr;
  if (self->coef == NULL) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_NOT_FITTED,
                "logistic_regression: the model is not fitted; nothing to save");
    return FALSE;
  }
  plum_state_set_reals(state, "coef", self->coef, self->n_features, self->k);
  plum_state_set_reals(state, "intercept", self->intercept, 1, self->k);
  plum_state_set_int(state, "n_classes", (gint64)self->n_classes);
  return TRUE;
}

static gboolean
logreg_load(void *self_ptr, const PlumState *state, GError **error)
{
  LogReg *self = self_ptr;
  size_t d = 0, k = 0;
  gint64 n_classes;
  const double *coef = plum_state_get_reals(state, "coef", 0, 0, &d, &k, error);
  if (coef == NULL || !plum_state_get_int(state, "n_classes", &n_classes, error))
    return FALSE;
  const double *intercept = plum_state_get_reals(state, "intercept", 1, k, NULL, NULL, error);
  if (intercept == NULL)
    return FALSE;
  gboolean shape_ok =
      d >= 1 && n_classes >= 2 && (k == (size_t)n_classes || (k == 1 && n_classes == 2));
  if (!shape_ok) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
                "logistic_regression: saved coef is %zu x %zu for %" G_GINT64_FORMAT
                " classes; it needs a row per feature and one column (two classes) or one per "
                "class",
                d, k, n_classes);
    return FALSE;
  }
  PlumMatrix coef_view = plum_matrix_view((double *)coef, d, k, 0);
  PlumMatrix intercept_view = plum_matrix_view((double *)intercept, 1, k, 0);
  if (!plum_matrix_check_finite(&coef_view, "saved coef", error) ||
      !plum_matrix_check_finite(&intercept_view, "saved intercept", error))
    return FALSE;
  logreg_install(self, d, (size_t)n_classes, k, g_memdup2(coef, d * k * sizeof *coef),
                 g_memdup2(intercept, k * sizeof *intercept));
  return TRUE;
}

static const PlumModelVTable logreg_vtable = {
    .struct_size = sizeof(PlumModelVTable),
    .create = logreg_create,
    .destroy = logreg_destroy,
    .fit = logreg_fit,
    .shape = logreg_shape,
    .save = logreg_save,
    .load = logreg_load,
    .predict = logreg_predict,
    .predict_proba = logreg_predict_proba,
    .predict_all = logreg_predict_all,
    .objective = logreg_objective,
    .set_theta = logreg_set_theta,
};

static const PlumParamSpec logreg_params[] = {
    PLUM_PARAM_ENUM_SPEC(LogRegParams, penalty, PENALTY_L2, penalty_names,
                         "none, l2 (½‖W‖²/C), l1 (‖W‖₁/C) or elasticnet; the intercept is never "
                         "penalised"),
    PLUM_PARAM_REAL_SPEC(LogRegParams, C, 1.0, 0.0, INFINITY, PLUM_PARAM_MIN_EXCLUSIVE,
                         "inverse regularisation strength, as scikit-learn's C (summed loss)"),
    PLUM_PARAM_REAL_SPEC(LogRegParams, l1_ratio, 0.5, 0.0, 1.0, 0,
                         "elasticnet: the share ρ of ‖W‖₁ in ((1 − ρ)/2 ‖W‖² + ρ‖W‖₁)/C"),
    PLUM_PARAM_BOOL_SPEC(LogRegParams, fit_intercept, TRUE, "fit an unpenalised intercept"),
    PLUM_PARAM_ENUM_SPEC(LogRegParams, multi_class, MULTI_CLASS_AUTO, multi_class_names,
                         "auto: sigmoid for two classes, softmax for more; multinomial: softmax "
                         "always"),
    PLUM_PARAM_COMPONENT_SPEC(LogRegParams, optimizer, PLUM_KIND_OPTIMIZER, "lbfgs", 0,
                              "the optimizer for penalty none or l2"),
    PLUM_PARAM_INT_SPEC(LogRegParams, max_iter, 10000, 1, 1e9, 0,
                        "l1/elasticnet: proximal gradient iterations at most"),
    PLUM_PARAM_REAL_SPEC(LogRegParams, tol, 1e-6, 0.0, 1.0, PLUM_PARAM_MIN_EXCLUSIVE,
                         "l1/elasticnet: stop when the gradient mapping of the mean objective "
                         "is at most tol in every coordinate"),
};

static const PlumComponentDesc logreg_components[] = {
    {
        .struct_size = sizeof(PlumComponentDesc),
        .kind = PLUM_KIND_MODEL,
        .name = "logistic_regression",
        .summary = "binary and multinomial logistic regression with L2, L1 or elastic-net "
                   "penalties",
        .caps = PLUM_CAP_SUPERVISED | PLUM_CAP_CLASSIFIER,
        .params = logreg_params,
        .n_params = G_N_ELEMENTS(logreg_params),
        .params_size = sizeof(LogRegParams),
        .vtable = &logreg_vtable,
        .state_version = 1,
    },
};

PLUM_PLUGIN_DEFINE(logistic_regression, PACKAGE_VERSION, "MIT",
                   "logistic regression: sigmoid or softmax, by any optimizer or proximal "
                   "gradient",
                   logreg_components, NULL)
