/* Compiles plum/dataset.h on its own: a public header must include what it needs. */
#include <plum/dataset.h>
