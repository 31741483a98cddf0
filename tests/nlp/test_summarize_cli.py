"""``digest-app summarize``: the JSON-lines contract other tools script against."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from digest_app.cli.main import main
from digest_app.nlp.summarize import summarize

REPO = Path(__file__).resolve().parent.parent.parent

ARTICLE = (
    "Xiaomi opened its first store in Madrid on Tuesday. Hundreds of fans queued outside overnight. "
    "The company plans ten more stores in Spain this year. Xiaomi entered Spain in 2017. "
    "Its phones are the best sellers in the country, Canalys said."
)


def _run(argv, stdin_text, monkeypatch, capsys):
    data = stdin_text if isinstance(stdin_text, bytes) else stdin_text.encode("utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    status = main(["summarize", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _lines(*records):
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)


def test_reads_json_lines_and_writes_one_summary_line_per_article(monkeypatch, capsys):
    records = [
        {"id": "a1", "text": ARTICLE, "title": "Xiaomi opens in Madrid"},
        {"id": 2, "text": "小米发布了新手机。售价为3999元！", "title": None},
        {"id": [3, "x"], "text": ""},
    ]
    status, out, err = _run([], _lines(*records) + "\n", monkeypatch, capsys)
    assert status == 0 and err == ""
    results = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in results] == ["a1", 2, [3, "x"]]
    assert results[0]["summary"] == summarize(ARTICLE, "Xiaomi opens in Madrid", sentences=3)
    assert results[1]["summary"] == ["小米发布了新手机。", "售价为3999元！"]
    assert results[2]["summary"] == []
    assert "小米" in out  # UTF-8, not \\u escapes
    assert set(results[0]) == {"id", "summary"}


def test_length_by_sentences_or_words(monkeypatch, capsys):
    _, out, _ = _run(["--sentences", "1"], _lines({"id": 1, "text": ARTICLE}), monkeypatch, capsys)
    assert len(json.loads(out)["summary"]) == 1
    _, out, _ = _run(["--words", "20"], _lines({"id": 1, "text": ARTICLE}), monkeypatch, capsys)
    summary = json.loads(out)["summary"]
    assert summary == summarize(ARTICLE, words=20) and sum(len(s.split()) for s in summary) <= 20


def test_input_and_output_files(tmp_path, monkeypatch, capsys):
    source = tmp_path / "in.jsonl"
    target = tmp_path / "out.jsonl"
    source.write_text(_lines({"id": 7, "text": ARTICLE}), encoding="utf-8")
    status, out, err = _run(["--input", str(source), "--output", str(target)], "", monkeypatch, capsys)
    assert (status, out, err) == (0, "", "")
    assert json.loads(target.read_text(encoding="utf-8"))["id"] == 7


@pytest.mark.parametrize(
    ("stdin_text", "message"),
    [
        (_lines({"id": 1, "text": ARTICLE}) + "{not json\n", "<stdin>: line 2: invalid JSON"),
        (_lines({"id": 1, "title": "no text"}), '<stdin>: line 1: "text" is missing'),
        (_lines({"id": 1, "text": 42}), '<stdin>: line 1: "text" is not a string'),
        (_lines({"text": ARTICLE}), '<stdin>: line 1: "id" is missing'),
        ("\n[1, 2]\n", "<stdin>: line 2: expected a JSON object"),
        (_lines({"id": 1, "text": ARTICLE, "title": 5}), '<stdin>: line 1: "title" is not a string'),
        (_lines({"id": 1, "text": ARTICLE}).encode() + b'{"id": 2, "text": "caf\xe9"}\n', "<stdin>: line 2: not UTF-8"),
    ],
)
def test_bad_input_is_one_line_naming_the_input_and_line_with_status_1(stdin_text, message, monkeypatch, capsys):
    status, _, err = _run([], stdin_text, monkeypatch, capsys)
    assert status == 1
    assert err.count("\n") == 1 and message in err


def test_an_unreadable_input_file_is_named(tmp_path, monkeypatch, capsys):
    missing = tmp_path / "missing.jsonl"
    status, _, err = _run(["--input", str(missing)], "", monkeypatch, capsys)
    assert status == 1 and str(missing) in err and err.count("\n") == 1


def test_both_lengths_at_once_is_a_usage_error(monkeypatch, capsys):
    with pytest.raises(SystemExit) as exit_info:
        _run(["--sentences", "2", "--words", "50"], "", monkeypatch, capsys)
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        _run(["--sentences", "0"], "", monkeypatch, capsys)
    assert exit_info.value.code == 2


def test_runs_offline_with_no_nltk_data_and_never_downloads(tmp_path):
    """``python -m digest_app summarize`` (plus splitting and keywords) with an empty NLTK_DATA."""
    empty = tmp_path / "nltk_data"
    empty.mkdir()
    script = (
        "import sys, runpy, nltk, nltk.data\n"
        f"nltk.data.path[:] = [{str(empty)!r}]\n"
        "def refuse(*args, **kwargs): raise SystemExit('nltk.download was called')\n"
        "nltk.download = refuse\n"
        "from digest_app.nlp.sentences import SentenceSplitter, split_sentences\n"
        "from digest_app.nlp.keywords import keywords\n"
        "assert SentenceSplitter.pretrained() is None\n"
        "assert split_sentences('Mr. Lei spoke. It rained.') == ['Mr. Lei spoke.', 'It rained.']\n"
        "assert 'Xiaomi' in keywords('Xiaomi opened a store. Xiaomi sold phones. Xiaomi grew.')\n"
        "sys.argv = ['digest-app', 'summarize', '--sentences', '2']\n"
        "runpy.run_module('digest_app', run_name='__main__')\n"
    )
    env = dict(os.environ, NLTK_DATA=str(empty), HOME=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=_lines({"id": "x", "text": ARTICLE}),
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"id": "x", "summary": summarize(ARTICLE, sentences=2)}
