# syntax=docker/dockerfile:1
# The "modelcar" image of one model version: only /models/model.onnx (KServe modelcar pattern).
# An init container of the inference pod copies it into an emptyDir; the pod pins MODEL_SHA256.
# The release workflow builds it with exactly this file (context: the repository root).
# Build from the repository root:
#   docker build -f services/inference/modelcar.Dockerfile --build-arg MODEL_VERSION=2026.11.25-2 \
#     -t ghcr.io/titanic-ml/titanic-model:2026.11.25-2 .

# --- verify: the file must be the one its model.json records, or the build fails. image/modelcar.sh
# is the step the image test (test/image/) runs too. Base: official node:24-slim by digest, as in
# services/inference/Dockerfile.
FROM node:24-slim@sha256:cd84903a12dbd26b46f1f3b8144a2568c41c5d37ddd0c7a80a34c7a19786b35f AS verify
ARG MODEL_VERSION
WORKDIR /src
COPY models/titanic/${MODEL_VERSION}/model.onnx models/titanic/${MODEL_VERSION}/model.json models/titanic/${MODEL_VERSION}/
COPY services/inference/image/modelcar.sh services/inference/image/
RUN sh services/inference/image/modelcar.sh . "${MODEL_VERSION}" /image

# --- the image: the model file and nothing else. The pod's init container brings its own static
# busybox (platform/src/charts/inference/deployment.ts) to copy it out, so no shell or user database is needed.
FROM scratch
ARG MODEL_VERSION
LABEL org.opencontainers.image.title="titanic-model" \
      org.opencontainers.image.version="${MODEL_VERSION}"
COPY --from=verify --chown=10001:10001 /image/models/model.onnx /models/model.onnx
USER 10001:10001
