/* registry.c — finds plugin modules, checks them, and registers their components.
 *
 * A module is opened with libltdl (local binding so two plugins never see each other's globals,
 * resident so it is never unloaded while the process lives) and its one entry symbol is asked for
 * its descriptor. Everything in the descriptor is checked — ABI version, numeric fingerprint,
 * struct sizes, strings, schemas, required vtable slots, duplicate names — before any other code
 * of the module runs; only then its init hook is called. Structs are copied into zeroed
 * host-sized structs so that a field a plugin did not know reads as zero/NULL. A refused module
 * is kept with the reason, for `plum plugins --all`; none of its components is registered.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <ltdl.h>
#include <string.h>
#include <sys/stat.h>

#include <plum/config.h>
#include <plum/registry.h>

/* The smallest descriptor sizes this host accepts: those of ABI 1.0. */
#define PLUGIN_DESC_MIN_SIZE (offsetof(PlumPluginDesc, init) + sizeof(PlumPluginInitFunc))
#define COMPONENT_DESC_MIN_SIZE (offsetof(PlumComponentDesc, state_version) + sizeof(guint32))
#define PARAM_SPEC_MIN_SIZE (offsetof(PlumParamSpec, record_size) + sizeof(size_t))
#define MAX_NAME_LEN 64
#define MAX_SCHEMA_DEPTH 8

struct PlumModule {
  char *name;
  char *path;
  PlumPluginDesc desc; /* host-sized copy; strings point into the resident module */
  gboolean have_desc;
  GError *error;
};

struct PlumComponent {
  const PlumModule *module;
  PlumComponentKind kind;
  const char *name;
  const char *summary;
  guint64 caps;
  PlumParamSpec *params; /* host-sized copies (nested record schemas copied too) */
  size_t n_params;
  size_t params_size;
  gboolean (*check_params)(const void *params, GError **error);
  void *vtable; /* host-sized, zero-filled beyond what the plugin knew */
  guint32 state_version;
};

struct PlumRegistry {
  GPtrArray *modules;    /* PlumModule *, load order */
  GPtrArray *components; /* PlumComponent *, sorted by kind then name */
  GHashTable *by_key;    /* "kind/name" -> PlumComponent * */
  GHashTable *by_module; /* module basename -> PlumModule * (first one seen) */
  char **search_path;
};

/* libltdl is not thread safe: every lt_* call happens under this lock. */
static GMutex ltdl_lock;
static gboolean ltdl_started;

/* Host-side vtable sizes and the slots each kind requires, by kind. */
typedef struct {
  size_t size;
  const size_t *required; /* offsets of required function pointers */
  const char *const *required_names;
  size_t n_required;
} VTableInfo;

static const size_t model_required[] = {
    offsetof(PlumModelVTable, create), offsetof(PlumModelVTable, destroy),
    offsetof(PlumModelVTable, fit),    offsetof(PlumModelVTable, shape),
    offsetof(PlumModelVTable, save),   offsetof(PlumModelVTable, load),
};
static const char *const model_required_names[] = {"create", "destroy", "fit",
                                                   "shape",  "save",    "load"};
static const size_t optim_required[] = {offsetof(PlumOptimizerVTable, minimize)};
static const char *const optim_required_names[] = {"minimize"};
static const size_t kernel_required[] = {offsetof(PlumKernelVTable, eval)};
static const char *const kernel_required_names[] = {"eval"};
static const size_t act_required[] = {offsetof(PlumActivationVTable, forward),
                                      offsetof(PlumActivationVTable, backward)};
static const char *const act_required_names[] = {"forward", "backward"};
static const size_t cost_required[] = {offsetof(PlumCostVTable, loss)};
static const char *const cost_required_names[] = {"loss"};
static const size_t family_required[] = {
    offsetof(PlumFamilyVTable, link),     offsetof(PlumFamilyVTable, linkinv),
    offsetof(PlumFamilyVTable, mu_eta),   offsetof(PlumFamilyVTable, variance),
    offsetof(PlumFamilyVTable, deviance), offsetof(PlumFamilyVTable, mustart),
    offsetof(PlumFamilyVTable, check_y),
};
static const char *const family_required_names[] = {"link",     "linkinv", "mu_eta", "variance",
                                                    "deviance", "mustart", "check_y"};

#define VT(type, req)                                                                             \
  {sizeof(type), req, req##_names, G_N_ELEMENTS(req)}
static const VTableInfo vtable_info[PLUM_KIND_LAST + 1] = {
    [PLUM_KIND_MODEL] = VT(PlumModelVTable, model_required),
    [PLUM_KIND_OPTIMIZER] = VT(PlumOptimizerVTable, optim_required),
    [PLUM_KIND_KERNEL] = VT(PlumKernelVTable, kernel_required),
    [PLUM_KIND_ACTIVATION] = VT(PlumActivationVTable, act_required),
    [PLUM_KIND_COST] = VT(PlumCostVTable, cost_required),
    [PLUM_KIND_FAMILY] = VT(PlumFamilyVTable, family_required),
};
#undef VT

/* Field sizes in the params struct, by parameter type. */
static size_t
param_field_size(PlumParamType type)
{
  switch (type) {
  case PLUM_PARAM_BOOL:
    return sizeof(gboolean);
  case PLUM_PARAM_INT:
    return sizeof(gint64);
  case PLUM_PARAM_REAL:
    return sizeof(double);
  case PLUM_PARAM_STRING:
    return sizeof(char *);
  case PLUM_PARAM_ENUM:
    return sizeof(int);
  case PLUM_PARAM_REAL_ARRAY:
    return sizeof(PlumRealArray);
  case PLUM_PARAM_INT_ARRAY:
    return sizeof(PlumIntArray);
  case PLUM_PARAM_COMPONENT:
    return sizeof(PlumBinding *);
  case PLUM_PARAM_COMPONENT_LIST:
    return sizeof(PlumBindingList);
  case PLUM_PARAM_RECORD_LIST:
    return sizeof(PlumRecordList);
  case PLUM_PARAM_STRING_ARRAY:
    return sizeof(char **);
  case PLUM_PARAM_RECORD:
    return 0; /* the record's own size, checked by the caller */
  }
  return 0;
}

static gboolean
is_identifier(const char *s)
{
  if (s == NULL || !g_ascii_islower(s[0]))
    return FALSE;
  size_t n = 0;
  for (const char *p = s; *p; p++, n++)
    if (!(g_ascii_islower(*p) || g_ascii_isdigit(*p) || *p == '_'))
      return FALSE;
  return n <= MAX_NAME_LEN;
}

/* Parameter names may use capitals where the literature does (C in SVMs and logistic
 * regression); component and module names may not. */
static gboolean
is_param_name(const char *s)
{
  if (s == NULL || !g_ascii_isalpha(s[0]))
    return FALSE;
  size_t n = 0;
  for (const char *p = s; *p; p++, n++)
    if (!(g_ascii_isalnum(*p) || *p == '_'))
      return FALSE;
  return n <= MAX_NAME_LEN;
}

static gboolean
is_nonempty(const char *s)
{
  return s != NULL && s[0] != '\0';
}

/* Modules ---------------------------------------------------------------------------------- */

static void
module_free(PlumModule *m)
{
  g_free(m->name);
  g_free(m->path);
  g_clear_error(&m->error);
  g_free(m);
}

/* Frees host copies of a schema; only record specs own a (host-copied) field table. */
static void
component_free_specs(PlumParamSpec *specs, size_t n)
{
  for (size_t i = 0; specs != NULL && i < n; i++)
    if (specs[i].fields != NULL &&
        (specs[i].type == PLUM_PARAM_RECORD || specs[i].type == PLUM_PARAM_RECORD_LIST))
      component_free_specs((PlumParamSpec *)specs[i].fields, specs[i].n_fields);
  g_free(specs);
}

static void
component_free(PlumComponent *c)
{
  component_free_specs(c->params, c->n_params);
  g_free(c->vtable);
  g_free(c);
}

PlumRegistry *
plum_registry_new(void)
{
  PlumRegistry *reg = g_new0(PlumRegistry, 1);
  reg->modules = g_ptr_array_new_with_free_func((GDestroyNotify)module_free);
  reg->components = g_ptr_array_new_with_free_func((GDestroyNotify)component_free);
  reg->by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  reg->by_module = g_hash_table_new(g_str_hash, g_str_equal);
  return reg;
}

void
plum_registry_free(PlumRegistry *reg)
{
  if (reg == NULL)
    return;
  g_hash_table_unref(reg->by_module);
  g_hash_table_unref(reg->by_key);
  g_ptr_array_unref(reg->components);
  g_ptr_array_unref(reg->modules);
  g_strfreev(reg->search_path);
  g_free(reg);
}

/* Descriptor checks ------------------------------------------------------------------------- */

static char *
component_key(PlumComponentKind kind, const char *name)
{
  return g_strdup_printf("%s/%s", plum_kind_to_string(kind), name);
}

static gboolean check_specs(const PlumPluginDesc *desc, const char *where,
                            const PlumParamSpec *raw, size_t n, size_t params_size, int depth,
                            PlumParamSpec **out, GError **error);

static gboolean
check_bounds(const PlumParamSpec *s, const char *where, GError **error)
{
  gboolean bounded = !(s->min == 0 && s->max == 0);
  if (!bounded)
    return TRUE;
  if (isnan(s->min) || isnan(s->max) || s->min > s->max) {
    g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_INVALID,
                "%s: parameter '%s' has bounds [%g, %g] that admit no value", where, s->name,
                s->min, s->max);
    return FALSE;
  }
  double def = s->type == PLUM_PARAM_REAL ? s->def_real : (double)s->def_int;
  gboolean has_default = !(s->flags & PLUM_PARAM_REQUIRED) &&
                         (s->type == PLUM_PARAM_REAL || s->type == PLUM_PARAM_INT);
  if (has_default && (def < s->min || def > s->max ||
                      ((s->flags & PLUM_PARAM_MIN_EXCLUSIVE) && def == s->min) ||
                      ((s->flags & PLUM_PARAM_MAX_EXCLUSIVE) && def == s->max))) {
    g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_INVALID,
                "%s: parameter '%s' has default %g outside its bounds [%g, %g]", where, s->name,
                def, s->min, s->max);
    return FALSE;
  }
  if ((s->flags & PLUM_PARAM_LOG_SCALE) && !(s->min > 0)) {
    g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_INVALID,
                "%s: parameter '%s' is log-scale but its minimum %g is not positive", where,
                s->name, s->min);
    return FALSE;
  }
  return TRUE;
}

static gboolean
check_one_spec(const PlumPluginDesc *desc, const char *where, PlumParamSpec *s,
               size_t params_size, int depth, GError **error)
{
  /* A record's field table is replaced by a checked host copy below; until then it is not ours
   * to free. */
  const PlumParamSpec *raw_fields = s->fields;
  s->fields = NULL;
  if (!is_param_name(s->name)) {
    g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_INVALID,
                "%s: parameter name '%s' is not an identifier", where,
                s->name ? s->name : "(null)");
    return FALSE;
  }
  if (s->type < PLUM_PARAM_BOOL || s->type > PLUM_PARAM_STRING_ARRAY) {
    g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_INVALID,
                "%s: parameter '%s' has unknown type %d", where, s->name, (int)s->type);
    return FALSE;
  }
  size_t field = s->type == PLUM_PARAM_RECORD ? s->record_size : param_field_size(s->type);
  if (field == 0 || s->offset > params_size || field > params_size - s->offset) {
    g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_INVALID,
                "%s: parameter '%s' (offset %zu, %zu bytes) lies outside the %zu-byte params "
                "struct",
                where, s->name, s->offset, field, params_size);
    return FALSE;
  }
  if (!check_bounds(s, where, error))
    return FALSE;
  switch (s->type) {
  case PLUM_PARAM_ENUM: {
    gint64 n = 0;
    while (s->choices != NULL && s->choices[n] != NULL)
      n++;
    if (n == 0 || s->def_int < 0 || s->def_int >= n) {
      g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_INVALID,
                  "%s: enum parameter '%s' has no choices or a default outside them", where,
                  s->name);
      return FALSE;
    }
    break;
  }
  case PLUM_PARAM_COMPONENT:
  case PLUM_PARAM_COMPONENT_LIST:
    if (s->component_kind < PLUM_KIND_MODEL || s->component_kind > PLUM_KIND_LAST) {
      g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_INVALID,
                  "%s: component parameter '%s' names no valid kind", where, s->name);
      return FALSE;
    }
    break;
  case PLUM_PARAM_REAL_ARRAY:
    if (s->def_len > 0 && s->def_reals == NULL) {
      g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_INVALID,
                  "%s: array parameter '%s' has a default length but no values", where,
                  s->name);
      return FALSE;
    }
    break;
  case PLUM_PARAM_RECORD:
  case PLUM_PARAM_RECORD_LIST: {
    if (depth >= MAX_SCHEMA_DEPTH || raw_fields == NULL || s->n_fields == 0 ||
        s->record_size == 0) {
      g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_INVALID,
                  "%s: record parameter '%s' has no field table, size, or is nested too deep",
                  where, s->name);
      return FALSE;
    }
    char *inner = g_strdup_printf("%s.%s", where, s->name);
    PlumParamSpec *copy = NULL;
    gboolean ok = check_specs(desc, inner, raw_fields, s->n_fields, s->record_size, depth + 1,
                              &copy, error);
    g_free(inner);
    s->fields = copy;
    if (!ok)
      return FALSE;
    break;
  }
  default:
    break;
  }
  return TRUE;
}

/* Copies a plugin's schema (stride param_spec_size) into host-sized specs and checks it. */
static gboolean
check_specs(const PlumPluginDesc *desc, const char *where, const PlumParamSpec *raw, size_t n,
            size_t params_size, int depth, PlumParamSpec **out, GError **error)
{
  *out = NULL;
  if (n == 0)
    return TRUE;
  if (raw == NULL) {
    g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_INVALID,
                "%s: %zu parameters declared but the table is NULL", where, n);
    return FALSE;
  }
  size_t stride = desc->param_spec_size;
  PlumParamSpec *specs = g_new0(PlumParamSpec, n);
  size_t copied = 0;
  gboolean ok = TRUE;
  for (size_t i = 0; i < n && ok; i++) {
    memcpy(&specs[i], (const char *)raw + i * stride, MIN(stride, sizeof(PlumParamSpec)));
    copied = i + 1;
    ok = check_one_spec(desc, where, &specs[i], params_size, depth, error);
    for (size_t j = 0; ok && j < i; j++)
      if (strcmp(specs[j].name, specs[i].name) == 0) {
        g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_INVALID,
                    "%s: parameter '%s' is declared twice", where, specs[i].name);
        ok = FALSE;
      }
  }
  if (!ok) {
    component_free_specs(specs, copied);
    return FALSE;
  }
  *out = specs;
  return TRUE;
}

static PlumComponent *
check_component(const PlumPluginDesc *desc, const PlumComponentDesc *raw, size_t index,
                GError **error)
{
  PlumComponentDesc cd = {0};
  memcpy(&cd, raw, MIN((size_t)desc->component_size, sizeof cd));
  char where[160];
  g_snprintf(where, sizeof where, "component %zu", index);

  if (cd.struct_size != desc->component_size) {
    g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_INVALID,
                "%s: struct_size %zu disagrees with the descriptor's component_size %u", where,
                cd.struct_size, desc->component_size);
    return NULL;
  }
  if (cd.kind < PLUM_KIND_MODEL || cd.kind > PLUM_KIND_LAST) {
    g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_INVALID, "%s: unknown kind %d",
                where, (int)cd.kind);
    return NULL;
  }
  if (!is_identifier(cd.name)) {
    g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_INVALID,
                "%s: name '%s' is not a lower-case identifier of at most %d characters", where,
                cd.name ? cd.name : "(null)", MAX_NAME_LEN);
    return NULL;
  }
  g_snprintf(where, sizeof where, "%s '%s'", plum_kind_to_string(cd.kind), cd.name);
  if (!is_nonempty(cd.summary)) {
    g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_INVALID, "%s: no summary", where);
    return NULL;
  }
  const VTableInfo *vi = &vtable_info[cd.kind];
  size_t vt_size = cd.vtable ? *(const size_t *)cd.vtable : 0;
  if (cd.vtable == NULL || vt_size < sizeof(size_t) || vt_size > vi->size) {
    g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_INVALID,
                "%s: vtable missing or of size %zu (this host knows %zu bytes)", where, vt_size,
                vi->size);
    return NULL;
  }
  void *vt = g_malloc0(vi->size);
  memcpy(vt, cd.vtable, vt_size);
  for (size_t i = 0; i < vi->n_required; i++) {
    void *slot;
    memcpy(&slot, (char *)vt + vi->required[i], sizeof slot);
    if (slot == NULL) {
      g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_INVALID,
                  "%s: required vtable slot '%s' is missing", where, vi->required_names[i]);
      g_free(vt);
      return NULL;
    }
  }
  if (cd.kind == PLUM_KIND_OPTIMIZER && cd.params_size < sizeof(PlumOptimCommon)) {
    g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_INVALID,
                "%s: an optimizer's params struct must start with PlumOptimCommon", where);
    g_free(vt);
    return NULL;
  }
  PlumParamSpec *specs = NULL;
  if (!check_specs(desc, where, cd.params, cd.n_params, cd.params_size, 0, &specs, error)) {
    g_free(vt);
    return NULL;
  }
  PlumComponent *c = g_new0(PlumComponent, 1);
  c->kind = cd.kind;
  c->name = cd.name;
  c->summary = cd.summary;
  c->caps = cd.caps;
  c->params = specs;
  c->n_params = cd.n_params;
  c->params_size = cd.params_size;
  c->check_params = cd.check_params;
  c->vtable = vt;
  c->state_version = cd.state_version;
  return c;
}

static gboolean
check_license(const char *s)
{
  if (!is_nonempty(s))
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!(g_ascii_isalnum(*p) || strchr(".-+() ", *p)))
      return FALSE;
  return TRUE;
}

/* Checks a raw descriptor and fills the module's host-sized copy. */
static gboolean
check_desc(PlumModule *m, const PlumPluginDesc *raw, GError **error)
{
  if (raw == NULL) {
    g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_INVALID,
                "the entry point returned no descriptor");
    return FALSE;
  }
  if (raw->abi_major != PLUM_ABI_MAJOR || raw->abi_minor > PLUM_ABI_MINOR) {
    g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_ABI,
                "built for plugin ABI %u.%u, but this host speaks %d.%d (%s)", raw->abi_major,
                raw->abi_minor, PLUM_ABI_MAJOR, PLUM_ABI_MINOR,
                raw->abi_major != PLUM_ABI_MAJOR ? "major versions differ"
                                                 : "the plugin needs a newer host");
    return FALSE;
  }
  if (raw->fingerprint != PLUM_ABI_FINGERPRINT) {
    g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_ABI,
                "numeric type fingerprint 0x%08x differs from the host's 0x%08x "
                "(sizes of double, size_t, pointers or gint64 disagree)",
                raw->fingerprint, (unsigned)PLUM_ABI_FINGERPRINT);
    return FALSE;
  }
  if (raw->desc_size < PLUGIN_DESC_MIN_SIZE || raw->desc_size > sizeof(PlumPluginDesc) ||
      raw->component_size < COMPONENT_DESC_MIN_SIZE ||
      raw->component_size > sizeof(PlumComponentDesc) ||
      raw->param_spec_size < PARAM_SPEC_MIN_SIZE || raw->param_spec_size > sizeof(PlumParamSpec)) {
    g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_ABI,
                "descriptor sizes (%u, %u, %u) do not fit ABI %d.%d", raw->desc_size,
                raw->component_size, raw->param_spec_size, PLUM_ABI_MAJOR, PLUM_ABI_MINOR);
    return FALSE;
  }
  memcpy(&m->desc, raw, raw->desc_size);
  const PlumPluginDesc *d = &m->desc;
  if (d->name == NULL || strcmp(d->name, m->name) != 0) {
    g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_INVALID,
                "descriptor name '%s' does not match the module name '%s'",
                d->name ? d->name : "(null)", m->name);
    return FALSE;
  }
  if (!is_nonempty(d->version) || !is_nonempty(d->summary) || !check_license(d->license)) {
    g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_INVALID,
                "descriptor lacks a version, a summary or an SPDX license identifier");
    return FALSE;
  }
  if (d->n_components == 0 || d->components == NULL || d->n_components > 4096) {
    g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_INVALID,
                "descriptor declares no components");
    return FALSE;
  }
  m->have_desc = TRUE;
  return TRUE;
}

static gint
component_cmp(gconstpointer a, gconstpointer b)
{
  const PlumComponent *x = *(PlumComponent *const *)a, *y = *(PlumComponent *const *)b;
  if (x->kind != y->kind)
    return x->kind < y->kind ? -1 : 1;
  return strcmp(x->name, y->name);
}

/* Checks every component, refuses the module on any problem or name clash, then runs its init
 * hook and registers the components. */
static gboolean
register_components(PlumRegistry *reg, PlumModule *m, GError **error)
{
  const PlumPluginDesc *d = &m->desc;
  GPtrArray *comps = g_ptr_array_new_with_free_func((GDestroyNotify)component_free);
  gboolean ok = TRUE;
  for (size_t i = 0; i < d->n_components && ok; i++) {
    const PlumComponentDesc *raw =
        (const PlumComponentDesc *)((const char *)d->components + i * d->component_size);
    PlumComponent *c = check_component(d, raw, i, error);
    if (c == NULL) {
      ok = FALSE;
      break;
    }
    c->module = m;
    g_ptr_array_add(comps, c);
    char *key = component_key(c->kind, c->name);
    const PlumComponent *other = g_hash_table_lookup(reg->by_key, key);
    for (size_t j = 0; other == NULL && j + 1 < comps->len; j++) {
      const PlumComponent *prev = comps->pdata[j];
      if (prev->kind == c->kind && strcmp(prev->name, c->name) == 0)
        other = prev;
    }
    if (other != NULL) {
      g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_DUPLICATE,
                  "%s '%s' is already provided by module '%s'", plum_kind_to_string(c->kind),
                  c->name, other->module->name);
      ok = FALSE;
    }
    g_free(key);
  }
  if (ok && d->init != NULL) {
    GError *init_error = NULL;
    if (!d->init(&init_error)) {
      g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_INIT, "init failed: %s",
                  init_error ? init_error->message : "(no reason given)");
      g_clear_error(&init_error);
      ok = FALSE;
    }
  }
  if (ok) {
    while (comps->len > 0) {
      PlumComponent *c = g_ptr_array_steal_index(comps, 0);
      g_hash_table_insert(reg->by_key, component_key(c->kind, c->name), c);
      g_ptr_array_add(reg->components, c);
    }
    g_ptr_array_sort(reg->components, component_cmp);
  }
  g_ptr_array_unref(comps);
  return ok;
}

/* Loading ----------------------------------------------------------------------------------- */

static gboolean
ltdl_start(GError **error)
{
  gboolean ok = TRUE;
  g_mutex_lock(&ltdl_lock);
  if (!ltdl_started) {
    if (lt_dlinit() != 0) {
      g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_OPEN, "libltdl failed to start: %s",
                  lt_dlerror());
      ok = FALSE;
    } else {
      ltdl_started = TRUE;
    }
  }
  g_mutex_unlock(&ltdl_lock);
  return ok;
}

/* The shared object behind a libtool .la file (dlname, in .libs/ in a build tree). */
static char *
la_shared_object(const char *la_path)
{
  char *text = NULL;
  if (!g_file_get_contents(la_path, &text, NULL, NULL))
    return NULL;
  char *result = NULL;
  char **lines = g_strsplit(text, "\n", -1);
  for (char **l = lines; *l && result == NULL; l++) {
    if (!g_str_has_prefix(*l, "dlname='"))
      continue;
    char *name = g_strndup(*l + 8, strcspn(*l + 8, "'"));
    char *dir = g_path_get_dirname(la_path);
    char *in_libs = g_build_filename(dir, ".libs", name, NULL);
    result = g_file_test(in_libs, G_FILE_TEST_IS_REGULAR) ? g_strdup(in_libs)
                                                          : g_build_filename(dir, name, NULL);
    g_free(in_libs);
    g_free(dir);
    g_free(name);
  }
  g_strfreev(lines);
  g_free(text);
  return result;
}

/* libltdl reports most failures as "file not found"; dlopen itself says which symbol or
 * library is missing. Called with ltdl_lock held. */
static char *
open_failure_reason(const char *path)
{
  const char *lt_reason = lt_dlerror();
  char *so = g_str_has_suffix(path, ".la") ? la_shared_object(path) : g_strdup(path);
  char *reason = NULL;
  if (so != NULL) {
    void *h = dlopen(so, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL)
      reason = g_strdup(dlerror());
    else
      dlclose(h);
  }
  if (reason == NULL)
    reason = g_strdup(lt_reason ? lt_reason : "unknown error");
  g_free(so);
  return reason;
}

static char *
module_basename(const char *path)
{
  char *base = g_path_get_basename(path);
  char *dot = strrchr(base, '.');
  if (dot != NULL)
    *dot = '\0';
  return base;
}

typedef const PlumPluginDesc *(*GetDescFunc)(void);

static gboolean
open_module(PlumModule *m, GError **error)
{
  if (!is_identifier(m->name)) {
    g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_INVALID,
                "'%s' is not a valid module name (lower-case letters, digits, '_')", m->name);
    return FALSE;
  }
  if (!ltdl_start(error))
    return FALSE;
  char symbol[128];
  g_snprintf(symbol, sizeof symbol, "plum_plugin_%s_get_desc", m->name);

  g_mutex_lock(&ltdl_lock);
  lt_dladvise advise;
  lt_dlhandle handle = NULL;
  if (lt_dladvise_init(&advise) == 0) {
    lt_dladvise_ext(&advise);
    lt_dladvise_local(&advise);
    lt_dladvise_resident(&advise);
    handle = lt_dlopenadvise(m->path, advise);
    lt_dladvise_destroy(&advise);
  }
  char *reason = handle == NULL ? open_failure_reason(m->path) : NULL;
  GetDescFunc get_desc = handle ? (GetDescFunc)(void (*)(void))lt_dlsym(handle, symbol) : NULL;
  g_mutex_unlock(&ltdl_lock);

  if (handle == NULL) {
    g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_OPEN, "cannot open: %s", reason);
    g_free(reason);
    return FALSE;
  }
  if (get_desc == NULL) {
    g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_NO_ENTRY,
                "no entry symbol %s() (define it with PLUM_PLUGIN_DEFINE)", symbol);
    return FALSE;
  }
  return check_desc(m, get_desc(), error);
}

static const PlumModule *
add_module(PlumRegistry *reg, PlumModule *m, const PlumPluginDesc *static_desc, GError **error)
{
  GError *local = NULL;
  const PlumModule *first = g_hash_table_lookup(reg->by_module, m->name);
  gboolean ok;
  if (first != NULL) {
    g_set_error(&local, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_DUPLICATE,
                "a module named '%s' was already loaded from %s", m->name, first->path);
    ok = FALSE;
  } else if (static_desc != NULL) {
    ok = check_desc(m, static_desc, &local);
  } else {
    ok = open_module(m, &local);
  }
  ok = ok && register_components(reg, m, &local);
  g_ptr_array_add(reg->modules, m);
  if (first == NULL)
    g_hash_table_insert(reg->by_module, m->name, m);
  if (!ok) {
    g_prefix_error(&local, "%s: ", m->path);
    m->error = g_error_copy(local);
    g_propagate_error(error, local);
    return NULL;
  }
  return m;
}

const PlumModule *
plum_registry_load_file(PlumRegistry *reg, const char *path, GError **error)
{
  PlumModule *m = g_new0(PlumModule, 1);
  m->path = g_strdup(path);
  m->name = module_basename(path);
  return add_module(reg, m, NULL, error);
}

const PlumModule *
plum_registry_add_static(PlumRegistry *reg, const PlumPluginDesc *desc, GError **error)
{
  PlumModule *m = g_new0(PlumModule, 1);
  m->name = g_strdup(desc && desc->name ? desc->name : "(unnamed)");
  m->path = g_strdup_printf("(static %s)", m->name);
  return add_module(reg, m, desc, error);
}

/* Search path -------------------------------------------------------------------------------- */

static void
append_path_list(GPtrArray *dirs, const char *list)
{
  char **parts = g_strsplit(list, G_SEARCHPATH_SEPARATOR_S, -1);
  for (char **p = parts; *p; p++)
    if (g_path_is_absolute(*p)) /* never the current directory, nor paths relative to it */
      g_ptr_array_add(dirs, g_strdup(*p));
  g_strfreev(parts);
}

static char **
build_search_path(void)
{
  GPtrArray *dirs = g_ptr_array_new();
  const char *user = g_getenv("PLUM_PLUGIN_PATH");
  if (user != NULL)
    append_path_list(dirs, user);
  const char *system = g_getenv("PLUM_PLUGIN_SYSTEM_PATH");
  append_path_list(dirs, system != NULL ? system : PLUM_PLUGIN_DIR);
  g_ptr_array_add(dirs, NULL);
  return (char **)g_ptr_array_free(dirs, FALSE);
}

static gint
str_cmp(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Module files in dir, sorted; a .la hides the .so of the same name next to it. */
static GPtrArray *
list_module_files(const char *dir)
{
  GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
  GDir *d = g_dir_open(dir, 0, NULL);
  if (d == NULL)
    return files;
  const char *entry;
  GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  while ((entry = g_dir_read_name(d)) != NULL)
    if (g_str_has_suffix(entry, ".la") || g_str_has_suffix(entry, ".so"))
      g_ptr_array_add(names, g_strdup(entry));
  g_dir_close(d);
  g_ptr_array_sort(names, str_cmp); /* "x.la" sorts before "x.so" */
  for (size_t i = 0; i < names->len; i++) {
    const char *name = names->pdata[i];
    char *path = g_build_filename(dir, name, NULL);
    char *base = module_basename(name);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && !g_hash_table_contains(seen, base)) {
      g_hash_table_add(seen, base);
      g_ptr_array_add(files, path);
    } else {
      g_free(base);
      g_free(path);
    }
  }
  g_ptr_array_unref(names);
  g_hash_table_unref(seen);
  return files;
}

gboolean
plum_registry_scan(PlumRegistry *reg, GError **error)
{
  if (!ltdl_start(error))
    return FALSE;
  g_strfreev(reg->search_path);
  reg->search_path = build_search_path();
  for (char **dir = reg->search_path; *dir; dir++) {
    GPtrArray *files = list_module_files(*dir);
    for (size_t i = 0; i < files->len; i++)
      plum_registry_load_file(reg, files->pdata[i], NULL); /* refusals are recorded */
    g_ptr_array_unref(files);
  }
  return TRUE;
}

const char *const *
plum_registry_search_path(const PlumRegistry *reg)
{
  static const char *const empty[] = {NULL};
  return reg->search_path ? (const char *const *)reg->search_path : empty;
}

PlumRegistry *
plum_registry_get_default(GError **error)
{
  static GMutex lock;
  static PlumRegistry *registry;
  g_mutex_lock(&lock);
  if (registry == NULL) {
    PlumRegistry *reg = plum_registry_new();
    if (plum_registry_scan(reg, error))
      registry = reg;
    else
      plum_registry_free(reg);
  }
  g_mutex_unlock(&lock);
  return registry;
}

/* Lookup ------------------------------------------------------------------------------------- */

const PlumComponent *
plum_registry_find(const PlumRegistry *reg, PlumComponentKind kind, const char *name)
{
  if (name == NULL || plum_kind_to_string(kind) == NULL)
    return NULL;
  char *key = component_key(kind, name);
  const PlumComponent *c = g_hash_table_lookup(reg->by_key, key);
  g_free(key);
  return c;
}

const PlumComponent *
plum_registry_lookup(const PlumRegistry *reg, PlumComponentKind kind, const char *name,
                     GError **error)
{
  const PlumComponent *c = plum_registry_find(reg, kind, name);
  if (c != NULL)
    return c;
  GPtrArray *names = g_ptr_array_new();
  for (size_t i = 0; i < reg->components->len; i++) {
    const PlumComponent *o = reg->components->pdata[i];
    if (o->kind == kind)
      g_ptr_array_add(names, (gpointer)o->name);
  }
  g_ptr_array_add(names, NULL);
  const char *const *cands = (const char *const *)names->pdata;
  const char *guess = plum_did_you_mean(name ? name : "", cands);
  char *list = g_strjoinv(", ", (char **)names->pdata);
  g_set_error(error, PLUM_PLUGIN_ERROR, PLUM_PLUGIN_ERROR_NOT_FOUND,
              "no %s named '%s'%s%s%s (available: %s)", plum_kind_to_string(kind),
              name ? name : "(null)", guess ? "; did you mean '" : "", guess ? guess : "",
              guess ? "'?" : "", *list ? list : "none loaded");
  g_free(list);
  g_ptr_array_free(names, TRUE);
  return NULL;
}

size_t
plum_registry_n_components(const PlumRegistry *reg)
{
  return reg->components->len;
}

const PlumComponent *
plum_registry_component_at(const PlumRegistry *reg, size_t i)
{
  return i < reg->components->len ? reg->components->pdata[i] : NULL;
}

size_t
plum_registry_n_modules(const PlumRegistry *reg)
{
  return reg->modules->len;
}

const PlumModule *
plum_registry_module_at(const PlumRegistry *reg, size_t i)
{
  return i < reg->modules->len ? reg->modules->pdata[i] : NULL;
}

/* Accessors ---------------------------------------------------------------------------------- */

const char *
plum_module_name(const PlumModule *m)
{
  return m->name;
}

const char *
plum_module_path(const PlumModule *m)
{
  return m->path;
}

const char *
plum_module_version(const PlumModule *m)
{
  return m->have_desc ? m->desc.version : NULL;
}

const char *
plum_module_license(const PlumModule *m)
{
  return m->have_desc ? m->desc.license : NULL;
}

const char *
plum_module_summary(const PlumModule *m)
{
  return m->have_desc ? m->desc.summary : NULL;
}

const GError *
plum_module_error(const PlumModule *m)
{
  return m->error;
}

PlumComponentKind
plum_component_kind(const PlumComponent *c)
{
  return c->kind;
}

const char *
plum_component_name(const PlumComponent *c)
{
  return c->name;
}

const char *
plum_component_summary(const PlumComponent *c)
{
  return c->summary;
}

guint64
plum_component_caps(const PlumComponent *c)
{
  return c->caps;
}

const PlumModule *
plum_component_module(const PlumComponent *c)
{
  return c->module;
}

guint32
plum_component_state_version(const PlumComponent *c)
{
  return c->state_version;
}

size_t
plum_component_n_params(const PlumComponent *c)
{
  return c->n_params;
}

const PlumParamSpec *
plum_component_param(const PlumComponent *c, size_t i)
{
  return i < c->n_params ? &c->params[i] : NULL;
}

size_t
plum_component_params_size(const PlumComponent *c)
{
  return c->params_size;
}

gboolean
plum_component_check_params(const PlumComponent *c, const void *params, GError **error)
{
  return c->check_params == NULL || c->check_params(params, error);
}

const void *
plum_component_vtable(const PlumComponent *c)
{
  return c->vtable;
}
