# functions plugins
