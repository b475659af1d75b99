/* kmeans_core.c — the k-means engine (see kmeans_core.h), written to follow scikit-learn 1.2's
 * KMeans step for step so that, from the same initial centres, it gives the same labels, centres,
 * inertia and iteration count:
 *  - scikit-learn centres X on its column means first; here that copy is made only when the
 *    data sit far from the origin (the means outweigh the spread), where ‖c‖² − 2xᵀc would lose
 *    digits: around the origin the results agree to rounding without it, and the data are not
 *    doubled in memory;
 *  - tol is scaled by the mean of the column variances and compared with the summed squared
 *    centre shift; iterating stops as soon as no label changes ("strict" convergence), else when
 *    the shift falls to tol, else after max_iter iterations, and when it did not stop on labels
 *    the labels are recomputed once from the final centres;
 *  - Lloyd assigns by ‖c‖² − 2xᵀc from a GEMM per block of rows, the first of equal distances
 *    winning; Elkan keeps an upper bound per row and a lower bound per row and centre, and
 *    computes exact distances only where the triangle inequality cannot rule a centre out;
 *  - a cluster left empty takes the row farthest from its own centre, which leaves its old
 *    cluster (scikit-learn's rule; with several empty clusters at once they take the farthest
 *    rows in decreasing distance, ties to the lowest row, where scikit-learn's order is
 *    unspecified); nothing moves when every row sits on its centre.
 * Per-cluster sums are accumulated per part of the rows and added in part order, so results do
 * not depend on the number of threads.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <cblas.h>

#include "clustering.h"
#include "vecmath.h"
#include "kmeans_core.h"

/* Lloyd's GEMM works on this many rows at a time: large enough that OpenBLAS's fixed cost per
 * call does not show, small enough that the block and its distances stay in L2. */
#define KMEANS_BLOCK_ROWS ((size_t)1024)

/* One k-means run. */
typedef struct {
  const KmeansOptions *opt;
  const double *X; /* n x d, rows ld apart: the data, centred or not (see kmeans_core_fit) */
  size_t n, d, k, ld;
  ClusteringParts parts;
  double *centers, *centers_new; /* k x d */
  double *weight;                /* k: rows per cluster */
  double *shift;                 /* k: ‖new − old‖ per centre */
  double *part_sums;             /* n_parts x k x (d + 1): k sums of rows, then k counts */
  int *labels, *labels_old;      /* n */
  /* Elkan only */
  double *upper; /* n: ≥ distance to the own centre */
  double *lower; /* n x k: ≤ distance to each centre */
  double *half;  /* k x k: half the distance between centres */
  double *next;  /* k: half the distance to the nearest other centre */
} Run;

static const double *
row_of(const Run *r, size_t i)
{
  return r->X + i * r->ld;
}

/* Distances ------------------------------------------------------------------------------------ */

static double
squared_distance(const double *a, const double *b, size_t d)
{
  double s = 0;
  for (size_t j = 0; j < d; j++) {
    double t = a[j] - b[j];
    s += t * t;
  }
  return s;
}

/* The centres as the nearest-centre search reads them: their squared norms and, for few
 * centres, Cᵀ (d x KMEANS_SMALL_K, zero-padded). */
typedef struct {
  const double *C; /* k x d */
  size_t k, d;
  double *c_sq; /* k */
  double *Ct;   /* d x KMEANS_SMALL_K, or NULL: GEMM */
} Centres;

/* Up to this many centres, a row's products with every centre are kept in vector registers
 * (Cᵀ read from L1) instead of going through GEMM, which for so few centres spends as long
 * packing each block of X as multiplying it. */
#define KMEANS_SMALL_K 8

static void
centres_init(Centres *cs, const double *C, size_t k, size_t d)
{
  *cs = (Centres){.C = C, .k = k, .d = d, .c_sq = g_new(double, k)};
  for (size_t c = 0; c < k; c++)
    cs->c_sq[c] = cblas_ddot((int)d, C + c * d, 1, C + c * d, 1);
  if (k > KMEANS_SMALL_K)
    return;
  cs->Ct = g_new0(double, d * KMEANS_SMALL_K);
  for (size_t c = 0; c < k; c++)
    for (size_t j = 0; j < d; j++)
      cs->Ct[j * KMEANS_SMALL_K + c] = C[c * d + j];
}

static void
centres_clear(Centres *cs)
{
  g_free(cs->c_sq);
  g_free(cs->Ct);
}

/* The nearest of the first k centres by ‖c‖² + dist[c], dist[c] = −2xᵀc; ties go to the lower
 * index. */
static int
argmin_centre(const double *c_sq, const double *dist, size_t stride, size_t k)
{
  double best_dist = c_sq[0] + dist[0];
  int best = 0;
  for (size_t c = 1; c < k; c++) {
    double t = c_sq[c] + dist[c * stride];
    best = t < best_dist ? (int)c : best;
    best_dist = t < best_dist ? t : best_dist;
  }
  return best;
}

/* The ‖c‖² − 2xᵀc argmin of one row from its products in two vectors. */
static inline int
nearest_of(const Centres *cs, PlumVec4 lo, PlumVec4 hi)
{
  double dist[KMEANS_SMALL_K];
  lo *= -2.0;
  hi *= -2.0;
  memcpy(dist, &lo, sizeof lo);
  memcpy(dist + 4, &hi, sizeof hi);
  return argmin_centre(cs->c_sq, dist, 1, cs->k);
}

/* labels of four rows x[0..4) against up to 8 centres: 4 rows x 8 products in eight named
 * vector accumulators (registers; -O2 would not unroll a loop over the rows), summed over the
 * features in order as GEMM does. Each row's result depends on that row alone. */
G_ALWAYS_INLINE static inline void
nearest_four(const Centres *cs, const double *const x[4], int labels[4])
{
  PlumVec4 l0 = {0}, h0 = {0}, l1 = {0}, h1 = {0}, l2 = {0}, h2 = {0}, l3 = {0}, h3 = {0};
  for (size_t j = 0; j < cs->d; j++) {
    PlumVec4 lo, hi;
    PLUM_VEC_LOAD(lo, cs->Ct + j * KMEANS_SMALL_K);
    PLUM_VEC_LOAD(hi, cs->Ct + j * KMEANS_SMALL_K + 4);
    l0 += x[0][j] * lo;
    h0 += x[0][j] * hi;
    l1 += x[1][j] * lo;
    h1 += x[1][j] * hi;
    l2 += x[2][j] * lo;
    h2 += x[2][j] * hi;
    l3 += x[3][j] * lo;
    h3 += x[3][j] * hi;
  }
  labels[0] = nearest_of(cs, l0, h0);
  labels[1] = nearest_of(cs, l1, h1);
  labels[2] = nearest_of(cs, l2, h2);
  labels[3] = nearest_of(cs, l3, h3);
}

/* labels of rows X (ld apart) against up to 8 centres, four rows at a time (independent
 * accumulators hide the adds' latency); a last group of fewer repeats its final row. */
PLUM_VEC_CLONES static void
nearest_rows_small(const Centres *cs, const double *X, size_t ld, size_t rows, int *labels)
{
  size_t i = 0;
  for (; i + 4 <= rows; i += 4) {
    const double *x[4] = {X + i * ld, X + (i + 1) * ld, X + (i + 2) * ld, X + (i + 3) * ld};
    nearest_four(cs, x, labels + i);
  }
  if (i == rows)
    return;
  const double *x[4];
  int found[4];
  for (size_t g = 0; g < 4; g++)
    x[g] = X + MIN(i + g, rows - 1) * ld;
  nearest_four(cs, x, found);
  memcpy(labels + i, found, (rows - i) * sizeof *labels);
}

/* labels[0..rows) of the rows X (ld apart) by ‖c‖² − 2xᵀc; D is rows x k scratch for the GEMM
 * path, which writes −2xᵀc column-major (so OpenBLAS packs X by its cheaper path); adding ‖c‖²
 * afterwards rounds exactly as adding it through beta = 1 would, without reading D first. */
static void
nearest_block(const Centres *cs, const double *X, size_t ld, size_t rows, double *D, int *labels)
{
  if (cs->Ct != NULL) {
    nearest_rows_small(cs, X, ld, rows, labels);
    return;
  }
  cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (int)rows, (int)cs->k, (int)cs->d, -2.0, X,
              (int)ld, cs->C, (int)cs->d, 0.0, D, (int)rows);
  for (size_t i = 0; i < rows; i++)
    labels[i] = argmin_centre(cs->c_sq, D + i, rows, cs->k);
}

void
kmeans_core_assign(const PlumMatrix *X, const double *centers, size_t k, int *labels)
{
  size_t n = X->rows, d = X->cols;
  size_t n_blocks = (n + CLUSTERING_BLOCK_ROWS - 1) / CLUSTERING_BLOCK_ROWS;
  Centres cs;
  centres_init(&cs, centers, k, d);
#pragma omp parallel if (n_blocks > 1)
  {
    double *D = g_new(double, CLUSTERING_BLOCK_ROWS *k);
#pragma omp for schedule(static)
    for (size_t b = 0; b < n_blocks; b++) {
      size_t first = b * CLUSTERING_BLOCK_ROWS;
      nearest_block(&cs, PLUM_MATRIX_ROW(X, first), X->ld, MIN(CLUSTERING_BLOCK_ROWS, n - first), D,
                    labels + first);
    }
    g_free(D);
  }
  centres_clear(&cs);
}

/* Run setup ------------------------------------------------------------------------------------ */

static void
run_init(Run *r, const KmeansOptions *opt, const PlumMatrix *X)
{
  size_t n = X->rows, d = X->cols, k = opt->k;
  *r = (Run){.opt = opt, .X = X->data, .n = n, .d = d, .k = k, .ld = X->ld};
  clustering_parts_init(&r->parts, n, KMEANS_BLOCK_ROWS);
  r->centers = g_new(double, k *d);
  r->centers_new = g_new(double, k *d);
  r->weight = g_new(double, k);
  r->shift = g_new(double, k);
  r->part_sums = g_new(double, r->parts.n_parts *k *(d + 1));
  r->labels = g_new(int, n);
  r->labels_old = g_new(int, n);
  if (opt->algorithm != KMEANS_ELKAN)
    return;
  r->upper = g_new(double, n);
  r->lower = g_new(double, n *k);
  r->half = g_new(double, k *k);
  r->next = g_new(double, k);
}

static void
run_clear(Run *r)
{
  g_free(r->centers);
  g_free(r->centers_new);
  g_free(r->weight);
  g_free(r->shift);
  g_free(r->part_sums);
  g_free(r->labels);
  g_free(r->labels_old);
  g_free(r->upper);
  g_free(r->lower);
  g_free(r->half);
  g_free(r->next);
}

/* The update shared by both algorithms --------------------------------------------------------- */

/* Adds rows [first, end) to their clusters' sums (k x d, then k counts). */
static void
accumulate(const Run *r, size_t first, size_t end, double *sums)
{
  size_t d = r->d;
  for (size_t i = first; i < end; i++) {
    size_t c = (size_t)r->labels[i];
    double *s = sums + c * d;
    const double *x = row_of(r, i);
#pragma omp simd
    for (size_t j = 0; j < d; j++)
      s[j] += x[j];
    sums[r->k * d + c] += 1.0;
  }
}

/* centers_new = the parts' sums added in part order; weight = the counts. */
static void
reduce_parts(Run *r)
{
  size_t k = r->k, d = r->d;
  memset(r->centers_new, 0, k * d * sizeof *r->centers_new);
  memset(r->weight, 0, k * sizeof *r->weight);
  for (size_t p = 0; p < r->parts.n_parts; p++) {
    const double *sums = r->part_sums + p * k * (d + 1);
    for (size_t c = 0; c < k; c++) {
      cblas_daxpy((int)d, 1.0, sums + c * d, 1, r->centers_new + c * d, 1);
      r->weight[c] += sums[k * d + c];
    }
  }
}

/* Index of the largest of v[0..n), ties to the lowest index. */
static size_t
argmax(const double *v, size_t n)
{
  size_t best = 0;
  for (size_t i = 1; i < n; i++) {
    if (v[i] > v[best])
      best = i;
  }
  return best;
}

/* Each empty cluster takes the row farthest from its (old) centre; see the file comment. */
static void
relocate_empty(Run *r)
{
  size_t k = r->k, d = r->d, n_empty = 0;
  for (size_t c = 0; c < k; c++)
    n_empty += r->weight[c] == 0;
  if (n_empty == 0)
    return;
  double *dist = g_new(double, r->n);
  for (size_t i = 0; i < r->n; i++)
    dist[i] = squared_distance(row_of(r, i), r->centers + (size_t)r->labels[i] * d, d);
  if (dist[argmax(dist, r->n)] > 0) {
    for (size_t c = 0; c < k; c++) {
      if (r->weight[c] != 0)
        continue;
      size_t far = argmax(dist, r->n);
      const double *x = row_of(r, far);
      size_t old = (size_t)r->labels[far];
      cblas_daxpy((int)d, -1.0, x, 1, r->centers_new + old * d, 1);
      memcpy(r->centers_new + c * d, x, d * sizeof *x);
      r->weight[c] = 1.0;
      r->weight[old] -= 1.0;
      dist[far] = -1.0; /* taken */
    }
  }
  g_free(dist);
}

/* centers_new = the means from the reduced sums; shift = how far each centre moved. */
static void
finish_update(Run *r)
{
  size_t k = r->k, d = r->d;
  reduce_parts(r);
  relocate_empty(r);
  for (size_t c = 0; c < k; c++) {
    double *cn = r->centers_new + c * d;
    if (r->weight[c] > 0)
      cblas_dscal((int)d, 1.0 / r->weight[c], cn, 1);
    r->shift[c] = sqrt(squared_distance(cn, r->centers + c * d, d));
  }
}

/* Lloyd ---------------------------------------------------------------------------------------- */

/* Labels from the current centres and, when `update`, the new centres and shifts. Each block's
 * rows are added to their clusters while they are still in cache. */
static void
lloyd_step(Run *r, gboolean update)
{
  size_t k = r->k, d = r->d;
  Centres cs;
  centres_init(&cs, r->centers, k, d);
#pragma omp parallel if (r->parts.n_parts > 1)
  {
    double *D = g_new(double, KMEANS_BLOCK_ROWS *k);
#pragma omp for schedule(dynamic)
    for (size_t p = 0; p < r->parts.n_parts; p++) {
      size_t end = clustering_part_end(&r->parts, p);
      double *sums = r->part_sums + p * k * (d + 1);
      if (update)
        memset(sums, 0, k * (d + 1) * sizeof *sums);
      for (size_t first = clustering_part_begin(&r->parts, p); first < end;
           first += KMEANS_BLOCK_ROWS) {
        size_t rows = MIN(KMEANS_BLOCK_ROWS, end - first);
        nearest_block(&cs, row_of(r, first), r->ld, rows, D, r->labels + first);
        if (update)
          accumulate(r, first, first + rows, sums);
      }
    }
    g_free(D);
  }
  centres_clear(&cs);
  if (update)
    finish_update(r);
}

/* Elkan ---------------------------------------------------------------------------------------- */

static double
distance_to(const Run *r, size_t i, const double *C, size_t c)
{
  return sqrt(squared_distance(row_of(r, i), C + c * r->d, r->d));
}

/* half[a][b] = ‖c_a − c_b‖ / 2 and next[a] = min over b ≠ a (∞ for one centre). */
static void
elkan_centre_distances(Run *r, const double *C)
{
  size_t k = r->k, d = r->d;
  for (size_t a = 0; a < k; a++) {
    r->half[a * k + a] = 0;
    r->next[a] = INFINITY;
    for (size_t b = 0; b < a; b++)
      r->half[a * k + b] = r->half[b * k + a] =
          0.5 * sqrt(squared_distance(C + a * d, C + b * d, d));
  }
  for (size_t a = 0; a < k; a++) {
    for (size_t b = 0; b < k; b++) {
      if (b != a)
        r->next[a] = MIN(r->next[a], r->half[a * k + b]);
    }
  }
}

/* The first labels and bounds: a centre is measured only when it may beat the best so far; the
 * lower bounds of the others start at 0. */
static void
elkan_init_bounds(Run *r)
{
  size_t k = r->k;
  memset(r->lower, 0, r->n * k * sizeof *r->lower);
  elkan_centre_distances(r, r->centers);
#pragma omp parallel for schedule(static) if (r->parts.n_parts > 1)
  for (size_t i = 0; i < r->n; i++) {
    double *lower = r->lower + i * k;
    size_t best = 0;
    double best_dist = lower[0] = distance_to(r, i, r->centers, 0);
    for (size_t c = 1; c < k; c++) {
      if (!(best_dist > r->half[best * k + c]))
        continue;
      double dist = lower[c] = distance_to(r, i, r->centers, c);
      if (dist < best_dist) {
        best_dist = dist;
        best = c;
      }
    }
    r->labels[i] = (int)best;
    r->upper[i] = best_dist;
  }
}

/* Re-examines row i against the centres its bounds cannot rule out. */
static void
elkan_row(Run *r, size_t i)
{
  size_t k = r->k, label = (size_t)r->labels[i];
  double upper = r->upper[i], *lower = r->lower + i * k;
  if (r->next[label] >= upper)
    return;
  gboolean tight = FALSE;
  for (size_t c = 0; c < k; c++) {
    if (c == label || !(upper > lower[c]) || !(upper > r->half[label * k + c]))
      continue;
    if (!tight) {
      upper = lower[label] = distance_to(r, i, r->centers, label);
      tight = TRUE;
      if (!(upper > lower[c]) && !(upper > r->half[label * k + c]))
        continue;
    }
    double dist = lower[c] = distance_to(r, i, r->centers, c);
    if (dist < upper) {
      label = c;
      upper = dist;
    }
  }
  r->labels[i] = (int)label;
  r->upper[i] = upper;
}

/* The bounds follow the centres: the upper bound grows by its centre's shift, every lower
 * bound shrinks by its centre's (not below 0). */
static void
elkan_shift_bounds(Run *r)
{
  size_t k = r->k;
#pragma omp parallel for schedule(static) if (r->parts.n_parts > 1)
  for (size_t i = 0; i < r->n; i++) {
    r->upper[i] += r->shift[r->labels[i]];
    double *lower = r->lower + i * k;
    for (size_t c = 0; c < k; c++)
      lower[c] = MAX(lower[c] - r->shift[c], 0.0);
  }
}

static void
elkan_step(Run *r, gboolean update)
{
  size_t k = r->k, d = r->d;
#pragma omp parallel for schedule(dynamic) if (r->parts.n_parts > 1)
  for (size_t p = 0; p < r->parts.n_parts; p++) {
    size_t end = clustering_part_end(&r->parts, p);
    for (size_t i = clustering_part_begin(&r->parts, p); i < end; i++)
      elkan_row(r, i);
    if (update) {
      double *sums = r->part_sums + p * k * (d + 1);
      memset(sums, 0, k * (d + 1) * sizeof *sums);
      accumulate(r, clustering_part_begin(&r->parts, p), end, sums);
    }
  }
  if (!update)
    return;
  finish_update(r);
  elkan_shift_bounds(r);
  elkan_centre_distances(r, r->centers_new);
}

/* One run from r->centers ---------------------------------------------------------------------- */

static void
run_step(Run *r, gboolean update)
{
  if (r->opt->algorithm == KMEANS_ELKAN)
    elkan_step(r, update);
  else
    lloyd_step(r, update);
}

static double
run_inertia(const Run *r)
{
  double *part = g_new(double, r->parts.n_parts), total = 0;
#pragma omp parallel for schedule(static) if (r->parts.n_parts > 1)
  for (size_t p = 0; p < r->parts.n_parts; p++) {
    double s = 0;
    for (size_t i = clustering_part_begin(&r->parts, p); i < clustering_part_end(&r->parts, p); i++)
      s += squared_distance(row_of(r, i), r->centers + (size_t)r->labels[i] * r->d, r->d);
    part[p] = s;
  }
  for (size_t p = 0; p < r->parts.n_parts; p++)
    total += part[p];
  g_free(part);
  return total;
}

/* Iterates from r->centers until a stopping rule holds: labels and centres end in r, n_iter and
 * converged in res; returns the inertia. */
static double
run_iterate(Run *r, double tol, KmeansResult *res)
{
  size_t max_iter = r->opt->max_iter, iter = 0;
  gboolean strict = FALSE, converged = FALSE;
  for (size_t i = 0; i < r->n; i++)
    r->labels_old[i] = -1;
  if (r->opt->algorithm == KMEANS_ELKAN)
    elkan_init_bounds(r);
  while (iter < max_iter && !converged) {
    iter++;
    run_step(r, TRUE);
    double *swap = r->centers;
    r->centers = r->centers_new;
    r->centers_new = swap;
    strict = memcmp(r->labels, r->labels_old, r->n * sizeof *r->labels) == 0;
    double shift_sq = cblas_ddot((int)r->k, r->shift, 1, r->shift, 1);
    converged = strict || shift_sq <= tol;
    memcpy(r->labels_old, r->labels, r->n * sizeof *r->labels);
  }
  if (!strict)
    run_step(r, FALSE);
  res->n_iter = iter;
  res->converged = converged;
  return run_inertia(r);
}

/* Initial centres ------------------------------------------------------------------------------ */

/* Greedy k-means++ as scikit-learn: each new centre is the best of 2 + ⌊ln k⌋ rows drawn with
 * probability proportional to their squared distance to the nearest centre so far, the best
 * being the one that leaves the smallest total. */
static void
init_kmeans_pp(const Run *r, PlumRng *rng, double *C)
{
  size_t n = r->n, d = r->d, k = r->k, trials = 2 + (size_t)log((double)k);
  double *closest = g_new(double, n), *cumsum = g_new(double, n);
  double *cand = g_new(double, trials *n), *cand_pot = g_new(double, trials);
  size_t *cand_row = g_new(size_t, trials), first = plum_rng_below(rng, n);
  memcpy(C, row_of(r, first), d * sizeof *C);
  double pot = 0;
  for (size_t i = 0; i < n; i++)
    pot += closest[i] = squared_distance(row_of(r, i), C, d);
  for (size_t c = 1; c < k; c++) {
    double acc = 0;
    for (size_t i = 0; i < n; i++)
      cumsum[i] = acc += closest[i];
    for (size_t t = 0; t < trials; t++) {
      double target = plum_rng_uniform(rng) * pot;
      size_t lo = 0, hi = n - 1; /* the first i with cumsum[i] >= target, else n - 1 */
      while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cumsum[mid] >= target)
          hi = mid;
        else
          lo = mid + 1;
      }
      cand_row[t] = lo;
    }
#pragma omp parallel for schedule(static) if (n * trials * d >= ((size_t)1 << 16))
    for (size_t t = 0; t < trials; t++) {
      const double *x = row_of(r, cand_row[t]);
      double s = 0;
      for (size_t i = 0; i < n; i++) {
        double dist = squared_distance(row_of(r, i), x, d);
        s += cand[t * n + i] = MIN(closest[i], dist);
      }
      cand_pot[t] = s;
    }
    size_t best = 0;
    for (size_t t = 1; t < trials; t++) {
      if (cand_pot[t] < cand_pot[best])
        best = t;
    }
    pot = cand_pot[best];
    memcpy(closest, cand + best * n, n * sizeof *closest);
    memcpy(C + c * d, row_of(r, cand_row[best]), d * sizeof *C);
  }
  g_free(closest);
  g_free(cumsum);
  g_free(cand);
  g_free(cand_pot);
  g_free(cand_row);
}

/* Forgy: k distinct rows, by a partial Fisher–Yates shuffle. */
static void
init_forgy(const Run *r, PlumRng *rng, double *C)
{
  size_t *idx = g_new(size_t, r->n);
  for (size_t i = 0; i < r->n; i++)
    idx[i] = i;
  for (size_t c = 0; c < r->k; c++) {
    size_t j = c + plum_rng_below(rng, r->n - c), t = idx[c];
    idx[c] = idx[j];
    idx[j] = t;
    memcpy(C + c * r->d, row_of(r, idx[c]), r->d * sizeof *C);
  }
  g_free(idx);
}

/* Random partition: every row joins a random cluster and the centres are the means. The first k
 * rows of a random permutation go one to each cluster, so no cluster starts empty. */
static void
init_random_partition(Run *r, PlumRng *rng, double *C)
{
  size_t n = r->n, k = r->k, d = r->d;
  size_t *idx = g_new(size_t, n);
  double *count = g_new0(double, k);
  for (size_t i = 0; i < n; i++)
    idx[i] = i;
  plum_rng_shuffle(rng, idx, n);
  memset(C, 0, k * d * sizeof *C);
  for (size_t i = 0; i < n; i++) {
    size_t c = i < k ? i : plum_rng_below(rng, k);
    cblas_daxpy((int)d, 1.0, row_of(r, idx[i]), 1, C + c * d, 1);
    count[c] += 1.0;
  }
  for (size_t c = 0; c < k; c++)
    cblas_dscal((int)d, 1.0 / count[c], C + c * d, 1);
  g_free(count);
  g_free(idx);
}

/* Initial centres in the coordinates of r->X, which is X − mean. */
static void
init_centers(Run *r, const double *mean, PlumRng *rng, double *C)
{
  size_t k = r->k, d = r->d;
  switch (r->opt->init) {
  case KMEANS_INIT_KMEANS_PP:
    init_kmeans_pp(r, rng, C);
    break;
  case KMEANS_INIT_FORGY:
    init_forgy(r, rng, C);
    break;
  case KMEANS_INIT_RANDOM_PARTITION:
    init_random_partition(r, rng, C);
    break;
  case KMEANS_INIT_FIRST:
    for (size_t c = 0; c < k; c++)
      memcpy(C + c * d, row_of(r, c), d * sizeof *C);
    break;
  case KMEANS_INIT_GIVEN:
    for (size_t c = 0; c < k; c++) {
      for (size_t j = 0; j < d; j++)
        C[c * d + j] = r->opt->given[c * d + j] - mean[j];
    }
    break;
  }
}

/* Fit ------------------------------------------------------------------------------------------ */

/* mean[d] = the column means of X, and their squares' sum against the summed variances
 * (Σ_j m_j² > Σ_j σ_j²: the data sit far from the origin). The sums also check every value: a
 * NaN or infinity makes its column's mean non-finite, which spares a pass over X for that. */
static gboolean
column_moments(const PlumMatrix *X, double *mean, gboolean *far, GError **error)
{
  size_t n = X->rows, d = X->cols;
  double *sq = g_new0(double, d), mean_sq = 0, spread = 0;
  memset(mean, 0, d * sizeof *mean);
  for (size_t i = 0; i < n; i++) {
    const double *x = PLUM_MATRIX_ROW(X, i);
#pragma omp simd
    for (size_t j = 0; j < d; j++) {
      mean[j] += x[j];
      sq[j] += x[j] * x[j];
    }
  }
  for (size_t j = 0; j < d; j++) {
    mean[j] /= (double)n;
    mean_sq += mean[j] * mean[j];
    spread += sq[j] / (double)n - mean[j] * mean[j];
    if (isfinite(mean[j]) && isfinite(sq[j]))
      continue;
    g_free(sq);
    if (plum_matrix_check_finite(X, "kmeans: X", error))
      g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                  "kmeans: X: the squares of column %zu overflow; rescale the data", j);
    return FALSE;
  }
  *far = mean_sq > spread;
  g_free(sq);
  return TRUE;
}

/* X − mean, compact. */
static double *
centre_columns(const PlumMatrix *X, const double *mean)
{
  size_t n = X->rows, d = X->cols;
  double *Xc = g_new(double, n *d);
#pragma omp parallel for schedule(static) if (n * d >= ((size_t)1 << 16))
  for (size_t i = 0; i < n; i++) {
    const double *x = PLUM_MATRIX_ROW(X, i);
#pragma omp simd
    for (size_t j = 0; j < d; j++)
      Xc[i * d + j] = x[j] - mean[j];
  }
  return Xc;
}

/* tol × the mean of the (population) column variances, by two passes as numpy's var. */
static double
absolute_tol(const PlumMatrix *X, const double *mean, double tol)
{
  if (tol == 0)
    return 0;
  double ss = 0;
  for (size_t i = 0; i < X->rows; i++) {
    const double *x = PLUM_MATRIX_ROW(X, i);
    for (size_t j = 0; j < X->cols; j++)
      ss += (x[j] - mean[j]) * (x[j] - mean[j]);
  }
  return tol * ss / (double)(X->rows * X->cols);
}

/* Keeps the run in res when it is the first or beats the inertia there. */
static void
keep_best(Run *r, double inertia, const KmeansResult *trial, KmeansResult *res)
{
  if (res->centers != NULL && !(inertia < res->inertia))
    return;
  size_t k = r->k, d = r->d;
  if (res->centers == NULL) {
    res->centers = g_new(double, k *d);
    res->labels = g_new(int, r->n);
  }
  memcpy(res->centers, r->centers, k * d * sizeof *res->centers);
  memcpy(res->labels, r->labels, r->n * sizeof *res->labels);
  res->inertia = inertia;
  res->n_iter = trial->n_iter;
  res->converged = trial->converged;
}

gboolean
kmeans_core_fit(const KmeansOptions *opt, const PlumMatrix *X, PlumRng *rng, KmeansResult *res,
                GError **error)
{
  size_t n = X->rows, d = X->cols;
  gboolean far = FALSE;
  if (!clustering_check_count("kmeans", "n_clusters", opt->k, n, error))
    return FALSE;
  double *mean = g_new(double, d);
  if (!column_moments(X, mean, &far, error)) {
    g_free(mean);
    return FALSE;
  }
  double tol = absolute_tol(X, mean, opt->tol);
  /* Only data far from the origin are centred (a copy); see the file comment. */
  double *Xc = far ? centre_columns(X, mean) : NULL;
  PlumMatrix data = far ? plum_matrix_view(Xc, n, d, 0) : *X;
  if (!far)
    memset(mean, 0, d * sizeof *mean);
  gboolean random = opt->init != KMEANS_INIT_FIRST && opt->init != KMEANS_INIT_GIVEN;
  size_t runs = random ? MAX(opt->n_init, 1) : 1;
  Run r;
  run_init(&r, opt, &data);
  *res = (KmeansResult){0};
  for (size_t t = 0; t < runs; t++) {
    KmeansResult trial = {0};
    init_centers(&r, mean, rng, r.centers);
    double inertia = run_iterate(&r, tol, &trial);
    keep_best(&r, inertia, &trial, res);
  }
  for (size_t c = 0; c < opt->k; c++)
    cblas_daxpy((int)d, 1.0, mean, 1, res->centers + c * d, 1);
  run_clear(&r);
  g_free(Xc);
  g_free(mean);
  return TRUE;
}

void
kmeans_core_clear(KmeansResult *res)
{
  g_free(res->centers);
  g_free(res->labels);
  *res = (KmeansResult){0};
}
