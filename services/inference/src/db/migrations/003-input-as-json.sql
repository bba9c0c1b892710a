-- Every request writes its input and few queries read it. jsonb parses each value into its
-- binary form as a row arrives (a 1,000-passenger row: about three times the COPY time of json,
-- on the cores the service shares); json keeps the text as sent after checking its syntax, and
-- a reader pays the parse instead. The view keeps its jsonb column. The service refuses strings
-- holding U+0000, which json would store and jsonb cannot read, so every stored input stays
-- readable through the view. Changing the type rewrites the table once, under its lock: rows
-- wait in the service's queue meanwhile.
DROP VIEW prediction_log_passenger;

ALTER TABLE prediction_log ALTER COLUMN input TYPE json USING input::json;

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
CROSS JOIN LATERAL jsonb_array_elements(l.input::jsonb) WITH ORDINALITY AS p(value, position);
