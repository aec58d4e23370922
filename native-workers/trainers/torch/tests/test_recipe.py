"""The recipe objects against torchvision's definitions (references/classification train.py, transforms.py,
utils.py), on fixed inputs. Run: python3 -m unittest discover -s tests -t . (from trainers/torch)."""
import json
import math
import os
import tempfile
import unittest

import torch
import torchvision

from imagenot_torch import recipe


def hyperparams(**recipe_over):
    r = {
        "optimizer": "sgd", "lr": 0.1, "momentum": 0.9, "weightDecay": 1e-4, "batchSize": 256, "epochs": 90,
        "schedule": {"kind": "step", "stepSize": 30, "gamma": 0.1}, "warmupEpochs": 0, "labelSmoothing": 0,
        "mixupAlpha": 0, "cutmixAlpha": 0, "autoAugment": None, "randomErase": 0, "ema": None, "clipGradNorm": None,
        "trainCropSize": 224, "valResizeSize": 256, "valCropSize": 224, "source": "test",
    }
    r.update(recipe_over)
    return {"arch": "resnet152", "profile": "paper", "inputSize": 224, "evalResize": 256, "epochs": r["epochs"],
            "batch": 32, "lr": r["lr"], "patience": 5, "seed": 0, "valFraction": 0.1, "cropScaleMin": 0.08, "recipe": r}


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
        path = write(hyperparams(raSampler=False, raReps=0))
        try:
            recipe.load_hyperparams(path)
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


def lrs(hp, epochs):
    model = torch.nn.Linear(2, 2)
    opt = recipe.make_optimizer(model, hp)
    sched = recipe.make_scheduler(opt, hp)
    out = []
    for _ in range(epochs):
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


if __name__ == "__main__":
    unittest.main()
