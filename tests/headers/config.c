/* Compiles plum/config.h on its own: a public header must include what it needs. */
#include <plum/config.h>
