"""The committed .docx templates are what the build script writes (regenerate with
`python manage.py documents_build_templates`)."""

import datetime as dt
import zipfile

from dangvien.documents.build_templates import BUILDERS, build_all
from dangvien.documents.render import TEMPLATE_DIR, TEMPLATE_FILES


def _part(path, name="word/document.xml") -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def test_committed_templates_match_the_build_script(tmp_path):
    build_all(tmp_path, on=dt.date(2026, 3, 7))
    for name in BUILDERS:
        assert _part(tmp_path / name) == _part(TEMPLATE_DIR / name), name
        assert _part(tmp_path / name, "word/styles.xml") == _part(
            TEMPLATE_DIR / name, "word/styles.xml"
        )


def test_every_kind_has_a_template_file():
    assert set(TEMPLATE_FILES.values()) <= set(BUILDERS)
    for name in set(TEMPLATE_FILES.values()):
        assert (TEMPLATE_DIR / name).is_file()
