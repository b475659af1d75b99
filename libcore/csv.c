/* csv.c — CSV files into datasets, in one pass over the memory-mapped text. Cells are read in
 * place (only a quoted cell is copied, into one reused buffer), numbers are converted exactly
 * with Clinger's fast path and strtod behind it, and the matrices are sized from a newline
 * count up front, so nothing is allocated per row or per field. Line and column numbers are not
 * tracked while reading: an error recomputes them from the byte offset of the offending cell,
 * which keeps the hot loop to scanning and converting. Class labels are interned after the pass
 * from the label offsets the pass recorded, because whether labels are classes at all (and in
 * which order) is only known once every label has been seen. A large file without quotes or
 * categorical columns is read by several threads, in byte ranges split at line ends: each row
 * parses on its own, so the rows, the first error and every message are the serial pass's.
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <omp.h>

#include <plum/csv.h>
#include <plum/error.h>

/* How much of an offending cell a message quotes, and how many column names it lists. */
#define QUOTE_MAX 40
#define NAMES_SHOWN 10
/* Longer numbers (rare: hundreds of digits) are copied to the heap for strtod. */
#define NUMBER_BUF 128
#define NO_OFFSET G_MAXSIZE
/* Each thread gets at least this many bytes (a few milliseconds of parsing): on a shared
 * machine a smaller share saves less than one descheduled thread costs. */
#define PARALLEL_MIN_BYTES ((size_t)1 << 20)

static const char *const default_missing[] = {"", "NA", "N/A", "?", NULL};

void
plum_csv_options_init(PlumCsvOptions *opts)
{
  g_return_if_fail(opts != NULL);
  *opts = (PlumCsvOptions){
      .delimiter = ',',
      .header = TRUE,
      .label_index = -1,
      .target = PLUM_TARGET_AUTO,
      .missing = PLUM_MISSING_ERROR,
  };
}

/* --- numbers ----------------------------------------------------------------------------- */

/* Powers of ten that are exact doubles (5^22 < 2^53). */
static const double exact_pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static inline gboolean
is_digit(char c)
{
  return (unsigned char)(c - '0') < 10;
}

/* Reads the digits at *pp into *mantissa; returns how many there were. */
static inline size_t
scan_digits(const char **pp, const char *end, guint64 *mantissa)
{
  const char *p = *pp;
  guint64 m = *mantissa;
  for (; p < end && is_digit(*p); p++)
    m = m * 10 + (guint64)(*p - '0');
  size_t n = (size_t)(p - *pp);
  *pp = p;
  *mantissa = m;
  return n;
}

/* Clinger's fast path: a decimal of at most 19 digits whose value fits below 2^53, scaled by
 * an exact power of ten up to 10^22, is one correctly rounded multiply or divide away from its
 * double, which is what strtod returns. Returns where the number stops, or NULL for text the
 * fast path does not convert exactly (more digits, larger exponents, hex, inf/nan, no digits,
 * a dangling exponent); strtod decides about those. */
static inline const char *
scan_fast(const char *p, const char *end, double *out)
{
  gboolean negative = FALSE;
  if (p < end && (*p == '-' || *p == '+'))
    negative = *p++ == '-';
  guint64 mantissa = 0;
  size_t digits = scan_digits(&p, end, &mantissa);
  gint64 exp10 = 0;
  if (p < end && *p == '.') {
    p++;
    size_t fraction = scan_digits(&p, end, &mantissa);
    digits += fraction;
    exp10 = -(gint64)fraction;
  }
  if (digits == 0 || digits > 19) /* 19 digits cannot overflow 64 bits */
    return NULL;
  if (p < end && (*p == 'e' || *p == 'E')) {
    gboolean exp_negative = FALSE;
    if (++p < end && (*p == '-' || *p == '+'))
      exp_negative = *p++ == '-';
    guint64 e = 0;
    size_t exp_digits = scan_digits(&p, end, &e);
    if (exp_digits == 0 || exp_digits > 4) /* 4 digits cannot wrap; longer ones are rare */
      return NULL;
    exp10 += exp_negative ? -(gint64)e : (gint64)e;
  }
  if (mantissa == 0) {
    *out = negative ? -0.0 : 0.0;
    return p;
  }
  if (mantissa > ((guint64)1 << 53) || exp10 < -22 || exp10 > 22)
    return NULL;
  double v = (double)mantissa;
  v = exp10 < 0 ? v / exact_pow10[-exp10] : v * exact_pow10[exp10];
  *out = negative ? -v : v;
  return p;
}

/* strtod on a NUL-terminated copy: the cell is not terminated in the mapped file. */
static gboolean
parse_slow(const char *s, size_t len, double *out)
{
  if (len == 0 || g_ascii_isspace(s[0]))
    return FALSE; /* strtod would skip the space; a cell is a number and nothing else */
  char buf[NUMBER_BUF];
  char *copy = len < sizeof buf ? buf : g_malloc(len + 1);
  memcpy(copy, s, len);
  copy[len] = '\0';
  char *stop = NULL;
  *out = g_ascii_strtod(copy, &stop);
  gboolean whole = stop == copy + len;
  if (copy != buf)
    g_free(copy);
  return whole;
}

static inline gboolean
parse_number(const char *s, size_t len, double *out)
{
  return scan_fast(s, s + len, out) == s + len || parse_slow(s, len, out);
}

gboolean
plum_csv_parse_double(const char *s, size_t len, double *out)
{
  g_return_val_if_fail((s != NULL || len == 0) && out != NULL, FALSE);
  return parse_number(s, len, out);
}

/* --- the reader -------------------------------------------------------------------------- */

typedef struct {
  const char *text; /* in the file, or in the scratch buffer when quoted */
  size_t len;
  size_t offset; /* where the cell starts in the file */
} CsvCell;

typedef struct {
  const char *source;
  const char *data;
  const char *end;
  const PlumCsvOptions *opts;
  char delim;
  const char *const *missing;
  gboolean numeric_missing; /* a token reads as a number: test tokens before parsing */
  PlumTargetMode target;    /* AUTO, REAL or CLASS while reading; resolved after */
  GString *scratch;         /* the unescaped text of the current quoted cell */
  GPtrArray *names;         /* column names (owned) */
  size_t header_offset;
  size_t n_cols;
  size_t label; /* label column, or n_cols for none */
  size_t data_offset;
  struct CsvCategory **cats; /* per column: NULL, or the category table of a categorical one */
} CsvReader;

typedef struct {
  PlumMatrix *X;           /* capacity rows x d */
  PlumMatrix *y;           /* capacity rows x 1; NULL without a label */
  size_t *label_offset;    /* per kept row, while labels may be classes; then their class */
  size_t n;                /* rows kept */
  size_t seen;             /* data rows read */
  size_t first_text_label; /* offsets of the first labels that rule out a real target */
  size_t first_nonfinite_label;
  size_t row_text_label; /* the same for the current row, kept only if the row is */
  size_t row_nonfinite_label;
} CsvOutput;

typedef enum {
  CELL_NUMBER,
  CELL_MISSING,
  CELL_NAN,
  CELL_INFINITE,
  CELL_TEXT,
} CellKind;

/* The offending text for a message: quoted, escaped, cut to QUOTE_MAX bytes at a character
 * boundary. */
static char *
quote_text(const char *s, size_t len)
{
  size_t n = MIN(len, QUOTE_MAX);
  while (n < len && n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
    n--;
  char keep[129]; /* bytes >= 0x80 stay as they are: they are UTF-8, not garbage */
  for (int i = 0; i < 128; i++)
    keep[i] = (char)(0x80 + i);
  keep[128] = '\0';
  char *raw = g_strndup(s, n);
  char *escaped = g_strescape(raw, (const char *)keep);
  char *quoted = g_strdup_printf("\"%s%s\"", escaped, n < len ? "…" : "");
  g_free(escaped);
  g_free(raw);
  return quoted;
}

/* 1-based line and column (in characters) of a byte offset. */
static void
locate(const CsvReader *r, size_t offset, size_t *line_out, size_t *col_out)
{
  const char *p = r->data, *stop = r->data + offset, *nl;
  size_t line = 1, col = 1;
  while ((nl = memchr(p, '\n', (size_t)(stop - p))) != NULL) {
    line++;
    p = nl + 1;
  }
  for (; p < stop; p++)
    col += ((unsigned char)*p & 0xC0) != 0x80;
  *line_out = line;
  *col_out = col;
}

static void csv_error(const CsvReader *r, GError **error, PlumDataError code, size_t offset,
                      const char *format, ...) G_GNUC_PRINTF(5, 6);

/* "SOURCE:LINE:COLUMN: message" for the byte at `offset`. */
static void
csv_error(const CsvReader *r, GError **error, PlumDataError code, size_t offset, const char *format,
          ...)
{
  if (error == NULL)
    return;
  va_list ap;
  va_start(ap, format);
  char *message = g_strdup_vprintf(format, ap);
  va_end(ap);
  size_t line, col;
  locate(r, offset, &line, &col);
  g_set_error(error, PLUM_DATA_ERROR, code, "%s:%zu:%zu: %s", r->source, line, col, message);
  g_free(message);
}

/* A cell error: `what`, the quoted cell, `after`, and the column it is in. */
static gboolean
cell_error(const CsvReader *r, GError **error, PlumDataError code, const CsvCell *cell, size_t col,
           const char *what, const char *after)
{
  char *text = quote_text(cell->text, cell->len);
  csv_error(r, error, code, cell->offset, "%s %s%s (%scolumn \"%s\")", what, text, after,
            col == r->label ? "label " : "", (const char *)g_ptr_array_index(r->names, col));
  g_free(text);
  return FALSE;
}

static inline gboolean
at_line_end(const CsvReader *r, const char *p)
{
  return p == r->end || *p == '\n' || (*p == '\r' && (p + 1 == r->end || p[1] == '\n'));
}

static inline const char *
skip_line_end(const CsvReader *r, const char *p)
{
  if (p < r->end && *p == '\r')
    p++;
  return p < r->end && *p == '\n' ? p + 1 : p;
}

static gboolean
read_quoted(CsvReader *r, const char **pp, CsvCell *cell, GError **error)
{
  const char *p = *pp + 1;
  g_string_truncate(r->scratch, 0);
  for (;;) {
    const char *quote = memchr(p, '"', (size_t)(r->end - p));
    if (quote == NULL) {
      csv_error(r, error, PLUM_DATA_ERROR_PARSE, cell->offset,
                "quoted field never closed (no matching '\"' before the end of the file)");
      return FALSE;
    }
    g_string_append_len(r->scratch, p, quote - p);
    p = quote + 1;
    if (p == r->end || *p != '"')
      break;
    g_string_append_c(r->scratch, '"'); /* "" inside quotes is one quote */
    p++;
  }
  if (!at_line_end(r, p) && *p != r->delim) {
    const char *stop = p;
    while (!at_line_end(r, stop) && *stop != r->delim)
      stop++;
    char *text = quote_text(p, (size_t)(stop - p));
    csv_error(r, error, PLUM_DATA_ERROR_PARSE, (size_t)(p - r->data),
              "unexpected text %s after a closing quote", text);
    g_free(text);
    return FALSE;
  }
  cell->text = r->scratch->str;
  cell->len = r->scratch->len;
  *pp = p;
  return TRUE;
}

static inline gboolean
is_blank(const CsvReader *r, char c)
{
  return (c == ' ' || c == '\t') && c != r->delim;
}

/* Reads the cell at *pp and leaves *pp on what follows it (delimiter, line end, end of data).
 * Unquoted cells lose surrounding spaces and tabs; quoted ones are taken literally. */
static inline gboolean
read_cell(CsvReader *r, const char **pp, CsvCell *cell, GError **error)
{
  const char *p = *pp;
  cell->offset = (size_t)(p - r->data);
  if (p < r->end && *p == '"')
    return read_quoted(r, pp, cell, error);
  const char delim = r->delim;
  while (p < r->end && *p != delim && *p != '\n' && *p != '\r')
    p++;
  const char *s = *pp, *e = p;
  while (s < e && is_blank(r, *s))
    s++;
  while (e > s && is_blank(r, e[-1]))
    e--;
  cell->text = s;
  cell->len = (size_t)(e - s);
  *pp = p;
  return TRUE;
}

static gboolean
stray_cr_error(const CsvReader *r, size_t offset, GError **error)
{
  csv_error(r, error, PLUM_DATA_ERROR_PARSE, offset,
            "carriage return inside an unquoted field (quote the field, or end lines with \\n "
            "or \\r\\n)");
  return FALSE;
}

/* Steps over the delimiter after cell `col` of a row, or checks that the row ends there. */
static inline gboolean
end_cell(CsvReader *r, const char **pp, size_t col, GError **error)
{
  const char *p = *pp;
  size_t offset = (size_t)(p - r->data);
  if (p < r->end && *p == r->delim) {
    if (col + 1 < r->n_cols) {
      *pp = p + 1;
      return TRUE;
    }
    const char *stop = p + 1;
    while (!at_line_end(r, stop))
      stop++;
    char *text = quote_text(p + 1, (size_t)(stop - p - 1));
    csv_error(r, error, PLUM_DATA_ERROR_SHAPE, offset + 1,
              "too many fields: expected %zu, the row goes on with %s", r->n_cols, text);
    g_free(text);
    return FALSE;
  }
  if (!at_line_end(r, p))
    return stray_cr_error(r, offset, error);
  if (col + 1 < r->n_cols) {
    csv_error(r, error, PLUM_DATA_ERROR_SHAPE, offset, "too few fields: expected %zu, found %zu",
              r->n_cols, col + 1);
    return FALSE;
  }
  return TRUE;
}

/* Blank lines (pandas skips them too) are not rows. */
static const char *
skip_blank_lines(const CsvReader *r, const char *p)
{
  while (p < r->end && at_line_end(r, p))
    p = skip_line_end(r, p);
  return p;
}

static gboolean
is_missing(const CsvReader *r, const CsvCell *cell)
{
  for (const char *const *t = r->missing; *t != NULL; t++) {
    if (strlen(*t) == cell->len && memcmp(*t, cell->text, cell->len) == 0)
      return TRUE;
  }
  return FALSE;
}

static inline CellKind
classify(const CsvReader *r, const CsvCell *cell, double *out)
{
  if (r->numeric_missing && is_missing(r, cell))
    return CELL_MISSING;
  if (parse_number(cell->text, cell->len, out))
    return isfinite(*out) ? CELL_NUMBER : isnan(*out) ? CELL_NAN : CELL_INFINITE;
  return is_missing(r, cell) ? CELL_MISSING : CELL_TEXT;
}

/* The missing-value policy for one missing cell: drop the row, keep a NaN feature, or fail. */
static gboolean
take_missing(const CsvReader *r, const CsvCell *cell, size_t col, gboolean *drop, GError **error)
{
  if (r->opts->missing == PLUM_MISSING_DROP) {
    *drop = TRUE;
    return TRUE;
  }
  if (r->opts->missing == PLUM_MISSING_NAN && col != r->label)
    return TRUE;
  return cell_error(r, error, PLUM_DATA_ERROR_MISSING, cell, col, "missing value", "");
}

static gboolean
take_feature(const CsvReader *r, const CsvCell *cell, size_t col, double *x, gboolean *drop,
             GError **error)
{
  switch (classify(r, cell, x)) {
  case CELL_NUMBER:
    return TRUE;
  case CELL_NAN:
    if (r->opts->missing != PLUM_MISSING_ERROR)
      return take_missing(r, cell, col, drop, error);
    return cell_error(r, error, PLUM_DATA_ERROR_NONFINITE, cell, col, "non-finite value", "");
  case CELL_INFINITE:
    return cell_error(r, error, PLUM_DATA_ERROR_NONFINITE, cell, col, "non-finite value", "");
  case CELL_MISSING:
    *x = NAN;
    return take_missing(r, cell, col, drop, error);
  case CELL_TEXT:
    break;
  }
  return cell_error(r, error, PLUM_DATA_ERROR_PARSE, cell, col, "cannot parse", " as a number");
}

/* Reads a label: a real target now, or (for labels that may be classes) just where it is. */
static gboolean
take_label(const CsvReader *r, const CsvCell *cell, CsvOutput *out, gboolean *drop, GError **error)
{
  if (r->target == PLUM_TARGET_CLASS) {
    out->label_offset[out->n] = cell->offset;
    return !is_missing(r, cell) || take_missing(r, cell, r->label, drop, error);
  }
  double *y = &PLUM_MATRIX_AT(out->y, out->n, 0);
  gboolean real = r->target == PLUM_TARGET_REAL;
  if (!real)
    out->label_offset[out->n] = cell->offset;
  switch (classify(r, cell, y)) {
  case CELL_NUMBER:
    return TRUE;
  case CELL_MISSING:
    return take_missing(r, cell, r->label, drop, error);
  case CELL_NAN:
  case CELL_INFINITE:
    if (real)
      return cell_error(r, error, PLUM_DATA_ERROR_NONFINITE, cell, r->label, "non-finite value",
                        "");
    out->row_nonfinite_label = cell->offset;
    return TRUE;
  case CELL_TEXT:
    break;
  }
  if (real)
    return cell_error(r, error, PLUM_DATA_ERROR_PARSE, cell, r->label, "cannot parse",
                      " as a number");
  out->row_text_label = cell->offset;
  return TRUE;
}

/* The common cell in one pass: an unquoted number the fast path converts, ending the cell.
 * Anything else (quotes, spaces, missing tokens, text, strtod's cases) takes the full path. */
static inline gboolean
take_plain_number(const CsvReader *r, const char **pp, double *x)
{
  if (r->numeric_missing)
    return FALSE; /* "-999" may be a missing token: tokens must be checked first */
  const char *stop = scan_fast(*pp, r->end, x);
  if (stop == NULL || (stop < r->end && *stop != r->delim && *stop != '\n' && *stop != '\r'))
    return FALSE;
  *pp = stop;
  return TRUE;
}

static gboolean take_category(const CsvReader *r, const CsvCell *cell, size_t col, double *x,
                              gboolean *drop, GError **error);

static gboolean
take_cell(CsvReader *r, const char **pp, size_t col, double *x, CsvOutput *out, gboolean *drop,
          GError **error)
{
  CsvCell cell;
  if (!read_cell(r, pp, &cell, error))
    return FALSE;
  if (col == r->label)
    return take_label(r, &cell, out, drop, error);
  if (r->cats != NULL && r->cats[col] != NULL)
    return take_category(r, &cell, col, x, drop, error);
  return take_feature(r, &cell, col, x, drop, error);
}

static void
keep_first(size_t *first, size_t offset)
{
  if (*first == NO_OFFSET)
    *first = offset;
}

static gboolean
read_row(CsvReader *r, const char **pp, CsvOutput *out, GError **error)
{
  const char *p = *pp;
  double *x = PLUM_MATRIX_ROW(out->X, out->n);
  gboolean drop = FALSE;
  out->row_text_label = out->row_nonfinite_label = NO_OFFSET;
  for (size_t col = 0; col < r->n_cols; col++) {
    gboolean feature = col != r->label;
    gboolean numeric = feature && (r->cats == NULL || r->cats[col] == NULL);
    if (!(numeric && take_plain_number(r, &p, x)) && !take_cell(r, &p, col, x, out, &drop, error))
      return FALSE;
    if (!end_cell(r, &p, col, error))
      return FALSE;
    x += feature;
  }
  out->seen++;
  *pp = skip_line_end(r, p);
  if (drop)
    return TRUE;
  out->n++;
  keep_first(&out->first_text_label, out->row_text_label);
  keep_first(&out->first_nonfinite_label, out->row_nonfinite_label);
  return TRUE;
}

/* The rows of [p, stop), stop at a line start (or the end). */
static gboolean
read_range(CsvReader *r, const char *p, const char *stop, CsvOutput *out, GError **error)
{
  p = skip_blank_lines(r, p);
  while (p < stop) {
    if (!read_row(r, &p, out, error))
      return FALSE;
    p = skip_blank_lines(r, p);
  }
  return TRUE;
}

/* Line ends in [p, stop). */
static size_t
count_line_ends(const char *p, const char *stop)
{
  size_t n = 0;
  for (const char *nl; (nl = memchr(p, '\n', (size_t)(stop - p))) != NULL; p = nl + 1)
    n++;
  return n;
}

/* One thread's share of a parallel read: its bytes, how many line ends they hold, whether a
 * quote is among them, and its rows written from row `slot` of the shared output on. */
typedef struct {
  const char *begin, *end;
  size_t line_ends;
  gboolean quoted;
  size_t slot;
  CsvOutput out;
  PlumMatrix X, y;
  GError *error;
} CsvRange;

/* Splits the data into n_ranges byte ranges at line ends. */
static CsvRange *
split_ranges(const CsvReader *r, size_t n_ranges)
{
  CsvRange *ranges = g_new0(CsvRange, n_ranges);
  const char *start = r->data + r->data_offset;
  size_t len = (size_t)(r->end - start);
  for (size_t t = 0; t < n_ranges; t++) {
    const char *b = t == 0 ? start : ranges[t - 1].end;
    const char *e = t + 1 == n_ranges ? r->end : start + len / n_ranges * (t + 1);
    if (e < b)
      e = b;
    const char *nl = e < r->end ? memchr(e, '\n', (size_t)(r->end - e)) : NULL;
    ranges[t].begin = b;
    ranges[t].end = t + 1 == n_ranges || nl == NULL ? r->end : nl + 1;
  }
  return ranges;
}

/* Each range's line ends and quotes, in parallel; FALSE when a quote rules the split out (a
 * quoted cell may hold a line end). Otherwise each range's slot leaves room for a row per line
 * end before it; only the range reaching the end of the data holds one row more (an
 * unterminated last line), so *capacity, the line ends plus one, bounds the rows. */
static gboolean
survey_ranges(CsvRange *ranges, size_t n_ranges, size_t *capacity)
{
#pragma omp parallel for schedule(static, 1) num_threads((int)n_ranges)
  for (size_t t = 0; t < n_ranges; t++) {
    const CsvRange *g = &ranges[t];
    size_t len = (size_t)(g->end - g->begin);
    ranges[t].quoted = memchr(g->begin, '"', len) != NULL;
    ranges[t].line_ends = count_line_ends(g->begin, g->end);
  }
  size_t slot = 0;
  for (size_t t = 0; t < n_ranges; t++) {
    if (ranges[t].quoted)
      return FALSE;
    ranges[t].slot = slot;
    slot += ranges[t].line_ends;
  }
  *capacity = slot + 1;
  return TRUE;
}

/* A range's output: views of the shared matrices from its slot on. */
static void
range_output(CsvRange *g, const CsvOutput *out)
{
  g->out = (CsvOutput){.first_text_label = NO_OFFSET, .first_nonfinite_label = NO_OFFSET};
  g->X = *out->X;
  g->X.data = PLUM_MATRIX_ROW(out->X, g->slot);
  g->out.X = &g->X;
  if (out->y != NULL) {
    g->y = *out->y;
    g->y.data = PLUM_MATRIX_ROW(out->y, g->slot);
    g->out.y = &g->y;
  }
  if (out->label_offset != NULL)
    g->out.label_offset = out->label_offset + g->slot;
}

/* Moves each range's rows down after the rows before it, in file order. */
static void
gather_ranges(CsvOutput *out, CsvRange *ranges, size_t n_ranges)
{
  size_t d = out->X->cols;
  for (size_t t = 0; t < n_ranges; t++) {
    const CsvOutput *o = &ranges[t].out;
    size_t from = ranges[t].slot, to = out->n;
    memmove(PLUM_MATRIX_ROW(out->X, to), PLUM_MATRIX_ROW(out->X, from), o->n * d * sizeof(double));
    if (out->y != NULL)
      memmove(out->y->data + to, out->y->data + from, o->n * sizeof(double));
    if (out->label_offset != NULL)
      memmove(out->label_offset + to, out->label_offset + from, o->n * sizeof(size_t));
    out->n += o->n;
    out->seen += o->seen;
    keep_first(&out->first_text_label, o->first_text_label);
    keep_first(&out->first_nonfinite_label, o->first_nonfinite_label);
  }
}

/* read_range over the surveyed ranges in parallel; the first range's error in file order is
 * the one the serial pass would have stopped at. */
static gboolean
read_parallel(CsvReader *r, CsvOutput *out, CsvRange *ranges, size_t n_ranges, GError **error)
{
#pragma omp parallel for schedule(static, 1) num_threads((int)n_ranges)
  for (size_t t = 0; t < n_ranges; t++) {
    CsvReader own = *r;
    own.scratch = g_string_new(NULL);
    range_output(&ranges[t], out);
    read_range(&own, ranges[t].begin, ranges[t].end, &ranges[t].out, &ranges[t].error);
    g_string_free(own.scratch, TRUE);
  }
  gboolean ok = TRUE;
  for (size_t t = 0; t < n_ranges; t++) {
    if (ok && ranges[t].error != NULL) {
      g_propagate_error(error, ranges[t].error);
      ranges[t].error = NULL;
      ok = FALSE;
    }
    g_clear_error(&ranges[t].error);
  }
  if (ok)
    gather_ranges(out, ranges, n_ranges);
  return ok;
}

/* Threads for the data rows: one unless the data is large and no categorical column (whose
 * codes follow the order of first appearance) is read. */
static size_t
row_threads(const CsvReader *r)
{
  size_t len = (size_t)(r->end - (r->data + r->data_offset)), n = (size_t)omp_get_max_threads();
  if (n < 2 || len < 2 * PARALLEL_MIN_BYTES || r->cats != NULL)
    return 1;
  return MIN(n, len / PARALLEL_MIN_BYTES);
}

/* The output matrices, for up to `capacity` rows. */
static gboolean
allocate_output(const CsvReader *r, size_t capacity, CsvOutput *out, GError **error)
{
  size_t d = r->n_cols - (r->label < r->n_cols);
  out->X = plum_matrix_new(capacity, d, error);
  if (out->X == NULL)
    return FALSE;
  if (r->label == r->n_cols)
    return TRUE;
  out->y = plum_matrix_new(capacity, 1, error);
  if (out->y == NULL || r->target == PLUM_TARGET_REAL)
    return out->y != NULL;
  out->label_offset = g_try_new(size_t, capacity);
  if (out->label_offset == NULL) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                "%s: out of memory for the labels of %zu rows", r->source, capacity);
    return FALSE;
  }
  return TRUE;
}

/* Sizes the output and reads the data rows: in parallel ranges where row_threads allows and
 * the data holds no quote, else in one pass. */
static gboolean
read_rows(CsvReader *r, CsvOutput *out, GError **error)
{
  const char *start = r->data + r->data_offset;
  size_t n = row_threads(r), capacity = 0;
  if (n > 1) {
    CsvRange *ranges = split_ranges(r, n);
    if (survey_ranges(ranges, n, &capacity)) {
      gboolean ok =
          allocate_output(r, capacity, out, error) && read_parallel(r, out, ranges, n, error);
      g_free(ranges);
      return ok;
    }
    g_free(ranges);
  }
  capacity = count_line_ends(start, r->end) + 1;
  return allocate_output(r, capacity, out, error) && read_range(r, start, r->end, out, error);
}

/* --- header and label column ------------------------------------------------------------- */

static gboolean
check_duplicate_names(const CsvReader *r, const size_t *offsets, GError **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
  for (size_t col = 0; col < r->n_cols; col++) {
    const char *name = g_ptr_array_index(r->names, col);
    gpointer first = NULL;
    if (g_hash_table_lookup_extended(seen, name, NULL, &first)) {
      char *text = quote_text(name, strlen(name));
      csv_error(r, error, PLUM_DATA_ERROR_PARSE, offsets[col],
                "duplicate column name %s (column %zu has it too)", text,
                GPOINTER_TO_SIZE(first) + 1);
      g_free(text);
      return FALSE;
    }
    g_hash_table_insert(seen, (gpointer)name, GSIZE_TO_POINTER(col));
  }
  return TRUE;
}

/* Reads the first row: the column names, or (without a header) just the number of columns. */
static gboolean
read_header(CsvReader *r, GError **error)
{
  const char *p = skip_blank_lines(r, r->data);
  r->header_offset = (size_t)(p - r->data);
  if (p == r->end) {
    csv_error(r, error, PLUM_DATA_ERROR_SHAPE, r->header_offset, "the file is empty: expected %s",
              r->opts->header ? "a header row" : "a row");
    return FALSE;
  }
  GArray *offsets = g_array_new(FALSE, FALSE, sizeof(size_t));
  gboolean ok = TRUE;
  for (;;) {
    CsvCell cell;
    if (!(ok = read_cell(r, &p, &cell, error)))
      break;
    g_ptr_array_add(r->names, r->opts->header ? g_strndup(cell.text, cell.len)
                                              : g_strdup_printf("x%u", r->names->len));
    g_array_append_val(offsets, cell.offset);
    if (at_line_end(r, p))
      break;
    if (*p != r->delim) {
      ok = stray_cr_error(r, (size_t)(p - r->data), error);
      break;
    }
    p++;
  }
  r->n_cols = r->names->len;
  r->data_offset = r->opts->header ? (size_t)(skip_line_end(r, p) - r->data) : r->header_offset;
  ok = ok && (!r->opts->header || check_duplicate_names(r, (size_t *)offsets->data, error));
  g_array_unref(offsets);
  return ok;
}

/* "a", "b", … for a message. */
static char *
join_names(const CsvReader *r)
{
  GString *out = g_string_new(NULL);
  for (size_t col = 0; col < r->n_cols && col < NAMES_SHOWN; col++)
    g_string_append_printf(out, "%s\"%s\"", col ? ", " : "",
                           (const char *)g_ptr_array_index(r->names, col));
  if (r->n_cols > NAMES_SHOWN)
    g_string_append_printf(out, ", … (%zu in all)", r->n_cols);
  return g_string_free(out, FALSE);
}

static gboolean
choose_label(CsvReader *r, GError **error)
{
  const PlumCsvOptions *o = r->opts;
  r->label = r->n_cols;
  if (o->target == PLUM_TARGET_NONE)
    return TRUE;
  if (o->label_name != NULL) {
    for (size_t col = 0; col < r->n_cols; col++) {
      if (o->header && strcmp(g_ptr_array_index(r->names, col), o->label_name) == 0) {
        r->label = col;
        return TRUE;
      }
    }
    if (o->label_optional)
      return TRUE;
    char *names = join_names(r);
    csv_error(r, error, PLUM_DATA_ERROR_SHAPE, r->header_offset,
              "label column \"%s\" is not in the header (%s: %s)", o->label_name,
              o->header ? "columns" : "no header row, so columns are", names);
    g_free(names);
    return FALSE;
  }
  gint64 index = o->label_index < 0 ? (gint64)r->n_cols + o->label_index : o->label_index;
  if (index < 0 || index >= (gint64)r->n_cols) {
    csv_error(r, error, PLUM_DATA_ERROR_SHAPE, r->header_offset,
              "label column index %" G_GINT64_FORMAT " is out of range: the file has %zu columns",
              o->label_index, r->n_cols);
    return FALSE;
  }
  r->label = (size_t)index;
  return TRUE;
}

/* --- class labels ------------------------------------------------------------------------ */

typedef struct {
  char *text;
  size_t first_offset;
  size_t id; /* the order of first appearance, which the rows refer to */
  double value;
} CsvClass;

static int
compare_class_text(gconstpointer a, gconstpointer b, gpointer user_data)
{
  return strcmp(((const CsvClass *)a)->text, ((const CsvClass *)b)->text);
}

static int
compare_class_value(gconstpointer a, gconstpointer b, gpointer user_data)
{
  const CsvClass *x = a, *y = b;
  if (x->value != y->value)
    return x->value < y->value ? -1 : 1;
  return strcmp(x->text, y->text);
}

/* Replaces each row's label offset by the index of its distinct label in `classes`. */
static void
intern_labels(CsvReader *r, CsvOutput *out, GArray *classes)
{
  g_autoptr(GHashTable) ids = g_hash_table_new(g_str_hash, g_str_equal);
  GString *key = g_string_new(NULL);
  for (size_t i = 0; i < out->n; i++) {
    const char *p = r->data + out->label_offset[i];
    CsvCell cell;
    read_cell(r, &p, &cell, NULL); /* read once already: cannot fail */
    g_string_truncate(key, 0);
    g_string_append_len(key, cell.text, cell.len);
    gpointer id = NULL;
    if (!g_hash_table_lookup_extended(ids, key->str, NULL, &id)) {
      CsvClass c = {.text = g_strdup(key->str), .first_offset = cell.offset, .id = classes->len};
      id = GSIZE_TO_POINTER(classes->len);
      g_array_append_val(classes, c);
      g_hash_table_insert(ids, c.text, id);
    }
    out->label_offset[i] = GPOINTER_TO_SIZE(id);
  }
  g_string_free(key, TRUE);
}

/* Ranks the distinct labels: numeric order when every one is a number, else strcmp order. */
static void
rank_classes(GArray *classes, size_t *rank)
{
  gboolean numeric = TRUE;
  for (guint c = 0; c < classes->len; c++) {
    CsvClass *k = &g_array_index(classes, CsvClass, c);
    numeric =
        numeric && plum_csv_parse_double(k->text, strlen(k->text), &k->value) && !isnan(k->value);
  }
  g_array_sort_with_data(classes, numeric ? compare_class_value : compare_class_text, NULL);
  for (guint c = 0; c < classes->len; c++)
    rank[g_array_index(classes, CsvClass, c).id] = c;
}

/* Maps the distinct labels onto a given class list; an unknown one fails where it first
 * appears. */
static gboolean
map_classes(const CsvReader *r, GArray *classes, size_t *rank, GError **error)
{
  for (guint c = 0; c < classes->len; c++) {
    const CsvClass *k = &g_array_index(classes, CsvClass, c);
    gssize found = plum_dataset_find_class(r->opts->classes, k->text);
    if (found < 0) {
      CsvCell cell = {.text = k->text, .len = strlen(k->text), .offset = k->first_offset};
      return cell_error(r, error, PLUM_DATA_ERROR_INVALID, &cell, r->label, "unknown class",
                        ", not in the given class list");
    }
    rank[c] = (size_t)found;
  }
  return TRUE;
}

static void
class_clear(gpointer p)
{
  g_free(((CsvClass *)p)->text);
}

/* Turns the recorded labels into class indices in out->y and the class texts into ds. */
static gboolean
build_classes(CsvReader *r, CsvOutput *out, PlumDataset *ds, GError **error)
{
  GArray *classes = g_array_new(FALSE, FALSE, sizeof(CsvClass));
  g_array_set_clear_func(classes, class_clear);
  intern_labels(r, out, classes);
  size_t *rank = g_new(size_t, MAX(classes->len, 1));
  gboolean ok = TRUE;
  if (r->opts->classes != NULL) {
    ok = map_classes(r, classes, rank, error);
    ds->classes = ok ? g_strdupv((char **)r->opts->classes) : NULL;
  } else {
    rank_classes(classes, rank);
    ds->classes = g_new0(char *, classes->len + 1);
    for (guint c = 0; c < classes->len; c++)
      ds->classes[c] = g_strdup(g_array_index(classes, CsvClass, c).text);
  }
  for (size_t i = 0; ok && i < out->n; i++)
    PLUM_MATRIX_AT(ds->y, i, 0) = (double)rank[out->label_offset[i]];
  ds->n_classes = ds->classes != NULL ? g_strv_length(ds->classes) : 0;
  g_free(rank);
  g_array_unref(classes);
  return ok;
}

/* --- categorical feature columns ---------------------------------------------------------- */

/* A categorical column: its distinct names in order of first appearance (the codes the rows
 * hold while reading), then ranked or mapped onto known categories. */
typedef struct CsvCategory {
  size_t col;
  GHashTable *ids; /* name -> first-appearance id */
  GArray *entries; /* CsvClass, by id */
  const char *const *known;
  GString *key; /* the cell's text, NUL-terminated (a quoted cell lives in r->scratch) */
} CsvCategory;

static void
category_free(CsvCategory *c)
{
  if (c == NULL)
    return;
  g_hash_table_unref(c->ids);
  g_array_unref(c->entries);
  g_string_free(c->key, TRUE);
  g_free(c);
}

static void
categories_free(CsvReader *r)
{
  for (size_t col = 0; r->cats != NULL && col < r->n_cols; col++)
    category_free(r->cats[col]);
  g_free(r->cats);
}

static gboolean
take_category(const CsvReader *r, const CsvCell *cell, size_t col, double *x, gboolean *drop,
              GError **error)
{
  if (is_missing(r, cell)) {
    *x = NAN;
    return take_missing(r, cell, col, drop, error);
  }
  CsvCategory *c = r->cats[col];
  g_string_truncate(c->key, 0);
  g_string_append_len(c->key, cell->text, cell->len);
  gpointer id = NULL;
  if (!g_hash_table_lookup_extended(c->ids, c->key->str, NULL, &id)) {
    CsvClass k = {
        .text = g_strdup(c->key->str), .first_offset = cell->offset, .id = c->entries->len};
    id = GSIZE_TO_POINTER(c->entries->len);
    g_array_append_val(c->entries, k);
    g_hash_table_insert(c->ids, k.text, id);
  }
  *x = (double)GPOINTER_TO_SIZE(id);
  return TRUE;
}

static gboolean
check_width(const CsvReader *r, GError **error)
{
  size_t d = r->n_cols - (r->label < r->n_cols);
  if (r->opts->n_features == 0 || d == r->opts->n_features)
    return TRUE;
  csv_error(r, error, PLUM_DATA_ERROR_SHAPE, r->header_offset,
            "%zu feature columns, but %zu are expected (the model was trained on %zu)", d,
            r->opts->n_features, r->opts->n_features);
  return FALSE;
}

/* Finds the categorical columns named in the options. */
static gboolean
setup_categories(CsvReader *r, GError **error)
{
  const PlumCsvOptions *o = r->opts;
  if (o->categorical == NULL)
    return TRUE;
  r->cats = g_new0(CsvCategory *, r->n_cols);
  for (size_t k = 0; o->categorical[k] != NULL; k++) {
    size_t col = 0;
    while (col < r->n_cols && (!o->header || col == r->label ||
                               strcmp(g_ptr_array_index(r->names, col), o->categorical[k]) != 0))
      col++;
    if (col == r->n_cols) {
      char *names = join_names(r);
      csv_error(r, error, PLUM_DATA_ERROR_SHAPE, r->header_offset,
                "categorical column \"%s\" is not a feature column of the header (%s)",
                o->categorical[k], names);
      g_free(names);
      return FALSE;
    }
    CsvCategory *c = g_new0(CsvCategory, 1);
    c->col = col;
    c->ids = g_hash_table_new(g_str_hash, g_str_equal);
    c->entries = g_array_new(FALSE, FALSE, sizeof(CsvClass));
    g_array_set_clear_func(c->entries, class_clear);
    c->known = o->categories != NULL ? o->categories[k] : NULL;
    c->key = g_string_new(NULL);
    category_free(r->cats[col]);
    r->cats[col] = c;
  }
  return TRUE;
}

/* Replaces first-appearance codes by ranks (or known-category indices) and lists the names. */
static gboolean
finish_category(const CsvReader *r, CsvCategory *c, PlumMatrix *X, size_t fcol, char ***names_out,
                GError **error)
{
  size_t n = c->entries->len;
  size_t *rank = g_new(size_t, MAX(n, 1));
  if (c->known != NULL) {
    for (guint k = 0; k < n; k++) {
      const CsvClass *e = &g_array_index(c->entries, CsvClass, k);
      gssize found = -1;
      for (gssize j = 0; found < 0 && c->known[j] != NULL; j++)
        if (strcmp(c->known[j], e->text) == 0)
          found = j;
      if (found < 0) {
        CsvCell cell = {.text = e->text, .len = strlen(e->text), .offset = e->first_offset};
        g_free(rank);
        return cell_error(r, error, PLUM_DATA_ERROR_INVALID, &cell, c->col, "unknown category",
                          ", not seen in the training data");
      }
      rank[e->id] = (size_t)found;
    }
    *names_out = g_strdupv((char **)c->known);
  } else {
    rank_classes(c->entries, rank);
    *names_out = g_new0(char *, n + 1);
    for (guint k = 0; k < n; k++)
      (*names_out)[k] = g_strdup(g_array_index(c->entries, CsvClass, k).text);
  }
  for (size_t i = 0; i < X->rows; i++) {
    double *v = &PLUM_MATRIX_AT(X, i, fcol);
    if (!isnan(*v))
      *v = (double)rank[(size_t)*v];
  }
  g_free(rank);
  return TRUE;
}

static gboolean
finish_categories(const CsvReader *r, PlumDataset *ds, GError **error)
{
  if (r->cats == NULL)
    return TRUE;
  size_t d = ds->X->cols;
  char ***lists = g_new0(char **, d);
  gboolean ok = TRUE;
  for (size_t col = 0; ok && col < r->n_cols; col++) {
    if (r->cats[col] == NULL)
      continue;
    size_t fcol = col - (r->label < col);
    ok = finish_category(r, r->cats[col], ds->X, fcol, &lists[fcol], error);
  }
  if (ok)
    plum_dataset_set_categories(ds, (char *const *const *)lists);
  for (size_t j = 0; j < d; j++)
    g_strfreev(lists[j]);
  g_free(lists);
  return ok;
}

/* --- putting it together ----------------------------------------------------------------- */

static gboolean
check_options(const CsvReader *r, GError **error)
{
  const PlumCsvOptions *o = r->opts;
  if (o->delimiter == '"' || o->delimiter == '\n' || o->delimiter == '\r' || o->delimiter == '\0') {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                "%s: the delimiter cannot be a quote, a line end or NUL", r->source);
    return FALSE;
  }
  if (o->classes != NULL && o->target == PLUM_TARGET_REAL) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_INVALID,
                "%s: a class list was given for a real-valued target", r->source);
    return FALSE;
  }
  return TRUE;
}

static gboolean
any_numeric(const char *const *tokens)
{
  double v;
  for (; *tokens != NULL; tokens++) {
    if (plum_csv_parse_double(*tokens, strlen(*tokens), &v))
      return TRUE;
  }
  return FALSE;
}

/* After the pass: whether an AUTO target turned out real or classes. */
static gboolean
resolve_target(CsvReader *r, const CsvOutput *out, GError **error)
{
  if (r->target != PLUM_TARGET_AUTO)
    return TRUE;
  if (out->first_text_label != NO_OFFSET) {
    r->target = PLUM_TARGET_CLASS;
    return TRUE;
  }
  r->target = PLUM_TARGET_REAL;
  if (out->first_nonfinite_label == NO_OFFSET)
    return TRUE;
  const char *p = r->data + out->first_nonfinite_label;
  CsvCell cell;
  read_cell(r, &p, &cell, NULL);
  return cell_error(r, error, PLUM_DATA_ERROR_NONFINITE, &cell, r->label, "non-finite value", "");
}

static gboolean
check_rows(const CsvReader *r, const CsvOutput *out, GError **error)
{
  if (out->seen == 0) {
    csv_error(r, error, PLUM_DATA_ERROR_SHAPE, r->data_offset, "no data rows%s",
              r->opts->header ? " after the header" : "");
    return FALSE;
  }
  if (out->n == 0) {
    g_set_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_MISSING,
                "%s: every one of the %zu rows has a missing value, and all were dropped",
                r->source, out->seen);
    return FALSE;
  }
  return TRUE;
}

/* Hands the matrices to a dataset (the spare capacity rows stay unused in their block). */
static PlumDataset *
make_dataset(CsvReader *r, CsvOutput *out, GError **error)
{
  GPtrArray *features = g_ptr_array_new();
  for (size_t col = 0; col < r->n_cols; col++) {
    if (col != r->label)
      g_ptr_array_add(features, g_ptr_array_index(r->names, col));
  }
  g_ptr_array_add(features, NULL);
  out->X->rows = out->n;
  if (out->y != NULL)
    out->y->rows = out->n;
  const char *target = out->y != NULL ? g_ptr_array_index(r->names, r->label) : NULL;
  PlumDataset *ds = plum_dataset_new(out->X, out->y, (const char *const *)features->pdata, target);
  g_ptr_array_unref(features);
  out->X = out->y = NULL;
  gboolean labels = r->label < r->n_cols;
  if ((labels && r->target == PLUM_TARGET_CLASS && !build_classes(r, out, ds, error)) ||
      !finish_categories(r, ds, error)) {
    plum_dataset_free(ds);
    return NULL;
  }
  return ds;
}

PlumDataset *
plum_csv_read_buffer(const char *data, size_t len, const char *source_name,
                     const PlumCsvOptions *opts, GError **error)
{
  g_return_val_if_fail(data != NULL || len == 0, NULL);
  PlumCsvOptions defaults;
  if (opts == NULL) {
    plum_csv_options_init(&defaults);
    opts = &defaults;
  }
  CsvReader r = {
      .source = source_name != NULL ? source_name : "<buffer>",
      .data = data != NULL ? data : "",
      .end = (data != NULL ? data : "") + len,
      .opts = opts,
      .delim = opts->delimiter,
      .missing = opts->missing_tokens != NULL ? opts->missing_tokens : default_missing,
      .target = opts->classes != NULL && opts->target == PLUM_TARGET_AUTO ? PLUM_TARGET_CLASS
                                                                          : opts->target,
      .scratch = g_string_new(NULL),
      .names = g_ptr_array_new_with_free_func(g_free),
  };
  r.numeric_missing = any_numeric(r.missing);
  CsvOutput out = {.first_text_label = NO_OFFSET, .first_nonfinite_label = NO_OFFSET};
  PlumDataset *ds = NULL;
  if (check_options(&r, error) && read_header(&r, error) && choose_label(&r, error) &&
      check_width(&r, error) && setup_categories(&r, error) && read_rows(&r, &out, error) &&
      check_rows(&r, &out, error) && resolve_target(&r, &out, error))
    ds = make_dataset(&r, &out, error);
  plum_matrix_free(out.X);
  plum_matrix_free(out.y);
  g_free(out.label_offset);
  categories_free(&r);
  g_ptr_array_unref(r.names);
  g_string_free(r.scratch, TRUE);
  return ds;
}

PlumDataset *
plum_csv_read(const char *path, const PlumCsvOptions *opts, GError **error)
{
  g_return_val_if_fail(path != NULL, NULL);
  GError *local = NULL;
  GMappedFile *file = g_mapped_file_new(path, FALSE, &local);
  if (file == NULL) {
    g_set_error_literal(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_IO, local->message);
    g_error_free(local);
    return NULL;
  }
  PlumDataset *ds = plum_csv_read_buffer(g_mapped_file_get_contents(file),
                                         g_mapped_file_get_length(file), path, opts, error);
  g_mapped_file_unref(file);
  return ds;
}
