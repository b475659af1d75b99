/* dataset.c — being written. */
#include "config.h"
