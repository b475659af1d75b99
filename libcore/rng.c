/* rng.c — the seedable generator every random choice in plum draws from. It wraps GLib's
 * Mersenne Twister, seeded from both halves of the 64-bit seed, and derives every other
 * distribution from 32-bit draws with integer arithmetic, so a seed gives the same numbers on
 * every platform and GLib version (g_rand_double and g_rand_int_range are avoided for that
 * reason: their algorithms are GLib's to change).
 */
#include "config.h"

#include <math.h>

#include <plum/rng.h>

struct PlumRng {
  GRand *rand;
  guint64 seed;
  gboolean has_spare; /* the polar method yields normals in pairs */
  double spare;
};

PlumRng *
plum_rng_new(guint64 seed)
{
  const guint32 words[2] = {(guint32)(seed & 0xffffffffu), (guint32)(seed >> 32)};
  PlumRng *rng = g_new0(PlumRng, 1);
  rng->rand = g_rand_new_with_seed_array(words, G_N_ELEMENTS(words));
  rng->seed = seed;
  return rng;
}

void
plum_rng_free(PlumRng *rng)
{
  if (rng == NULL)
    return;
  g_rand_free(rng->rand);
  g_free(rng);
}

guint64
plum_rng_seed(const PlumRng *rng)
{
  g_return_val_if_fail(rng != NULL, 0);
  return rng->seed;
}

guint32
plum_rng_u32(PlumRng *rng)
{
  g_return_val_if_fail(rng != NULL, 0);
  return g_rand_int(rng->rand);
}

static guint64
rng_u64(PlumRng *rng)
{
  guint64 high = plum_rng_u32(rng);
  return (high << 32) | plum_rng_u32(rng);
}

PlumRng *
plum_rng_split(PlumRng *rng)
{
  g_return_val_if_fail(rng != NULL, NULL);
  return plum_rng_new(rng_u64(rng));
}

double
plum_rng_uniform(PlumRng *rng)
{
  /* 27 + 26 bits make a full 53-bit mantissa: every multiple of 2^-53 in [0, 1) is equally
   * likely. */
  double high = (double)(plum_rng_u32(rng) >> 5);
  double low = (double)(plum_rng_u32(rng) >> 6);
  return (high * 67108864.0 + low) / 9007199254740992.0;
}

/* Rejection keeps the result unbiased: draws below 2^w mod n would fold onto the small
 * residues more often than the others. */
size_t
plum_rng_below(PlumRng *rng, size_t n)
{
  g_return_val_if_fail(rng != NULL && n > 0, 0);
  if (n <= G_MAXUINT32) {
    guint32 bound = (guint32)n;
    guint32 threshold = (guint32)(-bound) % bound;
    for (;;) {
      guint32 r = plum_rng_u32(rng);
      if (r >= threshold)
        return r % bound;
    }
  }
  guint64 bound = n;
  guint64 threshold = (guint64)(-bound) % bound;
  for (;;) {
    guint64 r = rng_u64(rng);
    if (r >= threshold)
      return (size_t)(r % bound);
  }
}

/* Marsaglia's polar method: exact, no trigonometry, and the second deviate of each pair is
 * kept for the next call. */
double
plum_rng_normal(PlumRng *rng)
{
  g_return_val_if_fail(rng != NULL, 0.0);
  if (rng->has_spare) {
    rng->has_spare = FALSE;
    return rng->spare;
  }
  double u, v, s;
  do {
    u = 2.0 * plum_rng_uniform(rng) - 1.0;
    v = 2.0 * plum_rng_uniform(rng) - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  double f = sqrt(-2.0 * log(s) / s);
  rng->spare = v * f;
  rng->has_spare = TRUE;
  return u * f;
}

void
plum_rng_shuffle(PlumRng *rng, size_t *idx, size_t n)
{
  g_return_if_fail(rng != NULL && (idx != NULL || n == 0));
  for (size_t i = n; i > 1; i--) {
    size_t j = plum_rng_below(rng, i);
    size_t tmp = idx[i - 1];
    idx[i - 1] = idx[j];
    idx[j] = tmp;
  }
}
