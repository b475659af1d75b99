# models plugins

plugins_LTLIBRARIES += plugins/models/linear_regression.la
plugins_models_linear_regression_la_SOURCES = plugins/models/linear_regression.c
plugins_models_linear_regression_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
plugins_models_linear_regression_la_LDFLAGS = $(PLUGIN_LINK_FLAGS)
plugins_models_linear_regression_la_LIBADD = $(PLUGIN_LIBS)

plugins_LTLIBRARIES += plugins/models/preprocessing.la
plugins_models_preprocessing_la_SOURCES = plugins/models/preprocessing.c
plugins_models_preprocessing_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
plugins_models_preprocessing_la_LDFLAGS = $(PLUGIN_LINK_FLAGS)
plugins_models_preprocessing_la_LIBADD = $(PLUGIN_LIBS)
