"""The codebook: its model (`model`), the human-edited YAML file with validation
and comment-preserving write-back (`yamlfile`), the operations that keep the
project's codes and codings consistent (`operations`), roll-up counts
(`summary`), readable documents (`documents`) and REFI-QDA codebook files
(`refi` reads .qdc/.qdpx, `qdc` writes .qdc, both through `qualcode.interop`)."""
