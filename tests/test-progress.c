/* test-progress.c — what each mode writes to stderr (run in subprocesses, whose stderr the
 * test captures): plain lines every `every` updates and at the end, a bar redrawn with \r,
 * nothing at all when quiet, named measures (a validation loss) after the loss; and the default
 * mode taken from PLUM_PROGRESS.
 */
#include "config.h"

#include <math.h>

#include <plum/plum.h>

static void
run_five_steps(PlumProgressMode mode)
{
  PlumProgress *p = plum_progress_new("fit", 5, mode, 2);
  for (size_t step = 1; step <= 5; step++)
    plum_progress_update(p, step, 1.0 / (double)step);
  plum_progress_finish(p, "converged");
  plum_progress_free(p);
}

static void
test_plain(void)
{
  if (g_test_subprocess()) {
    run_five_steps(PLUM_PROGRESS_PLAIN);
    return;
  }
  g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed();
  g_test_trap_assert_stdout("");
  /* updates 2 and 4 (every 2), 5 (the last), then the summary; nothing for 1 and 3. Rate and
   * ETA depend on the clock, so each line is matched only up to them. */
  g_test_trap_assert_stderr("fit: step 2/5  loss 0.5*\n"
                            "fit: step 4/5  loss 0.25*\n"
                            "fit: step 5/5  loss 0.2*\n"
                            "fit: stopped at step 5 after * s (converged)  loss 0.2*\n");
  g_test_trap_assert_stderr_unmatched("*step 1/5*");
  g_test_trap_assert_stderr_unmatched("*step 3/5*");
}

static void
test_bar(void)
{
  if (g_test_subprocess()) {
    run_five_steps(PLUM_PROGRESS_BAR);
    return;
  }
  g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed();
  g_test_trap_assert_stderr("\rfit [*] 1/5  loss 1*"
                            "\rfit [########################] 5/5  loss 0.2*\n"
                            "fit: stopped at step 5 after * s (converged)*\n");
}

static void
test_quiet(void)
{
  if (g_test_subprocess()) {
    run_five_steps(PLUM_PROGRESS_QUIET);
    return;
  }
  g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed();
  g_test_trap_assert_stderr("");
}

/* Unknown total and no loss: no ETA, no loss, just the step. */
static void
test_unknown_total(void)
{
  if (g_test_subprocess()) {
    PlumProgress *p = plum_progress_new("search", 0, PLUM_PROGRESS_PLAIN, 1);
    plum_progress_update(p, 1, NAN);
    plum_progress_finish(p, NULL);
    plum_progress_free(p);
    return;
  }
  g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed();
  g_test_trap_assert_stderr("search: step 1*\nsearch: stopped at step 1 after * s*\n");
  g_test_trap_assert_stderr_unmatched("*ETA*");
  g_test_trap_assert_stderr_unmatched("*loss*");
}

/* Named measures follow the loss in the order first set, take their latest value, and hide
 * while NAN; a fifth name is a programming error. */
static void
test_metrics(void)
{
  if (g_test_subprocess()) {
    PlumProgress *p = plum_progress_new("fit", 3, PLUM_PROGRESS_PLAIN, 1);
    plum_progress_set_metric(p, "val_loss", 0.5);
    plum_progress_set_metric(p, "val_accuracy", NAN);
    plum_progress_update(p, 1, 1.0);
    plum_progress_set_metric(p, "val_accuracy", 0.75);
    plum_progress_set_metric(p, "val_loss", 0.25);
    plum_progress_update(p, 2, 0.5);
    plum_progress_set_metric(p, "val_loss", NAN);
    plum_progress_update(p, 3, 0.25);
    plum_progress_finish(p, NULL);
    plum_progress_free(p);
    return;
  }
  g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed();
  g_test_trap_assert_stderr("fit: step 1/3  loss 1  val_loss 0.5  *\n"
                            "fit: step 2/3  loss 0.5  val_loss 0.25  val_accuracy 0.75  *\n"
                            "fit: step 3/3  loss 0.25  val_accuracy 0.75  *\n"
                            "fit: stopped at step 3 after * s  loss 0.25  val_accuracy 0.75*\n");
  g_test_trap_assert_stderr_unmatched("*step 1/3*val_accuracy*step 2/3*");
}

static void
test_too_many_metrics(void)
{
  if (g_test_subprocess()) {
    PlumProgress *p = plum_progress_new("fit", 0, PLUM_PROGRESS_QUIET, 1);
    const char *names[] = {"a", "b", "c", "d", "e"};
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
      plum_progress_set_metric(p, names[i], 1.0);
    plum_progress_free(p);
    return;
  }
  g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed();
  g_test_trap_assert_stderr("*n_metrics < MAX_METRICS*");
}

/* Each subprocess reads PLUM_PROGRESS afresh (the parent's environment, set just before). */
static void
test_default_mode(void)
{
  if (g_test_subprocess()) {
    g_print("mode=%d\n", (int)plum_progress_default_mode());
    plum_progress_set_default_mode(PLUM_PROGRESS_BAR);
    g_print("set=%d\n", (int)plum_progress_default_mode());
    return;
  }
  const char *values[] = {"quiet", "PLAIN", "bar", "auto", ""};
  const PlumProgressMode modes[] = {PLUM_PROGRESS_QUIET, PLUM_PROGRESS_PLAIN, PLUM_PROGRESS_BAR,
                                    PLUM_PROGRESS_AUTO, PLUM_PROGRESS_AUTO};
  for (size_t i = 0; i < G_N_ELEMENTS(values); i++) {
    g_setenv("PLUM_PROGRESS", values[i], TRUE);
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_passed();
    char *expected = g_strdup_printf("mode=%d\nset=%d\n", (int)modes[i], (int)PLUM_PROGRESS_BAR);
    g_test_trap_assert_stdout(expected);
    g_free(expected);
  }
  /* a value that means nothing is a warning (fatal under the test harness) */
  g_setenv("PLUM_PROGRESS", "loud", TRUE);
  g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed();
  g_test_trap_assert_stderr("*PLUM_PROGRESS: \"loud\" is not one of auto, bar, plain, quiet*");
  g_setenv("PLUM_PROGRESS", "quiet", TRUE);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/progress/plain", test_plain);
  g_test_add_func("/progress/bar", test_bar);
  g_test_add_func("/progress/quiet", test_quiet);
  g_test_add_func("/progress/unknown-total", test_unknown_total);
  g_test_add_func("/progress/metrics", test_metrics);
  g_test_add_func("/progress/too-many-metrics", test_too_many_metrics);
  g_test_add_func("/progress/default-mode", test_default_mode);
  return g_test_run();
}
