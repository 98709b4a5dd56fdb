"""acutesim.atomic: a file is the old one or the complete new one, never half written."""

from __future__ import annotations

import pytest

from acutesim.atomic import atomic_path, atomic_write_bytes, temporary_sibling


def test_temporary_sibling_is_hidden_beside_the_file(tmp_path):
    assert temporary_sibling(tmp_path / "kpis.parquet") == tmp_path / ".kpis.parquet.tmp"


def test_a_successful_block_renames_the_temporary_file(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old")
    with atomic_path(target) as tmp:
        tmp.write_text("new")
        assert target.read_text() == "old"  # nothing visible until the block ends
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_a_failing_block_keeps_the_old_file_and_removes_the_temporary_one(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old")

    def write_half_then_fail() -> None:
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_half_then_fail()
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_a_block_that_writes_nothing_leaves_the_file_alone(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old")
    with atomic_path(target):
        pass
    assert target.read_text() == "old"


def test_a_leftover_of_an_interrupted_write_is_never_renamed(tmp_path):
    target = tmp_path / "a.txt"
    temporary_sibling(target).write_text("stale")
    with atomic_path(target):
        pass
    assert not target.exists()
    assert not temporary_sibling(target).exists()


def test_atomic_write_bytes_writes_the_whole_content(tmp_path):
    target = tmp_path / "sub.bin"
    atomic_write_bytes(target, b"\x00\x01abc")
    assert target.read_bytes() == b"\x00\x01abc"
    atomic_write_bytes(str(target), b"second")
    assert target.read_bytes() == b"second"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sub.bin"]
