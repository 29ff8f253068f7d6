"""Give every lesson a first cell that installs the course's helper package on Colab.

The book's Colab button opens one notebook from GitHub, without the rest
of the course. This first cell installs the ``datawithcare`` package there
(the package then makes the course data from its seed). Everywhere else
(Binder, a hub, a laptop) the cell does nothing. The book hides the cell
(tag ``remove-cell``): only Colab learners need it.

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
        f'    %pip install --quiet "git+{repository_url}"\n'
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


def lessons(root: Path) -> list[Path]:
    return sorted([*root.glob("notebooks/*.ipynb"), *root.glob("exercises/source/*/*.ipynb")])


def add_setup_cell(path: Path, repository_url: str) -> bool:
    """Put the set-up cell first in ``path`` (replacing an old one); return True if the file changed."""
    import nbformat

    text = path.read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=4)
    cells = [c for c in nb.cells if TAG not in c.get("metadata", {}).get("tags", [])]
    nb.cells = [nbformat.from_dict(setup_cell(repository_url)), *cells]
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
            if not any(
                TAG in c.get("metadata", {}).get("tags", [])
                for c in json.loads(p.read_text(encoding="utf-8"))["cells"][:1]
            )
        ]
        for name in missing:
            print(f"{name}: no Colab set-up cell first; run `python -m datawithcare.colab`")
        return 1 if missing else 0
    changed = [p for p in lessons(root) if add_setup_cell(p, url)]
    print(f"Colab set-up cell added or updated in {len(changed)} lesson(s).")
    if any("exercises/source" in p.as_posix() for p in changed):
        print("Now run `make exercises` to refresh the student copies.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
