# Tests: GLib g_test programs speaking TAP through automake's tap-driver.sh. Plugins come from
# the build tree only (PLUM_PLUGIN_SYSTEM_PATH is empty), so an installed plum never interferes.
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
AM_LOG_FLAGS = --tap
AM_TESTS_ENVIRONMENT = \
	PLUM_PLUGIN_SYSTEM_PATH= ; export PLUM_PLUGIN_SYSTEM_PATH; \
	PLUM_PLUGIN_PATH='$(PLUGIN_BUILD_PATH)'; export PLUM_PLUGIN_PATH; \
	PLUM_FIXTURE_DIR='$(abs_top_builddir)/tests/fixtures'; export PLUM_FIXTURE_DIR; \
	PLUM_PROGRESS=quiet; export PLUM_PROGRESS; \
	PLUM_NUM_THREADS=1; export PLUM_NUM_THREADS; \
	G_TEST_SRCDIR='$(abs_top_srcdir)'; export G_TEST_SRCDIR; \
	G_TEST_BUILDDIR='$(abs_top_builddir)'; export G_TEST_BUILDDIR; \
	PLUM='$(abs_top_builddir)/plum'; export PLUM; \
	G_DEBUG=fatal-criticals; export G_DEBUG;

TEST_LIBS = libplum.la $(GLIB_LIBS) $(BLAS_LIBS) $(LAPACKE_LIBS) -lm

# Fixture plugins are noinst shared modules: -rpath makes libtool build them shared.
FIXTURE_LINK_FLAGS = $(PLUGIN_LINK_FLAGS) -rpath /nowhere

EXTRA_DIST += tests/data

check_PROGRAMS += tests/test-config
TESTS += tests/test-config
tests_test_config_SOURCES = tests/test-config.c
tests_test_config_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test-binder
TESTS += tests/test-binder
tests_test_binder_SOURCES = tests/test-binder.c
tests_test_binder_LDADD = $(TEST_LIBS)

# Data layer: matrices, generator, thread knob, state, progress, datasets, CSV.
check_PROGRAMS += tests/test-matrix tests/test-rng tests/test-threads tests/test-state \
	tests/test-progress tests/test-dataset tests/test-csv
TESTS += tests/test-matrix tests/test-rng tests/test-threads tests/test-state \
	tests/test-progress tests/test-dataset tests/test-csv
tests_test_matrix_SOURCES = tests/test-matrix.c
tests_test_matrix_LDADD = $(TEST_LIBS)
tests_test_rng_SOURCES = tests/test-rng.c
tests_test_rng_LDADD = $(TEST_LIBS)
tests_test_threads_SOURCES = tests/test-threads.c
tests_test_threads_LDADD = $(TEST_LIBS) $(OPENMP_CFLAGS)
tests_test_state_SOURCES = tests/test-state.c
tests_test_state_LDADD = $(TEST_LIBS)
tests_test_progress_SOURCES = tests/test-progress.c
tests_test_progress_LDADD = $(TEST_LIBS)
tests_test_dataset_SOURCES = tests/test-dataset.c
tests_test_dataset_LDADD = $(TEST_LIBS)
tests_test_csv_SOURCES = tests/test-csv.c
tests_test_csv_LDADD = $(TEST_LIBS)
