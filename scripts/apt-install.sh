#!/usr/bin/env bash
# Install the Debian packages named on the command line that are not installed yet.
#
# `make test` uses it for Chromium (the browser tests drive the real page with it), `make handwriting`
# for the fonts benchmarks/handwriting renders its test digits with. It needs root and
# apt-get, as on the project's machines and in CI; anywhere else it says what is missing and carries
# on, and the tests that need the missing packages are skipped with a reason (in CI they fail).
set -uo pipefail

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "note: not a Debian-like system; install these yourself if you want every test: $*" >&2
  exit 0
fi
missing=()
for package in "$@"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "note: missing Debian packages: ${missing[*]}" >&2
  echo "      install them with: sudo apt-get install ${missing[*]}" >&2
  exit 0
fi
echo "installing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
  echo "note: could not install ${missing[*]}; the tests that need them will be skipped" >&2
fi
exit 0
