/* normal.c — the Gaussian GLM family, the proof family plugin.
 *
 * Variance function V(μ) = 1, deviance Σ w (y − μ)², canonical link identity; `link` picks any
 * of the core's standard links (R's gaussian() allows identity, log and inverse; any link whose
 * mean space contains the data works). The IRLS start is μ = y, so check_y demands that every y
 * lies in the mean space of the chosen link (y > 0 for log, y ≠ 0 for inverse…) — the same test
 * valid_mu applies to μ during step halving.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <plum/plugin.h>

typedef struct {
  int link; /* PlumLink */
} NormalParams;

static PlumLink
link_of(const void *params)
{
  return (PlumLink)((const NormalParams *)params)->link;
}

static void
normal_link(const void *params, const double *mu, double *eta, size_t n)
{
  plum_link_apply(link_of(params), mu, eta, n);
}

static void
normal_linkinv(const void *params, const double *eta, double *mu, size_t n)
{
  plum_link_inverse(link_of(params), eta, mu, n);
}

static void
normal_mu_eta(const void *params, const double *eta, double *dmu_deta, size_t n)
{
  plum_link_mu_eta(link_of(params), eta, dmu_deta, n);
}

static void
normal_variance(const void *params, const double *mu, double *var, size_t n)
{
  for (size_t i = 0; i < n; i++)
    var[i] = 1.0;
}

static double
normal_deviance(const void *params, const double *y, const double *mu, const double *w, size_t n)
{
  double total = 0;
  for (size_t i = 0; i < n; i++) {
    double r = y[i] - mu[i];
    total += (w ? w[i] : 1.0) * r * r;
  }
  return total;
}

static void
normal_mustart(const void *params, const double *y, double *mu, size_t n)
{
  memcpy(mu, y, n * sizeof *mu);
}

/* Where the link is defined: the μ it maps to a finite η. */
static gboolean
in_link_domain(PlumLink link, double mu)
{
  if (!isfinite(mu))
    return FALSE;
  switch (link) {
  case PLUM_LINK_LOG:
  case PLUM_LINK_INVERSE_SQUARED:
    return mu > 0;
  case PLUM_LINK_SQRT:
    return mu >= 0;
  case PLUM_LINK_INVERSE:
    return mu != 0;
  case PLUM_LINK_LOGIT:
  case PLUM_LINK_PROBIT:
  case PLUM_LINK_CLOGLOG:
    return mu > 0 && mu < 1;
  case PLUM_LINK_IDENTITY:
  default:
    return TRUE;
  }
}

/* The first index outside the link's domain, or n. */
static size_t
first_outside(const void *params, const double *v, size_t n)
{
  PlumLink link = link_of(params);
  size_t i = 0;
  while (i < n && in_link_domain(link, v[i]))
    i++;
  return i;
}

static gboolean
normal_check_y(const void *params, const double *y, size_t n, GError **error)
{
  size_t bad = first_outside(params, y, n);
  if (bad == n)
    return TRUE;
  g_set_error(error, PLUM_DATA_ERROR,
              isfinite(y[bad]) ? PLUM_DATA_ERROR_INVALID : PLUM_DATA_ERROR_NONFINITE,
              "normal family: y[%zu] = %g is outside the mean space of the %s link", bad, y[bad],
              plum_link_names[link_of(params)]);
  return FALSE;
}

/* Σ w_i log N(y_i; μ_i, φ); NAN unless φ > 0. */
static double
normal_log_likelihood(const void *params, const double *y, const double *mu, const double *w,
                      size_t n, double dispersion)
{
  if (!(dispersion > 0))
    return NAN;
  double total = 0, log_norm = -0.5 * log(2.0 * G_PI * dispersion);
  for (size_t i = 0; i < n; i++) {
    double r = y[i] - mu[i];
    total += (w ? w[i] : 1.0) * (log_norm - 0.5 * r * r / dispersion);
  }
  return total;
}

static gboolean
normal_valid_mu(const void *params, const double *mu, size_t n)
{
  return first_outside(params, mu, n) == n;
}

static const PlumFamilyVTable normal_vtable = {
    .struct_size = sizeof(PlumFamilyVTable),
    .link = normal_link,
    .linkinv = normal_linkinv,
    .mu_eta = normal_mu_eta,
    .variance = normal_variance,
    .deviance = normal_deviance,
    .mustart = normal_mustart,
    .check_y = normal_check_y,
    .log_likelihood = normal_log_likelihood,
    .valid_mu = normal_valid_mu,
};

static const PlumParamSpec normal_params[] = {
    PLUM_PARAM_ENUM_SPEC(NormalParams, link, PLUM_LINK_IDENTITY, plum_link_names,
                         "link function g(μ) = η (canonical: identity)"),
};

static const PlumComponentDesc normal_components[] = {
    {
        .struct_size = sizeof(PlumComponentDesc),
        .kind = PLUM_KIND_FAMILY,
        .name = "normal",
        .summary = "Gaussian family: variance 1, deviance sum of w (y - mu)^2",
        .params = normal_params,
        .n_params = G_N_ELEMENTS(normal_params),
        .params_size = sizeof(NormalParams),
        .vtable = &normal_vtable,
    },
};

PLUM_PLUGIN_DEFINE(normal, PACKAGE_VERSION, "MIT", "the Gaussian GLM family", normal_components,
                   NULL)
