"""A real JupyterHub runs a ChipLab course: one instructor, two students, lab01 from release to scores.

``jupyterhub -f deploy/jupyterhub/jupyterhub_config.py`` (demo mode: a shared password, every server as
this test's user, homes and the exchange under a scratch folder) listens on 127.0.0.1 with its Python
configurable-http-proxy. Everything afterwards goes over HTTP through that proxy, as a browser would:

* the instructor's formgrader generates and releases lab01;
* each student fetches it from the Assignments API, saves an answer through the Jupyter contents API
  (one the solution, one a known wrong submission from tests/submissions/) and submits it;
* the instructor collects and autogrades in the formgrader; the scores it reports are exact.

It also checks the roles (the formgrader exists on the instructor's server only; students cannot reach
other servers) and that stopping the hub leaves none of the processes it started.
The Zero-to-JupyterHub values file is checked without Kubernetes (none here): its YAML, its Python
snippets and its keys against the settings of the chart version it names (a list checked by hand).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest
import requests

from autograder import course
from chiplab.lab import free_port

REPO = Path(__file__).resolve().parent.parent
HUB_DIR = REPO / "deploy" / "jupyterhub"
sys.path.insert(0, str(HUB_DIR))
import chiplab_hub  # noqa: E402

LAB = "lab01-logic-gates"
WRONG = "demorgan-no-flip-table-lsb"  # tests/submissions/lab01-logic-gates/<WRONG>.py, '# expected: 19'
INSTRUCTOR, RIGHT, WRONG_STUDENT = "prof", "ada", "bob"
PASSWORD = "chiplab-test-password"
COURSE_ID = "chiplab"


def _phase(timings: dict[str, float], name: str, t0: float) -> float:
    now = time.monotonic()
    timings[name] = now - t0
    print(f"[hub] {name}: {now - t0:.1f} s", flush=True)
    return now


class Hub:
    """A JupyterHub process and HTTP helpers that go through its proxy."""

    def __init__(self, root: Path):
        self.root = root
        self.port = free_port(18630)
        self.url = f"http://127.0.0.1:{self.port}"
        self.service_token = os.urandom(16).hex()
        self.tokens: dict[str, str] = {}
        self.log = root / "jupyterhub.log"
        self.proc: subprocess.Popen | None = None
        self.seen: dict[int, float] = {}  # pid -> create_time of every process the hub started

    def start(self) -> None:
        t0 = time.monotonic()
        (self.root / "roster.toml").write_text(
            f'course_id = "{COURSE_ID}"\ninstructors = ["{INSTRUCTOR}"]\n'
            f'students = ["{RIGHT}", "{WRONG_STUDENT}"]\n')
        env = dict(os.environ)
        env.pop("PYTEST_CURRENT_TEST", None)
        env.update({
            "CHIPLAB_HUB_MODE": "demo",
            "CHIPLAB_HUB_ROSTER": str(self.root / "roster.toml"),
            "CHIPLAB_HUB_STATE": str(self.root / "state"),
            "CHIPLAB_HUB_HOMES": str(self.root / "home"),
            "CHIPLAB_EXCHANGE": str(self.root / "exchange"),
            "CHIPLAB_HUB_PASSWORD": PASSWORD,
            "CHIPLAB_HUB_SERVICE_TOKEN": self.service_token,
            "CHIPLAB_HUB_IP": "127.0.0.1",
            "CHIPLAB_HUB_PORT": str(self.port),
            "CHIPLAB_HUB_API_PORT": str(free_port(self.port + 1)),
            "CHIPLAB_HUB_PROXY_API_PORT": str(free_port(self.port + 2)),
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
        })
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(HUB_DIR / "jupyterhub_config.py")],
                cwd=self.root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            assert self.proc.poll() is None, f"jupyterhub exited {self.proc.returncode}:\n{self.tail()}"
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=5).ok:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, f"jupyterhub did not answer in 60 s:\n{self.tail()}"
            time.sleep(0.3)
        self.remember_processes()
        print(f"[hub] jupyterhub + proxy answering: {time.monotonic() - t0:.1f} s", flush=True)

    def tail(self, n: int = 6000) -> str:
        return self.log.read_text(errors="replace")[-n:] if self.log.exists() else ""

    def remember_processes(self) -> None:
        if self.proc is None:
            return
        try:
            hub = psutil.Process(self.proc.pid)
            for p in [hub, *hub.children(recursive=True)]:
                self.seen.setdefault(p.pid, p.create_time())
        except psutil.NoSuchProcess:
            pass

    def api(self, method: str, path: str, **kw) -> requests.Response:
        """The hub's REST API as the admin service."""
        return requests.request(method, f"{self.url}/hub/api{path}", timeout=60,
                                headers={"Authorization": f"token {self.service_token}"}, **kw)

    def as_user(self, who: str, method: str, path: str, server: str | None = None, **kw) -> requests.Response:
        """A request by user ``who`` (their own token) to ``server``'s single-user server (default: theirs)."""
        return requests.request(method, f"{self.url}/user/{server or who}{path}", timeout=300,
                                headers={"Authorization": f"token {self.tokens[who]}"},
                                allow_redirects=False, **kw)

    def stop(self) -> list[str]:
        """Stop the servers through the API, then the hub (which stops its proxy); what is left over."""
        t0 = time.monotonic()
        self.remember_processes()
        if self.proc is not None and self.proc.poll() is None:
            for user in (INSTRUCTOR, RIGHT, WRONG_STUDENT):
                try:
                    self.api("DELETE", f"/users/{user}/server")
                except requests.RequestException:
                    pass
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        left = []
        deadline = time.monotonic() + 20
        while True:
            left = []
            for pid, created in self.seen.items():
                try:
                    p = psutil.Process(pid)
                    if p.create_time() == created and p.status() != psutil.STATUS_ZOMBIE:
                        left.append(f"{pid} {' '.join(p.cmdline())[:200]}")
                except psutil.NoSuchProcess:
                    pass
            if not left or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        print(f"[hub] stopped {len(self.seen)} processes: {time.monotonic() - t0:.1f} s", flush=True)
        for line in left:  # never leave them behind, but report them
            try:
                os.kill(int(line.split()[0]), signal.SIGKILL)
            except OSError:
                pass
        return left


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    h = Hub(tmp_path_factory.mktemp("hub"))
    try:
        h.start()
        yield h
    finally:
        left = h.stop()
        assert not left, "processes left running after the hub stopped:\n" + "\n".join(left)


def _ok(r: requests.Response, what: str) -> dict | list:
    assert r.status_code < 300, f"{what}: HTTP {r.status_code}: {r.text[:2000]}"
    return r.json() if r.text else {}


def _nbgrader_ok(result: dict, what: str) -> None:
    assert result.get("success"), f"{what} failed: {json.dumps(result)[:3000]}"


def _start_servers(hub: Hub, users: list[str]) -> None:
    for user in users:
        r = hub.api("POST", f"/users/{user}/server")
        assert r.status_code in (201, 202), f"start {user}: HTTP {r.status_code} {r.text}\n{hub.tail()}"
    deadline = time.monotonic() + 240
    pending = set(users)
    while pending:
        for user in sorted(pending):
            model = _ok(hub.api("GET", f"/users/{user}"), f"user {user}")
            server = model.get("servers", {}).get("")
            if server and server.get("ready"):
                pending.discard(user)
            elif not server and not model.get("pending"):
                raise AssertionError(f"{user}'s server failed to start:\n{hub.tail()}")
        assert time.monotonic() < deadline, f"servers of {sorted(pending)} not ready in 240 s:\n{hub.tail()}"
        time.sleep(0.5)
    hub.remember_processes()


def _page_config(hub: Hub, user: str) -> dict:
    r = hub.as_user(user, "GET", "/lab")
    assert r.status_code == 200, f"{user} /lab: HTTP {r.status_code}"
    text = r.text
    start = text.index('<script id="jupyter-config-data" type="application/json">')
    start = text.index(">", start) + 1
    return json.loads(text[start:text.index("</script>", start)])


def _student_answer(hub: Hub, student: str, wrong: str | None) -> dict:
    """The notebook ``student`` saves: their fetched copy with the solution (or a wrong answer) typed in."""
    path = f"/api/contents/{COURSE_ID}/{LAB}/{LAB}.ipynb"
    fetched = _ok(hub.as_user(student, "GET", path, params={"content": "1"}), f"{student} opens {LAB}")
    release = hub.root / f"{student}-fetched.ipynb"
    nbformat.write(nbformat.from_dict(fetched["content"]), release)
    if wrong is None:
        sub = course.WrongSubmission("solution", 23, "the solution", "solution", {})
    else:
        sub = course.WrongSubmission.read(course.SUBMISSIONS_DIR / LAB / f"{wrong}.py")
    nb = sub.build(course.source_notebook(LAB), release)
    _ok(hub.as_user(student, "PUT", path, json={"type": "notebook", "format": "json", "content": nb}),
        f"{student} saves {LAB}")
    return {"expected": sub.expected}


@pytest.mark.slow
@pytest.mark.nbgrader
def _run_code_over_websocket(hub: Hub, user: str, code: str) -> str:
    """What a notebook does: start a kernel (REST), send an execute_request over the kernel's websocket
    (both through the hub's proxy, with the user's token), and return what the cell printed."""
    import asyncio
    import json
    import uuid

    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    kernel = _ok(hub.as_user(user, "POST", "/api/kernels", json={"name": "python3"}), "start a kernel")
    url = f"{hub.url.replace('http', 'ws', 1)}/user/{user}/api/kernels/{kernel['id']}/channels"
    msg_id = uuid.uuid4().hex
    request = {"header": {"msg_id": msg_id, "username": user, "session": uuid.uuid4().hex,
                          "msg_type": "execute_request", "version": "5.3"},
               "parent_header": {}, "metadata": {}, "channel": "shell",
               "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                           "allow_stdin": False, "stop_on_error": True}}

    async def talk() -> str:
        ws = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {hub.tokens[user]}"},
                                                 request_timeout=60))
        await ws.write_message(json.dumps(request))
        printed, status, idle = [], None, False
        while status is None or not idle:  # the reply (shell) and the output (iopub) come in any order
            raw = await asyncio.wait_for(ws.read_message(), 60)
            assert raw is not None, "the kernel's websocket closed"
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream":
                printed.append(msg["content"]["text"])
            elif msg["msg_type"] == "error":
                printed.append("\n".join(msg["content"]["traceback"]))
            elif msg["msg_type"] == "execute_reply":
                status = msg["content"]["status"]
            elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
        ws.close()
        assert status == "ok", "".join(printed)
        return "".join(printed)

    try:
        return asyncio.run(talk())
    finally:
        hub.as_user(user, "DELETE", f"/api/kernels/{kernel['id']}")


def test_course_on_a_real_hub(hub: Hub):
    timings: dict[str, float] = {}
    t = time.monotonic()
    users = [INSTRUCTOR, RIGHT, WRONG_STUDENT]

    # Logging in with the course password works like a browser's form post (and a wrong one does not).
    s = requests.Session()
    s.get(f"{hub.url}/hub/login", timeout=30)
    form = {"username": RIGHT, "password": PASSWORD, "_xsrf": s.cookies.get("_xsrf", "")}
    r = s.post(f"{hub.url}/hub/login", data=form, allow_redirects=False, timeout=30)
    assert r.status_code == 302 and "jupyterhub-session-id" in s.cookies, f"login: HTTP {r.status_code}"
    bad = requests.Session()
    bad.get(f"{hub.url}/hub/login", timeout=30)
    r = bad.post(f"{hub.url}/hub/login", allow_redirects=False, timeout=30,
                 data={"username": RIGHT, "password": "wrong-password", "_xsrf": bad.cookies.get("_xsrf", "")})
    assert r.status_code == 403, f"a wrong password: HTTP {r.status_code}"

    groups = {g["name"]: sorted(g["users"]) for g in _ok(hub.api("GET", "/groups"), "groups")}
    assert groups == {"instructors": [INSTRUCTOR], "students": sorted([RIGHT, WRONG_STUDENT])}
    for user in users:
        hub.tokens[user] = _ok(hub.api("POST", f"/users/{user}/tokens", json={"note": "test_hub"}),
                               f"token for {user}")["token"]
    t = _phase(timings, "login, groups, tokens", t)

    _start_servers(hub, users)
    t = _phase(timings, "3 servers started", t)

    # ---- roles --------------------------------------------------------------------------------------
    assert hub.as_user(INSTRUCTOR, "GET", "/formgrader/api/status").status_code == 200
    for student in (RIGHT, WRONG_STUDENT):
        assert hub.as_user(student, "GET", "/formgrader/api/status").status_code == 404
        assert hub.as_user(student, "GET", "/formgrader").status_code == 404
    disabled = _page_config(hub, RIGHT)["disabledExtensions"]
    assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"} <= set(disabled)
    assert "@jupyter/nbgrader:formgrader" not in _page_config(hub, INSTRUCTOR)["disabledExtensions"]
    # a student cannot use another user's server, nor see other users on the hub; the instructor can
    assert hub.as_user(RIGHT, "GET", "/api/contents", server=INSTRUCTOR).status_code in (403, 404)
    assert hub.as_user(RIGHT, "GET", "/api/contents", server=WRONG_STUDENT).status_code in (403, 404)
    hub_as = lambda who, path: requests.get(f"{hub.url}/hub/api{path}", timeout=30,  # noqa: E731
                                            headers={"Authorization": f"token {hub.tokens[who]}"})
    assert hub_as(RIGHT, f"/users/{WRONG_STUDENT}").status_code in (403, 404)
    assert hub_as(INSTRUCTOR, f"/users/{WRONG_STUDENT}").status_code == 200
    t = _phase(timings, "roles checked", t)

    # ---- a student runs a cell: a kernel over a websocket through the proxy, with the course package ---
    out = _run_code_over_websocket(hub, RIGHT, "from chiplab.logic import parse\nprint(parse('a & ~b'))")
    assert "a" in out and "b" in out, out
    t = _phase(timings, "a student's kernel ran a cell over the websocket", t)

    # ---- instructor: generate and release ----------------------------------------------------------
    assignments = _ok(hub.as_user(INSTRUCTOR, "GET", "/formgrader/api/assignments"), "formgrader assignments")
    assert LAB in [a["name"] for a in assignments], assignments
    _nbgrader_ok(_ok(hub.as_user(INSTRUCTOR, "POST", f"/formgrader/api/assignment/{LAB}/assign"),
                     "generate"), "generate")
    _nbgrader_ok(_ok(hub.as_user(INSTRUCTOR, "POST", f"/formgrader/api/assignment/{LAB}/release"),
                     "release"), "release")
    exchange = hub.root / "exchange"
    assert (exchange / COURSE_ID / "outbound" / LAB / f"{LAB}.ipynb").is_file()
    assert (os.stat(exchange).st_mode & 0o7777) == 0o1777
    t = _phase(timings, "instructor generated and released", t)

    # ---- students: fetch, answer, submit ----------------------------------------------------------
    expected = {}
    for student, wrong in ((RIGHT, None), (WRONG_STUDENT, WRONG)):
        form = {"course_id": COURSE_ID, "assignment_id": LAB}
        listed = _ok(hub.as_user(student, "GET", "/assignments", params={"course_id": COURSE_ID}), "list")
        assert [a["status"] for a in listed["value"] if a["assignment_id"] == LAB] == ["released"], listed
        fetched = _ok(hub.as_user(student, "POST", "/assignments/fetch", data=form), f"{student} fetch")
        _nbgrader_ok(fetched, f"{student} fetch")
        assert "fetched" in [a["status"] for a in fetched["value"] if a["assignment_id"] == LAB], fetched
        expected[student] = _student_answer(hub, student, wrong)["expected"]
        # the Validate button: the visible tests run on the student's server with the course's settings
        validated = _ok(hub.as_user(student, "POST", "/assignments/validate",
                                    data={"path": f"{COURSE_ID}/{LAB}/{LAB}.ipynb"}), f"{student} validate")
        _nbgrader_ok(validated, f"{student} validate")
        if wrong is None:
            assert not validated["value"].get("failed"), validated
        submitted = _ok(hub.as_user(student, "POST", "/assignments/submit", data=form), f"{student} submit")
        _nbgrader_ok(submitted, f"{student} submit")
    inbound = sorted(p.name.split("+")[0] for p in (exchange / COURSE_ID / "inbound").iterdir())
    assert inbound == sorted([RIGHT, WRONG_STUDENT]), inbound  # each under their own hub name
    assert expected == {RIGHT: 23.0, WRONG_STUDENT: 19.0}
    t = _phase(timings, "students fetched, answered, validated, submitted", t)

    # ---- instructor: collect, autograde, read the scores -------------------------------------------
    _nbgrader_ok(_ok(hub.as_user(INSTRUCTOR, "POST", f"/formgrader/api/assignment/{LAB}/collect"),
                     "collect"), "collect")
    t = _phase(timings, "instructor collected", t)
    for student in (RIGHT, WRONG_STUDENT):
        _nbgrader_ok(_ok(hub.as_user(INSTRUCTOR, "POST", f"/formgrader/api/submission/{LAB}/{student}/autograde"),
                         f"autograde {student}"), f"autograde {student}")
    t = _phase(timings, "instructor autograded 2 submissions", t)
    subs = _ok(hub.as_user(INSTRUCTOR, "GET", f"/formgrader/api/submissions/{LAB}"), "submissions")
    scores = {s["student"]: (s["score"], s["max_score"]) for s in subs if s.get("autograded")}
    assert scores == {RIGHT: (23.0, 23.0), WRONG_STUDENT: (19.0, 23.0)}, subs
    print(f"[hub] total {sum(timings.values()):.1f} s; scores {scores}", flush=True)


def test_hub_config_rejects_bad_settings(tmp_path):
    """What a lecturer gets wrong is named: no roster, a bad name, demo mode without a password."""
    from traitlets.config import Config

    with pytest.raises(chiplab_hub.HubConfigError, match="roster.example.toml"):
        chiplab_hub.Roster.read(tmp_path / "missing.toml")
    (tmp_path / "r.toml").write_text('instructors = ["Prof X"]\n')
    with pytest.raises(chiplab_hub.HubConfigError, match="not a valid user name"):
        chiplab_hub.Roster.read(tmp_path / "r.toml")
    (tmp_path / "r.toml").write_text('instructors = ["prof"]\nstudents = ["prof"]\n')
    with pytest.raises(chiplab_hub.HubConfigError, match="both as instructor and as student"):
        chiplab_hub.Roster.read(tmp_path / "r.toml")
    (tmp_path / "r.toml").write_text('instructors = ["prof"]\nstudents = ["ada"]\n')
    env = {"CHIPLAB_HUB_MODE": "demo", "CHIPLAB_HUB_ROSTER": str(tmp_path / "r.toml"),
           "CHIPLAB_HUB_STATE": str(tmp_path / "state")}
    with pytest.raises(chiplab_hub.HubConfigError, match="CHIPLAB_HUB_PASSWORD"):
        chiplab_hub.configure_from_env(Config(), env)
    with pytest.raises(chiplab_hub.HubConfigError, match="use 'system'"):
        chiplab_hub.configure_from_env(Config(), {**env, "CHIPLAB_HUB_MODE": "open"})
    c = Config()
    used = chiplab_hub.configure_from_env(c, {**env, "CHIPLAB_HUB_PASSWORD": "x" * 12})
    assert c.JupyterHub.load_groups == {"instructors": {"users": ["prof"]}, "students": {"users": ["ada"]}}
    assert c.Authenticator.allowed_users == {"prof", "ada"}
    assert (Path(used["exchange"]).stat().st_mode & 0o7777) == 0o1777
    assert [r["name"] for r in c.JupyterHub.load_roles] == ["instructor"]


# ---- Zero-to-JupyterHub values (no cluster here: chart keys and our Python) ------------

K8S_VALUES = REPO / "deploy" / "kubernetes" / "values.yaml"

# The settings of the jupyterhub chart 4.4.0 that deploy/kubernetes/values.yaml uses, as dotted paths.
# Each was checked by hand against that chart's values schema (2026-11-23); Helm refuses a release whose
# values hold a key its schema does not know. Keys under the free-form maps are not the chart's business.
CHART_4_4_0_KEYS = {
    "hub.config", "hub.extraFiles", "hub.extraConfig",
    "proxy.https.enabled", "proxy.https.hosts", "proxy.https.letsencrypt.contactEmail",
    "singleuser.image.name", "singleuser.image.tag", "singleuser.cmd", "singleuser.defaultUrl",
    "singleuser.startTimeout", "singleuser.memory.guarantee", "singleuser.memory.limit",
    "singleuser.cpu.guarantee", "singleuser.cpu.limit", "singleuser.storage.type",
    "singleuser.storage.capacity", "singleuser.storage.homeMountPath", "singleuser.initContainers",
    "singleuser.extraEnv", "singleuser.networkPolicy.egressAllowRules.nonPrivateIPs",
    "scheduling.userScheduler.enabled", "scheduling.podPriority.enabled",
    "scheduling.userPlaceholder.enabled", "scheduling.userPlaceholder.replicas",
    "scheduling.corePods.nodeAffinity.matchNodePurpose", "scheduling.userPods.nodeAffinity.matchNodePurpose",
    "prePuller.hook.enabled", "prePuller.continuous.enabled",
    "cull.enabled", "cull.timeout", "cull.every", "cull.maxAge",
}
FREE_FORM = {"hub.config", "hub.extraConfig", "hub.extraFiles", "singleuser.extraEnv",
             "singleuser.initContainers"}


def _setting_paths(values: dict, prefix: str = "") -> list[str]:
    paths = []
    for key, value in values.items():
        path = f"{prefix}.{key}" if prefix else key
        if path in FREE_FORM or not isinstance(value, dict):
            paths.append(path)
        else:
            paths += _setting_paths(value, path)
    return paths


def _values_as_installed() -> dict:
    """deploy/kubernetes/values.yaml with the files docs/hub.md passes by --set-file."""
    import yaml

    values = yaml.safe_load(K8S_VALUES.read_text())
    files = values["hub"]["extraFiles"]
    files["chiplab-hub"]["stringData"] = (HUB_DIR / "chiplab_hub.py").read_text()
    files["roster"]["stringData"] = (HUB_DIR / "roster.example.toml").read_text()
    return values


def test_kubernetes_values_use_only_settings_the_chart_knows():
    import yaml

    assert "--version 4.4.0" in K8S_VALUES.read_text()  # the chart version the key list was checked against
    values = yaml.safe_load(K8S_VALUES.read_text())
    unknown = sorted(set(_setting_paths(values)) - CHART_4_4_0_KEYS)
    assert not unknown, f"deploy/kubernetes/values.yaml: settings the chart 4.4.0 does not have: {unknown}"
    # a misspelt key is caught
    typo = {**values, "singleuser": {**values["singleuser"], "memmory": {"limit": "2G"}}}
    assert "singleuser.memmory.limit" in set(_setting_paths(typo)) - CHART_4_4_0_KEYS
    # the sizes are what docs/hub.md says they are
    assert values["singleuser"]["memory"] == {"guarantee": "1G", "limit": "2G"}
    for item in values["hub"]["extraFiles"].values():
        assert item["mountPath"].startswith("/usr/local/etc/jupyterhub/")


def test_kubernetes_extra_config_applies_the_course_roles(tmp_path):
    """Every hub.extraConfig snippet compiles; the ChipLab one, run with the files mounted where
    hub.extraFiles puts them, sets the roster's groups and a hook that gives each role its pod."""
    from types import SimpleNamespace

    from traitlets.config import Config

    values = _values_as_installed()
    for name, code in values["hub"]["extraConfig"].items():
        compile(code, f"hub.extraConfig.{name}", "exec")
    for item in values["hub"]["extraFiles"].values():  # mount the files under a scratch root
        target = tmp_path / item["mountPath"].lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(item["stringData"])
    code = values["hub"]["extraConfig"]["chiplab"].replace("/usr/local/etc/", f"{tmp_path}/usr/local/etc/")
    c = Config()
    saved = sys.modules.pop("chiplab_hub")  # import the mounted copy, as the hub pod would
    try:
        exec(compile(code, "hub.extraConfig.chiplab", "exec"), {"c": c, "get_config": lambda: c})
    finally:
        sys.modules["chiplab_hub"] = saved
    assert c.JupyterHub.load_groups == {"instructors": {"users": ["lecturer"]},
                                        "students": {"users": ["student1", "student2"]}}
    assert c.Authenticator.allowed_users == {"lecturer", "student1", "student2"}

    def spawn(group):
        sp = SimpleNamespace(user=SimpleNamespace(name="u", groups=[SimpleNamespace(name=group)]),
                             environment={}, volumes=[], volume_mounts=[],
                             log=SimpleNamespace(info=lambda *a: None))
        c.KubeSpawner.pre_spawn_hook(sp)
        return sp

    student, teacher = spawn("students"), spawn("instructors")
    exchange = values["singleuser"]["extraEnv"]["CHIPLAB_EXCHANGE"]
    assert student.environment["JUPYTER_CONFIG_PATH"] == "/srv/chiplab/deploy/jupyterhub/jupyter/student"
    assert teacher.environment["CHIPLAB_COURSE_DIR"] == "/home/jovyan/chiplab-course"
    assert {m["mountPath"]: m.get("readOnly", False) for m in student.volume_mounts} == {
        exchange: False, f"{exchange}/chiplab/outbound": True, f"{exchange}/chiplab/feedback": True}
    assert [m["mountPath"] for m in teacher.volume_mounts] == [exchange]
    assert teacher.mem_limit == "8G" and not hasattr(student, "mem_limit")
    # the init container that prepares the exchange mounts the volume the hook adds, from our image
    init = values["singleuser"]["initContainers"][0]
    assert init["volumeMounts"][0]["name"] == student.volumes[0]["name"]
    image = values["singleuser"]["image"]
    assert init["image"] == f"{image['name']}:{image['tag']}"
    # the per-role folders the hook names exist in the repository (the image holds it at /srv/chiplab)
    for role in ("instructor", "student"):
        assert (HUB_DIR / "jupyter" / role / "jupyter_server_config.json").is_file()
