# families plugins

plugins_LTLIBRARIES += plugins/families/normal.la
plugins_families_normal_la_SOURCES = plugins/families/normal.c
plugins_families_normal_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
plugins_families_normal_la_LDFLAGS = $(PLUGIN_LINK_FLAGS)
plugins_families_normal_la_LIBADD = $(PLUGIN_LIBS)

plugins_LTLIBRARIES += plugins/families/families.la
plugins_families_families_la_SOURCES = plugins/families/families.c
plugins_families_families_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
plugins_families_families_la_LDFLAGS = $(PLUGIN_LINK_FLAGS)
plugins_families_families_la_LIBADD = $(PLUGIN_LIBS)
