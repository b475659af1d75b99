/* Compiles plum/threads.h on its own: a public header must include what it needs. */
#include <plum/threads.h>
