#!/usr/bin/env python3
"""ImageNot Studio's PyTorch trainer: `python3 train.py train --export DIR --recipe FILE --out DIR`, and `--help`.

Checks first that this interpreter has PyTorch and torchvision, and says what to install when it has not.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from imagenot_torch import protocol  # noqa: E402  (standard library only)

MIN_TORCHVISION = (0, 13)  # torchvision.models.<arch>(weights=None, ...)
INSTALL = ("install PyTorch and torchvision for this interpreter (pip install torch torchvision; on Debian: "
           "apt-get install python3-torch python3-torchvision), or choose another one with --python or IMAGENOT_PYTHON")


def fail(message: str) -> None:
    protocol.emit("error", message=message, install=True)
    protocol.log(f"error: {message}")
    sys.exit(3)


def require_torch() -> None:
    where = f"{sys.executable} (Python {sys.version.split()[0]})"
    try:
        import torch  # noqa: F401
        import torchvision
    except Exception as err:  # ImportError, or a broken install failing inside its own import
        fail(f"{where} cannot import PyTorch/torchvision ({type(err).__name__}: {err}): {INSTALL}")
    version = tuple(int(x) for x in re.match(r"(\d+)\.(\d+)", torchvision.__version__).groups())
    if version < MIN_TORCHVISION:
        fail(f"{where} has torchvision {torchvision.__version__}; the trainer needs 0.13 or newer: {INSTALL}")


def busy_cores(seconds: float = 0.1) -> float:
    """Cores' worth of CPU time the whole machine used over `seconds` (Linux /proc/stat; 0 elsewhere)."""
    def sample():
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
        return sum(fields), fields[3] + (fields[4] if len(fields) > 4 else 0)
    try:
        total0, idle0 = sample()
        time.sleep(seconds)
        total1, idle1 = sample()
    except (OSError, ValueError):
        return 0.0
    total = total1 - total0
    return (total - (idle1 - idle0)) / total * (os.cpu_count() or 1) if total > 0 else 0.0


def choose_thread_wait_policy() -> None:
    """On a busy machine, OpenMP threads that spin while waiting take the cores from each other: measured here with
    two threads and other processes on both cores, MobileNetV3 steps ran at 3.9 images/s spinning and 41.6 waiting
    passively. So: passive when busy, libgomp's default when quiet; the user's OMP_WAIT_POLICY/GOMP_SPINCOUNT win.
    Must run before torch loads libgomp."""
    if "OMP_WAIT_POLICY" in os.environ or "GOMP_SPINCOUNT" in os.environ:
        return
    if busy_cores() >= 0.5:
        os.environ["OMP_WAIT_POLICY"] = "PASSIVE"


if __name__ == "__main__":
    protocol.take_stdout()
    choose_thread_wait_policy()
    require_torch()
    from imagenot_torch.cli import main

    sys.exit(main())
