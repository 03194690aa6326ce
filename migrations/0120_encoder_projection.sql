-- A refit model also carries the sentence encoder's projection of requests it
-- was fitted with (matching::projection; 512 x 512, row-major): its
-- acceptance coefficients read cosines under it. NULL for a model refit
-- before it existed: it read plain cosines, and is applied with them.
ALTER TABLE acceptance_models ADD COLUMN encoder_projection real[];
