/* Compiles plum/matrix.h on its own: a public header must include what it needs. */
#include <plum/matrix.h>
