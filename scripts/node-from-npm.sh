#!/usr/bin/env bash
# Prints the bin folder of a Node.js release taken from the npm registry (the node-linux-<arch>
# packages carry the official builds), installing it into .tools/node-<version>/ first if needed.
# For machines whose own Node is too old, and for CI, which runs the suite on two Node versions:
#   export PATH="$(bash scripts/node-from-npm.sh 24)":$PATH
# The argument is a major version; the pinned releases are below.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A PINNED=([22]=22.23.5 [24]=24.22.3)
major="${1:?usage: scripts/node-from-npm.sh 22|24}"
version="${PINNED[$major]:-}"
if [ -z "$version" ]; then
  echo "scripts/node-from-npm.sh: no pinned Node.js $major; pinned: ${!PINNED[*]}" >&2
  exit 2
fi
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "scripts/node-from-npm.sh: no Node.js package for $(uname -m) on the npm registry; install Node $major yourself" >&2; exit 2 ;;
esac

target=".tools/node-$version"
if [ ! -x "$target/bin/node" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  echo "installing Node.js $version (node-linux-$arch from the npm registry) into $target" >&2
  (cd "$work" && npm pack --silent "node-linux-$arch@$version" >/dev/null && tar -xzf ./*.tgz)
  rm -rf "$target" && mkdir -p "$target/bin"
  mv "$work/package/bin/node" "$target/bin/node"
fi
"$target/bin/node" --version >/dev/null
# npm and npx stay the ones already on PATH: they run on any supported Node.
echo "$(pwd)/$target/bin"
