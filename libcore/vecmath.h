/* vecmath.h — lets the compiler vectorise loops that call exp and log (libplum and plugins).
 *
 * Such loops call plum_vec_exp and plum_vec_log. Declared with `omp declare simd`, they tell GCC
 * that vector variants exist under its vector ABI (_ZGVeN8v_plum_vec_exp: 8 lanes with
 * AVX-512, _ZGVdN4v_…: 4 with AVX2, _ZGVbN2v_…: 2 with SSE2), which libplum defines on SLEEF
 * (libcore/vecmath.c; exp within 1 ulp, log within 3.5, as libmvec's within 4). A loop marked
 * `#pragma omp simd` in a function marked PLUM_VEC_CLONES then calls them: everything is compiled
 * with -fno-math-errno -fno-trapping-math, without which GCC treats the calls and the selects
 * around them as side effects and keeps the loop scalar, and the function is compiled three times,
 * for AVX-512 (x86-64-v4: the 8-lane variants, 1.6x faster than the 4-lane ones on the bench
 * machine), AVX2 and the x86-64 baseline, the CPU choosing at load time (an ifunc). The scalar
 * forms are libm's exp and log. Elsewhere (clang, other architectures, no SLEEF) the macros are
 * empty and the loops stay scalar, with the same results to within those ulps.
 *
 * Why not glibc's libmvec, which has exp and log under GCC's own names (_ZGVeN8v_exp) and which
 * plum used before: its AVX-512 exp looks its table up with a gather instruction, which AMD cores
 * run slowly (4x SLEEF's time on the bench machine, an AMD EPYC), and SLEEF's GNU-ABI library,
 * which exports the same names, cannot be linked beside it: ld adds libmvec (which libm.so's
 * link script names AS_NEEDED) to every module whose link sees a reference to those names, even
 * one the other library resolves, and the two, loaded together, bind each other's symbols and
 * crash at load.
 *
 * Private to libplum and the built-in plugins (not installed); include it after <math.h>.
 */
#ifndef PLUM_VECMATH_H
#define PLUM_VECMATH_H

#include <math.h>
#include <string.h>

/* A function compiled for AVX-512, AVX2 and the x86-64 baseline, the CPU choosing at load time,
 * for loops of plain arithmetic (GCC on x86-64; elsewhere one ordinary function). A cloned
 * function must be static and called through a plain one: a hidden-visibility ifunc symbol does
 * not resolve in a module loaded by dlopen. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define PLUM_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#define PLUM_SIMD_CLONES
#endif

/* The same for loops that call plum_vec_exp and plum_vec_log, where they have vector variants. They
 * are const, so GCC may compute them where a select discards the result (y > 0 ? y *
 * plum_vec_log(μ) : 0 vectorises), but a value computed unconditionally and used only under a
 * condition is moved under it, and a loop with a call under a condition does not vectorise: use the
 * value unconditionally (arithmetic on it, or a select of two values). */
#if defined(HAVE_SLEEF) && defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) &&      \
    defined(_OPENMP)
#define PLUM_HAVE_VEC_MATH 1
#ifndef PLUM_VECMATH_DEFINE /* vecmath.c defines the variants itself */
#pragma omp declare simd notinbranch
#endif
extern double plum_vec_exp(double x) __attribute__((const, nothrow, leaf));
#ifndef PLUM_VECMATH_DEFINE
#pragma omp declare simd notinbranch
#endif
extern double plum_vec_log(double x) __attribute__((const, nothrow, leaf));
#define PLUM_VEC_CLONES PLUM_SIMD_CLONES
#else
static inline double
plum_vec_exp(double x)
{
  return exp(x);
}
static inline double
plum_vec_log(double x)
{
  return log(x);
}
#define PLUM_VEC_CLONES
#endif

/* Four and eight doubles as GCC vector extensions, for the register-blocked kernels (row dots,
 * the finiteness probe, the normal matrix, k-means's nearest centre): a clone splits them into
 * what its instruction set holds (one AVX-512 register, two AVX2 ones, four SSE2 ones). Loaded
 * and stored by memcpy (no alignment is assumed), through macros: a function taking or
 * returning one would change ABI between the clones. */
typedef double PlumVec4 __attribute__((vector_size(4 * sizeof(double))));
typedef double PlumVec8 __attribute__((vector_size(8 * sizeof(double))));
#define PLUM_VEC_LOAD(v, p) memcpy(&(v), (p), sizeof(v))
#define PLUM_VEC_STORE(p, v) memcpy((p), &(v), sizeof(v))

/* Elements per chunk of a position-independent loop. A vectorised loop's scalar remainder
 * rounds differently from its vector body (libm and the vector library differ in the last bits), so
 * an element's result would depend on where it sits in the array: a prediction would change with
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
