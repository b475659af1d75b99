/* embed.c — plum from C: what `plum run` and `plum predict` do, as calls of the public API.
 *
 * Opens a pipeline from a string, overrides one parameter (as --set does), reads the data the
 * pipeline names, fits, scores the predictions with a metric, saves the fitted pipeline to a
 * model file, loads it back and checks that the loaded model predicts the same.
 *
 *   embed DATA.csv MODEL.plum
 *
 * Build against an installed plum: cc embed.c $(pkg-config --cflags --libs plum) -o embed
 */
#include <stdio.h>
#include <string.h>

#include <plum/metrics.h>
#include <plum/plum.h>

static int
fail(GError *error)
{
  fprintf(stderr, "embed: %s\n", error->message);
  g_error_free(error);
  return 1;
}

int
main(int argc, char **argv)
{
  if (argc != 3) {
    fprintf(stderr, "usage: embed DATA.csv MODEL.plum\n");
    return 2;
  }
  char *yaml = g_strdup_printf("version: 1\n"
                               "data: {train: '%s'}\n"
                               "transforms: [standardize]\n"
                               "model: {name: logistic_regression, optimizer: lbfgs}\n",
                               argv[1]);
  const char *overrides[] = {"model.C=0.5", NULL};
  GError *error = NULL;
  PlumPipeline *p = plum_pipeline_new_from_string(yaml, "embedded pipeline", overrides, &error);
  g_free(yaml);
  if (p == NULL)
    return fail(error);

  PlumDataset *ds = plum_pipeline_load_data(p, FALSE, &error);
  if (ds == NULL || !plum_pipeline_fit(p, ds, &error))
    return fail(error);
  PlumPredictions *pred = plum_pipeline_predict(p, ds->X, &error);
  if (pred == NULL)
    return fail(error);
  PlumMetricInput in = {.y_true = ds->y->data,
                        .y_pred = pred->values->data,
                        .proba = pred->proba,
                        .n = ds->X->rows,
                        .n_classes = ds->n_classes};
  double accuracy;
  if (!plum_metric_compute("accuracy", &in, &accuracy, &error))
    return fail(error);
  printf("training accuracy %.4f on %zu rows, %zu classes\n", accuracy, ds->X->rows,
         ds->n_classes);

  if (!plum_pipeline_save(p, argv[2], &error))
    return fail(error);
  PlumPipeline *loaded = plum_pipeline_load(argv[2], &error);
  PlumPredictions *again = loaded ? plum_pipeline_predict(loaded, ds->X, &error) : NULL;
  if (again == NULL)
    return fail(error);
  size_t n = pred->values->rows * pred->values->cols;
  gboolean same = memcmp(pred->values->data, again->values->data, n * sizeof(double)) == 0 &&
                  memcmp(pred->proba->data, again->proba->data,
                         pred->proba->rows * pred->proba->cols * sizeof(double)) == 0;
  printf("the model loaded from %s %s\n", argv[2],
         same ? "predicts identically" : "PREDICTS DIFFERENTLY");

  plum_predictions_free(again);
  plum_pipeline_free(loaded);
  plum_predictions_free(pred);
  plum_dataset_free(ds);
  plum_pipeline_free(p);
  return same && accuracy > 0.9 ? 0 : 1;
}
