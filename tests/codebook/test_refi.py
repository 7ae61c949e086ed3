"""REFI-QDA codebook exchange: real files from NVivo, ATLAS.ti and a hand-made .qdc,
round trips through Codebook.xsd, and hostile or broken input."""
from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from qualcode.codebook import refi
from qualcode.codebook.model import SLUG_RE, CodeSpec
from qualcode.codebook.refi import RefiCodebook, read_codebook, write_qdc
from qualcode.errors import QualcodeError


def _interop_dir() -> Path:
    here = Path(__file__).resolve()
    candidates = []
    if len(here.parents) > 3:
        candidates.append(here.parents[3] / "shared" / "interop" / "refi-qda")
    candidates.append(Path("/work/shared/interop/refi-qda"))
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[-1]


INTEROP = _interop_dir()
NVIVO_MAC = INTEROP / "nvivo-mac-15.0_codebook-depth7_nvivo_project.qdpx"
NVIVO_WIN = INTEROP / "nvivo-win-12.6_two-coders_oltas_teszt.qdpx"
ATLAS = INTEROP / "atlasti-8.4_refi-standard-project_TestProject.qdpx"
MASTODON = INTEROP / "mastodonmoodboard_example_codebook.qdc"
CODEBOOK_XSD = INTEROP / "schema" / "Codebook.xsd"


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"REFI-QDA sample {path.name} not found in {INTEROP} (shared interop files absent)")
    return path


def _by_id(book: RefiCodebook) -> dict[str, CodeSpec]:
    return {c.id: c for c in book.codes}


def _xml_parent_guids(path: Path) -> dict[str, str | None]:
    """guid -> parent guid, read straight from the archive's .qde with lxml."""
    with zipfile.ZipFile(path) as zf:
        qde = next(n for n in zf.namelist() if n.lower().endswith(".qde") and "/" not in n)
        root = etree.fromstring(zf.read(qde))
    out = {}
    for el in root.iter("{*}Code"):
        parent = el.getparent()
        out[el.get("guid")] = parent.get("guid") if etree.QName(parent).localname == "Code" else None
    return out


def _assert_well_formed(book: RefiCodebook) -> None:
    seen = set()
    for code in book.codes:
        assert SLUG_RE.match(code.id), code.id
        assert code.id not in seen
        if code.parent is not None:
            assert code.parent in seen, f"{code.id} comes before its parent"
        seen.add(code.id)
        assert code.family is False


def _assert_hierarchy_matches_xml(book: RefiCodebook, path: Path) -> None:
    xml_parent = _xml_parent_guids(path)
    ids = _by_id(book)
    assert len(xml_parent) == len(book.codes)
    for code in book.codes:
        expected = xml_parent[code.guid]
        got = ids[code.parent].guid if code.parent else None
        assert got == expected, code.id


# --------------------------------------------------------------------- real files


def test_nvivo_mac_depth7():
    path = _need(NVIVO_MAC)
    book = read_codebook(path)
    _assert_well_formed(book)
    assert len(book.codes) == 262
    assert max(c.depth for c in book.codes) == 7
    assert [c.id for c in book.codes if c.depth == 1] == [
        "rq1-definition", "rq2-curriculum-and-instruction", "rq3-process"]
    assert book.origin == "NVivo for Mac 15.0.0"
    assert book.warnings == []

    ids = _by_id(book)
    first = book.codes[0]
    assert (first.id, first.label, first.guid) == (
        "rq1-definition", "rq1_definition", "34653336-3766-3235-6466-363134396437")
    deepest = ids["rq2-curriculum-and-instruction/curriculum/interdisciplinary-cs/"
                  "other-subject-areas/humanities/english/writing"]
    assert deepest.label == "writing"
    assert deepest.depth == 7
    assert deepest.guid == "61383333-3735-3964-6230-333464656133"
    # the same name under different parents is not a collision
    assert "rq1-definition/competencies/programming" in ids
    assert "rq1-definition/framings/cs-as-programming/programming" in ids
    # this NVivo export carries no colours and no descriptions
    assert all(c.color is None and c.description == "" for c in book.codes)
    _assert_hierarchy_matches_xml(book, path)


def test_nvivo_windows_two_coders():
    path = _need(NVIVO_WIN)
    book = read_codebook(path)
    _assert_well_formed(book)
    assert len(book.codes) == 152
    assert max(c.depth for c in book.codes) == 4
    assert sum(c.depth == 1 for c in book.codes) == 12
    assert book.origin == "NVivo for Windows 12.6"

    ids = _by_id(book)
    c = ids["1-oltas-tipusa"]
    assert c.label == "1. Oltás típusa"
    assert c.description == "COVID vay nem COVID"
    assert ids["2-attitud-szint-az-oltashoz"].description == (
        "Erősen szkeptikus (piros)\nEnyhén szkeptikus, kétkedő (sárga)\nElfogadó (zöld)")
    assert ids["2-attitud-szint-az-oltashoz/sarga"].label == "sárga"
    deep = ids["hbm-4-perceived-barriers-eszlelt-akadalyok/politikai/"
               "politikusokkal-szembeli-bizalmatlansag/forradalom-ellenallas"]
    assert deep.label == "forradalom, ellenállás"
    assert deep.guid == "5ea48bb1-c22b-4c37-b0dd-ae1dbfff0f59"
    # trailing newline of the NVivo description is trimmed
    assert ids["hbm-2-perceived-severity-eszlelt-sulyossag/betegseg-kockazatai/"
               "relativizalas-analogiak"].description == "csak egy nátha"
    assert ids["attituderoots/2-distrust/government"].label == "+Government"
    # one isCodable="false" code ('Attituderoots'): imported, with a warning
    assert "attituderoots" in ids
    assert any("not codable" in w and "Attituderoots" in w for w in book.warnings)
    assert not any(c.include or c.exclude or c.example for c in book.codes)
    _assert_hierarchy_matches_xml(book, path)


def test_atlasti_capitalised_project_qde():
    path = _need(ATLAS)
    with zipfile.ZipFile(path) as zf:
        assert "Project.qde" in zf.namelist()  # the non-conformant name this test is about
    book = read_codebook(path)
    _assert_well_formed(book)
    assert len(book.codes) == 14
    assert all(c.depth == 1 for c in book.codes)
    assert book.origin.startswith("ATLAS.ti 8.4.0")

    ids = _by_id(book)
    assert ids["feelings"].description == "thoughts about breakfast foods"
    assert ids["feelings"].color == "#f00082"  # '#F00082' in the file: case normalised
    diet = ids["coke-diet-coke"]
    assert diet.label == "Coke::diet Coke"  # kept flat, name unchanged
    assert diet.description == "non sucré"
    assert diet.color == "#966450"
    assert diet.guid == "D299EFAE-5779-46DC-9827-A3D1A5D544BC"
    assert ids["milk"].color is None
    assert ids["rushed"].label == '"rushed"'
    assert ids["cornflakes"].description == "breakfast cereal made by Kellogg’s"
    assert any("'::'" in w and "not expanded" in w for w in book.warnings)
    assert any("sets" in w for w in book.warnings)


def test_mastodon_handmade_qdc():
    path = _need(MASTODON)
    book = read_codebook(path)
    _assert_well_formed(book)
    assert len(book.codes) == 44
    parents = [c for c in book.codes if c.depth == 1]
    children = [c for c in book.codes if c.depth == 2]
    assert len(parents) == 4 and len(children) == 40
    assert all(c.description for c in parents)
    assert all(c.description == "" for c in children)
    assert book.origin == "MastodonMoodBoard"

    ids = _by_id(book)
    top = ids["negativ-aufgeregt"]
    assert top.label == "Negativ/Aufgeregt"
    # indentation inside <Description> is removed
    assert top.description == "All emotions with negative valence and positive arousal."
    assert top.color == "#e57373"
    assert top.guid == "c001"
    assert [c.id for c in parents] == ["negativ-aufgeregt", "negativ-ruhig",
                                       "positiv-aufgeregt", "positiv-ruhig"]
    assert [c.color for c in parents] == ["#e57373", "#7eb5e8", "#a5c96b", "#f2a848"]
    assert ids["negativ-aufgeregt/rage"].color == "#c95858"
    assert ids["negativ-aufgeregt/hurt-personally-offended"].label == "Hurt (personally offended)"
    assert ids["positiv-ruhig/serenity"].color == "#d98d2b"
    assert book.codes[-1].id == "positiv-ruhig/serenity"
    assert all(c.color for c in book.codes)

    guid_warnings = [w for w in book.warnings if "non-GUID" in w]
    assert guid_warnings == ["44 codes have non-GUID ids (e.g. 'c001'); imported anyway"]


def test_real_files_reexport_validates(tmp_path):
    xmlschema = pytest.importorskip("xmlschema")
    schema = xmlschema.XMLSchema(str(_need(CODEBOOK_XSD)))
    for source in (NVIVO_MAC, NVIVO_WIN, ATLAS, MASTODON):
        book = read_codebook(_need(source))
        out = tmp_path / (source.stem + ".qdc")
        write_qdc(book.codes, out)
        schema.validate(str(out))
        again = read_codebook(out)
        assert [(c.id, c.label, c.description, c.color) for c in again.codes] == [
            (c.id, c.label, c.description, c.color) for c in book.codes]
        # real GUIDs are kept; 'c001'-style ids are replaced by valid ones
        for before, after in zip(book.codes, again.codes):
            if refi.is_guid(before.guid):
                assert after.guid == before.guid
            assert refi.is_guid(after.guid)


# --------------------------------------------------------------------- round trip


def _sample_codes() -> list[CodeSpec]:
    return [
        CodeSpec(id="freins", label="Freins",
                 description="Obstacles au bon fonctionnement d'Assore et aux parcours.",
                 color="#C0392B", keywords=["obstacle"]),
        CodeSpec(id="freins/usagers", label="Freins du côté des usagers",
                 description="Ce qui gêne les personnes hébergées.\n\nDeuxième paragraphe « cité ».",
                 family=True),
        CodeSpec(id="freins/usagers/conditions-hotelieres", label="Conditions hôtelières",
                 description="État des chambres et des hôtels (punaises de lit, nuisibles).",
                 include="Mentions des punaises, cafards, rats, fenêtres.",
                 exclude="Changements de chambre sans lien (-> freins/usagers/instabilite-hebergement).",
                 example="« Les punaises, j'en avais partout, j'ai dormi dehors trois nuits. »",
                 keywords=["punaise de lit", "cafard"], color="#2e86c1"),
        CodeSpec(id="freins/usagers/instabilite-hebergement", label="Instabilité de l'hébergement",
                 include="Déménagements répétés.\nChangements d'hôtel imposés.",
                 example="« On m'a changé trois fois d'hôtel »"),
        CodeSpec(id="freins/institutions", label="Freins institutionnels & <administratifs>",
                 exclude="Ce qui relève des usagers."),
        CodeSpec(id="leviers", label="Leviers", color="#27ae60",
                 guid="0F8A1907-7E42-4739-8610-A676B4D1B69F"),
        CodeSpec(id="leviers/sante-mentale", label="Santé mentale",
                 description="Accès aux soins psychiques.", example="« Le psy m'a aidée »"),
    ]


def test_round_trip_through_codebook_xsd(tmp_path):
    xmlschema = pytest.importorskip("xmlschema")
    codes = _sample_codes()
    out = tmp_path / "assore.qdc"
    write_qdc(codes, out)

    schema = xmlschema.XMLSchema(str(_need(CODEBOOK_XSD)))
    schema.validate(str(out))  # raises if invalid

    root = etree.parse(str(out)).getroot()
    assert root.tag == "{urn:QDA-XML:codebook:1.0}CodeBook"
    assert root.get("origin") == "qualcode"
    # nesting mirrors the slug paths
    leaf = root.find("{*}Codes/{*}Code[@name='Freins']/{*}Code[@name='Freins du côté des usagers']"
                     "/{*}Code[@name='Conditions hôtelières']")
    assert leaf is not None and leaf.get("isCodable") == "true" and leaf.get("color") == "#2e86c1"
    assert "Inclure : Mentions des punaises" in leaf.findtext("{*}Description")

    book = read_codebook(out)
    assert book.origin == "qualcode"
    assert book.warnings == []
    fields = ("id", "label", "description", "include", "exclude", "example")
    assert [tuple(getattr(c, f) for f in fields) for c in book.codes] == [
        tuple(getattr(c, f) for f in fields) for c in codes]
    assert [c.color for c in book.codes] == ["#c0392b", None, "#2e86c1", None, None, "#27ae60", None]
    # keywords and family cannot be expressed in REFI-QDA
    assert all(c.keywords == [] and c.family is False for c in book.codes)
    # the given GUID is kept; the others are deterministic
    assert book.codes[5].guid == "0F8A1907-7E42-4739-8610-A676B4D1B69F"
    assert all(refi.is_guid(c.guid) for c in book.codes)
    assert len({c.guid for c in book.codes}) == len(codes)


def test_write_is_deterministic_and_atomic(tmp_path):
    out = tmp_path / "a.qdc"
    write_qdc(_sample_codes(), out)
    first = out.read_bytes()
    write_qdc(_sample_codes(), out)  # overwrite in place
    assert out.read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.qdc"]  # no temp file left
    # re-exporting what was read keeps the guids
    book = read_codebook(out)
    write_qdc(book.codes, tmp_path / "b.qdc")
    assert (tmp_path / "b.qdc").read_bytes() == first


def test_write_refuses_bad_input(tmp_path):
    with pytest.raises(QualcodeError, match=r"^x\.qdc: .*empty codebook"):
        write_qdc([], tmp_path / "x.qdc")
    with pytest.raises(QualcodeError, match="parent 'a'"):
        write_qdc([CodeSpec(id="a/b", label="B")], tmp_path / "x.qdc")
    with pytest.raises(QualcodeError, match="colour"):
        write_qdc([CodeSpec(id="a", label="A", color="red")], tmp_path / "x.qdc")
    with pytest.raises(QualcodeError, match="not a slug path"):
        write_qdc([CodeSpec(id="Bad Id", label="B")], tmp_path / "x.qdc")
    assert not (tmp_path / "x.qdc").exists()
    assert list(tmp_path.iterdir()) == []


def test_ids_survive_renaming_in_another_tool(tmp_path):
    out = tmp_path / "a.qdc"
    write_qdc(_sample_codes(), out)
    text = out.read_text(encoding="utf-8")
    assert '<?qualcode slug="usagers"?>' in text
    out.write_text(text.replace('name="Freins"', 'name="Obstacles"'), encoding="utf-8")
    book = read_codebook(out)
    assert book.codes[0].label == "Obstacles"
    assert [c.id for c in book.codes] == [c.id for c in _sample_codes()]


# --------------------------------------------------------------------- reading details


def _qdc(tmp_path: Path, body: str, name: str = "t.qdc") -> Path:
    path = tmp_path / name
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n'
                    '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="test"><Codes>'
                    + body + "</Codes></CodeBook>", encoding="utf-8")
    return path


G1 = "11111111-1111-1111-1111-111111111111"
G2 = "22222222-2222-2222-2222-222222222222"
G3 = "33333333-3333-3333-3333-333333333333"
G4 = "44444444-4444-4444-4444-444444444444"


def test_sibling_slug_collisions_get_suffixes(tmp_path):
    path = _qdc(tmp_path,
                f'<Code guid="{G1}" name="Santé" isCodable="true"/>'
                f'<Code guid="{G2}" name="sante" isCodable="true"/>'
                f'<Code guid="{G3}" name="SANTÉ!" isCodable="true">'
                f'  <Code guid="{G4}" name="Santé" isCodable="true" color="#ABC"/></Code>')
    book = read_codebook(path)
    assert [c.id for c in book.codes] == ["sante", "sante-2", "sante-3", "sante-3/sante"]
    assert [c.label for c in book.codes] == ["Santé", "sante", "SANTÉ!", "Santé"]
    assert book.codes[3].color == "#aabbcc"
    assert any("'sante'" in w and "'sante-2'" in w for w in book.warnings)


def test_criteria_parsed_from_foreign_descriptions(tmp_path):
    path = _qdc(tmp_path,
                f'<Code guid="{G1}" name="A" isCodable="true"><Description>'
                "Texte.\n\nInclude: yes\nExample: « ceci »\nsuite</Description></Code>"
                f'<Code guid="{G2}" name="B" isCodable="false"><Description>'
                "Exclure : rien</Description></Code>")
    a, b = read_codebook(path).codes
    assert (a.description, a.include, a.exclude, a.example) == ("Texte.", "yes", "", "« ceci »\nsuite")
    assert (b.description, b.include, b.exclude, b.example) == ("", "", "rien", "")


def test_project_qde_at_root_under_any_name(tmp_path):
    qde = ('<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="X">'
           f'<CodeBook><Codes><Code guid="{G1}" name="Un" isCodable="true"/></Codes></CodeBook></Project>')
    path = tmp_path / "p.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("MyStudy.qde", qde)
        zf.writestr("Sources/a.txt", "x")
    book = read_codebook(path)
    assert [c.id for c in book.codes] == ["un"] and book.origin == "X"


# --------------------------------------------------------------------- safety and errors


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE CodeBook [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
<Code guid="11111111-1111-1111-1111-111111111111" name="&lol9;" isCodable="true"><Description>&lol9;</Description></Code>
</Codes></CodeBook>
"""


def test_billion_laughs_refused_fast(tmp_path):
    path = tmp_path / "laughs.qdc"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(QualcodeError, match=r"^laughs\.qdc: refused: .*entities"):
        read_codebook(path)
    assert time.perf_counter() - start < 1.0
    # same in UTF-16, where a byte scan would not see the declarations
    path16 = tmp_path / "laughs16.qdc"
    path16.write_bytes(BILLION_LAUGHS.replace('version="1.0"?>', 'version="1.0" encoding="UTF-16"?>', 1)
                       .encode("utf-16"))
    with pytest.raises(QualcodeError, match="entities"):
        read_codebook(path16)


def test_external_entity_refused(tmp_path):
    path = tmp_path / "xxe.qdc"
    path.write_text('<?xml version="1.0"?><!DOCTYPE CodeBook [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                    '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
                    f'<Code guid="{G1}" name="&x;" isCodable="true"/></Codes></CodeBook>')
    with pytest.raises(QualcodeError, match="entities"):
        read_codebook(path)


def test_xml_syntax_error_names_file_and_line(tmp_path):
    path = tmp_path / "x.qdc"
    path.write_text('<?xml version="1.0"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0">\n'
                    '<Codes><Code guid="c1" name="a" isCodable="true"></Codes>\n</CodeBook>\n')
    with pytest.raises(QualcodeError) as info:
        read_codebook(path)
    message = str(info.value)
    assert message.startswith("x.qdc: line 3: XML syntax error: ")
    assert "\n" not in message


def test_not_a_codebook(tmp_path):
    path = tmp_path / "other.qdc"
    path.write_text('<?xml version="1.0"?><html><body/></html>')
    with pytest.raises(QualcodeError, match=r"^other\.qdc: not a REFI-QDA codebook \(root element is <html>"):
        read_codebook(path)


def test_qdpx_without_qde(tmp_path):
    path = tmp_path / "nvivo.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("Sources/a.txt", "hello")
    with pytest.raises(QualcodeError, match=r"^nvivo\.qdpx: not a REFI-QDA project \(no project\.qde\)$"):
        read_codebook(path)


def test_qdpx_that_is_not_a_zip(tmp_path):
    path = tmp_path / "fake.qdpx"
    path.write_text("<Project/>")
    with pytest.raises(QualcodeError, match=r"^fake\.qdpx: not a zip archive"):
        read_codebook(path)
    broken = tmp_path / "broken.qdpx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(QualcodeError, match=r"^broken\.qdpx: "):
        read_codebook(broken)


def test_qdpx_size_limits(tmp_path, monkeypatch):
    path = tmp_path / "big.qdpx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", '<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>')
        zf.writestr("Sources/zeros.txt", b"\x00" * 5000)
    assert read_codebook(path).codes == []
    monkeypatch.setattr(refi, "MAX_MEMBER_BYTES", 1000)
    with pytest.raises(QualcodeError, match=r"^big\.qdpx: archive member 'Sources/zeros\.txt'"):
        read_codebook(path)
    monkeypatch.setattr(refi, "MAX_MEMBER_BYTES", 10_000)
    monkeypatch.setattr(refi, "MAX_TOTAL_BYTES", 5000)
    with pytest.raises(QualcodeError, match=r"^big\.qdpx: archive declares .* in total"):
        read_codebook(path)


def test_missing_file():
    with pytest.raises(QualcodeError, match=r"^nope\.qdc: cannot read file"):
        read_codebook("/nonexistent-dir/nope.qdc")
