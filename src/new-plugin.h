/* new-plugin.h — `plum new-plugin`: writes a starter project for a third-party plugin. */
#ifndef PLUM_CLI_NEW_PLUGIN_H
#define PLUM_CLI_NEW_PLUGIN_H

/* Runs the subcommand; argv[0] is "new-plugin". Returns the exit status documented in plum(1):
 * 0 written, 1 the project could not be written, 2 a usage error (bad kind, bad or taken name,
 * a directory that is not empty). */
int plum_cli_new_plugin(int argc, char **argv);

#endif /* PLUM_CLI_NEW_PLUGIN_H */
