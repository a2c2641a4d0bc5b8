"""Write benchmarks/gold/demo_events.jsonl, the gold events for the demo corpus.

The gold facts live in the tables below; the texts are read from data/reports/*.md, so each
line's "text" is exactly the report body (everything after the closing front matter line,
with surrounding blank lines removed). Three more reports are written inline at the end: two
with no event (background, intentions) and one policy report whose only event is an ACLED
Strategic development (the US-Iraq agreement to end the coalition mission). Run once from the repository root:

    python benchmarks/make_demo_gold.py

Coding conventions (ACLED-style):
- a ground or helicopter raid in which people are killed is "Battles" / "Armed clash";
- an air or drone strike is "Explosions/Remote violence" / "Air/drone strike";
- fatalities are the lowest figure any party reports, 0 when none is given;
- a total reported for several events without a breakdown is split evenly across them,
  the remainder going to the first event (Jurf al-Sakhar 3, Anbar 2);
- tolerance_km is 50 around a named town or base, 100-150 for a province or a vague region;
- background mentions of earlier attacks are coded only when the report dates them
  (the missile attack on Al-Asad Air Base "on Tuesday" is coded; the Russian harassment
  of the drones in the eastern Syria report is not, because nothing violent happened);
- an agreement concluded between conflict actors is "Strategic developments" / "Agreement"
  (ACLED: "any sort of agreement between different actors", e.g. ceasefires, evacuation deals,
  troop withdrawals); its parties are actor1 and actor2; intentions, threats and policy
  debate are not events.
"""
from __future__ import annotations

import json
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "data" / "reports"
OUT = ROOT / "benchmarks" / "gold" / "demo_events.jsonl"

# Accepted surface forms for each actor.
US = ["United States", "US", "U.S.", "US forces", "U.S. forces", "American forces", "US military",
      "Military Forces of the United States", "US Central Command", "CENTCOM",
      "US special operations forces", "US-led coalition", "International Coalition",
      "Operation Inherent Resolve"]
US_IRAQ = US + ["Iraqi Security Forces", "ISF", "Iraqi forces", "Iraqi military",
                "Military Forces of Iraq"]
ISIS = ["Islamic State", "ISIS", "IS", "ISIL", "Daesh", "Islamic State (Syria)",
        "Islamic State (Iraq)"]
KH = ["Kataib Hezbollah", "Kata'ib Hizballah", "Kataib Hizbollah", "KH",
      "Popular Mobilization Forces", "PMF", "Iran-backed militia", "Iran-backed militias"]
IRGC = ["Islamic Revolutionary Guard Corps", "IRGC", "Iran's Islamic Revolutionary Guard Corps",
        "Military Forces of Iran", "Iran-backed militias", "Iranian-backed militias"]
NUJABA = ["Harakat al-Nujaba", "Harakat Hezbollah al-Nujaba", "al-Nujaba", "Nujaba",
          "Popular Mobilization Forces", "PMF", "Hashd al-Shaabi", "Iran-backed militia"]

AIR = ("Explosions/Remote violence", "Air/drone strike")
RAID = ("Battles", "Armed clash")
MISSILE = ("Explosions/Remote violence", "Shelling/artillery/missile attack")
AGREEMENT = ("Strategic developments", "Agreement")
IRAQ_GOV = ["Government of Iraq", "Iraqi government", "Iraq", "Military Forces of Iraq"]

# stem -> events: (event_date, lat, lon, tolerance_km, actor1, actor2, (type, sub_type), fatalities)
GOLD = {
    "2022-02-03-atmeh-raid": [
        ("2022-02-03", 36.31, 36.64, 50, US, ISIS, RAID, 13)],  # first responders' count
    "2022-10-06-qamishli-raid": [
        ("2022-10-06", 37.05, 41.23, 50, US, ISIS, RAID, 1)],
    "2023-04-04-kaftin-strike": [
        ("2023-04-03", 36.07, 36.63, 50, US, ISIS, AIR, 1)],
    "2023-04-17-holeb-raid": [  # "Turkish-occupied northwestern Syria"; dateline Holeb = Aleppo
        ("2023-04-17", 36.20, 37.16, 150, US, ISIS, RAID, 1)],
    "2023-07-09-eastern-syria-drone-strike": [  # "eastern Syria"; dateline Tampa is not the place
        ("2023-07-07", 35.00, 40.00, 150, US, ISIS, AIR, 1)],
    "2023-10-27-albu-kamal-strikes": [  # 04:30 local on Friday 27 Oct (Thursday in Washington)
        ("2023-10-27", 34.45, 40.92, 50, US, IRGC, AIR, 0)],
    "2023-11-22-jurf-al-sakhar-strikes": [
        ("2023-11-22", 32.87, 44.17, 50, US, KH, AIR, 3),
        ("2023-11-22", 33.40, 42.00, 150, US, KH, AIR, 2),  # "Anbar province"
        ("2023-11-21", 33.79, 42.44, 50, KH, US, MISSILE, 0)],  # Al-Asad Air Base, "on Tuesday"
    "2024-01-04-baghdad-drone-strike": [  # Palestine Street, east Baghdad
        ("2024-01-04", 33.35, 44.44, 50, US, NUJABA, AIR, 2)],
    "2024-08-31-anbar-desert-raid": [  # Anbar desert, east of Wadi al-Ghadaf; Iraq said 14, US 15
        ("2024-08-29", 33.00, 42.50, 150, US_IRAQ, ISIS, RAID, 14)],
    "2024-12-20-dayr-az-zawr-strike": [  # province only
        ("2024-12-19", 35.10, 40.40, 150, US, ISIS, AIR, 2)],
    "2025-07-25-al-bab-raid": [
        ("2025-07-25", 36.37, 37.52, 50, US, ISIS, RAID, 3)],
}

INLINE = [
    {
        "id": "neg-2024-03-campaign-background",
        "published": "2024-03-20",
        "url": "",
        "title": "Ten years on, the fight against ISIS has changed shape",
        "text": (
            "WASHINGTON — A decade after the United States began bombing the Islamic State, the "
            "campaign against the group looks very different from the battles for Mosul and Raqqa.\n\n"
            "The group lost the last village it held, Baghuz on the Euphrates, in 2019. Since then it "
            "has operated as a scattered insurgency, relying on small cells in the deserts of Syria "
            "and Iraq and on affiliates in Africa and Afghanistan.\n\n"
            "US officials say the coalition has carried out hundreds of raids and strikes over the "
            "years, most of them now led by local partners such as the Syrian Democratic Forces and "
            "Iraqi counterterrorism units. Analysts note that the group's leaders have been killed "
            "one after another, yet the organization has kept replacing them.\n\n"
            "The biggest worry for many officials is the network of camps and prisons in northeast "
            "Syria that hold tens of thousands of former fighters and their families. Aid groups "
            "describe dire conditions there, and few governments have agreed to take back their "
            "citizens."
        ),
    },
    {
        "id": "neg-2024-09-statement-of-intent",
        "published": "2024-09-12",
        "url": "",
        "title": "CENTCOM chief vows to keep pressure on ISIS cells",
        "text": (
            "TAMPA, Fla. — The head of US Central Command said on Wednesday that American forces "
            "would keep hunting Islamic State leaders in Iraq and Syria and would strike any group "
            "that threatens US personnel in the region.\n\n"
            "Speaking at a security conference, the general said the group still aims to attack "
            "targets outside the Middle East and is trying to rebuild its ranks by recruiting in "
            "the displacement camps. He said Washington would continue to support partner forces "
            "with intelligence, training and air power.\n\n"
            "He also warned Iran-aligned militias that further attacks on American bases would "
            "bring a response, though he declined to say what form it might take or when.\n\n"
            "Officials did not announce any new operations. The remarks come as Washington and "
            "Baghdad discuss the future of the coalition mission in Iraq."
        ),
    },
    {
        # Not a negative: the agreement is an ACLED Strategic development. No day in the text
        # (publication date; the joint statement was issued on 27 September); drawn at the
        # dateline's capital with a country-level tolerance, as the statement names no place.
        "id": "2024-09-28-coalition-transition-agreement",
        "events": [("2024-09-28", 33.34, 44.40, 150, US, IRAQ_GOV, AGREEMENT, 0)],
        "published": "2024-09-28",
        "url": "",
        "title": "Washington and Baghdad agree on a timeline to end the coalition mission",
        "text": (
            "BAGHDAD, Iraq — The United States and Iraq have agreed that the military mission of "
            "the US-led coalition against the Islamic State will end in two phases, the two "
            "governments said in a joint statement.\n\n"
            "Under the plan, the coalition would wrap up its mission in federal Iraq within about a "
            "year and then continue supporting operations in Syria from the Kurdistan region until "
            "2026. The statement did not give troop numbers, and officials said a smaller "
            "bilateral security relationship would follow.\n\n"
            "Iraqi politicians close to Iran have pushed for the departure of foreign troops for "
            "years, while Kurdish leaders have argued that the group could return if pressure is "
            "removed too quickly.\n\n"
            "Analysts said the agreement gives both governments room to claim success: Baghdad can "
            "point to a date for the end of the mission, and Washington keeps a presence in the "
            "region while the war in Syria remains unresolved."
        ),
    },
]


def read_report(path: Path) -> tuple[dict, str]:
    """Split a report file into its YAML front matter and its body."""
    raw = path.read_text(encoding="utf-8")
    lines = raw.split("\n")
    if lines[0] != "---":
        raise ValueError(f"{path}: no front matter")
    end = lines.index("---", 1)
    meta = yaml.safe_load("\n".join(lines[1:end]))
    body = "\n".join(lines[end + 1:]).strip()
    return meta, body


def event(row) -> dict:
    date, lat, lon, tol, a1, a2, (etype, sub), fat = row
    return {"event_date": date, "date_tolerance_days": 1, "latitude": lat, "longitude": lon,
            "tolerance_km": tol, "actor1": a1, "actor2": a2, "event_type": etype,
            "sub_event_type": sub, "fatalities": fat}


def main() -> None:
    stems = sorted(p.stem for p in REPORTS.glob("*.md"))
    if set(stems) != set(GOLD):
        raise SystemExit(f"reports and gold table differ: {sorted(set(stems) ^ set(GOLD))}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as out:
        for stem in stems:
            meta, body = read_report(REPORTS / f"{stem}.md")
            line = {"id": stem, "text": body, "published": str(meta["published"]),
                    "url": meta["url"], "title": meta["title"],
                    "events": [event(r) for r in GOLD[stem]]}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
        for extra in INLINE:
            rows = [event(r) for r in extra.get("events", [])]
            fields = {k: v for k, v in extra.items() if k != "events"}
            out.write(json.dumps({**fields, "events": rows}, ensure_ascii=False) + "\n")
    print(f"wrote {len(stems) + len(INLINE)} lines to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
