"""Set-up on a fresh machine: `make` shows what it does, every version is pinned,
nothing needs a compiler (PyICU comes as a binary wheel)."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _recipe(target: str) -> str:
    text = (ROOT / "Makefile").read_text()
    match = re.search(rf"^{re.escape(target)}:.*?\n((?:\t.*\n|\n)+)", text, re.M)
    assert match, target
    return match.group(1)


def _pins(lines) -> dict[str, str]:
    pins = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, version = re.split(r"(==)", re.sub(r"\[.*\]", "", line), maxsplit=1)
        assert sep == "==" and version, line
        pins[name.strip().lower().replace("_", "-")] = version.strip()
    return pins


def test_install_says_what_it_does_and_shows_pip_progress():
    recipe = _recipe("$(STAMP)")
    assert "--quiet -e" not in recipe and "install --quiet" not in recipe
    assert "--progress-bar on" in recipe
    stages = re.findall(r'echo "==> \[(\d)/(\d)\]', recipe)
    assert [s for s, _ in stages] == ["1", "2", "3", "4"]
    assert "-c constraints.txt" in recipe
    run = _recipe("run")
    assert run.count('echo "==>') >= 2


def test_every_dependency_is_pinned_and_constrained():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    direct = _pins(project["dependencies"] + project["optional-dependencies"]["dev"])
    constraints = _pins((ROOT / "constraints.txt").read_text().splitlines())
    for name, version in direct.items():
        assert constraints.get(name) == version, name


def test_icu_comes_as_a_binary_wheel_not_compiled():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {re.split(r"[=<>\[ ]", d)[0].lower() for d in project["dependencies"]}
    assert "pyicu" not in names  # built from source against libicu-dev
    assert "pyicu-wheels" in names
    readme = (ROOT / "README.md").read_text()
    assert "python3.11-venv" in readme and "pyicu-wheels" in readme
