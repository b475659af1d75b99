/* costs.c — the cost functions of the neural network besides mse: mae, huber,
 * binary_cross_entropy, categorical_cross_entropy and hinge.
 *
 * Every cost here is a sum over rows and columns of an elementwise loss ℓ(p, t), so each is one
 * row kernel (the loss of a row, and ∂ℓ/∂p into g when asked) and one domain check; a single
 * driver checks shapes and targets, then sums the rows in order on one thread, so the value is
 * the same at any thread count. Sums, not means, as mse does: values over disjoint minibatches
 * add up, which is what the objective seam wants.
 *
 *   mae                        |p − t|                          ∂ = sign(p − t) (0 at 0)
 *   huber (δ)                  ½ r² for |r| <= δ, δ (|r| − ½ δ)  ∂ = clamp(r, −δ, δ), r = p − t
 *   binary_cross_entropy       −t log p − (1 − t) log(1 − p)    ∂ = (p − t) / (p (1 − p))
 *   categorical_cross_entropy  −t log p  (rows of T sum to 1)   ∂ = −t / p
 *   hinge                      max(0, 1 − s p), s = ±1          ∂ = −s where 1 − s p > 0
 *
 * The cross-entropies take probabilities p in [0, 1] and clip them to [ε, 1 − ε] with ε the
 * machine epsilon (as scikit-learn does) before the logarithm, so a saturated output costs a
 * large finite amount instead of infinity. They carry CAP_FUSES_SIGMOID / CAP_FUSES_SOFTMAX: a
 * network whose output activation is the matching sigmoid or softmax skips both this gradient
 * and the activation's backward and uses A − T for the gradient with respect to the
 * pre-activations, which is exact and numerically stable. hinge reads a target 0 as −1, so
 * one-hot class indicators work as they are.
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <plum/plugin.h>

#include "vecmath.h"

typedef double (*CostRow)(const void *params, const double *p, const double *t, double *g,
                          size_t n);
/* Fails, naming `cost` and row i, when the row is outside the cost's domain. */
typedef gboolean (*CostRowCheck)(const char *cost, const double *p, const double *t, size_t n,
                                 size_t i, GError **error);

typedef struct {
  double delta;
} HuberParams;

typedef struct {
  const char *name;
  CostRow row;
  CostRowCheck check; /* nullable: every finite target is fine */
} CostDef;

/* The driver -------------------------------------------------------------------------------- */

static gboolean
cost_check(const CostDef *def, const PlumMatrix *P, const PlumMatrix *T, const PlumMatrix *G,
           GError **error)
{
  if (!plum_matrix_check_shape(T, P->rows, P->cols, "targets", error) ||
      (G && !plum_matrix_check_shape(G, P->rows, P->cols, "gradient", error)) ||
      !plum_matrix_check_finite(T, "targets", error))
    return FALSE;
  for (size_t i = 0; def->check && i < P->rows; i++)
    if (!def->check(def->name, PLUM_MATRIX_ROW(P, i), PLUM_MATRIX_ROW(T, i), P->cols, i, error))
      return FALSE;
  return TRUE;
}

static gboolean
cost_run(const CostDef *def, const void *params, const PlumMatrix *P, const PlumMatrix *T,
         double *value, PlumMatrix *G, GError **error)
{
  if (!cost_check(def, P, T, G, error))
    return FALSE;
  double total = 0;
  for (size_t i = 0; i < P->rows; i++)
    total += def->row(params, PLUM_MATRIX_ROW(P, i), PLUM_MATRIX_ROW(T, i),
                      G ? PLUM_MATRIX_ROW(G, i) : NULL, P->cols);
  *value = total;
  return TRUE;
}

/* Row kernels and domains ------------------------------------------------------------------- */

static double
mae_row(const void *params, const double *p, const double *t, double *g, size_t n)
{
  double total = 0;
  for (size_t j = 0; j < n; j++) {
    double r = p[j] - t[j];
    total += fabs(r);
    if (g)
      g[j] = (double)((r > 0) - (r < 0));
  }
  return total;
}

static double
huber_row(const void *params, const double *p, const double *t, double *g, size_t n)
{
  double delta = ((const HuberParams *)params)->delta, total = 0;
  for (size_t j = 0; j < n; j++) {
    double r = p[j] - t[j], ar = fabs(r);
    total += ar <= delta ? 0.5 * r * r : delta * (ar - 0.5 * delta);
    if (g)
      g[j] = fmin(fmax(r, -delta), delta);
  }
  return total;
}

static inline double
clip_probability(double p)
{
  /* selects, so row loops vectorise; NaN becomes DBL_EPSILON as through fmax */
  double lo = p > DBL_EPSILON ? p : DBL_EPSILON;
  return lo < 1.0 - DBL_EPSILON ? lo : 1.0 - DBL_EPSILON;
}

static double
bce_row(const void *params, const double *p, const double *t, double *g, size_t n)
{
  double total = 0;
  for (size_t j = 0; j < n; j++) {
    double q = clip_probability(p[j]);
    total -= t[j] * log(q) + (1.0 - t[j]) * log1p(-q);
    if (g)
      g[j] = (q - t[j]) / (q * (1.0 - q));
  }
  return total;
}

PLUM_VEC_CLONES static double
cce_row(const void *params, const double *p, const double *t, double *g, size_t n)
{
  double total = 0;
#pragma omp simd reduction(- : total)
  for (size_t j = 0; j < n; j++)
    total -= t[j] * plum_vec_log(clip_probability(p[j]));
  if (g) {
#pragma omp simd
    for (size_t j = 0; j < n; j++)
      g[j] = -t[j] / clip_probability(p[j]);
  }
  return total;
}

static double
hinge_row(const void *params, const double *p, const double *t, double *g, size_t n)
{
  double total = 0;
  for (size_t j = 0; j < n; j++) {
    double s = t[j] > 0 ? 1.0 : -1.0, margin = 1.0 - s * p[j];
    total += fmax(margin, 0.0);
    if (g)
      g[j] = margin > 0 ? -s : 0.0;
  }
  return total;
}

/* A NaN prediction passes, so a diverged network is reported as such by the optimizer. */
static gboolean
probabilities_check(const char *cost, const double *p, const double *t, size_t n, size_t i,
                    GError **error)
{
  for (size_t j = 0; j < n; j++) {
    if (p[j] < 0 || p[j] > 1 || t[j] < 0 || t[j] > 1) {
      g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                  "%s: row %zu (counting from 0), column %zu: prediction %g, target %g; both "
                  "must be probabilities in [0, 1] (pair this cost with a sigmoid or softmax "
                  "output)",
                  cost, i, j, p[j], t[j]);
      return FALSE;
    }
  }
  return TRUE;
}

/* Rows of probabilities that came through a division or a softmax sum to 1 this closely. */
#define DISTRIBUTION_SUM_TOL 1e-6

static gboolean
distribution_check(const char *cost, const double *p, const double *t, size_t n, size_t i,
                   GError **error)
{
  if (!probabilities_check(cost, p, t, n, i, error))
    return FALSE;
  double sum = 0;
  for (size_t j = 0; j < n; j++)
    sum += t[j];
  if (fabs(sum - 1.0) <= DISTRIBUTION_SUM_TOL)
    return TRUE;
  g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
              "%s: the targets of row %zu (counting from 0) sum to %g; each row must be a "
              "distribution over the %zu columns (one-hot class indicators, for instance)",
              cost, i, sum, n);
  return FALSE;
}

static gboolean
sign_check(const char *cost, const double *p, const double *t, size_t n, size_t i, GError **error)
{
  for (size_t j = 0; j < n; j++) {
    if (t[j] != -1 && t[j] != 0 && t[j] != 1) {
      g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                  "%s: row %zu (counting from 0), column %zu: target %g; targets must be -1, "
                  "0 (read as -1) or 1",
                  cost, i, j, t[j]);
      return FALSE;
    }
  }
  return TRUE;
}

static const CostDef mae_def = {.name = "mae", .row = mae_row};
static const CostDef huber_def = {.name = "huber", .row = huber_row};
static const CostDef bce_def = {
    .name = "binary_cross_entropy",
    .row = bce_row,
    .check = probabilities_check,
};
static const CostDef cce_def = {
    .name = "categorical_cross_entropy",
    .row = cce_row,
    .check = distribution_check,
};
static const CostDef hinge_def = {
    .name = "hinge",
    .row = hinge_row,
    .check = sign_check,
};

/* The vtable entry point of cost NAME over its definition NAME_def. */
#define COST_VTABLE(NAME)                                                                          \
  static gboolean NAME##_loss(const void *params, const PlumMatrix *P, const PlumMatrix *T,        \
                              double *value, PlumMatrix *G, GError **error)                        \
  {                                                                                                \
    return cost_run(&NAME##_def, params, P, T, value, G, error);                                   \
  }                                                                                                \
  static const PlumCostVTable NAME##_vtable = {                                                    \
      .struct_size = sizeof(PlumCostVTable),                                                       \
      .loss = NAME##_loss,                                                                         \
  }

COST_VTABLE(mae);
COST_VTABLE(huber);
COST_VTABLE(bce);
COST_VTABLE(cce);
COST_VTABLE(hinge);

/* Schemas and components ---------------------------------------------------------------------- */

static const PlumParamSpec huber_params[] = {
    PLUM_PARAM_REAL_SPEC(HuberParams, delta, 1.0, 0.0, INFINITY, PLUM_PARAM_MIN_EXCLUSIVE,
                         "residuals up to delta cost r^2 / 2, larger ones grow linearly"),
};

#define COST_COMPONENT(NAME, DEF, SUMMARY, CAPS)                                                   \
  {                                                                                                \
    .struct_size = sizeof(PlumComponentDesc), .kind = PLUM_KIND_COST, .name = (NAME),              \
    .summary = (SUMMARY), .caps = (CAPS), .vtable = &DEF##_vtable,                                 \
  }

static const PlumComponentDesc cost_components[] = {
    COST_COMPONENT("mae", mae, "absolute error: sum of |p - t|", 0),
    {
        .struct_size = sizeof(PlumComponentDesc),
        .kind = PLUM_KIND_COST,
        .name = "huber",
        .summary = "Huber loss: quadratic up to delta, linear beyond",
        .params = huber_params,
        .n_params = G_N_ELEMENTS(huber_params),
        .params_size = sizeof(HuberParams),
        .vtable = &huber_vtable,
    },
    COST_COMPONENT("binary_cross_entropy", bce,
                   "log-loss of independent probabilities: -t log p - (1 - t) log(1 - p)",
                   PLUM_CAP_FUSES_SIGMOID),
    COST_COMPONENT("categorical_cross_entropy", cce,
                   "log-loss of a distribution over columns: -sum t log p", PLUM_CAP_FUSES_SOFTMAX),
    COST_COMPONENT("hinge", hinge, "hinge loss per column: max(0, 1 - s p), s = +-1", 0),
};

PLUM_PLUGIN_DEFINE(costs, PACKAGE_VERSION, "MIT",
                   "cost functions: mae, huber, binary and categorical cross-entropy, hinge",
                   cost_components, NULL)
