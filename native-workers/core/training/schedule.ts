// Learning rate per (fractional) epoch, after torchvision references/classification/train.py: optional warm-up
// (LinearLR from lr*warmupDecay, or ConstantLR at lr*warmupDecay) for `warmupEpochs`, then StepLR or cosine annealing
// to 0 over the remaining epochs (SequentialLR). train.py steps the scheduler once per epoch (`lrUpdate: 'epoch'`, the
// lr is constant within an epoch); `lrUpdate: 'step'` evaluates the same curve at each step's fractional epoch.
// Checked against torch's schedulers at whole epochs (test/unit/training-torch.test.ts).
import type { LrSchedule } from '../architectures/types.ts';

export interface ScheduleSpec {
  lr: number;
  epochs: number;
  schedule: LrSchedule;
  warmupEpochs: number;
  /** train.py's default is 'constant'. */
  warmupMethod?: 'linear' | 'constant';
  warmupDecay?: number;
  lrUpdate?: 'epoch' | 'step';
}

export function learningRateAt(spec: ScheduleSpec, at: number): number {
  const epoch = (spec.lrUpdate ?? 'epoch') === 'epoch' ? Math.floor(at) : at;
  const warm = Math.min(spec.warmupEpochs, spec.epochs);
  const decay = spec.warmupDecay ?? 0.01;
  if (epoch < warm) {
    if ((spec.warmupMethod ?? 'constant') === 'constant') return spec.lr * decay;
    return spec.lr * (decay + (1 - decay) * (epoch / warm));
  }
  const e = epoch - warm;
  if (spec.schedule.kind === 'step') return spec.lr * spec.schedule.gamma ** Math.floor(e / spec.schedule.stepSize);
  const span = Math.max(1e-9, spec.epochs - warm);
  return spec.lr * 0.5 * (1 + Math.cos((Math.PI * Math.min(e, span)) / span));
}
