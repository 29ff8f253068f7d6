"""The helper package's foundation: paths, chart style, answer store, widget parts."""

from __future__ import annotations

import base64
import json
import os
import re
from pathlib import Path

import matplotlib as mpl
import pytest

import datawithcare
from datawithcare import AnswerFileError, AnswerStore, answers, paths, style, ui

# Paths ---------------------------------------------------------------------


def test_data_dir_is_found_from_any_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(paths.DATA_DIR_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert paths.data_dir() == paths.repo_root() / "datasets"
    assert (paths.repo_root() / "_config.yml").exists()


def test_data_dir_can_be_moved_and_a_bad_setting_is_explained(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path))
    assert paths.data_dir() == tmp_path
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="DATAWITHCARE_DATA_DIR"):
        paths.data_dir()


def test_dataset_path_lists_what_exists(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "clients.csv").write_text("client_id\nC00001\n")
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path))
    assert paths.dataset_path("clients.csv") == tmp_path / "clients.csv"
    with pytest.raises(FileNotFoundError, match="clients.csv"):
        paths.dataset_path("clinets.csv")  # codespell:ignore
    for bad in ("", "   ", None, 3):
        with pytest.raises(ValueError):
            paths.dataset_path(bad)  # type: ignore[arg-type]


# Style ---------------------------------------------------------------------

OKABE_ITO = {"#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"}


def test_course_style_sets_palette_and_readable_text() -> None:
    mpl.rcdefaults()
    datawithcare.use_course_style()
    colours = [c.upper() for c in mpl.rcParams["axes.prop_cycle"].by_key()["color"]]
    assert set(colours) == {c.upper() for c in OKABE_ITO}
    assert mpl.rcParams["font.size"] >= 11
    assert mpl.rcParams["axes.spines.top"] is False
    mpl.rcdefaults()


def test_course_style_shows_table_text_in_full() -> None:
    import pandas as pd

    risk = "Staff or volunteers see immigration status and health notes they do not need"
    # _repr_html_ is what a notebook and the book show.
    with pd.option_context("display.max_colwidth", 50):
        assert "..." in pd.DataFrame({"risk": [risk]})._repr_html_()
        datawithcare.use_course_style()
        assert pd.get_option("display.max_colwidth") == style.TABLE_TEXT_WIDTH
        shown = pd.DataFrame({"risk": [risk]})._repr_html_()
        assert risk in shown and "..." not in shown
    mpl.rcdefaults()


def test_course_colours_refuses_nonsense() -> None:
    assert style.course_colours(3) == list(style.PALETTE.values())[:3]
    for bad in (0, -1, 2.5, True, "3"):
        with pytest.raises(ValueError):
            style.course_colours(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Other"):
        style.course_colours(9)


# Answer store --------------------------------------------------------------


def test_answers_are_saved_and_reloaded(tmp_path: Path) -> None:
    store = AnswerStore("ethics-canvas", folder=tmp_path)
    assert len(store) == 0 and store.message == ""
    store.set("purpose", "Show our funder how many people we helped")
    store.update({"strands": {"harms": "A leaked list could reach a landlord"}, "rating": 3})
    again = AnswerStore("ethics-canvas", folder=tmp_path)
    assert again.get("purpose") == "Show our funder how many people we helped"
    assert again.get("strands") == {"harms": "A leaked list could reach a landlord"}
    assert again.get("rating") == 3 and "rating" in again
    assert again.get("missing", "default") == "default"
    again.delete("rating")
    assert "rating" not in AnswerStore("ethics-canvas", folder=tmp_path)


def test_a_returned_answer_is_a_copy(tmp_path: Path) -> None:
    store = AnswerStore("planner", folder=tmp_path)
    store.set("questions", ["Who uses our drop-in?"])
    store.get("questions").append("changed by accident")
    assert store.get("questions") == ["Who uses our drop-in?"]


def test_default_folder_follows_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(answers.ANSWERS_DIR_ENV, str(tmp_path / "elsewhere"))
    assert AnswerStore("quiz").path == tmp_path / "elsewhere" / "quiz.json"
    monkeypatch.delenv(answers.ANSWERS_DIR_ENV)
    monkeypatch.chdir(tmp_path)
    assert AnswerStore("quiz").path == tmp_path / "my-answers" / "quiz.json"


@pytest.mark.parametrize("name", ["", "Ethics Canvas", "../escape", "a/b", "x" * 80, None, 7])
def test_bad_store_names_are_refused_clearly(name, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="short name"):
        AnswerStore(name, folder=tmp_path)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"\xff\xfe\x00garbage", b'["a", "list"]', b'{"answers": {}}', b""],
    ids=["broken-json", "binary", "wrong-shape", "no-format-marker", "empty"],
)
def test_a_corrupt_file_is_kept_and_explained(content: bytes, tmp_path: Path) -> None:
    (tmp_path / "quiz.json").write_bytes(content)
    store = AnswerStore("quiz", folder=tmp_path)
    assert len(store) == 0
    assert "could not be read" in store.message and "Nothing has been deleted" in store.message
    backups = list(tmp_path.glob("quiz.unreadable-*.json"))
    assert len(backups) == 1 and backups[0].read_bytes() == content
    assert backups[0].name in store.message
    store.set("q1", "yes")  # the learner can carry on
    assert AnswerStore("quiz", folder=tmp_path).get("q1") == "yes"
    assert backups[0].read_bytes() == content  # and the old file is untouched


def test_two_corrupt_files_in_the_same_second_both_survive(tmp_path: Path) -> None:
    for text in ("{one", "{two"):
        (tmp_path / "quiz.json").write_text(text)
        AnswerStore("quiz", folder=tmp_path)
    kept = sorted(p.read_text() for p in tmp_path.glob("quiz.unreadable-*.json"))
    assert kept == ["{one", "{two"]


def test_values_that_cannot_be_saved_are_refused_before_writing(tmp_path: Path) -> None:
    store = AnswerStore("quiz", folder=tmp_path)
    store.set("q1", "kept")
    for bad in ({1, 2}, object(), float("nan")):
        with pytest.raises(ValueError, match="cannot be saved"):
            store.set("q2", bad)
    with pytest.raises(ValueError):
        store.update({"": "no name"})
    with pytest.raises(ValueError):
        store.update(["not", "a", "dict"])  # type: ignore[arg-type]
    assert AnswerStore("quiz", folder=tmp_path).as_dict() == {"q1": "kept"}


def test_an_unwritable_folder_gives_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    store = AnswerStore("quiz", folder=blocker / "inside")
    with pytest.raises(AnswerFileError, match="could not be saved"):
        store.set("q1", "yes")


def test_saving_leaves_no_temporary_files(tmp_path: Path) -> None:
    store = AnswerStore("quiz", folder=tmp_path)
    for i in range(3):
        store.set(f"q{i}", i)
    # Only the file itself, and a backup of each earlier version: no half-written files.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backups", "quiz.json"]
    assert len(list((tmp_path / "backups").iterdir())) == 2
    payload = json.loads((tmp_path / "quiz.json").read_text())
    assert payload["format"] == "data-with-care-answers" and payload["answers"] == {"q0": 0, "q1": 1, "q2": 2}


def _decode_link(link: str) -> tuple[str, bytes]:
    match = re.search(r'download="([^"]+)" href="data:[^;]+;base64,([^"]+)"', link)
    assert match, link
    return match.group(1), base64.b64decode(match.group(2))


def test_download_link_carries_the_answers(tmp_path: Path) -> None:
    store = AnswerStore("planner", folder=tmp_path)
    store.set("mission", "Welcome and advise people in our town — «safely»")
    filename, data = _decode_link(store.download_link())
    assert filename == "planner.json"
    assert json.loads(data.decode("utf-8"))["answers"]["mission"].endswith("«safely»")


def test_download_all_zips_every_answer_file(tmp_path: Path) -> None:
    import io
    import zipfile

    assert "no saved answers" in answers.download_all_link(tmp_path)
    AnswerStore("quiz", folder=tmp_path).set("q1", "yes")
    AnswerStore("planner", folder=tmp_path).set("mission", "x")
    filename, data = _decode_link(answers.download_all_link(tmp_path))
    assert filename.endswith(".zip")
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert sorted(names) == ["my-answers/planner.json", "my-answers/quiz.json"]


def test_download_link_refuses_paths_and_escapes_labels() -> None:
    with pytest.raises(ValueError):
        answers.download_link("x", "../secret.txt")
    link = answers.download_link("x", "plan.md", label="<script>alert(1)</script>")
    assert "<script>" not in link


# Widget parts --------------------------------------------------------------


def test_feedback_uses_words_not_only_colour() -> None:
    feedback = ui.Feedback()
    feedback.problem(["Write your purpose.", "Pick a rating <1-5>."])
    assert "Please check:" in feedback.value and "&lt;1-5&gt;" in feedback.value
    feedback.ok("done")
    assert "Saved:" in feedback.value
    feedback.clear()
    assert feedback.value == ""
    with pytest.raises(ValueError):
        ui.message_html("shout", "x")


def test_save_answers_reports_success_and_failure(tmp_path: Path) -> None:
    feedback = ui.Feedback()
    store = ui.open_store("planner", feedback, folder=str(tmp_path))
    assert store is not None and feedback.value == ""
    assert ui.save_answers(store, {"mission": "x"}, feedback)
    assert "Saved:" in feedback.value
    assert not ui.save_answers(store, {"bad": {1, 2}}, feedback)
    assert "Please check:" in feedback.value
    assert not ui.save_answers(None, {"mission": "x"}, feedback)


def test_open_store_explains_a_corrupt_file(tmp_path: Path) -> None:
    (tmp_path / "planner.json").write_text("{oops")
    feedback = ui.Feedback()
    store = ui.open_store("planner", feedback, folder=str(tmp_path))
    assert store is not None and "could not be read" in feedback.value


# Links -------------------------------------------------------------------------
# nbgitpuller and Binder links: tests/test_links.py.


@pytest.mark.slow
def test_the_built_wheel_installed_elsewhere_makes_the_data_from_its_seed(tmp_path: Path) -> None:
    """The Colab path: ``%pip install`` of the package, with no course folder beside it.

    The wheel is built from the package's own files and installed (not
    editable) into a fresh virtual environment; its dependencies come from
    this environment. Without ``datasets/`` next to it, the package must
    make the same files, byte for byte, from their seed.
    """
    import shutil
    import subprocess
    import sys
    import sysconfig
    import venv
    import zipfile

    root = paths.repo_root()
    source = tmp_path / "source"
    shutil.copytree(
        root / "datawithcare", source / "datawithcare", ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in ("pyproject.toml", "README.md", "LICENSE.md"):
        shutil.copy(root / name, source / name)

    def run(*command: str, **kwargs) -> subprocess.CompletedProcess:
        result = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
        assert result.returncode == 0, (
            f"{' '.join(command)}:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        )
        return result

    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    run(
        *pip, "wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", str(tmp_path / "dist"), str(source)
    )
    (wheel,) = (tmp_path / "dist").glob("datawithcare-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "datawithcare/profiles/refugee-london.yaml" in names, "the wheel must carry the sector profile"
    assert not [n for n in names if n.endswith(".csv")], "the wheel must not carry the datasets"

    env = tmp_path / "colab"
    venv.EnvBuilder(with_pip=False).create(env)
    python = env / "bin" / "python"
    run(*pip, "--python", str(python), "install", "--no-deps", "--no-index", str(wheel))
    purelib = run(
        str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    ).stdout.strip()
    # The dependencies (pandas and the rest) come from this environment, after the wheel.
    Path(purelib, "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    probe = (
        "import json, datawithcare\n"
        "from datawithcare import load_dataset, paths\n"
        "print(json.dumps({'package': datawithcare.__file__, 'data': str(paths.data_dir()),"
        " 'clients': len(load_dataset('clients'))}))"
    )
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATAWITHCARE_DATA", "PYTHON", "VIRTUAL_ENV"))
    }
    clean.update(HOME=str(tmp_path / "home"), XDG_CACHE_HOME=str(tmp_path / "cache"))
    out = json.loads(run(str(python), "-c", probe, cwd=tmp_path, env=clean).stdout.splitlines()[-1])
    assert Path(out["package"]).is_relative_to(env), f"imported {out['package']}, not the installed wheel"
    data = Path(out["data"])
    assert data.is_relative_to(tmp_path / "cache"), f"the data came from {data}, not a fresh cache"
    shipped = root / "datasets"
    # The files the shipped data package lists (the active profile's: a fork's
    # datasets/ may still hold another profile's official extracts, listed nowhere).
    listed = [r["path"] for r in json.loads((shipped / "datapackage.json").read_text("utf-8"))["resources"]]
    assert sorted(p.name for p in data.glob("*.csv")) == sorted(listed)
    for name in [*listed, "datapackage.json"]:
        assert (data / name).read_bytes() == (shipped / name).read_bytes(), (
            f"{name} differs from the shipped file"
        )
    assert out["clients"] == sum(1 for _ in (shipped / "clients.csv").open()) - 1


def test_course_style_prints_numbers_plainly() -> None:
    import numpy as np

    before = np.get_printoptions()
    try:
        np.set_printoptions(legacy=False)
        assert repr(np.int64(318)) == "np.int64(318)"
        datawithcare.use_course_style()
        assert repr(np.int64(318)) == "318"
    finally:
        np.set_printoptions(**before)
