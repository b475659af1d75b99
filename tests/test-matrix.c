/* test-matrix.c — matrix views and owned blocks, copies across leading dimensions, the finite
 * and shape checks with their messages, gemm/gemv against a naive triple loop on strided
 * views in every transpose combination, and row dots: right, and the same bits for a row
 * wherever it sits.
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <plum/plum.h>

static void
test_view(void)
{
  double data[12];
  for (size_t i = 0; i < G_N_ELEMENTS(data); i++)
    data[i] = (double)i;
  PlumMatrix m = plum_matrix_view(data, 3, 4, 0);
  g_assert_cmpuint(m.ld, ==, 4);
  g_assert_cmpfloat(PLUM_MATRIX_AT(&m, 2, 1), ==, 9);

  PlumMatrix strided = plum_matrix_view(data, 4, 2, 3);
  g_assert_cmpfloat(PLUM_MATRIX_AT(&strided, 3, 1), ==, 10);

  PlumMatrix rows = plum_matrix_rows(&m, 1, 2);
  g_assert_cmpuint(rows.rows, ==, 2);
  g_assert_cmpuint(rows.cols, ==, 4);
  g_assert_true(rows.data == data + 4);
  g_assert_cmpfloat(PLUM_MATRIX_AT(&rows, 1, 3), ==, 11);
  PlumMatrix none = plum_matrix_rows(&m, 3, 0);
  g_assert_cmpuint(none.rows, ==, 0);
}

static void
test_new_copy_fill(void)
{
  GError *error = NULL;
  PlumMatrix *m = plum_matrix_new(3, 5, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(m->ld, ==, 5);
  for (size_t i = 0; i < 15; i++)
    g_assert_cmpfloat(m->data[i], ==, 0.0);
  g_assert_true((uintptr_t)m->data % sizeof(double) == 0);

  /* a 3 x 2 view with ld 5 inside m, copied out compact */
  PlumMatrix inner = plum_matrix_view(m->data + 1, 3, 2, 5);
  plum_matrix_fill(&inner, 7.0);
  PLUM_MATRIX_AT(&inner, 2, 1) = -1.0;
  g_assert_cmpfloat(PLUM_MATRIX_AT(m, 0, 0), ==, 0.0);
  g_assert_cmpfloat(PLUM_MATRIX_AT(m, 0, 3), ==, 0.0);
  PlumMatrix *copy = plum_matrix_copy(&inner, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(copy->ld, ==, 2);
  g_assert_cmpfloat(PLUM_MATRIX_AT(copy, 1, 0), ==, 7.0);
  g_assert_cmpfloat(PLUM_MATRIX_AT(copy, 2, 1), ==, -1.0);

  /* copy_into checks the shape, and says so */
  PlumMatrix *wrong = plum_matrix_new(2, 3, &error);
  g_assert_false(plum_matrix_copy_into(copy, wrong, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE);
  g_assert_cmpstr(error->message, ==, "copy destination: expected 3 x 2, found 2 x 3");
  g_clear_error(&error);

  PlumMatrix *empty = plum_matrix_new(0, 4, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(empty->rows, ==, 0);

  plum_matrix_free(empty);
  plum_matrix_free(wrong);
  plum_matrix_free(copy);
  plum_matrix_free(m);
}

static void
test_new_too_large(void)
{
  GError *error = NULL;
  g_assert_null(plum_matrix_new(SIZE_MAX / 2, 3, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE);
  g_assert_nonnull(strstr(error->message, "too large"));
  g_clear_error(&error);
}

static void
test_finite(void)
{
  double data[] = {1, 2, 3, 4, 5, 6};
  PlumMatrix m = plum_matrix_view(data, 2, 3, 0);
  GError *error = NULL;
  size_t row = 99, col = 99;
  g_assert_true(plum_matrix_all_finite(&m, &row, &col));
  g_assert_cmpuint(row, ==, 99);
  g_assert_true(plum_matrix_check_finite(&m, "X", &error));
  g_assert_no_error(error);

  data[5] = INFINITY;
  data[4] = NAN;
  g_assert_false(plum_matrix_all_finite(&m, &row, &col));
  g_assert_cmpuint(row, ==, 1);
  g_assert_cmpuint(col, ==, 1);
  g_assert_false(plum_matrix_check_finite(&m, "X", &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_NONFINITE);
  g_assert_cmpstr(error->message, ==,
                  "X: non-finite value nan at row 1, column 1 (counting from 0)");
  g_clear_error(&error);

  /* the part of a strided view outside it is not looked at */
  PlumMatrix left = plum_matrix_view(data, 2, 1, 3);
  g_assert_true(plum_matrix_all_finite(&left, NULL, NULL));

  /* large matrices are probed span by span: the first bad element is found wherever it is,
   * contiguous or strided, and -0 and huge values are finite */
  PlumMatrix *big = plum_matrix_new(3001, 7, NULL);
  plum_matrix_fill(big, -0.0);
  PLUM_MATRIX_AT(big, 0, 0) = DBL_MAX;
  g_assert_true(plum_matrix_all_finite(big, NULL, NULL));
  PLUM_MATRIX_AT(big, 3000, 6) = -INFINITY;
  PLUM_MATRIX_AT(big, 1234, 5) = NAN;
  g_assert_false(plum_matrix_all_finite(big, &row, &col));
  g_assert_cmpuint(row, ==, 1234);
  g_assert_cmpuint(col, ==, 5);
  PlumMatrix strided = plum_matrix_view(big->data, 3001, 5, 7); /* columns 0-4 only */
  g_assert_true(plum_matrix_all_finite(&strided, NULL, NULL));
  PLUM_MATRIX_AT(big, 2999, 4) = INFINITY;
  g_assert_false(plum_matrix_all_finite(&strided, &row, &col));
  g_assert_cmpuint(row, ==, 2999);
  g_assert_cmpuint(col, ==, 4);
  plum_matrix_free(big);
}

static void
test_shape(void)
{
  double data[6] = {0};
  PlumMatrix m = plum_matrix_view(data, 2, 3, 0);
  GError *error = NULL;
  g_assert_true(plum_matrix_check_shape(&m, 2, 3, "W", &error));
  g_assert_true(plum_matrix_check_shape(&m, 0, 3, "W", &error));
  g_assert_true(plum_matrix_check_shape(&m, 2, 0, "W", &error));
  g_assert_no_error(error);
  g_assert_false(plum_matrix_check_shape(&m, 0, 4, "W", &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE);
  g_assert_cmpstr(error->message, ==, "W: expected any x 4, found 2 x 3");
  g_clear_error(&error);
}

/* Fills a rows x cols view with ld = cols + 2 (garbage in the gap) from a fixed sequence. */
static PlumMatrix
strided_matrix(size_t rows, size_t cols, double seed)
{
  size_t ld = cols + 2;
  double *data = g_new(double, MAX(rows * ld, 1));
  for (size_t i = 0; i < rows * ld; i++)
    data[i] = (i % ld) < cols ? sin(seed + (double)i) : NAN;
  return plum_matrix_view(data, rows, cols, ld);
}

static double
op_at(const PlumMatrix *m, gboolean trans, size_t i, size_t j)
{
  return trans ? PLUM_MATRIX_AT(m, j, i) : PLUM_MATRIX_AT(m, i, j);
}

static void
check_gemm(gboolean ta, gboolean tb, size_t m, size_t n, size_t k)
{
  PlumMatrix a = ta ? strided_matrix(k, m, 1.0) : strided_matrix(m, k, 1.0);
  PlumMatrix b = tb ? strided_matrix(n, k, 2.0) : strided_matrix(k, n, 2.0);
  PlumMatrix c = strided_matrix(m, n, 3.0);
  PlumMatrix expected = strided_matrix(m, n, 3.0);
  for (size_t i = 0; i < m; i++) {
    for (size_t j = 0; j < n; j++) {
      double sum = 0.0;
      for (size_t l = 0; l < k; l++)
        sum += op_at(&a, ta, i, l) * op_at(&b, tb, l, j);
      PLUM_MATRIX_AT(&expected, i, j) = 1.5 * sum + 0.5 * PLUM_MATRIX_AT(&expected, i, j);
    }
  }
  GError *error = NULL;
  g_assert_true(plum_matrix_gemm(ta, tb, 1.5, &a, &b, 0.5, &c, &error));
  g_assert_no_error(error);
  for (size_t i = 0; i < m; i++) {
    for (size_t j = 0; j < n; j++)
      g_assert_cmpfloat_with_epsilon(PLUM_MATRIX_AT(&c, i, j), PLUM_MATRIX_AT(&expected, i, j),
                                     1e-12);
  }
  g_free(a.data);
  g_free(b.data);
  g_free(c.data);
  g_free(expected.data);
}

static void
test_gemm(void)
{
  for (int t = 0; t < 4; t++) {
    check_gemm(t & 1, t & 2, 5, 4, 3);
    check_gemm(t & 1, t & 2, 1, 7, 6);
    check_gemm(t & 1, t & 2, 3, 2, 0); /* k == 0: C = beta * C */
  }
}

static void
test_gemm_shapes(void)
{
  double da[6] = {0}, db[6] = {0}, dc[9] = {0};
  PlumMatrix a = plum_matrix_view(da, 2, 3, 0);
  PlumMatrix b = plum_matrix_view(db, 2, 3, 0);
  PlumMatrix c = plum_matrix_view(dc, 2, 2, 0);
  GError *error = NULL;
  g_assert_false(plum_matrix_gemm(FALSE, FALSE, 1.0, &a, &b, 0.0, &c, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE);
  g_assert_cmpstr(error->message, ==, "gemm: op(A) is 2 x 3, op(B) is 2 x 3, C is 2 x 2");
  g_clear_error(&error);
  g_assert_true(plum_matrix_gemm(FALSE, TRUE, 1.0, &a, &b, 0.0, &c, &error));
  g_assert_no_error(error);
  PlumMatrix c3 = plum_matrix_view(dc, 3, 3, 0);
  g_assert_false(plum_matrix_gemm(TRUE, FALSE, 1.0, &a, &b, 0.0, &c, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE);
  g_clear_error(&error);
  g_assert_true(plum_matrix_gemm(TRUE, FALSE, 1.0, &a, &b, 0.0, &c3, &error));
}

static void
test_gemv(void)
{
  PlumMatrix a = strided_matrix(4, 3, 1.0);
  double x4[4] = {1, -2, 0.5, 3}, x3[3] = {2, 1, -1};
  for (int trans = 0; trans < 2; trans++) {
    const double *x = trans ? x4 : x3;
    size_t n_out = trans ? 3 : 4, n_in = trans ? 4 : 3;
    double y[4] = {1, 2, 3, 4}, expected[4];
    for (size_t i = 0; i < n_out; i++) {
      double sum = 0.0;
      for (size_t l = 0; l < n_in; l++)
        sum += op_at(&a, trans, i, l) * x[l];
      expected[i] = 2.0 * sum - y[i];
    }
    plum_matrix_gemv(trans, 2.0, &a, x, -1.0, y);
    for (size_t i = 0; i < n_out; i++)
      g_assert_cmpfloat_with_epsilon(y[i], expected[i], 1e-12);
  }
  /* no columns: y = beta * y, and beta == 0 clears y without reading it */
  PlumMatrix empty = plum_matrix_view(NULL, 2, 0, 0);
  double y[2] = {NAN, 4};
  plum_matrix_gemv(FALSE, 1.0, &empty, NULL, 0.0, y);
  g_assert_cmpfloat(y[0], ==, 0.0);
  g_assert_cmpfloat(y[1], ==, 0.0);
  g_free(a.data);
}

/* plum_matrix_row_dots against a plain sum for every width up to 40 (its blocks of 8 columns and
 * the elements left over, in groups of four rows and the rows left over), on a strided view with
 * alpha, beta and incy, and each row's result bit for bit the same computed alone, among others, or
 * offset in memory. */
static void
test_row_dots(void)
{
  const size_t rows = 37, ld = 45;
  double *data = g_new(double, rows * ld + 8), x[41];
  for (size_t i = 0; i < rows * ld + 8; i++)
    data[i] = sin(0.37 * (double)i) * (1.0 + (double)(i % 7));
  for (size_t j = 0; j < G_N_ELEMENTS(x); j++)
    x[j] = cos(0.11 * (double)j) - 0.25;
  for (size_t d = 0; d <= 40; d++) {
    PlumMatrix a = plum_matrix_view(data, rows, d, ld);
    double y[2 * 37], alone;
    for (size_t i = 0; i < rows; i++)
      y[2 * i] = (double)i;
    plum_matrix_row_dots(2.0, &a, x, 0.5, y, 2);
    for (size_t i = 0; i < rows; i++) {
      double want = 0;
      for (size_t j = 0; j < d; j++)
        want += PLUM_MATRIX_AT(&a, i, j) * x[j];
      want = 2.0 * want + 0.5 * (double)i;
      g_assert_cmpfloat_with_epsilon(y[2 * i], want, 1e-12 * (1.0 + fabs(want)));
      PlumMatrix one = plum_matrix_rows(&a, i, 1);
      alone = (double)i;
      plum_matrix_row_dots(2.0, &one, x, 0.5, &alone, 1);
      g_assert_true(memcmp(&alone, &y[2 * i], sizeof alone) == 0);
    }
    /* the same values one element further on in memory: a different alignment */
    if (d > 0) {
      double *moved = g_new(double, rows * ld + 1), y2[37];
      memcpy(moved + 1, data, rows * ld * sizeof *moved);
      PlumMatrix b = plum_matrix_view(moved + 1, rows, d, ld);
      for (size_t i = 0; i < rows; i++)
        y2[i] = (double)i;
      plum_matrix_row_dots(2.0, &b, x, 0.5, y2, 1);
      for (size_t i = 0; i < rows; i++)
        g_assert_true(memcmp(&y2[i], &y[2 * i], sizeof y2[i]) == 0);
      g_free(moved);
    }
  }
  /* beta 0 never reads y (it may hold NaN) */
  PlumMatrix a = plum_matrix_view(data, rows, 5, ld);
  double y[37];
  for (size_t i = 0; i < rows; i++)
    y[i] = NAN;
  plum_matrix_row_dots(1.0, &a, x, 0.0, y, 1);
  for (size_t i = 0; i < rows; i++)
    g_assert_true(isfinite(y[i]));
  g_free(data);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/matrix/view", test_view);
  g_test_add_func("/matrix/new-copy-fill", test_new_copy_fill);
  g_test_add_func("/matrix/new-too-large", test_new_too_large);
  g_test_add_func("/matrix/finite", test_finite);
  g_test_add_func("/matrix/shape", test_shape);
  g_test_add_func("/matrix/gemm", test_gemm);
  g_test_add_func("/matrix/gemm-shapes", test_gemm_shapes);
  g_test_add_func("/matrix/gemv", test_gemv);
  g_test_add_func("/matrix/row-dots", test_row_dots);
  return g_test_run();
}
