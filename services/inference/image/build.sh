#!/bin/sh
# The inference image's build steps. services/inference/Dockerfile runs them, and so does the image
# test (test/image/), so the filesystem the test runs is the one the image ships.
#
#   build.sh deps <repository root> <app dir>   services/inference's production node_modules
#   build.sh app  <repository root> <app dir>   the esbuild bundle, the page assets, the migrations
#
# <app dir> becomes the image's /app. `app` needs the repository's dev dependencies (esbuild).
set -eu

if [ $# -ne 3 ] || { [ "$1" != deps ] && [ "$1" != app ]; }; then
  echo "usage: $0 deps|app <repository root> <app dir>" >&2
  exit 2
fi
step=$1
src=$(cd "$2" && pwd)
mkdir -p "$3"
app=$(cd "$3" && pwd)
service=services/inference

case $step in
deps)
  # npm ci resolves the whole workspace lockfile, so it needs every workspace's package.json; it
  # installs only this service's production dependencies. onnxruntime-node ships its CPU binaries
  # in the package: its install script only fetches GPU providers, which the image does not use.
  work="$app.npm-$$"
  rm -rf "$work"
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work"
  cp "$src/package.json" "$src/package-lock.json" "$work/"
  for dir in $(node -p "require('$src/package.json').workspaces.join(' ')"); do
    mkdir -p "$work/$dir"
    cp "$src/$dir/package.json" "$work/$dir/"
  done
  (cd "$work" && ONNXRUNTIME_NODE_INSTALL=skip npm ci --omit=dev -w "$service" --ignore-scripts \
    --no-audit --no-fund --loglevel=error)
  rm -rf "$app/node_modules"
  mv "$work/node_modules" "$app/node_modules"
  ;;
app)
  (cd "$src" && npm run build --silent -w "$service" -- --log-level=warning \
    --outfile="$app/$service/build/main.js")
  # package.json marks build/main.js as an ES module; paths.ts finds public/ and the migrations
  # relative to the bundle, as in the source tree.
  mkdir -p "$app/$service/src/db"
  cp "$src/$service/package.json" "$app/$service/package.json"
  rm -rf "$app/$service/public" "$app/$service/src/db/migrations"
  cp -R "$src/$service/public" "$app/$service/public"
  cp -R "$src/$service/src/db/migrations" "$app/$service/src/db/migrations"
  ;;
esac
