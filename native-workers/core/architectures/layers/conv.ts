// Convolutions: torch's nn.Conv2d on channels-last input with torch's symmetric padding and initialization, and
// conv -> BN -> activation.
import * as tf from '@tensorflow/tfjs';
import { biasInitializer, weightInitializer, type BiasInit, type Init, type WeightInit } from '../init.ts';
import { activation, type ActivationName } from './activations.ts';
import { pair, type Pair } from './custom-layer.ts';
import { batchNorm } from './normalization.ts';

type Sym = tf.SymbolicTensor;

export interface ConvSpec {
  filters: number;
  kernel: number | Pair;
  stride?: number;
  /** torch padding (symmetric). Stride-1 "same" padding maps to tfjs 'same'; anything else is explicit zero padding. */
  padding?: number | Pair;
  /** Depthwise convolution (torch groups == in_channels == out_channels). */
  depthwise?: boolean;
  bias?: boolean;
  weight: WeightInit;
  biasInit?: BiasInit;
}

/** torch nn.Conv2d on NHWC input, symmetric padding as torch does it. */
export function conv2d(x: Sym, name: string, spec: ConvSpec, init: Init): Sym {
  const [kh, kw] = pair(spec.kernel);
  const [ph, pw] = pair(spec.padding ?? 0);
  const stride = spec.stride ?? 1;
  const inChannels = x.shape[x.shape.length - 1]!;
  const useBias = spec.bias ?? false;
  const sameAsTorch = stride === 1 && 2 * ph === kh - 1 && 2 * pw === kw - 1;
  let input = x;
  if (!sameAsTorch && (ph > 0 || pw > 0))
    input = tf.layers
      .zeroPadding2d({
        padding: [
          [ph, ph],
          [pw, pw],
        ],
        name: `${name}.pad`,
      })
      .apply(x) as Sym;
  const padding = sameAsTorch ? 'same' : 'valid';
  if (spec.depthwise) {
    if (spec.filters !== inChannels) throw new Error(`${name}: depthwise conv needs filters == input channels`);
    // torch depthwise weight [C,1,kh,kw]: fan_in = kh*kw, fan_out = C*kh*kw
    const fanIn = kh * kw;
    const fanOut = inChannels * kh * kw;
    return tf.layers
      .depthwiseConv2d({
        name,
        kernelSize: [kh, kw],
        strides: stride,
        padding,
        depthMultiplier: 1,
        useBias,
        depthwiseInitializer: weightInitializer(init, spec.weight, fanIn, fanOut),
        biasInitializer: useBias ? biasInitializer(init, spec.biasInit ?? 'zeros', fanIn) : undefined,
      })
      .apply(input) as Sym;
  }
  const fanIn = inChannels * kh * kw;
  const fanOut = spec.filters * kh * kw;
  return tf.layers
    .conv2d({
      name,
      filters: spec.filters,
      kernelSize: [kh, kw],
      strides: stride,
      padding,
      useBias,
      kernelInitializer: weightInitializer(init, spec.weight, fanIn, fanOut),
      biasInitializer: useBias ? biasInitializer(init, spec.biasInit ?? 'zeros', fanIn) : undefined,
    })
    .apply(input) as Sym;
}

/** Conv -> BatchNorm -> activation (torchvision's Conv2dNormActivation / BasicConv2d), conv without bias. */
export function convBnAct(
  x: Sym,
  name: string,
  spec: Omit<ConvSpec, 'bias'>,
  act: ActivationName,
  init: Init,
  bn: { eps?: number; momentum?: number } = {},
  names: { conv: string; bn: string } = { conv: `${name}.0`, bn: `${name}.1` },
): Sym {
  const fuseRelu = act === 'relu';
  const y = batchNorm(conv2d(x, names.conv, { ...spec, bias: false }, init), names.bn, init, { ...bn, relu: fuseRelu });
  return fuseRelu ? y : activation(y, act);
}
