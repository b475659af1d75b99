/* plum/dataset.h — features, targets, and the names that go with them.
 *
 * A PlumDataset owns an n x d feature matrix, an optional n x 1 target, the feature names, and,
 * when the targets are classes, the original text of each class (class i is classes[i]), so
 * predictions can be written back as the strings the user gave.
 */
#ifndef PLUM_DATASET_H
#define PLUM_DATASET_H

#include <stddef.h>
#include <glib.h>
#include <plum/matrix.h>

G_BEGIN_DECLS

typedef struct PlumDataset {
  PlumMatrix *X;         /* owned, n x d */
  PlumMatrix *y;         /* owned, n x 1; NULL without a target column */
  char **feature_names;  /* owned, d names, NULL-terminated */
  char *target_name;     /* owned; NULL without a target column */
  char **classes;        /* owned, NULL-terminated; NULL unless y holds class indices */
  size_t n_classes;
  char ***categories;    /* owned; NULL, or per feature column NULL (numeric) or the
                            NULL-terminated category names its codes index */
} PlumDataset;

/* (transfer full) Takes ownership of X and y (nullable); names are copied (nullable: x0, x1…). */
PlumDataset *plum_dataset_new(PlumMatrix *X, PlumMatrix *y, const char *const *feature_names,
                              const char *target_name);
void plum_dataset_free(PlumDataset *ds);
size_t plum_dataset_n_rows(const PlumDataset *ds);
size_t plum_dataset_n_features(const PlumDataset *ds);

/* Turns real targets into class indices: the distinct values, sorted, become classes 0..k-1
 * (their text is "%.17g" trimmed, so 0/1 stay "0"/"1"). No-op when already classes. */
gboolean plum_dataset_encode_classes(PlumDataset *ds, GError **error);
/* Re-maps this dataset's classes onto a given class list (the training set's); fails naming
 * the first label that is not in it. */
gboolean plum_dataset_apply_classes(PlumDataset *ds, const char *const *classes,
                                    GError **error);
/* The index of `label` in a NULL-terminated class list: the same text, else the same number
 * ("1.0" finds "1"); -1 when it is not there. */
gssize plum_dataset_find_class(const char *const *classes, const char *label);
/* Replaces the per-column category lists with copies of `categories` (X->cols entries, each
 * NULL or NULL-terminated; NULL clears them). */
void plum_dataset_set_categories(PlumDataset *ds, char *const *const *categories);
/* (transfer full) The rows idx[0..n) as a new dataset (names and classes copied). */
PlumDataset *plum_dataset_subset(const PlumDataset *ds, const size_t *idx, size_t n,
                                 GError **error);

G_END_DECLS

#endif /* PLUM_DATASET_H */
