# The plum command: a thin layer over the public API.
bin_PROGRAMS += plum
plum_SOURCES = src/plum.c
plum_LDADD = libplum.la $(GLIB_LIBS)
