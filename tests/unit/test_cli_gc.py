"""A command runs with the collector's batch thresholds, and leaves a caller's process (a
notebook, a test) as it found it: its thresholds restored and nothing frozen."""

from __future__ import annotations

import gc

from workbench import cli


def test_a_command_called_in_process_restores_the_thresholds_and_freezes_nothing(
    repo_root, capsys, monkeypatch
):
    seen = []
    real_run = cli._run

    def run(args):
        seen.append(gc.get_threshold())
        return real_run(args)

    monkeypatch.setattr(cli, "_run", run)
    held = gc.get_threshold()
    gc.set_threshold(700, 10, 10)  # Python's own, whatever the test process runs with
    try:
        frozen = gc.get_freeze_count()
        assert cli.main(["validate", "--root", str(repo_root)]) == 0
        assert gc.get_threshold() == (700, 10, 10)
        assert gc.get_freeze_count() == frozen
    finally:
        gc.set_threshold(*held)
    assert seen == [cli.BATCH_GC_THRESHOLDS], "the command ran with the batch thresholds"
