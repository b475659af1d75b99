# families plugins
