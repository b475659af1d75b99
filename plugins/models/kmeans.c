/* kmeans.c — k-means clustering, the `kmeans` model plugin (PLUM_CAP_CLUSTERER).
 *
 * Fits k centres minimising the inertia Σ ‖x_i − c_label(i)‖² with the engine in kmeans_core.c,
 * which follows scikit-learn 1.2's KMeans (same labels, centres, inertia and iteration count from
 * the same initial centres; see there for the stopping rule and for how empty clusters are
 * re-seeded). Initial centres: greedy k-means++, Forgy, random partition, the first k rows, or
 * given ones; a random init is restarted n_init times with the pipeline's generator and the run
 * of lowest inertia is kept. predict gives each row its nearest centre; the fit report holds
 * inertia, n_iter and converged. The saved state is the centres.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <plum/plugin.h>

#include "clustering.h"
#include "kmeans_core.h"

#define WHO "kmeans"

static const char *const init_names[] = {"k-means++", "forgy", "random_partition",
                                         "first",     "given", NULL};
static const char *const algorithm_names[] = {"lloyd", "elkan", NULL};

typedef struct {
  gint64 n_clusters;
  int init; /* KmeansInit */
  PlumRealArray centers;
  int algorithm; /* KmeansAlgorithm */
  gint64 n_init;
  gint64 max_iter;
  double tol;
} KmeansParams;

typedef struct {
  const KmeansParams *params; /* borrowed from the binding, which outlives the instance */
  size_t k, d;                /* d == 0 until fitted */
  double *centers;            /* k x d */
} Kmeans;

static gboolean
kmeans_check_params(const void *params_ptr, GError **error)
{
  const KmeansParams *p = params_ptr;
  gboolean given = p->init == KMEANS_INIT_GIVEN;
  if (given && (p->centers.len == 0 || p->centers.len % (size_t)p->n_clusters != 0)) {
    g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_MISSING,
                "init: given needs `centers`, n_clusters (%" G_GINT64_FORMAT
                ") rows of the feature count, row-major; it has %zu values",
                p->n_clusters, p->centers.len);
    return FALSE;
  }
  if (!given && p->centers.len > 0) {
    g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE,
                "`centers` is used only with init: given (init is %s)", init_names[p->init]);
    return FALSE;
  }
  return TRUE;
}

static void *
kmeans_create(const void *params, GError **error)
{
  (void)error;
  Kmeans *self = g_new0(Kmeans, 1);
  self->params = params;
  return self;
}

static void
kmeans_destroy(void *self_ptr)
{
  Kmeans *self = self_ptr;
  g_free(self->centers);
  g_free(self);
}

/* Takes ownership of centers. */
static void
kmeans_install(Kmeans *self, size_t k, size_t d, double *centers)
{
  g_free(self->centers);
  self->k = k;
  self->d = d;
  self->centers = centers;
}

static gboolean
check_given_centers(const KmeansParams *p, size_t d, GError **error)
{
  size_t want = (size_t)p->n_clusters * d;
  if (p->init != KMEANS_INIT_GIVEN || p->centers.len == want)
    return TRUE;
  g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
              WHO ": `centers` has %zu values; n_clusters (%" G_GINT64_FORMAT
                  ") × %zu features needs %zu",
              p->centers.len, p->n_clusters, d, want);
  return FALSE;
}

static gboolean
kmeans_fit(void *self_ptr, const PlumFitData *data, GError **error)
{
  Kmeans *self = self_ptr;
  const KmeansParams *p = self->params;
  if (!clustering_check_fit_data(WHO, data, FALSE, error) ||
      !check_given_centers(p, data->X->cols, error))
    return FALSE;
  KmeansOptions opt = {
      .k = (size_t)p->n_clusters,
      .init = (KmeansInit)p->init,
      .given = p->centers.data,
      .algorithm = (KmeansAlgorithm)p->algorithm,
      .n_init = (size_t)p->n_init,
      .max_iter = (size_t)p->max_iter,
      .tol = p->tol,
  };
  KmeansResult res;
  if (!kmeans_core_fit(&opt, data->X, data->rng, &res, error))
    return FALSE;
  if (data->report) {
    plum_state_set_real(data->report, "inertia", res.inertia);
    plum_state_set_int(data->report, "n_iter", (gint64)res.n_iter);
    plum_state_set_int(data->report, "converged", res.converged);
  }
  kmeans_install(self, opt.k, data->X->cols, g_steal_pointer(&res.centers));
  kmeans_core_clear(&res);
  return TRUE;
}

static void
kmeans_shape(const void *self_ptr, PlumModelShape *shape)
{
  const Kmeans *self = self_ptr;
  shape->n_features = self->d;
  shape->n_outputs = 1;
  shape->n_classes = 0;
  shape->n_transform = 0;
}

static gboolean
kmeans_predict(const void *self_ptr, const PlumMatrix *X, PlumMatrix *out, GError **error)
{
  const Kmeans *self = self_ptr;
  if (!clustering_check_input(WHO, self->d, X, out, 1, error))
    return FALSE;
  int *labels = g_new(int, X->rows);
  kmeans_core_assign(X, self->centers, self->k, labels);
  for (size_t i = 0; i < X->rows; i++)
    PLUM_MATRIX_AT(out, i, 0) = labels[i];
  g_free(labels);
  return TRUE;
}

static gboolean
kmeans_save(const void *self_ptr, PlumState *state, GError **error)
{
  const Kmeans *self = self_ptr;
  if (!clustering_check_fitted(WHO, self->d > 0, error))
    return FALSE;
  plum_state_set_reals(state, "centers", self->centers, self->k, self->d);
  return TRUE;
}

static gboolean
kmeans_load(void *self_ptr, const PlumState *state, GError **error)
{
  Kmeans *self = self_ptr;
  size_t k = 0, d = 0;
  const double *centers = clustering_load_reals(WHO, state, "centers", 0, 0, &k, &d, error);
  if (centers == NULL)
    return FALSE;
  kmeans_install(self, k, d, g_memdup2(centers, k * d * sizeof *centers));
  return TRUE;
}

static const PlumModelVTable kmeans_vtable = {
    .struct_size = sizeof(PlumModelVTable),
    .create = kmeans_create,
    .destroy = kmeans_destroy,
    .fit = kmeans_fit,
    .shape = kmeans_shape,
    .save = kmeans_save,
    .load = kmeans_load,
    .predict = kmeans_predict,
};

static const PlumParamSpec kmeans_params[] = {
    PLUM_PARAM_INT_SPEC(KmeansParams, n_clusters, 8, 1, 1e9, 0, "number of clusters k"),
    PLUM_PARAM_ENUM_SPEC(KmeansParams, init, KMEANS_INIT_KMEANS_PP, init_names,
                         "initial centres: k-means++ (greedy), forgy (k random rows), "
                         "random_partition, first (the first k rows) or given (`centers`)"),
    {.name = "centers",
     .type = PLUM_PARAM_REAL_ARRAY,
     .offset = offsetof(KmeansParams, centers),
     .min = -INFINITY,
     .max = INFINITY,
     .doc = "initial centres for init: given, k rows of the feature count, row-major"},
    PLUM_PARAM_ENUM_SPEC(KmeansParams, algorithm, KMEANS_LLOYD, algorithm_names,
                         "lloyd (GEMM distances) or elkan (triangle-inequality bounds); both "
                         "give the same clusters"),
    PLUM_PARAM_INT_SPEC(KmeansParams, n_init, 10, 1, 1e6, 0,
                        "runs of a random init; the lowest inertia is kept (1 for first/given)"),
    PLUM_PARAM_INT_SPEC(KmeansParams, max_iter, 300, 1, 1e9, 0, "maximum iterations per run"),
    PLUM_PARAM_REAL_SPEC(KmeansParams, tol, 1e-4, 0, INFINITY, 0,
                         "stop when the summed squared centre shift is at most tol × the mean "
                         "feature variance (0: only when no label changes)"),
};

static const PlumComponentDesc kmeans_components[] = {
    {
        .struct_size = sizeof(PlumComponentDesc),
        .kind = PLUM_KIND_MODEL,
        .name = "kmeans",
        .summary = "k-means clustering (Lloyd or Elkan), scikit-learn's iterations",
        .caps = PLUM_CAP_CLUSTERER,
        .params = kmeans_params,
        .n_params = G_N_ELEMENTS(kmeans_params),
        .params_size = sizeof(KmeansParams),
        .check_params = kmeans_check_params,
        .vtable = &kmeans_vtable,
        .state_version = 1,
    },
};

PLUM_PLUGIN_DEFINE(kmeans, PACKAGE_VERSION, "MIT", "k-means clustering", kmeans_components, NULL)
