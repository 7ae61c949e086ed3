"""REFI-QDA exchange (QDA-XML 1.0 / REFI-QDA 1.5): whole projects in and out,
and coders' work merged.

- `safexml`, `safezip`, `archive`: reading untrusted XML and zip archives.
- `codes`: ``<Code>`` trees <-> `CodeSpec` (also used by the .qdc codebook files).
- `positions`: offsets at the edge (UTF-16 units or code points over the
  archive's text <-> code points over the stored text), with an explicit alignment.
- `model`: the `Bundle` a project travels as.
- `reader` (+ `sources`): .qdpx -> bundle; `snapshot`: project -> bundle;
  `writer`: bundle -> .qdpx; `identity`: stable GUIDs.
- `codediff`: pairing and comparing codebooks; `apply`: bundle -> project;
  `exchange`: import/export; `merge`: bringing another project in.
"""
