/* progress.c — progress of long computations, written to stderr only (stdout carries results a
 * user may pipe). On a terminal a bar is redrawn in place with \r, at most a few times a second
 * so drawing never costs more than the work it reports; elsewhere (logs, CI) a plain line is
 * written every `every` updates, because \r-redrawn text turns into one unreadable line in a
 * file. The mode for objects the core creates comes from PLUM_PROGRESS unless set explicitly.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <plum/progress.h>

#define BAR_WIDTH 24
#define BAR_REDRAW_US (G_USEC_PER_SEC / 10)
#define DEFAULT_EVERY 10
#define MAX_METRICS 4
#define METRIC_NAME_SIZE 32

typedef struct {
  char name[METRIC_NAME_SIZE];
  double value; /* NAN: not shown */
} Metric;

struct PlumProgress {
  char *label;
  size_t total;          /* 0: unknown */
  PlumProgressMode mode; /* resolved: never AUTO */
  size_t every;
  gint64 start_us;
  gint64 last_draw_us;
  size_t n_updates;
  size_t step;
  double loss;
  Metric metrics[MAX_METRICS];
  size_t n_metrics;
  gboolean bar_drawn; /* a bar line is on screen without its newline */
};

static gint default_mode = -1; /* -1: not chosen yet, read PLUM_PROGRESS */

static gboolean
mode_from_name(const char *name, PlumProgressMode *mode_out)
{
  static const char *const names[] = {"auto", "bar", "plain", "quiet"};
  for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
    if (g_ascii_strcasecmp(name, names[i]) == 0) {
      *mode_out = (PlumProgressMode)i;
      return TRUE;
    }
  }
  return FALSE;
}

PlumProgressMode
plum_progress_default_mode(void)
{
  gint mode = g_atomic_int_get(&default_mode);
  if (mode >= 0)
    return (PlumProgressMode)mode;
  const char *env = g_getenv("PLUM_PROGRESS");
  PlumProgressMode chosen = PLUM_PROGRESS_AUTO;
  if (env != NULL && *env != '\0' && !mode_from_name(env, &chosen))
    g_warning("PLUM_PROGRESS: \"%s\" is not one of auto, bar, plain, quiet; using auto", env);
  /* Only the first reader stores (and warns about) the environment's choice. */
  g_atomic_int_compare_and_exchange(&default_mode, -1, (gint)chosen);
  return (PlumProgressMode)g_atomic_int_get(&default_mode);
}

void
plum_progress_set_default_mode(PlumProgressMode mode)
{
  g_return_if_fail(mode <= PLUM_PROGRESS_QUIET);
  g_atomic_int_set(&default_mode, (gint)mode);
}

PlumProgress *
plum_progress_new(const char *label, size_t total, PlumProgressMode mode, size_t every)
{
  g_return_val_if_fail(mode <= PLUM_PROGRESS_QUIET, NULL);
  PlumProgress *p = g_new0(PlumProgress, 1);
  p->label = g_strdup(label != NULL ? label : "progress");
  p->total = total;
  if (mode == PLUM_PROGRESS_AUTO)
    mode = isatty(STDERR_FILENO) ? PLUM_PROGRESS_BAR : PLUM_PROGRESS_PLAIN;
  p->mode = mode;
  p->every = every ? every : DEFAULT_EVERY;
  p->start_us = g_get_monotonic_time();
  p->loss = NAN;
  return p;
}

void
plum_progress_free(PlumProgress *p)
{
  if (p == NULL)
    return;
  g_free(p->label);
  g_free(p);
}

void
plum_progress_set_total(PlumProgress *p, size_t total)
{
  g_return_if_fail(p != NULL);
  p->total = total;
}

static double
elapsed_seconds(const PlumProgress *p)
{
  return (double)(g_get_monotonic_time() - p->start_us) / G_USEC_PER_SEC;
}

/* "step 12/100" or "step 12" when the total is unknown. */
static void
append_step(GString *out, const PlumProgress *p)
{
  if (p->total > 0)
    g_string_append_printf(out, "%zu/%zu", p->step, p->total);
  else
    g_string_append_printf(out, "%zu", p->step);
}

void
plum_progress_set_metric(PlumProgress *p, const char *name, double value)
{
  g_return_if_fail(p != NULL && name != NULL);
  for (size_t i = 0; i < p->n_metrics; i++) {
    if (strncmp(p->metrics[i].name, name, METRIC_NAME_SIZE - 1) == 0) {
      p->metrics[i].value = value;
      return;
    }
  }
  g_return_if_fail(p->n_metrics < MAX_METRICS);
  Metric *m = &p->metrics[p->n_metrics++];
  g_strlcpy(m->name, name, sizeof m->name);
  m->value = value;
}

/* "loss 0.1234  val_loss 0.2345  56.7 steps/s  ETA 0:12": the parts that depend on what is
 * known. */
static void
append_stats(GString *out, const PlumProgress *p, double seconds, gboolean with_eta)
{
  if (!isnan(p->loss))
    g_string_append_printf(out, "  loss %.6g", p->loss);
  for (size_t i = 0; i < p->n_metrics; i++)
    if (!isnan(p->metrics[i].value))
      g_string_append_printf(out, "  %s %.6g", p->metrics[i].name, p->metrics[i].value);
  if (seconds <= 0.0 || p->step == 0)
    return;
  double rate = (double)p->step / seconds;
  g_string_append_printf(out, "  %.3g steps/s", rate);
  if (!with_eta || p->total <= p->step)
    return;
  unsigned eta = (unsigned)((double)(p->total - p->step) / rate + 0.5);
  g_string_append_printf(out, "  ETA %u:%02u", eta / 60, eta % 60);
}

static void
draw_bar(PlumProgress *p)
{
  GString *line = g_string_new("\r");
  g_string_append_printf(line, "%s ", p->label);
  if (p->total > 0) {
    size_t filled = MIN(p->step, p->total) * BAR_WIDTH / p->total;
    g_string_append_c(line, '[');
    for (size_t i = 0; i < BAR_WIDTH; i++)
      g_string_append_c(line, i < filled ? '#' : '.');
    g_string_append(line, "] ");
  }
  append_step(line, p);
  append_stats(line, p, elapsed_seconds(p), TRUE);
  g_string_append(line, "\033[K"); /* clear what a longer previous line left */
  fputs(line->str, stderr);
  fflush(stderr);
  g_string_free(line, TRUE);
  p->bar_drawn = TRUE;
  p->last_draw_us = g_get_monotonic_time();
}

static void
print_plain(const PlumProgress *p)
{
  GString *line = g_string_new(p->label);
  g_string_append(line, ": step ");
  append_step(line, p);
  append_stats(line, p, elapsed_seconds(p), TRUE);
  g_string_append_c(line, '\n');
  fputs(line->str, stderr);
  g_string_free(line, TRUE);
}

void
plum_progress_update(PlumProgress *p, size_t step, double loss)
{
  g_return_if_fail(p != NULL);
  p->step = step;
  p->loss = loss;
  p->n_updates++;
  gboolean last = p->total > 0 && step >= p->total;
  switch (p->mode) {
  case PLUM_PROGRESS_BAR:
    if (last || !p->bar_drawn || g_get_monotonic_time() - p->last_draw_us >= BAR_REDRAW_US)
      draw_bar(p);
    break;
  case PLUM_PROGRESS_PLAIN:
    if (last || p->n_updates % p->every == 0)
      print_plain(p);
    break;
  default:
    break;
  }
}

void
plum_progress_finish(PlumProgress *p, const char *reason)
{
  g_return_if_fail(p != NULL);
  if (p->mode == PLUM_PROGRESS_QUIET)
    return;
  if (p->mode == PLUM_PROGRESS_BAR) {
    draw_bar(p);
    fputc('\n', stderr);
    p->bar_drawn = FALSE;
  }
  double seconds = elapsed_seconds(p);
  GString *line = g_string_new(p->label);
  g_string_append_printf(line, ": stopped at step %zu after %.3g s", p->step, seconds);
  if (reason != NULL)
    g_string_append_printf(line, " (%s)", reason);
  append_stats(line, p, seconds, FALSE);
  g_string_append_c(line, '\n');
  fputs(line->str, stderr);
  g_string_free(line, TRUE);
}
