# kernels plugins

plugins_LTLIBRARIES += plugins/kernels/squared_exponential.la
plugins_kernels_squared_exponential_la_SOURCES = plugins/kernels/squared_exponential.c
plugins_kernels_squared_exponential_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
plugins_kernels_squared_exponential_la_LDFLAGS = $(PLUGIN_LINK_FLAGS)
plugins_kernels_squared_exponential_la_LIBADD = $(PLUGIN_LIBS)

# Kernels that are a function of ‖x − y‖² or xᵀy share the Gram-matrix drivers of pairwise.c;
# each module compiles its own copy (plugins link nothing but libplum).
KERNEL_PAIRWISE_SOURCES = plugins/kernels/pairwise.c plugins/kernels/pairwise.h
plugins_kernels_squared_exponential_la_SOURCES += $(KERNEL_PAIRWISE_SOURCES)

plugins_LTLIBRARIES += plugins/kernels/stationary.la
plugins_kernels_stationary_la_SOURCES = plugins/kernels/stationary.c $(KERNEL_PAIRWISE_SOURCES)
plugins_kernels_stationary_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
plugins_kernels_stationary_la_LDFLAGS = $(PLUGIN_LINK_FLAGS)
plugins_kernels_stationary_la_LIBADD = $(PLUGIN_LIBS)

plugins_LTLIBRARIES += plugins/kernels/dot_product.la
plugins_kernels_dot_product_la_SOURCES = plugins/kernels/dot_product.c $(KERNEL_PAIRWISE_SOURCES)
plugins_kernels_dot_product_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
plugins_kernels_dot_product_la_LDFLAGS = $(PLUGIN_LINK_FLAGS)
plugins_kernels_dot_product_la_LIBADD = $(PLUGIN_LIBS)

plugins_LTLIBRARIES += plugins/kernels/constant.la
plugins_kernels_constant_la_SOURCES = plugins/kernels/constant.c plugins/kernels/pairwise.h
plugins_kernels_constant_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
plugins_kernels_constant_la_LDFLAGS = $(PLUGIN_LINK_FLAGS)
plugins_kernels_constant_la_LIBADD = $(PLUGIN_LIBS)

plugins_LTLIBRARIES += plugins/kernels/composite.la
plugins_kernels_composite_la_SOURCES = plugins/kernels/composite.c plugins/kernels/pairwise.h
plugins_kernels_composite_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
plugins_kernels_composite_la_LDFLAGS = $(PLUGIN_LINK_FLAGS)
plugins_kernels_composite_la_LIBADD = $(PLUGIN_LIBS)
