# optim plugins

plugins_LTLIBRARIES += plugins/optim/gd.la
plugins_optim_gd_la_SOURCES = plugins/optim/gd.c plugins/optim/objective.c plugins/optim/objective.h
plugins_optim_gd_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
plugins_optim_gd_la_LDFLAGS = $(PLUGIN_LINK_FLAGS)
plugins_optim_gd_la_LIBADD = $(PLUGIN_LIBS)

# Minibatch optimizers share the epoch loop (minibatch.c); full-batch ones the strong-Wolfe line
# search (linesearch.c). Each module compiles its own copy: plugins link nothing but libplum.
OPTIM_MINIBATCH_SOURCES = plugins/optim/minibatch.c plugins/optim/minibatch.h \
	plugins/optim/objective.c plugins/optim/objective.h
OPTIM_LINESEARCH_SOURCES = plugins/optim/linesearch.c plugins/optim/linesearch.h \
	plugins/optim/objective.c plugins/optim/objective.h

plugins_LTLIBRARIES += plugins/optim/sgd.la
plugins_optim_sgd_la_SOURCES = plugins/optim/sgd.c $(OPTIM_MINIBATCH_SOURCES)
plugins_optim_sgd_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
plugins_optim_sgd_la_LDFLAGS = $(PLUGIN_LINK_FLAGS)
plugins_optim_sgd_la_LIBADD = $(PLUGIN_LIBS)

plugins_LTLIBRARIES += plugins/optim/adaptive.la
plugins_optim_adaptive_la_SOURCES = plugins/optim/adaptive.c $(OPTIM_MINIBATCH_SOURCES)
plugins_optim_adaptive_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
plugins_optim_adaptive_la_LDFLAGS = $(PLUGIN_LINK_FLAGS)
plugins_optim_adaptive_la_LIBADD = $(PLUGIN_LIBS)

plugins_LTLIBRARIES += plugins/optim/lbfgs.la
plugins_optim_lbfgs_la_SOURCES = plugins/optim/lbfgs.c $(OPTIM_LINESEARCH_SOURCES)
plugins_optim_lbfgs_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
plugins_optim_lbfgs_la_LDFLAGS = $(PLUGIN_LINK_FLAGS)
plugins_optim_lbfgs_la_LIBADD = $(PLUGIN_LIBS)

plugins_LTLIBRARIES += plugins/optim/cg.la
plugins_optim_cg_la_SOURCES = plugins/optim/cg.c $(OPTIM_LINESEARCH_SOURCES)
plugins_optim_cg_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
plugins_optim_cg_la_LDFLAGS = $(PLUGIN_LINK_FLAGS)
plugins_optim_cg_la_LIBADD = $(PLUGIN_LIBS)
