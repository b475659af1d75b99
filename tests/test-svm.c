/* test-svm.c — the svc and svr plugins against libsvm, driven through the ABI.
 *
 * Support-vector counts, intercepts, decision values and predictions are checked against
 * scikit-learn's libsvm (tests/reference/svm.py, which also wrote tests/data/svm_*.csv and
 * tests/data/svr.csv) for binary and 3-class problems with linear and RBF kernels, weighted
 * classes and rows, and ε-SVR. Platt probabilities depend on random folds, so they are checked
 * for calibration and for agreeing with the decision values rather than against libsvm's.
 * The solver's cache and shrinking change its speed, never its answer; every kernel plugin can
 * drive it; saved models predict the same after loading; bad input is a clear error.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <plum/plum.h>

#include "plugin-util.h"

static PlumRegistry *registry;

/* Reference values ------------------------------------------------------------------------- */

/* Printed by tests/reference/svm.py (scikit-learn 1.2.1). */
/* binary_rbf: SVC(gamma=0.5) */
static const int binary_rbf_n_support[] = {42, 60};
static const double binary_rbf_intercept[] = {-0.70066566795372942};
static const double binary_rbf_decision[] = {
    -0.67871753146335567, -1.0167877907916525,  1.2149809017883468,   -1.5841382840656177,
    1.3813523153439022,   0.25137453434965729,  -0.56047552108981014, 1.3999761531902188,
    -0.71216381202254375, 0.38789328187404004,  -1.4875713710540166,  0.6325125388215177,
    -1.2777469284849179,  -1.2037334671727418,  -1.3095997700664515,  -0.86747979238852069,
    0.36216454659882402,  1.5502852579825652,   -1.3187852632045922,  -1.0072940748421249,
    -0.45082645660914072, 0.10783415656220163,  -1.1434258606317187,  0.55679518536263173,
    0.54331327094865289,  -0.8914202672983278,  -1.0053686527640084,  1.3608817215656623,
    -0.73280485162895292, -1.0374114629409252,  -0.26466581965803726, 1.2124303562463838,
    1.1589006672055842,   0.64151384507354126,  0.33983460241482899,  -0.87841152721338378,
    -0.06207893202710657, -0.85181388636052702, 0.52650806484293777,  0.32905198336852937};
static const int binary_rbf_predict[] = {1, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1, 0, 1, 1,
                                         1, 1, 0, 0, 1, 1, 1, 0, 1, 0, 0, 1, 1, 0,
                                         1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0};
/* binary_weighted: SVC(class_weight={0: 2.0, 1: 0.5}, gamma=0.5) */
static const int binary_weighted_n_support[] = {31, 83};
static const double binary_weighted_intercept[] = {-0.4460407623620245};
static const double binary_weighted_decision[] = {
    -0.26967566109320151,  -0.66273931082556614, 1.1936984111815527,   -1.1459351829848523,
    1.4398054212458669,    0.42483716824769591,  -0.47251129144833487, 1.3386838855025429,
    -0.40663324734231987,  0.83174828411875479,  -1.2345958089246898,  0.76966113784058787,
    -1.087636961429348,    -0.49020216527863358, -0.81880207356605317, -0.64704505957086478,
    0.67363367052927459,   1.7543749909252808,   -0.88774235586482497, -0.38757457777927723,
    0.057761804594234523,  0.88560118615932149,  -0.53767104156671941, 0.99739915055003003,
    0.96427773366004066,   -0.47572984514131339, -0.23959789216907162, 1.4351012899173123,
    0.0073339059934542372, -0.44907677812386793, 0.13959170653006658,  1.5314259482698196,
    1.3128484620673349,    0.90013328780980484,  0.69725476687489951,  -0.44756297357308594,
    0.41938043247572976,   -0.48496454174961057, 1.3871952033072619,   1.1472157967953609};
static const int binary_weighted_predict[] = {1, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1, 0, 1, 1,
                                              1, 1, 0, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 0,
                                              0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0};
/* binary_linear: SVC(kernel='linear') */
static const int binary_linear_n_support[] = {21, 22};
static const double binary_linear_intercept[] = {0.21700623880551043};
static const double binary_linear_decision[] = {
    3.7362100641170075,   2.7712625053084232,   0.98337614904296844, 3.4429807248856692,
    4.6826705963385482,   -2.3136474935950333,  -3.0907306514981276, 3.4362532102011953,
    3.7565882251387701,   3.9671424388723415,   0.14948885498534095, 2.1530836455121736,
    -3.7432904274827581,  4.6508044606756638,   3.9494646381941516,  -1.2137885093380998,
    -4.9072742282002819,  1.0559284256890249,   1.7223875864028535,  4.0121260914018526,
    5.6922955534242297,   -1.0735191908616393,  -3.0232024656944296, -1.5351807879820314,
    -1.05316175177675,    -3.7295701019179632,  0.10969713224948854, 1.7725451215867836,
    3.4925378558770133,   1.0006904567040691,   2.8712755101959204,  0.61054249489190426,
    -0.72990224359115163, 1.9476814392640647,   -2.1672405009340978, 0.42411186982035698,
    -2.443427506946501,   -0.59580883808669205, -2.4296891909808287, 1.2775639832376311};
static const int binary_linear_predict[] = {0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0,
                                            0, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0,
                                            0, 0, 0, 0, 1, 0, 1, 0, 1, 1, 1, 0};
/* iris_rbf: SVC(decision_function_shape='ovo', gamma=0.25) */
static const int iris_rbf_n_support[] = {7, 19, 19};
static const double iris_rbf_intercept[] = {-0.039856910512058322, -0.16777453209430271,
                                            -0.14370468754313701};
static const double iris_rbf_decision[] = {
    1.2384295346012744,   1.1376944349870468,   0.10890597321697579,  1.1670553128407681,
    1.1132679638921472,   0.15604895462708809,  1.0446541171935384,   1.0723187570920458,
    0.2866802463667828,   1.1225500255759273,   1.0941766727812734,   0.16957527283701138,
    1.2546710423768934,   1.1381446089549601,   0.076439852175565981, -0.99942446167469423,
    -0.79670539450972189, 1.0959533561200983,   -1.1008713323147812,  -0.40343521896922518,
    0.99958749562355742,  -1.0264111336513666,  -1.0059524219697591,  0.018816244431267198,
    -1.2719968244532527,  -0.62286522099224806, 1.5570231729535726,   -1.2278280219068776,
    -0.90725711984294499, 1.0531651269034572,   -0.47736818587100277, -0.99988923885192316,
    -2.1502727771721983,  -0.91251705958302187, -1.0339648346354009,  -0.68737691309079163,
    -0.62720078020769154, -1.0977054102594845,  -1.7210443621778477,  -0.50036476162372256,
    -1.0982869002435525,  -1.4526354160853092,  -0.64658030768534258, -1.079290280319726,
    -1.8591135849210449};
static const int iris_rbf_predict[] = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2};
/* iris_linear: SVC(decision_function_shape='ovo', kernel='linear') */
static const int iris_linear_n_support[] = {3, 12, 12};
static const double iris_linear_intercept[] = {1.4528444969775751, 1.5077131251781049,
                                               6.7809711851102712};
static const double iris_linear_decision[] = {
    1.5439773327462898,   1.284980471318766,    9.9820008750272784,  1.5340318696999968,
    1.2647653168752198,   10.15233030570511,    1.1770681067715596,  1.1034100363072328,
    9.4539603015550959,   1.1487728512882025,   1.1078980074370743,  9.0075915123012642,
    1.6024946695893962,   1.3102999798355579,   9.9249207893036804,  -2.5672717019737243,
    -0.90990012360500416, 1.7114147320813764,   -1.7108685329045994, -0.34718876793746145,
    2.5914594087892944,   -2.8023436855976565,  -1.0727481954179192, 0.050746167228748362,
    -1.8728510452165683,  -0.46997248584364848, 2.4688382692829727,  -2.4168542329901337,
    -0.78644225924675148, 1.2443883162194957,   -4.2972732087284138, -1.9084556696029671,
    -3.4552760576577732,  -3.2238381500361166,  -1.2970699727493822, -0.60251558164907593,
    -3.9834072699479117,  -1.7106957640701739,  -2.1848070228285259, -4.4305755909501423,
    -1.884272594745797,   -2.2864970223146379,  -3.9723823592515553, -1.7025480639984141,
    -2.398826914524907};
static const int iris_linear_predict[] = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2};
/* digits_rbf: SVC(decision_function_shape='ovo', gamma=0.001) */
static const int digits_rbf_n_support[] = {45, 101, 76, 80, 78, 84, 55, 81, 108, 104};
static const double digits_rbf_intercept[] = {
    -0.4291698594222294,   -0.35096285338890842,  -0.30646267844412284,  -0.38004323756431135,
    -0.42466678839471361,  -0.18143974074098737,  -0.3444796379154797,   -0.37176526765303003,
    -0.37755144209842656,  0.16889942413947392,   0.22590359503043908,   0.085761739777505092,
    0.11297941719703739,   0.30022487675485782,   0.073626555904306265,  0.23856947559795291,
    0.15140564255803401,   0.068295240789500833,  -0.028297979402592943, -0.022281321743252081,
    0.20773030116392516,   -0.039054827884015916, -0.033650228268753635, -0.034311394730906795,
    -0.12137714597845367,  -0.081372641648285643, 0.12070281121907053,   -0.14310467410117911,
    -0.12246136524515329,  -0.077511684272143708, 0.058707455963105816,  0.27840930609628273,
    0.03323190784194572,   0.022293291066980313,  -0.018888382241215272, 0.27309127134969818,
    0.0069127961040377495, 0.037240563151945918,  -0.1511754671303952,   -0.19201727848542141,
    -0.28008519500026957,  -0.23426146251546398,  0.078071089861726312,  -0.019028649787334199,
    -0.128094365758677};
static const double digits_rbf_decision[] = {
    1.5097092943687582,    1.49184164114937,      1.4784289056318123,    1.4929256050706958,
    1.6457156384534035,    1.575587688313314,     1.3969239194950631,    1.5379616788739823,
    1.4564311318957517,    -0.22572025036058271,  -0.45696016439328768,  -0.20794210916941971,
    -0.66730577478427511,  -0.24766036974147149,  -0.26575479298079419,  -0.74986860114235931,
    -0.69862372251531002,  -0.17189682644458285,  -0.032747615433397659, -0.36596412920720084,
    -0.033754733012528459, 0.0096315150326379342, -0.26871457280930389,  -0.54394584378303978,
    0.13053937302573349,   -0.40263431343004341,  0.083877544427105391,  0.14033872761287647,
    -0.024946463961339413, -0.69753788957243001,  -0.35417304510948844,  -0.038439012300058417,
    0.032708620304735821,  -0.33507885693521983,  -0.41008018081502989,  0.18545243628549865,
    0.42175696579325861,   0.30442655203211061,   -0.15119761734892798,  0.076451431923099195,
    -0.16726503942843393,  -0.31389244542628603,  -0.34801201219996725,  -0.48144485015838728,
    -0.5881768159721632,   1.2332570043438014,    1.2606006998584116,    1.2512069042591913,
    1.0807250005355948,    1.1858825268475335,    1.017696692170716,     1.1333665259017875,
    1.0421987426456816,    1.133323614471367,     0.060684912002867325,  -0.022983794629565985,
    -0.24493620459227203,  -0.49073012473156719,  -0.62679896342958141,  -0.083623439533427726,
    -0.9124563505606057,   -0.3996402011686585,   0.027080436586052845,  -0.3070400108656236,
    -0.46205283979925699,  -0.49863036461014437,  -0.1095546487840125,   -0.69610225988870089,
    -0.43680846784934529,  -0.27807282015036611,  -0.65544230580631235,  -0.53642323247426482,
    -0.18378479469784059,  -0.75537206070048091,  -0.7143805111126581,   -0.20148439246925906,
    -0.27116542139070882,  0.19373050918754106,   -0.47864157968624421,  -0.053621627978541753,
    -0.32337279818293846,  0.41896014070390997,   0.011682894038689086,  0.11012466116592257,
    0.43480314105528473,   0.17026992172895716,   0.2606748319998558,    -0.69457923040229275,
    -0.29394366849645592,  0.2509305993710394};
static const int digits_rbf_predict[] = {
    0, 0, 0, 0, 8, 2, 3, 1, 1, 1, 4, 4, 5, 0, 0, 0, 0, 8, 2, 3, 1, 1, 9, 5, 7, 4, 4, 4, 4, 6,
    7, 2, 4, 5, 2, 7, 6, 8, 4, 4, 4, 4, 6, 7, 2, 4, 5, 2, 7, 6, 8, 4, 4, 4, 4, 6, 7, 2, 4, 5,
    2, 7, 6, 8, 4, 4, 4, 4, 6, 7, 2, 4, 5, 2, 7, 6, 8, 4, 4, 4, 4, 6, 7, 2, 4, 5, 2, 7, 6, 8,
    4, 5, 5, 5, 5, 3, 6, 4, 0, 3, 1, 5, 9, 1, 1, 1, 9, 4, 8, 3, 9, 3, 1, 3, 2, 8, 3, 3, 3, 5,
    7, 8, 3, 9, 3, 1, 3, 2, 8, 3, 3, 3, 5, 7, 8, 3, 9, 3, 1, 3, 2, 8, 5, 5, 5, 5, 3, 0, 6, 2,
    1, 6, 9, 2, 9, 5, 5, 7, 9, 1, 2, 6, 0, 3, 1, 5, 4, 3, 3, 3, 5, 7, 8, 3, 9, 3, 1, 3, 2, 8};
/* svr_rbf: SVR(gamma=0.5) */
static const int svr_rbf_n_support[] = {71};
static const double svr_rbf_intercept[] = {-0.0050083056262907365};
static const double svr_rbf_predict[] = {
    -0.43923085049065491,  1.0457585902516633,   -0.095861472191617739, -1.2612654755627644,
    -0.17285884829026957,  0.052780608811781475, 0.18660013193888766,   1.0219979209147141,
    -0.55083191580335078,  1.4538552164142859,   -0.51830360758739269,  -0.10753555852041299,
    0.32676373681277304,   -1.2880921872363753,  -1.3185766941631494,   -0.18383618901576826,
    0.8475794408550984,    0.50143802830488582,  1.3254709046821067,    -0.29735545359075949,
    -0.50524380083417364,  -0.1709191152542506,  0.71947071792623807,   0.80204291009109085,
    0.75427182515801394,   0.92803161568946668,  0.3314868759969698,    -0.19433636277399174,
    -0.061183889443178978, 0.086203989743209128};
/* svr_linear: SVR(epsilon=0.2, kernel='linear') */
static const int svr_linear_n_support[] = {95};
static const double svr_linear_intercept[] = {-0.072305617487705684};
static const double svr_linear_predict[] = {
    -0.50811570881976398, 0.72113262666802558,  -0.43997909041257355, -0.69315486532351422,
    -1.1454470058559394,  -0.39136255872402514, 0.041962760206012653, 0.74463905837750621,
    -0.17018785095435929, 0.58092635351899191,  0.48703755499822698,  -0.14664666564341244,
    -0.22794143433136638, -0.74425574346532364, -0.98116943272276713, -0.46991251787962018,
    0.16816216257759242,  -0.16789881723678479, 0.61350288767600847,  0.43255491012604574,
    0.64673096338660885,  -0.38548018448630983, 0.15347424838963453,  0.97121131944201422,
    0.63955447943508559,  0.33953753670163656,  -0.14802184537844032, -0.32351239990926417,
    -0.36366756576253034, -0.30565641689387979};

/* Length scales of squared_exponential for libsvm's γ: ℓ = 1/√(2γ). */
#define RBF_GAMMA_HALF "{name: squared_exponential, length_scale: 1}"
#define RBF_GAMMA_QUARTER "{name: squared_exponential, length_scale: 1.4142135623730951}"
#define RBF_GAMMA_MILLI "{name: squared_exponential, length_scale: 22.360679774997898}"

/* Both stop at tol = 1e-3, but the solver takes libsvm's path step for step (the same working
 * pairs, shrinking and single-precision kernel rows), so only the rounding of kernel values
 * differs: decision values and intercepts agree to about 1e-13. */
#define DECISION_TOL 1e-9

/* Helpers ------------------------------------------------------------------------------------ */

typedef TestModel Model;

/* Binds `model: YAML`; NULL with the binder's error when it is refused. */
static PlumBinding *
bind_model(const char *yaml, GError **error)
{
  return test_bind(registry, PLUM_KIND_MODEL, "model", yaml, error);
}

static Model
model_new(const char *yaml)
{
  GError *error = NULL;
  Model m = {.binding = bind_model(yaml, &error)};
  g_assert_no_error(error);
  m.vt = plum_component_vtable(plum_binding_component(m.binding));
  m.self = m.vt->create(plum_binding_params(m.binding), &error);
  g_assert_no_error(error);
  return m;
}

static void
model_free(Model *m)
{
  m->vt->destroy(m->self);
  plum_binding_free(m->binding);
}

/* tests/data/NAME.csv, or data/NAME.csv when shipped is set. */
static PlumDataset *
load_csv(const char *name, gboolean shipped, PlumTargetMode target)
{
  GError *error = NULL;
  PlumCsvOptions opts;
  plum_csv_options_init(&opts);
  opts.target = target;
  char *file = g_strconcat(name, ".csv", NULL);
  char *path = shipped ? g_test_build_filename(G_TEST_DIST, "data", file, NULL)
                       : g_test_build_filename(G_TEST_DIST, "tests", "data", file, NULL);
  PlumDataset *ds = plum_csv_read(path, &opts, &error);
  g_assert_no_error(error);
  g_free(path);
  g_free(file);
  return ds;
}

/* The first n_train rows of ds train; the rest, or every tenth row when none is left, test. */
typedef struct {
  PlumDataset *ds;
  PlumMatrix X, y, X_test;
  PlumMatrix *every_tenth;
} Split;

static Split
split_new(const char *name, gboolean shipped, PlumTargetMode target, size_t n_train)
{
  Split s = {.ds = load_csv(name, shipped, target)};
  size_t n = s.ds->X->rows;
  s.X = plum_matrix_rows(s.ds->X, 0, n_train);
  s.y = plum_matrix_rows(s.ds->y, 0, n_train);
  if (n_train < n) {
    s.X_test = plum_matrix_rows(s.ds->X, n_train, n - n_train);
    return s;
  }
  s.every_tenth = plum_matrix_new((n + 9) / 10, s.X.cols, NULL);
  for (size_t i = 0; i < n; i += 10)
    memcpy(PLUM_MATRIX_ROW(s.every_tenth, i / 10), PLUM_MATRIX_ROW(&s.X, i),
           s.X.cols * sizeof(double));
  s.X_test = *s.every_tenth;
  return s;
}

static void
split_free(Split *s)
{
  plum_matrix_free(s->every_tenth);
  plum_dataset_free(s->ds);
}

static PlumFitData
fit_data(const Split *s, PlumRng *rng)
{
  return (PlumFitData){.struct_size = sizeof(PlumFitData),
                       .X = &s->X,
                       .y = &s->y,
                       .n_classes = s->ds->n_classes,
                       .rng = rng};
}

static void
fit_ok(Model *m, const PlumFitData *fd)
{
  GError *error = NULL;
  gboolean ok = m->vt->fit(m->self, fd, &error);
  g_assert_no_error(error);
  g_assert_true(ok);
}

typedef gboolean (*OutputFunc)(const void *self, const PlumMatrix *X, PlumMatrix *out,
                               GError **error);

/* (transfer full) One of the model's outputs on X, cols wide. */
static PlumMatrix *
output(const Model *m, OutputFunc f, const PlumMatrix *X, size_t cols)
{
  GError *error = NULL;
  PlumMatrix *out = plum_matrix_new(X->rows, cols, &error);
  g_assert_no_error(error);
  g_assert_true(f(m->self, X, out, &error));
  g_assert_no_error(error);
  return out;
}

static PlumModelShape
shape_of(const Model *m)
{
  PlumModelShape shape = {.struct_size = sizeof shape};
  m->vt->shape(m->self, &shape);
  return shape;
}

static PlumMatrix *
decisions(const Model *m, const PlumMatrix *X)
{
  return output(m, m->vt->transform, X, shape_of(m).n_transform);
}

static PlumMatrix *
predictions(const Model *m, const PlumMatrix *X)
{
  return output(m, m->vt->predict, X, 1);
}

static PlumMatrix *
probabilities(const Model *m, const PlumMatrix *X)
{
  return output(m, m->vt->predict_proba, X, shape_of(m).n_classes);
}

static void
assert_close(const char *what, const double *got, const double *want, size_t n, double tol)
{
  double worst = 0;
  for (size_t i = 0; i < n; i++) {
    if (!(fabs(got[i] - want[i]) <= tol))
      g_error("%s[%zu]: got %.17g, want %.17g (tolerance %g)", what, i, got[i], want[i], tol);
    worst = fmax(worst, fabs(got[i] - want[i]));
  }
  g_test_message("%s: largest difference %.3g", what, worst);
}

static PlumState *
saved(const Model *m)
{
  GError *error = NULL;
  PlumState *state = plum_state_new();
  g_assert_true(m->vt->save(m->self, state, &error));
  g_assert_no_error(error);
  return state;
}

/* Support vectors per class equal libsvm's within 1 % (at least one vector) of their total. */
static void
assert_n_support(const PlumState *state, const int *want, size_t k)
{
  GError *error = NULL;
  gint64 total = 0, want_total = 0, n_sv;
  if (k > 1) {
    const gint64 *got = plum_state_get_ints(state, "n_support", k, NULL, &error);
    g_assert_no_error(error);
    for (size_t c = 0; c < k; c++) {
      g_test_message("class %zu: %" G_GINT64_FORMAT " support vectors, libsvm %d", c, got[c],
                     want[c]);
      total += got[c];
    }
  }
  g_assert_true(plum_state_get_int(state, "n_sv", &n_sv, &error));
  for (size_t c = 0; c < k; c++)
    want_total += want[c];
  if (k > 1)
    g_assert_cmpint(total, ==, n_sv);
  g_assert_cmpint(llabs(n_sv - want_total), <=, MAX(1, (want_total + 99) / 100));
}

typedef struct {
  const int *n_support;
  size_t k; /* classes (1 for svr) */
  const double *intercept;
  const double *decision; /* svc: libsvm's one-vs-one values */
  size_t decision_rows;   /* of the test points, those with decision values (0: all) */
  const int *labels;      /* svc */
  const double *values;   /* svr predictions */
} Reference;

static void
assert_matches(const Model *m, const PlumMatrix *X_test, const Reference *ref)
{
  GError *error = NULL;
  PlumState *state = saved(m);
  assert_n_support(state, ref->n_support, ref->k);
  size_t np = ref->k > 1 ? ref->k * (ref->k - 1) / 2 : 1;
  const double *b = plum_state_get_reals(state, "intercept", 1, np, NULL, NULL, &error);
  g_assert_no_error(error);
  assert_close("intercept", b, ref->intercept, np, DECISION_TOL);
  PlumMatrix *pred = predictions(m, X_test);
  if (ref->values != NULL) {
    assert_close("prediction", pred->data, ref->values, X_test->rows, DECISION_TOL);
  } else {
    PlumMatrix *D = decisions(m, X_test);
    size_t rows = ref->decision_rows > 0 ? ref->decision_rows : X_test->rows;
    assert_close("decision", D->data, ref->decision, rows * np, DECISION_TOL);
    for (size_t i = 0; i < X_test->rows; i++)
      g_assert_cmpfloat(pred->data[i], ==, ref->labels[i]);
    plum_matrix_free(D);
  }
  plum_matrix_free(pred);
  plum_state_free(state);
}

/* Fits `yaml` on the split and compares with the reference. */
static void
check_against_libsvm(const char *yaml, const Split *s, const double *sample_weight,
                     const Reference *ref)
{
  PlumRng *rng = plum_rng_new(1);
  Model m = model_new(yaml);
  PlumFitData fd = fit_data(s, rng);
  fd.sample_weight = sample_weight;
  fd.report = plum_state_new();
  fit_ok(&m, &fd);
  gint64 n_iter = 0;
  g_assert_true(plum_state_get_int(fd.report, "n_iter", &n_iter, NULL));
  g_test_message("%s: %" G_GINT64_FORMAT " iterations", yaml, n_iter);
  plum_state_free(fd.report);
  assert_matches(&m, &s->X_test, ref);
  model_free(&m);
  plum_rng_free(rng);
}

#define SVC_REF(name, classes, dec_rows)                                                           \
  (&(Reference){.n_support = name##_n_support,                                                     \
                .k = (classes),                                                                    \
                .intercept = name##_intercept,                                                     \
                .decision = name##_decision,                                                       \
                .decision_rows = (dec_rows),                                                       \
                .labels = name##_predict})
#define SVR_REF(name)                                                                              \
  (&(Reference){.n_support = name##_n_support,                                                     \
                .k = 1,                                                                            \
                .intercept = name##_intercept,                                                     \
                .values = name##_predict})

/* Against libsvm ------------------------------------------------------------------------------ */

static void
test_binary(void)
{
  Split s = split_new("svm_binary", FALSE, PLUM_TARGET_CLASS, 160);
  check_against_libsvm("{name: svc, kernel: " RBF_GAMMA_HALF "}", &s, NULL,
                       SVC_REF(binary_rbf, 2, 0));
  double w[160];
  for (size_t i = 0; i < 160; i++)
    w[i] = 0.5 + (double)(i % 3) / 2.0;
  check_against_libsvm("{name: svc, class_weight: [2, 0.5], kernel: " RBF_GAMMA_HALF "}", &s, w,
                       SVC_REF(binary_weighted, 2, 0));
  split_free(&s);
  s = split_new("svm_linear", FALSE, PLUM_TARGET_CLASS, 160);
  check_against_libsvm("{name: svc, kernel: linear}", &s, NULL, SVC_REF(binary_linear, 2, 0));
  split_free(&s);
}

static void
test_iris(void)
{
  Split s = split_new("iris", TRUE, PLUM_TARGET_CLASS, 150);
  check_against_libsvm("{name: svc, kernel: " RBF_GAMMA_QUARTER "}", &s, NULL,
                       SVC_REF(iris_rbf, 3, 0));
  check_against_libsvm("{name: svc, kernel: linear}", &s, NULL, SVC_REF(iris_linear, 3, 0));
  split_free(&s);
}

/* Ten classes, 45 machines of a few hundred rows each: shrinking and the cache at work. */
static void
test_digits(void)
{
  Split s = split_new("digits", TRUE, PLUM_TARGET_CLASS, 1797);
  check_against_libsvm("{name: svc, kernel: " RBF_GAMMA_MILLI "}", &s, NULL,
                       SVC_REF(digits_rbf, 10, 2));
  split_free(&s);
}

static void
test_svr(void)
{
  Split s = split_new("svr", FALSE, PLUM_TARGET_REAL, 120);
  check_against_libsvm("{name: svr, epsilon: 0.1, kernel: " RBF_GAMMA_HALF "}", &s, NULL,
                       SVR_REF(svr_rbf));
  check_against_libsvm("{name: svr, epsilon: 0.2, kernel: linear}", &s, NULL, SVR_REF(svr_linear));
  split_free(&s);
}

/* Probabilities ------------------------------------------------------------------------------ */

static double
saved_real(const PlumState *state, const char *name, size_t i, size_t n)
{
  GError *error = NULL;
  const double *v = plum_state_get_reals(state, name, 1, n, NULL, NULL, &error);
  g_assert_no_error(error);
  return v[i];
}

static void
assert_distributions(const PlumMatrix *P)
{
  for (size_t i = 0; i < P->rows; i++) {
    double total = 0;
    for (size_t c = 0; c < P->cols; c++) {
      double p = PLUM_MATRIX_AT(P, i, c);
      g_assert_cmpfloat(p, >, 0);
      g_assert_cmpfloat(p, <, 1);
      total += p;
    }
    g_assert_cmpfloat_with_epsilon(total, 1.0, 1e-9);
  }
}

/* Mean log-loss of P against class indices y, and of the best constant (the class shares). */
static void
log_losses(const PlumMatrix *P, const PlumMatrix *y, double *model, double *prior)
{
  size_t n = P->rows, k = P->cols;
  double *share = g_new0(double, k);
  *model = *prior = 0;
  for (size_t i = 0; i < n; i++)
    share[(size_t)PLUM_MATRIX_AT(y, i, 0)] += 1.0 / (double)n;
  for (size_t i = 0; i < n; i++) {
    size_t c = (size_t)PLUM_MATRIX_AT(y, i, 0);
    *model -= log(PLUM_MATRIX_AT(P, i, c)) / (double)n;
    *prior -= log(share[c]) / (double)n;
  }
  g_free(share);
}

/* Two classes: P(class 0) rises with the decision value (A < 0), the mean probability of each
 * class matches its share of the training rows, and the log-loss beats the class shares'. */
static void
test_probability_binary(void)
{
  Split s = split_new("svm_binary", FALSE, PLUM_TARGET_CLASS, 160);
  PlumRng *rng = plum_rng_new(3);
  Model m = model_new("{name: svc, probability: true, kernel: " RBF_GAMMA_HALF "}");
  PlumFitData fd = fit_data(&s, rng);
  fit_ok(&m, &fd);
  g_assert_cmpuint(shape_of(&m).n_classes, ==, 2);
  PlumState *state = saved(&m);
  g_assert_cmpfloat(saved_real(state, "prob_a", 0, 1), <, 0);
  PlumMatrix *P = probabilities(&m, s.ds->X), *D = decisions(&m, s.ds->X);
  assert_distributions(P);
  size_t n = P->rows;
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++)
      if (D->data[i] < D->data[j])
        g_assert_cmpfloat(PLUM_MATRIX_AT(P, i, 0), <=, PLUM_MATRIX_AT(P, j, 0));
  double mean1 = 0, share1 = 0;
  for (size_t i = 0; i < 160; i++) {
    mean1 += PLUM_MATRIX_AT(P, i, 1) / 160;
    share1 += s.y.data[i * s.y.ld] / 160;
  }
  g_test_message("mean P(class 1) %.4f, share of class 1 %.4f", mean1, share1);
  g_assert_cmpfloat(fabs(mean1 - share1), <, 0.05);
  double model, prior;
  log_losses(P, s.ds->y, &model, &prior);
  g_test_message("log-loss %.4f, class shares %.4f", model, prior);
  g_assert_cmpfloat(model, <, 0.6 * prior);
  plum_matrix_free(D);
  plum_matrix_free(P);
  plum_state_free(state);
  model_free(&m);
  plum_rng_free(rng);
  split_free(&s);
}

/* Three classes: coupled distributions whose most likely class is nearly always the vote's,
 * and the same probabilities from the same seed. */
static void
test_probability_iris(void)
{
  Split s = split_new("iris", TRUE, PLUM_TARGET_CLASS, 150);
  const char *yaml = "{name: svc, probability: true, kernel: " RBF_GAMMA_QUARTER "}";
  PlumMatrix *P[2];
  for (int run = 0; run < 2; run++) {
    PlumRng *rng = plum_rng_new(11);
    Model m = model_new(yaml);
    PlumFitData fd = fit_data(&s, rng);
    fit_ok(&m, &fd);
    P[run] = probabilities(&m, &s.X);
    PlumMatrix *pred = predictions(&m, &s.X);
    size_t agree = 0;
    for (size_t i = 0; i < s.X.rows; i++) {
      const double *row = PLUM_MATRIX_ROW(P[run], i);
      size_t best = 0;
      for (size_t c = 1; c < 3; c++)
        best = row[c] > row[best] ? c : best;
      agree += best == (size_t)pred->data[i];
    }
    g_assert_cmpuint(agree, >=, 145);
    plum_matrix_free(pred);
    model_free(&m);
    plum_rng_free(rng);
  }
  assert_distributions(P[0]);
  g_assert_cmpmem(P[0]->data, P[0]->rows * 3 * sizeof(double), P[1]->data,
                  P[1]->rows * 3 * sizeof(double));
  double model, prior;
  log_losses(P[0], &s.y, &model, &prior);
  g_test_message("log-loss %.4f, class shares %.4f", model, prior);
  g_assert_cmpfloat(model, <, 0.2 * prior);
  plum_matrix_free(P[0]);
  plum_matrix_free(P[1]);
  split_free(&s);
}

/* The solver ------------------------------------------------------------------------------------
 */

/* The decision values (svc) or predictions (svr) on the test rows after fitting `yaml`. */
static PlumMatrix *
fitted_outputs(const char *yaml, const Split *s)
{
  PlumRng *rng = plum_rng_new(1);
  Model m = model_new(yaml);
  PlumFitData fd = fit_data(s, rng);
  fit_ok(&m, &fd);
  PlumMatrix *out = m.vt->transform ? decisions(&m, &s->X_test) : predictions(&m, &s->X_test);
  model_free(&m);
  plum_rng_free(rng);
  return out;
}

/* A cache of two rows (evictions, one row per Gram block, rows dropped when shrinking swaps
 * them) gives the same machine as a cache that holds everything; without shrinking the path
 * differs but the answer stays within the tolerance. */
static void
check_cache_and_shrinking(const char *name, const char *kernel, const Split *s)
{
  char *yaml[3] = {
      g_strdup_printf("{name: %s, kernel: %s}", name, kernel),
      g_strdup_printf("{name: %s, cache_size: 0.0001, kernel: %s}", name, kernel),
      g_strdup_printf("{name: %s, shrinking: false, kernel: %s}", name, kernel),
  };
  PlumMatrix *out[3];
  for (int v = 0; v < 3; v++)
    out[v] = fitted_outputs(yaml[v], s);
  size_t n = out[0]->rows * out[0]->cols;
  assert_close("tiny cache", out[1]->data, out[0]->data, n, 1e-12);
  assert_close("no shrinking", out[2]->data, out[0]->data, n, 1e-3);
  for (int v = 0; v < 3; v++) {
    plum_matrix_free(out[v]);
    g_free(yaml[v]);
  }
}

static void
test_cache_and_shrinking(void)
{
  Split s = split_new("digits", TRUE, PLUM_TARGET_CLASS, 1797);
  check_cache_and_shrinking("svc", RBF_GAMMA_MILLI, &s);
  split_free(&s);
  /* A hard margin: long enough for shrinking to set rows aside. */
  s = split_new("svm_binary", FALSE, PLUM_TARGET_CLASS, 160);
  check_cache_and_shrinking("svc, C: 1000", RBF_GAMMA_HALF, &s);
  split_free(&s);
  s = split_new("svr", FALSE, PLUM_TARGET_REAL, 120);
  check_cache_and_shrinking("svr", "linear", &s);
  split_free(&s);
}

/* Kernels ----------------------------------------------------------------------------------------
 */

static PlumBinding *
bind_kernel(const char *yaml)
{
  GError *error = NULL;
  PlumBinding *k = test_bind(registry, PLUM_KIND_KERNEL, "kernel", yaml, &error);
  g_assert_no_error(error);
  return k;
}

/* Σ_s coef_s k(x_s, x) + b from the saved state, pair by pair, one kernel value at a time. */
static double
pointwise_decision(const PlumState *state, const PlumBinding *kernel, const double *x, size_t d)
{
  GError *error = NULL;
  gint64 n_sv;
  g_assert_true(plum_state_get_int(state, "n_sv", &n_sv, &error));
  const double *sv =
      plum_state_get_reals(state, "support_vectors", (size_t)n_sv, d, NULL, NULL, &error);
  const double *coef =
      plum_state_get_reals(state, "dual_coef", 1, (size_t)n_sv, NULL, NULL, &error);
  g_assert_no_error(error);
  double v = saved_real(state, "intercept", 0, 1);
  for (gint64 j = 0; j < n_sv; j++)
    v += coef[j] * plum_kernel_eval(kernel, sv + (size_t)j * d, x, d);
  return v;
}

/* Any kernel drives the machine: the decision values (through Gram blocks) equal the pointwise
 * sum over the support vectors, and the circle is learned by every kernel that can bend. */
static void
test_kernels(void)
{
  static const struct {
    const char *kernel;
    double min_accuracy;
  } cases[] = {
      {"linear", 0},
      {"{name: polynomial, degree: 2, offset: 1}", 0.85},
      {"{name: exponential, length_scale: 2}", 0.8},
      {"matern32", 0.85},
      {"matern52", 0.85},
      {"{name: rational_quadratic, alpha: 2}", 0.85},
      {"{name: squared_exponential, length_scales: [1, 1, 3, 3]}", 0.85},
      {"{name: sum, kernels: [linear, squared_exponential]}", 0.85},
      {"{name: product, kernels: [constant, matern52]}", 0.85},
      {"{name: hyperbolic_tangent, scale: 0.1}", 0},
  };
  Split s = split_new("svm_binary", FALSE, PLUM_TARGET_CLASS, 160);
  for (size_t c = 0; c < G_N_ELEMENTS(cases); c++) {
    char *yaml = g_strdup_printf("{name: svc, kernel: %s}", cases[c].kernel);
    PlumRng *rng = plum_rng_new(1);
    Model m = model_new(yaml);
    PlumFitData fd = fit_data(&s, rng);
    fit_ok(&m, &fd);
    PlumBinding *kernel = bind_kernel(cases[c].kernel);
    PlumState *state = saved(&m);
    PlumMatrix *D = decisions(&m, &s.X_test), *pred = predictions(&m, &s.X_test);
    size_t correct = 0, n = s.X_test.rows;
    for (size_t i = 0; i < n; i++) {
      double want = pointwise_decision(state, kernel, PLUM_MATRIX_ROW(&s.X_test, i), 4);
      g_assert_cmpfloat_with_epsilon(D->data[i], want, 1e-9 * fmax(1, fabs(want)));
      correct += pred->data[i] == PLUM_MATRIX_AT(s.ds->y, 160 + i, 0);
    }
    g_test_message("%s: test accuracy %zu/%zu", cases[c].kernel, correct, n);
    g_assert_cmpfloat((double)correct / (double)n, >=, cases[c].min_accuracy);
    plum_matrix_free(pred);
    plum_matrix_free(D);
    plum_state_free(state);
    plum_binding_free(kernel);
    model_free(&m);
    plum_rng_free(rng);
    g_free(yaml);
  }
  split_free(&s);
}

/* Save and load ------------------------------------------------------------------------------- */

/* A model loaded from another's saved state gives the same outputs, bit for bit. */
static void
assert_round_trip(const Model *m, const char *yaml, const PlumMatrix *X)
{
  GError *error = NULL;
  PlumState *state = saved(m);
  Model copy = model_new(yaml);
  g_assert_true(copy.vt->load(copy.self, state, &error));
  g_assert_no_error(error);
  PlumModelShape a = shape_of(m), b = shape_of(&copy);
  g_assert_cmpmem(&a, sizeof a, &b, sizeof b);
  OutputFunc outputs[] = {m->vt->predict, m->vt->transform, m->vt->predict_proba};
  OutputFunc copies[] = {copy.vt->predict, copy.vt->transform, copy.vt->predict_proba};
  size_t widths[] = {1, a.n_transform, a.n_classes};
  for (size_t f = 0; f < G_N_ELEMENTS(outputs); f++) {
    if (outputs[f] == NULL || widths[f] == 0)
      continue;
    PlumMatrix *want = output(m, outputs[f], X, widths[f]);
    PlumMatrix *got = output(&copy, copies[f], X, widths[f]);
    g_assert_cmpmem(got->data, X->rows * widths[f] * sizeof(double), want->data,
                    X->rows * widths[f] * sizeof(double));
    plum_matrix_free(got);
    plum_matrix_free(want);
  }
  model_free(&copy);
  plum_state_free(state);
}

static void
check_round_trip(const char *yaml, const Split *s)
{
  PlumRng *rng = plum_rng_new(2);
  Model m = model_new(yaml);
  PlumFitData fd = fit_data(s, rng);
  fit_ok(&m, &fd);
  assert_round_trip(&m, yaml, s->ds->X);
  model_free(&m);
  plum_rng_free(rng);
}

static void
test_save_load(void)
{
  Split iris = split_new("iris", TRUE, PLUM_TARGET_CLASS, 150);
  check_round_trip("{name: svc, probability: true}", &iris);
  check_round_trip("{name: svc, kernel: linear}", &iris);
  split_free(&iris);
  Split reg = split_new("svr", FALSE, PLUM_TARGET_REAL, 120);
  check_round_trip("{name: svr}", &reg);
  /* A tube wider than the targets' spread: no support vector, a constant prediction. */
  check_round_trip("{name: svr, epsilon: 10}", &reg);
  split_free(&reg);
}

/* Errors -----------------------------------------------------------------------------------------
 */

static void
assert_error(GError *error, GQuark domain, int code, const char *needle)
{
  g_assert_error(error, domain, code);
  if (strstr(error->message, needle) == NULL)
    g_error("'%s' does not mention '%s'", error->message, needle);
  g_error_free(error);
}

static void
assert_fit_fails(const char *yaml, const PlumFitData *fd, GQuark domain, int code,
                 const char *needle)
{
  GError *error = NULL;
  Model m = model_new(yaml);
  g_assert_false(m.vt->fit(m.self, fd, &error));
  assert_error(error, domain, code, needle);
  model_free(&m);
}

static void
assert_binding_fails(const char *yaml, const char *needle)
{
  GError *error = NULL;
  g_assert_null(bind_model(yaml, &error));
  assert_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_RANGE, needle);
}

static void
test_fit_errors(void)
{
  Split s = split_new("svm_binary", FALSE, PLUM_TARGET_CLASS, 160);
  PlumRng *rng = plum_rng_new(1);
  PlumFitData fd = fit_data(&s, rng);
  assert_binding_fails("{name: svc, C: 0}", "model.C");
  assert_binding_fails("{name: svr, C: -1}", "model.C");
  assert_binding_fails("{name: svc, class_weight: [1, 0]}", "model.class_weight");
  assert_fit_fails("{name: svc, class_weight: [1, 2, 3]}", &fd, PLUM_DATA_ERROR,
                   PLUM_DATA_ERROR_SHAPE, "class_weight has 3 entries but y has 2 classes");

  double saved_x = PLUM_MATRIX_AT(&s.X, 7, 2);
  PLUM_MATRIX_AT(&s.X, 7, 2) = NAN;
  assert_fit_fails("{name: svc}", &fd, PLUM_DATA_ERROR, PLUM_DATA_ERROR_NONFINITE, "row 7");
  assert_fit_fails("{name: svr}", &fd, PLUM_DATA_ERROR, PLUM_DATA_ERROR_NONFINITE, "row 7");
  PLUM_MATRIX_AT(&s.X, 7, 2) = saved_x;

  /* Only the rows of class 1. */
  size_t n1 = 0, *idx = g_new(size_t, 160);
  for (size_t i = 0; i < 160; i++)
    if (PLUM_MATRIX_AT(&s.y, i, 0) == 1)
      idx[n1++] = i;
  PlumMatrix *X1 = plum_matrix_new(n1, 4, NULL), *y1 = plum_matrix_new(n1, 1, NULL);
  for (size_t i = 0; i < n1; i++) {
    memcpy(PLUM_MATRIX_ROW(X1, i), PLUM_MATRIX_ROW(&s.X, idx[i]), 4 * sizeof(double));
    y1->data[i] = 1;
  }
  PlumFitData one = fd;
  one.X = X1;
  one.y = y1;
  assert_fit_fails("{name: svc}", &one, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                   "single class (1)");
  one.n_classes = 3;
  y1->data[0] = 2;
  assert_fit_fails("{name: svc}", &one, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                   "class 0 of 3 never occurs");
  y1->data[0] = 0.5;
  assert_fit_fails("{name: svc}", &one, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                   "y = 0.5 at row 0");
  plum_matrix_free(y1);
  plum_matrix_free(X1);
  g_free(idx);
  plum_rng_free(rng);
  split_free(&s);
}

static void
assert_output_fails(const Model *m, OutputFunc f, const PlumMatrix *X, size_t cols, GQuark domain,
                    int code, const char *needle)
{
  GError *error = NULL;
  PlumMatrix *out = plum_matrix_new(X->rows, cols, NULL);
  g_assert_false(f(m->self, X, out, &error));
  assert_error(error, domain, code, needle);
  plum_matrix_free(out);
}

static void
test_predict_errors(void)
{
  GError *error = NULL;
  Split s = split_new("svm_binary", FALSE, PLUM_TARGET_CLASS, 160);
  PlumRng *rng = plum_rng_new(1);
  Model m = model_new("{name: svc}");
  assert_output_fails(&m, m.vt->predict, &s.X_test, 1, PLUM_MODEL_ERROR,
                      PLUM_MODEL_ERROR_NOT_FITTED, "not fitted");
  PlumState *state = plum_state_new();
  g_assert_false(m.vt->save(m.self, state, &error));
  assert_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_NOT_FITTED, "not fitted");
  error = NULL;
  plum_state_free(state);

  PlumFitData fd = fit_data(&s, rng);
  fit_ok(&m, &fd);
  PlumMatrix narrow = s.X_test;
  narrow.cols = 3;
  assert_output_fails(&m, m.vt->predict, &narrow, 1, PLUM_DATA_ERROR, PLUM_DATA_ERROR_SHAPE,
                      "X has 3 features, the model was fitted on 4");
  PlumMatrix *bad = plum_matrix_copy(&s.X_test, NULL);
  PLUM_MATRIX_AT(bad, 3, 1) = INFINITY;
  assert_output_fails(&m, m.vt->transform, bad, 1, PLUM_DATA_ERROR, PLUM_DATA_ERROR_NONFINITE,
                      "row 3");
  assert_output_fails(&m, m.vt->predict_proba, &s.X_test, 2, PLUM_MODEL_ERROR,
                      PLUM_MODEL_ERROR_UNSUPPORTED, "probability: true");
  g_assert_cmpuint(shape_of(&m).n_classes, ==, 0);

  /* A saved state whose class pairs repeat one pair is refused, and the model stays unfitted. */
  state = saved(&m);
  Model copy = model_new("{name: svc}");
  plum_state_set_ints(state, "n_support", (const gint64[]){1, 1, 0}, 3);
  g_assert_false(copy.vt->load(copy.self, state, &error));
  assert_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE, "pairs");
  error = NULL;
  plum_state_free(state);
  state = saved(&m);
  plum_state_set_ints(state, "pairs", (const gint64[]){1, 0}, 2);
  g_assert_false(copy.vt->load(copy.self, state, &error));
  assert_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE, "every pair of classes");
  assert_output_fails(&copy, copy.vt->predict, &s.X_test, 1, PLUM_MODEL_ERROR,
                      PLUM_MODEL_ERROR_NOT_FITTED, "not fitted");
  plum_state_free(state);
  model_free(&copy);
  plum_matrix_free(bad);
  model_free(&m);
  plum_rng_free(rng);
  split_free(&s);
}

/* The fit report
 * ----------------------------------------------------------------------------------- */

static void
test_report(void)
{
  GError *error = NULL;
  Split s = split_new("iris", TRUE, PLUM_TARGET_CLASS, 150);
  PlumRng *rng = plum_rng_new(1);
  Model m = model_new("{name: svc, kernel: linear}");
  PlumFitData fd = fit_data(&s, rng);
  fd.report = plum_state_new();
  fit_ok(&m, &fd);
  gint64 n_support, n_iter;
  g_assert_true(plum_state_get_int(fd.report, "n_support", &n_support, &error));
  g_assert_true(plum_state_get_int(fd.report, "n_iter", &n_iter, &error));
  g_assert_cmpint(n_support, ==, 27);
  g_assert_cmpint(n_iter, >, 0);
  const char *reason = plum_state_get_string(fd.report, "stop_reason", &error);
  g_assert_no_error(error);
  g_assert_nonnull(strstr(reason, "converged"));
  plum_state_free(fd.report);
  model_free(&m);
  plum_rng_free(rng);
  split_free(&s);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  GError *error = NULL;
  registry = plum_registry_new();
  g_assert_true(plum_registry_scan(registry, &error));
  g_assert_no_error(error);
  g_test_add_func("/svm/libsvm/binary", test_binary);
  g_test_add_func("/svm/libsvm/iris", test_iris);
  g_test_add_func("/svm/libsvm/digits", test_digits);
  g_test_add_func("/svm/libsvm/svr", test_svr);
  g_test_add_func("/svm/probability/binary", test_probability_binary);
  g_test_add_func("/svm/probability/iris", test_probability_iris);
  g_test_add_func("/svm/solver/cache-and-shrinking", test_cache_and_shrinking);
  g_test_add_func("/svm/kernels", test_kernels);
  g_test_add_func("/svm/save-load", test_save_load);
  g_test_add_func("/svm/errors/fit", test_fit_errors);
  g_test_add_func("/svm/errors/predict", test_predict_errors);
  g_test_add_func("/svm/report", test_report);
  int status = g_test_run();
  plum_registry_free(registry);
  return status;
}
