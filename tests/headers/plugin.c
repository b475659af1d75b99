/* Compiles plum/plugin.h on its own: a public header must include what it needs. */
#include <plum/plugin.h>
