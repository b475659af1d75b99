/* plum/modelfile.h — model files: a fitted pipeline as data only.
 *
 * Layout (little-endian throughout, byte by byte in doc/model-file.md): an 80-byte header —
 * magic "PLUMMODL", format version, byte-order mark, host version, body length, SHA-256 of the
 * whole file (header included, the checksum field read as zeros) — then the body: a sequence of
 * sections. The body holds the resolved pipeline configuration (YAML text), the seed, free-form
 * metadata (a PlumState: feature names, classes, metrics at training time…) and one entry per
 * fitted component (role such as "transform.0" or "model", component kind and name, module
 * name and version, state version, and its PlumState of named typed arrays). Nothing executes
 * on load: every length, count, type and shape is validated against the file size before
 * anything is allocated or handed on, and the checksum is verified before parsing. Files are
 * written to a temporary file in the same directory and renamed into place.
 */
#ifndef PLUM_MODELFILE_H
#define PLUM_MODELFILE_H

#include <stddef.h>
#include <glib.h>
#include <plum/params.h>
#include <plum/state.h>

G_BEGIN_DECLS

#define PLUM_MODELFILE_VERSION 1

typedef struct PlumModelEntry {
  char *role;            /* "transform.0", "model", … */
  PlumComponentKind kind;
  char *component;       /* component name */
  char *module;          /* module name */
  char *module_version;
  guint32 state_version;
  PlumState *state;      /* owned */
} PlumModelEntry;

typedef struct PlumModelFile {
  guint32 format_version; /* on read: the file's; written as PLUM_MODELFILE_VERSION */
  char *host_version;     /* plum version that wrote it */
  char *config_yaml;      /* the resolved pipeline configuration */
  guint64 seed;
  PlumState *meta;        /* owned */
  PlumModelEntry *entries;
  size_t n_entries;
} PlumModelFile;

PlumModelFile *plum_model_file_new(void);
void plum_model_file_free(PlumModelFile *mf);
/* Appends an entry, taking ownership of state; strings are copied. */
void plum_model_file_add(PlumModelFile *mf, const char *role, PlumComponentKind kind,
                         const char *component, const char *module, const char *module_version,
                         guint32 state_version, PlumState *state);

/* Serialises into memory (transfer full, g_free). Returns NULL with a critical warning when mf
 * cannot be written (no entries, a string that is not UTF-8); plum_model_file_save reports the
 * same as a GError. The host version written is plum_version(), not mf->host_version. */
guint8 *plum_model_file_serialize(const PlumModelFile *mf, size_t *len_out);
/* Parses a whole file image; `source` names it in messages. Fails with PLUM_MODEL_ERROR_STATE
 * (or PLUM_DATA_ERROR_IO) saying what is wrong: wrong magic, future version, truncated,
 * checksum mismatch, a length that runs past the end… */
PlumModelFile *plum_model_file_parse(const guint8 *data, size_t len, const char *source,
                                     GError **error);

/* Atomic write (temporary file in the same directory, fsync, rename; mode 0644) and read. I/O
 * failures are PLUM_DATA_ERROR_IO; a failed save leaves any previous file at path untouched. */
gboolean plum_model_file_save(const PlumModelFile *mf, const char *path, GError **error);
PlumModelFile *plum_model_file_load(const char *path, GError **error);

/* Writes any small output file atomically (predictions CSV, metrics JSON). */
gboolean plum_file_write_atomic(const char *path, const char *data, size_t len, GError **error);

G_END_DECLS

#endif /* PLUM_MODELFILE_H */
