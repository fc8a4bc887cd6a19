"""Run ``workbench ARGS`` as its own process, forked from a process that has already imported
the workbench, instead of starting a fresh interpreter (which costs ~0.7 s of CPU a command).

:func:`run` is ``subprocess.run`` for the installed console script: each command gets a NEW
process (its own pid, started by ``fork`` from a long-lived *zygote* that has imported
``workbench.cli``, ``workbench.build`` and the libraries the build needs) with the argv, working
folder and environment given, its stdin, stdout and stderr on the caller's files, and it runs
what the console script runs (``workbench.cli:main``, ``[project.scripts]`` in pyproject.toml)
the way the interpreter would: ``sys.exit(main())``; an uncaught exception prints its traceback
on stderr and exits 1; threads are joined, ``atexit`` functions run and the streams are flushed
before the process exits. The exit status (a negative signal number for a killed process) and
the captured output come back as a :class:`subprocess.CompletedProcess`; past ``timeout`` the
process is killed and :class:`subprocess.TimeoutExpired` is raised, as ``subprocess.run`` does.

What a forked process cannot show, and so where the tests keep the real console script:
anything decided at interpreter start-up (``PYTHONHASHSEED``, ``-X`` options, the stream
encodings, the import of the entry point itself: test_cli_help, test_lazy_imports,
test_determinism's hash-seed build), signals and locks between real processes (test_kill,
test_cli_pipes, test_output_safety), the README's commands as typed (test_readme), and at least
ONE case of each fault suite (test_faults, test_faults_input, test_faults_evidence), so that an
entry-point problem that forking would hide still fails a test. tests/integration/test_zygote.py
compares this module with the real script.

One zygote serves a test process (each pytest-xdist worker has its own); it starts on the first
call, accepts concurrent calls (each is served by its own forked monitor, which forks the
command and reports its pid and exit status), and exits with the test process, having waited
for every process it forked (so that ``time`` on the test run counts their CPU).
"""

from __future__ import annotations

import atexit
import ctypes
import io
import json
import locale
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

#: The installed console script, as the tests call it.
WORKBENCH = Path(sys.executable).with_name("workbench")
#: What the zygote imports once, so that a forked command does not: the command line and the
#: build with the libraries its artefacts import on first use.
PRELOAD = (
    "workbench.cli",
    "workbench.build",
    "workbench.validation",
    "pandas",
    "networkx",
    "matplotlib.pyplot",
    "sklearn.feature_extraction.text",
)

_lock = threading.Lock()
_zygote: dict[str, Any] = {}


def run(
    args: Sequence[str | os.PathLike],
    *,
    capture_output: bool = True,
    text: bool = False,
    encoding: str | None = None,
    errors: str | None = None,
    timeout: float | None = None,
    cwd: str | os.PathLike | None = None,
    env: Mapping[str, str] | None = None,
    input: str | bytes | None = None,
    check: bool = False,
    stdout: Any = None,
) -> subprocess.CompletedProcess:
    """Run the console script ``args`` (``[WORKBENCH, *arguments]``) as a forked process.

    The keywords mean what they mean to ``subprocess.run``; output is always captured (a
    command's output never mixes into the test's), and without ``input`` stdin is /dev/null.
    ``stdout``, when given, is an open file the command writes its standard output to
    instead (``result.stdout`` is then ``None``); ``capture_output=False`` says so, as
    ``subprocess.run`` wants it said.

    Returns:
        The finished process: ``args``, ``returncode`` (``-N`` if killed by signal N), and
        ``stdout`` and ``stderr`` as text when ``text``/``encoding``/``errors`` ask for it;
        also ``pid``, the command's process id (the same attribute is set on a timeout).

    Raises:
        subprocess.TimeoutExpired: the command ran past ``timeout`` seconds; it was killed.
        subprocess.CalledProcessError: ``check`` and a non-zero exit status.
    """
    assert capture_output or stdout is not None, "the forked script captures what it is not given"
    args = [os.fspath(arg) for arg in args]
    assert Path(args[0]).name == "workbench", f"{args[0]} is not the workbench console script"
    textual = text or encoding is not None or errors is not None
    if textual and isinstance(input, str):
        input = input.encode(encoding or locale.getpreferredencoding(False), errors or "strict")
    request = {
        "argv": args,
        "cwd": os.fspath(cwd) if cwd is not None else os.getcwd(),
        "env": dict(os.environ if env is None else env),
    }
    given = stdout
    with (
        tempfile.TemporaryFile() as stdin,
        tempfile.TemporaryFile() as captured,
        tempfile.TemporaryFile() as stderr,
    ):
        if input is not None:
            stdin.write(input)
            stdin.seek(0)
        target = given if given is not None else captured
        pid, returncode, timed_out = _ask(
            request, [stdin.fileno(), target.fileno(), stderr.fileno()], timeout
        )
        out: Any = _read(captured) if given is None else None
        err: Any = _read(stderr)
    if textual:
        out = _decode(out, encoding, errors) if out is not None else None
        err = _decode(err, encoding, errors)
    if timed_out:
        expired = subprocess.TimeoutExpired(args, timeout or 0, output=out, stderr=err)
        expired.pid = pid  # type: ignore[attr-defined]
        raise expired
    result = subprocess.CompletedProcess(args, returncode, out, err)
    result.pid = pid  # type: ignore[attr-defined]  # the command's process, for its tests
    if check:
        result.check_returncode()
    return result


def _read(file: Any) -> bytes:
    file.seek(0)
    return file.read()


def _decode(data: bytes, encoding: str | None, errors: str | None) -> str:
    """Decode as ``subprocess`` does in text mode (a TextIOWrapper: newlines translated)."""
    return io.TextIOWrapper(io.BytesIO(data), encoding=encoding, errors=errors).read()


def _ask(request: dict, fds: list[int], timeout: float | None) -> tuple[int, int, bool]:
    """Have the zygote fork the command; return its pid, its exit status and whether it was
    killed for running past ``timeout`` (counted from the moment the process exists)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.connect(_zygote_address())
        socket.send_fds(connection, [b"R"], fds)
        connection.sendall(json.dumps(request).encode())
        connection.shutdown(socket.SHUT_WR)
        replies = connection.makefile("rb")
        pid = int(replies.readline())
        connection.settimeout(timeout)
        timed_out = False
        try:
            line = replies.readline()
        except TimeoutError:
            timed_out = True
            os.kill(pid, signal.SIGKILL)
            connection.settimeout(None)
            replies = connection.makefile("rb")  # a timed-out file object is unusable
            line = replies.readline()
        return pid, int(line), timed_out


def _zygote_address() -> str:
    """Start this process's zygote on first use; return the path of its socket."""
    with _lock:
        if "address" not in _zygote or _zygote["process"].poll() is not None:
            folder = tempfile.mkdtemp(prefix="wb-zygote-")
            address = os.path.join(folder, "socket")
            listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            listener.bind(address)
            listener.listen(64)  # calls wait here while the zygote imports
            process = subprocess.Popen(
                [sys.executable, __file__, str(listener.fileno()), str(os.getpid())],
                stdin=subprocess.PIPE,  # closed when this process is done with it
                stdout=subprocess.DEVNULL,
                pass_fds=[listener.fileno()],
            )
            listener.close()
            _zygote.update(address=address, process=process, folder=folder)
            atexit.register(_stop, process, folder)
        return _zygote["address"]


def _stop(process: subprocess.Popen, folder: str) -> None:
    assert process.stdin is not None
    process.stdin.close()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------------------
# The zygote (run as ``python zygote.py LISTENER_FD PARENT_PID``)
# --------------------------------------------------------------------------------------


def _serve(listener_fd: int, parent: int) -> None:
    """Import what a command needs, then fork a monitor for each connection until stdin ends.

    Each monitor is waited for, so that the CPU time of the commands adds up in this process's
    parent, as it would for commands started by the test process itself.
    """
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        return
    import importlib
    import select

    before = dict(os.environ)
    for name in PRELOAD:
        importlib.import_module(name)
    # Variables the imports set (a real run's imports would set them in its environment).
    set_by_imports = {k: v for k, v in os.environ.items() if before.get(k) != v}
    listener = socket.socket(fileno=listener_fd)
    monitors: set[int] = set()
    while True:
        ready, _, _ = select.select([listener, sys.stdin], [], [], 1.0)
        monitors -= {pid for pid in list(monitors) if os.waitpid(pid, os.WNOHANG)[0]}
        if sys.stdin in ready:  # the test process closed it: it is done
            break
        if listener in ready:
            connection, _ = listener.accept()
            pid = os.fork()
            if pid == 0:
                listener.close()
                try:
                    _monitor(connection, set_by_imports)
                finally:
                    os._exit(0)
            monitors.add(pid)
            connection.close()
    for pid in monitors:
        os.waitpid(pid, 0)


def _monitor(connection: socket.socket, set_by_imports: dict[str, str]) -> None:
    """Receive one request, fork its command, reply with the pid and then the exit status."""
    _, fds, _, _ = socket.recv_fds(connection, 1, 3)
    chunks = []
    while chunk := connection.recv(1 << 16):
        chunks.append(chunk)
    request = json.loads(b"".join(chunks))
    pid = os.fork()
    if pid == 0:
        connection.close()
        _command(request, fds, set_by_imports)  # never returns
    for fd in fds:
        os.close(fd)
    connection.sendall(f"{pid}\n".encode())
    _, status = os.waitpid(pid, 0)
    connection.sendall(f"{os.waitstatus_to_exitcode(status)}\n".encode())


def _command(request: dict, fds: list[int], set_by_imports: dict[str, str]) -> None:
    """Become the command: its streams, folder, environment and argv; then run the script."""
    try:
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        for key, value in set_by_imports.items():
            os.environ.setdefault(key, value)
        sys.argv = list(request["argv"])
        sys.path[0] = os.path.dirname(sys.argv[0])  # as for a script: the script's folder
    except BaseException:
        import traceback

        traceback.print_exc()
        sys.stderr.flush()
        os._exit(70)
    os._exit(_console_script())


def _console_script() -> int:
    """What ``workbench`` (the generated console script) and the interpreter do around
    ``main()``: return the exit status of the process."""
    import re

    from workbench.cli import main

    try:
        sys.argv[0] = re.sub(r"(-script\.pyw|\.exe)?$", "", sys.argv[0])
        sys.exit(main())
    except SystemExit as exit:
        code = _exit_status(exit.code)
    except KeyboardInterrupt:
        sys.excepthook(*sys.exc_info())
        code = -signal.SIGINT
    except BaseException:
        sys.excepthook(*sys.exc_info())
        code = 1
    threading._shutdown()  # type: ignore[attr-defined]  # join non-daemon threads
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            code = 120  # the interpreter's status when flushing at exit fails
    if code == -signal.SIGINT:  # the interpreter dies of the signal, as a shell expects
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1)
    return code


def _exit_status(code: object) -> int:
    """The status the interpreter exits with for ``SystemExit(code)``."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


if __name__ == "__main__":
    _serve(int(sys.argv[1]), int(sys.argv[2]))
