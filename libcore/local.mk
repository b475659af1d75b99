# libplum: the host library.
lib_LTLIBRARIES += libplum.la

pluminclude_HEADERS += \
	libcore/plum/check.h \
	libcore/plum/config.h \
	libcore/plum/csv.h \
	libcore/plum/dataset.h \
	libcore/plum/error.h \
	libcore/plum/matrix.h \
	libcore/plum/metrics.h \
	libcore/plum/modelfile.h \
	libcore/plum/params.h \
	libcore/plum/plugin.h \
	libcore/plum/pipeline.h \
	libcore/plum/plum.h \
	libcore/plum/progress.h \
	libcore/plum/registry.h \
	libcore/plum/rng.h \
	libcore/plum/state.h \
	libcore/plum/threads.h

libplum_la_SOURCES = \
	libcore/binder.c libcore/binder.h \
	libcore/check.c \
	libcore/components.c \
	libcore/config.c \
	libcore/csv.c \
	libcore/dataset.c \
	libcore/error.c \
	libcore/gradcheck.c \
	libcore/links.c \
	libcore/matrix.c \
	libcore/metrics.c \
	libcore/modelfile.c \
	libcore/pipeline.c \
	libcore/pipeline-config.c libcore/pipeline-config.h \
	libcore/progress.c \
	libcore/registry.c \
	libcore/rng.c \
	libcore/state.c \
	libcore/threads.c \
	libcore/vecmath.c libcore/vecmath.h \
	libcore/version.c

libplum_la_CFLAGS = $(AM_CFLAGS) -DPLUM_PLUGIN_DIR='"$(pluginsdir)"'
libplum_la_LDFLAGS = -version-info $(PLUM_LT_VERSION) -no-undefined \
	-export-symbols-regex '^(plum_|_ZGV[bcde]N[0-9]+v_plum_vec_)' $(AM_LDFLAGS)
libplum_la_LIBADD = $(GLIB_LIBS) $(YAML_LIBS) $(LAPACKE_LIBS) $(BLAS_LIBS) $(LTDL_LIBS) \
	$(OPENMP_CFLAGS) $(SLEEF_LIBS) -lm

EXTRA_DIST += libcore/plum/version.h.in
