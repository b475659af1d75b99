/* binder.c — being written. */
#include "config.h"
