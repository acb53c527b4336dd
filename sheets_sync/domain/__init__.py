"""Pure domain: models, value parsing, scoring, KPI status and lint. No I/O here."""
