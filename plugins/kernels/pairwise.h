/* pairwise.h — the Gram-matrix machinery shared by kernels that are a function of one pairwise
 * quantity: the squared distance ‖x − y‖² (stationary kernels) or the dot product xᵀy.
 *
 * Private to the kernel modules: pairwise.c is compiled into each module that uses it (a module
 * links nothing but libplum), so no symbol here is ever exported. A kernel supplies two row-wise
 * functions — the map from the pairwise quantity to k, and the gradient of k with respect to its
 * learnable hyperparameters — and these drivers do the BLAS, the symmetric triangle, the mirror
 * and the OpenMP loops. Row-wise callbacks keep the indirect calls at one per row, not per entry.
 */
#ifndef PLUM_KERNELS_PAIRWISE_H
#define PLUM_KERNELS_PAIRWISE_H

#include <plum/plugin.h>

typedef enum {
  PAIRWISE_SQDIST, /* ‖x − y‖² */
  PAIRWISE_DOT,    /* xᵀy */
} PairwiseBase;

/* The most learnable hyperparameters a pairwise kernel has. */
#define PAIRWISE_MAX_GRAD 4

/* values[0..len): the pairwise quantity in, k out. */
typedef void (*PairwiseMap)(const void *params, double *values, size_t len);
/* dk[q][j] = ∂k/∂θ_q at the pairwise quantity base[j] with kernel value k[j], for the kernel's
 * learnable hyperparameters in schema order (log space where flagged). base may alias dk[0]:
 * an implementation reads base[j] and k[j] before it writes any dk[q][j]. */
typedef void (*PairwiseGrad)(const void *params, const double *base, const double *k,
                             double *const *dk, size_t len);

typedef struct {
  PairwiseBase base;
  PairwiseMap map;
  PairwiseGrad grad;
  size_t n_grad; /* learnable hyperparameters, <= PAIRWISE_MAX_GRAD */
} PairwiseKernel;

/* The pairwise quantity of two points. */
double pairwise_value(PairwiseBase base, const double *x, const double *y, size_t d);

/* B[i][j] for j >= i (Y == NULL: B(X, X), upper triangle and diagonal only; the strict lower
 * triangle is left as it was) or for all i, j (Y != NULL: B(X, Y)). Through one SYRK or GEMM. */
void pairwise_base(PairwiseBase base, const PlumMatrix *X, const PlumMatrix *Y, PlumMatrix *B);

/* Copies the strict upper triangle of the square M into its strict lower triangle. */
void pairwise_mirror_upper(PlumMatrix *M);

/* The vtable bodies of a pairwise kernel. */
double pairwise_eval(const PairwiseKernel *pk, const void *params, const double *x, const double *y,
                     size_t d);
void pairwise_gram(const PairwiseKernel *pk, const void *params, const PlumMatrix *X,
                   const PlumMatrix *Y, PlumMatrix *K);
void pairwise_gram_gradient(const PairwiseKernel *pk, const void *params, const PlumMatrix *X,
                            const PlumMatrix *K, PlumMatrix *dK);
void pairwise_diag(const PairwiseKernel *pk, const void *params, const PlumMatrix *X, double *out);

/* Defines the four static vtable functions PREFIX_eval, _gram, _gram_gradient, _diag and the
 * vtable PREFIX_vtable of a pairwise kernel described by the PairwiseKernel DESC. The core has
 * already checked the shapes of X, Y, K and dK when these run. */
#define PAIRWISE_KERNEL_DEFINE(prefix, desc)                                                       \
  static double prefix##_eval(const void *params, const double *x, const double *y, size_t d)      \
  {                                                                                                \
    return pairwise_eval(&(desc), params, x, y, d);                                                \
  }                                                                                                \
  static gboolean prefix##_gram(const void *params, const PlumMatrix *X, const PlumMatrix *Y,      \
                                PlumMatrix *K, GError **error)                                     \
  {                                                                                                \
    pairwise_gram(&(desc), params, X, Y, K);                                                       \
    return TRUE;                                                                                   \
  }                                                                                                \
  static gboolean prefix##_gram_gradient(const void *params, const PlumMatrix *X,                  \
                                         const PlumMatrix *K, PlumMatrix *dK, GError **error)      \
  {                                                                                                \
    pairwise_gram_gradient(&(desc), params, X, K, dK);                                             \
    return TRUE;                                                                                   \
  }                                                                                                \
  static void prefix##_diag(const void *params, const PlumMatrix *X, double *out)                  \
  {                                                                                                \
    pairwise_diag(&(desc), params, X, out);                                                        \
  }                                                                                                \
  static const PlumKernelVTable prefix##_vtable = {                                                \
      .struct_size = sizeof(PlumKernelVTable),                                                     \
      .eval = prefix##_eval,                                                                       \
      .gram = prefix##_gram,                                                                       \
      .gram_gradient = prefix##_gram_gradient,                                                     \
      .diag = prefix##_diag,                                                                       \
  }

/* A kernel's PlumComponentDesc. */
#define KERNEL_COMPONENT_CAPS(cname, csummary, schema, ST, vt, ccaps)                              \
  {                                                                                                \
    .struct_size = sizeof(PlumComponentDesc), .kind = PLUM_KIND_KERNEL, .name = (cname),           \
    .summary = (csummary), .params = (schema), .n_params = G_N_ELEMENTS(schema),                   \
    .params_size = sizeof(ST), .vtable = &(vt), .caps = (ccaps),                                   \
  }
#define KERNEL_COMPONENT(cname, csummary, schema, ST, vt)                                          \
  KERNEL_COMPONENT_CAPS(cname, csummary, schema, ST, vt, 0)

#endif /* PLUM_KERNELS_PAIRWISE_H */
