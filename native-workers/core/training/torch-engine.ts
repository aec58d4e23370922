// The PyTorch engine's view of a run's hyperparameters. It trains torchvision's own definitions at full structure
// (the local profile scales only the recipe and the input, not the network), and two of them cannot run at the local
// profile's 32 px: AlexNet's three stride-2 max pools after a stride-4 stem need 63 px, Inception V3's stem and
// reduction blocks 75 px. The local profile's default input is raised to those; an explicit input size is kept (and
// refused by the trainer when too small). test/unit/torch-trainer.test.ts checks these figures on the real models.
import { architectureInfo } from '../architectures/recipes.ts';
import type { ArchName, Profile } from '../architectures/types.ts';
import { resolveHyperparams, type Hyperparams, type RunOverrides } from './hyperparams.ts';

/** The smallest square input torchvision's definition runs at, where it exceeds the local profile's input. */
export const TORCHVISION_MIN_INPUT: Partial<Record<ArchName, number>> = { alexnet: 63, inception_v3: 75 };

export function torchHyperparams(arch: string, profile: Profile, o: RunOverrides): Hyperparams {
  const info = architectureInfo(arch);
  const inputSize = o.inputSize ?? (profile === 'local' ? Math.max(info.local.inputSize, TORCHVISION_MIN_INPUT[info.arch] ?? 0) : undefined);
  return resolveHyperparams(arch, profile, { ...o, inputSize });
}
