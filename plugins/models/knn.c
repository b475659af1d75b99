/* knn.c — k-nearest-neighbour classification and regression: knn_classifier and knn_regressor,
 * two components sharing one neighbour search.
 *
 * Neighbours are the k training rows of smallest distance, ties broken by the lower training
 * row, so the answer is a function of the data alone: the k-d tree and brute force give the same
 * neighbours, at any thread count. Distances are Minkowski's (euclidean p = 2, manhattan p = 1,
 * or any p >= 1), every final distance computed the same way, Σ_j |q_j − x_j|^p in feature order
 * (then the p-th root), which is the formula of scikit-learn's trees; the labels on iris and
 * digits and the regression values on diabetes match scikit-learn 1.2 (tests/reference/
 * pca_nb_knn.py). Prediction follows sklearn: the class of largest (weighted) vote, the lowest of
 * equals; predict_proba the votes over their sum; regression the (weighted) mean; distance
 * weights are 1/distance, except that a query at distance 0 from some training rows gives those
 * rows weight 1 and the others 0.
 *
 * Search. `algorithm: auto` takes the k-d tree while it prunes well — up to 6 features where
 * brute force would go through GEMM, up to 12 where it would go row by row — and brute force
 * above that or when k is half the training rows or more. The tree splits at the median of the
 * widest dimension down to leaf_size rows and searches depth first, nearer child first, pruning
 * a box only when its lower bound is strictly above the k-th best (equal distances may hide a
 * lower row index). Brute force for euclidean distances filters
 * through GEMM: ‖x‖² − 2xᵀq on mean-centred rows in single precision (twice GEMM's speed, and
 * the scan reads half the bytes), a block of queries against a block of training rows at a
 * time, OpenMP over the queries of a block. It keeps every row within 2τ of the k-th smallest
 * approximate value, τ a bound on the rounding error of the approximation, and recomputes those
 * few rows exactly, so rounding never changes which rows are neighbours. Data whose centred
 * values leave [1e-15, 1e15], where float products could overflow or underflow, and metrics
 * other than euclidean go row by row instead.
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>
#include <cblas.h>
#include <plum/plugin.h>

/* The k-d tree's reach: up to this many features it beats brute force through GEMM, and up to
 * the second, brute force row by row (measured on 50000 rows of Gaussian classes, 5000 queries:
 * the tree is 4× faster at 4 features, even at 6, 2× slower at 8; row by row, even at 12). */
#define KNN_TREE_MAX_DIM_GEMM 6
#define KNN_TREE_MAX_DIM 12
/* Brute-force blocks: queries x training rows per GEMM (1 MiB of values). */
#define KNN_QUERY_BLOCK 256
#define KNN_TRAIN_BLOCK 1024
/* The single-precision filter needs centred values whose products neither overflow nor
 * underflow in float: largest magnitudes within [KNN_FLOAT_MIN, KNN_FLOAT_MAX]. */
#define KNN_FLOAT_MIN 1e-15
#define KNN_FLOAT_MAX 1e15
/* Below this much work (distances or neighbour visits) a loop runs on one thread. */
#define KNN_PARALLEL_MIN ((size_t)1 << 15)
/* Sizes beyond a BLAS int are of no use. */
#define KNN_MAX_DIM ((size_t)G_MAXINT)

typedef enum {
  WEIGHTS_UNIFORM = 0,
  WEIGHTS_DISTANCE,
} KnnWeights;
static const char *const weights_names[] = {"uniform", "distance", NULL};

typedef enum {
  METRIC_EUCLIDEAN = 0,
  METRIC_MANHATTAN,
  METRIC_MINKOWSKI,
} KnnMetric;
static const char *const metric_names[] = {"euclidean", "manhattan", "minkowski", NULL};

typedef enum {
  ALGORITHM_AUTO = 0,
  ALGORITHM_KD_TREE,
  ALGORITHM_BRUTE,
} KnnAlgorithm;
static const char *const algorithm_names[] = {"auto", "kd_tree", "brute", NULL};

typedef struct {
  gint64 k;
  int weights;
  int metric;
  double p;
  int algorithm;
  gint64 leaf_size;
} KnnParams;

/* A neighbour candidate: reduced distance (Σ |t|^p) and training row. */
typedef struct {
  double r;
  size_t i;
} Neighbour;

typedef struct {
  size_t n_nodes;
  size_t *perm;  /* tree order → training row */
  double *Xt;    /* the training rows in tree order, n x d */
  size_t *start; /* node → first position; node's children are 2·node + 1 and + 2 */
  size_t *end;
  double *lo, *hi; /* node x d bounding boxes */
} KdTree;

typedef struct {
  const KnnParams *params; /* borrowed from the binding, which outlives the instance */
  gboolean classifier;
  const char *name;
  size_t n, d;      /* n == 0 until fitted or loaded */
  size_t n_outputs; /* regressor: columns of y */
  size_t n_classes; /* classifier */
  double p;         /* the metric's exponent */
  double *X;        /* n x d */
  double *y;        /* n x n_outputs, or n class indices */
  KdTree *tree;     /* when the search uses one */
  float *Xf;        /* brute euclidean: centred rows and their squared norms, n x (d + 1),
                       in single precision */
  double *mean;
  double max_norm;
} Knn;

/* Distances ------------------------------------------------------------------------------------ */

static inline double
term(double t, double p)
{
  t = fabs(t);
  return p == 2.0 ? t * t : p == 1.0 ? t : pow(t, p);
}

/* Σ_j |a_j − b_j|^p in feature order: the one formula every final distance goes through. */
static double
reduced_distance(const double *a, const double *b, size_t d, double p)
{
  double s = 0;
  if (p == 2.0) {
    for (size_t j = 0; j < d; j++)
      s += (a[j] - b[j]) * (a[j] - b[j]);
  } else {
    for (size_t j = 0; j < d; j++)
      s += term(a[j] - b[j], p);
  }
  return s;
}

static double
final_distance(double r, double p)
{
  return p == 2.0 ? sqrt(r) : p == 1.0 ? r : pow(r, 1.0 / p);
}

static inline gboolean
neighbour_less(Neighbour a, Neighbour b)
{
  return a.r < b.r || (a.r == b.r && a.i < b.i);
}

static int
neighbour_compare(const void *pa, const void *pb)
{
  const Neighbour *a = pa, *b = pb;
  return neighbour_less(*a, *b) ? -1 : neighbour_less(*b, *a) ? 1 : 0;
}

/* A max-heap of the k best so far: h[0] is the worst of them. */
typedef struct {
  Neighbour *h;
  size_t len, k;
} Heap;

static void
heap_push(Heap *heap, Neighbour c)
{
  Neighbour *h = heap->h;
  if (heap->len == heap->k) {
    if (!neighbour_less(c, h[0]))
      return;
    size_t pos = 0; /* sift the new one down from the root */
    for (;;) {
      size_t child = 2 * pos + 1;
      if (child >= heap->k)
        break;
      if (child + 1 < heap->k && neighbour_less(h[child], h[child + 1]))
        child++;
      if (!neighbour_less(c, h[child]))
        break;
      h[pos] = h[child];
      pos = child;
    }
    h[pos] = c;
    return;
  }
  size_t pos = heap->len++;
  while (pos > 0 && neighbour_less(h[(pos - 1) / 2], c)) {
    h[pos] = h[(pos - 1) / 2];
    pos = (pos - 1) / 2;
  }
  h[pos] = c;
}

/* The k-d tree --------------------------------------------------------------------------------- */

/* Whether row a comes before row b by (value in column dim, row). */
static inline gboolean
key_less(const double *X, size_t d, size_t dim, size_t a, size_t b)
{
  double va = X[a * d + dim], vb = X[b * d + dim];
  return va < vb || (va == vb && a < b);
}

/* The middle one of rows a, b and c by key_less. */
static size_t
median_of_three(const double *X, size_t d, size_t dim, size_t a, size_t b, size_t c)
{
  if (key_less(X, d, dim, b, a)) {
    size_t t = a;
    a = b;
    b = t;
  }
  if (key_less(X, d, dim, c, b))
    b = key_less(X, d, dim, c, a) ? a : c;
  return b;
}

/* Orders perm[lo..hi) so that position mid holds the row of rank mid by key_less, smaller ones
 * before it and larger after (Hoare's selection). */
static void
select_median(const double *X, size_t d, size_t dim, size_t *perm, size_t lo, size_t hi, size_t mid)
{
  while (hi - lo > 2) {
    /* Three distinct positions: the pivot is never the largest, so each pass shrinks. */
    size_t pivot = median_of_three(X, d, dim, perm[lo], perm[lo + (hi - lo - 1) / 2], perm[hi - 1]);
    size_t i = lo, j = hi - 1;
    for (;;) {
      while (key_less(X, d, dim, perm[i], pivot))
        i++;
      while (key_less(X, d, dim, pivot, perm[j]))
        j--;
      if (i >= j)
        break;
      size_t t = perm[i];
      perm[i++] = perm[j];
      perm[j--] = t;
    }
    /* perm[lo..j] <= pivot <= perm[j+1..hi) */
    if (mid <= j)
      hi = j + 1;
    else
      lo = j + 1;
  }
  if (hi - lo == 2 && key_less(X, d, dim, perm[lo + 1], perm[lo])) {
    size_t t = perm[lo];
    perm[lo] = perm[lo + 1];
    perm[lo + 1] = t;
  }
}

static void
node_bounds(const KdTree *t, const double *X, size_t d, size_t node)
{
  double *lo = t->lo + node * d, *hi = t->hi + node * d;
  for (size_t j = 0; j < d; j++) {
    lo[j] = INFINITY;
    hi[j] = -INFINITY;
  }
  for (size_t pos = t->start[node]; pos < t->end[node]; pos++) {
    const double *x = X + t->perm[pos] * d;
    for (size_t j = 0; j < d; j++) {
      lo[j] = MIN(lo[j], x[j]);
      hi[j] = MAX(hi[j], x[j]);
    }
  }
}

/* Nodes are a complete binary tree in an array, every leaf at one depth, so a node's children
 * are computed, not stored; levels = the depth at which ranges (halved, the larger half rounded
 * up) fit in leaf_size rows. A leaf may be empty; its box then prunes it. */
static KdTree *
kd_build(const double *X, size_t n, size_t d, size_t leaf_size)
{
  size_t levels = 1;
  while (((n + ((size_t)1 << (levels - 1)) - 1) >> (levels - 1)) > leaf_size && levels < 48)
    levels++;
  KdTree *t = g_new0(KdTree, 1);
  t->n_nodes = ((size_t)1 << levels) - 1;
  t->perm = g_new(size_t, n);
  t->start = g_new(size_t, t->n_nodes);
  t->end = g_new(size_t, t->n_nodes);
  t->lo = g_new(double, t->n_nodes *d);
  t->hi = g_new(double, t->n_nodes *d);
  for (size_t i = 0; i < n; i++)
    t->perm[i] = i;
  t->start[0] = 0;
  t->end[0] = n;
  for (size_t node = 0; node < t->n_nodes; node++) {
    node_bounds(t, X, d, node);
    size_t left = 2 * node + 1;
    if (left >= t->n_nodes)
      continue;
    const double *lo = t->lo + node * d, *hi = t->hi + node * d;
    size_t dim = 0;
    for (size_t j = 1; j < d; j++)
      if (hi[j] - lo[j] > hi[dim] - lo[dim])
        dim = j;
    size_t s = t->start[node], e = t->end[node], mid = s + (e - s) / 2;
    select_median(X, d, dim, t->perm, s, e, mid);
    t->start[left] = s;
    t->end[left] = t->start[left + 1] = mid;
    t->end[left + 1] = e;
  }
  t->Xt = g_new(double, n *d);
  for (size_t pos = 0; pos < n; pos++)
    memcpy(t->Xt + pos * d, X + t->perm[pos] * d, d * sizeof(double));
  return t;
}

static void
kd_free(KdTree *t)
{
  if (t == NULL)
    return;
  g_free(t->perm);
  g_free(t->Xt);
  g_free(t->start);
  g_free(t->end);
  g_free(t->lo);
  g_free(t->hi);
  g_free(t);
}

/* A lower bound on the reduced distance from q to any row in the node's box; rounding is
 * monotone, so it never exceeds the computed distance of a row inside. */
static double
box_distance(const KdTree *t, size_t node, const double *q, size_t d, double p)
{
  const double *lo = t->lo + node * d, *hi = t->hi + node * d;
  double s = 0;
  for (size_t j = 0; j < d; j++) {
    double gap = q[j] < lo[j] ? lo[j] - q[j] : q[j] > hi[j] ? q[j] - hi[j] : 0.0;
    s += term(gap, p);
  }
  return s;
}

static void
kd_search(const KdTree *t, size_t node, double bound, const double *q, size_t d, double p,
          Heap *heap)
{
  if (heap->len == heap->k && bound > heap->h[0].r)
    return;
  size_t left = 2 * node + 1;
  if (left >= t->n_nodes) {
    for (size_t pos = t->start[node]; pos < t->end[node]; pos++) {
      Neighbour c = {reduced_distance(q, t->Xt + pos * d, d, p), t->perm[pos]};
      heap_push(heap, c);
    }
    return;
  }
  double bl = box_distance(t, left, q, d, p), br = box_distance(t, left + 1, q, d, p);
  size_t first = bl <= br ? left : left + 1;
  kd_search(t, first, MIN(bl, br), q, d, p, heap);
  kd_search(t, first == left ? left + 1 : left, MAX(bl, br), q, d, p, heap);
}

/* Neighbours of every query: k per row, ascending, into nb (n_q x k). */
static void
search_tree(const Knn *self, const PlumMatrix *Q, size_t k, Neighbour *nb)
{
  size_t d = self->d;
#pragma omp parallel if (Q->rows * d * (size_t)self->params->leaf_size >= KNN_PARALLEL_MIN)
  {
    Heap heap = {.h = g_new(Neighbour, k), .k = k};
#pragma omp for schedule(dynamic, 16)
    for (size_t i = 0; i < Q->rows; i++) {
      heap.len = 0;
      kd_search(self->tree, 0, 0.0, PLUM_MATRIX_ROW(Q, i), d, self->p, &heap);
      memcpy(nb + i * k, heap.h, k * sizeof *nb);
      qsort(nb + i * k, k, sizeof *nb, neighbour_compare);
    }
    g_free(heap.h);
  }
}

/* Brute force ---------------------------------------------------------------------------------- */

/* Row by row, for metrics GEMM does not serve. */
static void
search_direct(const Knn *self, const PlumMatrix *Q, size_t k, Neighbour *nb)
{
  size_t d = self->d;
#pragma omp parallel if (Q->rows * self->n * d >= KNN_PARALLEL_MIN)
  {
    Heap heap = {.h = g_new(Neighbour, k), .k = k};
#pragma omp for schedule(static)
    for (size_t i = 0; i < Q->rows; i++) {
      const double *q = PLUM_MATRIX_ROW(Q, i);
      heap.len = 0;
      for (size_t r = 0; r < self->n; r++) {
        Neighbour c = {reduced_distance(q, self->X + r * d, d, self->p), r};
        heap_push(&heap, c);
      }
      memcpy(nb + i * k, heap.h, k * sizeof *nb);
      qsort(nb + i * k, k, sizeof *nb, neighbour_compare);
    }
    g_free(heap.h);
  }
}

/* One query's candidates by approximate value: every row within 2τ of the k-th smallest value
 * seen so far, so every true neighbour is among them. The k smallest values are kept sorted,
 * so the cut tightens with every admission. */
typedef struct {
  Neighbour *c; /* the candidates */
  size_t len, cap;
  double *best; /* the k smallest values so far, ascending */
  size_t n_best;
  double cut;  /* admit values <= cut: best[k − 1] + 2τ, +inf until k are seen */
  float cut_f; /* cut rounded up to a float, for the scan */
  double tau;
} Candidates;

/* Scan chunk: only a chunk with a value below the cut needs a closer look. */
#define KNN_SCAN_CHUNK 64

static void
candidates_admit(Candidates *cs, double v, size_t row, size_t k)
{
  if (cs->len == cs->cap) { /* drop what the current cut rules out; grow if that frees little */
    size_t kept = 0;
    for (size_t i = 0; i < cs->len; i++)
      if (cs->c[i].r <= cs->cut)
        cs->c[kept++] = cs->c[i];
    cs->len = kept;
    if (kept * 2 > cs->cap) {
      cs->cap *= 2;
      cs->c = g_renew(Neighbour, cs->c, cs->cap);
    }
  }
  cs->c[cs->len++] = (Neighbour){v, row};
  if (cs->n_best == k && v >= cs->best[k - 1])
    return;
  size_t pos = cs->n_best < k ? cs->n_best++ : k - 1;
  for (; pos > 0 && cs->best[pos - 1] > v; pos--)
    cs->best[pos] = cs->best[pos - 1];
  cs->best[pos] = v;
  if (cs->n_best < k)
    return;
  cs->cut = cs->best[k - 1] + 2.0 * cs->tau;
  cs->cut_f = (float)cs->cut;
  if ((double)cs->cut_f < cs->cut)
    cs->cut_f = nextafterf(cs->cut_f, INFINITY);
}

/* Four floats in the vector extension GCC and Clang share: SSE on any x86-64, where the plain
 * loop stays scalar (its OR reduction is unrolled before the vectoriser sees it). */
typedef float KnnFloats __attribute__((vector_size(4 * sizeof(float))));
typedef gint32 KnnMask __attribute__((vector_size(4 * sizeof(gint32))));

/* Whether any of g[0..KNN_SCAN_CHUNK) is <= cut. */
static inline gboolean
chunk_has_below(const float *g, float cut)
{
  KnnFloats limit = {cut, cut, cut, cut};
  KnnMask any = {0, 0, 0, 0};
  for (size_t j = 0; j < KNN_SCAN_CHUNK; j += 4) {
    KnnFloats a;
    memcpy(&a, g + j, sizeof a);
    any |= a <= limit;
  }
  return (any[0] | any[1] | any[2] | any[3]) != 0;
}

/* Scans one query's row of approximate values g[j] for rows t0 + j, a chunk at a time: most
 * chunks hold nothing below the cut, which a vectorised loop tells. */
static void
candidates_scan(Candidates *cs, const float *g, size_t t0, size_t m, size_t k)
{
  for (size_t j0 = 0; j0 < m; j0 += KNN_SCAN_CHUNK) {
    size_t len = MIN((size_t)KNN_SCAN_CHUNK, m - j0);
    if (len == KNN_SCAN_CHUNK && !chunk_has_below(g + j0, cs->cut_f))
      continue;
    for (size_t j = j0; j < j0 + len; j++)
      if (g[j] <= cs->cut_f)
        candidates_admit(cs, g[j], t0 + j, k);
  }
}

/* The exact k nearest among the candidates, ascending, into out. */
static void
candidates_finish(const Knn *self, Candidates *cs, const double *q, size_t k, Neighbour *out)
{
  size_t kept = 0; /* those admitted before the cut came down to its final value go first */
  for (size_t i = 0; i < cs->len; i++) {
    if (cs->c[i].r > cs->cut)
      continue;
    cs->c[kept].i = cs->c[i].i;
    cs->c[kept++].r = reduced_distance(q, self->X + cs->c[i].i * self->d, self->d, 2.0);
  }
  qsort(cs->c, kept, sizeof *cs->c, neighbour_compare);
  memcpy(out, cs->c, k * sizeof *out);
}

/* Writes a block of queries into buf as rows (−2 q_c, 1), q_c centred, in single precision, so
 * one GEMM against the rows (x_c, ‖x_c‖²) gives ‖x_c‖² − 2 q_cᵀx_c, and sets up their candidate
 * buffers. τ bounds how far that can be from the exactly computed distance less ‖q_c‖²:
 * rounding to float and the float GEMM, (d + 5)·(FLT_EPSILON/2)·(‖q‖² + ‖x‖²), plus the
 * double-precision errors, far smaller; rounded up generously. */
static void
queries_prepare(const Knn *self, const PlumMatrix *Q, size_t i0, size_t m, size_t k, float *buf,
                Candidates *cs)
{
  size_t d = self->d;
  for (size_t i = 0; i < m; i++) {
    const double *q = PLUM_MATRIX_ROW(Q, i0 + i);
    float *dst = buf + i * (d + 1);
    double qn = 0;
    for (size_t j = 0; j < d; j++) {
      double t = q[j] - self->mean[j];
      dst[j] = (float)(-2.0 * t);
      qn += t * t;
    }
    dst[d] = 1.0f;
    cs[i].len = 0;
    cs[i].n_best = 0;
    cs[i].cut = INFINITY;
    cs[i].cut_f = INFINITY;
    cs[i].tau = 4.0 * (double)(d + 5) * FLT_EPSILON * (qn + 2.0 * self->max_norm);
    if (cs[i].c == NULL) {
      cs[i].cap = 2 * k + 64;
      cs[i].c = g_new(Neighbour, cs[i].cap);
      cs[i].best = g_new(double, k);
    }
  }
}

/* Queries [i0, i0 + mq) against every training row, with the buffers of one block. */
static void
search_gemm_block(const Knn *self, const PlumMatrix *Q, size_t i0, size_t mq, size_t k, float *buf,
                  float *G, Candidates *cs, Neighbour *nb)
{
  size_t w = self->d + 1, bt = KNN_TRAIN_BLOCK;
  queries_prepare(self, Q, i0, mq, k, buf, cs);
  for (size_t t0 = 0; t0 < self->n; t0 += bt) {
    size_t mt = MIN(bt, self->n - t0);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)mq, (int)mt, (int)w, 1.0f, buf,
                (int)w, self->Xf + t0 * w, (int)w, 0.0f, G, (int)bt);
    for (size_t i = 0; i < mq; i++)
      candidates_scan(&cs[i], G + i * bt, t0, mt, k);
  }
  for (size_t i = 0; i < mq; i++)
    candidates_finish(self, &cs[i], PLUM_MATRIX_ROW(Q, i0 + i), k, nb + (i0 + i) * k);
}

/* Query blocks are shared among the threads, each with its own buffers; a GEMM inside the
 * parallel loop runs on its caller's thread (OpenBLAS on OpenMP), so the whole search, not
 * only its products, is parallel. A single block still gets a threaded GEMM. */
static void
search_gemm(const Knn *self, const PlumMatrix *Q, size_t k, Neighbour *nb)
{
  size_t w = self->d + 1, bq = KNN_QUERY_BLOCK, bt = KNN_TRAIN_BLOCK;
  size_t n_blocks = (Q->rows + bq - 1) / bq;
#pragma omp parallel if (n_blocks > 1 && Q->rows * self->n * w >= KNN_PARALLEL_MIN)
  {
    float *buf = g_new(float, bq *w), *G = g_new(float, bq *bt);
    Candidates *cs = g_new0(Candidates, bq);
#pragma omp for schedule(dynamic, 1)
    for (size_t b = 0; b < n_blocks; b++) {
      size_t i0 = b * bq;
      search_gemm_block(self, Q, i0, MIN(bq, Q->rows - i0), k, buf, G, cs, nb);
    }
    for (size_t i = 0; i < bq; i++) {
      g_free(cs[i].c);
      g_free(cs[i].best);
    }
    g_free(cs);
    g_free(buf);
    g_free(G);
  }
}

/* Search set-up and dispatch ------------------------------------------------------------------- */

/* Whether the search is the k-d tree: as configured, or for `auto` within the tree's reach
 * (which depends on whether brute force would go through GEMM) and for k below half the rows. */
static gboolean
use_tree(const Knn *self, gboolean gemm)
{
  switch ((KnnAlgorithm)self->params->algorithm) {
  case ALGORITHM_KD_TREE:
    return TRUE;
  case ALGORITHM_BRUTE:
    return FALSE;
  case ALGORITHM_AUTO:
    break;
  }
  size_t reach = gemm ? KNN_TREE_MAX_DIM_GEMM : KNN_TREE_MAX_DIM;
  return self->d <= reach && (size_t)self->params->k * 2 < self->n;
}

/* Sets the column means; TRUE when the centred values are in the range where float products
 * are safe, [KNN_FLOAT_MIN, KNN_FLOAT_MAX] at their largest, so the GEMM filter may be used. */
static gboolean
centre_for_gemm(Knn *self)
{
  size_t n = self->n, d = self->d;
  self->mean = g_new0(double, d);
  for (size_t i = 0; i < n; i++)
    cblas_daxpy((int)d, 1.0, self->X + i * d, 1, self->mean, 1);
  cblas_dscal((int)d, 1.0 / (double)n, self->mean, 1);
  double max_abs = 0;
  for (size_t i = 0; i < n * d; i++)
    max_abs = MAX(max_abs, fabs(self->X[i] - self->mean[i % d]));
  return max_abs >= KNN_FLOAT_MIN && max_abs <= KNN_FLOAT_MAX;
}

/* The rows (x_c, ‖x_c‖²), x_c centred, in single precision for the GEMM filter. */
static void
gemm_build(Knn *self)
{
  size_t n = self->n, d = self->d;
  self->Xf = g_new(float, n *(d + 1));
  self->max_norm = 0;
  for (size_t i = 0; i < n; i++) {
    float *dst = self->Xf + i * (d + 1);
    double s = 0;
    for (size_t j = 0; j < d; j++) {
      double t = self->X[i * d + j] - self->mean[j];
      dst[j] = (float)t;
      s += t * t;
    }
    dst[d] = (float)s;
    self->max_norm = MAX(self->max_norm, s);
  }
}

/* Builds what the chosen search needs from X (after fit or load). */
static void
index_build(Knn *self)
{
  gboolean gemm = self->p == 2.0 && centre_for_gemm(self);
  if (use_tree(self, gemm))
    self->tree = kd_build(self->X, self->n, self->d, (size_t)self->params->leaf_size);
  else if (gemm)
    gemm_build(self);
}

static void
knn_clear(Knn *self)
{
  g_clear_pointer(&self->X, g_free);
  g_clear_pointer(&self->y, g_free);
  g_clear_pointer(&self->tree, kd_free);
  g_clear_pointer(&self->Xf, g_free);
  g_clear_pointer(&self->mean, g_free);
  self->n = 0;
}

/* Whether the centred queries are small enough for the float filter too. */
static gboolean
queries_in_float_range(const Knn *self, const PlumMatrix *Q)
{
  for (size_t i = 0; i < Q->rows; i++) {
    const double *q = PLUM_MATRIX_ROW(Q, i);
    for (size_t j = 0; j < self->d; j++)
      if (fabs(q[j] - self->mean[j]) > KNN_FLOAT_MAX)
        return FALSE;
  }
  return TRUE;
}

/* The k nearest training rows of every query (transfer full, n_q x k, ascending). */
static Neighbour *
neighbours(const Knn *self, const PlumMatrix *Q)
{
  size_t k = (size_t)self->params->k;
  Neighbour *nb = g_new(Neighbour, MAX(Q->rows, 1) * k);
  if (Q->rows == 0)
    return nb;
  if (self->tree)
    search_tree(self, Q, k, nb);
  else if (self->Xf && queries_in_float_range(self, Q))
    search_gemm(self, Q, k, nb);
  else
    search_direct(self, Q, k, nb);
  return nb;
}

/* Neighbour weights of one query into w[k]: 1, or 1/distance with sklearn's rule for zeros. */
static void
neighbour_weights(const Knn *self, const Neighbour *nb, size_t k, double *w)
{
  gboolean exact = FALSE;
  for (size_t i = 0; i < k; i++) {
    double dist = final_distance(nb[i].r, self->p);
    w[i] = self->params->weights == WEIGHTS_UNIFORM ? 1.0 : 1.0 / dist;
    exact = exact || isinf(w[i]);
  }
  if (!exact)
    return;
  for (size_t i = 0; i < k; i++)
    w[i] = isinf(w[i]) ? 1.0 : 0.0;
}

/* The model ------------------------------------------------------------------------------------ */

/* Takes ownership of X (n x d) and y, and builds the search index. */
static void
knn_install(Knn *self, size_t n, size_t d, size_t n_outputs, size_t n_classes, double *X, double *y)
{
  knn_clear(self);
  self->n = n;
  self->d = d;
  self->n_outputs = n_outputs;
  self->n_classes = n_classes;
  self->X = X;
  self->y = y;
  index_build(self);
}

static void *
knn_new(const void *params, gboolean classifier)
{
  const KnnParams *p = params;
  Knn *self = g_new0(Knn, 1);
  self->params = p;
  self->classifier = classifier;
  self->name = classifier ? "knn_classifier" : "knn_regressor";
  self->p = p->metric == METRIC_EUCLIDEAN ? 2.0 : p->metric == METRIC_MANHATTAN ? 1.0 : p->p;
  return self;
}

static void
knn_destroy(void *self_ptr)
{
  knn_clear(self_ptr);
  g_free(self_ptr);
}

/* k neighbours need k training rows. */
static gboolean
check_k(const Knn *self, size_t n, GQuark domain, int code, GError **error)
{
  if ((size_t)self->params->k <= n)
    return TRUE;
  g_set_error(error, domain, code,
              "%s: k = %" G_GINT64_FORMAT " but there are only %zu training rows", self->name,
              self->params->k, n);
  return FALSE;
}

/* Class indices must be whole numbers in 0..n_classes-1. */
static gboolean
check_labels(const Knn *self, const double *y, size_t n, size_t n_classes, GQuark domain, int code,
             GError **error)
{
  for (size_t i = 0; i < n; i++) {
    double v = y[i];
    if (v >= 0 && v < (double)n_classes && v == floor(v))
      continue;
    g_set_error(error, domain, code,
                "%s: y = %g at row %zu (counting from 0) is not a class index in 0..%zu",
                self->name, v, i, n_classes - 1);
    return FALSE;
  }
  return TRUE;
}

static gboolean
check_fit_data(const Knn *self, const PlumFitData *data, GError **error)
{
  const PlumMatrix *X = data->X, *y = data->y;
  if (X == NULL || y == NULL || X->rows < 1 || X->cols < 1 || y->cols < 1 ||
      (self->classifier && data->n_classes < 1)) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "%s: fit needs X with at least one row and column, and %s", self->name,
                self->classifier ? "class indices y with n_classes" : "targets y");
    return FALSE;
  }
  if (X->rows > KNN_MAX_DIM || X->cols > KNN_MAX_DIM) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "%s: X is %zu x %zu; at most %zu rows and columns", self->name, X->rows, X->cols,
                KNN_MAX_DIM);
    return FALSE;
  }
  if (data->sample_weight != NULL) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_UNSUPPORTED,
                "%s: sample weights are not supported", self->name);
    return FALSE;
  }
  return plum_matrix_check_shape(y, X->rows, self->classifier ? 1 : 0, "y", error) &&
         plum_matrix_check_finite(X, "X", error) && plum_matrix_check_finite(y, "y", error) &&
         check_k(self, X->rows, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE, error);
}

/* A compact copy of M (transfer full). */
static double *
compact_copy(const PlumMatrix *M)
{
  double *out = g_new(double, MAX(M->rows * M->cols, 1));
  for (size_t i = 0; i < M->rows; i++)
    memcpy(out + i * M->cols, PLUM_MATRIX_ROW(M, i), M->cols * sizeof *out);
  return out;
}

static gboolean
knn_fit(void *self_ptr, const PlumFitData *data, GError **error)
{
  Knn *self = self_ptr;
  if (!check_fit_data(self, data, error))
    return FALSE;
  const PlumMatrix *X = data->X, *y = data->y;
  double *yc = compact_copy(y);
  if (self->classifier && !check_labels(self, yc, y->rows, data->n_classes, PLUM_DATA_ERROR,
                                        PLUM_DATA_ERROR_INVALID, error)) {
    g_free(yc);
    return FALSE;
  }
  knn_install(self, X->rows, X->cols, y->cols, self->classifier ? data->n_classes : 0,
              compact_copy(X), yc);
  return TRUE;
}

static void
knn_shape(const void *self_ptr, PlumModelShape *shape)
{
  const Knn *self = self_ptr;
  shape->n_features = self->d;
  shape->n_outputs = self->classifier ? 1 : self->n_outputs;
  shape->n_classes = self->n_classes;
  shape->n_transform = 0;
}

static gboolean
check_fitted(const Knn *self, GError **error)
{
  if (self->n > 0)
    return TRUE;
  g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_NOT_FITTED,
              "%s: not fitted; call fit or load first", self->name);
  return FALSE;
}

static gboolean
check_input(const Knn *self, const PlumMatrix *X, const PlumMatrix *out, size_t out_cols,
            GError **error)
{
  if (!check_fitted(self, error))
    return FALSE;
  if (X->cols != self->d) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                "%s: X has %zu features, the model was fitted on %zu", self->name, X->cols,
                self->d);
    return FALSE;
  }
  return plum_matrix_check_finite(X, "X", error) &&
         plum_matrix_check_shape(out, X->rows, out_cols, "predictions", error);
}

/* Per query, the (weighted) votes of each class, or the (weighted) sum of the targets, into
 * out (n_q x classes or outputs), divided by the total weight when `normalise`: the shared half
 * of every prediction. */
static void
aggregate(const Knn *self, const Neighbour *nb, size_t n_q, gboolean normalise, PlumMatrix *out)
{
  size_t k = (size_t)self->params->k, t = self->classifier ? self->n_classes : self->n_outputs;
#pragma omp parallel if (n_q * k * t >= KNN_PARALLEL_MIN)
  {
    double *w = g_new(double, k);
#pragma omp for schedule(static)
    for (size_t i = 0; i < n_q; i++) {
      const Neighbour *row = nb + i * k;
      double *o = PLUM_MATRIX_ROW(out, i), total = 0;
      neighbour_weights(self, row, k, w);
      memset(o, 0, t * sizeof *o);
      for (size_t r = 0; r < k; r++) {
        total += w[r];
        if (self->classifier)
          o[(size_t)self->y[row[r].i]] += w[r];
        else
          cblas_daxpy((int)t, w[r], self->y + row[r].i * t, 1, o, 1);
      }
      for (size_t c = 0; normalise && c < t; c++)
        o[c] /= total;
    }
    g_free(w);
  }
}

static gboolean
knn_predict_proba(const void *self_ptr, const PlumMatrix *X, PlumMatrix *out, GError **error)
{
  const Knn *self = self_ptr;
  if (!check_input(self, X, out, self->n_classes, error))
    return FALSE;
  Neighbour *nb = neighbours(self, X);
  aggregate(self, nb, X->rows, TRUE, out);
  g_free(nb);
  return TRUE;
}

/* The class of the largest vote, the lowest of equals (sklearn's weighted_mode); for the
 * regressor, the (weighted) mean of the targets. */
static gboolean
knn_predict(const void *self_ptr, const PlumMatrix *X, PlumMatrix *out, GError **error)
{
  const Knn *self = self_ptr;
  if (!check_input(self, X, out, self->classifier ? 1 : self->n_outputs, error))
    return FALSE;
  Neighbour *nb = neighbours(self, X);
  if (!self->classifier) {
    aggregate(self, nb, X->rows, TRUE, out);
    g_free(nb);
    return TRUE;
  }
  size_t n_q = X->rows, kc = self->n_classes;
  double *votes = g_new(double, MAX(n_q, 1) * kc);
  PlumMatrix V = plum_matrix_view(votes, n_q, kc, 0);
  aggregate(self, nb, n_q, FALSE, &V);
  for (size_t i = 0; i < n_q; i++) {
    const double *v = votes + i * kc;
    size_t best = 0;
    for (size_t c = 1; c < kc; c++)
      if (v[c] > v[best])
        best = c;
    PLUM_MATRIX_AT(out, i, 0) = (double)best;
  }
  g_free(votes);
  g_free(nb);
  return TRUE;
}

static gboolean
knn_save(const void *self_ptr, PlumState *state, GError **error)
{
  const Knn *self = self_ptr;
  if (!check_fitted(self, error))
    return FALSE;
  plum_state_set_reals(state, "X", self->X, self->n, self->d);
  plum_state_set_reals(state, "y", self->y, self->n, self->classifier ? 1 : self->n_outputs);
  if (self->classifier)
    plum_state_set_int(state, "n_classes", (gint64)self->n_classes);
  return TRUE;
}

static gboolean
knn_load(void *self_ptr, const PlumState *state, GError **error)
{
  Knn *self = self_ptr;
  size_t n = 0, d = 0, t = 0;
  gint64 n_classes = 0;
  const double *X = plum_state_get_reals(state, "X", 0, 0, &n, &d, error);
  const double *y =
      X ? plum_state_get_reals(state, "y", n, self->classifier ? 1 : 0, NULL, &t, error) : NULL;
  if (y == NULL || (self->classifier && !plum_state_get_int(state, "n_classes", &n_classes, error)))
    return FALSE;
  if (n < 1 || d < 1 || t < 1 || n > KNN_MAX_DIM || d > KNN_MAX_DIM ||
      (self->classifier && n_classes < 1)) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
                "%s: the saved training set is %zu x %zu with %zu target columns%s", self->name, n,
                d, t, self->classifier ? " and fewer than one class" : "");
    return FALSE;
  }
  PlumMatrix Xv = plum_matrix_view((double *)X, n, d, 0),
             yv = plum_matrix_view((double *)y, n, t, 0);
  gboolean ok = plum_matrix_check_finite(&Xv, "saved X", error) &&
                plum_matrix_check_finite(&yv, "saved y", error) &&
                check_k(self, n, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE, error) &&
                (!self->classifier || check_labels(self, y, n, (size_t)n_classes, PLUM_MODEL_ERROR,
                                                   PLUM_MODEL_ERROR_STATE, error));
  if (!ok)
    return FALSE;
  knn_install(self, n, d, t, self->classifier ? (size_t)n_classes : 0,
              g_memdup2(X, n * d * sizeof *X), g_memdup2(y, n * t * sizeof *y));
  return TRUE;
}

/* Tables --------------------------------------------------------------------------------------- */

static void *
knn_classifier_create(const void *params, GError **error)
{
  return knn_new(params, TRUE);
}

static void *
knn_regressor_create(const void *params, GError **error)
{
  return knn_new(params, FALSE);
}

static gboolean
knn_check_params(const void *params, GError **error)
{
  const KnnParams *p = params;
  if (p->metric == METRIC_MINKOWSKI || p->p == 2.0)
    return TRUE;
  g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE,
              "knn: p = %g is only used with metric: minkowski (metric is %s)", p->p,
              metric_names[p->metric]);
  return FALSE;
}

static const PlumModelVTable knn_classifier_vtable = {
    .struct_size = sizeof(PlumModelVTable),
    .create = knn_classifier_create,
    .destroy = knn_destroy,
    .fit = knn_fit,
    .shape = knn_shape,
    .save = knn_save,
    .load = knn_load,
    .predict = knn_predict,
    .predict_proba = knn_predict_proba,
};

static const PlumModelVTable knn_regressor_vtable = {
    .struct_size = sizeof(PlumModelVTable),
    .create = knn_regressor_create,
    .destroy = knn_destroy,
    .fit = knn_fit,
    .shape = knn_shape,
    .save = knn_save,
    .load = knn_load,
    .predict = knn_predict,
};

static const PlumParamSpec knn_params[] = {
    PLUM_PARAM_INT_SPEC(KnnParams, k, 5, 1, KNN_MAX_DIM, 0,
                        "neighbours per query (at most the training rows)"),
    PLUM_PARAM_ENUM_SPEC(KnnParams, weights, WEIGHTS_UNIFORM, weights_names,
                         "uniform: every neighbour counts the same; distance: by 1/distance"),
    PLUM_PARAM_ENUM_SPEC(KnnParams, metric, METRIC_EUCLIDEAN, metric_names,
                         "euclidean, manhattan, or minkowski with exponent p"),
    PLUM_PARAM_REAL_SPEC(KnnParams, p, 2.0, 1.0, INFINITY, PLUM_PARAM_MAX_EXCLUSIVE,
                         "the Minkowski exponent (metric: minkowski)"),
    PLUM_PARAM_ENUM_SPEC(KnnParams, algorithm, ALGORITHM_AUTO, algorithm_names,
                         "auto: a k-d tree up to 6 features (12 for metrics other than "
                         "euclidean), brute force above"),
    PLUM_PARAM_INT_SPEC(KnnParams, leaf_size, 30, 1, 1e9, 0, "rows per k-d tree leaf at most"),
};

#define KNN_COMPONENT(id, summ, extra_caps)                                                        \
  {                                                                                                \
    .struct_size = sizeof(PlumComponentDesc), .kind = PLUM_KIND_MODEL, .name = #id,                \
    .summary = (summ), .caps = PLUM_CAP_SUPERVISED | (extra_caps), .params = knn_params,           \
    .n_params = G_N_ELEMENTS(knn_params), .params_size = sizeof(KnnParams),                        \
    .check_params = knn_check_params, .vtable = &id##_vtable, .state_version = 1,                  \
  }

static const PlumComponentDesc knn_components[] = {
    KNN_COMPONENT(knn_classifier, "k-nearest-neighbour classification", PLUM_CAP_CLASSIFIER),
    KNN_COMPONENT(knn_regressor, "k-nearest-neighbour regression, one or several targets",
                  PLUM_CAP_REGRESSOR | PLUM_CAP_MULTI_OUTPUT),
};

PLUM_PLUGIN_DEFINE(knn, PACKAGE_VERSION, "MIT",
                   "k-nearest neighbours: classifier and regressor, k-d tree or GEMM brute force",
                   knn_components, NULL)
