/* Compiles plum/params.h on its own: a public header must include what it needs. */
#include <plum/params.h>
