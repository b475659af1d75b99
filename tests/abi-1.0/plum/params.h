/* plum/params.h — declarative hyperparameter schemas and their bound values.
 *
 * A component declares its hyperparameters once, as a static table of PlumParamSpec: name, type,
 * default, bounds, flags and the offset of the field in its params struct. One binder in the core
 * maps configuration (YAML, `--set` overrides, defaults) onto that table and produces a
 * PlumBinding: the component plus a filled params struct. Plugins never parse configuration;
 * they receive `const void *params` pointing at their own struct.
 *
 * Field types in the params struct, by PlumParamType:
 *   BOOL gboolean · INT gint64 · REAL double · STRING char * · ENUM int (index into `choices`)
 *   REAL_ARRAY PlumRealArray · INT_ARRAY PlumIntArray · COMPONENT PlumBinding *
 *   COMPONENT_LIST PlumBindingList · RECORD_LIST PlumRecordList (records of `record_size`
 *   bytes, each bound against `fields`) · RECORD the embedded struct itself, bound against
 *   `fields` · STRING_ARRAY char ** (NULL-terminated; NULL when absent without default)
 * Strings, arrays and nested bindings belong to the binding and live as long as it does.
 */
#ifndef PLUM_PARAMS_H
#define PLUM_PARAMS_H

#include <math.h>
#include <stddef.h>
#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  PLUM_KIND_MODEL = 1,
  PLUM_KIND_OPTIMIZER,
  PLUM_KIND_KERNEL,
  PLUM_KIND_ACTIVATION,
  PLUM_KIND_COST,
  PLUM_KIND_FAMILY,
} PlumComponentKind;
#define PLUM_KIND_LAST PLUM_KIND_FAMILY

/* "model", "optimizer", "kernel", "activation", "cost", "family"; NULL when out of range. */
const char *plum_kind_to_string(PlumComponentKind kind);
/* 0 when the string names no kind. */
PlumComponentKind plum_kind_from_string(const char *s);

typedef enum {
  PLUM_PARAM_BOOL = 1,
  PLUM_PARAM_INT,
  PLUM_PARAM_REAL,
  PLUM_PARAM_STRING,
  PLUM_PARAM_ENUM,
  PLUM_PARAM_REAL_ARRAY,
  PLUM_PARAM_INT_ARRAY,
  PLUM_PARAM_COMPONENT,
  PLUM_PARAM_COMPONENT_LIST,
  PLUM_PARAM_RECORD_LIST,
  PLUM_PARAM_RECORD, /* one nested record of `fields`, embedded in the params struct */
  PLUM_PARAM_STRING_ARRAY, /* a YAML sequence of strings */
} PlumParamType;

typedef enum {
  PLUM_PARAM_REQUIRED = 1u << 0,      /* no default: the configuration must give it */
  PLUM_PARAM_LEARNABLE = 1u << 1,     /* REAL / REAL_ARRAY packed by plum_binding_get_learnable */
  PLUM_PARAM_LOG_SCALE = 1u << 2,     /* learned (and searched) in log space; needs min > 0 */
  PLUM_PARAM_MIN_EXCLUSIVE = 1u << 3, /* value > min instead of >= min */
  PLUM_PARAM_MAX_EXCLUSIVE = 1u << 4, /* value < max instead of <= max */
  PLUM_PARAM_OPTIONAL = 1u << 5,      /* COMPONENT may be absent (NULL) when no default names one */
} PlumParamFlags;

typedef struct PlumParamSpec {
  const char *name;   /* [A-Za-z][A-Za-z0-9_]*, unique within the table */
  PlumParamType type;
  guint32 flags;      /* PlumParamFlags */
  size_t offset;      /* offsetof(params struct, field) */
  const char *doc;    /* one line */
  /* Defaults, by type: BOOL/INT/ENUM def_int (ENUM: index into choices), REAL def_real,
   * STRING def_string, COMPONENT def_string (a component name; NULL = none),
   * REAL_ARRAY def_reals/def_len, STRING_ARRAY choices (its NULL-terminated default list;
   * NULL = none). */
  gint64 def_int;
  double def_real;
  const char *def_string;
  const double *def_reals;
  size_t def_len;
  /* Bounds for INT, REAL and the elements of arrays; use -INFINITY/INFINITY for none. Both are
   * ignored when min == max == 0 (the zero-initialised case). */
  double min;
  double max;
  /* Array length bounds for *_ARRAY, *_LIST; max_len == 0 means unbounded. */
  size_t min_len;
  size_t max_len;
  const char *const *choices;       /* ENUM: NULL-terminated */
  PlumComponentKind component_kind; /* COMPONENT, COMPONENT_LIST */
  const struct PlumParamSpec *fields; /* RECORD, RECORD_LIST: the record schema */
  size_t n_fields;
  size_t record_size;
} PlumParamSpec;

typedef struct PlumRealArray {
  double *data;
  size_t len;
} PlumRealArray;

typedef struct PlumIntArray {
  gint64 *data;
  size_t len;
} PlumIntArray;

typedef struct PlumBinding PlumBinding;

typedef struct PlumBindingList {
  PlumBinding **items;
  size_t len;
} PlumBindingList;

typedef struct PlumRecordList {
  void *items; /* len records of the spec's record_size bytes */
  size_t len;
} PlumRecordList;

/* Designated-initialiser helpers for schema tables. ST is the params struct type. */
#define PLUM_PARAM_BOOL_SPEC(ST, field, def, docstr)                                              \
  {.name = #field, .type = PLUM_PARAM_BOOL, .offset = offsetof(ST, field), .def_int = (def),     \
   .doc = (docstr)}
#define PLUM_PARAM_INT_SPEC(ST, field, def, lo, hi, fl, docstr)                                   \
  {.name = #field, .type = PLUM_PARAM_INT, .offset = offsetof(ST, field), .def_int = (def),      \
   .min = (lo), .max = (hi), .flags = (fl), .doc = (docstr)}
#define PLUM_PARAM_REAL_SPEC(ST, field, def, lo, hi, fl, docstr)                                  \
  {.name = #field, .type = PLUM_PARAM_REAL, .offset = offsetof(ST, field), .def_real = (def),    \
   .min = (lo), .max = (hi), .flags = (fl), .doc = (docstr)}
#define PLUM_PARAM_STRING_SPEC(ST, field, def, fl, docstr)                                        \
  {.name = #field, .type = PLUM_PARAM_STRING, .offset = offsetof(ST, field),                     \
   .def_string = (def), .flags = (fl), .doc = (docstr)}
#define PLUM_PARAM_ENUM_SPEC(ST, field, def, choice_list, docstr)                                 \
  {.name = #field, .type = PLUM_PARAM_ENUM, .offset = offsetof(ST, field), .def_int = (def),     \
   .choices = (choice_list), .doc = (docstr)}
#define PLUM_PARAM_COMPONENT_SPEC(ST, field, kind, def, fl, docstr)                               \
  {.name = #field, .type = PLUM_PARAM_COMPONENT, .offset = offsetof(ST, field),                  \
   .component_kind = (kind), .def_string = (def), .flags = (fl), .doc = (docstr)}

/* Bound values ---------------------------------------------------------------------------- */

struct PlumComponent;

/* (transfer none) The component this binding configures. */
const struct PlumComponent *plum_binding_component(const PlumBinding *b);
/* (transfer none) The filled params struct of the component (params_size bytes). */
const void *plum_binding_params(const PlumBinding *b);
/* The dotted key path this binding was bound at, e.g. "model.optimizer" ("" for a root). */
const char *plum_binding_path(const PlumBinding *b);

/* Learnable hyperparameters, nested bindings included, in schema order (depth first). Values
 * are in log space where the spec says LOG_SCALE. lower/upper are nullable. */
size_t plum_binding_n_learnable(const PlumBinding *b);
void plum_binding_get_learnable(const PlumBinding *b, double *theta, double *lower,
                                double *upper);
/* Writes theta back (clamped to bounds). */
void plum_binding_set_learnable(PlumBinding *b, const double *theta);

G_END_DECLS

#endif /* PLUM_PARAMS_H */
