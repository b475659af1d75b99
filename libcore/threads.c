/* threads.c — being written. */
#include "config.h"
