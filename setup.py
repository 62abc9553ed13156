"""The Python build carries the web client: building a wheel builds client/ into the package.

Everything else is declared in pyproject.toml. Editable installs (the Makefile's) skip this:
`make run` and `make test` build the client themselves.
"""

import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).parent


class BuildWithWebClient(build_py):
    def run(self) -> None:
        client = ROOT / "client"
        if not getattr(self, "editable_mode", False) and (client / "package.json").exists():
            npm = shutil.which("npm")
            if npm is None:
                raise SystemExit("building Palabre needs Node.js and npm for the web client")
            subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=client, check=True)
            subprocess.run([npm, "run", "build"], cwd=client, check=True)
        super().run()


setup(cmdclass={"build_py": BuildWithWebClient})
