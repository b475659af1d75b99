/* test-clustering.c — the kmeans, gaussian_mixture and dbscan plugins, driven through the ABI.
 *
 * The plugins are found through PLUM_PLUGIN_PATH and bound from YAML like any other. Results are
 * checked against scikit-learn 1.2 on the data tests/reference/clustering.py generates into
 * tests/data/ (clusters.csv, dbscan.csv): k-means labels, centres, inertia and iteration counts
 * from the same initial centres, with Lloyd and with Elkan; Gaussian mixture log-likelihoods,
 * bounds, BIC/AIC, labels and responsibilities from the same initial parameters, for every
 * covariance type; DBSCAN labels, numbering included. DBSCAN's k-d tree is also checked against
 * the definition on larger random data. Random inits are checked for what they promise
 * (determinism per seed, restarts never worse), and every bad input for a clear error.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <plum/plum.h>

#include "plugin-util.h"

/* Reference values ----------------------------------------------------------------------------- */

/* Printed by tests/reference/clustering.py, which also wrote tests/data/clusters.csv and
 * tests/data/dbscan.csv. */
/* scikit-learn 1.2.1, tests/reference/clustering.py */
/* km_first: n_iter 7 */
static const int km_first_labels[] = {
    0, 1, 3, 3, 1, 1, 2, 0, 2, 3, 1, 2, 1, 3, 2, 2, 1, 2, 1, 1, 3, 2, 0, 0, 1, 2, 3, 1, 3, 2,
    0, 2, 3, 3, 3, 0, 2, 1, 1, 0, 2, 1, 1, 0, 2, 3, 3, 3, 1, 0, 0, 0, 0, 1, 0, 1, 2, 0, 0, 3,
    1, 1, 0, 0, 0, 2, 2, 3, 2, 3, 0, 0, 1, 3, 2, 1, 2, 2, 0, 2, 1, 0, 0, 3, 2, 3, 2, 0, 2, 1,
    0, 0, 3, 0, 3, 0, 0, 3, 1, 1, 3, 2, 0, 0, 1, 2, 1, 2, 0, 0, 2, 2, 2, 3, 3, 2, 0, 2, 2, 1,
    2, 2, 2, 3, 2, 3, 0, 2, 2, 0, 3, 2, 1, 3, 2, 1, 0, 0, 1, 2, 3, 3, 3, 1, 0, 0, 2, 0, 3, 1,
    3, 3, 0, 3, 0, 0, 2, 3, 3, 0, 0, 2, 2, 2, 2, 2, 0, 2, 2, 0, 0, 0, 0, 0, 3, 0, 1, 2, 3, 1,
    1, 0, 1, 1, 1, 2, 2, 2, 3, 2, 0, 0, 3, 2, 2, 3, 2, 0, 3, 2, 0, 1, 0, 2, 2, 0, 2, 0, 2, 0,
    1, 1, 2, 3, 0, 2, 2, 0, 2, 2, 2, 3, 3, 0, 3, 2, 2, 1, 1, 1, 0, 0, 3, 0, 2, 0, 2, 2, 2, 2,
    0, 1, 1, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1, 3, 3, 1, 1, 1, 1, 0, 0, 2, 3, 3, 2, 0, 0, 0,
    2, 2, 2, 2, 1, 2, 0, 2, 2, 3, 0, 1, 2, 3, 1, 0, 3, 1, 2, 0, 3, 3, 2, 2, 2, 2, 0, 3, 2, 3};
static const double km_first_inertia[] = {1435.3229456572317};
static const int km_first_n_iter[] = {7};
static const double km_first_centers[] = {
    -1.5175789353979683,  0.26669575843585236, -0.95042015525301426, 1.1376037731077639,
    3.6708420422171879,   1.9328156052143124,  3.0820567522615696,   -3.5139823460828739,
    -0.19553675569923412, -1.0658327417485078, -0.58624824913329432, 3.3500270654894333};
/* km_short: n_iter 3 */
static const int km_short_labels[] = {
    0, 1, 3, 3, 3, 1, 2, 0, 2, 3, 1, 2, 1, 1, 2, 2, 1, 2, 1, 1, 3, 2, 0, 0, 1, 2, 3, 1, 1, 2,
    0, 2, 3, 3, 3, 0, 2, 1, 1, 0, 2, 1, 1, 0, 2, 3, 3, 3, 1, 0, 0, 0, 0, 1, 0, 1, 2, 0, 0, 3,
    1, 1, 0, 3, 0, 2, 3, 0, 2, 3, 0, 3, 1, 3, 2, 1, 2, 2, 0, 2, 3, 0, 0, 3, 2, 3, 2, 0, 2, 1,
    0, 0, 3, 0, 3, 0, 0, 3, 1, 1, 3, 2, 0, 0, 1, 2, 1, 2, 0, 0, 2, 2, 2, 3, 3, 2, 0, 2, 2, 1,
    2, 2, 2, 3, 2, 3, 0, 2, 2, 0, 3, 2, 1, 3, 2, 1, 0, 0, 1, 2, 3, 3, 3, 1, 0, 0, 2, 0, 3, 1,
    3, 3, 0, 3, 0, 0, 2, 3, 3, 0, 0, 2, 2, 2, 2, 2, 0, 2, 2, 0, 0, 0, 0, 0, 3, 0, 1, 2, 3, 1,
    1, 0, 1, 1, 1, 2, 2, 2, 3, 2, 0, 0, 3, 2, 2, 3, 2, 0, 3, 2, 0, 1, 0, 2, 2, 0, 2, 0, 2, 0,
    1, 1, 2, 3, 0, 2, 2, 0, 2, 2, 2, 3, 3, 0, 3, 2, 2, 1, 1, 1, 0, 0, 3, 0, 2, 0, 2, 2, 2, 2,
    3, 1, 1, 0, 0, 0, 0, 3, 0, 2, 0, 0, 0, 0, 1, 3, 3, 1, 1, 1, 1, 0, 0, 2, 3, 3, 2, 0, 0, 0,
    2, 2, 2, 2, 1, 2, 0, 2, 2, 3, 0, 1, 2, 3, 1, 0, 3, 1, 2, 0, 3, 3, 2, 2, 2, 2, 0, 3, 2, 3};
static const double km_short_inertia[] = {1564.2893415542435};
static const int km_short_n_iter[] = {3};
static const double km_short_centers[] = {
    -1.8368741535160868,   0.10997280801719378,   -0.66929664434104841,  0.67635369641108201,
    3.7589579259542485,    2.3483521660721114,    2.9329847961984008,    -3.5226228057132887,
    -0.040292744396814517, -0.068648848206719792, -0.064801428554215279, 2.5151700952789025};
static const double km_empty_init[] = {-1.0026851036225102,
                                       -0.31890326713293782,
                                       0.85604207013496181,
                                       2.5058397036506306,
                                       5.5759714544804027,
                                       4.9690706904133979,
                                       -0.74065103340471272,
                                       -2.5489921582428887,
                                       2.9193629057571666,
                                       40,
                                       40,
                                       40};
/* km_empty: n_iter 10 */
static const int km_empty_labels[] = {
    0, 1, 2, 2, 1, 1, 3, 0, 3, 2, 1, 3, 1, 2, 3, 3, 1, 3, 1, 1, 2, 3, 0, 0, 1, 3, 2, 1, 2, 3,
    0, 3, 2, 2, 2, 0, 3, 1, 1, 0, 3, 1, 1, 0, 3, 2, 2, 2, 1, 0, 0, 0, 0, 1, 0, 1, 3, 0, 0, 2,
    1, 1, 0, 0, 0, 3, 3, 2, 3, 2, 0, 0, 1, 2, 3, 1, 3, 3, 0, 3, 1, 0, 0, 2, 3, 2, 3, 0, 3, 1,
    0, 0, 2, 0, 2, 0, 0, 2, 1, 1, 2, 3, 0, 0, 1, 3, 1, 3, 0, 0, 3, 3, 3, 2, 2, 3, 0, 3, 3, 1,
    3, 3, 3, 2, 3, 2, 0, 3, 3, 0, 2, 3, 1, 2, 3, 1, 0, 0, 1, 3, 2, 2, 2, 1, 0, 0, 3, 0, 2, 1,
    2, 2, 0, 2, 0, 0, 3, 2, 2, 0, 0, 3, 3, 3, 3, 3, 0, 3, 3, 0, 0, 0, 0, 0, 2, 0, 1, 3, 2, 1,
    1, 0, 1, 1, 1, 3, 3, 3, 2, 3, 0, 0, 2, 3, 3, 2, 3, 0, 2, 3, 0, 1, 0, 3, 3, 0, 3, 0, 3, 0,
    1, 1, 3, 2, 0, 3, 3, 0, 3, 3, 3, 2, 2, 0, 2, 3, 3, 1, 1, 1, 0, 0, 2, 0, 3, 0, 3, 3, 3, 3,
    0, 1, 1, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 1, 2, 2, 1, 1, 1, 1, 0, 0, 3, 2, 2, 3, 0, 0, 0,
    3, 3, 3, 3, 1, 3, 0, 3, 3, 2, 0, 1, 3, 2, 1, 0, 2, 1, 3, 0, 2, 2, 3, 3, 3, 3, 0, 2, 3, 2};
static const double km_empty_inertia[] = {1435.3229456572317};
static const int km_empty_n_iter[] = {10};
static const double km_empty_centers[] = {
    -1.5175789353979683, 0.26669575843585236, -0.95042015525301426, 1.1376037731077639,
    3.6708420422171879,  1.9328156052143124,  -1.0658327417485078,  -0.58624824913329432,
    3.3500270654894333,  3.0820567522615696,  -3.5139823460828739,  -0.19553675569923412};
static const double km_new[] = {-5.3991716513511641, 2.255743424175213,   1.0866113557647683,
                                4.3778979424057241,  2.2963832573660596,  3.97470790730641,
                                3.8290763280955495,  1.8489509203236212,  4.8332327279789435,
                                4.2395270713382622,  -3.0216113390009598, 4.428881451636693,
                                -3.7956473160536195, 1.1111928799273638,  3.679493515074622,
                                -2.3304653576379888, 0.91230898867497956, -1.0587678755401928};
static const int km_predict[] = {0, 1, 1, 2, 3, 0};
/* gmm_full: n_iter 20, converged 0 */
static const double gmm_full_score[] = {-6.1755810289574313};
static const double gmm_full_lower_bound[] = {-6.1822741994307364};
static const double gmm_full_bic[] = {3927.7961338860505};
static const double gmm_full_aic[] = {3783.3486173744586};
static const int gmm_full_n_iter[] = {20};
static const int gmm_full_labels[] = {
    0, 1, 3, 3, 1, 3, 2, 0, 2, 0, 3, 2, 3, 3, 2, 2, 1, 2, 1, 1, 0, 2, 0, 0, 1, 2, 3, 1, 3, 2,
    0, 2, 3, 3, 3, 0, 2, 1, 3, 0, 2, 3, 1, 0, 2, 3, 3, 3, 3, 0, 0, 0, 0, 1, 0, 3, 2, 0, 0, 3,
    3, 1, 0, 3, 0, 2, 3, 0, 2, 3, 0, 3, 1, 3, 2, 1, 2, 2, 3, 2, 3, 0, 0, 3, 2, 3, 2, 0, 2, 1,
    0, 0, 3, 0, 3, 0, 0, 3, 1, 1, 3, 2, 0, 0, 1, 2, 3, 2, 0, 0, 2, 2, 2, 3, 3, 2, 0, 2, 2, 1,
    2, 2, 2, 3, 2, 3, 0, 2, 2, 0, 3, 2, 1, 3, 2, 3, 0, 0, 1, 2, 3, 0, 3, 3, 0, 0, 2, 0, 3, 3,
    3, 3, 0, 3, 0, 0, 2, 3, 3, 0, 0, 2, 2, 2, 2, 2, 0, 2, 2, 0, 0, 0, 0, 0, 3, 0, 1, 2, 3, 3,
    1, 0, 1, 1, 3, 2, 2, 2, 0, 2, 0, 0, 3, 2, 2, 3, 2, 0, 3, 2, 0, 1, 0, 2, 2, 0, 2, 0, 2, 0,
    3, 1, 2, 3, 0, 2, 2, 0, 2, 2, 2, 3, 3, 0, 3, 2, 2, 1, 1, 1, 0, 0, 3, 0, 2, 0, 2, 2, 2, 2,
    3, 1, 1, 0, 0, 0, 0, 3, 0, 2, 0, 0, 0, 0, 1, 3, 3, 1, 1, 1, 3, 0, 0, 2, 3, 3, 2, 0, 0, 0,
    2, 2, 2, 2, 1, 2, 0, 2, 2, 3, 0, 1, 2, 3, 1, 0, 3, 1, 2, 0, 3, 3, 2, 2, 2, 2, 0, 3, 2, 3};
static const double gmm_full_loglik5[] = {-5.2140295603909337, -8.6852474093437859,
                                          -6.5402659586745724, -5.4436161697325431,
                                          -8.6940095270565649};
static const double gmm_full_proba5[] = {
    0.79983396500860959,    3.7718317268314973e-05, 2.4713179869523689e-06, 0.2001258453561352,
    6.2564356555228631e-09, 0.99990210307186689,    1.8945251829150195e-25, 9.7890671696958091e-05,
    0.020936234780644263,   3.4520846116376507e-07, 0.00042912177659866659, 0.97863429823429637,
    0.36769001424634673,    0.0014845809812719765,  2.6624064004112256e-06, 0.63082274236598068,
    2.0938507736298032e-05, 0.99540005649783447,    1.054396782173769e-07,  0.0045788995547517697};
/* gmm_diag: n_iter 20, converged 0 */
static const double gmm_diag_score[] = {-6.1754280630196403};
static const double gmm_diag_lower_bound[] = {-6.175628134454584};
static const double gmm_diag_bic[] = {3859.2589646275019};
static const double gmm_diag_aic[] = {3759.2568378117844};
static const int gmm_diag_n_iter[] = {20};
static const int gmm_diag_labels[] = {
    0, 1, 3, 3, 3, 1, 2, 0, 2, 3, 1, 2, 1, 3, 2, 2, 1, 2, 1, 1, 3, 2, 0, 0, 1, 2, 3, 1, 3, 2,
    0, 2, 3, 3, 3, 0, 2, 1, 1, 0, 2, 1, 1, 0, 2, 3, 3, 3, 1, 0, 0, 0, 0, 1, 0, 1, 2, 0, 0, 3,
    1, 1, 0, 3, 0, 2, 3, 3, 2, 3, 0, 3, 1, 3, 2, 1, 2, 2, 1, 2, 3, 0, 0, 3, 2, 3, 2, 0, 2, 1,
    0, 0, 3, 0, 3, 0, 0, 3, 1, 1, 3, 2, 0, 0, 1, 2, 3, 2, 0, 0, 3, 2, 2, 3, 3, 2, 0, 2, 2, 1,
    2, 2, 2, 3, 2, 3, 0, 2, 2, 0, 3, 2, 1, 3, 2, 1, 0, 0, 1, 2, 3, 3, 3, 1, 0, 0, 2, 0, 3, 1,
    3, 3, 0, 3, 0, 0, 2, 3, 3, 0, 0, 2, 2, 2, 2, 2, 0, 2, 2, 3, 0, 0, 0, 0, 3, 0, 1, 2, 3, 1,
    1, 0, 1, 1, 1, 2, 2, 2, 3, 2, 0, 3, 3, 2, 2, 3, 2, 0, 3, 2, 0, 1, 0, 2, 2, 0, 2, 0, 2, 0,
    1, 1, 2, 3, 0, 2, 2, 0, 2, 2, 2, 3, 3, 0, 3, 2, 2, 1, 1, 1, 0, 0, 3, 0, 2, 0, 2, 2, 2, 2,
    3, 1, 1, 0, 0, 0, 0, 3, 0, 2, 0, 0, 0, 0, 1, 3, 3, 1, 1, 1, 1, 3, 0, 2, 3, 3, 2, 0, 0, 0,
    2, 2, 2, 2, 1, 2, 0, 2, 2, 3, 0, 1, 2, 3, 1, 0, 3, 1, 2, 0, 3, 3, 2, 2, 2, 2, 0, 3, 2, 3};
static const double gmm_diag_loglik5[] = {-5.3855260566337035, -8.7406380852387713,
                                          -6.3545911235470385, -5.7851600886849841,
                                          -9.4080728510800835};
static const double gmm_diag_proba5[] = {
    0.57205089273476228,    0.0033423012825010653,  6.4927200944975886e-06, 0.42460031326264208,
    1.1176130509274415e-11, 0.99766517694808687,    6.5975392827193345e-24, 0.0023348230407377532,
    0.0012327000274775009,  3.2670545648937543e-05, 0.00015323010184394928, 0.99858139932502965,
    0.25469180699585409,    0.030913943847483007,   1.0888769826828867e-05, 0.71438336038683614,
    1.124035520558883e-06,  0.40389551005974844,    4.0225138779215018e-07, 0.59610296365334403};
/* gmm_spherical: n_iter 20, converged 0 */
static const double gmm_spherical_score[] = {-6.1877445720296818};
static const double gmm_spherical_lower_bound[] = {-6.1878298988426987};
static const double gmm_spherical_bic[] = {3821.0186102362768};
static const double gmm_spherical_aic[] = {3750.6467432178092};
static const int gmm_spherical_n_iter[] = {20};
static const int gmm_spherical_labels[] = {
    3, 1, 3, 3, 3, 1, 2, 0, 2, 3, 1, 2, 1, 3, 2, 2, 1, 2, 1, 1, 3, 2, 0, 0, 1, 2, 3, 1, 3, 2,
    0, 2, 3, 3, 3, 0, 2, 1, 1, 0, 2, 1, 1, 0, 2, 3, 3, 3, 1, 0, 0, 0, 0, 1, 0, 1, 2, 0, 0, 3,
    1, 1, 0, 3, 0, 2, 3, 3, 2, 3, 0, 3, 1, 3, 2, 1, 2, 2, 0, 2, 1, 0, 0, 3, 2, 3, 2, 0, 2, 1,
    0, 0, 3, 0, 3, 0, 0, 3, 1, 1, 3, 2, 0, 0, 1, 2, 1, 2, 0, 0, 3, 2, 2, 3, 3, 2, 0, 2, 2, 1,
    2, 2, 2, 3, 2, 3, 0, 2, 2, 0, 3, 2, 1, 3, 2, 1, 0, 0, 1, 2, 3, 3, 3, 1, 0, 0, 2, 0, 3, 1,
    3, 3, 0, 3, 0, 0, 2, 3, 3, 0, 0, 2, 2, 2, 2, 2, 0, 2, 2, 3, 0, 0, 0, 0, 3, 0, 1, 2, 3, 1,
    1, 0, 1, 1, 1, 2, 2, 2, 3, 2, 0, 3, 3, 2, 2, 3, 2, 0, 3, 2, 0, 1, 0, 2, 2, 0, 2, 0, 2, 0,
    1, 1, 2, 3, 0, 2, 2, 0, 2, 2, 2, 3, 3, 0, 3, 2, 2, 1, 1, 1, 0, 0, 3, 0, 2, 3, 2, 2, 2, 2,
    1, 1, 1, 0, 0, 0, 0, 3, 0, 2, 0, 0, 0, 0, 1, 3, 3, 1, 1, 1, 1, 3, 0, 2, 3, 3, 2, 0, 0, 0,
    2, 2, 2, 2, 1, 2, 0, 2, 2, 3, 0, 1, 2, 3, 1, 0, 3, 1, 2, 0, 3, 3, 2, 2, 2, 2, 0, 3, 2, 3};
static const double gmm_spherical_loglik5[] = {-5.5968744017972885, -9.0799383316863622,
                                               -6.361895477224178, -5.8937028696391192,
                                               -9.1509953059007181};
static const double gmm_spherical_proba5[] = {
    0.48872662958754876,    0.01373943702791181,   7.6777032858452552e-06, 0.49752625568125319,
    6.7188510285650624e-12, 0.99869435340749713,   1.0450015480358831e-20, 0.0013056465857844651,
    0.00051810932926521329, 0.0003448869942452639, 5.6906878873283212e-05, 0.99908009679761667,
    0.16316832812409338,    0.081032259687845179,  2.2192130549804684e-05, 0.75577722005751158,
    1.0539618861813446e-07, 0.45325959901390173,   9.9360537328638439e-07, 0.54673930198453646};
/* gmm_tied: n_iter 20, converged 0 */
static const double gmm_tied_score[] = {-6.2419095132411231};
static const double gmm_tied_lower_bound[] = {-6.241928754093836};
static const double gmm_tied_bic[] = {3864.9251399124537};
static const double gmm_tied_aic[] = {3787.1457079446736};
static const int gmm_tied_n_iter[] = {20};
static const int gmm_tied_labels[] = {
    0, 1, 3, 0, 1, 1, 2, 0, 2, 3, 1, 2, 0, 1, 2, 2, 1, 2, 1, 1, 3, 2, 0, 0, 1, 2, 3, 1, 1, 2,
    0, 2, 3, 3, 3, 0, 2, 1, 1, 0, 2, 1, 1, 0, 2, 3, 3, 3, 0, 0, 0, 0, 0, 1, 0, 1, 2, 0, 0, 3,
    1, 1, 0, 0, 0, 2, 2, 3, 2, 3, 0, 0, 1, 3, 2, 1, 2, 2, 0, 2, 0, 0, 0, 0, 2, 3, 2, 0, 2, 1,
    0, 0, 3, 0, 3, 0, 0, 3, 1, 1, 1, 2, 0, 0, 1, 2, 1, 2, 0, 0, 2, 2, 2, 3, 3, 2, 0, 2, 2, 1,
    2, 2, 2, 3, 2, 3, 0, 2, 2, 0, 3, 2, 1, 3, 2, 1, 0, 0, 1, 2, 0, 3, 2, 1, 0, 0, 2, 0, 3, 1,
    0, 3, 0, 3, 0, 0, 2, 3, 3, 0, 0, 2, 2, 2, 2, 2, 0, 2, 2, 0, 0, 0, 0, 0, 3, 0, 1, 2, 3, 1,
    1, 0, 1, 1, 1, 2, 2, 2, 3, 2, 0, 0, 3, 2, 2, 3, 2, 0, 3, 2, 0, 1, 0, 2, 2, 0, 2, 0, 2, 0,
    1, 1, 2, 3, 0, 2, 2, 0, 2, 2, 2, 3, 3, 0, 3, 2, 2, 1, 1, 1, 0, 0, 3, 0, 2, 0, 2, 2, 2, 2,
    0, 1, 1, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1, 3, 3, 1, 1, 1, 1, 0, 0, 2, 3, 3, 2, 0, 0, 0,
    2, 2, 2, 2, 1, 2, 0, 2, 2, 3, 0, 1, 2, 3, 1, 0, 3, 1, 2, 0, 3, 3, 2, 2, 2, 2, 0, 3, 2, 3};
static const double gmm_tied_loglik5[] = {-5.3543077571430375, -9.1812218340269069,
                                          -6.4659207389151847, -5.820530838036662,
                                          -10.812608914570971};
static const double gmm_tied_proba5[] = {
    0.74971364944347385,    0.0012973278560633038,  0.00021827973943838621, 0.24877074296102408,
    3.5762052822578295e-08, 0.99999856139793153,    2.3792791818447924e-14, 1.4028399913018474e-06,
    0.0071538992838134693,  2.3225463004980274e-06, 0.004793444988482571,   0.98805033318140367,
    0.54005574228655329,    0.018272529324309013,   0.00048543751495232353, 0.44118629087418521,
    0.00062265279468119088, 0.50670673729727156,    0.0032479163275949837,  0.48942269358045154};
/* gmm_conv: n_iter 29, converged 1 */
static const double gmm_conv_score[] = {-6.1577476783023819};
static const double gmm_conv_lower_bound[] = {-6.1585182243897165};
static const double gmm_conv_bic[] = {3917.096123493021};
static const double gmm_conv_aic[] = {3772.6486069814291};
static const int gmm_conv_n_iter[] = {29};
static const int gmm_conv_labels[] = {
    3, 1, 3, 3, 1, 3, 2, 0, 2, 3, 3, 2, 3, 3, 2, 2, 1, 2, 1, 1, 3, 2, 0, 0, 1, 2, 3, 1, 3, 2,
    0, 2, 3, 3, 3, 0, 2, 1, 3, 3, 2, 3, 1, 0, 2, 3, 3, 3, 3, 0, 0, 0, 0, 1, 0, 1, 2, 0, 0, 3,
    3, 1, 0, 3, 0, 2, 3, 3, 2, 3, 0, 3, 1, 3, 2, 1, 2, 2, 3, 2, 3, 0, 0, 3, 2, 3, 2, 0, 2, 1,
    0, 0, 3, 0, 3, 0, 3, 3, 1, 1, 3, 2, 0, 0, 1, 2, 3, 2, 0, 0, 3, 2, 2, 3, 3, 2, 0, 2, 2, 1,
    2, 2, 2, 3, 2, 3, 0, 2, 2, 0, 3, 2, 1, 3, 2, 3, 0, 0, 1, 2, 3, 3, 3, 3, 0, 0, 2, 0, 3, 3,
    3, 3, 0, 3, 0, 0, 2, 3, 3, 0, 3, 2, 2, 2, 2, 2, 0, 2, 2, 3, 0, 0, 0, 0, 3, 0, 1, 2, 3, 3,
    1, 0, 1, 1, 1, 2, 2, 2, 3, 3, 0, 0, 3, 2, 2, 3, 2, 0, 3, 2, 0, 1, 0, 2, 2, 0, 2, 0, 2, 0,
    3, 1, 2, 3, 0, 2, 2, 0, 2, 2, 2, 3, 3, 0, 3, 2, 2, 1, 1, 1, 0, 0, 3, 0, 2, 0, 2, 2, 2, 2,
    3, 1, 1, 0, 0, 0, 0, 3, 0, 2, 0, 0, 3, 0, 1, 3, 3, 1, 1, 1, 3, 3, 0, 2, 3, 3, 2, 0, 0, 0,
    2, 2, 2, 2, 1, 2, 0, 2, 2, 3, 0, 1, 2, 3, 1, 0, 3, 1, 2, 0, 3, 3, 2, 2, 2, 2, 0, 3, 2, 3};
static const double gmm_conv_loglik5[] = {-5.4498866738363843, -8.7193342681391659,
                                          -6.3270092346290561, -5.5350588410685253,
                                          -8.8471625900568487};
static const double gmm_conv_proba5[] = {
    0.49720083382293284,    4.9780924660340904e-05, 1.0232538259999778e-07, 0.50274928292702425,
    1.9341492777843555e-09, 0.99930861528198189,    5.9187115155884563e-29, 0.00069138278386937169,
    0.00033681451281703255, 1.8429688766316977e-07, 2.2039344233793722e-05, 0.99964096184606199,
    0.15535200932235266,    0.0015852967811385151,  1.089878811766997e-07,  0.84306258490862751,
    3.0985799915639716e-07, 0.96290530727021195,    7.1729219368250418e-09, 0.037094375698867615};
static const double gmm_given_means[] = {
    3.6846709886045668,  -3.3148968234389917,  0.2254391619873255,   -0.9539072825944741,
    0.47377603052182948, -0.42943272835600776, -0.55097889996819838, -0.019626564963341586,
    3.2968245309915307,  1.0339172365206295,   4.3090317908720435,   2.1458159133936219};
static const double gmm_given_weights[] = {0.40000000000000002, 0.29999999999999999,
                                           0.20000000000000001, 0.10000000000000001};
static const double gmm_given_precisions[] = {1.1000000000000001,
                                              0.10000000000000001,
                                              0.10000000000000001,
                                              0.10000000000000001,
                                              2.1000000000000001,
                                              0.10000000000000001,
                                              0.10000000000000001,
                                              0.10000000000000001,
                                              0.59999999999999998,
                                              0.80000000000000004,
                                              0,
                                              0,
                                              0,
                                              0.80000000000000004,
                                              0,
                                              0,
                                              0,
                                              0.80000000000000004,
                                              1.5,
                                              0,
                                              0,
                                              0,
                                              1.5,
                                              0,
                                              0,
                                              0,
                                              1.5,
                                              1,
                                              0,
                                              0,
                                              0,
                                              1,
                                              0,
                                              0,
                                              0,
                                              1};
/* gmm_given: n_iter 20, converged 0 */
static const double gmm_given_score[] = {-6.1517331780296525};
static const double gmm_given_lower_bound[] = {-6.1519061641769692};
static const double gmm_given_bic[] = {3913.4874233293835};
static const double gmm_given_aic[] = {3769.0399068177917};
static const int gmm_given_n_iter[] = {20};
static const int gmm_given_labels[] = {
    1, 3, 2, 1, 3, 3, 0, 1, 0, 2, 3, 0, 3, 2, 2, 0, 3, 0, 3, 3, 2, 0, 1, 1, 3, 0, 2, 3, 2, 0,
    1, 0, 2, 2, 2, 1, 0, 3, 3, 1, 0, 3, 3, 1, 0, 2, 2, 2, 1, 1, 1, 1, 1, 3, 1, 3, 0, 1, 1, 2,
    3, 3, 1, 1, 1, 0, 2, 2, 0, 2, 1, 1, 3, 2, 0, 3, 0, 0, 1, 0, 1, 1, 1, 1, 0, 2, 0, 1, 0, 3,
    1, 1, 2, 1, 2, 1, 1, 2, 3, 3, 2, 0, 1, 1, 3, 0, 2, 0, 1, 1, 2, 0, 0, 2, 2, 0, 1, 0, 0, 3,
    0, 0, 0, 2, 0, 2, 1, 0, 0, 1, 2, 0, 3, 2, 0, 3, 1, 1, 3, 0, 1, 2, 2, 3, 1, 1, 0, 1, 2, 3,
    1, 2, 1, 2, 1, 1, 0, 2, 2, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 2, 1, 1, 1, 1, 2, 1, 3, 0, 2, 1,
    3, 1, 3, 3, 3, 0, 0, 0, 2, 2, 1, 2, 2, 0, 0, 2, 0, 1, 2, 0, 1, 3, 1, 0, 0, 1, 0, 1, 0, 1,
    3, 3, 0, 2, 1, 0, 0, 1, 2, 0, 0, 2, 2, 1, 2, 0, 0, 3, 3, 3, 1, 1, 2, 1, 0, 1, 0, 0, 0, 0,
    1, 3, 3, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 3, 2, 2, 3, 3, 3, 3, 2, 1, 0, 2, 2, 0, 1, 1, 1,
    0, 0, 0, 0, 3, 2, 1, 0, 0, 2, 1, 3, 0, 2, 3, 1, 2, 3, 0, 1, 2, 2, 0, 0, 0, 0, 1, 2, 0, 2};
static const double gmm_given_loglik5[] = {-5.4208521755682924, -8.6318250511100754,
                                           -6.1441697523666319, -5.7162712209942903,
                                           -9.0751271994845197};
static const double gmm_given_proba5[] = {
    3.4287198027773123e-08, 0.70722998215560251,    0.29189802684247534,    0.0008719567147242183,
    1.1738798336729832e-29, 1.5327465676589137e-06, 9.5891704740274283e-05, 0.99990257554869189,
    3.9649985349111137e-06, 0.00047719530429395963, 0.9995150223445145,     3.8173526571606311e-06,
    5.1646219457773337e-08, 0.49821270590794464,    0.48933677716192264,    0.012450465283913246,
    3.5776573710974386e-09, 0.00011997427139134443, 0.094874261540406971,   0.90500576061054472};
/* db_euclid: 3 clusters, 27 noise rows, 174 core rows */
static const int db_euclid_labels[] = {
    0,  0, 0,  0,  0, 0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0, 0,  0,
    0,  0, 0,  0,  0, 0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0, 0,  0,
    0,  0, 0,  0,  0, 0,  0,  0,  0,  0,  0,  0,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1, 1,  1,
    1,  1, 1,  1,  1, 1,  1,  1,  1,  1,  1,  1,  -1, 1,  1,  1,  1,  1,  1,  1,  1,  1, 1,  1,
    1,  1, 1,  1,  1, 1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1, 1,  -1,
    2,  2, 2,  2,  2, 2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2, 2,  2,
    2,  2, 2,  2,  2, 2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  -1, 2,  2, 2,  2,
    2,  2, 2,  2,  2, 2,  2,  2,  2,  2,  2,  2,  -1, -1, 1,  -1, -1, 1,  -1, -1, -1, 1, -1, -1,
    -1, 1, -1, -1, 2, -1, -1, -1, -1, -1, -1, -1, 0,  -1, -1, -1, -1, -1, 0};
/* db_euclid: border rows within eps of two clusters: [210] */
/* db_manhattan: 3 clusters, 31 noise rows, 166 core rows */
static const int db_manhattan_labels[] = {
    0,  0,  0,  0,  0, 0,  0,  -1, 0,  0,  0,  0,  0,  0,  0,  0,  0,  -1, 0,  0,  0,  0, 0,  0,
    0,  0,  0,  0,  0, 0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0, 0,  0,
    0,  0,  0,  0,  0, 0,  0,  0,  0,  0,  0,  0,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1, 1,  1,
    1,  1,  1,  1,  1, 1,  1,  1,  1,  1,  1,  1,  -1, 1,  1,  1,  1,  1,  1,  1,  1,  1, 1,  1,
    1,  1,  1,  1,  1, 1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1, 1,  -1,
    2,  2,  2,  2,  2, 2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2, 2,  2,
    2,  2,  2,  2,  2, 2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  -1, 2,  2, 2,  2,
    2,  2,  2,  2,  2, 2,  2,  2,  2,  2,  2,  2,  -1, -1, 1,  -1, -1, 1,  -1, -1, -1, 1, -1, -1,
    -1, -1, -1, -1, 2, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0};
/* db_single: 44 clusters, 0 noise rows, 211 core rows */
static const int db_single_labels[] = {
    0,  0,  0,  0,  0,  0,  0,  1,  0,  0,  0,  0,  0,  0,  0,  0,  0,  2,  0,  0,  0,  0,  0,  0,
    0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
    0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  3,  4,  3,  3,  3,  3,  3,  5,  3,  3,  3,  3,
    3,  6,  3,  7,  3,  3,  3,  3,  3,  3,  3,  3,  8,  3,  3,  3,  9,  4,  6,  3,  3,  3,  3,  3,
    3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  6,  3,  3,  3,  3,  3,  3,  3,  6,  3,  3,  8,
    10, 10, 10, 10, 10, 10, 10, 10, 11, 10, 12, 10, 10, 10, 10, 10, 10, 10, 10, 10, 13, 14, 10, 10,
    10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 14, 10, 10, 10, 10, 10, 10, 15, 16, 10, 10, 10, 10,
    12, 10, 10, 10, 10, 10, 10, 10, 10, 10, 17, 10, 18, 19, 3,  20, 21, 3,  22, 23, 24, 3,  25, 26,
    27, 28, 29, 30, 12, 31, 32, 33, 25, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43};
/* db_noise: 4 clusters, 197 noise rows, 7 core rows */
static const int db_noise_labels[] = {
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, 0,  -1, -1, -1, 0,  1,  -1, -1, -1, -1, -1, -1, -1, -1, -1,
    1,  -1, -1, -1, -1, -1, -1, 1,  -1, 0,  -1, -1, -1, -1, -1, -1, -1, -1, -1, 0,  -1, -1, -1, -1,
    -1, 2,  -1, -1, 2,  -1, -1, -1, -1, -1, -1, -1, -1, 2,  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, 2,  -1, -1, -1, -1, -1, 3,  -1, -1, 3,  -1, -1, -1, -1, -1, -1, -1,
    -1, -1, 3,  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1};

/* Helpers -------------------------------------------------------------------------------------- */

static PlumRegistry *registry;
static PlumDataset *clusters;    /* tests/data/clusters.csv: 300 x 3 */
static PlumDataset *dbscan_data; /* tests/data/dbscan.csv: 211 x 2 */

static PlumDataset *
load_csv(const char *name)
{
  GError *error = NULL;
  PlumCsvOptions opts;
  plum_csv_options_init(&opts);
  opts.target = PLUM_TARGET_REAL;
  char *file = g_strconcat(name, ".csv", NULL);
  char *path = g_test_build_filename(G_TEST_DIST, "tests", "data", file, NULL);
  PlumDataset *ds = plum_csv_read(path, &opts, &error);
  g_assert_no_error(error);
  g_free(path);
  g_free(file);
  return ds;
}

/* "[v0, v1, …]" with every digit, for YAML. */
static char *
yaml_list(const double *v, size_t n)
{
  GString *s = g_string_new("[");
  for (size_t i = 0; i < n; i++)
    g_string_append_printf(s, "%s%.17g", i ? ", " : "", v[i]);
  g_string_append_c(s, ']');
  return g_string_free(s, FALSE);
}

/* Binds `yaml` (a flow mapping naming the model); NULL with the binder's error. */
static PlumBinding *
bind_model(const char *yaml, GError **error)
{
  return test_bind(registry, PLUM_KIND_MODEL, "model", yaml, error);
}

typedef struct {
  PlumBinding *binding;
  const PlumModelVTable *vt;
  void *self;
  PlumState *report;
} Model;

static void
model_init(Model *m, const char *yaml)
{
  GError *error = NULL;
  m->binding = bind_model(yaml, &error);
  g_assert_no_error(error);
  m->vt = plum_component_vtable(plum_binding_component(m->binding));
  m->self = m->vt->create(plum_binding_params(m->binding), &error);
  g_assert_no_error(error);
  m->report = plum_state_new();
}

static void
model_clear(Model *m)
{
  m->vt->destroy(m->self);
  plum_binding_free(m->binding);
  plum_state_free(m->report);
}

static gboolean
model_try_fit(Model *m, const PlumMatrix *X, guint64 seed, GError **error)
{
  PlumRng *rng = plum_rng_new(seed);
  PlumFitData fd = {.struct_size = sizeof fd, .X = X, .rng = rng, .report = m->report};
  gboolean ok = m->vt->fit(m->self, &fd, error);
  plum_rng_free(rng);
  return ok;
}

static void
model_fit(Model *m, const PlumMatrix *X, guint64 seed)
{
  GError *error = NULL;
  g_assert_true(model_try_fit(m, X, seed, &error));
  g_assert_no_error(error);
}

/* predict into labels[X->rows]. */
static void
model_predict(const Model *m, const PlumMatrix *X, double *labels)
{
  GError *error = NULL;
  PlumMatrix out = plum_matrix_view(labels, X->rows, 1, 0);
  g_assert_true(m->vt->predict(m->self, X, &out, &error));
  g_assert_no_error(error);
}

/* A fresh instance of the same binding loaded from m's saved state. */
static void
model_reload(const Model *m, Model *copy)
{
  GError *error = NULL;
  PlumState *state = plum_state_new();
  g_assert_true(m->vt->save(m->self, state, &error));
  g_assert_no_error(error);
  copy->binding = NULL;
  copy->vt = m->vt;
  copy->self = m->vt->create(plum_binding_params(m->binding), &error);
  copy->report = NULL;
  g_assert_true(m->vt->load(copy->self, state, &error));
  g_assert_no_error(error);
  plum_state_free(state);
}

static gint64
report_int(const Model *m, const char *name)
{
  GError *error = NULL;
  gint64 v = -1;
  g_assert_true(plum_state_get_int(m->report, name, &v, &error));
  g_assert_no_error(error);
  return v;
}

/* |got − want| <= tol · max(1, |want|) element by element. */
static void
assert_close(const char *what, const double *got, const double *want, size_t n, double tol)
{
  for (size_t i = 0; i < n; i++) {
    if (!(fabs(got[i] - want[i]) <= tol * fmax(1.0, fabs(want[i]))))
      g_error("%s[%zu]: got %.17g, want %.17g (tolerance %g)", what, i, got[i], want[i], tol);
  }
}

static void
assert_labels(const char *what, const double *got, const int *want, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    if (got[i] != want[i])
      g_error("%s: row %zu has label %g, want %d", what, i, got[i], want[i]);
  }
}

/* Binding `yaml` fails with a config error mentioning needle. */
static void
assert_bind_fails(const char *yaml, const char *needle)
{
  GError *error = NULL;
  g_assert_null(bind_model(yaml, &error));
  g_assert_nonnull(error);
  g_assert_true(error->domain == PLUM_CONFIG_ERROR);
  if (strstr(error->message, needle) == NULL)
    g_error("'%s' does not mention '%s'", error->message, needle);
  g_error_free(error);
}

/* *error is domain/code and mentions needle; it is cleared. */
static void
assert_error(GError **error, GQuark domain, int code, const char *needle)
{
  g_assert_error(*error, domain, code);
  if (strstr((*error)->message, needle) == NULL)
    g_error("'%s' does not mention '%s'", (*error)->message, needle);
  g_clear_error(error);
}

/* Fitting `yaml` on X fails with domain/code, mentioning needle. */
static void
assert_fit_fails(const char *yaml, const PlumMatrix *X, GQuark domain, int code, const char *needle)
{
  GError *error = NULL;
  Model m;
  model_init(&m, yaml);
  g_assert_false(model_try_fit(&m, X, 1, &error));
  assert_error(&error, domain, code, needle);
  model_clear(&m);
}

/* The errors every clusterer gives alike: NaN at fit, predict before fit, a wrong width. */
static void
assert_common_errors(const char *yaml, const PlumMatrix *X)
{
  GError *error = NULL;
  PlumMatrix *bad = plum_matrix_copy(X, &error);
  PLUM_MATRIX_AT(bad, 5, 1) = NAN;
  assert_fit_fails(yaml, bad, PLUM_DATA_ERROR, PLUM_DATA_ERROR_NONFINITE, "row 5, column 1");

  Model m;
  double labels[4];
  PlumMatrix out = plum_matrix_view(labels, 4, 1, 0);
  PlumMatrix head = plum_matrix_rows(X, 0, 4);
  model_init(&m, yaml);
  g_assert_false(m.vt->predict(m.self, &head, &out, &error));
  assert_error(&error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_NOT_FITTED, "not fitted");
  PlumState *state = plum_state_new();
  g_assert_false(m.vt->save(m.self, state, &error));
  assert_error(&error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_NOT_FITTED, "not fitted");
  plum_state_free(state);

  model_fit(&m, X, 1);
  PlumMatrix narrow = plum_matrix_view(bad->data, 4, X->cols - 1, bad->ld);
  g_assert_false(m.vt->predict(m.self, &narrow, &out, &error));
  assert_error(&error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE, "fitted on");
  PlumMatrix nan_rows = plum_matrix_rows(bad, 4, 4);
  g_assert_false(m.vt->predict(m.self, &nan_rows, &out, &error));
  assert_error(&error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_NONFINITE, "row 1, column 1");
  model_clear(&m);
  plum_matrix_free(bad);
}

/* kmeans ------------------------------------------------------------------------------------- */

typedef struct {
  const char *path;
  const char *init;      /* YAML: init and its parameters */
  const char *algorithm; /* lloyd or elkan */
  size_t max_iter;
  double tol;
  const int *labels;
  const double *inertia;
  const int *n_iter;
  const double *centers;
} KmeansCase;

static void
test_kmeans_reference(gconstpointer data)
{
  const KmeansCase *c = data;
  const PlumMatrix *X = clusters->X;
  size_t n = X->rows;
  char *yaml = g_strdup_printf("{name: kmeans, n_clusters: 4, %s, algorithm: %s, max_iter: %zu, "
                               "tol: %g}",
                               c->init, c->algorithm, c->max_iter, c->tol);
  Model m;
  model_init(&m, yaml);
  model_fit(&m, X, 1);
  double *labels = g_new(double, n);
  model_predict(&m, X, labels);
  assert_labels("labels", labels, c->labels, n);
  double inertia = report_real(m.report, "inertia");
  assert_close("inertia", &inertia, c->inertia, 1, 1e-8);
  g_assert_cmpint(report_int(&m, "n_iter"), ==, c->n_iter[0]);
  g_assert_cmpint(report_int(&m, "converged"), ==, (size_t)c->n_iter[0] < c->max_iter);

  GError *error = NULL;
  PlumState *state = plum_state_new();
  g_assert_true(m.vt->save(m.self, state, &error));
  const double *centers = plum_state_get_reals(state, "centers", 4, 3, NULL, NULL, &error);
  g_assert_no_error(error);
  assert_close("centers", centers, c->centers, 12, 1e-8);
  plum_state_free(state);
  g_free(labels);
  g_free(yaml);
  model_clear(&m);
}

static void
test_kmeans_predict(void)
{
  Model m, copy;
  double got[6], reloaded[6];
  PlumMatrix X_new = plum_matrix_view((double *)km_new, 6, 3, 0);
  model_init(&m, "{name: kmeans, n_clusters: 4, init: first}");
  model_fit(&m, clusters->X, 1);
  model_predict(&m, &X_new, got);
  assert_labels("predict", got, km_predict, 6);
  model_reload(&m, &copy);
  model_predict(&copy, &X_new, reloaded);
  assert_labels("predict after load", reloaded, km_predict, 6);
  copy.vt->destroy(copy.self);
  model_clear(&m);
}

/* The inertia of X under the model's own predictions and saved centres. */
static double
inertia_of(const Model *m, const PlumMatrix *X)
{
  GError *error = NULL;
  PlumState *state = plum_state_new();
  g_assert_true(m->vt->save(m->self, state, &error));
  size_t k = 0, d = X->cols;
  const double *C = plum_state_get_reals(state, "centers", 0, d, &k, NULL, &error);
  g_assert_no_error(error);
  double *labels = g_new(double, X->rows), total = 0;
  model_predict(m, X, labels);
  for (size_t i = 0; i < X->rows; i++) {
    const double *c = C + (size_t)labels[i] * d;
    for (size_t j = 0; j < d; j++)
      total += (PLUM_MATRIX_AT(X, i, j) - c[j]) * (PLUM_MATRIX_AT(X, i, j) - c[j]);
  }
  g_free(labels);
  plum_state_free(state);
  return total;
}

/* Random inits: a fixed seed gives a fixed clustering, the reported inertia is the one of the
 * final centres, and more restarts from the same seed never do worse. */
static void
test_kmeans_random_inits(void)
{
  static const char *const inits[] = {"k-means++", "forgy", "random_partition"};
  const PlumMatrix *X = clusters->X;
  for (size_t i = 0; i < G_N_ELEMENTS(inits); i++) {
    double inertia[3];
    for (size_t r = 0; r < 3; r++) {
      char *yaml = g_strdup_printf("{name: kmeans, n_clusters: 4, init: %s, n_init: %d}", inits[i],
                                   r == 2 ? 5 : 1);
      Model m;
      model_init(&m, yaml);
      model_fit(&m, X, 42);
      inertia[r] = report_real(m.report, "inertia");
      double check = inertia_of(&m, X);
      assert_close(inits[i], &check, &inertia[r], 1, 1e-10);
      model_clear(&m);
      g_free(yaml);
    }
    g_assert_cmpfloat(inertia[0], ==, inertia[1]);
    g_assert_cmpfloat(inertia[2], <=, inertia[0]);
    /* every init ends at one of the local optima of these blobs, not far above the best */
    g_assert_cmpfloat(inertia[2], <=, 1.25 * km_first_inertia[0]);
  }
}

/* Data far from the origin are centred before the distances: shifted by 10⁴, the blobs give the
 * same labels, the same inertia and the shifted centres. */
static void
test_kmeans_far_from_origin(void)
{
  static const char *const algorithms[] = {"lloyd", "elkan"};
  PlumMatrix *X = plum_matrix_copy(clusters->X, NULL);
  size_t n = X->rows;
  double shifted[12], *labels = g_new(double, n);
  for (size_t i = 0; i < n * 3; i++)
    X->data[i] += 1e4;
  for (size_t i = 0; i < 12; i++)
    shifted[i] = km_first_centers[i] + 1e4;
  for (size_t a = 0; a < G_N_ELEMENTS(algorithms); a++) {
    char *yaml =
        g_strdup_printf("{name: kmeans, n_clusters: 4, init: first, algorithm: %s}", algorithms[a]);
    GError *error = NULL;
    Model m;
    model_init(&m, yaml);
    model_fit(&m, X, 1);
    model_predict(&m, X, labels);
    assert_labels("labels", labels, km_first_labels, n);
    double inertia = report_real(m.report, "inertia");
    assert_close("inertia", &inertia, km_first_inertia, 1, 1e-8);
    PlumState *state = plum_state_new();
    g_assert_true(m.vt->save(m.self, state, &error));
    const double *centers = plum_state_get_reals(state, "centers", 4, 3, NULL, NULL, &error);
    g_assert_no_error(error);
    assert_close("centers", centers, shifted, 12, 1e-12);
    plum_state_free(state);
    model_clear(&m);
    g_free(yaml);
  }
  g_free(labels);
  plum_matrix_free(X);
}

/* Elkan's bounds give Lloyd's clusters from any start, restarts included (the inits draw the
 * same numbers from the same seed). */
static void
test_kmeans_elkan_restarts(void)
{
  static const char *const inits[] = {"k-means++", "forgy", "random_partition"};
  const PlumMatrix *X = clusters->X;
  size_t n = X->rows;
  double *labels[2] = {g_new(double, n), g_new(double, n)}, inertia[2];
  for (size_t i = 0; i < G_N_ELEMENTS(inits); i++) {
    for (size_t a = 0; a < 2; a++) {
      char *yaml = g_strdup_printf("{name: kmeans, n_clusters: 5, init: %s, n_init: 3, "
                                   "algorithm: %s}",
                                   inits[i], a ? "elkan" : "lloyd");
      Model m;
      model_init(&m, yaml);
      model_fit(&m, X, 9);
      model_predict(&m, X, labels[a]);
      inertia[a] = report_real(m.report, "inertia");
      model_clear(&m);
      g_free(yaml);
    }
    assert_close(inits[i], &inertia[1], &inertia[0], 1, 1e-12);
    for (size_t r = 0; r < n; r++)
      g_assert_cmpfloat(labels[1][r], ==, labels[0][r]);
  }
  g_free(labels[0]);
  g_free(labels[1]);
}

static void
test_kmeans_errors(void)
{
  const PlumMatrix *X = clusters->X;
  assert_fit_fails("{name: kmeans, n_clusters: 301}", X, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                   "n_clusters = 301 is more than the 300 rows");
  assert_fit_fails("{name: kmeans, n_clusters: 4, init: given, centers: [1, 2, 3, 4, 5, 6, 7, 8]}",
                   X, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE, "`centers` has 8 values");
  assert_bind_fails("{name: kmeans, n_clusters: 4, init: given, centers: [1, 2, 3, 4, 5]}",
                    "init: given needs `centers`");
  assert_bind_fails("{name: kmeans, n_clusters: 2, centers: [1, 2, 3, 4, 5, 6]}",
                    "used only with init: given");
  assert_bind_fails("{name: kmeans, n_clusters: 0}", "n_clusters");
  assert_bind_fails("{name: kmeans, algorithm: hartigan}", "lloyd");
  assert_common_errors("{name: kmeans, n_clusters: 3, init: first}", X);
}

/* gaussian_mixture ----------------------------------------------------------------------------- */

typedef struct {
  const char *path;
  const char *yaml;
  const double *score, *lower_bound, *bic, *aic;
  const int *n_iter;
  gboolean converged;
  const int *labels;
  const double *loglik5, *proba5;
} GmmCase;

static void
test_gmm_reference(gconstpointer data)
{
  const GmmCase *c = data;
  const PlumMatrix *X = clusters->X;
  size_t n = X->rows;
  Model m;
  model_init(&m, c->yaml);
  model_fit(&m, X, 1);
  const char *names[] = {"log_likelihood", "lower_bound", "bic", "aic"};
  const double *want[] = {c->score, c->lower_bound, c->bic, c->aic};
  for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
    double got = report_real(m.report, names[i]);
    assert_close(names[i], &got, want[i], 1, 1e-6);
  }
  g_assert_cmpint(report_int(&m, "n_iter"), ==, c->n_iter[0]);
  g_assert_cmpint(report_int(&m, "converged"), ==, c->converged);

  double *labels = g_new(double, n), loglik[5], proba[20];
  model_predict(&m, X, labels);
  assert_labels("labels", labels, c->labels, n);
  GError *error = NULL;
  PlumMatrix head = plum_matrix_rows(X, 0, 5), P = plum_matrix_view(proba, 5, 4, 0);
  g_assert_true(m.vt->log_likelihood(m.self, &head, NULL, loglik, &error));
  g_assert_true(m.vt->predict_proba(m.self, &head, &P, &error));
  g_assert_no_error(error);
  assert_close("score_samples", loglik, c->loglik5, 5, 1e-6);
  assert_close("predict_proba", proba, c->proba5, 20, 1e-6);

  /* the per-row log-likelihoods average to the reported one, also after save and load */
  Model copy;
  double *all = g_new(double, n), mean = 0;
  model_reload(&m, &copy);
  g_assert_true(copy.vt->log_likelihood(copy.self, X, NULL, all, &error));
  g_assert_no_error(error);
  for (size_t i = 0; i < n; i++)
    mean += all[i] / (double)n;
  assert_close("mean log-likelihood after load", &mean, c->score, 1, 1e-6);
  copy.vt->destroy(copy.self);
  g_free(all);
  g_free(labels);
  model_clear(&m);
}

/* Random inits: a fixed seed gives a fixed mixture, and restarts never lower the bound. */
static void
test_gmm_random_inits(void)
{
  static const char *const inits[] = {"kmeans", "random"};
  for (size_t i = 0; i < G_N_ELEMENTS(inits); i++) {
    double bound[3];
    for (size_t r = 0; r < 3; r++) {
      char *yaml = g_strdup_printf("{name: gaussian_mixture, n_components: 4, init: %s, "
                                   "covariance_type: diag, n_init: %d}",
                                   inits[i], r == 2 ? 3 : 1);
      Model m;
      model_init(&m, yaml);
      model_fit(&m, clusters->X, 7);
      bound[r] = report_real(m.report, "lower_bound");
      g_assert_true(isfinite(report_real(m.report, "log_likelihood")));
      model_clear(&m);
      g_free(yaml);
    }
    g_assert_cmpfloat(bound[0], ==, bound[1]);
    g_assert_cmpfloat(bound[2], >=, bound[0]);
  }
}

static void
test_gmm_errors(void)
{
  const PlumMatrix *X = clusters->X;
  assert_fit_fails("{name: gaussian_mixture, n_components: 400}", X, PLUM_DATA_ERROR,
                   PLUM_DATA_ERROR_INVALID, "n_components = 400 is more than the 300 rows");
  assert_bind_fails("{name: gaussian_mixture, init: given}", "init: given needs `means_init`");
  assert_bind_fails("{name: gaussian_mixture, means_init: [1, 2, 3]}",
                    "used only with init: given");
  assert_bind_fails("{name: gaussian_mixture, weights_init: [0.5, 0]}", "weights_init");
  assert_bind_fails("{name: gaussian_mixture, covariance_type: block}", "spherical");
  assert_fit_fails("{name: gaussian_mixture, n_components: 2, init: given, means_init: [0, 0, 0]}",
                   X, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE, "means_init has 3 values");
  assert_fit_fails("{name: gaussian_mixture, n_components: 2, covariance_type: diag, init: first, "
                   "precisions_init: [1, 1, 1, 1, 1, 0]}",
                   X, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID, "precisions must be > 0");
  assert_fit_fails("{name: gaussian_mixture, n_components: 1, init: first, "
                   "precisions_init: [1, 2, 0, 2, 1, 0, 0, 0, 1]}",
                   X, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID, "not symmetric positive definite");
  assert_fit_fails("{name: gaussian_mixture, n_components: 1, covariance_type: tied, "
                   "init: first, precisions_init: [1, 2, 0, 0, 1, 0, 0, 0, 1]}",
                   X, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID, "not symmetric positive definite");

  /* two equal rows alone in a component: without reg_covar its covariance is singular */
  static double collapsed[] = {0, 0, 0, 0, 10, 10, 10, 11, 11, 10, 11, 11};
  PlumMatrix C = plum_matrix_view(collapsed, 6, 2, 0);
  assert_fit_fails("{name: gaussian_mixture, n_components: 2, reg_covar: 0, init: given, "
                   "means_init: [0, 0, 10.5, 10.5]}",
                   &C, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_FAILED, "not positive definite");
  assert_common_errors("{name: gaussian_mixture, n_components: 3, init: first}", X);
}

/* dbscan --------------------------------------------------------------------------------------- */

typedef struct {
  const char *path;
  const char *yaml;
  const int *labels;
} DbscanCase;

static size_t
count_clusters(const int *labels, size_t n)
{
  int top = -1;
  for (size_t i = 0; i < n; i++)
    top = MAX(top, labels[i]);
  return (size_t)(top + 1);
}

/* The fit's labels, which the report holds. */
static void
assert_report_labels(const Model *m, const int *want, size_t n)
{
  GError *error = NULL;
  const gint64 *got = plum_state_get_ints(m->report, "labels", n, NULL, &error);
  g_assert_no_error(error);
  for (size_t i = 0; i < n; i++) {
    if (got[i] != want[i])
      g_error("row %zu: label %" G_GINT64_FORMAT ", want %d", i, got[i], want[i]);
  }
}

static void
test_dbscan_reference(gconstpointer data)
{
  const DbscanCase *c = data;
  const PlumMatrix *X = dbscan_data->X;
  size_t n = X->rows;
  Model m;
  model_init(&m, c->yaml);
  model_fit(&m, X, 1);
  g_assert_cmpint(report_int(&m, "n_clusters"), ==, count_clusters(c->labels, n));
  assert_report_labels(&m, c->labels, n);

  /* predict agrees with the fit on every row but border rows, which go to their nearest core
   * row: noise stays noise, and so does the fit's labelling in these data but for row 210, the
   * border row within eps of two clusters */
  double *labels = g_new(double, n), *reloaded = g_new(double, n);
  model_predict(&m, X, labels);
  size_t differ = 0;
  for (size_t i = 0; i < n; i++) {
    g_assert_true((labels[i] == -1) == (c->labels[i] == -1));
    differ += labels[i] != c->labels[i];
  }
  g_assert_cmpuint(differ, <=, 1);
  Model copy;
  model_reload(&m, &copy);
  model_predict(&copy, X, reloaded);
  for (size_t i = 0; i < n; i++)
    g_assert_cmpfloat(reloaded[i], ==, labels[i]);
  copy.vt->destroy(copy.self);
  g_free(reloaded);
  g_free(labels);
  model_clear(&m);
}

/* DBSCAN by the definition, O(n²), visiting rows as scikit-learn does: clusters grow from the
 * lowest unlabelled core row, and a border row stays in the first cluster that reaches it. */
static void
brute_dbscan(const PlumMatrix *X, double eps, size_t min_points, gboolean manhattan, int *labels)
{
  size_t n = X->rows, d = X->cols, next = 0, *stack = g_new(size_t, n);
  gboolean *core = g_new0(gboolean, n), *adj = g_new0(gboolean, n * n);
  double r = manhattan ? eps : eps * eps;
  for (size_t i = 0; i < n; i++) {
    size_t count = 0;
    for (size_t j = 0; j < n; j++) {
      double s = 0;
      for (size_t k = 0; k < d; k++) {
        double t = PLUM_MATRIX_AT(X, i, k) - PLUM_MATRIX_AT(X, j, k);
        s += manhattan ? fabs(t) : t * t;
      }
      count += adj[i * n + j] = s <= r;
    }
    core[i] = count >= min_points;
    labels[i] = -1;
  }
  for (size_t i = 0; i < n; i++) {
    if (labels[i] != -1 || !core[i])
      continue;
    size_t top = 0;
    labels[i] = (int)next;
    stack[top++] = i;
    while (top > 0) {
      size_t v = stack[--top];
      for (size_t j = 0; j < n; j++) {
        if (!adj[v * n + j] || labels[j] != -1)
          continue;
        labels[j] = (int)next;
        if (core[j])
          stack[top++] = j;
      }
    }
    next++;
  }
  g_free(adj);
  g_free(core);
  g_free(stack);
}

/* The k-d tree against the definition on larger data: clustered and uniform rows in 2 and 5
 * dimensions, a quarter of them repeated (equal coordinates stress the median splits), both
 * metrics and several radii. */
static void
test_dbscan_brute_force(void)
{
  static const size_t dims[] = {2, 5};
  static const double radii[] = {0.05, 0.2, 0.6};
  PlumRng *rng = plum_rng_new(2026);
  size_t n = 1200;
  for (size_t t = 0; t < G_N_ELEMENTS(dims); t++) {
    size_t d = dims[t];
    PlumMatrix *X = plum_matrix_new(n, d, NULL);
    for (size_t i = 0; i < n; i++) {
      double centre = (double)(i % 3);
      for (size_t j = 0; j < d; j++) {
        double v = i % 5 == 4 ? 4 * plum_rng_uniform(rng) - 1 : centre + 0.3 * plum_rng_normal(rng);
        PLUM_MATRIX_AT(X, i, j) = i % 4 == 3 ? PLUM_MATRIX_AT(X, i - 1, j) : v;
      }
    }
    int *want = g_new(int, n);
    for (size_t r = 0; r < G_N_ELEMENTS(radii); r++) {
      for (int manhattan = 0; manhattan <= 1; manhattan++) {
        double eps = radii[r] * (manhattan ? 1.5 : 1.0) * (d == 2 ? 1.0 : 2.0);
        char *yaml = g_strdup_printf("{name: dbscan, eps: %.17g, min_points: 6, metric: %s}", eps,
                                     manhattan ? "manhattan" : "euclidean");
        Model m;
        model_init(&m, yaml);
        model_fit(&m, X, 1);
        brute_dbscan(X, eps, 6, manhattan, want);
        assert_report_labels(&m, want, n);
        model_clear(&m);
        g_free(yaml);
      }
    }
    g_free(want);
    plum_matrix_free(X);
  }
  plum_rng_free(rng);
}

static void
test_dbscan_predict(void)
{
  const PlumMatrix *X = dbscan_data->X;
  double far[] = {100, 100, -3.9, 4.9}, got[2];
  PlumMatrix F = plum_matrix_view(far, 2, 2, 0);
  Model m;
  model_init(&m, "{name: dbscan, eps: 0.5, min_points: 5}");
  model_fit(&m, X, 1);
  model_predict(&m, &F, got);
  g_assert_cmpfloat(got[0], ==, -1);
  g_assert_cmpfloat(got[1], ==, -1);
  /* a point on a core row takes its cluster */
  PlumMatrix first = plum_matrix_rows(X, 0, 1);
  model_predict(&m, &first, got);
  g_assert_cmpfloat(got[0], ==, db_euclid_labels[0]);
  model_clear(&m);

  /* with no core row at all every prediction is noise, also after save and load */
  Model copy;
  model_init(&m, "{name: dbscan, eps: 0.001, min_points: 3}");
  model_fit(&m, X, 1);
  g_assert_cmpint(report_int(&m, "n_core"), ==, 0);
  model_reload(&m, &copy);
  model_predict(&copy, &first, got);
  g_assert_cmpfloat(got[0], ==, -1);
  copy.vt->destroy(copy.self);
  model_clear(&m);
}

static void
test_dbscan_errors(void)
{
  assert_bind_fails("{name: dbscan, eps: 0}", "eps");
  assert_bind_fails("{name: dbscan, eps: -1}", "eps");
  assert_bind_fails("{name: dbscan, min_points: 0}", "min_points");
  assert_bind_fails("{name: dbscan, metric: cosine}", "manhattan");
  assert_common_errors("{name: dbscan, eps: 0.5}", dbscan_data->X);
}

/* Threads ----------------------------------------------------------------------------------------
 */

/* The saved state and the report of `yaml` fitted on X with `threads` threads, as one string. */
static char *
fit_fingerprint(const char *yaml, const PlumMatrix *X, unsigned threads)
{
  GError *error = NULL;
  g_assert_true(plum_threads_set(threads, &error));
  g_assert_no_error(error);
  Model m;
  model_init(&m, yaml);
  model_fit(&m, X, 5);
  PlumState *state = plum_state_new();
  g_assert_true(m.vt->save(m.self, state, &error));
  g_assert_no_error(error);
  GString *out = g_string_new(NULL);
  for (PlumState *st = state; st != NULL; st = st == state ? m.report : NULL) {
    for (size_t i = 0; i < plum_state_size(st); i++) {
      const char *name = plum_state_name_at(st, i);
      size_t rows = 0, cols = 0, n = 0;
      const double *reals = plum_state_get_reals(st, name, 0, 0, &rows, &cols, NULL);
      const gint64 *ints = reals ? NULL : plum_state_get_ints(st, name, 0, &n, NULL);
      g_string_append_printf(out, "%s:", name);
      for (size_t j = 0; reals && j < rows * cols; j++)
        g_string_append_printf(out, " %a", reals[j]);
      for (size_t j = 0; ints && j < n; j++)
        g_string_append_printf(out, " %" G_GINT64_FORMAT, ints[j]);
      g_string_append_c(out, '\n');
    }
  }
  plum_state_free(state);
  model_clear(&m);
  return g_string_free(out, FALSE);
}

/* Partial sums are added in a fixed order, so one thread and two give the same bits. The data
 * are large enough to be split into parts and blocks. */
static void
test_threads(void)
{
  static const char *const models[] = {
      "{name: kmeans, n_clusters: 6, n_init: 2}",
      "{name: kmeans, n_clusters: 6, n_init: 2, algorithm: elkan, init: forgy}",
      "{name: gaussian_mixture, n_components: 5, covariance_type: full, max_iter: 10}",
      "{name: gaussian_mixture, n_components: 5, covariance_type: diag, init: random}",
      "{name: dbscan, eps: 0.4, min_points: 8}",
  };
  GError *error = NULL;
  PlumRng *rng = plum_rng_new(77);
  PlumMatrix *X = plum_matrix_new(6000, 3, NULL);
  for (size_t i = 0; i < X->rows; i++) {
    for (size_t j = 0; j < X->cols; j++)
      PLUM_MATRIX_AT(X, i, j) = (double)(i % 5) * (j == 0 ? 2.0 : 1.0) + plum_rng_normal(rng);
  }
  for (size_t i = 0; i < G_N_ELEMENTS(models); i++) {
    char *one = fit_fingerprint(models[i], X, 1), *two = fit_fingerprint(models[i], X, 2);
    if (strcmp(one, two) != 0)
      g_error("%s: one thread and two differ", models[i]);
    g_free(one);
    g_free(two);
  }
  g_assert_true(plum_threads_set(1, &error));
  plum_matrix_free(X);
  plum_rng_free(rng);
}

/* Registration --------------------------------------------------------------------------------- */

#define KM_CASE(name, init_yaml, algorithm, iters, t)                                              \
  {                                                                                                \
    "/kmeans/" #name "/" algorithm, init_yaml, algorithm, iters, t, km_##name##_labels,            \
        km_##name##_inertia, km_##name##_n_iter, km_##name##_centers                               \
  }

#define GMM_FIRST(type)                                                                            \
  "{name: gaussian_mixture, n_components: 4, covariance_type: " type ", init: first, "             \
  "max_iter: 20, tol: 0}"
#define GMM_CASE(name, yaml, converged)                                                            \
  {                                                                                                \
    "/gaussian_mixture/" #name, yaml, gmm_##name##_score, gmm_##name##_lower_bound,                \
        gmm_##name##_bic, gmm_##name##_aic, gmm_##name##_n_iter, converged, gmm_##name##_labels,   \
        gmm_##name##_loglik5, gmm_##name##_proba5                                                  \
  }

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  GError *error = NULL;
  registry = plum_registry_new();
  g_assert_true(plum_registry_scan(registry, &error));
  g_assert_no_error(error);
  clusters = load_csv("clusters");
  dbscan_data = load_csv("dbscan");

  char *empty_init = yaml_list(km_empty_init, 12);
  char *empty_yaml = g_strdup_printf("init: given, centers: %s", empty_init);
  KmeansCase km_cases[] = {
      KM_CASE(first, "init: first", "lloyd", 300, 1e-4),
      KM_CASE(first, "init: first", "elkan", 300, 1e-4),
      KM_CASE(short, "init: first", "lloyd", 3, 0),
      KM_CASE(short, "init: first", "elkan", 3, 0),
      KM_CASE(empty, empty_yaml, "lloyd", 300, 1e-4),
      KM_CASE(empty, empty_yaml, "elkan", 300, 1e-4),
  };
  for (size_t i = 0; i < G_N_ELEMENTS(km_cases); i++)
    g_test_add_data_func(km_cases[i].path, &km_cases[i], test_kmeans_reference);
  g_test_add_func("/kmeans/predict", test_kmeans_predict);
  g_test_add_func("/kmeans/random-inits", test_kmeans_random_inits);
  g_test_add_func("/kmeans/far-from-origin", test_kmeans_far_from_origin);
  g_test_add_func("/kmeans/elkan-restarts", test_kmeans_elkan_restarts);
  g_test_add_func("/kmeans/errors", test_kmeans_errors);

  char *means = yaml_list(gmm_given_means, 12), *weights = yaml_list(gmm_given_weights, 4);
  char *precisions = yaml_list(gmm_given_precisions, 36);
  char *given_yaml = g_strdup_printf(
      "{name: gaussian_mixture, n_components: 4, init: given, max_iter: 20, tol: 0, "
      "means_init: %s, weights_init: %s, precisions_init: %s}",
      means, weights, precisions);
  GmmCase gmm_cases[] = {
      GMM_CASE(full, GMM_FIRST("full"), FALSE),
      GMM_CASE(diag, GMM_FIRST("diag"), FALSE),
      GMM_CASE(spherical, GMM_FIRST("spherical"), FALSE),
      GMM_CASE(tied, GMM_FIRST("tied"), FALSE),
      GMM_CASE(conv, "{name: gaussian_mixture, n_components: 4, init: first}", TRUE),
      GMM_CASE(given, given_yaml, FALSE),
  };
  for (size_t i = 0; i < G_N_ELEMENTS(gmm_cases); i++)
    g_test_add_data_func(gmm_cases[i].path, &gmm_cases[i], test_gmm_reference);
  g_test_add_func("/gaussian_mixture/random-inits", test_gmm_random_inits);
  g_test_add_func("/gaussian_mixture/errors", test_gmm_errors);

  DbscanCase db_cases[] = {
      {"/dbscan/euclidean", "{name: dbscan, eps: 0.5, min_points: 5}", db_euclid_labels},
      {"/dbscan/manhattan", "{name: dbscan, eps: 0.6, min_points: 6, metric: manhattan}",
       db_manhattan_labels},
      {"/dbscan/single", "{name: dbscan, eps: 0.3, min_points: 1}", db_single_labels},
      {"/dbscan/sparse", "{name: dbscan, eps: 0.05, min_points: 3}", db_noise_labels},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(db_cases); i++)
    g_test_add_data_func(db_cases[i].path, &db_cases[i], test_dbscan_reference);
  g_test_add_func("/dbscan/brute-force", test_dbscan_brute_force);
  g_test_add_func("/dbscan/predict", test_dbscan_predict);
  g_test_add_func("/dbscan/errors", test_dbscan_errors);
  g_test_add_func("/clustering/threads", test_threads);

  int status = g_test_run();
  g_free(given_yaml);
  g_free(means);
  g_free(weights);
  g_free(precisions);
  g_free(empty_yaml);
  g_free(empty_init);
  plum_dataset_free(clusters);
  plum_dataset_free(dbscan_data);
  plum_registry_free(registry);
  return status;
}
