# kernels plugins

plugins_LTLIBRARIES += plugins/kernels/squared_exponential.la
plugins_kernels_squared_exponential_la_SOURCES = plugins/kernels/squared_exponential.c
plugins_kernels_squared_exponential_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
plugins_kernels_squared_exponential_la_LDFLAGS = $(PLUGIN_LINK_FLAGS)
plugins_kernels_squared_exponential_la_LIBADD = $(PLUGIN_LIBS)
