// Learning rate per (fractional) epoch, after torchvision references/classification/train.py: optional warm-up
// (linear from lr*warmupDecay, or constant lr*warmupDecay) for `warmupEpochs`, then StepLR or cosine annealing to 0
// over the remaining epochs.
import type { LrSchedule } from '../architectures/types.ts';

export interface ScheduleSpec {
  lr: number;
  epochs: number;
  schedule: LrSchedule;
  warmupEpochs: number;
  warmupMethod?: 'linear' | 'constant';
  warmupDecay?: number;
}

export function learningRateAt(spec: ScheduleSpec, epoch: number): number {
  const warm = Math.min(spec.warmupEpochs, spec.epochs);
  const decay = spec.warmupDecay ?? 0.01;
  if (epoch < warm) {
    if (spec.warmupMethod === 'constant') return spec.lr * decay;
    return spec.lr * (decay + (1 - decay) * (epoch / warm));
  }
  const e = epoch - warm;
  if (spec.schedule.kind === 'step') return spec.lr * spec.schedule.gamma ** Math.floor(e / spec.schedule.stepSize);
  const span = Math.max(1e-9, spec.epochs - warm);
  return spec.lr * 0.5 * (1 + Math.cos((Math.PI * Math.min(e, span)) / span));
}
