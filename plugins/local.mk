# Plugins: the built-in algorithms are plugins like any other. One local.mk per kind.
# Private to the built-in plugins (vectorised exp and log), shipped in the tarball.
noinst_HEADERS = plugins/vecmath.h

include plugins/models/local.mk
include plugins/optim/local.mk
include plugins/kernels/local.mk
include plugins/functions/local.mk
include plugins/families/local.mk
