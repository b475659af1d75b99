/* matrix.c — dense row-major double matrices: views, owned blocks, checks and the BLAS entry
 * points every model goes through. An owned matrix is one allocation (struct followed by its
 * data) so plum_matrix_free() is a single free and a matrix can never be half-released. The
 * gemm/gemv wrappers exist so shapes are checked once here instead of in every plugin, and so
 * degenerate sizes (a zero dimension) never reach cblas, which rejects ld == 0.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <cblas.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include <plum/error.h>
#include <plum/matrix.h>

#include "vecmath.h"

PlumMatrix
plum_matrix_view(double *data, size_t rows, size_t cols, size_t ld)
{
  return (PlumMatrix){.data = data, .rows = rows, .cols = cols, .ld = ld ? ld : cols};
}

PlumMatrix
plum_matrix_rows(const PlumMatrix *m, size_t begin, size_t n)
{
  g_return_val_if_fail(m != NULL && begin <= m->rows && n <= m->rows - begin,
                       plum_matrix_view(NULL, 0, 0, 0));
  /* No offset on an empty matrix: its data may be NULL. */
  double *start = n ? PLUM_MATRIX_ROW(m, begin) : m->data;
  return plum_matrix_view(start, n, m->cols, m->ld);
}

PlumMatrix *
plum_matrix_new(size_t rows, size_t cols, GError **error)
{
  size_t count, bytes;
  if (!g_size_checked_mul(&count, rows, cols) ||
      !g_size_checked_mul(&bytes, count, sizeof(double)) ||
      !g_size_checked_add(&bytes, bytes, sizeof(PlumMatrix))) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "a %zu x %zu matrix is too large to address", rows, cols);
    return NULL;
  }
  PlumMatrix *m = g_try_malloc0(bytes);
  if (m == NULL) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                "out of memory allocating a %zu x %zu matrix (%zu bytes)", rows, cols, bytes);
    return NULL;
  }
  /* sizeof(PlumMatrix) is a multiple of 8, so the data that follows is aligned for double. */
  *m = plum_matrix_view((double *)(m + 1), rows, cols, cols);
  return m;
}

PlumMatrix *
plum_matrix_copy(const PlumMatrix *m, GError **error)
{
  g_return_val_if_fail(m != NULL, NULL);
  PlumMatrix *copy = plum_matrix_new(m->rows, m->cols, error);
  if (copy != NULL)
    plum_matrix_copy_into(m, copy, NULL);
  return copy;
}

void
plum_matrix_free(PlumMatrix *m)
{
  g_free(m);
}

void
plum_matrix_fill(PlumMatrix *m, double value)
{
  g_return_if_fail(m != NULL);
  for (size_t i = 0; i < m->rows; i++) {
    double *row = PLUM_MATRIX_ROW(m, i);
    for (size_t j = 0; j < m->cols; j++)
      row[j] = value;
  }
}

gboolean
plum_matrix_copy_into(const PlumMatrix *src, PlumMatrix *dst, GError **error)
{
  g_return_val_if_fail(src != NULL && dst != NULL, FALSE);
  if (!plum_matrix_check_shape(dst, src->rows, src->cols, "copy destination", error))
    return FALSE;
  if (src->cols == 0)
    return TRUE;
  for (size_t i = 0; i < src->rows; i++)
    memmove(PLUM_MATRIX_ROW(dst, i), PLUM_MATRIX_ROW(src, i), src->cols * sizeof(double));
  return TRUE;
}

/* 0 when v[0..n) are all finite, NaN otherwise: x − x is 0 for a finite x and NaN for Inf or
 * NaN, so the sum is branch-free. Four 8-lane sums, so that the adds do not wait on each other:
 * with one, the check of the bench's 100000 x 16 poisson data took 0.4 ms, as long as a fifth of
 * the fit. */
PLUM_SIMD_CLONES static double
finite_probe(const double *v, size_t n)
{
  PlumVec8 p0 = {0}, p1 = {0}, p2 = {0}, p3 = {0}, x0, x1, x2, x3;
  size_t j = 0;
  for (; j + 32 <= n; j += 32) {
    PLUM_VEC_LOAD(x0, v + j);
    PLUM_VEC_LOAD(x1, v + j + 8);
    PLUM_VEC_LOAD(x2, v + j + 16);
    PLUM_VEC_LOAD(x3, v + j + 24);
    p0 += x0 - x0;
    p1 += x1 - x1;
    p2 += x2 - x2;
    p3 += x3 - x3;
  }
  p0 = (p0 + p1) + (p2 + p3);
  double probe = 0;
  for (size_t l = 0; l < 8; l++)
    probe += p0[l];
  for (; j < n; j++)
    probe += v[j] - v[j];
  return probe;
}

/* The first non-finite element of rows [i0, i0 + span), if any. */
static gboolean
locate_nonfinite(const PlumMatrix *m, size_t i0, size_t span, size_t *row_out, size_t *col_out)
{
  for (size_t i = i0; i < i0 + span; i++) {
    const double *row = PLUM_MATRIX_ROW(m, i);
    for (size_t j = 0; j < m->cols; j++) {
      if (isfinite(row[j]))
        continue;
      if (row_out != NULL)
        *row_out = i;
      if (col_out != NULL)
        *col_out = j;
      return TRUE;
    }
  }
  return FALSE;
}

/* Every fit and predict checks its data, so the check streams: spans of rows at a time (one
 * flat run when rows are contiguous), an element looked for only in a span that has one. */
#define FINITE_SPAN ((size_t)4096)

gboolean
plum_matrix_all_finite(const PlumMatrix *m, size_t *row_out, size_t *col_out)
{
  g_return_val_if_fail(m != NULL, FALSE);
  gboolean flat = m->ld == m->cols && m->cols > 0;
  size_t rows_per_span = flat ? MAX(FINITE_SPAN / m->cols, 1) : 1;
  for (size_t i0 = 0; i0 < m->rows; i0 += rows_per_span) {
    size_t span = MIN(rows_per_span, m->rows - i0);
    if (finite_probe(PLUM_MATRIX_ROW(m, i0), span * m->cols) != 0 &&
        locate_nonfinite(m, i0, span, row_out, col_out))
      return FALSE;
  }
  return TRUE;
}

gboolean
plum_matrix_check_finite(const PlumMatrix *m, const char *what, GError **error)
{
  size_t i = 0, j = 0;
  if (plum_matrix_all_finite(m, &i, &j))
    return TRUE;
  g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_NONFINITE,
              "%s: non-finite value %g at row %zu, column %zu (counting from 0)", what,
              PLUM_MATRIX_AT(m, i, j), i, j);
  return FALSE;
}

/* "12", or "any" for a dimension the caller leaves free. */
static const char *
format_dim(char *buf, size_t size, size_t n)
{
  if (n == 0)
    return "any";
  g_snprintf(buf, size, "%zu", n);
  return buf;
}

gboolean
plum_matrix_check_shape(const PlumMatrix *m, size_t rows, size_t cols, const char *what,
                        GError **error)
{
  g_return_val_if_fail(m != NULL, FALSE);
  if ((rows == 0 || m->rows == rows) && (cols == 0 || m->cols == cols))
    return TRUE;
  char r[32], c[32];
  g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
              "%s: expected %s x %s, found %zu x %zu", what, format_dim(r, sizeof r, rows),
              format_dim(c, sizeof c, cols), m->rows, m->cols);
  return FALSE;
}

/* cblas takes its sizes as blasint; a dimension that does not fit must not be truncated. */
static gboolean
fits_blasint(size_t n)
{
  return n <= (size_t)(((guint64)1 << (sizeof(blasint) * 8 - 1)) - 1);
}

/* y = beta * y without reading y when beta == 0, as BLAS does (y may hold NaN garbage). */
static void
scale_vector(double *y, size_t n, double beta)
{
  for (size_t i = 0; i < n; i++)
    y[i] = beta == 0.0 ? 0.0 : beta * y[i];
}

static void
scale_matrix(PlumMatrix *c, double beta)
{
  for (size_t i = 0; i < c->rows; i++)
    scale_vector(PLUM_MATRIX_ROW(c, i), c->cols, beta);
}

gboolean
plum_matrix_gemm(gboolean trans_a, gboolean trans_b, double alpha, const PlumMatrix *a,
                 const PlumMatrix *b, double beta, PlumMatrix *c, GError **error)
{
  g_return_val_if_fail(a != NULL && b != NULL && c != NULL, FALSE);
  size_t m = trans_a ? a->cols : a->rows;
  size_t k = trans_a ? a->rows : a->cols;
  size_t kb = trans_b ? b->cols : b->rows;
  size_t n = trans_b ? b->rows : b->cols;
  if (k != kb || c->rows != m || c->cols != n) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "gemm: op(A) is %zu x %zu, op(B) is %zu x %zu, C is %zu x %zu", m, k, kb, n,
                c->rows, c->cols);
    return FALSE;
  }
  if (!fits_blasint(m) || !fits_blasint(n) || !fits_blasint(k) || !fits_blasint(a->ld) ||
      !fits_blasint(b->ld) || !fits_blasint(c->ld)) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "gemm: a dimension of %zu x %zu x %zu exceeds what BLAS can index", m, k, n);
    return FALSE;
  }
  if (m == 0 || n == 0)
    return TRUE;
  if (k == 0) {
    scale_matrix(c, beta);
    return TRUE;
  }
  cblas_dgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
              trans_b ? CblasTrans : CblasNoTrans, (blasint)m, (blasint)n, (blasint)k, alpha,
              a->data, (blasint)a->ld, b->data, (blasint)b->ld, beta, c->data, (blasint)c->ld);
  return TRUE;
}

/* A row's dot product aᵀx over n elements is summed in an order fixed by n alone, wherever the
 * row sits: one 8-lane sum s over the whole blocks of 8 (s += a[j..j+8) x[j..j+8), block after
 * block), its lanes added as ((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7)), then the last
 * n % 8 products in turn. Four rows go together, their four lane sums added by shuffles in that
 * same pattern; a row left over adds its lanes one by one. */
static inline __attribute__((always_inline)) double
lanes_sum(const PlumVec8 *v)
{
  PlumVec8 s = *v;
  double h0 = s[0] + s[4], h1 = s[1] + s[5], h2 = s[2] + s[6], h3 = s[3] + s[7];
  return (h0 + h2) + (h1 + h3);
}

/* lanes_sum of four rows' sums at once, into out. */
static inline __attribute__((always_inline)) void
lanes_sum4(const PlumVec8 *s0, const PlumVec8 *s1, const PlumVec8 *s2, const PlumVec8 *s3,
           double *out)
{
  PlumVec4 h0 =
      __builtin_shufflevector(*s0, *s0, 0, 1, 2, 3) + __builtin_shufflevector(*s0, *s0, 4, 5, 6, 7);
  PlumVec4 h1 =
      __builtin_shufflevector(*s1, *s1, 0, 1, 2, 3) + __builtin_shufflevector(*s1, *s1, 4, 5, 6, 7);
  PlumVec4 h2 =
      __builtin_shufflevector(*s2, *s2, 0, 1, 2, 3) + __builtin_shufflevector(*s2, *s2, 4, 5, 6, 7);
  PlumVec4 h3 =
      __builtin_shufflevector(*s3, *s3, 0, 1, 2, 3) + __builtin_shufflevector(*s3, *s3, 4, 5, 6, 7);
  /* (h0 + h2) and (h1 + h3) of rows 0 and 1, then of rows 2 and 3 */
  PlumVec4 e01 =
      __builtin_shufflevector(h0, h1, 0, 1, 4, 5) + __builtin_shufflevector(h0, h1, 2, 3, 6, 7);
  PlumVec4 e23 =
      __builtin_shufflevector(h2, h3, 0, 1, 4, 5) + __builtin_shufflevector(h2, h3, 2, 3, 6, 7);
  PlumVec4 sums =
      __builtin_shufflevector(e01, e23, 0, 2, 4, 6) + __builtin_shufflevector(e01, e23, 1, 3, 5, 7);
  PLUM_VEC_STORE(out, sums);
}

/* alpha dot + beta y (y not read when beta is 0: it may hold NaN). */
static inline __attribute__((always_inline)) void
store_dot(double alpha, double dot, double beta, double *yi)
{
  *yi = alpha * dot + (beta == 0 ? 0.0 : beta * *yi);
}

/* dot plus the products of row[j] x[j] for j in [from, n), in turn. */
static inline __attribute__((always_inline)) double
add_tail(double dot, const double *row, const double *x, size_t from, size_t n)
{
  for (size_t j = from; j < n; j++)
    dot += row[j] * x[j];
  return dot;
}

/* The rows [begin, end) of plum_matrix_row_dots. */
PLUM_SIMD_CLONES static void
row_dots_range(double alpha, const PlumMatrix *a, const double *x, double beta, double *y,
               size_t incy, size_t begin, size_t end)
{
  size_t n = a->cols, full = n - n % 8, ld = a->ld, i = begin;
  for (; i + 4 <= end; i += 4) {
    const double *r0 = PLUM_MATRIX_ROW(a, i), *r1 = r0 + ld, *r2 = r1 + ld, *r3 = r2 + ld;
    PlumVec8 s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0}, vx, v0, v1, v2, v3;
    for (size_t j = 0; j < full; j += 8) {
      PLUM_VEC_LOAD(vx, x + j);
      PLUM_VEC_LOAD(v0, r0 + j);
      PLUM_VEC_LOAD(v1, r1 + j);
      PLUM_VEC_LOAD(v2, r2 + j);
      PLUM_VEC_LOAD(v3, r3 + j);
      s0 += v0 * vx;
      s1 += v1 * vx;
      s2 += v2 * vx;
      s3 += v3 * vx;
    }
    double sums[4];
    lanes_sum4(&s0, &s1, &s2, &s3, sums);
    if (full < n) {
      sums[0] = add_tail(sums[0], r0, x, full, n);
      sums[1] = add_tail(sums[1], r1, x, full, n);
      sums[2] = add_tail(sums[2], r2, x, full, n);
      sums[3] = add_tail(sums[3], r3, x, full, n);
    }
    store_dot(alpha, sums[0], beta, y + i * incy);
    store_dot(alpha, sums[1], beta, y + (i + 1) * incy);
    store_dot(alpha, sums[2], beta, y + (i + 2) * incy);
    store_dot(alpha, sums[3], beta, y + (i + 3) * incy);
  }
  for (; i < end; i++) {
    const double *row = PLUM_MATRIX_ROW(a, i);
    PlumVec8 s = {0}, vx, v;
    for (size_t j = 0; j < full; j += 8) {
      PLUM_VEC_LOAD(vx, x + j);
      PLUM_VEC_LOAD(v, row + j);
      s += v * vx;
    }
    store_dot(alpha, add_tail(lanes_sum(&s), row, x, full, n), beta, y + i * incy);
  }
}

void
plum_matrix_row_dots(double alpha, const PlumMatrix *a, const double *x, double beta, double *y,
                     size_t incy)
{
  g_return_if_fail(a != NULL);
  size_t n = a->rows;
  if (n == 0)
    return;
  /* Threads only for a millisecond's work or more: below that a descheduled thread at the
   * barrier costs more than the split saves. Each row's sum is the same on any thread. */
  int parts = 1;
#ifdef _OPENMP
  if (a->rows * a->cols >= ((size_t)1 << 21))
    parts = omp_get_max_threads();
#endif
  if (parts <= 1) {
    row_dots_range(alpha, a, x, beta, y, incy, 0, n);
    return;
  }
#pragma omp parallel num_threads(parts)
  {
#ifdef _OPENMP
    size_t t = (size_t)omp_get_thread_num(), nt = (size_t)omp_get_num_threads();
#else
    size_t t = 0, nt = 1;
#endif
    row_dots_range(alpha, a, x, beta, y, incy, n * t / nt, n * (t + 1) / nt);
  }
}

void
plum_matrix_gemv(gboolean trans, double alpha, const PlumMatrix *a, const double *x, double beta,
                 double *y)
{
  g_return_if_fail(a != NULL);
  g_return_if_fail(fits_blasint(a->rows) && fits_blasint(a->cols) && fits_blasint(a->ld));
  size_t n_out = trans ? a->cols : a->rows;
  size_t n_in = trans ? a->rows : a->cols;
  if (n_out == 0)
    return;
  if (n_in == 0) {
    scale_vector(y, n_out, beta);
    return;
  }
  cblas_dgemv(CblasRowMajor, trans ? CblasTrans : CblasNoTrans, (blasint)a->rows, (blasint)a->cols,
              alpha, a->data, (blasint)a->ld, x, 1, beta, y, 1);
}
