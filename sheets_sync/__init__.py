"""sheets-sync: keep a company's OKRs and KPIs in the spreadsheets its people already use."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sheets-sync")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0.0.0"

__all__ = ["__version__"]
