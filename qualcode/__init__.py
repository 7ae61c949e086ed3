"""qualcode: terminal-native qualitative data analysis.

The library comes first; the `qualcode` command and the terminal screens are thin
layers over it::

    from qualcode import Project
    project = Project.init("my-study")
    project.import_files(["transcripts/"], manifest="transcripts/manifest.csv")
    project.load_codebook("codebooks/assore.yaml")
    project.apply_code("U07", "freins/usagers/conditions-hotelieres", "ana",
                       quote="des punaises")
    project.suggest(method="both", train_coder="ana")
    report = project.agreement(["ana", "bob"], unit="character")
    tables = project.matrix(by="actor_type", measures=["interviews", "people"])

Heavy libraries (spaCy, pandas, python-docx) are imported only where needed.
"""
from qualcode.errors import QualcodeError

__version__ = "0.1.0"
__all__ = ["Project", "QualcodeError", "__version__"]


def __getattr__(name):  # lazy: `import qualcode` stays cheap for the CLI
    if name == "Project":
        from qualcode.project import Project

        return Project
    raise AttributeError(name)
