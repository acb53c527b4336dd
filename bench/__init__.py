"""Benchmark harness for sheets-sync: ``python -m bench`` (``make bench``).

Generates workspaces of N teams, then times, in fresh subprocesses, the full sync, a no-op
re-sync, a steady-state night (the next day, with 12 nights of history), the naive
openpyxl+pandas script a user would write instead, and a calamine read-only floor; plus
API calls and quota-bound wall time of the Google path through the emulator. Results go
to ``BENCHMARKS.md`` (see ``bench/report.py``).
"""
