/* Compiles plum/metrics.h on its own: a public header must include what it needs. */
#include <plum/metrics.h>
