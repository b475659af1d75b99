/* rng.c — being written. */
#include "config.h"
