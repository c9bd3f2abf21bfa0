"""nbgrader pieces that start the student's kernel in the sandbox and bound what it can send back.

- :class:`SandboxKernelManager` starts the kernel through ``python -m autograder.sandbox`` with ZeroMQ
  over Unix sockets, in a private working folder holding only the lab's data files (never the
  notebook being graded, which contains the hidden tests), and interrupts it by message.
- :class:`SandboxedExecute` is nbgrader's Execute preprocessor with that kernel manager and a cap on
  how much output one cell may produce, so a flood of output cannot exhaust the grader's memory.

The worker sets :data:`POLICY` before each submission (one submission at a time per process).
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient.exceptions import DeadKernelError
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Integer

from autograder.sandbox import Policy

#: the sandbox of the submission being graded now (set by the worker)
POLICY: Policy | None = None

#: files of the lab folder never copied into the sandbox
_NEVER_COPY = ("*.ipynb", ".ipynb_checkpoints", "__pycache__", "timestamp.txt")


def _copy_data_files(src: str | None, dst: str) -> None:
    if not src or not os.path.isdir(src) or os.path.realpath(src) == os.path.realpath(dst):
        return
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames[:] = [d for d in dirnames if not any(fnmatch.fnmatch(d, p) for p in _NEVER_COPY)]
        rel = os.path.relpath(dirpath, src)
        target = os.path.join(dst, rel) if rel != "." else dst
        os.makedirs(target, exist_ok=True)
        for name in filenames:
            if not any(fnmatch.fnmatch(name, p) for p in _NEVER_COPY):
                shutil.copy2(os.path.join(dirpath, name), os.path.join(target, name))


class SandboxKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel runs in the grading sandbox."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if POLICY is None:
            raise RuntimeError("autograder.sandbox_kernel.POLICY is not set")
        self.policy = POLICY
        Path(self.policy.ipc_dir).mkdir(parents=True, exist_ok=True)
        self.transport = "ipc"
        self.ip = os.path.join(self.policy.ipc_dir, "k")
        self.connection_file = os.path.join(self.policy.ipc_dir, "kernel.json")

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        cmd = super().format_kernel_cmd(extra_arguments)
        # the kernel runs as another uid in other namespaces: interrupt it by message, not by signal
        self.kernel_spec.interrupt_mode = "message"
        if cmd and os.path.basename(cmd[0]).startswith("python"):
            cmd[0] = sys.executable
        return [sys.executable, "-m", "autograder.sandbox", "--policy", self.policy.to_json(), "--", *cmd]

    async def _async_start_kernel(self, **kw: Any) -> None:
        _copy_data_files(kw.get("cwd"), self.policy.workdir)
        kw["cwd"] = self.policy.workdir
        kw["env"] = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG")}
        await super()._async_start_kernel(**kw)

    start_kernel = _async_start_kernel  # type: ignore[assignment]


class SandboxedExecute(Execute):
    """nbgrader's Execute, with the sandboxed kernel and a per-cell output budget."""

    max_output_bytes = Integer(
        200_000, help="bytes of output kept per cell; the rest is dropped with a note"
    ).tag(config=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["kernel_manager_class"] = SandboxKernelManager
        super().__init__(*args, **kwargs)
        self._budget: dict[int, int] = {}
        self._noted: set[tuple[int, str]] = set()
        self._timed_out = False

    # -- a kernel that dies or hangs costs the cells that needed it, not the whole submission --------

    async def _async_handle_timeout(self, timeout: int, cell: NotebookNode | None = None) -> Any:
        self._timed_out = True
        return await super()._async_handle_timeout(timeout, cell)

    def _restart_kernel(self) -> None:
        self.log.warning("restarting the student's kernel")
        run_sync(self.km.restart_kernel)(now=True)
        if self.kc is not None:
            self.kc.stop_channels()
        run_sync(self.async_start_new_kernel_client)()

    def _responsive(self, seconds: float = 5) -> bool:
        try:
            run_sync(self.kc.kernel_info)(reply=True, timeout=seconds)
            return True
        except Exception:  # noqa: BLE001 - any failure means: not answering
            return False

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> tuple[NotebookNode, Any]:
        self._timed_out = False
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            cell.outputs.append(NotebookNode(
                output_type="error", ename="DeadKernelError", evalue="the kernel died while running this cell",
                traceback=["DeadKernelError: the kernel died while running this cell; it was restarted "
                           "for the cells after it"]))
            self._restart_kernel()
            return cell, self.resources
        if self._timed_out and not self._responsive():
            # interrupted but still busy (e.g. a loop that ignores KeyboardInterrupt)
            self._restart_kernel()
        return cell, resources

    def output(self, outs: list[NotebookNode], msg: dict, display_id: str | None,
               cell_index: int) -> NotebookNode | None:
        kind = msg.get("msg_type")
        if kind in ("error", "execute_result"):
            return super().output(outs, msg, display_id, cell_index)
        content = msg.get("content", {})
        size = len(str(content.get("text", ""))) + sum(len(str(v)) for v in content.get("data", {}).values())
        used = self._budget.get(cell_index, 0) + size
        self._budget[cell_index] = used
        if used <= self.max_output_bytes:
            return super().output(outs, msg, display_id, cell_index)
        name = content.get("name", "stdout") if kind == "stream" else "stdout"
        if (cell_index, name) not in self._noted:
            # keep the stream kind: output on stderr still means what nbgrader says it means
            self._noted.add((cell_index, name))
            note = NotebookNode(output_type="stream", name=name,
                                text=f"\n[output truncated: more than {self.max_output_bytes} bytes]\n")
            outs.append(note)
            return note
        return None
