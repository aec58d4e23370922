"""The input pipeline against torchvision's reference presets (references/classification/presets.py): the training
crop at recipe.trainCropSize with recipe.cropScale, the auto-augment policy with its magnitude / translation, the
evaluation resize and crop at their own sizes, recipe.interpolation everywhere."""
import unittest

import torch
from PIL import Image
from torchvision import transforms as T
from torchvision.transforms import InterpolationMode, autoaugment
from torchvision.transforms import functional as F

from imagenot_torch import pipeline
from tests.test_recipe import hyperparams


def photo(width=90, height=70):
    """A deterministic RGB image with structure in both directions."""
    g = torch.Generator()
    g.manual_seed(11)
    data = (torch.rand(height, width, 3, generator=g) * 255).to(torch.uint8)
    return Image.fromarray(data.numpy(), "RGB")


class Transforms(unittest.TestCase):
    def test_training_crop_size_scale_and_interpolation_come_from_the_recipe(self):
        hp = hyperparams(trainCropSize=40, valResizeSize=56, valCropSize=48, cropScale=[0.35, 0.9], interpolation="bicubic")
        t = pipeline.train_transform(hp)
        crop = t.transforms[0]
        self.assertIsInstance(crop, T.RandomResizedCrop)
        self.assertEqual((crop.size, crop.scale, crop.interpolation), ((40, 40), (0.35, 0.9), InterpolationMode.BICUBIC))
        self.assertEqual(tuple(t(photo()).shape), (3, 40, 40))

    def test_evaluation_resizes_then_crops_at_its_own_sizes(self):
        hp = hyperparams(trainCropSize=40, valResizeSize=56, valCropSize=48)
        image = photo()
        got = pipeline.eval_transform(hp)(image)
        self.assertEqual(tuple(got.shape), (3, 48, 48))
        want = F.center_crop(F.resize(image, 56, interpolation=InterpolationMode.BILINEAR), 48)
        want = F.normalize(F.convert_image_dtype(F.pil_to_tensor(want), torch.float), pipeline.MEAN, pipeline.STD)
        torch.testing.assert_close(got, want)

    def test_randaugment_at_the_recipes_magnitude(self):
        policy = pipeline.auto_augment(hyperparams(autoAugment="ra", raMagnitude=5))
        self.assertIsInstance(policy, autoaugment.RandAugment)
        self.assertEqual((policy.num_ops, policy.magnitude, policy.num_magnitude_bins, policy.interpolation),
                         (2, 5, 31, InterpolationMode.BILINEAR))

    def test_autoaugment_imagenet_policy(self):
        policy = pipeline.auto_augment(hyperparams(autoAugment="imagenet", interpolation="nearest"))
        self.assertIsInstance(policy, autoaugment.AutoAugment)
        self.assertEqual((policy.policy, policy.interpolation), (autoaugment.AutoAugmentPolicy.IMAGENET, InterpolationMode.NEAREST))
        self.assertIsNone(pipeline.auto_augment(hyperparams()))

    def test_trivialaugment_wide_with_torchvisions_32_pixels_is_torchvisions(self):
        policy = pipeline.auto_augment(hyperparams(autoAugment="ta_wide"))
        self.assertIs(type(policy), autoaugment.TrivialAugmentWide)

    def test_trivialaugment_wide_translation_reaches_the_recipes_pixels_and_nothing_else_changes(self):
        policy = pipeline.auto_augment(hyperparams(autoAugment="ta_wide", taTranslatePixels=8))
        self.assertIsInstance(policy, autoaugment.TrivialAugmentWide)
        ours = policy._augmentation_space(31)
        theirs = autoaugment.TrivialAugmentWide()._augmentation_space(31)
        self.assertEqual(list(ours), list(theirs), "the same ops in the same order (the op draw is an index)")
        for op in theirs:
            magnitudes, signed = ours[op]
            if op in ("TranslateX", "TranslateY"):
                torch.testing.assert_close(magnitudes, torch.linspace(0.0, 8.0, 31))
            else:
                torch.testing.assert_close(magnitudes, theirs[op][0])
            self.assertEqual(signed, theirs[op][1])
        # At 32 pixels the subclass draws and applies exactly what torchvision's does.
        image = photo()
        for seed in range(20):
            torch.manual_seed(seed)
            a = pipeline.TrivialAugmentWideTranslate(32, InterpolationMode.BILINEAR)(image)
            torch.manual_seed(seed)
            b = autoaugment.TrivialAugmentWide(interpolation=InterpolationMode.BILINEAR)(image)
            self.assertEqual(list(a.getdata()), list(b.getdata()), f"seed {seed}")

    def test_random_erasing_follows_the_recipe(self):
        t = pipeline.train_transform(hyperparams(randomErase=0.25))
        self.assertIsInstance(t.transforms[-1], T.RandomErasing)
        self.assertEqual(t.transforms[-1].p, 0.25)
        self.assertNotIsInstance(pipeline.train_transform(hyperparams()).transforms[-1], T.RandomErasing)


if __name__ == "__main__":
    unittest.main()
