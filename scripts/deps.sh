#!/bin/sh
# Installs the Debian 12 packages plum needs to build and test, when they are missing.
# Run as root (or through sudo). Nothing is downloaded except Debian packages.
set -eu
packages="autoconf automake libtool libltdl-dev make gcc pkg-config libyaml-dev libglib2.0-dev \
libopenblas-dev libopenblas0-openmp liblapacke-dev libsleef-dev python3"
if [ "${PLUM_DEPS_EXTRA:-}" != "" ]; then
  packages="$packages $PLUM_DEPS_EXTRA"
fi
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "deps: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing
fi
