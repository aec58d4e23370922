// VGG-19 (configuration "E", no batch norm) as torchvision defines it, and its local scale.
// Its definition (torchvision's facts, the reference recipe, the local profile, the builder) closes the file.
import * as tf from '@tensorflow/tfjs';
import type { BuildContext } from './context.ts';
import { defineArchitecture } from './definition.ts';
import { TORCHVISION_REFERENCE, TRAIN_PY_DEFAULTS } from './recipes.ts';
import { AdaptiveAvgPool2d, conv2d, dropout, flatten, linear, maxPool, relu, type WeightInit } from './layers.ts';

interface VggConfig {
  /** Channels of each 3x3 conv; 'M' = MaxPool2d(2, 2). */
  layers: (number | 'M')[];
  pooledSize: number;
  hidden: number;
  /** Classifier weight init (torchvision: N(0, 0.01)). */
  classifierInit: WeightInit;
  /** Dropout after each of the two hidden linear layers. */
  dropout: number;
}

const E = (w: [number, number, number, number, number]): (number | 'M')[] => [
  w[0],
  w[0],
  'M',
  w[1],
  w[1],
  'M',
  w[2],
  w[2],
  w[2],
  w[2],
  'M',
  w[3],
  w[3],
  w[3],
  w[3],
  'M',
  w[4],
  w[4],
  w[4],
  w[4],
  'M',
];

const PAPER: VggConfig = {
  layers: E([64, 128, 256, 512, 512]),
  pooledSize: 7,
  hidden: 4096,
  classifierInit: { kind: 'normal', std: 0.01 },
  dropout: 0.5,
};
/**
 * All 16 convs, 1/4 width (1/8 in the last stages), 32 px -> 1x1 after five pools. Kaiming-normal classifier: three
 * N(0, 0.01) layers on 128-256 inputs scale the signal (and the gradient reaching the convs) by ~1e-3, which stalls a
 * run of a few hundred steps (measured: loss stuck at ln 10 for 3 epochs). No dropout: at 32 px the signal reaching
 * the classifier is already ~1e-3 of the input's (fan-out init at the channel-doubling convs, and zero padding on the
 * 4x4 and 2x2 maps of the last stages), and 0.5 dropout on top kept the demo's runs at ln 8.
 */
const LOCAL: VggConfig = {
  layers: E([16, 32, 64, 128, 128]),
  pooledSize: 1,
  hidden: 256,
  classifierInit: { kind: 'kaimingNormal', mode: 'fanIn' },
  dropout: 0,
};

/** torchvision VGG init: conv kaiming-normal fan-out (relu), bias 0; linear N(0, 0.01) (local: kaiming), bias 0. */
function buildVgg(ctx: BuildContext): tf.LayersModel {
  const cfg = ctx.profile === 'paper' ? PAPER : LOCAL;
  const { init } = ctx;
  const input = tf.input({ shape: [ctx.inputSize, ctx.inputSize, 3], name: 'input' });
  let x = input;
  let index = 0;
  for (const layer of cfg.layers) {
    if (layer === 'M') {
      x = maxPool(x, 2, 2);
      index += 1;
    } else {
      const spec = {
        filters: layer,
        kernel: 3,
        padding: 1,
        bias: true,
        weight: { kind: 'kaimingNormal', mode: 'fanOut' },
        biasInit: 'zeros',
      } as const;
      x = relu(conv2d(x, `features.${index}`, spec, init));
      index += 2;
    }
  }
  x = new AdaptiveAvgPool2d({ outputSize: cfg.pooledSize, name: 'avgpool' }).apply(x) as tf.SymbolicTensor;
  x = flatten(x);
  const fc = cfg.classifierInit;
  x = dropout(relu(linear(x, 'classifier.0', cfg.hidden, init, fc, 'zeros')), cfg.dropout);
  x = dropout(relu(linear(x, 'classifier.3', cfg.hidden, init, fc, 'zeros')), cfg.dropout);
  x = linear(x, 'classifier.6', ctx.numClasses, init, fc, 'zeros');
  return tf.model({ inputs: input, outputs: x, name: ctx.arch });
}

export const vgg19 = defineArchitecture({
  arch: 'vgg19',
  displayName: 'VGG-19',
  family: 'plain convnet',
  paperInput: 224,
  torchvisionParams: 143_667_240,
  recipe: {
    ...TRAIN_PY_DEFAULTS,
    lr: 0.01,
    source: `${TORCHVISION_REFERENCE}: "AlexNet and VGG": --model vgg19 --lr 1e-2`,
  },
  local: {
    inputSize: 32,
    description:
      'all 16 convs of configuration E at widths 16-32-64-128-128, five max pools, AdaptiveAvgPool2d((1,1)), classifier 256-256-classes with kaiming-normal init (N(0, 0.01) stalls short runs)',
    recipe: { epochs: 15 },
    why: {
      epochs:
        'a 19-layer net without batch norm sits at the loss of a uniform guess until its signal gets through: on the demo export ' +
        '(no dropout) 6 epochs reached 12-26% test top-1 (lr 0.01 and 0.03), 12 epochs 26-38%, 15 epochs 47-63% (3 seeds)',
    },
  },
  build: buildVgg,
});
