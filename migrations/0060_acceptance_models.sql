-- Acceptance models refit by `beursvloer learn` on this installation's
-- decisions (and the labelled sets), with what they were fitted on and how
-- they did on the edition held out. At most one is in use; without one the
-- built-in coefficients are.
CREATE TABLE acceptance_models (
    id          bigserial PRIMARY KEY,
    fitted_at   timestamptz NOT NULL DEFAULT now(),
    coef        double precision[] NOT NULL,
    trained_on  text NOT NULL,
    held_out    text,
    figures     jsonb NOT NULL,
    in_use      boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX acceptance_models_one_in_use ON acceptance_models (in_use) WHERE in_use;
