"""One test per transcript format, on the committed fixtures in
tests/fixtures/importers/ (regenerate them with tests/fixtures/make_fixtures.py).

Each test imports through the CLI and checks exactly what was stored: speakers,
roles, segment texts, times, metadata and attributes."""
from __future__ import annotations

from qualcode.importers.turns import MAX_SEGMENT_CHARS

NOTICE = "Transcription fictive écrite pour les tests de qualcode ; aucune personne réelle n’est citée."
I, R = "interviewer", "respondent"


def turns(project, tid):
    """(speaker, role, text) per stored segment."""
    return [(s["speaker"], s["role"], s["text"]) for s in project.segments(tid)]


def test_docx_bold_speakers_and_metadata_table(project, import_ok, fixtures):
    out = import_ok(fixtures / "U21-gras.docx").out
    assert "U21: imported 8 segments from U21-gras.docx" in out

    info = project.transcript("U21")
    assert info["title"] == "Entretien avec une usagère, hôtel Les Lilas"
    assert info["format"] == "docx" and info["source_name"] == "U21-gras.docx"
    assert info["attributes"] == {
        "actor_type": "usagers",
        "structure": "Hôtel Les Lilas (19e)",
        "people": "1",
        "date": "2022-09-14",  # written 14/09/2022 in the table
        "mode": "en hôtel",
        "interviewer": "Claire",  # "Enquêtrice" in the table
        "type_d_hotel": "diffus",  # free attributes in snake_case
        "anciennete_dans_assore": "2 ans",
    }
    assert turns(project, "U21") == [
        ("Claire", I, "Bonjour Madame Nadia, merci de me recevoir dans votre chambre."),
        ("Nadia", R, "Bonjour. Asseyez-vous, il n’y a que le lit (rires)."),
        # bold name, colon outside the bold run
        ("Claire", I, "Depuis quand êtes-vous à l’hôtel ?"),
        # a name split over two bold runs; "Alors voilà :" and the bold words
        # inside the next paragraph do not open a turn
        ("Nadia", R, "Depuis le mois de mars. Avant, c’était le 115, un soir ici, un soir là.\n"
                     "Alors voilà : la chambre est petite, mais c’est chez moi, vous comprenez ?"),
        ("Claire", I, "Et les punaises de lit ?"),
        # "[inaudible]" opening a paragraph is not a speaker
        ("Nadia", R, "Ah, les punaises ! On a eu un traitement en juin, ils ont jeté le matelas.\n"
                     "[inaudible] et puis la gérante a dit qu’il fallait attendre le passage de l’entreprise."),
        ("Claire", I, "Merci beaucoup, Madame Nadia."),
        # bold name, no colon, used once: recognised from the bold only
        ("Nadia", R, "Merci à vous, ça m’a fait du bien de parler."),
    ]
    text = info["text"]
    assert text.startswith(NOTICE + "\n")
    # the metadata table is metadata, not transcript text
    assert "Identifiant" not in text and "Enquêtrice" not in text
    assert all(s["time"] is None for s in project.segments("U21"))


def test_docx_prefixes_key_value_lines_and_long_turn_split(project, import_ok, fixtures):
    import_ok(fixtures / "P21-prefixes.docx")
    info = project.transcript("P21")
    assert info["title"] == "Entretien collectif avec l’équipe mobile du 20e"
    assert info["attributes"] == {
        "actor_type": "professionnels_dispositif",
        "structure": "Assore, équipe mobile 20e",
        "people": "2",
        "date": "2022-09-27",
        "mode": "visio",
        "interviewer": "Samir",
        "fonction_des_repondants": "infirmière, travailleur social",
    }
    text = info["text"]
    assert "Code entretien" not in text and "Intervieweur" not in text

    segs = project.segments("P21")
    speakers = [(s["speaker"], s["role"]) for s in segs]
    # E is an interviewer by its default label; R1/R2 are respondents
    assert speakers == [("E", I), ("R1", R), ("R2", R), ("E", I), ("R1", R), ("R1", R),
                        ("R2", R), ("E", I), ("R2", R), ("E", I)]
    assert segs[0]["text"] == ("Bonjour à vous deux, merci d’avoir pris le temps. "
                               "Est-ce que vous pouvez vous présenter ?")
    # "E\u00a0:" (Word's French no-break space before the colon) is a label too
    assert segs[3]["text"] == "Pouvez-vous me décrire une journée type, du matin au soir ?"
    assert segs[9]["text"] == "Merci beaucoup à tous les deux."
    # a time written inside the label is kept
    assert segs[6]["time"] == "00:14:10"
    assert segs[6]["text"] == "Oui, et il y a les tickets-service, on les distribue le jeudi."

    # the long answer (four paragraphs, > 2,000 characters) is split at a paragraph break
    first, second = segs[4], segs[5]
    answer = text[first["start"]:second["end"]]
    assert len(answer) > MAX_SEGMENT_CHARS
    assert answer.count("\n") == 3
    assert first["end"] - first["start"] <= MAX_SEGMENT_CHARS
    assert second["end"] - second["start"] <= MAX_SEGMENT_CHARS
    assert text[first["end"]] == "\n" and second["start"] == first["end"] + 1
    assert first["text"].startswith("Le matin, on commence par la réunion d’équipe")
    assert first["text"].endswith("une personne qui ne répond plus au téléphone depuis trois jours.")
    assert second["text"].startswith("Le soir, on écrit les transmissions")
    assert second["text"].endswith("on sait pourquoi on le fait.")
    # inside the answer, "Alors voilà :" and "[inaudible]" open paragraphs, not turns
    assert "\nAlors voilà : la première visite" in first["text"]
    assert "\n[inaudible] et du coup, l’après-midi" in first["text"]
    assert all(s["speaker"] not in ("Alors voilà", "inaudible") for s in segs)


def test_odt_bold_speakers_and_metadata_table(project, import_ok, fixtures):
    import_ok(fixtures / "D22-gras.odt")
    info = project.transcript("D22")
    assert info["format"] == "odt"
    assert info["title"] == "Entretien avec un partenaire de la mairie"
    assert info["attributes"] == {
        "actor_type": "partenaires",
        "structure": "Mairie du 19e, service social",
        "people": "2",
        "date": "2022-10-05",  # written 05.10.2022
        "mode": "visio",
        "interviewer": "Samir",  # "Évaluateur"
        "theme_principal": "coordination & riverains",
    }
    assert turns(project, "D22") == [
        ("Samir", I, "Bonjour Monsieur Hugo, merci d’avoir accepté."),
        ("Hugo", R, "Bonjour.  Avec plaisir."),  # <text:s text:c="2"/>
        # a bold paragraph style holding only the label: the turn goes on below
        ("Samir", I, "Et la coordination avec les équipes Assore, comment ça se passe ?"),
        ("Hugo", R, "On se réunit une fois par mois.\nParfois plus, quand un hôtel ferme ou change de gérant.\n"
                    "Alors voilà : les riverains se plaignent du bruit, et c’est la mairie qu’ils appellent."),
        # bold from a named style in styles.xml, no colon, used once
        ("Chantal", R, "Je confirme, on reçoit trois appels par semaine."),
        ("Samir", I, "Merci."),
    ]
    assert info["text"].startswith("Entretien D22\n" + NOTICE + "\n")


def test_txt_front_matter_timestamps_and_bracket_labels(project, import_ok, fixtures):
    import_ok(fixtures / "U22-horodatage.txt")
    info = project.transcript("U22")
    assert info["format"] == "txt" and info["encoding"] == "utf-8"
    assert info["title"] == "Entretien avec un usager, hôtel à bas seuil"
    assert info["attributes"] == {
        "actor_type": "usagers", "structure": "Hôtel du Canal", "people": "1",
        "date": "2022-10-03", "mode": "en hôtel", "interviewer": "Claire",
        "type_d_hotel": "bas seuil", "tranche_d_age": "45-54 ans",
    }
    segs = project.segments("U22")
    assert [(s["time"], s["speaker"], s["role"], s["text"]) for s in segs] == [
        ("00:01:02", "Claire", I, "Bonjour Monsieur Mamadou, merci de me recevoir."),
        ("00:01:09", "Mamadou", R, "Bonjour. Entrez, entrez."),
        ("00:01:15", "Claire", I, "Depuis combien de temps êtes-vous ici ?"),
        ("00:01:20", "Mamadou", R, "Ça fait un an et demi. Avant, c'était la rue, à Stalingrad.\n"
                                   "Ici au moins je ferme ma porte à clé."),
        ("00:02:40", "Claire", I, "Et les punaises de lit ?"),
        ("00:02:48", "Mamadou", R, "Les punaises... on en a eu deux fois. La désinsectisation, ils l'ont "
                                   "faite, mais ça revient.\n[inaudible] le voisin, il ramène tout."),
        ("00:04:05", "Claire", I, "Merci, Monsieur Mamadou."),
    ]
    text = info["text"]
    assert "---" not in text and "actor_type" not in text  # front matter is not text
    # timestamps and labels stay in the stored text, outside the segments; blank
    # lines are dropped
    assert text.startswith(NOTICE + "\n[00:01:02] [Claire] Bonjour")


def test_txt_cp1252_windows_file(project, import_ok, fixtures):
    import_ok(fixtures / "U23-cp1252.txt")
    info = project.transcript("U23-cp1252")
    assert info["encoding"] == "cp1252"
    assert "\r" not in info["text"]
    # default labels: "Enquêtrice" is an interviewer without any metadata
    assert turns(project, "U23-cp1252") == [
        ("Enquêtrice", I, "Bonjour Madame Sandrine. Vous êtes à l’hôtel depuis quand ?"),
        ("Sandrine", R, "Depuis l’été dernier. « C’est provisoire », qu’ils m’ont dit… Ça fait un an."),
        ("Enquêtrice", I, "Et les tickets-service, ça vous aide ?"),
        ("Sandrine", R, "Oui, 12 € par semaine, c’est peu. Mais ça paie le pain et les œufs."),
    ]


def test_txt_latin1_file(project, import_ok, fixtures):
    import_ok(fixtures / "U24-latin1.txt")
    info = project.transcript("U24-latin1")  # no metadata: the id is the file name
    assert info["title"] == "" and info["attributes"] == {}
    # latin-1 text without C1 bytes is the same text read as cp1252
    assert info["encoding"] in ("cp1252", "latin-1")
    assert turns(project, "U24-latin1") == [
        ("E", I, "Bonjour, vous êtes arrivé à l'hôtel quand ?"),
        ("R", R, "Au début de l'été. « Une chambre à soi », c'est ce que je voulais."),
        ("E", I, "Et la cuisine, ça se passe comment ?"),
        ("R", R, "Pas de cuisine, on mange froid. Le micro-ondes est à l'accueil, mais le gérant "
                 "ferme à vingt heures.\nÇa, c'est dur l'hiver."),
    ]


def test_markdown_front_matter_and_bold_speakers(project, import_ok, fixtures):
    import_ok(fixtures / "D21-notes.md")
    info = project.transcript("D21")
    assert info["format"] == "md"
    assert info["title"] == "Entretien avec une partenaire du CAARUD"  # "titre:"
    assert info["attributes"] == {
        "actor_type": "partenaires",  # "type d'acteur:"
        "structure": "CAARUD du Nord-Est",
        "people": "1",  # "personnes:"
        "date": "2022-10-11",  # a YAML date
        "mode": "visio",
        "interviewer": "Samir",  # "enquêteur:"
        "anciennete_du_partenariat": "3 ans",
    }
    assert turns(project, "D21") == [
        ("Samir", I, "Bonjour Madame Inès, merci d'avoir accepté."),
        ("Inès", R, "Avec plaisir. On travaille avec Assore depuis le début."),
        ("Samir", I, "Comment se passe l'orientation des usagers vers les hôtels ?"),  # **Samir** :
        ("Inès", R, "On oriente surtout des personnes qui consomment du crack.\n"
                    "Il faut parfois plusieurs mois pour qu'une place se libère."),
        ("Samir", I, "Merci beaucoup."),
    ]
    assert "**" not in "".join(s["text"] for s in project.segments("D21"))


def test_vtt_voice_tags_merge_notes_and_cue_ids(project, import_ok, fixtures):
    # the manifest names the interviewer (Samir) and the id
    import_ok(fixtures / "P22-visio.vtt", "--manifest", fixtures / "manifest.csv")
    info = project.transcript("P22")
    assert info["format"] == "vtt"
    assert info["title"] == "Visio avec l'équipe mobile"
    assert info["attributes"] == {
        "actor_type": "professionnels_dispositif", "structure": "Assore équipe mobile",
        "people": "2", "date": "2022-09-28", "mode": "visio", "interviewer": "Samir",
    }
    segs = project.segments("P22")
    # six cues, consecutive cues of one speaker merged: four turns
    assert [(s["time"], s["speaker"], s["role"], s["text"]) for s in segs] == [
        ("00:00:01.000", "Samir", I, "Bonjour à tous les deux, merci d'être là. On va parler de l'équipe mobile."),
        ("00:00:07.200", "Léa", R, "Oui. Alors moi, je suis infirmière dans l'équipe depuis deux ans. "
                                   "On voit beaucoup de problèmes de peau, les punaises surtout."),
        ("00:00:15.500", "Samir", I, "Et avec les hôteliers, ça se passe comment ?"),
        ("00:01:02.000", "Karim", R, "Franchement, c'est compliqué avec certains gérants."),
    ]
    text = info["text"]
    for absent in ("WEBVTT", "Kind:", "NOTE", "Export de la visio", "connexion de Karim",
                   "intro-1", "-->", "<v", "</v>", "<i>", "align:"):
        assert absent not in text
    assert text.splitlines()[0] == "Samir : Bonjour à tous les deux, merci d'être là. On va parler de l'équipe mobile."


def test_srt_name_prefixes_and_interviewer_option(project, cli, import_ok, fixtures):
    import_ok(fixtures / "P23-visio.srt", "--interviewer", "Samir",
              "--attr", "Type d'acteur=professionnels_dispositif", "--attr", "date=28/09/2022",
              "--attr", "Nombre de personnes=2", "--attr", "Équipe=mobile 20e")
    info = project.transcript("P23-visio")
    assert info["format"] == "srt"
    assert "\r" not in info["text"]  # the file has CRLF line ends
    assert info["attributes"] == {"actor_type": "professionnels_dispositif", "date": "2022-09-28",
                                  "people": "2", "equipe": "mobile 20e"}
    segs = project.segments("P23-visio")
    assert [(s["time"], s["speaker"], s["role"], s["text"]) for s in segs] == [
        ("00:00:01.000", "Samir", I, "Bonjour à vous deux, on peut commencer."),
        ("00:00:03.500", "Nadège", R, "Oui. Moi je coordonne la distribution des tickets-service. "
                                      "On les donne le jeudi, pendant les visites."),
        ("00:00:10.800", "Samir", I, "Et vous, Karim ?"),
        # "Alors voilà :" opening a cue is speech: the cue continues Karim's turn
        ("00:00:13.200", "Karim", R, "Moi je fais le lien avec les hôteliers. Alors voilà : quand il y a "
                                     "des punaises, j'appelle l'entreprise."),
        ("00:00:22.500", "Samir", I, "Merci."),
    ]


def test_srt_without_interviewer_has_only_respondents(project, import_ok, fixtures):
    import_ok(fixtures / "P23-visio.srt")
    roles = {(s["speaker"], s["role"]) for s in project.segments("P23-visio")}
    assert roles == {("Samir", R), ("Nadège", R), ("Karim", R)}


def test_interviewer_option_is_case_and_accent_insensitive(project, import_ok, fixtures):
    import_ok(fixtures / "P23-visio.srt", "--interviewer", "NADEGE")
    roles = {(s["speaker"], s["role"]) for s in project.segments("P23-visio")}
    assert roles == {("Samir", R), ("Nadège", I), ("Karim", R)}


def test_manifest_attributes_and_ids_for_a_batch(project, import_ok, fixtures):
    out = import_ok(fixtures / "U22-horodatage.txt", fixtures / "U23-cp1252.txt",
                    "--manifest", fixtures / "manifest.csv").out
    assert "2 imported, 0 replaced, 0 unchanged." in out
    # the manifest's id wins over the file name
    assert [t["id"] for t in project.transcripts()] == ["U22", "U23"]
    u23 = project.transcript("U23")
    assert u23["title"] == "Entretien avec une usagère (fichier Windows)"
    assert u23["attributes"] == {
        "actor_type": "usagers", "structure": "Hôtel Les Acacias", "people": "1",
        "date": "2022-09-19", "mode": "en hôtel", "interviewer": "Claire",
        "type_d_hotel": "diffus", "sexe": "F", "tranche_d_age": "35-44 ans",
    }
    # empty manifest cells leave the front matter's values; filled ones add to them
    u22 = project.transcript("U22")
    assert u22["title"] == "Entretien avec un usager, hôtel à bas seuil"
    assert u22["attributes"]["sexe"] == "M"
    assert u22["attributes"]["tranche_d_age"] == "45-54 ans"
    assert u22["attributes"]["date"] == "2022-10-03"


def test_manifest_alone_imports_every_row(project, import_ok, fixtures):
    out = import_ok("--manifest", fixtures / "manifest.csv").out
    assert "3 imported" in out
    assert [t["id"] for t in project.transcripts()] == ["P22", "U22", "U23"]
    assert project.transcript("P22")["attributes"]["interviewer"] == "Samir"


def test_folder_import_reads_every_format(project, import_ok, fixtures):
    out = import_ok(fixtures).out  # the folder: manifest.csv is not a transcript
    assert "9 imported, 0 replaced, 0 unchanged." in out
    rows = {t["id"]: t for t in project.transcripts()}
    assert sorted(rows) == ["D21", "D22", "P21", "P22-visio", "P23-visio", "U21", "U22",
                            "U23-cp1252", "U24-latin1"]
    assert {t["format"] for t in rows.values()} == {"docx", "odt", "txt", "md", "vtt", "srt"}


def test_docx_tracked_changes_hyperlinks_and_content_controls(project, import_ok, tmp_path, fixtures):
    """Word shows tracked insertions, hyperlinks and content controls as text:
    they are imported (changes accepted); deleted text and text boxes are not."""
    import zipfile

    def r(text, bold=False, tag="w:t"):
        props = "<w:rPr><w:b/></w:rPr>" if bold else ""
        return f'<w:r>{props}<{tag} xml:space="preserve">{text}</{tag}></w:r>'

    def cell(text):
        return f"<w:tc><w:p>{r(text)}</w:p></w:tc>"

    ins = '<w:ins w:id="1" w:author="relectrice" w:date="2022-09-20T10:00:00Z">{}</w:ins>'
    body = (
        # a metadata table inside a block-level content control
        "<w:sdt><w:sdtPr/><w:sdtContent><w:tbl>"
        f"<w:tr>{cell('Identifiant')}{cell('W01')}</w:tr><w:tr>{cell('Enquêtrice')}{cell('Claire')}</w:tr>"
        "</w:tbl></w:sdtContent></w:sdt>"
        f"<w:p>{r('Claire :', True)}{r(' Vous êtes arrivée ')}{ins.format(r('en mars'))}"
        f'<w:del w:id="2" w:author="relectrice">{r(" en avril", tag="w:delText")}</w:del>{r(" ?")}</w:p>'
        f"<w:p>{ins.format(r('Awa :', True))}{r(' Oui, par le ')}"
        f'<w:hyperlink w:anchor="ref">{r("115")}</w:hyperlink>{r(", après la rue.")}</w:p>'
        f"<w:p>{r('Claire :', True)}{r(' Et la chambre ?')}"
        '<w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox><w:txbxContent>'
        f"<w:p>{r('Note de la transcriptrice')}</w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>"
        f"<w:p>{r('Awa :', True)}{r(' Petite, mais ')}<w:sdt><w:sdtContent>{r('propre')}</w:sdtContent></w:sdt>"
        f"{r('.')}</w:p>"
    )
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           f"<w:body>{body}<w:sectPr/></w:body></w:document>").encode("utf-8")
    path = tmp_path / "suivi.docx"
    src = zipfile.ZipFile(fixtures / "U21-gras.docx")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for member in src.infolist():
            z.writestr(member.filename, xml if member.filename == "word/document.xml" else src.read(member))

    import_ok(path)
    info = project.transcript("W01")
    assert info["attributes"] == {"interviewer": "Claire"}
    assert turns(project, "W01") == [
        ("Claire", I, "Vous êtes arrivée en mars ?"),
        ("Awa", R, "Oui, par le 115, après la rue."),  # bold name in a tracked insertion
        ("Claire", I, "Et la chambre ?"),
        ("Awa", R, "Petite, mais propre."),
    ]
    assert "avril" not in info["text"] and "transcriptrice" not in info["text"]


def test_empty_front_matter(project, import_ok, tmp_path):
    path = tmp_path / "vide.md"
    path.write_text("---\n---\nE : Bonjour.\nR : Bonjour.\nE : Merci.\nR : Au revoir.\n", encoding="utf-8")
    import_ok(path)
    info = project.transcript("vide")
    assert info["attributes"] == {} and info["text"].startswith("E : Bonjour.")
    assert [s["text"] for s in project.segments("vide")] == ["Bonjour.", "Bonjour.", "Merci.", "Au revoir."]
