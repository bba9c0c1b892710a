-- One row per request: the request's inputs and its predictions as arrays in input order, so a
-- 10,000-passenger request is one insert row and the writer keeps up with batch traffic.
-- The view prediction_log_passenger unnests them to one row per passenger.
CREATE TABLE prediction_log (
  id            bigint GENERATED ALWAYS AS IDENTITY,
  request_id    text        NOT NULL,
  logged_at     timestamptz NOT NULL,
  environment   text        NOT NULL,
  model_version text        NOT NULL,
  image_version text        NOT NULL,
  api           text        NOT NULL CHECK (api IN ('v1', 'v2')),
  passengers    integer     NOT NULL CHECK (passengers > 0),
  -- v1: the passenger objects as sent; v2: the FP32 feature rows.
  input         jsonb       NOT NULL,
  probabilities real[]      NOT NULL,
  labels        boolean[]   NOT NULL,
  latency_ms    real        NOT NULL
);

-- Batch inputs are tens of kilobytes: lz4 compresses them ten times faster than the default
-- pglz and smaller. Builds without lz4 keep pglz.
DO $$
BEGIN
  ALTER TABLE prediction_log ALTER COLUMN input SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE 'lz4 is not available; prediction_log.input keeps the default compression';
END
$$;

-- Rows arrive in time order and are never updated, so a BRIN index on the timestamp stays a
-- few pages large at any table size and still prunes time-range scans to the matching blocks.
CREATE INDEX prediction_log_logged_at_brin ON prediction_log USING brin (logged_at) WITH (pages_per_range = 32);

CREATE VIEW prediction_log_passenger AS
SELECT l.id AS log_id,
       l.request_id,
       l.logged_at,
       l.environment,
       l.model_version,
       l.image_version,
       l.api,
       (p.position - 1)::integer AS position,
       p.value AS input,
       l.probabilities[p.position] AS probability,
       l.labels[p.position] AS label,
       l.latency_ms
FROM prediction_log l
CROSS JOIN LATERAL jsonb_array_elements(l.input) WITH ORDINALITY AS p(value, position);
