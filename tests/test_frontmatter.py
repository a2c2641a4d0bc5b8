import pytest

from pipeline.frontmatter import FrontMatterError, split_front_matter


def test_front_matter_and_body_are_split():
    meta, body = split_front_matter("---\ntitle: Raid\npublished: 2023-04-17\n---\nHOLEB, Syria — text\n")
    assert meta == {"title": "Raid", "published": "2023-04-17"}
    assert body == "HOLEB, Syria — text\n"


def test_no_front_matter_gives_whole_text():
    assert split_front_matter("Just a report.\n") == ({}, "Just a report.\n")


def test_bom_and_crlf_are_accepted():
    meta, body = split_front_matter("\ufeff---\r\ntitle: A\r\n---\r\nBody")
    assert meta == {"title": "A"} and body == "Body"


def test_keys_are_lowercased():
    meta, _ = split_front_matter("---\nTitle: A\nURL: http://x\n---\nB")
    assert meta == {"title": "A", "url": "http://x"}


@pytest.mark.parametrize("content, problem", [
    ("---\ntitle: [unclosed\n---\nbody", "not valid YAML"),
    ("---\n- a\n- b\n---\nbody", "must be a mapping"),
    ("---\ntitle: no closing fence\nbody", "no closing"),
])
def test_malformed_front_matter_is_a_clear_error(content, problem):
    with pytest.raises(FrontMatterError, match=problem):
        split_front_matter(content)
