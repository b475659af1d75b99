/* version.c — the version of the loaded library, for programs built against other headers. */
#include "config.h"

#include <plum/version.h>

const char *
plum_version(void)
{
  return PLUM_VERSION_STRING;
}
