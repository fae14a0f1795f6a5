"""Launcher: `python app/serve.py [--host H] [--port P] [--index DIR]` == `policyqa serve …` (no logic here)."""

import sys

from policyqa.cli import app

if __name__ == "__main__":
    app(["serve", *sys.argv[1:]])
