// The PyTorch engine's view of a run's hyperparameters. It trains torchvision's own definitions at full structure
// (the local profile scales only the recipe and the input, not the network), and two of them cannot run at the local
// profile's 32 px: AlexNet's three stride-2 max pools after a stride-4 stem need 63 px, Inception V3's stem and
// reduction blocks 75 px. The local profile's default input is raised to those (the evaluation sizes follow, keeping
// the recipe's resize/crop ratio), recorded as differences with that reason; an explicit input size is kept (and
// refused by the trainer when too small). test/unit/torch-trainer.test.ts checks these figures on the real models.
import { architectureInfo } from '../architectures/registry.ts';
import type { ArchName, Profile } from '../architectures/types.ts';
import { resolveHyperparams, type Hyperparams, type RunOverrides } from './hyperparams.ts';

/** The smallest square input torchvision's definition runs at, where it exceeds the local profile's input. */
export const TORCHVISION_MIN_INPUT: Partial<Record<ArchName, number>> = { alexnet: 63, inception_v3: 75 };

const SIZE_FIELDS = new Set(['trainCropSize', 'valCropSize', 'valResizeSize']);

export function torchHyperparams(arch: string, profile: Profile, o: RunOverrides): Hyperparams {
  const info = architectureInfo(arch);
  const min = TORCHVISION_MIN_INPUT[info.arch] ?? 0;
  const raised = o.inputSize == null && profile === 'local' && info.local.inputSize < min;
  const hp = resolveHyperparams(arch, profile, raised ? { ...o, inputSize: min } : o);
  if (!raised) return hp;
  const why = `the torch engine trains torchvision's full-size ${info.arch}, which needs at least ${min} px (the local model is built for ${info.local.inputSize} px)`;
  return { ...hp, differences: hp.differences.map((d) => (SIZE_FIELDS.has(d.field) ? { ...d, why } : d)) };
}
