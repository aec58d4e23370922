// How big the demo is: images per class, image side, training epochs and architectures for `--quick`, the full demo
// and the reduced form the tests run; and how many train/test images per class the selection asks for, from the kept
// counts the text filter left (so that every class that has enough images qualifies, whatever the filter removed).
import { ARCH_NAMES } from '../architectures/registry.ts';

export interface DemoSize {
  /** Fashion-MNIST images written per class (each gets one generated caption). */
  imagesPerClass: number;
  /** Side of the written PNGs (Fashion-MNIST is 28 px; upsampled). */
  imageSide: number;
  /**
   * Training epochs of every run; absent: each architecture's local recipe (6; 15 for VGG-19 and 10 for ViT-B/16, which
   * need more steps on a few hundred images; core/architectures/recipes.ts).
   */
  epochs?: number;
  /** Training batch size (smaller than the recipe's 64: the demo's dataset is small, more steps per epoch help). */
  batch: number;
  /**
   * Early-stopping patience. The demo's runs go to their last epoch and test the best-validation weights: a plain
   * deep net can sit at the loss of a uniform guess for 5+ epochs before it learns (VGG-19 on the demo export), which a
   * 40-image validation part cannot tell from a run that has stopped improving.
   */
  patience: number;
  archs: string[];
}

/** `--quick`: must finish in 25 minutes on a 2-core CPU with every model above chance. */
export const QUICK_SIZE: DemoSize = {
  imagesPerClass: 400,
  imageSide: 32,
  batch: 32,
  patience: 1000,
  archs: [...ARCH_NAMES],
};
/**
 * Without `--quick`: three times the images (about 3x the training work of --quick; estimated under an hour on a
 * 2-core CPU from the measured --quick runs, not measured itself).
 */
export const FULL_SIZE: DemoSize = {
  imagesPerClass: 1200,
  imageSide: 32,
  batch: 32,
  patience: 1000,
  archs: [...ARCH_NAMES],
};

export interface SizeOverrides {
  quick?: boolean;
  imagesPerClass?: number;
  epochs?: number;
  batch?: number;
  archs?: string[];
}

export function demoSize(o: SizeOverrides): DemoSize {
  const base = o.quick ? QUICK_SIZE : FULL_SIZE;
  const archs = o.archs?.length ? o.archs : base.archs;
  const unknown = archs.filter((a) => !(ARCH_NAMES as readonly string[]).includes(a));
  if (unknown.length)
    throw new Error(`unknown architecture(s) ${unknown.join(', ')} (known: ${ARCH_NAMES.join(', ')})`);
  return {
    ...base,
    imagesPerClass: o.imagesPerClass ?? base.imagesPerClass,
    epochs: o.epochs ?? base.epochs,
    batch: o.batch ?? base.batch,
    archs,
  };
}

/** A class needs at least this many kept images to be worth a class in the demo. */
export const MIN_KEPT_PER_CLASS = 20;
/** Share of a class's images that goes to test. */
export const TEST_SHARE = 0.2;

/**
 * Train and test images per class for the selection: the smallest kept count among the classes that reach
 * MIN_KEPT_PER_CLASS, split 80/20, so all those classes qualify (ImageNot's selection wants equal-sized classes).
 * Returns null when no class has enough.
 */
export function splitSizes(keptPerClass: readonly number[]): { train: number; test: number } | null {
  const usable = keptPerClass.filter((k) => k >= MIN_KEPT_PER_CLASS);
  if (!usable.length) return null;
  const per = Math.min(...usable);
  const test = Math.max(1, Math.floor(per * TEST_SHARE));
  return { train: per - test, test };
}
