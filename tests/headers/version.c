/* Compiles plum/version.h on its own: a public header must include what it needs. */
#include <plum/version.h>
