"""The Python build carries the web client: building a wheel builds client/ into the package.

Everything else is declared in pyproject.toml. Editable installs (the Makefile's) skip this:
`make run` and `make test` build the client themselves.

It also compiles palabre.media.mmsg, the media socket's batched I/O (sendmmsg, recvmmsg, UDP
GSO), on Linux, editable installs included (in place). The extension is optional: without a
C compiler or Python's headers the build goes on, and palabre.media.batchio runs its
pure-Python twin (the server's log says which at start).
"""

import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
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


MMSG = Extension(
    "palabre.media.mmsg",
    sources=["src/palabre/media/mmsg.c"],
    optional=True,
    extra_compile_args=["-O2"],
)

setup(
    cmdclass={"build_py": BuildWithWebClient},
    ext_modules=[MMSG] if sys.platform.startswith("linux") else [],
)
