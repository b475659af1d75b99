/* clustering.c — input checks shared by the clustering models (see clustering.h). One copy keeps
 * the messages of kmeans, gaussian_mixture and dbscan alike.
 */
#include "config.h"

#include "clustering.h"

gboolean
clustering_check_fit_data(const char *who, const PlumFitData *data, gboolean check_values,
                          GError **error)
{
  const PlumMatrix *X = data->X;
  if (X == NULL || X->rows < 1 || X->cols < 1) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "%s: fit needs X with at least one row and one column", who);
    return FALSE;
  }
  if (data->sample_weight != NULL) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_UNSUPPORTED,
                "%s: sample weights are not supported", who);
    return FALSE;
  }
  if (!check_values)
    return TRUE;
  char what[64];
  g_snprintf(what, sizeof what, "%s: X", who);
  return plum_matrix_check_finite(X, what, error);
}

gboolean
clustering_check_count(const char *who, const char *name, size_t count, size_t rows, GError **error)
{
  if (count <= rows)
    return TRUE;
  g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
              "%s: %s = %zu is more than the %zu row%s of X", who, name, count, rows,
              rows == 1 ? "" : "s");
  return FALSE;
}

gboolean
clustering_check_fitted(const char *who, gboolean fitted, GError **error)
{
  if (fitted)
    return TRUE;
  g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_NOT_FITTED,
              "%s: the model is not fitted; call fit or load first", who);
  return FALSE;
}

gboolean
clustering_check_input(const char *who, size_t n_features, const PlumMatrix *X,
                       const PlumMatrix *out, size_t out_cols, GError **error)
{
  if (!clustering_check_fitted(who, n_features > 0, error))
    return FALSE;
  if (X->cols != n_features) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "%s: X has %zu features, the model was fitted on %zu", who, X->cols, n_features);
    return FALSE;
  }
  char what[64];
  g_snprintf(what, sizeof what, "%s: X", who);
  if (!plum_matrix_check_finite(X, what, error))
    return FALSE;
  g_snprintf(what, sizeof what, "%s: output", who);
  return out == NULL || plum_matrix_check_shape(out, X->rows, out_cols, what, error);
}

const double *
clustering_load_reals(const char *who, const PlumState *state, const char *name, size_t rows,
                      size_t cols, size_t *rows_out, size_t *cols_out, GError **error)
{
  size_t r = 0, c = 0;
  const double *data = plum_state_get_reals(state, name, rows, cols, &r, &c, error);
  if (data == NULL)
    return NULL;
  if (r < 1 || c < 1) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
                "%s: saved %s is %zu x %zu; it needs at least one row and column", who, name, r, c);
    return NULL;
  }
  char what[64];
  g_snprintf(what, sizeof what, "%s: saved %s", who, name);
  PlumMatrix view = plum_matrix_view((double *)data, r, c, 0);
  if (!plum_matrix_check_finite(&view, what, error))
    return NULL;
  if (rows_out)
    *rows_out = r;
  if (cols_out)
    *cols_out = c;
  return data;
}

void
clustering_parts_init(ClusteringParts *parts, size_t n, size_t block_rows)
{
  size_t n_blocks = (n + block_rows - 1) / block_rows;
  size_t n_parts = MIN(n_blocks, CLUSTERING_MAX_PARTS);
  parts->n = n;
  parts->part_rows = (n_blocks + n_parts - 1) / n_parts * block_rows;
  parts->n_parts = (n + parts->part_rows - 1) / parts->part_rows;
}

size_t
clustering_part_begin(const ClusteringParts *parts, size_t p)
{
  return p * parts->part_rows;
}

size_t
clustering_part_end(const ClusteringParts *parts, size_t p)
{
  return MIN(parts->n, (p + 1) * parts->part_rows);
}
