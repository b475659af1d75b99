# models plugins
