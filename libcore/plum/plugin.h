/* plum/plugin.h — the plugin ABI: what a plugin module exports and what the host calls.
 *
 * A module exports exactly one symbol, plum_plugin_<basename>_get_desc(), made by
 * PLUM_PLUGIN_DEFINE. It returns a static PlumPluginDesc naming the ABI it was built for and the
 * components it provides. Each component has a kind, a name, a hyperparameter schema, capability
 * flags and a kind-specific vtable. The host checks everything (ABI, fingerprint, sizes, strings,
 * required slots, duplicates) before it calls any other plugin code; vtables are copied into
 * zeroed host-sized structs, so a slot the plugin did not know reads NULL.
 *
 * Compatibility: structs here only ever grow by appending, and each carries its size. A new
 * minor ABI version may append; a major version may change anything. See doc/plugin-guide.md.
 *
 * Conventions for every slot: fallible calls return gboolean (or a pointer) and take
 * GError **error last, set exactly on failure; matrices are non-owning row-major views; output
 * buffers are allocated by the caller; instances are created and destroyed by their own vtable.
 * The params struct handed to `create` (and the nested bindings in it) outlives the instance,
 * so a model may keep the pointer. An instance, and an objective's eval, is used by one thread
 * at a time (a plugin may keep scratch buffers in it); a plugin parallelises inside a call.
 * No C++ exception or longjmp may cross this boundary.
 */
#ifndef PLUM_PLUGIN_H
#define PLUM_PLUGIN_H

#include <stddef.h>
#include <glib.h>
#include <plum/error.h>
#include <plum/matrix.h>
#include <plum/params.h>
#include <plum/progress.h>
#include <plum/rng.h>
#include <plum/state.h>

G_BEGIN_DECLS

#define PLUM_ABI_MAJOR 1
#define PLUM_ABI_MINOR 2

/* Numeric types must agree between host and plugin. */
#define PLUM_ABI_FINGERPRINT                                                                      \
  ((guint32)(sizeof(double) | (sizeof(size_t) << 8) | (sizeof(void *) << 16) |                  \
             (sizeof(gint64) << 24)))

/* Capability flags (PlumComponentDesc.caps). Bits 0–15 are shared, 16–63 kind-specific. */
typedef enum {
  /* model */
  PLUM_CAP_SUPERVISED = 1u << 0,    /* fit needs targets */
  PLUM_CAP_CLASSIFIER = 1u << 1,    /* targets are class indices; predict returns indices */
  PLUM_CAP_REGRESSOR = 1u << 2,     /* real targets */
  PLUM_CAP_CLUSTERER = 1u << 3,     /* predict returns cluster indices (-1 = noise) */
  PLUM_CAP_TRANSFORMER = 1u << 4,   /* has transform (PCA…), usable as a pipeline step */
  PLUM_CAP_MULTI_OUTPUT = 1u << 5,  /* regression with several target columns */
  PLUM_CAP_ALLOW_NAN = 1u << 6,     /* accepts NaN features */
  /* optimizer */
  PLUM_CAP_NEEDS_GRADIENT = 1u << 16,  /* calls eval with grad != NULL */
  PLUM_CAP_NEEDS_SEPARABLE = 1u << 17, /* draws minibatches: needs n_terms > 1 to be useful */
  PLUM_CAP_USES_BOUNDS = 1u << 18,     /* honours PlumObjective.lower/upper */
  /* kernel (ABI 1.1): K(X, X) is diagonal (its diag) and K(X, Y) zero, as white noise; a sum
   * adds it through its diagonal. `plum check-plugin` verifies the claim. */
  PLUM_CAP_KERNEL_DIAGONAL = 1u << 19,
  /* activation: its output pairs with a cost for a fused gradient */
  PLUM_CAP_OUTPUT_SOFTMAX = 1u << 20,
  PLUM_CAP_OUTPUT_SIGMOID = 1u << 21,
  /* cost: gives (a - y) as the gradient w.r.t. pre-activations when paired as above */
  PLUM_CAP_FUSES_SOFTMAX = 1u << 22,
  PLUM_CAP_FUSES_SIGMOID = 1u << 23,
} PlumCapability;

/* The objective seam ------------------------------------------------------------------------ */

/* A differentiable objective F(θ) = Σ_{i=1..n_terms} f_i(θ). A model that can be trained by
 * gradient exposes one; optimizers see nothing else. Regularisation is spread over the terms
 * (f_i includes R(θ)/n_terms), so a value over a minibatch B divided by |B| estimates F/n_terms
 * and values over disjoint shards of the terms add up (MPI Allreduce needs nothing more). */
typedef struct PlumObjective {
  size_t struct_size;
  size_t n_params;
  size_t n_terms; /* >= 1; 1 for a non-separable objective */
  void *ctx;
  /* Σ f_i over terms[0..n_sel) (all terms when terms == NULL) into *value, and its gradient into
   * grad (n_params, overwritten) when grad != NULL. */
  gboolean (*eval)(void *ctx, const double *theta, const size_t *terms, size_t n_sel,
                   double *value, double *grad, GError **error);
  void (*initial)(void *ctx, double *theta); /* nullable: starts from zeros */
  void (*free)(void *ctx);                   /* nullable */
  const double *lower;                       /* nullable box bounds, n_params each */
  const double *upper;
} PlumObjective;

/* Every optimizer's params struct starts with this; its fields are declared in the schema by
 * PLUM_OPTIM_COMMON_SPECS so the core's monitor applies the same stop rules to all of them. */
typedef struct PlumOptimCommon {
  gint64 max_iter;  /* iterations (full batch) or epochs (minibatch) */
  double tol;       /* stop when the gradient norm (mean objective) <= tol; 0 disables */
  double rel_tol;   /* stop when |ΔF| / max(|F|, 1) <= rel_tol; 0 disables */
  gint64 patience;  /* early stopping: validations without improvement; 0 disables */
  double min_delta; /* an improvement smaller than this does not count */
} PlumOptimCommon;

#define PLUM_OPTIM_COMMON_SPECS(ST, def_max_iter, def_tol)                                        \
  {.name = "max_iter", .type = PLUM_PARAM_INT,                                                   \
   .offset = offsetof(ST, common) + offsetof(PlumOptimCommon, max_iter),                         \
   .def_int = (def_max_iter), .min = 1, .max = 1e9,                                              \
   .doc = "maximum iterations (epochs for minibatch optimizers)"},                               \
  {.name = "tol", .type = PLUM_PARAM_REAL,                                                       \
   .offset = offsetof(ST, common) + offsetof(PlumOptimCommon, tol), .def_real = (def_tol),       \
   .min = 0, .max = INFINITY, .doc = "stop when the gradient norm falls to this (0: never)"},    \
  {.name = "rel_tol", .type = PLUM_PARAM_REAL,                                                   \
   .offset = offsetof(ST, common) + offsetof(PlumOptimCommon, rel_tol), .def_real = 0,           \
   .min = 0, .max = INFINITY,                                                                    \
   .doc = "stop when the relative objective change falls to this (0: never)"},                  \
  {.name = "patience", .type = PLUM_PARAM_INT,                                                   \
   .offset = offsetof(ST, common) + offsetof(PlumOptimCommon, patience), .def_int = 0,           \
   .min = 0, .max = 1e9,                                                                         \
   .doc = "early stopping: validations without improvement before stopping (0: off)"},          \
  {.name = "min_delta", .type = PLUM_PARAM_REAL,                                                 \
   .offset = offsetof(ST, common) + offsetof(PlumOptimCommon, min_delta), .def_real = 0,         \
   .min = 0, .max = INFINITY, .doc = "early stopping: smallest improvement that counts"}

/* What a model hands to plum_optimizer_minimize besides the objective. */
typedef struct PlumOptimContext {
  size_t struct_size;
  PlumRng *rng;           /* required by minibatch optimizers */
  PlumProgress *progress; /* nullable */
  /* Early stopping: a score to minimise on held-out data (nullable). */
  gboolean (*validate)(void *user, const double *theta, double *score, GError **error);
  void *validate_user;
  /* Appended in ABI 1.1; a 1.0 caller's context ends above, and these read as NULL. */
  /* nullable: a second held-out measure of the point `validate` has just scored (a
   * classifier's accuracy, say), so the model can compute it in the same pass. Shown beside the
   * validation score in progress and reported at the best point; never used to stop. */
  double (*validate_metric)(void *user);
  const char *validate_metric_name; /* required with validate_metric: [a-z_]+, e.g. "accuracy" */
  /* nullable: the fit report, to which the monitor adds early stopping's outcome: val_best_loss
   * (the best validation score), val_best_iter (the iteration or epoch that reached it) and
   * val_best_<validate_metric_name> (the measure at that point). */
  PlumState *report;
} PlumOptimContext;

/* Filled by the core's monitor. The caller allocates it and the host writes all of it, so
 * unlike the other structs here it is frozen: it never grows (a later minor version would add
 * a new struct instead), and struct_size is written, not read. */
typedef struct PlumOptimResult {
  size_t struct_size;
  double value;        /* last mean objective F/n_terms */
  double grad_norm;    /* last gradient norm of the mean objective (NAN if unknown) */
  size_t n_iter;       /* iterations or epochs done */
  size_t n_evals;      /* objective evaluations */
  char stop_reason[96];
} PlumOptimResult;

/* The core's view of a running minimisation, handed to the optimizer. */
typedef struct PlumOptimMonitor PlumOptimMonitor;

/* Optimizers call this once per iteration (epoch) with the current point, the mean objective
 * and the gradient norm (NAN when not computed). It reports progress, applies the common stop
 * rules and early stopping, and returns FALSE when the optimizer must stop; theta is then the
 * answer (the monitor restores the best validated point itself when early stopping), so pass
 * the caller's own theta array — the one plum_optimizer_minimize was given. Minibatch
 * optimizers know no full gradient: they pass NAN unless `tol` > 0 makes them evaluate one,
 * and their value is the mean of the epoch's batch values. An objective with bounds is only
 * handed to optimizers with PLUM_CAP_USES_BOUNDS (the core refuses the others). */
gboolean plum_optim_monitor_step(PlumOptimMonitor *m, double *theta, double value,
                                 double grad_norm);
/* An optimizer that stops for a reason of its own (line search failure…) says why. */
void plum_optim_monitor_stop(PlumOptimMonitor *m, const char *reason);
/* Counts objective evaluations done by the optimizer. */
void plum_optim_monitor_count_eval(PlumOptimMonitor *m);
const PlumOptimCommon *plum_optim_monitor_common(const PlumOptimMonitor *m);
PlumRng *plum_optim_monitor_rng(PlumOptimMonitor *m);

/* Fit data ---------------------------------------------------------------------------------- */

typedef struct PlumFitData {
  size_t struct_size;
  const PlumMatrix *X;          /* n x d features */
  const PlumMatrix *y;          /* n x t targets; NULL for unsupervised models */
  size_t n_classes;             /* > 0: y is n x 1 of class indices 0..n_classes-1 */
  const double *sample_weight;  /* nullable, n */
  const PlumMatrix *X_val;      /* nullable: held-out rows for early stopping */
  const PlumMatrix *y_val;
  PlumRng *rng;                 /* never NULL */
  PlumProgress *progress;       /* nullable */
  PlumState *report;            /* nullable: diagnostics of the fit (deviance, n_iter…) */
  /* Appended in ABI 1.2; a 1.1 caller's data ends above: read it through plum_fit_data_flags. */
  guint32 flags; /* PlumFitFlags */
} PlumFitData;

typedef enum {
  /* X and, when given, X_val hold no NaN or Inf: the caller has checked them, so the model
   * need not stream through them again (scikit-learn's check_input=False). The pipeline sets
   * it for every model without PLUM_CAP_ALLOW_NAN, after naming any bad cell itself. */
  PLUM_FIT_X_FINITE = 1u << 0,
} PlumFitFlags;

/* data->flags, or 0 where the caller's PlumFitData predates them (ABI 1.1 and before). */
static inline guint32
plum_fit_data_flags(const PlumFitData *data)
{
  return data->struct_size >= G_STRUCT_OFFSET(PlumFitData, flags) + sizeof data->flags
             ? data->flags
             : 0;
}

/* What a fitted model produces, for callers to size their buffers. */
typedef struct PlumModelShape {
  size_t struct_size;
  size_t n_features;   /* input columns */
  size_t n_outputs;    /* columns of predict (1 for labels) */
  size_t n_classes;    /* columns of predict_proba; 0 if none */
  size_t n_transform;  /* columns of transform; 0 if none */
} PlumModelShape;

/* Vtables ------------------------------------------------------------------------------------ */

typedef struct PlumModelVTable {
  size_t struct_size;
  /* required */
  void *(*create)(const void *params, GError **error);
  void (*destroy)(void *self);
  gboolean (*fit)(void *self, const PlumFitData *data, GError **error);
  void (*shape)(const void *self, PlumModelShape *shape);
  gboolean (*save)(const void *self, PlumState *state, GError **error);
  gboolean (*load)(void *self, const PlumState *state, GError **error);
  /* optional */
  gboolean (*predict)(const void *self, const PlumMatrix *X, PlumMatrix *out, GError **error);
  gboolean (*predict_proba)(const void *self, const PlumMatrix *X, PlumMatrix *out,
                            GError **error);
  /* predictive standard deviation, n x n_outputs (GP) */
  gboolean (*predict_std)(const void *self, const PlumMatrix *X, PlumMatrix *out,
                          GError **error);
  gboolean (*transform)(const void *self, const PlumMatrix *X, PlumMatrix *out, GError **error);
  gboolean (*inverse_transform)(const void *self, const PlumMatrix *Z, PlumMatrix *out,
                                GError **error);
  /* per-sample log-likelihood (density models; y nullable) into out[n] */
  gboolean (*log_likelihood)(const void *self, const PlumMatrix *X, const PlumMatrix *y,
                             double *out, GError **error);
  /* The training objective on `data`, for any optimizer and for gradient checks. */
  gboolean (*objective)(void *self, const PlumFitData *data, PlumObjective *obj,
                        GError **error);
  /* Installs θ (as produced by an optimizer on that objective) as the fitted state. */
  gboolean (*set_theta)(void *self, const PlumFitData *data, const double *theta,
                        GError **error);
  /* Appended in ABI 1.1 (a 1.0 model's vtable ends above, and this reads as NULL). optional:
   * predict, predict_proba and predict_std at once, in one pass over X, into those of values
   * (n x n_outputs), proba (n x n_classes) and std (n x n_outputs) that are not NULL, each bit
   * for bit what its own slot gives (`plum check-plugin` compares them). The host calls it with
   * X of the fitted width, finite unless the model has PLUM_CAP_ALLOW_NAN, and outputs of the
   * shape's sizes: the model need not check them again. */
  gboolean (*predict_all)(const void *self, const PlumMatrix *X, PlumMatrix *values,
                          PlumMatrix *proba, PlumMatrix *std, GError **error);
} PlumModelVTable;

typedef struct PlumOptimizerVTable {
  size_t struct_size;
  /* required: minimise obj from theta (in: start, out: answer) */
  gboolean (*minimize)(const void *params, const PlumObjective *obj, double *theta,
                       PlumOptimMonitor *monitor, GError **error);
} PlumOptimizerVTable;

typedef struct PlumKernelVTable {
  size_t struct_size;
  /* required: k(x, y) for two points of dimension d */
  double (*eval)(const void *params, const double *x, const double *y, size_t d);
  /* optional: K[i][j] = k(X_i, Y_j); Y == NULL means Y = X (symmetric). The core falls back to
   * eval pairs when NULL. */
  gboolean (*gram)(const void *params, const PlumMatrix *X, const PlumMatrix *Y, PlumMatrix *K,
                   GError **error);
  /* optional: ∂K(X, X)/∂θ_k for the learnable hyperparameters in schema order (log space where
   * flagged) into dK[0..n_learnable), each n x n. K is the Gram matrix already computed. */
  gboolean (*gram_gradient)(const void *params, const PlumMatrix *X, const PlumMatrix *K,
                            PlumMatrix *dK, GError **error);
  /* optional: the diagonal k(X_i, X_i) into out[n] */
  void (*diag)(const void *params, const PlumMatrix *X, double *out);
} PlumKernelVTable;

typedef struct PlumActivationVTable {
  size_t struct_size;
  /* required: A = f(Z), row-wise where it matters (softmax); A may alias Z */
  void (*forward)(const void *params, const PlumMatrix *Z, PlumMatrix *A);
  /* required: dZ = (∂A/∂Z)ᵀ dA, given Z and A = f(Z); dZ may alias dA */
  void (*backward)(const void *params, const PlumMatrix *Z, const PlumMatrix *A,
                   const PlumMatrix *dA, PlumMatrix *dZ);
} PlumActivationVTable;

typedef struct PlumCostVTable {
  size_t struct_size;
  /* required: Σ over rows of the loss of P against T into *value; ∂/∂P into G when non-NULL.
   * Fails on targets outside the cost's domain. */
  gboolean (*loss)(const void *params, const PlumMatrix *P, const PlumMatrix *T, double *value,
                   PlumMatrix *G, GError **error);
} PlumCostVTable;

/* A GLM criterion: link and variance, with deviance. Arrays of n; η linear predictor, μ mean. */
typedef struct PlumFamilyVTable {
  size_t struct_size;
  /* required */
  void (*link)(const void *params, const double *mu, double *eta, size_t n);
  void (*linkinv)(const void *params, const double *eta, double *mu, size_t n);
  void (*mu_eta)(const void *params, const double *eta, double *dmu_deta, size_t n);
  void (*variance)(const void *params, const double *mu, double *var, size_t n);
  /* Σ w_i d(y_i, μ_i) (w nullable = 1) */
  double (*deviance)(const void *params, const double *y, const double *mu, const double *w,
                     size_t n);
  /* a starting μ from y */
  void (*mustart)(const void *params, const double *y, double *mu, size_t n);
  /* fails naming the first y outside the family's support */
  gboolean (*check_y)(const void *params, const double *y, size_t n, GError **error);
  /* optional: Σ w_i log p(y_i | μ_i, φ) for AIC; NULL when the family has none */
  double (*log_likelihood)(const void *params, const double *y, const double *mu, const double *w,
                           size_t n, double dispersion);
  /* optional: FALSE when μ is outside the mean space (IRLS step halving) */
  gboolean (*valid_mu)(const void *params, const double *mu, size_t n);
  /* Appended in ABI 1.2 (a 1.1 family's vtable ends above, and this reads as NULL). optional:
   * the IRLS working weights W_i = w_i μ′_i² / V(μ_i) (w nullable = 1) and W_i z_i, z_i =
   * η_i + (y_i − μ_i) / μ′_i, at η and μ = linkinv(η), in one pass and without μ′ where the link
   * allows (statsmodels' Family.weights): a canonical link has μ′ = V(μ) up to a constant, so
   * W z = W η + w (y − μ) with no division. Returns FALSE, writing nothing, for a link it has no
   * shortcut for; the model then computes them from mu_eta and variance. */
  gboolean (*working_weights)(const void *params, const double *y, const double *w,
                              const double *eta, const double *mu, size_t n, double *W,
                              double *Wz);
} PlumFamilyVTable;

/* Descriptors -------------------------------------------------------------------------------- */

typedef struct PlumComponentDesc {
  size_t struct_size;
  PlumComponentKind kind;
  const char *name;     /* [a-z][a-z0-9_]*, unique per kind across all modules */
  const char *summary;  /* one line */
  guint64 caps;         /* PlumCapability */
  const PlumParamSpec *params;
  size_t n_params;
  size_t params_size;   /* sizeof the params struct */
  /* optional cross-field check after binding (e.g. min_k <= max_k) */
  gboolean (*check_params)(const void *params, GError **error);
  const void *vtable;   /* Plum<Kind>VTable; its first field is its size */
  guint32 state_version; /* models: version of what save() writes */
} PlumComponentDesc;

typedef gboolean (*PlumPluginInitFunc)(GError **error);

typedef struct PlumPluginDesc {
  guint32 abi_major;
  guint32 abi_minor;
  guint32 fingerprint;     /* PLUM_ABI_FINGERPRINT */
  guint32 desc_size;       /* sizeof(PlumPluginDesc) */
  guint32 component_size;  /* sizeof(PlumComponentDesc): the stride of `components` */
  guint32 param_spec_size; /* sizeof(PlumParamSpec): the stride of every schema table */
  const char *name;        /* equal to the module's basename */
  const char *version;
  const char *license;     /* SPDX identifier */
  const char *summary;
  const PlumComponentDesc *components;
  size_t n_components;
  PlumPluginInitFunc init; /* nullable; runs once after every check passed */
} PlumPluginDesc;

#define PLUM_PLUGIN_EXPORT __attribute__((visibility("default")))

/* Defines the module's one exported symbol. `basename` is the file name without extension;
 * `comps` a static array of PlumComponentDesc; `init_fn` a PlumPluginInitFunc or NULL. */
#define PLUM_PLUGIN_DEFINE(basename, ver, spdx, summ, comps, init_fn)                             \
  PLUM_PLUGIN_EXPORT const PlumPluginDesc *plum_plugin_##basename##_get_desc(void);              \
  const PlumPluginDesc *plum_plugin_##basename##_get_desc(void)                                  \
  {                                                                                              \
    static const PlumPluginDesc desc = {                                                         \
        .abi_major = PLUM_ABI_MAJOR,                                                             \
        .abi_minor = PLUM_ABI_MINOR,                                                             \
        .fingerprint = PLUM_ABI_FINGERPRINT,                                                     \
        .desc_size = sizeof(PlumPluginDesc),                                                     \
        .component_size = sizeof(PlumComponentDesc),                                             \
        .param_spec_size = sizeof(PlumParamSpec),                                                \
        .name = #basename,                                                                       \
        .version = (ver),                                                                        \
        .license = (spdx),                                                                       \
        .summary = (summ),                                                                       \
        .components = (comps),                                                                   \
        .n_components = G_N_ELEMENTS(comps),                                                     \
        .init = (init_fn),                                                                       \
    };                                                                                           \
    return &desc;                                                                                \
  }

/* Host services for plugins: calling the components a binding names ------------------------- */

/* Runs the optimizer bound in `optimizer` on obj from theta. result is nullable. */
gboolean plum_optimizer_minimize(const PlumBinding *optimizer, const PlumObjective *obj,
                                 double *theta, const PlumOptimContext *ctx,
                                 PlumOptimResult *result, GError **error);

double plum_kernel_eval(const PlumBinding *kernel, const double *x, const double *y, size_t d);
/* K = k(X, Y) (Y nullable: symmetric), through the kernel's gram or the core's fallback. */
gboolean plum_kernel_gram(const PlumBinding *kernel, const PlumMatrix *X, const PlumMatrix *Y,
                          PlumMatrix *K, GError **error);
/* dK: plum_binding_n_learnable(kernel) matrices of n x n. Falls back to central finite
 * differences in the learnable (log-)parameters when the kernel has no gram_gradient. */
gboolean plum_kernel_gram_gradient(const PlumBinding *kernel, const PlumMatrix *X,
                                   const PlumMatrix *K, PlumMatrix *dK, GError **error);
void plum_kernel_diag(const PlumBinding *kernel, const PlumMatrix *X, double *out);

void plum_activation_forward(const PlumBinding *act, const PlumMatrix *Z, PlumMatrix *A);
void plum_activation_backward(const PlumBinding *act, const PlumMatrix *Z, const PlumMatrix *A,
                              const PlumMatrix *dA, PlumMatrix *dZ);
gboolean plum_cost_loss(const PlumBinding *cost, const PlumMatrix *P, const PlumMatrix *T,
                        double *value, PlumMatrix *G, GError **error);
/* (transfer none) The family vtable and its params, for a GLM's inner loop. */
const PlumFamilyVTable *plum_family_vtable(const PlumBinding *family, const void **params_out);

/* Standard GLM links, shared by the family plugins. */
typedef enum {
  PLUM_LINK_IDENTITY = 0,
  PLUM_LINK_LOG,
  PLUM_LINK_LOGIT,
  PLUM_LINK_PROBIT,
  PLUM_LINK_CLOGLOG,
  PLUM_LINK_INVERSE,
  PLUM_LINK_INVERSE_SQUARED,
  PLUM_LINK_SQRT,
} PlumLink;
/* NULL-terminated names in PlumLink order, for ENUM specs. */
extern const char *const plum_link_names[];
void plum_link_apply(PlumLink link, const double *mu, double *eta, size_t n);
void plum_link_inverse(PlumLink link, const double *eta, double *mu, size_t n);
void plum_link_mu_eta(PlumLink link, const double *eta, double *dmu_deta, size_t n);

/* Central-difference gradient check of an objective at theta: the largest relative error
 * max_k |g_k - ĝ_k| / max(1, |g_k|, |ĝ_k|) into *max_rel_err. */
gboolean plum_objective_check_gradient(const PlumObjective *obj, const double *theta, double h,
                                       double *max_rel_err, GError **error);

G_END_DECLS

#endif /* PLUM_PLUGIN_H */
