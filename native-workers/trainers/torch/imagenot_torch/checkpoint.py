"""Files of a run folder, each written whole (temporary file + rename), so a kill at any moment leaves either the old
file or the new one:

  checkpoint.pt   after every epoch: model, optimizer, scheduler, grad scaler, EMA, the loop state (epoch, step,
                  early stopping, the last epoch's metrics) and the hyperparameters it was made with.
  best.pt         the evaluated weights (the EMA's when the recipe has one) of the best validation epoch.
"""
import os

import torch

CHECKPOINT = "checkpoint.pt"
BEST = "best.pt"


class CheckpointError(Exception):
    pass


def save(path: str, obj) -> None:
    tmp = f"{path}.tmp-{os.getpid()}"
    torch.save(obj, tmp)
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)


def load(path: str):
    # Our own files: full unpickling (torch >= 2.6 defaults to weights_only=True, which refuses optimizer state).
    return torch.load(path, map_location="cpu", weights_only=False)


def read_checkpoint(out_dir: str, hp: dict):
    """The checkpoint in out_dir, or None; refuses one made with other hyperparameters."""
    path = os.path.join(out_dir, CHECKPOINT)
    if not os.path.exists(path):
        return None
    ckpt = load(path)
    if ckpt.get("hyperparams") != hp:
        raise CheckpointError(
            f"{path} was made with other hyperparameters than {hp['arch']} with this recipe; resume with the recipe "
            "file the run started with, or train into a new folder")
    return ckpt
