/* linmodel.h — what the linear-predictor models (glm, logistic_regression) do alike to their fit
 * data: validate it, and gather a minibatch of rows for their objectives.
 *
 * Private to those modules: linmodel.c is compiled into each of them (a module links nothing but
 * libplum), so no symbol here is ever exported. `who` prefixes every message.
 */
#ifndef PLUM_MODELS_LINMODEL_H
#define PLUM_MODELS_LINMODEL_H

#include <plum/plugin.h>

/* X (n x d, n, d >= 1, finite), y (n x 1, finite) and sample weights (finite, >= 0, positive
 * sum) when given; X_val (d columns) and y_val (one column, as many rows), both finite, when
 * either is given. */
gboolean linmodel_check_fit_data(const char *who, const PlumFitData *data, GError **error);

/* PlumOptimContext.validate for early stopping: the mean of the PlumObjective `user` (an
 * unpenalised objective over the held-out rows) at theta. */
gboolean linmodel_validate_mean(void *user, const double *theta, double *score, GError **error);

/* Scratch for the rows of one minibatch, allocated for all n rows on first use. */
typedef struct {
  double *X, *y, *w;
} LinmodelGather;

/* Copies rows terms[0..m) of X, y and w (nullable) into g and points Xb, yb, wb at them; fails
 * on a term >= X->rows. */
gboolean linmodel_gather(LinmodelGather *g, const char *who, const PlumMatrix *X, const double *y,
                         const double *w, const size_t *terms, size_t m, PlumMatrix *Xb,
                         const double **yb, const double **wb, GError **error);
void linmodel_gather_clear(LinmodelGather *g);

#endif /* PLUM_MODELS_LINMODEL_H */
