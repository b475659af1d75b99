/* plum/error.h — error domains of libplum.
 *
 * Every fallible call in plum takes a `GError **error` last and sets it exactly when it fails.
 * There is one domain per subsystem; codes are distinct only where a caller can act on them.
 */
#ifndef PLUM_ERROR_H
#define PLUM_ERROR_H

#include <glib.h>

G_BEGIN_DECLS

/* Plugin loading and registry. */
#define PLUM_PLUGIN_ERROR (plum_plugin_error_quark())
GQuark plum_plugin_error_quark(void);
typedef enum {
  PLUM_PLUGIN_ERROR_OPEN,        /* the module could not be opened (dlopen reason included) */
  PLUM_PLUGIN_ERROR_NO_ENTRY,    /* no plum_plugin_<basename>_get_desc symbol */
  PLUM_PLUGIN_ERROR_ABI,         /* ABI major/minor or numeric fingerprint mismatch */
  PLUM_PLUGIN_ERROR_INVALID,     /* a descriptor, component or schema is malformed */
  PLUM_PLUGIN_ERROR_DUPLICATE,   /* a kind/name already provided by another module */
  PLUM_PLUGIN_ERROR_INIT,        /* the module's init hook failed */
  PLUM_PLUGIN_ERROR_NOT_FOUND,   /* no component of that kind and name */
} PlumPluginError;

/* Configuration: YAML syntax, schema binding, overrides. */
#define PLUM_CONFIG_ERROR (plum_config_error_quark())
GQuark plum_config_error_quark(void);
typedef enum {
  PLUM_CONFIG_ERROR_SYNTAX,      /* malformed YAML */
  PLUM_CONFIG_ERROR_UNKNOWN_KEY, /* a key the schema does not have */
  PLUM_CONFIG_ERROR_TYPE,        /* a value of the wrong type */
  PLUM_CONFIG_ERROR_RANGE,       /* a value outside its bounds or enum */
  PLUM_CONFIG_ERROR_MISSING,     /* a required key is absent */
  PLUM_CONFIG_ERROR_COMPONENT,   /* a component reference names nothing loaded */
  PLUM_CONFIG_ERROR_CAPABILITY,  /* components that cannot work together */
} PlumConfigError;

/* Data: CSV, datasets, shapes, non-finite values. */
#define PLUM_DATA_ERROR (plum_data_error_quark())
GQuark plum_data_error_quark(void);
typedef enum {
  PLUM_DATA_ERROR_IO,
  PLUM_DATA_ERROR_PARSE,         /* a cell that is not what it must be */
  PLUM_DATA_ERROR_MISSING,       /* a missing value under the "error" policy */
  PLUM_DATA_ERROR_SHAPE,         /* dimensions that do not agree */
  PLUM_DATA_ERROR_NONFINITE,     /* NaN or Inf where a finite number is needed */
  PLUM_DATA_ERROR_INVALID,       /* a value outside what a model accepts */
} PlumDataError;

/* Models, optimizers and other components at run time. */
#define PLUM_MODEL_ERROR (plum_model_error_quark())
GQuark plum_model_error_quark(void);
typedef enum {
  PLUM_MODEL_ERROR_FAILED,       /* numerical failure (singular matrix, divergence…) */
  PLUM_MODEL_ERROR_NOT_FITTED,
  PLUM_MODEL_ERROR_UNSUPPORTED,  /* the component lacks an optional capability */
  PLUM_MODEL_ERROR_STATE,        /* a saved state that does not fit the component */
  PLUM_MODEL_ERROR_CANCELLED,
} PlumModelError;

G_END_DECLS

#endif /* PLUM_ERROR_H */
