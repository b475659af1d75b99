/* Compiles plum/plum.h on its own: a public header must include what it needs. */
#include <plum/plum.h>
