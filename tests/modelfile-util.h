/* modelfile-util.h — test helpers that craft model files: after patching bytes of an image, a
 * test or the fuzzer recomputes its checksum so that the patch reaches the parser instead of
 * stopping at the checksum. Mirrors the rule in doc/model-file.md: SHA-256 of the whole file
 * with the 32-byte checksum field at byte 40 read as zeros.
 */
#ifndef PLUM_TESTS_MODELFILE_UTIL_H
#define PLUM_TESTS_MODELFILE_UTIL_H

#include <string.h>
#include <glib.h>

#define MODELFILE_HEADER_LEN 80
#define MODELFILE_CHECKSUM_AT 40
#define MODELFILE_CHECKSUM_LEN 32

/* Rewrites the checksum of a file image of at least a header's length. */
static inline void
modelfile_reseal(guint8 *img, size_t len)
{
  g_assert(len >= MODELFILE_HEADER_LEN);
  memset(img + MODELFILE_CHECKSUM_AT, 0, MODELFILE_CHECKSUM_LEN);
  GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
  g_checksum_update(sum, img, (gssize)len);
  gsize n = MODELFILE_CHECKSUM_LEN;
  g_checksum_get_digest(sum, img + MODELFILE_CHECKSUM_AT, &n);
  g_checksum_free(sum);
}

#endif /* PLUM_TESTS_MODELFILE_UTIL_H */
