import json
from pathlib import Path

import pytest

from pipeline.ingest import IngestError, iter_input_files, read_file
from pipeline.settings import load_settings


def write(path: Path, content, mode="w"):
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_markdown_with_front_matter(tmp_path):
    f = write(tmp_path / "a.md", "---\ntitle: T\nurl: https://example.org/a\npublished: April 3, 2023\n"
                                 "publisher: Example News\n---\nATMEH, Syria — A raid was carried out by the coalition in the night.\n")
    (report,) = read_file(f)
    assert (report.title, report.url, report.published, report.publisher) == \
        ("T", "https://example.org/a", "2023-04-03", "Example News")
    assert report.text == "ATMEH, Syria — A raid was carried out by the coalition in the night.\n"
    assert report.language == "en"
    # the id is stable across reads and derived from the URL
    assert read_file(f)[0].report_id == report.report_id


def test_text_with_json_sidecar(tmp_path):
    write(tmp_path / "s.txt", "Headline\n\nHOLEB, Syria — text")
    write(tmp_path / "s.json", json.dumps({"title": "H", "url": "https://x.org/s", "published": "2023-04-17",
                                           "publisher": "Syriac Press", "file": "s.txt"}))
    assert [p.name for p in iter_input_files([tmp_path])] == ["s.txt"]
    (report,) = read_file(tmp_path / "s.txt")
    assert report.publisher == "Syriac Press" and report.published == "2023-04-17"
    assert report.text.startswith("Headline")


def test_jsonl_records(tmp_path):
    f = write(tmp_path / "r.jsonl", "\n".join(json.dumps(r) for r in [
        {"id": "one", "text": "First report.", "published": "2024-01-04"},
        {"id": "two", "body": "Second report.", "url": "https://x.org/2"},
    ]))
    reports = read_file(f)
    assert [r.report_id for r in reports] == ["one", "two"]
    assert reports[1].text == "Second report."


def test_folder_is_expanded_in_order(tmp_path):
    write(tmp_path / "b.md", "B")
    write(tmp_path / "a" / "c.txt", "C")
    write(tmp_path / "ignored.pdf", b"%PDF")
    assert [p.name for p in iter_input_files([tmp_path])] == ["c.txt", "b.md"]


@pytest.mark.parametrize("name, content, problem", [
    ("empty.md", "", "file is empty"),
    ("blank.md", "  \n\n", "file is empty"),
    ("bin.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
    ("latin1.txt", "Caf\xe9 raid".encode("latin-1"), "not valid UTF-8"),
    ("bad.md", "---\ntitle: [x\n---\nbody", "front matter is not valid YAML"),
    ("date.md", "---\npublished: not a date at all\n---\nbody", "is not a date"),
    ("only.md", "---\ntitle: x\n---\n", "report has no text"),
    ("bad.json", "{not json", "not valid JSON"),
    ("notext.json", '{"title": "x"}', "no text field"),
    ("x.docx", "x", "unsupported file type"),
])
def test_bad_input_names_the_file_and_the_problem(tmp_path, name, content, problem):
    f = write(tmp_path / name, content)
    with pytest.raises(IngestError) as err:
        read_file(f)
    assert problem in str(err.value)
    assert str(f) in str(err.value)
    assert "\n" not in str(err.value)


def test_utf16_with_bom_is_read(tmp_path):
    f = write(tmp_path / "u16.txt", "MOSUL, Iraq — text".encode("utf-16"))
    assert read_file(f)[0].text == "MOSUL, Iraq — text"


def test_size_limit_is_a_setting(tmp_path):
    f = write(tmp_path / "big.txt", "x" * 2000)
    with pytest.raises(IngestError, match="over the limit"):
        read_file(f, load_settings(max_file_bytes=1000))


def test_missing_file(tmp_path):
    with pytest.raises(IngestError, match="no such file"):
        read_file(tmp_path / "nope.md")


def test_uploaded_bytes_with_form_metadata():
    from pipeline.ingest import read_bytes

    (report,) = read_bytes("pasted.txt", "MOSUL, Iraq — Iraqi forces arrested three suspects on Sunday.".encode(),
                           meta={"url": "https://x.example/m", "publisher": "Form", "published": "2024-02-04"})
    assert (report.url, report.publisher, report.published) == ("https://x.example/m", "Form", "2024-02-04")
    # front matter in the upload wins over the form
    (report,) = read_bytes("a.md", b"---\npublisher: Inside\n---\nText of the report here.",
                           meta={"publisher": "Form"})
    assert report.publisher == "Inside"
    with pytest.raises(IngestError, match="upload.exe: unsupported file type"):
        read_bytes("upload.exe", b"MZ")
