# models plugins

plugins_LTLIBRARIES += plugins/models/linear_regression.la
plugins_models_linear_regression_la_SOURCES = plugins/models/linear_regression.c
plugins_models_linear_regression_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
plugins_models_linear_regression_la_LDFLAGS = $(PLUGIN_LINK_FLAGS)
plugins_models_linear_regression_la_LIBADD = $(PLUGIN_LIBS)

plugins_LTLIBRARIES += plugins/models/preprocessing.la
plugins_models_preprocessing_la_SOURCES = plugins/models/preprocessing.c
plugins_models_preprocessing_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
plugins_models_preprocessing_la_LDFLAGS = $(PLUGIN_LINK_FLAGS)
plugins_models_preprocessing_la_LIBADD = $(PLUGIN_LIBS)

# glm and logistic_regression share their fit-data checks and minibatch gathering; each module
# compiles its own copy, as plugins link nothing but libplum.
LINMODEL_SOURCES = plugins/models/linmodel.c plugins/models/linmodel.h

plugins_LTLIBRARIES += plugins/models/glm.la
plugins_models_glm_la_SOURCES = plugins/models/glm.c $(LINMODEL_SOURCES)
plugins_models_glm_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
plugins_models_glm_la_LDFLAGS = $(PLUGIN_LINK_FLAGS)
plugins_models_glm_la_LIBADD = $(PLUGIN_LIBS)

plugins_LTLIBRARIES += plugins/models/logistic_regression.la
plugins_models_logistic_regression_la_SOURCES = plugins/models/logistic_regression.c \
	$(LINMODEL_SOURCES)
plugins_models_logistic_regression_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
plugins_models_logistic_regression_la_LDFLAGS = $(PLUGIN_LINK_FLAGS)
plugins_models_logistic_regression_la_LIBADD = $(PLUGIN_LIBS)

plugins_LTLIBRARIES += plugins/models/gaussian_process.la
plugins_models_gaussian_process_la_SOURCES = plugins/models/gaussian_process.c
plugins_models_gaussian_process_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
plugins_models_gaussian_process_la_LDFLAGS = $(PLUGIN_LINK_FLAGS)
plugins_models_gaussian_process_la_LIBADD = $(PLUGIN_LIBS)

plugins_LTLIBRARIES += plugins/models/neural_network.la
plugins_models_neural_network_la_SOURCES = plugins/models/neural_network.c
plugins_models_neural_network_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
plugins_models_neural_network_la_LDFLAGS = $(PLUGIN_LINK_FLAGS)
plugins_models_neural_network_la_LIBADD = $(PLUGIN_LIBS)

plugins_LTLIBRARIES += plugins/models/pca.la
plugins_models_pca_la_SOURCES = plugins/models/pca.c
plugins_models_pca_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
plugins_models_pca_la_LDFLAGS = $(PLUGIN_LINK_FLAGS)
plugins_models_pca_la_LIBADD = $(PLUGIN_LIBS)

# svc and svr share libsvm's SMO (svm_solver.c), Platt scaling (svm_platt.c) and the fit-data
# checks of the linear models.
plugins_LTLIBRARIES += plugins/models/svm.la
plugins_models_svm_la_SOURCES = plugins/models/svm.c plugins/models/svm_solver.c \
	plugins/models/svm_solver.h plugins/models/svm_platt.c plugins/models/svm_platt.h \
	$(LINMODEL_SOURCES)
plugins_models_svm_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
plugins_models_svm_la_LDFLAGS = $(PLUGIN_LINK_FLAGS)
plugins_models_svm_la_LIBADD = $(PLUGIN_LIBS)

plugins_LTLIBRARIES += plugins/models/naive_bayes.la
plugins_models_naive_bayes_la_SOURCES = plugins/models/naive_bayes.c
plugins_models_naive_bayes_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
plugins_models_naive_bayes_la_LDFLAGS = $(PLUGIN_LINK_FLAGS)
plugins_models_naive_bayes_la_LIBADD = $(PLUGIN_LIBS)

plugins_LTLIBRARIES += plugins/models/knn.la
plugins_models_knn_la_SOURCES = plugins/models/knn.c
plugins_models_knn_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
plugins_models_knn_la_LDFLAGS = $(PLUGIN_LINK_FLAGS)
plugins_models_knn_la_LIBADD = $(PLUGIN_LIBS)

# The clustering models share their input checks (clustering.c); kmeans and gaussian_mixture also
# share the k-means engine (kmeans_core.c). Each module compiles its own copy.
CLUSTERING_SOURCES = plugins/models/clustering.c plugins/models/clustering.h
KMEANS_CORE_SOURCES = plugins/models/kmeans_core.c plugins/models/kmeans_core.h

plugins_LTLIBRARIES += plugins/models/kmeans.la
plugins_models_kmeans_la_SOURCES = plugins/models/kmeans.c $(KMEANS_CORE_SOURCES) \
	$(CLUSTERING_SOURCES)
plugins_models_kmeans_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
plugins_models_kmeans_la_LDFLAGS = $(PLUGIN_LINK_FLAGS)
plugins_models_kmeans_la_LIBADD = $(PLUGIN_LIBS)

plugins_LTLIBRARIES += plugins/models/gaussian_mixture.la
plugins_models_gaussian_mixture_la_SOURCES = plugins/models/gaussian_mixture.c \
	$(KMEANS_CORE_SOURCES) $(CLUSTERING_SOURCES)
plugins_models_gaussian_mixture_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
plugins_models_gaussian_mixture_la_LDFLAGS = $(PLUGIN_LINK_FLAGS)
plugins_models_gaussian_mixture_la_LIBADD = $(PLUGIN_LIBS)

plugins_LTLIBRARIES += plugins/models/dbscan.la
plugins_models_dbscan_la_SOURCES = plugins/models/dbscan.c $(CLUSTERING_SOURCES)
plugins_models_dbscan_la_CFLAGS = $(PLUGIN_COMPILE_FLAGS)
plugins_models_dbscan_la_LDFLAGS = $(PLUGIN_LINK_FLAGS)
plugins_models_dbscan_la_LIBADD = $(PLUGIN_LIBS)
