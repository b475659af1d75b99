/* pairwise.c — Gram matrices of kernels that are a function of ‖x − y‖² or of xᵀy.
 *
 * K(X, X) costs one SYRK on the upper triangle (‖x − y‖² = ‖x‖² + ‖y‖² − 2xᵀy reads the squared
 * norms off its diagonal), then one pass per row segment j >= i turning products into distances
 * and mapping them while the row is in cache, and a blocked mirror into the lower triangle;
 * K(X, Y) one GEMM and the same pass per row. Squared distances are clamped at 0 where
 * cancellation makes them slightly negative, and the diagonal of K(X, X) is an exact 0 distance,
 * so k(x, x) is the kernel's value at 0 to the last bit. Gradients recompute the pairwise
 * quantity with the same BLAS call (O(n²d), cheaper than inverting k) into the first gradient
 * matrix and overwrite it in place.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <cblas.h>

#include "pairwise.h"

/* Side of the square tiles the mirror copies, so both triangles stay in cache. */
#define MIRROR_TILE 64

double
pairwise_value(PairwiseBase base, const double *x, const double *y, size_t d)
{
  double s = 0;
  if (base == PAIRWISE_DOT) {
    for (size_t k = 0; k < d; k++)
      s += x[k] * y[k];
    return s;
  }
  for (size_t k = 0; k < d; k++)
    s += (x[k] - y[k]) * (x[k] - y[k]);
  return s;
}

/* max(v, 0) without a libm call in the n² loops (0 for NaN too, like fmax). */
static inline double
clamp0(double v)
{
  return v > 0 ? v : 0.0;
}

static int
blas_ld(const PlumMatrix *M)
{
  return (int)MAX(M->ld, 1); /* BLAS wants ld >= 1 even for 0 columns */
}

static void
row_sqnorms(const PlumMatrix *M, double *out)
{
  for (size_t i = 0; i < M->rows; i++)
    out[i] = pairwise_value(PAIRWISE_DOT, PLUM_MATRIX_ROW(M, i), PLUM_MATRIX_ROW(M, i), M->cols);
}

/* The BLAS part of the base: the upper triangle of X Xᵀ (Y NULL), or X Yᵀ (−2 X Yᵀ for squared
 * distances). For squared distances, returns the squared row norms the rows are finished
 * with (X's, then Y's when given; transfer full), else NULL. */
static double *
base_product(PairwiseBase base, const PlumMatrix *X, const PlumMatrix *Y, PlumMatrix *B)
{
  int n = (int)X->rows, d = (int)X->cols;
  if (Y == NULL) {
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, n, d, 1.0, X->data, blas_ld(X), 0.0,
                B->data, blas_ld(B));
    if (base != PAIRWISE_SQDIST)
      return NULL;
    double *sq = g_new(double, X->rows);
    for (size_t i = 0; i < X->rows; i++)
      sq[i] = PLUM_MATRIX_AT(B, i, i);
    return sq;
  }
  double alpha = base == PAIRWISE_SQDIST ? -2.0 : 1.0;
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, (int)Y->rows, d, alpha, X->data,
              blas_ld(X), Y->data, blas_ld(Y), 0.0, B->data, blas_ld(B));
  if (base != PAIRWISE_SQDIST)
    return NULL;
  double *sq = g_new(double, X->rows + Y->rows);
  row_sqnorms(X, sq);
  row_sqnorms(Y, sq + X->rows);
  return sq;
}

/* Turns row i of the product into squared distances (sq from base_product; nothing to do for
 * a dot product): the upper triangle of the row when symmetric, else all m entries. */
static inline void
finish_row(const double *sq, size_t n, gboolean symmetric, size_t i, double *row, size_t m)
{
  if (sq == NULL)
    return;
  if (symmetric) {
    row[i] = 0;
    for (size_t j = i + 1; j < m; j++)
      row[j] = clamp0(sq[i] + sq[j] - 2 * row[j]);
    return;
  }
  for (size_t j = 0; j < m; j++)
    row[j] = clamp0(sq[i] + sq[n + j] + row[j]);
}

/* The base of every pair and, with pk, the kernel's map, in one pass per row while it is in
 * cache; K(X, X) (Y NULL) only in its upper triangle. */
static void
fill_rows(PairwiseBase base, const PairwiseKernel *pk, const void *params, const PlumMatrix *X,
          const PlumMatrix *Y, PlumMatrix *B)
{
  if (X->rows == 0 || (Y != NULL && Y->rows == 0))
    return;
  double *sq = base_product(base, X, Y, B);
  ptrdiff_t n = (ptrdiff_t)X->rows;
  size_t m = Y ? Y->rows : X->rows;
#pragma omp parallel for schedule(dynamic, 32) if (sq != NULL || pk != NULL)
  for (ptrdiff_t i = 0; i < n; i++) {
    double *row = PLUM_MATRIX_ROW(B, i);
    finish_row(sq, (size_t)n, Y == NULL, (size_t)i, row, m);
    if (pk != NULL) {
      size_t first = Y ? 0 : (size_t)i;
      pk->map(params, row + first, m - first);
    }
  }
  g_free(sq);
}

void
pairwise_base(PairwiseBase base, const PlumMatrix *X, const PlumMatrix *Y, PlumMatrix *B)
{
  fill_rows(base, NULL, NULL, X, Y, B);
}

void
pairwise_mirror_upper(PlumMatrix *M)
{
  ptrdiff_t n = (ptrdiff_t)M->rows;
#pragma omp parallel for schedule(dynamic, 1)
  for (ptrdiff_t ib = 0; ib < n; ib += MIRROR_TILE) {
    ptrdiff_t iend = MIN(ib + MIRROR_TILE, n);
    for (ptrdiff_t jb = 0; jb <= ib; jb += MIRROR_TILE)
      for (ptrdiff_t i = ib; i < iend; i++)
        for (ptrdiff_t j = jb; j < MIN(jb + MIRROR_TILE, i); j++)
          PLUM_MATRIX_AT(M, i, j) = PLUM_MATRIX_AT(M, j, i);
  }
}

double
pairwise_eval(const PairwiseKernel *pk, const void *params, const double *x, const double *y,
              size_t d)
{
  double v = pairwise_value(pk->base, x, y, d);
  pk->map(params, &v, 1);
  return v;
}

void
pairwise_gram(const PairwiseKernel *pk, const void *params, const PlumMatrix *X,
              const PlumMatrix *Y, PlumMatrix *K)
{
  fill_rows(pk->base, pk, params, X, Y, K);
  if (Y == NULL)
    pairwise_mirror_upper(K);
}

void
pairwise_gram_gradient(const PairwiseKernel *pk, const void *params, const PlumMatrix *X,
                       const PlumMatrix *K, PlumMatrix *dK)
{
  g_return_if_fail(pk->n_grad >= 1 && pk->n_grad <= PAIRWISE_MAX_GRAD);
  pairwise_base(pk->base, X, NULL, &dK[0]);
  ptrdiff_t n = (ptrdiff_t)X->rows;
#pragma omp parallel for schedule(dynamic, 32)
  for (ptrdiff_t i = 0; i < n; i++) {
    double *rows[PAIRWISE_MAX_GRAD];
    for (size_t q = 0; q < pk->n_grad; q++)
      rows[q] = PLUM_MATRIX_ROW(&dK[q], i) + i;
    pk->grad(params, rows[0], PLUM_MATRIX_ROW(K, i) + i, rows, (size_t)(n - i));
  }
  for (size_t q = 0; q < pk->n_grad; q++)
    pairwise_mirror_upper(&dK[q]);
}

void
pairwise_diag(const PairwiseKernel *pk, const void *params, const PlumMatrix *X, double *out)
{
  for (size_t i = 0; i < X->rows; i++)
    out[i] = pk->base == PAIRWISE_SQDIST ? 0.0
                                         : pairwise_value(PAIRWISE_DOT, PLUM_MATRIX_ROW(X, i),
                                                          PLUM_MATRIX_ROW(X, i), X->cols);
  pk->map(params, out, X->rows);
}
