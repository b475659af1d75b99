/* Compiles plum/rng.h on its own: a public header must include what it needs. */
#include <plum/rng.h>
