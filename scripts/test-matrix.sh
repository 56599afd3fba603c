#!/usr/bin/env bash
# Runs the vitest suite (the consumer smoke test included) on other Node releases than the machine's.
#
#   npm run test:matrix                  # the pinned releases below
#   npm run test:matrix -- 22.23.5       # chosen releases
#
# Each release is Node's own binary, installed from the npm registry (package node-<os>-<arch>) into a
# folder outside the repository: never a dependency of the package, never in the lockfile. That folder
# is kept between runs (TEST_MATRIX_DIR, default $TMPDIR/databricks-apim-node-matrix) so a second run
# installs nothing. Type-check, lint, spec lint, package checks and docs do not depend on the runtime
# and run once, in `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."

PINNED=(24.22.3 22.23.5)
if [ "$#" -gt 0 ]; then versions=("$@"); else versions=("${PINNED[@]}"); fi

platform=$(node -p 'process.platform.replace("win32", "win") + "-" + process.arch')
root=${TEST_MATRIX_DIR:-${TMPDIR:-/tmp}/databricks-apim-node-matrix}
mkdir -p "$root"

summary=()
status=0
for version in "${versions[@]}"; do
  prefix="$root/$version"
  bin="$prefix/node_modules/node-$platform/bin"
  if [ "$("$bin/node" --version 2>/dev/null || true)" != "v$version" ]; then
    echo "test:matrix: installing node-$platform@$version into $prefix"
    mkdir -p "$prefix"
    # From inside the prefix, so the project's .npmrc (engine-strict) and lockfile play no part.
    (cd "$prefix" && npm install --prefix "$prefix" --no-save --no-package-lock --ignore-scripts \
      --no-audit --no-fund --loglevel=error "node-$platform@$version" >/dev/null)
  fi
  echo
  echo "━━ Node $("$bin/node" --version): vitest run ━━"
  started=$SECONDS
  if PATH="$bin:$PATH" node node_modules/vitest/vitest.mjs run; then
    summary+=("Node $version: passed in $((SECONDS - started)) s")
  else
    summary+=("Node $version: FAILED after $((SECONDS - started)) s")
    status=1
  fi
done

echo
echo "test:matrix ($platform):"
printf '  %s\n' "${summary[@]}"
exit "$status"
