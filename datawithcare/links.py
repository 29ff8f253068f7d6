"""Links a trainer sends to learners.

A JupyterHub with nbgitpuller can copy the course into each learner's own
space with one link; Binder can open it with nothing installed. Both
links point at the ``learner`` branch, which holds the learner bundle
(lessons, student copies, data, the package) and no solutions: see
``datawithcare/bundle.py`` and ``make learner-branch``.

:func:`nbgitpuller_link` and :func:`binder_link` build those links, so a
trainer does not have to hand-encode them.
"""

from __future__ import annotations

import warnings
from urllib.parse import quote, urlencode, urlparse

from datawithcare.paths import repo_root

#: The branch learners' links open: the learner bundle, without solutions.
LEARNER_BRANCH = "learner"


class InsecureHubWarning(UserWarning):
    """The hub's address starts with http://, so passwords and work cross the network unencrypted."""


def _read_repository_url() -> str:
    import yaml

    config = yaml.safe_load((repo_root() / "_config.yml").read_text(encoding="utf-8"))
    return str(config["repository"]["url"])


def _check_path(path: str) -> str:
    if not isinstance(path, str) or not path.strip() or path.startswith("/") or ".." in path.split("/"):
        raise ValueError(
            "Give the file to open as a path inside the course, such as 'notebooks/06a-first-look.ipynb'."
        )
    return path.strip()


def nbgitpuller_link(
    hub_url: str,
    path: str = "notebooks/00-jupyter-in-ten-minutes.ipynb",
    repository_url: str | None = None,
    branch: str = LEARNER_BRANCH,
) -> str:
    """Return a link that copies the course onto a JupyterHub and opens ``path`` in JupyterLab.

    ``hub_url`` is the address of your hub, for example ``https://hub.example.org``.
    An ``http://`` address works but gives an :class:`InsecureHubWarning`:
    learners' passwords and work would cross the network unencrypted, so
    use it only on a hub inside your own network, or for a test.
    ``repository_url`` defaults to ``repository.url`` in ``_config.yml``; a
    ``file://`` address works for a hub that can read that folder itself.
    ``branch`` defaults to the learner branch, which holds no solutions.
    """
    hub = urlparse(hub_url.strip() if isinstance(hub_url, str) else "")
    if hub.scheme not in {"https", "http"} or not hub.netloc:
        raise ValueError(
            f"Give the hub's full web address starting with https://, such as "
            f"'https://hub.example.org'. You gave {hub_url!r}."
        )
    if hub.scheme == "http":
        warnings.warn(
            f"{hub_url} starts with http://, not https://: learners' passwords and work will cross the "
            "network unencrypted. Use it only on a hub inside your own network; give the hub an HTTPS "
            "certificate (The Littlest JupyterHub can get one from Let's Encrypt) before a cohort logs in.",
            InsecureHubWarning,
            stacklevel=2,
        )
    repo = repository_url or _read_repository_url()
    if urlparse(repo).scheme not in {"https", "http", "file"}:
        raise ValueError(f"The repository address must be a web address or a file:// address; got {repo!r}.")
    if not isinstance(branch, str) or not branch.strip():
        raise ValueError(f"Give the branch to copy, such as {LEARNER_BRANCH!r}.")
    path = _check_path(path)
    # nbgitpuller copies the repository into a folder named as the last
    # part of its address, ".git" included.
    folder = repo.rstrip("/").rsplit("/", 1)[-1]
    query = urlencode(
        {"repo": repo, "urlpath": f"lab/tree/{folder}/{path}", "branch": branch},
        quote_via=quote,
        safe="",
    )
    return f"{hub.scheme}://{hub.netloc}{hub.path.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def binder_link(
    path: str = "notebooks/00-jupyter-in-ten-minutes.ipynb",
    repository_url: str | None = None,
    branch: str = LEARNER_BRANCH,
    binderhub_url: str = "https://mybinder.org",
) -> str:
    """Return a Binder link that opens ``path`` from the learner branch in JupyterLab.

    ``repository_url`` must be a GitHub repository (it defaults to
    ``repository.url`` in ``_config.yml``).
    """
    repo = urlparse(repository_url or _read_repository_url())
    parts = repo.path.strip("/").removesuffix(".git").split("/")
    if repo.netloc != "github.com" or len(parts) != 2 or not all(parts):
        raise ValueError(
            f"Binder links here are for GitHub repositories such as 'https://github.com/org/course'; "
            f"got {repository_url!r}."
        )
    path = _check_path(path)
    return (
        f"{binderhub_url.rstrip('/')}/v2/gh/{parts[0]}/{parts[1]}/{quote(branch, safe='')}"
        f"?urlpath={quote(f'lab/tree/{path}', safe='')}"
    )
