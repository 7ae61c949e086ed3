"""NLP assistance: suggestions from the codebook's keywords (rules) and from a
classifier trained on a coder's codings (model), a review queue, and measured
quality. Everything runs offline with spaCy's French model installed as a
package; parses are cached in the project.

Modules: `units` (cutting turns into suggestion units), `nlp` (the spaCy
pipeline, its speed fix and the parse cache), `rules`, `model`, `metrics`
(precision/recall/F1), `suggest` (orchestration, review, evaluation).
"""
