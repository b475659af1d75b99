/* dbscan.c — density-based clustering, the `dbscan` model plugin (PLUM_CAP_CLUSTERER).
 *
 * Textbook DBSCAN with scikit-learn 1.2's semantics, so its labels equal scikit-learn's, numbering
 * included: the neighbourhood of a row is every row within eps (distance <= eps, the row itself
 * counted); a row with at least min_points neighbours is a core row; core rows within eps of each
 * other share a cluster; a border row (not core, within eps of a core row) joins the cluster
 * found first; the rest is noise (-1). scikit-learn numbers clusters in the order of their lowest
 * core row and grows each one completely before starting the next, so "found first" means the
 * cluster of lowest number among those with a core row within eps. Here clusters are the
 * components of a union–find over core pairs whose root is always the lowest row, which gives
 * that numbering and that border rule without depending on any visiting order.
 * Neighbourhoods come from a k-d tree (median splits on the widest side, boxes per node), so
 * low-dimensional data costs about n log n rather than n²; a node wholly inside the radius is
 * taken without measuring its rows, counting stops at min_points, and joining core rows goes
 * through node representatives (a node found wholly within eps of a core row has its core rows
 * joined to that row once; later queries join the representative alone, or skip the node when it
 * is already in their cluster). Euclidean (squared distances against eps²) and Manhattan
 * metrics.
 * predict gives a new row the cluster of its nearest core row within eps (ties to the lowest
 * core row), else -1; on the training rows this is the fit's labelling except for border rows,
 * which go to their nearest core row. The saved state is the core rows and their clusters.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <plum/plugin.h>

#include "clustering.h"

#define WHO "dbscan"
/* Leaves hold at most this many rows: few enough to scan, enough to keep the tree shallow. */
#define KD_LEAF_ROWS ((size_t)16)
/* Depth-first stacks: a median split tree over 2^64 rows is at most 64 levels deep. */
#define KD_STACK ((size_t)136)
#define NO_ROW ((size_t)-1)

typedef enum {
  METRIC_EUCLIDEAN = 0,
  METRIC_MANHATTAN,
} Metric;

static const char *const metric_names[] = {"euclidean", "manhattan", NULL};

typedef struct {
  double eps;
  gint64 min_points;
  int metric; /* Metric */
} DbscanParams;

/* The k-d tree --------------------------------------------------------------------------------- */

typedef struct {
  size_t begin, end;  /* positions [begin, end) in tree order */
  size_t left, right; /* children; 0 for a leaf (the root, node 0, is nobody's child) */
  size_t after;       /* the first node after this one's subtree (nodes are in preorder) */
} KdNode;

typedef struct {
  size_t n, d;
  Metric metric;
  double *points; /* n x d in tree order */
  size_t *row;    /* tree position → row of the input */
  KdNode *nodes;
  double *boxes; /* per node: d lower then d upper bounds */
  size_t n_nodes, cap_nodes;
} KdTree;

/* Node ids or tree positions collected by a query; the storage only grows. */
typedef struct {
  size_t *item;
  size_t len, cap;
} Hits;

static void
hits_push(Hits *h, size_t value)
{
  if (h->len == h->cap) {
    h->cap = MAX(64, 2 * h->cap);
    h->item = g_renew(size_t, h->item, h->cap);
  }
  h->item[h->len++] = value;
}

/* What a radius query found: the nodes wholly within the radius and, from the leaves only partly
 * within it, the positions of the points that are. */
typedef struct {
  Hits nodes;
  Hits points;
} Found;

static void
found_clear(Found *f)
{
  g_free(f->nodes.item);
  g_free(f->points.item);
}

/* Distance between a and b in the tree's metric: squared for Euclidean. */
static double
kd_distance(Metric metric, const double *a, const double *b, size_t d)
{
  double s = 0;
  if (metric == METRIC_MANHATTAN) {
    for (size_t j = 0; j < d; j++)
      s += fabs(a[j] - b[j]);
    return s;
  }
  for (size_t j = 0; j < d; j++)
    s += (a[j] - b[j]) * (a[j] - b[j]);
  return s;
}

/* eps in the units kd_distance returns. */
static double
kd_threshold(Metric metric, double eps)
{
  return metric == METRIC_MANHATTAN ? eps : eps * eps;
}

/* The nearest and farthest distances from q to a point of the node's box. */
static void
kd_box_range(const KdTree *t, size_t node, const double *q, double *near, double *far)
{
  const double *lo = t->boxes + node * 2 * t->d, *hi = lo + t->d;
  double sn = 0, sf = 0;
  for (size_t j = 0; j < t->d; j++) {
    double below = lo[j] - q[j], above = q[j] - hi[j];
    double gap = MAX(MAX(below, above), 0.0), span = MAX(-below, -above);
    sn += t->metric == METRIC_MANHATTAN ? gap : gap * gap;
    sf += t->metric == METRIC_MANHATTAN ? span : span * span;
  }
  *near = sn;
  *far = sf;
}

static size_t
kd_new_node(KdTree *t, size_t begin, size_t end)
{
  if (t->n_nodes == t->cap_nodes) {
    t->cap_nodes = MAX(16, 2 * t->cap_nodes);
    t->nodes = g_renew(KdNode, t->nodes, t->cap_nodes);
    t->boxes = g_renew(double, t->boxes, t->cap_nodes * 2 * t->d);
  }
  t->nodes[t->n_nodes] = (KdNode){.begin = begin, .end = end};
  return t->n_nodes++;
}

/* Reorders rows[begin, end) so that position mid holds the row of median coordinate `dim`, lower
 * ones before it and higher ones after (quickselect). */
static void
kd_select(const PlumMatrix *X, size_t *rows, size_t begin, size_t end, size_t mid, size_t dim)
{
  while (end - begin > 1) {
    double pivot = PLUM_MATRIX_AT(X, rows[begin + (end - begin) / 2], dim);
    size_t lt = begin, i = begin, gt = end; /* [begin,lt) < pivot, [lt,i) == pivot, [gt,end) > */
    while (i < gt) {
      double v = PLUM_MATRIX_AT(X, rows[i], dim);
      size_t t = rows[i];
      if (v < pivot) {
        rows[i++] = rows[lt];
        rows[lt++] = t;
      } else if (v > pivot) {
        rows[i] = rows[--gt];
        rows[gt] = t;
      } else {
        i++;
      }
    }
    if (mid < lt)
      end = lt;
    else if (mid >= gt)
      begin = gt;
    else
      return;
  }
}

static size_t
kd_build_node(KdTree *t, const PlumMatrix *X, size_t begin, size_t end)
{
  size_t id = kd_new_node(t, begin, end), d = t->d, dim = 0;
  double *lo = t->boxes + id * 2 * d, *hi = lo + d;
  for (size_t j = 0; j < d; j++)
    lo[j] = hi[j] = PLUM_MATRIX_AT(X, t->row[begin], j);
  for (size_t p = begin + 1; p < end; p++) {
    for (size_t j = 0; j < d; j++) {
      double v = PLUM_MATRIX_AT(X, t->row[p], j);
      lo[j] = MIN(lo[j], v);
      hi[j] = MAX(hi[j], v);
    }
  }
  for (size_t j = 1; j < d; j++) {
    if (hi[j] - lo[j] > hi[dim] - lo[dim])
      dim = j;
  }
  t->nodes[id].after = id + 1;
  if (end - begin <= KD_LEAF_ROWS || !(hi[dim] > lo[dim]))
    return id;
  size_t mid = begin + (end - begin) / 2;
  kd_select(X, t->row, begin, end, mid, dim);
  size_t left = kd_build_node(t, X, begin, mid);
  size_t right = kd_build_node(t, X, mid, end);
  t->nodes[id].left = left; /* after the recursion: it may have moved the array */
  t->nodes[id].right = right;
  t->nodes[id].after = t->n_nodes;
  return id;
}

/* A tree over the rows of X (n >= 1), points copied in tree order. */
static void
kd_build(KdTree *t, const PlumMatrix *X, Metric metric)
{
  size_t n = X->rows, d = X->cols;
  *t = (KdTree){.n = n, .d = d, .metric = metric};
  t->row = g_new(size_t, n);
  for (size_t i = 0; i < n; i++)
    t->row[i] = i;
  kd_build_node(t, X, 0, n);
  t->points = g_new(double, n *d);
  for (size_t p = 0; p < n; p++)
    memcpy(t->points + p * d, PLUM_MATRIX_ROW(X, t->row[p]), d * sizeof *t->points);
}

static void
kd_clear(KdTree *t)
{
  g_free(t->points);
  g_free(t->row);
  g_free(t->nodes);
  g_free(t->boxes);
  *t = (KdTree){0};
}

/* A query leaves out the nodes for which this says TRUE (their points do not matter to it). */
typedef gboolean (*KdSkip)(void *ctx, const KdTree *t, size_t node);

/* The number of points within eps of q, counting no further than limit; what was found is
 * collected into found when it is not NULL. skip is nullable. */
static size_t
kd_radius(const KdTree *t, const double *q, double eps, size_t limit, KdSkip skip, void *ctx,
          Found *found)
{
  double r = kd_threshold(t->metric, eps);
  size_t stack[KD_STACK], top = 0, count = 0;
  if (found)
    found->nodes.len = found->points.len = 0;
  stack[top++] = 0;
  while (top > 0 && count < limit) {
    size_t id = stack[--top];
    const KdNode *node = &t->nodes[id];
    double near, far;
    if (skip && skip(ctx, t, id))
      continue;
    kd_box_range(t, id, q, &near, &far);
    if (near > r)
      continue;
    if (far <= r) {
      count += node->end - node->begin;
      if (found)
        hits_push(&found->nodes, id);
      continue;
    }
    if (node->left != 0) {
      stack[top++] = node->right;
      stack[top++] = node->left;
      continue;
    }
    for (size_t p = node->begin; p < node->end; p++) {
      if (kd_distance(t->metric, t->points + p * t->d, q, t->d) > r)
        continue;
      count++;
      if (found)
        hits_push(&found->points, p);
    }
  }
  return count;
}

/* The tree position of the nearest point within eps of q (ties: the lowest input row), else
 * NO_ROW. */
static size_t
kd_nearest(const KdTree *t, const double *q, double eps)
{
  double best_dist = kd_threshold(t->metric, eps);
  size_t stack[KD_STACK], top = 0, best = NO_ROW;
  stack[top++] = 0;
  while (top > 0) {
    size_t id = stack[--top];
    const KdNode *node = &t->nodes[id];
    double near, far;
    kd_box_range(t, id, q, &near, &far);
    if (near > best_dist)
      continue;
    if (node->left != 0) {
      stack[top++] = node->right;
      stack[top++] = node->left;
      continue;
    }
    for (size_t p = node->begin; p < node->end; p++) {
      double dist = kd_distance(t->metric, t->points + p * t->d, q, t->d);
      if (dist < best_dist || (dist == best_dist && (best == NO_ROW || t->row[p] < t->row[best]))) {
        best_dist = dist;
        best = p;
      }
    }
  }
  return best;
}

/* Clustering ----------------------------------------------------------------------------------- */

typedef struct {
  const DbscanParams *params; /* borrowed from the binding, which outlives the instance */
  size_t d;                   /* 0 until fitted */
  size_t n_core;
  double *core;     /* n_core x d: the core rows, in row order */
  int *core_labels; /* n_core */
  KdTree tree;      /* over the core rows, when there are any */
} Dbscan;

/* Union–find whose root is the lowest row of its set. */
static size_t
uf_find(size_t *parent, size_t i)
{
  while (parent[i] != i) {
    parent[i] = parent[parent[i]];
    i = parent[i];
  }
  return i;
}

static void
uf_union(size_t *parent, size_t a, size_t b)
{
  a = uf_find(parent, a);
  b = uf_find(parent, b);
  if (a < b)
    parent[b] = a;
  else if (b < a)
    parent[a] = b;
}

/* core[i] when row i has at least min_points rows within eps, itself included. */
static void
find_core_rows(const KdTree *t, const PlumMatrix *X, const DbscanParams *p, gboolean *core)
{
  size_t n = X->rows, need = (size_t)p->min_points;
#pragma omp parallel for schedule(dynamic, 64) if (n >= 256)
  for (size_t i = 0; i < n; i++)
    core[i] = kd_radius(t, PLUM_MATRIX_ROW(X, i), p->eps, need, NULL, NULL, NULL) >= need;
}

/* The union–find of core rows, and shortcuts through the tree: every core row of a node that
 * lies wholly within eps of a core row is joined to it, so a node whose core rows were joined
 * once (and every node below it) keeps that row as a representative, and later queries join
 * the representative alone. */
typedef struct {
  size_t *parent;      /* per row */
  size_t *rep;         /* per node: a core row all its core rows are joined to, or NO_ROW */
  size_t *core_before; /* per tree position p (and n): the core rows at positions before p */
  size_t row;          /* the core row being joined */
} Joins;

static gboolean
has_no_core(const size_t *core_before, const KdNode *node)
{
  return core_before[node->end] == core_before[node->begin];
}

/* A node has nothing to join when it has no core row or all of them are joined to j->row. */
static gboolean
nothing_to_join(void *ctx, const KdTree *t, size_t id)
{
  Joins *j = ctx;
  return has_no_core(j->core_before, &t->nodes[id]) ||
         (j->rep[id] != NO_ROW && uf_find(j->parent, j->rep[id]) == uf_find(j->parent, j->row));
}

/* The border pass needs only core rows. */
static gboolean
no_core(void *ctx, const KdTree *t, size_t id)
{
  return has_no_core(ctx, &t->nodes[id]);
}

static void
join_node(const KdTree *t, const gboolean *core, Joins *j, size_t id, size_t i)
{
  const KdNode *node = &t->nodes[id];
  if (j->rep[id] != NO_ROW) {
    uf_union(j->parent, i, j->rep[id]);
    return;
  }
  for (size_t p = node->begin; p < node->end; p++) {
    if (core[t->row[p]])
      uf_union(j->parent, i, t->row[p]);
  }
  for (size_t m = id; m < node->after; m++) {
    if (j->rep[m] == NO_ROW)
      j->rep[m] = i;
  }
}

/* labels[i] for the core rows: clusters numbered by their lowest row; returns how many. */
static size_t
label_core_rows(const KdTree *t, const PlumMatrix *X, double eps, const gboolean *core,
                size_t *core_before, int *labels)
{
  size_t n = X->rows, n_clusters = 0;
  Joins j = {
      .parent = g_new(size_t, n), .rep = g_new(size_t, t->n_nodes), .core_before = core_before};
  Found found = {0};
  for (size_t i = 0; i < n; i++)
    j.parent[i] = i;
  for (size_t m = 0; m < t->n_nodes; m++)
    j.rep[m] = NO_ROW;
  for (size_t i = 0; i < n; i++) {
    if (!core[i])
      continue;
    j.row = i;
    kd_radius(t, PLUM_MATRIX_ROW(X, i), eps, NO_ROW, nothing_to_join, &j, &found);
    for (size_t h = 0; h < found.nodes.len; h++)
      join_node(t, core, &j, found.nodes.item[h], i);
    for (size_t h = 0; h < found.points.len; h++) {
      size_t other = t->row[found.points.item[h]];
      if (core[other])
        uf_union(j.parent, i, other);
    }
  }
  for (size_t i = 0; i < n; i++) {
    size_t root = core[i] ? uf_find(j.parent, i) : NO_ROW;
    if (root == i)
      labels[i] = (int)n_clusters++;
    else
      labels[i] = root == NO_ROW ? -1 : labels[root];
  }
  found_clear(&found);
  g_free(j.parent);
  g_free(j.rep);
  return n_clusters;
}

/* The lowest cluster among the core rows at tree positions [begin, end), or `label`. */
static int
lowest_core_label(const KdTree *t, const gboolean *core, const int *labels, size_t begin,
                  size_t end, int label)
{
  for (size_t p = begin; p < end; p++) {
    size_t r = t->row[p];
    if (core[r] && (label == -1 || labels[r] < label))
      label = labels[r];
  }
  return label;
}

/* A border row takes the lowest cluster among its core neighbours; the others stay noise. */
static void
label_border_rows(const KdTree *t, const PlumMatrix *X, double eps, const gboolean *core,
                  size_t *core_before, int *labels)
{
  size_t n = X->rows;
#pragma omp parallel if (n >= 256)
  {
    Found found = {0};
#pragma omp for schedule(dynamic, 64)
    for (size_t i = 0; i < n; i++) {
      if (core[i])
        continue;
      kd_radius(t, PLUM_MATRIX_ROW(X, i), eps, NO_ROW, no_core, core_before, &found);
      int label = -1;
      for (size_t h = 0; h < found.nodes.len; h++) {
        const KdNode *node = &t->nodes[found.nodes.item[h]];
        label = lowest_core_label(t, core, labels, node->begin, node->end, label);
      }
      for (size_t h = 0; h < found.points.len; h++)
        label = lowest_core_label(t, core, labels, found.points.item[h], found.points.item[h] + 1,
                                  label);
      labels[i] = label;
    }
    found_clear(&found);
  }
}

/* Takes ownership of core and core_labels; builds the tree over the core rows. */
static void
dbscan_install(Dbscan *self, size_t d, size_t n_core, double *core, int *core_labels)
{
  g_free(self->core);
  g_free(self->core_labels);
  kd_clear(&self->tree);
  self->d = d;
  self->n_core = n_core;
  self->core = core;
  self->core_labels = core_labels;
  if (n_core == 0)
    return;
  PlumMatrix view = plum_matrix_view(core, n_core, d, 0);
  kd_build(&self->tree, &view, (Metric)self->params->metric);
}

/* Keeps the core rows of X and their labels. */
static void
install_core_rows(Dbscan *self, const PlumMatrix *X, const gboolean *core, const int *labels)
{
  size_t n = X->rows, d = X->cols, n_core = 0;
  for (size_t i = 0; i < n; i++)
    n_core += core[i];
  double *points = g_new(double, n_core *d);
  int *core_labels = g_new(int, n_core);
  for (size_t i = 0, c = 0; i < n; i++) {
    if (!core[i])
      continue;
    memcpy(points + c * d, PLUM_MATRIX_ROW(X, i), d * sizeof *points);
    core_labels[c++] = labels[i];
  }
  dbscan_install(self, d, n_core, points, core_labels);
}

/* The fit's labels go to the report too: predict labels border rows by their nearest core row,
 * so only the report has the clustering itself. */
static void
write_report(PlumState *report, size_t n_clusters, size_t n_core, const int *labels, size_t n)
{
  gint64 noise = 0, *all = g_new(gint64, n);
  for (size_t i = 0; i < n; i++) {
    all[i] = labels[i];
    noise += labels[i] == -1;
  }
  plum_state_set_int(report, "n_clusters", (gint64)n_clusters);
  plum_state_set_int(report, "n_core", (gint64)n_core);
  plum_state_set_int(report, "n_noise", noise);
  plum_state_set_ints(report, "labels", all, n);
  g_free(all);
}

static gboolean
dbscan_fit(void *self_ptr, const PlumFitData *data, GError **error)
{
  Dbscan *self = self_ptr;
  const DbscanParams *p = self->params;
  const PlumMatrix *X = data->X;
  if (!clustering_check_fit_data(WHO, data, TRUE, error))
    return FALSE;
  size_t n = X->rows;
  KdTree tree;
  kd_build(&tree, X, (Metric)p->metric);
  gboolean *core = g_new(gboolean, n);
  int *labels = g_new(int, n);
  find_core_rows(&tree, X, p, core);
  size_t *core_before = g_new(size_t, n + 1);
  core_before[0] = 0;
  for (size_t pos = 0; pos < n; pos++)
    core_before[pos + 1] = core_before[pos] + (core[tree.row[pos]] ? 1 : 0);
  size_t n_clusters = label_core_rows(&tree, X, p->eps, core, core_before, labels);
  label_border_rows(&tree, X, p->eps, core, core_before, labels);
  install_core_rows(self, X, core, labels);
  if (data->report)
    write_report(data->report, n_clusters, self->n_core, labels, n);
  g_free(core_before);
  g_free(core);
  g_free(labels);
  kd_clear(&tree);
  return TRUE;
}

/* Model slots ---------------------------------------------------------------------------------- */

static void *
dbscan_create(const void *params, GError **error)
{
  (void)error;
  Dbscan *self = g_new0(Dbscan, 1);
  self->params = params;
  return self;
}

static void
dbscan_destroy(void *self_ptr)
{
  Dbscan *self = self_ptr;
  g_free(self->core);
  g_free(self->core_labels);
  kd_clear(&self->tree);
  g_free(self);
}

static void
dbscan_shape(const void *self_ptr, PlumModelShape *shape)
{
  const Dbscan *self = self_ptr;
  shape->n_features = self->d;
  shape->n_outputs = 1;
  shape->n_classes = 0;
  shape->n_transform = 0;
}

static gboolean
dbscan_predict(const void *self_ptr, const PlumMatrix *X, PlumMatrix *out, GError **error)
{
  const Dbscan *self = self_ptr;
  if (!clustering_check_input(WHO, self->d, X, out, 1, error))
    return FALSE;
  size_t n = X->rows;
#pragma omp parallel for schedule(dynamic, 64) if (n >= 256 && self->n_core > 0)
  for (size_t i = 0; i < n; i++) {
    size_t pos = self->n_core > 0
                     ? kd_nearest(&self->tree, PLUM_MATRIX_ROW(X, i), self->params->eps)
                     : NO_ROW;
    PLUM_MATRIX_AT(out, i, 0) = pos == NO_ROW ? -1.0 : self->core_labels[self->tree.row[pos]];
  }
  return TRUE;
}

static gboolean
dbscan_save(const void *self_ptr, PlumState *state, GError **error)
{
  const Dbscan *self = self_ptr;
  if (!clustering_check_fitted(WHO, self->d > 0, error))
    return FALSE;
  gint64 *labels = g_new(gint64, MAX(self->n_core, 1));
  for (size_t c = 0; c < self->n_core; c++)
    labels[c] = self->core_labels[c];
  plum_state_set_int(state, "n_features", (gint64)self->d);
  plum_state_set_reals(state, "core_points", self->core, self->n_core, self->d);
  plum_state_set_ints(state, "core_labels", labels, self->n_core);
  g_free(labels);
  return TRUE;
}

/* One saved label per core row, each a cluster number below the number of core rows. */
static gboolean
check_saved_labels(const gint64 *labels, size_t n_labels, size_t n_core, GError **error)
{
  if (n_labels != n_core) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
                WHO ": %zu saved core labels for %zu core points", n_labels, n_core);
    return FALSE;
  }
  for (size_t c = 0; c < n_core; c++) {
    if (labels[c] < 0 || (guint64)labels[c] >= n_core) {
      g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
                  WHO ": saved core label %zu is %" G_GINT64_FORMAT "; it must be in 0..%zu", c,
                  labels[c], n_core - 1);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
dbscan_load(void *self_ptr, const PlumState *state, GError **error)
{
  Dbscan *self = self_ptr;
  gint64 d = 0;
  size_t n_core = 0;
  if (!plum_state_get_int(state, "n_features", &d, error))
    return FALSE;
  if (d < 1 || d > G_MAXINT) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
                WHO ": saved n_features is %" G_GINT64_FORMAT "; it must be in 1..%d", d, G_MAXINT);
    return FALSE;
  }
  const double *points =
      plum_state_get_reals(state, "core_points", 0, (size_t)d, &n_core, NULL, error);
  if (points == NULL)
    return FALSE;
  PlumMatrix view = plum_matrix_view((double *)points, n_core, (size_t)d, 0);
  const gint64 *labels = NULL;
  size_t n_labels = 0;
  if (!plum_matrix_check_finite(&view, WHO ": saved core_points", error) ||
      (labels = plum_state_get_ints(state, "core_labels", 0, &n_labels, error)) == NULL ||
      !check_saved_labels(labels, n_labels, n_core, error))
    return FALSE;
  int *core_labels = g_new(int, MAX(n_core, 1));
  for (size_t c = 0; c < n_core; c++)
    core_labels[c] = (int)labels[c];
  dbscan_install(self, (size_t)d, n_core, g_memdup2(points, n_core * (size_t)d * sizeof *points),
                 core_labels);
  return TRUE;
}

static const PlumModelVTable dbscan_vtable = {
    .struct_size = sizeof(PlumModelVTable),
    .create = dbscan_create,
    .destroy = dbscan_destroy,
    .fit = dbscan_fit,
    .shape = dbscan_shape,
    .save = dbscan_save,
    .load = dbscan_load,
    .predict = dbscan_predict,
};

static const PlumParamSpec dbscan_params[] = {
    PLUM_PARAM_REAL_SPEC(DbscanParams, eps, 0.5, 0, INFINITY, PLUM_PARAM_MIN_EXCLUSIVE,
                         "neighbourhood radius: rows at distance <= eps are neighbours"),
    PLUM_PARAM_INT_SPEC(DbscanParams, min_points, 5, 1, 1e9, 0,
                        "neighbours (the row itself included) that make a core row; "
                        "scikit-learn's min_samples"),
    PLUM_PARAM_ENUM_SPEC(DbscanParams, metric, METRIC_EUCLIDEAN, metric_names,
                         "euclidean or manhattan distance"),
};

static const PlumComponentDesc dbscan_components[] = {
    {
        .struct_size = sizeof(PlumComponentDesc),
        .kind = PLUM_KIND_MODEL,
        .name = "dbscan",
        .summary = "DBSCAN density clustering over a k-d tree; noise is -1",
        .caps = PLUM_CAP_CLUSTERER,
        .params = dbscan_params,
        .n_params = G_N_ELEMENTS(dbscan_params),
        .params_size = sizeof(DbscanParams),
        .vtable = &dbscan_vtable,
        .state_version = 1,
    },
};

PLUM_PLUGIN_DEFINE(dbscan, PACKAGE_VERSION, "MIT", "DBSCAN density-based clustering",
                   dbscan_components, NULL)
