# Tests: GLib g_test programs speaking TAP through automake's tap-driver.sh. Plugins come from
# the build tree only (PLUM_PLUGIN_SYSTEM_PATH is empty), so an installed plum never interferes.
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
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

# Fixture plugins broken on purpose: one source, one -D option each (see fixture.c).
check_LTLIBRARIES += \
	tests/fixtures/fixture_good.la \
	tests/fixtures/fixture_abi_major.la \
	tests/fixtures/fixture_abi_minor.la \
	tests/fixtures/fixture_fingerprint.la \
	tests/fixtures/fixture_no_entry.la \
	tests/fixtures/fixture_name_mismatch.la \
	tests/fixtures/fixture_duplicate.la \
	tests/fixtures/fixture_twice.la \
	tests/fixtures/fixture_missing_slot.la \
	tests/fixtures/fixture_undefined_symbol.la \
	tests/fixtures/fixture_init_fail.la \
	tests/fixtures/fixture_bad_default.la \
	tests/fixtures/fixture_global_a.la \
	tests/fixtures/fixture_global_b.la
tests_fixtures_fixture_good_la_SOURCES = tests/fixtures/fixture.c
tests_fixtures_fixture_good_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS) -DFIXTURE_NAME=fixture_good 
tests_fixtures_fixture_good_la_LDFLAGS = $(FIXTURE_LINK_FLAGS)
tests_fixtures_fixture_good_la_LIBADD = $(PLUGIN_LIBS)
tests_fixtures_fixture_abi_major_la_SOURCES = tests/fixtures/fixture.c
tests_fixtures_fixture_abi_major_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS) -DFIXTURE_NAME=fixture_abi_major -DFIXTURE_ABI_MAJOR=99
tests_fixtures_fixture_abi_major_la_LDFLAGS = $(FIXTURE_LINK_FLAGS)
tests_fixtures_fixture_abi_major_la_LIBADD = $(PLUGIN_LIBS)
tests_fixtures_fixture_abi_minor_la_SOURCES = tests/fixtures/fixture.c
tests_fixtures_fixture_abi_minor_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS) -DFIXTURE_NAME=fixture_abi_minor -DFIXTURE_ABI_MINOR=99
tests_fixtures_fixture_abi_minor_la_LDFLAGS = $(FIXTURE_LINK_FLAGS)
tests_fixtures_fixture_abi_minor_la_LIBADD = $(PLUGIN_LIBS)
tests_fixtures_fixture_fingerprint_la_SOURCES = tests/fixtures/fixture.c
tests_fixtures_fixture_fingerprint_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS) -DFIXTURE_NAME=fixture_fingerprint -DFIXTURE_FINGERPRINT=0x01020304
tests_fixtures_fixture_fingerprint_la_LDFLAGS = $(FIXTURE_LINK_FLAGS)
tests_fixtures_fixture_fingerprint_la_LIBADD = $(PLUGIN_LIBS)
tests_fixtures_fixture_no_entry_la_SOURCES = tests/fixtures/fixture.c
tests_fixtures_fixture_no_entry_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS) -DFIXTURE_NAME=fixture_no_entry -DFIXTURE_NO_ENTRY
tests_fixtures_fixture_no_entry_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere -Wl,-z,now $(SAN_LDFLAGS)
tests_fixtures_fixture_no_entry_la_LIBADD = $(PLUGIN_LIBS)
tests_fixtures_fixture_name_mismatch_la_SOURCES = tests/fixtures/fixture.c
tests_fixtures_fixture_name_mismatch_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS) -DFIXTURE_NAME=fixture_name_mismatch -DFIXTURE_DESC_NAME='"someone_else"'
tests_fixtures_fixture_name_mismatch_la_LDFLAGS = $(FIXTURE_LINK_FLAGS)
tests_fixtures_fixture_name_mismatch_la_LIBADD = $(PLUGIN_LIBS)
tests_fixtures_fixture_duplicate_la_SOURCES = tests/fixtures/fixture.c
tests_fixtures_fixture_duplicate_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS) -DFIXTURE_NAME=fixture_duplicate -DFIXTURE_COMPONENT=fixture_good
tests_fixtures_fixture_duplicate_la_LDFLAGS = $(FIXTURE_LINK_FLAGS)
tests_fixtures_fixture_duplicate_la_LIBADD = $(PLUGIN_LIBS)
tests_fixtures_fixture_twice_la_SOURCES = tests/fixtures/fixture.c
tests_fixtures_fixture_twice_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS) -DFIXTURE_NAME=fixture_twice -DFIXTURE_TWICE
tests_fixtures_fixture_twice_la_LDFLAGS = $(FIXTURE_LINK_FLAGS)
tests_fixtures_fixture_twice_la_LIBADD = $(PLUGIN_LIBS)
tests_fixtures_fixture_missing_slot_la_SOURCES = tests/fixtures/fixture.c
tests_fixtures_fixture_missing_slot_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS) -DFIXTURE_NAME=fixture_missing_slot -DFIXTURE_MISSING_SLOT
tests_fixtures_fixture_missing_slot_la_LDFLAGS = $(FIXTURE_LINK_FLAGS)
tests_fixtures_fixture_missing_slot_la_LIBADD = $(PLUGIN_LIBS)
tests_fixtures_fixture_undefined_symbol_la_SOURCES = tests/fixtures/fixture.c
tests_fixtures_fixture_undefined_symbol_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS) -DFIXTURE_NAME=fixture_undefined_symbol -DFIXTURE_UNDEFINED_SYMBOL
tests_fixtures_fixture_undefined_symbol_la_LDFLAGS = $(FIXTURE_LINK_FLAGS)
tests_fixtures_fixture_undefined_symbol_la_LIBADD = $(PLUGIN_LIBS)
tests_fixtures_fixture_init_fail_la_SOURCES = tests/fixtures/fixture.c
tests_fixtures_fixture_init_fail_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS) -DFIXTURE_NAME=fixture_init_fail -DFIXTURE_INIT_FAIL
tests_fixtures_fixture_init_fail_la_LDFLAGS = $(FIXTURE_LINK_FLAGS)
tests_fixtures_fixture_init_fail_la_LIBADD = $(PLUGIN_LIBS)
tests_fixtures_fixture_bad_default_la_SOURCES = tests/fixtures/fixture.c
tests_fixtures_fixture_bad_default_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS) -DFIXTURE_NAME=fixture_bad_default -DFIXTURE_LEVEL_DEFAULT=20.0
tests_fixtures_fixture_bad_default_la_LDFLAGS = $(FIXTURE_LINK_FLAGS)
tests_fixtures_fixture_bad_default_la_LIBADD = $(PLUGIN_LIBS)
tests_fixtures_fixture_global_a_la_SOURCES = tests/fixtures/fixture.c
tests_fixtures_fixture_global_a_la_CFLAGS = $(AM_CFLAGS) -DFIXTURE_NAME=fixture_global_a -DFIXTURE_GLOBAL=1
tests_fixtures_fixture_global_a_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere -Wl,-z,now $(SAN_LDFLAGS)
tests_fixtures_fixture_global_a_la_LIBADD = $(PLUGIN_LIBS)
tests_fixtures_fixture_global_b_la_SOURCES = tests/fixtures/fixture.c
tests_fixtures_fixture_global_b_la_CFLAGS = $(AM_CFLAGS) -DFIXTURE_NAME=fixture_global_b -DFIXTURE_GLOBAL=2
tests_fixtures_fixture_global_b_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere -Wl,-z,now $(SAN_LDFLAGS)
tests_fixtures_fixture_global_b_la_LIBADD = $(PLUGIN_LIBS)

check_PROGRAMS += tests/test-registry
TESTS += tests/test-registry
tests_test_registry_SOURCES = tests/test-registry.c
tests_test_registry_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test-abi tests/test-headers
TESTS += tests/test-abi tests/test-headers
tests_test_abi_SOURCES = tests/test-abi.c
tests_test_abi_LDADD = $(TEST_LIBS)
# Each tests/headers/NAME.c includes one public header alone, first and only.
tests_test_headers_SOURCES = tests/test-headers.c \
	tests/headers/check.c tests/headers/config.c tests/headers/csv.c tests/headers/dataset.c tests/headers/error.c \
	tests/headers/matrix.c tests/headers/metrics.c tests/headers/modelfile.c tests/headers/params.c tests/headers/plugin.c tests/headers/plum.c \
	tests/headers/progress.c tests/headers/registry.c tests/headers/rng.c tests/headers/state.c \
	tests/headers/threads.c tests/headers/version.c
tests_test_headers_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test-config
TESTS += tests/test-config
tests_test_config_SOURCES = tests/test-config.c
tests_test_config_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test-proof-plugins
TESTS += tests/test-proof-plugins
tests_test_proof_plugins_SOURCES = tests/test-proof-plugins.c
tests_test_proof_plugins_LDADD = $(TEST_LIBS)
EXTRA_DIST += tests/reference/linear_regression.py

check_PROGRAMS += tests/test-binder
TESTS += tests/test-binder
tests_test_binder_SOURCES = tests/test-binder.c
tests_test_binder_LDADD = $(TEST_LIBS)

# The plum command end to end (a TAP shell script).
TESTS += tests/test-cli.sh
EXTRA_DIST += tests/test-cli.sh

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

check_PROGRAMS += tests/test-modelfile
TESTS += tests/test-modelfile
tests_test_modelfile_SOURCES = tests/test-modelfile.c tests/modelfile-util.h
tests_test_modelfile_LDADD = $(TEST_LIBS)
include tests/fuzz/local.mk

check_PROGRAMS += tests/test-optimizers
TESTS += tests/test-optimizers
tests_test_optimizers_SOURCES = tests/test-optimizers.c
tests_test_optimizers_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test-metrics
TESTS += tests/test-metrics
tests_test_metrics_SOURCES = tests/test-metrics.c
tests_test_metrics_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test-preprocessing
TESTS += tests/test-preprocessing
tests_test_preprocessing_SOURCES = tests/test-preprocessing.c
tests_test_preprocessing_LDADD = $(TEST_LIBS)

# The block products of glm and logistic_regression, compiled from the plugins' own source.
check_PROGRAMS += tests/test-linmodel
TESTS += tests/test-linmodel
tests_test_linmodel_SOURCES = tests/test-linmodel.c plugins/models/linmodel.c \
	plugins/models/linmodel.h
tests_test_linmodel_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/test-glm
TESTS += tests/test-glm
tests_test_glm_SOURCES = tests/test-glm.c
tests_test_glm_LDADD = $(TEST_LIBS)
EXTRA_DIST += tests/reference/logistic_regression.py tests/reference/glm.py

# Every example pipeline under config/ runs and meets the floors it states.
TESTS += tests/test-configs.sh
EXTRA_DIST += tests/test-configs.sh

# The generated parts of doc/ are current.
TESTS += tests/test-docs.sh
EXTRA_DIST += tests/test-docs.sh

check_PROGRAMS += tests/test-functions
TESTS += tests/test-functions
tests_test_functions_SOURCES = tests/test-functions.c
tests_test_functions_LDADD = $(TEST_LIBS)

# Every plugin module passes plum check-plugin.
TESTS += tests/test-check-plugins.sh
EXTRA_DIST += tests/test-check-plugins.sh

# Kernel plugins and the Gaussian process (references: tests/reference/gp.py).
check_PROGRAMS += tests/test-kernels tests/test-gp
TESTS += tests/test-kernels tests/test-gp
tests_test_kernels_SOURCES = tests/test-kernels.c
tests_test_kernels_LDADD = $(TEST_LIBS)
tests_test_gp_SOURCES = tests/test-gp.c
tests_test_gp_LDADD = $(TEST_LIBS)
EXTRA_DIST += tests/reference/gp.py

check_PROGRAMS += tests/test-neural-network
TESTS += tests/test-neural-network
tests_test_neural_network_SOURCES = tests/test-neural-network.c
tests_test_neural_network_LDADD = $(TEST_LIBS)

# bench/'s copy of the shared benchmark kit is the shared one, byte for byte.
TESTS += tests/test-bench-copy.sh
EXTRA_DIST += tests/test-bench-copy.sh

# The benchmark harness itself, on tiny data (bench/run --smoke).
TESTS += tests/test-bench-smoke.sh
EXTRA_DIST += tests/test-bench-smoke.sh

# The embedding example: the public API from an application.
check_PROGRAMS += examples/embed/embed
examples_embed_embed_SOURCES = examples/embed/embed.c
examples_embed_embed_LDADD = $(TEST_LIBS)
TESTS += tests/test-embed.sh
EXTRA_DIST += tests/test-embed.sh

# A plugin built against the frozen ABI 1.0 headers (never edited when PLUM_ABI_MINOR grows)
# still loads, passes check-plugin and trains in this host.
check_LTLIBRARIES += tests/fixtures/abi10.la
tests_fixtures_abi10_la_SOURCES = tests/fixtures/abi10.c
tests_fixtures_abi10_la_CPPFLAGS = -I$(srcdir)/tests/abi-1.0 $(AM_CPPFLAGS)
tests_fixtures_abi10_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
tests_fixtures_abi10_la_LDFLAGS = $(FIXTURE_LINK_FLAGS)
tests_fixtures_abi10_la_LIBADD = $(PLUGIN_LIBS)
check_PROGRAMS += tests/test-abi10
TESTS += tests/test-abi10
tests_test_abi10_SOURCES = tests/test-abi10.c
tests_test_abi10_LDADD = $(TEST_LIBS)
EXTRA_DIST += \
	tests/abi-1.0/plum/check.h tests/abi-1.0/plum/config.h tests/abi-1.0/plum/csv.h \
	tests/abi-1.0/plum/dataset.h tests/abi-1.0/plum/error.h tests/abi-1.0/plum/matrix.h \
	tests/abi-1.0/plum/metrics.h tests/abi-1.0/plum/modelfile.h tests/abi-1.0/plum/params.h \
	tests/abi-1.0/plum/pipeline.h tests/abi-1.0/plum/plugin.h tests/abi-1.0/plum/plum.h \
	tests/abi-1.0/plum/progress.h tests/abi-1.0/plum/registry.h tests/abi-1.0/plum/rng.h \
	tests/abi-1.0/plum/state.h tests/abi-1.0/plum/threads.h

check_PROGRAMS += tests/test-svm
TESTS += tests/test-svm
tests_test_svm_SOURCES = tests/test-svm.c
tests_test_svm_LDADD = $(TEST_LIBS)
EXTRA_DIST += tests/reference/svm.py

check_PROGRAMS += tests/test-clustering
TESTS += tests/test-clustering
tests_test_clustering_SOURCES = tests/test-clustering.c
tests_test_clustering_LDADD = $(TEST_LIBS)
EXTRA_DIST += tests/reference/clustering.py

check_PROGRAMS += tests/test-pca-nb-knn
TESTS += tests/test-pca-nb-knn
tests_test_pca_nb_knn_SOURCES = tests/test-pca-nb-knn.c
tests_test_pca_nb_knn_LDADD = $(TEST_LIBS)
EXTRA_DIST += tests/reference/pca_nb_knn.py

# Every C snippet of doc/plugin-guide.md compiles; the whole plugins pass check-plugin.
TESTS += tests/test-guide-snippets.sh
EXTRA_DIST += tests/test-guide-snippets.sh
EXTRA_DIST += tests/plugin-util.h
