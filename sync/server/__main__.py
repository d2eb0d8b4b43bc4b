"""``python -m sync.server`` runs the ``fieldapp-server`` command line."""

from sync.server.cli import main

if __name__ == "__main__":
    main()
