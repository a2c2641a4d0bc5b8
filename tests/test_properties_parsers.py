"""Property-based tests of the text parsers: datelines, region phrases, date expressions, number
words and casualty counts, name folding. Whatever the text, they return well-formed results (offsets
inside the text) and raise nothing."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st

from pipeline.dateline import find_dateline
from pipeline.dates import find_dates, resolve_date
from pipeline.names import fold, strip_articles, variant_key
from pipeline.regions import find_region_phrases
from pipeline.toponyms import Mention

# Text that looks like news: words a parser reacts to, mixed with arbitrary characters
WORDS = ["HOLEB", "Syria", "—", "--", ",", ".", "\n", "northwestern", "north-east", "of", "near", "the",
         "border", "countryside", "desert", "km", "miles", "west", "on", "Monday", "last", "week", "in",
         "March", "April 3", "2023", "Aug.", "29", "early", "Thursday", "night", "killed", "two", "dozens",
         "several", "1,200", "fifteen", "a", "dozen", "and", "his", "sons", "Al-", "al-", "Deir", "ez-Zor",
         "ALEPPO", "Iraq", "Iraqi", "Turkish", "between", "yesterday", "since", "3", "12/31", "ISIS"]
newsy = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=6)), max_size=40).map(" ".join)
text = st.one_of(newsy, st.text(max_size=200))
published = st.one_of(st.just(""), st.dates().map(lambda d: d.isoformat()), st.text(max_size=12))


@given(text)
@settings(max_examples=400)
def test_datelines(value):
    found = find_dateline(value)
    if found is not None:
        assert 0 <= found.start < found.end <= len(value)
        assert value[found.start:found.end] == found.place


@given(text, st.data())
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_region_phrases(value, data):
    # mentions at arbitrary word boundaries of the text
    spans = sorted({tuple(sorted(data.draw(st.tuples(st.integers(0, len(value)), st.integers(0, len(value))))))
                    for _ in range(data.draw(st.integers(0, 3)))})
    mentions = [Mention(start=a, end=b, text=value[a:b], source="given") for a, b in spans if a < b]
    for phrase in find_region_phrases(value, mentions):
        assert 0 <= phrase.start <= phrase.end <= len(value)


@given(text, published)
@settings(max_examples=400)
def test_date_expressions(value, pub):
    for found in find_dates(value, pub):
        assert found.precision in (1, 2, 3)
    resolved = resolve_date(value, pub)
    assert resolved.precision in (1, 2, 3)
    if resolved.date:
        assert len(resolved.date) == 10


@given(st.text(max_size=60))
@settings(max_examples=400)
def test_name_folding(value):
    folded = fold(value)
    assert folded == fold(folded)  # folding is idempotent
    assert folded.isascii()
    strip_articles(folded)
    assert variant_key(value).isascii()


@given(newsy)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_number_words_and_casualties(value):
    from pipeline.fatalities import count_casualties
    from pipeline.nlp import get_nlp

    doc = get_nlp()(value)
    for sent in doc.sents:
        counts = count_casualties(sent)
        for count in (counts.fatalities, counts.injured, counts.detained):
            assert count.value is None or count.value >= 0
