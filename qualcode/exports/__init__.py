"""Exports own turning codings into tables and files: theme matrices, framework matrix, co-occurrence, coded excerpts, and atomic writing of CSV, Excel, Word, Markdown, JSON and PNG."""
