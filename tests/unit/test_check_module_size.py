"""scripts/check_module_size.py: modules over the line limit fail the check, listed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "check_module_size.py"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False
    )


def write_lines(path: Path, n: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"x_{i} = {i}\n" for i in range(n)))


def test_modules_within_the_limit_pass(tmp_path):
    write_lines(tmp_path / "pkg" / "a.py", 700)
    write_lines(tmp_path / "pkg" / "sub" / "b.py", 10)
    result = run(str(tmp_path / "pkg"))
    assert result.returncode == 0, result.stderr
    assert "at most 700 lines" in result.stdout


def test_modules_over_the_limit_fail_and_are_listed_longest_first(tmp_path):
    write_lines(tmp_path / "pkg" / "ok.py", 700)
    write_lines(tmp_path / "pkg" / "big.py", 701)
    write_lines(tmp_path / "pkg" / "sub" / "bigger.py", 900)
    result = run(str(tmp_path / "pkg"))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "check_module_size: 2 modules over 700 lines:"
    assert lines[1].endswith("bigger.py: 900 lines")
    assert lines[2].endswith("big.py: 701 lines")
    assert "ok.py" not in result.stderr


def test_the_limit_is_an_option(tmp_path):
    write_lines(tmp_path / "pkg" / "a.py", 50)
    assert run("--limit", "49", str(tmp_path / "pkg")).returncode == 1
    assert run("--limit", "50", str(tmp_path / "pkg")).returncode == 0


def test_a_missing_folder_is_exit_2(tmp_path):
    result = run(str(tmp_path / "nope"))
    assert result.returncode == 2
    assert "is not a folder" in result.stderr
