# Benchmarks: built with `make`, never installed, run by hand (see bench/csv-parse.sh).
noinst_PROGRAMS += bench/csv-parse
bench_csv_parse_SOURCES = bench/csv-parse.c
bench_csv_parse_LDADD = libplum.la $(GLIB_LIBS)
EXTRA_DIST += bench/csv-parse.sh

# The side-by-side benchmark (bench/run, bench/RESULTS.md). probe reports what the plum command
# does not print: the BLAS plum runs on and the cost of model files.
noinst_PROGRAMS += bench/probe
bench_probe_SOURCES = bench/probe.c
bench_probe_LDADD = libplum.la $(GLIB_LIBS)
EXTRA_DIST += bench/run bench/render.py bench/workloads.py bench/setup bench/README.md \
	bench/RESULTS.md bench/configs \
	bench/gen_data.py bench/expected_sha256.txt bench/real_data.py bench/summarize.py \
	bench/peers

# `make bench`: the whole comparison with its defaults, rewriting bench/RESULTS.md in the source
# tree (long: about 25 minutes on 2 cores, most of it the learned GP). BENCH_ARGS passes options
# to bench/run, e.g. BENCH_ARGS="logreg --repeat 5".
BENCH_ARGS =
bench: plum bench/probe bench/csv-parse $(plugins_LTLIBRARIES)
	PLUM_PLUGIN_SYSTEM_PATH= PLUM_PLUGIN_PATH='$(PLUGIN_BUILD_PATH)' \
	  $(top_srcdir)/bench/run --build $(abs_top_builddir) \
	  --results $(abs_top_srcdir)/bench/RESULTS.md $(BENCH_ARGS)
.PHONY: bench
