"""Give every lesson a first cell that installs the course's helper package on Colab.

The book's Colab button opens one notebook from GitHub, without the rest
of the course. This first cell installs the ``datawithcare`` package there
(the package then makes the course data from its seed). Everywhere else
(Binder, a hub, a laptop) the cell does nothing. The book hides the cell
(tag ``remove-cell``): only Colab learners need it. It goes right after
the lesson's title cell, so it is the first code cell Colab runs.

Usage::

    python -m datawithcare.colab            # add or update the cell in every lesson
    python -m datawithcare.colab --check    # exit 1 if a lesson lacks it (for CI)

Exercises: run it, then ``make exercises`` to refresh the student copies.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

from datawithcare.paths import repo_root

TAG = "colab-setup"


def setup_source(repository_url: str) -> str:
    return (
        "# On Colab only: install the course's helper package (about a minute).\n"
        "# Everywhere else (Binder, a hub, your computer) this cell does nothing.\n"
        "import importlib.util\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules and importlib.util.find_spec("datawithcare") is None:\n'
        f'    %pip install --quiet "git+{repository_url}"'
    )


def setup_cell(repository_url: str) -> dict:
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": "colab-setup",
        "metadata": {"tags": [TAG, "remove-cell"]},
        "outputs": [],
        "source": setup_source(repository_url).splitlines(keepends=True),
    }


def is_setup_cell(cell: dict) -> bool:
    return TAG in cell.get("metadata", {}).get("tags", [])


def starts_with_setup_cell(notebook: dict) -> bool:
    """True if the notebook's first code cell is the Colab set-up cell."""
    code = [c for c in notebook.get("cells", []) if c.get("cell_type") == "code"]
    return bool(code) and is_setup_cell(code[0])


def lessons(root: Path) -> list[Path]:
    return sorted([*root.glob("notebooks/*.ipynb"), *root.glob("exercises/source/*/*.ipynb")])


def add_setup_cell(path: Path, repository_url: str) -> bool:
    """Put the set-up cell before the first code cell of ``path`` (replacing an old one).

    Return True if the file changed.
    """
    import nbformat

    text = path.read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=4)
    cells = [c for c in nb.cells if TAG not in c.get("metadata", {}).get("tags", [])]
    # After the title cell (the lesson's opening Markdown), before any code.
    at = 1 if cells and cells[0].get("cell_type") == "markdown" else 0
    nb.cells = [*cells[:at], nbformat.from_dict(setup_cell(repository_url)), *cells[at:]]
    new = nbformat.writes(nb) + "\n"
    if new == text:
        return False
    path.write_text(new, encoding="utf-8")
    return True


def main(argv: list[str]) -> int:
    root = repo_root()
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    url = config["repository"]["url"]
    if "--check" in argv:
        missing = [
            str(p.relative_to(root))
            for p in lessons(root)
            if not starts_with_setup_cell(json.loads(p.read_text(encoding="utf-8")))
        ]
        for name in missing:
            print(
                f"{name}: the first code cell is not the Colab set-up cell; run `python -m datawithcare.colab`"
            )
        return 1 if missing else 0
    changed = [p for p in lessons(root) if add_setup_cell(p, url)]
    print(f"Colab set-up cell added or updated in {len(changed)} lesson(s).")
    if any("exercises/source" in p.as_posix() for p in changed):
        print("Now run `make exercises` to refresh the student copies.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
