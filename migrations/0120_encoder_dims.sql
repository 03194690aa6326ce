-- A refit model also carries the sentence encoder's dimension weights it was
-- fitted with (matching::dims): its acceptance coefficients read cosines
-- weighted by them. NULL for a model refit before they existed: it read
-- plain cosines, and is applied with plain cosines.
ALTER TABLE acceptance_models ADD COLUMN encoder_dims real[];
