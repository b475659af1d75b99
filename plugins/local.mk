# Plugins: the built-in algorithms are plugins like any other. One local.mk per kind.
include plugins/models/local.mk
include plugins/optim/local.mk
include plugins/kernels/local.mk
include plugins/functions/local.mk
include plugins/families/local.mk
