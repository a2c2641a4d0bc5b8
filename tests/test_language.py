import pytest

from pipeline.ingest import read_file
from pipeline.language import guess_language


@pytest.mark.parametrize("text, lang", [
    ("US forces killed a senior Islamic State official in a raid in northwestern Syria on Monday, the command said.", "en"),
    ("Les forces de la coalition ont mené un raid dans le nord-ouest de la Syrie, selon le commandement américain.", "fr"),
    ("Die Koalitionstruppen haben bei einem Einsatz im Nordwesten Syriens einen Anführer der Terrormiliz getötet.", "de"),
    ("Las fuerzas de la coalición mataron a un alto dirigente del Estado Islámico en una operación en el noroeste de Siria.", "es"),
    ("قتلت قوات التحالف الدولي قياديا بارزا في تنظيم الدولة الإسلامية في شمال غرب سوريا", "ar"),
    ("Силы коалиции уничтожили одного из лидеров Исламского государства на северо-западе Сирии", "ru"),
    ("Raid.", "und"),
])
def test_guess(text, lang):
    assert guess_language(text) == lang


def test_non_english_report_is_flagged_not_extracted(tmp_path, settings):
    from pipeline.builder import build_into_store
    from pipeline.store import Store

    (tmp_path / "fr.md").write_text("---\ntitle: Raid\nurl: https://x.example/fr\npublished: 2023-04-17\n---\n"
                                    "ALEP, Syrie — Les forces de la coalition ont tué un haut responsable de "
                                    "l'État islamique lors d'un raid dans le nord-ouest de la Syrie, a annoncé le commandement.\n")
    assert read_file(tmp_path / "fr.md")[0].language == "fr"
    summary = build_into_store([tmp_path / "fr.md"], settings)
    assert summary.reports == 1 and summary.events == 0
    with Store(settings.db_path) as store:
        assert store.reports().status.tolist() == ["not-english"]
