# The plum command: a thin layer over the public API.
bin_PROGRAMS += plum
plum_SOURCES = src/plum.c
plum_CFLAGS = $(AM_CFLAGS) -DPLUM_PLUGIN_DIR='"$(pluginsdir)"'
plum_LDADD = libplum.la $(GLIB_LIBS)
dist_man1_MANS += doc/plum.1
