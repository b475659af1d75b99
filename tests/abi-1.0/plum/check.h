/* plum/check.h — conformance checks for plugin components (`plum check-plugin`).
 *
 * Runs what every component of a kind must do right, through the same host calls plum itself
 * uses: descriptor and schema sanity, binding with defaults and with each bound's edge value,
 * and kind-specific behaviour on generated data — a model fits, predicts the right shapes,
 * saves and loads to identical predictions, is deterministic for a seed, refuses NaN input and
 * a wrong feature count; an objective's gradient matches finite differences; an optimizer
 * finds a known minimum; a kernel is symmetric and its Gram matrix and gradient agree with its
 * pointwise value; activation, cost and family derivatives match finite differences. Each check
 * is reported through a callback (TAP-style: ok / not ok, a name, details).
 */
#ifndef PLUM_CHECK_H
#define PLUM_CHECK_H

#include <glib.h>
#include <plum/registry.h>

G_BEGIN_DECLS

/* One result: ok or not, what was checked, and (nullable) why it failed. */
typedef void (*PlumCheckFunc)(gboolean ok, const char *what, const char *detail, gpointer user);

/* Checks one component; `overrides` ("param=value", NULL-terminated, nullable) are applied to
 * its configuration (for parameters without a default). Returns the number of failures. */
size_t plum_check_component(const PlumRegistry *reg, const PlumComponent *c,
                            const char *const *overrides, PlumCheckFunc report, gpointer user);

G_END_DECLS

#endif /* PLUM_CHECK_H */
