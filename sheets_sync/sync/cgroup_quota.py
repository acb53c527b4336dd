"""A container's CPU quota, which the CPU affinity does not show.

``docker --cpus=2`` or a Kubernetes ``limits.cpu: 2`` leave every CPU of the node in
``sched_getaffinity`` and give the process two CPUs' time each period: a worker per
listed CPU then took turns on that time (``workers.available_cpus`` takes the lesser).
Read from the cgroup the container sees as its root: v2's ``cpu.max``, else v1's pair.
"""

from __future__ import annotations

from pathlib import Path

#: where the quota is read: module attributes, so tests point them at files of their own
CPU_MAX = Path("/sys/fs/cgroup/cpu.max")
V1_CPU = Path("/sys/fs/cgroup/cpu")


def quota_cpus() -> int | None:
    """``ceil(quota / period)``, or None: no quota (v2's ``max``, v1's -1), no such file
    (not a container, not Linux) or one that cannot be read or makes no sense."""
    try:
        quota, period = CPU_MAX.read_text(encoding="ascii").split()[:2]
    except (OSError, ValueError, UnicodeError):
        try:
            quota = (V1_CPU / "cpu.cfs_quota_us").read_text(encoding="ascii")
            period = (V1_CPU / "cpu.cfs_period_us").read_text(encoding="ascii")
        except (OSError, UnicodeError):
            return None
    try:
        time_us, per_us = int(quota), int(period)
    except ValueError:  # "max"
        return None
    return -(-time_us // per_us) if time_us > 0 and per_us > 0 else None
