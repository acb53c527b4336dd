"""Run sheets-sync from a checkout: ``python cli.py --help``."""
from sheets_sync.cli import main
main()
