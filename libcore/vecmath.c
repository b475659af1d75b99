/* vecmath.c — the vector variants of plum_vec_exp and plum_vec_log (see vecmath.h), on SLEEF.
 *
 * GCC's x86 vector ABI names a variant _ZGV<isa>N<lanes>v_<name>, the vector in its first
 * register and the result in the same: isa b is SSE2, c AVX, d AVX2, e AVX-512. Each is SLEEF's
 * function for that instruction set, called by name, so a variant never runs code its ISA does
 * not promise (the AVX2 ones use FMA, which every AVX2 processor has). exp is SLEEF's within
 * 1 ulp (it has no faster one); log is within 3.5 ulps, twice as fast as SLEEF's 1-ulp log and
 * as close as glibc's libmvec (4). These are exported for the built-in plugins, not part of the
 * SDK.
 */
#include "config.h"

#define PLUM_VECMATH_DEFINE 1
#include "vecmath.h"

#ifdef PLUM_HAVE_VEC_MATH
/* sleef.h declares each instruction set's functions only where the compiler targets it. */
#pragma GCC push_options
#pragma GCC target("avx,avx2,fma,avx512f")
#include <immintrin.h>
#include <sleef.h>
#pragma GCC pop_options

double
plum_vec_exp(double x)
{
  return exp(x);
}

double
plum_vec_log(double x)
{
  return log(x);
}

/* The variants have the ABI's names, which no header declares. */
#define VARIANTS(name, ulps)                                                                       \
  __m128d _ZGVbN2v_plum_vec_##name(__m128d x);                                                     \
  __m128d _ZGVbN2v_plum_vec_##name(__m128d x)                                                      \
  {                                                                                                \
    return Sleef_##name##d2_##ulps##sse2(x);                                                       \
  }                                                                                                \
  __attribute__((target("avx"))) __m256d _ZGVcN4v_plum_vec_##name(__m256d x);                      \
  __attribute__((target("avx"))) __m256d _ZGVcN4v_plum_vec_##name(__m256d x)                       \
  {                                                                                                \
    return Sleef_##name##d4_##ulps##avx(x);                                                        \
  }                                                                                                \
  __attribute__((target("avx2,fma"))) __m256d _ZGVdN4v_plum_vec_##name(__m256d x);                 \
  __attribute__((target("avx2,fma"))) __m256d _ZGVdN4v_plum_vec_##name(__m256d x)                  \
  {                                                                                                \
    return Sleef_##name##d4_##ulps##avx2(x);                                                       \
  }                                                                                                \
  __attribute__((target("avx512f"))) __m512d _ZGVeN8v_plum_vec_##name(__m512d x);                  \
  __attribute__((target("avx512f"))) __m512d _ZGVeN8v_plum_vec_##name(__m512d x)                   \
  {                                                                                                \
    return Sleef_##name##d8_##ulps##avx512f(x);                                                    \
  }

VARIANTS(exp, u10)
VARIANTS(log, u35)
#endif
