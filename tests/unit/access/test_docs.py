"""The example in docs/access.md runs and says what the text says."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).parents[3] / "docs" / "access.md"


def test_documented_example_runs(capsys):
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert blocks
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), {})  # noqa: S102 - executing our own documentation
    out = capsys.readouterr().out
    assert out.startswith("DENIED")
    assert "failed clause 1" in out
    assert "'frontend/web'" in out
