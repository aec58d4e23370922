// The layers the architecture builders are made of (one module per concept under layers/): torchvision-style
// conv/BN/pool/linear in channels-last tfjs layers with torchvision's initializations, and the custom layers tfjs lacks
// (each module registers its own with tf.serialization.registerClass, so a model saved with model.save() loads again
// with tf.loadLayersModel()). Builders import from here.
export { Init, type BiasInit, type WeightInit } from './init.ts';
export { activation, HardSwish, relu, type ActivationName } from './layers/activations.ts';
export { conv2d, convBnAct } from './layers/conv.ts';
export { dropout, flatten, linear } from './layers/linear.ts';
export { add, concat } from './layers/merge.ts';
export { makeDivisible, SqueezeExcite } from './layers/mobile.ts';
export { batchNorm, layerNorm, TorchBatchNorm } from './layers/normalization.ts';
export { AdaptiveAvgPool2d, avgPool, globalAvgPool, maxPool } from './layers/pooling.ts';
export { SeededDropout, StochasticDepth } from './layers/random-drop.ts';
export { LayerScale, residual } from './layers/residual.ts';
export { ClassTokenPositionEmbedding, MultiHeadSelfAttention, SelectClassToken } from './layers/transformer.ts';
