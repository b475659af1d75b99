/* kmeans_core.h — the k-means engine: initial centres, Lloyd and Elkan iterations, nearest-centre
 * assignment. The kmeans model is a thin plugin around it; gaussian_mixture uses it to start EM
 * from k-means labels.
 *
 * Private to those modules: kmeans_core.c is compiled into each of them (a module links nothing
 * but libplum), so no symbol here is ever exported.
 */
#ifndef PLUM_MODELS_KMEANS_CORE_H
#define PLUM_MODELS_KMEANS_CORE_H

#include <plum/plugin.h>

typedef enum {
  KMEANS_INIT_KMEANS_PP = 0, /* greedy k-means++: 2 + ⌊ln k⌋ candidates per centre */
  KMEANS_INIT_FORGY,         /* k distinct random rows */
  KMEANS_INIT_RANDOM_PARTITION,
  KMEANS_INIT_FIRST, /* the first k rows */
  KMEANS_INIT_GIVEN, /* KmeansOptions.given */
} KmeansInit;

typedef enum {
  KMEANS_LLOYD = 0,
  KMEANS_ELKAN,
} KmeansAlgorithm;

typedef struct {
  size_t k; /* 1 <= k <= rows */
  KmeansInit init;
  const double *given; /* k x d, row-major, for KMEANS_INIT_GIVEN */
  KmeansAlgorithm algorithm;
  size_t n_init;   /* restarts of a random init; the lowest inertia wins */
  size_t max_iter; /* >= 1 */
  double tol;      /* on the summed squared centre shift, relative to the mean variance */
} KmeansOptions;

typedef struct {
  double *centers; /* k x d */
  int *labels;     /* n */
  double inertia;  /* Σ ‖x_i − c_label(i)‖² */
  size_t n_iter;   /* of the run kept */
  gboolean converged;
} KmeansResult;

/* Runs k-means on X (n x d, n, d >= 1) and fills res (cleared with kmeans_core_clear). Fails on
 * k > n and on a value of X that is not finite. */
gboolean kmeans_core_fit(const KmeansOptions *opt, const PlumMatrix *X, PlumRng *rng,
                         KmeansResult *res, GError **error);
void kmeans_core_clear(KmeansResult *res);

/* The nearest of the k centres (k x X->cols) to each row of X, by ‖c‖² − 2xᵀc through GEMM;
 * the first of equals wins. */
void kmeans_core_assign(const PlumMatrix *X, const double *centers, size_t k, int *labels);

#endif /* PLUM_MODELS_KMEANS_CORE_H */
