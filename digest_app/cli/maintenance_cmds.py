"""Maintenance commands: check (and repair) the library, and back it up while the app runs.

    digest-app check              # one line per check; exit 1 when something is wrong
    digest-app check --repair     # rebuild what is out of step, then check again
    digest-app backup ~/library-copy.db

Both work on an existing library only (they never create one), and both are
safe while the desktop app or another command uses the library.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

from digest_app.cli.context import Context
from digest_app.store import Library

if TYPE_CHECKING:
    from digest_app.store.maintenance import CheckResult


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check",
        help="check the library file, search index and derived data (--repair rebuilds them)",
        description="Check the library: the SQLite file itself, links between tables, the "
        "search index, duplicate links, near-duplicate anchors and pending summaries. "
        "Prints one line per check; exits 1 when a problem remains.",
    )
    p.add_argument("--repair", action="store_true",
                   help="rebuild the search index and other derived data, then check again")
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser(
        "backup",
        help="write a consistent copy of the library to FILE (safe while the app runs)",
        description="Copy the library with SQLite's online backup API: one consistent "
        "snapshot even while the app or another command writes. The copy is written "
        "under a temporary name, verified, then renamed; only you can read it.",
    )
    p.add_argument("file", metavar="FILE", help="where to write the copy (replaced if it exists)")
    p.set_defaults(handler=cmd_backup)


def cmd_check(args: argparse.Namespace, ctx: Context) -> int:
    from digest_app.store.maintenance import check_library, repair_library

    with Library.open(ctx.library_path, create=False) as lib:
        results = check_library(lib)
        _print_results(ctx, results)
        if not args.repair or all(result.ok for result in results):
            return 0 if all(result.ok for result in results) else 1
        for done in repair_library(lib):
            ctx.print(f"repaired  {done}")
        results = check_library(lib)
        _print_results(ctx, results)
        return 0 if all(result.ok for result in results) else 1


def cmd_backup(args: argparse.Namespace, ctx: Context) -> int:
    from digest_app.store.maintenance import backup_library

    with Library.open(ctx.library_path, create=False) as lib:
        result = backup_library(lib, args.file)
    ctx.print(f"backed up {result.articles} articles ({_size(result.size)}) to {result.path}")
    return 0


def _print_results(ctx: Context, results: Sequence[CheckResult]) -> None:
    width = max(len(result.name) for result in results)
    for result in results:
        if result.ok:
            ctx.print(f"ok        {result.name}")
        else:
            ctx.print(f"PROBLEM   {result.name:{width}}  {'; '.join(result.problems)}")


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"
