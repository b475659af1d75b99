/* glm.c — generalized linear models over any family plugin, fitted by IRLS or by an optimizer.
 *
 * The response distribution comes from the `family` component (link, variance, deviance…); the
 * model minimises scikit-learn's penalised objective
 *   F(β, b) = (1 / (2 Σw)) Σ_i w_i d(y_i, μ_i) + (α/2) ‖β‖²,   μ_i = g⁻¹(x_iᵀβ + b),
 * whose α = 0 case is the maximum-likelihood GLM of R's glm() (the intercept b is never
 * penalised). The default solver is IRLS (Fisher scoring): each step solves the weighted least
 * squares (AᵀWA + Σw·α·I′) θ = AᵀWz for A = [X 1] by a Cholesky factorisation of the p × p
 * normal matrix (accumulated over blocks of rows, in the same pass over X that evaluates F),
 * starting from the intercept-only model as scikit-learn does (from the family's
 * mustart, as R does, where that model's μ is invalid), halving the step toward the previous
 * coefficients while μ leaves the family's mean space or the objective rises by more than `tol`,
 * and stopping when the objective's relative change |ΔF| / (|F| + 0.1) falls below `tol` (R's test
 * on the deviance; the default 1e-10 is tighter than R's 1e-8 because ΔF shrinks like the square of
 * the coefficient error, and Fisher scoring on a non-canonical link converges only linearly). A
 * design whose columns are linearly dependent is refused by name rather than given arbitrary
 * coefficients.
 *
 * `solver: optimizer` minimises the same F, written as the separable objective
 *   Σ_i f_i with f_i = (n / Σw) w_i d(y_i, μ_i) / 2 + (α/2) ‖β‖²   (so F = Σ f_i / n),
 * with whichever optimizer plugin the user names; held-out rows (X_val, y_val) then give early
 * stopping their mean half deviance (IRLS ignores them). θ is β (d) then b (1 when
 * fit_intercept).
 * Either way the fit report holds the deviance, the null deviance, the dispersion (1 for
 * families whose log-likelihood ignores it, else Pearson χ² / (n − p)), AIC (R's definition:
 * −2 log L + 2p, plus 2 when φ is estimated, with φ = deviance / Σw in the likelihood) where the
 * family has a log-likelihood, and standard errors √diag(φ (AᵀWA + Σw·α·I′)⁻¹) — R's for
 * α = 0, the posterior covariance of the ridge prior otherwise. IRLS takes W, as R's glm() does,
 * from the last step's system: when a step's predicted decrease ½ΔθᵀHΔθ (H its normal matrix
 * over Σw) is below tol, the pass at the new θ computes only F, the stopping test decides on it
 * as on any step, and no system is built at a θ that would only be reported (the pass's costly
 * half). The optimizer's standard errors use W at its θ.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <cblas.h>
#include <lapacke.h>
#include <plum/plugin.h>
#include <plum/registry.h>

#include "linmodel.h"
#include "vecmath.h"

typedef enum {
  SOLVER_IRLS = 0,
  SOLVER_OPTIMIZER,
} GlmSolver;

static const char *const solver_names[] = {"irls", "optimizer", NULL};

/* Relative Cholesky pivot R_jj² / G_jj below which column j counts as a linear combination of
 * the earlier ones: |R_jj| < 1e-6 ‖a_j‖, i.e. 1 − R²_j < 1e-12 against the other columns. */
#define COLLINEAR_TOL 1e-12
/* Halvings of one IRLS step before giving up on it. */
#define MAX_HALVINGS 30
/* Rows per block of the fused pass: a block of X (256 x d doubles) is still in cache when the
 * normal matrix and Aᵀ W z read it after η and μ. */
#define BLOCK_ROWS 256

typedef struct {
  PlumBinding *family;
  gboolean fit_intercept;
  double alpha;
  int solver;
  PlumBinding *optimizer;
  gint64 max_iter;
  double tol;
} GlmParams;

typedef struct {
  const GlmParams *params; /* borrowed from the binding, which outlives the instance */
  const PlumFamilyVTable *fam;
  const void *fam_params;
  size_t n_features;
  double *theta; /* β (d) then b; NULL until fitted */
} Glm;

/* The training problem with its scratch, each buffer allocated once, when first needed. */
typedef struct {
  const Glm *self;
  PlumMatrix X;
  const double *y; /* the target column, or y_copy when that column is not contiguous */
  double *y_copy;
  const double *w; /* nullable */
  size_t n, d, p;
  double w_sum;
  double alpha;
  gboolean fit_intercept;
  /* n each, allocated where needed: μ, η, μ′ and V(μ) of the optimizer objective, R's mustart
   * μ and η, the diagnostics' μ and V(μ). IRLS does without them, a block at a time: a first fit
   * touches each page it allocates, about 200 page faults (0.29 ms here) per 100000 rows. */
  double *mu, *eta, *dmu, *var;
  gboolean mu_full; /* mu holds μ at eval_theta for every row */
  /* BLOCK_ROWS each: one block's η, μ′ and V(μ), its IRLS weights W and W z. An IRLS pass
   * keeps these in cache instead of writing n-long arrays it never reads again. */
  double *blk_eta, *blk_mu, *blk_dmu, *blk_var, *sw, *swz;
  double *G;           /* p x p normal matrix AᵀWA (upper triangle), then its Cholesky factor */
  double *G_diag;      /* p: the diagonal of G before factorisation */
  double *rhs;         /* p: Aᵀ W z */
  gboolean G_factored; /* G holds the factor of the last working system */
  double *eval_theta;  /* p: where mu, eval_dev and eval_obj were last evaluated */
  gboolean eval_valid; /* eval_dev, eval_obj (and mu when mu_full) are at eval_theta */
  double eval_dev, eval_obj;
  /* Σ w log p(y | μ, φ = 1) at eval_theta, when eval_ll_valid: summed in the last IRLS pass of a
   * family whose φ is fixed (ll_in_passing, from the starting θ), so that μ need not be kept. */
  gboolean eval_ll_valid, ll_in_passing;
  double eval_ll;
  LinmodelGather gather; /* minibatches of the optimizer objective */
} GlmProblem;

/* Validation ----------------------------------------------------------------------------- */

/* The family's verdict on y, prefixed with where the family was configured. */
static gboolean
check_family_y(const Glm *self, const double *y, size_t n, GError **error)
{
  GError *local = NULL;
  if (self->fam->check_y(self->fam_params, y, n, &local))
    return TRUE;
  const PlumBinding *fb = self->params->family;
  g_propagate_prefixed_error(error, local, "glm: %s (%s): ", plum_binding_path(fb),
                             plum_component_name(plum_binding_component(fb)));
  return FALSE;
}

/* The problem ------------------------------------------------------------------------------ */

static void
problem_free(GlmProblem *pb)
{
  g_free(pb->y_copy);
  g_free(pb->eta);
  g_free(pb->mu);
  g_free(pb->dmu);
  g_free(pb->var);
  g_free(pb->blk_eta);
  g_free(pb->blk_mu);
  g_free(pb->blk_dmu);
  g_free(pb->blk_var);
  g_free(pb->sw);
  g_free(pb->swz);
  g_free(pb->G);
  g_free(pb->G_diag);
  g_free(pb->rhs);
  g_free(pb->eval_theta);
  linmodel_gather_clear(&pb->gather);
  g_free(pb);
}

/* The problem over X, y and w (borrowed: they must outlive it; checked by
 * linmodel_check_fit_data), with y checked against the family. */
static GlmProblem *
problem_new(const Glm *self, const PlumMatrix *X, const PlumMatrix *y, const double *w,
            double alpha, GError **error)
{
  size_t n = X->rows, d = X->cols;
  GlmProblem *pb = g_new0(GlmProblem, 1);
  pb->self = self;
  pb->X = *X;
  pb->y = y->data;
  if (y->ld != 1 && n > 1) {
    pb->y = pb->y_copy = g_new(double, n);
    cblas_dcopy((int)n, y->data, (int)y->ld, pb->y_copy, 1);
  }
  if (!check_family_y(self, pb->y, n, error)) {
    problem_free(pb);
    return NULL;
  }
  pb->w = w;
  pb->n = n;
  pb->d = d;
  pb->fit_intercept = self->params->fit_intercept;
  pb->p = d + (pb->fit_intercept ? 1 : 0);
  pb->w_sum = (double)n;
  if (w) {
    pb->w_sum = 0;
    for (size_t i = 0; i < n; i++)
      pb->w_sum += w[i];
  }
  pb->alpha = alpha;
  pb->eval_theta = g_new(double, pb->p);
  return pb;
}

/* μ, η, μ′ and V(μ) for all n rows, allocated on first use. */
static void
ensure_row_scratch(GlmProblem *pb)
{
  if (pb->eta != NULL)
    return;
  pb->mu = g_new(double, pb->n);
  pb->eta = g_new(double, pb->n);
  pb->dmu = g_new(double, pb->n);
  pb->var = g_new(double, pb->n);
}

/* The training problem of data. */
static GlmProblem *
problem_of_fit_data(const Glm *self, const PlumFitData *data, GError **error)
{
  if (!linmodel_check_fit_data("glm", data, error))
    return NULL;
  return problem_new(self, data->X, data->y, data->sample_weight, self->params->alpha, error);
}

/* η = X β + b for the rows of X, each row's sum taken the same way in training and prediction
 * (plum_matrix_row_dots): a μ the fit found valid is the μ predicted for that row. */
static void
linear_predictor(const PlumMatrix *X, const double *theta, gboolean fit_intercept, double *eta)
{
  double b = fit_intercept ? theta[X->cols] : 0.0;
  for (size_t i = 0; i < X->rows; i++)
    eta[i] = b;
  size_t j = 0;
  while (j < X->cols && theta[j] == 0.0)
    j++;
  if (j < X->cols) /* else η = b exactly, as the sums of finite x times 0 give (IRLS's start) */
    plum_matrix_row_dots(1.0, X, theta, 1.0, eta, 1);
}

static double
penalty(const GlmProblem *pb, const double *theta)
{
  return 0.5 * pb->alpha * cblas_ddot((int)pb->d, theta, 1, theta, 1);
}

/* β = 0 and b = g(mustart(ȳ)), the weighted mean response nudged into the mean space: the
 * intercept-only model (b = 0 without an intercept). */
static void
null_theta(GlmProblem *pb, double *theta)
{
  const Glm *self = pb->self;
  memset(theta, 0, pb->p * sizeof *theta);
  if (!pb->fit_intercept)
    return;
  double mean = 0, mu0;
  for (size_t i = 0; i < pb->n; i++)
    mean += (pb->w ? pb->w[i] : 1.0) * pb->y[i];
  mean /= pb->w_sum;
  self->fam->mustart(self->fam_params, &mean, &mu0, 1);
  self->fam->link(self->fam_params, &mu0, &theta[pb->d], 1);
}

/* IRLS --------------------------------------------------------------------------------------- */

/* Evaluation and the weighted least-squares system ------------------------------------------
 *
 * One pass over the rows, a block at a time, gives F at θ and the IRLS system at θ together:
 * the block of X that the linear predictor has just read is still in cache when the normal
 * matrix AᵀWA and AᵀWz are added up from it, so X streams from memory once per step. */

/* The buffers of the system, allocated once per problem. */
static void
ensure_system(GlmProblem *pb)
{
  if (pb->G != NULL)
    return;
  size_t m = MIN(pb->n, (size_t)BLOCK_ROWS), p = pb->p;
  pb->blk_eta = g_new(double, m);
  pb->blk_mu = g_new(double, m);
  pb->blk_dmu = g_new(double, m);
  pb->blk_var = g_new(double, m);
  pb->sw = g_new(double, m);
  pb->swz = g_new(double, m);
  pb->G = g_new(double, p *p);
  pb->G_diag = g_new(double, p);
  pb->rhs = g_new(double, p);
}

static void
clear_system(GlmProblem *pb)
{
  ensure_system(pb);
  memset(pb->G, 0, pb->p * pb->p * sizeof *pb->G);
  memset(pb->rhs, 0, pb->p * sizeof *pb->rhs);
  pb->G_factored = FALSE;
}

/* W and W z of m rows from η, μ, μ′ = dμ/dη and V(μ): W = w μ′² / V(μ), z = η + (y − μ) / μ′. */
PLUM_VEC_CLONES static void
irls_weights(const double *eta, const double *mu, const double *dmu, const double *var,
             const double *y, const double *w, size_t m, double *sw, double *swz)
{
  /* two loops: GCC turns a select on w inside into a masked load, which with w NULL made this
   * loop 10x slower on the bench machine (AMD EPYC) */
  if (w == NULL) {
#pragma omp simd
    for (size_t k = 0; k < m; k++)
      sw[k] = dmu[k] * dmu[k] / var[k];
  } else {
#pragma omp simd
    for (size_t k = 0; k < m; k++)
      sw[k] = w[k] * dmu[k] * dmu[k] / var[k];
  }
#pragma omp simd
  for (size_t k = 0; k < m; k++)
    swz[k] = sw[k] * (eta[k] + (y[k] - mu[k]) / dmu[k]);
}

/* Adds rows [start, start + m) at their η and μ (eta, mu: m entries) to G = AᵀWA (upper
 * triangle) and rhs = AᵀWz, for A = [X 1], the IRLS weights W and the working response z. */
static void
system_block(GlmProblem *pb, size_t start, size_t m, const double *eta, const double *mu)
{
  const Glm *self = pb->self;
  const double *y = pb->y + start, *w = pb->w ? pb->w + start : NULL;
  double *dmu = pb->blk_dmu, *var = pb->blk_var;
  if (self->fam->working_weights == NULL ||
      !self->fam->working_weights(self->fam_params, y, w, eta, mu, m, pb->sw, pb->swz)) {
    self->fam->mu_eta(self->fam_params, eta, dmu, m);
    self->fam->variance(self->fam_params, mu, var, m);
    irls_weights(eta, mu, dmu, var, y, w, m, pb->sw, pb->swz);
  }
  PlumMatrix rows = plum_matrix_rows(&pb->X, start, m);
  linmodel_add_weighted_system(&rows, pb->sw, pb->swz, pb->fit_intercept, pb->G, pb->p, pb->rhs);
}

/* The system at the current η, μ (R's first IRLS step, from mustart). */
static void
working_system(GlmProblem *pb)
{
  clear_system(pb);
  for (size_t start = 0; start < pb->n; start += BLOCK_ROWS)
    system_block(pb, start, MIN((size_t)BLOCK_ROWS, pb->n - start), pb->eta + start,
                 pb->mu + start);
}

/* η (into blk_eta) and μ of rows [start, start + m) at theta, μ into mu + start where the
 * problem keeps all n (else blk_mu); returns where μ went. */
static double *
block_mean(GlmProblem *pb, const double *theta, size_t start, size_t m)
{
  const Glm *self = pb->self;
  PlumMatrix rows = plum_matrix_rows(&pb->X, start, m);
  double *eta = pb->blk_eta, *mu = pb->mu ? pb->mu + start : pb->blk_mu;
  linear_predictor(&rows, theta, pb->fit_intercept, eta);
  self->fam->linkinv(self->fam_params, eta, mu, m);
  return mu;
}

/* block_mean, and Σ w d(y, μ) of the block added to *dev (and Σ w log p(y | μ, 1) to *ll when
 * ll); NULL when μ leaves the family's mean space. */
static const double *
evaluate_block(GlmProblem *pb, const double *theta, size_t start, size_t m, double *dev, double *ll)
{
  const Glm *self = pb->self;
  const double *mu = block_mean(pb, theta, start, m), *y = pb->y + start;
  const double *w = pb->w ? pb->w + start : NULL;
  if (self->fam->valid_mu && !self->fam->valid_mu(self->fam_params, mu, m))
    return NULL;
  *dev += self->fam->deviance(self->fam_params, y, mu, w, m);
  if (ll)
    *ll += self->fam->log_likelihood(self->fam_params, y, mu, w, m, 1.0);
  return mu;
}

/* η, μ, F and, when with_system, the system at theta (else G keeps what it holds), and the
 * log-likelihood at φ = 1 when with_ll; FALSE when μ leaves the family's mean space or F is not
 * finite. The deviance, F and that log-likelihood are kept with theta, so that the diagnostics
 * of the θ the fit ended on need no second pass. */
static gboolean
evaluate_at(GlmProblem *pb, const double *theta, gboolean with_system, gboolean with_ll,
            double *objective)
{
  double dev = 0, ll = 0;
  pb->eval_valid = pb->mu_full = pb->eval_ll_valid = FALSE;
  if (with_system)
    clear_system(pb);
  else
    ensure_system(pb); /* the block scratch */
  for (size_t start = 0; start < pb->n; start += BLOCK_ROWS) {
    size_t m = MIN((size_t)BLOCK_ROWS, pb->n - start);
    const double *mu = evaluate_block(pb, theta, start, m, &dev, with_ll ? &ll : NULL);
    if (mu == NULL)
      return FALSE;
    if (with_system)
      system_block(pb, start, m, pb->blk_eta, mu);
  }
  *objective = dev / (2.0 * pb->w_sum) + penalty(pb, theta);
  if (!isfinite(*objective))
    return FALSE;
  memcpy(pb->eval_theta, theta, pb->p * sizeof *theta);
  pb->eval_dev = dev;
  pb->eval_obj = *objective;
  pb->eval_ll = ll;
  pb->eval_ll_valid = with_ll;
  pb->mu_full = pb->mu != NULL;
  pb->eval_valid = TRUE;
  return TRUE;
}

static gboolean
evaluate(GlmProblem *pb, const double *theta, double *objective)
{
  return evaluate_at(pb, theta, TRUE, FALSE, objective);
}

/* evaluate, unless the last evaluation was at theta: its system is then the one built there, or,
 * when that evaluation computed F alone (last_step), the last step's, which the standard errors
 * take as R's glm() does. */
static gboolean
evaluate_once(GlmProblem *pb, const double *theta, double *objective)
{
  if (pb->eval_valid && memcmp(pb->eval_theta, theta, pb->p * sizeof *theta) == 0) {
    *objective = pb->eval_obj;
    return TRUE;
  }
  return evaluate(pb, theta, objective);
}

/* The first column whose relative Cholesky pivot R_jj² / G_jj falls to COLLINEAR_TOL, among
 * the first `bad` of the factor in G; `bad` when none does. */
static size_t
first_collinear(const GlmProblem *pb, size_t bad)
{
  size_t p = pb->p;
  for (size_t j = 0; j < bad; j++) {
    double r = pb->G[j * p + j];
    if (!(r * r > COLLINEAR_TOL * pb->G_diag[j]))
      return j;
  }
  return bad;
}

/* Factorises G = AᵀA + Σw·α·I′ of the working system as RᵀR in place. Returns p, or the first
 * column that is a linear combination of the earlier ones: where the factorisation breaks down or,
 * when `strict`, where the relative pivot falls to COLLINEAR_TOL. */
static size_t
factor_normal_matrix(GlmProblem *pb, gboolean strict)
{
  size_t p = pb->p;
  double *G = pb->G;
  for (size_t j = 0; j < pb->d; j++)
    G[j * p + j] += pb->w_sum * pb->alpha;
  for (size_t j = 0; j < p; j++)
    pb->G_diag[j] = G[j * p + j];
  lapack_int info = LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'U', (lapack_int)p, G, (lapack_int)p);
  size_t bad = info > 0 ? (size_t)info - 1 : p;
  pb->G_factored = bad == p;
  return strict ? first_collinear(pb, bad) : bad;
}

static void
set_singular_error(const GlmProblem *pb, size_t j, GError **error)
{
  if (j < pb->d)
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED,
                "glm: the design is singular: feature %zu (counting from 0) is a linear "
                "combination of the earlier features; drop it or set alpha > 0",
                j);
  else
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED,
                "glm: the design is singular: the intercept is a linear combination of the "
                "features (is a column constant?); drop that column, set fit_intercept: false, "
                "or set alpha > 0");
}

/* The solution of the working system (built at the current η, μ) into theta_out. The first
 * step also refuses, by column, a design whose columns (the intercept's included) are linearly
 * dependent: its weights come from one μ₀ for all rows or from mustart, positive wherever w
 * is, so they have the design's rank; any α > 0 makes the problem well posed. Later steps, whose
 * weights may degenerate as μ nears the edge of its mean space, fail only where Cholesky itself
 * breaks down. */
static gboolean
wls_step(GlmProblem *pb, gboolean first, double *theta_out, GError **error)
{
  size_t p = pb->p;
  gboolean strict = first && pb->alpha == 0;
  size_t j = factor_normal_matrix(pb, strict);
  if (j < p && strict) {
    set_singular_error(pb, j, error);
    return FALSE;
  }
  if (j < p) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED,
                "glm: the IRLS weights degenerated (μ at the edge of the family's mean space?): "
                "the weighted normal matrix is not positive definite; try another link or "
                "alpha > 0");
    return FALSE;
  }
  memcpy(theta_out, pb->rhs, p * sizeof *theta_out);
  LAPACKE_dpotrs(LAPACK_ROW_MAJOR, 'U', (lapack_int)p, 1, pb->G, (lapack_int)p, theta_out, 1);
  return TRUE;
}

typedef struct {
  size_t n_iter;
  double objective;
  gboolean converged;
  char stop_reason[96];
} GlmRun;

static gboolean
small_change(double old_value, double new_value, double tol)
{
  return fabs(new_value - old_value) / (fabs(new_value) + 0.1) < tol;
}

/* The decrease of F from theta to theta_new that the quadratic model of the step predicts,
 * ½ Δθᵀ H Δθ with H = G / Σw (G = RᵀR: its factor, in pb->G, of the system that gave
 * theta_new). */
static double
predicted_decrease(const GlmProblem *pb, const double *theta, const double *theta_new)
{
  size_t p = pb->p;
  double q = 0;
  for (size_t i = 0; i < p; i++) {
    double r = 0;
    for (size_t j = i; j < p; j++)
      r += pb->G[i * p + j] * (theta_new[j] - theta[j]);
    q += r * r;
  }
  return 0.5 * q / pb->w_sum;
}

/* Whether theta_new, a step from theta (objective prev_obj), ends the fit: when the step's
 * predicted decrease is below tol, F at theta_new alone (no system: the pass's most costly part)
 * decides, by the stopping test itself. FALSE leaves theta_new to be evaluated in full. */
static gboolean
last_step(GlmProblem *pb, const double *theta, const double *theta_new, double prev_obj,
          double *obj)
{
  double tol = pb->self->params->tol;
  gboolean with_ll = pb->ll_in_passing; /* the diagnostics' likelihood */
  return pb->G_factored &&
         small_change(prev_obj, prev_obj - predicted_decrease(pb, theta, theta_new), tol) &&
         evaluate_at(pb, theta_new, FALSE, with_ll, obj) && small_change(prev_obj, *obj, tol);
}

/* Moves theta_new halfway toward theta until F is valid and, when have_prev, no larger than
 * prev_obj beyond the tolerance. FALSE when no halving gets there. */
static gboolean
halve_step(GlmProblem *pb, const double *theta, double *theta_new, gboolean have_prev,
           double prev_obj, double *obj)
{
  double tol = pb->self->params->tol;
  for (int k = 0; k <= MAX_HALVINGS; k++) {
    if (evaluate(pb, theta_new, obj) &&
        (!have_prev || *obj <= prev_obj || small_change(prev_obj, *obj, tol)))
      return TRUE;
    if (!have_prev) /* nothing to halve toward yet */
      return FALSE;
    for (size_t j = 0; j < pb->p; j++)
      theta_new[j] = 0.5 * (theta_new[j] + theta[j]);
  }
  return FALSE;
}

static void
converged(GlmRun *run, double tol)
{
  run->converged = TRUE;
  g_snprintf(run->stop_reason, sizeof run->stop_reason,
             "converged: relative change of the objective < tol %.3g", tol);
}

static gboolean dispersion_is_fixed(const GlmProblem *pb, const double *theta);

static gboolean
irls(GlmProblem *pb, double *theta, GlmRun *run, GError **error)
{
  const Glm *self = pb->self;
  size_t p = pb->p;
  double *theta_new = g_new(double, p), prev_obj;
  gboolean ok = TRUE;
  /* The first step starts from the intercept-only model, as scikit-learn's solvers do: its
   * evaluation builds that step's system and anchors the step halving. Where its μ is not
   * valid, it starts from the family's mustart as R's glm() does, unanchored. */
  null_theta(pb, theta);
  pb->ll_in_passing = dispersion_is_fixed(pb, theta);
  gboolean have_prev = evaluate(pb, theta, &prev_obj);
  if (!have_prev) {
    ensure_row_scratch(pb);
    self->fam->mustart(self->fam_params, pb->y, pb->mu, pb->n);
    self->fam->link(self->fam_params, pb->mu, pb->eta, pb->n);
    working_system(pb);
  }

  for (run->n_iter = 1; run->n_iter <= (size_t)self->params->max_iter; run->n_iter++) {
    double obj;
    if (!(ok = wls_step(pb, run->n_iter == 1, theta_new, error)))
      break;
    if (have_prev && run->n_iter > 1 && last_step(pb, theta, theta_new, prev_obj, &obj)) {
      memcpy(theta, theta_new, p * sizeof *theta);
      run->objective = obj;
      converged(run, self->params->tol);
      break;
    }
    if (!halve_step(pb, theta, theta_new, have_prev, prev_obj, &obj)) {
      if (!have_prev) {
        g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED,
                    "glm: IRLS found no valid coefficients from the family's starting values "
                    "(μ leaves its mean space); try another link or fit_intercept: true");
        ok = FALSE;
      } else {
        g_strlcpy(run->stop_reason, "stopped: step halving found no decrease of the objective",
                  sizeof run->stop_reason);
      }
      break;
    }
    memcpy(theta, theta_new, p * sizeof *theta);
    run->objective = obj;
    if (run->n_iter > 1 && small_change(prev_obj, obj, self->params->tol)) {
      converged(run, self->params->tol);
      break;
    }
    prev_obj = obj;
    have_prev = TRUE;
  }
  if (ok && run->stop_reason[0] == '\0') {
    run->n_iter--;
    g_snprintf(run->stop_reason, sizeof run->stop_reason, "reached max_iter = %zu", run->n_iter);
  }
  g_free(theta_new);
  return ok;
}

/* The optimizer objective ----------------------------------------------------------------- */

/* Σ f_i over the selected terms; an invalid μ gives +∞ so line searches step back. */
static gboolean
objective_eval(void *ctx, const double *theta, const size_t *terms, size_t n_sel, double *value,
               double *grad, GError **error)
{
  GlmProblem *pb = ctx;
  const Glm *self = pb->self;
  PlumMatrix X = pb->X;
  const double *y = pb->y, *w = pb->w;
  if (terms &&
      !linmodel_gather(&pb->gather, "glm", &pb->X, pb->y, pb->w, terms, n_sel, &X, &y, &w, error))
    return FALSE;
  size_t m = X.rows, d = pb->d;
  double scale = (double)pb->n / pb->w_sum;
  pb->eval_valid = pb->mu_full = pb->eval_ll_valid = FALSE;
  ensure_row_scratch(pb);

  linear_predictor(&X, theta, pb->fit_intercept, pb->eta);
  self->fam->linkinv(self->fam_params, pb->eta, pb->mu, m);
  double pen = (double)m * penalty(pb, theta);
  if (self->fam->valid_mu && !self->fam->valid_mu(self->fam_params, pb->mu, m)) {
    *value = INFINITY;
    if (grad)
      memset(grad, 0, pb->p * sizeof *grad);
    return TRUE;
  }
  *value = 0.5 * scale * self->fam->deviance(self->fam_params, y, pb->mu, w, m) + pen;
  if (grad == NULL)
    return TRUE;
  /* ∂f_i/∂η_i = −(n/Σw) w_i (y_i − μ_i) μ′_i / V(μ_i), since ∂d/∂μ = −2 (y − μ) / V(μ). */
  self->fam->mu_eta(self->fam_params, pb->eta, pb->dmu, m);
  self->fam->variance(self->fam_params, pb->mu, pb->var, m);
  double *r = pb->dmu, b_grad = 0;
  for (size_t i = 0; i < m; i++) {
    r[i] = -scale * (w ? w[i] : 1.0) * (y[i] - pb->mu[i]) * pb->dmu[i] / pb->var[i];
    b_grad += r[i];
  }
  memcpy(grad, theta, d * sizeof *grad);
  cblas_dgemv(CblasRowMajor, CblasTrans, (int)m, (int)d, 1.0, X.data, (int)X.ld, r, 1,
              (double)m * pb->alpha, grad, 1);
  if (pb->fit_intercept)
    grad[d] = b_grad;
  return TRUE;
}

static void
objective_initial(void *ctx, double *theta)
{
  null_theta(ctx, theta);
}

static void
objective_free(void *ctx)
{
  problem_free(ctx);
}

static PlumObjective
objective_of(GlmProblem *pb)
{
  return (PlumObjective){
      .struct_size = sizeof(PlumObjective),
      .n_params = pb->p,
      .n_terms = pb->n,
      .ctx = pb,
      .eval = objective_eval,
      .initial = objective_initial,
      .free = objective_free,
  };
}

/* Diagnostics -------------------------------------------------------------------------------- */

/* The family vtable has no slot saying whether φ is fixed; a family whose log-likelihood does
 * not depend on its dispersion argument (bernoulli, binomial, poisson) has φ = 1. One row with
 * positive weight tells, without two more passes over all n rows (each a log-gamma per row for
 * poisson). Three dispersions, not two: a log-likelihood that depends on φ may take one value at
 * two of them (the normal's, −½ (log 2πφ + r²/φ), at φ = 1 and 2 when r² = 2 log 2), never at
 * three, since it rises then falls in φ. */
static gboolean
dispersion_is_fixed(const GlmProblem *pb, const double *theta)
{
  const Glm *self = pb->self;
  if (self->fam->log_likelihood == NULL)
    return FALSE;
  size_t i = 0;
  while (pb->w && pb->w[i] <= 0) /* some weight is positive: linmodel_check_fit_data */
    i++;
  PlumMatrix row = plum_matrix_rows(&pb->X, i, 1);
  double eta, mu, ll[3];
  linear_predictor(&row, theta, pb->fit_intercept, &eta);
  self->fam->linkinv(self->fam_params, &eta, &mu, 1);
  for (int k = 0; k < 3; k++)
    ll[k] = self->fam->log_likelihood(self->fam_params, &pb->y[i], &mu, NULL, 1, k + 1.0);
  return ll[0] == ll[1] && ll[1] == ll[2];
}

/* μ at theta, the last evaluation's, for all n rows in pb->mu. */
static void
full_mean(GlmProblem *pb, const double *theta)
{
  if (pb->mu_full)
    return;
  ensure_row_scratch(pb);
  ensure_system(pb);
  for (size_t start = 0; start < pb->n; start += BLOCK_ROWS)
    block_mean(pb, theta, start, MIN((size_t)BLOCK_ROWS, pb->n - start));
  pb->mu_full = TRUE;
}

/* Deviance of the intercept-only model (μ = weighted mean of y), or of η = 0 without one;
 * NAN when that μ is outside the family's mean space (η = 0 under an inverse link). */
static double
null_deviance(GlmProblem *pb)
{
  const Glm *self = pb->self;
  double mu0 = 0;
  if (pb->fit_intercept) {
    for (size_t i = 0; i < pb->n; i++)
      mu0 += (pb->w ? pb->w[i] : 1.0) * pb->y[i];
    mu0 /= pb->w_sum;
  } else {
    self->fam->linkinv(self->fam_params, &mu0, &mu0, 1);
  }
  if (self->fam->valid_mu && !self->fam->valid_mu(self->fam_params, &mu0, 1))
    return NAN;
  double mu_block[BLOCK_ROWS], dev = 0;
  for (size_t k = 0; k < BLOCK_ROWS; k++)
    mu_block[k] = mu0;
  for (size_t start = 0; start < pb->n; start += BLOCK_ROWS)
    dev +=
        self->fam->deviance(self->fam_params, pb->y + start, mu_block, pb->w ? pb->w + start : NULL,
                            MIN((size_t)BLOCK_ROWS, pb->n - start));
  return dev;
}

/* Pearson χ² / (n − p) over the rows with positive weight; NAN when no degree of freedom is
 * left. pb->var must hold V(μ). */
static double
pearson_dispersion(const GlmProblem *pb)
{
  double chi2 = 0;
  size_t n_obs = 0;
  for (size_t i = 0; i < pb->n; i++) {
    double wi = pb->w ? pb->w[i] : 1.0, r = pb->y[i] - pb->mu[i];
    if (wi <= 0)
      continue;
    chi2 += wi * r * r / pb->var[i];
    n_obs++;
  }
  return n_obs > pb->p ? chi2 / (double)(n_obs - pb->p) : NAN;
}

/* √diag(φ G⁻¹) from G at the fit (built by its evaluation); FALSE when G is singular. */
static gboolean
standard_errors(GlmProblem *pb, double dispersion, double *se)
{
  if (!pb->G_factored && factor_normal_matrix(pb, FALSE) < pb->p)
    return FALSE;
  if (first_collinear(pb, pb->p) < pb->p)
    return FALSE;
  if (LAPACKE_dpotri(LAPACK_ROW_MAJOR, 'U', (lapack_int)pb->p, pb->G, (lapack_int)pb->p) != 0)
    return FALSE;
  for (size_t j = 0; j < pb->p; j++)
    se[j] = sqrt(dispersion * pb->G[j * pb->p + j]);
  return TRUE;
}

static void
write_diagnostics(GlmProblem *pb, const double *theta, PlumState *report)
{
  const Glm *self = pb->self;
  double obj, null_dev = null_deviance(pb);
  if (isfinite(null_dev))
    plum_state_set_real(report, "null_deviance", null_dev);
  if (!evaluate_once(pb, theta, &obj))
    return;
  double dev = pb->eval_dev;
  gboolean fixed = dispersion_is_fixed(pb, theta);
  plum_state_set_real(report, "deviance", dev);
  plum_state_set_real(report, "objective", obj);
  /* A perfect fit (deviance 0) leaves no likelihood with an estimated φ, and n <= p no
   * dispersion: those entries are left out rather than reported as NaN. */
  double ll = NAN;
  if (self->fam->log_likelihood && fixed && pb->eval_ll_valid) {
    ll = pb->eval_ll;
  } else if (self->fam->log_likelihood) {
    full_mean(pb, theta);
    ll = self->fam->log_likelihood(self->fam_params, pb->y, pb->mu, pb->w, pb->n,
                                   fixed ? 1.0 : dev / pb->w_sum);
  }
  if (isfinite(ll)) {
    plum_state_set_real(report, "log_likelihood", ll);
    plum_state_set_real(report, "aic", -2.0 * ll + 2.0 * (double)(pb->p + (fixed ? 0 : 1)));
  }
  double phi = 1.0;
  if (!fixed) {
    full_mean(pb, theta);
    self->fam->variance(self->fam_params, pb->mu, pb->var, pb->n);
    phi = pearson_dispersion(pb);
  }
  if (!isfinite(phi))
    return;
  plum_state_set_real(report, "dispersion", phi);
  double *se = g_new(double, pb->p);
  if (standard_errors(pb, phi, se))
    plum_state_set_reals(report, "std_err", se, 1, pb->p);
  g_free(se);
}

/* Fitting -------------------------------------------------------------------------------------- */

static void
glm_install(Glm *self, size_t d, double *theta)
{
  g_free(self->theta);
  self->n_features = d;
  self->theta = theta;
}

/* θ of the problem's layout into the stored β, b (b = 0 without an intercept). */
static void
install_theta(Glm *self, size_t d, gboolean fit_intercept, const double *theta)
{
  double *stored = g_new0(double, d + 1);
  memcpy(stored, theta, (d + (fit_intercept ? 1 : 0)) * sizeof *stored);
  glm_install(self, d, stored);
}

static gboolean
fit_irls(GlmProblem *pb, double *theta, PlumState *report, GError **error)
{
  GlmRun run = {0};
  if (!irls(pb, theta, &run, error))
    return FALSE;
  if (report) {
    plum_state_set_int(report, "n_iter", (gint64)run.n_iter);
    plum_state_set_int(report, "converged", run.converged);
    plum_state_set_string(report, "stop_reason", run.stop_reason);
  }
  return TRUE;
}

/* Early stopping scores θ by the mean half deviance of the held-out rows. */
static gboolean
fit_optimizer(GlmProblem *pb, const PlumFitData *data, double *theta, GError **error)
{
  PlumObjective obj = objective_of(pb), val = {0};
  PlumOptimContext octx = {.struct_size = sizeof octx,
                           .rng = data->rng,
                           .progress = data->progress,
                           .report = data->report};
  if (data->X_val) {
    GlmProblem *val_pb = problem_new(pb->self, data->X_val, data->y_val, NULL, 0.0, error);
    if (val_pb == NULL)
      return FALSE;
    val = objective_of(val_pb);
    octx.validate = linmodel_validate_mean;
    octx.validate_user = &val;
  }
  PlumOptimResult res = {.struct_size = sizeof res};
  obj.initial(obj.ctx, theta);
  gboolean ok =
      plum_optimizer_minimize(pb->self->params->optimizer, &obj, theta, &octx, &res, error);
  if (ok && data->report) {
    plum_state_set_int(data->report, "n_iter", (gint64)res.n_iter);
    plum_state_set_int(data->report, "n_evals", (gint64)res.n_evals);
    plum_state_set_real(data->report, "grad_norm", res.grad_norm);
    plum_state_set_string(data->report, "stop_reason", res.stop_reason);
  }
  if (val.free)
    val.free(val.ctx);
  return ok;
}

/* The model vtable ------------------------------------------------------------------------- */

static void *
glm_create(const void *params, GError **error)
{
  const GlmParams *p = params;
  (void)error;
  Glm *self = g_new0(Glm, 1);
  self->params = p;
  self->fam = plum_family_vtable(p->family, &self->fam_params);
  return self;
}

static void
glm_destroy(void *self_ptr)
{
  Glm *self = self_ptr;
  g_free(self->theta);
  g_free(self);
}

static gboolean
glm_fit(void *self_ptr, const PlumFitData *data, GError **error)
{
  Glm *self = self_ptr;
  GlmProblem *pb = problem_of_fit_data(self, data, error);
  if (pb == NULL)
    return FALSE;
  double *theta = g_new0(double, pb->p);
  gboolean ok = self->params->solver == SOLVER_OPTIMIZER ? fit_optimizer(pb, data, theta, error)
                                                         : fit_irls(pb, theta, data->report, error);
  if (ok)
    install_theta(self, pb->d, pb->fit_intercept, theta);
  if (ok && data->report)
    write_diagnostics(pb, theta, data->report);
  g_free(theta);
  problem_free(pb);
  return ok;
}

static gboolean
glm_objective(void *self_ptr, const PlumFitData *data, PlumObjective *obj, GError **error)
{
  GlmProblem *pb = problem_of_fit_data(self_ptr, data, error);
  if (pb == NULL)
    return FALSE;
  *obj = objective_of(pb);
  return TRUE;
}

static gboolean
glm_set_theta(void *self_ptr, const PlumFitData *data, const double *theta, GError **error)
{
  Glm *self = self_ptr;
  if (data->X == NULL || data->X->cols < 1) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "glm: set_theta needs the training X to know the number of features");
    return FALSE;
  }
  install_theta(self, data->X->cols, self->params->fit_intercept, theta);
  return TRUE;
}

static void
glm_shape(const void *self_ptr, PlumModelShape *shape)
{
  const Glm *self = self_ptr;
  shape->n_features = self->n_features;
  shape->n_outputs = 1;
  shape->n_classes = 0;
  shape->n_transform = 0;
}

static gboolean
glm_check_fitted(const Glm *self, GError **error)
{
  if (self->theta)
    return TRUE;
  g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_NOT_FITTED,
              "glm: the model is not fitted; call fit or load first");
  return FALSE;
}

/* μ = g⁻¹(x β + b) for each row of X into out, with the fit's η (linear_predictor; the stored θ
 * holds b = 0 without an intercept), row by row, so a row's prediction does not depend on the
 * rows beside it. */
static void
predict_mean(const Glm *self, const PlumMatrix *X, PlumMatrix *out)
{
  if (X->rows == 0)
    return;
  double *eta = g_new(double, X->rows);
  linear_predictor(X, self->theta, TRUE, eta);
  self->fam->linkinv(self->fam_params, eta, eta, X->rows);
  cblas_dcopy((int)X->rows, eta, 1, out->data, (int)out->ld);
  g_free(eta);
}

static gboolean
glm_predict(const void *self_ptr, const PlumMatrix *X, PlumMatrix *out, GError **error)
{
  const Glm *self = self_ptr;
  if (!glm_check_fitted(self, error))
    return FALSE;
  if (X->cols != self->n_features) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "glm: X has %zu features, the model was fitted on %zu", X->cols, self->n_features);
    return FALSE;
  }
  if (!plum_matrix_check_finite(X, "X", error) ||
      !plum_matrix_check_shape(out, X->rows, 1, "predictions", error))
    return FALSE;
  predict_mean(self, X, out);
  return TRUE;
}

/* predict without its checks: the host has checked X (width, finite) and sized values. */
static gboolean
glm_predict_all(const void *self_ptr, const PlumMatrix *X, PlumMatrix *values, PlumMatrix *proba,
                PlumMatrix *std, GError **error)
{
  const Glm *self = self_ptr;
  (void)proba;
  (void)std;
  if (!glm_check_fitted(self, error))
    return FALSE;
  if (values != NULL)
    predict_mean(self, X, values);
  return TRUE;
}

static gboolean
glm_save(const void *self_ptr, PlumState *state, GError **error)
{
  const Glm *self = self_ptr;
  if (!glm_check_fitted(self, error))
    return FALSE;
  plum_state_set_reals(state, "coef", self->theta, self->n_features, 1);
  plum_state_set_real(state, "intercept", self->theta[self->n_features]);
  return TRUE;
}

static gboolean
glm_load(void *self_ptr, const PlumState *state, GError **error)
{
  Glm *self = self_ptr;
  size_t d = 0;
  double intercept;
  const double *coef = plum_state_get_reals(state, "coef", 0, 1, &d, NULL, error);
  if (coef == NULL || !plum_state_get_real(state, "intercept", &intercept, error))
    return FALSE;
  PlumMatrix view = plum_matrix_view((double *)coef, d, 1, 0);
  if (d < 1) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
                "glm: saved coef has no rows; it needs one per feature");
    return FALSE;
  }
  if (!plum_matrix_check_finite(&view, "saved coef", error))
    return FALSE;
  if (!isfinite(intercept)) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
                "glm: saved intercept is %g; it must be finite", intercept);
    return FALSE;
  }
  double *theta = g_new(double, d + 1);
  memcpy(theta, coef, d * sizeof *theta);
  theta[d] = intercept;
  glm_install(self, d, theta);
  return TRUE;
}

static const PlumModelVTable glm_vtable = {
    .struct_size = sizeof(PlumModelVTable),
    .create = glm_create,
    .destroy = glm_destroy,
    .fit = glm_fit,
    .shape = glm_shape,
    .save = glm_save,
    .load = glm_load,
    .predict = glm_predict,
    .predict_all = glm_predict_all,
    .objective = glm_objective,
    .set_theta = glm_set_theta,
};

static const PlumParamSpec glm_params[] = {
    PLUM_PARAM_COMPONENT_SPEC(GlmParams, family, PLUM_KIND_FAMILY, "normal", 0,
                              "the response distribution and its link (e.g. {name: poisson, "
                              "link: log})"),
    PLUM_PARAM_BOOL_SPEC(GlmParams, fit_intercept, TRUE, "fit an unpenalised intercept"),
    PLUM_PARAM_REAL_SPEC(GlmParams, alpha, 0.0, 0.0, INFINITY, 0,
                         "L2 penalty (α/2)‖β‖² on the mean half-deviance, as scikit-learn's "
                         "PoissonRegressor (whose default is 1); 0: maximum likelihood"),
    PLUM_PARAM_ENUM_SPEC(GlmParams, solver, SOLVER_IRLS, solver_names,
                         "irls: iteratively reweighted least squares (Cholesky); optimizer: "
                         "minimise the objective with `optimizer`"),
    PLUM_PARAM_COMPONENT_SPEC(GlmParams, optimizer, PLUM_KIND_OPTIMIZER, "lbfgs", 0,
                              "the optimizer used when solver is `optimizer`"),
    PLUM_PARAM_INT_SPEC(GlmParams, max_iter, 100, 1, 1e6, 0, "IRLS iterations at most"),
    PLUM_PARAM_REAL_SPEC(GlmParams, tol, 1e-10, 0.0, 1.0, PLUM_PARAM_MIN_EXCLUSIVE,
                         "IRLS stops when |ΔF| / (|F| + 0.1) < tol (F: the penalised objective)"),
};

static const PlumComponentDesc glm_components[] = {
    {
        .struct_size = sizeof(PlumComponentDesc),
        .kind = PLUM_KIND_MODEL,
        .name = "glm",
        .summary = "generalized linear model over a family plugin (IRLS or any optimizer)",
        .caps = PLUM_CAP_REGRESSOR | PLUM_CAP_SUPERVISED,
        .params = glm_params,
        .n_params = G_N_ELEMENTS(glm_params),
        .params_size = sizeof(GlmParams),
        .vtable = &glm_vtable,
        .state_version = 1,
    },
};

PLUM_PLUGIN_DEFINE(glm, PACKAGE_VERSION, "MIT",
                   "generalized linear models: IRLS or any optimizer over any family",
                   glm_components, NULL)
