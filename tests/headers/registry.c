/* Compiles plum/registry.h on its own: a public header must include what it needs. */
#include <plum/registry.h>
