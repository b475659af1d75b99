/* dataset.c — a feature matrix, its target and the names that go with them. Class targets are
 * stored as indices into `classes`, the text the user gave, so a prediction can be written back
 * as "setosa" rather than 0. The class mapping of a training set is carried to a test set with
 * plum_dataset_apply_classes(), so the same label always gets the same index.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <plum/csv.h>
#include <plum/dataset.h>
#include <plum/error.h>

/* How many known classes an error message lists before it elides the rest. */
#define CLASSES_SHOWN 10

static char **
copy_names(const char *const *names, size_t d)
{
  char **copy = g_new0(char *, d + 1);
  for (size_t j = 0; j < d; j++)
    copy[j] = names != NULL ? g_strdup(names[j]) : g_strdup_printf("x%zu", j);
  return copy;
}

PlumDataset *
plum_dataset_new(PlumMatrix *X, PlumMatrix *y, const char *const *feature_names,
                 const char *target_name)
{
  g_return_val_if_fail(X != NULL, NULL);
  g_return_val_if_fail(y == NULL || (y->rows == X->rows && y->cols == 1), NULL);
  g_return_val_if_fail(feature_names == NULL || g_strv_length((char **)feature_names) == X->cols,
                       NULL);
  PlumDataset *ds = g_new0(PlumDataset, 1);
  ds->X = X;
  ds->y = y;
  ds->feature_names = copy_names(feature_names, X->cols);
  if (y != NULL)
    ds->target_name = g_strdup(target_name != NULL ? target_name : "y");
  return ds;
}

void
plum_dataset_free(PlumDataset *ds)
{
  if (ds == NULL)
    return;
  plum_dataset_set_categories(ds, NULL); /* sized by X: before X goes */
  plum_matrix_free(ds->X);
  plum_matrix_free(ds->y);
  g_strfreev(ds->feature_names);
  g_free(ds->target_name);
  g_strfreev(ds->classes);
  g_free(ds);
}

void
plum_dataset_set_categories(PlumDataset *ds, char *const *const *categories)
{
  size_t d = ds->X->cols;
  for (size_t j = 0; ds->categories != NULL && j < d; j++)
    g_strfreev(ds->categories[j]);
  g_free(ds->categories);
  ds->categories = NULL;
  if (categories == NULL)
    return;
  ds->categories = g_new0(char **, d);
  for (size_t j = 0; j < d; j++)
    ds->categories[j] = g_strdupv((char **)categories[j]);
}

size_t
plum_dataset_n_rows(const PlumDataset *ds)
{
  g_return_val_if_fail(ds != NULL, 0);
  return ds->X->rows;
}

size_t
plum_dataset_n_features(const PlumDataset *ds)
{
  g_return_val_if_fail(ds != NULL, 0);
  return ds->X->cols;
}

static int
compare_doubles(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The shortest "%.Ng" that reads back as the same double, so 1 is "1" and 0.1 is "0.1". */
static char *
format_class_value(double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE], format[8];
  for (int digits = 1; digits <= 17; digits++) {
    g_snprintf(format, sizeof format, "%%.%dg", digits);
    g_ascii_formatd(buf, sizeof buf, format, v);
    if (digits == 17 || g_ascii_strtod(buf, NULL) == v)
      break;
  }
  return g_strdup(buf);
}

gboolean
plum_dataset_encode_classes(PlumDataset *ds, GError **error)
{
  g_return_val_if_fail(ds != NULL, FALSE);
  if (ds->classes != NULL)
    return TRUE;
  if (ds->y == NULL) {
    g_set_error_literal(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                        "the data set has no target column to take classes from");
    return FALSE;
  }
  if (!plum_matrix_check_finite(ds->y, ds->target_name, error))
    return FALSE;
  size_t n = ds->y->rows, k = 0;
  double *values = g_new(double, MAX(n, 1));
  for (size_t i = 0; i < n; i++)
    values[i] = PLUM_MATRIX_AT(ds->y, i, 0) + 0.0; /* -0 and 0 are one class, named "0" */
  qsort(values, n, sizeof(double), compare_doubles);
  for (size_t i = 0; i < n; i++) {
    if (k == 0 || values[i] != values[k - 1])
      values[k++] = values[i];
  }
  for (size_t i = 0; i < n; i++) {
    double v = PLUM_MATRIX_AT(ds->y, i, 0) + 0.0;
    const double *hit = bsearch(&v, values, k, sizeof(double), compare_doubles);
    PLUM_MATRIX_AT(ds->y, i, 0) = (double)(hit - values);
  }
  ds->classes = g_new0(char *, k + 1);
  for (size_t c = 0; c < k; c++)
    ds->classes[c] = format_class_value(values[c]);
  ds->n_classes = k;
  g_free(values);
  return TRUE;
}

gssize
plum_dataset_find_class(const char *const *classes, const char *label)
{
  g_return_val_if_fail(classes != NULL && label != NULL, -1);
  for (gssize c = 0; classes[c] != NULL; c++) {
    if (strcmp(classes[c], label) == 0)
      return c;
  }
  double value, other;
  if (!plum_csv_parse_double(label, strlen(label), &value) || isnan(value))
    return -1;
  for (gssize c = 0; classes[c] != NULL; c++) {
    if (plum_csv_parse_double(classes[c], strlen(classes[c]), &other) && other == value)
      return c;
  }
  return -1;
}

/* "a, b, c" — at most CLASSES_SHOWN of them, for error messages. */
static char *
join_classes(const char *const *classes)
{
  GString *out = g_string_new(NULL);
  size_t c = 0;
  for (; classes[c] != NULL && c < CLASSES_SHOWN; c++)
    g_string_append_printf(out, "%s\"%s\"", c ? ", " : "", classes[c]);
  if (classes[c] != NULL)
    g_string_append_printf(out, ", … (%u in all)", g_strv_length((char **)classes));
  return g_string_free(out, FALSE);
}

/* A data set with real targets is first encoded by its own values, so on failure it is left
 * holding class indices of its own classes. */
gboolean
plum_dataset_apply_classes(PlumDataset *ds, const char *const *classes, GError **error)
{
  g_return_val_if_fail(ds != NULL && classes != NULL, FALSE);
  if (!plum_dataset_encode_classes(ds, error))
    return FALSE;
  size_t *map = g_new(size_t, MAX(ds->n_classes, 1));
  for (size_t c = 0; c < ds->n_classes; c++) {
    gssize found = plum_dataset_find_class(classes, ds->classes[c]);
    if (found < 0) {
      char *known = join_classes(classes);
      g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                  "%s: label \"%s\" is not one of the known classes (%s)", ds->target_name,
                  ds->classes[c], known);
      g_free(known);
      g_free(map);
      return FALSE;
    }
    map[c] = (size_t)found;
  }
  for (size_t i = 0; i < ds->y->rows; i++)
    PLUM_MATRIX_AT(ds->y, i, 0) = (double)map[(size_t)PLUM_MATRIX_AT(ds->y, i, 0)];
  g_free(map);
  g_strfreev(ds->classes);
  ds->classes = g_strdupv((char **)classes);
  ds->n_classes = g_strv_length(ds->classes);
  return TRUE;
}

static PlumMatrix *
take_rows(const PlumMatrix *m, const size_t *idx, size_t n, GError **error)
{
  PlumMatrix *out = plum_matrix_new(n, m->cols, error);
  if (out == NULL)
    return NULL;
  for (size_t i = 0; i < n && m->cols > 0; i++)
    memcpy(PLUM_MATRIX_ROW(out, i), PLUM_MATRIX_ROW(m, idx[i]), m->cols * sizeof(double));
  return out;
}

PlumDataset *
plum_dataset_subset(const PlumDataset *ds, const size_t *idx, size_t n, GError **error)
{
  g_return_val_if_fail(ds != NULL && (idx != NULL || n == 0), NULL);
  size_t rows = ds->X->rows;
  for (size_t i = 0; i < n; i++) {
    if (idx[i] >= rows) {
      g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                  "subset: row index %zu is out of range (the data set has %zu rows)", idx[i],
                  rows);
      return NULL;
    }
  }
  PlumMatrix *X = take_rows(ds->X, idx, n, error);
  if (X == NULL)
    return NULL;
  PlumMatrix *y = NULL;
  if (ds->y != NULL && (y = take_rows(ds->y, idx, n, error)) == NULL) {
    plum_matrix_free(X);
    return NULL;
  }
  PlumDataset *sub =
      plum_dataset_new(X, y, (const char *const *)ds->feature_names, ds->target_name);
  sub->classes = ds->classes != NULL ? g_strdupv(ds->classes) : NULL;
  sub->n_classes = ds->n_classes;
  plum_dataset_set_categories(sub, (char *const *const *)ds->categories);
  return sub;
}
