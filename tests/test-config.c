/* test-config.c — the YAML configuration tree and `--set` overrides (plum/config.h).
 *
 * Checks that every node and key keeps its file:line:column, that the YAML plum refuses
 * (syntax errors, duplicate keys, anchors, aliases, tags, several documents, a non-mapping top
 * level, bad UTF-8, absurd nesting) is refused with a located message, and that overrides
 * create, promote and replace nodes the way the binder expects.
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include <plum/config.h>
#include <plum/error.h>

static PlumConfig *
parse_ok(const char *text)
{
  GError *error = NULL;
  PlumConfig *cfg = plum_config_parse_string(text, "test.yaml", &error);
  g_assert_no_error(error);
  g_assert_nonnull(cfg);
  return cfg;
}

/* Parses text that must fail and checks the message contains each of the NULL-terminated
 * fragments. */
static void
assert_parse_fails(const char *text, ...)
{
  GError *error = NULL;
  PlumConfig *cfg = plum_config_parse_string(text, "test.yaml", &error);
  g_assert_null(cfg);
  g_assert_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_SYNTAX);
  va_list args;
  va_start(args, text);
  for (const char *want = va_arg(args, const char *); want != NULL;
       want = va_arg(args, const char *)) {
    if (strstr(error->message, want) == NULL)
      g_error("message '%s' lacks '%s'", error->message, want);
  }
  va_end(args);
  g_error_free(error);
}

static void
assert_scalar(const PlumConfig *cfg, const char *path, const char *text, const char *location)
{
  const PlumConfigNode *node = plum_config_lookup(cfg, path);
  g_assert_nonnull(node);
  g_assert_cmpint(plum_config_node_type(node), ==, PLUM_NODE_SCALAR);
  g_assert_cmpstr(plum_config_node_scalar(node), ==, text);
  g_assert_cmpstr(plum_config_node_location(node), ==, location);
}

static void
test_tree(void)
{
  PlumConfig *cfg = parse_ok("model:\n"
                             "  name: gp\n"
                             "  kernel: {rbf: {length_scale: 2}}\n"
                             "  layers:\n"
                             "    - units: 64\n"
                             "    - units: 'x y'\n");
  const PlumConfigNode *root = plum_config_root(cfg);
  g_assert_cmpint(plum_config_node_type(root), ==, PLUM_NODE_MAPPING);
  g_assert_cmpuint(plum_config_node_size(root), ==, 1);
  g_assert_cmpstr(plum_config_node_key_at(root, 0), ==, "model");
  g_assert_cmpstr(plum_config_node_key_location_at(root, 0), ==, "test.yaml:1:1");

  const PlumConfigNode *model = plum_config_lookup(cfg, "model");
  g_assert_cmpstr(plum_config_node_location(model), ==, "test.yaml:2:3");
  g_assert_cmpuint(plum_config_node_size(model), ==, 3);
  g_assert_cmpstr(plum_config_node_key_at(model, 1), ==, "kernel");
  g_assert_cmpstr(plum_config_node_key_location_at(model, 1), ==, "test.yaml:3:3");
  g_assert_true(plum_config_node_value_at(model, 1) == plum_config_node_get(model, "kernel"));
  assert_scalar(cfg, "model.name", "gp", "test.yaml:2:9");
  assert_scalar(cfg, "model.kernel.rbf.length_scale", "2", "test.yaml:3:32");

  const PlumConfigNode *kernel = plum_config_lookup(cfg, "model.kernel");
  g_assert_cmpstr(plum_config_node_location(kernel), ==, "test.yaml:3:11");
  g_assert_cmpstr(plum_config_node_key_location_at(kernel, 0), ==, "test.yaml:3:12");

  const PlumConfigNode *layers = plum_config_lookup(cfg, "model.layers");
  g_assert_cmpint(plum_config_node_type(layers), ==, PLUM_NODE_SEQUENCE);
  g_assert_cmpuint(plum_config_node_size(layers), ==, 2);
  g_assert_cmpstr(plum_config_node_location(plum_config_node_item(layers, 1)), ==, "test.yaml:6:7");
  assert_scalar(cfg, "model.layers.1.units", "x y", "test.yaml:6:14");
  plum_config_free(cfg);
}

static void
test_accessors_out_of_range(void)
{
  PlumConfig *cfg = parse_ok("a: [1, 2]\nb: x\n");
  const PlumConfigNode *a = plum_config_lookup(cfg, "a");
  const PlumConfigNode *b = plum_config_lookup(cfg, "b");
  g_assert_null(plum_config_node_item(a, 2));
  g_assert_null(plum_config_node_key_at(a, 0));
  g_assert_null(plum_config_node_value_at(a, 0));
  g_assert_null(plum_config_node_key_location_at(a, 0));
  g_assert_null(plum_config_node_get(a, "x"));
  g_assert_null(plum_config_node_key_at(plum_config_root(cfg), 2));
  g_assert_null(plum_config_node_scalar(a));
  g_assert_cmpuint(plum_config_node_size(b), ==, 0);
  g_assert_null(plum_config_node_item(b, 0));
  g_assert_null(plum_config_lookup(cfg, "a.2"));
  g_assert_null(plum_config_lookup(cfg, "a.x"));
  g_assert_null(plum_config_lookup(cfg, "b.c"));
  g_assert_null(plum_config_lookup(cfg, "missing"));
  g_assert_true(plum_config_lookup(cfg, "") == plum_config_root(cfg));
  plum_config_free(cfg);
}

static void
test_empty_documents(void)
{
  const char *const texts[] = {"", "# only a comment\n", "---\n", "---\n...\n"};
  for (size_t i = 0; i < G_N_ELEMENTS(texts); i++) {
    PlumConfig *cfg = parse_ok(texts[i]);
    const PlumConfigNode *root = plum_config_root(cfg);
    g_assert_cmpint(plum_config_node_type(root), ==, PLUM_NODE_MAPPING);
    g_assert_cmpuint(plum_config_node_size(root), ==, 0);
    g_assert_cmpstr(plum_config_node_location(root), ==, "test.yaml:1:1");
    plum_config_free(cfg);
  }
}

static void
test_syntax_errors(void)
{
  assert_parse_fails("a: [1, 2\nb: 3\n", "test.yaml:2:2: ", "did not find expected ',' or ']'",
                     "(while parsing a flow sequence at line "
                     "1, column 4)",
                     NULL);
  assert_parse_fails("a:\n  b: 1\n c: 2\n", "test.yaml:3:2: ", NULL);
  assert_parse_fails("a: \"unterminated\n", "test.yaml:", "unexpected end of stream", NULL);
  assert_parse_fails("a: 1\nb:\tc\n\tx: 2\n", "test.yaml:3:1: ", NULL);
}

static void
test_refused_yaml(void)
{
  assert_parse_fails("a: 1\nb: 2\na: 3\n", "test.yaml:3:1: duplicate key 'a'",
                     "(first given at test.yaml:1:1)", NULL);
  assert_parse_fails("m: {x: 1, x: 2}\n", "test.yaml:1:11: duplicate key 'x'", NULL);
  assert_parse_fails("a: &anchor 1\nb: 2\n", "test.yaml:1:4: anchors (&anchor)", NULL);
  assert_parse_fails("a: 1\nb: *x\n", "test.yaml:2:4: aliases (*x) are not supported", NULL);
  assert_parse_fails("a: !!str 1\n", "test.yaml:1:4: tags (tag:yaml.org,2002:str)", NULL);
  assert_parse_fails("? [1, 2]\n: 3\n", "test.yaml:1:3: mapping keys must be plain scalars", NULL);
  assert_parse_fails("a: 1\n---\nb: 2\n", "test.yaml:2:1: more than one YAML document", NULL);
  assert_parse_fails("[1, 2]\n", "test.yaml:1:1: the top level must be a mapping", NULL);
  assert_parse_fails("just text\n", "test.yaml:1:1: the top level must be a mapping", NULL);
  assert_parse_fails("a: 1\nb: \xff\xfe\n", "test.yaml:2:4: invalid", NULL);
}

static void
test_deep_nesting(void)
{
  GString *text = g_string_new("a: ");
  for (int i = 0; i < 1000; i++)
    g_string_append_c(text, '[');
  for (int i = 0; i < 1000; i++)
    g_string_append_c(text, ']');
  assert_parse_fails(text->str, "nested deeper than", NULL);
  g_string_free(text, TRUE);
}

static void
test_parse_file(void)
{
  GError *error = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp("plum-config-XXXXXX.yaml", &path, &error);
  g_assert_no_error(error);
  g_close(fd, NULL);
  g_assert_true(g_file_set_contents(path, "x:\n  y: 1\n", -1, &error));
  PlumConfig *cfg = plum_config_parse_file(path, &error);
  g_assert_no_error(error);
  char *want = g_strdup_printf("%s:2:6", path);
  assert_scalar(cfg, "x.y", "1", want);
  g_free(want);
  plum_config_free(cfg);

  g_assert_true(g_file_set_contents(path, "x: [\n", -1, &error));
  g_assert_null(plum_config_parse_file(path, &error));
  g_assert_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_SYNTAX);
  g_assert_true(g_str_has_prefix(error->message, path));
  g_clear_error(&error);

  g_unlink(path);
  g_assert_null(plum_config_parse_file(path, &error));
  g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error(&error);
  g_free(path);
}

static void
set_ok(PlumConfig *cfg, const char *assignment)
{
  GError *error = NULL;
  gboolean ok = plum_config_set_override(cfg, assignment, &error);
  g_assert_no_error(error);
  g_assert_true(ok);
}

static void
test_override_creates_and_replaces(void)
{
  PlumConfig *cfg = parse_ok("model:\n  name: mlp\n  epochs: 3\n");
  set_ok(cfg, "model.epochs=10");
  assert_scalar(cfg, "model.epochs", "10", "--set model.epochs");
  const PlumConfigNode *model = plum_config_lookup(cfg, "model");
  g_assert_cmpstr(plum_config_node_key_location_at(model, 1), ==, "--set model.epochs");

  set_ok(cfg, "data.csv.path=iris.csv");
  assert_scalar(cfg, "data.csv.path", "iris.csv", "--set data.csv.path");
  g_assert_cmpstr(plum_config_node_location(plum_config_lookup(cfg, "data")), ==,
                  "--set data.csv.path");

  set_ok(cfg, "model.weights=[1, 2.5]");
  const PlumConfigNode *weights = plum_config_lookup(cfg, "model.weights");
  g_assert_cmpint(plum_config_node_type(weights), ==, PLUM_NODE_SEQUENCE);
  g_assert_cmpuint(plum_config_node_size(weights), ==, 2);
  assert_scalar(cfg, "model.weights.1", "2.5", "--set model.weights");

  set_ok(cfg, "model.extra={a: 1, b: [x]}");
  assert_scalar(cfg, "model.extra.b.0", "x", "--set model.extra");
  set_ok(cfg, "model.label=''");
  assert_scalar(cfg, "model.label", "", "--set model.label");
  set_ok(cfg, "model.expr=a=b");
  assert_scalar(cfg, "model.expr", "a=b", "--set model.expr");
  /* the name written in the file is untouched */
  assert_scalar(cfg, "model.name", "mlp", "test.yaml:2:9");
  plum_config_free(cfg);
}

static void
test_override_promotes_bare_component(void)
{
  PlumConfig *cfg = parse_ok("model:\n  optimizer: adam\n");
  set_ok(cfg, "model.optimizer.learning_rate=0.1");
  const PlumConfigNode *opt = plum_config_lookup(cfg, "model.optimizer");
  g_assert_cmpint(plum_config_node_type(opt), ==, PLUM_NODE_MAPPING);
  g_assert_cmpuint(plum_config_node_size(opt), ==, 2);
  g_assert_cmpstr(plum_config_node_location(opt), ==, "test.yaml:2:14");
  assert_scalar(cfg, "model.optimizer.name", "adam", "test.yaml:2:14");
  assert_scalar(cfg, "model.optimizer.learning_rate", "0.1", "--set model.optimizer.learning_rate");

  /* swapping the component replaces the node: adam's parameters no longer apply */
  set_ok(cfg, "model.optimizer=lbfgs");
  assert_scalar(cfg, "model.optimizer", "lbfgs", "--set model.optimizer");
  set_ok(cfg, "model.optimizer.name=gd");
  assert_scalar(cfg, "model.optimizer.name", "gd", "--set model.optimizer.name");
  g_assert_cmpuint(plum_config_node_size(plum_config_lookup(cfg, "model.optimizer")), ==, 1);
  plum_config_free(cfg);
}

static void
test_override_list_items(void)
{
  PlumConfig *cfg = parse_ok("layers:\n  - {units: 64}\n  - relu\n");
  set_ok(cfg, "layers.0.units=128");
  assert_scalar(cfg, "layers.0.units", "128", "--set layers.0.units");
  set_ok(cfg, "layers.1.alpha=0.5");
  assert_scalar(cfg, "layers.1.name", "relu", "test.yaml:3:5");
  set_ok(cfg, "layers.1=tanh");
  assert_scalar(cfg, "layers.1", "tanh", "--set layers.1");
  plum_config_free(cfg);
}

static void
assert_set_fails(PlumConfig *cfg, const char *assignment, const char *want)
{
  GError *error = NULL;
  g_assert_false(plum_config_set_override(cfg, assignment, &error));
  g_assert_error(error, PLUM_CONFIG_ERROR, PLUM_CONFIG_ERROR_SYNTAX);
  if (strstr(error->message, want) == NULL)
    g_error("message '%s' lacks '%s'", error->message, want);
  g_error_free(error);
}

static void
test_override_errors(void)
{
  PlumConfig *cfg = parse_ok("a:\n  b: 1\nl: [1, 2]\n");
  assert_set_fails(cfg, "a.b", "--set: 'a.b': expected KEY.PATH=VALUE");
  assert_set_fails(cfg, "=3", "expected KEY.PATH=VALUE");
  assert_set_fails(cfg, "a..b=3", "empty key in the path 'a..b'");
  assert_set_fails(cfg, ".a=3", "empty key");
  assert_set_fails(cfg, "a.b=", "--set a.b: no value given");
  assert_set_fails(cfg, "a.b=[1,",
                   "--set a.b: invalid value '[1,': did not find expected node content");
  assert_set_fails(
      cfg, "a.b={x: 1, x: 2}",
      "--set a.b: invalid value '{x: 1, x: 2}': duplicate key 'x' (first given at --set a.b)");
  assert_set_fails(cfg, "a.b=*ref", "aliases");
  assert_set_fails(cfg, "l.5=3",
                   "--set l.5: '5' is not an index of the list at test.yaml:3:4 "
                   "(it has 2 items)");
  assert_set_fails(cfg, "l.x.y=3", "'x' is not an index");
  /* nothing was changed by the failures */
  assert_scalar(cfg, "a.b", "1", "test.yaml:2:6");
  g_assert_cmpuint(plum_config_node_size(plum_config_lookup(cfg, "l")), ==, 2);
  plum_config_free(cfg);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/config/tree", test_tree);
  g_test_add_func("/config/accessors-out-of-range", test_accessors_out_of_range);
  g_test_add_func("/config/empty-documents", test_empty_documents);
  g_test_add_func("/config/syntax-errors", test_syntax_errors);
  g_test_add_func("/config/refused-yaml", test_refused_yaml);
  g_test_add_func("/config/deep-nesting", test_deep_nesting);
  g_test_add_func("/config/parse-file", test_parse_file);
  g_test_add_func("/config/override/creates-and-replaces", test_override_creates_and_replaces);
  g_test_add_func("/config/override/promotes-bare-component",
                  test_override_promotes_bare_component);
  g_test_add_func("/config/override/list-items", test_override_list_items);
  g_test_add_func("/config/override/errors", test_override_errors);
  return g_test_run();
}
