/* Compiles plum/error.h on its own: a public header must include what it needs. */
#include <plum/error.h>
