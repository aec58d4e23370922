"""One training run: the tfjs engine's loop (workers/train.ts) on torch, with torchvision's training step.

Per epoch: a seeded shuffle of the run's training images (DistributedSampler, the same code for one rank or many;
the references' RASampler when the recipe repeats augmentations), one optimizer step per global batch, the scheduler
stepped once (or after every step, `lrUpdate: 'step'`), validation on the held-out part of train (of the EMA's
weights when the recipe keeps one, and then of the trained weights too, as val_accuracy_model), early stopping on
its top-1, best weights kept, a checkpoint. At the end the best weights are tested (top-1, top-5).
Every random choice is a function of (seed, epoch, rank), so a run resumed from an epoch checkpoint sees the same
batches as the run it continues.

Events (rank 0; see protocol.py): start, metrics (per step), epoch (after its checkpoint is on disk), test, reject.
"""
import math
import os
import random
import time

import torch
from torch import nn

from . import checkpoint, distributed, exportdata, models, pipeline, protocol, recipe
from .exportdata import hash_ints


class RunError(Exception):
    pass


STEP_METRICS = ("loss", "accuracy", "lr", "images_per_s")


def choose_device(requested: str, ranks: distributed.Ranks) -> torch.device:
    if requested != "cpu" and torch.cuda.is_available():
        if ranks.local_rank >= torch.cuda.device_count():
            raise RunError(f"local rank {ranks.local_rank} has no GPU ({torch.cuda.device_count()} visible); "
                           "start at most one rank per GPU")
        torch.cuda.set_device(ranks.local_rank)
        return torch.device("cuda", ranks.local_rank)
    if requested == "cuda":
        raise RunError(f"--device cuda, but torch.cuda.is_available() is false (torch {torch.__version__}, "
                       f"built for CUDA {torch.version.cuda or 'none: a CPU-only build'})")
    return torch.device("cpu")


def cpu_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


class Settings:
    """How the run uses the machine: device, mixed precision, memory layout, threads, decode workers."""

    def __init__(self, args, hp: dict, ranks: distributed.Ranks, device: torch.device):
        cuda = device.type == "cuda"
        self.device = device
        # Mixed precision where the recipe's reference command uses it (--amp), or when asked; CUDA only.
        self.amp = cuda and (args.amp == "on" or (args.amp == "recipe" and bool(hp["recipe"].get("amp"))))
        # channels_last is a memory layout (same maths): on for convolutional models on CUDA unless turned off.
        self.channels_last = cuda and args.channels_last != "off" and hp["arch"] not in models.NOT_CONVOLUTIONAL
        per_rank_cores = max(1, cpu_cores() // ranks.local_world)
        if "OMP_NUM_THREADS" not in os.environ:
            torch.set_num_threads(per_rank_cores)
        self.threads = torch.get_num_threads()
        if args.workers is not None:
            self.workers = args.workers
        else:
            self.workers = min(8, max(1, per_rank_cores - 1)) if cuda else (1 if per_rank_cores >= 2 else 0)
        if cuda:
            torch.backends.cudnn.benchmark = True

    def to_device(self, images: torch.Tensor) -> torch.Tensor:
        images = images.to(self.device, non_blocking=True)
        return images.contiguous(memory_format=torch.channels_last) if self.channels_last else images

    def describe(self) -> dict:
        d = self.device
        return {
            "device": d.type,
            "deviceName": torch.cuda.get_device_name(d) if d.type == "cuda" else "cpu",
            "amp": self.amp,
            "channelsLast": self.channels_last,
            "threads": self.threads,
            "ompWaitPolicy": os.environ.get("OMP_WAIT_POLICY", "default"),
            "workers": self.workers,
            "torch": torch.__version__,
            "cuda": torch.version.cuda,
            "cudnn": torch.backends.cudnn.version() if d.type == "cuda" else None,
        }


def train_step(model, criterion, optimizer, scaler, images, targets, amp: bool, clip):
    """torchvision train.py's step: forward (autocast under AMP), backward through the grad scaler, optional
    gradient-norm clipping on unscaled gradients, optimizer step. Returns (loss, logits), detached."""
    with torch.autocast(device_type=images.device.type, enabled=amp):
        logits = model(images)
        loss = criterion(logits, targets)
    optimizer.zero_grad(set_to_none=True)
    scaler.scale(loss).backward()
    if clip:
        scaler.unscale_(optimizer)
        nn.utils.clip_grad_norm_(model.parameters(), clip)
    scaler.step(optimizer)
    scaler.update()
    return loss.detach(), logits.detach()


def seed_everything(*xs: int) -> torch.Generator:
    s = hash_ints(*xs)
    torch.manual_seed(s)
    random.seed(s)
    g = torch.Generator()
    g.manual_seed(s)
    return g


class Trainer:
    def __init__(self, args, hp: dict, ranks: distributed.Ranks):
        self.args, self.hp, self.ranks = args, hp, ranks
        self.main = ranks.main
        self.out = args.out
        os.makedirs(self.out, exist_ok=True)
        self.settings = Settings(args, hp, ranks, choose_device(args.device, ranks))
        self.device = self.settings.device
        distributed.init_process_group(ranks, self.device)

        export = exportdata.read_export(args.export)
        self.export = export
        self.train_items, self.val_items = exportdata.run_split(export, hp["valFraction"], hp["seed"], args.max_train_images)
        self.test_items = export.test
        if not self.train_items:
            raise RunError(f"{export.root}: no training images")
        if not self.test_items:
            raise RunError(f"{export.root}: no test images")
        self.num_classes = len(export.classes)
        if hp["batch"] % ranks.world:
            raise RunError(f"the batch of {hp['batch']} images does not divide over {ranks.world} ranks")
        self.batch = hp["batch"] // ranks.world

        seed_everything(hp["seed"])
        model = models.build(hp["arch"], self.num_classes, hp["inputSize"]).to(self.device)
        if self.settings.channels_last:
            model = model.to(memory_format=torch.channels_last)
        self.model = model
        self.train_set = pipeline.ImageList(self.train_items, pipeline.train_transform(hp))
        self.sampler = recipe.make_sampler(hp, len(self.train_set), ranks.world, ranks.rank)
        if len(self.sampler) == 0:
            raise RunError(
                f"{hp['arch']} ({hp['profile']}): the recipe's repeated-augmentation sampler (--ra-reps {hp['recipe']['raReps']}) "
                f"trains on floor(n / 256) * 256 images per epoch, and this run has {len(self.train_items)} training images: "
                "use a larger dataset or the local profile")
        self.steps_per_epoch = -(-len(self.sampler) // self.batch)
        self.per_step_lr = recipe.updates_per_epoch(hp, self.steps_per_epoch) > 1
        self.optimizer = recipe.make_optimizer(model, hp)
        self.scheduler = recipe.make_scheduler(self.optimizer, hp, self.steps_per_epoch)
        self.scaler = torch.cuda.amp.GradScaler(enabled=self.settings.amp)
        self.ema = recipe.make_ema(model, hp, ranks.world, self.batch, self.device)
        self.criterion = recipe.make_criterion(hp)
        self.clip = hp["recipe"].get("clipGradNorm")
        self.state = {"epoch": 0, "step": 0, "early": {"best": None, "bestEpoch": None, "badEpochs": 0},
                      "stopped": False, "last": None}
        self.best_weights = None
        self.resumed = False
        ckpt = checkpoint.read_checkpoint(self.out, hp)
        if ckpt is not None:
            self.model.load_state_dict(ckpt["model"])
            self.optimizer.load_state_dict(ckpt["optimizer"])
            self.scheduler.load_state_dict(ckpt["scheduler"])
            self.scaler.load_state_dict(ckpt["scaler"])
            if self.ema is not None and ckpt.get("ema") is not None:
                self.ema.load_state_dict(ckpt["ema"])
            self.state = ckpt["state"]
            self.resumed = True
            best = os.path.join(self.out, checkpoint.BEST)
            if os.path.exists(best):
                self.best_weights = checkpoint.load(best)["model"]
        self.trained = nn.parallel.DistributedDataParallel(
            self.model, device_ids=[self.device.index] if self.device.type == "cuda" else None,
        ) if ranks.distributed else self.model
        self.collate = pipeline.Collate(recipe.make_batch_mix(hp, self.num_classes))

    # --- events ------------------------------------------------------------------------------------------------
    def emit(self, event: str, **fields):
        if self.main:
            protocol.emit(event, **fields)

    def reject(self, items, failed):
        # Every rank reports its own bad images (they share the event stream).
        for index, reason in failed:
            protocol.emit("reject", item=items[index][0].describe(), reason=reason[:1000])

    # --- the run -----------------------------------------------------------------------------------------------
    def evaluated_model(self) -> nn.Module:
        """The weights a run is judged by: the EMA's when the recipe keeps one (torchvision publishes those)."""
        return self.ema.module if self.ema is not None else self.model

    def run(self) -> dict:
        hp, state = self.hp, self.state
        total = hp["epochs"] * self.steps_per_epoch
        self.emit(
            "start", resumed=self.resumed, epoch=state["epoch"], step=state["step"], lastEpoch=state["last"],
            stepsPerEpoch=self.steps_per_epoch, totalSteps=total, worldSize=self.ranks.world,
            dataset={"root": self.export.root, "format": self.export.format, "classes": self.num_classes,
                     "train": len(self.train_items), "val": len(self.val_items), "test": len(self.test_items)},
            environment=self.settings.describe(),
        )
        if self.main:
            protocol.log(f"{hp['arch']} ({hp['profile']}, {hp['inputSize']} px) on {self.export.root}: "
                         f"{len(self.train_items)} train / {len(self.val_items)} val / {len(self.test_items)} test images, "
                         f"{self.num_classes} classes; {self.ranks.world} rank(s), {self.settings.describe()}")
        while state["epoch"] < hp["epochs"] and not state["stopped"]:
            self.train_epoch(total)
        self.test()
        return state

    def train_batch(self, epoch: int, b: int, batch, total_steps: int):
        """One optimizer step on batch b of the epoch (every rank together), its metrics emitted; returns the summed
        (loss, correct, images) over all ranks, or None when the batch was skipped."""
        hp, state, ranks = self.hp, self.state, self.ranks
        self.reject(self.train_items, batch.failed)
        # Batch norm needs two images per channel; every rank skips together (the sampler gives each rank as many
        # images, so this is only ever a last batch of one, or a batch of unreadable images).
        if distributed.all_min(ranks, batch.count, self.device) < 2:
            return None
        lr = self.optimizer.param_groups[0]["lr"]
        t0 = time.perf_counter()
        images = self.settings.to_device(batch.images)
        targets = batch.targets.to(self.device, non_blocking=True)
        loss, logits = train_step(self.trained, self.criterion, self.optimizer, self.scaler, images, targets,
                                  self.settings.amp, self.clip)
        if self.ema is not None and b % hp["recipe"]["ema"]["steps"] == 0:
            self.ema.update_parameters(self.model)
            if epoch < hp["recipe"].get("warmupEpochs", 0):
                self.ema.n_averaged.fill_(0)  # train.py: keep copying the weights during warm-up
        # With mixup/cutmix the reference class is the mixture's larger part, as train.py counts it.
        reference = targets.argmax(1) if targets.ndim == 2 else targets
        hits = (logits.argmax(1) == reference).sum()
        step_loss, step_correct, step_count = distributed.all_sum(
            ranks, [float(loss) * batch.count, float(hits), batch.count], self.device)
        if self.device.type == "cuda":
            torch.cuda.synchronize()
        secs = time.perf_counter() - t0
        mean_loss = step_loss / step_count
        if not math.isfinite(mean_loss):
            raise RunError(f"loss became {mean_loss} at epoch {epoch + 1}, step {state['step'] + 1} (lower --lr?)")
        state["step"] += 1
        values = {"loss": mean_loss, "accuracy": 100.0 * step_correct / step_count, "lr": lr,
                  "images_per_s": step_count / secs}
        if self.args.check_replicas and ranks.distributed:
            values["replica_max_abs_diff"] = distributed.replica_divergence(ranks, self.model)
        self.emit("metrics", metrics=protocol.metric_points(state["step"], epoch + (b + 1) / self.steps_per_epoch, values),
                  progress={"done": state["step"], "total": total_steps,
                            "message": f"epoch {epoch + 1}/{hp['epochs']} step {b + 1}/{self.steps_per_epoch} loss {mean_loss:.4f}"})
        return step_loss, step_correct, step_count

    def train_epoch(self, total_steps: int):
        hp, state, ranks = self.hp, self.state, self.ranks
        epoch = state["epoch"]
        generator = seed_everything(hp["seed"], epoch, ranks.rank, 0x7041)
        self.sampler.set_epoch(epoch)
        loader = pipeline.loader(self.train_set, self.batch, self.sampler, self.settings.workers, self.collate,
                                 generator, pin_memory=self.device.type == "cuda")
        self.trained.train()
        loss_sum = correct = seen = 0.0
        epoch_start = time.perf_counter()
        for b, batch in enumerate(loader):
            sums = self.train_batch(epoch, b, batch, total_steps)
            if sums is not None:
                loss_sum, correct, seen = loss_sum + sums[0], correct + sums[1], seen + sums[2]
            # 'step': the lr moves after every batch, a skipped one too, so batch b always has the lr of e + b / steps.
            if self.per_step_lr:
                self.scheduler.step()
        if not self.per_step_lr:
            self.scheduler.step()
        epoch_secs = time.perf_counter() - epoch_start
        val = self.evaluate(self.val_items) if self.val_items else None
        if val is not None and not math.isfinite(val["loss"]):
            raise RunError(f"validation loss became {val['loss']} after epoch {epoch + 1}: the weights diverged (lower --lr?)")
        # With an EMA, the trained (not averaged) weights' validation accuracy too, as train.py reports both.
        val_model = self.evaluate(self.val_items, self.model) if val is not None and self.ema is not None else None
        state["epoch"] = epoch + 1
        train_accuracy = 100.0 * correct / max(1.0, seen)
        values = {"train_loss": loss_sum / max(1.0, seen), "train_accuracy": train_accuracy,
                  "epoch_images_per_s": seen / epoch_secs}
        if val is not None:
            values["val_loss"], values["val_accuracy"] = val["loss"], val["top1"]
        if val_model is not None:
            values["val_accuracy_model"] = val_model["top1"]
        # Without a validation part (valFraction 0) the training accuracy stands in for it, as in the tfjs engine.
        monitored = val["top1"] if val is not None else train_accuracy
        early = state["early"]
        improved = early["best"] is None or monitored > early["best"]
        early = {"best": monitored, "bestEpoch": state["epoch"], "badEpochs": 0} if improved else \
            {**early, "badEpochs": early["badEpochs"] + 1}
        state["early"] = early
        state["stopped"] = early["badEpochs"] >= hp["patience"]
        if improved:
            self.best_weights = {k: v.detach().cpu().clone() for k, v in self.evaluated_model().state_dict().items()}
        state["last"] = protocol.metric_points(state["step"], state["epoch"], values)
        if self.main:
            if improved:
                checkpoint.save(os.path.join(self.out, checkpoint.BEST),
                                {"epoch": state["epoch"], "val": monitored, "model": self.best_weights})
            checkpoint.save(os.path.join(self.out, checkpoint.CHECKPOINT), {
                "hyperparams": hp, "model": self.model.state_dict(), "optimizer": self.optimizer.state_dict(),
                "scheduler": self.scheduler.state_dict(), "scaler": self.scaler.state_dict(),
                "ema": self.ema.state_dict() if self.ema is not None else None, "state": state,
            })
        distributed.barrier(ranks)
        self.emit("epoch", epoch=state["epoch"], step=state["step"], metrics=state["last"], improved=improved,
                  best=early["best"], bestEpoch=early["bestEpoch"], stop=state["stopped"],
                  checkpoint=os.path.join(self.out, checkpoint.CHECKPOINT))
        if self.main:
            note = f" - early stop (no improvement for {hp['patience']} epochs)" if state["stopped"] else ""
            protocol.log(f"epoch {state['epoch']}/{hp['epochs']} train loss {values['train_loss']:.4f} acc {train_accuracy:.1f}%"
                         + (f", val acc {val['top1']:.1f}%" if val else "") + f", {values['epoch_images_per_s']:.1f} img/s{note}")

    def evaluate(self, items, model: nn.Module = None) -> dict:
        """Loss, top-1, top-5 (percent) of the evaluated model (or the one given), each rank taking every world-th
        image, at the recipe's evaluation sizes."""
        ranks = self.ranks
        model = model if model is not None else self.evaluated_model()
        model.eval()
        if ranks.distributed:
            # Each rank's batch-norm statistics moved with its own last batch: evaluate with rank 0's, as DDP would.
            for buffer in model.buffers():
                torch.distributed.broadcast(buffer, src=0)
        shard = items[ranks.rank::ranks.world]
        data = pipeline.ImageList(shard, pipeline.eval_transform(self.hp))
        loader = pipeline.loader(data, max(self.batch, 32), None, self.settings.workers, pipeline.Collate(),
                                 pin_memory=self.device.type == "cuda")
        sums = [0.0, 0.0, 0.0, 0.0]
        k = min(5, self.num_classes)
        with torch.no_grad():
            for batch in loader:
                self.reject(shard, batch.failed)
                if not batch.count:
                    continue
                images = self.settings.to_device(batch.images)
                labels = batch.labels.to(self.device)
                with torch.autocast(device_type=self.device.type, enabled=self.settings.amp):
                    logits = model(images)
                logits = logits.float()
                top = logits.topk(k, 1).indices
                hits = top == labels[:, None]
                sums[0] += float(nn.functional.cross_entropy(logits, labels, reduction="sum"))
                sums[1] += float(hits[:, 0].sum())
                sums[2] += float(hits.sum())
                sums[3] += batch.count
        loss, top1, top5, count = distributed.all_sum(ranks, sums, self.device)
        count = max(1.0, count)
        self.trained.train()
        return {"loss": loss / count, "top1": 100.0 * top1 / count, "top5": 100.0 * top5 / count}

    def test(self):
        state = self.state
        if self.best_weights is not None:
            self.evaluated_model().load_state_dict(self.best_weights)
        result = self.evaluate(self.test_items)
        values = {"test_top1": result["top1"], "test_top5": result["top5"]}
        self.emit("test", top1=result["top1"], top5=result["top5"], bestEpoch=state["early"]["bestEpoch"],
                  epochs=state["epoch"], metrics=protocol.metric_points(state["step"], state["epoch"], values))
        if self.main:
            protocol.log(f"test top-1 {result['top1']:.2f}%, top-5 {result['top5']:.2f}% (best epoch {state['early']['bestEpoch']})")
