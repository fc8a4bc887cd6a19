"""The build's cache keeps bytes under a key and hands back only what verifies."""

from __future__ import annotations

import hashlib

import pytest

from workbench.cache import MANIFEST, ArtefactCache, code_version, verify_cache

KEY = hashlib.sha256(b"a node").hexdigest()


def test_kept_files_come_back_byte_for_byte_in_the_next_build(tmp_path):
    first = ArtefactCache(None, tmp_path / "first")
    first.keep(KEY, {"a.csv": b"x,y\n1,2\n", "about.json": b"[]"})
    assert sorted(p.name for p in (tmp_path / "first" / KEY).iterdir()) == [
        MANIFEST,
        "a.csv",
        "about.json",
    ]
    second = ArtefactCache(tmp_path / "first", tmp_path / "second")
    assert second.fetch(KEY) == {"a.csv": b"x,y\n1,2\n", "about.json": b"[]"}
    assert (tmp_path / "second" / KEY / "a.csv").read_bytes() == b"x,y\n1,2\n", "kept again"
    assert second.fetch(hashlib.sha256(b"another").hexdigest()) is None


def test_a_changed_file_is_discarded_not_reused(tmp_path):
    ArtefactCache(None, tmp_path / "first").keep(KEY, {"a.csv": b"x,y\n1,2\n"})
    (tmp_path / "first" / KEY / "a.csv").write_bytes(b"x,y\n1,3\n")
    assert verify_cache(tmp_path / "first") == (frozenset(), 1)
    second = ArtefactCache(tmp_path / "first", tmp_path / "second")
    assert second.discarded == 1
    assert second.fetch(KEY) is None


def test_a_key_must_be_a_sha256(tmp_path):
    with pytest.raises(ValueError, match="not a key"):
        ArtefactCache(None, tmp_path).keep("../escape", {"a": b""})


def test_the_code_version_covers_the_libraries_the_package_requires(monkeypatch):
    from workbench import cache

    seen = cache._required_libraries("workbench")
    assert {"pandas", "networkx", "matplotlib", "apache-hamilton", "pillow"} <= seen, (
        "direct and transitive requirements, from the package metadata"
    )
    assert len(code_version()) == 64


def test_every_file_of_the_package_is_in_the_code_version(tmp_path):
    """A change to the gap map page's style or to the search's rule table makes artefacts
    anew as a change to a module does; compiled files in ``__pycache__`` do not count."""
    import shutil

    import workbench
    from workbench.cache import package_digest

    package = shutil.copytree(
        workbench.__path__[0], tmp_path / "workbench", ignore=shutil.ignore_patterns("*.pyc")
    )
    first = package_digest(package)
    seen = {first}
    for name in ("render/assets/gap_map.css", "data/search_facet_rules.csv", "build.py"):
        with open(package / name, "a", encoding="utf-8") as handle:
            handle.write("\n")
        seen.add(last := package_digest(package))
    assert len(seen) == 4, "each edit gives another digest"
    (package / "__pycache__").mkdir(exist_ok=True)
    (package / "__pycache__" / "build.cpython-311.pyc").write_bytes(b"compiled")
    assert package_digest(package) == last
