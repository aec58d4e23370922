// The whole API: one typed map of channels (request/response zod schemas) and one of events. Each area of the app
// (jobs, sources, synsets, ...) has its map in channels/<area>.ts, merged here. Electron IPC, browser mode and the renderer all use this map.
import type { z } from 'zod';
import type { ChannelDef } from './channel.ts';
import { jobChannels, jobEvents } from './channels/jobs.ts';
import { sourceChannels } from './channels/sources.ts';
import { datasetChannels } from './channels/dataset.ts';
import { curationChannels } from './channels/curation.ts';
import { demoChannels } from './channels/demo.ts';
import { synsetChannels } from './channels/synsets.ts';
import { trainingChannels } from './channels/training.ts';

export const channels = {
  ...jobChannels,
  ...sourceChannels,
  ...datasetChannels,
  ...curationChannels,
  ...demoChannels,
  ...synsetChannels,
  ...trainingChannels,
} satisfies Record<string, ChannelDef>;

export const events = {
  ...jobEvents,
} satisfies Record<string, z.ZodType>;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
/** What a caller sends (defaults may be left out). */
export type RequestOf<C extends ChannelName> = z.input<Channels[C]['request']>;
/** What a handler receives: the request after its schema parsed it (defaults filled in). */
export type ParsedRequestOf<C extends ChannelName> = z.output<Channels[C]['request']>;
export type ResponseOf<C extends ChannelName> = z.output<Channels[C]['response']>;
export type EventName = keyof typeof events;
export type EventOf<E extends EventName> = z.output<(typeof events)[E]>;
