/* state.c — being written. */
#include "config.h"
