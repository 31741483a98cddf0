"""Collecting commands: add-source, remove-source, refresh, opml import/export.

``refresh`` prints a line per source as it finishes ("source 2 of 9: Gizmochina:
4 new") and a report at the end. It exits 0 when at least one source could be
refreshed (failures are listed, and recorded on each source for ``sources``),
and 1 when every source it tried failed, or when a ``--source`` ID does not exist.

The HTTP and parsing modules are imported inside the handlers, so that other
commands start fast.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict

from digest_app.cli.context import Context
from digest_app.cli.library_cmds import positive_int


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "add-source",
        help="subscribe to a feed, a site (its advertised feed) or a single article page",
        description="Subscribe to URL: a feed (RSS, Atom, JSON Feed), a web site that advertises "
        "a feed, or one article page. Its current articles are stored at once.",
    )
    p.add_argument("url", nargs="?", metavar="URL")
    p.add_argument("--topic-filter", choices=("on", "off"),
                   help="keep only Xiaomi-relevant articles (default for a new feed: on when "
                   "fewer than half of its entries are about Xiaomi)")
    p.add_argument("--defaults", action="store_true", help="add the shipped Xiaomi sources instead")
    p.set_defaults(handler=cmd_add_source)

    p = sub.add_parser("remove-source", help="remove a source and its articles")
    p.add_argument("id", type=positive_int, metavar="ID")
    p.set_defaults(handler=cmd_remove_source)

    p = sub.add_parser("refresh", help="fetch new articles from every source (or some)")
    p.add_argument("--source", type=positive_int, action="append", metavar="ID",
                   help="only this source (repeat for several)")
    p.add_argument("--no-full-text", action="store_true", help="do not fetch article pages for teasers")
    p.add_argument("--no-images", action="store_true", help="do not keep lead images")
    p.add_argument("--verbose", "-v", action="store_true", help="also print notes (skipped pages, images)")
    p.add_argument("--json", action="store_true", help="print the report as JSON (no progress lines)")
    p.set_defaults(handler=cmd_refresh)

    p = sub.add_parser("opml", help="import or export subscriptions as OPML")
    opml_sub = p.add_subparsers(dest="opml_command", metavar="ACTION", required=True)
    q = opml_sub.add_parser("import", help="subscribe to the feeds an OPML file lists")
    q.add_argument("file", metavar="FILE")
    q.set_defaults(handler=cmd_opml_import)
    q = opml_sub.add_parser("export", help="write the library's feeds to an OPML file")
    q.add_argument("file", metavar="FILE")
    q.set_defaults(handler=cmd_opml_export)


def cmd_add_source(args: argparse.Namespace, ctx: Context) -> int:
    from digest_app.collect.subscribe import add_default_sources, subscribe

    if args.defaults == bool(args.url):
        print("digest-app: error: give a URL or --defaults (not both)", file=sys.stderr)
        return 2
    lib = ctx.library()
    if args.defaults:
        added = add_default_sources(lib)
        ctx.print(f"added {len(added.added)} default sources ({len(added.existing)} already there)")
        for source in added.added:
            _print_source_line(ctx, source)
        ctx.print("run `digest-app refresh` to fetch their articles")
        return 0
    topic_filter = None if args.topic_filter is None else args.topic_filter == "on"
    result = subscribe(lib, args.url, topic_filter=topic_filter)
    if result.discovered_from:
        ctx.print(f"found the feed {result.source.url} on {result.discovered_from}")
    if not result.created:
        ctx.print("already subscribed:")
        _print_source_line(ctx, result.source)
        return 0
    ctx.print(f"added {result.kind} source:")
    _print_source_line(ctx, result.source)
    first = result.first_refresh
    if first is not None:
        if first.error:
            ctx.print(f"  first fetch failed: {first.error}")
        else:
            ctx.print(f"  {_counts(first)}")
    for other in result.other_feeds:
        ctx.print(f"  the site also advertises {other}")
    return 0


def cmd_remove_source(args: argparse.Namespace, ctx: Context) -> int:
    lib = ctx.library()
    source = lib.sources.get(args.id)
    removed = lib.sources.remove(args.id)
    lib.images.prune()
    ctx.print(f"removed source {source.id} ({source.title}) and its {removed} articles")
    return 0


def cmd_refresh(args: argparse.Namespace, ctx: Context) -> int:
    from digest_app.collect.refresh import refresh_sources

    lib = ctx.library()
    shown = {"new": 0}

    def progress(done: int, total: int, title: str, new_so_far: int) -> None:
        ctx.print(f"source {done} of {total}: {title}: {new_so_far - shown['new']} new")
        shown["new"] = new_so_far
        ctx.out.flush()

    report = refresh_sources(
        lib,
        args.source,
        progress=None if args.json else progress,
        full_text=not args.no_full_text,
        images=not args.no_images,
    )
    if args.json:
        ctx.print_json({
            **asdict(report),
            "added": report.added, "updated": report.updated, "unchanged": report.unchanged,
            "filtered_out": report.filtered_out, "duplicates": report.duplicates,
            "failed": len(report.failed),
        })
    elif not report.sources:
        ctx.print("no sources to refresh; add one with `digest-app add-source URL`")
    else:
        ctx.print(
            f"refreshed {len(report.sources)} sources in {report.elapsed:.1f} s: "
            f"{report.added} new, {report.updated} updated, {report.unchanged} unchanged, "
            f"{report.filtered_out} filtered out, {report.duplicates} duplicates; "
            f"{report.full_texts} full texts, {report.images} images; {len(report.failed)} failed"
        )
        for outcome in report.sources:
            if outcome.status == "skipped":
                ctx.print(f"skipped: {outcome.title}: {'; '.join(outcome.notes)}")
            if args.verbose:
                for note in outcome.notes:
                    ctx.print(f"note: {outcome.title}: {note}")
    for outcome in report.failed:
        print(f"digest-app: error: {outcome.title}: {outcome.error}", file=sys.stderr)
    return 1 if report.all_failed else 0


def cmd_opml_import(args: argparse.Namespace, ctx: Context) -> int:
    from digest_app.collect.subscribe import import_opml_file

    result = import_opml_file(ctx.library(), args.file)
    ctx.print(f"added {len(result.added)} sources ({len(result.existing)} already there)")
    for source in result.added:
        _print_source_line(ctx, source)
    for skipped in result.skipped:
        ctx.print(f"note: {skipped}")
    return 0


def cmd_opml_export(args: argparse.Namespace, ctx: Context) -> int:
    from digest_app.collect.subscribe import export_opml_file

    count = export_opml_file(ctx.library(), args.file)
    ctx.print(f"wrote {count} feeds to {args.file}")
    return 0


def _print_source_line(ctx: Context, source) -> None:
    flag = "topic filter on" if source.topic_filter else "topic filter off"
    ctx.print(f"{source.id:>4}  {source.kind:4}  {source.title}  <{source.url}>  ({flag})")


def _counts(outcome) -> str:
    return (
        f"{outcome.added} new, {outcome.filtered_out} filtered out, {outcome.duplicates} duplicates, "
        f"{outcome.full_texts} full texts"
    )
