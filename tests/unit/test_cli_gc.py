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
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    assert cli.main(["validate", "--root", str(repo_root)]) == 0
    assert seen == [cli.BATCH_GC_THRESHOLDS], "the command ran with the batch thresholds"
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen
    assert before != cli.BATCH_GC_THRESHOLDS, "else the test shows nothing"
