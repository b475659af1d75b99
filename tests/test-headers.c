/* test-headers.c — every public header compiles on its own.
 *
 * tests/headers/NAME.c includes plum/NAME.h and nothing else; this program is linked from all of
 * them, so `make check` fails to build if any installed header is not self-contained. It also
 * checks that the umbrella header declares the version the library reports.
 */
#include "config.h"

#include <plum/plum.h>

static void
test_version(void)
{
  g_assert_cmpstr(plum_version(), ==, PLUM_VERSION_STRING);
  g_assert_cmpstr(PLUM_VERSION_STRING, ==, PACKAGE_VERSION);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/headers/version", test_version);
  return g_test_run();
}
