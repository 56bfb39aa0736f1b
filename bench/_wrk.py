"""Running wrk and reading its answer: requests/s and p99 latency, or an error if any answer was not 2xx."""

from __future__ import annotations

import re
import subprocess

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def run_wrk(url: str, seconds: int, connections: int, extra: list[str]) -> tuple[float, float]:
    """Requests/s and p99 (ms) of `wrk -t1 -c<connections> -d<seconds>s --latency <extra> <url>`.

    A `Non-2xx` or `Socket errors` line in wrk's output aborts the run: an error rate is not a figure.
    """
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", *extra, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"wrk saw errors against {url}:\n{out}")
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    if rate is None or p99 is None:
        raise RuntimeError(f"cannot read wrk's output:\n{out}")
    return float(rate.group(1)), float(p99.group(1)) * _UNITS[p99.group(2)]
