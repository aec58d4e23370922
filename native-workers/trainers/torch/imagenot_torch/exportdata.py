"""A dataset export listed exactly as the Node side lists it (io/train-data/export-dataset.ts), and the seeded
subset and validation split of the tfjs engine (core/training/split.ts, core/training/random.ts,
core/stats/bootstrap.ts's mulberry32), so both engines train and stop on the same images. Pure Python (no torch):
test/unit/torch-trainer.test.ts checks the listing and the split against the TypeScript functions bit for bit.

Layouts: ImageFolder (`<split>/<wnid>/*.jpg|jpeg|png|webp`) or WebDataset (`<split>-NNNNNN.tar`, `<key>.<image
ext>` + `<key>.cls`). Classes in dataset.json's order, else the sorted folder names of train/.
"""
import json
import math
import os
import re
import tarfile
from dataclasses import dataclass
from typing import List, Optional, Tuple

IMAGE_EXT = re.compile(r"\.(jpe?g|png|webp)$", re.IGNORECASE)
IMAGE_MEMBER_EXT = ("jpg", "jpeg", "png", "webp")
MASK = 0xFFFFFFFF


@dataclass(frozen=True)
class ImageRef:
    """A file (`tar` None) or a member of a tar shard (`offset`, `size` of its bytes, `key` the sample key)."""

    path: str
    tar: bool = False
    offset: int = 0
    size: int = 0
    key: str = ""

    def describe(self) -> str:
        return f"{self.path}#{self.key}" if self.tar else self.path

    def read(self) -> bytes:
        with open(self.path, "rb") as f:
            if not self.tar:
                return f.read()
            f.seek(self.offset)
            return f.read(self.size)


@dataclass
class DatasetExport:
    root: str
    format: str
    classes: List[str]
    train: List[Tuple[ImageRef, int]]
    test: List[Tuple[ImageRef, int]]


class ExportError(Exception):
    pass


def js_sorted(names):
    """JavaScript's default sort: by UTF-16 code units (Python compares code points)."""
    return sorted(names, key=lambda s: s.encode("utf-16-be", "surrogatepass"))


def _classes_from_json(root: str) -> Optional[List[str]]:
    path = os.path.join(root, "dataset.json")
    if not os.path.exists(path):
        return None
    try:
        with open(path, encoding="utf-8") as f:
            parsed = json.load(f)
    except ValueError as err:
        raise ExportError(f"{path}: not valid JSON ({err})")
    classes = parsed.get("classes") if isinstance(parsed, dict) else None
    if not isinstance(classes, list) or not classes:
        raise ExportError(f"{path}: no 'classes' list")
    out = []
    for i, c in enumerate(classes):
        wnid = c if isinstance(c, str) else (c.get("wnid") if isinstance(c, dict) else None)
        if not isinstance(wnid, str):
            raise ExportError(f"{path}: classes[{i}] has no wnid")
        out.append(wnid)
    return out


def _list_shards(root: str, names: List[str], classes: Optional[List[str]]):
    items = []
    max_label = -1
    for name in names:
        path = os.path.join(root, name)
        by_key = {}
        with tarfile.open(path, "r:") as tar:
            for m in tar:
                if not m.isreg() or m.name.startswith("/") or ".." in m.name.split("/"):
                    continue
                dot = m.name.rfind(".")
                key, ext = m.name[:dot], m.name[dot + 1:].lower()
                entry = by_key.setdefault(key, {})
                if ext in IMAGE_MEMBER_EXT:
                    entry["img"] = m
                elif ext == "cls":
                    entry["cls"] = m
            for key, e in by_key.items():
                if "img" not in e:
                    continue
                if "cls" not in e:
                    raise ExportError(f"{path}: sample '{key}' has no .cls member")
                text = tar.extractfile(e["cls"]).read().decode("utf-8").strip()
                label = int(text) if re.fullmatch(r"[+-]?\d+", text) else -1
                if label < 0 or (classes is not None and label >= len(classes)):
                    raise ExportError(f"{path}: sample '{key}': class index '{text}' out of range")
                max_label = max(max_label, label)
                img = e["img"]
                items.append((ImageRef(path, True, img.offset_data, img.size, key), label))
    return items, [f"class_{i}" for i in range(max_label + 1)]


def read_export(directory: str) -> DatasetExport:
    root = os.path.abspath(directory)
    if not os.path.isdir(root):
        raise ExportError(f"{root} is not a folder")
    entries = os.listdir(root)

    def shards(split):
        return js_sorted(n for n in entries if re.fullmatch(rf"{split}-\d+\.tar", n))

    json_classes = _classes_from_json(root)
    if shards("train"):
        train, inferred = _list_shards(root, shards("train"), json_classes)
        test, _ = _list_shards(root, shards("test"), json_classes)
        return DatasetExport(root, "webdataset", json_classes or inferred, train, test)
    if not os.path.exists(os.path.join(root, "train")):
        raise ExportError(f"{root} is not a dataset export: no train/ folder and no train-NNNNNN.tar shards")
    train_dir = os.path.join(root, "train")
    folder_classes = js_sorted(n for n in os.listdir(train_dir) if os.path.isdir(os.path.join(train_dir, n)))
    classes = json_classes or folder_classes
    index = {w: i for i, w in enumerate(classes)}

    def listing(split):
        base = os.path.join(root, split)
        if not os.path.exists(base):
            return []
        out = []
        for wnid in js_sorted(os.listdir(base)):
            folder = os.path.join(base, wnid)
            if not os.path.isdir(folder):
                continue
            if wnid not in index:
                raise ExportError(f"{folder}: class '{wnid}' is not in {'dataset.json' if json_classes else 'train/'}")
            for f in js_sorted(os.listdir(folder)):
                if IMAGE_EXT.search(f):
                    out.append((ImageRef(os.path.join(folder, f)), index[wnid]))
        return out

    return DatasetExport(root, "imagefolder", classes, listing("train"), listing("test"))


# --- seeded randomness, bit-exact with core/training/random.ts and core/stats/bootstrap.ts ---------------------

def _imul(a: int, b: int) -> int:
    return (a * b) & MASK


def hash_ints(*xs: int) -> int:
    h = 0x9E3779B9
    for x in xs:
        h = _imul(h ^ (int(x) & MASK), 0x85EBCA6B)
        h ^= h >> 13
        h = _imul(h, 0xC2B2AE35)
        h ^= h >> 16
    return h & MASK


def mulberry32(seed: int):
    state = [seed & MASK]

    def rand() -> float:
        state[0] = (state[0] + 0x6D2B79F5) & MASK
        t = state[0]
        t = _imul(t ^ (t >> 15), t | 1)
        t ^= (t + _imul(t ^ (t >> 7), t | 61)) & MASK
        return ((t ^ (t >> 14)) & MASK) / 4294967296

    return rand


def js_round(x: float) -> int:
    """JavaScript's Math.round: halves go up (Python's round() goes to even)."""
    f = math.floor(x)
    return f + 1 if x - f >= 0.5 else f


def spread(items: list, n: Optional[int]) -> list:
    """At most n items, evenly spread over the list (every class keeps its share), as workers/ spreads them."""
    if not n or n >= len(items):
        return list(items)
    return [items[(i * len(items)) // n] for i in range(n)]


def validation_split(labels: List[int], fraction: float, seed: int):
    """(train indices, val indices): a seeded fraction of each class, at least one image of every class with two."""
    by_class = {}
    for i, label in enumerate(labels):
        by_class.setdefault(label, []).append(i)
    train, val = [], []
    for label in sorted(by_class):
        rand = mulberry32(hash_ints(seed, label, 0x7A1))
        shuffled = list(by_class[label])
        for i in range(len(shuffled) - 1, 0, -1):
            j = math.floor(rand() * (i + 1))
            shuffled[i], shuffled[j] = shuffled[j], shuffled[i]
        k = 0 if fraction <= 0 or len(shuffled) < 2 else max(1, js_round(len(shuffled) * fraction))
        val.extend(shuffled[:k])
        train.extend(shuffled[k:])
    return sorted(train), sorted(val)


def run_split(export: DatasetExport, val_fraction: float, seed: int, max_train_images: Optional[int]):
    """The run's (train, val) lists of (ref, label): the subset, then the seeded stratified split."""
    pool = spread(export.train, max_train_images)
    train_idx, val_idx = validation_split([label for _, label in pool], val_fraction, seed)
    return [pool[i] for i in train_idx], [pool[i] for i in val_idx]
