"""Finished marks: `qualcode done`, the Project API and the audit trail."""
from qualcode.cli import main


def test_done_marks_unmarks_and_audits(proj, capsys):
    project = proj
    tid = project.store.transcript_ids()[0]
    assert main(["done", tid, "--coder", "ana", "-p", str(project.root)]) == 0
    assert project.finished() == {"ana": {tid}}
    # marking twice changes nothing and says so
    assert main(["done", tid, "--coder", "ana", "-p", str(project.root)]) == 0
    assert "(already)" in capsys.readouterr().out
    assert main(["done", tid, "--coder", "ana", "--undo", "-p", str(project.root)]) == 0
    assert project.finished() == {}
    actions = [e["action"] for e in project.store.audit_entries(actor="ana")]
    assert actions.count("transcript.finished") == 1
    assert actions.count("transcript.unfinished") == 1


def test_done_unknown_transcript_is_one_line_error(proj, capsys):
    rc = main(["done", "NOPE", "--coder", "ana", "-p", str(proj.root)])
    assert rc == 1
    err = capsys.readouterr().err
    assert "unknown transcript 'NOPE'" in err and len(err.strip().splitlines()) == 1
    assert proj.finished() == {}
