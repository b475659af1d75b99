/* links.c — the standard GLM link functions, shared by every family plugin.
 *
 * A family plugin names its link with a PlumLink and calls these array functions for η = g(μ),
 * μ = g⁻¹(η) and dμ/dη. The inverse links that map onto a bounded mean space (logit, probit,
 * cloglog onto (0, 1); log onto (0, ∞)) clamp μ a machine epsilon inside it, and dμ/dη is kept
 * at least epsilon, as R's glm() does, so IRLS weights never become 0 or infinite however large
 * |η| grows. Each link is a few inline scalar helpers expanded into one loop per call: no
 * indirect call per element.
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <plum/plugin.h>

#include "vecmath.h"

const char *const plum_link_names[] = {
    "identity", "log", "logit", "probit", "cloglog", "inverse", "inverse_squared", "sqrt", NULL,
};

#define LINK_EPS DBL_EPSILON

static inline double
clamp_unit(double mu)
{
  /* selects, not fmin/fmax, so loops vectorise; NaN still becomes LINK_EPS */
  double lo = mu > LINK_EPS ? mu : LINK_EPS;
  return lo < 1.0 - LINK_EPS ? lo : 1.0 - LINK_EPS;
}

static inline double
floor_eps(double v)
{
  return v > LINK_EPS ? v : LINK_EPS; /* as fmax, NaN included, but vectorises */
}

/* Wichura's AS 241 (PPND16): the standard normal quantile to about 1e-16 relative. */
static double
normal_quantile(double p)
{
  static const double a[8] = {3.3871328727963666080e0,  1.3314166789178437745e+2,
                              1.9715909503065514427e+3, 1.3731693765509461125e+4,
                              4.5921953931549871457e+4, 6.7265770927008700853e+4,
                              3.3430575583588128105e+4, 2.5090809287301226727e+3};
  static const double b[8] = {1.0,
                              4.2313330701600911252e+1,
                              6.8718700749205790830e+2,
                              5.3941960214247511077e+3,
                              2.1213794301586595867e+4,
                              3.9307895800092710610e+4,
                              2.8729085735721942674e+4,
                              5.2264952788528545610e+3};
  static const double c[8] = {1.42343711074968357734e0,  4.63033784615654529590e0,
                              5.76949722146069140550e0,  3.64784832476320460504e0,
                              1.27045825245236838258e0,  2.41780725177450611770e-1,
                              2.27238449892691845833e-2, 7.74545014278341407640e-4};
  static const double d[8] = {1.0,
                              2.05319162663775882187e0,
                              1.67638483018380384940e0,
                              6.89767334985100004550e-1,
                              1.48103976427480074590e-1,
                              1.51986665636164571966e-2,
                              5.47593808499534494600e-4,
                              1.05075007164441684324e-9};
  static const double e[8] = {6.65790464350110377720e0,  5.46378491116411436990e0,
                              1.78482653991729133580e0,  2.96560571828504891230e-1,
                              2.65321895265761230930e-2, 1.24266094738807843860e-3,
                              2.71155556874348757815e-5, 2.01033439929228813265e-7};
  static const double f[8] = {1.0,
                              5.99832206555887937690e-1,
                              1.36929880922735805310e-1,
                              1.48753612908506148525e-2,
                              7.86869131145613259100e-4,
                              1.84631831751005468180e-5,
                              1.42151175831644588870e-7,
                              2.04426310338993978564e-15};
  const double *num = a, *den = b;
  double q = p - 0.5, r;

  if (fabs(q) <= 0.425) {
    r = 0.180625 - q * q;
  } else {
    r = sqrt(-log(q < 0 ? p : 1.0 - p));
    if (r <= 5.0) {
      r -= 1.6;
      num = c;
      den = d;
    } else {
      r -= 5.0;
      num = e;
      den = f;
    }
  }
  double pn = num[7], pd = den[7];
  for (int k = 6; k >= 0; k--) {
    pn = pn * r + num[k];
    pd = pd * r + den[k];
  }
  double z = pn / pd;
  if (fabs(q) <= 0.425)
    return q * z;
  return q < 0 ? -z : z;
}

/* Scalar pieces, one triple per link. */

static inline double
identity_fn(double x)
{
  return x;
}

static inline double
one_fn(double x)
{
  (void)x;
  return 1.0;
}

static inline double
log_inverse(double eta)
{
  return floor_eps(plum_vec_exp(eta));
}

static inline double
logit_apply(double mu)
{
  return plum_vec_log(mu) - log1p(-mu);
}

/* 1 / (1 + e^-η) evaluated with e^-|η| <= 1, so nothing overflows. */
static inline double
logit_inverse(double eta)
{
  double t = plum_vec_exp(-fabs(eta));
  return clamp_unit(eta >= 0 ? 1.0 / (1.0 + t) : t / (1.0 + t));
}

static inline double
logit_mu_eta(double eta)
{
  double t = plum_vec_exp(-fabs(eta));
  return floor_eps(t / ((1.0 + t) * (1.0 + t)));
}

static inline double
probit_apply(double mu)
{
  return normal_quantile(mu);
}

static inline double
probit_inverse(double eta)
{
  return clamp_unit(0.5 * erfc(-eta * M_SQRT1_2));
}

static inline double
probit_mu_eta(double eta)
{
  return floor_eps(plum_vec_exp(-0.5 * eta * eta) * (M_2_SQRTPI * M_SQRT1_2 * 0.5));
}

static inline double
cloglog_apply(double mu)
{
  return plum_vec_log(-log1p(-mu));
}

static inline double
cloglog_inverse(double eta)
{
  return clamp_unit(-expm1(-plum_vec_exp(eta)));
}

/* e^η · e^(-e^η) as one exponent; η is capped where the product is long zero (R caps at 700). */
static inline double
cloglog_mu_eta(double eta)
{
  double eta_c = fmin(eta, 700.0);
  return floor_eps(plum_vec_exp(eta_c - plum_vec_exp(eta_c)));
}

static inline double
reciprocal(double x)
{
  return 1.0 / x;
}

static inline double
inverse_mu_eta(double eta)
{
  return -1.0 / (eta * eta);
}

static inline double
inverse_squared_apply(double mu)
{
  return 1.0 / (mu * mu);
}

static inline double
inverse_squared_inverse(double eta)
{
  return 1.0 / sqrt(eta);
}

static inline double
inverse_squared_mu_eta(double eta)
{
  return -0.5 / (eta * sqrt(eta));
}

static inline double
square(double x)
{
  return x * x;
}

static inline double
twice(double x)
{
  return 2.0 * x;
}

/* Expands one switch over the links, each case a loop of an inlined scalar function,
 * vectorised where the function allows (exp and log through vecmath.h) and the same for every
 * element wherever it sits (PLUM_VEC_MAP: a GLM's prediction must not depend on the batch).
 * 0.5 is inside every link's domain. */
#define LINK_MAP(f) PLUM_VEC_MAP(f, in, out, n, 0.5)

#define LINK_DISPATCH(link, identity_f, log_f, logit_f, probit_f, cloglog_f, inverse_f,            \
                      inverse_squared_f, sqrt_f)                                                   \
  switch (link) {                                                                                  \
  case PLUM_LINK_IDENTITY:                                                                         \
    LINK_MAP(identity_f);                                                                          \
    break;                                                                                         \
  case PLUM_LINK_LOG:                                                                              \
    LINK_MAP(log_f);                                                                               \
    break;                                                                                         \
  case PLUM_LINK_LOGIT:                                                                            \
    LINK_MAP(logit_f);                                                                             \
    break;                                                                                         \
  case PLUM_LINK_PROBIT:                                                                           \
    LINK_MAP(probit_f);                                                                            \
    break;                                                                                         \
  case PLUM_LINK_CLOGLOG:                                                                          \
    LINK_MAP(cloglog_f);                                                                           \
    break;                                                                                         \
  case PLUM_LINK_INVERSE:                                                                          \
    LINK_MAP(inverse_f);                                                                           \
    break;                                                                                         \
  case PLUM_LINK_INVERSE_SQUARED:                                                                  \
    LINK_MAP(inverse_squared_f);                                                                   \
    break;                                                                                         \
  case PLUM_LINK_SQRT:                                                                             \
    LINK_MAP(sqrt_f);                                                                              \
    break;                                                                                         \
  default:                                                                                         \
    g_critical("%s: unknown link %d", G_STRFUNC, (int)(link));                                     \
  }

/* libplum exports no ifunc symbol (the clones pick one at load), so public functions wrap. */
PLUM_VEC_CLONES static void
link_apply_map(PlumLink link, const double *mu, double *eta, size_t n)
{
  const double *in = mu;
  double *out = eta;
  LINK_DISPATCH(link, identity_fn, plum_vec_log, logit_apply, probit_apply, cloglog_apply,
                reciprocal, inverse_squared_apply, sqrt);
}

void
plum_link_apply(PlumLink link, const double *mu, double *eta, size_t n)
{
  link_apply_map(link, mu, eta, n);
}

PLUM_VEC_CLONES static void
link_inverse_map(PlumLink link, const double *eta, double *mu, size_t n)
{
  const double *in = eta;
  double *out = mu;
  LINK_DISPATCH(link, identity_fn, log_inverse, logit_inverse, probit_inverse, cloglog_inverse,
                reciprocal, inverse_squared_inverse, square);
}

void
plum_link_inverse(PlumLink link, const double *eta, double *mu, size_t n)
{
  link_inverse_map(link, eta, mu, n);
}

PLUM_VEC_CLONES static void
link_mu_eta_map(PlumLink link, const double *eta, double *dmu_deta, size_t n)
{
  const double *in = eta;
  double *out = dmu_deta;
  LINK_DISPATCH(link, one_fn, log_inverse, logit_mu_eta, probit_mu_eta, cloglog_mu_eta,
                inverse_mu_eta, inverse_squared_mu_eta, twice);
}

void
plum_link_mu_eta(PlumLink link, const double *eta, double *dmu_deta, size_t n)
{
  link_mu_eta_map(link, eta, dmu_deta, n);
}
