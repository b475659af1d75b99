/* linmodel.c — fit-data checks and minibatch gathering shared by glm and logistic_regression
 * (see linmodel.h). One copy of the validation keeps their messages alike; one gather keeps
 * every objective on a single BLAS path whether it is asked for all rows or a minibatch.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "linmodel.h"

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

/* X (at least 1 x 1, d columns unless d is 0) and y (one column, as many rows), both finite. */
static gboolean
check_xy(const char *who, const PlumMatrix *X, const PlumMatrix *y, size_t d, const char *x_name,
         const char *y_name, GError **error)
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
         plum_matrix_check_finite(X, x_name, error) && plum_matrix_check_finite(y, y_name, error);
}

gboolean
linmodel_check_fit_data(const char *who, const PlumFitData *data, GError **error)
{
  if (!check_xy(who, data->X, data->y, 0, "X", "y", error))
    return FALSE;
  if (data->sample_weight && !check_weights(who, data->sample_weight, data->X->rows, error))
    return FALSE;
  if (data->X_val == NULL && data->y_val == NULL)
    return TRUE;
  return check_xy(who, data->X_val, data->y_val, data->X->cols, "X_val", "y_val", error);
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
