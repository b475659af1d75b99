/* vecmath.h — lets the compiler vectorise loops that call exp and log (libplum and plugins).
 *
 * glibc ships SIMD versions of exp and log (libmvec: 2 lanes with SSE2, 4 with AVX2, within 4
 * ulps) but declares them to the vectoriser only under -ffast-math, which plum does not use. A
 * loop marked `#pragma omp simd` in a function marked PLUM_VEC_CLONES gets them anyway: the
 * declarations below tell GCC the vector variants exist (everything is compiled with
 * -fno-math-errno -fno-trapping-math, without which GCC treats the calls and the selects around
 * them as side effects and keeps the loop scalar), and the function is compiled twice,
 * for AVX2 and for the x86-64 baseline, the CPU choosing at load time (an ifunc). Elsewhere
 * (clang, other architectures, no libmvec) the macros are empty and the loops stay scalar, with
 * the same results to within those ulps.
 *
 * Private to libplum and the built-in plugins (not installed); include it after <math.h>.
 */
#ifndef PLUM_VECMATH_H
#define PLUM_VECMATH_H

#include <math.h>

#if defined(HAVE_LIBMVEC) && defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    defined(_OPENMP)
#pragma omp declare simd notinbranch
extern double exp(double);
#pragma omp declare simd notinbranch
extern double log(double);
#define PLUM_VEC_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define PLUM_VEC_CLONES
#endif

#endif /* PLUM_VECMATH_H */
