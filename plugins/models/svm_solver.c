/* svm_solver.c — SMO for the C-SVC and ε-SVR duals, as libsvm 3 solves them.
 *
 * The algorithm is libsvm's Solver, step for step, so that a model matches libsvm's support
 * vectors and decision values and not merely its accuracy: the working pair by second-order
 * selection (Fan, Chen & Lin 2005, "WSS 3"), the analytic two-variable update clipped to the
 * box, shrinking every min(l, 1000) iterations with the unshrink-and-reconstruct step once the
 * violation falls under 10·tol, the gradient of the shrunk variables rebuilt from G_bar (the
 * part due to variables at their upper bound) before the final check, rho as the mean of y_i G_i
 * over free variables (else the midpoint of the feasible interval), and libsvm's iteration cap.
 * Like libsvm, cached kernel rows are single precision (Q is only ever read through them) while
 * gradients and α stay double.
 *
 * Kernel rows come from the kernel plugin's batched Gram matrix, K(X_b, X[a, b)) for the missing
 * columns. Asking the kernel for one row at a time would spend as much on its per-call work
 * (norms and packing of the other points) as on the row, so a missing row is computed together
 * with the rows of the strongest violators on both sides, which the next selections are likely
 * to pick (or, when the gradient is rebuilt, the rows it will read next); a Gram block is only
 * split over threads when it is large, because two forks per SMO step cost more than they save
 * on a busy machine. Points are permuted along with the variables when shrinking reorders them,
 * so the active set is always the leading rows and a row is one contiguous view. Rows live in an
 * LRU cache of fixed-width slots allocated once (cache_mb, at least two rows), filled only as
 * far as the active set reaches and extended when it grows; the column swaps of a shrinking pass
 * are applied row by row afterwards rather than across every row per swap. The cache changes
 * how often a row is computed, never its value. ε-SVR has 2l variables over l points: its cache
 * holds whole rows per point and each request is expanded into one of two sign-corrected
 * buffers, as libsvm's SVR_Q does.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <stdint.h>
#include <omp.h>

#include "svm_solver.h"

#define TAU 1e-12
#define NONE SIZE_MAX
/* Rows computed in one Gram block when a row is missing. */
#define ROW_BATCH 8
/* Gram blocks smaller than this run on one thread... */
#define PARALLEL_MIN_ENTRIES (1u << 18)
/* ...in column chunks of at most this many multiply-adds. */
#define SERIAL_GEMM_MAX (1u << 18)
/* Violators per side whose rows come with a missing row. */
#define HINTS_PER_SIDE (ROW_BATCH / 2)

enum { AT_LOWER, AT_UPPER, FREE };

/* Kernel-row cache --------------------------------------------------------------------------- */

typedef struct {
  float *pool;         /* n_slots rows of `width` floats */
  size_t n, width;     /* n rows may be cached, each up to width entries */
  size_t *slot, *len;  /* per row: its slot (NONE) and how many leading entries are valid */
  size_t *prev, *next; /* LRU ring over the cached rows, oldest first; n is the sentinel */
  size_t *free_slots, n_free, n_slots;
  size_t *swaps, n_swaps; /* column swaps (lo, hi) not yet applied to the cached rows */
} RowCache;

static gboolean
cache_init(RowCache *c, size_t n, size_t width, double mb, GError **error)
{
  size_t row_bytes = width * sizeof(float);
  double fit = floor(mb * 1024.0 * 1024.0 / (double)row_bytes);
  size_t n_slots = fit >= (double)n ? n : MIN(n, MAX((size_t)fit, 2));
  c->pool = g_try_malloc(n_slots * row_bytes);
  if (c->pool == NULL) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED,
                "svm: cannot allocate %zu kernel rows of %zu entries (cache_size %g MB)", n_slots,
                width, mb);
    return FALSE;
  }
  c->n = n;
  c->width = width;
  c->slot = g_new(size_t, n);
  c->len = g_new0(size_t, n);
  c->prev = g_new(size_t, n + 1);
  c->next = g_new(size_t, n + 1);
  c->free_slots = g_new(size_t, n_slots);
  c->swaps = g_new(size_t, 2 * n);
  c->n_swaps = 0;
  for (size_t i = 0; i < n; i++)
    c->slot[i] = NONE;
  c->prev[n] = c->next[n] = n;
  for (size_t s = 0; s < n_slots; s++)
    c->free_slots[s] = n_slots - 1 - s;
  c->n_free = c->n_slots = n_slots;
  return TRUE;
}

static void
cache_clear(RowCache *c)
{
  g_free(c->pool);
  g_free(c->slot);
  g_free(c->len);
  g_free(c->prev);
  g_free(c->next);
  g_free(c->free_slots);
  g_free(c->swaps);
}

static void
lru_delete(RowCache *c, size_t i)
{
  c->next[c->prev[i]] = c->next[i];
  c->prev[c->next[i]] = c->prev[i];
}

static void
lru_insert(RowCache *c, size_t i)
{
  c->next[i] = c->n;
  c->prev[i] = c->prev[c->n];
  c->next[c->prev[i]] = i;
  c->prev[c->n] = i;
}

static float *
cache_row(const RowCache *c, size_t i)
{
  return c->pool + c->slot[i] * c->width;
}

static void
cache_drop(RowCache *c, size_t i)
{
  lru_delete(c, i);
  c->free_slots[c->n_free++] = c->slot[i];
  c->slot[i] = NONE;
  c->len[i] = 0;
}

static size_t
cache_take_slot(RowCache *c)
{
  if (c->n_free == 0)
    cache_drop(c, c->next[c->n]);
  return c->free_slots[--c->n_free];
}

/* Row i with room for len entries, now the most recently used; *start is how many leading
 * entries are already valid (the caller fills [*start, len) when *start < len). */
static float *
cache_get(RowCache *c, size_t i, size_t len, size_t *start)
{
  *start = c->len[i];
  if (*start > 0)
    lru_delete(c, i);
  if (len > *start) {
    if (c->slot[i] == NONE)
      c->slot[i] = cache_take_slot(c);
    c->len[i] = len;
  }
  if (c->len[i] > 0)
    lru_insert(c, i);
  return cache_row(c, i);
}

/* Applies the pending column swaps to every cached row, row by row so that each row stays in
 * the processor's cache while its swaps are made; a row that covers lo but not hi of a swap
 * cannot follow it and is dropped. */
static void
cache_sync(RowCache *c)
{
  size_t min_lo = c->n;
  for (size_t k = 0; k < c->n_swaps; k++)
    min_lo = MIN(min_lo, c->swaps[2 * k]);
  for (size_t h = c->next[c->n], nx; c->n_swaps > 0 && h != c->n; h = nx) {
    nx = c->next[h];
    size_t len = c->len[h];
    float *row = cache_row(c, h);
    for (size_t k = 0; len > min_lo && k < c->n_swaps; k++) {
      size_t lo = c->swaps[2 * k], hi = c->swaps[2 * k + 1];
      if (len <= lo)
        continue;
      if (len <= hi) {
        cache_drop(c, h);
        break;
      }
      float v = row[lo];
      row[lo] = row[hi];
      row[hi] = v;
    }
  }
  c->n_swaps = 0;
}

/* Rows and columns i and j trade places: the rows at once, the columns at the next sync. */
static void
cache_swap(RowCache *c, size_t i, size_t j)
{
  if (i == j)
    return;
  if (c->len[i] > 0)
    lru_delete(c, i);
  if (c->len[j] > 0)
    lru_delete(c, j);
  size_t t = c->slot[i];
  c->slot[i] = c->slot[j];
  c->slot[j] = t;
  t = c->len[i];
  c->len[i] = c->len[j];
  c->len[j] = t;
  if (c->len[i] > 0)
    lru_insert(c, i);
  if (c->len[j] > 0)
    lru_insert(c, j);
  if (c->n_swaps == c->n)
    cache_sync(c);
  c->swaps[2 * c->n_swaps] = MIN(i, j);
  c->swaps[2 * c->n_swaps + 1] = MAX(i, j);
  c->n_swaps++;
}

/* The Q matrix -------------------------------------------------------------------------------- */

/* Variables the solver expects to ask for soon; their rows are computed along with a missing
 * row, in the same Gram block. */
typedef struct {
  size_t idx[ROW_BATCH - 1];
  size_t n;
} Hints;

typedef struct {
  const PlumBinding *kernel;
  gboolean regression;
  PlumMatrix *X; /* C-SVC: permuted with the variables; ε-SVR: in point order */
  size_t n_points;
  const signed char *y; /* the solver's signs, which it swaps itself */
  double *QD;           /* Q_ii per variable */
  size_t *index;        /* ε-SVR: the point of each variable */
  RowCache cache;       /* rows per variable (C-SVC) or per point (ε-SVR) */
  size_t batch_max;     /* rows per Gram block, leaving the cache room for the pair in use */
  PlumMatrix *Xb;       /* ROW_BATCH x d: the points of one block */
  double *K;            /* ROW_BATCH x n_points: one Gram block */
  float *buf[2];        /* ε-SVR: the last two rows handed out */
  int next_buf;
  int n_threads;
  GError *error; /* the first kernel failure; rows read 0 after it */
} QMatrix;

/* q->K (nb x (end − start)) = k(x_rows[r], X[start, end)). A small block runs on one thread,
 * in column chunks of at most SERIAL_GEMM_MAX multiply-adds: the kernel's parallel loops, and
 * the threads OpenBLAS starts for GEMMs above about 2^18 multiply-adds, cost more to start and
 * join than they save on blocks this size, and far more on a busy machine. */
static void
kernel_block(QMatrix *q, const size_t *rows, size_t nb, size_t start, size_t end)
{
  size_t m = end - start, d = q->X->cols;
  for (size_t r = 0; r < nb; r++)
    memcpy(PLUM_MATRIX_ROW(q->Xb, r), PLUM_MATRIX_ROW(q->X, rows[r]), d * sizeof(double));
  PlumMatrix Xb = plum_matrix_rows(q->Xb, 0, nb);
  gboolean parallel = nb * m >= PARALLEL_MIN_ENTRIES;
  size_t width = parallel ? m : MAX(SERIAL_GEMM_MAX / (nb * MAX(d, 1)), 1);
  omp_set_num_threads(parallel ? q->n_threads : 1);
  for (size_t c = 0; c < m && q->error == NULL; c += width) {
    size_t w = MIN(width, m - c);
    PlumMatrix Y = plum_matrix_rows(q->X, start + c, w), K = plum_matrix_view(q->K + c, nb, w, m);
    plum_kernel_gram(q->kernel, &Xb, &Y, &K, &q->error);
  }
  omp_set_num_threads(q->n_threads);
  if (q->error != NULL)
    memset(q->K, 0, nb * m * sizeof *q->K);
}

/* The cache row of a variable (C-SVC) or of its point (ε-SVR). */
static size_t
row_of(const QMatrix *q, size_t var)
{
  return q->regression ? q->index[var] : var;
}

/* Cache row r of the block's row k, entries [start, end): Q_ij for C-SVC, k(x_r, x_j) for
 * ε-SVR (signed when expanded). */
static void
store_row(QMatrix *q, size_t r, const double *k, size_t start, size_t end)
{
  size_t s;
  float *row = cache_get(&q->cache, r, end, &s);
  if (q->regression) {
    for (size_t j = start; j < end; j++)
      row[j] = (float)k[j - start];
    return;
  }
  double yr = q->y[r];
  for (size_t j = start; j < end; j++)
    row[j] = (float)(yr * q->y[j] * k[j - start]);
}

/* Cache row r filled to len, computed on a miss together with the hinted rows that are not
 * cached at all (when r itself is; a row only being extended goes alone). */
static const float *
q_fetch(QMatrix *q, size_t r, size_t len, const Hints *hints)
{
  cache_sync(&q->cache);
  size_t start = q->cache.len[r], rows[ROW_BATCH] = {r}, nb = 1;
  if (start >= len)
    return cache_get(&q->cache, r, len, &start);
  for (size_t h = 0; start == 0 && hints != NULL && h < hints->n && nb < q->batch_max; h++) {
    size_t c = row_of(q, hints->idx[h]);
    gboolean dup = q->cache.len[c] > 0;
    for (size_t b = 0; b < nb && !dup; b++)
      dup = rows[b] == c;
    if (!dup)
      rows[nb++] = c;
  }
  kernel_block(q, rows, nb, start, len);
  for (size_t b = nb; b-- > 0;) /* r last: the most recently used */
    store_row(q, rows[b], q->K + b * (len - start), start, len);
  return cache_row(&q->cache, r);
}

/* Q_i[0, len), valid until the next two requests. */
static const float *
q_row(QMatrix *q, size_t i, size_t len, const Hints *hints)
{
  if (!q->regression)
    return q_fetch(q, i, len, hints);
  const float *row = q_fetch(q, q->index[i], q->n_points, hints);
  float *buf = q->buf[q->next_buf], si = q->y[i];
  q->next_buf ^= 1;
  for (size_t j = 0; j < len; j++)
    buf[j] = si * q->y[j] * row[q->index[j]];
  return buf;
}

static void
swap_doubles(double *v, size_t i, size_t j)
{
  double t = v[i];
  v[i] = v[j];
  v[j] = t;
}

static void
q_swap(QMatrix *q, size_t i, size_t j)
{
  swap_doubles(q->QD, i, j);
  if (q->regression) {
    size_t t = q->index[i];
    q->index[i] = q->index[j];
    q->index[j] = t;
    return;
  }
  cache_swap(&q->cache, i, j);
  double *a = PLUM_MATRIX_ROW(q->X, i), *b = PLUM_MATRIX_ROW(q->X, j);
  for (size_t k = 0; k < q->X->cols; k++) {
    double t = a[k];
    a[k] = b[k];
    b[k] = t;
  }
}

static void
q_clear(QMatrix *q)
{
  cache_clear(&q->cache);
  plum_matrix_free(q->X);
  g_free(q->QD);
  g_free(q->index);
  plum_matrix_free(q->Xb);
  g_free(q->K);
  g_free(q->buf[0]);
  g_free(q->buf[1]);
  g_clear_error(&q->error);
}

static gboolean
q_init(QMatrix *q, const SvmProblem *prob, const signed char *y, size_t l, GError **error)
{
  size_t n = prob->X->rows;
  *q = (QMatrix){.kernel = prob->kernel, .regression = prob->regression, .n_points = n, .y = y};
  q->X = plum_matrix_copy(prob->X, error);
  if (q->X == NULL || !cache_init(&q->cache, n, n, prob->cache_mb, error))
    return FALSE;
  q->QD = g_new(double, l);
  plum_kernel_diag(prob->kernel, q->X, q->QD);
  q->Xb = plum_matrix_new(ROW_BATCH, q->X->cols, error);
  if (q->Xb == NULL)
    return FALSE;
  q->K = g_new(double, ROW_BATCH *n);
  q->batch_max = q->cache.n_slots > ROW_BATCH + 2 ? ROW_BATCH : MAX(q->cache.n_slots, 3) - 2;
  q->n_threads = omp_get_max_threads();
  if (!prob->regression)
    return TRUE;
  memcpy(q->QD + n, q->QD, n * sizeof *q->QD);
  q->index = g_new(size_t, l);
  for (size_t k = 0; k < n; k++)
    q->index[k] = q->index[k + n] = k;
  q->buf[0] = g_new(float, l);
  q->buf[1] = g_new(float, l);
  return TRUE;
}

/* The solver ----------------------------------------------------------------------------------- */

typedef struct {
  QMatrix Q;
  size_t l, active_size;
  signed char *y;
  double *alpha, *G, *G_bar, *p, *C;
  char *status;
  size_t *active_set;
  double tol;
  gboolean shrinking, unshrink;
  Hints hints; /* the strongest violators besides the working pair, from the last selection */
} Smo;

static gboolean
is_upper(const Smo *s, size_t i)
{
  return s->status[i] == AT_UPPER;
}

static gboolean
is_lower(const Smo *s, size_t i)
{
  return s->status[i] == AT_LOWER;
}

static gboolean
is_free(const Smo *s, size_t i)
{
  return s->status[i] == FREE;
}

static void
update_status(Smo *s, size_t i)
{
  s->status[i] = s->alpha[i] >= s->C[i] ? AT_UPPER : s->alpha[i] <= 0 ? AT_LOWER : FREE;
}

static void
swap_index(Smo *s, size_t i, size_t j)
{
  q_swap(&s->Q, i, j);
  signed char ty = s->y[i];
  s->y[i] = s->y[j];
  s->y[j] = ty;
  char ts = s->status[i];
  s->status[i] = s->status[j];
  s->status[j] = ts;
  size_t ta = s->active_set[i];
  s->active_set[i] = s->active_set[j];
  s->active_set[j] = ta;
  swap_doubles(s->G, i, j);
  swap_doubles(s->alpha, i, j);
  swap_doubles(s->p, i, j);
  swap_doubles(s->G_bar, i, j);
  swap_doubles(s->C, i, j);
}

/* The gradient of the inactive variables from G_bar and the free variables, by whichever
 * order of the double loop reads fewer kernel entries. */
static void
reconstruct_gradient(Smo *s)
{
  size_t l = s->l, active = s->active_size, nr_free = 0;
  if (active == l)
    return;
  for (size_t j = active; j < l; j++)
    s->G[j] = s->G_bar[j] + s->p[j];
  for (size_t j = 0; j < active; j++)
    nr_free += is_free(s, j);
  Hints next = {0};
  if ((double)nr_free * (double)l > 2.0 * (double)active * (double)(l - active)) {
    for (size_t i = active; i < l; i++) {
      for (next.n = 0; next.n < ROW_BATCH - 1 && i + 1 + next.n < l; next.n++)
        next.idx[next.n] = i + 1 + next.n;
      const float *Q_i = q_row(&s->Q, i, active, &next);
      for (size_t j = 0; j < active; j++)
        if (is_free(s, j))
          s->G[i] += s->alpha[j] * Q_i[j];
    }
    return;
  }
  for (size_t i = 0; i < active; i++) {
    if (!is_free(s, i))
      continue;
    next.n = 0;
    for (size_t t = i + 1; t < active && next.n < ROW_BATCH - 1; t++)
      if (is_free(s, t))
        next.idx[next.n++] = t;
    const float *Q_i = q_row(&s->Q, i, l, &next);
    for (size_t j = active; j < l; j++)
      s->G[j] += s->alpha[i] * Q_i[j];
  }
}

typedef struct {
  size_t idx;
  double obj_diff_min, Gmax2;
} Second;

/* The candidate j for the pair (i, ·), from libsvm's second-order rule. */
static void
consider_j(const Smo *s, size_t i, const float *Q_i, double Gmax, size_t j, Second *b)
{
  double Gj = s->y[j] == 1 ? s->G[j] : -s->G[j];
  if (s->y[j] == 1 ? is_lower(s, j) : is_upper(s, j))
    return;
  double grad_diff = Gmax + Gj;
  if (Gj >= b->Gmax2)
    b->Gmax2 = Gj;
  if (grad_diff <= 0)
    return;
  double quad = s->Q.QD[i] + s->Q.QD[j] - 2.0 * s->y[i] * s->y[j] * Q_i[j];
  double obj_diff = -(grad_diff * grad_diff) / (quad > 0 ? quad : TAU);
  if (obj_diff <= b->obj_diff_min) {
    b->idx = j;
    b->obj_diff_min = obj_diff;
  }
}

/* The strongest few of one side, best first. */
typedef struct {
  size_t idx[HINTS_PER_SIDE], n;
  double v[HINTS_PER_SIDE];
} Top;

static void
top_offer(Top *t, size_t idx, double v)
{
  if (t->n == HINTS_PER_SIDE && v <= t->v[HINTS_PER_SIDE - 1])
    return;
  size_t k = t->n < HINTS_PER_SIDE ? t->n++ : HINTS_PER_SIDE - 1;
  for (; k > 0 && t->v[k - 1] < v; k--) {
    t->idx[k] = t->idx[k - 1];
    t->v[k] = t->v[k - 1];
  }
  t->idx[k] = idx;
  t->v[k] = v;
}

/* The hints: the strongest violators on both sides, which the next selections are likely to
 * pick. */
static void
set_hints(Smo *s, const Top *up, const Top *low, size_t i)
{
  s->hints.n = 0;
  for (size_t k = 0; k < up->n; k++)
    if (up->idx[k] != i && s->hints.n < ROW_BATCH - 1)
      s->hints.idx[s->hints.n++] = up->idx[k];
  for (size_t k = 0; k < low->n && s->hints.n < ROW_BATCH - 1; k++)
    s->hints.idx[s->hints.n++] = low->idx[k];
}

/* WSS 3: i maximises −y_i G_i over I_up, j minimises the second-order gain over I_low. FALSE
 * when the maximal violation is below tol (optimal on the active set). */
static gboolean
select_working_set(Smo *s, size_t *out_i, size_t *out_j)
{
  double Gmax = -INFINITY;
  size_t i = NONE;
  Top up = {0}, low = {0};
  for (size_t t = 0; t < s->active_size; t++) {
    double yG = s->y[t] * s->G[t];
    if (s->y[t] == 1 ? !is_upper(s, t) : !is_lower(s, t)) {
      if (-yG >= Gmax) {
        Gmax = -yG;
        i = t;
      }
      top_offer(&up, t, -yG);
    }
    if (s->y[t] == 1 ? !is_lower(s, t) : !is_upper(s, t))
      top_offer(&low, t, yG);
  }
  set_hints(s, &up, &low, i);
  Second b = {.idx = NONE, .obj_diff_min = INFINITY, .Gmax2 = -INFINITY};
  const float *Q_i = i != NONE ? q_row(&s->Q, i, s->active_size, &s->hints) : NULL;
  for (size_t j = 0; j < s->active_size; j++)
    consider_j(s, i, Q_i, Gmax, j, &b);
  if (Gmax + b.Gmax2 < s->tol || b.idx == NONE)
    return FALSE;
  *out_i = i;
  *out_j = b.idx;
  return TRUE;
}

/* The analytic minimiser along the pair's feasible line, clipped to the box (y_i ≠ y_j). */
static void
step_opposite(Smo *s, size_t i, size_t j, double quad)
{
  double *a = s->alpha, C_i = s->C[i], C_j = s->C[j];
  double delta = (-s->G[i] - s->G[j]) / (quad > 0 ? quad : TAU), diff = a[i] - a[j];
  a[i] += delta;
  a[j] += delta;
  if (diff > 0 && a[j] < 0) {
    a[j] = 0;
    a[i] = diff;
  } else if (diff <= 0 && a[i] < 0) {
    a[i] = 0;
    a[j] = -diff;
  }
  if (diff > C_i - C_j && a[i] > C_i) {
    a[i] = C_i;
    a[j] = C_i - diff;
  } else if (diff <= C_i - C_j && a[j] > C_j) {
    a[j] = C_j;
    a[i] = C_j + diff;
  }
}

/* The same for y_i = y_j. */
static void
step_same(Smo *s, size_t i, size_t j, double quad)
{
  double *a = s->alpha, C_i = s->C[i], C_j = s->C[j];
  double delta = (s->G[i] - s->G[j]) / (quad > 0 ? quad : TAU), sum = a[i] + a[j];
  a[i] -= delta;
  a[j] += delta;
  if (sum > C_i && a[i] > C_i) {
    a[i] = C_i;
    a[j] = sum - C_i;
  } else if (sum <= C_i && a[j] < 0) {
    a[j] = 0;
    a[i] = sum;
  }
  if (sum > C_j && a[j] > C_j) {
    a[j] = C_j;
    a[i] = sum - C_j;
  } else if (sum <= C_j && a[i] < 0) {
    a[i] = 0;
    a[j] = sum;
  }
}

/* G_bar follows variable i onto or off its upper bound. */
static void
update_G_bar(Smo *s, size_t i, gboolean was_upper)
{
  if (was_upper == is_upper(s, i))
    return;
  const float *Q_i = q_row(&s->Q, i, s->l, NULL);
  double c = was_upper ? -s->C[i] : s->C[i];
  for (size_t k = 0; k < s->l; k++)
    s->G_bar[k] += c * Q_i[k];
}

static void
update_pair(Smo *s, size_t i, size_t j)
{
  const float *Q_i = q_row(&s->Q, i, s->active_size, &s->hints);
  const float *Q_j = q_row(&s->Q, j, s->active_size, &s->hints);
  double old_i = s->alpha[i], old_j = s->alpha[j];
  if (s->y[i] != s->y[j])
    step_opposite(s, i, j, s->Q.QD[i] + s->Q.QD[j] + 2 * Q_i[j]);
  else
    step_same(s, i, j, s->Q.QD[i] + s->Q.QD[j] - 2 * Q_i[j]);
  double d_i = s->alpha[i] - old_i, d_j = s->alpha[j] - old_j;
  for (size_t k = 0; k < s->active_size; k++)
    s->G[k] += Q_i[k] * d_i + Q_j[k] * d_j;
  gboolean upper_i = is_upper(s, i), upper_j = is_upper(s, j);
  update_status(s, i);
  update_status(s, j);
  update_G_bar(s, i, upper_i);
  update_G_bar(s, j, upper_j);
}

static gboolean
be_shrunk(const Smo *s, size_t i, double Gmax1, double Gmax2)
{
  if (is_upper(s, i))
    return -s->G[i] > (s->y[i] == 1 ? Gmax1 : Gmax2);
  if (is_lower(s, i))
    return s->G[i] > (s->y[i] == 1 ? Gmax2 : Gmax1);
  return FALSE;
}

static void
do_shrinking(Smo *s)
{
  double Gmax1 = -INFINITY, Gmax2 = -INFINITY; /* max −y G over I_up, max y G over I_low */
  for (size_t i = 0; i < s->active_size; i++) {
    double yG = s->y[i] * s->G[i];
    gboolean in_up = s->y[i] == 1 ? !is_upper(s, i) : !is_lower(s, i);
    gboolean in_low = s->y[i] == 1 ? !is_lower(s, i) : !is_upper(s, i);
    if (in_up)
      Gmax1 = MAX(Gmax1, -yG);
    if (in_low)
      Gmax2 = MAX(Gmax2, yG);
  }
  if (!s->unshrink && Gmax1 + Gmax2 <= s->tol * 10) {
    s->unshrink = TRUE;
    reconstruct_gradient(s);
    s->active_size = s->l;
  }
  for (size_t i = 0; i < s->active_size; i++) {
    if (!be_shrunk(s, i, Gmax1, Gmax2))
      continue;
    for (s->active_size--; s->active_size > i; s->active_size--) {
      if (!be_shrunk(s, s->active_size, Gmax1, Gmax2)) {
        swap_index(s, i, s->active_size);
        break;
      }
    }
  }
}

static double
calculate_rho(const Smo *s)
{
  double ub = INFINITY, lb = -INFINITY, sum_free = 0;
  size_t nr_free = 0;
  for (size_t i = 0; i < s->active_size; i++) {
    double yG = s->y[i] * s->G[i];
    if (is_free(s, i)) {
      nr_free++;
      sum_free += yG;
    } else if (is_upper(s, i) == (s->y[i] == -1)) {
      ub = MIN(ub, yG);
    } else {
      lb = MAX(lb, yG);
    }
  }
  return nr_free > 0 ? sum_free / (double)nr_free : (ub + lb) / 2;
}

/* libsvm's loop: shrink every min(l, 1000) iterations; when the active set looks optimal,
 * rebuild the full gradient and check again before stopping. */
static size_t
smo_iterate(Smo *s, size_t max_iter)
{
  size_t counter = MIN(s->l, 1000) + 1, iter = 0;
  while (iter < max_iter && s->Q.error == NULL) {
    if (--counter == 0) {
      counter = MIN(s->l, 1000);
      if (s->shrinking)
        do_shrinking(s);
    }
    size_t i, j;
    if (!select_working_set(s, &i, &j)) {
      reconstruct_gradient(s);
      s->active_size = s->l;
      if (!select_working_set(s, &i, &j))
        break;
      counter = 1;
    }
    iter++;
    update_pair(s, i, j);
  }
  return iter;
}

static void
smo_clear(Smo *s)
{
  q_clear(&s->Q);
  g_free(s->y);
  g_free(s->alpha);
  g_free(s->G);
  g_free(s->G_bar);
  g_free(s->p);
  g_free(s->C);
  g_free(s->status);
  g_free(s->active_set);
}

/* Variables, signs, linear term and bounds: l = n for C-SVC, 2n for ε-SVR (α⁺ then α⁻). At
 * α = 0 the gradient is the linear term and nothing is at its upper bound. */
static gboolean
smo_init(Smo *s, const SvmProblem *prob, GError **error)
{
  size_t n = prob->X->rows, l = prob->regression ? 2 * n : n;
  *s = (Smo){.l = l, .active_size = l, .tol = prob->tol, .shrinking = prob->shrinking};
  s->y = g_new(signed char, l);
  s->p = g_new(double, l);
  s->C = g_new(double, l);
  for (size_t i = 0; i < n; i++) {
    s->C[i] = prob->C[i];
    if (!prob->regression) {
      s->y[i] = prob->y[i] > 0 ? 1 : -1;
      s->p[i] = -1;
      continue;
    }
    s->y[i] = 1;
    s->y[i + n] = -1;
    s->p[i] = prob->epsilon - prob->y[i];
    s->p[i + n] = prob->epsilon + prob->y[i];
    s->C[i + n] = prob->C[i];
  }
  s->alpha = g_new0(double, l);
  s->G = g_memdup2(s->p, l * sizeof *s->p);
  s->G_bar = g_new0(double, l);
  s->status = g_new(char, l);
  s->active_set = g_new(size_t, l);
  for (size_t i = 0; i < l; i++) {
    update_status(s, i);
    s->active_set[i] = i;
  }
  return q_init(&s->Q, prob, s->y, l, error);
}

/* α in the caller's order, folded into one coefficient per point. */
static void
smo_export(const Smo *s, const SvmProblem *prob, SvmSolution *sol)
{
  size_t n = prob->X->rows;
  double *alpha = g_new(double, s->l), v = 0;
  for (size_t i = 0; i < s->l; i++) {
    alpha[s->active_set[i]] = s->alpha[i];
    v += s->alpha[i] * (s->G[i] + s->p[i]);
  }
  for (size_t i = 0; i < n; i++)
    sol->coef[i] =
        prob->regression ? alpha[i] - alpha[i + n] : (prob->y[i] > 0 ? 1 : -1) * alpha[i];
  sol->objective = v / 2;
  sol->rho = calculate_rho(s);
  g_free(alpha);
}

gboolean
svm_solve(const SvmProblem *prob, SvmSolution *sol, GError **error)
{
  Smo s;
  if (!smo_init(&s, prob, error)) {
    smo_clear(&s);
    return FALSE;
  }
  size_t max_iter = MAX(10000000, s.l > G_MAXINT / 100 ? (size_t)G_MAXINT : 100 * s.l);
  sol->n_iter = smo_iterate(&s, max_iter);
  sol->hit_max_iter = sol->n_iter >= max_iter;
  if (sol->hit_max_iter) {
    reconstruct_gradient(&s);
    s.active_size = s.l;
  }
  gboolean ok = s.Q.error == NULL;
  if (ok)
    smo_export(&s, prob, sol);
  else
    g_propagate_error(error, g_steal_pointer(&s.Q.error));
  smo_clear(&s);
  return ok;
}
