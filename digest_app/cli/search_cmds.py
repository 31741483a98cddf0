"""Search commands: search, saved (smart folders), reindex.

    digest-app search 'xiaomi "su7 ultra" -rumor after:2025-01' --limit 10
    digest-app search 小米 --sort newest --json
    digest-app saved add "EV news" "tag:EV is:unread"
    digest-app saved list
    digest-app reindex --check

A query that starts with ``-`` needs ``--`` before it (``digest-app search -- -rumor``),
as for any command-line argument. The query language is in ``docs/query-language.md``.
"""

from __future__ import annotations

import argparse
import sys
import time

from digest_app.cli.context import Context
from digest_app.cli.library_cmds import positive_int
from digest_app.records import SavedSearch, SearchHit
from digest_app.store.search import SORTS, SearchResults


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "search",
        help='search the library: words, "phrases", OR, -word, prefix*, tag:, source:, '
        "is:unread, after:, before:, lang:",
    )
    p.add_argument("query", nargs="+", metavar="QUERY", help="the query (several words are joined)")
    p.add_argument("--limit", type=positive_int, default=50, metavar="N", help="results to show (50)")
    p.add_argument("--offset", type=_whole_number, default=0, metavar="N", help="results to skip")
    p.add_argument("--sort", choices=SORTS, default="relevance", help="best match or newest first")
    p.add_argument("--json", action="store_true", help="print a JSON array of results")
    p.set_defaults(handler=cmd_search)

    saved = sub.add_parser("saved", help="saved searches (smart folders) with live counts")
    actions = saved.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = actions.add_parser("add", help="save QUERY as NAME (replacing a search of that name)")
    a.add_argument("name", metavar="NAME")
    a.add_argument("query", nargs="+", metavar="QUERY")
    a.set_defaults(handler=cmd_saved_add)
    a = actions.add_parser("list", help="saved searches with how many articles match now")
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=cmd_saved_list)
    a = actions.add_parser("remove", help="forget a saved search")
    a.add_argument("name", metavar="NAME")
    a.set_defaults(handler=cmd_saved_remove)

    p = sub.add_parser("reindex", help="rebuild the search index, or --check it")
    p.add_argument("--check", action="store_true", help="only report problems (exit 1 if any)")
    p.set_defaults(handler=cmd_reindex)


def _whole_number(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"cannot be negative: {text}")
    return value


def cmd_search(args: argparse.Namespace, ctx: Context) -> int:
    results = ctx.library().search.run(
        " ".join(args.query), limit=args.limit, offset=args.offset, sort=args.sort
    )
    for note in results.notes:
        print(f"digest-app: note: {note}", file=sys.stderr)
    if args.json:
        ctx.print_json([hit_json(h) for h in results.hits])
        return 0
    _print_results(ctx, results, args.offset)
    return 0


def _print_results(ctx: Context, results: SearchResults, offset: int) -> None:
    if not results.hits:
        ctx.print(f"no articles match: {results.description}")
        return
    shown = f"{offset + 1}-{offset + len(results.hits)}"
    ctx.print(f"{results.total} articles match: {results.description} (showing {shown})")
    for hit in results.hits:
        h = hit.header
        date = (h.published or h.fetched).strftime("%Y-%m-%d")
        ctx.print(f"{h.id:>6}  {date}  {h.source_title[:18]:18}  {h.title}")
        if hit.snippet:
            ctx.print(f"{'':8}{hit.snippet}")


def hit_json(hit: SearchHit) -> dict:
    h = hit.header
    return {
        "id": h.id,
        "title": h.title,
        "source": h.source_title,
        "date": h.published or h.fetched,
        "score": float(f"{hit.score:.6g}"),
        "snippet": hit.snippet,
        "url": h.url,
        "tags": list(h.tags),
    }


def cmd_saved_add(args: argparse.Namespace, ctx: Context) -> int:
    saved = ctx.library().search.save(args.name, " ".join(args.query))
    ctx.print(f"saved {saved.name!r}: {saved.query} ({saved.count} articles now)")
    return 0


def cmd_saved_list(args: argparse.Namespace, ctx: Context) -> int:
    searches = ctx.library().search.saved()
    if args.json:
        ctx.print_json([saved_json(s) for s in searches])
        return 0
    for s in searches:
        count = "?" if s.count is None else str(s.count)
        ctx.print(f"{count:>6}  {s.name}  ({s.query})")
    if not searches:
        ctx.print('no saved searches (add one with: digest-app saved add NAME "QUERY")')
    return 0


def saved_json(s: SavedSearch) -> dict:
    return {"id": s.id, "name": s.name, "query": s.query, "count": s.count}


def cmd_saved_remove(args: argparse.Namespace, ctx: Context) -> int:
    ctx.library().saved_searches.delete(args.name)
    ctx.print(f"removed {args.name!r}")
    return 0


def cmd_reindex(args: argparse.Namespace, ctx: Context) -> int:
    lib = ctx.library()
    if args.check:
        problems = lib.search.check()
        for problem in problems:
            ctx.print(f"problem: {problem}")
        if problems:
            ctx.print("repair with: digest-app reindex")
            return 1
        ctx.print(f"search index OK ({lib.articles.count()} articles)")
        return 0
    started = time.perf_counter()
    lib.search.rebuild()
    ctx.print(f"re-indexed {lib.articles.count()} articles in {time.perf_counter() - started:.1f} s")
    return 0
