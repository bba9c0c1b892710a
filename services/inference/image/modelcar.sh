#!/bin/sh
# The modelcar image's build step. services/inference/modelcar.Dockerfile runs it, and so does the
# image test (test/image/), so the test's model image holds what the release pushes.
#
#   modelcar.sh <repository root> <model version> <image root>
#
# Writes <image root>/models/model.onnx, after checking that the file is the one its model.json
# records (version and sha256): a mismatch fails the build.
set -eu

if [ $# -ne 3 ]; then
  echo "usage: $0 <repository root> <model version> <image root>" >&2
  exit 2
fi
dir="$1/models/titanic/$2"
out=$3

MODEL_DIR="$dir" MODEL_VERSION="$2" node -e '
const { createHash } = require("node:crypto");
const { readFileSync } = require("node:fs");
const dir = process.env.MODEL_DIR;
const meta = JSON.parse(readFileSync(`${dir}/model.json`, "utf8"));
const sha = createHash("sha256").update(readFileSync(`${dir}/model.onnx`)).digest("hex");
if (meta.version !== process.env.MODEL_VERSION || sha !== meta.files?.onnx?.sha256) {
  console.error(`${dir}: model.onnx (sha256 ${sha}) does not match model.json (version ${meta.version}, sha256 ${meta.files?.onnx?.sha256})`);
  process.exit(1);
}'
mkdir -p "$out/models"
cp "$dir/model.onnx" "$out/models/model.onnx"
