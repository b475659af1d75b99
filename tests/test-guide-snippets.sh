#!/bin/sh
# test-guide-snippets.sh — every C snippet of doc/plugin-guide.md compiles, and every one that
# is a whole plugin passes `plum check-plugin`.
#
# Each ```c block of the guide is a complete file whose first line says what it is:
#   /* guide: compile */        compiled on its own, warnings fatal
#   /* guide: plugin NAME */    built into NAME.so as a plugin author would build it, and
#                               checked by plum check-plugin
# A block without either line fails, so no snippet goes untested. The flags come from the
# uninstalled SDK's plum.pc (see examples/local.mk) through pkg-config. Speaks TAP.
set -u
guide=${G_TEST_SRCDIR:?}/doc/plugin-guide.md
PKG_CONFIG_PATH="${G_TEST_BUILDDIR:?}/tests/uninstalled${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export PKG_CONFIG_PATH
pkg_config=${PKG_CONFIG:-pkg-config}
cc=${CC:-cc}
warnings='-Wall -Wextra -Wno-unused-parameter -Werror'
# shellcheck source=tests/sdk-tap.sh
. "$G_TEST_SRCDIR/tests/sdk-tap.sh"

awk -v dir="$work" '
  /^```c$/ { file = sprintf("%s/line%04d.c", dir, NR + 1); printf "" > file; inside = 1; next }
  /^```/ && inside { close(file); inside = 0; next }
  inside { print >> file }
' "$guide"

cflags=$("$pkg_config" --cflags plum) && libs=$("$pkg_config" --libs plum)
[ -n "${cflags:-}" ] || { echo "Bail out! pkg-config cannot find the uninstalled plum.pc"; exit 1; }
for snippet in "$work"/line*.c; do
  [ -e "$snippet" ] || break
  marker=$(head -n 1 "$snippet")
  where=plugin-guide.md:$(basename "$snippet" .c | sed 's/^line0*//')
  case $marker in
  "/* guide: compile */")
    # shellcheck disable=SC2086
    $cc $warnings -Wno-unused $cflags -c "$snippet" -o "${snippet%.c}.o" >"$work/log" 2>&1
    result $? "$where compiles" "$work/log"
    ;;
  "/* guide: plugin "*" */")
    name=${marker#"/* guide: plugin "}
    name=${name%" */"}
    cp "$snippet" "$work/$name.c"
    # shellcheck disable=SC2086
    { $cc $warnings -fPIC -shared -fvisibility=hidden -Wl,-z,now $cflags -o "$work/$name.so" \
      "$work/$name.c" $libs -lm && "${PLUM:?}" check-plugin "$work/$name.so"; } >"$work/log" 2>&1
    result $? "$where: plugin $name builds and passes check-plugin" "$work/log"
    ;;
  *)
    echo "the first line is '$marker'" >"$work/log"
    result 1 "$where says how it is tested (/* guide: compile */ or plugin NAME)" "$work/log"
    ;;
  esac
done
[ "$n" -gt 0 ] || { echo "no \`\`\`c block in $guide" >"$work/log"; result 1 "the guide has C snippets" "$work/log"; }
finish
