"""torchvision's (0.14) and torch's (1.13) results for the training pieces the tfjs trainer reimplements.

Run by test/helpers/torchvision.ts with Debian's /usr/bin/python3: `torchvision_reference.py COMMAND`, a JSON request on
stdin, a JSON answer on stdout. Random draws are not torch's: each request carries the uniform draws the TypeScript
side used, and `DrawnTorch` hands them to torchvision's own code in place of torch.rand / torch.randint /
torch.empty(1).uniform_, so both sides make the same choices and torchvision computes the result.

The classes of torchvision's references/classification (RandomMixup, RandomCutmix, ExponentialMovingAverage,
RASampler, train.py's EMA schedule) are not installed with torchvision; they are written out here from the references
of the 0.14 release.
"""
import json
import math
import random
import sys
import types

import torch
import torchvision
import torchvision.transforms.autoaugment as autoaugment_module
import torchvision.transforms.transforms as transforms_module
from torchvision.transforms import InterpolationMode
from torchvision.transforms.autoaugment import _apply_op

torch.set_num_threads(1)


class Draws:
    def __init__(self, values):
        self.values = list(values)
        self.used = 0

    def next(self):
        if self.used >= len(self.values):
            raise RuntimeError(f"torchvision asked for more than the {len(self.values)} draws given")
        v = self.values[self.used]
        self.used += 1
        return v


class _Uniform:
    def __init__(self, draws):
        self.draws = draws

    def uniform_(self, a, b):
        return torch.tensor([a + (b - a) * self.draws.next()], dtype=torch.float32)


class DrawnTorch(types.ModuleType):
    """The `torch` module as torchvision's transforms see it, with every random draw taken from `draws`."""

    def __init__(self, draws):
        super().__init__("torch")
        self._draws = draws

    def __getattr__(self, name):
        return getattr(torch, name)

    def empty(self, *size, **kwargs):
        return _Uniform(self._draws)

    def rand(self, *size, **kwargs):
        shape = size[0] if len(size) == 1 and isinstance(size[0], (tuple, list)) else size
        n = int(math.prod(shape))
        return torch.tensor([self._draws.next() for _ in range(n)], dtype=torch.float32).reshape(tuple(shape))

    def randint(self, *args, size=None, dtype=None, **kwargs):
        if len(args) >= 2 and not isinstance(args[1], (tuple, list)):
            low, high = args[0], args[1]
            size = size if size is not None else args[2]
        else:
            low, high = 0, args[0]
            size = size if size is not None else args[1]
        n = int(math.prod(size))
        values = [low + math.floor(self._draws.next() * (high - low)) for _ in range(n)]
        return torch.tensor(values, dtype=dtype or torch.int64).reshape(tuple(size))


def drawn(modules, values):
    draws = Draws(values)
    fake = DrawnTorch(draws)
    for m in modules:
        m.torch = fake
    return draws


def restore(modules):
    for m in modules:
        m.torch = torch


def image_tensor(req_image):
    """HWC bytes -> uint8 tensor [3, H, W]."""
    h, w = req_image["height"], req_image["width"]
    return torch.tensor(req_image["data"], dtype=torch.uint8).reshape(h, w, 3).permute(2, 0, 1).contiguous()


def image_list(t):
    return t.permute(1, 2, 0).reshape(-1).tolist()


def to_pil(t):
    return torchvision.transforms.functional.to_pil_image(t)


def from_pil(p):
    return torchvision.transforms.functional.pil_to_tensor(p)


# ---- image ops and policies ----


def cmd_ops(req):
    img = image_tensor(req["image"])
    out = []
    for case in req["cases"]:
        t = _apply_op(img, case["op"], float(case["magnitude"]), InterpolationMode.BILINEAR, None)
        p = from_pil(_apply_op(to_pil(img), case["op"], float(case["magnitude"]), InterpolationMode.BILINEAR, None))
        out.append({"tensor": image_list(t), "pil": image_list(p)})
    return out


POLICIES = {
    "imagenet": lambda o: autoaugment_module.AutoAugment(
        autoaugment_module.AutoAugmentPolicy.IMAGENET, interpolation=InterpolationMode.BILINEAR
    ),
    "ra": lambda o: autoaugment_module.RandAugment(
        interpolation=InterpolationMode.BILINEAR, magnitude=o.get("raMagnitude", 9)
    ),
    "ta_wide": lambda o: autoaugment_module.TrivialAugmentWide(interpolation=InterpolationMode.BILINEAR),
}


def cmd_policy(req):
    img = image_tensor(req["image"])
    out = []
    for case in req["cases"]:
        policy = POLICIES[case["policy"]](case)
        draws = drawn([autoaugment_module], case["draws"])
        applied = []

        def recording_apply_op(img, op_name, magnitude, interpolation, fill):
            applied.append({"op": op_name, "magnitude": magnitude})
            return _apply_op(img, op_name, magnitude, interpolation, fill)

        autoaugment_module._apply_op = recording_apply_op
        try:
            t = policy(img)
        finally:
            restore([autoaugment_module])
            autoaugment_module._apply_op = _apply_op
        out.append({"image": image_list(t), "ops": applied, "drawsUsed": draws.used})
    return out


# ---- crops and erasing ----


def cmd_crop(req):
    out = []
    for case in req["cases"]:
        img = torch.zeros(3, case["height"], case["width"])
        draws = drawn([transforms_module], case["draws"])
        try:
            i, j, h, w = transforms_module.RandomResizedCrop.get_params(img, case["scale"], [3 / 4, 4 / 3])
            flip = bool(transforms_module.torch.rand(1) < 0.5)
        finally:
            restore([transforms_module])
        out.append({"top": int(i), "left": int(j), "height": int(h), "width": int(w), "flip": flip, "drawsUsed": draws.used})
    return out


def cmd_erase(req):
    out = []
    for case in req["cases"]:
        h, w = case["height"], case["width"]
        img = torch.arange(3 * h * w, dtype=torch.float32).reshape(3, h, w) + 1
        draws = drawn([transforms_module], case["draws"])
        try:
            erased = transforms_module.RandomErasing(p=case["p"], value=0)(img)
        finally:
            restore([transforms_module])
        out.append({"image": erased.permute(1, 2, 0).reshape(-1).tolist(), "drawsUsed": draws.used})
    return out


# ---- mixup / cutmix (references/classification/transforms.py, 0.14) ----


class RandomMixup(torch.nn.Module):
    def __init__(self, num_classes, p, alpha, lam):
        super().__init__()
        self.num_classes, self.p, self.alpha, self.lam = num_classes, p, alpha, lam

    def forward(self, batch, target):
        batch = batch.clone()
        target = torch.nn.functional.one_hot(target.clone(), num_classes=self.num_classes).to(dtype=batch.dtype)
        if torch_draws.rand(1).item() >= self.p:
            return batch, target
        batch_rolled = batch.roll(1, 0)
        target_rolled = target.roll(1, 0)
        lambda_param = self.lam  # float(torch._sample_dirichlet(torch.tensor([self.alpha, self.alpha]))[0])
        batch_rolled.mul_(1.0 - lambda_param)
        batch.mul_(lambda_param).add_(batch_rolled)
        target_rolled.mul_(1.0 - lambda_param)
        target.mul_(lambda_param).add_(target_rolled)
        return batch, target


class RandomCutmix(torch.nn.Module):
    def __init__(self, num_classes, p, alpha, lam):
        super().__init__()
        self.num_classes, self.p, self.alpha, self.lam = num_classes, p, alpha, lam

    def forward(self, batch, target):
        batch = batch.clone()
        target = torch.nn.functional.one_hot(target.clone(), num_classes=self.num_classes).to(dtype=batch.dtype)
        if torch_draws.rand(1).item() >= self.p:
            return batch, target
        batch_rolled = batch.roll(1, 0)
        target_rolled = target.roll(1, 0)
        lambda_param = self.lam
        _, H, W = torchvision.transforms.functional.get_dimensions(batch)
        r_x = torch_draws.randint(W, (1,))
        r_y = torch_draws.randint(H, (1,))
        r = 0.5 * math.sqrt(1.0 - lambda_param)
        r_w_half = int(r * W)
        r_h_half = int(r * H)
        x1 = int(torch.clamp(r_x - r_w_half, min=0))
        y1 = int(torch.clamp(r_y - r_h_half, min=0))
        x2 = int(torch.clamp(r_x + r_w_half, max=W))
        y2 = int(torch.clamp(r_y + r_h_half, max=H))
        batch[:, :, y1:y2, x1:x2] = batch_rolled[:, :, y1:y2, x1:x2]
        lambda_param = float(1.0 - (x2 - x1) * (y2 - y1) / (W * H))
        target_rolled.mul_(1.0 - lambda_param)
        target.mul_(lambda_param).add_(target_rolled)
        return batch, target


torch_draws = torch


def cmd_mix(req):
    global torch_draws
    out = []
    for case in req["cases"]:
        n, h, w, c = case["n"], case["height"], case["width"], case["channels"]
        batch = torch.tensor(case["data"], dtype=torch.float32).reshape(n, h, w, c).permute(0, 3, 1, 2)
        target = torch.tensor(case["labels"], dtype=torch.int64)
        draws = Draws(case["draws"])
        torch_draws = DrawnTorch(draws)
        transforms = []
        if case["mixupAlpha"] > 0:
            transforms.append(RandomMixup(case["classes"], 1.0, case["mixupAlpha"], case["lambda"]))
        if case["cutmixAlpha"] > 0:
            transforms.append(RandomCutmix(case["classes"], 1.0, case["cutmixAlpha"], case["lambda"]))
        # torchvision.transforms.RandomChoice: random.choices(transforms, weights=None)[0] = transforms[floor(random() * n)]
        choice = transforms[math.floor(draws.next() * len(transforms))]
        mixed, targets = choice(batch, target)
        torch_draws = torch
        out.append({"data": mixed.permute(0, 2, 3, 1).reshape(-1).tolist(), "targets": targets.reshape(-1).tolist(), "drawsUsed": draws.used})
    return out


# ---- weight EMA (references/classification/utils.py + train.py, 0.14) ----


class ExponentialMovingAverage(torch.optim.swa_utils.AveragedModel):
    def __init__(self, model, decay, device="cpu"):
        def ema_avg(avg_model_param, model_param, num_averaged):
            return decay * avg_model_param + (1 - decay) * model_param

        super().__init__(model, device, ema_avg, use_buffers=True)


class Holder(torch.nn.Module):
    def __init__(self, shapes):
        super().__init__()
        self.params = torch.nn.ParameterList([torch.nn.Parameter(torch.zeros(s["shape"])) for s in shapes if s["trainable"]])
        for k, s in enumerate(x for x in shapes if not x["trainable"]):
            self.register_buffer(f"buffer{k}", torch.zeros(s["shape"]))

    def load(self, shapes, values):
        params = iter(self.params)
        buffers = iter(self.buffers())
        for s, v in zip(shapes, values):
            target = next(params) if s["trainable"] else next(buffers)
            with torch.no_grad():
                target.copy_(torch.tensor(v, dtype=torch.float32).reshape(s["shape"]))


def cmd_ema(req):
    shapes = req["weights"]
    model = Holder(shapes)
    model.load(shapes, req["initial"])
    # train.py: adjust = world_size * batch_size * model_ema_steps / epochs; alpha = min(1, (1 - decay) * adjust)
    adjust = req["globalBatch"] * req["steps"] / req["epochs"]
    alpha = min(1.0, (1.0 - req["decay"]) * adjust)
    model_ema = ExponentialMovingAverage(model, device="cpu", decay=1.0 - alpha)
    for step in req["trajectory"]:
        model.load(shapes, step["values"])
        i, epoch = step["batch"], step["epoch"]
        if i % req["steps"] == 0:
            model_ema.update_parameters(model)
            if epoch < req["warmupEpochs"]:
                model_ema.n_averaged.fill_(0)
    averaged = list(model_ema.module.params) + list(model_ema.module.buffers())
    trainable = [k for k, s in enumerate(shapes) if s["trainable"]]
    fixed = [k for k, s in enumerate(shapes) if not s["trainable"]]
    by_index = {}
    for k, t in zip(trainable + fixed, averaged):
        by_index[k] = t.detach().reshape(-1).tolist()
    return {"decay": 1.0 - alpha, "averages": [by_index[k] for k in range(len(shapes))], "updates": int(model_ema.n_averaged)}


# ---- optimizers, loss, schedules, weight-decay groups, sampler ----


def cmd_optim(req):
    params = [torch.nn.Parameter(torch.tensor(p["value"], dtype=torch.float32).reshape(p["shape"])) for p in req["params"]]
    norm = [p for p, spec in zip(params, req["params"]) if spec["norm"]]
    other = [p for p, spec in zip(params, req["params"]) if not spec["norm"]]
    nwd = req.get("normWeightDecay")
    wd = req["weightDecay"]
    groups = [{"params": other, "weight_decay": wd}]
    if norm:
        groups.append({"params": norm, "weight_decay": wd if nwd is None else nwd})
    lr = req["lrs"][0]
    kind = req["optimizer"]
    if kind == "sgd":
        opt = torch.optim.SGD(groups, lr=lr, momentum=req["momentum"], weight_decay=wd)
    elif kind == "rmsprop":
        opt = torch.optim.RMSprop(groups, lr=lr, momentum=req["momentum"], weight_decay=wd, eps=req["eps"], alpha=req["alpha"])
    else:
        opt = torch.optim.AdamW(groups, lr=lr, weight_decay=wd)
    for grads, lr in zip(req["grads"], req["lrs"]):
        for g in opt.param_groups:
            g["lr"] = lr
        for p, g in zip(params, grads):
            p.grad = torch.tensor(g, dtype=torch.float32).reshape(p.shape)
        if req.get("clipGradNorm"):
            torch.nn.utils.clip_grad_norm_(params, req["clipGradNorm"])
        opt.step()
    return [p.detach().reshape(-1).tolist() for p in params]


def cmd_loss(req):
    out = []
    for case in req["cases"]:
        logits = torch.tensor(case["logits"], dtype=torch.float32, requires_grad=True)
        if "labels" in case:
            target = torch.tensor(case["labels"], dtype=torch.int64)
        else:
            target = torch.tensor(case["targets"], dtype=torch.float32)
        loss = torch.nn.CrossEntropyLoss(label_smoothing=case["smoothing"])(logits, target)
        loss.backward()
        out.append({"loss": loss.item(), "grad": logits.grad.reshape(-1).tolist()})
    return out


def cmd_schedule(req):
    """train.py's schedulers, stepped once per epoch: the lr of each epoch."""
    out = []
    for r in req["recipes"]:
        opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=r["lr"])
        epochs, warm = r["epochs"], r["warmupEpochs"]
        if r["schedule"]["kind"] == "step":
            main = torch.optim.lr_scheduler.StepLR(opt, step_size=r["schedule"]["stepSize"], gamma=r["schedule"]["gamma"])
        else:
            main = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs - warm)
        if warm > 0:
            decay = r.get("warmupDecay", 0.01)
            if r.get("warmupMethod", "constant") == "linear":
                w = torch.optim.lr_scheduler.LinearLR(opt, start_factor=decay, total_iters=warm)
            else:
                w = torch.optim.lr_scheduler.ConstantLR(opt, factor=decay, total_iters=warm)
            sched = torch.optim.lr_scheduler.SequentialLR(opt, schedulers=[w, main], milestones=[warm])
        else:
            sched = main
        lrs = []
        for _ in range(epochs):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        out.append(lrs)
    return out


def cmd_normgroups(req):
    out = {}
    for arch in req["archs"]:
        model = torchvision.models.__dict__[arch](weights=None)
        norm, other = torchvision.ops._utils.split_normalization_params(model)
        out[arch] = {"norm": sum(p.numel() for p in norm), "other": sum(p.numel() for p in other), "normTensors": len(norm)}
    return out


def cmd_rasampler(req):
    """references/classification/sampler.py RASampler.__iter__ for a given permutation."""
    out = []
    for case in req["cases"]:
        perm, reps, replicas, rank = case["permutation"], case["repetitions"], case["processes"], case["rank"]
        n = len(perm)
        num_samples = int(math.ceil(n * float(reps) / replicas))
        total_size = num_samples * replicas
        num_selected = int(math.floor(n // 256 * 256 / replicas))
        indices = [ele for ele in perm for i in range(reps)]
        indices += indices[: (total_size - len(indices))]
        assert len(indices) == total_size
        indices = indices[rank:total_size:replicas]
        assert len(indices) == num_samples
        out.append(indices[:num_selected])
    return out


COMMANDS = {name[4:]: fn for name, fn in globals().items() if name.startswith("cmd_")}

if __name__ == "__main__":
    request = json.load(sys.stdin)
    json.dump(COMMANDS[sys.argv[1]](request), sys.stdout)
