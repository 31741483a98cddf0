"""Digest commands: build a digest (and export it), and work with saved ones.

    digest-app digest --since 7d --pdf week.pdf
    digest-app digest --from 2026-10-01 --to 2026-10-31 --tag EV --tag Chips --max-stories 40 --epub oct.epub
    digest-app digest --query 'su7 OR yu7' --md cars.md --no-save
    digest-app digests list
    digest-app digests export 3 --pdf again.pdf --page-size Letter
    digest-app digests rebuild 3
    digest-app digests delete 3

A built digest is saved in the library (unless ``--no-save``), so the GUI lists
it and it can be exported again later, offline, or rebuilt from its options.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from digest_app.cli.context import Context
from digest_app.cli.library_cmds import positive_int
from digest_app.digests import wording
from digest_app.digests.options import DigestOptions, parse_day, parse_since
from digest_app.digests.pdf import PAGE_SIZES
from digest_app.errors import InputError

if TYPE_CHECKING:
    from digest_app.digests.model import Digest
    from digest_app.store import Library

#: Output options, their format, and what they are.
OUTPUTS = (("pdf", "a PDF"), ("html", "a self-contained HTML page"), ("md", "a Markdown file"), ("epub", "an EPUB 3 e-book"))


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "digest",
        help="build a digest of a period (stories, sections, key figures) and export it",
        description="Build a digest of the library for a period, save it in the library, "
        "and write it as PDF, HTML, Markdown or EPUB. Default period: the last 7 days.",
    )
    period = p.add_argument_group("period (default: --since 7d)")
    period.add_argument("--since", metavar="PERIOD", help="today, yesterday, 7d, 2w, 1m ... (days ending today)")
    period.add_argument("--from", dest="first", metavar="DATE", help="first day, YYYY-MM-DD (with --to)")
    period.add_argument("--to", dest="last", metavar="DATE", help="last day, YYYY-MM-DD (with --from)")
    p.add_argument("--query", metavar="Q", default="", help="only articles matching this search query")
    p.add_argument("--tag", action="append", default=[], metavar="T", help="only articles with this tag (repeatable: any of them)")
    p.add_argument("--source", action="append", default=[], metavar="S", help="only this source: its ID or a word of its name (repeatable)")
    p.add_argument("--max-stories", type=positive_int, default=30, metavar="N", help="most stories (30)")
    p.add_argument("--sentences", type=positive_int, default=3, metavar="N", help="summary sentences per story (3)")
    p.add_argument("--unread-only", action="store_true", help="leave out articles already read")
    p.add_argument("--title", metavar="TEXT", help="the digest's title (default: from the period)")
    p.add_argument("--no-save", action="store_true", help="do not keep the digest in the library")
    _add_outputs(p)
    p.add_argument("--json", action="store_true", help="print the digest's content as JSON")
    p.set_defaults(handler=cmd_digest)

    saved = sub.add_parser("digests", help="saved digests: list, show, export, rebuild, delete")
    actions = saved.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = actions.add_parser("list", help="saved digests, newest first")
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=cmd_list)
    a = actions.add_parser("show", help="print a saved digest as Markdown")
    a.add_argument("id", type=positive_int, metavar="ID")
    a.set_defaults(handler=cmd_show)
    a = actions.add_parser("export", help="write a saved digest again (offline, as built)")
    a.add_argument("id", type=positive_int, metavar="ID")
    _add_outputs(a)
    a.set_defaults(handler=cmd_export)
    a = actions.add_parser("rebuild", help="build a saved digest again from its options (same days)")
    a.add_argument("id", type=positive_int, metavar="ID")
    _add_outputs(a)
    a.set_defaults(handler=cmd_rebuild)
    a = actions.add_parser("delete", help="forget a saved digest")
    a.add_argument("id", type=positive_int, metavar="ID")
    a.set_defaults(handler=cmd_delete)


def _add_outputs(parser: argparse.ArgumentParser) -> None:
    out = parser.add_argument_group("output files")
    for fmt, what in OUTPUTS:
        out.add_argument(f"--{fmt}", metavar="FILE", help=f"write {what}")
    out.add_argument("--page-size", choices=PAGE_SIZES, default="A4", help="PDF page size (A4)")


def cmd_digest(args: argparse.Namespace, ctx: Context) -> int:
    # The builder and exporters load the NLP layer: imported when a command needs them.
    from digest_app.digests.build import build_digest
    from digest_app.digests.saved import save_digest

    lib = ctx.library()
    options = DigestOptions(
        **_period(args),
        query=args.query,
        tags=tuple(args.tag),
        sources=tuple(_source_id(lib, text) for text in args.source),
        max_stories=args.max_stories,
        summary_sentences=args.sentences,
        include_read=not args.unread_only,
        title=args.title,
    )
    digest = build_digest(lib, options)
    if not args.no_save:
        digest = save_digest(lib, digest)
    for note in digest.notes:
        print(f"digest-app: note: {note}", file=sys.stderr)
    if args.json:
        ctx.print_json(digest.to_json())
    else:
        _print_outline(ctx, digest)
    _write_outputs(ctx, digest, args)
    return 0


def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    rows = ctx.library().digests.list()
    if args.json:
        ctx.print_json([{"id": i, "title": title, "created": created} for i, title, created in rows])
        return 0
    if not rows:
        ctx.print("No saved digests yet: build one with `digest-app digest`.")
    for digest_id, title, created in rows:
        ctx.print(f"{digest_id:>4}  {wording.day(created)}  {title}")
    return 0


def cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    from digest_app.digests.saved import load_digest
    from digest_app.digests.render_markdown import digest_markdown

    ctx.out.write(digest_markdown(load_digest(ctx.library(), args.id)))
    return 0


def cmd_export(args: argparse.Namespace, ctx: Context) -> int:
    from digest_app.digests.saved import load_digest

    digest = load_digest(ctx.library(), args.id)
    if not _write_outputs(ctx, digest, args):
        raise InputError("say what to write: --pdf, --html, --md or --epub FILE")
    return 0


def cmd_rebuild(args: argparse.Namespace, ctx: Context) -> int:
    from digest_app.digests.saved import rebuild_digest

    digest = rebuild_digest(ctx.library(), args.id)
    _print_outline(ctx, digest)
    _write_outputs(ctx, digest, args)
    return 0


def cmd_delete(args: argparse.Namespace, ctx: Context) -> int:
    ctx.library().digests.delete(args.id)
    ctx.print(f"Deleted digest {args.id}.")
    return 0


def _period(args: argparse.Namespace) -> dict[str, object]:
    if (args.first is None) != (args.last is None):
        raise InputError("--from and --to go together: give both days")
    if args.first is not None:
        if args.since is not None:
            raise InputError("give either --since or --from/--to, not both")
        return {"since": None, "start": parse_day(args.first), "end": parse_day(args.last)}
    since = args.since or "7d"
    parse_since(since)
    return {"since": since}


def _source_id(lib: Library, text: str) -> int:
    """A source named by its ID or by a word of its title or address (exactly one must match)."""
    sources = lib.sources.list()
    if text.isdigit() and any(s.id == int(text) for s in sources):
        return int(text)
    matches = [s for s in sources if text.casefold() in (s.title or "").casefold() or text.casefold() in s.url.casefold()]
    if len(matches) == 1:
        return matches[0].id
    if not matches:
        raise InputError(f"no source matches {text!r}: give its ID (see `digest-app sources`) or a word of its name")
    names = ", ".join(f"{s.id} ({s.title or s.url})" for s in matches[:5])
    raise InputError(f"{text!r} matches several sources: {names}; give the ID")


def _print_outline(ctx: Context, digest: Digest) -> None:
    saved = f" (saved as digest {digest.id})" if digest.id is not None else ""
    ctx.print(f"{digest.title}{saved}")
    ctx.print(wording.cover_facts(digest))
    for section in digest.sections:
        ctx.print(f"\n{section.title}")
        for story in section.stories:
            sources = f"  [{len(story.source_names)} sources]" if len(story.source_names) > 1 else ""
            ctx.print(f"  - {story.title}{sources}")
    if digest.figures:
        ctx.print(f"\nKey figures: {len(digest.figures)}")


def _write_outputs(ctx: Context, digest: Digest, args: argparse.Namespace) -> int:
    from digest_app.digests.export import export_digest

    written = 0
    for fmt, _ in OUTPUTS:
        path = getattr(args, fmt)
        if path:
            target = export_digest(digest, path, fmt, page_size=args.page_size)
            print(f"Wrote {target}", file=sys.stderr)
            written += 1
    return written
