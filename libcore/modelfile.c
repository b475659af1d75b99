/* modelfile.c — model files: a fitted pipeline stored as data only, and the atomic writer every
 * file plum leaves behind goes through. The reader treats its input as hostile: it checks the
 * fixed header, then the checksum, then every length and count against the bytes that remain
 * before it allocates anything, so a truncated, corrupted or crafted file ends in an error that
 * names the file and the byte offset, never in a crash or a huge allocation. Nothing in a file
 * selects code: plugins are named by strings the caller resolves through the registry.
 * doc/model-file.md describes the layout byte by byte.
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include <plum/error.h>
#include <plum/modelfile.h>
#include <plum/version.h>

#define MODEL_MAGIC "PLUMMODL"
#define MODEL_MAGIC_LEN 8
#define MODEL_BOM 0x01020304u
#define MODEL_HOST_LEN 16
#define MODEL_CHECKSUM_LEN 32
#define MODEL_HEADER_LEN 80

/* Offsets of the header fields; 72..79 are reserved and zero. */
enum {
  OFF_VERSION = 8,
  OFF_BOM = 12,
  OFF_HOST = 16,
  OFF_BODY_LEN = 32,
  OFF_CHECKSUM = 40,
  OFF_RESERVED = 72,
};

#define STATE_NAME_MAX 255
/* The smallest serialised state entry: name length, a one-byte name, type, empty string. */
#define STATE_ENTRY_MIN 10

enum {
  SECTION_CONFIG = 1,
  SECTION_SEED,
  SECTION_META,
  SECTION_ENTRY,
};

PlumModelFile *
plum_model_file_new(void)
{
  PlumModelFile *mf = g_new0(PlumModelFile, 1);
  mf->format_version = PLUM_MODELFILE_VERSION;
  mf->host_version = g_strdup(plum_version());
  mf->meta = plum_state_new();
  return mf;
}

void
plum_model_file_free(PlumModelFile *mf)
{
  if (mf == NULL)
    return;
  for (size_t i = 0; i < mf->n_entries; i++) {
    PlumModelEntry *e = &mf->entries[i];
    g_free(e->role);
    g_free(e->component);
    g_free(e->module);
    g_free(e->module_version);
    plum_state_free(e->state);
  }
  g_free(mf->entries);
  g_free(mf->host_version);
  g_free(mf->config_yaml);
  plum_state_free(mf->meta);
  g_free(mf);
}

void
plum_model_file_add(PlumModelFile *mf, const char *role, PlumComponentKind kind,
                    const char *component, const char *module, const char *module_version,
                    guint32 state_version, PlumState *state)
{
  g_return_if_fail(mf != NULL && role != NULL && component != NULL && module != NULL);
  g_return_if_fail(module_version != NULL && state != NULL);
  mf->entries = g_renew(PlumModelEntry, mf->entries, mf->n_entries + 1);
  mf->entries[mf->n_entries++] = (PlumModelEntry){
      .role = g_strdup(role),
      .kind = kind,
      .component = g_strdup(component),
      .module = g_strdup(module),
      .module_version = g_strdup(module_version),
      .state_version = state_version,
      .state = state,
  };
}

/* Converts n 64-bit words between little-endian and host order (the conversion is its own
 * inverse); memcpy keeps unaligned file bytes and NaN payloads safe. */
static void
copy_le64(void *dst, const void *src, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    guint64 w;
    memcpy(&w, (const guint8 *)src + 8 * i, 8);
    w = GUINT64_TO_LE(w);
    memcpy((guint8 *)dst + 8 * i, &w, 8);
  }
}

static guint32
load_u32(const guint8 *p)
{
  guint32 v;
  memcpy(&v, p, 4);
  return GUINT32_FROM_LE(v);
}

static guint64
load_u64(const guint8 *p)
{
  guint64 v;
  copy_le64(&v, p, 1);
  return v;
}

static void
store_u32(guint8 *p, guint32 v)
{
  v = GUINT32_TO_LE(v);
  memcpy(p, &v, 4);
}

static void
store_u64(guint8 *p, guint64 v)
{
  copy_le64(p, &v, 1);
}

/* The SHA-256 of the whole image with the checksum field read as zeros: covering the header
 * too means a flipped bit in the host version or the reserved bytes is caught like one in the
 * body. */
static void
image_checksum(const guint8 *img, size_t len, guint8 out[MODEL_CHECKSUM_LEN])
{
  static const guint8 zeros[MODEL_CHECKSUM_LEN];
  GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
  g_checksum_update(sum, img, OFF_CHECKSUM);
  g_checksum_update(sum, zeros, sizeof zeros);
  g_checksum_update(sum, img + OFF_RESERVED, (gssize)(len - OFF_RESERVED));
  gsize n = MODEL_CHECKSUM_LEN;
  g_checksum_get_digest(sum, out, &n);
  g_checksum_free(sum);
}

/* Whether one of the first n entries has this role. */
static gboolean
role_is_taken(const PlumModelEntry *entries, size_t n, const char *role)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp(entries[i].role, role) == 0)
      return TRUE;
  return FALSE;
}

/* ---- writing ---- */

typedef struct {
  GByteArray *buf;
  GError **error;
} Writer;

/* Grows the image by n bytes and returns where they go. */
static guint8 *
put_space(Writer *w, size_t n)
{
  size_t at = w->buf->len;
  g_byte_array_set_size(w->buf, at + n);
  return w->buf->data + at;
}

static void
put_u8(Writer *w, guint8 v)
{
  *put_space(w, 1) = v;
}

static void
put_u32(Writer *w, guint32 v)
{
  store_u32(put_space(w, 4), v);
}

static void
put_u64(Writer *w, guint64 v)
{
  store_u64(put_space(w, 8), v);
}

/* Writes a length-prefixed string after checking the reader will accept it; `what` names it. */
static gboolean
put_string(Writer *w, const char *s, const char *what)
{
  size_t len = strlen(s);
  if (len > G_MAXUINT32 || !g_utf8_validate_len(s, len, NULL)) {
    g_set_error(w->error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE, "cannot save %s: %s", what,
                len > G_MAXUINT32 ? "longer than 4 GiB" : "not valid UTF-8");
    return FALSE;
  }
  put_u32(w, (guint32)len);
  memcpy(put_space(w, len), s, len);
  return TRUE;
}

static void
put_words(Writer *w, const void *data, size_t n)
{
  copy_le64(put_space(w, 8 * n), data, n);
}

static gboolean
put_state_entry(Writer *w, const PlumState *state, size_t i, const char *owner)
{
  const char *name = plum_state_name_at(state, i);
  PlumStateType type = plum_state_type_at(state, i);
  char what[STATE_NAME_MAX + 64];
  g_snprintf(what, sizeof what, "%s: state entry \"%s\"", owner, name);
  if (!put_string(w, name, what))
    return FALSE;
  put_u8(w, (guint8)type);
  size_t rows = 0, cols = 0;
  switch (type) {
  case PLUM_STATE_REALS: {
    const double *data = plum_state_get_reals(state, name, 0, 0, &rows, &cols, NULL);
    put_u64(w, rows);
    put_u64(w, cols);
    put_words(w, data, rows * cols);
    return TRUE;
  }
  case PLUM_STATE_INTS: {
    const gint64 *data = plum_state_get_ints(state, name, 0, &rows, NULL);
    put_u64(w, rows);
    put_words(w, data, rows);
    return TRUE;
  }
  case PLUM_STATE_STRING:
    return put_string(w, plum_state_get_string(state, name, NULL), what);
  }
  g_return_val_if_reached(FALSE);
}

static gboolean
put_state(Writer *w, const PlumState *state, const char *owner)
{
  size_t n = plum_state_size(state);
  put_u32(w, (guint32)n);
  for (size_t i = 0; i < n; i++)
    if (!put_state_entry(w, state, i, owner))
      return FALSE;
  return TRUE;
}

/* Opens a section; returns where its length goes, for section_end to fill in. */
static size_t
section_begin(Writer *w, guint32 tag)
{
  put_u32(w, tag);
  size_t at = w->buf->len;
  put_u64(w, 0);
  return at;
}

static void
section_end(Writer *w, size_t at)
{
  store_u64(w->buf->data + at, w->buf->len - (at + 8));
}

/* What the reader demands of entry i beyond the strings put_string checks. */
static gboolean
check_entry(Writer *w, const PlumModelFile *mf, size_t i)
{
  const PlumModelEntry *e = &mf->entries[i];
  const char *wrong = NULL;
  if (*e->role == '\0')
    wrong = "its role is empty";
  else if (role_is_taken(mf->entries, i, e->role))
    wrong = "an earlier entry has the same role";
  else if (e->kind < 1 || e->kind > PLUM_KIND_LAST)
    wrong = "its component kind is unknown";
  else if (*e->component == '\0' || *e->module == '\0')
    wrong = "its component or module name is empty";
  if (wrong == NULL)
    return TRUE;
  g_set_error(w->error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
              "cannot save entry %zu (\"%s\"): %s", i, e->role, wrong);
  return FALSE;
}

static gboolean
put_entry(Writer *w, const PlumModelEntry *e)
{
  char owner[512];
  g_snprintf(owner, sizeof owner, "entry \"%s\"", e->role);
  size_t at = section_begin(w, SECTION_ENTRY);
  if (!put_string(w, e->role, "an entry role"))
    return FALSE;
  put_u32(w, (guint32)e->kind);
  if (!put_string(w, e->component, owner) || !put_string(w, e->module, owner) ||
      !put_string(w, e->module_version, owner))
    return FALSE;
  put_u32(w, e->state_version);
  if (!put_state(w, e->state, owner))
    return FALSE;
  section_end(w, at);
  return TRUE;
}

static gboolean
put_body(Writer *w, const PlumModelFile *mf)
{
  size_t at = section_begin(w, SECTION_CONFIG);
  if (!put_string(w, mf->config_yaml != NULL ? mf->config_yaml : "", "the configuration"))
    return FALSE;
  section_end(w, at);
  at = section_begin(w, SECTION_SEED);
  put_u64(w, mf->seed);
  section_end(w, at);
  at = section_begin(w, SECTION_META);
  if (!put_state(w, mf->meta, "the metadata"))
    return FALSE;
  section_end(w, at);
  for (size_t i = 0; i < mf->n_entries; i++)
    if (!check_entry(w, mf, i) || !put_entry(w, &mf->entries[i]))
      return FALSE;
  return TRUE;
}

static void
put_header(GByteArray *img)
{
  guint8 *h = img->data;
  memset(h, 0, MODEL_HEADER_LEN);
  memcpy(h, MODEL_MAGIC, MODEL_MAGIC_LEN);
  store_u32(h + OFF_VERSION, PLUM_MODELFILE_VERSION);
  store_u32(h + OFF_BOM, MODEL_BOM);
  /* Version strings are ASCII; one that does not fit is cut, still NUL-terminated. */
  g_strlcpy((char *)h + OFF_HOST, plum_version(), MODEL_HOST_LEN);
  store_u64(h + OFF_BODY_LEN, img->len - MODEL_HEADER_LEN);
  image_checksum(h, img->len, h + OFF_CHECKSUM);
}

/* The file image, or NULL with an error when mf holds something the format cannot carry. */
static GByteArray *
image_build(const PlumModelFile *mf, GError **error)
{
  g_return_val_if_fail(mf != NULL && mf->meta != NULL, NULL);
  if (mf->n_entries == 0) {
    g_set_error_literal(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
                        "cannot save a model file without any fitted component");
    return NULL;
  }
  Writer w = {g_byte_array_new(), error};
  g_byte_array_set_size(w.buf, MODEL_HEADER_LEN);
  if (!put_body(&w, mf)) {
    g_byte_array_unref(w.buf);
    return NULL;
  }
  put_header(w.buf);
  return w.buf;
}

guint8 *
plum_model_file_serialize(const PlumModelFile *mf, size_t *len_out)
{
  g_return_val_if_fail(len_out != NULL, NULL);
  GError *error = NULL;
  GByteArray *img = image_build(mf, &error);
  if (img == NULL) {
    g_critical("%s", error->message);
    g_error_free(error);
    return NULL;
  }
  *len_out = img->len;
  return g_byte_array_free(img, FALSE);
}

gboolean
plum_file_write_atomic(const char *path, const char *data, size_t len, GError **error)
{
  g_return_val_if_fail(path != NULL && (data != NULL || len == 0), FALSE);
  GError *local = NULL;
  if (g_file_set_contents_full(path, data != NULL ? data : "", (gssize)len,
                               G_FILE_SET_CONTENTS_CONSISTENT, 0644, &local))
    return TRUE;
  g_set_error_literal(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_IO, local->message);
  g_error_free(local);
  return FALSE;
}

gboolean
plum_model_file_save(const PlumModelFile *mf, const char *path, GError **error)
{
  g_return_val_if_fail(path != NULL, FALSE);
  GError *local = NULL;
  GByteArray *img = image_build(mf, &local);
  if (img == NULL) {
    g_set_error(error, local->domain, local->code, "%s: %s", path, local->message);
    g_error_free(local);
    return FALSE;
  }
  gboolean ok = plum_file_write_atomic(path, (const char *)img->data, img->len, error);
  g_byte_array_unref(img);
  return ok;
}

/* ---- reading ---- */

/* A window [pos, end) on the file image; offsets in messages count from the image's start. */
typedef struct {
  const guint8 *data;
  size_t pos, end;
  const char *source;
  GError **error;
} Reader;

static gboolean G_GNUC_PRINTF(3, 4) reader_fail(const Reader *r, size_t at, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_set_error(r->error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE, "%s: byte %zu: %s", r->source, at,
              msg);
  g_free(msg);
  return FALSE;
}

static size_t
reader_left(const Reader *r)
{
  return r->end - r->pos;
}

static gboolean
reader_need(const Reader *r, guint64 n, const char *what)
{
  if (n <= reader_left(r))
    return TRUE;
  return reader_fail(r, r->pos, "%s of %" G_GUINT64_FORMAT " bytes runs past the end (byte %zu)",
                     what, n, r->end);
}

static gboolean
read_u8(Reader *r, const char *what, guint8 *out)
{
  if (!reader_need(r, 1, what))
    return FALSE;
  *out = r->data[r->pos++];
  return TRUE;
}

static gboolean
read_u32(Reader *r, const char *what, guint32 *out)
{
  if (!reader_need(r, 4, what))
    return FALSE;
  *out = load_u32(r->data + r->pos);
  r->pos += 4;
  return TRUE;
}

static gboolean
read_u64(Reader *r, const char *what, guint64 *out)
{
  if (!reader_need(r, 8, what))
    return FALSE;
  *out = load_u64(r->data + r->pos);
  r->pos += 8;
  return TRUE;
}

/* A length-prefixed UTF-8 string of min_len..max_len bytes without NUL (transfer full). */
static char *
read_string(Reader *r, const char *what, guint32 min_len, guint32 max_len)
{
  size_t at = r->pos;
  guint32 len;
  if (!read_u32(r, what, &len))
    return NULL;
  if (len < min_len || len > max_len) {
    reader_fail(r, at,
                "%s has length %" G_GUINT32_FORMAT " (must be %" G_GUINT32_FORMAT
                "..%" G_GUINT32_FORMAT ")",
                what, len, min_len, max_len);
    return NULL;
  }
  if (!reader_need(r, len, what))
    return NULL;
  const char *s = (const char *)r->data + r->pos;
  const char *nul = memchr(s, '\0', len);
  if (nul != NULL) {
    reader_fail(r, r->pos + (size_t)(nul - s), "%s holds a NUL byte", what);
    return NULL;
  }
  const char *bad = NULL;
  if (!g_utf8_validate_len(s, len, &bad)) {
    reader_fail(r, r->pos + (size_t)(bad - s), "%s is not valid UTF-8", what);
    return NULL;
  }
  r->pos += len;
  return g_strndup(s, len);
}

/* rows x cols 64-bit words in host order (transfer full; NULL when empty), after checking
 * they fit in what remains; `*ok` says whether they did. */
static gpointer
read_words(Reader *r, size_t at, guint64 rows, guint64 cols, const char *name, gboolean *ok)
{
  size_t room = reader_left(r) / 8;
  *ok = (size_t)rows == rows && (size_t)cols == cols && (rows == 0 || cols <= room / rows);
  if (!*ok) {
    reader_fail(r, at,
                "state entry \"%s\": %" G_GUINT64_FORMAT " x %" G_GUINT64_FORMAT
                " values run past the end (byte %zu)",
                name, rows, cols, r->end);
    return NULL;
  }
  size_t n = (size_t)(rows * cols);
  gpointer words = g_new(guint64, n);
  copy_le64(words, r->data + r->pos, n);
  r->pos += 8 * n;
  return words;
}

static gboolean
read_reals(Reader *r, PlumState *state, const char *name)
{
  size_t at = r->pos;
  guint64 rows, cols;
  gboolean ok;
  if (!read_u64(r, "row count", &rows) || !read_u64(r, "column count", &cols))
    return FALSE;
  double *data = read_words(r, at, rows, cols, name, &ok);
  if (ok)
    plum_state_set_reals(state, name, data, (size_t)rows, (size_t)cols);
  g_free(data);
  return ok;
}

static gboolean
read_ints(Reader *r, PlumState *state, const char *name)
{
  size_t at = r->pos;
  guint64 n;
  gboolean ok;
  if (!read_u64(r, "integer count", &n))
    return FALSE;
  gint64 *data = read_words(r, at, n, 1, name, &ok);
  if (ok)
    plum_state_set_ints(state, name, data, (size_t)n);
  g_free(data);
  return ok;
}

static gboolean
read_text(Reader *r, PlumState *state, const char *name)
{
  char *value = read_string(r, "string value", 0, G_MAXUINT32);
  if (value == NULL)
    return FALSE;
  plum_state_set_string(state, name, value);
  g_free(value);
  return TRUE;
}

/* The type and payload of the entry `name`, which starts at byte `at`. */
static gboolean
read_state_value(Reader *r, PlumState *state, const char *name, size_t at)
{
  guint8 type;
  if (!read_u8(r, "state entry type", &type))
    return FALSE;
  if (plum_state_has(state, name))
    return reader_fail(r, at, "duplicate state entry \"%s\"", name);
  switch (type) {
  case PLUM_STATE_REALS:
    return read_reals(r, state, name);
  case PLUM_STATE_INTS:
    return read_ints(r, state, name);
  case PLUM_STATE_STRING:
    return read_text(r, state, name);
  }
  return reader_fail(r, r->pos - 1, "state entry \"%s\" has unknown type %u", name, type);
}

static gboolean
read_state_entry(Reader *r, PlumState *state)
{
  size_t at = r->pos;
  char *name = read_string(r, "state entry name", 1, STATE_NAME_MAX);
  if (name == NULL)
    return FALSE;
  gboolean ok = read_state_value(r, state, name, at);
  g_free(name);
  return ok;
}

/* (transfer full) */
static PlumState *
read_state(Reader *r)
{
  size_t at = r->pos;
  guint32 count;
  if (!read_u32(r, "state entry count", &count))
    return NULL;
  if (count > reader_left(r) / STATE_ENTRY_MIN) {
    reader_fail(r, at, "%" G_GUINT32_FORMAT " state entries cannot fit in the %zu bytes left",
                count, reader_left(r));
    return NULL;
  }
  PlumState *state = plum_state_new();
  for (guint32 i = 0; i < count; i++) {
    if (!read_state_entry(r, state)) {
      plum_state_free(state);
      return NULL;
    }
  }
  return state;
}

static gboolean
read_config(Reader *r, PlumModelFile *mf)
{
  mf->config_yaml = read_string(r, "configuration", 0, G_MAXUINT32);
  return mf->config_yaml != NULL;
}

static gboolean
read_seed(Reader *r, PlumModelFile *mf)
{
  return read_u64(r, "seed", &mf->seed);
}

static gboolean
read_meta(Reader *r, PlumModelFile *mf)
{
  mf->meta = read_state(r);
  return mf->meta != NULL;
}

/* The strings of an entry, in file order; freed together whatever happens. */
typedef struct {
  char *role, *component, *module, *module_version;
} EntryNames;

static gboolean
read_entry_fields(Reader *r, const PlumModelFile *mf, EntryNames *n, guint32 *kind,
                  guint32 *state_version)
{
  size_t at = r->pos;
  n->role = read_string(r, "entry role", 1, G_MAXUINT32);
  if (n->role == NULL)
    return FALSE;
  if (role_is_taken(mf->entries, mf->n_entries, n->role))
    return reader_fail(r, at, "a second entry with role \"%s\"", n->role);
  at = r->pos;
  if (!read_u32(r, "component kind", kind))
    return FALSE;
  if (*kind < 1 || *kind > PLUM_KIND_LAST)
    return reader_fail(r, at, "entry \"%s\": unknown component kind %" G_GUINT32_FORMAT, n->role,
                       *kind);
  if ((n->component = read_string(r, "component name", 1, G_MAXUINT32)) == NULL)
    return FALSE;
  if ((n->module = read_string(r, "module name", 1, G_MAXUINT32)) == NULL)
    return FALSE;
  if ((n->module_version = read_string(r, "module version", 0, G_MAXUINT32)) == NULL)
    return FALSE;
  return read_u32(r, "state version", state_version);
}

static gboolean
read_entry(Reader *r, PlumModelFile *mf)
{
  EntryNames n = {0};
  guint32 kind = 0, state_version = 0;
  PlumState *state = NULL;
  if (read_entry_fields(r, mf, &n, &kind, &state_version))
    state = read_state(r);
  if (state != NULL)
    plum_model_file_add(mf, n.role, (PlumComponentKind)kind, n.component, n.module,
                        n.module_version, state_version, state);
  g_free(n.role);
  g_free(n.component);
  g_free(n.module);
  g_free(n.module_version);
  return state != NULL;
}

typedef struct {
  guint32 tag;
  const char *name;
  gboolean repeats; /* else exactly once */
  gboolean (*read)(Reader *r, PlumModelFile *mf);
} SectionKind;

static const SectionKind sections[] = {
    {SECTION_CONFIG, "CONFIG", FALSE, read_config},
    {SECTION_SEED, "SEED", FALSE, read_seed},
    {SECTION_META, "META", FALSE, read_meta},
    {SECTION_ENTRY, "ENTRY", TRUE, read_entry},
};

/* Reads one section (tag, length, payload), which must use exactly its payload. */
static gboolean
read_section(Reader *r, PlumModelFile *mf, guint counts[G_N_ELEMENTS(sections)])
{
  size_t at = r->pos;
  guint32 tag;
  guint64 len;
  if (!read_u32(r, "section tag", &tag) || !read_u64(r, "section length", &len))
    return FALSE;
  size_t k = 0;
  while (k < G_N_ELEMENTS(sections) && sections[k].tag != tag)
    k++;
  if (k == G_N_ELEMENTS(sections))
    return reader_fail(r, at, "unknown section tag %" G_GUINT32_FORMAT, tag);
  const SectionKind *s = &sections[k];
  if (!s->repeats && counts[k] > 0)
    return reader_fail(r, at, "a second %s section", s->name);
  if (!reader_need(r, len, "section"))
    return FALSE;
  Reader sub = *r;
  sub.end = r->pos + (size_t)len;
  if (!s->read(&sub, mf))
    return FALSE;
  if (sub.pos != sub.end)
    return reader_fail(&sub, sub.pos, "%zu unexpected bytes at the end of the %s section",
                       sub.end - sub.pos, s->name);
  r->pos = sub.end;
  counts[k]++;
  return TRUE;
}

static gboolean
read_body(Reader *r, PlumModelFile *mf)
{
  guint counts[G_N_ELEMENTS(sections)] = {0};
  while (r->pos < r->end)
    if (!read_section(r, mf, counts))
      return FALSE;
  for (size_t k = 0; k < G_N_ELEMENTS(sections); k++) {
    if (counts[k] == 0) {
      g_set_error(r->error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE, "%s: no %s section",
                  r->source, sections[k].name);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
bytes_are_zero(const guint8 *p, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (p[i] != 0)
      return FALSE;
  return TRUE;
}

/* What must hold before the checksum means anything: magic, byte order, version, length. */
static gboolean
check_frame(const Reader *r, size_t len)
{
  const guint8 *h = r->data;
  GError **error = r->error;
  if (len == 0) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
                "%s: empty file (0 bytes), not a plum model file", r->source);
    return FALSE;
  }
  if (memcmp(h, MODEL_MAGIC, MIN(len, MODEL_MAGIC_LEN)) != 0) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
                "%s: not a plum model file (no \"" MODEL_MAGIC "\" at byte 0)", r->source);
    return FALSE;
  }
  if (len < MODEL_HEADER_LEN) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
                "%s: truncated at byte %zu: the header alone is %d bytes", r->source, len,
                MODEL_HEADER_LEN);
    return FALSE;
  }
  guint32 bom = load_u32(h + OFF_BOM);
  if (bom != MODEL_BOM)
    return reader_fail(r, OFF_BOM, "byte-order mark 0x%08" G_GINT32_MODIFIER "x, expected 0x%08x",
                       bom, MODEL_BOM);
  guint32 version = load_u32(h + OFF_VERSION);
  if (version > PLUM_MODELFILE_VERSION) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
                "%s: written by a newer plum (format %" G_GUINT32_FORMAT
                ", this plum reads up to %d)",
                r->source, version, PLUM_MODELFILE_VERSION);
    return FALSE;
  }
  if (version == 0)
    return reader_fail(r, OFF_VERSION, "format version 0 does not exist");
  guint64 body_len = load_u64(h + OFF_BODY_LEN);
  if (body_len > len - MODEL_HEADER_LEN) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE,
                "%s: truncated at byte %zu: the header says %" G_GUINT64_FORMAT " body bytes",
                r->source, len, body_len);
    return FALSE;
  }
  if (body_len < len - MODEL_HEADER_LEN)
    return reader_fail(r, MODEL_HEADER_LEN + (size_t)body_len,
                       "%zu unexpected bytes after the body (the header says %" G_GUINT64_FORMAT
                       " body bytes)",
                       len - MODEL_HEADER_LEN - (size_t)body_len, body_len);
  return TRUE;
}

/* The rest of the header, read once the checksum vouches for it; returns the host version. */
static char *
read_header_strings(const Reader *r)
{
  const char *host = (const char *)r->data + OFF_HOST;
  const char *nul = memchr(host, '\0', MODEL_HOST_LEN);
  if (nul == NULL) {
    reader_fail(r, OFF_HOST, "host version is not NUL-terminated");
    return NULL;
  }
  size_t n = (size_t)(nul - host);
  if (!g_utf8_validate_len(host, n, NULL) ||
      !bytes_are_zero((const guint8 *)nul, MODEL_HOST_LEN - n)) {
    reader_fail(r, OFF_HOST, "host version is not a NUL-padded UTF-8 string");
    return NULL;
  }
  if (!bytes_are_zero(r->data + OFF_RESERVED, MODEL_HEADER_LEN - OFF_RESERVED)) {
    reader_fail(r, OFF_RESERVED, "reserved header bytes are not zero");
    return NULL;
  }
  return g_strndup(host, n);
}

PlumModelFile *
plum_model_file_parse(const guint8 *data, size_t len, const char *source, GError **error)
{
  g_return_val_if_fail(data != NULL || len == 0, NULL);
  Reader r = {data, MODEL_HEADER_LEN, len, source != NULL ? source : "(model file)", error};
  if (!check_frame(&r, len))
    return NULL;
  guint8 sum[MODEL_CHECKSUM_LEN];
  image_checksum(data, len, sum);
  if (memcmp(sum, data + OFF_CHECKSUM, MODEL_CHECKSUM_LEN) != 0) {
    g_set_error(error, PLUM_MODEL_ERROR, PLUM_MODEL_ERROR_STATE, "%s: corrupt: checksum mismatch",
                r.source);
    return NULL;
  }
  char *host = read_header_strings(&r);
  if (host == NULL)
    return NULL;
  PlumModelFile *mf = g_new0(PlumModelFile, 1);
  mf->format_version = load_u32(data + OFF_VERSION);
  mf->host_version = host;
  if (!read_body(&r, mf)) {
    plum_model_file_free(mf);
    return NULL;
  }
  return mf;
}

PlumModelFile *
plum_model_file_load(const char *path, GError **error)
{
  g_return_val_if_fail(path != NULL, NULL);
  /* Read, not mapped: a file truncated by someone else while mapped would raise SIGBUS. */
  char *data = NULL;
  gsize len = 0;
  GError *local = NULL;
  if (!g_file_get_contents(path, &data, &len, &local)) {
    g_set_error_literal(error, PLUM_DATA_ERROR, PLUM_DATA_ERROR_IO, local->message);
    g_error_free(local);
    return NULL;
  }
  PlumModelFile *mf = plum_model_file_parse((const guint8 *)data, len, path, error);
  g_free(data);
  return mf;
}
