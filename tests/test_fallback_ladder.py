"""The fallback ladder for the day (book/trainers/when-things-fail.md) works, step by step.

- Colab: every learner notebook has a link, the link opens the learner
  branch, and the notebook is in the learner bundle with the Colab set-up
  cell as its first code cell.
- The offline bundle (``make offline-bundle``): no solutions; installed
  into a fresh virtual environment with the commands its README gives, with
  no internet, it runs a lesson with the installed package.
- The static book (``make static-book``): the zip opens at index.html and
  no page asks another address for anything.
- The worksheets (``make worksheets``): one for every activity, with the
  activity's questions and none of the solutions, printed by Chromium to PDF.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
import test_learner_bundle
import yaml
from bs4 import BeautifulSoup
from harness import ROOT

from datawithcare import bundle, worksheets
from datawithcare.colab import starts_with_setup_cell
from datawithcare.sphinx_ladder import COLAB, colab_links, colab_url, learner_notebooks, repository

PAGE = ROOT / "book" / "trainers" / "when-things-fail.md"
FRAMEWORKS = ROOT / "datawithcare" / "frameworks"
ON_CI = os.environ.get("CI", "").lower() in {"true", "1", "yes"}


def _need(tool: str | None, what: str) -> str:
    if tool:
        return tool
    message = f"{what} is not installed: run `make setup-system` (as root), then the tests again."
    if ON_CI:
        pytest.fail(message)
    pytest.skip(message)


def _words(html: str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


def _norm(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def learner_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bundle.build(tmp_path_factory.mktemp("learner") / "learner-bundle")


# The trainer's page ------------------------------------------------------


def test_the_page_is_in_the_book_and_linked_from_the_trainers_guide() -> None:
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    assert "file: book/trainers/when-things-fail\n" in toc
    assert "<when-things-fail>" in (ROOT / "book" / "trainers" / "index.md").read_text(encoding="utf-8")
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert "datawithcare.sphinx_ladder" in config["sphinx"]["extra_extensions"]
    page = PAGE.read_text(encoding="utf-8")
    # The ladder in order, each rung with the command that makes it.
    rungs = [
        "## 1. Binder",
        "## 2. Your hub",
        "## 3. Colab",
        "## 4. Laptops",
        "## 5. The book",
        "## 6. Paper",
    ]
    assert [page.index(r) for r in rungs] == sorted(page.index(r) for r in rungs)
    for command in (
        "make offline-bundle",
        "make static-book",
        "make worksheets",
        ":::{colab-links}",
        ":::{worksheet-downloads}",
    ):
        assert command in page
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("offline-bundle:", "static-book:", "worksheets:"):
        assert f"\n{target}" in makefile


# Colab -------------------------------------------------------------------


def test_every_colab_link_opens_a_learner_notebook_that_starts_with_the_setup_cell(
    learner_bundle: Path,
) -> None:
    url, branch = repository(ROOT)
    assert branch == "learner", "Colab links must open the learner branch, which has no solutions"
    links = colab_links(ROOT, url, branch)
    expected = {p.relative_to(ROOT).as_posix() for p in learner_notebooks(ROOT)}
    assert {link.path for link in links} == expected
    assert any(p.startswith("exercises/release/") for p in expected) and any(
        p.startswith("notebooks/") for p in expected
    )
    owner_repo = url.removeprefix("https://github.com/").removesuffix(".git").strip("/")
    for link in links:
        assert link.url == f"{COLAB}/github/{owner_repo}/blob/learner/{link.path}"
        copy = learner_bundle / link.path
        assert copy.is_file(), f"{link.path} has a Colab link but is not in the learner bundle"
        notebook = json.loads(copy.read_text(encoding="utf-8"))
        assert starts_with_setup_cell(notebook), (
            f"{link.path}: the first code cell is not the Colab set-up cell"
        )
        assert link.title and link.title != copy.stem, f"{link.path}: no title for the table"


def test_colab_links_follow_a_fork_and_refuse_what_colab_cannot_open() -> None:
    assert colab_url("https://github.com/a-fork/course.git", "learner", "notebooks/x y.ipynb") == (
        f"{COLAB}/github/a-fork/course/blob/learner/notebooks/x%20y.ipynb"
    )
    with pytest.raises(ValueError, match="GitHub"):
        colab_url("https://gitlab.com/a/b", "learner", "notebooks/x.ipynb")


# Worksheets ---------------------------------------------------------------


@pytest.fixture(scope="module")
def worksheet_html(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("worksheets")
    return {p.stem: p.read_text(encoding="utf-8") for p in worksheets.write_html(out, ROOT)}


def _lessons_with_tasks() -> list[Path]:
    return [
        p
        for p in sorted((ROOT / "notebooks").glob("*.ipynb"))
        if re.search(r"^#+ .*Your turn", p.read_text(encoding="utf-8"), re.MULTILINE | re.IGNORECASE)
        or re.search(r'"#+ [^"]*Your turn', p.read_text(encoding="utf-8"), re.IGNORECASE)
    ]


def test_every_activity_has_a_worksheet(worksheet_html: dict[str, str]) -> None:
    widgets = {
        "maturity-self-assessment",
        "data-needs-planner",
        "ethics-canvas",
        "lawful-basis",
        "is-this-personal-data",
        "ninety-day-plan",
    }
    lessons = {f"lesson-{p.stem}" for p in _lessons_with_tasks()}
    assert len(lessons) >= 20
    assert set(worksheet_html) == widgets | lessons


def test_the_widget_worksheets_ask_the_widgets_own_questions(worksheet_html: dict[str, str]) -> None:
    """Read each widget's content file here, apart from the code that makes the sheets."""

    def load(name: str) -> dict:
        return yaml.safe_load((FRAMEWORKS / name).read_text(encoding="utf-8"))

    expected = {
        "maturity-self-assessment": [t["question"] for t in load("maturity.yaml")["themes"]]
        + [lv["summary"] for t in load("maturity.yaml")["themes"] for lv in t["levels"]],
        "data-needs-planner": [s["text"] for s in load("data-needs-planner.yaml")["steps"][:4]],
        "ethics-canvas": [s["question"] for s in load("ethics-canvas.yaml")["strands"]]
        + [f["hint"] for f in load("ethics-canvas.yaml")["plan_fields"]],
        "lawful-basis": [q["text"] for q in load("lawful-basis.yaml")["questions"]],
        "is-this-personal-data": [q["example"] for q in load("personal-data-quiz.yaml")["questions"]],
        "ninety-day-plan": ["Days 1-30", "Days 31-60", "Days 61-90"],
    }
    for slug, questions in expected.items():
        text = _words(worksheet_html[slug])
        assert len(questions) >= 3
        for question in questions:
            assert _norm(question) in text, f"{slug}: the worksheet lacks {question!r}"


def test_the_lesson_worksheets_have_every_task_and_no_solution(worksheet_html: dict[str, str]) -> None:
    for path in _lessons_with_tasks():
        nb = json.loads(path.read_text(encoding="utf-8"))
        text = _words(worksheet_html[f"lesson-{path.stem}"])
        secrets: set[str] = set()
        tasks: list[str] = []
        for cell in nb["cells"]:
            if cell["cell_type"] != "markdown":
                continue
            source = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", "".join(cell["source"]))
            for details in re.findall(r"<details>(.*?)</details>", source, re.DOTALL):
                secrets |= {
                    ln.strip() for ln in details.splitlines() if len(ln.strip()) >= 20 and "<" not in ln
                }
            for task in re.findall(r"\*\*Task \d+\.\*\* ([^\n`*{]+)", source):
                tasks.append(task.strip())
        for task in tasks:
            assert _norm(task) in text, f"{path.name}: the worksheet lacks the task {task!r}"
        leaked = [
            s
            for s in secrets
            if _norm(s) in text
            and _norm(s)
            not in _words(
                "".join(
                    re.sub(r"<details>.*?</details>", "", "".join(c["source"]), flags=re.DOTALL)
                    for c in nb["cells"]
                    if c["cell_type"] == "markdown"
                )
            )
        ]
        assert not leaked, f"{path.name}: the worksheet shows the solution: {leaked[:3]}"
        assert "Show a solution" not in text
        assert "](" not in text and ".md" not in text, f"{path.name}: a link on paper"


def test_the_lesson_worksheet_leaves_solutions_out_of_a_notebook_made_to_leak(tmp_path: Path) -> None:
    """The check above on a made-up lesson whose solution is plain to see if it leaks."""
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": "# A made-up lesson\n"},
        {
            "cell_type": "markdown",
            "metadata": {},
            "source": "## Your turn\n\n**Task 1.** Count the {term}`rows <row>`.\n",
        },
        {
            "cell_type": "code",
            "metadata": {},
            "source": "# Write your code here",
            "outputs": [],
            "execution_count": None,
        },
        {
            "cell_type": "markdown",
            "metadata": {},
            "source": "<details>\n<summary>Show a solution</summary>\n\nSECRET_ANSWER_LINE\n</details>\n",
        },
        {"cell_type": "markdown", "metadata": {}, "source": "## Key points\n\nNot a task.\n"},
    ]
    path = tmp_path / "99-made-up.ipynb"
    path.write_text(
        json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8"
    )
    sheet = worksheets.lesson_tasks(path)
    assert sheet is not None and sheet.title == "A made-up lesson: your turn"
    text = _words(worksheets.render(sheet))
    assert "Task 1. Count the rows." in text
    assert "SECRET_ANSWER_LINE" not in text and "Not a task" not in text


def test_a_lesson_worksheet_names_the_organisation_not_a_substitution() -> None:
    """Paper shows no MyST: the printed tasks carry the active profile's names (issue 15)."""
    from datawithcare.datasets import course_names

    names = course_names()
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        sheet = worksheets.lesson_tasks(path)
        if sheet is None:
            continue
        text = _words(worksheets.render(sheet))
        assert "{{" not in text, f"{path.name}: a substitution on the worksheet"
    sheet = worksheets.lesson_tasks(ROOT / "notebooks" / "08b-pseudonymise.ipynb")
    assert sheet is not None and names["example_org_short"] in _words(worksheets.render(sheet))


def test_worksheets_load_nothing_from_anywhere(worksheet_html: dict[str, str]) -> None:
    for slug, html in worksheet_html.items():
        soup = BeautifulSoup(html, "html.parser")
        assert not soup.find_all("script"), slug
        assert not soup.find_all(["link", "img", "iframe"]), slug
        assert "http" not in html.split("<body")[0].replace('content="width', ""), (
            f"{slug}: the head names an address"
        )
        assert soup.html.get("lang") == "en-GB" and soup.title.string


def _pdf_pages(data: bytes) -> int:
    """Count the pages of a PDF Chromium wrote, and check it is whole."""
    assert data.startswith(b"%PDF-"), "not a PDF"
    assert data.rstrip().endswith(b"%%EOF"), "the PDF is cut short"
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
    counts = [int(n) for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", data)] or [
        int(n) for n in re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", data)
    ]
    assert counts and max(counts) == pages, f"the page tree says {counts}, the file has {pages} pages"
    return pages


@pytest.mark.slow
def test_make_worksheets_prints_a_pdf_for_every_worksheet(tmp_path: Path) -> None:
    _need(worksheets.chromium(), "Chromium")
    out = tmp_path / "worksheets"
    result = subprocess.run(
        [sys.executable, "-m", "datawithcare.worksheets", "pdf", str(out)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    sheets = worksheets.all_worksheets(ROOT)
    for sheet in sheets:
        pdf = out / f"{sheet.slug}.pdf"
        assert pdf.is_file(), f"no PDF for {sheet.title}"
        pages = _pdf_pages(pdf.read_bytes())
        # A worksheet a learner fills in on paper: at least a page, at most a few.
        assert 1 <= pages <= 8, f"{pdf.name} has {pages} pages"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{s.slug}.html"' in index for s in sheets)


def test_pdf_check_catches_a_broken_file() -> None:
    with pytest.raises(AssertionError, match="not a PDF"):
        _pdf_pages(b"<html>")
    with pytest.raises(AssertionError, match="cut short"):
        _pdf_pages(b"%PDF-1.4\n1 0 obj << /Type /Page >>")


# The offline bundle -------------------------------------------------------


def _readme_commands(readme: str, heading: str) -> list[str]:
    """The lines of the first ```bash block after ``heading``."""
    after = readme[readme.index(heading) :]
    block = re.search(r"```bash\n(.*?)```", after, re.DOTALL)
    assert block, f"no bash block after {heading!r}"
    return [ln for ln in block.group(1).splitlines() if ln.strip()]


def _dependencies_without_the_course(tmp: Path) -> Path:
    """This environment's installed packages, minus the course package and pip, as one folder of links."""
    site = Path(sysconfig.get_paths()["purelib"])
    folder = tmp / "dependencies"
    folder.mkdir()
    for entry in site.iterdir():
        name = entry.name.lower()
        if name.startswith(
            ("datawithcare", "__editable__", "pip", "_distutils_hack", "distutils-precedence")
        ) or name.endswith(".pth"):
            continue
        (folder / entry.name).symlink_to(entry)
    return folder


@pytest.mark.slow
def test_the_offline_bundle_installs_with_no_internet_and_runs_a_lesson(tmp_path: Path) -> None:
    # What `make offline-bundle` runs, without downloading (no internet in tests).
    folder = tmp_path / bundle.OFFLINE_NAME
    made = subprocess.run(
        [sys.executable, "-m", "datawithcare.bundle", "offline", str(folder), "--no-download"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert made.returncode == 0, made.stderr
    assert f"{folder}.zip" in made.stdout
    # What a trainer copies: the folder and the zip, the same files.
    archive = zipfile.ZipFile(f"{folder}.zip")
    assert f"{bundle.OFFLINE_NAME}/README.md" in archive.namelist()
    in_zip = {n.removeprefix(f"{bundle.OFFLINE_NAME}/") for n in archive.namelist() if not n.endswith("/")}
    assert in_zip == {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    # No solutions, no trainer's guide, and the package only as a wheel.
    assert not (folder / "exercises" / "source").exists() and not (folder / "book" / "trainers").exists()
    assert not (folder / "datawithcare").exists()
    (wheel,) = (folder / "wheels").glob("datawithcare-*.whl")
    assert (folder / "requirements.txt").read_text() == (ROOT / "binder" / "requirements.txt").read_text()
    # The learner bundle's own search for every answer and hidden test, on this folder.
    test_learner_bundle.test_no_solution_or_hidden_test_anywhere_in_the_bundle(folder)

    # Set up a laptop as the README says, line by line, with no index at all.
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "made without the programs" in readme, "the README must say this copy lacks the programs' wheels"
    commands = _readme_commands(readme, "On macOS or Linux")
    assert commands[0] == "python3 -m venv .venv" and all("--no-index" in c for c in commands[1:])
    shims = tmp_path / "shims"
    shims.mkdir()
    (shims / "python3").symlink_to(Path(sys._base_executable))  # the Python these tests run on
    env = {
        "PATH": f"{shims}:/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }

    def run(command: str) -> subprocess.CompletedProcess:
        result = subprocess.run(
            ["bash", "-c", command], cwd=folder, env=env, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, f"{command}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        return result

    run(commands[0])
    python = folder / ".venv" / "bin" / "python"
    # This bundle was made without downloading the programs' wheels (no internet
    # in tests), so they come from this environment, already installed: pip's
    # --no-index install of the pinned requirements then finds each one satisfied.
    purelib = run(f"{python} -c 'import sysconfig; print(sysconfig.get_paths()[\"purelib\"])'").stdout.strip()
    Path(purelib, "dependencies.pth").write_text(f"{_dependencies_without_the_course(tmp_path)}\n")
    for command in commands[1:]:
        run(command)

    # Run a lesson from the bundle, in the bundle's notebooks folder, with the installed package.
    lesson = folder / "notebooks" / "06a-first-look.ipynb"
    script = f"""
import json, nbformat
from nbclient import NotebookClient
nb = nbformat.read({str(lesson)!r}, as_version=4)
nb.cells.append(nbformat.v4.new_code_cell("import datawithcare, json; print(json.dumps(datawithcare.__file__))"))
NotebookClient(nb, timeout=300, kernel_name="python3", resources={{"metadata": {{"path": {str(lesson.parent)!r}}}}}).execute()
print(nb.cells[-1].outputs[0]["text"].strip())
"""
    runner = tmp_path / "run_lesson.py"
    runner.write_text(script, encoding="utf-8")
    out = run(f"{python} {runner}").stdout.strip().splitlines()[-1]
    package = Path(json.loads(out))
    assert package.is_relative_to(folder / ".venv"), f"the lesson imported {package}, not the installed wheel"


def test_the_offline_readme_says_what_to_type_on_every_system() -> None:
    readme = bundle.OFFLINE_README.format(platform_note="")
    linux = _readme_commands(readme, "On macOS or Linux")
    windows = re.search(r"```powershell\n(.*?)```", readme, re.DOTALL).group(1).splitlines()
    assert len(linux) == len(windows) == 3
    for unix, win in zip(linux[1:], windows[1:], strict=True):
        assert unix.removeprefix(".venv/bin/python") == win.removeprefix(r".venv\Scripts\python")
    assert "jupyter lab" in readme and "00-jupyter-in-ten-minutes.ipynb" in readme


# The static book ----------------------------------------------------------


def test_static_book_refuses_a_missing_build_with_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="make book"):
        bundle.static_book(tmp_path / "html", tmp_path / "book.zip")
    assert not (tmp_path / "book.zip").exists()


def external_loads(html: str) -> list[str]:
    """Addresses on other hosts that a page would load by itself (not links a reader clicks)."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for tag in soup.find_all(["script", "img", "iframe", "source", "video", "audio", "embed"]):
        found.append(tag.get("src") or "")
    for tag in soup.find_all("link"):
        if set(tag.get("rel") or []) & {
            "stylesheet",
            "preload",
            "icon",
            "modulepreload",
            "prefetch",
            "preconnect",
            "dns-prefetch",
        }:
            found.append(tag.get("href") or "")
    for style in soup.find_all("style"):
        found += re.findall(r"url\(['\"]?([^'\")]+)", style.get_text())
    return [u for u in found if re.match(r"(https?:)?//", u.strip())]


def test_external_loads_finds_a_cdn_script() -> None:
    page = '<html><head><script src="https://cdn.example/x.js"></script><link rel="stylesheet" href="//fonts.example/f.css"></head><body><a href="https://ok.example">a link is fine</a></body></html>'
    assert external_loads(page) == ["https://cdn.example/x.js", "//fonts.example/f.css"]


@pytest.mark.slow
@pytest.mark.xdist_group("book")
def test_the_static_book_zip_opens_at_index_and_loads_nothing_from_elsewhere(
    built_book, tmp_path: Path
) -> None:
    assert built_book.result.returncode == 0, built_book.result.stderr[-3000:]
    archive = tmp_path / "book.zip"
    made = subprocess.run(
        [sys.executable, "-m", "datawithcare.bundle", "static-book", str(built_book.html), str(archive)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert made.returncode == 0, made.stderr
    with zipfile.ZipFile(archive) as z:
        z.extractall(tmp_path / "unzipped")
    site = tmp_path / "unzipped" / bundle.STATIC_BOOK_NAME
    assert (site / "index.html").is_file()
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 50
    for page in pages:
        loads = external_loads(page.read_text(encoding="utf-8", errors="replace"))
        assert not loads, f"{page.relative_to(site)} loads {loads[:3]}"
    # The ladder's page came through with its Colab table and worksheets.
    ladder = (site / "book" / "trainers" / "when-things-fail.html").read_text(encoding="utf-8")
    assert ladder.count(f'href="{COLAB}/github/') == len(learner_notebooks(ROOT))
    downloads = re.findall(r'href="(\.\./\.\./_downloads/[^"]+\.html)"', ladder)
    assert len(downloads) == len(worksheets.all_worksheets(ROOT))
    for href in downloads:
        assert (site / "book" / "trainers" / href).resolve().is_file(), href
    # A lesson keeps its outputs: a chart or a table from running the code.
    lesson = (site / "notebooks" / "06a-first-look.html").read_text(encoding="utf-8")
    assert "cell_output" in lesson and ("<img" in lesson or "<table" in lesson)

    # Opened from the folder in a browser, as a trainer would: no request leaves the computer.
    _need(worksheets.chromium(), "Chromium")
    from playwright.sync_api import sync_playwright

    asked: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=worksheets.chromium(), args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        page.on("request", lambda r: asked.append(r.url))
        page.route(re.compile(r"^https?://"), lambda route: route.abort())
        for name in ("index.html", "book/trainers/when-things-fail.html", "notebooks/06a-first-look.html"):
            page.goto((site / name).as_uri(), wait_until="load")
            if name == "index.html":
                # The top page only sends the browser on to the book's first page.
                page.wait_for_url(re.compile(r".*/book/index\.html$"), timeout=30_000)
                page.wait_for_load_state("load")
            assert page.title(), name
        browser.close()
    assert asked and not [u for u in asked if not u.startswith(("file:", "data:", "blob:"))], asked


def test_the_directives_build_the_colab_table_and_the_worksheet_downloads(tmp_path: Path) -> None:
    """A small Sphinx site with the course's lessons and the ladder's two directives."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "notebooks").symlink_to(ROOT / "notebooks")
    (src / "exercises").mkdir()
    (src / "exercises" / "release").symlink_to(ROOT / "exercises" / "release")
    (src / "_config.yml").write_text(
        "repository:\n  url: https://github.com/a-fork/course\n  branch: learner\n", encoding="utf-8"
    )
    (src / "conf.py").write_text(
        'extensions = ["myst_parser", "datawithcare.sphinx_ladder"]\n'
        'myst_enable_extensions = ["colon_fence"]\n'
        'exclude_patterns = ["_build", "notebooks", "exercises"]\n',
        encoding="utf-8",
    )
    (src / "index.md").write_text(
        "# Ladder\n\n:::{colab-links}\n:::\n\n:::{worksheet-downloads}\n:::\n", encoding="utf-8"
    )
    out = tmp_path / "html"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(src), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "WARNING" not in result.stderr, result.stderr[-3000:]
    html = (out / "index.html").read_text(encoding="utf-8")
    expected = [p.relative_to(ROOT).as_posix() for p in learner_notebooks(ROOT)]
    found = re.findall(rf'href="{re.escape(COLAB)}/github/a-fork/course/blob/learner/([^"]+)"', html)
    assert found == expected, "one Colab link for each learner notebook, from the fork's address"
    downloads = re.findall(r'href="(_downloads/[^"]+\.html)"', html)
    assert len(downloads) == len(worksheets.all_worksheets(ROOT))
    for href in downloads:
        page = (out / href).read_text(encoding="utf-8")
        assert "printable worksheet" in page, href
