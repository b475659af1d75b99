/* test-metrics.c — evaluation metrics against scikit-learn, and the holdout and k-fold splits.
 *
 * Every expected metric value was printed once by tests/reference/metrics.py (scikit-learn
 * 1.2.1) from the same literal inputs written below; keep the two files in step. The split
 * tests check the properties a caller relies on: sizes, disjoint sides that cover every row,
 * class proportions, the same split for the same seed, and clear errors.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <plum/plum.h>

typedef struct Expected {
  const char *metric;
  double value;
} Expected;

static void
assert_metrics(const PlumMetricInput *in, const Expected *want, size_t n_want)
{
  for (size_t i = 0; i < n_want; i++) {
    GError *error = NULL;
    double got = NAN;
    gboolean ok = plum_metric_compute(want[i].metric, in, &got, &error);
    g_assert_no_error(error);
    g_assert_true(ok);
    if (fabs(got - want[i].value) > 1e-12 * fmax(1.0, fabs(want[i].value)))
      g_error("%s: got %.17g, scikit-learn says %.17g", want[i].metric, got, want[i].value);
  }
}

/* The error a metric gives for `in`: its domain and code, and a phrase of its message. */
static void
assert_metric_fails(const char *metric, const PlumMetricInput *in, GQuark domain, int code,
                    const char *phrase)
{
  GError *error = NULL;
  double out = 42.0;
  g_assert_false(plum_metric_compute(metric, in, &out, &error));
  g_assert_error(error, domain, code);
  if (strstr(error->message, phrase) == NULL)
    g_error("%s: message '%s' lacks '%s'", metric, error->message, phrase);
  g_assert_cmpfloat(out, ==, 42.0);
  g_error_free(error);
}

/* Binary ------------------------------------------------------------------------------------- */

static const double bin_true[] = {0, 1, 1, 0, 1, 0, 0, 1, 1, 0};
static const double bin_pred[] = {0, 1, 0, 0, 1, 1, 0, 1, 0, 0};
static const double bin_pred_none[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
static const double bin_p1[] = {0.1, 0.8, 0.4, 0.4, 0.9, 0.6, 0.2, 0.8, 0.4, 0.0};

static void
test_binary(void)
{
  double proba_data[20];
  for (size_t i = 0; i < 10; i++) {
    proba_data[2 * i] = 1.0 - bin_p1[i];
    proba_data[2 * i + 1] = bin_p1[i];
  }
  PlumMatrix proba = plum_matrix_view(proba_data, 10, 2, 0);
  PlumMetricInput in = {
      .y_true = bin_true, .y_pred = bin_pred, .proba = &proba, .n = 10, .n_classes = 2};
  /* scikit-learn 1.2.1 (tests/reference/metrics.py): binary */
  static const Expected want[] = {
      {"precision", 0.75},
      {"recall", 0.59999999999999998},
      {"f1", 0.66666666666666652},
      {"precision_macro", 0.70833333333333326},
      {"recall_macro", 0.69999999999999996},
      {"f1_macro", 0.69696969696969679},
      {"precision_micro", 0.69999999999999996},
      {"recall_micro", 0.69999999999999996},
      {"f1_micro", 0.69999999999999996},
      {"precision_weighted", 0.70833333333333326},
      {"recall_weighted", 0.69999999999999996},
      {"f1_weighted", 0.69696969696969691},
      {"accuracy", 0.69999999999999996},
      {"balanced_accuracy", 0.69999999999999996},
      {"roc_auc", 0.88},
      {"log_loss", 0.41398495046467376},
  };
  assert_metrics(&in, want, G_N_ELEMENTS(want));
}

static void
test_binary_zero_division(void)
{
  PlumMetricInput in = {.y_true = bin_true, .y_pred = bin_pred_none, .n = 10, .n_classes = 2};
  /* scikit-learn 1.2.1 (tests/reference/metrics.py): class 1 never predicted */
  static const Expected want[] = {
      {"precision", 0}, {"precision_macro", 0.25},         {"recall", 0}, {"recall_macro", 0.5},
      {"f1", 0},        {"f1_macro", 0.33333333333333331},
  };
  assert_metrics(&in, want, G_N_ELEMENTS(want));
}

/* Multiclass --------------------------------------------------------------------------------- */

static const double mc_true[] = {0, 1, 2, 2, 1, 0, 1, 2, 0, 1, 2, 0};
static const double mc_pred[] = {0, 1, 1, 3, 1, 0, 0, 1, 3, 1, 0, 0};

static void
test_multiclass(void)
{
  PlumMetricInput in = {.y_true = mc_true, .y_pred = mc_pred, .n = 12, .n_classes = 4};
  /* scikit-learn 1.2.1 (tests/reference/metrics.py): class 3 absent from y_true, class 2
   * never predicted */
  static const Expected want[] = {
      {"precision_macro", 0.29999999999999999},
      {"recall_macro", 0.375},
      {"f1_macro", 0.33333333333333326},
      {"precision_micro", 0.5},
      {"recall_micro", 0.5},
      {"f1_micro", 0.5},
      {"precision_weighted", 0.39999999999999997},
      {"recall_weighted", 0.5},
      {"f1_weighted", 0.44444444444444436},
      {"accuracy", 0.5},
      {"balanced_accuracy", 0.5},
  };
  assert_metrics(&in, want, G_N_ELEMENTS(want));
  /* A class index beyond every label must not join the macro average. */
  in.n_classes = 6;
  assert_metrics(&in, want, G_N_ELEMENTS(want));
}

static void
test_confusion_matrix(void)
{
  /* scikit-learn 1.2.1 (tests/reference/metrics.py): confusion_matrix(labels=[0, 1, 2, 3]) */
  static const gint64 want[16] = {3, 0, 0, 1, 1, 3, 0, 0, 1, 2, 0, 1, 0, 0, 0, 0};
  gint64 counts[16];
  memset(counts, 0x5a, sizeof counts);
  plum_confusion_matrix(mc_true, mc_pred, 12, 4, counts);
  for (size_t i = 0; i < 16; i++)
    g_assert_cmpint(counts[i], ==, want[i]);
  /* Rows whose labels are no class index are left out, not written out of bounds. */
  const double t[] = {0, 1, 4, -1, 0.5, NAN};
  const double p[] = {1, 1, 0, 0, 0, 0};
  gint64 small[4];
  plum_confusion_matrix(t, p, G_N_ELEMENTS(t), 2, small);
  g_assert_cmpint(small[0], ==, 0);
  g_assert_cmpint(small[1], ==, 1);
  g_assert_cmpint(small[2], ==, 0);
  g_assert_cmpint(small[3], ==, 1);
}

static const double p3_true[] = {0, 1, 2, 0, 1, 2, 0, 1, 2};
static double p3_data[] = {
    0.6, 0.3, 0.1, 0.2, 0.5, 0.3, 0.2, 0.3, 0.5, 0.3, 0.3, 0.4, 0.3, 0.3,
    0.4, 0.1, 0.1, 0.8, 0.0, 0.5, 0.5, 0.6, 0.3, 0.1, 0.3, 0.2, 0.5,
};

static void
test_multiclass_proba(void)
{
  PlumMatrix proba = plum_matrix_view(p3_data, 9, 3, 0);
  PlumMetricInput in = {.y_true = p3_true, .proba = &proba, .n = 9, .n_classes = 3};
  /* scikit-learn 1.2.1 (tests/reference/metrics.py): three-class probabilities */
  static const Expected want[] = {
      {"roc_auc", 0.72222222222222232},
      {"log_loss", 4.7187758354283336},
  };
  assert_metrics(&in, want, G_N_ELEMENTS(want));
}

/* Regression --------------------------------------------------------------------------------- */

static void
test_regression(void)
{
  static const double y[] = {3.0, -0.5, 2.0, 7.0, 4.25, 0.0, 1.5, 10.0};
  static const double p[] = {2.5, 0.0, 2.0, 8.0, 4.0, 0.5, 1.0, 9.0};
  PlumMetricInput in = {.y_true = y, .y_pred = p, .n = G_N_ELEMENTS(y)};
  /* scikit-learn 1.2.1 (tests/reference/metrics.py): regression */
  static const Expected want[] = {
      {"mse", 0.3828125},
      {"rmse", 0.61871843353822908},
      {"mae", 0.53125},
      {"r2", 0.96587446678854361},
      {"explained_variance", 0.96596152172020544},
  };
  assert_metrics(&in, want, G_N_ELEMENTS(want));

  static const double py[] = {0.0, 1.0, 3.0, 0.0, 2.0, 5.0, 1.0};
  static const double pp[] = {0.5, 1.2, 2.5, 0.1, 2.0, 4.0, 1.5};
  PlumMetricInput pin = {.y_true = py, .y_pred = pp, .n = G_N_ELEMENTS(py)};
  static const Expected poisson[] = {{"mean_poisson_deviance", 0.24997021772879807}};
  assert_metrics(&pin, poisson, G_N_ELEMENTS(poisson));
}

static void
test_regression_constant(void)
{
  static const double flat[] = {2.0, 2.0, 2.0};
  static const double off[] = {2.0, 2.5, 2.0};
  static const double ramp[] = {1.0, 2.0, 3.0};
  static const double shifted[] = {2.0, 3.0, 4.0};
  /* scikit-learn 1.2.1 (tests/reference/metrics.py): constant target, bias only */
  static const Expected exact[] = {{"r2", 1}};
  static const Expected inexact[] = {{"r2", 0}};
  static const Expected bias[] = {{"explained_variance", 1}};
  PlumMetricInput in = {.y_true = flat, .y_pred = flat, .n = 3};
  assert_metrics(&in, exact, 1);
  in.y_pred = off;
  assert_metrics(&in, inexact, 1);
  in = (PlumMetricInput){.y_true = ramp, .y_pred = shifted, .n = 3};
  assert_metrics(&in, bias, 1);
}

/* Clustering --------------------------------------------------------------------------------- */

static double cl_x[] = {0.0, 0.0, 0.5, 0.2, 0.1, 0.9, 5.0, 5.0, 5.5, 4.8,
                        4.9, 5.3, 9.0, 0.0, 2.0, 2.5, 0.3, 0.4, 5.2, 5.1};
static const double cl_true[] = {0, 0, 0, 1, 1, 1, 2, 2, 0, 1};
static const double cl_pred[] = {4, 4, 4, 2, 2, 2, 7, -1, 4, -1};

static void
test_clustering(void)
{
  PlumMatrix X = plum_matrix_view(cl_x, 10, 2, 0);
  PlumMetricInput in = {.y_true = cl_true, .y_pred = cl_pred, .n = 10, .X = &X};
  /* scikit-learn 1.2.1 (tests/reference/metrics.py): clustering, noise -1, singleton 7 */
  static const Expected want[] = {
      {"inertia", 0.92833333333333323},
      {"silhouette", 0.45183892357047134},
      {"adjusted_rand", 0.70967741935483875},
  };
  assert_metrics(&in, want, G_N_ELEMENTS(want));

  /* ARI is symmetric, and 1 for the same partition under other names. */
  PlumMetricInput swapped = {.y_true = cl_pred, .y_pred = cl_true, .n = 10};
  assert_metrics(&swapped, &want[2], 1);
  static const double renamed[] = {-3, -3, -3, 10, 10, 10, 0, 0, -3, 10};
  PlumMetricInput same = {.y_true = cl_true, .y_pred = renamed, .n = 10};
  static const Expected one[] = {{"adjusted_rand", 1.0}};
  assert_metrics(&same, one, 1);
}

/* The silhouette straight from its definition, one distance at a time. */
static double
naive_silhouette(const PlumMatrix *X, const double *labels)
{
  size_t n = X->rows;
  double total = 0.0;
  for (size_t i = 0; i < n; i++) {
    GHashTable *sum = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
    for (size_t j = 0; j < n; j++) {
      double d2 = 0.0;
      for (size_t c = 0; c < X->cols; c++) {
        double r = PLUM_MATRIX_AT(X, i, c) - PLUM_MATRIX_AT(X, j, c);
        d2 += r * r;
      }
      gint64 key = (gint64)labels[j];
      double *acc = g_hash_table_lookup(sum, &key);
      if (acc == NULL) {
        acc = g_new0(double, 2);
        g_hash_table_insert(sum, g_memdup2(&key, sizeof key), acc);
      }
      acc[0] += sqrt(d2);
      acc[1] += 1.0;
    }
    gint64 own = (gint64)labels[i];
    const double *mine = g_hash_table_lookup(sum, &own);
    double a = mine[1] > 1 ? mine[0] / (mine[1] - 1) : NAN, b = INFINITY;
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, sum);
    while (g_hash_table_iter_next(&it, &k, &v)) {
      if (*(gint64 *)k != own)
        b = fmin(b, ((double *)v)[0] / ((double *)v)[1]);
    }
    if (!isnan(a) && fmax(a, b) > 0)
      total += (b - a) / fmax(a, b);
    g_hash_table_destroy(sum);
  }
  return total / (double)n;
}

/* Enough rows that the distances come in several blocks, the last one short. */
static void
test_silhouette_blocks(void)
{
  const size_t n = 2000, d = 3;
  PlumMatrix *X = plum_matrix_new(n, d, NULL);
  double *labels = g_new(double, n);
  PlumRng *rng = plum_rng_new(7);
  for (size_t i = 0; i < n; i++) {
    size_t c = plum_rng_below(rng, 4);
    labels[i] = c == 3 ? -1.0 : (double)c;
    for (size_t j = 0; j < d; j++)
      PLUM_MATRIX_AT(X, i, j) = 3.0 * (double)(c == j) + plum_rng_normal(rng);
  }
  labels[0] = 99; /* a singleton cluster */
  PlumMetricInput in = {.y_pred = labels, .n = n, .X = X};
  Expected want = {"silhouette", naive_silhouette(X, labels)};
  g_assert_cmpfloat(want.value, >, 0.1);
  assert_metrics(&in, &want, 1);
  plum_rng_free(rng);
  g_free(labels);
  plum_matrix_free(X);
}

static void
test_log_likelihood(void)
{
  static const double ll[] = {-1.0, -2.5, -0.5};
  PlumMetricInput in = {.log_likelihood = ll, .n = 3};
  static const Expected want[] = {{"log_likelihood", -4.0 / 3.0}};
  assert_metrics(&in, want, 1);
}

/* The table ---------------------------------------------------------------------------------- */

static void
test_list(void)
{
  size_t n = 0;
  const PlumMetricInfo *all = plum_metric_list(&n);
  g_assert_cmpuint(n, ==, 26);
  g_assert_null(all[n].name);
  for (size_t i = 0; i < n; i++) {
    g_assert_true(plum_metric_find(all[i].name) == &all[i]);
    g_assert_nonnull(all[i].doc);
    /* Every metric reads something, and nothing needs proba without needing classes. */
    g_assert_true(all[i].needs_y_pred || all[i].needs_proba || all[i].needs_log_likelihood);
    g_assert_true(!all[i].needs_proba || all[i].task == PLUM_TASK_CLASSIFICATION);
    for (size_t j = 0; j < i; j++)
      g_assert_cmpstr(all[i].name, !=, all[j].name);
  }
  g_assert_null(plum_metric_find("f1macro"));
  const PlumMetricInfo *ll = plum_metric_find("log_loss");
  g_assert_false(ll->higher_is_better);
  g_assert_true(ll->needs_proba && ll->needs_y_true && !ll->needs_y_pred);
  g_assert_true(plum_metric_find("silhouette")->needs_features);
  g_assert_cmpint(plum_metric_find("log_likelihood")->task, ==, PLUM_TASK_ANY);
}

/* Errors ------------------------------------------------------------------------------------- */

static void
test_errors(void)
{
  double p_data[] = {0.5, 0.5, 0.2, 0.8, 0.9, 0.1};
  PlumMatrix proba = plum_matrix_view(p_data, 3, 2, 0);
  static const double t[] = {0, 1, 1}, p[] = {0, 1, 0};
  PlumMetricInput in = {.y_true = t, .y_pred = p, .proba = &proba, .n = 3, .n_classes = 2};

  GError *error = NULL;
  double out;
  g_assert_false(plum_metric_compute("f1macro", &in, &out, &error));
  g_assert_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_UNKNOWN_KEY);
  g_assert_nonnull(strstr(error->message, "'f1macro'"));
  g_assert_nonnull(strstr(error->message, "did you mean 'f1_macro'?"));
  g_assert_nonnull(strstr(error->message, "adjusted_rand"));
  g_clear_error(&error);

  PlumMetricInput empty = in;
  empty.n = 0;
  assert_metric_fails("accuracy", &empty, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE, "no rows");

  PlumMetricInput no_proba = in;
  no_proba.proba = NULL;
  assert_metric_fails("roc_auc", &no_proba, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_CAPABILITY,
                      "metric 'roc_auc': needs proba");
  assert_metric_fails("log_loss", &no_proba, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_CAPABILITY,
                      "needs proba");
  PlumMetricInput no_x = in;
  assert_metric_fails("silhouette", &no_x, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_CAPABILITY,
                      "needs X");
  assert_metric_fails("log_likelihood", &in, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_CAPABILITY,
                      "needs log_likelihood");

  static const double one_class[] = {1, 1, 1};
  PlumMetricInput single = in;
  single.y_true = one_class;
  assert_metric_fails("roc_auc", &single, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                      "every row of y_true is class 1");

  static const double with_nan[] = {0, NAN, 1};
  PlumMetricInput nan_pred = in;
  nan_pred.y_pred = with_nan;
  assert_metric_fails("accuracy", &nan_pred, PLUM_DATA_ERROR, PLUM_DATA_ERROR_NONFINITE,
                      "y_pred[1]");
  assert_metric_fails("mse", &nan_pred, PLUM_DATA_ERROR, PLUM_DATA_ERROR_NONFINITE, "y_pred[1]");
  p_data[3] = NAN;
  assert_metric_fails("log_loss", &in, PLUM_DATA_ERROR, PLUM_DATA_ERROR_NONFINITE, "proba");
  p_data[3] = 0.8;

  static const double out_of_range[] = {0, 2, 1}, fractional[] = {0, 0.5, 1};
  PlumMetricInput bad = in;
  bad.y_true = out_of_range;
  assert_metric_fails("f1", &bad, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                      "y_true[1] = 2 is not a class index in 0..1");
  bad.y_true = fractional;
  assert_metric_fails("adjusted_rand", &bad, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                      "y_true[1] = 0.5 is not an integral cluster id");

  PlumMetricInput three = {.y_true = mc_true, .y_pred = mc_pred, .n = 12, .n_classes = 4};
  assert_metric_fails("precision", &three, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                      "use precision_macro");

  PlumMetricInput short_proba = in;
  short_proba.n_classes = 3;
  short_proba.y_true = (const double[]){0, 2, 1};
  assert_metric_fails("log_loss", &short_proba, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE, "proba");

  double unnormalized[] = {0.5, 0.4, 0.4, 0.2, 0.3, 0.5, 0.3, 0.3, 0.4};
  PlumMatrix un = plum_matrix_view(unnormalized, 3, 3, 0);
  PlumMetricInput ovr = {.y_true = (const double[]){0, 1, 2}, .proba = &un, .n = 3, .n_classes = 3};
  assert_metric_fails("roc_auc", &ovr, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                      "row 0 of proba sums to");
  unnormalized[0] = 0.2;
  ovr.y_true = (const double[]){0, 1, 1};
  assert_metric_fails("roc_auc", &ovr, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                      "class 2 never occurs in y_true");

  PlumMetricInput one_row = {.y_true = t, .y_pred = p, .n = 1};
  assert_metric_fails("r2", &one_row, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID, "two rows");
  static const double negative[] = {1, -1, 2};
  PlumMetricInput pois = {.y_true = negative, .y_pred = (const double[]){1, 1, 1}, .n = 3};
  assert_metric_fails("mean_poisson_deviance", &pois, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                      "row 1");
  pois = (PlumMetricInput){.y_true = t, .y_pred = p, .n = 3};
  assert_metric_fails("mean_poisson_deviance", &pois, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                      "y_pred = 0");

  PlumMatrix X = plum_matrix_view(cl_x, 3, 2, 0);
  PlumMetricInput sil = {.y_pred = (const double[]){5, 5, 5}, .n = 3, .X = &X};
  assert_metric_fails("silhouette", &sil, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                      "between 2 and n - 1 = 2 distinct labels, got 1");
  sil.y_pred = (const double[]){0, 1, 2};
  assert_metric_fails("silhouette", &sil, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID, "got 3");
  PlumMatrix short_x = plum_matrix_view(cl_x, 2, 2, 0);
  sil.X = &short_x;
  assert_metric_fails("inertia", &sil, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE, "X");
}

/* Splits ------------------------------------------------------------------------------------- */

/* Each of 0..n-1 on exactly one side. */
static void
assert_partition(size_t n, const size_t *a, size_t na, const size_t *b, size_t nb)
{
  g_assert_cmpuint(na + nb, ==, n);
  guint8 *seen = g_new0(guint8, n);
  for (size_t i = 0; i < na; i++) {
    g_assert_cmpuint(a[i], <, n);
    seen[a[i]]++;
  }
  for (size_t i = 0; i < nb; i++) {
    g_assert_cmpuint(b[i], <, n);
    seen[b[i]]++;
  }
  for (size_t i = 0; i < n; i++)
    g_assert_cmpuint(seen[i], ==, 1);
  g_free(seen);
}

typedef struct Holdout {
  size_t *train, *test;
  size_t n_train, n_test;
} Holdout;

static Holdout
holdout(size_t n, const double *labels, size_t n_classes, double fraction, guint64 seed)
{
  Holdout h = {0};
  GError *error = NULL;
  PlumRng *rng = plum_rng_new(seed);
  g_assert_true(plum_split_holdout(n, labels, n_classes, fraction, rng, &h.train, &h.n_train,
                                   &h.test, &h.n_test, &error));
  g_assert_no_error(error);
  plum_rng_free(rng);
  assert_partition(n, h.train, h.n_train, h.test, h.n_test);
  return h;
}

static void
holdout_clear(Holdout *h)
{
  g_free(h->train);
  g_free(h->test);
}

static void
test_holdout_sizes(void)
{
  static const struct {
    size_t n;
    double fraction;
    size_t n_test;
  } cases[] = {{10, 0.25, 3}, {10, 0.01, 1}, {10, 0.99, 9}, {2, 0.5, 1}, {569, 0.2, 114}};
  for (size_t c = 0; c < G_N_ELEMENTS(cases); c++) {
    Holdout h = holdout(cases[c].n, NULL, 0, cases[c].fraction, 1);
    g_assert_cmpuint(h.n_test, ==, cases[c].n_test);
    holdout_clear(&h);
  }
}

/* Class c of `counts` gets rows sum(counts[..c]) .. on, in a fixed interleaving. */
static double *
make_labels(const size_t *counts, size_t n_classes, size_t *n_out)
{
  size_t n = 0;
  for (size_t c = 0; c < n_classes; c++)
    n += counts[c];
  double *labels = g_new(double, n);
  size_t *left = g_memdup2(counts, n_classes * sizeof *left);
  for (size_t i = 0, c = 0; i < n; c = (c + 1) % n_classes) {
    if (left[c] > 0) {
      left[c]--;
      labels[i++] = (double)c;
    }
  }
  g_free(left);
  *n_out = n;
  return labels;
}

static void
count_classes(const double *labels, const size_t *rows, size_t n_rows, size_t *counts,
              size_t n_classes)
{
  memset(counts, 0, n_classes * sizeof *counts);
  for (size_t i = 0; i < n_rows; i++)
    counts[(size_t)labels[rows[i]]]++;
}

static void
test_holdout_stratified(void)
{
  static const struct {
    size_t counts[3];
    double fraction;
    size_t test_counts[3];
  } cases[] = {
      {{60, 30, 10}, 0.2, {12, 6, 2}},
      /* 5 test rows of 15: exact shares 2.33, 1.67, 1; the one left over goes to class 1. */
      {{7, 5, 3}, 0.3, {2, 2, 1}},
  };
  for (size_t c = 0; c < G_N_ELEMENTS(cases); c++) {
    size_t n;
    double *labels = make_labels(cases[c].counts, 3, &n);
    Holdout h = holdout(n, labels, 3, cases[c].fraction, 11);
    size_t got[3];
    count_classes(labels, h.test, h.n_test, got, 3);
    for (size_t k = 0; k < 3; k++)
      g_assert_cmpuint(got[k], ==, cases[c].test_counts[k]);
    holdout_clear(&h);
    g_free(labels);
  }
}

static void
test_holdout_seeded(void)
{
  static const size_t counts[] = {50, 50};
  size_t n;
  double *labels = make_labels(counts, 2, &n);
  Holdout a = holdout(n, labels, 2, 0.3, 5), b = holdout(n, labels, 2, 0.3, 5);
  Holdout c = holdout(n, labels, 2, 0.3, 6);
  g_assert_cmpmem(a.test, a.n_test * sizeof(size_t), b.test, b.n_test * sizeof(size_t));
  g_assert_cmpmem(a.train, a.n_train * sizeof(size_t), b.train, b.n_train * sizeof(size_t));
  g_assert_true(memcmp(a.test, c.test, a.n_test * sizeof(size_t)) != 0);
  /* Shuffled after stratifying: the classes alternate along the test side instead of coming
   * one block after the other. */
  size_t changes = 0;
  for (size_t i = 1; i < a.n_test; i++)
    changes += labels[a.test[i]] != labels[a.test[i - 1]];
  g_assert_cmpuint(changes, >, 1);
  holdout_clear(&a);
  holdout_clear(&b);
  holdout_clear(&c);
  g_free(labels);
}

static void
assert_holdout_fails(size_t n, const double *labels, size_t n_classes, double fraction,
                     GQuark domain, int code, const char *phrase)
{
  GError *error = NULL;
  PlumRng *rng = plum_rng_new(1);
  size_t *train = NULL, *test = NULL, n_train = 0, n_test = 0;
  g_assert_false(plum_split_holdout(n, labels, n_classes, fraction, rng, &train, &n_train, &test,
                                    &n_test, &error));
  g_assert_error(error, domain, code);
  if (strstr(error->message, phrase) == NULL)
    g_error("message '%s' lacks '%s'", error->message, phrase);
  g_assert_null(train);
  g_assert_null(test);
  g_error_free(error);
  plum_rng_free(rng);
}

static void
test_holdout_errors(void)
{
  static const double labels[] = {0, 1, 2, 1};
  static const double nan_label[] = {0, NAN, 1, 1};
  assert_holdout_fails(10, NULL, 0, 0.0, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE,
                       "strictly between 0 and 1, got 0");
  assert_holdout_fails(10, NULL, 0, 1.0, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE, "got 1");
  assert_holdout_fails(10, NULL, 0, NAN, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE, "got nan");
  assert_holdout_fails(1, NULL, 0, 0.5, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE, "at least 2 rows");
  assert_holdout_fails(4, labels, 2, 0.5, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                       "stratified split: labels[2] = 2 is not a class index in 0..1");
  assert_holdout_fails(4, nan_label, 2, 0.5, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                       "labels[1] = nan");
  assert_holdout_fails(4, labels, 0, 0.5, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                       "n_classes is 0");
}

static size_t *
kfold(size_t n, const double *labels, size_t n_classes, size_t k, guint64 seed)
{
  size_t *fold_of = g_new(size_t, n);
  GError *error = NULL;
  PlumRng *rng = plum_rng_new(seed);
  g_assert_true(plum_split_kfold(n, labels, n_classes, k, rng, fold_of, &error));
  g_assert_no_error(error);
  plum_rng_free(rng);
  return fold_of;
}

/* Fold sizes, and (stratified) every class's count per fold, differ by at most one. */
static void
assert_balanced_folds(const size_t *fold_of, size_t n, size_t k, const double *labels,
                      size_t n_classes)
{
  size_t groups = labels ? n_classes : 1;
  size_t *count = g_new0(size_t, k * groups), *size = g_new0(size_t, k);
  for (size_t i = 0; i < n; i++) {
    g_assert_cmpuint(fold_of[i], <, k);
    size[fold_of[i]]++;
    count[fold_of[i] * groups + (labels ? (size_t)labels[i] : 0)]++;
  }
  for (size_t f = 0; f < k; f++) {
    g_assert_cmpuint(size[f], >=, n / k);
    g_assert_cmpuint(size[f], <=, (n + k - 1) / k);
    for (size_t g = 0; g < groups; g++) {
      size_t lo = count[g], hi = count[g];
      for (size_t f2 = 0; f2 < k; f2++) {
        lo = MIN(lo, count[f2 * groups + g]);
        hi = MAX(hi, count[f2 * groups + g]);
      }
      g_assert_cmpuint(hi - lo, <=, 1);
    }
  }
  g_free(count);
  g_free(size);
}

static void
test_kfold(void)
{
  size_t *plain = kfold(10, NULL, 0, 3, 2);
  assert_balanced_folds(plain, 10, 3, NULL, 0);
  g_free(plain);

  static const size_t even[] = {60, 30, 10}, uneven[] = {7, 5, 3}, tiny[] = {9, 2};
  const size_t *sets[] = {even, uneven, tiny};
  const size_t n_classes[] = {3, 3, 2}, ks[] = {5, 4, 3};
  for (size_t s = 0; s < G_N_ELEMENTS(sets); s++) {
    size_t n;
    double *labels = make_labels(sets[s], n_classes[s], &n);
    size_t *fold_of = kfold(n, labels, n_classes[s], ks[s], 3);
    assert_balanced_folds(fold_of, n, ks[s], labels, n_classes[s]);
    g_free(fold_of);
    g_free(labels);
  }
}

static void
test_kfold_seeded(void)
{
  size_t n;
  static const size_t counts[] = {20, 20};
  double *labels = make_labels(counts, 2, &n);
  size_t *a = kfold(n, labels, 2, 4, 9), *b = kfold(n, labels, 2, 4, 9);
  size_t *c = kfold(n, labels, 2, 4, 10);
  g_assert_cmpmem(a, n * sizeof *a, b, n * sizeof *b);
  g_assert_true(memcmp(a, c, n * sizeof *a) != 0);
  g_free(a);
  g_free(b);
  g_free(c);
  g_free(labels);
}

static void
assert_kfold_fails(size_t n, const double *labels, size_t n_classes, size_t k, GQuark domain,
                   int code, const char *phrase)
{
  GError *error = NULL;
  PlumRng *rng = plum_rng_new(1);
  size_t fold_of[8];
  g_assert_false(plum_split_kfold(n, labels, n_classes, k, rng, fold_of, &error));
  g_assert_error(error, domain, code);
  if (strstr(error->message, phrase) == NULL)
    g_error("message '%s' lacks '%s'", error->message, phrase);
  g_error_free(error);
  plum_rng_free(rng);
}

static void
test_kfold_errors(void)
{
  static const double labels[] = {0, 1, 0, 3};
  assert_kfold_fails(8, NULL, 0, 1, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE,
                     "at least 2 folds, got 1");
  assert_kfold_fails(8, NULL, 0, 0, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE, "got 0");
  assert_kfold_fails(3, NULL, 0, 4, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                     "4 folds need at least 4 rows, got 3");
  assert_kfold_fails(4, labels, 2, 2, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID, "labels[3] = 3");
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/metrics/binary", test_binary);
  g_test_add_func("/metrics/binary-zero-division", test_binary_zero_division);
  g_test_add_func("/metrics/multiclass", test_multiclass);
  g_test_add_func("/metrics/confusion-matrix", test_confusion_matrix);
  g_test_add_func("/metrics/multiclass-proba", test_multiclass_proba);
  g_test_add_func("/metrics/regression", test_regression);
  g_test_add_func("/metrics/regression-constant", test_regression_constant);
  g_test_add_func("/metrics/clustering", test_clustering);
  g_test_add_func("/metrics/silhouette-blocks", test_silhouette_blocks);
  g_test_add_func("/metrics/log-likelihood", test_log_likelihood);
  g_test_add_func("/metrics/list", test_list);
  g_test_add_func("/metrics/errors", test_errors);
  g_test_add_func("/split/holdout-sizes", test_holdout_sizes);
  g_test_add_func("/split/holdout-stratified", test_holdout_stratified);
  g_test_add_func("/split/holdout-seeded", test_holdout_seeded);
  g_test_add_func("/split/holdout-errors", test_holdout_errors);
  g_test_add_func("/split/kfold", test_kfold);
  g_test_add_func("/split/kfold-seeded", test_kfold_seeded);
  g_test_add_func("/split/kfold-errors", test_kfold_errors);
  return g_test_run();
}
