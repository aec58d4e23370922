"""The recipe objects against torchvision's definitions (references/classification train.py, transforms.py,
utils.py, sampler.py, presets.py), on fixed inputs. Run: python3 -m unittest discover -s tests -t . (from
trainers/torch)."""
import json
import math
import os
import tempfile
import unittest

import torch
import torchvision

from imagenot_torch import recipe


def hyperparams(**recipe_over):
    """A resolved recipe as core/training/hyperparams.ts writes it (train.py's defaults, every field explicit)."""
    r = {
        "optimizer": "sgd", "lr": 0.1, "momentum": 0.9, "weightDecay": 1e-4, "normWeightDecay": None,
        "rmspropEps": None, "rmspropAlpha": None, "batchSize": 256, "epochs": 90,
        "schedule": {"kind": "step", "stepSize": 30, "gamma": 0.1}, "warmupEpochs": 0, "warmupMethod": "constant",
        "warmupDecay": 0.01, "lrUpdate": "epoch", "labelSmoothing": 0, "mixupAlpha": 0, "cutmixAlpha": 0,
        "autoAugment": None, "raMagnitude": 9, "taTranslatePixels": 32, "randomErase": 0, "ema": None, "raReps": 0,
        "clipGradNorm": None, "cropScale": [0.08, 1], "interpolation": "bilinear", "amp": False,
        "trainCropSize": 224, "valResizeSize": 256, "valCropSize": 224, "source": "test",
    }
    r.update(recipe_over)
    return {"arch": "resnet152", "profile": "paper", "inputSize": r["trainCropSize"], "evalResize": r["valResizeSize"],
            "evalSize": r["valCropSize"], "epochs": r["epochs"], "batch": 32, "lr": r["lr"], "patience": 5, "seed": 0,
            "valFraction": 0.1, "cropScaleMin": r["cropScale"][0], "recipe": r, "ema": None,
            "differences": [{"field": "epochs", "paper": 90, "run": r["epochs"], "why": "test"}]}


def write(hp):
    f = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    json.dump(hp, f)
    f.close()
    return f.name


class RecipeFile(unittest.TestCase):
    def test_reads_a_resolved_recipe(self):
        path = write(hyperparams())
        try:
            self.assertEqual(recipe.load_hyperparams(path)["recipe"]["optimizer"], "sgd")
        finally:
            os.unlink(path)

    def test_refuses_a_field_it_does_not_implement(self):
        path = write(hyperparams(raSampler=True))
        try:
            with self.assertRaisesRegex(recipe.RecipeError, "field 'raSampler' .* not implemented"):
                recipe.load_hyperparams(path)
        finally:
            os.unlink(path)

    def test_accepts_an_unknown_field_at_its_neutral_value(self):
        path = write(hyperparams(raSampler=False, augmixSeverity=0))
        try:
            recipe.load_hyperparams(path)
        finally:
            os.unlink(path)

    def test_refuses_bad_values_of_the_fields_it_implements(self):
        cases = [
            (hyperparams(lrUpdate="batch"), "lrUpdate 'batch' is not epoch or step"),
            (hyperparams(interpolation="cubic"), "interpolation 'cubic'"),
            (hyperparams(raReps=-1), "raReps must be a whole number"),
            (hyperparams(raMagnitude=31), "raMagnitude must be a whole number from 0 to 30"),
            (hyperparams(cropScale=[0.5, 0.2]), "cropScale must be"),
            ({**hyperparams(), "arch": "vit_b_16", "evalSize": 288}, "vit_b_16 evaluates at 288 px but trains at 224 px"),
        ]
        for hp, message in cases:
            path = write(hp)
            try:
                with self.assertRaisesRegex(recipe.RecipeError, message):
                    recipe.load_hyperparams(path)
            finally:
                os.unlink(path)

    def test_a_recipe_file_without_an_evaluation_crop_evaluates_at_the_training_size(self):
        hp = hyperparams(trainCropSize=176, valCropSize=224)
        del hp["evalSize"]
        path = write(hp)
        try:
            self.assertEqual(recipe.load_hyperparams(path)["evalSize"], 176)
        finally:
            os.unlink(path)

    def test_missing_fields_are_named(self):
        hp = hyperparams()
        del hp["seed"]
        path = write(hp)
        try:
            with self.assertRaisesRegex(recipe.RecipeError, "missing seed"):
                recipe.load_hyperparams(path)
        finally:
            os.unlink(path)


def lrs(hp, updates, steps_per_epoch=1):
    """The lr before each of `updates` scheduler steps."""
    model = torch.nn.Linear(2, 2)
    opt = recipe.make_optimizer(model, hp)
    sched = recipe.make_scheduler(opt, hp, steps_per_epoch)
    out = []
    for _ in range(updates):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return out


class Schedules(unittest.TestCase):
    def test_step_lr(self):
        hp = hyperparams(schedule={"kind": "step", "stepSize": 2, "gamma": 0.5}, epochs=6)
        for got, want in zip(lrs(hp, 6), [0.1, 0.1, 0.05, 0.05, 0.025, 0.025]):
            self.assertAlmostEqual(got, want, places=12)

    def test_linear_warmup_then_cosine_matches_the_closed_form(self):
        # core/training/schedule.ts's learningRateAt at whole epochs: warm-up from lr * decay, then cosine to 0.
        hp = hyperparams(optimizer="adamw", lr=1e-3, weightDecay=0.05, schedule={"kind": "cosine"}, warmupEpochs=2,
                         warmupMethod="linear", warmupDecay=0.033, epochs=8)
        want = []
        for e in range(8):
            if e < 2:
                want.append(1e-3 * (0.033 + (1 - 0.033) * e / 2))
            else:
                want.append(1e-3 * 0.5 * (1 + math.cos(math.pi * (e - 2) / 6)))
        for got, w in zip(lrs(hp, 8), want):
            self.assertAlmostEqual(got, w, places=12)


    def test_per_step_updates_follow_the_same_curve_at_fractional_epochs(self):
        # core/training/schedule.ts with lrUpdate 'step': step b of epoch e has learningRateAt(e + b / steps).
        steps = 4

        def closed_form(at, warm, decay, method):
            if at < warm:
                return 1e-3 * decay if method == "constant" else 1e-3 * (decay + (1 - decay) * at / warm)
            return 1e-3 * 0.5 * (1 + math.cos(math.pi * (at - warm) / (6 - warm)))

        for method in ("linear", "constant"):
            hp = hyperparams(optimizer="adamw", lr=1e-3, weightDecay=0.05, schedule={"kind": "cosine"}, warmupEpochs=2,
                             warmupMethod=method, warmupDecay=0.033, epochs=6, lrUpdate="step")
            got = lrs(hp, 6 * steps, steps)
            for i, g in enumerate(got):
                self.assertAlmostEqual(g, closed_form(i / steps, 2, 0.033, method), places=12, msg=f"{method}, step {i}")

    def test_per_step_step_lr_drops_at_the_epoch_boundary(self):
        hp = hyperparams(schedule={"kind": "step", "stepSize": 2, "gamma": 0.5}, epochs=4, lrUpdate="step")
        got = lrs(hp, 4 * 3, 3)
        for i, g in enumerate(got):
            self.assertAlmostEqual(g, 0.1 * 0.5 ** ((i // 3) // 2), places=12, msg=f"step {i}")

    def test_per_epoch_updates_ignore_the_steps_per_epoch(self):
        hp = hyperparams(schedule={"kind": "step", "stepSize": 2, "gamma": 0.5}, epochs=6)
        self.assertEqual(recipe.updates_per_epoch(hp, 50), 1)
        self.assertEqual(lrs(hp, 6), lrs(hp, 6, 50))


class Optimizers(unittest.TestCase):
    def test_norm_weight_decay_splits_the_normalization_parameters(self):
        model = torchvision.models.convnext_tiny(weights=None, num_classes=3)
        opt = recipe.make_optimizer(model, hyperparams(optimizer="adamw", normWeightDecay=0.0, weightDecay=0.05))
        norm, other = torchvision.ops._utils.split_normalization_params(model)
        self.assertEqual([g["weight_decay"] for g in opt.param_groups], [0.0, 0.05])
        self.assertEqual(len(opt.param_groups[0]["params"]), len(norm))
        self.assertEqual(len(opt.param_groups[1]["params"]), len(other))

    def test_rmsprop_has_trainpys_eps_and_alpha(self):
        opt = recipe.make_optimizer(torch.nn.Linear(2, 2), hyperparams(optimizer="rmsprop", rmspropEps=0.0316, rmspropAlpha=0.9))
        self.assertIsInstance(opt, torch.optim.RMSprop)
        self.assertEqual((opt.defaults["eps"], opt.defaults["alpha"], opt.defaults["momentum"]), (0.0316, 0.9, 0.9))

    def test_rmsprop_without_eps_and_alpha_takes_trainpys_defaults(self):
        opt = recipe.make_optimizer(torch.nn.Linear(2, 2), hyperparams(optimizer="rmsprop"))
        self.assertEqual((opt.defaults["eps"], opt.defaults["alpha"]), (0.0316, 0.9))

    def test_ema_takes_the_resolved_decay_per_update(self):
        hp = {**hyperparams(ema={"steps": 32, "decay": 0.99998}, epochs=600), "ema": {"decayPerUpdate": 0.75}}
        model = torch.nn.Linear(2, 2)
        ema = recipe.make_ema(model, hp, world_size=8, batch_per_rank=128, device="cpu")
        with torch.no_grad():
            ema.update_parameters(model)
            before = ema.module.weight.clone()
            model.weight.add_(1.0)
            ema.update_parameters(model)
        torch.testing.assert_close(ema.module.weight, 0.75 * before + 0.25 * model.weight)

    def test_ema_decay_is_adjusted_like_trainpy(self):
        hp = hyperparams(ema={"steps": 32, "decay": 0.99998}, epochs=600)
        model = torch.nn.Linear(2, 2)
        ema = recipe.make_ema(model, hp, world_size=8, batch_per_rank=128, device="cpu")
        alpha = min(1.0, (1 - 0.99998) * 8 * 128 * 32 / 600)
        with torch.no_grad():
            ema.update_parameters(model)  # first update copies
            before = ema.module.weight.clone()
            model.weight.add_(1.0)
            ema.update_parameters(model)
        torch.testing.assert_close(ema.module.weight, (1 - alpha) * before + alpha * model.weight)


class BatchMix(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(3)
        self.images = torch.randn(6, 3, 8, 10)
        self.labels = torch.tensor([0, 1, 2, 3, 4, 0])

    def test_mixup_mixes_images_and_targets_by_the_same_lambda(self):
        images, targets = recipe.Mixup(5, 0.2)(self.images, self.labels)
        onehot = torch.nn.functional.one_hot(self.labels, 5).float()
        lam = float(targets[1, 1])  # image 1 (class 1) is mixed with the rolled image 0 (class 0)
        torch.testing.assert_close(images, lam * self.images + (1 - lam) * self.images.roll(1, 0))
        torch.testing.assert_close(targets, lam * onehot + (1 - lam) * onehot.roll(1, 0))
        torch.testing.assert_close(targets.sum(1), torch.ones(6))

    def test_cutmix_pastes_one_box_and_weighs_targets_by_its_area(self):
        images, targets = recipe.Cutmix(5, 1)(self.images, self.labels)  # 1, as JSON gives 1.0
        rolled = self.images.roll(1, 0)
        pasted = (images == rolled).all(0).all(0) & (images != self.images).any(0).any(0)
        kept = (images == self.images).all(0).all(0)
        self.assertTrue(bool((pasted | kept).all()), "every pixel is either kept or pasted from the rolled batch")
        area = float(pasted.float().mean())
        onehot = torch.nn.functional.one_hot(self.labels, 5).float()
        torch.testing.assert_close(targets, (1 - area) * onehot + area * onehot.roll(1, 0))
        ys, xs = pasted.nonzero(as_tuple=True)
        if len(ys):
            self.assertEqual(int(pasted.sum()), (int(ys.max()) - int(ys.min()) + 1) * (int(xs.max()) - int(xs.min()) + 1), "one rectangle")

    def test_batch_mix_is_none_without_mixup_or_cutmix(self):
        self.assertIsNone(recipe.make_batch_mix(hyperparams(), 5))
        self.assertIsNotNone(recipe.make_batch_mix(hyperparams(mixupAlpha=0.2, cutmixAlpha=1.0), 5))


class Samplers(unittest.TestCase):
    def test_ra_sampler_is_the_references_sampler(self):
        # sampler.py: randperm(n) seeded by seed + epoch, each index repeated reps times in a row, padded to a
        # multiple of the ranks, dealt round-robin, floor(n // 256 * 256 / ranks) kept per rank.
        n, reps, world, seed, epoch = 600, 3, 2, 7, 4
        g = torch.Generator()
        g.manual_seed(seed + epoch)
        repeated = [i for i in torch.randperm(n, generator=g).tolist() for _ in range(reps)]
        for rank in range(world):
            sampler = recipe.make_sampler(hyperparams(raReps=reps) | {"seed": seed}, n, world, rank)
            self.assertIsInstance(sampler, recipe.RASampler)
            sampler.set_epoch(epoch)
            got = list(sampler)
            self.assertEqual(len(got), len(sampler))
            self.assertEqual(len(got), 512 // world)
            self.assertEqual(got, repeated[rank::world][: 512 // world])
        one = recipe.make_sampler(hyperparams(raReps=4), n, 1, 0)
        first = list(one)[:8]
        self.assertEqual(first[:4], [first[0]] * 4, "one process sees each image reps times in a row")
        self.assertEqual(len(recipe.make_sampler(hyperparams(raReps=4), 255, 1, 0)), 0, "fewer than 256 images: none")

    def test_without_repetitions_the_seeded_distributed_shuffle(self):
        sampler = recipe.make_sampler(hyperparams() | {"seed": 3}, 10, 2, 1)
        self.assertIsInstance(sampler, torch.utils.data.distributed.DistributedSampler)
        sampler.set_epoch(2)
        g = torch.Generator()
        g.manual_seed(3 + 2)
        self.assertEqual(list(sampler), torch.randperm(10, generator=g).tolist()[1::2])


if __name__ == "__main__":
    unittest.main()
