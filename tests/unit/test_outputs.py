"""workbench.outputs: the lock and the swap, in process (the guard's refusals run through the
console script in tests/integration/test_output_safety.py)."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from workbench.outputs import MARKER, OutputBusy, locked, replacing_folder


def test_a_held_lock_refuses_a_second_holder_and_goes_with_the_first(tmp_path):
    out = tmp_path / "out"
    with locked(out, "workbench build"):
        assert (tmp_path / ".out.lock").read_text() == f"{os.getpid()}\n"
        with pytest.raises(OutputBusy, match=rf"process {os.getpid()}\); nothing was written"):
            with locked(out, "workbench build"):
                pass
    assert list(tmp_path.iterdir()) == []
    with locked(out, "workbench build"):  # free again
        pass


def test_a_failure_in_the_block_leaves_the_output_and_removes_the_staging(tmp_path):
    root, out = tmp_path / "root", tmp_path / "out"
    root.mkdir()
    with replacing_folder(out, root, "workbench build") as stage:
        (stage.path / "a.txt").write_text("first\n")
    with pytest.raises(RuntimeError), replacing_folder(out, root, "workbench build") as stage:
        (stage.path / "a.txt").write_text("second\n")
        raise RuntimeError("a writer failed")
    assert (out / "a.txt").read_text() == "first\n"
    assert json.loads((out / MARKER).read_text())["state"] == "complete"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "root"]


def test_a_signal_during_the_swap_waits_until_the_swap_is_done(tmp_path, monkeypatch):
    # Python's own SIGINT handler, whatever the test runner inherited (a shell starts a
    # background job with SIGINT ignored); the autouse fixture restores it afterwards
    signal.signal(signal.SIGINT, signal.default_int_handler)
    root, out = tmp_path / "root", tmp_path / "out"
    root.mkdir()
    with replacing_folder(out, root, "workbench build") as stage:
        (stage.path / "a.txt").write_text("first\n")
    rename = os.rename

    def rename_then_interrupt(source, target):
        rename(source, target)
        if Path(target).name == "out" and Path(target).parent.name.endswith(".old"):
            os.kill(os.getpid(), signal.SIGINT)  # between the two renames

    monkeypatch.setattr(os, "rename", rename_then_interrupt)
    with pytest.raises(KeyboardInterrupt) as caught:
        with replacing_folder(out, root, "workbench build") as stage:
            (stage.path / "a.txt").write_text("second\n")
    assert caught.value.out_replaced is True
    assert (out / "a.txt").read_text() == "second\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "root"]


def interrupt_after(monkeypatch, module, name: str) -> None:
    """Make ``module.name`` do its work, then send this process SIGINT (Python's own
    handler: a KeyboardInterrupt at the next step), as a Ctrl-C that lands just then."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    real = getattr(module, name)

    def then_interrupted(*args, **kwargs):
        result = real(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGINT)
        return result

    monkeypatch.setattr(module, name, then_interrupted)


def test_a_signal_while_the_staging_folder_is_made_leaves_nothing(tmp_path, monkeypatch):
    """Ctrl-C that lands just as the staging folder appears (what a user pressing it as a
    build starts meets) stops the command and leaves neither the folder nor the lock."""
    import tempfile

    root, out = tmp_path / "root", tmp_path / "out"
    root.mkdir()
    interrupt_after(monkeypatch, tempfile, "mkdtemp")
    with pytest.raises(KeyboardInterrupt), replacing_folder(out, root, "workbench build"):
        pytest.fail("the block must not run")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["root"]


def test_a_signal_while_the_lock_is_taken_leaves_no_lock_file(tmp_path, monkeypatch):
    import fcntl

    interrupt_after(monkeypatch, fcntl, "flock")
    with pytest.raises(KeyboardInterrupt), locked(tmp_path / "out", "workbench build"):
        pytest.fail("the block must not run")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("writer", ["write_file", "tidy.write_atomically"])
def test_a_signal_while_a_temporary_file_is_made_leaves_the_file_as_it_was(
    writer, tmp_path, monkeypatch
):
    """A single file written in place (``--out FILE``, ``workbench tidy``'s repair of a
    corpus file) survives a Ctrl-C that lands as its temporary file appears: the file is as
    it was, and no temporary file is left beside it."""
    import tempfile

    from workbench import tidy
    from workbench.outputs import write_file

    path = tmp_path / "standards.csv"
    path.write_bytes(b"standard_id\nstandard:1\n")
    interrupt_after(monkeypatch, tempfile, "mkstemp")
    with pytest.raises(KeyboardInterrupt):
        if writer == "write_file":
            write_file(path, lambda temporary: temporary.write_bytes(b"new\n"))
        else:
            tidy.write_atomically(path, b"new\n")
    assert path.read_bytes() == b"standard_id\nstandard:1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["standards.csv"]


def test_a_stop_while_the_previous_output_is_removed_says_the_output_was_replaced(
    tmp_path, monkeypatch
):
    """The swap is done when the previous output is removed: a stop then says so (the
    command must not claim the output was left as it was), and what is left of the previous
    output keeps its marker, so the next run removes it."""
    import shutil

    from workbench import outputs

    root, out = tmp_path / "root", tmp_path / "out"
    root.mkdir()
    with replacing_folder(out, root, "workbench build") as stage:
        (stage.path / "a.txt").write_text("first\n")
    remove = shutil.rmtree

    def stopped_midway(path, *args, **kwargs):
        if Path(path).name == "out" and Path(path).parent.name.endswith(".old"):
            raise KeyboardInterrupt
        remove(path, *args, **kwargs)

    monkeypatch.setattr(outputs.shutil, "rmtree", stopped_midway)
    with pytest.raises(KeyboardInterrupt) as caught:
        with replacing_folder(out, root, "workbench build") as stage:
            (stage.path / "a.txt").write_text("second\n")
    assert caught.value.out_replaced is True
    assert (out / "a.txt").read_text() == "second\n"
    (left,) = [p for p in tmp_path.iterdir() if p.name.endswith(".old")]
    assert json.loads((left / MARKER).read_text())["state"] == "retired"
    monkeypatch.undo()
    with replacing_folder(out, root, "workbench build") as stage:
        (stage.path / "a.txt").write_text("third\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "root"]


def test_a_failed_run_removes_the_folders_it_made_for_the_output(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    with pytest.raises(RuntimeError):
        with replacing_folder(tmp_path / "new" / "deeper" / "out", root, "workbench build"):
            raise RuntimeError("a writer failed")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["root"]
