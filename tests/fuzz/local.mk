# libFuzzer targets: built only by `configure CC=clang --enable-sanitizers --enable-fuzz`, which
# also instruments libplum (-fsanitize=fuzzer-no-link). tests/fuzz/run.sh does all of it.
EXTRA_DIST += tests/fuzz/run.sh

if FUZZ
noinst_PROGRAMS += tests/fuzz/fuzz-modelfile
endif
tests_fuzz_fuzz_modelfile_SOURCES = tests/fuzz/fuzz-modelfile.c tests/modelfile-util.h
tests_fuzz_fuzz_modelfile_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_modelfile_LDADD = $(TEST_LIBS)
