/* csv-parse.c — times plum_csv_read() on one file, for bench/csv-parse.sh. Only the read is
 * timed (process start and library loading are not), matching how the pandas side is timed,
 * and the result is checked to be a dataset so a failed read never passes for a fast one.
 *
 *   bench/csv-parse FILE.csv   ->   "<seconds> <rows> <features>"
 */
#include "config.h"

#include <stdio.h>

#include <plum/plum.h>

int
main(int argc, char **argv)
{
  if (argc != 2) {
    fprintf(stderr, "usage: %s FILE.csv\n", argv[0]);
    return 2;
  }
  GError *error = NULL;
  gint64 start = g_get_monotonic_time();
  PlumDataset *ds = plum_csv_read(argv[1], NULL, &error);
  gint64 stop = g_get_monotonic_time();
  if (ds == NULL) {
    fprintf(stderr, "%s: %s\n", argv[0], error->message);
    g_error_free(error);
    return 1;
  }
  printf("%.6f %zu %zu\n", (double)(stop - start) / G_USEC_PER_SEC, plum_dataset_n_rows(ds),
         plum_dataset_n_features(ds));
  plum_dataset_free(ds);
  return 0;
}
