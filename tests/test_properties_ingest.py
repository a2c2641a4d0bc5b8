"""Property-based tests of the ingest parsers: only the documented errors, whatever the input."""
from hypothesis import given, settings, strategies as st

from pipeline.frontmatter import FrontMatterError, split_front_matter
from pipeline.ingest import IngestError, decode, normalise_date


@given(st.text())
@settings(max_examples=300)
def test_front_matter_never_fails_otherwise(content):
    try:
        meta, body = split_front_matter(content)
    except FrontMatterError:
        return
    assert isinstance(meta, dict)
    assert body in content.lstrip("\ufeff")


@given(st.dictionaries(st.sampled_from(["title", "url", "publisher", "language"]),
                       st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)),
       st.text(min_size=1))
@settings(max_examples=200)
def test_front_matter_round_trips(meta, body):
    import yaml

    content = "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body
    parsed, rest = split_front_matter(content)
    assert rest == body
    assert {k: str(v) for k, v in parsed.items()} == {k: str(v) for k, v in meta.items()}


@given(st.text(max_size=60))
@settings(max_examples=300)
def test_dates_parse_or_give_the_documented_error(value):
    try:
        result = normalise_date(value, "x.md")
    except IngestError as exc:
        assert "x.md" in str(exc)
        return
    assert result == "" or len(result) == 10


@given(st.binary(max_size=400))
@settings(max_examples=300)
def test_any_bytes_decode_or_give_the_documented_error(data):
    try:
        text = decode(data, "x.txt")
    except IngestError as exc:
        assert str(exc).startswith("x.txt: ")
        return
    assert isinstance(text, str)
