"""What every bench shares: the machine line and writing its own section of docs/benchmarks.md.

Standard library only: the NLU bench runs in the bot runtime, the others in the app runtime.
"""

from __future__ import annotations

import os
import platform
import re
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md"


def machine() -> str:
    """CPU model, logical CPUs, RAM, OS, Python: "AMD EPYC, 2 CPUs, 23.5 GiB RAM, Linux 6.1, Python 3.11"."""
    cpu, ram = platform.processor() or platform.machine(), "unknown RAM"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        found = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
        if found:
            ram = f"{int(found.group(1)) / 2**20:.1f} GiB RAM"
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    return f"{cpu}, {os.cpu_count()} CPUs, {ram}, {system}"


def write_section(section: str, start: str, end: str, path: Path = BENCHMARKS) -> None:
    """Replace the text between ``start`` and ``end`` (``section`` includes both markers), or append it."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
