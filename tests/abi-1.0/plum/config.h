/* plum/config.h — configuration trees and the one binder.
 *
 * YAML is parsed (libyaml) into a tree of PlumConfigNode that remembers file, line and column of
 * every key and value. `--set a.b.c=value` overrides edit that tree before binding, so they go
 * through exactly the same checks as the file. The binder maps a node onto a schema
 * (PlumParamSpec table): unknown keys, wrong types, out-of-range values, missing required keys
 * and unknown component names are reported as `file:line:column: key.path: message`, with the
 * valid keys and a did-you-mean — all of them in one pass, one per line of the GError message.
 *
 * A component reference may be written as a bare name (`optimizer: lbfgs`), as a map with a
 * `name` key (`optimizer: {name: lbfgs, max_iter: 50}`), or as a one-key map from the name to its
 * parameters (`kernel: {squared_exponential: {length_scale: 2}}`).
 */
#ifndef PLUM_CONFIG_H
#define PLUM_CONFIG_H

#include <stddef.h>
#include <glib.h>
#include <plum/params.h>
#include <plum/registry.h>

G_BEGIN_DECLS

typedef enum {
  PLUM_NODE_SCALAR = 1,
  PLUM_NODE_SEQUENCE,
  PLUM_NODE_MAPPING,
} PlumNodeType;

typedef struct PlumConfig PlumConfig;
typedef struct PlumConfigNode PlumConfigNode;

/* (transfer full) Parses one YAML document. An empty document gives an empty mapping. */
PlumConfig *plum_config_parse_file(const char *path, GError **error);
PlumConfig *plum_config_parse_string(const char *text, const char *source_name, GError **error);
void plum_config_free(PlumConfig *cfg);

/* Applies `a.b.c=value` (the value is parsed as YAML flow: `3`, `adam`, `[1, 2]`, `{a: 1}`).
 * Intermediate maps are created; a component given by bare name is turned into `{name: …}`
 * when a key below it is set; a number indexes a list (`model.layers.0.units=64`). Setting a
 * node replaces it whole (`model.optimizer=lbfgs` drops the old optimizer's keys). */
gboolean plum_config_set_override(PlumConfig *cfg, const char *assignment, GError **error);

const PlumConfigNode *plum_config_root(const PlumConfig *cfg);
/* Dotted path lookup from the root ("model.optimizer", "model.layers.0"); NULL when absent. */
const PlumConfigNode *plum_config_lookup(const PlumConfig *cfg, const char *path);

PlumNodeType plum_config_node_type(const PlumConfigNode *node);
/* Scalar text (NULL for non-scalars). */
const char *plum_config_node_scalar(const PlumConfigNode *node);
/* Mappings: number of keys, i-th key and value, lookup by key. Sequences: length and items. */
size_t plum_config_node_size(const PlumConfigNode *node);
const char *plum_config_node_key_at(const PlumConfigNode *node, size_t i);
const PlumConfigNode *plum_config_node_value_at(const PlumConfigNode *node, size_t i);
const PlumConfigNode *plum_config_node_get(const PlumConfigNode *node, const char *key);
const PlumConfigNode *plum_config_node_item(const PlumConfigNode *node, size_t i);
/* "file:line:column" of the node, or "--set a.b.c" for a node an override wrote
 * (transfer none). */
const char *plum_config_node_location(const PlumConfigNode *node);
/* Mappings: where the i-th key is written (transfer none; NULL when out of range). */
const char *plum_config_node_key_location_at(const PlumConfigNode *node, size_t i);

/* Binding ------------------------------------------------------------------------------------ */

/* Binds `node` (a component reference of `kind`) at key path `path`. */
PlumBinding *plum_binding_new_from_node(const PlumRegistry *reg, PlumComponentKind kind,
                                        const PlumConfigNode *node, const char *path,
                                        GError **error);
/* A binding with every default (fails when a parameter is required). */
PlumBinding *plum_binding_new_default(const PlumRegistry *reg, const PlumComponent *c,
                                      GError **error);
PlumBinding *plum_binding_copy(const PlumBinding *b);
void plum_binding_free(PlumBinding *b);
/* The fully resolved configuration, defaults included, as a YAML flow mapping with `name`. */
char *plum_binding_to_yaml(const PlumBinding *b);

/* Binds a mapping node onto any schema table (the pipeline's own sections use this too).
 * `params` must be zeroed, of the struct the table describes; on failure it is left cleared. */
gboolean plum_params_bind(const PlumRegistry *reg, const PlumParamSpec *specs, size_t n_specs,
                          const PlumConfigNode *node, const char *path, void *params,
                          GError **error);
/* Fills defaults only. */
gboolean plum_params_defaults(const PlumRegistry *reg, const PlumParamSpec *specs,
                              size_t n_specs, const char *path, void *params, GError **error);
/* The values of a bound schema table as a YAML block mapping, defaults included
 * (transfer full). */
char *plum_params_to_yaml(const PlumParamSpec *specs, size_t n_specs, const void *params);
/* Frees what the binder allocated inside params (strings, arrays, nested bindings) and zeroes. */
void plum_params_clear(const PlumParamSpec *specs, size_t n_specs, void *params);

/* The closest of `candidates` (NULL-terminated) to `word` by edit distance, or NULL when none is
 * close enough to suggest. */
const char *plum_did_you_mean(const char *word, const char *const *candidates);

G_END_DECLS

#endif /* PLUM_CONFIG_H */
