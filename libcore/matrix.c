/* matrix.c — being written. */
#include "config.h"
