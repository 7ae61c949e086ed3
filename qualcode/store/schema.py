"""The database schema, as forward migrations. Version N is the N-th script.

Rules: never edit a released migration, only append; keep to SQL that both
SQLite and PostgreSQL accept (ON CONFLICT, RETURNING, no AUTOINCREMENT) so a
PostgreSQL backend can reuse these scripts with its own type names.
"""

MIGRATIONS: list[str] = [
    # 1: transcripts, segments, codebook, codings, audit, suggestions, parse cache
    """
    CREATE TABLE transcripts (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL DEFAULT '',
        source_name TEXT NOT NULL,
        format TEXT NOT NULL,
        encoding TEXT,
        content_hash TEXT NOT NULL,
        text TEXT NOT NULL,
        memo TEXT NOT NULL DEFAULT '',
        imported_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE attributes (
        transcript_id TEXT NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (transcript_id, key)
    );
    CREATE TABLE segments (
        id INTEGER PRIMARY KEY,
        transcript_id TEXT NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        speaker TEXT,
        role TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        text TEXT NOT NULL,
        time TEXT,
        UNIQUE (transcript_id, idx)
    );
    CREATE TABLE codes (
        pk INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        position INTEGER NOT NULL,
        label TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        include TEXT NOT NULL DEFAULT '',
        exclude TEXT NOT NULL DEFAULT '',
        example TEXT NOT NULL DEFAULT '',
        keywords TEXT NOT NULL DEFAULT '[]',
        color TEXT,
        family INTEGER NOT NULL DEFAULT 0,
        guid TEXT,
        memo TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE codings (
        id INTEGER PRIMARY KEY,
        transcript_id TEXT NOT NULL REFERENCES transcripts(id),
        code_pk INTEGER NOT NULL REFERENCES codes(pk),
        coder TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        memo TEXT NOT NULL DEFAULT '',
        origin TEXT NOT NULL DEFAULT 'manual',
        provenance TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        CHECK (start < "end"),
        UNIQUE (transcript_id, code_pk, coder, start, "end")
    );
    CREATE INDEX codings_by_code ON codings (code_pk);
    CREATE INDEX codings_by_transcript ON codings (transcript_id, start);
    CREATE TABLE detached_codings (
        id INTEGER PRIMARY KEY,
        transcript_id TEXT NOT NULL,
        code_pk INTEGER NOT NULL REFERENCES codes(pk),
        coder TEXT NOT NULL,
        quote TEXT NOT NULL,
        old_start INTEGER NOT NULL,
        old_end INTEGER NOT NULL,
        memo TEXT NOT NULL DEFAULT '',
        reason TEXT NOT NULL,
        detached_at TEXT NOT NULL
    );
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL DEFAULT '',
        before TEXT,
        after TEXT
    );
    CREATE INDEX audit_by_time ON audit (at);
    CREATE TABLE suggestions (
        id INTEGER PRIMARY KEY,
        transcript_id TEXT NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
        code_pk INTEGER NOT NULL REFERENCES codes(pk) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        score REAL NOT NULL,
        method TEXT NOT NULL,
        explanation TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'pending',
        reviewer TEXT,
        reviewed_at TEXT,
        coding_id INTEGER REFERENCES codings(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        UNIQUE (transcript_id, code_pk, start, "end", method)
    );
    CREATE TABLE parse_cache (
        text_hash TEXT NOT NULL,
        model TEXT NOT NULL,
        data BLOB NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (text_hash, model)
    );
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # 2: a coder's "finished" mark on a transcript (coverage checks, agreement --finished-only)
    """
    CREATE TABLE finished (
        transcript_id TEXT NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
        coder TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        PRIMARY KEY (transcript_id, coder)
    );
    """,
    # 3 (issue 16): pseudonymisation: detected candidates, their surface forms and
    # decisions, the pseudonyms (entities), the allow-list and project list of names,
    # candidates a re-import could not place, and project settings
    """
    CREATE TABLE pseudonym_entities (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        replacement TEXT NOT NULL,
        gender TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
    );
    CREATE TABLE pseudonym_forms (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        surface TEXT NOT NULL,
        kind TEXT NOT NULL,
        subtype TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'pending',
        entity_id INTEGER REFERENCES pseudonym_entities(id),
        lexical INTEGER NOT NULL DEFAULT 0,
        score REAL NOT NULL DEFAULT 0,
        reviewer TEXT,
        reviewed_at TEXT
    );
    CREATE TABLE pseudonym_candidates (
        id INTEGER PRIMARY KEY,
        transcript_id TEXT NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
        form_id INTEGER NOT NULL REFERENCES pseudonym_forms(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        text TEXT NOT NULL,
        kind TEXT NOT NULL,
        source TEXT NOT NULL,
        score REAL NOT NULL,
        status TEXT NOT NULL DEFAULT 'form',
        created_at TEXT NOT NULL,
        UNIQUE (transcript_id, start, "end")
    );
    CREATE INDEX pseudonym_candidates_by_form ON pseudonym_candidates (form_id);
    CREATE TABLE pseudonym_unplaced (
        id INTEGER PRIMARY KEY,
        transcript_id TEXT NOT NULL,
        form_id INTEGER REFERENCES pseudonym_forms(id) ON DELETE CASCADE,
        old_start INTEGER NOT NULL,
        old_end INTEGER NOT NULL,
        text TEXT NOT NULL,
        status TEXT NOT NULL,
        reason TEXT NOT NULL,
        unplaced_at TEXT NOT NULL
    );
    CREATE TABLE pseudonym_words (
        list TEXT NOT NULL,
        key TEXT NOT NULL,
        surface TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT '',
        added_by TEXT NOT NULL,
        added_at TEXT NOT NULL,
        PRIMARY KEY (list, key)
    );
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        set_by TEXT NOT NULL,
        set_at TEXT NOT NULL
    );
    """,
    # 4 (issue 11): REFI-QDA exchange (qualcode.interop): isCodable, the GUIDs of transcripts,
    # users, variables, cases and memo notes, of each coding and its selection, and
    # project-level notes
    """
    ALTER TABLE codes ADD COLUMN codable INTEGER NOT NULL DEFAULT 1;
    CREATE TABLE refi_ids (
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        guid TEXT NOT NULL,
        name TEXT,
        PRIMARY KEY (kind, key)
    );
    CREATE TABLE coding_refi (
        coding_id INTEGER PRIMARY KEY REFERENCES codings(id) ON DELETE CASCADE,
        selection_guid TEXT NOT NULL,
        coding_guid TEXT NOT NULL UNIQUE,
        selection_user TEXT,
        created TEXT
    );
    CREATE TABLE notes (
        id INTEGER PRIMARY KEY,
        guid TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL DEFAULT '',
        author TEXT,
        created_at TEXT NOT NULL
    );
    """,
]
