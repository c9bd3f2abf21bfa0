"""Run a student's notebook kernel in a sandbox.

nbgrader executes a submission by starting a Jupyter kernel and sending it the notebook's cells,
hidden tests included. The kernel runs the student's code, so the kernel is what we lock up;
nbgrader itself (which owns the gradebook and the hidden tests) stays outside.

The kernel is started through :func:`main` (``python -m autograder.sandbox -- <kernel command>``),
which, before it becomes the kernel:

1. when run as root, switches to an unprivileged uid of its own (one per grading slot), so the
   kernel cannot read root-only files, and the process-count limit counts only its own processes;
2. sets resource limits: CPU seconds, memory (private writable memory, ``RLIMIT_DATA``, and a looser
   address-space backstop, ``RLIMIT_AS``; see :func:`address_space_mb`), number of processes, file
   size, open files, no core dumps;
3. execs ``bwrap`` (bubblewrap): new user, PID, network, IPC, UTS and cgroup namespaces, so there is
   no network at all (not even loopback to the host) and a fork bomb dies with its namespace; a
   filesystem made of read-only binds of only what Python needs (``/usr``, ``/etc``, the Python
   installation, the virtual environment, the ``chiplab`` and ``autograder`` packages), a private
   ``/tmp``, and one writable folder: a private copy of the submission's data files. The gradebook,
   the lab sources with the hidden tests, other students' submissions and the rest of the machine
   are simply not there.

The kernel talks to nbgrader over Unix-domain sockets (ZeroMQ ``ipc`` transport) in a folder bound
into the sandbox, since the sandbox has no network. See ``docs/grading.md`` for what this stops and
what it does not.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import sys
import sysconfig
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

#: first uid used for sandboxes when grading as root (slot N uses BASE_UID + N)
BASE_UID = 61000

#: address space allowed beyond ``memory_mb`` (see :func:`address_space_mb`). Amaranth's Verilog export
#: (``amaranth[builtin-yosys]``: Yosys as WebAssembly under wasmtime, in a child process) reserves
#: 0x104000000 bytes (4 GiB + 64 MiB) of address space for the WebAssembly memory, PROT_NONE and untouched
#: until Yosys grows into it. Under an address-space limit of 4096 MiB that reservation fails ("mmap failed
#: to reserve 0x104000000 bytes") and every lab that exports or synthesizes an Amaranth design scores 0 on
#: those parts (labs 07, 11, 12, measured). 8 GiB more leaves room for that reservation, the interpreter,
#: the shared libraries and the threads' stacks and malloc arenas.
WASM_HEADROOM_MB = 8192


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or namespaces are not allowed on this machine."""


@dataclass
class Policy:
    """Limits and view of one sandboxed kernel."""

    workdir: str  # the only writable folder (the kernel's working directory)
    ipc_dir: str  # where the kernel's ZeroMQ sockets and connection file live
    uid: int | None = None  # switch to this uid first (root only)
    cpu_seconds: int = 600  # RLIMIT_CPU of every process in the sandbox
    memory_mb: int = 4096  # RLIMIT_DATA: private writable memory (heap, anonymous mmap) of each process
    address_space_mb: int | None = None  # RLIMIT_AS backstop; None: memory_mb + WASM_HEADROOM_MB
    max_processes: int = 64  # RLIMIT_NPROC for the sandbox uid
    max_file_mb: int = 256  # RLIMIT_FSIZE: largest file it may write
    max_open_files: int = 256
    read_only: list[str] = field(default_factory=list)  # extra paths to bind read-only

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Policy:
        return cls(**json.loads(text))


def bwrap_path() -> str:
    path = shutil.which("bwrap")
    if not path:
        raise SandboxUnavailable(
            "bubblewrap (bwrap) is not installed: grading needs it to sandbox student code "
            "(Debian/Ubuntu: apt-get install bubblewrap; `make setup` installs it)"
        )
    return path


def _python_roots() -> list[str]:
    """Folders the interpreter and the installed packages live in (bound read-only)."""
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        p = sysconfig.get_paths().get(key)
        if p:
            roots.add(p)
    real = {str(Path(r).resolve()) for r in roots} | roots
    # drop folders inside other folders of the set
    out = sorted(real)
    return [p for p in out if not any(p != q and p.startswith(q.rstrip("/") + "/") for q in out)]


def bwrap_command(policy: Policy, command: list[str], as_root: bool = False) -> list[str]:
    """The bwrap command line that runs ``command`` inside the sandbox described by ``policy``.

    ``as_root``: we are root and switch to ``policy.uid``. bwrap then runs privileged (no user
    namespace, so it can bind sources only root can reach, such as a Python under ``/root``) and
    ``setpriv`` inside the sandbox drops to the unprivileged uid with no capabilities before the
    command starts. Otherwise bwrap runs unprivileged in a user namespace.
    """

    made: set[str] = {"/", "/usr", "/etc", "/tmp", "/proc", "/dev"}

    def bind(kind: str, path: str) -> list[str]:
        # create the parents ourselves, world-traversable: bwrap would copy modes such as /root's 0700
        out: list[str] = []
        parents = [str(q) for q in reversed(Path(path).parents)]
        for parent in parents:
            if parent not in made:
                made.add(parent)
                out += ["--perms", "0755", "--dir", parent]
        return out + [f"--{kind}", path, path]

    args = [bwrap_path(), "--die-with-parent", "--new-session"]
    if as_root:
        args += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
        setpriv = shutil.which("setpriv") or "/usr/bin/setpriv"
        command = [setpriv, f"--reuid={policy.uid}", f"--regid={policy.uid}", "--clear-groups",
                   "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--", *command]
    else:
        args += ["--unshare-all"]
    for d in ("/usr", "/etc"):
        args += bind("ro-bind", d)
    for link, target in (("/bin", "usr/bin"), ("/sbin", "usr/sbin"), ("/lib", "usr/lib"),
                         ("/lib64", "usr/lib64"), ("/lib32", "usr/lib32")):
        if os.path.islink(link):
            args += ["--symlink", target, link]
        elif os.path.isdir(link):
            args += bind("ro-bind", link)
    args += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/tmp"]
    binds = _python_roots() + [str(REPO_ROOT / "chiplab"), str(REPO_ROOT / "autograder")] + policy.read_only
    for p in dict.fromkeys(binds):
        if os.path.exists(p) and not p.startswith(("/usr/", "/etc/")) and p not in ("/usr", "/etc"):
            args += bind("ro-bind", p)
    args += bind("bind", policy.workdir) + bind("bind", policy.ipc_dir)
    args += ["--chdir", policy.workdir]
    return args + ["--", *command]


def sandbox_env(policy: Policy) -> dict[str, str]:
    """A clean environment for the kernel: nothing of the grader's leaks in."""
    venv_bin = str(Path(sys.executable).parent)
    return {
        "PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin",
        "HOME": policy.workdir,
        "TMPDIR": "/tmp",
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": "/tmp/mpl",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "NBGRADER_EXECUTION": "autograde",
        "JPY_SESSION_NAME": "",
        "CHIPLAB_SANDBOX": "1",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
    }


def address_space_mb(policy: Policy) -> int:
    """The address-space limit (MiB) of each sandboxed process.

    Memory is limited by ``RLIMIT_DATA`` (``memory_mb``): since Linux 4.7 it counts every private
    writable mapping (the heap, ``malloc``'s ``mmap`` chunks, a page made writable by ``mprotect``), so a
    memory hog gets ``MemoryError`` at ``memory_mb``, but address space merely *reserved* (``PROT_NONE``,
    as wasmtime does for a WebAssembly memory, or glibc for a thread's arena) costs nothing until used.
    ``RLIMIT_DATA`` does not count shared mappings (``mmap.mmap(-1, n)`` in Python is ``MAP_SHARED``), so
    ``RLIMIT_AS`` stays as a looser backstop: ``memory_mb`` plus :data:`WASM_HEADROOM_MB`.
    """
    if policy.address_space_mb:
        return max(policy.address_space_mb, policy.memory_mb)
    return policy.memory_mb + WASM_HEADROOM_MB


def _set_limits(policy: Policy) -> None:
    mb = 1024 * 1024
    limits = {
        resource.RLIMIT_CPU: policy.cpu_seconds,
        resource.RLIMIT_DATA: policy.memory_mb * mb,
        resource.RLIMIT_AS: address_space_mb(policy) * mb,
        resource.RLIMIT_FSIZE: policy.max_file_mb * mb,
        resource.RLIMIT_NOFILE: policy.max_open_files,
        resource.RLIMIT_CORE: 0,
    }
    if policy.uid is not None:
        # counts processes of the sandbox uid only; as the grader's own uid it would count the grader's too
        limits[resource.RLIMIT_NPROC] = policy.max_processes
    for which, value in limits.items():
        resource.setrlimit(which, (value, value))


def _chown_tree(path: str, uid: int) -> None:
    for dirpath, _dirnames, filenames in os.walk(path):
        os.chown(dirpath, uid, uid)
        for name in filenames:
            os.chown(os.path.join(dirpath, name), uid, uid, follow_symlinks=False)


def enter(policy: Policy, command: list[str]) -> None:
    """Become the sandboxed ``command`` (does not return)."""
    as_root = policy.uid is not None and os.geteuid() == 0
    argv = bwrap_command(policy, command, as_root=as_root)
    if as_root:
        _chown_tree(policy.workdir, policy.uid)
        _chown_tree(policy.ipc_dir, policy.uid)
    # the limits are inherited by bwrap and everything in the sandbox; RLIMIT_NPROC is enforced once
    # setpriv has dropped root (it counts the processes of the sandbox uid)
    _set_limits(policy)
    os.umask(0o077)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.execve(argv[0], argv, sandbox_env(policy))


def check_available() -> str:
    """Raise SandboxUnavailable unless a trivial command runs in the sandbox; return bwrap's path."""
    import subprocess
    import tempfile

    path = bwrap_path()
    with tempfile.TemporaryDirectory() as work, tempfile.TemporaryDirectory() as ipc:
        policy = Policy(workdir=work, ipc_dir=ipc)
        r = subprocess.run(bwrap_command(policy, [sys.executable, "-c", "print('ok')"]),
                           capture_output=True, text=True, env=sandbox_env(policy), timeout=60)
    if r.returncode != 0 or "ok" not in r.stdout:
        raise SandboxUnavailable(f"bubblewrap cannot create its namespaces here: {r.stderr.strip()[:300]}")
    return path


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description="run a command (a Jupyter kernel) in the grading sandbox")
    p.add_argument("--policy", required=True, help="the Policy as JSON")
    p.add_argument("command", nargs=argparse.REMAINDER)
    args = p.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        p.error("no command given")
    enter(Policy.from_json(args.policy), command)


if __name__ == "__main__":
    main()
