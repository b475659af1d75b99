# The plum command: a thin layer over the public API.
bin_PROGRAMS += plum
plum_SOURCES = src/plum.c src/new-plugin.c src/new-plugin.h
nodist_plum_SOURCES = src/new-plugin-templates.h
plum_CFLAGS = $(AM_CFLAGS) -DPLUM_PLUGIN_DIR='"$(pluginsdir)"'
plum_LDADD = libplum.la $(GLIB_LIBS)
dist_man1_MANS += doc/plum.1

# `plum new-plugin` carries its templates compiled in (see src/new-plugin.c for why).
NEW_PLUGIN_TEMPLATES = \
	src/templates/README.md.in src/templates/plugin.mk.in \
	src/templates/model.c.in src/templates/model.yaml.in \
	src/templates/optimizer.c.in src/templates/optimizer.yaml.in \
	src/templates/kernel.c.in src/templates/kernel.yaml.in \
	src/templates/activation.c.in src/templates/activation.yaml.in \
	src/templates/cost.c.in src/templates/cost.yaml.in \
	src/templates/family.c.in src/templates/family.yaml.in \
	src/templates/classes.csv src/templates/counts.csv src/templates/regression.csv
EXTRA_DIST += $(NEW_PLUGIN_TEMPLATES) src/embed-templates.awk
BUILT_SOURCES += src/new-plugin-templates.h
CLEANFILES += src/new-plugin-templates.h
src/new-plugin-templates.h: $(NEW_PLUGIN_TEMPLATES) src/embed-templates.awk
	$(AM_V_GEN)$(MKDIR_P) src && \
	  $(AWK) -f $(srcdir)/src/embed-templates.awk $(addprefix $(srcdir)/,$(NEW_PLUGIN_TEMPLATES)) >$@.tmp && \
	  mv $@.tmp $@

# Regenerate doc/pipeline.md's reference and doc/plugins.md from the schemas (needs the
# uninstalled plugins, hence the same search path as the tests).
update-docs: plum $(plugins_LTLIBRARIES)
	PLUM_PLUGIN_SYSTEM_PATH= PLUM_PLUGIN_PATH='$(PLUGIN_BUILD_PATH)' \
	  $(SHELL) $(top_srcdir)/doc/update-docs.sh $(abs_top_builddir)/plum $(top_srcdir)
.PHONY: update-docs
EXTRA_DIST += doc/update-docs.sh

# The installed plum finds its installed plugins with no environment help, and plum.pc
# tells plugin authors where they go.
installcheck-local: installcheck-sdk
	env -u PLUM_PLUGIN_PATH -u PLUM_PLUGIN_SYSTEM_PATH $(DESTDIR)$(bindir)/plum plugins \
	  | grep -q linear_regression
	env -u PLUM_PLUGIN_PATH -u PLUM_PLUGIN_SYSTEM_PATH $(DESTDIR)$(bindir)/plum plugins --all \
	  | grep -A1 'Refused modules' | grep -q '(none)'
	test "`PKG_CONFIG_PATH=$(DESTDIR)$(pkgconfigdir) $(PKG_CONFIG) --variable=pluginsdir plum`" = '$(pluginsdir)'
