/* Compiles plum/state.h on its own: a public header must include what it needs. */
#include <plum/state.h>
