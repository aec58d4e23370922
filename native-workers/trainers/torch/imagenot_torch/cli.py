"""Commands of the trainer (see ../README.md):

  train --export DIR --recipe FILE --out DIR [--nproc N] [--device auto|cpu|cuda] [--amp recipe|on|off]
        [--channels-last auto|off] [--workers N] [--max-train-images N] [--check-replicas] [--parent-watch]
  bench --arch A [--input S] [--batch B] [--steps N] [--classes C] [--device ...] [--amp ...] [--channels-last ...]
  params [--classes C] [--input S]
  check-input ARCH:SIZE [ARCH:SIZE ...]
  split --export DIR [--val-fraction F] [--seed S] [--max-train-images N]
"""
import argparse
import os
import sys
import time
import traceback

import torch
import torchvision

from . import checkpoint, distributed, exportdata, models, protocol, recipe, training

KNOWN_ERRORS = (recipe.RecipeError, exportdata.ExportError, training.RunError, checkpoint.CheckpointError,
                distributed.LaunchError)


def device_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto",
                   help="auto: CUDA when torch sees a GPU, else CPU")
    p.add_argument("--amp", choices=["recipe", "on", "off"], default="recipe",
                   help="mixed precision on CUDA: where the recipe's reference command uses it (default), always, never")
    p.add_argument("--channels-last", choices=["auto", "off"], default="auto",
                   help="channels-last memory layout for convolutional models on CUDA (default) or not")


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="imagenot-torch-trainer", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train one architecture on a dataset export")
    t.add_argument("--export", required=True, help="dataset export folder (ImageFolder or WebDataset)")
    t.add_argument("--recipe", required=True, help="hyperparameters JSON (`imagenot arch recipe`)")
    t.add_argument("--out", required=True, help="run folder: checkpoint.pt, best.pt (resumes when it has a checkpoint)")
    t.add_argument("--nproc", type=int, default=1, help="ranks to start on this machine (DistributedDataParallel)")
    t.add_argument("--workers", type=int, default=None, help="decode processes per rank")
    t.add_argument("--max-train-images", type=int, default=None, help="use at most this many training images")
    t.add_argument("--check-replicas", action="store_true",
                   help="after each step, measure how far any rank's weights are from rank 0's (metric replica_max_abs_diff)")
    t.add_argument("--parent-watch", action="store_true", help="stop when stdin closes (the starting process ended)")
    device_options(t)
    b = sub.add_parser("bench", help="training images/s on random data (SGD momentum 0.9, lr 0.01, 2 warm-up steps)")
    b.add_argument("--arch", required=True, choices=models.ARCHS)
    b.add_argument("--input", type=int, default=96)
    b.add_argument("--batch", type=int, default=8)
    b.add_argument("--steps", type=int, default=5)
    b.add_argument("--classes", type=int, default=1000)
    device_options(b)
    pc = sub.add_parser("params", help="parameter counts of the nine models, as torchvision counts them")
    pc.add_argument("--classes", type=int, default=1000)
    pc.add_argument("--input", type=int, default=224)
    ci = sub.add_parser("check-input", help="does ARCH run a forward pass at SIZE x SIZE? (for each pair)")
    ci.add_argument("pairs", nargs="+", metavar="ARCH:SIZE")
    s = sub.add_parser("split", help="the run's train / val / test images (what train would use)")
    s.add_argument("--export", required=True)
    s.add_argument("--val-fraction", type=float, default=0.1)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--max-train-images", type=int, default=None)
    return ap


def command_train(args) -> int:
    if args.nproc > 1 and "RANK" not in os.environ:
        argv, skip = [], False
        for a in sys.argv[1:]:
            if skip or a == "--parent-watch" or a.startswith("--nproc="):
                skip = False
                continue
            if a == "--nproc":
                skip = True
                continue
            argv.append(a)
        return distributed.launch(args.nproc, argv, args.parent_watch)
    distributed.die_with_parent()
    if args.parent_watch:
        distributed.watch_parent_stdin(lambda: os._exit(70))
    ranks = distributed.ranks_from_env()
    hp = recipe.load_hyperparams(args.recipe)
    trainer = training.Trainer(args, hp, ranks)
    trainer.run()
    if ranks.distributed:
        # Every rank is done (its events written, checkpoints on disk). Leave without tearing the process group down:
        # torch 1.13's ProcessGroupGloo destructor joins its worker threads while holding the GIL, and a worker
        # releasing the last reference to a Python-owned tensor waits for the GIL: rank 0 hung there after its test
        # event, now and then, on this 2-core machine.
        distributed.barrier(ranks)
        sys.stderr.flush()
        os._exit(0)
    return 0


def command_bench(args) -> int:
    """The training step of `train` on random data, timed like ../../../shared/bench/torch_reference.py."""
    ranks = distributed.Ranks()
    hp = {"arch": args.arch, "recipe": {}}
    device = training.choose_device(args.device, ranks)
    args.workers = 0
    settings = training.Settings(args, hp, ranks, device)
    torch.manual_seed(1)
    model = models.build(args.arch, args.classes, args.input).to(device)
    if settings.channels_last:
        model = model.to(memory_format=torch.channels_last)
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    scaler = torch.cuda.amp.GradScaler(enabled=settings.amp)
    criterion = torch.nn.CrossEntropyLoss()
    images = settings.to_device(torch.randn(args.batch, 3, args.input, args.input))
    labels = (torch.arange(args.batch) * 7919 % args.classes).to(device)

    def step():
        training.train_step(model, criterion, optimizer, scaler, images, labels, settings.amp, None)

    for _ in range(2):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(args.steps):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    seconds = time.perf_counter() - t0
    protocol.emit("bench", arch=args.arch, input=args.input, batch=args.batch, steps=args.steps, seconds=seconds,
                  images_per_s=args.batch * args.steps / seconds, environment=settings.describe())
    return 0


def command_params(args) -> int:
    protocol.emit("params", counts=models.param_counts(args.classes, args.input), torchvision=torchvision.__version__)
    return 0


def command_check_input(args) -> int:
    results = []
    for pair in args.pairs:
        arch, _, size = pair.partition(":")
        error = models.check_input(arch, int(size))
        results.append({"arch": arch, "size": int(size), "ok": error is None, "error": error})
    protocol.emit("input", results=results)
    return 0


def command_split(args) -> int:
    export = exportdata.read_export(args.export)
    train, val = exportdata.run_split(export, args.val_fraction, args.seed, args.max_train_images)

    def rows(items):
        return [[ref.describe(), label] for ref, label in items]

    protocol.emit("split", root=export.root, format=export.format, classes=export.classes, train=rows(train),
                  val=rows(val), test=rows(export.test))
    return 0


COMMANDS = {"train": command_train, "bench": command_bench, "params": command_params,
            "check-input": command_check_input, "split": command_split}


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except KNOWN_ERRORS as err:
        protocol.emit("error", message=str(err))
        protocol.log(f"error: {err}")
        return 2
    except Exception as err:
        traceback.print_exc()
        protocol.emit("error", message=f"{type(err).__name__}: {err}")
        return 1
