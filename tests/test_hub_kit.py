"""The hub kit in ``hub/`` agrees with the course: same course name, same pins, learner branch everywhere."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from traitlets.config import Config

from datawithcare.links import LEARNER_BRANCH

ROOT = Path(__file__).resolve().parent.parent
HUB = ROOT / "hub"


def load_nbgrader_config(path: Path) -> Config:
    config = Config()
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), {"get_config": lambda: config})
    return config


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==([^\s#]+)", line)
        if match:
            found[match.group(1).lower()] = match.group(2)
    return found


def test_hub_and_course_use_the_same_course_name() -> None:
    hub = load_nbgrader_config(HUB / "nbgrader_config.py")
    course = load_nbgrader_config(ROOT / "exercises" / "nbgrader_config.py")
    assert hub.CourseDirectory.course_id == course.CourseDirectory.course_id == "data-with-care"
    assert hub.Exchange.root == "/srv/nbgrader/exchange"
    values = yaml.safe_load((HUB / "z2jh" / "values.yaml").read_text(encoding="utf-8"))
    k8s = values["singleuser"]["extraFiles"]["nbgrader-config"]["stringData"]
    assert 'course_id = "data-with-care"' in k8s and "/srv/nbgrader/exchange" in k8s


def test_hub_tools_are_the_versions_the_course_is_tested_with() -> None:
    hub = pins(HUB / "tljh" / "requirements-hub.txt")
    author = pins(ROOT / "requirements.txt")
    assert set(hub) == {"nbgrader", "nbgitpuller"}
    assert all(author[name] == version for name, version in hub.items()), (hub, author)
    assert "-r ../../binder/requirements.txt" in (HUB / "tljh" / "requirements-hub.txt").read_text()
    assert (HUB / "tljh" / "requirements-hub.txt").parent.joinpath("../../binder/requirements.txt").exists()


def test_kubernetes_values_limit_and_cull_learners() -> None:
    values = yaml.safe_load((HUB / "z2jh" / "values.yaml").read_text(encoding="utf-8"))
    user = values["singleuser"]
    assert user["memory"]["limit"] and user["memory"]["guarantee"]
    assert user["cpu"]["limit"] and user["cpu"]["guarantee"]
    assert user["image"]["name"] and user["defaultUrl"] == "/lab"
    assert values["cull"] == {"enabled": True, "timeout": 3600, "every": 300}
    mounts = {m["mountPath"] for m in user["storage"]["extraVolumeMounts"]}
    assert "/srv/nbgrader/exchange" in mounts


@pytest.mark.parametrize("script", sorted(p.relative_to(HUB).as_posix() for p in HUB.rglob("*.sh")))
def test_kit_scripts_parse(script: str) -> None:
    result = subprocess.run(["bash", "-n", str(HUB / script)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_tljh_install_sets_limits_culling_and_https() -> None:
    text = (HUB / "tljh" / "install.sh").read_text(encoding="utf-8")
    for setting in (
        "limits.memory",
        "limits.cpu",
        "services.cull.timeout",
        "user_environment.default_app jupyterlab",
        "https.enabled true",
        "learner/jupyter_server_config.d/zz-data-with-care-learners.json",
        "learner/labconfig/page_config.json",
        "learner/not-installed.txt",
    ):
        assert setting in text, setting


def test_launch_buttons_open_the_learner_branch() -> None:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert config["repository"]["branch"] == LEARNER_BRANCH


# -- What a learner's server loads, and what the trainer's does -------------

LEARNER = HUB / "learner"
TRAINER = HUB / "trainer"


def server_extensions(*config_dirs: Path) -> dict[str, bool]:
    """Which server extensions Jupyter Server enables for these config folders (first one wins), as it does at start."""
    from jupyter_server.extension.config import ExtensionConfigManager

    env = Path(sys.prefix) / "etc" / "jupyter"  # where nbgrader and jupyterlab enable themselves
    manager = ExtensionConfigManager(read_config_path=[str(d) for d in (*config_dirs, env)])
    return manager.get_jpserver_extensions()


def test_learners_get_the_assignments_tab_and_not_the_trainer_tools() -> None:
    learner = server_extensions(LEARNER)
    for name in (
        "nbgrader.server_extensions.assignment_list",
        "nbgrader.server_extensions.validate_assignment",
    ):
        assert learner[name] is True, name
    for name in ("jupyterlab", "nbgitpuller"):
        assert learner[name] is True, name
    for name in (
        "nbgrader.server_extensions.formgrader",
        "nbgrader.server_extensions.course_list",
        "jupyter_lsp",
    ):
        assert learner[name] is False, name


def test_the_trainers_own_settings_give_them_the_formgrader() -> None:
    # On TLJH the trainer's ~/.jupyter comes first, then the learners' settings in the environment.
    trainer = server_extensions(TRAINER, LEARNER)
    assert trainer["nbgrader.server_extensions.formgrader"] is True
    assert trainer["nbgrader.server_extensions.course_list"] is True
    assert trainer["nbgrader.server_extensions.assignment_list"] is True
    lab = json.loads((TRAINER / "labconfig" / "page_config.json").read_text(encoding="utf-8"))
    learner_lab = json.loads((LEARNER / "labconfig" / "page_config.json").read_text(encoding="utf-8"))
    assert set(lab["disabledExtensions"]) == set(learner_lab["disabledExtensions"])
    assert not any(lab["disabledExtensions"].values()) and all(learner_lab["disabledExtensions"].values())


def test_hidden_lab_plugins_are_real_nbgrader_plugin_names() -> None:
    """A wrong name (``nbgrader:formgrader``) hides nothing; every name must be one nbgrader's lab extension has."""
    static = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "@jupyter" / "nbgrader" / "static"
    code = "".join(f.read_text(encoding="utf-8", errors="replace") for f in static.glob("*.js"))
    names = json.loads((LEARNER / "labconfig" / "page_config.json").read_text(encoding="utf-8"))[
        "disabledExtensions"
    ]
    assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"} <= set(names)
    for name in names:
        assert f'"{name}"' in code, f"{name} is not a plugin of nbgrader's lab extension"
    assert '"@jupyter/nbgrader:assignment-list"' in code and "@jupyter/nbgrader:assignment-list" not in names


def test_every_hub_installs_the_same_learner_settings() -> None:
    """TLJH, the Kubernetes image and the course's own test hub all read hub/learner/, nothing typed twice."""
    install = (HUB / "tljh" / "install.sh").read_text(encoding="utf-8")
    image = (HUB / "z2jh" / "build-image.sh").read_text(encoding="utf-8")
    local = (ROOT / "tests" / "local_hub.py").read_text(encoding="utf-8")
    for path in ("jupyter_server_config.d/zz-data-with-care-learners.json", "labconfig/page_config.json"):
        assert path in install and path in image, path
    assert "not-installed.txt" in install and "not-installed.txt" in image
    assert 'ROOT / "hub" / "learner"' in local
    # `jupyter server extension disable nbgrader.server_extensions.formgrader` writes nothing with
    # nbgrader 0.9 (its validation fails), so the kit must not rely on it.
    for script in (install, (HUB / "tljh" / "trainer-tools.sh").read_text(encoding="utf-8")):
        assert "server extension disable" not in script and "server extension enable" not in script


def test_packages_taken_out_for_learners_are_not_needed_by_anything_a_learner_runs() -> None:
    import local_hub

    names = local_hub.not_installed()
    assert names == ["rfc3987-syntax"]
    # Nothing the learner environment pins depends on it except jsonschema's optional format checks.
    lock = (ROOT / "binder" / "requirements.txt").read_text(encoding="utf-8")
    assert re.search(r"^rfc3987-syntax==\S+\s+# via jsonschema\b", lock, flags=re.M), (
        "who needs rfc3987-syntax now?"
    )


def test_a_hidden_package_fails_to_import_as_if_uninstalled(tmp_path: Path) -> None:
    import local_hub

    folder = local_hub.hide_packages(tmp_path / "hidden", local_hub.not_installed())
    code = (
        "import importlib.util, jsonschema\n"
        "from jsonschema import FormatChecker\n"
        "try:\n    import rfc3987_syntax\nexcept ImportError as e:\n    print('hidden:', e)\n"
        "print('iri' in FormatChecker.checkers)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(folder)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "hidden: rfc3987-syntax is not installed for learners" in result.stdout
    assert result.stdout.strip().endswith("False"), result.stdout  # jsonschema skips the one format check


# -- The sizing table in the trainer's guide comes from a benchmark run ------


def test_the_guides_sizing_table_is_the_committed_benchmark_run() -> None:
    """Nobody types the table: it is exactly what benchmarks.hub_report writes from benchmarks/hub-sizing.json."""
    from benchmarks import hub_report

    results = json.loads(hub_report.RESULTS.read_text(encoding="utf-8"))
    block = hub_report.page_block(hub_report.PAGE.read_text(encoding="utf-8"))
    assert block == hub_report.render(results)
    # A real run of 15 learners on the heaviest lesson, with measures that hang together.
    assert results["learners"] == results["concurrency"] == 15
    assert results["lesson"] == "notebooks/08c-k-anonymity-and-linkage.ipynb"
    per = results["per_learner"]
    assert 0 < per["uss"]["max"] <= per["pss"]["max"] <= per["rss"]["max"]
    assert per["server_pss_median"] > 0 and per["kernel_pss_median"] > 0
    assert results["cohort_pss_mb"] >= 15 * per["pss"]["median"] * 0.9
    assert results["machine"]["cores"] >= 1 and results["date"] in block
    assert f"A cohort of 15 needs {hub_report.need_gb(results):g} GB" in block


def test_publishing_a_run_rewrites_only_the_table(tmp_path: Path) -> None:
    from benchmarks import hub_report

    results = json.loads(hub_report.RESULTS.read_text(encoding="utf-8"))
    results["per_learner"]["pss"]["max"] = 201.0
    results["cell"]["cpu_s"] = 3.0
    latest = tmp_path / "latest.json"
    latest.write_text(json.dumps(results), encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        f"Before.\n\n{hub_report.START}\nold table\n{hub_report.END}\n\nAfter.\n", encoding="utf-8"
    )
    hub_report.publish(latest, tmp_path / "committed.json", page)
    text = page.read_text(encoding="utf-8")
    assert text.startswith("Before.\n\n") and text.endswith("\n\nAfter.\n") and "old table" not in text
    assert "| 201 MB | ≤ 250 MB: yes |" in text
    # 15 learners x 3 CPU seconds at once, at most twice the time alone, plus one core for the hub.
    w = 3.0 + results["cell"]["round_trip_s"]
    assert hub_report.need_cores(results) == math.ceil(15 * 3.0 / (2 * w)) + 1
    assert json.loads((tmp_path / "committed.json").read_text(encoding="utf-8")) == results
