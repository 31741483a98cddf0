"""`digest-app digest` and `digest-app digests`, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from pypdf import PdfReader

from digest_app.cli.main import main
from tests.digests.conftest import REPO_ROOT, today


def cli(lib, *args, capsys):
    status = main(["--library", str(lib.path), *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def period(days: int = 40) -> list[str]:
    first = today().fromordinal(today().toordinal() - days)
    return ["--from", first.isoformat(), "--to", today().isoformat()]


def test_digest_builds_saves_and_writes_every_format(sample_lib, tmp_path, capsys):
    files = {fmt: tmp_path / f"week.{fmt}" for fmt in ("pdf", "html", "md", "epub")}
    outputs = [arg for fmt, path in files.items() for arg in (f"--{fmt}", str(path))]
    status, out, err = cli(sample_lib, "digest", *period(), "--tag", "EV", "--title", "Cars this month", *outputs, capsys=capsys)
    assert status == 0
    assert out.startswith("Cars this month (saved as digest 1)\n")
    assert "  - Xiaomi YU7 deliveries reach a new monthly high  [2 sources]" in out
    assert all(f"Wrote {path}" in err for path in files.values())
    assert PdfReader(files["pdf"]).metadata.title == "Cars this month"
    assert "Cars this month" in files["md"].read_text(encoding="utf-8")
    status, out, _ = cli(sample_lib, "digests", "list", "--json", capsys=capsys)
    assert [d["title"] for d in json.loads(out)] == ["Cars this month"]


def test_saved_digests_export_again_rebuild_and_go(sample_lib, tmp_path, capsys):
    cli(sample_lib, "digest", *period(), "--max-stories", "4", capsys=capsys)
    status, out, _ = cli(sample_lib, "digests", "show", "1", capsys=capsys)
    assert status == 0 and out.startswith("# Xiaomi digest, ")
    again = tmp_path / "again.pdf"
    status, _, err = cli(sample_lib, "digests", "export", "1", "--pdf", str(again), "--page-size", "Letter", capsys=capsys)
    assert status == 0 and round(float(PdfReader(again).pages[0].mediabox.width)) == 612
    status, out, _ = cli(sample_lib, "digests", "rebuild", "1", capsys=capsys)
    assert status == 0 and "4 stories" in out
    status, out, _ = cli(sample_lib, "digests", "delete", "1", capsys=capsys)
    assert (status, out) == (0, "Deleted digest 1.\n")
    status, _, err = cli(sample_lib, "digests", "export", "1", "--md", str(tmp_path / "x.md"), capsys=capsys)
    assert (status, err) == (1, "digest-app: error: no digest with ID 1\n")


def test_bad_periods_and_sources_are_explained(sample_lib, tmp_path, capsys):
    status, _, err = cli(sample_lib, "digest", "--from", "2026-11-01", capsys=capsys)
    assert (status, err) == (1, "digest-app: error: --from and --to go together: give both days\n")
    status, _, err = cli(sample_lib, "digest", "--since", "a while", capsys=capsys)
    assert status == 1 and "not a period: 'a while'" in err
    status, _, err = cli(sample_lib, "digest", "--source", "Sample", "--no-save", capsys=capsys)
    assert status == 1 and "'Sample' matches several sources" in err
    status, _, err = cli(sample_lib, "digest", *period(), "--md", str(tmp_path / "no" / "x.md"), capsys=capsys)
    assert status == 1 and "x.md: the folder" in err and not (tmp_path / "no").exists()


def test_the_pdf_export_needs_no_display(sample_lib, tmp_path):
    environment = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    target = tmp_path / "headless.pdf"
    sample_lib.close()
    result = subprocess.run(
        [sys.executable, "-m", "digest_app", "--library", str(tmp_path / "library.db"),
         "digest", *period(), "--no-save", "--pdf", str(target)],
        capture_output=True, text=True, cwd=REPO_ROOT, env=environment, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert len(PdfReader(target).pages) > 3
