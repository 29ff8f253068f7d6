"""Links a trainer sends to learners.

A JupyterHub with nbgitpuller can copy the course into each learner's own
space with one link. :func:`nbgitpuller_link` builds that link, so a trainer
does not have to hand-encode it.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode, urlparse

from datawithcare.paths import repo_root


def _read_repository_url() -> str:
    import yaml

    config = yaml.safe_load((repo_root() / "_config.yml").read_text(encoding="utf-8"))
    return str(config["repository"]["url"])


def nbgitpuller_link(
    hub_url: str,
    path: str = "notebooks/00-jupyter-in-ten-minutes.ipynb",
    repository_url: str | None = None,
    branch: str = "main",
) -> str:
    """Return a link that copies the course onto a JupyterHub and opens ``path`` in JupyterLab.

    ``hub_url`` is the address of your hub, for example ``https://hub.example.org``.
    ``repository_url`` defaults to ``repository.url`` in ``_config.yml``.
    """
    hub = urlparse(hub_url.strip() if isinstance(hub_url, str) else "")
    if hub.scheme != "https" or not hub.netloc:
        raise ValueError(
            f"Give the hub's full web address starting with https://, such as "
            f"'https://hub.example.org'. You gave {hub_url!r}."
        )
    repo = repository_url or _read_repository_url()
    if urlparse(repo).scheme not in {"https", "http"}:
        raise ValueError(f"The repository address must be a web address; got {repo!r}.")
    if not isinstance(path, str) or not path.strip() or path.startswith("/") or ".." in path.split("/"):
        raise ValueError(
            "Give the file to open as a path inside the course, such as 'notebooks/06a-first-look.ipynb'."
        )
    folder = repo.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")
    query = urlencode(
        {"repo": repo, "urlpath": f"lab/tree/{folder}/{path}", "branch": branch},
        quote_via=quote,
        safe="",
    )
    return f"{hub.scheme}://{hub.netloc}{hub.path.rstrip('/')}/hub/user-redirect/git-pull?{query}"
