/* binder.h — private helpers of the hyperparameter binder for the rest of libplum.
 *
 * The public side (plum_params_bind, plum_binding_*) is in plum/config.h and plum/params.h.
 * What is here serves core code that writes numbers back out where they must read back exactly
 * (resolved configurations, model files, metrics).
 */
#ifndef PLUM_BINDER_H
#define PLUM_BINDER_H

#include <stddef.h>
#include <glib.h>
#include <plum/params.h>

G_BEGIN_DECLS

/* Writes `value` with the fewest digits (at most 17) that read back to the same double. */
void plum_format_real(double value, char *buf, size_t size);

G_END_DECLS

#endif /* PLUM_BINDER_H */
