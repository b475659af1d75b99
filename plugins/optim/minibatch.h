/* minibatch.h — the epoch loop shared by the minibatch optimizers (sgd, adagrad, rmsprop,
 * adam, adamw). Private to the optimizer modules; minibatch.c is compiled into each of them.
 */
#ifndef PLUM_OPTIM_MINIBATCH_H
#define PLUM_OPTIM_MINIBATCH_H

#include <plum/plugin.h>

/* Embedded in a params struct right after PlumOptimCommon, as the field `mb`. */
typedef struct {
  gint64 batch_size;
  gboolean shuffle;
} OptimMinibatchParams;

/* Laid out like PLUM_OPTIM_COMMON_SPECS. */
/* clang-format off */
#define OPTIM_MINIBATCH_SPECS(ST, def_batch)                                                       \
  {.name = "batch_size", .type = PLUM_PARAM_INT,                                                   \
   .offset = offsetof(ST, mb) + offsetof(OptimMinibatchParams, batch_size),                        \
   .def_int = (def_batch), .min = 1, .max = 1e12,                                                  \
   .doc = "terms (rows) per minibatch; an epoch's last batch takes what is left"},                 \
  {.name = "shuffle", .type = PLUM_PARAM_BOOL,                                                     \
   .offset = offsetof(ST, mb) + offsetof(OptimMinibatchParams, shuffle), .def_int = TRUE,          \
   .doc = "reshuffle the terms every epoch from the seeded generator"}
/* clang-format on */

/* One update of theta from the mean gradient over a minibatch. `step` counts updates from 1,
 * `epoch` epochs from 0. */
typedef void (*OptimUpdateFunc)(void *rule, double *theta, const double *grad, guint64 step,
                                guint64 epoch);

/* Runs epochs until the monitor stops them, calling update once per minibatch and projecting
 * theta into the objective's box after each update. Each epoch reports the mean of the batch
 * values it saw to the monitor, with the gradient norm unknown; when the common `tol` is set,
 * an epoch ends instead with one full-batch evaluation whose exact value and gradient norm are
 * reported, so tol and rel_tol test the real objective. */
gboolean optim_minibatch_run(const PlumObjective *obj, const OptimMinibatchParams *mb,
                             OptimUpdateFunc update, void *rule, double *theta,
                             PlumOptimMonitor *monitor, GError **error);

#endif /* PLUM_OPTIM_MINIBATCH_H */
