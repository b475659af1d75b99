/* objective.h — what every optimizer module of plugins/optim does to a PlumObjective.
 *
 * Private to the optimizer modules: objective.c is compiled into each module that needs it (a
 * module links nothing but libplum), so no symbol here is ever exported.
 */
#ifndef PLUM_OPTIM_OBJECTIVE_H
#define PLUM_OPTIM_OBJECTIVE_H

#include <plum/plugin.h>

/* The mean objective F(θ)/n_terms and its gradient, counted as one evaluation. */
gboolean optim_eval_mean(const PlumObjective *obj, PlumOptimMonitor *monitor, const double *theta,
                         double *value, double *grad, GError **error);

/* optim_eval_mean at the starting point, which must give a finite value; `who` names the
 * optimizer in the error. */
gboolean optim_eval_start(const PlumObjective *obj, PlumOptimMonitor *monitor, const double *theta,
                          const char *who, double *value, double *grad, GError **error);

/* Clamps theta into the objective's box (a no-op when it has none). */
void optim_project_box(const PlumObjective *obj, double *theta);

#endif /* PLUM_OPTIM_OBJECTIVE_H */
