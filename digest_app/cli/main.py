"""``digest-app``: the command line. With no command it starts the desktop app.

Each command group lives in its own module (``library_cmds``, ``summarize_cmd``
...) that exposes ``register(subparsers)``; a command's handler takes the parsed
arguments and a :class:`~digest_app.cli.context.Context` and returns the exit
status. Errors Digest raises on purpose (:class:`~digest_app.errors.DigestError`)
become one line on stderr and exit status 1; usage errors exit 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from digest_app import __version__
from digest_app.cli import (
    collect_cmds,
    digest_cmds,
    library_cmds,
    maintenance_cmds,
    search_cmds,
    summarize_cmd,
)
from digest_app.cli.context import Context
from digest_app.errors import DigestError

#: Command modules, in the order their commands appear in ``--help``.
COMMAND_MODULES = [library_cmds, collect_cmds, search_cmds, digest_cmds, summarize_cmd, maintenance_cmds]
LIBRARY_HELP = "library file to use (default: $DIGEST_APP_LIBRARY, else the platform data dir)"


class CommandParser(argparse.ArgumentParser):
    """A command's parser. It takes ``--library`` as well, so that the option may come
    after the command (``digest-app list --library FILE``) as people tend to type it;
    given there, it wins over one given before the command."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.add_argument("--library", metavar="PATH", default=argparse.SUPPRESS, help=LIBRARY_HELP)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="digest-app",
        description="Collect, summarize and digest Xiaomi news offline. "
        "Without a command, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--library", metavar="PATH", help=LIBRARY_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=CommandParser)
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from digest_app.gui.app import run_gui

        return run_gui(library=args.library)
    context = Context(library_path=args.library)
    try:
        return args.handler(args, context)
    except DigestError as exc:
        print(f"digest-app: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("digest-app: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (e.g. `| head`); nothing to report.
        sys.stderr.close()
        return 0
    finally:
        context.close()


if __name__ == "__main__":
    raise SystemExit(main())
