"""Operations building blocks around the nightly sync; the CLI and the engine wire them in.

- ``history``: ``HistoryStore``, night-by-night KR/KPI snapshots in SQLite;
- ``notify``: ``turned_off_track``, ``notification``, ``send`` (command and/or webhook);
- ``shard``: ``parse_shard``, ``shard_of``, ``select``, ``save_results``, ``load_results``,
  ``load_shards``.

Nothing is imported here, so importing one of them (the engine does) stays cheap.
See ``docs/operations.md``.
"""
