"""A real JupyterHub on 127.0.0.1 for one cohort, started and stopped by a test or a benchmark.

The hub runs with its real proxy (configurable-http-proxy from npm, see
``package.json``), password log-in (``DummyAuthenticator``: one shared
password, as in a workshop) and ``SimpleLocalProcessSpawner``: every
learner gets a real Jupyter server, in their own home folder, run as the
same system user as the test. On a real hub (``hub/``) each learner is a
system user of their own. The learners' settings are the hub kit's own
files (``hub/learner/``); the packages the kit uninstalls for learners are
hidden here instead, as every server runs from the course's environment.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

import psutil
import requests
import websocket

ROOT = Path(__file__).resolve().parent.parent
PROXY = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"
BIN = Path(sys.executable).parent
MISSING_PROXY = (
    f"The hub tests need JupyterHub's proxy, configurable-http-proxy, at {PROXY}. "
    "Install Node.js and the pinned Node tools with `make setup-system` (or `npm ci` in the course folder)."
)

# What a learner's server reads: the hub kit's nbgrader settings, and (only
# here, where every learner runs as one system user) the learner's hub
# name as their nbgrader name. On TLJH nbgrader takes the system user's
# name; on Zero to JupyterHub, where everyone is "jovyan", it takes the
# hub name itself.
LEARNER_NBGRADER_CONFIG = """\
import os
c = get_config()
c.CourseDirectory.student_id = os.environ["JUPYTERHUB_USER"]
"""

# The learners' settings of the hub kit, the very files hub/tljh/install.sh
# and hub/z2jh/build-image.sh install: the Assignments tab and Validate, no
# Formgrader, course list or Create Assignment, and no server extension a
# learner does not use.
LEARNER_SETTINGS = ROOT / "hub" / "learner"


def not_installed() -> list[str]:
    """The packages the hub kit takes out of the learners' environment (hub/learner/not-installed.txt)."""
    lines = (LEARNER_SETTINGS / "not-installed.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def hide_packages(folder: Path, names: list[str]) -> Path:
    """A folder that, first on PYTHONPATH, makes each package fail to import, as if uninstalled.

    The local hub runs every server from the course's own environment, where
    these packages are installed; on a real hub they are not.
    """
    for name in names:
        module = folder / name.replace("-", "_").lower()
        module.mkdir(parents=True, exist_ok=True)
        (module / "__init__.py").write_text(
            f'raise ImportError("{name} is not installed for learners (hub/learner/not-installed.txt)")\n',
            encoding="utf-8",
        )
    return folder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalHub:
    """One JupyterHub process (and the proxy and servers it starts) under ``workdir``."""

    def __init__(self, workdir: Path, users: list[str], exchange: Path) -> None:
        self.workdir = workdir
        self.users = users
        self.exchange = exchange
        self.password = secrets.token_urlsafe(12)
        self.token = secrets.token_hex(32)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.log = workdir / "jupyterhub.log"

    # -- start and stop -------------------------------------------------
    def config(self) -> str:
        homes = self.workdir / "home"
        etc = self.workdir / "etc-jupyter"
        learner_etc = self.workdir / "etc-jupyter-learners"
        for folder in (homes, etc, learner_etc):
            folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "hub" / "nbgrader_config.py", etc / "nbgrader_config.py")
        (learner_etc / "nbgrader_config.py").write_text(LEARNER_NBGRADER_CONFIG, encoding="utf-8")
        for part in ("jupyter_server_config.d", "labconfig"):
            shutil.copytree(LEARNER_SETTINGS / part, learner_etc / part, dirs_exist_ok=True)
        hidden = hide_packages(self.workdir / "not-installed", not_installed())
        settings = {
            "port": self.port,
            "hub_port": free_port(),
            "proxy_api": f"http://127.0.0.1:{free_port()}",
            "proxy": str(PROXY),
            "password": self.password,
            "users": self.users,
            "token": self.token,
            "homes": str(homes / "{username}"),
            "singleuser": str(BIN / "jupyterhub-singleuser"),
            "args": ["--allow-root"] if os.geteuid() == 0 else [],
            "env": {
                "NBGRADER_EXCHANGE": str(self.exchange),
                "JUPYTER_CONFIG_PATH": os.pathsep.join([str(learner_etc), str(etc)]),
                "DATAWITHCARE_ANSWERS_DIR": str(self.workdir / "answers" / "{username}"),
                "MPLBACKEND": "agg",
                "PYTHONPATH": str(hidden),
            },
            "db": f"sqlite:///{self.workdir / 'jupyterhub.sqlite'}",
            "cookie_secret": str(self.workdir / "cookie_secret"),
        }
        return f"""
import json
s = json.loads({json.dumps(json.dumps(settings))})
c = get_config()
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = s["port"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = s["hub_port"]
c.ConfigurableHTTPProxy.command = [s["proxy"]]
c.ConfigurableHTTPProxy.api_url = s["proxy_api"]
c.JupyterHub.db_url = s["db"]
c.JupyterHub.cookie_secret_file = s["cookie_secret"]
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = s["password"]
c.Authenticator.allowed_users = set(s["users"])
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = s["homes"]
c.Spawner.cmd = [s["singleuser"]]
# Jupyter refuses to run as root unless told; a container or CI often is root.
c.Spawner.args = s["args"]
c.Spawner.default_url = "/lab"
c.Spawner.environment = s["env"]
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 300
c.JupyterHub.concurrent_spawn_limit = 0
c.JupyterHub.active_server_limit = 0
c.JupyterHub.cleanup_servers = True
# Answer "spawn started" at once instead of waiting 10 s for each server.
c.JupyterHub.tornado_settings = {{"slow_spawn_timeout": 0}}
c.JupyterHub.services = [{{"name": "cohort-test", "api_token": s["token"]}}]
c.JupyterHub.load_roles = [{{
    "name": "cohort-test",
    "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "access:servers"],
    "services": ["cohort-test"],
}}]
"""

    def start(self, timeout: float = 180) -> None:
        if not PROXY.exists():
            raise FileNotFoundError(MISSING_PROXY)
        config = self.workdir / "jupyterhub_config.py"
        self.workdir.mkdir(parents=True, exist_ok=True)
        config.write_text(self.config(), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "NBGRADER"))}
        env["PATH"] = os.pathsep.join([str(BIN), str(PROXY.parent), env.get("PATH", "")])
        self.process = subprocess.Popen(
            [str(BIN / "jupyterhub"), "-f", str(config)],
            cwd=self.workdir,
            env=env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterHub stopped at start:\n{self.tail()}")
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=5).ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        raise TimeoutError(f"JupyterHub did not answer within {timeout:.0f} s:\n{self.tail()}")

    def tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        """Stop the hub; it stops every learner's server and its proxy. Anything left is killed."""
        if self.process is None:
            return
        try:
            family = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            family = []
        family += [p for p in self.server_processes() if p not in family]
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        gone, alive = psutil.wait_procs(family, timeout=20)
        for proc in alive:
            try:
                for child in proc.children(recursive=True):
                    child.kill()
                proc.kill()
            except psutil.NoSuchProcess:
                pass
        self.process = None

    # -- the hub's REST API ----------------------------------------------
    def api(self, method: str, path: str, **kwargs) -> requests.Response:  # noqa: ANN003
        headers = {"Authorization": f"token {self.token}"}
        response = requests.request(
            method, f"{self.url}/hub/api{path}", headers=headers, timeout=60, **kwargs
        )
        if response.status_code >= 400:
            raise RuntimeError(f"{method} /hub/api{path}: {response.status_code} {response.text[:500]}")
        return response

    def spawn(self, name: str) -> None:
        self.api("POST", f"/users/{name}/server")

    def wait_ready(self, name: str, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            server = self.api("GET", f"/users/{name}").json().get("servers", {}).get("")
            if server and server.get("ready"):
                return
            if server is None and self.api("GET", f"/users/{name}").json().get("pending") is None:
                raise RuntimeError(f"{name}'s server stopped while starting:\n{self.tail()}")
            time.sleep(1)
        raise TimeoutError(f"{name}'s server was not ready within {timeout:.0f} s:\n{self.tail()}")

    def start_servers(self, names: list[str], timeout: float = 300) -> None:
        """Start every learner's server at once, as a cohort arriving at 10:00 does."""
        with ThreadPoolExecutor(max_workers=len(names)) as pool:
            list(pool.map(self.spawn, names))
            list(pool.map(lambda n: self.wait_ready(n, timeout), names))

    def user_token(self, name: str) -> str:
        return self.api(
            "POST", f"/users/{name}/tokens", json={"note": "cohort test", "expires_in": 3600}
        ).json()["token"]

    def login(self, name: str, password: str | None = None) -> requests.Session:
        """Log in through the hub's login page, as a learner's browser does."""
        session = requests.Session()
        session.get(f"{self.url}/hub/login", timeout=60).raise_for_status()
        xsrf = session.cookies.get("_xsrf", "")
        response = session.post(
            f"{self.url}/hub/login",
            data={
                "username": name,
                "password": self.password if password is None else password,
                "_xsrf": xsrf,
            },
            allow_redirects=False,
            timeout=60,
        )
        session.login_status = response.status_code  # type: ignore[attr-defined]
        return session

    def server_processes(self, name: str | None = None) -> list[psutil.Process]:
        """The learners' Jupyter servers (one per learner), found by the hub name in their environment."""
        found = []
        for proc in psutil.process_iter(["cmdline"]):
            try:
                if not any("jupyterhub-singleuser" in part for part in (proc.info["cmdline"] or [])):
                    continue
                user = proc.environ().get("JUPYTERHUB_USER")
                if user and user in self.users and (name is None or user == name):
                    found.append(proc)
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        return found


class KernelRestarted(RuntimeError):
    """The kernel restarted (or died) while a cell ran."""


class LearnerClient:
    """What a learner's browser does on their own server, with their token."""

    def __init__(self, hub: LocalHub, name: str, token: str) -> None:
        self.hub = hub
        self.name = name
        self.base = f"{hub.url}/user/{name}"
        self.headers = {"Authorization": f"token {token}"}

    def request(self, method: str, path: str, timeout: float = 120, **kwargs) -> requests.Response:  # noqa: ANN003
        response = requests.request(method, self.base + path, headers=self.headers, timeout=timeout, **kwargs)
        if response.status_code >= 400:
            raise RuntimeError(f"{self.name}: {method} {path}: {response.status_code} {response.text[:500]}")
        return response

    def git_pull(self, link: str, timeout: float = 180) -> list[dict]:
        """Follow an nbgitpuller link as the status page's script does; return its progress events."""
        query = dict(p.split("=", 1) for p in urlparse(link).query.split("&"))
        from urllib.parse import unquote

        params = {k: unquote(v) for k, v in query.items() if k in {"repo", "branch"}}
        params["targetpath"] = params["repo"].rstrip("/").split("/")[-1]
        events = []
        with self.request("GET", "/git-pull/api", params=params, stream=True, timeout=timeout) as response:
            for line in response.iter_lines(decode_unicode=True):
                if line and line.startswith("data:"):
                    events.append(json.loads(line[5:]))
                    if events[-1].get("phase") in {"finished", "error"}:
                        break
        return events

    def read_notebook(self, path: str) -> dict:
        return self.request("GET", f"/api/contents/{path}", params={"content": 1}).json()["content"]

    def write_notebook(self, path: str, nb: dict) -> None:
        self.request(
            "PUT", f"/api/contents/{path}", json={"type": "notebook", "format": "json", "content": nb}
        )

    def start_kernel(self, notebook: str) -> str:
        session = self.request(
            "POST",
            "/api/sessions",
            json={"path": notebook, "type": "notebook", "kernel": {"name": "python3"}},
        ).json()
        return session["kernel"]["id"]

    def _connect(self, kernel_id: str, timeout: float) -> websocket.WebSocket:
        ws_url = self.base.replace("http://", "ws://") + f"/api/kernels/{kernel_id}/channels"
        return websocket.create_connection(
            ws_url, header=[f"Authorization: {self.headers['Authorization']}"], timeout=timeout
        )

    def _message(self, msg_type: str, content: dict) -> dict:
        return {
            "header": {
                "msg_id": secrets.token_hex(8),
                "username": self.name,
                "session": secrets.token_hex(8),
                "msg_type": msg_type,
                "version": "5.3",
            },
            "parent_header": {},
            "metadata": {},
            "content": content,
            "channel": "shell",
        }

    def wait_for_kernel(self, kernel_id: str, timeout: float = 300) -> float:
        """Wait until the kernel answers ``kernel_info``, as JupyterLab does before it runs a cell.

        A kernel that dies while starting (a port taken by another kernel
        starting at the same moment) is restarted by the server; the request
        is sent again every 10 s until one is answered. Returns the seconds waited.
        """
        start = time.monotonic()
        deadline = start + timeout
        while time.monotonic() < deadline:
            state = self.request("GET", f"/api/kernels/{kernel_id}").json()["execution_state"]
            if state == "dead":
                self.request("POST", f"/api/kernels/{kernel_id}/restart")
            try:
                conn = self._connect(kernel_id, timeout=10)
            except (websocket.WebSocketException, OSError):
                time.sleep(1)
                continue
            try:
                message = self._message("kernel_info_request", {})
                conn.send(json.dumps(message))
                while True:
                    reply = json.loads(conn.recv())
                    if (
                        reply.get("msg_type") == "kernel_info_reply"
                        and reply.get("parent_header", {}).get("msg_id") == message["header"]["msg_id"]
                    ):
                        return time.monotonic() - start
            except (websocket.WebSocketException, OSError):
                pass  # no answer within 10 s: ask again
            finally:
                conn.close()
        raise TimeoutError(f"{self.name}: the kernel did not answer within {timeout:.0f} s.")

    def execute(self, kernel_id: str, code: str, timeout: float = 300) -> dict:
        """Run ``code`` in the kernel through its web socket; return status, outputs and seconds.

        If the kernel restarts while the cell runs, the cell is run once more,
        as a learner presses Run again after "Kernel restarting".
        """
        for attempt in range(2):
            self.wait_for_kernel(kernel_id, timeout=timeout)
            try:
                return self._execute_once(kernel_id, code, timeout)
            except KernelRestarted:
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _execute_once(self, kernel_id: str, code: str, timeout: float) -> dict:
        conn = self._connect(kernel_id, timeout=timeout)
        message = self._message(
            "execute_request",
            {
                "code": code,
                "silent": False,
                "store_history": True,
                "user_expressions": {},
                "allow_stdin": False,
            },
        )
        msg_id = message["header"]["msg_id"]
        start = time.perf_counter()
        conn.send(json.dumps(message))
        outputs, status, idle = [], None, False
        deadline = time.monotonic() + timeout
        try:
            while not (idle and status) and time.monotonic() < deadline:
                reply = json.loads(conn.recv())
                kind = reply["msg_type"]
                if kind == "status" and reply["content"]["execution_state"] in {
                    "restarting",
                    "autorestarting",
                    "dead",
                }:
                    raise KernelRestarted(f"{self.name}: the kernel restarted while the cell ran.")
                if reply.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                if kind == "execute_reply":
                    status = reply["content"]["status"]
                elif kind == "status" and reply["content"]["execution_state"] == "idle":
                    idle = True
                elif kind in {"stream", "error", "execute_result", "display_data"}:
                    outputs.append({"type": kind, **reply["content"]})
        except websocket.WebSocketTimeoutException:
            pass  # reported below as a cell that did not finish
        except websocket.WebSocketConnectionClosedException:
            # On a very busy machine the server may drop the web socket; the
            # cell still runs. Wait for the kernel to go idle and say so.
            while time.monotonic() < deadline:
                state = self.request("GET", f"/api/kernels/{kernel_id}").json()["execution_state"]
                if state == "idle":
                    return {
                        "status": "connection-lost",
                        "outputs": outputs,
                        "seconds": time.perf_counter() - start,
                    }
                if state in {"dead", "restarting", "autorestarting"}:
                    raise KernelRestarted(f"{self.name}: the kernel restarted while the cell ran.") from None
                time.sleep(0.2)
        finally:
            conn.close()
        if not (idle and status):
            raise TimeoutError(f"{self.name}: the cell did not finish within {timeout:.0f} s.")
        return {"status": status, "outputs": outputs, "seconds": time.perf_counter() - start}

    def assignments(self, action: str, assignment: str, course: str = "data-with-care") -> dict | list:
        """What the Assignments tab's buttons do: fetch, submit or fetch_feedback."""
        return self.request(
            "POST", f"/assignments/{action}", data={"course_id": course, "assignment_id": assignment}
        ).json()
