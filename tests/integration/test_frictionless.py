"""The descriptor tells the truth: the Frictionless tooling, an independent implementation of
the Data Package standard, validates the shipped corpus too, and agrees with our validator on a
broken copy."""

from __future__ import annotations

import frictionless  # the test extra installs it: its absence fails, never skips


def _report(root):
    package = frictionless.Package(str(root / "corpus" / "datapackage.json"))
    return package.validate()


def test_frictionless_validates_the_shipped_package(repo_root):
    report = _report(repo_root)
    errors = [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors]
    assert report.valid, "\n".join(errors[:20])
    assert {task.name for task in report.tasks} >= {"standards", "guidelines", "searches"}


def test_frictionless_also_rejects_a_dangling_foreign_key(tmp_root):
    path = tmp_root / "corpus/guidelines.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "guideline:3.3,standard:3,", "guideline:3.3,standard:9,"
        ),
        encoding="utf-8",
    )
    report = _report(tmp_root)
    assert not report.valid
    types = {error.type for task in report.tasks for error in task.errors}
    assert "foreign-key" in types
