/* test-threads.c — one setting sizes both pools: OpenMP and OpenBLAS report the same count,
 * PLUM_NUM_THREADS is honoured when no count is given, and a bad value is an error.
 */
#include "config.h"

#include <string.h>

#include <cblas.h>
#include <omp.h>

#include <plum/plum.h>

static void
assert_threads(unsigned n)
{
  g_assert_cmpuint(plum_threads_get(), ==, n);
  g_assert_cmpint(omp_get_max_threads(), ==, (int)n);
  g_assert_cmpint(openblas_get_num_threads(), ==, (int)n);
}

static void
test_explicit(void)
{
  GError *error = NULL;
  g_assert_true(plum_threads_set(2, &error));
  g_assert_no_error(error);
  assert_threads(2);
  g_assert_true(plum_threads_set(1, &error));
  assert_threads(1);
}

static void
test_from_env(void)
{
  GError *error = NULL;
  g_setenv("PLUM_NUM_THREADS", "2", TRUE);
  g_assert_true(plum_threads_set(0, &error));
  g_assert_no_error(error);
  assert_threads(2);

  g_setenv("PLUM_NUM_THREADS", "", TRUE);
  g_assert_true(plum_threads_set(0, &error));
  assert_threads(g_get_num_processors());

  const char *bad[] = {"0", "-1", "two", "2x", "99999999999"};
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_setenv("PLUM_NUM_THREADS", bad[i], TRUE);
    g_assert_false(plum_threads_set(0, &error));
    g_assert_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE);
    char *expected = g_strdup_printf("PLUM_NUM_THREADS: \"%s\" is not a positive integer", bad[i]);
    g_assert_cmpstr(error->message, ==, expected);
    g_free(expected);
    g_clear_error(&error);
  }
  /* a failed call changes nothing */
  assert_threads(g_get_num_processors());
  g_setenv("PLUM_NUM_THREADS", "1", TRUE);
}

static void
test_blas_info(void)
{
  g_assert_true(plum_threads_set(1, NULL));
  char *info = plum_threads_blas_info();
  g_assert_true(g_str_has_prefix(info, "OpenBLAS 0."));
  g_assert_nonnull(strstr(info, openblas_get_corename()));
  g_assert_true(g_str_has_suffix(info, " threads=1"));
  g_free(info);
}

/* The OpenBLAS build that configure chose is the one the loader found: a run path that did not
 * reach a library (or a stray LD_LIBRARY_PATH) would bring back the pthread pool silently. */
static void
test_blas_build(void)
{
  char *info = plum_threads_blas_info();
  char *want = g_strdup_printf("(%s)", PLUM_OPENBLAS_THREADING);
  if (g_getenv("LD_LIBRARY_PATH") != NULL && strstr(g_getenv("LD_LIBRARY_PATH"), "openblas-"))
    g_test_skip("LD_LIBRARY_PATH chooses the OpenBLAS build");
  else
    g_assert_nonnull(strstr(info, want));
  g_free(want);
  g_free(info);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/threads/explicit", test_explicit);
  g_test_add_func("/threads/from-env", test_from_env);
  g_test_add_func("/threads/blas-info", test_blas_info);
  g_test_add_func("/threads/blas-build", test_blas_build);
  return g_test_run();
}
