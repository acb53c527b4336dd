"""Shared test helpers (LibreOffice conversions, ...)."""
