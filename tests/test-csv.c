/* test-csv.c — the CSV reader: exact number conversion (against the C library's strtod), the
 * dialect (header, label choice, delimiter, quotes, CRLF, blank lines), missing-value policies,
 * class labels, every error with its file:line:column message, a round trip through the
 * shipped iris.csv, and the parallel read of large data against the serial one.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <plum/plum.h>

/* --- numbers ----------------------------------------------------------------------------- */

/* What plum_csv_parse_double must agree with: strtod over the whole, non-empty text. */
static gboolean
reference_parse(const char *s, double *out)
{
  if (*s == '\0' || g_ascii_isspace(*s))
    return FALSE;
  char *stop = NULL;
  *out = strtod(s, &stop);
  return *stop == '\0';
}

static void
assert_same_as_strtod(const char *s)
{
  double expected = 0.0, got = 0.0;
  gboolean expected_ok = reference_parse(s, &expected);
  gboolean got_ok = plum_csv_parse_double(s, strlen(s), &got);
  if (expected_ok != got_ok)
    g_error("\"%s\": strtod says %s, plum says %s", s, expected_ok ? "number" : "invalid",
            got_ok ? "number" : "invalid");
  if (!expected_ok)
    return;
  if (isnan(expected)) {
    g_assert_true(isnan(got));
    return;
  }
  if (memcmp(&expected, &got, sizeof got) != 0)
    g_error("\"%s\": strtod gives %a, plum gives %a", s, expected, got);
}

static void
test_number_edges(void)
{
  /* clang-format off */
  static const char *const cases[] = {
    /* signs, points, exponents */
    "0", "-0", "+0", "0.0", "-0.0", "00012", "1", "-1", "+1", ".5", "5.", "-.5", "+.5",
    "1e5", "1E5", "1e+5", "1e-5", "123.456e-2", "1e00000000000000000005",
    /* where the fast path ends: 10^22, 2^53, 19 digits */
    "1e22", "1e23", "-1e-22", "1e-23", "9007199254740992", "9007199254740993",
    "9007199254740993.0000000001", "1234567890123456789", "12345678901234567890",
    "0.12345678901234567890123", "123456789012345678901234567890", "100000000000000000000000",
    "1.00000000000000000000000000000001", "0.1", "0.2", "0.3", "7.0e-10", "0.000001", "1e-7",
    "3.141592653589793", "2.718281828459045",
    /* 2^64 - 1, 2^64, 2^64 + 5 and an exponent of 2^64 + 1: wrapping would give 0, 5, 1e1 */
    "18446744073709551615", "18446744073709551616", "18446744073709551621",
    "1844674407370955162.1", "1e18446744073709551617", "-1e-18446744073709551617",
    /* extremes: largest, overflow, smallest normal, subnormals, underflow */
    "1.7976931348623157e308", "1.7976931348623159e308", "8.98846567431158e307", "1e309",
    "-1e309", "2.2250738585072014e-308", "2.2250738585072011e-308",
    "4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
    "1e-400", "0e999999999", "1.5e-300",
    /* what strtod also takes */
    "inf", "-inf", "Infinity", "nan", "NaN", "-nan", "0x1p3", "0X1.8P1",
    /* not numbers */
    "", ".", "-", "+", "e5", "1e", "1e+", "1e-", "--1", "+-1", "1.2.3", "1e5.5", "1,5", " 1",
    "1 ", "1x", "abc", "..5", "5..", "1e5e5", "0x", "in", "nanx",
  };
  /* clang-format on */
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
    assert_same_as_strtod(cases[i]);
}

/* Well-formed decimals: up to 25 digits, a point anywhere, an optional exponent. */
static void
random_decimal(char *buf, size_t size)
{
  GString *s = g_string_new(NULL);
  if (g_test_rand_bit())
    g_string_append_c(s, g_test_rand_bit() ? '-' : '+');
  int digits = g_test_rand_int_range(1, 26);
  int point = g_test_rand_int_range(-1, digits + 1);
  for (int i = 0; i < digits; i++) {
    if (i == point)
      g_string_append_c(s, '.');
    g_string_append_c(s, (char)('0' + g_test_rand_int_range(0, 10)));
  }
  if (point == digits)
    g_string_append_c(s, '.');
  if (g_test_rand_bit())
    g_string_append_printf(s, "e%d", g_test_rand_int_range(-330, 330));
  g_strlcpy(buf, s->str, size);
  g_string_free(s, TRUE);
}

static void
test_number_random_decimals(void)
{
  char buf[64];
  for (int i = 0; i < 200000; i++) {
    random_decimal(buf, sizeof buf);
    assert_same_as_strtod(buf);
  }
}

/* Doubles printed at 17, 15 and 6 digits must come back as strtod reads them. */
static void
test_number_random_doubles(void)
{
  static const char *const formats[] = {"%.17g", "%.15g", "%.6g", "%.17e", "%.3f"};
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  for (int i = 0; i < 100000; i++) {
    guint64 bits = ((guint64)g_test_rand_int() << 32) | (guint32)g_test_rand_int();
    double v;
    memcpy(&v, &bits, sizeof v);
    if (!isfinite(v))
      continue;
    if (i % 2)
      v = g_test_rand_double_range(-1e6, 1e6);
    g_ascii_formatd(buf, sizeof buf, formats[i % G_N_ELEMENTS(formats)], v);
    assert_same_as_strtod(buf);
  }
}

/* Random text over the characters numbers are made of: acceptance must agree too. */
static void
test_number_random_garbage(void)
{
  static const char alphabet[] = "0123456789.+-eE";
  char buf[10];
  for (int i = 0; i < 200000; i++) {
    int len = g_test_rand_int_range(1, (int)sizeof buf);
    for (int j = 0; j < len; j++)
      buf[j] = alphabet[g_test_rand_int_range(0, (int)sizeof alphabet - 1)];
    buf[len] = '\0';
    assert_same_as_strtod(buf);
  }
}

/* The length bounds the text: what follows is never read. */
static void
test_number_bounded(void)
{
  double v = 0.0;
  g_assert_true(plum_csv_parse_double("12345", 2, &v));
  g_assert_cmpfloat(v, ==, 12.0);
  g_assert_true(plum_csv_parse_double("1.5,2", 3, &v));
  g_assert_cmpfloat(v, ==, 1.5);
  g_assert_false(plum_csv_parse_double("1e,5", 2, &v));
  char long_number[300];
  memset(long_number, '1', sizeof long_number - 1);
  long_number[sizeof long_number - 1] = '\0';
  assert_same_as_strtod(long_number);
}

/* --- reading ----------------------------------------------------------------------------- */

static PlumDataset *
read_text(const char *text, const PlumCsvOptions *opts, GError **error)
{
  return plum_csv_read_buffer(text, strlen(text), "t.csv", opts, error);
}

static PlumDataset *
read_ok(const char *text, const PlumCsvOptions *opts)
{
  GError *error = NULL;
  PlumDataset *ds = read_text(text, opts, &error);
  g_assert_no_error(error);
  g_assert_nonnull(ds);
  return ds;
}

static void
expect_error(const char *text, const PlumCsvOptions *opts, PlumDataError code, const char *message)
{
  GError *error = NULL;
  PlumDataset *ds = read_text(text, opts, &error);
  g_assert_null(ds);
  g_assert_error(error, PLUM_DATA_ERROR, (gint)code);
  g_assert_cmpstr(error->message, ==, message);
  g_error_free(error);
}

static void
assert_row(const PlumDataset *ds, size_t i, const double *expected)
{
  for (size_t j = 0; j < plum_dataset_n_features(ds); j++) {
    if (isnan(expected[j]))
      g_assert_true(isnan(PLUM_MATRIX_AT(ds->X, i, j)));
    else
      g_assert_cmpfloat(PLUM_MATRIX_AT(ds->X, i, j), ==, expected[j]);
  }
}

static void
assert_names(char **names, const char *const *expected)
{
  g_assert_cmpuint(g_strv_length(names), ==, g_strv_length((char **)expected));
  for (size_t i = 0; expected[i] != NULL; i++)
    g_assert_cmpstr(names[i], ==, expected[i]);
}

static void
test_read_basic(void)
{
  PlumDataset *ds = read_ok("a,b,y\n1,2.5,3\n-4,5e-1,6\n", NULL);
  g_assert_cmpuint(plum_dataset_n_rows(ds), ==, 2);
  g_assert_cmpuint(plum_dataset_n_features(ds), ==, 2);
  assert_names(ds->feature_names, (const char *const[]){"a", "b", NULL});
  g_assert_cmpstr(ds->target_name, ==, "y");
  g_assert_null(ds->classes);
  assert_row(ds, 0, (const double[]){1, 2.5});
  assert_row(ds, 1, (const double[]){-4, 0.5});
  g_assert_cmpfloat(PLUM_MATRIX_AT(ds->y, 0, 0), ==, 3);
  g_assert_cmpfloat(PLUM_MATRIX_AT(ds->y, 1, 0), ==, 6);
  plum_dataset_free(ds);
}

static void
test_read_label_choice(void)
{
  const char *text = "a,b,c\n1,2,3\n4,5,6\n";
  PlumCsvOptions opts;
  plum_csv_options_init(&opts);
  opts.label_name = "a";
  PlumDataset *ds = read_ok(text, &opts);
  assert_names(ds->feature_names, (const char *const[]){"b", "c", NULL});
  g_assert_cmpstr(ds->target_name, ==, "a");
  assert_row(ds, 1, (const double[]){5, 6});
  g_assert_cmpfloat(PLUM_MATRIX_AT(ds->y, 1, 0), ==, 4);
  plum_dataset_free(ds);

  plum_csv_options_init(&opts);
  opts.label_index = 1;
  ds = read_ok(text, &opts);
  g_assert_cmpstr(ds->target_name, ==, "b");
  assert_row(ds, 0, (const double[]){1, 3});
  plum_dataset_free(ds);

  opts.label_index = -3;
  ds = read_ok(text, &opts);
  g_assert_cmpstr(ds->target_name, ==, "a");
  plum_dataset_free(ds);

  plum_csv_options_init(&opts);
  opts.target = PLUM_TARGET_NONE;
  ds = read_ok(text, &opts);
  g_assert_null(ds->y);
  g_assert_null(ds->target_name);
  assert_row(ds, 1, (const double[]){4, 5, 6});
  plum_dataset_free(ds);
}

static void
test_read_no_header(void)
{
  PlumCsvOptions opts;
  plum_csv_options_init(&opts);
  opts.header = FALSE;
  PlumDataset *ds = read_ok("1,2,3\n4,5,6\n", &opts);
  g_assert_cmpuint(plum_dataset_n_rows(ds), ==, 2);
  assert_names(ds->feature_names, (const char *const[]){"x0", "x1", NULL});
  g_assert_cmpstr(ds->target_name, ==, "x2");
  assert_row(ds, 0, (const double[]){1, 2});
  plum_dataset_free(ds);
}

static void
test_read_dialect(void)
{
  PlumCsvOptions opts;
  plum_csv_options_init(&opts);
  opts.delimiter = ';';
  PlumDataset *ds = read_ok("a;b;y\r\n1.5;2;x,y\r\n", &opts);
  g_assert_cmpuint(plum_dataset_n_rows(ds), ==, 1);
  assert_row(ds, 0, (const double[]){1.5, 2});
  assert_names(ds->classes, (const char *const[]){"x,y", NULL});
  plum_dataset_free(ds);

  opts.delimiter = '\t';
  ds = read_ok("a\tb\ty\r\n 1 \t2\t3\r\n\r\n4\t5\t6", &opts);
  g_assert_cmpuint(plum_dataset_n_rows(ds), ==, 2);
  assert_row(ds, 0, (const double[]){1, 2});
  assert_row(ds, 1, (const double[]){4, 5});
  g_assert_cmpfloat(PLUM_MATRIX_AT(ds->y, 1, 0), ==, 6);
  plum_dataset_free(ds);

  /* blank lines anywhere are skipped; spaces around unquoted cells are not part of them */
  ds = read_ok("\n\na , b,y\n\n 1, 2 ,3\n\n\n", NULL);
  assert_names(ds->feature_names, (const char *const[]){"a", "b", NULL});
  g_assert_cmpuint(plum_dataset_n_rows(ds), ==, 1);
  assert_row(ds, 0, (const double[]){1, 2});
  plum_dataset_free(ds);
}

static void
test_read_quotes(void)
{
  const char *text = "\"a,1\",\"b \"\"2\"\"\",y\r\n"
                     "\"1.5\",2,\"x,y\"\r\n"
                     "3,\"4\",\"say \"\"hi\"\"\"\r\n"
                     "5,6,\"two\nlines\"\r\n"
                     "7,8,\"\"\"\"\r\n";
  PlumDataset *ds = read_ok(text, NULL);
  assert_names(ds->feature_names, (const char *const[]){"a,1", "b \"2\"", NULL});
  g_assert_cmpuint(plum_dataset_n_rows(ds), ==, 4);
  assert_row(ds, 0, (const double[]){1.5, 2});
  assert_row(ds, 1, (const double[]){3, 4});
  assert_row(ds, 2, (const double[]){5, 6});
  assert_row(ds, 3, (const double[]){7, 8});
  /* strcmp order: "\"" < "say \"hi\"" < "two\nlines" < "x,y" */
  assert_names(ds->classes, (const char *const[]){"\"", "say \"hi\"", "two\nlines", "x,y", NULL});
  const double classes[] = {3, 1, 2, 0};
  for (size_t i = 0; i < 4; i++)
    g_assert_cmpfloat(PLUM_MATRIX_AT(ds->y, i, 0), ==, classes[i]);
  plum_dataset_free(ds);
}

static void
test_read_classes(void)
{
  /* AUTO: one label is not a number, so all are classes, in strcmp order */
  PlumDataset *ds = read_ok("a,y\n1,setosa\n2,virginica\n3,setosa\n4,10\n", NULL);
  assert_names(ds->classes, (const char *const[]){"10", "setosa", "virginica", NULL});
  g_assert_cmpuint(ds->n_classes, ==, 3);
  const double y[] = {1, 2, 1, 0};
  for (size_t i = 0; i < 4; i++)
    g_assert_cmpfloat(PLUM_MATRIX_AT(ds->y, i, 0), ==, y[i]);
  plum_dataset_free(ds);

  /* CLASS with numeric labels: numeric order, the text kept as written */
  PlumCsvOptions opts;
  plum_csv_options_init(&opts);
  opts.target = PLUM_TARGET_CLASS;
  ds = read_ok("a,y\n1,10\n2,9\n3,-1.5\n4,9\n", &opts);
  assert_names(ds->classes, (const char *const[]){"-1.5", "9", "10", NULL});
  const double numeric[] = {2, 1, 0, 1};
  for (size_t i = 0; i < 4; i++)
    g_assert_cmpfloat(PLUM_MATRIX_AT(ds->y, i, 0), ==, numeric[i]);
  plum_dataset_free(ds);

  /* AUTO with every label a number is a real target */
  ds = read_ok("a,y\n1,10\n2,9.5\n", NULL);
  g_assert_null(ds->classes);
  g_assert_cmpfloat(PLUM_MATRIX_AT(ds->y, 1, 0), ==, 9.5);
  plum_dataset_free(ds);
}

static void
test_read_given_classes(void)
{
  static const char *const known[] = {"virginica", "setosa", "versicolor", NULL};
  PlumCsvOptions opts;
  plum_csv_options_init(&opts);
  opts.classes = known;
  PlumDataset *ds = read_ok("a,y\n1,setosa\n2,virginica\n", &opts);
  assert_names(ds->classes, known);
  g_assert_cmpuint(ds->n_classes, ==, 3);
  g_assert_cmpfloat(PLUM_MATRIX_AT(ds->y, 0, 0), ==, 1);
  g_assert_cmpfloat(PLUM_MATRIX_AT(ds->y, 1, 0), ==, 0);
  plum_dataset_free(ds);

  expect_error("a,y\n1,setosa\n2,rose\n3,rose\n", &opts, PLUM_DATA_ERROR_INVALID,
               "t.csv:3:3: unknown class \"rose\", not in the given class list (label column "
               "\"y\")");

  /* numeric labels find numeric classes written differently */
  static const char *const numbers[] = {"0", "1", "2", NULL};
  opts.classes = numbers;
  ds = read_ok("a,y\n1,2.0\n2,1\n", &opts);
  g_assert_cmpfloat(PLUM_MATRIX_AT(ds->y, 0, 0), ==, 2);
  g_assert_cmpfloat(PLUM_MATRIX_AT(ds->y, 1, 0), ==, 1);
  plum_dataset_free(ds);

  opts.target = PLUM_TARGET_REAL;
  expect_error("a,y\n1,2\n", &opts, PLUM_DATA_ERROR_INVALID,
               "t.csv: a class list was given for a real-valued target");
}

/* Same rows, names and classes (values compared exactly). */
static void
assert_same_dataset(const PlumDataset *a, const PlumDataset *b)
{
  g_assert_cmpuint(plum_dataset_n_rows(a), ==, plum_dataset_n_rows(b));
  g_assert_cmpuint(plum_dataset_n_features(a), ==, plum_dataset_n_features(b));
  assert_names(a->feature_names, (const char *const *)b->feature_names);
  g_assert_true((a->classes == NULL) == (b->classes == NULL));
  if (a->classes != NULL)
    assert_names(a->classes, (const char *const *)b->classes);
  g_assert_cmpstr(a->target_name, ==, b->target_name);
  for (size_t i = 0; i < plum_dataset_n_rows(a); i++) {
    assert_row(a, i, PLUM_MATRIX_ROW(b->X, i));
    g_assert_cmpfloat(PLUM_MATRIX_AT(a->y, i, 0), ==, PLUM_MATRIX_AT(b->y, i, 0));
  }
}

/* --- the parallel read (data of 1 MiB or more, several threads) ---------------------------- */

/* About 6 MB of rows "i,i/7,label": labels a/b/c (classes) or numbers, every 997th row with
 * a missing cell, blank lines now and then, CRLF line ends when asked, no final line end. */
static GString *
big_text(gboolean class_labels, gboolean crlf)
{
  GString *s = g_string_new("u,v,y\n");
  const char *eol = crlf ? "\r\n" : "\n";
  for (int i = 0; i < 220000; i++) {
    if (i % 997 == 5)
      g_string_append_printf(s, "%d,,%d%s", i, i % 3, eol);
    else if (class_labels)
      g_string_append_printf(s, "%d,%.17g,%c%s", i, i / 7.0, "abc"[i % 3], eol);
    else
      g_string_append_printf(s, "%d,%.17g,%d%s", i, i / 7.0, i % 5, eol);
    if (i % 5003 == 0)
      g_string_append(s, eol);
  }
  g_string_truncate(s, s->len - strlen(eol));
  return s;
}

static PlumDataset *
read_with_threads(const GString *text, const PlumCsvOptions *opts, unsigned threads, GError **error)
{
  g_assert_true(plum_threads_set(threads, NULL));
  PlumDataset *ds = plum_csv_read_buffer(text->str, text->len, "big.csv", opts, error);
  g_assert_true(plum_threads_set(1, NULL));
  return ds;
}

/* Replaces a class label by "multi\nline" so that a two-way split of the data at the first
 * line end after its middle would cut that quoted cell: a quote must keep the read serial. */
static void
quote_at_split(GString *text)
{
  const char *cell = "\"multi\nline\"";
  size_t grown = text->len + strlen(cell) - 1, data = strlen("u,v,y\n");
  size_t middle = data + (grown - data) / 2; /* where read_rows splits in two */
  const char *row_end = strchr(text->str + middle, '\n');
  g_assert_nonnull(row_end);
  size_t label = (size_t)(row_end - text->str) - 1;
  g_assert_cmpuint(middle, <, label); /* the inner line end comes first after the middle */
  g_string_erase(text, (gssize)label, 1);
  g_string_insert(text, (gssize)label, cell);
}

static void
test_read_parallel(void)
{
  PlumCsvOptions opts;
  plum_csv_options_init(&opts);
  opts.missing = PLUM_MISSING_DROP;
  for (int variant = 0; variant < 5; variant++) {
    GString *text = big_text(variant & 1 || variant == 4, variant & 2);
    if (variant == 4)
      quote_at_split(text);
    PlumDataset *one = read_with_threads(text, &opts, 1, NULL);
    PlumDataset *two = read_with_threads(text, &opts, 2, NULL);
    PlumDataset *four = read_with_threads(text, &opts, 4, NULL);
    g_assert_nonnull(one);
    g_assert_cmpuint(plum_dataset_n_rows(one), ==, 220000 - 221); /* 221 rows dropped */
    g_assert_cmpuint(one->n_classes, ==, variant == 4 ? 4 : (variant & 1) ? 3 : 0);
    assert_same_dataset(one, two);
    assert_same_dataset(one, four);
    plum_dataset_free(four);
    plum_dataset_free(two);
    plum_dataset_free(one);
    g_string_free(text, TRUE);
  }
}

/* The first error in the file is reported, as the serial read reports it, though a later range
 * of the file fails too. */
static void
test_read_parallel_errors(void)
{
  GString *text = big_text(FALSE, FALSE);
  char *late = strstr(text->str, "\n200000,");
  char *early = strstr(text->str, "\n60000,");
  g_assert_nonnull(late);
  g_assert_nonnull(early);
  late[3] = 'x';  /* 200000 -> 20x000 */
  early[3] = 'z'; /* 60000 -> 60z00 */
  PlumCsvOptions drop;
  plum_csv_options_init(&drop);
  drop.missing = PLUM_MISSING_DROP;
  GError *serial = NULL, *parallel = NULL;
  g_assert_null(read_with_threads(text, &drop, 1, &serial));
  g_assert_null(read_with_threads(text, &drop, 2, &parallel));
  g_assert_error(parallel, PLUM_DATA_ERROR, PLUM_DATA_ERROR_PARSE);
  g_assert_cmpstr(parallel->message, ==, serial->message);
  g_assert_nonnull(strstr(parallel->message, "\"60z00\""));
  /* the default policy refuses the missing cells: the first, row 5 (line 8, after a blank) */
  g_clear_error(&serial);
  g_clear_error(&parallel);
  early[3] = '0';
  late[3] = '0';
  g_assert_null(read_with_threads(text, NULL, 2, &parallel));
  g_assert_cmpstr(parallel->message, ==, "big.csv:8:3: missing value \"\" (column \"v\")");
  g_clear_error(&parallel);
  g_string_free(text, TRUE);
}

static void
test_read_missing(void)
{
  const char *text = "a,b,y\n1,NA,0\n2,3,1\n?,4,0\n5,,1\n6,N/A,0\n";
  expect_error(text, NULL, PLUM_DATA_ERROR_MISSING,
               "t.csv:2:3: missing value \"NA\" (column \"b\")");

  PlumCsvOptions opts;
  plum_csv_options_init(&opts);
  opts.missing = PLUM_MISSING_DROP;
  PlumDataset *ds = read_ok(text, &opts);
  g_assert_cmpuint(plum_dataset_n_rows(ds), ==, 1);
  assert_row(ds, 0, (const double[]){2, 3});
  g_assert_cmpfloat(PLUM_MATRIX_AT(ds->y, 0, 0), ==, 1);
  plum_dataset_free(ds);

  opts.missing = PLUM_MISSING_NAN;
  ds = read_ok(text, &opts);
  g_assert_cmpuint(plum_dataset_n_rows(ds), ==, 5);
  assert_row(ds, 0, (const double[]){1, NAN});
  assert_row(ds, 2, (const double[]){NAN, 4});
  assert_row(ds, 3, (const double[]){5, NAN});
  assert_row(ds, 4, (const double[]){6, NAN});
  plum_dataset_free(ds);

  /* under the NaN policy, NaN text is a missing value too; a missing label never is */
  ds = read_ok("a,y\nnan,1\n", &opts);
  assert_row(ds, 0, (const double[]){NAN});
  plum_dataset_free(ds);
  expect_error("a,y\n1,NA\n", &opts, PLUM_DATA_ERROR_MISSING,
               "t.csv:2:3: missing value \"NA\" (label column \"y\")");

  /* a missing label drops its row under the drop policy */
  opts.missing = PLUM_MISSING_DROP;
  ds = read_ok("a,y\n1,NA\n2,cat\n", &opts);
  g_assert_cmpuint(plum_dataset_n_rows(ds), ==, 1);
  assert_names(ds->classes, (const char *const[]){"cat", NULL});
  plum_dataset_free(ds);
  /* a dropped row's label does not decide what the target is */
  ds = read_ok("a,y\n1,2\nNA,cat\n?,inf\n3,4\n", &opts);
  g_assert_null(ds->classes);
  g_assert_cmpuint(plum_dataset_n_rows(ds), ==, 2);
  g_assert_cmpfloat(PLUM_MATRIX_AT(ds->y, 1, 0), ==, 4);
  plum_dataset_free(ds);
  expect_error("a,y\n1,NA\n?,2\n", &opts, PLUM_DATA_ERROR_MISSING,
               "t.csv: every one of the 2 rows has a missing value, and all were dropped");
}

static void
test_read_missing_tokens(void)
{
  static const char *const tokens[] = {"-999", "missing", NULL};
  PlumCsvOptions opts;
  plum_csv_options_init(&opts);
  opts.missing_tokens = tokens;
  opts.missing = PLUM_MISSING_NAN;
  PlumDataset *ds = read_ok("a,b,y\n-999,missing,1\n-999.5,2,3\n", &opts);
  assert_row(ds, 0, (const double[]){NAN, NAN});
  assert_row(ds, 1, (const double[]){-999.5, 2});
  plum_dataset_free(ds);

  /* "NA" is no longer a token, so it is text that is not a number */
  expect_error("a,y\nNA,1\n", &opts, PLUM_DATA_ERROR_PARSE,
               "t.csv:2:1: cannot parse \"NA\" as a number (column \"a\")");
}

/* Every error the default options can meet, with its exact message. */
static void
test_error_default_options(void)
{
  static const struct {
    const char *text;
    PlumDataError code;
    const char *message;
  } cases[] = {
      /* cells */
      {"a,b,y\n1,2,3\n3,abc,1\n", PLUM_DATA_ERROR_PARSE,
       "t.csv:3:3: cannot parse \"abc\" as a number (column \"b\")"},
      /* long text is cut at 40 bytes (not inside a UTF-8 character) and escaped */
      {"a,y\n0123456789012345678901234567890123456789é,1\n", PLUM_DATA_ERROR_PARSE,
       "t.csv:2:1: cannot parse \"0123456789012345678901234567890123456789…\" as a number "
       "(column \"a\")"},
      {"a,y\n012345678901234567890123456789012345678é,1\n", PLUM_DATA_ERROR_PARSE,
       "t.csv:2:1: cannot parse \"012345678901234567890123456789012345678…\" as a number "
       "(column \"a\")"},
      {"é,y\n\"x\ty\",1\n", PLUM_DATA_ERROR_PARSE,
       "t.csv:2:1: cannot parse \"x\\ty\" as a number (column \"é\")"},
      {"a,b,y\n1,2,3\n4,nan,6\n", PLUM_DATA_ERROR_NONFINITE,
       "t.csv:3:3: non-finite value \"nan\" (column \"b\")"},
      {"a,b,y\n1,-Inf,3\n", PLUM_DATA_ERROR_NONFINITE,
       "t.csv:2:3: non-finite value \"-Inf\" (column \"b\")"},
      {"a,b,y\n1,1e999,3\n", PLUM_DATA_ERROR_NONFINITE,
       "t.csv:2:3: non-finite value \"1e999\" (column \"b\")"},
      /* a real target must be finite */
      {"a,y\n1,2\n2,inf\n", PLUM_DATA_ERROR_NONFINITE,
       "t.csv:3:3: non-finite value \"inf\" (label column \"y\")"},
      /* ragged rows */
      {"a,b,y\n1,2,3\n4,5\n", PLUM_DATA_ERROR_SHAPE,
       "t.csv:3:4: too few fields: expected 3, found 2"},
      {"a,b,y\n1,2,3,4,5\n", PLUM_DATA_ERROR_SHAPE,
       "t.csv:2:7: too many fields: expected 3, the row goes on with \"4,5\""},
      {"a,b,y\r\n1,2,3\r\n4,5,6,\r\n", PLUM_DATA_ERROR_SHAPE,
       "t.csv:3:7: too many fields: expected 3, the row goes on with \"\""},
      {"a,b,y\n1,2,3\r4,5,6\n", PLUM_DATA_ERROR_PARSE,
       "t.csv:2:6: carriage return inside an unquoted field (quote the field, or end lines "
       "with \\n or \\r\\n)"},
      /* the file's structure */
      {"", PLUM_DATA_ERROR_SHAPE, "t.csv:1:1: the file is empty: expected a header row"},
      {"\n\r\n", PLUM_DATA_ERROR_SHAPE, "t.csv:3:1: the file is empty: expected a header row"},
      {"a,b,y\n", PLUM_DATA_ERROR_SHAPE, "t.csv:2:1: no data rows after the header"},
      {"a,b,y\n\n\n", PLUM_DATA_ERROR_SHAPE, "t.csv:2:1: no data rows after the header"},
      {"a,b,a\n1,2,3\n", PLUM_DATA_ERROR_PARSE,
       "t.csv:1:5: duplicate column name \"a\" (column 1 has it too)"},
      {"a,\"unterminated,y\n1,2,3\n", PLUM_DATA_ERROR_PARSE,
       "t.csv:1:3: quoted field never closed (no matching '\"' before the end of the file)"},
      {"a,y\n\"1\"x,2\n", PLUM_DATA_ERROR_PARSE,
       "t.csv:2:4: unexpected text \"x\" after a closing quote"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
    expect_error(cases[i].text, NULL, cases[i].code, cases[i].message);
}

/* Errors that come from the options or depend on them. */
static void
test_error_options(void)
{
  PlumCsvOptions opts;
  plum_csv_options_init(&opts);
  opts.target = PLUM_TARGET_REAL;
  expect_error("a,y\n1,2\n2,cat\n", &opts, PLUM_DATA_ERROR_PARSE,
               "t.csv:3:3: cannot parse \"cat\" as a number (label column \"y\")");

  /* the column counts characters, not bytes */
  plum_csv_options_init(&opts);
  opts.label_index = 0;
  expect_error("y,b\n\"é\",1e\n", &opts, PLUM_DATA_ERROR_PARSE,
               "t.csv:2:5: cannot parse \"1e\" as a number (column \"b\")");

  /* infinity is not a missing value under any policy */
  plum_csv_options_init(&opts);
  opts.missing = PLUM_MISSING_NAN;
  expect_error("a,y\ninf,3\n", &opts, PLUM_DATA_ERROR_NONFINITE,
               "t.csv:2:1: non-finite value \"inf\" (column \"a\")");

  plum_csv_options_init(&opts);
  opts.label_name = "target";
  expect_error("\na,b,y\n1,2,3\n", &opts, PLUM_DATA_ERROR_SHAPE,
               "t.csv:2:1: label column \"target\" is not in the header (columns: \"a\", "
               "\"b\", \"y\")");
  plum_csv_options_init(&opts);
  opts.label_index = 3;
  expect_error("a,b,y\n1,2,3\n", &opts, PLUM_DATA_ERROR_SHAPE,
               "t.csv:1:1: label column index 3 is out of range: the file has 3 columns");
  opts.label_index = -4;
  expect_error("a,b,y\n1,2,3\n", &opts, PLUM_DATA_ERROR_SHAPE,
               "t.csv:1:1: label column index -4 is out of range: the file has 3 columns");
  plum_csv_options_init(&opts);
  opts.delimiter = '"';
  expect_error("a\n1\n", &opts, PLUM_DATA_ERROR_INVALID,
               "t.csv: the delimiter cannot be a quote, a line end or NUL");
}

static void
test_error_io(void)
{
  GError *error = NULL;
  char *path = g_test_build_filename(G_TEST_DIST, "data", "no-such-file.csv", NULL);
  g_assert_null(plum_csv_read(path, NULL, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_IO);
  g_assert_nonnull(strstr(error->message, "no-such-file.csv"));
  g_error_free(error);
  g_free(path);
}

/* --- iris round trip --------------------------------------------------------------------- */

/* iris.csv read the plain way: split lines and fields, strtod each. */
static double *
read_iris_reference(const char *text, size_t *rows_out)
{
  char **lines = g_strsplit(text, "\n", -1);
  GArray *values = g_array_new(FALSE, FALSE, sizeof(double));
  size_t rows = 0;
  for (size_t i = 1; lines[i] != NULL; i++) {
    if (*lines[i] == '\0')
      continue;
    char **fields = g_strsplit(lines[i], ",", -1);
    g_assert_cmpuint(g_strv_length(fields), ==, 5);
    for (size_t j = 0; j < 5; j++) {
      double v = strtod(fields[j], NULL);
      g_array_append_val(values, v);
    }
    g_strfreev(fields);
    rows++;
  }
  g_strfreev(lines);
  *rows_out = rows;
  return (double *)g_array_free(values, FALSE);
}

static char *
write_csv(const PlumDataset *ds)
{
  GString *out = g_string_new(NULL);
  for (size_t j = 0; j < plum_dataset_n_features(ds); j++)
    g_string_append_printf(out, "%s,", ds->feature_names[j]);
  g_string_append_printf(out, "%s\r\n", ds->target_name);
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  for (size_t i = 0; i < plum_dataset_n_rows(ds); i++) {
    for (size_t j = 0; j < plum_dataset_n_features(ds); j++)
      g_string_append_printf(out, "%s,",
                             g_ascii_dtostr(buf, sizeof buf, PLUM_MATRIX_AT(ds->X, i, j)));
    g_string_append_printf(out, "\"%s\"\r\n", ds->classes[(size_t)PLUM_MATRIX_AT(ds->y, i, 0)]);
  }
  return g_string_free(out, FALSE);
}

static void
test_iris_round_trip(void)
{
  char *path = g_test_build_filename(G_TEST_DIST, "data", "iris.csv", NULL);
  char *text = NULL;
  g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
  size_t rows = 0;
  double *reference = read_iris_reference(text, &rows);
  g_assert_cmpuint(rows, ==, 150);

  GError *error = NULL;
  PlumDataset *real = plum_csv_read(path, NULL, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(plum_dataset_n_rows(real), ==, 150);
  g_assert_cmpuint(plum_dataset_n_features(real), ==, 4);
  g_assert_null(real->classes); /* labels 0/1/2 are numbers: a real target by default */
  for (size_t i = 0; i < rows; i++) {
    assert_row(real, i, reference + i * 5);
    g_assert_cmpfloat(PLUM_MATRIX_AT(real->y, i, 0), ==, reference[i * 5 + 4]);
  }

  PlumCsvOptions opts;
  plum_csv_options_init(&opts);
  opts.target = PLUM_TARGET_CLASS;
  PlumDataset *ds = plum_csv_read(path, &opts, &error);
  g_assert_no_error(error);
  assert_names(ds->feature_names, (const char *const[]){"sepal_length_cm", "sepal_width_cm",
                                                        "petal_length_cm", "petal_width_cm", NULL});
  assert_names(ds->classes, (const char *const[]){"0", "1", "2", NULL});
  g_assert_cmpuint(ds->n_classes, ==, 3);
  for (size_t i = 0; i < rows; i++)
    g_assert_cmpfloat(PLUM_MATRIX_AT(ds->y, i, 0), ==, reference[i * 5 + 4]);

  /* written back (shortest round-trip numbers, quoted labels, CRLF) and read again: equal */
  char *written = write_csv(ds);
  PlumDataset *again = read_ok(written, &opts);
  assert_same_dataset(ds, again);

  plum_dataset_free(again);
  g_free(written);
  plum_dataset_free(ds);
  plum_dataset_free(real);
  g_free(reference);
  g_free(text);
  g_free(path);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/csv/number/edges", test_number_edges);
  g_test_add_func("/csv/number/random-decimals", test_number_random_decimals);
  g_test_add_func("/csv/number/random-doubles", test_number_random_doubles);
  g_test_add_func("/csv/number/random-garbage", test_number_random_garbage);
  g_test_add_func("/csv/number/bounded", test_number_bounded);
  g_test_add_func("/csv/read/basic", test_read_basic);
  g_test_add_func("/csv/read/label-choice", test_read_label_choice);
  g_test_add_func("/csv/read/no-header", test_read_no_header);
  g_test_add_func("/csv/read/dialect", test_read_dialect);
  g_test_add_func("/csv/read/quotes", test_read_quotes);
  g_test_add_func("/csv/read/classes", test_read_classes);
  g_test_add_func("/csv/read/given-classes", test_read_given_classes);
  g_test_add_func("/csv/read/missing", test_read_missing);
  g_test_add_func("/csv/read/parallel", test_read_parallel);
  g_test_add_func("/csv/read/parallel-errors", test_read_parallel_errors);
  g_test_add_func("/csv/read/missing-tokens", test_read_missing_tokens);
  g_test_add_func("/csv/error/default-options", test_error_default_options);
  g_test_add_func("/csv/error/options", test_error_options);
  g_test_add_func("/csv/error/io", test_error_io);
  g_test_add_func("/csv/iris-round-trip", test_iris_round_trip);
  return g_test_run();
}
