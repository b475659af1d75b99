/* test-state.c — named typed arrays: values come back as stored, entries keep insertion order
 * (replacing keeps the place), and every getter refuses a missing name, another type or
 * another shape with a message naming the entry.
 */
#include "config.h"

#include <string.h>

#include <plum/plum.h>

static void
expect_state_error(GError **error, const char *message)
{
  g_assert_error(*error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE);
  g_assert_cmpstr((*error)->message, ==, message);
  g_clear_error(error);
}

static void
test_round_trip(void)
{
  PlumState *state = plum_state_new();
  const double w[] = {1, 2, 3, 4, 5, 6};
  const gint64 counts[] = {-1, 0, G_MAXINT64};
  plum_state_set_reals(state, "w", w, 2, 3);
  plum_state_set_real(state, "bias", 0.25);
  plum_state_set_ints(state, "counts", counts, 3);
  plum_state_set_int(state, "n_iter", 17);
  plum_state_set_string(state, "stop", "converged");

  GError *error = NULL;
  size_t rows = 0, cols = 0;
  const double *got = plum_state_get_reals(state, "w", 2, 0, &rows, &cols, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(rows, ==, 2);
  g_assert_cmpuint(cols, ==, 3);
  g_assert_cmpmem(got, sizeof w, w, sizeof w);
  g_assert_true(got != w);

  double bias = 0.0;
  g_assert_true(plum_state_get_real(state, "bias", &bias, &error));
  g_assert_cmpfloat(bias, ==, 0.25);
  size_t n = 0;
  const gint64 *ints = plum_state_get_ints(state, "counts", 0, &n, &error);
  g_assert_cmpuint(n, ==, 3);
  g_assert_cmpmem(ints, sizeof counts, counts, sizeof counts);
  gint64 n_iter = 0;
  g_assert_true(plum_state_get_int(state, "n_iter", &n_iter, &error));
  g_assert_cmpint(n_iter, ==, 17);
  g_assert_cmpstr(plum_state_get_string(state, "stop", &error), ==, "converged");
  g_assert_no_error(error);

  PlumMatrix view;
  g_assert_true(plum_state_get_matrix(state, "w", 2, 3, &view, &error));
  g_assert_cmpfloat(PLUM_MATRIX_AT(&view, 1, 2), ==, 6);
  g_assert_true(plum_state_has(state, "w"));
  g_assert_false(plum_state_has(state, "v"));
  plum_state_free(state);
}

static void
test_order_and_replace(void)
{
  PlumState *state = plum_state_new();
  plum_state_set_int(state, "b", 1);
  plum_state_set_int(state, "a", 2);
  plum_state_set_int(state, "c", 3);
  plum_state_set_string(state, "a", "now a string");
  g_assert_cmpuint(plum_state_size(state), ==, 3);
  const char *names[] = {"b", "a", "c"};
  for (size_t i = 0; i < 3; i++)
    g_assert_cmpstr(plum_state_name_at(state, i), ==, names[i]);
  g_assert_cmpint(plum_state_type_at(state, 0), ==, PLUM_STATE_INTS);
  g_assert_cmpint(plum_state_type_at(state, 1), ==, PLUM_STATE_STRING);
  g_assert_cmpstr(plum_state_get_string(state, "a", NULL), ==, "now a string");
  plum_state_free(state);
}

static void
test_matrix_with_ld(void)
{
  double data[] = {1, 2, -1, 3, 4, -1};
  PlumMatrix m = plum_matrix_view(data, 2, 2, 3);
  PlumState *state = plum_state_new();
  plum_state_set_matrix(state, "m", &m);
  const double *got = plum_state_get_reals(state, "m", 2, 2, NULL, NULL, NULL);
  const double expected[] = {1, 2, 3, 4};
  g_assert_cmpmem(got, sizeof expected, expected, sizeof expected);

  /* an empty array is still an entry, distinct from a failure */
  plum_state_set_reals(state, "empty", NULL, 0, 5);
  size_t rows = 9, cols = 9;
  g_assert_nonnull(plum_state_get_reals(state, "empty", 0, 5, &rows, &cols, NULL));
  g_assert_cmpuint(rows, ==, 0);
  g_assert_cmpuint(cols, ==, 5);
  plum_state_free(state);
}

static void
test_errors(void)
{
  PlumState *state = plum_state_new();
  const double w[] = {1, 2, 3, 4, 5, 6, 7, 8};
  plum_state_set_reals(state, "w", w, 2, 4);
  plum_state_set_ints(state, "k", (const gint64[]){1, 2}, 2);
  GError *error = NULL;
  double x;
  gint64 i;

  g_assert_null(plum_state_get_reals(state, "v", 0, 0, NULL, NULL, &error));
  expect_state_error(&error, "state entry \"v\" is missing");
  g_assert_null(plum_state_get_reals(state, "w", 3, 0, NULL, NULL, &error));
  expect_state_error(&error, "state entry \"w\": expected 3 x any, found 2 x 4");
  PlumMatrix view;
  g_assert_false(plum_state_get_matrix(state, "w", 2, 3, &view, &error));
  expect_state_error(&error, "state entry \"w\": expected 2 x 3, found 2 x 4");
  g_assert_false(plum_state_get_real(state, "w", &x, &error));
  expect_state_error(&error, "state entry \"w\": expected 1 x 1, found 2 x 4");
  g_assert_null(plum_state_get_ints(state, "w", 0, NULL, &error));
  expect_state_error(&error, "state entry \"w\": expected integers, found reals");
  g_assert_null(plum_state_get_ints(state, "k", 3, NULL, &error));
  expect_state_error(&error, "state entry \"k\": expected length 3, found 2");
  g_assert_false(plum_state_get_int(state, "k", &i, &error));
  expect_state_error(&error, "state entry \"k\": expected length 1, found 2");
  g_assert_null(plum_state_get_string(state, "k", &error));
  expect_state_error(&error, "state entry \"k\": expected a string, found integers");
  g_assert_false(plum_state_get_real(state, "k", &x, &error));
  expect_state_error(&error, "state entry \"k\": expected reals, found integers");
  plum_state_free(state);
}

/* Names are checked: empty and over-long ones are programming errors (criticals). */
static void
test_bad_names(void)
{
  if (g_test_subprocess()) {
    PlumState *state = plum_state_new();
    if (g_strcmp0(g_getenv("STATE_NAME"), "long") == 0) {
      char name[300];
      memset(name, 'a', sizeof name - 1);
      name[sizeof name - 1] = '\0';
      plum_state_set_int(state, name, 1);
    } else {
      plum_state_set_int(state, "", 1);
    }
    plum_state_free(state);
    return;
  }
  g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed();
  g_test_trap_assert_stderr("*CRITICAL*name_is_valid*");
  g_setenv("STATE_NAME", "long", TRUE);
  g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed();
  g_test_trap_assert_stderr("*CRITICAL*name_is_valid*");
  g_unsetenv("STATE_NAME");
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/state/round-trip", test_round_trip);
  g_test_add_func("/state/order-and-replace", test_order_and_replace);
  g_test_add_func("/state/matrix-with-ld", test_matrix_with_ld);
  g_test_add_func("/state/errors", test_errors);
  g_test_add_func("/state/bad-names", test_bad_names);
  return g_test_run();
}
