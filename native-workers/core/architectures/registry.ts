// The nine architectures in the paper's order, each as its module defines it (definition.ts). Everything that lists
// or looks up architectures reads it from here: the names (a const tuple, for zod enums and CLI choices), the
// catalogue of plain data, and each architecture's builder.
import type { RegisteredArchitecture } from './definition.ts';
import type { ArchitectureInfo } from './types.ts';
import { alexnet } from './alexnet.ts';
import { vgg19 } from './vgg.ts';
import { inceptionV3 } from './inception.ts';
import { resnet152 } from './resnet.ts';
import { densenet161 } from './densenet.ts';
import { mobilenetV3Large } from './mobilenetv3.ts';
import { efficientnetV2S } from './efficientnetv2.ts';
import { vitB16 } from './vit.ts';
import { convnextTiny } from './convnext.ts';

const REGISTERED = [
  alexnet,
  vgg19,
  inceptionV3,
  resnet152,
  densenet161,
  mobilenetV3Large,
  efficientnetV2S,
  vitB16,
  convnextTiny,
] as const;

type NamesOf<T extends readonly RegisteredArchitecture[]> = {
  readonly [K in keyof T]: T[K] extends RegisteredArchitecture<infer N> ? N : never;
};

/** torchvision builder names of the nine architectures, in the paper's order (`map` keeps the order; the cast names it). */
export const ARCH_NAMES = REGISTERED.map((a) => a.info.arch) as unknown as NamesOf<typeof REGISTERED>;
export type ArchName = (typeof ARCH_NAMES)[number];

/** The catalogue: each architecture's torchvision facts, reference recipe and resolved local profile (plain data). */
export const ARCHITECTURES: readonly ArchitectureInfo[] = REGISTERED.map((a) => a.info);

/** The registered architecture of that name; an unknown name is refused with the known ones listed. */
export function registeredArchitecture(arch: string): RegisteredArchitecture<ArchName> {
  const found = REGISTERED.find((a) => a.info.arch === arch);
  if (!found) throw new Error(`unknown architecture '${arch}' (known: ${ARCH_NAMES.join(', ')})`);
  return found;
}

export function architectureInfo(arch: string): ArchitectureInfo {
  return registeredArchitecture(arch).info;
}
