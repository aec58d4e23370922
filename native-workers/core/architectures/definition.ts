// One architecture, stated once by its own module: torchvision's facts (name, input size, parameter count), the
// reference recipe, the local profile and the builder. registry.ts lists the nine definitions; the names, the catalogue
// and the builder lookup are all read from there.
import type * as tf from '@tensorflow/tfjs';
import type { BuildContext } from './context.ts';
import { localSettings } from './recipes.ts';
import type { ArchitectureInfo, LocalSpec } from './types.ts';

/** Builds the architecture's tfjs model for the resolved options (index.ts's buildModel checks what it returns). */
export type Builder = (ctx: BuildContext) => tf.LayersModel;

/** What a module declares: the catalogue entry with its local profile unresolved, and its builder. */
export interface ArchitectureDefinition<N extends string> extends Omit<ArchitectureInfo<N>, 'local'> {
  local: LocalSpec;
  build: Builder;
}

export interface RegisteredArchitecture<N extends string = string> {
  /** The catalogue entry (plain data): the local recipe is resolved from the paper recipe and the local profile. */
  info: ArchitectureInfo<N>;
  build: Builder;
}

export function defineArchitecture<const N extends string>(
  definition: ArchitectureDefinition<N>,
): RegisteredArchitecture<N> {
  const { build, local, ...facts } = definition;
  return { info: { ...facts, local: localSettings(facts.recipe, local) }, build };
}
