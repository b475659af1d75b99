/* Compiles plum/progress.h on its own: a public header must include what it needs. */
#include <plum/progress.h>
