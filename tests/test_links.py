"""The links a trainer sends: nbgitpuller on a hub, Binder; both open the learner branch."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from datawithcare.links import InsecureHubWarning, binder_link, nbgitpuller_link


def _query(link: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(link).query).items()}


def test_nbgitpuller_link_opens_the_lesson_from_the_learner_branch() -> None:
    link = nbgitpuller_link(
        "https://hub.example.org/", "notebooks/06a-first-look.ipynb", "https://github.com/org/course.git"
    )
    assert link.startswith("https://hub.example.org/hub/user-redirect/git-pull?")
    assert _query(link) == {
        "repo": "https://github.com/org/course.git",
        "branch": "learner",
        "urlpath": "lab/tree/course.git/notebooks/06a-first-look.ipynb",
    }


def test_http_hub_works_with_a_warning() -> None:
    with pytest.warns(InsecureHubWarning, match="unencrypted"):
        link = nbgitpuller_link("http://127.0.0.1:8000", repository_url="https://github.com/org/course")
    assert link.startswith("http://127.0.0.1:8000/hub/user-redirect/git-pull?")


@pytest.mark.parametrize("hub", ["hub.example.org", "ftp://hub.example.org", "", "https://"])
def test_hub_address_must_be_a_web_address(hub: str) -> None:
    with pytest.raises(ValueError, match="full web address"):
        nbgitpuller_link(hub, repository_url="https://github.com/org/course")


def test_file_repository_for_a_hub_on_the_same_machine() -> None:
    link = nbgitpuller_link("https://hub.example.org", repository_url="file:///srv/course.git")
    assert _query(link)["repo"] == "file:///srv/course.git"
    assert _query(link)["urlpath"] == "lab/tree/course.git/notebooks/00-jupyter-in-ten-minutes.ipynb"


@pytest.mark.parametrize("path", ["/etc/passwd", "../x.ipynb", "notebooks/../../x", " "])
def test_path_must_stay_inside_the_course(path: str) -> None:
    with pytest.raises(ValueError, match="path inside the course"):
        nbgitpuller_link("https://hub.example.org", path, "https://github.com/org/course")


def test_binder_link_opens_the_learner_branch() -> None:
    assert binder_link("notebooks/06a-first-look.ipynb", "https://github.com/org/course") == (
        "https://mybinder.org/v2/gh/org/course/learner?urlpath=lab%2Ftree%2Fnotebooks%2F06a-first-look.ipynb"
    )
    with pytest.raises(ValueError, match="GitHub"):
        binder_link(repository_url="https://gitlab.com/org/course")
