// The repeated-augmentation sampler of torchvision's references (`--ra-sampler --ra-reps N`, references/
// classification/sampler.py RASampler, from DeiT): each index of the epoch's permutation is repeated N times in a row,
// the list is padded to a multiple of the number of processes and dealt out round-robin (so the N augmented copies of
// an image land on N different processes), and each process keeps floor(len(dataset) // 256 * 256 / processes) of its
// share. One process (the tfjs engine) therefore sees each image N times in a row, and a dataset smaller than 256
// images gives an empty epoch: the local profile turns it off (recipes.ts records why).

/** The indices one process trains on in an epoch, given the epoch's permutation of the dataset. */
export function repeatedAugmentationOrder(
  permutation: readonly number[],
  repetitions: number,
  processes = 1,
  rank = 0,
): number[] {
  const n = permutation.length;
  const perProcess = Math.ceil((n * repetitions) / processes);
  const total = perProcess * processes;
  const selected = Math.floor((Math.floor(n / 256) * 256) / processes);
  const indices = permutation.flatMap((i) => Array.from({ length: repetitions }, () => i));
  indices.push(...indices.slice(0, total - indices.length));
  const mine: number[] = [];
  for (let k = rank; k < total; k += processes) mine.push(indices[k]);
  return mine.slice(0, selected);
}
