// What every family builder receives: the resolved build options and the initializer source.
import type { Init } from './init.ts';
import type { ArchName, Profile } from './types.ts';

export interface BuildContext {
  arch: ArchName;
  profile: Profile;
  numClasses: number;
  inputSize: number;
  init: Init;
  auxLogits: boolean;
}
