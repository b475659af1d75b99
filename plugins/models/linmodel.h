/* linmodel.h — what the linear-predictor models (glm, logistic_regression) do alike to their fit
 * data: validate it, gather a minibatch of rows for their objectives, and the two products of a
 * block of rows that their fused passes make.
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

/* Products of a block of rows (a few hundred, in cache), where a BLAS call's fixed cost and
 * OpenBLAS's kernels for 16–32 columns lose to a loop that keeps its sums in registers:
 * measured 1.4x faster than two dgemv per block for logistic regression, 2-3x faster than dsyrk
 * for a 17 x 17 normal matrix (doc/design.md). Vectorised for AVX-512, AVX2 and the x86-64
 * baseline, chosen by the CPU at load time. */

/* g[j] += Σ_i r[i] X[i][j]: Xᵀr added to g (X->cols entries), and g[X->cols] += Σ_i r[i] when
 * intercept (the column of ones of A = [X 1]). */
void linmodel_add_xt_r(const PlumMatrix *X, const double *r, gboolean intercept, double *g);

/* The weighted least-squares system, added in one pass over X: the upper triangle (diagonal
 * included) of G (row-major, leading dimension ldg) plus Σ_i s[i] a_i a_iᵀ, for a_i = [x_i 1]
 * when intercept (p = X->cols + 1 rows and columns of G), a_i = x_i otherwise — the normal
 * matrix AᵀSA — and, when z is not NULL, rhs[0..p) plus Aᵀz = Σ_i z[i] a_i. The strict lower
 * triangle of G is not touched; rhs may be NULL when z is. */
void linmodel_add_weighted_system(const PlumMatrix *X, const double *s, const double *z,
                                  gboolean intercept, double *G, size_t ldg, double *rhs);

#endif /* PLUM_MODELS_LINMODEL_H */
