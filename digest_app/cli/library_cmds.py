"""Library commands: import, list, show, sources, tag, untag, tags, resummarize."""

from __future__ import annotations

import argparse
import shutil
import sys
import textwrap
from dataclasses import asdict

from digest_app.cli.context import Context
from digest_app.records import Article, ArticleHeader, Source
from digest_app.store import ArticleFilter


def positive_int(text: str) -> int:
    """argparse type for counts and IDs: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text}")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import files and folders (feeds, OPML, HTML, Markdown, text)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--no-summarize", action="store_true", help="store without summarizing")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("list", help="list articles, newest first")
    p.add_argument("--limit", type=positive_int, default=50, metavar="N")
    p.add_argument("--unread", action="store_true", help="only unread articles")
    p.add_argument("--starred", action="store_true", help="only starred articles")
    p.add_argument("--tag", metavar="TAG", help="only articles with this tag")
    p.add_argument("--source", type=positive_int, metavar="ID", help="only articles of this source")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("show", help="show one article: summary, then full text")
    p.add_argument("id", type=positive_int, metavar="ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser("sources", help="list sources with article counts and last errors")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_sources)

    p = sub.add_parser("tag", help="add tags to an article")
    p.add_argument("id", type=positive_int, metavar="ID")
    p.add_argument("tags", nargs="+", metavar="TAG")
    p.set_defaults(handler=cmd_tag)

    p = sub.add_parser("untag", help="remove tags from an article")
    p.add_argument("id", type=positive_int, metavar="ID")
    p.add_argument("tags", nargs="+", metavar="TAG")
    p.set_defaults(handler=cmd_untag)

    p = sub.add_parser("tags", help="list tags with article counts")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_tags)

    p = sub.add_parser("resummarize", help="recompute summaries (after a length or method change)")
    length = p.add_mutually_exclusive_group()
    length.add_argument("--sentences", type=positive_int, metavar="N", help="summary length in sentences")
    length.add_argument("--words", type=positive_int, metavar="N", help="summary length as a word budget")
    p.add_argument("--all", action="store_true", help="recompute every summary, not only stale ones")
    p.set_defaults(handler=cmd_resummarize)


def cmd_import(args: argparse.Namespace, ctx: Context) -> int:
    from digest_app.collect.importer import import_paths

    lib = ctx.library()
    report = import_paths(lib, args.paths, summarize=not args.no_summarize)
    if args.json:
        ctx.print_json(asdict(report))
    else:
        ctx.print(
            f"added {report.added}, updated {report.updated}, unchanged {report.unchanged}, "
            f"failed {len(report.failed)}"
            + (f"; {report.sources_added} new sources" if report.sources_added else "")
        )
        for note in report.notes:
            ctx.print(f"note: {note}")
    for problem in report.failed:
        print(f"digest-app: error: {problem.path}: {problem.reason}", file=sys.stderr)
    return 1 if report.failed else 0


def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    where = ArticleFilter(
        unread=True if args.unread else None,
        starred=True if args.starred else None,
        tag=args.tag,
        source_id=args.source,
    )
    headers = ctx.library().articles.list(where, limit=args.limit)
    if args.json:
        ctx.print_json([header_json(h) for h in headers])
        return 0
    width = shutil.get_terminal_size((100, 20)).columns
    for h in headers:
        flags = ("*" if h.is_starred else " ") + (" " if h.is_read else "•")
        date = _date(h)
        line = f"{h.id:>6} {flags} {date:10}  {h.source_title[:18]:18}  {h.title}"
        ctx.print(line[: max(width, 40)])
    if not headers:
        ctx.print("no articles")
    return 0


def cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    article = ctx.library().articles.get(args.id)
    if args.json:
        ctx.print_json(article_json(article))
        return 0
    ctx.print(article.title)
    meta = [article.source_title, _date(article)]
    if article.author:
        meta.append(article.author)
    ctx.print(" · ".join(m for m in meta if m))
    if article.url:
        ctx.print(article.url)
    if article.tags:
        ctx.print("Tags: " + ", ".join(t.name for t in article.tags))
    for copy in article.also_in:
        ctx.print(f"Also in: {copy.source_title}" + (f" <{copy.url}>" if copy.url else ""))
    ctx.print("")
    if article.summary:
        ctx.print("Summary:")
        for sentence in article.summary:
            ctx.print(textwrap.fill(sentence, width=88, initial_indent="  • ", subsequent_indent="    "))
        ctx.print("")
    ctx.print(article.text)
    return 0


def cmd_sources(args: argparse.Namespace, ctx: Context) -> int:
    sources = ctx.library().sources.list()
    if args.json:
        ctx.print_json([source_json(s) for s in sources])
        return 0
    for s in sources:
        status = f"  [error: {s.last_error}]" if s.last_error else ""
        ctx.print(
            f"{s.id:>4}  {s.kind:4}  {s.article_count:>6} articles ({s.unread_count} unread)  "
            f"{s.title}  <{s.url}>{status}"
        )
    if not sources:
        ctx.print("no sources")
    return 0


def cmd_tag(args: argparse.Namespace, ctx: Context) -> int:
    lib = ctx.library()
    lib.tags.add([args.id], args.tags)
    ctx.print(f"{args.id}: " + ", ".join(t.name for t in lib.articles.get(args.id).tags))
    return 0


def cmd_untag(args: argparse.Namespace, ctx: Context) -> int:
    lib = ctx.library()
    lib.articles.get(args.id)
    lib.tags.remove([args.id], args.tags)
    tags = lib.articles.get(args.id).tags
    ctx.print(f"{args.id}: " + (", ".join(t.name for t in tags) if tags else "(no tags)"))
    return 0


def cmd_tags(args: argparse.Namespace, ctx: Context) -> int:
    tags = ctx.library().tags.list()
    if args.json:
        ctx.print_json([{"id": t.id, "name": t.name, "count": t.count, "color": t.color} for t in tags])
        return 0
    for t in tags:
        ctx.print(f"{t.count:>6}  {t.name}")
    if not tags:
        ctx.print("no tags")
    return 0


def cmd_resummarize(args: argparse.Namespace, ctx: Context) -> int:
    from digest_app.summaries import SummaryLength, resummarize

    length = None
    if args.words:
        length = SummaryLength(sentences=None, words=args.words)
    elif args.sentences:
        length = SummaryLength(sentences=args.sentences)
    count = resummarize(ctx.library(), length, force=args.all)
    ctx.print(f"summarized {count} articles")
    return 0


def _date(item: ArticleHeader | Article) -> str:
    moment = item.published or item.fetched
    return moment.strftime("%Y-%m-%d") if moment else ""


def header_json(h: ArticleHeader) -> dict:
    return {
        "id": h.id,
        "title": h.title,
        "source": h.source_title,
        "source_id": h.source_id,
        "url": h.url,
        "published": h.published,
        "fetched": h.fetched,
        "language": h.language,
        "is_read": h.is_read,
        "is_starred": h.is_starred,
        "word_count": h.word_count,
        "tags": list(h.tags),
    }


def article_json(a: Article) -> dict:
    return {
        "id": a.id,
        "title": a.title,
        "source": a.source_title,
        "source_id": a.source_id,
        "url": a.url,
        "author": a.author,
        "published": a.published,
        "fetched": a.fetched,
        "language": a.language,
        "is_read": a.is_read,
        "is_starred": a.is_starred,
        "word_count": a.word_count,
        "tags": [{"name": t.name, "origin": t.origin} for t in a.tags],
        "also_in": [
            {"id": c.article_id, "source": c.source_title, "url": c.url, "kept": c.kept}
            for c in a.also_in
        ],
        "summary": list(a.summary),
        "keywords": list(a.keywords),
        "feed_summary": a.feed_summary,
        "text": a.text,
        "content_html": a.content_html,
    }


def source_json(s: Source) -> dict:
    return {
        "id": s.id,
        "title": s.title,
        "kind": s.kind,
        "url": s.url,
        "site_url": s.site_url,
        "topic_filter": s.topic_filter,
        "article_count": s.article_count,
        "unread_count": s.unread_count,
        "last_fetched": s.last_fetched,
        "last_status": s.last_status,
        "last_error": s.last_error,
        "error_count": s.error_count,
    }
