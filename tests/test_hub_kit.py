"""The hub kit in ``hub/`` agrees with the course: same course name, same pins, learner branch everywhere."""

from __future__ import annotations

import re
import subprocess
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
        "nbgrader.server_extensions.formgrader",
    ):
        assert setting in text, setting


def test_launch_buttons_open_the_learner_branch() -> None:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert config["repository"]["branch"] == LEARNER_BRANCH
