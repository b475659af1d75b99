/* fuzz-modelfile.c — libFuzzer target for the model-file reader (tests/fuzz/run.sh runs it).
 *
 * Each input is parsed twice: as it is, which exercises the header checks and the checksum, and
 * with its checksum recomputed, so that mutations reach the section and state parsers instead of
 * all dying at "checksum mismatch". A file that parses must serialise back to the same bytes:
 * the reader accepts only what the writer can produce.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <plum/plum.h>

#include "../modelfile-util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
parse_one(const guint8 *data, size_t size)
{
  GError *error = NULL;
  PlumModelFile *mf = plum_model_file_parse(data, size, "fuzz", &error);
  if (mf == NULL) {
    if (error == NULL || error->domain != PLUM_MODEL_ERROR)
      abort();
    g_error_free(error);
    return;
  }
  size_t len = 0;
  guint8 *img = plum_model_file_serialize(mf, &len);
  /* The header's host version is rewritten as this plum's (and so the checksum): compare bodies. */
  if (img == NULL || len != size ||
      memcmp(img + MODELFILE_HEADER_LEN, data + MODELFILE_HEADER_LEN, len - MODELFILE_HEADER_LEN))
    abort();
  g_free(img);
  plum_model_file_free(mf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  parse_one(data, size);
  if (size < MODELFILE_HEADER_LEN)
    return 0;
  guint8 *copy = g_memdup2(data, size);
  modelfile_reseal(copy, size);
  parse_one(copy, size);
  g_free(copy);
  return 0;
}
