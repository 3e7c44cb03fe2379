"""Whether this Python can run the tool: exit 0 for 3.11 or newer with every package of requirements.txt, else 1.

The double-click launchers (launch.bat, launch.sh) run this with each Python they find, in
order, and use the first that passes. Run as a file, standard library only, so that an old
Python or one without the packages answers with its exit code instead of a traceback.
"""

import sys
from pathlib import Path

REQUIREMENTS = Path(__file__).resolve().parents[2] / "requirements.txt"


def missing(requirements=REQUIREMENTS):
    """The distributions named in ``requirements`` that this Python does not have."""
    from importlib import metadata

    names = []
    for line in requirements.read_text(encoding="utf-8").splitlines():
        name = line.split("#")[0].split("==")[0].split(">=")[0].strip()
        if name:
            try:
                metadata.version(name)
            except metadata.PackageNotFoundError:
                names.append(name)
    return names


if __name__ == "__main__":
    sys.exit(1 if sys.version_info < (3, 11) or missing() else 0)
