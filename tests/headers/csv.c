/* Compiles plum/csv.h on its own: a public header must include what it needs. */
#include <plum/csv.h>
