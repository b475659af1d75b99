/* plum/rng.h — the one seedable random generator, always passed explicitly.
 *
 * Nothing in plum draws from a hidden global generator: whoever needs randomness is handed a
 * PlumRng, and the same seed gives the same stream on every platform (GLib's Mersenne Twister,
 * seeded from the 64-bit seed). plum_rng_split() derives independent child streams so parallel
 * work stays reproducible whatever the thread count.
 */
#ifndef PLUM_RNG_H
#define PLUM_RNG_H

#include <stddef.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct PlumRng PlumRng;

PlumRng *plum_rng_new(guint64 seed);
void plum_rng_free(PlumRng *rng);
guint64 plum_rng_seed(const PlumRng *rng);
/* (transfer full) A child generator whose stream depends only on this generator's state. */
PlumRng *plum_rng_split(PlumRng *rng);

guint32 plum_rng_u32(PlumRng *rng);
/* Uniform on [0, 1). */
double plum_rng_uniform(PlumRng *rng);
/* Uniform integer on [0, n); n > 0. */
size_t plum_rng_below(PlumRng *rng, size_t n);
/* Standard normal. */
double plum_rng_normal(PlumRng *rng);
/* Fisher–Yates shuffle of idx[0..n). */
void plum_rng_shuffle(PlumRng *rng, size_t *idx, size_t n);

G_END_DECLS

#endif /* PLUM_RNG_H */
