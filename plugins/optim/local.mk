# optim plugins
