"""The Python lines of the package README and of the repository README run as written: every
```python block, in order, in one namespace per file (a new user copies them; they must not rot)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
READMES = [HERE.parent / "README.md", HERE.parents[2] / "README.md"]


def python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.parametrize("path", READMES, ids=lambda p: str(p.relative_to(HERE.parents[2])))
def test_readme_python_runs_as_written(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("pandas")
    blocks = python_blocks(path)
    assert blocks, f"{path} has no python block"
    namespace: dict[str, object] = {}
    for k, block in enumerate(blocks):
        try:
            exec(compile(block, f"{path.name}[python block {k + 1}]", "exec"), namespace)
        except Exception as e:  # noqa: BLE001 - report which block failed
            pytest.fail(f"{path.name}, python block {k + 1} failed: {type(e).__name__}: {e}\n{block}")
    capsys.readouterr()


def test_version_is_the_crates() -> None:
    import microcredit as mc

    cargo = (HERE.parents[2] / "Cargo.toml").read_text(encoding="utf-8")
    crate_version = re.search(r'\[workspace\.package\][^\[]*?version = "([^"]+)"', cargo, flags=re.S)
    assert crate_version is not None
    assert mc.__version__ == crate_version.group(1)
