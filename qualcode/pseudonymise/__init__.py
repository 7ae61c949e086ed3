"""Pseudonymisation owns finding identifying details in transcripts (names,
places finer than a city, small-team organisations, contacts, ages), the review
of those candidates, and the one hook every outgoing text passes through.

- `scan`: detectors (`ner`: spaCy French NER; `patterns`; `lists`: project list
  and allow-list) combined (`combine`) and stored apart, grouped by surface form.
- `review`: decisions (accept, reject, merge, rename, per occurrence), the key
  export and `forget`; `replace`: default pseudonyms.
- `apply.Pseudonymiser`: transcript id + span -> pseudonymised text, used by
  every export, `show` and `codings`; `apply.for_output` applies the project
  setting `exports.pseudonymise`.
- `reanchor`: decisions follow their text through `import --replace`.
"""
