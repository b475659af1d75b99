/* plum/registry.h — finding, checking and registering plugin modules.
 *
 * The registry scans the search path once (PLUM_PLUGIN_PATH, searched first; then
 * PLUM_PLUGIN_SYSTEM_PATH, which replaces the compiled-in $(pkglibdir)/plugins and may be empty),
 * opens each module with libltdl (local, resident), checks its descriptor before running any
 * other code of it, and registers its components. A refused module stays listed with its reason;
 * nothing refused ever runs. After loading, the registry is read-only and safe to share.
 */
#ifndef PLUM_REGISTRY_H
#define PLUM_REGISTRY_H

#include <stddef.h>
#include <glib.h>
#include <plum/params.h>
#include <plum/plugin.h>

G_BEGIN_DECLS

typedef struct PlumRegistry PlumRegistry;
typedef struct PlumModule PlumModule;
typedef struct PlumComponent PlumComponent;

PlumRegistry *plum_registry_new(void);
void plum_registry_free(PlumRegistry *reg);

/* Scans the search path. Refused modules are recorded, not returned as errors; this fails only
 * when libltdl cannot start. */
gboolean plum_registry_scan(PlumRegistry *reg, GError **error);
/* Loads one module file (.la or .so). Returns the module, or NULL with the refusal (which is
 * also recorded in the registry). */
const PlumModule *plum_registry_load_file(PlumRegistry *reg, const char *path, GError **error);
/* Registers a descriptor linked into the program (static builds, tests). */
const PlumModule *plum_registry_add_static(PlumRegistry *reg, const PlumPluginDesc *desc,
                                           GError **error);

/* (transfer none) The process-wide registry, scanned on first use under a mutex. */
PlumRegistry *plum_registry_get_default(GError **error);

/* The directories searched, in order (transfer none, NULL-terminated). */
const char *const *plum_registry_search_path(const PlumRegistry *reg);

/* (transfer none) The component, or NULL. */
const PlumComponent *plum_registry_find(const PlumRegistry *reg, PlumComponentKind kind,
                                        const char *name);
/* Like find, but fails with PLUM_PLUGIN_ERROR_NOT_FOUND listing the names of that kind and a
 * did-you-mean. */
const PlumComponent *plum_registry_lookup(const PlumRegistry *reg, PlumComponentKind kind,
                                          const char *name, GError **error);

/* Accepted components sorted by kind then name. */
size_t plum_registry_n_components(const PlumRegistry *reg);
const PlumComponent *plum_registry_component_at(const PlumRegistry *reg, size_t i);
/* Every module seen, accepted or refused, in load order. */
size_t plum_registry_n_modules(const PlumRegistry *reg);
const PlumModule *plum_registry_module_at(const PlumRegistry *reg, size_t i);

const char *plum_module_name(const PlumModule *m);
const char *plum_module_path(const PlumModule *m);
const char *plum_module_version(const PlumModule *m);  /* NULL when refused early */
const char *plum_module_license(const PlumModule *m);
const char *plum_module_summary(const PlumModule *m);
/* NULL when accepted; otherwise why it was refused. */
const GError *plum_module_error(const PlumModule *m);

PlumComponentKind plum_component_kind(const PlumComponent *c);
const char *plum_component_name(const PlumComponent *c);
const char *plum_component_summary(const PlumComponent *c);
guint64 plum_component_caps(const PlumComponent *c);
const PlumModule *plum_component_module(const PlumComponent *c);
guint32 plum_component_state_version(const PlumComponent *c);
/* The schema, normalised to the host's PlumParamSpec layout. */
size_t plum_component_n_params(const PlumComponent *c);
const PlumParamSpec *plum_component_param(const PlumComponent *c, size_t i);
size_t plum_component_params_size(const PlumComponent *c);
/* Runs the component's cross-field check_params on a bound params struct (TRUE if none). */
gboolean plum_component_check_params(const PlumComponent *c, const void *params,
                                     GError **error);
/* (transfer none) The vtable copied into a zeroed host-sized struct: cast to Plum<Kind>VTable. */
const void *plum_component_vtable(const PlumComponent *c);

G_END_DECLS

#endif /* PLUM_REGISTRY_H */
