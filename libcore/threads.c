/* threads.c — the single knob for plum's two thread pools. OpenMP runs plum's own loops and
 * OpenBLAS keeps a pool of its own; sized independently they oversubscribe the cores, so both
 * are set here, together, and nowhere else.
 */
#include "config.h"

#include <omp.h>
#include <cblas.h>

#include <plum/error.h>
#include <plum/threads.h>

/* 0 until plum_threads_set() succeeds; read from worker threads, hence atomic. */
static gint current_threads;

/* An empty PLUM_NUM_THREADS counts as unset, as `PLUM_NUM_THREADS= plum …` means to a shell
 * user; any other text must be a positive integer. */
static gboolean
threads_from_env(unsigned *n_out, GError **error)
{
  const char *text = g_getenv("PLUM_NUM_THREADS");
  if (text == NULL || *text == '\0') {
    *n_out = g_get_num_processors();
    return TRUE;
  }
  guint64 value = 0;
  if (!g_ascii_string_to_unsigned(text, 10, 1, G_MAXINT, &value, NULL)) {
    g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE,
                "PLUM_NUM_THREADS: \"%s\" is not a positive integer", text);
    return FALSE;
  }
  *n_out = (unsigned)value;
  return TRUE;
}

gboolean
plum_threads_set(unsigned n, GError **error)
{
  if (n == 0 && !threads_from_env(&n, error))
    return FALSE;
  if (n > G_MAXINT) {
    g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE,
                "threads: %u is more than the %d threads OpenMP can be given", n, G_MAXINT);
    return FALSE;
  }
  omp_set_num_threads((int)n);
  openblas_set_num_threads((int)n);
  g_atomic_int_set(&current_threads, (gint)n);
  return TRUE;
}

unsigned
plum_threads_get(void)
{
  gint n = g_atomic_int_get(&current_threads);
  return n > 0 ? (unsigned)n : (unsigned)omp_get_max_threads();
}

static const char *
parallel_name(int kind)
{
  switch (kind) {
  case OPENBLAS_SEQUENTIAL:
    return "sequential";
  case OPENBLAS_THREAD:
    return "pthread";
  case OPENBLAS_OPENMP:
    return "openmp";
  default:
    return "unknown threading";
  }
}

char *
plum_threads_blas_info(void)
{
  /* openblas_get_config() starts "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH …": keep the name and
   * version; the build flags after them mean nothing to a user. */
  char **words = g_strsplit(openblas_get_config(), " ", 3);
  char *info = g_strdup_printf("%s %s %s (%s) threads=%d", words[0] ? words[0] : "OpenBLAS",
                               words[0] && words[1] ? words[1] : "", openblas_get_corename(),
                               parallel_name(openblas_get_parallel()), openblas_get_num_threads());
  g_strfreev(words);
  return info;
}
