/* plum/csv.h — reading CSV files into datasets.
 *
 * One pass over the memory-mapped file, no allocation per field, numbers converted exactly (the
 * same double strtod gives). A header row names the columns; the label column is chosen by name
 * or index (default: last). Quoted fields, CRLF line ends and a chosen delimiter are handled.
 * Missing values (tokens configurable) are an error by default, or drop the row, or become NaN
 * for an imputer. Categorical feature columns hold names; each becomes a code 0..k-1 in the
 * order of its sorted names (numeric order when all are numbers), listed in
 * PlumDataset.categories. Every error names the file, line and column and quotes the offending text.
 */
#ifndef PLUM_CSV_H
#define PLUM_CSV_H

#include <stddef.h>
#include <glib.h>
#include <plum/dataset.h>

G_BEGIN_DECLS

typedef enum {
  PLUM_MISSING_ERROR = 0, /* a missing cell is an error naming it */
  PLUM_MISSING_DROP,      /* rows with a missing cell are dropped */
  PLUM_MISSING_NAN,       /* missing feature cells become NaN (missing labels still fail) */
} PlumMissingPolicy;

typedef enum {
  PLUM_TARGET_AUTO = 0, /* real if every label parses as a number, else classes */
  PLUM_TARGET_REAL,
  PLUM_TARGET_CLASS,    /* class labels (strings or numbers), sorted into indices */
  PLUM_TARGET_NONE,     /* no label column: every column is a feature */
} PlumTargetMode;

typedef struct PlumCsvOptions {
  char delimiter;                     /* default ',' */
  gboolean header;                    /* default TRUE; without one columns are x0, x1… */
  const char *label_name;             /* nullable: choose the label column by name */
  gboolean label_optional;            /* with label_name: a file without that column is read
                                         as features only (prediction data) */
  gint64 label_index;                 /* used without label_name; negative counts from the
                                         end (default -1: last) */
  PlumTargetMode target;
  const char *const *missing_tokens;  /* NULL-terminated; NULL = {"", "NA", "N/A", "?"} */
  PlumMissingPolicy missing;
  const char *const *classes;         /* nullable, NULL-terminated: a known class list (test
                                         files); labels outside it are errors */
  const char *const *categorical;     /* nullable, NULL-terminated: feature columns (by name)
                                         whose cells are category names, read as codes */
  const char *const *const *categories; /* nullable: for each `categorical` column its known
                                           categories (test files); others are errors */
  size_t n_features;                  /* > 0: the file must have this many feature columns
                                         (checked at the header, before any row is read) */
} PlumCsvOptions;

void plum_csv_options_init(PlumCsvOptions *opts);

/* (transfer full) */
PlumDataset *plum_csv_read(const char *path, const PlumCsvOptions *opts, GError **error);
/* The same from memory; `source_name` is used in messages. */
PlumDataset *plum_csv_read_buffer(const char *data, size_t len, const char *source_name,
                                  const PlumCsvOptions *opts, GError **error);

/* Parses one number exactly as strtod would, from s[0..len) with nothing else in it; FALSE when
 * the text is not a number ("nan"/"inf" are accepted, a caller decides about them). */
gboolean plum_csv_parse_double(const char *s, size_t len, double *out);

G_END_DECLS

#endif /* PLUM_CSV_H */
