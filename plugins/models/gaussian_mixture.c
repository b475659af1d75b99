/* gaussian_mixture.c — Gaussian mixture models fitted by EM, the `gaussian_mixture` plugin.
 *
 * Follows scikit-learn 1.2's GaussianMixture so that, from the same initial parameters, the
 * mean log-likelihood agrees to rounding:
 *  - every component is held as its weight, mean and the Cholesky factor F of its precision
 *    (P = F Fᵀ; full and tied F is (L⁻¹)ᵀ for the covariance Σ = L Lᵀ, diag and spherical
 *    1/√σ²), so log N(x | μ, Σ) = −½(d log 2π + ‖(x − μ)ᵀF‖²) + log det F needs no inverse and
 *    no determinant beyond F's diagonal. Full and tied get (x − μ)ᵀF from one GEMM of a block of
 *    rows against every F side by side; diag and spherical expand the square, one GEMM of
 *    [x, x²] against the precisions;
 *  - the E-step works in log space: responsibilities from a log-sum-exp per row, whose mean is
 *    the lower bound. While a block is in cache it also adds up what the M-step needs (Σ r,
 *    Σ r x, and Σ r x² for diag and spherical); the M-step re-estimates weights, means and
 *    covariances (N_k = Σ r + 10 ε as scikit-learn; reg_covar added to every variance; diag as
 *    scikit-learn, E[x²] − 2μE[x] + μ²; full from the scatter about the new means; tied as their
 *    pooled scatter, where scikit-learn subtracts Σ N_k μμᵀ from XᵀX) and factors them again; a
 *    covariance that is not positive definite is an error;
 *  - iterating stops when the lower bound changes by less than tol (0: run max_iter), and of
 *    n_init runs of a random init the one of highest lower bound is kept;
 *  - init: kmeans (responsibilities from k-means++ then Lloyd, with the pipeline's generator),
 *    random (uniform responsibilities, normalised), first (the first k rows as means) or given
 *    (means_init). weights_init and precisions_init replace the estimated weights and precisions
 *    in every init; with first and given they default to uniform weights and identity
 *    precisions. weights_init is normalised to sum 1.
 * The fit report holds log_likelihood (the mean under the final parameters, scikit-learn's
 * score), lower_bound, bic, aic, n_iter and converged. predict gives the most responsible
 * component, predict_proba the responsibilities, log_likelihood the per-row log density.
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>
#include <cblas.h>
#include <lapacke.h>
#include <plum/plugin.h>

#include "vecmath.h"
#include "clustering.h"
#include "kmeans_core.h"

#define WHO "gaussian_mixture"

typedef enum {
  COV_FULL = 0,
  COV_TIED,
  COV_DIAG,
  COV_SPHERICAL,
} CovType;

static const char *const cov_names[] = {"full", "tied", "diag", "spherical", NULL};

typedef enum {
  GMM_INIT_KMEANS = 0,
  GMM_INIT_RANDOM,
  GMM_INIT_FIRST,
  GMM_INIT_GIVEN,
} GmmInit;

static const char *const init_names[] = {"kmeans", "random", "first", "given", NULL};

typedef struct {
  gint64 n_components;
  int covariance_type; /* CovType */
  double reg_covar;
  int init; /* GmmInit */
  PlumRealArray means_init;
  PlumRealArray weights_init;
  PlumRealArray precisions_init;
  gint64 n_init;
  gint64 max_iter;
  double tol;
} GmmParams;

/* The parameters of a mixture, and what the E-step derives from them. */
typedef struct {
  size_t k, d;
  CovType type;
  double *weights;   /* k */
  double *means;     /* k x d */
  double *prec_chol; /* full k x d x d, tied d x d, diag k x d, spherical k */
  /* derived by mixture_prepare */
  double *offset; /* k: log w + log det F − ½ d log 2π (diag/spherical: − ½ Σ_j μ_j² p_j) */
  double *factors; /* full/tied: d x (n_factors·d), every F side by side */
  double *mf;      /* full/tied: k x d, μ_kᵀF_k */
  double *w_diag;  /* diag/spherical: 2d x k, rows μ_kj p_kj then −½ p_kj */
} Mixture;

typedef struct {
  const GmmParams *params; /* borrowed from the binding, which outlives the instance */
  Mixture mix;             /* mix.d == 0 until fitted */
} Gmm;

/* Mixture parameters --------------------------------------------------------------------------- */

static gboolean
is_quadratic(CovType type)
{
  return type == COV_FULL || type == COV_TIED;
}

static size_t
n_factors(const Mixture *m)
{
  return m->type == COV_FULL ? m->k : 1;
}

/* Elements of prec_chol (and of precisions_init). */
static size_t
precision_len(CovType type, size_t k, size_t d)
{
  switch (type) {
  case COV_FULL:
    return k * d * d;
  case COV_TIED:
    return d * d;
  case COV_DIAG:
    return k * d;
  case COV_SPHERICAL:
    return k;
  }
  return 0;
}

static void
mixture_init(Mixture *m, CovType type, size_t k, size_t d)
{
  *m = (Mixture){.k = k, .d = d, .type = type};
  m->weights = g_new(double, k);
  m->means = g_new(double, k *d);
  m->prec_chol = g_new0(double, precision_len(type, k, d));
  m->offset = g_new(double, k);
  if (is_quadratic(type)) {
    m->factors = g_new(double, d *n_factors(m) * d);
    m->mf = g_new(double, k *d);
  } else {
    m->w_diag = g_new(double, 2 * d * k);
  }
}

static void
mixture_clear(Mixture *m)
{
  g_free(m->weights);
  g_free(m->means);
  g_free(m->prec_chol);
  g_free(m->offset);
  g_free(m->factors);
  g_free(m->mf);
  g_free(m->w_diag);
  *m = (Mixture){0};
}

static void
mixture_copy(Mixture *dst, const Mixture *src)
{
  size_t k = src->k, d = src->d;
  mixture_clear(dst);
  mixture_init(dst, src->type, k, d);
  memcpy(dst->weights, src->weights, k * sizeof *dst->weights);
  memcpy(dst->means, src->means, k * d * sizeof *dst->means);
  memcpy(dst->prec_chol, src->prec_chol, precision_len(src->type, k, d) * sizeof *dst->prec_chol);
}

/* The precision p_kj of component c, feature j (diag and spherical). */
static double
diag_precision(const Mixture *m, size_t c, size_t j)
{
  double f = m->type == COV_DIAG ? m->prec_chol[c * m->d + j] : m->prec_chol[c];
  return f * f;
}

/* log det F_c: the sum of the logs of a triangular factor's diagonal. */
static double
log_det_factor(const Mixture *m, size_t c)
{
  size_t d = m->d;
  double s = 0;
  switch (m->type) {
  case COV_FULL:
  case COV_TIED: {
    const double *F = m->prec_chol + (m->type == COV_FULL ? c * d * d : 0);
    for (size_t j = 0; j < d; j++)
      s += log(F[j * d + j]);
    return s;
  }
  case COV_DIAG:
    for (size_t j = 0; j < d; j++)
      s += log(m->prec_chol[c * d + j]);
    return s;
  case COV_SPHERICAL:
    return (double)d * log(m->prec_chol[c]);
  }
  return s;
}

/* Derives what the E-step needs from weights, means and prec_chol. */
static void
mixture_prepare(Mixture *m)
{
  size_t k = m->k, d = m->d, width = n_factors(m) * d;
  for (size_t c = 0; c < k; c++)
    m->offset[c] = log(m->weights[c]) + log_det_factor(m, c) - 0.5 * (double)d * log(2 * G_PI);
  if (is_quadratic(m->type)) {
    for (size_t f = 0; f < n_factors(m); f++) {
      for (size_t j = 0; j < d; j++)
        memcpy(m->factors + j * width + f * d, m->prec_chol + f * d * d + j * d,
               d * sizeof *m->factors);
    }
    for (size_t c = 0; c < k; c++) {
      size_t f = m->type == COV_FULL ? c : 0;
      cblas_dgemv(CblasRowMajor, CblasTrans, (int)d, (int)d, 1.0, m->prec_chol + f * d * d, (int)d,
                  m->means + c * d, 1, 0.0, m->mf + c * d, 1);
    }
    return;
  }
  for (size_t c = 0; c < k; c++) {
    double quad = 0;
    for (size_t j = 0; j < d; j++) {
      double p = diag_precision(m, c, j), mu = m->means[c * d + j];
      m->w_diag[j * k + c] = mu * p;
      m->w_diag[(d + j) * k + c] = -0.5 * p;
      quad += mu * mu * p;
    }
    m->offset[c] -= 0.5 * quad;
  }
}

/* E-step --------------------------------------------------------------------------------------- */

/* Columns of a block's scratch: (x − μ)ᵀF for every factor, or [x, x²]. */
static size_t
scratch_width(const Mixture *m)
{
  return is_quadratic(m->type) ? n_factors(m) * m->d : 2 * m->d;
}

/* Columns of the M-step sums: Σ r x, and for diag/spherical Σ r x² after them. */
static size_t
stats_width(const Mixture *m)
{
  return is_quadratic(m->type) ? m->d : 2 * m->d;
}

/* Doubles of the M-step statistics: k responsibility sums, then k x stats_width sums. */
static size_t
stats_len(const Mixture *m)
{
  return m->k * (1 + stats_width(m));
}

/* L (rows x k) = log N(x_i | μ_c, Σ_c) + log w_c − offset_c for the rows of X from `first`;
 * diag and spherical leave [x, x²] in Z (rows x 2d). */
static void
log_prob_block(const Mixture *m, const PlumMatrix *X, size_t first, size_t rows, double *Z,
               double *L)
{
  size_t k = m->k, d = m->d, width = scratch_width(m);
  const double *Xb = PLUM_MATRIX_ROW(X, first);
  if (is_quadratic(m->type)) {
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)width, (int)d, 1.0, Xb,
                (int)X->ld, m->factors, (int)width, 0.0, Z, (int)width);
    for (size_t i = 0; i < rows; i++) {
      for (size_t c = 0; c < k; c++) {
        const double *y = Z + i * width + (m->type == COV_FULL ? c * d : 0);
        const double *mf = m->mf + c * d;
        double q = 0;
        for (size_t j = 0; j < d; j++)
          q += (y[j] - mf[j]) * (y[j] - mf[j]);
        L[i * k + c] = -0.5 * q;
      }
    }
    return;
  }
  for (size_t i = 0; i < rows; i++) {
    const double *x = Xb + i * X->ld;
    double *z = Z + i * width;
#pragma omp simd
    for (size_t j = 0; j < d; j++) {
      z[j] = x[j];
      z[d + j] = x[j] * x[j];
    }
  }
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)k, (int)width, 1.0, Z,
              (int)width, m->w_diag, (int)k, 0.0, L, (int)k);
}

/* Adds the offsets to L (rows x k, rows <= CLUSTERING_BLOCK_ROWS) and turns each row into
 * responsibilities, its log-sum-exp into norm[i]. The exponentials and logs are vectorised
 * loops over the block, each element computed the same way wherever it sits (vecmath.h), so
 * predict_proba does not depend on the rows predicted beside a row. */
PLUM_VEC_CLONES static void
normalise_block(const double *offset, double *L, size_t rows, size_t k, double *norm)
{
  double sum[CLUSTERING_BLOCK_ROWS];
  for (size_t i = 0; i < rows; i++) {
    double *row = L + i * k, top = -INFINITY;
    for (size_t c = 0; c < k; c++) {
      row[c] += offset[c];
      top = row[c] > top ? row[c] : top;
    }
    for (size_t c = 0; c < k; c++)
      row[c] -= top;
    norm[i] = top;
  }
  PLUM_VEC_MAP(plum_vec_exp, L, L, rows * k, 0.0);
  for (size_t i = 0; i < rows; i++) {
    double *row = L + i * k, total = 0;
    for (size_t c = 0; c < k; c++)
      total += row[c];
    double scale = 1.0 / total;
    for (size_t c = 0; c < k; c++)
      row[c] *= scale;
    sum[i] = total;
  }
  PLUM_VEC_MAP(plum_vec_log, sum, sum, rows, 1.0);
  for (size_t i = 0; i < rows; i++)
    norm[i] += sum[i];
}

/* Adds the block's responsibilities R (rows x k) to stats: Σ r, then Σ r x (and Σ r x²). */
static void
stats_block(const Mixture *m, const PlumMatrix *X, size_t first, size_t rows, const double *R,
            const double *Z, double *stats)
{
  size_t k = m->k, width = stats_width(m);
  for (size_t i = 0; i < rows; i++) {
    for (size_t c = 0; c < k; c++)
      stats[c] += R[i * k + c];
  }
  const double *src = is_quadratic(m->type) ? PLUM_MATRIX_ROW(X, first) : Z;
  size_t ld = is_quadratic(m->type) ? X->ld : width;
  cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)k, (int)width, (int)rows, 1.0, R,
              (int)k, src, (int)ld, 1.0, stats + k, (int)width);
}

/* What the E-step keeps: responsibilities (n x k; with `raw`, the weighted log-densities),
 * per-row log densities and the M-step statistics (both nullable). */
typedef struct {
  double *resp;
  double *log_density;
  double *stats;
  gboolean raw;
} EStepOut;

/* One part of the rows; adds its statistics to stats and returns its summed log density. */
static double
e_step_part(const Mixture *m, const PlumMatrix *X, size_t begin, size_t end, const EStepOut *out,
            double *Z, double *norm, double *stats)
{
  size_t k = m->k;
  double total = 0;
  for (size_t first = begin; first < end; first += CLUSTERING_BLOCK_ROWS) {
    size_t rows = MIN(CLUSTERING_BLOCK_ROWS, end - first);
    double *L = out->resp + first * k;
    log_prob_block(m, X, first, rows, Z, L);
    if (out->raw) {
      for (size_t i = 0; i < rows * k; i++)
        L[i] += m->offset[i % k];
      continue;
    }
    normalise_block(m->offset, L, rows, k, norm);
    for (size_t i = 0; i < rows; i++)
      total += norm[i];
    if (out->log_density)
      memcpy(out->log_density + first, norm, rows * sizeof *norm);
    if (stats)
      stats_block(m, X, first, rows, L, Z, stats);
  }
  return total;
}

/* The E-step over X, in parts whose sums are added in order; returns the mean log density (the
 * lower bound). */
static double
mixture_e_step(const Mixture *m, const PlumMatrix *X, const EStepOut *out)
{
  size_t n = X->rows, len = stats_len(m);
  ClusteringParts parts;
  clustering_parts_init(&parts, n, CLUSTERING_BLOCK_ROWS);
  double *part_ll = g_new(double, parts.n_parts), total = 0;
  double *part_stats = out->stats ? g_new0(double, parts.n_parts *len) : NULL;
#pragma omp parallel if (parts.n_parts > 1)
  {
    double *Z = g_new(double, CLUSTERING_BLOCK_ROWS *scratch_width(m));
    double *norm = g_new(double, CLUSTERING_BLOCK_ROWS);
#pragma omp for schedule(dynamic)
    for (size_t p = 0; p < parts.n_parts; p++)
      part_ll[p] =
          e_step_part(m, X, clustering_part_begin(&parts, p), clustering_part_end(&parts, p), out,
                      Z, norm, part_stats ? part_stats + p * len : NULL);
    g_free(Z);
    g_free(norm);
  }
  if (out->stats)
    memset(out->stats, 0, len * sizeof *out->stats);
  for (size_t p = 0; p < parts.n_parts; p++) {
    total += part_ll[p];
    if (out->stats)
      cblas_daxpy((int)len, 1.0, part_stats + p * len, 1, out->stats, 1);
  }
  g_free(part_ll);
  g_free(part_stats);
  return total / (double)n;
}

/* The M-step statistics of given responsibilities (the kmeans and random inits). */
static void
mixture_stats(const Mixture *m, const PlumMatrix *X, const double *resp, double *stats)
{
  size_t n = X->rows, d = m->d;
  double *Z = g_new(double, CLUSTERING_BLOCK_ROWS * 2 * d);
  memset(stats, 0, stats_len(m) * sizeof *stats);
  for (size_t first = 0; first < n; first += CLUSTERING_BLOCK_ROWS) {
    size_t rows = MIN(CLUSTERING_BLOCK_ROWS, n - first);
    for (size_t i = 0; i < rows && !is_quadratic(m->type); i++) {
      const double *x = PLUM_MATRIX_ROW(X, first + i);
      for (size_t j = 0; j < d; j++) {
        Z[i * 2 * d + j] = x[j];
        Z[i * 2 * d + d + j] = x[j] * x[j];
      }
    }
    stats_block(m, X, first, rows, resp + first * m->k, Z, stats);
  }
  g_free(Z);
}

/* M-step --------------------------------------------------------------------------------------- */

static gboolean
ill_defined(const Mixture *m, size_t c, GError **error)
{
  char what[64];
  if (m->type == COV_TIED)
    g_strlcpy(what, "the tied covariance", sizeof what);
  else
    g_snprintf(what, sizeof what, "the covariance of component %zu", c);
  g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED,
              WHO ": %s is not positive definite (a collapsed or singleton component); use "
                  "fewer components or a larger reg_covar",
              what);
  return FALSE;
}

/* F = (L⁻¹)ᵀ for cov = L Lᵀ (cov, d x d, is overwritten); FALSE unless cov is positive definite. */
static gboolean
precision_factor(double *cov, size_t d, double *F)
{
  if (LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', (lapack_int)d, cov, (lapack_int)d) != 0 ||
      LAPACKE_dtrtri(LAPACK_ROW_MAJOR, 'L', 'N', (lapack_int)d, cov, (lapack_int)d) != 0)
    return FALSE;
  for (size_t a = 0; a < d; a++) {
    for (size_t b = 0; b < d; b++)
      F[a * d + b] = a <= b ? cov[b * d + a] : 0.0;
  }
  return TRUE;
}

/* S (d x d, upper triangle) = Σ_i r_ic (x_i − μ_c)(x_i − μ_c)ᵀ. */
static void
scatter(const PlumMatrix *X, const double *resp, size_t k, size_t c, const double *mu, double *S,
        double *Z)
{
  size_t n = X->rows, d = X->cols;
  memset(S, 0, d * d * sizeof *S);
  for (size_t first = 0; first < n; first += CLUSTERING_BLOCK_ROWS) {
    size_t rows = MIN(CLUSTERING_BLOCK_ROWS, n - first);
    for (size_t i = 0; i < rows; i++) {
      const double *x = PLUM_MATRIX_ROW(X, first + i);
      double s = sqrt(resp[(first + i) * k + c]);
      for (size_t j = 0; j < d; j++)
        Z[i * d + j] = s * (x[j] - mu[j]);
    }
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)d, (int)rows, 1.0, Z, (int)d, 1.0, S,
                (int)d);
  }
  for (size_t a = 0; a < d; a++) {
    for (size_t b = 0; b < a; b++)
      S[a * d + b] = S[b * d + a];
  }
}

/* Full and tied covariances from the scatter of every component, then their factors. */
static gboolean
m_step_quadratic(Mixture *m, const PlumMatrix *X, const double *resp, const double *nk, double reg,
                 GError **error)
{
  size_t k = m->k, d = m->d;
  double *S = g_new(double, k *d *d);
#pragma omp parallel if (k > 1 && X->rows * d >= ((size_t)1 << 14))
  {
    double *Z = g_new(double, CLUSTERING_BLOCK_ROWS *d);
#pragma omp for schedule(dynamic)
    for (size_t c = 0; c < k; c++)
      scatter(X, resp, k, c, m->means + c * d, S + c * d * d, Z);
    g_free(Z);
  }
  gboolean ok = TRUE;
  if (m->type == COV_TIED) {
    double total = 0;
    for (size_t c = 0; c < k; c++)
      total += nk[c];
    for (size_t c = 1; c < k; c++)
      cblas_daxpy((int)(d * d), 1.0, S + c * d * d, 1, S, 1);
    cblas_dscal((int)(d * d), 1.0 / total, S, 1);
    for (size_t j = 0; j < d; j++)
      S[j * d + j] += reg;
    ok = precision_factor(S, d, m->prec_chol) || ill_defined(m, 0, error);
  }
  for (size_t c = 0; ok && m->type == COV_FULL && c < k; c++) {
    double *cov = S + c * d * d;
    cblas_dscal((int)(d * d), 1.0 / nk[c], cov, 1);
    for (size_t j = 0; j < d; j++)
      cov[j * d + j] += reg;
    ok = precision_factor(cov, d, m->prec_chol + c * d * d) || ill_defined(m, c, error);
  }
  g_free(S);
  return ok;
}

/* Diagonal and spherical variances as scikit-learn: E_r[x²] − 2 μ E_r[x] + μ² + reg, from
 * the sums S = [Σ r x, Σ r x²] (k x 2d). */
static gboolean
m_step_diagonal(Mixture *m, const double *nk, const double *S, double reg, GError **error)
{
  size_t k = m->k, d = m->d;
  gboolean ok = TRUE;
  for (size_t c = 0; ok && c < k; c++) {
    const double *s1 = S + c * 2 * d, *s2 = s1 + d;
    double sum = 0;
    for (size_t j = 0; ok && j < d; j++) {
      double mu = m->means[c * d + j];
      double var = s2[j] / nk[c] - 2 * (mu * s1[j] / nk[c]) + mu * mu + reg;
      sum += var;
      if (m->type == COV_DIAG) {
        ok = var > 0;
        m->prec_chol[c * d + j] = 1.0 / sqrt(var);
      }
    }
    if (ok && m->type == COV_SPHERICAL) {
      ok = sum > 0;
      m->prec_chol[c] = 1.0 / sqrt(sum / (double)d);
    }
    if (!ok)
      ill_defined(m, c, error);
  }
  return ok;
}

/* New weights, means and precision factors from the responsibilities (n x k) and their
 * statistics (stats_len: Σ r, then Σ r x and, for diag/spherical, Σ r x²). */
static gboolean
mixture_m_step(Mixture *m, const PlumMatrix *X, const double *resp, const double *stats, double reg,
               GError **error)
{
  size_t k = m->k, d = m->d, width = stats_width(m);
  const double *S = stats + k;
  double *nk = g_new(double, k), total = 0;
  for (size_t c = 0; c < k; c++) {
    nk[c] = stats[c] + 10 * DBL_EPSILON;
    total += nk[c];
  }
  for (size_t c = 0; c < k; c++) {
    m->weights[c] = nk[c] / total;
    for (size_t j = 0; j < d; j++)
      m->means[c * d + j] = S[c * width + j] / nk[c];
  }
  gboolean ok = is_quadratic(m->type) ? m_step_quadratic(m, X, resp, nk, reg, error)
                                      : m_step_diagonal(m, nk, S, reg, error);
  g_free(nk);
  if (ok)
    mixture_prepare(m);
  return ok;
}

/* Initial parameters --------------------------------------------------------------------------- */

static gboolean
check_init_len(const char *name, size_t len, size_t want, GError **error)
{
  if (len == want)
    return TRUE;
  g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
              WHO ": %s has %zu values; %zu are needed for these components and features", name,
              len, want);
  return FALSE;
}

static gboolean
is_symmetric(const double *P, size_t d)
{
  for (size_t a = 0; a < d; a++) {
    for (size_t b = 0; b < a; b++) {
      if (fabs(P[a * d + b] - P[b * d + a]) > 1e-12 * (fabs(P[a * d + b]) + fabs(P[b * d + a])))
        return FALSE;
    }
  }
  return TRUE;
}

/* F with F Fᵀ = P for a given precision P (d x d): its lower Cholesky factor. */
static gboolean
given_factor(const double *P, size_t d, size_t c, double *F, GError **error)
{
  memcpy(F, P, d * d * sizeof *F);
  if (!is_symmetric(P, d) ||
      LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', (lapack_int)d, F, (lapack_int)d) != 0) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                WHO ": precisions_init matrix %zu is not symmetric positive definite", c);
    return FALSE;
  }
  for (size_t a = 0; a < d; a++) {
    for (size_t b = a + 1; b < d; b++)
      F[a * d + b] = 0;
  }
  return TRUE;
}

/* prec_chol from precisions_init, or the identity when it is empty. */
static gboolean
init_precisions(Mixture *m, const PlumRealArray *given, GError **error)
{
  size_t k = m->k, d = m->d, len = precision_len(m->type, k, d);
  if (given->len == 0) {
    memset(m->prec_chol, 0, len * sizeof *m->prec_chol);
    for (size_t f = 0; is_quadratic(m->type) && f < n_factors(m); f++) {
      for (size_t j = 0; j < d; j++)
        m->prec_chol[f * d * d + j * d + j] = 1.0;
    }
    for (size_t i = 0; !is_quadratic(m->type) && i < len; i++)
      m->prec_chol[i] = 1.0;
    return TRUE;
  }
  if (!check_init_len("precisions_init", given->len, len, error))
    return FALSE;
  for (size_t f = 0; is_quadratic(m->type) && f < n_factors(m); f++) {
    if (!given_factor(given->data + f * d * d, d, f, m->prec_chol + f * d * d, error))
      return FALSE;
  }
  for (size_t i = 0; !is_quadratic(m->type) && i < len; i++) {
    if (!(given->data[i] > 0)) {
      g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                  WHO ": precisions_init[%zu] is %g; precisions must be > 0", i, given->data[i]);
      return FALSE;
    }
    m->prec_chol[i] = sqrt(given->data[i]);
  }
  return TRUE;
}

/* weights from weights_init (normalised), or uniform when it is empty. */
static gboolean
init_weights(Mixture *m, const PlumRealArray *given, GError **error)
{
  size_t k = m->k;
  if (given->len == 0) {
    for (size_t c = 0; c < k; c++)
      m->weights[c] = 1.0 / (double)k;
    return TRUE;
  }
  if (!check_init_len("weights_init", given->len, k, error))
    return FALSE;
  double total = 0;
  for (size_t c = 0; c < k; c++)
    total += given->data[c];
  for (size_t c = 0; c < k; c++)
    m->weights[c] = given->data[c] / total;
  return TRUE;
}

/* Responsibilities for the kmeans and random inits (n x k). */
static gboolean
init_responsibilities(const GmmParams *p, const PlumMatrix *X, PlumRng *rng, double *resp,
                      GError **error)
{
  size_t n = X->rows, k = (size_t)p->n_components;
  if (p->init == GMM_INIT_RANDOM) {
    for (size_t i = 0; i < n; i++) {
      double *row = resp + i * k, sum = 0;
      for (size_t c = 0; c < k; c++)
        sum += row[c] = plum_rng_uniform(rng);
      for (size_t c = 0; c < k; c++)
        row[c] /= sum;
    }
    return TRUE;
  }
  KmeansOptions opt = {.k = k,
                       .init = KMEANS_INIT_KMEANS_PP,
                       .algorithm = KMEANS_LLOYD,
                       .n_init = 1,
                       .max_iter = 300,
                       .tol = 1e-4};
  KmeansResult res;
  if (!kmeans_core_fit(&opt, X, rng, &res, error))
    return FALSE;
  memset(resp, 0, n * k * sizeof *resp);
  for (size_t i = 0; i < n; i++)
    resp[i * k + (size_t)res.labels[i]] = 1.0;
  kmeans_core_clear(&res);
  return TRUE;
}

/* The starting mixture of one run; resp (n x k) is scratch. */
static gboolean
mixture_start(Mixture *m, const GmmParams *p, const PlumMatrix *X, PlumRng *rng, double *resp,
              GError **error)
{
  size_t k = m->k, d = m->d;
  gboolean estimate = p->init == GMM_INIT_KMEANS || p->init == GMM_INIT_RANDOM;
  if (estimate) {
    if (!init_responsibilities(p, X, rng, resp, error))
      return FALSE;
    double *stats = g_new(double, stats_len(m));
    mixture_stats(m, X, resp, stats);
    gboolean ok = mixture_m_step(m, X, resp, stats, p->reg_covar, error);
    g_free(stats);
    if (!ok)
      return FALSE;
  }
  if (p->init == GMM_INIT_FIRST) {
    for (size_t c = 0; c < k; c++)
      memcpy(m->means + c * d, PLUM_MATRIX_ROW(X, c), d * sizeof *m->means);
  } else if (p->init == GMM_INIT_GIVEN) {
    if (!check_init_len("means_init", p->means_init.len, k * d, error))
      return FALSE;
    memcpy(m->means, p->means_init.data, k * d * sizeof *m->means);
  }
  if ((!estimate || p->weights_init.len > 0) && !init_weights(m, &p->weights_init, error))
    return FALSE;
  if ((!estimate || p->precisions_init.len > 0) && !init_precisions(m, &p->precisions_init, error))
    return FALSE;
  mixture_prepare(m);
  return TRUE;
}

/* Fit
 * ---------------------------------------------------------------------------------------------- */

typedef struct {
  double lower_bound;
  size_t n_iter;
  gboolean converged;
} EmRun;

/* EM from the mixture m (prepared) until the lower bound settles or max_iter. */
static gboolean
em_iterate(Mixture *m, const GmmParams *p, const PlumMatrix *X, double *resp, EmRun *run,
           GError **error)
{
  EStepOut out = {.resp = resp, .stats = g_new(double, stats_len(m))};
  double lower_bound = -INFINITY;
  gboolean ok = TRUE;
  *run = (EmRun){0};
  while (ok && run->n_iter < (size_t)p->max_iter && !run->converged) {
    double previous = lower_bound;
    lower_bound = mixture_e_step(m, X, &out);
    ok = mixture_m_step(m, X, resp, out.stats, p->reg_covar, error);
    run->n_iter++;
    run->converged = fabs(lower_bound - previous) < p->tol;
  }
  run->lower_bound = lower_bound;
  g_free(out.stats);
  return ok;
}

/* Free parameters: weights (k − 1), means and covariances. */
static double
n_parameters(const Mixture *m)
{
  double k = (double)m->k, d = (double)m->d, cov = 0;
  switch (m->type) {
  case COV_FULL:
    cov = k * d * (d + 1) / 2;
    break;
  case COV_TIED:
    cov = d * (d + 1) / 2;
    break;
  case COV_DIAG:
    cov = k * d;
    break;
  case COV_SPHERICAL:
    cov = k;
    break;
  }
  return cov + k * d + k - 1;
}

static void
write_report(PlumState *report, const Mixture *m, const PlumMatrix *X, double *resp,
             const EmRun *best)
{
  EStepOut out = {.resp = resp};
  double n = (double)X->rows, mean_ll = mixture_e_step(m, X, &out);
  plum_state_set_real(report, "log_likelihood", mean_ll);
  plum_state_set_real(report, "lower_bound", best->lower_bound);
  plum_state_set_real(report, "bic", -2 * mean_ll * n + n_parameters(m) * log(n));
  plum_state_set_real(report, "aic", -2 * mean_ll * n + 2 * n_parameters(m));
  plum_state_set_int(report, "n_iter", (gint64)best->n_iter);
  plum_state_set_int(report, "converged", best->converged);
}

static gboolean
gmm_fit(void *self_ptr, const PlumFitData *data, GError **error)
{
  Gmm *self = self_ptr;
  const GmmParams *p = self->params;
  const PlumMatrix *X = data->X;
  if (!clustering_check_fit_data(WHO, data, TRUE, error) ||
      !clustering_check_count(WHO, "n_components", (size_t)p->n_components, X->rows, error))
    return FALSE;
  size_t k = (size_t)p->n_components, d = X->cols;
  gboolean random = p->init == GMM_INIT_KMEANS || p->init == GMM_INIT_RANDOM;
  size_t runs = random ? (size_t)p->n_init : 1;
  double *resp = g_new(double, X->rows *k);
  Mixture trial, best = {0};
  EmRun run, best_run = {.lower_bound = -INFINITY};
  mixture_init(&trial, (CovType)p->covariance_type, k, d);
  gboolean ok = TRUE;
  for (size_t r = 0; ok && r < runs; r++) {
    ok = mixture_start(&trial, p, X, data->rng, resp, error) &&
         em_iterate(&trial, p, X, resp, &run, error);
    if (ok && (best.d == 0 || run.lower_bound > best_run.lower_bound)) {
      mixture_copy(&best, &trial);
      best_run = run;
    }
  }
  mixture_clear(&trial);
  if (ok) {
    mixture_prepare(&best);
    if (data->report)
      write_report(data->report, &best, X, resp, &best_run);
    mixture_clear(&self->mix);
    self->mix = best;
  } else {
    mixture_clear(&best);
  }
  g_free(resp);
  return ok;
}

/* Model slots ---------------------------------------------------------------------------------- */

static gboolean
gmm_check_params(const void *params_ptr, GError **error)
{
  const GmmParams *p = params_ptr;
  if (p->init == GMM_INIT_GIVEN && p->means_init.len == 0) {
    g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_MISSING,
                "init: given needs `means_init` (n_components rows of the feature count)");
    return FALSE;
  }
  if (p->init != GMM_INIT_GIVEN && p->means_init.len > 0) {
    g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE,
                "`means_init` is used only with init: given (init is %s)", init_names[p->init]);
    return FALSE;
  }
  return TRUE;
}

static void *
gmm_create(const void *params, GError **error)
{
  (void)error;
  Gmm *self = g_new0(Gmm, 1);
  self->params = params;
  return self;
}

static void
gmm_destroy(void *self_ptr)
{
  Gmm *self = self_ptr;
  mixture_clear(&self->mix);
  g_free(self);
}

static void
gmm_shape(const void *self_ptr, PlumModelShape *shape)
{
  const Gmm *self = self_ptr;
  shape->n_features = self->mix.d;
  shape->n_outputs = 1;
  shape->n_classes = self->mix.k;
  shape->n_transform = 0;
}

/* The E-step on X after the input checks; out as mixture_e_step. */
static gboolean
gmm_e_step(const Gmm *self, const PlumMatrix *X, const PlumMatrix *out, size_t out_cols,
           const EStepOut *e, GError **error)
{
  if (!clustering_check_input(WHO, self->mix.d, X, out, out_cols, error))
    return FALSE;
  if (X->rows > 0)
    mixture_e_step(&self->mix, X, e);
  return TRUE;
}

static gboolean
gmm_predict_proba(const void *self_ptr, const PlumMatrix *X, PlumMatrix *out, GError **error)
{
  const Gmm *self = self_ptr;
  size_t k = self->mix.k;
  double *resp = g_new(double, X->rows *k);
  EStepOut e = {.resp = resp};
  gboolean ok = gmm_e_step(self, X, out, k, &e, error);
  for (size_t i = 0; ok && i < X->rows; i++)
    memcpy(PLUM_MATRIX_ROW(out, i), resp + i * k, k * sizeof *resp);
  g_free(resp);
  return ok;
}

static gboolean
gmm_predict(const void *self_ptr, const PlumMatrix *X, PlumMatrix *out, GError **error)
{
  const Gmm *self = self_ptr;
  size_t k = self->mix.k;
  double *L = g_new(double, X->rows *k);
  EStepOut e = {.resp = L, .raw = TRUE};
  gboolean ok = gmm_e_step(self, X, out, 1, &e, error);
  for (size_t i = 0; ok && i < X->rows; i++) {
    const double *row = L + i * k;
    size_t best = 0;
    for (size_t c = 1; c < k; c++) {
      if (row[c] > row[best])
        best = c;
    }
    PLUM_MATRIX_AT(out, i, 0) = (double)best;
  }
  g_free(L);
  return ok;
}

static gboolean
gmm_log_likelihood(const void *self_ptr, const PlumMatrix *X, const PlumMatrix *y, double *out,
                   GError **error)
{
  (void)y;
  const Gmm *self = self_ptr;
  double *resp = g_new(double, X->rows *MAX(self->mix.k, 1));
  EStepOut e = {.resp = resp, .log_density = out};
  gboolean ok = gmm_e_step(self, X, NULL, 0, &e, error);
  g_free(resp);
  return ok;
}

static gboolean
gmm_save(const void *self_ptr, PlumState *state, GError **error)
{
  const Gmm *self = self_ptr;
  const Mixture *m = &self->mix;
  if (!clustering_check_fitted(WHO, m->d > 0, error))
    return FALSE;
  plum_state_set_string(state, "covariance_type", cov_names[m->type]);
  plum_state_set_reals(state, "weights", m->weights, 1, m->k);
  plum_state_set_reals(state, "means", m->means, m->k, m->d);
  plum_state_set_reals(state, "precisions_cholesky", m->prec_chol, 1,
                       precision_len(m->type, m->k, m->d));
  return TRUE;
}

/* A saved factor must keep every log finite: positive diagonal (full, tied), positive entries. */
static gboolean
check_saved(const Mixture *m, GError **error)
{
  size_t d = m->d;
  gboolean ok = TRUE;
  for (size_t c = 0; c < m->k; c++)
    ok = ok && m->weights[c] > 0;
  for (size_t f = 0; is_quadratic(m->type) && f < n_factors(m); f++) {
    for (size_t j = 0; j < d; j++)
      ok = ok && m->prec_chol[f * d * d + j * d + j] > 0;
  }
  for (size_t i = 0; !is_quadratic(m->type) && i < precision_len(m->type, m->k, d); i++)
    ok = ok && m->prec_chol[i] > 0;
  if (ok)
    return TRUE;
  g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
              WHO ": saved weights or precision factors are not positive");
  return FALSE;
}

static gboolean
gmm_load(void *self_ptr, const PlumState *state, GError **error)
{
  Gmm *self = self_ptr;
  const char *type_name = plum_state_get_string(state, "covariance_type", error);
  if (type_name == NULL)
    return FALSE;
  size_t type = 0;
  while (cov_names[type] != NULL && strcmp(cov_names[type], type_name) != 0)
    type++;
  if (cov_names[type] == NULL) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
                WHO ": saved covariance_type '%s' is none of full, tied, diag, spherical",
                type_name);
    return FALSE;
  }
  size_t k = 0, d = 0;
  const double *means = clustering_load_reals(WHO, state, "means", 0, 0, &k, &d, error);
  const double *weights =
      means ? clustering_load_reals(WHO, state, "weights", 1, k, NULL, NULL, error) : NULL;
  const double *prec =
      weights ? clustering_load_reals(WHO, state, "precisions_cholesky", 1,
                                      precision_len((CovType)type, k, d), NULL, NULL, error)
              : NULL;
  if (prec == NULL)
    return FALSE;
  Mixture m;
  mixture_init(&m, (CovType)type, k, d);
  memcpy(m.weights, weights, k * sizeof *weights);
  memcpy(m.means, means, k * d * sizeof *means);
  memcpy(m.prec_chol, prec, precision_len(m.type, k, d) * sizeof *prec);
  if (!check_saved(&m, error)) {
    mixture_clear(&m);
    return FALSE;
  }
  mixture_prepare(&m);
  mixture_clear(&self->mix);
  self->mix = m;
  return TRUE;
}

static const PlumModelVTable gmm_vtable = {
    .struct_size = sizeof(PlumModelVTable),
    .create = gmm_create,
    .destroy = gmm_destroy,
    .fit = gmm_fit,
    .shape = gmm_shape,
    .save = gmm_save,
    .load = gmm_load,
    .predict = gmm_predict,
    .predict_proba = gmm_predict_proba,
    .log_likelihood = gmm_log_likelihood,
};

#define GMM_ARRAY_SPEC(field, lo, fl, docstr)                                                      \
  {                                                                                                \
    .name = #field, .type = PLUM_PARAM_REAL_ARRAY, .offset = offsetof(GmmParams, field),           \
    .min = (lo), .max = INFINITY, .flags = (fl), .doc = (docstr)                                   \
  }

static const PlumParamSpec gmm_params[] = {
    PLUM_PARAM_INT_SPEC(GmmParams, n_components, 1, 1, 1e9, 0, "number of components k"),
    PLUM_PARAM_ENUM_SPEC(GmmParams, covariance_type, COV_FULL, cov_names,
                         "full, tied (one shared), diag or spherical (one variance) covariances"),
    PLUM_PARAM_REAL_SPEC(GmmParams, reg_covar, 1e-6, 0, INFINITY, 0,
                         "added to every variance, keeping the covariances positive definite"),
    PLUM_PARAM_ENUM_SPEC(GmmParams, init, GMM_INIT_KMEANS, init_names,
                         "kmeans or random responsibilities, first (the first k rows as means) "
                         "or given (means_init)"),
    GMM_ARRAY_SPEC(means_init, -INFINITY, 0,
                   "initial means for init: given, k rows of the feature count, row-major"),
    GMM_ARRAY_SPEC(weights_init, 0, PLUM_PARAM_MIN_EXCLUSIVE,
                   "initial weights (k, normalised); default uniform for first and given"),
    GMM_ARRAY_SPEC(precisions_init, -INFINITY, 0,
                   "initial precisions: full k d×d matrices, tied one, diag k×d, spherical k; "
                   "default identity for first and given"),
    PLUM_PARAM_INT_SPEC(GmmParams, n_init, 1, 1, 1e6, 0,
                        "runs of a kmeans or random init; the highest lower bound is kept"),
    PLUM_PARAM_INT_SPEC(GmmParams, max_iter, 100, 1, 1e9, 0, "maximum EM iterations per run"),
    PLUM_PARAM_REAL_SPEC(GmmParams, tol, 1e-3, 0, INFINITY, 0,
                         "stop when the mean log-likelihood changes by less (0: run max_iter)"),
};

static const PlumComponentDesc gmm_components[] = {
    {
        .struct_size = sizeof(PlumComponentDesc),
        .kind = PLUM_KIND_MODEL,
        .name = "gaussian_mixture",
        .summary = "Gaussian mixture fitted by EM: full, tied, diag or spherical covariances",
        .caps = PLUM_CAP_CLUSTERER,
        .params = gmm_params,
        .n_params = G_N_ELEMENTS(gmm_params),
        .params_size = sizeof(GmmParams),
        .check_params = gmm_check_params,
        .vtable = &gmm_vtable,
        .state_version = 1,
    },
};

PLUM_PLUGIN_DEFINE(gaussian_mixture, PACKAGE_VERSION, "MIT", "Gaussian mixture models by EM",
                   gmm_components, NULL)
