/* plum/matrix.h — dense row-major double matrices.
 *
 * A PlumMatrix is a plain view: data, rows, cols and a leading dimension (elements between the
 * starts of two consecutive rows, >= cols). Views never own memory; plum_matrix_new() returns a
 * matrix whose block (struct and data together) is released by plum_matrix_free(). Matrices cross
 * the plugin boundary as views, so a plugin never frees what it did not allocate.
 */
#ifndef PLUM_MATRIX_H
#define PLUM_MATRIX_H

#include <stddef.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct PlumMatrix {
  double *data;
  size_t rows;
  size_t cols;
  size_t ld; /* leading dimension: row i starts at data + i * ld */
} PlumMatrix;

#define PLUM_MATRIX_AT(m, i, j) ((m)->data[(size_t)(i) * (m)->ld + (size_t)(j)])
#define PLUM_MATRIX_ROW(m, i) ((m)->data + (size_t)(i) * (m)->ld)

/* A view on caller memory; ld == 0 means ld = cols. */
PlumMatrix plum_matrix_view(double *data, size_t rows, size_t cols, size_t ld);
/* The rows [begin, begin + n) of m, sharing its memory. */
PlumMatrix plum_matrix_rows(const PlumMatrix *m, size_t begin, size_t n);

/* (transfer full) A zero-filled rows x cols matrix with ld == cols. NULL (with error) when the
 * size overflows or memory is short. */
PlumMatrix *plum_matrix_new(size_t rows, size_t cols, GError **error);
/* (transfer full) A compact copy of m. */
PlumMatrix *plum_matrix_copy(const PlumMatrix *m, GError **error);
void plum_matrix_free(PlumMatrix *m);

void plum_matrix_fill(PlumMatrix *m, double value);
/* Copies src into dst; shapes must agree (checked, returns FALSE with PLUM_DATA_ERROR_SHAPE). */
gboolean plum_matrix_copy_into(const PlumMatrix *src, PlumMatrix *dst, GError **error);

/* TRUE when every element is finite; otherwise FALSE and the first offender in row/col. */
gboolean plum_matrix_all_finite(const PlumMatrix *m, size_t *row_out, size_t *col_out);
/* Fails with PLUM_DATA_ERROR_NONFINITE naming `what`, the row and the column. */
gboolean plum_matrix_check_finite(const PlumMatrix *m, const char *what, GError **error);
/* Fails with PLUM_DATA_ERROR_SHAPE unless m is rows x cols (a 0 means "any"). */
gboolean plum_matrix_check_shape(const PlumMatrix *m, size_t rows, size_t cols, const char *what,
                                 GError **error);

/* C = alpha * op(A) op(B) + beta * C through cblas_dgemm; shapes are checked. */
gboolean plum_matrix_gemm(gboolean trans_a, gboolean trans_b, double alpha, const PlumMatrix *a,
                          const PlumMatrix *b, double beta, PlumMatrix *c, GError **error);
/* y[i * incy] = alpha * a_iᵀ x + beta * y[i * incy] for each row a_i of A, every row's sum
 * taken the same way wherever the row sits. Use it for predictions: dgemv's kernels sum a group
 * of rows and the rows left over differently, so a row's score would change in its last bits
 * with the rows predicted beside it. Parallel over rows. */
void plum_matrix_row_dots(double alpha, const PlumMatrix *a, const double *x, double beta,
                          double *y, size_t incy);
/* y = alpha * op(A) x + beta * y through cblas_dgemv (x and y are contiguous vectors). */
void plum_matrix_gemv(gboolean trans, double alpha, const PlumMatrix *a, const double *x,
                      double beta, double *y);

G_END_DECLS

#endif /* PLUM_MATRIX_H */
