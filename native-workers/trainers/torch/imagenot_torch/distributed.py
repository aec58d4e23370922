"""Ranks and how they start.

One node, N ranks (`--nproc N`): this process becomes a small launcher that starts N copies of the trainer with the
env:// rendezvous variables (MASTER_ADDR=127.0.0.1, a free MASTER_PORT, RANK, WORLD_SIZE, LOCAL_RANK,
LOCAL_WORLD_SIZE), as torchrun would; Debian's torch 1.13 torchrun crashes in its elastic launcher, and this needs
nothing but the standard library. The ranks die with the launcher (PR_SET_PDEATHSIG); a failing rank stops the
others. Every rank shares the launcher's stdout, so their events reach the same reader.

Several nodes: start the trainer under torchrun (it sets RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT) or
under Slurm's srun (SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID; MASTER_ADDR and MASTER_PORT exported by the batch
script). The process group is NCCL on CUDA and gloo on CPU.
"""
import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

import torch
import torch.distributed as dist


@dataclass
class Ranks:
    rank: int = 0
    world: int = 1
    local_rank: int = 0
    local_world: int = 1

    @property
    def distributed(self) -> bool:
        return self.world > 1

    @property
    def main(self) -> bool:
        return self.rank == 0


class LaunchError(Exception):
    pass


def ranks_from_env() -> Ranks:
    env = os.environ
    if "RANK" in env and "WORLD_SIZE" in env:
        rank, world = int(env["RANK"]), int(env["WORLD_SIZE"])
        local_rank = int(env.get("LOCAL_RANK", "0"))
        local_world = int(env.get("LOCAL_WORLD_SIZE", str(world)))
    elif int(env.get("SLURM_NTASKS", "1")) > 1 and "SLURM_PROCID" in env:
        rank, world = int(env["SLURM_PROCID"]), int(env["SLURM_NTASKS"])
        local_rank = int(env.get("SLURM_LOCALID", "0"))
        local_world = int(env.get("SLURM_NTASKS_PER_NODE", "1").split("(")[0])
    else:
        return Ranks()
    if world > 1:
        for var in ("MASTER_ADDR", "MASTER_PORT"):
            if var not in env:
                raise LaunchError(
                    f"rank {rank} of {world}: {var} is not set (with srun, export MASTER_ADDR=$(scontrol show hostnames "
                    "\"$SLURM_JOB_NODELIST\" | head -n1) and a MASTER_PORT in the batch script)")
    return Ranks(rank, world, local_rank, local_world)


def init_process_group(ranks: Ranks, device: torch.device) -> None:
    if not ranks.distributed:
        return
    backend = "nccl" if device.type == "cuda" else "gloo"
    dist.init_process_group(backend, init_method="env://", rank=ranks.rank, world_size=ranks.world)


def barrier(ranks: Ranks) -> None:
    if ranks.distributed:
        dist.barrier()


def all_sum(ranks: Ranks, values, device) -> list:
    """Sum a few numbers over the ranks (float64)."""
    t = torch.tensor(values, dtype=torch.float64, device=device)
    if ranks.distributed:
        dist.all_reduce(t)
    return t.tolist()


def all_min(ranks: Ranks, value: int, device) -> int:
    if not ranks.distributed:
        return value
    t = torch.tensor([value], dtype=torch.int64, device=device)
    dist.all_reduce(t, op=dist.ReduceOp.MIN)
    return int(t.item())


def replica_divergence(ranks: Ranks, model: torch.nn.Module) -> float:
    """The largest absolute difference between any rank's parameters and rank 0's (0.0 when they agree)."""
    flat = torch.cat([p.detach().reshape(-1).double() for p in model.parameters()])
    reference = flat.clone()
    dist.broadcast(reference, src=0)
    diff = (flat - reference).abs().max().reshape(1)
    dist.all_reduce(diff, op=dist.ReduceOp.MAX)
    return float(diff.item())


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def die_with_parent() -> None:
    """Linux: this process gets SIGKILL when the process that started it ends (no orphaned ranks)."""
    expected = os.environ.get("IMAGENOT_TORCH_LAUNCHER_PID")
    if not expected or not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        return
    if os.getppid() != int(expected):  # the launcher ended before prctl took effect
        os._exit(70)


def watch_parent_stdin(on_eof) -> None:
    """When the process that started us goes away, our stdin (its pipe) ends: stop at once.

    Reads the descriptor itself, not sys.stdin: a thread blocked in sys.stdin holds its lock, and a DataLoader worker
    forked meanwhile deadlocks when multiprocessing closes sys.stdin at its start."""

    def watch():
        try:
            while os.read(0, 65536):
                pass
        except OSError:
            pass
        on_eof()

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def launch(nproc: int, argv: list, parent_watch: bool) -> int:
    """Start `nproc` ranks of this trainer on this machine and wait; returns the exit code (the first failure's)."""
    from . import protocol

    port = free_port()
    procs = []
    base = dict(os.environ, MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), WORLD_SIZE=str(nproc),
                LOCAL_WORLD_SIZE=str(nproc), IMAGENOT_TORCH_LAUNCHER_PID=str(os.getpid()))

    def stop_all(sig=signal.SIGTERM):
        for p in procs:
            if p.poll() is None:
                try:
                    p.send_signal(sig)
                except ProcessLookupError:
                    pass

    def kill_and_exit():
        stop_all(signal.SIGKILL)
        os._exit(70)

    if parent_watch:
        watch_parent_stdin(kill_and_exit)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda s, _f: stop_all(s))
    for rank in range(nproc):
        env = dict(base, RANK=str(rank), LOCAL_RANK=str(rank))
        procs.append(subprocess.Popen([sys.executable, sys.argv[0], *argv], env=env, stdin=subprocess.DEVNULL,
                                      stdout=protocol.events_fd()))
    failed = None
    while any(p.poll() is None for p in procs):
        for rank, p in enumerate(procs):
            if p.poll() not in (None, 0) and failed is None:
                failed = (rank, p.returncode)
                stop_all()
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline and any(q.poll() is None for q in procs):
                    time.sleep(0.1)
                stop_all(signal.SIGKILL)
        time.sleep(0.1)
    if failed is None:
        failed = next(((r, p.returncode) for r, p in enumerate(procs) if p.returncode != 0), None)
    if failed is None:
        return 0
    rank, code = failed
    how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
    protocol.emit("error", message=f"rank {rank} of {nproc} {how} (its log is above)", rank=rank)
    return code if code > 0 else 1
