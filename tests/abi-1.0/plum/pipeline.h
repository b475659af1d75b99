/* plum/pipeline.h — pipelines: data → transforms → model → evaluation → outputs.
 *
 * A pipeline is described by one YAML document (reference: doc/pipeline.md). It is bound by the
 * same binder as every component, so every mistake in it is reported with file:line:column and
 * its key path before any work starts. Relative input paths (data files) are resolved against
 * the pipeline file's directory; relative output paths against the current directory.
 *
 * The same object, once fitted, is what a model file holds: the resolved configuration, the
 * fitted transforms and model, the class labels and feature names. `plum run`, `plum predict`
 * and `plum inspect` are thin layers over these calls.
 */
#ifndef PLUM_PIPELINE_H
#define PLUM_PIPELINE_H

#include <stddef.h>
#include <glib.h>
#include <plum/dataset.h>
#include <plum/matrix.h>
#include <plum/params.h>
#include <plum/state.h>

G_BEGIN_DECLS

typedef struct PlumPipeline PlumPipeline;

/* (transfer full) Parses and validates a pipeline; overrides are "a.b.c=value" strings applied
 * before validation (NULL-terminated, nullable). All errors are reported at once. */
PlumPipeline *plum_pipeline_new_from_file(const char *path, const char *const *overrides,
                                          GError **error);
PlumPipeline *plum_pipeline_new_from_string(const char *yaml, const char *source_name,
                                            const char *const *overrides, GError **error);
void plum_pipeline_free(PlumPipeline *p);

/* The fully resolved configuration, every plugin default included (transfer full). */
char *plum_pipeline_to_yaml(const PlumPipeline *p);
guint64 plum_pipeline_seed(const PlumPipeline *p);

/* Reads the training (test == FALSE) or test data set named by the pipeline. The test set's
 * class labels are mapped onto the training set's (read the training set first). */
PlumDataset *plum_pipeline_load_data(PlumPipeline *p, gboolean test, GError **error);

/* Reads a CSV with the pipeline's data options, for prediction: the label column is used when
 * the file has one (*has_labels_out set TRUE, labels mapped onto the training classes), and the
 * file may also hold the feature columns alone. */
PlumDataset *plum_pipeline_read_csv(PlumPipeline *p, const char *path, gboolean *has_labels_out,
                                    GError **error);

/* Fits transforms and model on ds (all rows). */
gboolean plum_pipeline_fit(PlumPipeline *p, const PlumDataset *ds, GError **error);
gboolean plum_pipeline_is_fitted(const PlumPipeline *p);

/* Predictions of a fitted pipeline. */
typedef struct PlumPredictions {
  PlumMatrix *values;     /* n x n_outputs: class indices, real values or cluster ids */
  PlumMatrix *proba;      /* n x n_classes, or NULL */
  PlumMatrix *std;        /* n x n_outputs predictive standard deviation, or NULL */
  PlumMatrix *transformed;/* n x k for a transform-only model (PCA), or NULL */
} PlumPredictions;

/* X has the raw (untransformed) feature columns of the training data. */
PlumPredictions *plum_pipeline_predict(const PlumPipeline *p, const PlumMatrix *X,
                                       GError **error);
void plum_predictions_free(PlumPredictions *pred);
/* Writes predictions as CSV: a `row` column (the given row ids, nullable = 0..n-1), then
 * `prediction` (original class text for classifiers), `proba_<class>`… or `std`… columns.
 * Written atomically. */
char *plum_pipeline_format_predictions(const PlumPipeline *p, const PlumPredictions *pred,
                                       const size_t *row_ids);
gboolean plum_pipeline_write_predictions(const PlumPipeline *p, const PlumPredictions *pred,
                                         const size_t *row_ids, const char *path,
                                         GError **error);

/* The whole run as `plum run` does it: load data, split, cross-validate, search, fit,
 * evaluate, write outputs. `summary` (nullable) receives the metrics and timings as named
 * values ("holdout.accuracy", "cv.accuracy.mean", "time.fit"…). */
gboolean plum_pipeline_run(PlumPipeline *p, PlumState *summary, GError **error);

/* (transfer none) The schema of the pipeline document itself (what `plum info pipeline`
 * prints and doc/pipeline.md is generated from). */
const PlumParamSpec *plum_pipeline_schema(size_t *n_out);

/* Model files. */
gboolean plum_pipeline_save(const PlumPipeline *p, const char *path, GError **error);
PlumPipeline *plum_pipeline_load(const char *path, GError **error);
/* A human-readable description of a saved model (what `plum inspect` prints). */
char *plum_pipeline_describe(const PlumPipeline *p);

/* (transfer none) The class labels of the training data (NULL-terminated) or NULL. */
const char *const *plum_pipeline_classes(const PlumPipeline *p);
/* (transfer none) Metrics and timings of the last run or recorded in the loaded model file. */
const PlumState *plum_pipeline_summary(const PlumPipeline *p);

G_END_DECLS

#endif /* PLUM_PIPELINE_H */
