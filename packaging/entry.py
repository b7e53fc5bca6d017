"""The frozen program's entry point (PyInstaller needs a script): `yibao-desk` as installed."""

import sys

from desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
