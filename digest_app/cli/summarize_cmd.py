"""``digest-app summarize``: batch summaries of JSON lines, no library needed.

    $ printf '%s\\n' '{"id": 1, "title": "Xiaomi opens in Spain", "text": "..."}' \\
        | digest-app summarize --sentences 2
    {"id": 1, "summary": ["...", "..."]}

The contract scripts rely on: each input line is a JSON object with ``id`` (any
JSON value, echoed back), ``text`` (a string) and optionally ``title`` (a
string or null); blank lines are skipped. Each output line is
``{"id": ..., "summary": [sentence, ...]}``, in input order, the sentences being
exact substrings of ``text`` in article order. Input is read from stdin unless
``--input`` is given, output goes to stdout unless ``--output`` is given; both
are UTF-8. A bad line stops the run with one line on stderr naming the input
and line number, and exit status 1; lines before it have been written.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from typing import IO, Any

from digest_app.cli.context import Context
from digest_app.errors import InputError
from digest_app.nlp.summarize import summarize


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "summarize",
        help="summarize JSON lines ({id, text, title}) without a library",
        description="Read JSON lines with id, text and optional title; write "
        '{"id": ..., "summary": [sentence, ...]} lines. Default length: 3 sentences.',
    )
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--sentences", type=_positive, metavar="N", help="summary length in sentences")
    length.add_argument("--words", type=_positive, metavar="N", help="summary length as a word budget")
    parser.add_argument("--input", metavar="FILE.jsonl", help="read from this file (default: stdin)")
    parser.add_argument("--output", metavar="FILE.jsonl", help="write to this file (default: stdout)")
    parser.set_defaults(handler=run_summarize)


def run_summarize(args: argparse.Namespace, ctx: Context) -> int:
    sentences = args.sentences if args.words is None else None
    if sentences is None and args.words is None:
        sentences = 3
    with ExitStack() as stack:
        source, name = _open_input(args.input, stack)
        sink = _open_output(args.output, stack) if args.output else ctx.out
        for item in _records(source, name):
            summary = summarize(item["text"], item.get("title"), sentences=sentences, words=args.words)
            sink.write(json.dumps({"id": item["id"], "summary": summary}, ensure_ascii=False))
            sink.write("\n")
    return 0


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {number})")
    return number


def _open_input(path: str | None, stack: ExitStack) -> tuple[IO[bytes], str]:
    if path is None:
        return getattr(sys.stdin, "buffer", sys.stdin), "<stdin>"
    try:
        return stack.enter_context(open(path, "rb")), path
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None


def _open_output(path: str, stack: ExitStack) -> IO[str]:
    try:
        return stack.enter_context(open(path, "w", encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None


def _records(source: IO[bytes], name: str) -> Iterator[dict[str, Any]]:
    """The checked record of every non-blank line (decoded line by line, to name a bad one)."""
    for line_number, raw in enumerate(source, start=1):
        try:
            line = raw.decode("utf-8-sig" if line_number == 1 else "utf-8") if isinstance(raw, bytes) else raw
        except UnicodeDecodeError:
            raise InputError(f"{name}: line {line_number}: not UTF-8 text") from None
        if line.strip():
            yield _record(line, name, line_number)


def _record(line: str, name: str, line_number: int) -> dict[str, Any]:
    where = f"{name}: line {line_number}"
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: invalid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(item, dict):
        raise InputError(f"{where}: expected a JSON object with id and text")
    if "id" not in item:
        raise InputError(f"{where}: \"id\" is missing")
    if not isinstance(item.get("text"), str):
        problem = "is missing" if "text" not in item else "is not a string"
        raise InputError(f"{where}: \"text\" {problem}")
    title = item.get("title")
    if title is not None and not isinstance(title, str):
        raise InputError(f"{where}: \"title\" is not a string")
    return item
