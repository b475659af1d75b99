/* probe.c — what bench/run needs to know about plum that the plum command does not print: the
 * BLAS build and kernel plum runs on, and what a model file costs (its size, and the time of
 * plum_pipeline_save and plum_pipeline_load, the calls behind `plum run` and `plum predict`),
 * plus the fitted arrays of the model so the runner can compute a training objective and
 * compare it with the peer's. One JSON object on stdout.
 *
 *   bench/probe info
 *   bench/probe model FILE REPEAT [ARRAY...]
 *
 * Loads and saves are each timed REPEAT times after one untimed load (which scans the plugins);
 * the medians are printed. Saves go to a temporary directory, through the same atomic write
 * (fsync and rename) every model file gets.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib/gstdio.h>
#include <plum/plum.h>

static int
compare_doubles(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double
median(double *v, size_t n)
{
  qsort(v, n, sizeof *v, compare_doubles);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static double
seconds_since(gint64 start)
{
  return (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC;
}

/* The library behind the vectorised exp and log loops (libcore/vecmath.h). */
static const char *
vector_math(void)
{
#ifdef HAVE_SLEEF
  return "SLEEF " PLUM_SLEEF_VERSION;
#else
  return "none (scalar libm)";
#endif
}

static int
probe_info(void)
{
  char *blas = plum_threads_blas_info();
  char *blas_json = g_strescape(blas, NULL);
  printf("{\"plum\": \"%s\", \"blas\": \"%s\", \"vector_math\": \"%s\"}\n", plum_version(),
         blas_json, vector_math());
  g_free(blas_json);
  g_free(blas);
  return 0;
}

/* Loads path REPEAT times, timing each load into seconds; returns one more load, untimed, for
 * the saves (the first load also scans the plugins, which a model file does not cost). */
static PlumPipeline *
time_loads(const char *path, size_t repeat, double *seconds, GError **error)
{
  PlumPipeline *p = plum_pipeline_load(path, error);
  for (size_t i = 0; p != NULL && i < repeat; i++) {
    gint64 start = g_get_monotonic_time();
    PlumPipeline *again = plum_pipeline_load(path, error);
    seconds[i] = seconds_since(start);
    if (again == NULL)
      g_clear_pointer(&p, plum_pipeline_free);
    else
      plum_pipeline_free(again);
  }
  return p;
}

/* Saves p REPEAT times into a temporary directory, timing each save into seconds. */
static gboolean
time_saves(const PlumPipeline *p, size_t repeat, double *seconds, GError **error)
{
  char *dir = g_dir_make_tmp("plum-probe-XXXXXX", error);
  if (dir == NULL)
    return FALSE;
  char *copy = g_build_filename(dir, "copy.plum", NULL);
  gboolean ok = TRUE;
  for (size_t i = 0; ok && i < repeat; i++) {
    gint64 start = g_get_monotonic_time();
    ok = plum_pipeline_save(p, copy, error);
    seconds[i] = seconds_since(start);
  }
  g_unlink(copy);
  g_rmdir(dir);
  g_free(copy);
  g_free(dir);
  return ok;
}

static const PlumModelEntry *
model_entry(const PlumModelFile *mf, const char *path, GError **error)
{
  for (size_t i = 0; i < mf->n_entries; i++)
    if (g_strcmp0(mf->entries[i].role, "model") == 0)
      return &mf->entries[i];
  g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE, "%s: no model entry", path);
  return NULL;
}

/* Appends `"NAME": [v, ...]` for each named real array of the file's model entry to json. */
static gboolean
append_arrays(const char *path, char **names, GString *json, GError **error)
{
  PlumModelFile *mf = plum_model_file_load(path, error);
  if (mf == NULL)
    return FALSE;
  const PlumModelEntry *entry = model_entry(mf, path, error);
  gboolean ok = entry != NULL;
  for (size_t i = 0; ok && names[i] != NULL; i++) {
    size_t rows, cols;
    const double *v = plum_state_get_reals(entry->state, names[i], 0, 0, &rows, &cols, error);
    ok = v != NULL;
    if (!ok)
      break;
    g_string_append_printf(json, "%s\"%s\": [", i == 0 ? "" : ", ", names[i]);
    for (size_t j = 0; j < rows * cols; j++) {
      g_string_append(json, j == 0 ? "" : ", ");
      if (isfinite(v[j]))
        g_string_append_printf(json, "%.17g", v[j]);
      else
        g_string_append(json, "null"); /* JSON has no NaN or infinity */
    }
    g_string_append_c(json, ']');
  }
  plum_model_file_free(mf);
  return ok;
}

static int
probe_model(const char *path, const char *repeat_text, char **arrays)
{
  char *end;
  gint64 repeat = g_ascii_strtoll(repeat_text, &end, 10);
  if (*end != '\0' || end == repeat_text || repeat < 1 || repeat > 1000) {
    fprintf(stderr, "probe: REPEAT must be an integer from 1 to 1000, not '%s'\n", repeat_text);
    return 2;
  }
  GStatBuf st;
  if (g_stat(path, &st) != 0) {
    fprintf(stderr, "probe: %s: %s\n", path, g_strerror(errno));
    return 1;
  }
  GError *error = NULL;
  double *load_s = g_new(double, repeat), *save_s = g_new(double, repeat);
  GString *json = g_string_new(NULL);
  PlumPipeline *p = time_loads(path, (size_t)repeat, load_s, &error);
  gboolean ok = p != NULL && time_saves(p, (size_t)repeat, save_s, &error) &&
                append_arrays(path, arrays, json, &error);
  if (ok)
    printf("{\"bytes\": %lld, \"load_seconds\": %.6f, \"save_seconds\": %.6f, \"arrays\": {%s}}\n",
           (long long)st.st_size, median(load_s, (size_t)repeat), median(save_s, (size_t)repeat),
           json->str);
  else
    fprintf(stderr, "probe: %s\n", error->message);
  g_clear_error(&error);
  if (p != NULL)
    plum_pipeline_free(p);
  g_string_free(json, TRUE);
  g_free(load_s);
  g_free(save_s);
  return ok ? 0 : 1;
}

int
main(int argc, char **argv)
{
  if (argc == 2 && g_strcmp0(argv[1], "info") == 0)
    return probe_info();
  if (argc >= 4 && g_strcmp0(argv[1], "model") == 0)
    return probe_model(argv[2], argv[3], argv + 4);
  fprintf(stderr, "usage: %s info | model FILE REPEAT [ARRAY...]\n", argv[0]);
  return 2;
}
