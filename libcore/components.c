/* components.c — being written. */
#include "config.h"
