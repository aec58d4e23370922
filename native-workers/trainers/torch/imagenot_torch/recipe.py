"""A run's hyperparameters as the Node side resolves them (core/training/hyperparams.ts: the catalogue's recipe in
core/architectures/registry.ts with the user's overrides), read from JSON and turned into torch objects the way
torchvision's references/classification/train.py builds them: optimizer (SGD / RMSprop / AdamW, with the
normalization layers' own weight decay), StepLR or CosineAnnealingLR after a LinearLR/ConstantLR warm-up, stepped
once per epoch (`lrUpdate: 'epoch'`, train.py) or at every step on the same curve (`'step'`), label smoothing,
mixup/cutmix on the collated batch, weight EMA, gradient clipping, the repeated-augmentation sampler.

Nothing of the catalogue is declared here. A field this trainer does not know is refused unless its value is
neutral (null, 0, false, empty), so a recipe field added to the catalogue can never be silently ignored.
"""
import json
import math
import warnings

import torch
import torchvision
from torch import nn

# `differences` is the record of how the run differs from torchvision's recipe (each with its reason): read by people,
# not a setting. `ema` is the recipe's EMA with train.py's decay adjustment already applied.
HYPERPARAM_FIELDS = {
    "arch", "profile", "inputSize", "evalResize", "evalSize", "epochs", "batch", "lr", "patience", "seed",
    "valFraction", "cropScaleMin", "recipe", "ema", "differences",
}
RECIPE_FIELDS = {
    "optimizer", "lr", "momentum", "weightDecay", "normWeightDecay", "rmspropEps", "rmspropAlpha", "batchSize",
    "epochs", "schedule", "warmupEpochs", "warmupMethod", "warmupDecay", "lrUpdate", "labelSmoothing", "mixupAlpha",
    "cutmixAlpha", "autoAugment", "raMagnitude", "taTranslatePixels", "randomErase", "ema", "raReps",
    "clipGradNorm", "cropScale", "interpolation", "amp", "trainCropSize", "valResizeSize", "valCropSize", "source",
}
# train.py's defaults for the fields a recipe may leave out (or give as null).
RMSPROP_EPS, RMSPROP_ALPHA = 0.0316, 0.9
INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "box", "hamming", "lanczos")
REQUIRED = ["arch", "profile", "inputSize", "evalResize", "epochs", "batch", "lr", "patience", "seed", "valFraction",
            "cropScaleMin", "recipe"]


class RecipeError(Exception):
    pass


def _neutral(value) -> bool:
    return value is None or value is False or value == 0 or value == "" or value == [] or value == {}


def _unknown(obj: dict, known: set, where: str):
    for key, value in obj.items():
        if key not in known and not _neutral(value):
            raise RecipeError(
                f"{where}: field '{key}' (value {json.dumps(value)}) is not implemented by the torch trainer; "
                "refusing to train without it")


def load_hyperparams(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as f:
            hp = json.load(f)
    except (OSError, ValueError) as err:
        raise RecipeError(f"{path}: cannot read the recipe file ({err})")
    if not isinstance(hp, dict):
        raise RecipeError(f"{path}: not a JSON object")
    missing = [k for k in REQUIRED if k not in hp]
    if missing:
        raise RecipeError(f"{path}: missing {', '.join(missing)} (write it with `imagenot arch recipe`)")
    _unknown(hp, HYPERPARAM_FIELDS, path)
    _unknown(hp["recipe"], RECIPE_FIELDS, f"{path}: recipe")
    r = hp["recipe"]
    # A recipe file written before the evaluation crop was its own field evaluated at the training size.
    hp.setdefault("evalSize", hp["inputSize"])
    if r["optimizer"] not in ("sgd", "rmsprop", "adamw"):
        raise RecipeError(f"{path}: recipe.optimizer '{r['optimizer']}' is not sgd, rmsprop or adamw")
    if r["schedule"]["kind"] not in ("step", "cosine"):
        raise RecipeError(f"{path}: recipe.schedule.kind '{r['schedule']['kind']}' is not step or cosine")
    if r.get("autoAugment") not in (None, "imagenet", "ta_wide", "ra"):
        raise RecipeError(f"{path}: recipe.autoAugment '{r['autoAugment']}' is not imagenet, ta_wide or ra")
    if r.get("lrUpdate", "epoch") not in ("epoch", "step"):
        raise RecipeError(f"{path}: recipe.lrUpdate '{r['lrUpdate']}' is not epoch or step")
    if r.get("interpolation", "bilinear") not in INTERPOLATIONS:
        raise RecipeError(f"{path}: recipe.interpolation '{r['interpolation']}' is not one of {', '.join(INTERPOLATIONS)}")
    for key in ("epochs", "batch", "inputSize", "evalResize", "evalSize", "patience"):
        if not isinstance(hp[key], int) or hp[key] < 1:
            raise RecipeError(f"{path}: {key} must be a positive whole number, got {hp[key]!r}")
    reps = r.get("raReps") or 0
    if not isinstance(reps, int) or reps < 0:
        raise RecipeError(f"{path}: recipe.raReps must be a whole number >= 0, got {reps!r}")
    magnitude = r.get("raMagnitude", 9)
    if not isinstance(magnitude, int) or not 0 <= magnitude <= 30:
        raise RecipeError(f"{path}: recipe.raMagnitude must be a whole number from 0 to 30 (31 bins), got {magnitude!r}")
    lo, hi = crop_scale(hp)
    if not 0 < lo <= hi <= 1:
        raise RecipeError(f"{path}: recipe.cropScale must be [low, high] with 0 < low <= high <= 1, got {[lo, hi]}")
    if hp["arch"] == "vit_b_16" and hp["evalSize"] != hp["inputSize"]:
        raise RecipeError(
            f"{path}: vit_b_16 evaluates at {hp['evalSize']} px but trains at {hp['inputSize']} px; torchvision's ViT is "
            "built for one image size (its position embedding), so the two crops must be equal")
    return hp


def crop_scale(hp: dict):
    """RandomResizedCrop's area scale: the recipe's cropScale (older recipe files: cropScaleMin to 1)."""
    scale = hp["recipe"].get("cropScale")
    return (float(scale[0]), float(scale[1])) if scale else (float(hp["cropScaleMin"]), 1.0)


def make_optimizer(model: nn.Module, hp: dict) -> torch.optim.Optimizer:
    r = hp["recipe"]
    wd = r["weightDecay"]
    if r.get("normWeightDecay") is None:
        params = model.parameters()
    else:
        norm, other = torchvision.ops._utils.split_normalization_params(model)
        params = [{"params": p, "weight_decay": w} for p, w in ((norm, r["normWeightDecay"]), (other, wd)) if p]
    lr = hp["lr"]
    if r["optimizer"] == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=r["momentum"], weight_decay=wd)
    if r["optimizer"] == "rmsprop":
        eps, alpha = r.get("rmspropEps"), r.get("rmspropAlpha")
        return torch.optim.RMSprop(params, lr=lr, momentum=r["momentum"], weight_decay=wd,
                                   eps=RMSPROP_EPS if eps is None else eps, alpha=RMSPROP_ALPHA if alpha is None else alpha)
    return torch.optim.AdamW(params, lr=lr, weight_decay=wd)


def updates_per_epoch(hp: dict, steps_per_epoch: int) -> int:
    """How often the scheduler is stepped per epoch: once (train.py), or after every step (`lrUpdate: 'step'`)."""
    return steps_per_epoch if hp["recipe"].get("lrUpdate", "epoch") == "step" else 1


def make_scheduler(optimizer: torch.optim.Optimizer, hp: dict, steps_per_epoch: int = 1):
    """train.py's scheduler, its lengths counted in scheduler steps: epochs (stepped after each epoch), or steps
    (`lrUpdate: 'step'`: stepped after each step, so step b of epoch e has the lr of epoch e + b / steps_per_epoch on
    the same curve, as core/training/schedule.ts evaluates it). Warm-up longer than the run is cut to the run."""
    r = hp["recipe"]
    per = updates_per_epoch(hp, steps_per_epoch)
    epochs = hp["epochs"]
    warm = min(r.get("warmupEpochs", 0), epochs)
    if r["schedule"]["kind"] == "step":
        main = torch.optim.lr_scheduler.StepLR(optimizer, step_size=r["schedule"]["stepSize"] * per, gamma=r["schedule"]["gamma"])
    else:
        main = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=max(1, (epochs - warm) * per))
    if warm <= 0:
        return main
    decay = r.get("warmupDecay") or 0.01
    if r.get("warmupMethod") in (None, "constant"):  # train.py's default
        warmup = torch.optim.lr_scheduler.ConstantLR(optimizer, factor=decay, total_iters=warm * per)
    else:
        warmup = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=decay, total_iters=warm * per)
    # torch 1.13's SequentialLR steps its schedulers with an epoch argument at the milestone and warns about it.
    warnings.filterwarnings("ignore", message="The epoch parameter in `scheduler.step\\(\\)` was not necessary")
    return torch.optim.lr_scheduler.SequentialLR(optimizer, schedulers=[warmup, main], milestones=[warm * per])


def make_criterion(hp: dict) -> nn.Module:
    return nn.CrossEntropyLoss(label_smoothing=hp["recipe"].get("labelSmoothing", 0) or 0)


class ExponentialMovingAverage(torch.optim.swa_utils.AveragedModel):
    """references/classification/utils.py's EMA: avg = decay * avg + (1 - decay) * weights, buffers included."""

    def __init__(self, model: nn.Module, decay: float, device):
        def ema_avg(avg, param, _count):
            return decay * avg + (1.0 - decay) * param

        super().__init__(model, device, ema_avg, use_buffers=True)


def make_ema(model: nn.Module, hp: dict, world_size: int, batch_per_rank: int, device):
    """The weight EMA with train.py's decay adjustment, alpha = (1 - decay) * world * batch * steps / epochs capped at 1:
    the decay per update the run resolved and recorded (hp.ema.decayPerUpdate), else computed here."""
    ema = hp["recipe"].get("ema")
    if not ema:
        return None
    resolved = hp.get("ema") or {}
    if resolved.get("decayPerUpdate") is not None:
        return ExponentialMovingAverage(model, float(resolved["decayPerUpdate"]), device)
    adjust = world_size * batch_per_rank * ema["steps"] / hp["epochs"]
    alpha = min(1.0, (1.0 - ema["decay"]) * adjust)
    return ExponentialMovingAverage(model, 1.0 - alpha, device)


class Mixup:
    """Mixup (Zhang et al.) on a collated batch, as references/classification/transforms.py's RandomMixup with
    p=1: the batch is paired with itself rolled by one, lambda ~ Beta(alpha, alpha), one-hot targets mixed alike."""

    def __init__(self, num_classes: int, alpha: float):
        self.num_classes, self.alpha = num_classes, float(alpha)  # JSON gives 1.0 as the integer 1

    def __call__(self, images: torch.Tensor, target: torch.Tensor):
        target = nn.functional.one_hot(target, self.num_classes).to(images.dtype)
        lam = float(torch._sample_dirichlet(torch.tensor([self.alpha, self.alpha]))[0])
        images = images * lam + images.roll(1, 0) * (1.0 - lam)
        return images, target * lam + target.roll(1, 0) * (1.0 - lam)


class Cutmix:
    """CutMix (Yun et al.) as RandomCutmix with p=1: a box of area ~(1 - lambda) centred uniformly, clipped to the
    image, pasted from the rolled batch; targets mixed by the box's actual area."""

    def __init__(self, num_classes: int, alpha: float):
        self.num_classes, self.alpha = num_classes, float(alpha)

    def __call__(self, images: torch.Tensor, target: torch.Tensor):
        target = nn.functional.one_hot(target, self.num_classes).to(images.dtype)
        lam = float(torch._sample_dirichlet(torch.tensor([self.alpha, self.alpha]))[0])
        h, w = images.shape[-2:]
        cx, cy = int(torch.randint(w, (1,))), int(torch.randint(h, (1,)))
        r = 0.5 * math.sqrt(1.0 - lam)
        half_w, half_h = int(r * w), int(r * h)
        x1, y1 = max(cx - half_w, 0), max(cy - half_h, 0)
        x2, y2 = min(cx + half_w, w), min(cy + half_h, h)
        images = images.clone()
        images[:, :, y1:y2, x1:x2] = images.roll(1, 0)[:, :, y1:y2, x1:x2]
        lam = 1.0 - (x2 - x1) * (y2 - y1) / (w * h)
        return images, target * lam + target.roll(1, 0) * (1.0 - lam)


def make_batch_mix(hp: dict, num_classes: int):
    """train.py: RandomChoice over the configured mixup/cutmix, applied to every training batch; None when neither."""
    r = hp["recipe"]
    mixes = []
    if (r.get("mixupAlpha") or 0) > 0:
        mixes.append(Mixup(num_classes, r["mixupAlpha"]))
    if (r.get("cutmixAlpha") or 0) > 0:
        mixes.append(Cutmix(num_classes, r["cutmixAlpha"]))
    if not mixes:
        return None
    return torchvision.transforms.RandomChoice(mixes)


class RASampler(torch.utils.data.Sampler):
    """references/classification/sampler.py's RASampler (repeated augmentation, from DeiT), as train.py uses it with
    `--ra-sampler --ra-reps N`: each index of the epoch's permutation (seeded by seed + epoch) is repeated N times in a
    row, the list is padded to a multiple of the number of ranks and dealt out round-robin (the N augmented copies of
    an image land on N different ranks), and each rank keeps floor(len(dataset) // 256 * 256 / ranks) of its share."""

    def __init__(self, dataset_size: int, num_replicas: int, rank: int, seed: int, repetitions: int):
        self.size, self.num_replicas, self.rank, self.seed, self.repetitions = dataset_size, num_replicas, rank, seed, repetitions
        self.epoch = 0
        self.num_samples = int(math.ceil(dataset_size * float(repetitions) / num_replicas))
        self.total_size = self.num_samples * num_replicas
        self.num_selected_samples = int(math.floor(dataset_size // 256 * 256 / num_replicas))

    def __iter__(self):
        g = torch.Generator()
        g.manual_seed(self.seed + self.epoch)
        indices = torch.randperm(self.size, generator=g).tolist()
        indices = [i for i in indices for _ in range(self.repetitions)]
        indices += indices[: (self.total_size - len(indices))]
        indices = indices[self.rank: self.total_size: self.num_replicas]
        return iter(indices[: self.num_selected_samples])

    def __len__(self):
        return self.num_selected_samples

    def set_epoch(self, epoch: int):
        self.epoch = epoch


def make_sampler(hp: dict, dataset_size: int, world: int, rank: int):
    """The training sampler: the RA sampler when the recipe has one (raReps > 0), else the seeded shuffle of
    DistributedSampler (the same code for one rank or many)."""
    reps = hp["recipe"].get("raReps") or 0
    if reps > 0:
        return RASampler(dataset_size, world, rank, hp["seed"], reps)
    return torch.utils.data.distributed.DistributedSampler(
        range(dataset_size), num_replicas=world, rank=rank, shuffle=True, seed=hp["seed"], drop_last=False)
