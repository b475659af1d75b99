/* plum/plum.h — everything an application embedding plum needs.
 *
 * Plugin authors include plum/plugin.h instead (it is included here too).
 */
#ifndef PLUM_PLUM_H
#define PLUM_PLUM_H

#include <plum/config.h>
#include <plum/csv.h>
#include <plum/dataset.h>
#include <plum/error.h>
#include <plum/matrix.h>
#include <plum/metrics.h>
#include <plum/modelfile.h>
#include <plum/params.h>
#include <plum/plugin.h>
#include <plum/progress.h>
#include <plum/registry.h>
#include <plum/rng.h>
#include <plum/state.h>
#include <plum/threads.h>
#include <plum/version.h>

#endif /* PLUM_PLUM_H */
