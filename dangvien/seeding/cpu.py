"""How much of the machine a load used (issue 14): the rate of a bulk load
depends on what else runs, so the seeder reports its own CPU beside the
machine's."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path


def _own_cpu() -> float:
    """CPU seconds (user + system) of this process and its finished children."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _machine_jiffies() -> tuple[int, int] | None:
    """(busy, total) clock ticks of all cores since boot (Linux), None elsewhere."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    total = sum(fields[:8])  # user nice system idle iowait irq softirq steal
    return total - idle, total


@dataclass(frozen=True)
class CpuShare:
    seconds: float  # wall time measured
    own_cpu: float  # CPU seconds of the load's processes (not the database server's)
    cores: int
    machine_busy: float | None  # share of all cores busy meanwhile (0..1), everyone's

    @property
    def own_share(self) -> float:
        """The load's own share of the machine's cores (0..1)."""
        return self.own_cpu / (self.seconds * self.cores) if self.seconds else 0.0

    def describe(self) -> str:
        text = (
            f"CPU của tiến trình nạp {self.own_cpu:.0f} giây "
            f"({self.own_share:.0%} của {self.cores} lõi)"
        )
        if self.machine_busy is not None:
            text += f"; cả máy bận {self.machine_busy:.0%} (gồm PostgreSQL và việc khác)"
        return text


class CpuMeter:
    """`meter = CpuMeter().start()`, the load, then `meter.stop()`: the CpuShare
    of what ran in between."""

    def start(self) -> CpuMeter:
        self._wall = time.perf_counter()
        self._own = _own_cpu()
        self._jiffies = _machine_jiffies()
        return self

    def stop(self) -> CpuShare:
        end = _machine_jiffies()
        busy = None
        if self._jiffies and end and end[1] > self._jiffies[1]:
            busy = (end[0] - self._jiffies[0]) / (end[1] - self._jiffies[1])
        return CpuShare(
            seconds=time.perf_counter() - self._wall,
            own_cpu=_own_cpu() - self._own,
            cores=os.cpu_count() or 1,
            machine_busy=busy,
        )
