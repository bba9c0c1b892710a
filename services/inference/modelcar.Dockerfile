# syntax=docker/dockerfile:1
# The "modelcar" image of one model version: only /models/model.onnx (KServe modelcar pattern).
# An init container of the inference pod copies it into an emptyDir; the pod pins MODEL_SHA256.
# The release workflow builds it with exactly this file (context: the repository root).
# Build from the repository root:
#   docker build -f services/inference/modelcar.Dockerfile --build-arg MODEL_VERSION=2026.11.25-2 \
#     -t ghcr.io/titanic-ml/titanic-model:2026.11.25-2 .

# --- verify: the file must be the one its model.json records, or the build fails ---
FROM node:20-slim AS verify
ARG MODEL_VERSION
WORKDIR /model
COPY models/titanic/${MODEL_VERSION}/model.onnx models/titanic/${MODEL_VERSION}/model.json ./
RUN node -e "const c=require('crypto'),f=require('fs');const m=JSON.parse(f.readFileSync('model.json'));\
const h=c.createHash('sha256').update(f.readFileSync('model.onnx')).digest('hex');\
if(m.version!==process.env.MODEL_VERSION||h!==m.files.onnx.sha256){console.error('model.onnx does not match model.json');process.exit(1)}"

# --- the image: the model file and nothing else. The pod's init container brings its own static
# busybox (charts/inference/deployment.ts) to copy it out, so no shell or user database is needed.
FROM scratch
ARG MODEL_VERSION
LABEL org.opencontainers.image.title="titanic-model" \
      org.opencontainers.image.version="${MODEL_VERSION}"
COPY --from=verify --chown=10001:10001 /model/model.onnx /models/model.onnx
USER 10001:10001
