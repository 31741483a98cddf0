"""Installed from a wheel (not from the checkout), the app still finds what it ships:
topic and tag rules, word lists, sources, the sample library, icons, styles, templates
and the query language page."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

SHIPPED = ["data", "resources", "docs/query-language.md"]


def shipped_files() -> list[str]:
    files: list[str] = []
    for entry in SHIPPED:
        path = REPO / entry
        found = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        files += [p.relative_to(REPO).as_posix() for p in found if "__pycache__" not in p.parts]
    return files


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the checkout (building in place would leave build/ behind)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("digest_app", "data", "resources"):
        shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    (source / "docs").mkdir()
    shutil.copy2(REPO / "docs" / "query-language.md", source / "docs")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(out), str(source)],
        check=True, capture_output=True, timeout=300,
    )
    (built,) = out.glob("digest_app-*.whl")
    return built


def test_the_wheel_carries_every_file_the_app_ships(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    in_wheel = {n.split("/data/share/digest-app/", 1)[1] for n in names if "/data/share/digest-app/" in n}
    missing = [f for f in shipped_files() if f not in in_wheel]
    assert not missing, f"list these in pyproject.toml's [tool.setuptools.data-files]: {missing}"


def test_an_app_installed_from_the_wheel_imports_and_tags_with_its_shipped_rules(wheel, tmp_path, shared):
    installed_here = subprocess.run([sys.executable, "-m", "pip", "show", "-q", "digest-app"]).returncode
    prefix = tmp_path / "installed"
    subprocess.run([sys.executable, "-m", "venv", str(prefix)], check=True, timeout=120)
    python = prefix / "bin" / "python"
    site_packages = Path(subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip())
    # The dependencies come from the test environment; the app itself only from the wheel.
    (site_packages / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    # Installed by the new environment's own pip: `pip install --prefix` run from this
    # environment would first uninstall the app from this one.
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True, capture_output=True, timeout=300,
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DIGEST_APP_LIBRARY")}

    def app(*args: str) -> str:
        done = subprocess.run(
            [str(python), "-m", "digest_app", "--library", str(tmp_path / "library.db"), *args],
            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    where = subprocess.run(
        [str(python), "-c", "import digest_app, digest_app.paths as p; print(digest_app.__file__); print(p.SHIPPED_ROOT)"],
        check=True, capture_output=True, text=True, env=env, cwd=tmp_path,
    ).stdout.split()
    assert Path(where[0]).is_relative_to(prefix) and Path(where[1]) == prefix / "share" / "digest-app"
    assert (Path(where[1]) / "docs" / "query-language.md").is_file()

    app("import", str(shared / "seeds" / "002_6a0d47116308af19.txt"))
    tags = json.loads(app("tags", "--json"))
    assert tags and all(t["count"] > 0 for t in tags)  # the shipped tag rules were read
    assert json.loads(app("list", "--json"))
    # And the environment running the tests still has the app (its `digest-app` command).
    assert subprocess.run([sys.executable, "-m", "pip", "show", "-q", "digest-app"]).returncode == installed_here
