# functions plugins

plugins_LTLIBRARIES += plugins/functions/sigmoid.la
plugins_functions_sigmoid_la_SOURCES = plugins/functions/sigmoid.c
plugins_functions_sigmoid_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
plugins_functions_sigmoid_la_LDFLAGS = $(PLUGIN_LINK_FLAGS)
plugins_functions_sigmoid_la_LIBADD = $(PLUGIN_LIBS)

plugins_LTLIBRARIES += plugins/functions/mse.la
plugins_functions_mse_la_SOURCES = plugins/functions/mse.c
plugins_functions_mse_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
plugins_functions_mse_la_LDFLAGS = $(PLUGIN_LINK_FLAGS)
plugins_functions_mse_la_LIBADD = $(PLUGIN_LIBS)

plugins_LTLIBRARIES += plugins/functions/activations.la
plugins_functions_activations_la_SOURCES = plugins/functions/activations.c
plugins_functions_activations_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
plugins_functions_activations_la_LDFLAGS = $(PLUGIN_LINK_FLAGS)
plugins_functions_activations_la_LIBADD = $(PLUGIN_LIBS)

plugins_LTLIBRARIES += plugins/functions/costs.la
plugins_functions_costs_la_SOURCES = plugins/functions/costs.c
plugins_functions_costs_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
plugins_functions_costs_la_LDFLAGS = $(PLUGIN_LINK_FLAGS)
plugins_functions_costs_la_LIBADD = $(PLUGIN_LIBS)
