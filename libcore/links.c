/* links.c — being written. */
#include "config.h"
