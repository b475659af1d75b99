/* error.c — the error domains of libplum (see plum/error.h). */
#include "config.h"

#include <plum/error.h>

G_DEFINE_QUARK(plum-plugin-error-quark, plum_plugin_error)
G_DEFINE_QUARK(plum-config-error-quark, plum_config_error)
G_DEFINE_QUARK(plum-data-error-quark, plum_data_error)
G_DEFINE_QUARK(plum-model-error-quark, plum_model_error)
