/* clustering.h — what the clustering models (kmeans, gaussian_mixture, dbscan) check alike: the
 * fit data, the number of clusters against the rows, and the input of every predicting slot.
 *
 * Private to those modules: clustering.c is compiled into each of them (a module links nothing
 * but libplum), so no symbol here is ever exported. `who` prefixes every message.
 */
#ifndef PLUM_MODELS_CLUSTERING_H
#define PLUM_MODELS_CLUSTERING_H

#include <plum/plugin.h>

/* Rows are processed in blocks of this many: a block's distances or log-densities stay in cache,
 * scratch stays bounded whatever n is, and blocks are the unit of OpenMP work. */
#define CLUSTERING_BLOCK_ROWS ((size_t)256)

/* Rows are split into at most this many parts, each a run of whole blocks with its own partial
 * sums, added in part order afterwards: enough parts to keep every core busy, few enough that
 * the partial sums stay small, and results that do not depend on the number of threads. */
#define CLUSTERING_MAX_PARTS ((size_t)64)

/* Parts of n >= 1 rows in blocks of block_rows: part p holds the rows
 * [p·part_rows, min(n, (p + 1)·part_rows)). */
typedef struct {
  size_t n, n_parts, part_rows;
} ClusteringParts;

void clustering_parts_init(ClusteringParts *parts, size_t n, size_t block_rows);
size_t clustering_part_begin(const ClusteringParts *parts, size_t p);
size_t clustering_part_end(const ClusteringParts *parts, size_t p);

/* X with at least one row and column, all finite (unless check_values is FALSE: the caller
 * checks them on its own first pass). Sample weights are refused: none of these models weighs
 * its rows. */
gboolean clustering_check_fit_data(const char *who, const PlumFitData *data, gboolean check_values,
                                   GError **error);

/* `count` (named `name`, e.g. n_clusters) must not exceed the rows of X. */
gboolean clustering_check_count(const char *who, const char *name, size_t count, size_t rows,
                                GError **error);

/* The input of predict, predict_proba or log_likelihood: the model is fitted (n_features > 0), X
 * is n_features wide and finite, and out (nullable) is X->rows x out_cols. */
gboolean clustering_check_input(const char *who, size_t n_features, const PlumMatrix *X,
                                const PlumMatrix *out, size_t out_cols, GError **error);

/* Fails with PLUM_MODEL_ERROR_NOT_FITTED unless `fitted`. */
gboolean clustering_check_fitted(const char *who, gboolean fitted, GError **error);

/* The saved reals `name`, rows x cols (0: any, but at least 1), all finite; rows_out and
 * cols_out are nullable. */
const double *clustering_load_reals(const char *who, const PlumState *state, const char *name,
                                    size_t rows, size_t cols, size_t *rows_out, size_t *cols_out,
                                    GError **error);

#endif /* PLUM_MODELS_CLUSTERING_H */
