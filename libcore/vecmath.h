/* vecmath.h — lets the compiler vectorise loops that call exp and log (libplum and plugins).
 *
 * glibc ships SIMD versions of exp and log (libmvec: 2 lanes with SSE2, 4 with AVX2, 8 with
 * AVX-512, within 4 ulps) but declares them to the vectoriser only under -ffast-math, which plum
 * does not use. A loop marked `#pragma omp simd` in a function marked PLUM_VEC_CLONES gets them
 * anyway: the declarations below tell GCC the vector variants exist (everything is compiled with
 * -fno-math-errno -fno-trapping-math, without which GCC treats the calls and the selects around
 * them as side effects and keeps the loop scalar), and the function is compiled three times,
 * for AVX-512 (x86-64-v4: libmvec's 8-lane variants, 1.6x faster than the 4-lane ones on the
 * bench machine), AVX2 and the x86-64 baseline, the CPU choosing at load time (an ifunc). Elsewhere
 * (clang, other architectures, no libmvec) the macros are empty and the loops stay scalar, with
 * the same results to within those ulps.
 *
 * Private to libplum and the built-in plugins (not installed); include it after <math.h>.
 */
#ifndef PLUM_VECMATH_H
#define PLUM_VECMATH_H

#include <math.h>

/* A function compiled for AVX-512, AVX2 and the x86-64 baseline, the CPU choosing at load time,
 * for loops of plain arithmetic (GCC on x86-64; elsewhere one ordinary function). A cloned
 * function must be static and called through a plain one: a hidden-visibility ifunc symbol does
 * not resolve in a module loaded by dlopen. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define PLUM_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#define PLUM_SIMD_CLONES
#endif

/* The same for loops that call exp and log, where libmvec gives them vector variants. */
#if defined(HAVE_LIBMVEC) && defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) &&    \
    defined(_OPENMP)
#pragma omp declare simd notinbranch
extern double exp(double);
#pragma omp declare simd notinbranch
extern double log(double);
#define PLUM_VEC_CLONES PLUM_SIMD_CLONES
#else
#define PLUM_VEC_CLONES
#endif

/* Elements per chunk of a position-independent loop. A vectorised loop's scalar remainder
 * rounds differently from its vector body (libm and libmvec differ in the last bits), so an
 * element's result would depend on where it sits in the array: a prediction would change with
 * the batch around it. Loops that compute predictions run in whole chunks instead, the last
 * one padded (PLUM_VEC_MAP). 8 is a whole number of vectors for SSE2, AVX2 and AVX-512 alike. */
#define PLUM_VEC_CHUNK 8

/* out[i] = F(in[i]) for i in [0, n), every element through the vector path; in and out may be
 * the same array; PAD is a harmless input for F (the padding lanes are discarded). */
#define PLUM_VEC_MAP(F, in, out, n, PAD)                                                           \
  do {                                                                                             \
    size_t full_ = (n) - (n) % PLUM_VEC_CHUNK;                                                     \
    for (size_t c_ = 0; c_ < full_; c_ += PLUM_VEC_CHUNK) {                                        \
      _Pragma("omp simd") for (size_t j_ = 0; j_ < PLUM_VEC_CHUNK; j_++)(out)[c_ + j_] =           \
          F((in)[c_ + j_]);                                                                        \
    }                                                                                              \
    if (full_ < (n)) {                                                                             \
      double a_[PLUM_VEC_CHUNK], r_[PLUM_VEC_CHUNK];                                               \
      for (size_t j_ = 0; j_ < PLUM_VEC_CHUNK; j_++)                                               \
        a_[j_] = full_ + j_ < (n) ? (in)[full_ + j_] : (PAD);                                      \
      _Pragma("omp simd") for (size_t j_ = 0; j_ < PLUM_VEC_CHUNK; j_++) r_[j_] = F(a_[j_]);       \
      for (size_t j_ = 0; full_ + j_ < (n); j_++)                                                  \
        (out)[full_ + j_] = r_[j_];                                                                \
    }                                                                                              \
  } while (0)

#endif /* PLUM_VECMATH_H */
