/* linmodel.c — fit-data checks and minibatch gathering shared by glm and logistic_regression
 * (see linmodel.h). One copy of the validation keeps their messages alike; one gather keeps
 * every objective on a single BLAS path whether it is asked for all rows or a minibatch.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "linmodel.h"
#include "vecmath.h"

static gboolean
check_weights(const char *who, const double *w, size_t n, GError **error)
{
  double total = 0;
  for (size_t i = 0; i < n; i++) {
    if (!(isfinite(w[i]) && w[i] >= 0)) {
      g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                  "%s: sample_weight[%zu] is %g; weights must be finite and >= 0", who, i, w[i]);
      return FALSE;
    }
    total += w[i];
  }
  if (total > 0)
    return TRUE;
  g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID, "%s: sample weights sum to 0", who);
  return FALSE;
}

/* X (at least 1 x 1, d columns unless d is 0) and y (one column, as many rows), both finite (X
 * taken as such when x_finite: the caller checked it). */
static gboolean
check_xy(const char *who, const PlumMatrix *X, const PlumMatrix *y, size_t d, const char *x_name,
         const char *y_name, gboolean x_finite, GError **error)
{
  if (X == NULL || y == NULL) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE, "%s: %s and %s are both required",
                who, x_name, y_name);
    return FALSE;
  }
  if (X->rows < 1 || X->cols < 1) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "%s: needs at least one row and one feature, got %s %zu x %zu", who, x_name,
                X->rows, X->cols);
    return FALSE;
  }
  return plum_matrix_check_shape(X, 0, d, x_name, error) &&
         plum_matrix_check_shape(y, X->rows, 1, y_name, error) &&
         (x_finite || plum_matrix_check_finite(X, x_name, error)) &&
         plum_matrix_check_finite(y, y_name, error);
}

gboolean
linmodel_check_fit_data(const char *who, const PlumFitData *data, GError **error)
{
  gboolean x_finite = (plum_fit_data_flags(data) & PLUM_FIT_X_FINITE) != 0;
  if (!check_xy(who, data->X, data->y, 0, "X", "y", x_finite, error))
    return FALSE;
  if (data->sample_weight && !check_weights(who, data->sample_weight, data->X->rows, error))
    return FALSE;
  if (data->X_val == NULL && data->y_val == NULL)
    return TRUE;
  return check_xy(who, data->X_val, data->y_val, data->X->cols, "X_val", "y_val", x_finite, error);
}

gboolean
linmodel_validate_mean(void *user, const double *theta, double *score, GError **error)
{
  const PlumObjective *val = user;
  double total;
  if (!val->eval(val->ctx, theta, NULL, val->n_terms, &total, NULL, error))
    return FALSE;
  *score = total / (double)val->n_terms;
  return TRUE;
}

gboolean
linmodel_gather(LinmodelGather *g, const char *who, const PlumMatrix *X, const double *y,
                const double *w, const size_t *terms, size_t m, PlumMatrix *Xb, const double **yb,
                const double **wb, GError **error)
{
  size_t n = X->rows, d = X->cols;
  if (g->X == NULL) {
    g->X = g_new(double, n *d);
    g->y = g_new(double, n);
    g->w = w ? g_new(double, n) : NULL;
  }
  for (size_t i = 0; i < m; i++) {
    size_t r = terms[i];
    if (r >= n) {
      g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED,
                  "%s: objective term %zu is out of range (%zu terms)", who, r, n);
      return FALSE;
    }
    memcpy(g->X + i * d, PLUM_MATRIX_ROW(X, r), d * sizeof *g->X);
    g->y[i] = y[r];
    if (w)
      g->w[i] = w[r];
  }
  *Xb = plum_matrix_view(g->X, m, d, 0);
  *yb = g->y;
  *wb = g->w;
  return TRUE;
}

void
linmodel_gather_clear(LinmodelGather *g)
{
  g_free(g->X);
  g_free(g->y);
  g_free(g->w);
  *g = (LinmodelGather){0};
}

/* Block products -------------------------------------------------------------------------- */

/* Columns [j0, j0 + 8) of Xᵀr added to g. Four sums over alternate rows, so that the adds do
 * not wait on each other's latency, kept in registers over the rows. */
static inline __attribute__((always_inline)) void
add_xt_r_8(const PlumMatrix *X, const double *r, size_t j0, double *g)
{
  PlumVec8 a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0}, x0, x1, x2, x3, sum;
  size_t i = 0, m = X->rows;
  for (; i + 4 <= m; i += 4) {
    PLUM_VEC_LOAD(x0, PLUM_MATRIX_ROW(X, i) + j0);
    PLUM_VEC_LOAD(x1, PLUM_MATRIX_ROW(X, i + 1) + j0);
    PLUM_VEC_LOAD(x2, PLUM_MATRIX_ROW(X, i + 2) + j0);
    PLUM_VEC_LOAD(x3, PLUM_MATRIX_ROW(X, i + 3) + j0);
    a0 += r[i] * x0;
    a1 += r[i + 1] * x1;
    a2 += r[i + 2] * x2;
    a3 += r[i + 3] * x3;
  }
  for (; i < m; i++) {
    PLUM_VEC_LOAD(x0, PLUM_MATRIX_ROW(X, i) + j0);
    a0 += r[i] * x0;
  }
  PLUM_VEC_LOAD(sum, g + j0);
  sum += (a0 + a1) + (a2 + a3);
  PLUM_VEC_STORE(g + j0, sum);
}

/* Σ r[0..m) in eight lanes, added pairwise, then the last m % 8 in turn: one scalar chain of m
 * dependent adds took as long as the eight-column products beside it. */
static inline __attribute__((always_inline)) double
sum_v8(const double *r, size_t m)
{
  PlumVec8 acc = {0}, v;
  size_t i = 0;
  for (; i + 8 <= m; i += 8) {
    PLUM_VEC_LOAD(v, r + i);
    acc += v;
  }
  double total = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
  for (; i < m; i++)
    total += r[i];
  return total;
}

/* Σ_k r_k x_k[j] added to g[j · stride] for the columns j in [j0, X->cols) past the last whole
 * tile (fewer than 8). */
static void
xt_r_columns_left(const PlumMatrix *X, const double *r, size_t j0, double *g, size_t stride)
{
  double tail[8] = {0};
  size_t w = X->cols - j0;
  for (size_t i = 0; i < X->rows; i++) {
    const double *x = PLUM_MATRIX_ROW(X, i) + j0;
    for (size_t j = 0; j < w; j++)
      tail[j] += r[i] * x[j];
  }
  for (size_t j = 0; j < w; j++)
    g[(j0 + j) * stride] += tail[j];
}

PLUM_SIMD_CLONES static void
add_xt_r(const PlumMatrix *X, const double *r, gboolean intercept, double *g)
{
  size_t d = X->cols, j0 = 0;
  for (; j0 + 8 <= d; j0 += 8)
    add_xt_r_8(X, r, j0, g);
  if (j0 < d)
    xt_r_columns_left(X, r, j0, g, 1);
  if (intercept)
    g[d] += sum_v8(r, X->rows);
}

/* The 8 x 8 tile at rows i0, columns j0 of Σ s_k x_k x_kᵀ added to G (upper part only when the
 * tile is on the diagonal), all 8 + 8 columns inside X. Eight register sums; per row, one
 * product s_k x_k[j0..j0+8) and eight multiply-adds with x_k[i0 + r] broadcast. With sx (on a
 * diagonal tile), also Σ s_k x_k[j0..j0+8) into *sx and Σ z_k x_k[j0..j0+8) into *zx while the
 * row is in a register, two more operations a row: the intercept's column of the normal matrix
 * and the right-hand side Aᵀz. Inlined, so a NULL sx costs nothing. */
static inline __attribute__((always_inline)) void
gram_tile_8(const PlumMatrix *X, const double *s, const double *z, size_t i0, size_t j0, double *G,
            size_t ldg, PlumVec8 *sx, PlumVec8 *zx)
{
  PlumVec8 a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0}, a4 = {0}, a5 = {0}, a6 = {0}, a7 = {0};
  PlumVec8 cs = {0}, cz = {0}, x, xs;
  for (size_t k = 0; k < X->rows; k++) {
    const double *row = PLUM_MATRIX_ROW(X, k), *xi = row + i0;
    PLUM_VEC_LOAD(x, row + j0);
    xs = x * s[k];
    if (sx) {
      cz += z[k] * x;
      cs += xs;
    }
    a0 += xi[0] * xs;
    a1 += xi[1] * xs;
    a2 += xi[2] * xs;
    a3 += xi[3] * xs;
    a4 += xi[4] * xs;
    a5 += xi[5] * xs;
    a6 += xi[6] * xs;
    a7 += xi[7] * xs;
  }
  PlumVec8 acc[8] = {a0, a1, a2, a3, a4, a5, a6, a7};
  for (size_t r = 0; r < 8; r++)
    for (size_t c = i0 == j0 ? r : 0; c < 8; c++)
      G[(i0 + r) * ldg + j0 + c] += acc[r][c];
  if (sx) {
    *sx = cs;
    *zx = cz;
  }
}

/* The same for the columns [j0, X->cols) past the last whole tile, against every row of G. */
static void
gram_columns_left(const PlumMatrix *X, const double *s, size_t j0, double *G, size_t ldg)
{
  size_t d = X->cols;
  for (size_t i = 0; i < d; i++)
    for (size_t j = MAX(j0, i); j < d; j++) {
      double sum = 0;
      for (size_t k = 0; k < X->rows; k++) {
        const double *row = PLUM_MATRIX_ROW(X, k);
        sum += s[k] * row[i] * row[j];
      }
      G[i * ldg + j] += sum;
    }
}

PLUM_SIMD_CLONES static void
add_weighted_system(const PlumMatrix *X, const double *s, const double *z, gboolean intercept,
                    double *G, size_t ldg, double *rhs)
{
  size_t d = X->cols, full = d - d % 8;
  for (size_t i0 = 0; i0 < full; i0 += 8) {
    if (intercept || z) {
      PlumVec8 sx, zx;
      gram_tile_8(X, s, z ? z : s, i0, i0, G, ldg, &sx, &zx);
      for (size_t c = 0; intercept && c < 8; c++)
        G[(i0 + c) * ldg + d] += sx[c];
      for (size_t c = 0; z && c < 8; c++)
        rhs[i0 + c] += zx[c];
    } else {
      gram_tile_8(X, s, NULL, i0, i0, G, ldg, NULL, NULL);
    }
    for (size_t j0 = i0 + 8; j0 < full; j0 += 8)
      gram_tile_8(X, s, NULL, i0, j0, G, ldg, NULL, NULL);
  }
  if (full < d) {
    gram_columns_left(X, s, full, G, ldg);
    if (intercept)
      xt_r_columns_left(X, s, full, G + d, ldg);
    if (z)
      xt_r_columns_left(X, z, full, rhs, 1);
  }
  if (intercept) {
    G[d * ldg + d] += sum_v8(s, X->rows);
    if (z)
      rhs[d] += sum_v8(z, X->rows);
  }
}

void
linmodel_add_xt_r(const PlumMatrix *X, const double *r, gboolean intercept, double *g)
{
  add_xt_r(X, r, intercept, g);
}

void
linmodel_add_weighted_system(const PlumMatrix *X, const double *s, const double *z,
                             gboolean intercept, double *G, size_t ldg, double *rhs)
{
  add_weighted_system(X, s, z, intercept, G, ldg, rhs);
}
