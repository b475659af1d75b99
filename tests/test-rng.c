/* test-rng.c — the seeded generator: its stream is the reference Mersenne Twister (checked
 * against values from Python's random module, an independent MT19937 seeded the same way), it
 * is reproducible, and its derived draws have the ranges and moments they promise. Every check
 * uses fixed seeds, so the statistical bounds (several standard errors wide) cannot flake.
 */
#include "config.h"

#include <math.h>

#include <plum/plum.h>

/* python3 -c 'import random; r = random.Random(0x0123456789ABCDEF);
 *             print([r.getrandbits(32) for _ in range(5)])'
 * Python seeds MT19937 with init_by_array over the 32-bit words of the seed, low word first,
 * as plum does. */
static void
test_reference_stream(void)
{
  static const guint32 expected[] = {3851240871u, 1496727489u, 1688815724u, 1191980605u,
                                     3705741621u};
  PlumRng *rng = plum_rng_new(G_GUINT64_CONSTANT(0x0123456789ABCDEF));
  g_assert_cmpuint(plum_rng_seed(rng), ==, G_GUINT64_CONSTANT(0x0123456789ABCDEF));
  for (size_t i = 0; i < G_N_ELEMENTS(expected); i++)
    g_assert_cmpuint(plum_rng_u32(rng), ==, expected[i]);
  plum_rng_free(rng);
}

static void
test_reproducible(void)
{
  PlumRng *a = plum_rng_new(42), *b = plum_rng_new(42);
  for (int i = 0; i < 1000; i++) {
    g_assert_cmpfloat(plum_rng_uniform(a), ==, plum_rng_uniform(b));
    g_assert_cmpfloat(plum_rng_normal(a), ==, plum_rng_normal(b));
    g_assert_cmpuint(plum_rng_below(a, 1000), ==, plum_rng_below(b, 1000));
  }
  plum_rng_free(a);
  plum_rng_free(b);

  /* the high half of the seed counts too */
  PlumRng *low = plum_rng_new(1), *high = plum_rng_new(G_GUINT64_CONSTANT(1) | (1ull << 32));
  gboolean differ = FALSE;
  for (int i = 0; i < 4; i++)
    differ |= plum_rng_u32(low) != plum_rng_u32(high);
  g_assert_true(differ);
  plum_rng_free(low);
  plum_rng_free(high);
}

static void
test_uniform(void)
{
  PlumRng *rng = plum_rng_new(7);
  double sum = 0.0;
  gboolean finer_than_32_bits = FALSE;
  const int n = 100000;
  for (int i = 0; i < n; i++) {
    double u = plum_rng_uniform(rng);
    g_assert_cmpfloat(u, >=, 0.0);
    g_assert_cmpfloat(u, <, 1.0);
    double scaled = u * 9007199254740992.0; /* 2^53: always an integer */
    g_assert_cmpfloat(scaled, ==, floor(scaled));
    finer_than_32_bits |= u * 4294967296.0 != floor(u * 4294967296.0);
    sum += u;
  }
  g_assert_true(finer_than_32_bits);
  g_assert_cmpfloat(fabs(sum / n - 0.5), <, 5.0 * sqrt(1.0 / 12.0 / n));
  plum_rng_free(rng);
}

static void
test_below(void)
{
  PlumRng *rng = plum_rng_new(11);
  for (int i = 0; i < 100; i++)
    g_assert_cmpuint(plum_rng_below(rng, 1), ==, 0);

  const int n = 30000;
  size_t counts[3] = {0};
  for (int i = 0; i < n; i++)
    counts[plum_rng_below(rng, 3)]++;
  for (int c = 0; c < 3; c++)
    g_assert_cmpfloat(fabs((double)counts[c] - n / 3.0), <, 5.0 * sqrt(n * 2.0 / 9.0));

  /* with n = 3 * 2^30, a plain modulo would put half of all draws below 2^30, not a third */
  size_t big = (size_t)3 << 30, low = 0;
  for (int i = 0; i < n; i++) {
    size_t r = plum_rng_below(rng, big);
    g_assert_cmpuint(r, <, big);
    low += r < ((size_t)1 << 30);
  }
  g_assert_cmpfloat(fabs((double)low / n - 1.0 / 3.0), <, 5.0 * sqrt(2.0 / 9.0 / n));

  /* past 32 bits */
  size_t huge = ((size_t)1 << 40) + 3;
  gboolean above_32_bits = FALSE;
  for (int i = 0; i < 100; i++) {
    size_t r = plum_rng_below(rng, huge);
    g_assert_cmpuint(r, <, huge);
    above_32_bits |= r > G_MAXUINT32;
  }
  g_assert_true(above_32_bits);
  plum_rng_free(rng);
}

static void
test_normal(void)
{
  PlumRng *rng = plum_rng_new(3);
  const int n = 200000;
  double sum = 0.0, sum2 = 0.0;
  for (int i = 0; i < n; i++) {
    double z = plum_rng_normal(rng);
    g_assert_true(isfinite(z));
    sum += z;
    sum2 += z * z;
  }
  double mean = sum / n, var = sum2 / n - mean * mean;
  g_assert_cmpfloat(fabs(mean), <, 5.0 / sqrt(n));
  g_assert_cmpfloat(fabs(var - 1.0), <, 5.0 * sqrt(2.0 / n));
  plum_rng_free(rng);
}

static void
test_shuffle(void)
{
  PlumRng *rng = plum_rng_new(5);
  size_t idx[100];
  for (size_t i = 0; i < 100; i++)
    idx[i] = i;
  plum_rng_shuffle(rng, idx, 100);
  gboolean seen[100] = {FALSE}, moved = FALSE;
  for (size_t i = 0; i < 100; i++) {
    g_assert_cmpuint(idx[i], <, 100);
    g_assert_false(seen[idx[i]]);
    seen[idx[i]] = TRUE;
    moved |= idx[i] != i;
  }
  g_assert_true(moved);
  plum_rng_shuffle(rng, NULL, 0);

  /* all 6 orders of 3 items, equally often */
  const int n = 60000;
  size_t counts[6] = {0};
  for (int i = 0; i < n; i++) {
    size_t three[3] = {0, 1, 2};
    plum_rng_shuffle(rng, three, 3);
    counts[three[0] * 2 + (three[1] > three[2])]++;
  }
  for (int c = 0; c < 6; c++)
    g_assert_cmpfloat(fabs((double)counts[c] - n / 6.0), <, 5.0 * sqrt(n * 5.0 / 36.0));
  plum_rng_free(rng);
}

static void
test_split(void)
{
  PlumRng *a = plum_rng_new(99), *b = plum_rng_new(99);
  PlumRng *child_a = plum_rng_split(a), *child_b = plum_rng_split(b);
  PlumRng *second = plum_rng_split(a);
  g_assert_cmpuint(plum_rng_seed(child_a), ==, plum_rng_seed(child_b));
  g_assert_cmpuint(plum_rng_seed(child_a), !=, plum_rng_seed(second));
  gboolean differs_from_parent = FALSE, differs_from_sibling = FALSE;
  for (int i = 0; i < 16; i++) {
    guint32 x = plum_rng_u32(child_a);
    g_assert_cmpuint(x, ==, plum_rng_u32(child_b));
    differs_from_parent |= x != plum_rng_u32(a);
    differs_from_sibling |= x != plum_rng_u32(second);
  }
  g_assert_true(differs_from_parent);
  g_assert_true(differs_from_sibling);
  plum_rng_free(second);
  plum_rng_free(child_a);
  plum_rng_free(child_b);
  plum_rng_free(a);
  plum_rng_free(b);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/rng/reference-stream", test_reference_stream);
  g_test_add_func("/rng/reproducible", test_reproducible);
  g_test_add_func("/rng/uniform", test_uniform);
  g_test_add_func("/rng/below", test_below);
  g_test_add_func("/rng/normal", test_normal);
  g_test_add_func("/rng/shuffle", test_shuffle);
  g_test_add_func("/rng/split", test_split);
  return g_test_run();
}
