// The convolution and max-pool geometries the nine architectures hand to the kernels: every Conv2D, DepthwiseConv2D
// and MaxPooling2D layer of each model at full size (paper profile) for 32, 96 and 224 px inputs (where the model
// builds at that size) and of the local profile at its own input, read from the built models themselves (zero
// weights: seconds for all of them), so the grid follows the architectures when they change.
//
// Kernel tests compare against tfjs's cpu backend, which is slow at full size, so each geometry is reduced: sides
// above 32 px and channel counts above 24 keep their remainder modulo 16 (what decides edge handling, stride phase and
// SIMD tails) and drop whole 16s; the same geometry is also tested with odd channel counts (3, 5, 12), below the
// 8- and 16-wide blocks of the AVX2 and AVX-512 implementations.
import type * as tf from '@tensorflow/tfjs';
import { ARCH_NAMES, buildZeroModel } from '../../native-workers/core/architectures/index.ts';
import type { Profile } from '../../native-workers/core/architectures/index.ts';

export interface KernelGeometry {
  kind: 'conv' | 'depthwise' | 'maxpool';
  kernel: [number, number];
  stride: [number, number];
  pad: 'same' | 'valid';
  /** Input [height, width, channels]. */
  input: [number, number, number];
  /** Output channels of a convolution (depthwise: the input's; max pool: the input's). */
  outChannels: number;
  /** Where it was seen first, e.g. `resnet152 paper 224 px: layer2.0.downsample.0`. */
  seenIn: string;
}

const pairOf = (v: number | number[]): [number, number] => (Array.isArray(v) ? [v[0], v[1] ?? v[0]] : [v, v]);

/** Every distinct geometry of the nine architectures' convolution and max-pool layers, at their real sizes. */
export function architectureKernelGeometries(): KernelGeometry[] {
  const builds: { arch: string; profile: Profile; size?: number }[] = [];
  for (const arch of ARCH_NAMES) {
    for (const size of [32, 96, 224]) builds.push({ arch, profile: 'paper', size });
    builds.push({ arch, profile: 'local' });
  }
  const found = new Map<string, KernelGeometry>();
  for (const b of builds) {
    let model: tf.LayersModel;
    try {
      model = buildZeroModel(b.arch, { profile: b.profile, inputSize: b.size });
    } catch {
      continue; // too small an input for this model at full size (AlexNet, Inception V3 at 32 px)
    }
    for (const layer of model.layers) {
      const cls = layer.getClassName();
      const kind =
        cls === 'Conv2D'
          ? 'conv'
          : cls === 'DepthwiseConv2D'
            ? 'depthwise'
            : cls === 'MaxPooling2D'
              ? 'maxpool'
              : undefined;
      if (!kind) continue;
      const config = layer.getConfig() as {
        kernelSize?: number | number[];
        poolSize?: number | number[];
        strides: number | number[];
        padding: string;
        dilationRate?: number | number[];
        filters?: number;
      };
      if (pairOf(config.dilationRate ?? 1).some((d) => d !== 1))
        throw new Error(`${layer.name}: dilated layers need their own cases here`);
      const shapes = (layer as unknown as { inboundNodes: { inputShapes: unknown }[] }).inboundNodes[0].inputShapes as
        | (number | null)[]
        | (number | null)[][];
      const shape = (Array.isArray(shapes[0]) ? shapes[0] : shapes) as number[];
      const [h, w, c] = shape.slice(1) as [number, number, number];
      const geometry: KernelGeometry = {
        kind,
        kernel: pairOf((config.kernelSize ?? config.poolSize)!),
        stride: pairOf(config.strides),
        pad: config.padding === 'same' ? 'same' : 'valid',
        input: [h, w, c],
        outChannels: kind === 'conv' ? config.filters! : c,
        seenIn: `${b.arch} ${b.profile} ${b.size ?? 'default'} px: ${layer.name}`,
      };
      const key = JSON.stringify({ ...geometry, seenIn: undefined });
      if (!found.has(key)) found.set(key, geometry);
    }
    model.dispose();
  }
  return [...found.values()];
}

/** A side or channel count reduced for a test against the cpu backend (see the file comment). */
const reduce = (n: number, limit: number, atLeast = 1) => {
  let r = n <= limit ? n : 16 + (n % 16);
  while (r < atLeast) r += 16;
  return r;
};

/** The geometries reduced for a cpu-backend comparison, each also with odd channel counts; distinct only. */
export function reducedKernelCases(geometries: KernelGeometry[]): KernelGeometry[] {
  const out = new Map<string, KernelGeometry>();
  for (const g of geometries) {
    const [h, w, c] = g.input;
    const side = (n: number, k: number) => reduce(n, 32, g.pad === 'valid' ? k : 1);
    const input: [number, number, number] = [side(h, g.kernel[0]), side(w, g.kernel[1]), reduce(c, 24)];
    const channelVariants: [number, number][] = [
      [input[2], reduce(g.outChannels, 24)],
      [3, 5],
      [5, 3],
      [12, 12],
    ];
    for (const [ic, oc] of channelVariants) {
      const outChannels = g.kind === 'conv' ? oc : ic;
      const reduced: KernelGeometry = { ...g, input: [input[0], input[1], ic], outChannels };
      const key = JSON.stringify({ ...reduced, seenIn: undefined });
      if (!out.has(key)) out.set(key, reduced);
    }
  }
  return [...out.values()];
}
