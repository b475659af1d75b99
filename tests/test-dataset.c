/* test-dataset.c — datasets: default names, turning real targets into classes (sorted values,
 * shortest text), carrying a training set's classes to another set, class lookup by text or
 * number, and row subsets.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <plum/plum.h>

/* An n x 2 dataset whose row i is (i, 10 i) with the given targets. */
static PlumDataset *
make_dataset(const double *targets, size_t n)
{
  PlumMatrix *X = plum_matrix_new(n, 2, NULL);
  PlumMatrix *y = plum_matrix_new(n, 1, NULL);
  for (size_t i = 0; i < n; i++) {
    PLUM_MATRIX_AT(X, i, 0) = (double)i;
    PLUM_MATRIX_AT(X, i, 1) = 10.0 * (double)i;
    PLUM_MATRIX_AT(y, i, 0) = targets[i];
  }
  return plum_dataset_new(X, y, (const char *const[]){"a", "b", NULL}, "species");
}

static void
assert_targets(const PlumDataset *ds, const double *expected)
{
  for (size_t i = 0; i < plum_dataset_n_rows(ds); i++)
    g_assert_cmpfloat(PLUM_MATRIX_AT(ds->y, i, 0), ==, expected[i]);
}

static void
assert_classes(const PlumDataset *ds, const char *const *expected)
{
  g_assert_cmpuint(ds->n_classes, ==, g_strv_length((char **)expected));
  g_assert_cmpuint(g_strv_length(ds->classes), ==, ds->n_classes);
  for (size_t c = 0; expected[c] != NULL; c++)
    g_assert_cmpstr(ds->classes[c], ==, expected[c]);
}

static void
test_new_defaults(void)
{
  PlumMatrix *X = plum_matrix_new(4, 3, NULL);
  PlumDataset *ds = plum_dataset_new(X, NULL, NULL, "ignored without a target");
  g_assert_cmpuint(plum_dataset_n_rows(ds), ==, 4);
  g_assert_cmpuint(plum_dataset_n_features(ds), ==, 3);
  g_assert_cmpstr(ds->feature_names[0], ==, "x0");
  g_assert_cmpstr(ds->feature_names[2], ==, "x2");
  g_assert_null(ds->feature_names[3]);
  g_assert_null(ds->target_name);
  g_assert_null(ds->classes);
  plum_dataset_free(ds);

  ds = plum_dataset_new(plum_matrix_new(2, 1, NULL), plum_matrix_new(2, 1, NULL), NULL, NULL);
  g_assert_cmpstr(ds->target_name, ==, "y");
  plum_dataset_free(ds);
}

static void
test_encode_classes(void)
{
  PlumDataset *ds = make_dataset((const double[]){2, 0.1, 2, -1, -0.0, 0}, 6);
  GError *error = NULL;
  g_assert_true(plum_dataset_encode_classes(ds, &error));
  g_assert_no_error(error);
  assert_classes(ds, (const char *const[]){"-1", "0", "0.1", "2", NULL});
  assert_targets(ds, (const double[]){3, 2, 3, 0, 1, 1});
  /* already classes: nothing changes */
  g_assert_true(plum_dataset_encode_classes(ds, &error));
  assert_targets(ds, (const double[]){3, 2, 3, 0, 1, 1});
  plum_dataset_free(ds);

  ds = make_dataset((const double[]){1, NAN}, 2);
  g_assert_false(plum_dataset_encode_classes(ds, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_NONFINITE);
  g_assert_cmpstr(error->message, ==,
                  "species: non-finite value nan at row 1, column 0 (counting from 0)");
  g_clear_error(&error);
  plum_dataset_free(ds);

  ds = plum_dataset_new(plum_matrix_new(2, 1, NULL), NULL, NULL, NULL);
  g_assert_false(plum_dataset_encode_classes(ds, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID);
  g_clear_error(&error);
  plum_dataset_free(ds);
}

static void
test_find_class(void)
{
  const char *const classes[] = {"cat", "2", "1e1", "0.5", NULL};
  g_assert_cmpint(plum_dataset_find_class(classes, "cat"), ==, 0);
  g_assert_cmpint(plum_dataset_find_class(classes, "2"), ==, 1);
  g_assert_cmpint(plum_dataset_find_class(classes, "2.0"), ==, 1);
  g_assert_cmpint(plum_dataset_find_class(classes, "10"), ==, 2);
  g_assert_cmpint(plum_dataset_find_class(classes, ".5"), ==, 3);
  g_assert_cmpint(plum_dataset_find_class(classes, "dog"), ==, -1);
  g_assert_cmpint(plum_dataset_find_class(classes, "3"), ==, -1);
  g_assert_cmpint(plum_dataset_find_class(classes, "nan"), ==, -1);
}

static void
test_apply_classes(void)
{
  /* real targets 2, 0, 2 onto the training classes {"0", "1", "2"} */
  const char *const known[] = {"0", "1", "2", NULL};
  PlumDataset *ds = make_dataset((const double[]){2, 0, 2}, 3);
  GError *error = NULL;
  g_assert_true(plum_dataset_apply_classes(ds, known, &error));
  g_assert_no_error(error);
  assert_classes(ds, known);
  assert_targets(ds, (const double[]){2, 0, 2});
  plum_dataset_free(ds);

  /* string classes of a test set onto a training set's (another order, more classes) */
  PlumDataset *test = make_dataset((const double[]){0, 1, 0}, 3);
  test->classes = g_strdupv((char *[]){"dog", "cat", NULL});
  test->n_classes = 2;
  const char *const training[] = {"bird", "cat", "dog", NULL};
  g_assert_true(plum_dataset_apply_classes(test, training, &error));
  assert_classes(test, training);
  assert_targets(test, (const double[]){2, 1, 2});
  plum_dataset_free(test);

  const char *const few[] = {"0", "1", NULL};
  ds = make_dataset((const double[]){1, 7, 0}, 3);
  g_assert_false(plum_dataset_apply_classes(ds, few, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID);
  g_assert_cmpstr(error->message, ==,
                  "species: label \"7\" is not one of the known classes (\"0\", \"1\")");
  g_clear_error(&error);
  plum_dataset_free(ds);
}

static void
test_subset(void)
{
  PlumDataset *ds = make_dataset((const double[]){5, 6, 7, 8}, 4);
  g_assert_true(plum_dataset_encode_classes(ds, NULL));
  GError *error = NULL;
  const size_t idx[] = {3, 1, 3};
  PlumDataset *sub = plum_dataset_subset(ds, idx, 3, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(plum_dataset_n_rows(sub), ==, 3);
  g_assert_cmpuint(plum_dataset_n_features(sub), ==, 2);
  g_assert_cmpfloat(PLUM_MATRIX_AT(sub->X, 0, 1), ==, 30.0);
  g_assert_cmpfloat(PLUM_MATRIX_AT(sub->X, 1, 0), ==, 1.0);
  assert_targets(sub, (const double[]){3, 1, 3});
  assert_classes(sub, (const char *const[]){"5", "6", "7", "8", NULL});
  g_assert_true(sub->classes != ds->classes);
  g_assert_cmpstr(sub->feature_names[1], ==, "b");
  g_assert_cmpstr(sub->target_name, ==, "species");
  plum_dataset_free(sub);

  const size_t bad[] = {0, 4};
  g_assert_null(plum_dataset_subset(ds, bad, 2, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE);
  g_assert_cmpstr(error->message, ==,
                  "subset: row index 4 is out of range (the data set has 4 rows)");
  g_clear_error(&error);

  sub = plum_dataset_subset(ds, NULL, 0, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(plum_dataset_n_rows(sub), ==, 0);
  plum_dataset_free(sub);
  plum_dataset_free(ds);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/dataset/new-defaults", test_new_defaults);
  g_test_add_func("/dataset/encode-classes", test_encode_classes);
  g_test_add_func("/dataset/find-class", test_find_class);
  g_test_add_func("/dataset/apply-classes", test_apply_classes);
  g_test_add_func("/dataset/subset", test_subset);
  return g_test_run();
}
