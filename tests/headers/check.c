/* Compiles plum/check.h on its own. */
#include <plum/check.h>
