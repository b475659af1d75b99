/* test-modelfile.c — model files keep every bit of what was saved, and every damaged or crafted
 * file ends in a clean error naming the file: truncated at each offset, each single bit flipped,
 * lengths rewritten with a valid checksum, wrong magic, future version, empty file. Saving is
 * atomic: a failed save leaves the previous file and no temporary behind.
 *
 * With PLUM_MODELFILE_CORPUS naming a directory, the round-trip test also writes its files there
 * as the seed corpus of the fuzzer (tests/fuzz/run.sh).
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <plum/plum.h>

#include "modelfile-util.h"

/* ---- building and comparing ---- */

static double
double_from_bits(guint64 bits)
{
  double d;
  memcpy(&d, &bits, sizeof d);
  return d;
}

/* One entry of each type, with the doubles that a careless format loses. */
static PlumState *
state_all_types(void)
{
  const double reals[] = {
      -0.0,
      0.0,
      DBL_MIN / 4,                           /* subnormal */
      double_from_bits(1),                   /* the smallest subnormal */
      double_from_bits(0x7ff8000000000123u), /* quiet NaN with a payload */
      double_from_bits(0xfff0000000000001u), /* signalling NaN, sign set */
      INFINITY,
      -INFINITY,
      DBL_MAX,
      M_PI,
      -1e-300,
      1.0,
  };
  const gint64 ints[] = {G_MININT64, -1, 0, 1, G_MAXINT64};
  PlumState *s = plum_state_new();
  plum_state_set_reals(s, "weights", reals, 3, 4);
  plum_state_set_reals(s, "empty_rows", NULL, 0, 5);
  plum_state_set_reals(s, "empty_cols", NULL, 3, 0);
  plum_state_set_real(s, "bias", -0.0);
  plum_state_set_ints(s, "counts", ints, G_N_ELEMENTS(ints));
  plum_state_set_ints(s, "no_ints", NULL, 0);
  plum_state_set_string(s, "label", "Größe — 大きさ");
  plum_state_set_string(s, "empty", "");
  return s;
}

static PlumModelFile *
file_full(void)
{
  PlumModelFile *mf = plum_model_file_new();
  mf->config_yaml = g_strdup("version: 1\nseed: 42\nmodel:\n  name: ols\n");
  mf->seed = G_MAXUINT64;
  plum_state_set_string(mf->meta, "classes", "a,b");
  plum_state_set_real(mf->meta, "accuracy", 0.96);
  plum_model_file_add(mf, "transform.0", PLUM_KIND_MODEL, "standardize", "transforms", "0.1.0", 1,
                      state_all_types());
  plum_model_file_add(mf, "model", PLUM_KIND_MODEL, "logistic_regression", "linear", "2.3", 7,
                      state_all_types());
  plum_model_file_add(mf, "model.optimizer", PLUM_KIND_OPTIMIZER, "gd", "optim", "", 0,
                      plum_state_new());
  return mf;
}

/* The small file whose layout doc/model-file.md spells out byte by byte: 231 bytes. */
static PlumModelFile *
file_small(void)
{
  PlumModelFile *mf = plum_model_file_new();
  mf->config_yaml = g_strdup("k: v");
  mf->seed = 7;
  PlumState *s = plum_state_new();
  const double w[] = {1.5, -2.0};
  plum_state_set_reals(s, "w", w, 1, 2);
  plum_model_file_add(mf, "model", PLUM_KIND_MODEL, "ols", "linear", "1.0", 1, s);
  return mf;
}

#define SMALL_LEN 231

/* The length and count fields of the small file: where, how wide, and what they hold. */
static const struct {
  size_t at;
  size_t width;
  guint64 value;
} small_lengths[] = {
    {84, 8, 8},   /* CONFIG section length */
    {92, 4, 4},   /* configuration text length */
    {104, 8, 8},  /* SEED section length */
    {124, 8, 4},  /* META section length */
    {132, 4, 0},  /* META state entry count */
    {140, 8, 83}, /* ENTRY section length */
    {148, 4, 5},  /* role length */
    {161, 4, 3},  /* component length */
    {168, 4, 6},  /* module length */
    {178, 4, 3},  /* module version length */
    {189, 4, 1},  /* state entry count */
    {193, 4, 1},  /* state entry name length */
    {199, 8, 1},  /* rows */
    {207, 8, 2},  /* cols */
};

static guint8 *
image_of(const PlumModelFile *mf, size_t *len)
{
  guint8 *img = plum_model_file_serialize(mf, len);
  g_assert_nonnull(img);
  return img;
}

static guint64
peek(const guint8 *img, size_t at, size_t width)
{
  guint64 v = 0;
  for (size_t i = width; i-- > 0;)
    v = (v << 8) | img[at + i];
  return v;
}

static void
poke(guint8 *img, size_t at, size_t width, guint64 v)
{
  for (size_t i = 0; i < width; i++, v >>= 8)
    img[at + i] = (guint8)(v & 0xff);
}

/* Where `needle` occurs in the image; it must occur exactly once. */
static size_t
find_once(const guint8 *img, size_t len, const char *needle)
{
  size_t n = strlen(needle), found = len;
  for (size_t i = 0; i + n <= len; i++) {
    if (memcmp(img + i, needle, n) != 0)
      continue;
    g_assert_cmpuint(found, ==, len);
    found = i;
  }
  g_assert_cmpuint(found, <, len);
  return found;
}

static void
assert_bits_equal(const void *a, const void *b, size_t bytes)
{
  g_assert_true(bytes == 0 || memcmp(a, b, bytes) == 0);
}

static void
assert_entry_equal(const PlumState *a, const PlumState *b, const char *name, PlumStateType type)
{
  size_t ra = 0, ca = 0, rb = 0, cb = 0;
  switch (type) {
  case PLUM_STATE_REALS: {
    const double *da = plum_state_get_reals(a, name, 0, 0, &ra, &ca, NULL);
    const double *db = plum_state_get_reals(b, name, 0, 0, &rb, &cb, NULL);
    g_assert_cmpuint(ra, ==, rb);
    g_assert_cmpuint(ca, ==, cb);
    assert_bits_equal(da, db, ra * ca * sizeof(double));
    return;
  }
  case PLUM_STATE_INTS: {
    const gint64 *ia = plum_state_get_ints(a, name, 0, &ra, NULL);
    const gint64 *ib = plum_state_get_ints(b, name, 0, &rb, NULL);
    g_assert_cmpuint(ra, ==, rb);
    assert_bits_equal(ia, ib, ra * sizeof(gint64));
    return;
  }
  case PLUM_STATE_STRING:
    g_assert_cmpstr(plum_state_get_string(a, name, NULL), ==, plum_state_get_string(b, name, NULL));
    return;
  }
  g_assert_not_reached();
}

static void
assert_states_equal(const PlumState *a, const PlumState *b)
{
  g_assert_cmpuint(plum_state_size(a), ==, plum_state_size(b));
  for (size_t i = 0; i < plum_state_size(a); i++) {
    const char *name = plum_state_name_at(a, i);
    g_assert_cmpstr(name, ==, plum_state_name_at(b, i));
    g_assert_cmpint(plum_state_type_at(a, i), ==, plum_state_type_at(b, i));
    assert_entry_equal(a, b, name, plum_state_type_at(a, i));
  }
}

static void
assert_files_equal(const PlumModelFile *a, const PlumModelFile *b)
{
  g_assert_cmpstr(a->config_yaml, ==, b->config_yaml);
  g_assert_cmpuint(a->seed, ==, b->seed);
  assert_states_equal(a->meta, b->meta);
  g_assert_cmpuint(a->n_entries, ==, b->n_entries);
  for (size_t i = 0; i < a->n_entries; i++) {
    const PlumModelEntry *x = &a->entries[i], *y = &b->entries[i];
    g_assert_cmpstr(x->role, ==, y->role);
    g_assert_cmpint(x->kind, ==, y->kind);
    g_assert_cmpstr(x->component, ==, y->component);
    g_assert_cmpstr(x->module, ==, y->module);
    g_assert_cmpstr(x->module_version, ==, y->module_version);
    g_assert_cmpuint(x->state_version, ==, y->state_version);
    assert_states_equal(x->state, y->state);
  }
}

/* Parses a heap copy of exactly len bytes, so that ASan sees any read past the end. */
static PlumModelFile *
parse_copy(const guint8 *img, size_t len, GError **error)
{
  guint8 *copy = g_memdup2(img, len);
  PlumModelFile *mf = plum_model_file_parse(copy, len, "test.plum", error);
  g_free(copy);
  return mf;
}

/* The image must be rejected with a message naming the file and holding `what` (nullable). */
static void
assert_rejected(const guint8 *img, size_t len, const char *what)
{
  GError *error = NULL;
  PlumModelFile *mf = parse_copy(img, len, &error);
  g_assert_null(mf);
  g_assert_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE);
  g_assert_true(g_str_has_prefix(error->message, "test.plum: "));
  if (what != NULL && strstr(error->message, what) == NULL)
    g_error("expected \"%s\" in: %s", what, error->message);
  g_error_free(error);
}

static void
write_seed(const char *dir, const char *name, const guint8 *img, size_t len)
{
  char *path = g_build_filename(dir, name, NULL);
  g_assert_true(g_file_set_contents(path, (const char *)img, (gssize)len, NULL));
  g_free(path);
}

/* ---- round trips and layout ---- */

static void
test_roundtrip(void)
{
  PlumModelFile *mf = file_full();
  size_t len;
  guint8 *img = image_of(mf, &len);
  GError *error = NULL;
  PlumModelFile *back = parse_copy(img, len, &error);
  g_assert_no_error(error);
  assert_files_equal(mf, back);
  g_assert_cmpuint(back->format_version, ==, PLUM_MODELFILE_VERSION);
  g_assert_cmpstr(back->host_version, ==, plum_version());
  /* The format is canonical: what was read writes back to the same bytes. */
  size_t len2;
  guint8 *img2 = image_of(back, &len2);
  g_assert_cmpmem(img, len, img2, len2);

  const char *corpus = g_getenv("PLUM_MODELFILE_CORPUS");
  if (corpus != NULL) {
    PlumModelFile *small = file_small();
    size_t slen;
    guint8 *simg = image_of(small, &slen);
    write_seed(corpus, "full.plum", img, len);
    write_seed(corpus, "small.plum", simg, slen);
    g_free(simg);
    plum_model_file_free(small);
  }
  g_free(img2);
  g_free(img);
  plum_model_file_free(back);
  plum_model_file_free(mf);
}

static void
test_layout(void)
{
  PlumModelFile *mf = file_small();
  size_t len;
  guint8 *img = image_of(mf, &len);
  g_assert_cmpuint(len, ==, SMALL_LEN);
  g_assert_cmpmem(img, 8, "PLUMMODL", 8);
  g_assert_cmpuint(peek(img, 8, 4), ==, PLUM_MODELFILE_VERSION);
  g_assert_cmpuint(peek(img, 12, 4), ==, 0x01020304u);
  g_assert_cmpstr((const char *)img + 16, ==, plum_version());
  g_assert_cmpuint(peek(img, 32, 8), ==, SMALL_LEN - 80);
  g_assert_cmpuint(peek(img, 72, 8), ==, 0);
  /* Section tags: CONFIG 1, SEED 2, META 3, ENTRY 4. */
  g_assert_cmpuint(peek(img, 80, 4), ==, 1);
  g_assert_cmpuint(peek(img, 100, 4), ==, 2);
  g_assert_cmpuint(peek(img, 112, 8), ==, 7);
  g_assert_cmpuint(peek(img, 120, 4), ==, 3);
  g_assert_cmpuint(peek(img, 136, 4), ==, 4);
  g_assert_cmpuint(peek(img, 157, 4), ==, PLUM_KIND_MODEL);
  g_assert_cmpuint(peek(img, 185, 4), ==, 1);
  g_assert_cmpuint(img[198], ==, PLUM_STATE_REALS);
  g_assert_cmpuint(peek(img, 215, 8), ==, 0x3ff8000000000000u); /* 1.5 */
  for (size_t i = 0; i < G_N_ELEMENTS(small_lengths); i++)
    g_assert_cmpuint(peek(img, small_lengths[i].at, small_lengths[i].width), ==,
                     small_lengths[i].value);
  g_free(img);
  plum_model_file_free(mf);
}

/* ---- damaged files ---- */

static void
test_truncated(void)
{
  PlumModelFile *mf = file_small();
  size_t len;
  guint8 *img = image_of(mf, &len);
  assert_rejected(img, 0, "empty file");
  for (size_t n = 1; n < len; n++)
    assert_rejected(img, n, "truncated at byte");
  char *what = g_strdup_printf("truncated at byte 200: the header says %zu body bytes",
                               (size_t)SMALL_LEN - 80);
  assert_rejected(img, 200, what);
  g_free(what);
  g_free(img);
  plum_model_file_free(mf);
}

static void
test_bit_flips(void)
{
  PlumModelFile *mf = file_small();
  size_t len;
  guint8 *img = image_of(mf, &len);
  for (size_t i = 0; i < len; i++) {
    for (int bit = 0; bit < 8; bit++) {
      img[i] ^= (guint8)(1u << bit);
      assert_rejected(img, len, NULL);
      img[i] ^= (guint8)(1u << bit);
    }
  }
  img[200] ^= 0x10;
  assert_rejected(img, len, "corrupt: checksum mismatch");
  g_free(img);
  plum_model_file_free(mf);
}

static void
test_length_flips_resealed(void)
{
  PlumModelFile *mf = file_small();
  size_t len;
  guint8 *img = image_of(mf, &len);
  for (size_t f = 0; f < G_N_ELEMENTS(small_lengths); f++) {
    size_t at = small_lengths[f].at, width = small_lengths[f].width;
    for (size_t bit = 0; bit < 8 * width; bit++) {
      guint8 *bad = g_memdup2(img, len);
      bad[at + bit / 8] ^= (guint8)(1u << (bit % 8));
      modelfile_reseal(bad, len);
      assert_rejected(bad, len, "byte ");
      g_free(bad);
    }
  }
  g_free(img);
  plum_model_file_free(mf);
}

/* Any single flip in the body, checksum fixed: either rejected, or read as a file that writes
 * back to exactly the flipped bytes (a changed value), so the reader accepts only what the
 * writer can produce. */
static void
test_body_flips_resealed(void)
{
  PlumModelFile *mf = file_small();
  size_t len;
  guint8 *img = image_of(mf, &len);
  for (size_t i = 80; i < len; i++) {
    for (int bit = 0; bit < 8; bit++) {
      guint8 *bad = g_memdup2(img, len);
      bad[i] ^= (guint8)(1u << bit);
      modelfile_reseal(bad, len);
      GError *error = NULL;
      PlumModelFile *back = parse_copy(bad, len, &error);
      if (back == NULL) {
        g_assert_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE);
        g_error_free(error);
      } else {
        size_t len2;
        guint8 *img2 = image_of(back, &len2);
        g_assert_cmpmem(bad, len, img2, len2);
        g_free(img2);
        plum_model_file_free(back);
      }
      g_free(bad);
    }
  }
  g_free(img);
  plum_model_file_free(mf);
}

static void
test_wrong_magic(void)
{
  PlumModelFile *mf = file_small();
  size_t len;
  guint8 *img = image_of(mf, &len);
  img[3] = 'X';
  assert_rejected(img, len, "not a plum model file");
  const char text[] = "version: 1\nmodel: ols\n";
  assert_rejected((const guint8 *)text, sizeof text - 1, "not a plum model file");
  g_free(img);
  plum_model_file_free(mf);
}

static void
test_future_version(void)
{
  PlumModelFile *mf = file_small();
  size_t len;
  guint8 *img = image_of(mf, &len);
  poke(img, 8, 4, PLUM_MODELFILE_VERSION + 1);
  char *what = g_strdup_printf("written by a newer plum (format %d, this plum reads up to %d)",
                               PLUM_MODELFILE_VERSION + 1, PLUM_MODELFILE_VERSION);
  assert_rejected(img, len, what);
  /* Up front: whatever follows the header of a newer format is not looked at. */
  assert_rejected(img, 80, what);
  poke(img, 8, 4, 0);
  assert_rejected(img, len, "byte 8: format version 0");
  g_free(what);
  g_free(img);
  plum_model_file_free(mf);
}

/* Patches a u32/u64 field of the small file to `value`, reseals, and expects `what`. */
static void
assert_patch_rejected(size_t at, size_t width, guint64 value, const char *what)
{
  PlumModelFile *mf = file_small();
  size_t len;
  guint8 *img = image_of(mf, &len);
  poke(img, at, width, value);
  modelfile_reseal(img, len);
  assert_rejected(img, len, what);
  g_free(img);
  plum_model_file_free(mf);
}

static void
test_huge_lengths(void)
{
  const guint64 huge = G_GUINT64_CONSTANT(1) << 63;
  assert_patch_rejected(84, 8, huge, "byte 92: section of 9223372036854775808 bytes");
  assert_patch_rejected(140, 8, G_MAXUINT64, "runs past the end");
  assert_patch_rejected(92, 4, G_MAXUINT32, "runs past the end");
  assert_patch_rejected(148, 4, G_MAXUINT32, "runs past the end");
  assert_patch_rejected(189, 4, G_MAXUINT32, "state entries cannot fit");
  assert_patch_rejected(193, 4, 256, "byte 193: state entry name has length 256 (must be 1..255)");
  /* 2^63 x 2 wraps to 0 in 64 bits: the bound is checked by division, never by product. */
  assert_patch_rejected(199, 8, huge,
                        "byte 199: state entry \"w\": 9223372036854775808 x 2 values");
  assert_patch_rejected(207, 8, huge, "1 x 9223372036854775808 values run past the end");
  assert_patch_rejected(207, 8, G_MAXUINT64, "1 x 18446744073709551615 values run past the end");
  /* The header's body length is checked against the file size, not trusted. */
  PlumModelFile *mf = file_small();
  size_t len;
  guint8 *img = image_of(mf, &len);
  poke(img, 32, 8, huge);
  assert_rejected(img, len, "truncated at byte 231: the header says 9223372036854775808 body");
  g_free(img);
  plum_model_file_free(mf);
}

static void
test_bad_fields(void)
{
  assert_patch_rejected(100, 4, 99, "byte 100: unknown section tag 99");
  assert_patch_rejected(100, 4, 1, "byte 100: a second CONFIG section");
  assert_patch_rejected(157, 4, 0, "byte 157: entry \"model\": unknown component kind 0");
  assert_patch_rejected(157, 4, PLUM_KIND_LAST + 1, "unknown component kind");
  assert_patch_rejected(198, 1, 9, "byte 198: state entry \"w\" has unknown type 9");
  assert_patch_rejected(96, 1, 0xff, "byte 96: configuration is not valid UTF-8");
  assert_patch_rejected(165, 1, 0, "byte 165: component name holds a NUL byte");
  assert_patch_rejected(148, 4, 0, "entry role has length 0");
  assert_patch_rejected(16, 1, 0xff, "byte 16: host version");
  assert_patch_rejected(79, 1, 1, "byte 72: reserved header bytes are not zero");
  assert_patch_rejected(12, 4, 0x04030201, "byte 12: byte-order mark 0x04030201");
}

static void
test_duplicates(void)
{
  PlumModelFile *mf = file_small();
  double x = 1;
  plum_state_set_reals(mf->entries[0].state, "dupA", &x, 1, 1);
  plum_state_set_reals(mf->entries[0].state, "dupB", &x, 1, 1);
  plum_model_file_add(mf, "roleA", PLUM_KIND_KERNEL, "rbf", "kernels", "1", 1, plum_state_new());
  plum_model_file_add(mf, "roleB", PLUM_KIND_KERNEL, "rbf", "kernels", "1", 1, plum_state_new());
  size_t len;
  guint8 *img = image_of(mf, &len);

  guint8 *bad = g_memdup2(img, len);
  bad[find_once(bad, len, "dupB") + 3] = 'A';
  modelfile_reseal(bad, len);
  assert_rejected(bad, len, "duplicate state entry \"dupA\"");
  g_free(bad);

  bad = g_memdup2(img, len);
  size_t at = find_once(bad, len, "roleB");
  bad[at + 4] = 'A';
  modelfile_reseal(bad, len);
  char *what = g_strdup_printf("byte %zu: a second entry with role \"roleA\"", at - 4);
  assert_rejected(bad, len, what);
  g_free(what);
  g_free(bad);
  g_free(img);
  plum_model_file_free(mf);
}

static void
test_sections_counted(void)
{
  PlumModelFile *mf = file_small();
  size_t len;
  guint8 *img = image_of(mf, &len);
  guint8 *longer = g_malloc0(len + 1);
  memcpy(longer, img, len);
  assert_rejected(longer, len + 1, "byte 231: 1 unexpected bytes after the body");
  g_free(longer);

  /* Cut before the ENTRY section and fix up the header: a well-formed file with no entry. */
  poke(img, 32, 8, 136 - 80);
  modelfile_reseal(img, 136);
  assert_rejected(img, 136, "test.plum: no ENTRY section");
  g_free(img);
  plum_model_file_free(mf);
}

/* ---- files on disk ---- */

static char *
tmp_dir(void)
{
  GError *error = NULL;
  char *dir = g_dir_make_tmp("plum-modelfile-XXXXXX", &error);
  g_assert_no_error(error);
  return dir;
}

static guint
count_files(const char *dir)
{
  GDir *d = g_dir_open(dir, 0, NULL);
  g_assert_nonnull(d);
  guint n = 0;
  while (g_dir_read_name(d) != NULL)
    n++;
  g_dir_close(d);
  return n;
}

/* Removes a test directory, one level of files and subdirectories deep. */
static void
remove_dir(const char *dir)
{
  GDir *d = g_dir_open(dir, 0, NULL);
  const char *name;
  while ((name = g_dir_read_name(d)) != NULL) {
    char *path = g_build_filename(dir, name, NULL);
    if (g_file_test(path, G_FILE_TEST_IS_DIR))
      remove_dir(path);
    else
      g_assert_cmpint(g_unlink(path), ==, 0);
    g_free(path);
  }
  g_dir_close(d);
  g_assert_cmpint(g_rmdir(dir), ==, 0);
}

static void
test_save_load(void)
{
  char *dir = tmp_dir();
  char *path = g_build_filename(dir, "model.plum", NULL);
  PlumModelFile *small = file_small(), *full = file_full();
  GError *error = NULL;
  g_assert_true(plum_model_file_save(small, path, &error));
  g_assert_no_error(error);
  g_assert_true(plum_model_file_save(full, path, &error));
  g_assert_no_error(error);
  g_assert_cmpuint(count_files(dir), ==, 1);
  PlumModelFile *back = plum_model_file_load(path, &error);
  g_assert_no_error(error);
  assert_files_equal(full, back);
  GStatBuf st;
  g_assert_cmpint(g_stat(path, &st), ==, 0);
  g_assert_cmpint(st.st_mode & 0600, ==, 0600);
  plum_model_file_free(back);
  plum_model_file_free(full);
  plum_model_file_free(small);
  g_free(path);
  remove_dir(dir);
  g_free(dir);
}

static void
test_load_errors(void)
{
  char *dir = tmp_dir();
  char *missing = g_build_filename(dir, "missing.plum", NULL);
  char *empty = g_build_filename(dir, "empty.plum", NULL);
  GError *error = NULL;
  g_assert_null(plum_model_file_load(missing, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_IO);
  g_assert_nonnull(strstr(error->message, "missing.plum"));
  g_clear_error(&error);
  g_assert_null(plum_model_file_load(dir, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_IO);
  g_clear_error(&error);
  g_assert_true(g_file_set_contents(empty, "", 0, NULL));
  g_assert_null(plum_model_file_load(empty, &error));
  g_assert_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE);
  g_assert_true(g_str_has_prefix(error->message, empty));
  g_assert_nonnull(strstr(error->message, "empty file"));
  g_clear_error(&error);
  g_free(missing);
  g_free(empty);
  remove_dir(dir);
  g_free(dir);
}

/* A save that fails must leave `path` as it was and nothing new in `dir`. */
static void
assert_save_fails(const char *dir, const char *path, const char *old)
{
  guint before = count_files(dir);
  PlumModelFile *mf = file_small();
  GError *error = NULL;
  g_assert_false(plum_model_file_save(mf, path, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_IO);
  g_clear_error(&error);
  g_assert_cmpuint(count_files(dir), ==, before);
  if (old != NULL) {
    char *now = NULL;
    g_assert_true(g_file_get_contents(path, &now, NULL, NULL));
    g_assert_cmpstr(now, ==, old);
    g_free(now);
  }
  plum_model_file_free(mf);
}

static void
test_failed_save(void)
{
  char *dir = tmp_dir();
  /* The target is a directory: the temporary file is written, the rename fails. */
  char *sub = g_build_filename(dir, "sub", NULL);
  g_assert_cmpint(g_mkdir(sub, 0755), ==, 0);
  char *inside = g_build_filename(sub, "keep", NULL);
  g_assert_true(g_file_set_contents(inside, "kept", -1, NULL));
  assert_save_fails(dir, sub, NULL);
  g_assert_true(g_file_test(inside, G_FILE_TEST_IS_REGULAR));

  /* An existing file whose name leaves no room for the temporary's suffix (NAME_MAX is 255):
   * the temporary cannot be created, even by root, and the old file stays. */
  char name[251];
  memset(name, 'm', sizeof name - 1);
  name[sizeof name - 1] = '\0';
  char *longpath = g_build_filename(dir, name, NULL);
  FILE *f = fopen(longpath, "w");
  g_assert_nonnull(f);
  fputs("old model", f);
  fclose(f);
  assert_save_fails(dir, longpath, "old model");

  g_free(longpath);
  g_free(inside);
  g_free(sub);
  remove_dir(dir);
  g_free(dir);
}

static void
test_failed_save_readonly(void)
{
  if (geteuid() == 0) {
    g_test_skip("root writes into read-only directories");
    return;
  }
  char *dir = tmp_dir();
  char *path = g_build_filename(dir, "model.plum", NULL);
  g_assert_true(g_file_set_contents(path, "old model", -1, NULL));
  g_assert_cmpint(g_chmod(dir, 0555), ==, 0);
  assert_save_fails(dir, path, "old model");
  g_assert_cmpint(g_chmod(dir, 0755), ==, 0);
  g_free(path);
  remove_dir(dir);
  g_free(dir);
}

static void
test_save_invalid(void)
{
  char *dir = tmp_dir();
  char *path = g_build_filename(dir, "model.plum", NULL);
  GError *error = NULL;

  PlumModelFile *mf = file_small();
  plum_state_set_string(mf->entries[0].state, "label", "caf\xe9");
  g_assert_false(plum_model_file_save(mf, path, &error));
  g_assert_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE);
  g_assert_nonnull(strstr(error->message, "entry \"model\": state entry \"label\""));
  g_assert_nonnull(strstr(error->message, "not valid UTF-8"));
  g_clear_error(&error);
  plum_model_file_free(mf);

  mf = file_small();
  plum_model_file_add(mf, "model", PLUM_KIND_OPTIMIZER, "gd", "optim", "1", 1, plum_state_new());
  g_assert_false(plum_model_file_save(mf, path, &error));
  g_assert_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE);
  g_assert_nonnull(
      strstr(error->message, "entry 1 (\"model\"): an earlier entry has the same role"));
  g_clear_error(&error);
  plum_model_file_free(mf);

  mf = file_small();
  plum_model_file_add(mf, "", PLUM_KIND_OPTIMIZER, "gd", "optim", "1", 1, plum_state_new());
  g_assert_false(plum_model_file_save(mf, path, &error));
  g_assert_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE);
  g_clear_error(&error);
  plum_model_file_free(mf);

  mf = plum_model_file_new();
  g_assert_false(plum_model_file_save(mf, path, &error));
  g_assert_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE);
  g_assert_nonnull(strstr(error->message, "without any fitted component"));
  g_clear_error(&error);
  plum_model_file_free(mf);

  g_assert_cmpuint(count_files(dir), ==, 0);
  g_free(path);
  remove_dir(dir);
  g_free(dir);
}

static void
test_write_atomic(void)
{
  char *dir = tmp_dir();
  char *path = g_build_filename(dir, "predictions.csv", NULL);
  GError *error = NULL;
  g_assert_true(plum_file_write_atomic(path, "old\n", 4, &error));
  g_assert_true(plum_file_write_atomic(path, "y\n1\n", 4, &error));
  g_assert_no_error(error);
  char *now = NULL;
  g_assert_true(g_file_get_contents(path, &now, NULL, NULL));
  g_assert_cmpstr(now, ==, "y\n1\n");
  g_free(now);
  g_assert_cmpuint(count_files(dir), ==, 1);
  g_assert_false(plum_file_write_atomic(dir, "x", 1, &error));
  g_assert_error(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_IO);
  g_clear_error(&error);
  g_free(path);
  remove_dir(dir);
  g_free(dir);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/modelfile/roundtrip", test_roundtrip);
  g_test_add_func("/modelfile/layout", test_layout);
  g_test_add_func("/modelfile/truncated", test_truncated);
  g_test_add_func("/modelfile/bit-flips", test_bit_flips);
  g_test_add_func("/modelfile/length-flips-resealed", test_length_flips_resealed);
  g_test_add_func("/modelfile/body-flips-resealed", test_body_flips_resealed);
  g_test_add_func("/modelfile/wrong-magic", test_wrong_magic);
  g_test_add_func("/modelfile/future-version", test_future_version);
  g_test_add_func("/modelfile/huge-lengths", test_huge_lengths);
  g_test_add_func("/modelfile/bad-fields", test_bad_fields);
  g_test_add_func("/modelfile/duplicates", test_duplicates);
  g_test_add_func("/modelfile/sections-counted", test_sections_counted);
  g_test_add_func("/modelfile/save-load", test_save_load);
  g_test_add_func("/modelfile/load-errors", test_load_errors);
  g_test_add_func("/modelfile/failed-save", test_failed_save);
  g_test_add_func("/modelfile/failed-save-readonly", test_failed_save_readonly);
  g_test_add_func("/modelfile/save-invalid", test_save_invalid);
  g_test_add_func("/modelfile/write-atomic", test_write_atomic);
  return g_test_run();
}
