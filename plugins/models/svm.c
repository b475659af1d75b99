/* svm.c — kernel support vector machines as libsvm trains them: `svc` (C-SVC, binary and
 * one-vs-one multiclass, class weights, Platt probabilities) and `svr` (ε-SVR).
 *
 * Both solve their dual by libsvm's SMO (svm_solver.c) over any kernel plugin, named by the
 * `kernel` parameter. libsvm's RBF exp(−γ‖x − y‖²) is the squared_exponential kernel with
 * variance 1 and length_scale ℓ = 1/√(2γ): libsvm's default γ = 1/d is ℓ = √(d/2), and its
 * linear kernel is `linear` with offset 0. There is deliberately no `gamma` here: the kernel
 * owns its hyperparameters, so the same configuration drives the GP and the SVM.
 *
 * svc trains one binary machine per pair of classes (a, b), a < b, on the rows of those two
 * classes in their original order (a's rows as +1, then b's as −1) with C_i = C ·
 * class_weight[y_i] · sample_weight_i; rows of weight 0 are left out, as scikit-learn does.
 * Decision value p is Σ_s coef_s k(x_s, x) + intercept_p, positive for class a (libsvm's sign:
 * for two classes, positive means class 0); `transform` returns them, one column per pair in
 * the order (0,1), (0,2), …, (1,2), …. `predict` is libsvm's vote, ties going to the lower
 * class. With `probability: true`, each pair also fits Platt's sigmoid to decision values from
 * 5-fold cross-validation on its own rows (folds drawn from the fit's generator), and
 * predict_proba couples the pairwise probabilities (clipped to [1e-7, 1 − 1e-7]) by Wu, Lin &
 * Weng's method 2 (svm_platt.c); without it the model has no probabilities. The predicted class
 * stays the vote either way, as in libsvm and scikit-learn.
 *
 * The fitted state is libsvm's: the support vectors grouped by class, their dual coefficients
 * laid out as scikit-learn's dual_coef_ ((k − 1) x n_SV: the coefficient of an SV of class c in
 * the pair (c, o) sits in row o − 1 if o > c, else row o), the intercepts (−rho), the class
 * pairs, the SVs per class and the sigmoids' A and B. For prediction the coefficients are
 * scattered once into an n_SV x n_pairs matrix W, so that every decision value of a block of
 * rows is one Gram block K(X, SV) and one GEMM.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <cblas.h>
#include <plum/plugin.h>

#include "linmodel.h"
#include "svm_platt.h"
#include "svm_solver.h"

#define PLATT_FOLDS 5
#define PROB_MIN 1e-7
/* Kernel entries per prediction block (32 MB of doubles). */
#define PREDICT_BLOCK_ENTRIES (4u << 20)

typedef struct {
  PlumBinding *kernel;
  double C;
  double epsilon;
  double tol;
  double cache_size;
  gboolean shrinking;
  PlumRealArray class_weight;
  gboolean probability;
} SvmParams;

typedef struct {
  const SvmParams *params; /* borrowed from the binding, which outlives the instance */
  gboolean regression;
  const char *who;
  size_t n_features; /* 0 until fitted */
  size_t n_classes;  /* svc; 0 for svr */
  size_t n_pairs;    /* decision columns: k(k − 1)/2, or 1 for svr */
  size_t n_sv;
  double *sv;        /* n_sv x n_features */
  gint64 *n_support; /* svc: SVs per class */
  double *dual_coef; /* (k − 1) x n_sv, or 1 x n_sv for svr */
  double *intercept; /* n_pairs */
  gint64 *pairs;     /* svc: (a, b) of each decision column, 2 x n_pairs */
  double *prob_a;    /* svc with probability: n_pairs; else NULL */
  double *prob_b;
  double *W; /* n_sv x n_pairs: dual_coef scattered per decision column */
} Svm;

/* (transfer full) A copy of v[0..n), never NULL: an empty model still hands BLAS a pointer. */
static double *
reals_dup(const double *v, size_t n)
{
  double *out = g_new0(double, MAX(n, 1));
  if (n > 0)
    memcpy(out, v, n * sizeof *out);
  return out;
}

/* One-vs-one machines for k classes. */
static size_t
n_pairs_of(size_t k)
{
  return k * (k - 1) / 2;
}

/* Decision values ----------------------------------------------------------------------------- */

/* out (X->rows x m) = K(X, SV) W + intercept, one Gram block and one GEMM per block of rows. */
static gboolean
decision_values(const PlumBinding *kernel, const PlumMatrix *SV, const double *W, size_t m,
                const double *intercept, const PlumMatrix *X, PlumMatrix *out, GError **error)
{
  size_t n = X->rows, nsv = SV->rows;
  for (size_t i = 0; i < n; i++)
    memcpy(PLUM_MATRIX_ROW(out, i), intercept, m * sizeof *intercept);
  if (n == 0 || nsv == 0)
    return TRUE;
  size_t block = MIN(n, MAX(PREDICT_BLOCK_ENTRIES / nsv, 1));
  double *K = g_new(double, block *nsv);
  gboolean ok = TRUE;
  for (size_t b0 = 0; ok && b0 < n; b0 += block) {
    size_t rows = MIN(block, n - b0);
    PlumMatrix Xb = plum_matrix_rows(X, b0, rows), Kb = plum_matrix_view(K, rows, nsv, nsv);
    ok = plum_kernel_gram(kernel, &Xb, SV, &Kb, error);
    if (ok)
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)m, (int)nsv, 1.0, K,
                  (int)nsv, W, (int)m, 1.0, PLUM_MATRIX_ROW(out, b0), (int)out->ld);
  }
  g_free(K);
  return ok;
}

/* Training sets ------------------------------------------------------------------------------ */

/* (transfer full) Rows idx[0..n) of X. */
static PlumMatrix *
gather_rows(const PlumMatrix *X, const size_t *idx, size_t n, GError **error)
{
  PlumMatrix *out = plum_matrix_new(n, X->cols, error);
  for (size_t i = 0; out != NULL && i < n; i++)
    memcpy(PLUM_MATRIX_ROW(out, i), PLUM_MATRIX_ROW(X, idx[i]), X->cols * sizeof(double));
  return out;
}

/* A binary problem on rows of the fit data, with its own copies. */
typedef struct {
  PlumMatrix *X;
  double *y, *C;
} Subset;

static void
subset_clear(Subset *s)
{
  plum_matrix_free(s->X);
  g_free(s->y);
  g_free(s->C);
}

static gboolean
subset_init(Subset *s, const PlumMatrix *X, const size_t *idx, const double *y, const double *C,
            size_t n, GError **error)
{
  s->X = gather_rows(X, idx, n, error);
  s->y = g_new(double, n);
  s->C = g_new(double, n);
  for (size_t i = 0; i < n; i++) {
    s->y[i] = y[idx[i]];
    s->C[i] = C[idx[i]];
  }
  return s->X != NULL;
}

static SvmProblem
problem_for(const Svm *self, const Subset *s)
{
  const SvmParams *p = self->params;
  return (SvmProblem){.kernel = p->kernel,
                      .X = s->X,
                      .y = s->y,
                      .C = s->C,
                      .regression = self->regression,
                      .epsilon = p->epsilon,
                      .tol = p->tol,
                      .shrinking = p->shrinking,
                      .cache_mb = p->cache_size};
}

/* The points with a nonzero coefficient, their coefficients and intercept −rho: a decision
 * function in the form decision_values takes. */
typedef struct {
  PlumMatrix *SV;
  double *coef;
  double intercept;
} BinaryModel;

static gboolean
binary_model_init(BinaryModel *m, const PlumMatrix *X, const SvmSolution *sol, GError **error)
{
  size_t *idx = g_new(size_t, X->rows), n = 0;
  m->coef = g_new(double, X->rows);
  for (size_t i = 0; i < X->rows; i++) {
    if (sol->coef[i] == 0)
      continue;
    m->coef[n] = sol->coef[i];
    idx[n++] = i;
  }
  m->intercept = -sol->rho;
  m->SV = gather_rows(X, idx, n, error);
  g_free(idx);
  return m->SV != NULL;
}

static void
binary_model_clear(BinaryModel *m)
{
  plum_matrix_free(m->SV);
  g_free(m->coef);
}

/* Platt scaling ------------------------------------------------------------------------------ */

/* The rows of s outside fold [begin, end) of perm, positives first (libsvm's order for the
 * inner model); returns how many, *n_pos of them positive. */
static size_t
fold_training_rows(const Subset *s, const size_t *perm, size_t n, size_t begin, size_t end,
                   size_t *rows, size_t *n_pos)
{
  size_t m = 0;
  for (int positive = 1; positive >= 0; positive--) {
    for (size_t j = 0; j < n; j++) {
      gboolean in_fold = j >= begin && j < end;
      if (!in_fold && (s->y[perm[j]] > 0) == positive)
        rows[m++] = perm[j];
    }
    if (positive)
      *n_pos = m;
  }
  return m;
}

/* dec[perm[begin..end)]: the decision values of a model trained on the other folds, or ±1
 * (0 when it has no rows) when those hold a single class, as libsvm does. */
static gboolean
fold_decisions(const Svm *self, const Subset *s, const size_t *perm, size_t begin, size_t end,
               size_t *rows, double *dec, GError **error)
{
  size_t n = s->X->rows, n_pos;
  size_t m = fold_training_rows(s, perm, n, begin, end, rows, &n_pos);
  if (n_pos == 0 || n_pos == m) {
    for (size_t j = begin; j < end; j++)
      dec[perm[j]] = m == 0 ? 0.0 : n_pos > 0 ? 1.0 : -1.0;
    return TRUE;
  }
  Subset train = {0};
  BinaryModel model = {0};
  SvmProblem prob = {0};
  SvmSolution sol = {0};
  PlumMatrix *held = NULL;
  gboolean ok = subset_init(&train, s->X, rows, s->y, s->C, m, error);
  if (ok) {
    prob = problem_for(self, &train);
    sol.coef = g_new(double, m);
    ok = svm_solve(&prob, &sol, error) && binary_model_init(&model, train.X, &sol, error);
  }
  if (ok)
    ok = (held = gather_rows(s->X, perm + begin, end - begin, error)) != NULL;
  if (ok) {
    double *buf = g_new(double, end - begin);
    PlumMatrix out = plum_matrix_view(buf, end - begin, 1, 1);
    ok = decision_values(prob.kernel, model.SV, model.coef, 1, &model.intercept, held, &out, error);
    for (size_t j = begin; ok && j < end; j++)
      dec[perm[j]] = buf[j - begin];
    g_free(buf);
  }
  plum_matrix_free(held);
  binary_model_clear(&model);
  g_free(sol.coef);
  subset_clear(&train);
  return ok;
}

/* Platt's A and B for the binary problem s, from 5-fold cross-validated decision values. */
static gboolean
platt_fit(const Svm *self, const Subset *s, PlumRng *rng, double *A, double *B, GError **error)
{
  size_t n = s->X->rows;
  size_t *perm = g_new(size_t, n), *rows = g_new(size_t, n);
  double *dec = g_new(double, n);
  for (size_t i = 0; i < n; i++)
    perm[i] = i;
  plum_rng_shuffle(rng, perm, n);
  gboolean ok = TRUE;
  for (size_t f = 0; ok && f < PLATT_FOLDS; f++)
    ok = fold_decisions(self, s, perm, f * n / PLATT_FOLDS, (f + 1) * n / PLATT_FOLDS, rows, dec,
                        error);
  if (ok)
    svm_sigmoid_train(dec, s->y, n, A, B);
  g_free(dec);
  g_free(rows);
  g_free(perm);
  return ok;
}

/* Installing a fitted state -------------------------------------------------------------------- */

static void
svm_reset(Svm *self)
{
  g_clear_pointer(&self->sv, g_free);
  g_clear_pointer(&self->n_support, g_free);
  g_clear_pointer(&self->dual_coef, g_free);
  g_clear_pointer(&self->intercept, g_free);
  g_clear_pointer(&self->pairs, g_free);
  g_clear_pointer(&self->prob_a, g_free);
  g_clear_pointer(&self->prob_b, g_free);
  g_clear_pointer(&self->W, g_free);
  self->n_features = self->n_classes = self->n_pairs = self->n_sv = 0;
}

/* W[s][p]: the coefficient of SV s in decision column p (0 when s is in neither class). */
static void
scatter_weights(Svm *self)
{
  size_t np = self->n_pairs, nsv = self->n_sv;
  self->W = g_new0(double, MAX(nsv * np, 1));
  if (self->regression) {
    memcpy(self->W, self->dual_coef, nsv * sizeof *self->W);
    return;
  }
  size_t *start = g_new(size_t, self->n_classes + 1);
  start[0] = 0;
  for (size_t c = 0; c < self->n_classes; c++)
    start[c + 1] = start[c] + (size_t)self->n_support[c];
  for (size_t p = 0; p < np; p++) {
    size_t a = (size_t)self->pairs[2 * p], b = (size_t)self->pairs[2 * p + 1];
    for (size_t s = start[a]; s < start[a + 1]; s++)
      self->W[s * np + p] = self->dual_coef[(b - 1) * nsv + s];
    for (size_t s = start[b]; s < start[b + 1]; s++)
      self->W[s * np + p] = self->dual_coef[a * nsv + s];
  }
  g_free(start);
}

/* Fit-data checks ------------------------------------------------------------------------------ */

/* Each row's bound C_i = C · sample_weight_i. */
static void
row_bounds(const SvmParams *p, const PlumFitData *data, double *C)
{
  for (size_t i = 0; i < data->X->rows; i++)
    C[i] = p->C * (data->sample_weight ? data->sample_weight[i] : 1.0);
}

/* Checks the class indices, applies class_weight to C and counts the rows of each class with
 * C_i > 0. */
static gboolean
class_bounds(const SvmParams *p, const PlumFitData *data, double *C, size_t *count, GError **error)
{
  for (size_t i = 0; i < data->X->rows; i++) {
    double v = PLUM_MATRIX_AT(data->y, i, 0);
    if (!(v >= 0 && v < (double)data->n_classes && v == floor(v))) {
      g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                  "svc: y = %g at row %zu (counting from 0) is not a class index in 0..%zu", v, i,
                  data->n_classes - 1);
      return FALSE;
    }
    if (p->class_weight.len > 0)
      C[i] *= p->class_weight.data[(size_t)v];
    if (C[i] > 0)
      count[(size_t)v]++;
  }
  return TRUE;
}

/* Every class must have rows of positive weight: a pair with an empty side has no machine. */
static gboolean
check_class_counts(const size_t *count, size_t k, GError **error)
{
  size_t present = 0, missing = k, only = 0;
  for (size_t c = k; c-- > 0;) {
    if (count[c] == 0) {
      missing = c;
      continue;
    }
    present++;
    only = c;
  }
  if (present == 1) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                "svc: y holds a single class (%zu); at least two classes must occur", only);
    return FALSE;
  }
  if (missing < k) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                "svc: class %zu of %zu never occurs in y (with positive weight); every class "
                "needs training rows",
                missing, k);
    return FALSE;
  }
  return TRUE;
}

static gboolean
check_fit_data(const Svm *self, const PlumFitData *data, GError **error)
{
  if (!linmodel_check_fit_data(self->who, data, error))
    return FALSE;
  if (self->regression)
    return TRUE;
  size_t k = data->n_classes, wlen = self->params->class_weight.len;
  if (k < 2) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                "svc: y must hold class indices of at least two classes (n_classes is %zu)", k);
    return FALSE;
  }
  if (wlen > 0 && wlen != k) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "svc: class_weight has %zu entries but y has %zu classes", wlen, k);
    return FALSE;
  }
  return TRUE;
}

/* Fitting svc -----------------------------------------------------------------------------------
 */

/* The training rows grouped by class (original order within a class), rows of C_i = 0 left
 * out: class c is rows[start[c] .. start[c + 1]). */
typedef struct {
  size_t k;
  size_t *rows, *start;
  double *C;     /* per row of the fit data */
  double *y;     /* per row of the fit data: +1, later set per pair */
  double **coef; /* per pair: the coefficients of its rows (class a's, then class b's) */
  double *rho;
  size_t n_iter;
  size_t n_capped; /* pairs stopped by the iteration cap */
} SvcFit;

static void
svc_fit_clear(SvcFit *f, size_t n_pairs)
{
  for (size_t p = 0; f->coef != NULL && p < n_pairs; p++)
    g_free(f->coef[p]);
  g_free(f->coef);
  g_free(f->rows);
  g_free(f->start);
  g_free(f->C);
  g_free(f->y);
  g_free(f->rho);
}

static gboolean
svc_group(const Svm *self, const PlumFitData *data, SvcFit *f, GError **error)
{
  size_t n = data->X->rows, k = data->n_classes;
  size_t *count = g_new0(size_t, k);
  f->k = k;
  f->C = g_new(double, n);
  f->y = g_new(double, n);
  row_bounds(self->params, data, f->C);
  gboolean ok =
      class_bounds(self->params, data, f->C, count, error) && check_class_counts(count, k, error);
  f->start = g_new0(size_t, k + 1);
  for (size_t c = 0; c < k; c++)
    f->start[c + 1] = f->start[c] + count[c];
  f->rows = g_new(size_t, f->start[k]);
  memset(count, 0, k * sizeof *count);
  for (size_t i = 0; ok && i < n; i++) {
    size_t c = (size_t)PLUM_MATRIX_AT(data->y, i, 0);
    if (f->C[i] > 0)
      f->rows[f->start[c] + count[c]++] = i;
  }
  g_free(count);
  return ok;
}

/* Trains the machine of classes (a, b) into f->coef[p], f->rho[p] and, with probability, the
 * sigmoid of pair p. */
static gboolean
svc_fit_pair(Svm *self, const PlumFitData *data, SvcFit *f, size_t p, size_t a, size_t b,
             GError **error)
{
  size_t na = f->start[a + 1] - f->start[a], nb = f->start[b + 1] - f->start[b], n = na + nb;
  size_t *idx = g_new(size_t, n);
  memcpy(idx, f->rows + f->start[a], na * sizeof *idx);
  memcpy(idx + na, f->rows + f->start[b], nb * sizeof *idx);
  for (size_t i = 0; i < n; i++)
    f->y[idx[i]] = i < na ? 1.0 : -1.0;
  Subset s = {0};
  gboolean ok = subset_init(&s, data->X, idx, f->y, f->C, n, error);
  g_free(idx);
  if (ok && self->params->probability)
    ok = platt_fit(self, &s, data->rng, &self->prob_a[p], &self->prob_b[p], error);
  SvmProblem prob = problem_for(self, &s);
  SvmSolution sol = {.coef = g_new(double, n)};
  ok = ok && svm_solve(&prob, &sol, error);
  subset_clear(&s);
  f->coef[p] = sol.coef;
  f->rho[p] = sol.rho;
  f->n_iter += sol.n_iter;
  f->n_capped += sol.hit_max_iter;
  if (ok && data->progress)
    plum_progress_update(data->progress, p + 1, sol.objective);
  return ok;
}

/* Marks the grouped rows with a nonzero coefficient in any pair. */
static size_t
svc_mark_support(const SvcFit *f, gboolean *nonzero, size_t *n_support)
{
  size_t p = 0, total = 0;
  for (size_t a = 0; a < f->k; a++) {
    for (size_t b = a + 1; b < f->k; b++, p++) {
      size_t na = f->start[a + 1] - f->start[a], nb = f->start[b + 1] - f->start[b];
      for (size_t i = 0; i < na; i++)
        nonzero[f->start[a] + i] |= f->coef[p][i] != 0;
      for (size_t i = 0; i < nb; i++)
        nonzero[f->start[b] + i] |= f->coef[p][na + i] != 0;
    }
  }
  for (size_t c = 0; c < f->k; c++) {
    n_support[c] = 0;
    for (size_t g = f->start[c]; g < f->start[c + 1]; g++)
      n_support[c] += nonzero[g];
    total += n_support[c];
  }
  return total;
}

/* Copies the coefficients of one side of a pair (the grouped rows [g0, g0 + n)) into row `row`
 * of dual_coef, at the SV positions from q on. */
static void
place_coef(Svm *self, const gboolean *nonzero, const double *coef, size_t g0, size_t n, size_t row,
           size_t q)
{
  for (size_t i = 0; i < n; i++)
    if (nonzero[g0 + i])
      self->dual_coef[row * self->n_sv + q++] = coef[i];
}

/* libsvm's model: SVs grouped by class, dual_coef in scikit-learn's layout, intercepts −rho. */
static void
svc_assemble(Svm *self, const PlumFitData *data, const SvcFit *f)
{
  size_t k = f->k, n_grouped = f->start[k], d = data->X->cols;
  gboolean *nonzero = g_new0(gboolean, n_grouped);
  size_t *sv_start = g_new(size_t, k + 1), *n_support = g_new(size_t, k);
  self->n_sv = svc_mark_support(f, nonzero, n_support);
  self->n_support = g_new(gint64, k);
  sv_start[0] = 0;
  for (size_t c = 0; c < k; c++) {
    self->n_support[c] = (gint64)n_support[c];
    sv_start[c + 1] = sv_start[c] + n_support[c];
  }
  self->sv = g_new(double, MAX(self->n_sv * d, 1));
  for (size_t g = 0, s = 0; g < n_grouped; g++)
    if (nonzero[g])
      memcpy(self->sv + d * s++, PLUM_MATRIX_ROW(data->X, f->rows[g]), d * sizeof(double));
  self->dual_coef = g_new0(double, MAX((k - 1) * self->n_sv, 1));
  self->pairs = g_new(gint64, 2 * self->n_pairs);
  self->intercept = g_new(double, self->n_pairs);
  size_t p = 0;
  for (size_t a = 0; a < k; a++) {
    for (size_t b = a + 1; b < k; b++, p++) {
      size_t na = f->start[a + 1] - f->start[a], nb = f->start[b + 1] - f->start[b];
      place_coef(self, nonzero, f->coef[p], f->start[a], na, b - 1, sv_start[a]);
      place_coef(self, nonzero, f->coef[p] + na, f->start[b], nb, a, sv_start[b]);
      self->pairs[2 * p] = (gint64)a;
      self->pairs[2 * p + 1] = (gint64)b;
      self->intercept[p] = -f->rho[p];
    }
  }
  g_free(n_support);
  g_free(sv_start);
  g_free(nonzero);
}

static void
report_fit(const Svm *self, const PlumFitData *data, size_t n_iter, size_t n_capped)
{
  if (data->report == NULL)
    return;
  char reason[96];
  if (n_capped == 0)
    g_snprintf(reason, sizeof reason, "converged: maximal violation <= tol %g", self->params->tol);
  else
    g_snprintf(reason, sizeof reason, "libsvm's iteration cap stopped %zu of %zu machines",
               n_capped, self->n_pairs);
  plum_state_set_int(data->report, "n_iter", (gint64)n_iter);
  plum_state_set_int(data->report, "n_support", (gint64)self->n_sv);
  plum_state_set_string(data->report, "stop_reason", reason);
}

static gboolean
svc_fit(Svm *self, const PlumFitData *data, GError **error)
{
  SvcFit f = {0};
  size_t k = data->n_classes, np = n_pairs_of(k);
  gboolean ok = svc_group(self, data, &f, error);
  self->n_classes = k;
  self->n_pairs = np;
  f.coef = g_new0(double *, np);
  f.rho = g_new(double, np);
  if (self->params->probability) {
    self->prob_a = g_new(double, np);
    self->prob_b = g_new(double, np);
  }
  if (data->progress)
    plum_progress_set_total(data->progress, np);
  size_t p = 0;
  for (size_t a = 0; ok && a < k; a++)
    for (size_t b = a + 1; ok && b < k; b++, p++)
      ok = svc_fit_pair(self, data, &f, p, a, b, error);
  if (ok) {
    self->n_features = data->X->cols;
    svc_assemble(self, data, &f);
    scatter_weights(self);
    report_fit(self, data, f.n_iter, f.n_capped);
  }
  if (data->progress)
    plum_progress_finish(data->progress, ok ? "fitted" : NULL);
  svc_fit_clear(&f, np);
  return ok;
}

/* Fitting svr -----------------------------------------------------------------------------------
 */

static gboolean
svr_fit(Svm *self, const PlumFitData *data, GError **error)
{
  size_t n = data->X->rows, m = 0;
  double *C = g_new(double, n), *y = g_new(double, n);
  size_t *idx = g_new(size_t, n);
  row_bounds(self->params, data, C);
  for (size_t i = 0; i < n; i++) {
    y[i] = PLUM_MATRIX_AT(data->y, i, 0);
    if (C[i] > 0)
      idx[m++] = i;
  }
  Subset s = {0};
  SvmSolution sol = {.coef = g_new(double, m)};
  BinaryModel model = {0};
  gboolean ok = subset_init(&s, data->X, idx, y, C, m, error);
  SvmProblem prob = problem_for(self, &s);
  ok = ok && svm_solve(&prob, &sol, error) && binary_model_init(&model, s.X, &sol, error);
  if (ok) {
    self->n_features = data->X->cols;
    self->n_pairs = 1;
    self->n_sv = model.SV->rows;
    self->sv = reals_dup(model.SV->data, self->n_sv * self->n_features);
    self->dual_coef = reals_dup(model.coef, self->n_sv);
    self->intercept = reals_dup(&model.intercept, 1);
    scatter_weights(self);
    report_fit(self, data, sol.n_iter, sol.hit_max_iter);
  }
  binary_model_clear(&model);
  subset_clear(&s);
  g_free(sol.coef);
  g_free(idx);
  g_free(y);
  g_free(C);
  return ok;
}

/* The model vtable ------------------------------------------------------------------------------
 */

static Svm *
svm_new(const void *params, gboolean regression)
{
  Svm *self = g_new0(Svm, 1);
  self->params = params;
  self->regression = regression;
  self->who = regression ? "svr" : "svc";
  return self;
}

static void *
svc_create(const void *params, GError **error)
{
  (void)error;
  return svm_new(params, FALSE);
}

static void *
svr_create(const void *params, GError **error)
{
  (void)error;
  return svm_new(params, TRUE);
}

static void
svm_destroy(void *self_ptr)
{
  svm_reset(self_ptr);
  g_free(self_ptr);
}

static gboolean
svm_fit(void *self_ptr, const PlumFitData *data, GError **error)
{
  Svm *self = self_ptr;
  if (!check_fit_data(self, data, error))
    return FALSE;
  svm_reset(self);
  gboolean ok = self->regression ? svr_fit(self, data, error) : svc_fit(self, data, error);
  if (!ok)
    svm_reset(self);
  return ok;
}

static void
svm_shape(const void *self_ptr, PlumModelShape *shape)
{
  const Svm *self = self_ptr;
  shape->n_features = self->n_features;
  shape->n_outputs = 1;
  shape->n_classes = self->prob_a != NULL ? self->n_classes : 0;
  shape->n_transform = self->regression ? 0 : self->n_pairs;
}

static gboolean
check_predict_input(const Svm *self, const PlumMatrix *X, const PlumMatrix *out, size_t out_cols,
                    GError **error)
{
  if (self->n_features == 0) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_NOT_FITTED,
                "%s: the model is not fitted; call fit or load first", self->who);
    return FALSE;
  }
  if (X->cols != self->n_features) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "%s: X has %zu features, the model was fitted on %zu", self->who, X->cols,
                self->n_features);
    return FALSE;
  }
  return plum_matrix_check_finite(X, "X", error) &&
         plum_matrix_check_shape(out, X->rows, out_cols, "predictions", error);
}

/* (transfer full) The decision values of X, X->rows x n_pairs. */
static PlumMatrix *
svm_decisions(const Svm *self, const PlumMatrix *X, GError **error)
{
  PlumMatrix *D = plum_matrix_new(X->rows, self->n_pairs, error);
  if (D == NULL)
    return NULL;
  PlumMatrix SV = plum_matrix_view(self->sv, self->n_sv, self->n_features, self->n_features);
  if (decision_values(self->params->kernel, &SV, self->W, self->n_pairs, self->intercept, X, D,
                      error))
    return D;
  plum_matrix_free(D);
  return NULL;
}

static gboolean
svc_transform(const void *self_ptr, const PlumMatrix *X, PlumMatrix *out, GError **error)
{
  const Svm *self = self_ptr;
  if (!check_predict_input(self, X, out, self->n_pairs, error))
    return FALSE;
  PlumMatrix *D = svm_decisions(self, X, error);
  gboolean ok = D != NULL && plum_matrix_copy_into(D, out, error);
  plum_matrix_free(D);
  return ok;
}

/* libsvm's vote: the first class with the most pairwise wins. */
static size_t
vote(const Svm *self, const double *dec, size_t *votes)
{
  memset(votes, 0, self->n_classes * sizeof *votes);
  for (size_t p = 0; p < self->n_pairs; p++)
    votes[(size_t)self->pairs[2 * p + (dec[p] > 0 ? 0 : 1)]]++;
  size_t best = 0;
  for (size_t c = 1; c < self->n_classes; c++)
    if (votes[c] > votes[best])
      best = c;
  return best;
}

static gboolean
svm_predict(const void *self_ptr, const PlumMatrix *X, PlumMatrix *out, GError **error)
{
  const Svm *self = self_ptr;
  if (!check_predict_input(self, X, out, 1, error))
    return FALSE;
  PlumMatrix *D = svm_decisions(self, X, error);
  if (D == NULL)
    return FALSE;
  size_t *votes = g_new(size_t, MAX(self->n_classes, 1));
  for (size_t i = 0; i < X->rows; i++)
    PLUM_MATRIX_AT(out, i, 0) = self->regression ? PLUM_MATRIX_AT(D, i, 0)
                                                 : (double)vote(self, PLUM_MATRIX_ROW(D, i), votes);
  g_free(votes);
  plum_matrix_free(D);
  return TRUE;
}

/* Class probabilities of one row from its decision values; r and work are scratch. */
static void
row_proba(const Svm *self, const double *dec, double *r, double *work, double *out)
{
  size_t k = self->n_classes;
  for (size_t p = 0; p < self->n_pairs; p++) {
    size_t a = (size_t)self->pairs[2 * p], b = (size_t)self->pairs[2 * p + 1];
    double pa = svm_sigmoid_predict(dec[p], self->prob_a[p], self->prob_b[p]);
    pa = MIN(MAX(pa, PROB_MIN), 1 - PROB_MIN);
    r[a * k + b] = pa;
    r[b * k + a] = 1 - pa;
  }
  if (k == 2) {
    out[0] = r[1];
    out[1] = r[2];
    return;
  }
  svm_couple(k, r, out, work);
}

static gboolean
svc_predict_proba(const void *self_ptr, const PlumMatrix *X, PlumMatrix *out, GError **error)
{
  const Svm *self = self_ptr;
  size_t k = self->n_classes;
  if (!check_predict_input(self, X, out, k, error))
    return FALSE;
  if (self->prob_a == NULL) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_UNSUPPORTED,
                "svc: the model has no probabilities; fit it with `probability: true`");
    return FALSE;
  }
  PlumMatrix *D = svm_decisions(self, X, error);
  if (D == NULL)
    return FALSE;
  double *r = g_new0(double, k *k), *work = g_new(double, k *k + k);
  for (size_t i = 0; i < X->rows; i++)
    row_proba(self, PLUM_MATRIX_ROW(D, i), r, work, PLUM_MATRIX_ROW(out, i));
  g_free(work);
  g_free(r);
  plum_matrix_free(D);
  return TRUE;
}

/* Save and load ----------------------------------------------------------------------------------
 */

static gboolean
svm_save(const void *self_ptr, PlumState *state, GError **error)
{
  const Svm *self = self_ptr;
  if (self->n_features == 0) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_NOT_FITTED,
                "%s: the model is not fitted; nothing to save", self->who);
    return FALSE;
  }
  size_t coef_rows = self->regression ? 1 : self->n_classes - 1;
  plum_state_set_int(state, "n_features", (gint64)self->n_features);
  plum_state_set_int(state, "n_sv", (gint64)self->n_sv);
  if (self->n_sv > 0) {
    plum_state_set_reals(state, "support_vectors", self->sv, self->n_sv, self->n_features);
    plum_state_set_reals(state, "dual_coef", self->dual_coef, coef_rows, self->n_sv);
  }
  plum_state_set_reals(state, "intercept", self->intercept, 1, self->n_pairs);
  if (self->regression)
    return TRUE;
  plum_state_set_ints(state, "n_support", self->n_support, self->n_classes);
  plum_state_set_ints(state, "pairs", self->pairs, 2 * self->n_pairs);
  if (self->prob_a != NULL) {
    plum_state_set_reals(state, "prob_a", self->prob_a, 1, self->n_pairs);
    plum_state_set_reals(state, "prob_b", self->prob_b, 1, self->n_pairs);
  }
  return TRUE;
}

static gboolean
state_error(const Svm *self, GError **error, const char *what)
{
  g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE, "%s: saved state: %s", self->who,
              what);
  return FALSE;
}

/* (transfer full) A finite rows x cols real array of the state. */
static double *
load_reals(const Svm *self, const PlumState *state, const char *name, size_t rows, size_t cols,
           GError **error)
{
  size_t r = 0, c = 0;
  const double *v = plum_state_get_reals(state, name, rows, cols, &r, &c, error);
  if (v == NULL)
    return NULL;
  PlumMatrix view = plum_matrix_view((double *)v, r, c, c);
  char what[64];
  g_snprintf(what, sizeof what, "%s: saved %s", self->who, name);
  if (!plum_matrix_check_finite(&view, what, error))
    return NULL;
  return reals_dup(v, r * c);
}

/* Counts (with n_sv) and class pairs: each pair (a, b), a < b < k, exactly once. */
static gboolean
load_classes(Svm *self, const PlumState *state, GError **error)
{
  size_t k = 0, np = 0;
  const gint64 *ns = plum_state_get_ints(state, "n_support", 0, &k, error);
  if (ns == NULL)
    return FALSE;
  if (k < 2)
    return state_error(self, error, "n_support needs an entry per class, at least two");
  const gint64 *pairs = plum_state_get_ints(state, "pairs", 2 * n_pairs_of(k), &np, error);
  if (pairs == NULL)
    return FALSE;
  gint64 total = 0, n_sv = (gint64)self->n_sv;
  for (size_t c = 0; c < k && total <= n_sv; c++)
    total += ns[c] >= 0 && ns[c] <= n_sv ? ns[c] : n_sv + 1;
  if (total != n_sv)
    return state_error(self, error, "n_support does not add up to n_sv");
  gboolean *seen = g_new0(gboolean, k * k), ok = TRUE;
  for (size_t p = 0; ok && p < np / 2; p++) {
    gint64 a = pairs[2 * p], b = pairs[2 * p + 1];
    ok = a >= 0 && a < b && b < (gint64)k && !seen[(size_t)a * k + (size_t)b];
    if (ok)
      seen[(size_t)a * k + (size_t)b] = TRUE;
  }
  g_free(seen);
  if (!ok)
    return state_error(self, error, "pairs must list every pair of classes (a < b) once");
  self->n_classes = k;
  self->n_pairs = np / 2;
  self->n_support = g_memdup2(ns, k * sizeof *ns);
  self->pairs = g_memdup2(pairs, np * sizeof *pairs);
  return TRUE;
}

/* prob_a and prob_b, both or neither. */
static gboolean
load_probability(Svm *self, const PlumState *state, GError **error)
{
  gboolean has_a = plum_state_has(state, "prob_a"), has_b = plum_state_has(state, "prob_b");
  if (has_a != has_b)
    return state_error(self, error, "prob_a and prob_b come together");
  if (!has_a)
    return TRUE;
  self->prob_a = load_reals(self, state, "prob_a", 1, self->n_pairs, error);
  self->prob_b = self->prob_a ? load_reals(self, state, "prob_b", 1, self->n_pairs, error) : NULL;
  return self->prob_b != NULL;
}

static gboolean
load_counts(Svm *self, const PlumState *state, GError **error)
{
  gint64 d, n_sv;
  if (!plum_state_get_int(state, "n_features", &d, error) ||
      !plum_state_get_int(state, "n_sv", &n_sv, error))
    return FALSE;
  if (d < 1 || n_sv < 0)
    return state_error(self, error, "n_features must be >= 1 and n_sv >= 0");
  self->n_features = (size_t)d;
  self->n_sv = (size_t)n_sv;
  self->n_pairs = 1;
  return TRUE;
}

static gboolean
load_support(Svm *self, const PlumState *state, GError **error)
{
  size_t rows = self->regression ? 1 : self->n_classes - 1, nsv = self->n_sv;
  if (nsv == 0) {
    self->sv = g_new0(double, 1);
    self->dual_coef = g_new0(double, 1);
    return TRUE;
  }
  self->sv = load_reals(self, state, "support_vectors", nsv, self->n_features, error);
  self->dual_coef = self->sv ? load_reals(self, state, "dual_coef", rows, nsv, error) : NULL;
  return self->dual_coef != NULL;
}

static gboolean
svm_load(void *self_ptr, const PlumState *state, GError **error)
{
  Svm *self = self_ptr;
  svm_reset(self);
  gboolean ok =
      load_counts(self, state, error) && (self->regression || load_classes(self, state, error)) &&
      load_support(self, state, error) &&
      (self->intercept = load_reals(self, state, "intercept", 1, self->n_pairs, error)) != NULL &&
      (self->regression || load_probability(self, state, error));
  if (!ok) {
    svm_reset(self);
    return FALSE;
  }
  scatter_weights(self);
  return TRUE;
}

/* Descriptors ------------------------------------------------------------------------------------
 */

static const PlumModelVTable svc_vtable = {
    .struct_size = sizeof(PlumModelVTable),
    .create = svc_create,
    .destroy = svm_destroy,
    .fit = svm_fit,
    .shape = svm_shape,
    .save = svm_save,
    .load = svm_load,
    .predict = svm_predict,
    .predict_proba = svc_predict_proba,
    .transform = svc_transform,
};

static const PlumModelVTable svr_vtable = {
    .struct_size = sizeof(PlumModelVTable),
    .create = svr_create,
    .destroy = svm_destroy,
    .fit = svm_fit,
    .shape = svm_shape,
    .save = svm_save,
    .load = svm_load,
    .predict = svm_predict,
};

#define SVM_COMMON_SPECS                                                                           \
  PLUM_PARAM_COMPONENT_SPEC(SvmParams, kernel, PLUM_KIND_KERNEL, "squared_exponential", 0,         \
                            "the kernel; libsvm's RBF with gamma γ is squared_exponential with "  \
                            "length_scale 1/sqrt(2γ)"),                                            \
      PLUM_PARAM_REAL_SPEC(SvmParams, C, 1.0, 0.0, INFINITY, PLUM_PARAM_MIN_EXCLUSIVE,             \
                           "penalty of a margin violation (upper bound of each dual variable)"),   \
      PLUM_PARAM_REAL_SPEC(SvmParams, tol, 1e-3, 0.0, INFINITY, PLUM_PARAM_MIN_EXCLUSIVE,          \
                           "stop when the maximal violating pair violates the optimality "         \
                           "conditions by at most this (libsvm's -e)"),                            \
      PLUM_PARAM_REAL_SPEC(SvmParams, cache_size, 200.0, 0.0, 1e7, PLUM_PARAM_MIN_EXCLUSIVE,       \
                           "kernel-row cache in MB (at least two rows are always kept)"),          \
      PLUM_PARAM_BOOL_SPEC(SvmParams, shrinking, TRUE,                                             \
                           "set aside variables that look settled at a bound (libsvm's -h)")

static const PlumParamSpec svc_params[] = {
    SVM_COMMON_SPECS,
    {.name = "class_weight",
     .type = PLUM_PARAM_REAL_ARRAY,
     .offset = offsetof(SvmParams, class_weight),
     .min = 0.0,
     .max = INFINITY,
     .flags = PLUM_PARAM_MIN_EXCLUSIVE,
     .doc = "per class, a factor on C (empty: 1 for every class)"},
    PLUM_PARAM_BOOL_SPEC(SvmParams, probability, FALSE,
                         "fit Platt sigmoids by 5-fold cross-validation for predict_proba"),
};

static const PlumParamSpec svr_params[] = {
    SVM_COMMON_SPECS,
    PLUM_PARAM_REAL_SPEC(SvmParams, epsilon, 0.1, 0.0, INFINITY, 0,
                         "half-width of the tube within which errors cost nothing"),
};

static const PlumComponentDesc svm_components[] = {
    {
        .struct_size = sizeof(PlumComponentDesc),
        .kind = PLUM_KIND_MODEL,
        .name = "svc",
        .summary = "C-support vector classification (libsvm's SMO), one-vs-one, with Platt "
                   "probabilities",
        .caps = PLUM_CAP_SUPERVISED | PLUM_CAP_CLASSIFIER,
        .params = svc_params,
        .n_params = G_N_ELEMENTS(svc_params),
        .params_size = sizeof(SvmParams),
        .vtable = &svc_vtable,
        .state_version = 1,
    },
    {
        .struct_size = sizeof(PlumComponentDesc),
        .kind = PLUM_KIND_MODEL,
        .name = "svr",
        .summary = "epsilon-support vector regression (libsvm's SMO)",
        .caps = PLUM_CAP_SUPERVISED | PLUM_CAP_REGRESSOR,
        .params = svr_params,
        .n_params = G_N_ELEMENTS(svr_params),
        .params_size = sizeof(SvmParams),
        .vtable = &svr_vtable,
        .state_version = 1,
    },
};

PLUM_PLUGIN_DEFINE(svm, PACKAGE_VERSION, "MIT",
                   "kernel support vector machines: C-SVC and epsilon-SVR over any kernel",
                   svm_components, NULL)
