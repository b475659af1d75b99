/* Compiles plum/modelfile.h on its own: a public header must include what it needs. */
#include <plum/modelfile.h>
