"""A cohort of 15 on a real JupyterHub, end to end.

The test starts JupyterHub on 127.0.0.1 with its real proxy and a real
Jupyter server for each learner, then does what a cohort and its trainer
do: learners log in with the workshop password, follow the trainer's
nbgitpuller link to the learner branch, run a lesson's first cells,
fetch an exercise from the nbgrader exchange and submit it (blank,
solved, or solved with test cells deleted or emptied). The trainer runs
the trainer's guide's commands, word for word from the page, to release,
collect, autograde, send feedback and export grades. Learners fetch their
feedback: no hidden test in it.

It needs configurable-http-proxy (Node.js): ``make setup-system``. Under
``CI=true`` a missing proxy fails the test; elsewhere it skips with that
advice.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from local_hub import MISSING_PROXY, PROXY, LearnerClient, LocalHub
from trainer_page import (
    EXERCISE,
    assert_no_hidden_tests,
    page_blocks,
    run_block,
    scratch_course,
    solved,
    tampered,
    tool_env,
    visible_text,
)

from datawithcare import bundle
from datawithcare.colab import is_setup_cell
from datawithcare.links import InsecureHubWarning, nbgitpuller_link

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("hub")]

LEARNERS = [f"learner{i:02d}" for i in range(1, 16)]
LESSON = "notebooks/06a-first-look.ipynb"


def role(name: str) -> str:
    return ("solved", "blank", "tampered")[LEARNERS.index(name) % 3]


def require_proxy() -> None:
    if PROXY.exists():
        return
    if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
        pytest.fail(MISSING_PROXY)
    pytest.skip(MISSING_PROXY)


def lesson_code(nb: dict, cells: int = 4) -> str:
    """The lesson's first ``cells`` code cells, as a learner runs them (the Colab cell too, which does nothing here)."""
    picked, own = [], 0
    for c in nb["cells"]:
        if c["cell_type"] != "code" or "raises-exception" in c.get("metadata", {}).get("tags", []):
            continue
        picked.append("".join(c["source"]))
        own += not is_setup_cell(c)
        if own == cells:
            break
    return "\n".join(picked)


def learner_session(hub: LocalHub, name: str, link: str) -> dict:
    """One learner, from logging in to submitting the exercise."""
    browser = hub.login(name)
    assert browser.login_status == 302, f"{name} could not log in with the workshop password."
    page = browser.get(link, timeout=120)
    assert page.ok and f"/user/{name}/git-pull" in page.url, (name, page.status_code, page.url)
    me = LearnerClient(hub, name, hub.user_token(name))
    events = me.git_pull(link)
    assert events and events[-1]["phase"] == "finished", f"{name}: nbgitpuller said {events[-3:]}"
    folder = link.split("repo=")[1].split("&")[0].rstrip("/").split("%2F")[-1]
    assert not any(
        item["name"] == "source"
        for item in me.request("GET", f"/api/contents/{folder}/exercises").json()["content"]
    ), f"{name} received the solved exercises."
    lesson = me.read_notebook(f"{folder}/{LESSON}")
    kernel = me.start_kernel(f"{folder}/{LESSON}")
    ran = me.execute(kernel, lesson_code(lesson))
    assert ran["status"] == "ok", f"{name}: the lesson's first cells failed: {ran['outputs']}"
    shape = [o for o in ran["outputs"] if o["type"] == "execute_result"]
    assert shape and shape[-1]["data"]["text/plain"].startswith("("), ran["outputs"]
    me.request("DELETE", f"/api/kernels/{kernel}")

    # Learners have the Assignments tab but not the trainer's Formgrader (as on the kit's hub).
    assert requests.get(f"{me.base}/formgrader", headers=me.headers, timeout=60).status_code == 404
    listed = me.assignments("fetch", EXERCISE)
    assert listed.get("success"), f"{name} could not fetch the exercise: {listed}"
    assert any(a["assignment_id"] == EXERCISE and a["status"] == "fetched" for a in listed["value"]), listed
    path = f"{EXERCISE}/{EXERCISE}.ipynb"
    fetched = me.read_notebook(path)
    assert fetched["cells"] and not any("BEGIN SOLUTION" in "".join(c["source"]) for c in fetched["cells"])
    handed_in = {"solved": solved, "tampered": tampered, "blank": lambda nb: nb}[role(name)](fetched)
    me.write_notebook(path, handed_in)
    submitted = me.assignments("submit", EXERCISE)
    assert submitted.get("success"), f"{name} could not submit: {submitted}"
    return {"client": me}


def learner_feedback(me: LearnerClient) -> str:
    me.assignments("fetch_feedback", EXERCISE)
    feedback = me.request("GET", f"/api/contents/{EXERCISE}/feedback").json()["content"]
    assert feedback, f"{me.name} found no feedback."
    latest = sorted(item["path"] for item in feedback)[-1]
    return me.request("GET", f"/files/{latest}/{EXERCISE}.html").text


def test_a_cohort_of_15_on_a_real_hub(tmp_path: Path) -> None:
    require_proxy()
    # The learner branch, in a git repository the hub can read.
    repo = tmp_path / "course.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(repo)], check=True)
    bundle.commit_folder(bundle.build(tmp_path / "learner-bundle"), repo, "learner")
    hub = LocalHub(tmp_path / "hub", LEARNERS, tmp_path / "exchange")
    with pytest.warns(InsecureHubWarning):
        link = nbgitpuller_link(hub.url, LESSON, f"file://{repo}")

    # The trainer's copy of the course and terminal: the guide's blocks run there as written.
    course = scratch_course(tmp_path / "trainer")
    trainer_home = tmp_path / "trainer" / "home"
    trainer_home.mkdir()
    env = tool_env(
        NBGRADER_EXCHANGE=str(tmp_path / "exchange"),
        JUPYTER_CONFIG_PATH=str(tmp_path / "hub" / "etc-jupyter"),
        JUPYTER_CONFIG_DIR=str(trainer_home / ".jupyter"),
        HOME=str(trainer_home),
    )
    blocks = page_blocks()
    try:
        hub.start()
        assert hub.login(LEARNERS[0], "not the password").login_status == 403
        # The trainer releases while the cohort's servers start (both take a while).
        with ThreadPoolExecutor(max_workers=1) as trainer:
            released = trainer.submit(run_block, blocks["hub-release"], course, env)
            hub.start_servers(LEARNERS)
            released.result()
        with ThreadPoolExecutor(max_workers=len(LEARNERS)) as pool:
            sessions = dict(
                zip(LEARNERS, pool.map(lambda n: learner_session(hub, n, link), LEARNERS), strict=True)
            )

        # The trainer collects, grades, sends feedback and exports: the guide's second block.
        output = run_block(blocks["hub-grade"], course, env, timeout=1200)
        with (course / "exercises" / "grades.csv").open(encoding="utf-8") as f:
            rows = {r["student_id"]: r for r in csv.DictReader(f) if r["assignment"] == EXERCISE}
        assert set(rows) == set(LEARNERS), sorted(rows)
        top = float(rows[LEARNERS[0]]["max_score"])
        expected = {n: (0.0 if role(n) == "blank" else top) for n in LEARNERS}
        assert {n: float(r["raw_score"]) for n, r in rows.items()} == expected
        for name in LEARNERS:
            flagged = f"{name}: test cell" in output
            assert flagged == (role(name) == "tampered"), f"check-submissions about {name}:\n{output}"

        with ThreadPoolExecutor(max_workers=len(LEARNERS)) as pool:
            pages = dict(
                zip(
                    LEARNERS,
                    pool.map(lambda n: learner_feedback(sessions[n]["client"]), LEARNERS),
                    strict=True,
                )
            )
        for name, html in pages.items():
            text = visible_text(html)
            assert EXERCISE in text and "Score" in text, f"{name}'s feedback is not a feedback page."
            assert_no_hidden_tests(text, f"{name}'s feedback")
    finally:
        hub.stop()
    assert not hub.server_processes(), "Learners' servers are still running after the hub stopped."


def test_missing_proxy_is_a_failure_in_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Without Node's proxy the hub test must fail under CI=true, naming the fix; skip elsewhere."""
    import local_hub

    monkeypatch.setattr(local_hub, "PROXY", tmp_path / "absent")
    monkeypatch.setattr(sys.modules[__name__], "PROXY", tmp_path / "absent")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="make setup-system"):
        require_proxy()
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception, match="make setup-system"):
        require_proxy()
    with pytest.raises(FileNotFoundError, match="make setup-system"):
        LocalHub(tmp_path, ["a"], tmp_path / "x").start()
