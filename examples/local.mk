# examples/: plugins that exist only here, written as a third party would write them and built
# only against the installed SDK (pkg-config plum), never by plum's own build. tests/sdk-check.sh
# builds them, with a project of every kind from `plum new-plugin`: against the build tree in
# make check, against the installed plum in make installcheck (and so in make distcheck).
EXTRA_DIST += \
	examples/README.md \
	examples/ridge_classifier/Makefile \
	examples/ridge_classifier/ridge_classifier.c \
	examples/ridge_classifier/ridge_classifier.yaml \
	examples/nadam/Makefile \
	examples/nadam/nadam.c \
	examples/nadam/nadam.yaml

# The plugin author's guide is installed with the SDK it describes.
doc_DATA = doc/plugin-guide.md

installcheck-sdk:
	PLUM='$(DESTDIR)$(bindir)/plum' PKG_CONFIG='$(PKG_CONFIG)' \
	  PKG_CONFIG_PATH='$(DESTDIR)$(pkgconfigdir)' \
	  $(SHELL) $(srcdir)/tests/sdk-check.sh '$(DESTDIR)$(prefix)'
.PHONY: installcheck-sdk

# The same checks in make check, against the build tree: pkg-config reads an uninstalled
# plum.pc that points into it (also used by tests/test-guide-snippets.sh).
check_DATA = tests/uninstalled/plum.pc
CLEANFILES += tests/uninstalled/plum.pc
tests/uninstalled/plum.pc: Makefile
	$(AM_V_GEN)$(MKDIR_P) tests/uninstalled && { \
	  echo 'Name: plum'; \
	  echo 'Description: plum from its build tree, for the tests'; \
	  echo 'Version: $(VERSION)'; \
	  echo 'Requires: glib-2.0'; \
	  echo 'Cflags: -I$(abs_top_srcdir)/libcore -I$(abs_top_builddir)/libcore'; \
	  echo 'Libs: -L$(abs_top_builddir)/.libs -lplum'; } >$@
TESTS += tests/sdk-check.sh
EXTRA_DIST += tests/sdk-check.sh tests/sdk-tap.sh
