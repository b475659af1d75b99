/* test-linmodel.c — the block products that glm and logistic_regression build their passes on
 * (plugins/models/linmodel.c): Xᵀr (with the intercept's sum) and the weighted least-squares
 * system (the normal matrix with Aᵀz, or without) against plain sums, for every width that
 * exercises their 8-column tiles and the columns left over, with and without the intercept, on
 * strided views, leaving G's lower triangle and what lies past p alone.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <plum/plum.h>

#include "../plugins/models/linmodel.h"

/* A deterministic matrix of values in about [-2, 2], with leading dimension ld >= cols. */
static double *
filled(size_t rows, size_t ld, double phase)
{
  double *data = g_new(double, MAX(rows * ld, 1));
  for (size_t i = 0; i < rows * ld; i++)
    data[i] = 2.0 * sin(phase + 0.731 * (double)i);
  return data;
}

static void
test_add_xt_r(void)
{
  const size_t counts[] = {0, 1, 3, 4, 5, 9, 256, 261};
  for (size_t d = 1; d <= 35; d++)
    for (size_t c = 0; c < G_N_ELEMENTS(counts); c++)
      for (int intercept = 0; intercept <= 1; intercept++) {
        size_t m = counts[c], ld = d + 3;
        double *data = filled(m, ld, (double)d), *r = filled(m, 1, 0.5);
        PlumMatrix X = plum_matrix_view(data, m, d, ld);
        /* one entry past d: the intercept's when asked for, else left alone */
        double g[36], want[36];
        for (size_t j = 0; j <= d; j++)
          g[j] = want[j] = (double)j - 3.0;
        for (size_t i = 0; i < m; i++) {
          for (size_t j = 0; j < d; j++)
            want[j] += r[i] * PLUM_MATRIX_AT(&X, i, j);
          if (intercept)
            want[d] += r[i];
        }
        linmodel_add_xt_r(&X, r, intercept, g);
        for (size_t j = 0; j <= d; j++)
          g_assert_cmpfloat_with_epsilon(g[j], want[j], 1e-11 * (1.0 + fabs(want[j])));
        if (!intercept)
          g_assert_cmpfloat(g[d], ==, (double)d - 3.0);
        g_free(data);
        g_free(r);
      }
}

static void
test_weighted_system(void)
{
  const size_t counts[] = {0, 1, 2, 7, 8, 33, 256};
  size_t widths[28];
  for (size_t i = 0; i < 27; i++)
    widths[i] = i + 1;
  widths[27] = 70; /* many tiles */
  for (size_t wi = 0; wi < G_N_ELEMENTS(widths); wi++)
    for (size_t c = 0; c < G_N_ELEMENTS(counts); c++)
      for (int intercept = 0; intercept <= 1; intercept++)
        for (int with_z = 0; with_z <= 1; with_z++) {
          size_t d = widths[wi], m = counts[c], ld = d + 1, p = d + (size_t)intercept, ldg = p + 2;
          double *data = filled(m, ld, 0.3 * (double)d), *s = filled(m, 1, 1.7);
          double *z = with_z ? filled(m, 1, 2.9) : NULL;
          for (size_t i = 0; i < m; i++)
            s[i] = fabs(s[i]); /* weights are >= 0 */
          PlumMatrix X = plum_matrix_view(data, m, d, ld);
          double *G = g_new(double, p * ldg), *want = g_new(double, p * ldg);
          double *rhs = g_new(double, p + 1), *want_rhs = g_new(double, p + 1);
          for (size_t i = 0; i < p * ldg; i++)
            G[i] = want[i] = 0.01 * (double)i;
          for (size_t i = 0; i <= p; i++)
            rhs[i] = want_rhs[i] = -0.5 * (double)i;
          for (size_t a = 0; a < p; a++) {
            for (size_t b = a; b < p; b++)
              for (size_t k = 0; k < m; k++) {
                double xa = a < d ? PLUM_MATRIX_AT(&X, k, a) : 1.0;
                double xb = b < d ? PLUM_MATRIX_AT(&X, k, b) : 1.0;
                want[a * ldg + b] += s[k] * xa * xb;
              }
            for (size_t k = 0; z && k < m; k++)
              want_rhs[a] += z[k] * (a < d ? PLUM_MATRIX_AT(&X, k, a) : 1.0);
          }
          linmodel_add_weighted_system(&X, s, z, intercept, G, ldg, z ? rhs : NULL);
          for (size_t a = 0; a < p; a++)
            for (size_t b = 0; b < ldg; b++) {
              double got = G[a * ldg + b], w = want[a * ldg + b];
              if (b >= a && b < p)
                g_assert_cmpfloat_with_epsilon(got, w, 1e-11 * (1.0 + fabs(w)));
              else /* the strict lower triangle and the padding are not touched */
                g_assert_cmpfloat(got, ==, w);
            }
          for (size_t a = 0; a <= p; a++) {
            if (a < p) /* Aᵀz added; nothing without z */
              g_assert_cmpfloat_with_epsilon(rhs[a], want_rhs[a],
                                             1e-11 * (1.0 + fabs(want_rhs[a])));
            else /* past p: not touched */
              g_assert_cmpfloat(rhs[a], ==, want_rhs[a]);
          }
          g_free(G);
          g_free(want);
          g_free(rhs);
          g_free(want_rhs);
          g_free(data);
          g_free(s);
          g_free(z);
        }
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/linmodel/add-xt-r", test_add_xt_r);
  g_test_add_func("/linmodel/weighted-system", test_weighted_system);
  return g_test_run();
}
