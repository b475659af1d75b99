/* plum/progress.h — progress of long computations, on stderr.
 *
 * On a terminal: a live bar (iteration or epoch, loss, named measures such as a validation loss,
 * rate, ETA) redrawn in place. Otherwise a plain line every `every` updates. Quiet prints
 * nothing. Optimizers never print themselves; they report to a PlumProgress through the
 * optimizer monitor, which adds the validation loss when early stopping is on.
 */
#ifndef PLUM_PROGRESS_H
#define PLUM_PROGRESS_H

#include <stddef.h>
#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  PLUM_PROGRESS_AUTO = 0, /* bar on a terminal, plain lines otherwise */
  PLUM_PROGRESS_BAR,
  PLUM_PROGRESS_PLAIN,
  PLUM_PROGRESS_QUIET,
} PlumProgressMode;

typedef struct PlumProgress PlumProgress;

/* total == 0 means unknown. `every` applies to plain lines (0 means 10). */
PlumProgress *plum_progress_new(const char *label, size_t total, PlumProgressMode mode,
                                size_t every);
void plum_progress_free(PlumProgress *p);
void plum_progress_set_total(PlumProgress *p, size_t total);
/* Records step `step` (1-based) with the current loss (NAN when none). */
void plum_progress_update(PlumProgress *p, size_t step, double loss);
/* Shows `name value` after the loss (a validation loss, say) from the next update on, until set
 * again; NAN hides it. Measures appear in the order first set, at most four per object; a name
 * is at most 31 bytes (longer ones are cut). Added in ABI 1.1. */
void plum_progress_set_metric(PlumProgress *p, const char *name, double value);
/* Ends the bar with a final line saying why it stopped (nullable). */
void plum_progress_finish(PlumProgress *p, const char *reason);

/* The default mode for new PlumProgress objects created by the core (PLUM_PROGRESS env:
 * auto|bar|plain|quiet). */
PlumProgressMode plum_progress_default_mode(void);
void plum_progress_set_default_mode(PlumProgressMode mode);

G_END_DECLS

#endif /* PLUM_PROGRESS_H */
