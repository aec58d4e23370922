"""The input pipeline: torchvision's reference presets (references/classification/presets.py) on the export's
images, decoded with PIL in DataLoader worker processes, the sizes as the tfjs engine uses them (hyperparams.ts).

Training: RandomResizedCrop(inputSize, scale=recipe.cropScale) + horizontal flip + the recipe's auto-augment policy
(AutoAugment 'imagenet', TrivialAugmentWide 'ta_wide' with its largest translation recipe.taTranslatePixels,
RandAugment 'ra' at magnitude recipe.raMagnitude), ImageNet mean/std, then RandomErasing(p=randomErase); mixup/cutmix
on the collated batch. Evaluation: Resize(evalResize) + CenterCrop(evalSize). Every resampling uses
recipe.interpolation (train.py's --interpolation).

An image that cannot be decoded is left out of its batch and reported (the run goes on), as the tfjs loader does.
"""
import io
import re
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

import torch
from PIL import Image
from torchvision import transforms as T
from torchvision.transforms import InterpolationMode, autoaugment

from . import recipe as recipes

MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
TA_TRANSLATE_PIXELS = 32.0


class TrivialAugmentWideTranslate(autoaugment.TrivialAugmentWide):
    """TrivialAugmentWide whose translations reach `translate` pixels instead of torchvision's fixed 32 (the rest of
    its augmentation space, and its draws, unchanged)."""

    def __init__(self, translate: float, interpolation: InterpolationMode):
        super().__init__(interpolation=interpolation)
        self.translate = float(translate)

    def _augmentation_space(self, num_bins: int):
        space = super()._augmentation_space(num_bins)
        for op in ("TranslateX", "TranslateY"):
            space[op] = (torch.linspace(0.0, self.translate, num_bins), space[op][1])
        return space


def interpolation(hp: dict) -> InterpolationMode:
    return InterpolationMode(hp["recipe"].get("interpolation") or "bilinear")


def auto_augment(hp: dict):
    """presets.py's policy for recipe.autoAugment, or None."""
    r = hp["recipe"]
    policy, mode = r.get("autoAugment"), interpolation(hp)
    if policy == "ra":
        return autoaugment.RandAugment(interpolation=mode, magnitude=r.get("raMagnitude", 9))
    if policy == "ta_wide":
        translate = r.get("taTranslatePixels", TA_TRANSLATE_PIXELS)
        if translate == TA_TRANSLATE_PIXELS:
            return autoaugment.TrivialAugmentWide(interpolation=mode)
        return TrivialAugmentWideTranslate(translate, mode)
    if policy == "imagenet":
        return autoaugment.AutoAugment(autoaugment.AutoAugmentPolicy.IMAGENET, interpolation=mode)
    return None


def train_transform(hp: dict):
    r = hp["recipe"]
    steps = [
        T.RandomResizedCrop(hp["inputSize"], scale=recipes.crop_scale(hp), interpolation=interpolation(hp)),
        T.RandomHorizontalFlip(0.5),
    ]
    policy = auto_augment(hp)
    if policy is not None:
        steps.append(policy)
    steps += [T.PILToTensor(), T.ConvertImageDtype(torch.float), T.Normalize(MEAN, STD)]
    if (r.get("randomErase") or 0) > 0:
        steps.append(T.RandomErasing(p=r["randomErase"]))
    return T.Compose(steps)


def eval_transform(hp: dict):
    return T.Compose([
        T.Resize(hp["evalResize"], interpolation=interpolation(hp)),
        T.CenterCrop(hp["evalSize"]),
        T.PILToTensor(),
        T.ConvertImageDtype(torch.float),
        T.Normalize(MEAN, STD),
    ])


class ImageList(torch.utils.data.Dataset):
    """(ref, label) pairs -> (image tensor or None, label, index, error or None)."""

    def __init__(self, items: list, transform):
        self.items, self.transform = items, transform

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        ref, label = self.items[i]
        try:
            with Image.open(io.BytesIO(ref.read())) as im:
                image = im.convert("RGB")
            return self.transform(image), label, i, None
        except Exception as err:  # a bad image costs only itself
            # Stable words (no object addresses), so the same image is reported once however often it is read.
            reason = re.sub(r"\s*<[^>]* at 0x[0-9a-f]+>", "", f"{type(err).__name__}: {err}")
            return None, label, i, reason


@dataclass
class Batch:
    images: Optional[torch.Tensor]
    labels: torch.Tensor
    """What the loss compares with: the labels, or mixed one-hot targets."""
    targets: Optional[torch.Tensor]
    failed: List[Tuple[int, str]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return 0 if self.images is None else self.images.shape[0]

    def pin_memory(self):
        """DataLoader(pin_memory=True) calls this on custom batch types (CUDA: faster non-blocking copies)."""
        if self.images is not None:
            self.images = self.images.pin_memory()
            self.targets = self.targets.pin_memory()
        return self


class Collate:
    """Stacks the decodable samples; applies the batch mix (mixup/cutmix) when training with one."""

    def __init__(self, mix=None):
        self.mix = mix

    def __call__(self, samples):
        good = [s for s in samples if s[3] is None]
        failed = [(s[2], s[3]) for s in samples if s[3] is not None]
        if not good:
            return Batch(None, torch.zeros(0, dtype=torch.long), None, failed)
        images = torch.stack([s[0] for s in good])
        labels = torch.tensor([s[1] for s in good], dtype=torch.long)
        targets = labels
        if self.mix is not None:
            images, targets = self.mix(images, labels)
        return Batch(images, labels, targets, failed)


def loader(dataset, batch_size: int, sampler, workers: int, collate, generator=None, pin_memory=False):
    return torch.utils.data.DataLoader(
        dataset, batch_size=batch_size, sampler=sampler, num_workers=workers, collate_fn=collate,
        generator=generator, pin_memory=pin_memory, drop_last=False,
        persistent_workers=False, prefetch_factor=4 if workers > 0 else 2,
    )
