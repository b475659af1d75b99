# kernels plugins
