/* config.c — YAML configuration trees and `--set` overrides.
 *
 * libyaml's event parser builds a small tree of scalars, sequences and mappings in which every
 * node and every mapping key remembers where it was written ("file:line:column", 1-based), so
 * the binder can point at the exact spot of each mistake. Only the plain data subset of YAML is
 * accepted: one document, scalar keys, no duplicate keys, no anchors, aliases or tags — a
 * configuration that needs them is almost certainly a mistake, and rejecting them keeps every
 * node's location unambiguous. Overrides (`a.b.c=value`) edit the tree before binding, so they go
 * through exactly the same checks as the file; the nodes they write are located "--set a.b.c".
 */
#include "config.h"

#include <string.h>
#include <yaml.h>

#include <plum/config.h>
#include <plum/error.h>

/* Deeper nesting than any real configuration; bounds the recursion on hostile input. */
#define PLUM_CONFIG_MAX_DEPTH 200

struct PlumConfigNode {
  PlumNodeType type;
  char *location;
  char *scalar;        /* SCALAR */
  GPtrArray *children; /* SEQUENCE: PlumConfigNode *; MAPPING: ConfigEntry * */
};

typedef struct {
  char *key;
  char *key_location;
  PlumConfigNode *value;
} ConfigEntry;

struct PlumConfig {
  PlumConfigNode *root;
};

/* Nodes ------------------------------------------------------------------------------------- */

static void
node_free(PlumConfigNode *node)
{
  if (node == NULL)
    return;
  g_free(node->location);
  g_free(node->scalar);
  if (node->children != NULL)
    g_ptr_array_unref(node->children);
  g_free(node);
}

static void
entry_free(ConfigEntry *entry)
{
  g_free(entry->key);
  g_free(entry->key_location);
  node_free(entry->value);
  g_free(entry);
}

/* (transfer full) of location */
static PlumConfigNode *
node_new(PlumNodeType type, char *location)
{
  PlumConfigNode *node = g_new0(PlumConfigNode, 1);
  node->type = type;
  node->location = location;
  if (type == PLUM_NODE_SEQUENCE)
    node->children = g_ptr_array_new_with_free_func((GDestroyNotify)node_free);
  else if (type == PLUM_NODE_MAPPING)
    node->children = g_ptr_array_new_with_free_func((GDestroyNotify)entry_free);
  return node;
}

static ConfigEntry *
mapping_find(const PlumConfigNode *node, const char *key)
{
  if (node == NULL || node->type != PLUM_NODE_MAPPING)
    return NULL;
  for (guint i = 0; i < node->children->len; i++) {
    ConfigEntry *entry = g_ptr_array_index(node->children, i);
    if (strcmp(entry->key, key) == 0)
      return entry;
  }
  return NULL;
}

/* (transfer full) of key, key_location and value */
static void
mapping_add(PlumConfigNode *node, char *key, char *key_location, PlumConfigNode *value)
{
  ConfigEntry *entry = g_new(ConfigEntry, 1);
  entry->key = key;
  entry->key_location = key_location;
  entry->value = value;
  g_ptr_array_add(node->children, entry);
}

/* A decimal list index into a sequence; FALSE when `part` is not one or is out of range. */
static gboolean
sequence_index(const PlumConfigNode *node, const char *part, guint *index_out)
{
  guint64 index;
  if (!g_ascii_string_to_unsigned(part, 10, 0, G_MAXUINT, &index, NULL) ||
      index >= node->children->len)
    return FALSE;
  *index_out = (guint)index;
  return TRUE;
}

/* The child named by one component of a dotted path: a mapping key or a list index. */
static PlumConfigNode *
node_child(const PlumConfigNode *node, const char *part)
{
  guint index;
  if (node->type == PLUM_NODE_SEQUENCE && sequence_index(node, part, &index))
    return g_ptr_array_index(node->children, index);
  ConfigEntry *entry = mapping_find(node, part);
  return entry != NULL ? entry->value : NULL;
}

/* Reading YAML ------------------------------------------------------------------------------ */

typedef struct {
  yaml_parser_t parser;
  const char *source;  /* file name, or "--set a.b.c" for an override value */
  gboolean overriding; /* every node is located at `source` itself */
  const char *text;
  size_t len;
  GError **error;
} Reader;

static char *
reader_location(const Reader *r, yaml_mark_t mark)
{
  if (r->overriding)
    return g_strdup(r->source);
  return g_strdup_printf("%s:%zu:%zu", r->source, mark.line + 1, mark.column + 1);
}

/* libyaml reports reader errors (bad UTF-8, control characters) only as a byte offset. */
static yaml_mark_t
mark_at_offset(const Reader *r, size_t offset)
{
  yaml_mark_t mark = {0, 0, 0};
  const char *end = r->text + MIN(offset, r->len);
  for (const char *p = r->text; p < end; p++) {
    if (*p == '\n') {
      mark.line++;
      mark.column = 0;
    } else if (((guchar)*p & 0xC0) != 0x80) {
      mark.column++;
    }
  }
  mark.index = offset;
  return mark;
}

static void reader_fail(Reader *r, yaml_mark_t mark, const char *format, ...) G_GNUC_PRINTF(3, 4);

static void
reader_fail(Reader *r, yaml_mark_t mark, const char *format, ...)
{
  va_list args;
  va_start(args, format);
  char *message = g_strdup_vprintf(format, args);
  va_end(args);
  if (r->overriding) /* a one-line value: show it rather than a position in it */
    g_set_error(r->error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_SYNTAX, "%s: invalid value '%s': %s",
                r->source, r->text, message);
  else
    g_set_error(r->error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_SYNTAX, "%s:%zu:%zu: %s", r->source,
                mark.line + 1, mark.column + 1, message);
  g_free(message);
}

static void
reader_fail_libyaml(Reader *r)
{
  const yaml_parser_t *p = &r->parser;
  const char *problem = p->problem != NULL ? p->problem : "malformed YAML";
  if (p->error == YAML_MEMORY_ERROR) {
    reader_fail(r, p->mark, "out of memory while parsing");
  } else if (p->error == YAML_READER_ERROR) {
    reader_fail(r, mark_at_offset(r, p->problem_offset), "%s", problem);
  } else if (p->context != NULL) {
    reader_fail(r, p->problem_mark, "%s (%s at line %zu, column %zu)", problem, p->context,
                p->context_mark.line + 1, p->context_mark.column + 1);
  } else {
    reader_fail(r, p->problem_mark, "%s", problem);
  }
}

static gboolean
reader_next(Reader *r, yaml_event_t *event)
{
  if (yaml_parser_parse(&r->parser, event))
    return TRUE;
  reader_fail_libyaml(r);
  return FALSE;
}

/* Anchors and tags would give one node two meanings or locations; refuse them by name. */
static gboolean
check_plain_data(Reader *r, const yaml_event_t *event)
{
  const yaml_char_t *anchor = NULL, *tag = NULL;
  if (event->type == YAML_SCALAR_EVENT) {
    anchor = event->data.scalar.anchor;
    tag = event->data.scalar.tag;
  } else if (event->type == YAML_SEQUENCE_START_EVENT) {
    anchor = event->data.sequence_start.anchor;
    tag = event->data.sequence_start.tag;
  } else if (event->type == YAML_MAPPING_START_EVENT) {
    anchor = event->data.mapping_start.anchor;
    tag = event->data.mapping_start.tag;
  } else if (event->type == YAML_ALIAS_EVENT) {
    reader_fail(r, event->start_mark, "aliases (*%s) are not supported: write the value out",
                (const char *)event->data.alias.anchor);
    return FALSE;
  }
  if (anchor != NULL) {
    reader_fail(r, event->start_mark, "anchors (&%s) are not supported", (const char *)anchor);
    return FALSE;
  }
  if (tag != NULL) {
    reader_fail(r, event->start_mark, "tags (%s) are not supported", (const char *)tag);
    return FALSE;
  }
  return TRUE;
}

static PlumConfigNode *read_node(Reader *r, const yaml_event_t *start, guint depth);

static PlumConfigNode *
read_sequence(Reader *r, const yaml_event_t *start, guint depth)
{
  PlumConfigNode *node = node_new(PLUM_NODE_SEQUENCE, reader_location(r, start->start_mark));
  for (;;) {
    yaml_event_t event;
    if (!reader_next(r, &event))
      break;
    if (event.type == YAML_SEQUENCE_END_EVENT) {
      yaml_event_delete(&event);
      return node;
    }
    PlumConfigNode *item = read_node(r, &event, depth + 1);
    yaml_event_delete(&event);
    if (item == NULL)
      break;
    g_ptr_array_add(node->children, item);
  }
  node_free(node);
  return NULL;
}

/* Reads one key/value pair into `node`; FALSE on error. */
static gboolean
read_entry(Reader *r, PlumConfigNode *node, GHashTable *seen, const yaml_event_t *key_event,
           guint depth)
{
  if (key_event->type != YAML_SCALAR_EVENT) {
    reader_fail(r, key_event->start_mark, "mapping keys must be plain scalars");
    return FALSE;
  }
  const char *key = (const char *)key_event->data.scalar.value;
  const char *first = g_hash_table_lookup(seen, key);
  if (first != NULL) {
    reader_fail(r, key_event->start_mark, "duplicate key '%s' (first given at %s)", key, first);
    return FALSE;
  }
  yaml_event_t event;
  if (!reader_next(r, &event))
    return FALSE;
  PlumConfigNode *value = read_node(r, &event, depth + 1);
  yaml_event_delete(&event);
  if (value == NULL)
    return FALSE;
  char *key_location = reader_location(r, key_event->start_mark);
  mapping_add(node, g_strdup(key), key_location, value);
  g_hash_table_insert(seen, g_strdup(key), key_location);
  return TRUE;
}

static PlumConfigNode *
read_mapping(Reader *r, const yaml_event_t *start, guint depth)
{
  PlumConfigNode *node = node_new(PLUM_NODE_MAPPING, reader_location(r, start->start_mark));
  /* key -> where it was first given (borrowed from the entry) */
  GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  gboolean ok = FALSE;
  for (;;) {
    yaml_event_t event;
    if (!reader_next(r, &event))
      break;
    if (event.type == YAML_MAPPING_END_EVENT) {
      yaml_event_delete(&event);
      ok = TRUE;
      break;
    }
    gboolean read = check_plain_data(r, &event) && read_entry(r, node, seen, &event, depth);
    yaml_event_delete(&event);
    if (!read)
      break;
  }
  g_hash_table_unref(seen);
  if (ok)
    return node;
  node_free(node);
  return NULL;
}

static PlumConfigNode *
read_node(Reader *r, const yaml_event_t *start, guint depth)
{
  if (!check_plain_data(r, start))
    return NULL;
  if (depth > PLUM_CONFIG_MAX_DEPTH) {
    reader_fail(r, start->start_mark, "nested deeper than %d levels", PLUM_CONFIG_MAX_DEPTH);
    return NULL;
  }
  switch (start->type) {
  case YAML_SCALAR_EVENT: {
    PlumConfigNode *node = node_new(PLUM_NODE_SCALAR, reader_location(r, start->start_mark));
    node->scalar = g_strndup((const char *)start->data.scalar.value, start->data.scalar.length);
    return node;
  }
  case YAML_SEQUENCE_START_EVENT:
    return read_sequence(r, start, depth);
  case YAML_MAPPING_START_EVENT:
    return read_mapping(r, start, depth);
  default:
    reader_fail(r, start->start_mark, "unexpected YAML event");
    return NULL;
  }
}

/* After the document: only the end of the stream may follow. */
static gboolean
read_stream_end(Reader *r)
{
  yaml_event_t event;
  if (!reader_next(r, &event))
    return FALSE;
  gboolean end = event.type == YAML_STREAM_END_EVENT;
  if (!end)
    reader_fail(r, event.start_mark, "more than one YAML document: a configuration is one");
  yaml_event_delete(&event);
  return end;
}

/* The document's root node: *root_out is NULL for an empty stream. */
static gboolean
read_document(Reader *r, PlumConfigNode **root_out)
{
  yaml_event_t event;
  *root_out = NULL;
  if (!reader_next(r, &event))
    return FALSE;
  yaml_event_delete(&event); /* STREAM-START */
  if (!reader_next(r, &event))
    return FALSE;
  gboolean empty = event.type == YAML_STREAM_END_EVENT;
  yaml_event_delete(&event); /* STREAM-END or DOCUMENT-START */
  if (empty)
    return TRUE;
  if (!reader_next(r, &event))
    return FALSE;
  PlumConfigNode *root = read_node(r, &event, 0);
  yaml_event_delete(&event);
  if (root == NULL)
    return FALSE;
  if (!reader_next(r, &event)) {
    node_free(root);
    return FALSE;
  }
  yaml_event_delete(&event); /* DOCUMENT-END */
  if (!read_stream_end(r)) {
    node_free(root);
    return FALSE;
  }
  *root_out = root;
  return TRUE;
}

static gboolean
parse_text(const char *text, size_t len, const char *source, gboolean overriding,
           PlumConfigNode **root_out, GError **error)
{
  Reader r = {.source = source, .overriding = overriding, .text = text, .len = len, .error = error};
  if (!yaml_parser_initialize(&r.parser)) {
    g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_SYNTAX,
                "%s: cannot start the YAML parser", source);
    return FALSE;
  }
  yaml_parser_set_input_string(&r.parser, (const unsigned char *)text, len);
  gboolean ok = read_document(&r, root_out);
  yaml_parser_delete(&r.parser);
  return ok;
}

static gboolean
is_empty_scalar(const PlumConfigNode *node)
{
  return node->type == PLUM_NODE_SCALAR && node->scalar[0] == '\0';
}

static PlumConfig *
parse_config(const char *text, size_t len, const char *source, GError **error)
{
  PlumConfigNode *root;
  if (!parse_text(text, len, source, FALSE, &root, error))
    return NULL;
  if (root != NULL && is_empty_scalar(root)) {
    node_free(root);
    root = NULL;
  }
  if (root == NULL)
    root = node_new(PLUM_NODE_MAPPING, g_strdup_printf("%s:1:1", source));
  if (root->type != PLUM_NODE_MAPPING) {
    g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_SYNTAX,
                "%s: the top level must be a mapping of keys to values", root->location);
    node_free(root);
    return NULL;
  }
  PlumConfig *cfg = g_new(PlumConfig, 1);
  cfg->root = root;
  return cfg;
}

PlumConfig *
plum_config_parse_file(const char *path, GError **error)
{
  char *text;
  size_t len;
  g_return_val_if_fail(path != NULL, NULL);
  if (!g_file_get_contents(path, &text, &len, error))
    return NULL;
  PlumConfig *cfg = parse_config(text, len, path, error);
  g_free(text);
  return cfg;
}

PlumConfig *
plum_config_parse_string(const char *text, const char *source_name, GError **error)
{
  g_return_val_if_fail(text != NULL, NULL);
  return parse_config(text, strlen(text), source_name != NULL ? source_name : "<string>", error);
}

void
plum_config_free(PlumConfig *cfg)
{
  if (cfg == NULL)
    return;
  node_free(cfg->root);
  g_free(cfg);
}

/* Overrides --------------------------------------------------------------------------------- */

static gboolean override_fail(GError **error, const char *location, const char *format, ...)
    G_GNUC_PRINTF(3, 4);

static gboolean
override_fail(GError **error, const char *location, const char *format, ...)
{
  va_list args;
  va_start(args, format);
  char *message = g_strdup_vprintf(format, args);
  va_end(args);
  g_set_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_SYNTAX, "%s: %s", location, message);
  g_free(message);
  return FALSE;
}

/* A component given by bare name (`optimizer: adam`) becomes `{name: adam}` so that keys can be
 * set below it; the name keeps the location it was written at. */
static void
promote_to_mapping(PlumConfigNode *node)
{
  PlumConfigNode *name = node_new(PLUM_NODE_SCALAR, g_strdup(node->location));
  name->scalar = node->scalar;
  node->scalar = NULL;
  node->type = PLUM_NODE_MAPPING;
  node->children = g_ptr_array_new_with_free_func((GDestroyNotify)entry_free);
  mapping_add(node, g_strdup("name"), g_strdup(node->location), name);
}

/* The child to descend into while setting a key below it, created when absent. */
static PlumConfigNode *
child_for_write(PlumConfigNode *node, const char *part, const char *location, GError **error)
{
  PlumConfigNode *child = node_child(node, part);
  if (child == NULL && node->type == PLUM_NODE_SEQUENCE) {
    override_fail(error, location, "'%s' is not an index of the list at %s (it has %u items)", part,
                  node->location, node->children->len);
    return NULL;
  }
  if (child == NULL) {
    child = node_new(PLUM_NODE_MAPPING, g_strdup(location));
    mapping_add(node, g_strdup(part), g_strdup(location), child);
  }
  if (child->type == PLUM_NODE_SCALAR)
    promote_to_mapping(child);
  return child;
}

/* Puts `value` (transfer full) at key `part` of node, replacing whatever was there. */
static gboolean
set_child(PlumConfigNode *node, const char *part, PlumConfigNode *value, const char *location,
          GError **error)
{
  guint index;
  if (node->type == PLUM_NODE_SEQUENCE) {
    if (!sequence_index(node, part, &index)) {
      node_free(value);
      return override_fail(error, location,
                           "'%s' is not an index of the list at %s (it has %u items)", part,
                           node->location, node->children->len);
    }
    node_free(g_ptr_array_index(node->children, index));
    g_ptr_array_index(node->children, index) = value;
    return TRUE;
  }
  ConfigEntry *entry = mapping_find(node, part);
  if (entry == NULL) {
    mapping_add(node, g_strdup(part), g_strdup(location), value);
    return TRUE;
  }
  node_free(entry->value);
  entry->value = value;
  g_free(entry->key_location);
  entry->key_location = g_strdup(location);
  return TRUE;
}

static PlumConfigNode *
parse_override_value(const char *text, const char *location, GError **error)
{
  PlumConfigNode *value;
  if (!parse_text(text, strlen(text), location, TRUE, &value, error))
    return NULL;
  if (value == NULL)
    override_fail(error, location, "no value given (write '' for an empty string)");
  return value;
}

static gboolean
check_key_path(char **parts, const char *key, const char *assignment, GError **error)
{
  for (char **p = parts; *p != NULL; p++) {
    if (**p == '\0')
      return override_fail(error, "--set", "'%s': empty key in the path '%s'", assignment, key);
  }
  return TRUE;
}

static gboolean
apply_override(PlumConfig *cfg, char **parts, const char *location, const char *text,
               GError **error)
{
  PlumConfigNode *value = parse_override_value(text, location, error);
  if (value == NULL)
    return FALSE;
  PlumConfigNode *node = cfg->root;
  guint n = g_strv_length(parts);
  for (guint i = 0; i + 1 < n; i++) {
    node = child_for_write(node, parts[i], location, error);
    if (node == NULL) {
      node_free(value);
      return FALSE;
    }
  }
  return set_child(node, parts[n - 1], value, location, error);
}

gboolean
plum_config_set_override(PlumConfig *cfg, const char *assignment, GError **error)
{
  g_return_val_if_fail(cfg != NULL && assignment != NULL, FALSE);
  const char *eq = strchr(assignment, '=');
  if (eq == NULL || eq == assignment)
    return override_fail(error, "--set", "'%s': expected KEY.PATH=VALUE", assignment);
  char *key = g_strndup(assignment, (gsize)(eq - assignment));
  char **parts = g_strsplit(key, ".", -1);
  char *location = g_strdup_printf("--set %s", key);
  gboolean ok = check_key_path(parts, key, assignment, error) &&
                apply_override(cfg, parts, location, eq + 1, error);
  g_free(location);
  g_strfreev(parts);
  g_free(key);
  return ok;
}

/* Accessors --------------------------------------------------------------------------------- */

const PlumConfigNode *
plum_config_root(const PlumConfig *cfg)
{
  g_return_val_if_fail(cfg != NULL, NULL);
  return cfg->root;
}

const PlumConfigNode *
plum_config_lookup(const PlumConfig *cfg, const char *path)
{
  g_return_val_if_fail(cfg != NULL && path != NULL, NULL);
  if (*path == '\0')
    return cfg->root;
  char **parts = g_strsplit(path, ".", -1);
  const PlumConfigNode *node = cfg->root;
  for (char **p = parts; *p != NULL && node != NULL; p++)
    node = node_child(node, *p);
  g_strfreev(parts);
  return node;
}

PlumNodeType
plum_config_node_type(const PlumConfigNode *node)
{
  g_return_val_if_fail(node != NULL, 0);
  return node->type;
}

const char *
plum_config_node_scalar(const PlumConfigNode *node)
{
  g_return_val_if_fail(node != NULL, NULL);
  return node->scalar;
}

size_t
plum_config_node_size(const PlumConfigNode *node)
{
  g_return_val_if_fail(node != NULL, 0);
  return node->children != NULL ? node->children->len : 0;
}

static const ConfigEntry *
entry_at(const PlumConfigNode *node, size_t i)
{
  if (node->type != PLUM_NODE_MAPPING || i >= node->children->len)
    return NULL;
  return g_ptr_array_index(node->children, i);
}

const char *
plum_config_node_key_at(const PlumConfigNode *node, size_t i)
{
  g_return_val_if_fail(node != NULL, NULL);
  const ConfigEntry *entry = entry_at(node, i);
  return entry != NULL ? entry->key : NULL;
}

const PlumConfigNode *
plum_config_node_value_at(const PlumConfigNode *node, size_t i)
{
  g_return_val_if_fail(node != NULL, NULL);
  const ConfigEntry *entry = entry_at(node, i);
  return entry != NULL ? entry->value : NULL;
}

const char *
plum_config_node_key_location_at(const PlumConfigNode *node, size_t i)
{
  g_return_val_if_fail(node != NULL, NULL);
  const ConfigEntry *entry = entry_at(node, i);
  return entry != NULL ? entry->key_location : NULL;
}

const PlumConfigNode *
plum_config_node_get(const PlumConfigNode *node, const char *key)
{
  g_return_val_if_fail(node != NULL && key != NULL, NULL);
  const ConfigEntry *entry = mapping_find(node, key);
  return entry != NULL ? entry->value : NULL;
}

const PlumConfigNode *
plum_config_node_item(const PlumConfigNode *node, size_t i)
{
  g_return_val_if_fail(node != NULL, NULL);
  if (node->type != PLUM_NODE_SEQUENCE || i >= node->children->len)
    return NULL;
  return g_ptr_array_index(node->children, i);
}

const char *
plum_config_node_location(const PlumConfigNode *node)
{
  g_return_val_if_fail(node != NULL, NULL);
  return node->location;
}
