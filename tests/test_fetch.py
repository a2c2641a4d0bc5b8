"""Reading reports from URLs and feeds, against a local server that the test writes."""
import pytest

from pipeline.fetch import fetch
from pipeline.ingest import IngestError
from pipeline.settings import load_settings

from webserver import serve

ARTICLE = """<!doctype html><html lang="en"><head><title>Strike near Albu Kamal</title>
<meta property="og:site_name" content="Desert Wire">
<meta property="article:published_time" content="2023-10-27T08:00:00Z">
</head><body><nav>Home | World | Sport</nav><article><h1>Strike near Albu Kamal</h1>
<p>ALBU KAMAL, Syria — Two US F-16 jets struck a weapons storage site used by Iranian
Revolutionary Guard units near Albu Kamal early on Friday, the Pentagon said.</p>
<p>A second facility used to store ammunition was also hit, officials said. No casualty figure
was released, and the strikes were described as self-defence.</p>
<p>The United States has about 900 troops in Syria.</p></article>
<footer>Copyright Desert Wire</footer></body></html>"""


def feed(base):
    return f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Desert Wire</title>
<link>{base}/</link><description>news</description>
<item><title>Strike near Albu Kamal</title><link>{base}/a1</link><pubDate>Fri, 27 Oct 2023 08:00:00 GMT</pubDate></item>
<item><title>Older story</title><link>{base}/old</link><pubDate>Mon, 02 Jan 2023 08:00:00 GMT</pubDate></item>
<item><title>Dead link</title><link>{base}/gone</link><pubDate>Sat, 28 Oct 2023 08:00:00 GMT</pubDate></item>
</channel></rss>""".encode()


@pytest.fixture(scope="module")
def site():
    routes = {"/a1": (200, "text/html; charset=utf-8", ARTICLE.encode()),
              "/old": (200, "text/html", ARTICLE.replace("Albu Kamal", "Mayadin").encode()),
              "/pdf": (200, "application/pdf", b"%PDF-1.4 ..."),
              "/slow": 3.0,
              "/broken-feed": (200, "application/rss+xml", b"<rss><channel><item>"),
              "/error": (500, "text/plain", b"boom")}
    with serve(routes) as base:
        routes["/feed"] = (200, "application/rss+xml", feed(base))
        yield base


def test_article_text_and_metadata(site):
    (report,), failed = fetch(f"{site}/a1", load_settings())
    assert failed == []
    assert report.url == f"{site}/a1"
    assert report.title == "Strike near Albu Kamal"
    assert report.published == "2023-10-27"
    assert "weapons storage site" in report.text
    assert "Home | World" not in report.text  # boilerplate removed
    assert report.raw.startswith("<!doctype html>")
    assert report.fetched_at


def test_feed_items_are_fetched_since_a_date(site):
    reports, failed = fetch(f"{site}/feed", load_settings(), since="2023-10-01")
    assert [r.url for r in reports] == [f"{site}/a1"]
    assert reports[0].publisher == "Desert Wire"
    assert [e.source for e in failed] == [f"{site}/gone"]
    assert "HTTP 404" in failed[0].problem


@pytest.mark.parametrize("path, problem", [
    ("/gone", "HTTP 404"),
    ("/error", "HTTP 500"),
    ("/pdf", "is not an HTML page or a feed"),
    ("/broken-feed", "not a valid RSS/Atom feed"),
])
def test_bad_urls_are_clear_errors(site, path, problem):
    with pytest.raises(IngestError) as err:
        fetch(site + path, load_settings())
    assert problem in str(err.value) and site + path in str(err.value)


def test_timeout_is_a_setting(site):
    with pytest.raises(IngestError, match=r"timed out after 0.5 s"):
        fetch(f"{site}/slow", load_settings(request_timeout=0.5))
