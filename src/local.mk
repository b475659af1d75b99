# The plum command: a thin layer over the public API.
bin_PROGRAMS += plum
plum_SOURCES = src/plum.c
plum_CFLAGS = $(AM_CFLAGS) -DPLUM_PLUGIN_DIR='"$(pluginsdir)"'
plum_LDADD = libplum.la $(GLIB_LIBS)
dist_man1_MANS += doc/plum.1

# Regenerate doc/pipeline.md's reference and doc/plugins.md from the schemas (needs the
# uninstalled plugins, hence the same search path as the tests).
update-docs: plum $(plugins_LTLIBRARIES)
	PLUM_PLUGIN_SYSTEM_PATH= PLUM_PLUGIN_PATH='$(PLUGIN_BUILD_PATH)' \
	  $(SHELL) $(top_srcdir)/doc/update-docs.sh $(abs_top_builddir)/plum $(top_srcdir)
.PHONY: update-docs
EXTRA_DIST += doc/update-docs.sh

# The installed plum finds its installed plugins with no environment help, and plum.pc
# tells plugin authors where they go.
installcheck-local:
	env -u PLUM_PLUGIN_PATH -u PLUM_PLUGIN_SYSTEM_PATH $(DESTDIR)$(bindir)/plum plugins \
	  | grep -q linear_regression
	env -u PLUM_PLUGIN_PATH -u PLUM_PLUGIN_SYSTEM_PATH $(DESTDIR)$(bindir)/plum plugins --all \
	  | grep -A1 'Refused modules' | grep -q '(none)'
	test "`PKG_CONFIG_PATH=$(DESTDIR)$(pkgconfigdir) $(PKG_CONFIG) --variable=pluginsdir plum`" = '$(pluginsdir)'
