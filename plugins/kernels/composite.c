/* composite.c — kernels built from other kernels, nested to any depth:
 *
 *   sum       k(x, y) = Σ_c k_c(x, y)      kernels: [two or more kernels]
 *   product   k(x, y) = Π_c k_c(x, y)      kernels: [two or more kernels]
 *   scale     k(x, y) = f · k₀(x, y)        kernel: a kernel, factor: f (learnable, log space)
 *
 * e.g. `kernel: {sum: {kernels: [{product: {kernels: [constant, squared_exponential]}},
 * {white_noise: {level: 0.01}}]}}`. Children are reached only through the host services
 * (plum_kernel_gram and friends on the bindings in the params struct), so any kernel plugin —
 * another module's or a composite — can be a child. The learnable hyperparameters of a
 * composite are its children's, depth first in list order (and, for scale, the child's before
 * the factor), which is the order plum_binding_get_learnable packs them in; gram_gradient fills
 * dK in that order by the sum and product rules. Children's Gram matrices are recomputed for
 * the gradient (O(n²d) each, small beside the Cholesky factorisation that needs the gradient);
 * a product keeps every child's Gram matrix while it differentiates. A sum adds a child flagged
 * PLUM_CAP_KERNEL_DIAGONAL (white noise) through its diagonal alone.
 */
#include "config.h"

#include <plum/plugin.h>
#include <plum/registry.h>

#include "pairwise.h"

typedef struct {
  PlumBindingList kernels;
} ListParams;

typedef struct {
  PlumBinding *kernel;
  double factor;
} ScaleParams;

typedef enum {
  COMBINE_ADD,
  COMBINE_MUL,
} CombineOp;

static double
combine(CombineOp op, double a, double b)
{
  return op == COMBINE_ADD ? a + b : a * b;
}

/* K ← K + S or K ∘ S, elementwise. */
static void
combine_into(CombineOp op, PlumMatrix *K, const PlumMatrix *S)
{
  ptrdiff_t n = (ptrdiff_t)K->rows;
#pragma omp parallel for schedule(static)
  for (ptrdiff_t i = 0; i < n; i++) {
    double *k = PLUM_MATRIX_ROW(K, i);
    const double *s = PLUM_MATRIX_ROW(S, i);
    for (size_t j = 0; j < K->cols; j++)
      k[j] = combine(op, k[j], s[j]);
  }
}

static void
scale_matrix(PlumMatrix *M, double f)
{
  ptrdiff_t n = (ptrdiff_t)M->rows;
#pragma omp parallel for schedule(static)
  for (ptrdiff_t i = 0; i < n; i++) {
    double *row = PLUM_MATRIX_ROW(M, i);
    for (size_t j = 0; j < M->cols; j++)
      row[j] *= f;
  }
}

/* sum and product ----------------------------------------------------------------------------- */

static double
list_eval(CombineOp op, const ListParams *p, const double *x, const double *y, size_t d)
{
  double acc = plum_kernel_eval(p->kernels.items[0], x, y, d);
  for (size_t c = 1; c < p->kernels.len; c++)
    acc = combine(op, acc, plum_kernel_eval(p->kernels.items[c], x, y, d));
  return acc;
}

/* A child whose K(X, X) is its diagonal and K(X, Y) zero (white noise). */
static gboolean
is_diagonal(const PlumBinding *kernel)
{
  return (plum_component_caps(plum_binding_component(kernel)) & PLUM_CAP_KERNEL_DIAGONAL) != 0;
}

/* Σ_c K_c with the diagonal children added through their diagonals (nothing on K(X, Y)): no
 * n x n scratch and no full pass for a white-noise term. */
static gboolean
sum_gram_children(const ListParams *p, const PlumMatrix *X, const PlumMatrix *Y, PlumMatrix *K,
                  GError **error)
{
  PlumMatrix *S = NULL;
  gboolean ok = TRUE, empty = TRUE;
  for (size_t c = 0; ok && c < p->kernels.len; c++) {
    const PlumBinding *child = p->kernels.items[c];
    if (is_diagonal(child))
      continue;
    if (empty) {
      ok = plum_kernel_gram(child, X, Y, K, error);
      empty = FALSE;
      continue;
    }
    if (S == NULL && (S = plum_matrix_new(K->rows, K->cols, error)) == NULL)
      return FALSE;
    ok = plum_kernel_gram(child, X, Y, S, error);
    if (ok)
      combine_into(COMBINE_ADD, K, S);
  }
  plum_matrix_free(S);
  if (!ok)
    return FALSE;
  if (empty)
    plum_matrix_fill(K, 0.0);
  if (Y != NULL)
    return TRUE;
  double *diag = g_new(double, MAX(X->rows, 1));
  for (size_t c = 0; c < p->kernels.len; c++) {
    if (!is_diagonal(p->kernels.items[c]))
      continue;
    plum_kernel_diag(p->kernels.items[c], X, diag);
    for (size_t i = 0; i < X->rows; i++)
      PLUM_MATRIX_AT(K, i, i) += diag[i];
  }
  g_free(diag);
  return TRUE;
}

static gboolean
list_gram(CombineOp op, const ListParams *p, const PlumMatrix *X, const PlumMatrix *Y,
          PlumMatrix *K, GError **error)
{
  if (op == COMBINE_ADD)
    return sum_gram_children(p, X, Y, K, error);
  if (!plum_kernel_gram(p->kernels.items[0], X, Y, K, error))
    return FALSE;
  PlumMatrix *S = plum_matrix_new(K->rows, K->cols, error);
  gboolean ok = S != NULL;
  for (size_t c = 1; ok && c < p->kernels.len; c++) {
    ok = plum_kernel_gram(p->kernels.items[c], X, Y, S, error);
    if (ok)
      combine_into(op, K, S);
  }
  plum_matrix_free(S);
  return ok;
}

static void
list_diag(CombineOp op, const ListParams *p, const PlumMatrix *X, double *out)
{
  size_t n = X->rows;
  double *s = g_new(double, MAX(n, 1));
  plum_kernel_diag(p->kernels.items[0], X, out);
  for (size_t c = 1; c < p->kernels.len; c++) {
    plum_kernel_diag(p->kernels.items[c], X, s);
    for (size_t i = 0; i < n; i++)
      out[i] = combine(op, out[i], s[i]);
  }
  g_free(s);
}

/* ∂(Σ K_c)/∂θ = ∂K_c/∂θ for θ in child c. */
static gboolean
sum_gram_gradient(const void *params, const PlumMatrix *X, const PlumMatrix *K, PlumMatrix *dK,
                  GError **error)
{
  const ListParams *p = params;
  PlumMatrix *S = plum_matrix_new(X->rows, X->rows, error);
  gboolean ok = S != NULL;
  for (size_t c = 0, off = 0; ok && c < p->kernels.len; c++) {
    const PlumBinding *child = p->kernels.items[c];
    size_t pc = plum_binding_n_learnable(child);
    if (pc == 0)
      continue;
    ok = plum_kernel_gram(child, X, NULL, S, error) &&
         plum_kernel_gram_gradient(child, X, S, dK + off, error);
    off += pc;
  }
  plum_matrix_free(S);
  return ok;
}

static void
free_matrices(PlumMatrix **M, size_t n)
{
  for (size_t i = 0; i < n; i++)
    plum_matrix_free(M[i]);
  g_free(M);
}

/* (transfer full) K_c for every child, n x n each; NULL on failure. */
static PlumMatrix **
child_grams(const ListParams *p, const PlumMatrix *X, GError **error)
{
  size_t m = p->kernels.len;
  PlumMatrix **Kc = g_new0(PlumMatrix *, m);
  for (size_t c = 0; c < m; c++) {
    Kc[c] = plum_matrix_new(X->rows, X->rows, error);
    if (Kc[c] == NULL || !plum_kernel_gram(p->kernels.items[c], X, NULL, Kc[c], error)) {
      free_matrices(Kc, m);
      return NULL;
    }
  }
  return Kc;
}

/* Π_{c' ≠ c} K_c': the other Gram matrix itself for two children, else built in O. */
static const PlumMatrix *
others_product(PlumMatrix **Kc, size_t m, size_t c, PlumMatrix *O)
{
  if (m == 2)
    return Kc[1 - c];
  plum_matrix_fill(O, 1.0);
  for (size_t o = 0; o < m; o++)
    if (o != c)
      combine_into(COMBINE_MUL, O, Kc[o]);
  return O;
}

/* ∂(Π K_c)/∂θ = (Π_{c' ≠ c} K_c') ∘ ∂K_c/∂θ for θ in child c. */
static gboolean
product_gram_gradient(const void *params, const PlumMatrix *X, const PlumMatrix *K, PlumMatrix *dK,
                      GError **error)
{
  const ListParams *p = params;
  size_t m = p->kernels.len;
  PlumMatrix **Kc = child_grams(p, X, error);
  if (Kc == NULL)
    return FALSE;
  PlumMatrix *O = m > 2 ? plum_matrix_new(X->rows, X->rows, error) : NULL;
  gboolean ok = m == 2 || O != NULL;
  for (size_t c = 0, off = 0; ok && c < m; c++) {
    const PlumBinding *child = p->kernels.items[c];
    size_t pc = plum_binding_n_learnable(child);
    if (pc == 0)
      continue;
    ok = plum_kernel_gram_gradient(child, X, Kc[c], dK + off, error);
    if (!ok)
      break;
    const PlumMatrix *others = others_product(Kc, m, c, O);
    for (size_t q = 0; q < pc; q++)
      combine_into(COMBINE_MUL, &dK[off + q], others);
    off += pc;
  }
  plum_matrix_free(O);
  free_matrices(Kc, m);
  return ok;
}

static double
sum_eval(const void *params, const double *x, const double *y, size_t d)
{
  return list_eval(COMBINE_ADD, params, x, y, d);
}

static gboolean
sum_gram(const void *params, const PlumMatrix *X, const PlumMatrix *Y, PlumMatrix *K,
         GError **error)
{
  return list_gram(COMBINE_ADD, params, X, Y, K, error);
}

static void
sum_diag(const void *params, const PlumMatrix *X, double *out)
{
  list_diag(COMBINE_ADD, params, X, out);
}

static double
product_eval(const void *params, const double *x, const double *y, size_t d)
{
  return list_eval(COMBINE_MUL, params, x, y, d);
}

static gboolean
product_gram(const void *params, const PlumMatrix *X, const PlumMatrix *Y, PlumMatrix *K,
             GError **error)
{
  return list_gram(COMBINE_MUL, params, X, Y, K, error);
}

static void
product_diag(const void *params, const PlumMatrix *X, double *out)
{
  list_diag(COMBINE_MUL, params, X, out);
}

static const PlumKernelVTable sum_vtable = {
    .struct_size = sizeof(PlumKernelVTable),
    .eval = sum_eval,
    .gram = sum_gram,
    .gram_gradient = sum_gram_gradient,
    .diag = sum_diag,
};

static const PlumKernelVTable product_vtable = {
    .struct_size = sizeof(PlumKernelVTable),
    .eval = product_eval,
    .gram = product_gram,
    .gram_gradient = product_gram_gradient,
    .diag = product_diag,
};

/* scale ------------------------------------------------------------------------------------- */

static double
scale_eval(const void *params, const double *x, const double *y, size_t d)
{
  const ScaleParams *p = params;
  return p->factor * plum_kernel_eval(p->kernel, x, y, d);
}

static gboolean
scale_gram(const void *params, const PlumMatrix *X, const PlumMatrix *Y, PlumMatrix *K,
           GError **error)
{
  const ScaleParams *p = params;
  if (!plum_kernel_gram(p->kernel, X, Y, K, error))
    return FALSE;
  scale_matrix(K, p->factor);
  return TRUE;
}

/* The child's gradients times f, then ∂(f K₀)/∂log f = f K₀ = K. */
static gboolean
scale_gram_gradient(const void *params, const PlumMatrix *X, const PlumMatrix *K, PlumMatrix *dK,
                    GError **error)
{
  const ScaleParams *p = params;
  size_t pc = plum_binding_n_learnable(p->kernel);
  if (pc > 0 && !(plum_kernel_gram(p->kernel, X, NULL, &dK[pc], error) &&
                  plum_kernel_gram_gradient(p->kernel, X, &dK[pc], dK, error)))
    return FALSE;
  for (size_t q = 0; q < pc; q++)
    scale_matrix(&dK[q], p->factor);
  return plum_matrix_copy_into(K, &dK[pc], error);
}

static void
scale_diag(const void *params, const PlumMatrix *X, double *out)
{
  const ScaleParams *p = params;
  plum_kernel_diag(p->kernel, X, out);
  for (size_t i = 0; i < X->rows; i++)
    out[i] *= p->factor;
}

static const PlumKernelVTable scale_vtable = {
    .struct_size = sizeof(PlumKernelVTable),
    .eval = scale_eval,
    .gram = scale_gram,
    .gram_gradient = scale_gram_gradient,
    .diag = scale_diag,
};

/* Schemas and components -------------------------------------------------------------------- */

static const PlumParamSpec list_params[] = {
    {.name = "kernels",
     .type = PLUM_PARAM_COMPONENT_LIST,
     .flags = PLUM_PARAM_REQUIRED,
     .offset = offsetof(ListParams, kernels),
     .component_kind = PLUM_KIND_KERNEL,
     .min_len = 2,
     .doc = "the kernels combined (two or more; composites nest)"},
};

static const PlumParamSpec scale_params[] = {
    PLUM_PARAM_COMPONENT_SPEC(ScaleParams, kernel, PLUM_KIND_KERNEL, NULL, PLUM_PARAM_REQUIRED,
                              "the kernel scaled"),
    PLUM_PARAM_REAL_SPEC(ScaleParams, factor, 1.0, 1e-5, 1e5,
                         PLUM_PARAM_LEARNABLE | PLUM_PARAM_LOG_SCALE, "the factor f"),
};

static const PlumComponentDesc composite_components[] = {
    KERNEL_COMPONENT("sum", "sum of kernels Σ k_c", list_params, ListParams, sum_vtable),
    KERNEL_COMPONENT("product", "product of kernels Π k_c", list_params, ListParams,
                     product_vtable),
    KERNEL_COMPONENT("scale", "a kernel times a learnable factor f·k", scale_params, ScaleParams,
                     scale_vtable),
};

PLUM_PLUGIN_DEFINE(composite, PACKAGE_VERSION, "MIT",
                   "kernel composition to any depth: sum, product, scale", composite_components,
                   NULL)
