# Benchmarks: built with `make`, never installed, run by hand (see bench/csv-parse.sh).
noinst_PROGRAMS += bench/csv-parse
bench_csv_parse_SOURCES = bench/csv-parse.c
bench_csv_parse_LDADD = libplum.la $(GLIB_LIBS)
EXTRA_DIST += bench/csv-parse.sh
