# Run sheets-sync from a checkout: python cli.py --help
if __name__ == "__main__":
    __import__("sheets_sync.cli").cli.main()
