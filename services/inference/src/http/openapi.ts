import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import * as f from './feedback-schemas.ts';
import * as s from './schemas.ts';

const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
/** Readiness answers the same body with 200 (ready) or 503 (not ready). */
const readiness = (schema: z.ZodType) => ({
  200: { description: 'Ready', content: json(schema) },
  503: { description: 'Not ready', content: json(schema) },
});
const errors = {
  400: { description: 'Invalid request; `issues` name each bad field', content: json(s.apiError) },
  401: { description: 'Missing or wrong API key (only when keys are configured)', content: json(s.apiError) },
  413: { description: 'Body over 1 MB', content: json(s.apiError) },
  415: { description: 'Content-Type is not application/json', content: json(s.apiError) },
  429: { description: 'Rate limited; see Retry-After', content: json(s.apiError) },
};
const v2Errors = {
  400: { description: 'Invalid request', content: json(s.v2Error) },
  404: { description: 'Unknown model or version', content: json(s.v2Error) },
};

/** The OpenAPI 3.0 document, generated from the same zod schemas that validate requests. */
export function buildOpenApi(options: { version: string; modelVersion: string }): object {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'Only when the server is started with API_KEYS or API_KEYS_FILE; X-API-Key also works.',
  });
  const security = [{ bearer: [] }];
  const model = z.object({ model: z.literal('titanic') });

  registry.registerPath({
    method: 'post',
    path: '/v1/predict',
    summary: 'Predict survival for one passenger or a batch',
    description:
      'Send one passenger, or `{"passengers": [...]}` with up to 10,000. Predictions keep input order.',
    security,
    request: { body: { required: true, content: json(z.union([s.passenger, s.batchRequest])) } },
    responses: {
      200: { description: 'Prediction(s)', content: json(z.union([s.singleResponse, s.batchResponse])) },
      ...errors,
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/feedback',
    summary: 'Report what became of predicted passengers (ground truth)',
    description:
      'One label, or `{"feedback": [...]}` with up to 1,000. `requestId` is the one a prediction answered; `index` is the passenger\'s position in that request (leave it out for one passenger). Idempotent: the same label again changes nothing; a different one is refused (409). A batch is stored whole or not at all.',
    security,
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.union([f.feedbackItem, f.feedbackBatch]),
            examples: {
              single: {
                summary: 'One passenger',
                value: { requestId: '3f2a9c1e-8d4b-4e7a-9f10-2b6c5d7e8a90', survived: true },
              },
              batch: {
                summary: 'Passengers of a batch request',
                value: {
                  feedback: [
                    { requestId: 'batch-7', index: 0, survived: false },
                    { requestId: 'batch-7', index: 1, survived: true },
                  ],
                },
              },
            },
          },
        },
      },
    },
    responses: {
      200: { description: 'Labels recorded (or already known)', content: json(f.feedbackResponse) },
      ...errors,
      404: { description: 'No prediction with that request id', content: json(s.apiError) },
      409: {
        description: 'A different label was already given for that passenger',
        content: json(s.apiError),
      },
      503: {
        description: 'The prediction log cannot be read now to find an older request',
        content: json(s.apiError),
      },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/live',
    summary: 'Live quality of the served model and the shadow on labelled predictions (this replica)',
    responses: { 200: { description: 'Live and cross-validated figures', content: json(f.liveResponse) } },
  });
  registry.registerPath({
    method: 'get',
    path: '/v2',
    summary: 'Server metadata (Open Inference Protocol v2)',
    responses: { 200: { description: 'Server metadata', content: json(s.v2ServerMetadata) } },
  });
  registry.registerPath({
    method: 'get',
    path: '/v2/health/live',
    summary: 'Liveness',
    responses: { 200: { description: 'Alive', content: json(s.health.live) } },
  });
  registry.registerPath({
    method: 'get',
    path: '/v2/health/ready',
    summary: 'Readiness: model loaded and self-tested, not shutting down',
    responses: readiness(s.health.ready),
  });
  registry.registerPath({
    method: 'get',
    path: '/v2/models/{model}',
    summary: 'Model metadata: tensor names, datatypes and shapes',
    request: { params: model },
    responses: { 200: { description: 'Model metadata', content: json(s.v2ModelMetadata) }, ...v2Errors },
  });
  registry.registerPath({
    method: 'get',
    path: '/v2/models/{model}/ready',
    summary: 'Model readiness',
    request: { params: model },
    responses: readiness(s.health.modelReady),
  });
  registry.registerPath({
    method: 'post',
    path: '/v2/models/{model}/infer',
    summary: 'Inference on encoded FP32 features [N, F] in the model feature order',
    security,
    request: { params: model, body: { required: true, content: json(s.v2InferRequest) } },
    responses: { 200: { description: 'Probabilities [N]', content: json(s.v2InferResponse) }, ...v2Errors },
  });
  registry.registerPath({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    responses: { 200: { description: 'Prometheus text exposition format' } },
  });

  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'Titanic survival prediction',
      version: options.version,
      description: `Serves model version ${options.modelVersion}. Friendly JSON API under /v1, Open Inference Protocol v2 under /v2.`,
    },
    servers: [{ url: '/' }],
  });
}
