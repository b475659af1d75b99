/* families.c — the exponential-dispersion GLM families: bernoulli, binomial, poisson, gamma,
 * inverse_gaussian and tweedie.
 *
 * A family is what a GLM needs about its response distribution: a link (any of the core's
 * plum_link_* chosen by the `link` parameter, default the canonical one, restricted to the links
 * R's glm() accepts for that family), the variance function V(μ), the unit deviance d(y, μ)
 * (textbook forms, with y log(y/μ) taken as 0 at y = 0), R's starting values, the support of y
 * and of μ, and the log-likelihood where it has a closed form (AIC). Dispersion convention: the
 * bernoulli, binomial and poisson log-likelihoods ignore their dispersion argument because φ is
 * 1 for them; the GLM relies on that to know which families estimate φ.
 *
 * binomial takes y as the proportion of successes in [0, 1]. Each row stands for `trials`
 * trials times its prior weight, as R's binomial() reads weights: with trials = 1, sample
 * weights carry per-row trial counts. bernoulli is binomial with one trial; it binds the same
 * params struct without the `trials` key, which the binder leaves at 0 and is read as 1.
 * tweedie(power) has V(μ) = μ^power and no closed-form likelihood; power in (0, 1) is refused
 * (no distribution exists there), 0 is the normal, 1 poisson-like, 2 gamma, 3 inverse Gaussian.
 */
#include "config.h"

#include <math.h>
#include <plum/plugin.h>

#include "vecmath.h"

typedef struct {
  int link;      /* PlumLink */
  gint64 trials; /* binomial only; 0 (bernoulli) means 1 */
} BinomialParams;

typedef struct {
  int link;
} FamilyParams;

typedef struct {
  int link;
  double power;
} TweedieParams;

/* Every params struct starts with the link, so the link slots serve all families. */
static PlumLink
link_of(const void *params)
{
  return (PlumLink) * (const int *)params;
}

static void
family_link(const void *params, const double *mu, double *eta, size_t n)
{
  plum_link_apply(link_of(params), mu, eta, n);
}

static void
family_linkinv(const void *params, const double *eta, double *mu, size_t n)
{
  plum_link_inverse(link_of(params), eta, mu, n);
}

static void
family_mu_eta(const void *params, const double *eta, double *dmu_deta, size_t n)
{
  plum_link_mu_eta(link_of(params), eta, dmu_deta, n);
}

/* Shared scalar pieces ------------------------------------------------------------------- */

static inline double
weight_at(const double *w, size_t i)
{
  return w ? w[i] : 1.0;
}

/* y log(y / μ), 0 at y = 0 (its limit), branch-free so that loops of it vectorise. At y = 0 the
 * log is taken of μ / μ = 1, and of 1 where that is NaN (μ = 0 or ∞): a vector log (glibc's, which
 * plum used before SLEEF) may leave its fast path for the whole vector when one lane is 0, so the
 * ratio must not be y / μ there. A select on y > 0 around the log would not do: GCC hoists the log
 * above it and computed log(0) for every zero count, 4x slower on counts. A negative μ still gives
 * NaN where y > 0. */
static inline double
ylog_ratio(double y, double mu)
{
  double r = (y > 0 ? y : mu) / mu;
  return y * plum_vec_log(r == r ? r : 1.0);
}

static inline gboolean
is_finite(double v)
{
  return isfinite(v);
}

static inline gboolean
is_positive(double v)
{
  return isfinite(v) && v > 0;
}

static inline gboolean
is_nonnegative(double v)
{
  return isfinite(v) && v >= 0;
}

static inline gboolean
is_unit_interval(double v)
{
  return v >= 0 && v <= 1;
}

/* Whether lo < v_i < hi for all of v[0..n) (NaN never is). The failures are counted without a
 * branch, in doubles, so that the loop vectorises: the mean-space check runs on every μ of every
 * IRLS step, and a loop that stops at the first failure (or counts in integers) stays scalar. */
static gboolean
all_within(const double *v, size_t n, double lo, double hi)
{
  double bad = 0;
#pragma omp simd reduction(+ : bad)
  for (size_t i = 0; i < n; i++)
    bad += v[i] > lo && v[i] < hi ? 0.0 : 1.0;
  return bad == 0;
}

/* Fails naming the first y that `ok` rejects; `support` says what y must be. Inlined with its
 * predicate, so that the count of rejected y (in doubles, as in all_within) vectorises; the first
 * is looked for only where there is one. */
static inline __attribute__((always_inline)) gboolean
check_support(const double *y, size_t n, gboolean (*ok)(double), const char *support,
              GError **error)
{
  double bad = 0;
#pragma omp simd reduction(+ : bad)
  for (size_t i = 0; i < n; i++)
    bad += ok(y[i]) ? 0.0 : 1.0;
  for (size_t i = 0; bad != 0 && i < n; i++) {
    if (ok(y[i]))
      continue;
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                "y = %g at row %zu (counting from 0) is outside the family's support: y must "
                "be %s",
                y[i], i, support);
    return FALSE;
  }
  return TRUE;
}

/* The links R's glm() accepts per family; check_params refuses the others by name. */
static gboolean
check_link(int link, const PlumLink *allowed, size_t n_allowed, GError **error)
{
  GString *names = g_string_new(NULL);
  for (size_t k = 0; k < n_allowed; k++) {
    if ((int)allowed[k] == link) {
      g_string_free(names, TRUE);
      return TRUE;
    }
    g_string_append_printf(names, "%s%s", k ? ", " : "", plum_link_names[allowed[k]]);
  }
  g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE,
              "link: '%s' is not a link for this family; choose one of %s", plum_link_names[link],
              names->str);
  g_string_free(names, TRUE);
  return FALSE;
}

/* IRLS working weights (statsmodels' Family.weights) ----------------------------------------
 *
 * W = w μ′² / V(μ) and W z = W η + w (μ′ / V(μ)) (y − μ), written as W = w a r and
 * W z = W η + w r (y − μ) with a = μ′ and r = μ′ / V(μ), where the link makes both cheap: under
 * a canonical link r is a constant (W z needs no division), under the log link a = μ (no
 * exponential). The links without such a form are left to the model (working_weights returns
 * FALSE). */

/* W = w a r and W z = W η + w r (y − μ). Two loops, as irls_weights in glm: a select on w inside
 * one made it a masked load, 10x slower on the bench machine. */
PLUM_SIMD_CLONES static void
weights_of(const double *y, const double *w, const double *eta, const double *mu, const double *a,
           const double *r, size_t n, double *W, double *Wz)
{
  if (w == NULL) {
#pragma omp simd
    for (size_t i = 0; i < n; i++) {
      W[i] = a[i] * r[i];
      Wz[i] = W[i] * eta[i] + r[i] * (y[i] - mu[i]);
    }
  } else {
#pragma omp simd
    for (size_t i = 0; i < n; i++) {
      W[i] = w[i] * a[i] * r[i];
      Wz[i] = W[i] * eta[i] + w[i] * r[i] * (y[i] - mu[i]);
    }
  }
}

/* The log link (a = μ′ = μ) for V(μ) = μ^p: r = μ^(1 − p), 1 for poisson's p = 1 and a
 * division for gamma's p = 2 rather than a pow; a block at a time. */
static void
log_link_power_weights(double p, const double *y, const double *w, const double *eta,
                       const double *mu, size_t n, double *W, double *Wz)
{
  double r[256];
  for (size_t s = 0; s < n; s += 256) {
    size_t m = MIN(n - s, (size_t)256);
    for (size_t i = 0; i < m; i++)
      r[i] = p == 1.0 ? 1.0 : p == 2.0 ? 1.0 / mu[s + i] : pow(mu[s + i], 1.0 - p);
    weights_of(y + s, w ? w + s : NULL, eta + s, mu + s, mu + s, r, m, W + s, Wz + s);
  }
}

/* binomial and bernoulli ------------------------------------------------------------------ */

static double
trials_of(const void *params)
{
  const BinomialParams *p = params;
  return p->trials > 0 ? (double)p->trials : 1.0;
}

static void
binomial_variance(const void *params, const double *mu, double *var, size_t n)
{
  double m = trials_of(params);
  for (size_t i = 0; i < n; i++)
    var[i] = mu[i] * (1.0 - mu[i]) / m;
}

static double
binomial_deviance(const void *params, const double *y, const double *mu, const double *w, size_t n)
{
  double s = 0;
  for (size_t i = 0; i < n; i++)
    s += weight_at(w, i) * (ylog_ratio(y[i], mu[i]) + ylog_ratio(1.0 - y[i], 1.0 - mu[i]));
  return 2.0 * trials_of(params) * s;
}

/* R's binomial()$initialize: (m y + ½) / (m + 1). */
static void
binomial_mustart(const void *params, const double *y, double *mu, size_t n)
{
  double m = trials_of(params);
  for (size_t i = 0; i < n; i++)
    mu[i] = (m * y[i] + 0.5) / (m + 1.0);
}

/* The logit link: a = μ′ = μ (1 − μ), from μ itself, and r = μ′ / V(μ) = m; a block at a time. */
static gboolean
binomial_working_weights(const void *params, const double *y, const double *w, const double *eta,
                         const double *mu, size_t n, double *W, double *Wz)
{
  if (link_of(params) != PLUM_LINK_LOGIT)
    return FALSE;
  double dmu[256], r[256], trials = trials_of(params);
  for (size_t s = 0; s < n; s += 256) {
    size_t m = MIN(n - s, (size_t)256);
    for (size_t i = 0; i < m; i++) {
      dmu[i] = mu[s + i] * (1.0 - mu[s + i]);
      r[i] = trials;
    }
    weights_of(y + s, w ? w + s : NULL, eta + s, mu + s, dmu, r, m, W + s, Wz + s);
  }
  return TRUE;
}

static gboolean
binomial_check_y(const void *params, const double *y, size_t n, GError **error)
{
  const char *what = "a proportion in [0, 1]";
  if (!check_support(y, n, is_unit_interval, what, error))
    return FALSE;
  double m = trials_of(params);
  for (size_t i = 0; m > 1 && i < n; i++) {
    double successes = m * y[i];
    if (fabs(successes - nearbyint(successes)) <= 1e-8 * m)
      continue;
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                "y = %g at row %zu (counting from 0) is not a whole number of successes out of "
                "trials = %g",
                y[i], i, m);
    return FALSE;
  }
  return TRUE;
}

/* Σ log Binomial(m_i y_i; m_i, μ_i) with m_i = trials · w_i trials in row i; lgamma keeps
 * non-integer weights meaningful as a continuous extension. */
static double
binomial_log_likelihood(const void *params, const double *y, const double *mu, const double *w,
                        size_t n, double dispersion)
{
  (void)dispersion; /* φ = 1 */
  double trials = trials_of(params), s = 0;
  for (size_t i = 0; i < n; i++) {
    double m = trials * weight_at(w, i), k = m * y[i];
    if (m <= 0)
      continue;
    s += lgamma(m + 1.0) - lgamma(k + 1.0) - lgamma(m - k + 1.0);
    s += (k > 0 ? k * log(mu[i]) : 0.0) + (m - k > 0 ? (m - k) * log1p(-mu[i]) : 0.0);
  }
  return s;
}

static gboolean
binomial_valid_mu(const void *params, const double *mu, size_t n)
{
  (void)params;
  return all_within(mu, n, 0.0, 1.0);
}

static gboolean
binomial_check_params(const void *params, GError **error)
{
  static const PlumLink links[] = {PLUM_LINK_LOGIT, PLUM_LINK_PROBIT, PLUM_LINK_CLOGLOG,
                                   PLUM_LINK_LOG};
  return check_link(link_of(params), links, G_N_ELEMENTS(links), error);
}

/* poisson --------------------------------------------------------------------------------- */

static void
identity_variance(const void *params, const double *mu, double *var, size_t n)
{
  (void)params;
  for (size_t i = 0; i < n; i++)
    var[i] = mu[i];
}

PLUM_VEC_CLONES static double
poisson_deviance(const void *params, const double *y, const double *mu, const double *w, size_t n)
{
  (void)params;
  double s = 0;
  if (w == NULL) {
#pragma omp simd reduction(+ : s)
    for (size_t i = 0; i < n; i++)
      s += ylog_ratio(y[i], mu[i]) - (y[i] - mu[i]);
  } else {
#pragma omp simd reduction(+ : s)
    for (size_t i = 0; i < n; i++)
      s += w[i] * (ylog_ratio(y[i], mu[i]) - (y[i] - mu[i]));
  }
  return 2.0 * s;
}

/* The log link: μ′ = μ = V(μ). */
static gboolean
poisson_working_weights(const void *params, const double *y, const double *w, const double *eta,
                        const double *mu, size_t n, double *W, double *Wz)
{
  if (link_of(params) != PLUM_LINK_LOG)
    return FALSE;
  log_link_power_weights(1.0, y, w, eta, mu, n, W, Wz);
  return TRUE;
}

/* R's poisson()$initialize: y + 0.1. */
static void
poisson_mustart(const void *params, const double *y, double *mu, size_t n)
{
  (void)params;
  for (size_t i = 0; i < n; i++)
    mu[i] = y[i] + 0.1;
}

/* Non-integer counts are accepted (rates with exposure weights), as scikit-learn does. */
static gboolean
poisson_check_y(const void *params, const double *y, size_t n, GError **error)
{
  (void)params;
  return check_support(y, n, is_nonnegative, "a count >= 0", error);
}

/* Whole counts below this take log y! from a table. */
#define LOG_FACTORIAL_TABLE 256

/* log k! for k < LOG_FACTORIAL_TABLE, filled once per process (the log-likelihood is summed a
 * block at a time, so a table per call would refill it for every block). */
static const double *
log_factorial_table(void)
{
  static double table[LOG_FACTORIAL_TABLE];
  static gsize filled = 0;
  if (g_once_init_enter(&filled)) {
    for (size_t k = 0; k < LOG_FACTORIAL_TABLE; k++)
      table[k] = lgamma((double)k + 1.0);
    g_once_init_leave(&filled, 1);
  }
  return table;
}

/* log y!: from the table for whole counts below LOG_FACTORIAL_TABLE (whole tested by
 * conversion, as floor is a libm call on the x86-64 baseline), lgamma(y + 1) otherwise. */
static inline double
log_factorial(const double *table, double y)
{
  if (y >= 0 && y < LOG_FACTORIAL_TABLE && (double)(size_t)y == y)
    return table[(size_t)y];
  return lgamma(y + 1.0);
}

/* Σ w_i log y_i! (w nullable), in four sums so that the adds do not wait on each other. */
static double
sum_log_factorial(const double *y, const double *w, size_t n)
{
  const double *table = log_factorial_table();
  double s[4] = {0};
  size_t i = 0;
  for (; i + 4 <= n; i += 4)
    for (size_t k = 0; k < 4; k++)
      s[k] += weight_at(w, i + k) * log_factorial(table, y[i + k]);
  for (; i < n; i++)
    s[0] += weight_at(w, i) * log_factorial(table, y[i]);
  return (s[0] + s[1]) + (s[2] + s[3]);
}

PLUM_VEC_CLONES static double
poisson_log_likelihood(const void *params, const double *y, const double *mu, const double *w,
                       size_t n, double dispersion)
{
  (void)params;
  (void)dispersion; /* φ = 1 */
  double s = 0;
  if (w == NULL) {
#pragma omp simd reduction(+ : s)
    for (size_t i = 0; i < n; i++)
      s += y[i] * plum_vec_log(y[i] > 0 ? mu[i] : 1.0) - mu[i];
  } else {
#pragma omp simd reduction(+ : s)
    for (size_t i = 0; i < n; i++)
      s += w[i] * (y[i] * plum_vec_log(y[i] > 0 ? mu[i] : 1.0) - mu[i]);
  }
  return s - sum_log_factorial(y, w, n);
}

static gboolean
positive_valid_mu(const void *params, const double *mu, size_t n)
{
  (void)params;
  return all_within(mu, n, 0.0, INFINITY);
}

static gboolean
poisson_check_params(const void *params, GError **error)
{
  static const PlumLink links[] = {PLUM_LINK_LOG, PLUM_LINK_IDENTITY, PLUM_LINK_SQRT};
  return check_link(link_of(params), links, G_N_ELEMENTS(links), error);
}

/* gamma ----------------------------------------------------------------------------------- */

static void
square_variance(const void *params, const double *mu, double *var, size_t n)
{
  (void)params;
  for (size_t i = 0; i < n; i++)
    var[i] = mu[i] * mu[i];
}

/* The log link: V(μ) = μ², so W = w and W z = w (η + (y − μ) / μ). */
static gboolean
gamma_working_weights(const void *params, const double *y, const double *w, const double *eta,
                      const double *mu, size_t n, double *W, double *Wz)
{
  if (link_of(params) != PLUM_LINK_LOG)
    return FALSE;
  log_link_power_weights(2.0, y, w, eta, mu, n, W, Wz);
  return TRUE;
}

static double
gamma_deviance(const void *params, const double *y, const double *mu, const double *w, size_t n)
{
  (void)params;
  double s = 0;
  for (size_t i = 0; i < n; i++)
    s += weight_at(w, i) * (-log(y[i] / mu[i]) + (y[i] - mu[i]) / mu[i]);
  return 2.0 * s;
}

/* R's Gamma() and inverse.gaussian() start at μ = y. */
static void
identity_mustart(const void *params, const double *y, double *mu, size_t n)
{
  (void)params;
  for (size_t i = 0; i < n; i++)
    mu[i] = y[i];
}

static gboolean
positive_check_y(const void *params, const double *y, size_t n, GError **error)
{
  (void)params;
  return check_support(y, n, is_positive, "> 0", error);
}

/* Gamma with shape 1/φ and mean μ. */
static double
gamma_log_likelihood(const void *params, const double *y, const double *mu, const double *w,
                     size_t n, double dispersion)
{
  (void)params;
  double shape = 1.0 / dispersion, s = 0;
  for (size_t i = 0; i < n; i++) {
    double r = shape * y[i] / mu[i];
    s += weight_at(w, i) * (shape * log(r) - r - log(y[i]) - lgamma(shape));
  }
  return s;
}

static gboolean
gamma_check_params(const void *params, GError **error)
{
  static const PlumLink links[] = {PLUM_LINK_INVERSE, PLUM_LINK_IDENTITY, PLUM_LINK_LOG};
  return check_link(link_of(params), links, G_N_ELEMENTS(links), error);
}

/* inverse_gaussian ------------------------------------------------------------------------ */

static void
cube_variance(const void *params, const double *mu, double *var, size_t n)
{
  (void)params;
  for (size_t i = 0; i < n; i++)
    var[i] = mu[i] * mu[i] * mu[i];
}

static double
inverse_gaussian_deviance(const void *params, const double *y, const double *mu, const double *w,
                          size_t n)
{
  (void)params;
  double s = 0;
  for (size_t i = 0; i < n; i++) {
    double r = y[i] - mu[i];
    s += weight_at(w, i) * r * r / (y[i] * mu[i] * mu[i]);
  }
  return s;
}

static double
inverse_gaussian_log_likelihood(const void *params, const double *y, const double *mu,
                                const double *w, size_t n, double dispersion)
{
  (void)params;
  double s = 0;
  for (size_t i = 0; i < n; i++) {
    double r = y[i] - mu[i];
    s += weight_at(w, i) * -0.5 *
         (log(2.0 * G_PI * dispersion * y[i] * y[i] * y[i]) +
          r * r / (dispersion * mu[i] * mu[i] * y[i]));
  }
  return s;
}

static gboolean
inverse_gaussian_check_params(const void *params, GError **error)
{
  static const PlumLink links[] = {PLUM_LINK_INVERSE_SQUARED, PLUM_LINK_INVERSE, PLUM_LINK_IDENTITY,
                                   PLUM_LINK_LOG};
  return check_link(link_of(params), links, G_N_ELEMENTS(links), error);
}

/* tweedie --------------------------------------------------------------------------------- */

static double
power_of(const void *params)
{
  return ((const TweedieParams *)params)->power;
}

static void
tweedie_variance(const void *params, const double *mu, double *var, size_t n)
{
  double p = power_of(params);
  for (size_t i = 0; i < n; i++)
    var[i] = pow(mu[i], p);
}

/* The log link: r = μ / V(μ) = μ^(1 − p). */
static gboolean
tweedie_working_weights(const void *params, const double *y, const double *w, const double *eta,
                        const double *mu, size_t n, double *W, double *Wz)
{
  if (link_of(params) != PLUM_LINK_LOG)
    return FALSE;
  log_link_power_weights(power_of(params), y, w, eta, mu, n, W, Wz);
  return TRUE;
}

/* The unit deviance of V(μ) = μ^p for p outside {0, 1, 2}, as scikit-learn writes it; the
 * max(y, 0) keeps 1 < p < 2 finite at y = 0. */
static inline double
tweedie_unit(double p, double y, double mu)
{
  return 2.0 * (pow(fmax(y, 0.0), 2.0 - p) / ((1.0 - p) * (2.0 - p)) -
                y * pow(mu, 1.0 - p) / (1.0 - p) + pow(mu, 2.0 - p) / (2.0 - p));
}

static double
tweedie_deviance(const void *params, const double *y, const double *mu, const double *w, size_t n)
{
  double p = power_of(params);
  if (p == 1.0)
    return poisson_deviance(params, y, mu, w, n);
  if (p == 2.0)
    return gamma_deviance(params, y, mu, w, n);
  double s = 0;
  for (size_t i = 0; i < n; i++) {
    double r = y[i] - mu[i];
    s += weight_at(w, i) * (p == 0.0 ? r * r : tweedie_unit(p, y[i], mu[i]));
  }
  return s;
}

/* statmod's tweedie()$initialize: y, nudged off 0 (and off negative y, allowed for p <= 0). */
static void
tweedie_mustart(const void *params, const double *y, double *mu, size_t n)
{
  (void)params;
  for (size_t i = 0; i < n; i++)
    mu[i] = y[i] > 0 ? y[i] : 0.1;
}

static gboolean
tweedie_check_y(const void *params, const double *y, size_t n, GError **error)
{
  double p = power_of(params);
  if (p <= 0)
    return check_support(y, n, is_finite, "finite", error);
  if (p < 2)
    return check_support(y, n, is_nonnegative, ">= 0 for 1 <= power < 2", error);
  return check_support(y, n, is_positive, "> 0 for power >= 2", error);
}

static gboolean
tweedie_valid_mu(const void *params, const double *mu, size_t n)
{
  if (power_of(params) == 0.0)
    return all_within(mu, n, -INFINITY, INFINITY);
  return all_within(mu, n, 0.0, INFINITY);
}

static gboolean
tweedie_check_params(const void *params, GError **error)
{
  static const PlumLink links[] = {PLUM_LINK_LOG, PLUM_LINK_IDENTITY};
  double p = power_of(params);
  if (p > 0 && p < 1) {
    g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE,
                "power: %g is in (0, 1), where no Tweedie distribution exists; use 0 (normal), "
                "1 (poisson), a value in (1, 2) (compound Poisson-gamma), 2 (gamma), 3 (inverse "
                "Gaussian) or any power > 1",
                p);
    return FALSE;
  }
  return check_link(link_of(params), links, G_N_ELEMENTS(links), error);
}

/* Schemas and descriptors ----------------------------------------------------------------- */

#define LINK_SPEC(ST, canonical, docstr)                                                           \
  {                                                                                                \
    .name = "link", .type = PLUM_PARAM_ENUM, .offset = offsetof(ST, link), .def_int = (canonical), \
    .choices = plum_link_names, .doc = (docstr)                                                    \
  }

static const PlumParamSpec bernoulli_params[] = {
    LINK_SPEC(BinomialParams, PLUM_LINK_LOGIT, "logit (canonical), probit, cloglog or log"),
};

static const PlumParamSpec binomial_params[] = {
    LINK_SPEC(BinomialParams, PLUM_LINK_LOGIT, "logit (canonical), probit, cloglog or log"),
    PLUM_PARAM_INT_SPEC(BinomialParams, trials, 1, 1, 1e9, 0,
                        "trials per row (times its sample weight); y is the success proportion"),
};

static const PlumParamSpec poisson_params[] = {
    LINK_SPEC(FamilyParams, PLUM_LINK_LOG, "log (canonical), identity or sqrt"),
};

static const PlumParamSpec gamma_params[] = {
    LINK_SPEC(FamilyParams, PLUM_LINK_INVERSE,
              "inverse (canonical), identity or log (scikit-learn's GammaRegressor uses log)"),
};

static const PlumParamSpec inverse_gaussian_params[] = {
    LINK_SPEC(FamilyParams, PLUM_LINK_INVERSE_SQUARED,
              "inverse_squared (canonical), inverse, identity or log"),
};

static const PlumParamSpec tweedie_params[] = {
    LINK_SPEC(TweedieParams, PLUM_LINK_LOG, "log (the default, as scikit-learn) or identity"),
    PLUM_PARAM_REAL_SPEC(TweedieParams, power, 1.5, -INFINITY, INFINITY, 0,
                         "variance power p in V(μ) = μ^p: <= 0, or >= 1 (not in (0, 1))"),
};

#define FAMILY_VTABLE(var, deviance_fn, mustart_fn, check_y_fn, loglik_fn, valid_mu_fn,            \
                      weights_fn)                                                                  \
  {                                                                                                \
    .struct_size = sizeof(PlumFamilyVTable), .link = family_link, .linkinv = family_linkinv,       \
    .mu_eta = family_mu_eta, .variance = (var), .deviance = (deviance_fn),                         \
    .mustart = (mustart_fn), .check_y = (check_y_fn), .log_likelihood = (loglik_fn),               \
    .valid_mu = (valid_mu_fn), .working_weights = (weights_fn),                                    \
  }

static const PlumFamilyVTable binomial_vtable =
    FAMILY_VTABLE(binomial_variance, binomial_deviance, binomial_mustart, binomial_check_y,
                  binomial_log_likelihood, binomial_valid_mu, binomial_working_weights);
static const PlumFamilyVTable poisson_vtable =
    FAMILY_VTABLE(identity_variance, poisson_deviance, poisson_mustart, poisson_check_y,
                  poisson_log_likelihood, positive_valid_mu, poisson_working_weights);
static const PlumFamilyVTable gamma_vtable =
    FAMILY_VTABLE(square_variance, gamma_deviance, identity_mustart, positive_check_y,
                  gamma_log_likelihood, positive_valid_mu, gamma_working_weights);
static const PlumFamilyVTable inverse_gaussian_vtable =
    FAMILY_VTABLE(cube_variance, inverse_gaussian_deviance, identity_mustart, positive_check_y,
                  inverse_gaussian_log_likelihood, positive_valid_mu, NULL);
static const PlumFamilyVTable tweedie_vtable =
    FAMILY_VTABLE(tweedie_variance, tweedie_deviance, tweedie_mustart, tweedie_check_y, NULL,
                  tweedie_valid_mu, tweedie_working_weights);

#define FAMILY_COMPONENT(fname, summ, ST, specs, check, vt)                                        \
  {                                                                                                \
    .struct_size = sizeof(PlumComponentDesc), .kind = PLUM_KIND_FAMILY, .name = (fname),           \
    .summary = (summ), .params = (specs), .n_params = G_N_ELEMENTS(specs),                         \
    .params_size = sizeof(ST), .check_params = (check), .vtable = &(vt),                           \
  }

static const PlumComponentDesc family_components[] = {
    FAMILY_COMPONENT("bernoulli", "0/1 outcomes (or proportions), V(μ) = μ(1 − μ)", BinomialParams,
                     bernoulli_params, binomial_check_params, binomial_vtable),
    FAMILY_COMPONENT("binomial", "success proportions out of `trials` (or weights) trials",
                     BinomialParams, binomial_params, binomial_check_params, binomial_vtable),
    FAMILY_COMPONENT("poisson", "counts, V(μ) = μ", FamilyParams, poisson_params,
                     poisson_check_params, poisson_vtable),
    FAMILY_COMPONENT("gamma", "positive continuous responses, V(μ) = μ²", FamilyParams,
                     gamma_params, gamma_check_params, gamma_vtable),
    FAMILY_COMPONENT("inverse_gaussian", "positive continuous responses, V(μ) = μ³", FamilyParams,
                     inverse_gaussian_params, inverse_gaussian_check_params,
                     inverse_gaussian_vtable),
    FAMILY_COMPONENT("tweedie", "V(μ) = μ^power: normal, poisson, compound Poisson-gamma…",
                     TweedieParams, tweedie_params, tweedie_check_params, tweedie_vtable),
};

PLUM_PLUGIN_DEFINE(families, PACKAGE_VERSION, "MIT",
                   "GLM families: bernoulli, binomial, poisson, gamma, inverse_gaussian, tweedie",
                   family_components, NULL)
