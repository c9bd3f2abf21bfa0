"""ChipLab on JupyterHub: the course roles, shared by the local hub and the Zero-to-JupyterHub chart.

One course, two kinds of users, read from a roster (``roster.example.toml``):

* **instructors** get a JupyterLab with the nbgrader *Formgrader* and *Create Assignment*, and a course
  folder (``~/chiplab-course`` unless ``CHIPLAB_COURSE_DIR`` says otherwise) that is created the first time
  their server starts: a copy of the repository's ``labs/`` and an ``nbgrader_config.py`` that uses the
  ChipLab course settings (``autograder/config.py``) with the hub's shared exchange.
* **students** get a JupyterLab with the *Assignments* tab (fetch, validate, submit) and nothing else of
  nbgrader: the formgrader, course list and create-assignment server extensions are switched off *and*
  their JupyterLab plugins are disabled.

The role of a server is chosen in ``pre_spawn_hook`` from the user's JupyterHub group (``instructors`` /
``students``): it points ``JUPYTER_CONFIG_PATH`` at ``jupyter/<role>/`` beside this file, which holds the
role's ``jupyter_server_config.json``, ``labconfig/page_config.json`` and ``nbgrader_config.py``.

Used by ``jupyterhub_config.py`` (a hub on one machine) and, through ``hub.extraFiles`` and
``hub.extraConfig``, by ``deploy/kubernetes/values.yaml``. Nothing here imports JupyterHub at import time,
so the module can be loaded (and tested) without it.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
#: the repository this file belongs to (deploy/jupyterhub/ -> repo root)
REPO_ROOT = HERE.parent.parent
#: per-role Jupyter configuration folders (JUPYTER_CONFIG_PATH of each role's servers)
ROLE_CONFIG = {"instructor": HERE / "jupyter" / "instructor", "student": HERE / "jupyter" / "student"}
INSTRUCTORS, STUDENTS = "instructors", "students"
#: where the nbgrader exchange lives on a course server (shared by every user, mode 1777)
DEFAULT_EXCHANGE = "/srv/nbgrader/exchange"
#: the instructor's course folder, relative to their home
COURSE_DIR_NAME = "chiplab-course"

_NAME = re.compile(r"^[a-z_][a-z0-9_.-]{0,31}$")


class HubConfigError(ValueError):
    """The hub's configuration (roster, paths, mode) is wrong; the message says what to fix."""


# ---- the roster -------------------------------------------------------------------------------------

@dataclass
class Roster:
    """Who teaches and who takes the course. Names are hub user names (Unix names on a course server)."""

    instructors: list[str] = field(default_factory=list)
    students: list[str] = field(default_factory=list)
    admins: list[str] = field(default_factory=list)
    course_id: str = "chiplab"

    @property
    def users(self) -> set[str]:
        return set(self.instructors) | set(self.students) | set(self.admins)

    @classmethod
    def read(cls, path: str | Path) -> Roster:
        path = Path(path)
        if not path.is_file():
            raise HubConfigError(f"roster {path} not found: copy deploy/jupyterhub/roster.example.toml there "
                                 "(or anywhere, and set CHIPLAB_HUB_ROSTER), then list your instructors "
                                 "and students")
        try:
            data = tomllib.loads(path.read_text())
        except tomllib.TOMLDecodeError as e:
            raise HubConfigError(f"roster {path} is not valid TOML: {e}") from None
        unknown = set(data) - {"course_id", "instructors", "students", "admins"}
        if unknown:
            raise HubConfigError(f"roster {path}: unknown keys {sorted(unknown)}; "
                                 "use course_id, instructors, students, admins")
        roster = cls(instructors=list(data.get("instructors", [])), students=list(data.get("students", [])),
                     admins=list(data.get("admins", [])), course_id=str(data.get("course_id", "chiplab")))
        roster.check(str(path))
        return roster

    def check(self, where: str = "roster") -> None:
        if not self.instructors:
            raise HubConfigError(f"{where}: list at least one instructor (instructors = [\"name\"])")
        for name in self.users:
            if not isinstance(name, str) or not _NAME.match(name):
                raise HubConfigError(f"{where}: {name!r} is not a valid user name (lower-case letters, digits, "
                                     "'_', '.', '-'; starts with a letter; at most 32 characters)")
        both = set(self.instructors) & set(self.students)
        if both:
            raise HubConfigError(f"{where}: {sorted(both)} listed both as instructor and as student")


def role_of(group_names: set[str] | list[str]) -> str | None:
    """The course role of a user from their JupyterHub group names (instructor wins), or None."""
    names = set(group_names)
    if INSTRUCTORS in names:
        return "instructor"
    if STUDENTS in names:
        return "student"
    return None


def role_environment(role: str, home: str | Path, exchange: str | Path, course_dir: str | Path | None = None,
                     course_id: str = "chiplab") -> dict[str, str]:
    """Environment variables of a single-user server of ``role`` (read by jupyter/<role>/ configs)."""
    if role not in ROLE_CONFIG:
        raise HubConfigError(f"unknown role {role!r}: use one of {sorted(ROLE_CONFIG)}")
    env = {
        "JUPYTER_CONFIG_PATH": str(ROLE_CONFIG[role]),
        "CHIPLAB_ROLE": role,
        "CHIPLAB_EXCHANGE": str(exchange),
        "CHIPLAB_COURSE_ID": course_id,
    }
    if role == "instructor":
        env["CHIPLAB_COURSE_DIR"] = str(course_dir or Path(home) / COURSE_DIR_NAME)
    return env


def instructor_scopes() -> list[str]:
    """What the instructor role may do on the hub besides using their own server: see the students and
    start or stop their servers (e.g. a stuck kernel before a deadline). Not: open a student's server."""
    return [
        "list:users", "read:users!group=students", "read:users:activity!group=students",
        "servers!group=students", "read:groups",
    ]


# ---- the exchange and the instructor's course folder -------------------------------------------------

def configure_exchange(c: Any, environ: dict[str, str] | None = None) -> None:
    """nbgrader settings every role's server shares (its per-role nbgrader_config.py calls this): the course
    id and the hub's exchange, from the environment the hub's spawner sets."""
    env = os.environ if environ is None else environ
    c.CourseDirectory.course_id = env.get("CHIPLAB_COURSE_ID", "chiplab")
    c.Exchange.path_includes_course = True
    if env.get("CHIPLAB_EXCHANGE"):
        c.Exchange.root = env["CHIPLAB_EXCHANGE"]


def ensure_exchange(path: str | Path) -> Path:
    """Create the nbgrader exchange: world-writable with the sticky bit (students can add, not remove)."""
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        os.chmod(path, 0o1777)
    except PermissionError:
        if not (path.is_dir() and (path.stat().st_mode & 0o1777) == 0o1777):
            raise HubConfigError(f"cannot create the nbgrader exchange {path} with mode 1777: create it as "
                                 f"root (install -d -m 1777 {path}) or set CHIPLAB_EXCHANGE") from None
    return path


COURSE_CONFIG = '''\
# nbgrader configuration of this course folder, written by deploy/jupyterhub/chiplab_hub.py.
# The ChipLab course settings come from autograder/config.py; the exchange is the hub's shared one.
import os
import sys

sys.path.insert(0, {repo!r})
from autograder.config import configure  # noqa: E402

c = get_config()  # noqa: F821
configure(c, os.path.dirname(os.path.abspath(__file__)),
          exchange=os.environ.get("CHIPLAB_EXCHANGE") or None)
c.CourseDirectory.course_id = os.environ.get("CHIPLAB_COURSE_ID") or c.CourseDirectory.course_id
'''


def ensure_course(course_dir: str | Path, labs: list[str] | None = None, repo: str | Path = REPO_ROOT) -> Path:
    """The instructor's course folder: created once (labs copied from the repository, a config written);
    an existing folder is left as the instructor made it, except that a missing config is written."""
    course_dir = Path(course_dir)
    repo = Path(repo)
    if not (course_dir / "labs").is_dir():
        src = repo / "labs"
        names = labs if labs is not None else sorted(
            p.parent.name for p in src.glob("*/*.ipynb") if p.stem == p.parent.name)
        (course_dir / "labs").mkdir(parents=True, exist_ok=True)
        for name in names:
            if not (src / name).is_dir():
                raise HubConfigError(f"lab {name!r} not found under {src}")
            shutil.copytree(src / name, course_dir / "labs" / name, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "sim_build", "build"))
    (course_dir / "build" / "grading").mkdir(parents=True, exist_ok=True)
    config = course_dir / "nbgrader_config.py"
    if not config.exists():
        config.write_text(COURSE_CONFIG.format(repo=str(repo)))
    return course_dir


# ---- hub configuration ----------------------------------------------------------------------------

def _configured(section: Any, key: str, default: Any) -> Any:
    """A value already set in a traitlets config section, else ``default`` (unset keys are lazy objects)."""
    try:
        return section[key] if key in section else default
    except TypeError:  # a plain object (tests may pass a namespace)
        return getattr(section, key, default)


def configure_roles(c: Any, roster: Roster) -> None:
    """Users, groups and RBAC roles of the course (any spawner, any authenticator)."""
    c.Authenticator.allowed_users = set(roster.students) | set(roster.instructors)
    c.Authenticator.admin_users = set(roster.admins)
    c.JupyterHub.load_groups = {
        INSTRUCTORS: {"users": sorted(roster.instructors)},
        STUDENTS: {"users": sorted(roster.students)},
    }
    roles = [r for r in _configured(c.JupyterHub, "load_roles", []) if r.get("name") != "instructor"]
    roles.append({"name": "instructor", "description": "ChipLab instructors: see students, start/stop their "
                  "servers", "scopes": instructor_scopes(), "groups": [INSTRUCTORS]})
    c.JupyterHub.load_roles = roles


def make_pre_spawn_hook(exchange: str | Path, course_id: str = "chiplab", home_of=None,
                        course_dir_of=None, config_root: str | Path | None = None):
    """A ``Spawner.pre_spawn_hook`` that gives each server its role's environment.

    ``home_of(spawner)`` gives the user's home (default: ``spawner.home_dir`` or ``~user``);
    ``course_dir_of(spawner)`` the instructor's course folder; ``config_root`` replaces this folder's
    ``jupyter/`` where the servers see the repository at another path (a container image).
    """

    def home(spawner) -> str:
        if home_of is not None:
            return str(home_of(spawner))
        return str(getattr(spawner, "home_dir", "") or os.path.expanduser(f"~{spawner.user.name}"))

    def hook(spawner) -> None:
        role = role_of(g.name for g in spawner.user.groups)
        if role is None:  # allowed by the authenticator but on no course list: no server
            raise HubConfigError(f"{spawner.user.name} is neither an instructor nor a student of this course")
        course_dir = course_dir_of(spawner) if course_dir_of else None
        env = role_environment(role, home(spawner), exchange, course_dir, course_id)
        if config_root is not None:
            env["JUPYTER_CONFIG_PATH"] = str(Path(config_root) / role)
        spawner.environment.update(env)
        spawner.log.info("chiplab: %s starts as %s", spawner.user.name, role)

    return hook


def configure_local(c: Any, *, mode: str, roster: Roster, state_dir: str | Path, exchange: str | Path,
                    ip: str = "127.0.0.1", port: int = 8000, homes: str | Path | None = None,
                    password: str | None = None, service_token: str | None = None,
                    create_users: bool = False) -> None:
    """A hub on one machine. ``mode``: ``system`` (PAM, one Unix account per user, LocalProcessSpawner)
    or ``demo`` (a shared password, no Unix accounts, every server runs as the hub's user under ``homes``:
    for trying the course out and for the test; it isolates nobody)."""
    if mode not in ("system", "demo"):
        raise HubConfigError(f"CHIPLAB_HUB_MODE={mode!r}: use 'system' (a course server) or 'demo'")
    state = Path(state_dir)
    state.mkdir(parents=True, exist_ok=True)
    ensure_exchange(exchange)
    venv_bin = str(Path(sys.executable).parent)

    c.JupyterHub.ip = ip
    c.JupyterHub.port = int(port)
    c.JupyterHub.hub_ip = "127.0.0.1"
    c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
    c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
    # The proxy: PyPI's configurable-http-proxy (a Python port of the Node proxy, same command line),
    # so that no Node.js is needed. It runs from this Python's bin folder.
    c.ConfigurableHTTPProxy.command = [str(Path(venv_bin) / "configurable-http-proxy")]
    c.ConfigurableHTTPProxy.pid_file = str(state / "jupyterhub-proxy.pid")
    c.JupyterHub.cleanup_servers = True
    c.JupyterHub.cleanup_proxy = True

    c.Spawner.cmd = [str(Path(venv_bin) / "jupyterhub-singleuser")]
    c.Spawner.default_url = "/lab"
    c.Spawner.start_timeout = 120
    c.Spawner.http_timeout = 120
    # servers find this Python's tools (nbgrader runs `alembic`, kernels run iverilog/yosys wrappers)
    c.Spawner.environment = {"PATH": os.pathsep.join([venv_bin, "/usr/local/bin", "/usr/bin", "/bin"])}

    configure_roles(c, roster)

    if mode == "system":
        c.JupyterHub.authenticator_class = "pam"
        # roster names without a Unix account are created (adduser, no password: set one with chpasswd)
        c.LocalAuthenticator.create_system_users = create_users
        c.JupyterHub.spawner_class = "localprocess"
        c.LocalProcessSpawner.notebook_dir = "~"
        c.Spawner.pre_spawn_hook = make_pre_spawn_hook(exchange, roster.course_id)
    else:
        if not password or len(password) < 8:
            raise HubConfigError("demo mode needs CHIPLAB_HUB_PASSWORD (at least 8 characters): "
                                 "every user logs in with it")
        if homes is None:
            raise HubConfigError("demo mode needs CHIPLAB_HUB_HOMES: the folder that holds each user's home")
        c.JupyterHub.authenticator_class = "shared-password"
        c.SharedPasswordAuthenticator.user_password = password
        c.JupyterHub.spawner_class = "simple"
        c.SimpleLocalProcessSpawner.home_dir_template = str(Path(homes) / "{username}")
        c.Spawner.notebook_dir = str(Path(homes) / "{username}")
        if os.geteuid() == 0:  # every demo server runs as the hub's user; jupyter_server refuses root otherwise
            c.Spawner.args = ["--allow-root"]
        c.Spawner.pre_spawn_hook = make_pre_spawn_hook(
            exchange, roster.course_id,
            home_of=lambda spawner: Path(homes) / spawner.user.name)
    if service_token:
        # a service that scripts (and the test) use to drive the hub's REST API
        c.JupyterHub.services = [{"name": "chiplab-admin", "api_token": service_token}]
        c.JupyterHub.load_roles = [*_configured(c.JupyterHub, "load_roles", []), {
            "name": "chiplab-admin", "services": ["chiplab-admin"],
            "scopes": ["admin:users", "admin:servers", "tokens", "admin:groups", "list:users"]}]


def configure_from_env(c: Any, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Configure a local hub from ``CHIPLAB_HUB_*`` variables (see docs/hub.md); returns what it used."""
    env = dict(os.environ if environ is None else environ)
    mode = env.get("CHIPLAB_HUB_MODE", "system")
    default_state = "/srv/jupyterhub" if mode == "system" else str(REPO_ROOT / "build" / "hub")
    state = Path(env.get("CHIPLAB_HUB_STATE", default_state))
    # the roster names real people: keep it beside the hub's state, outside the repository
    roster_path = env.get("CHIPLAB_HUB_ROSTER") or str(state / "roster.toml")
    if mode == "demo" and not Path(roster_path).exists() and not env.get("CHIPLAB_HUB_ROSTER"):
        roster_path = str(HERE / "roster.example.toml")
    settings = dict(
        mode=mode,
        roster=Roster.read(roster_path),
        state_dir=state,
        exchange=env.get("CHIPLAB_EXCHANGE", DEFAULT_EXCHANGE if mode == "system" else str(state / "exchange")),
        ip=env.get("CHIPLAB_HUB_IP", "127.0.0.1"),
        port=int(env.get("CHIPLAB_HUB_PORT", "8000")),
        homes=env.get("CHIPLAB_HUB_HOMES") or (None if mode == "system" else str(state / "home")),
        password=env.get("CHIPLAB_HUB_PASSWORD"),
        service_token=env.get("CHIPLAB_HUB_SERVICE_TOKEN"),
        create_users=env.get("CHIPLAB_HUB_CREATE_USERS", "0") == "1",
    )
    configure_local(c, **settings)
    if env.get("CHIPLAB_HUB_API_PORT"):  # the hub's own port (the proxy talks to it)
        c.JupyterHub.hub_port = int(env["CHIPLAB_HUB_API_PORT"])
    if env.get("CHIPLAB_HUB_PROXY_API_PORT"):
        c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{int(env['CHIPLAB_HUB_PROXY_API_PORT'])}"
    if env.get("CHIPLAB_HUB_SSL_CERT"):
        c.JupyterHub.ssl_cert = env["CHIPLAB_HUB_SSL_CERT"]
        c.JupyterHub.ssl_key = env.get("CHIPLAB_HUB_SSL_KEY", "")
    return settings


# ---- Zero-to-JupyterHub (KubeSpawner) ---------------------------------------------------------------

#: where the single-user image (repo2docker --target-repo-dir) holds the repository
IMAGE_REPO_DIR = "/srv/chiplab"
#: the ReadWriteMany claim that holds the exchange (deploy/kubernetes/exchange-pvc.yaml)
EXCHANGE_CLAIM = "nbgrader-exchange"
#: an instructor's pod autogrades a whole class: more than a student's (values.yaml has the students')
INSTRUCTOR_RESOURCES = {"cpu_guarantee": 1.0, "cpu_limit": 4.0, "mem_guarantee": "4G", "mem_limit": "8G"}


def exchange_mounts(role: str, course_id: str = "chiplab", exchange: str = DEFAULT_EXCHANGE,
                    claim: str = EXCHANGE_CLAIM) -> tuple[list[dict], list[dict]]:
    """KubeSpawner volumes and mounts of the exchange for ``role``. Every pod runs as jovyan (uid 1000),
    so Unix modes cannot keep students apart; students at least get the released assignments and the
    feedback read-only (only the instructor writes them)."""
    volumes = [{"name": "nbgrader-exchange", "persistentVolumeClaim": {"claimName": claim}}]
    mounts = [{"name": "nbgrader-exchange", "mountPath": exchange}]
    if role == "student":
        for sub in ("outbound", "feedback"):
            mounts.append({"name": "nbgrader-exchange", "mountPath": f"{exchange}/{course_id}/{sub}",
                           "subPath": f"{course_id}/{sub}", "readOnly": True})
    return volumes, mounts


def configure_kubernetes(c: Any, roster: Roster, exchange: str = DEFAULT_EXCHANGE,
                         image_repo_dir: str = IMAGE_REPO_DIR, claim: str = EXCHANGE_CLAIM) -> None:
    """The course roles on Zero-to-JupyterHub: called from hub.extraConfig (deploy/kubernetes/values.yaml).
    Each pod runs as jovyan, so nbgrader takes the student's id from JUPYTERHUB_USER (and the student
    config says it too); the exchange claim is mounted per role; instructors get bigger pods."""
    configure_roles(c, roster)
    env_hook = make_pre_spawn_hook(exchange, roster.course_id, home_of=lambda spawner: "/home/jovyan",
                                   config_root=f"{image_repo_dir}/deploy/jupyterhub/jupyter")

    def hook(spawner) -> None:
        env_hook(spawner)
        role = spawner.environment["CHIPLAB_ROLE"]
        volumes, mounts = exchange_mounts(role, roster.course_id, exchange, claim)
        names = {v["name"] for v in volumes}
        spawner.volumes = [v for v in spawner.volumes if v.get("name") not in names] + volumes
        spawner.volume_mounts = [m for m in spawner.volume_mounts if m.get("name") not in names] + mounts
        if role == "instructor":
            for key, value in INSTRUCTOR_RESOURCES.items():
                setattr(spawner, key, value)

    c.KubeSpawner.pre_spawn_hook = hook
