-- The shadow model's probabilities beside the served ones (NULL when no shadow was loaded).
ALTER TABLE prediction_log
  ADD COLUMN shadow_model_version text,
  ADD COLUMN shadow_probabilities real[];

-- Feedback names a prediction by its request id: found without scanning the log.
CREATE INDEX prediction_log_request_id ON prediction_log (request_id);

-- Ground truth: what became of the passenger at `position` of request `request_id`. One label
-- per passenger: a repeated label is a no-op, a different one is refused before it gets here.
CREATE TABLE prediction_feedback (
  request_id    text        NOT NULL,
  position      integer     NOT NULL CHECK (position >= 0),
  survived      boolean     NOT NULL,
  received_at   timestamptz NOT NULL,
  environment   text        NOT NULL,
  PRIMARY KEY (request_id, position)
);

-- Each label beside the prediction it judges, from the served model and the shadow if any.
CREATE VIEW prediction_feedback_joined AS
SELECT f.request_id,
       f.position,
       f.survived,
       f.received_at,
       l.logged_at,
       l.environment,
       l.model_version,
       l.probabilities[f.position + 1] AS probability,
       l.labels[f.position + 1] AS label,
       l.shadow_model_version,
       l.shadow_probabilities[f.position + 1] AS shadow_probability
FROM prediction_feedback f
JOIN prediction_log l ON l.request_id = f.request_id AND f.position < l.passengers;
