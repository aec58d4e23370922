// Early stopping on validation accuracy: stop when it has not improved for `patience` epochs. Its state is a plain
// object so it goes into the checkpoint.

export interface EarlyStoppingState {
  best: number | null;
  bestEpoch: number | null;
  badEpochs: number;
}

export function initialEarlyStopping(): EarlyStoppingState {
  return { best: null, bestEpoch: null, badEpochs: 0 };
}

/** Record one epoch's validation accuracy; returns the new state and whether it improved / whether to stop. */
export function observeValidation(
  s: EarlyStoppingState,
  epoch: number,
  value: number,
  patience: number,
): { state: EarlyStoppingState; improved: boolean; stop: boolean } {
  const improved = s.best == null || value > s.best;
  const state = improved ? { best: value, bestEpoch: epoch, badEpochs: 0 } : { ...s, badEpochs: s.badEpochs + 1 };
  return { state, improved, stop: state.badEpochs >= patience };
}
