"""The trainer's output: one JSON object per line on stdout (the events io/torch-engine/events.ts validates), human
logs on stderr. Anything a library prints goes to stderr too: stdout is moved to a private descriptor at start-up
and fd 1 is pointed at stderr, so a stray print() can never corrupt the event stream.

Each event is written with one os.write of at most PIPE_BUF bytes where possible, so lines from several ranks
sharing the same pipe (a `--nproc` launch, or srun) never interleave.
"""
import json
import math
import os
import sys
import time

_events_fd = None


def take_stdout() -> None:
    """Keep the real stdout for events only; everything else written to fd 1 / sys.stdout lands on stderr."""
    global _events_fd
    if _events_fd is not None:
        return
    sys.stdout.flush()
    _events_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr


def events_fd() -> int:
    """The descriptor events are written to (what child processes should get as their stdout)."""
    return _events_fd if _events_fd is not None else 1


def _clean(value):
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"non-finite value {value} in an event")
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def emit(event: str, **fields) -> None:
    line = json.dumps({"event": event, **_clean(fields)}, separators=(",", ":"), allow_nan=False) + "\n"
    data = line.encode("utf-8")
    fd = events_fd()
    while data:
        n = os.write(fd, data)
        data = data[n:]


def log(message: str) -> None:
    sys.stderr.write(f"{time.strftime('%H:%M:%S')} {message}\n")
    sys.stderr.flush()


def metric_points(step: int, epoch: float, values: dict) -> list:
    """{name: value} -> [{step, epoch, name, value}], the shape of the `metrics` table and the `run.metric` events."""
    return [{"step": step, "epoch": epoch, "name": k, "value": float(v)} for k, v in values.items()]
