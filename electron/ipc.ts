// The IPC adapter (GitHub Desktop's ipc-shared pattern with zod): one invoke channel whose payload names an API
// channel; requests are validated against the contract (or the desktop-only map), responses too, and the sender
// must be our own page. This module is the only user of ipcMain; it takes it as a parameter so tests can drive it.
import type { z } from 'zod';
import { dispatch } from '../native-workers/api/dispatch.ts';
import { issuesText } from '../native-workers/api/channel.ts';
import type { Handlers } from '../native-workers/api/handlers/index.ts';
import { desktopChannels, type DesktopChannelName } from './desktop-channels.ts';

export const INVOKE = 'imagenot:invoke';
export const EVENT = 'imagenot:event';

export type DesktopHandlers = {
  [C in DesktopChannelName]: (
    req: z.output<(typeof desktopChannels)[C]['request']>,
  ) => Promise<z.input<(typeof desktopChannels)[C]['response']>>;
};

export type InvokeResult = { ok: true; value: unknown } | { ok: false; error: string };

/** One call from the renderer: validated, routed, answered as a value (errors are data, never thrown over IPC). */
export async function invokeChannel(
  api: () => Handlers,
  desktop: DesktopHandlers,
  channel: unknown,
  payload: unknown,
): Promise<InvokeResult> {
  try {
    if (typeof channel !== 'string') return { ok: false, error: 'channel name must be a string' };
    if (Object.hasOwn(desktopChannels, channel)) {
      const def = desktopChannels[channel as DesktopChannelName];
      const req = def.request.safeParse(payload ?? {});
      if (!req.success) return { ok: false, error: `invalid request for ${channel}: ${issuesText(req.error)}` };
      const handler = desktop[channel as DesktopChannelName] as (r: unknown) => Promise<unknown>;
      const res = def.response.safeParse(await handler(req.data));
      if (!res.success)
        return { ok: false, error: `handler for ${channel} returned an invalid response: ${issuesText(res.error)}` };
      return { ok: true, value: res.data };
    }
    return { ok: true, value: await dispatch(api(), channel, payload) };
  } catch (err) {
    return { ok: false, error: (err as Error)?.message ?? String(err) };
  }
}

interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: { senderFrame: { url: string } | null }, ...args: unknown[]) => Promise<unknown>,
  ): void;
  removeHandler(channel: string): void;
}

/** Wire the invoke channel; `trusted(url)` says whether a frame URL is our renderer. */
export function registerApi(
  ipcMain: IpcMainLike,
  api: () => Handlers,
  desktop: DesktopHandlers,
  trusted: (url: string) => boolean,
): () => void {
  ipcMain.handle(INVOKE, async (event, channel, payload) => {
    const url = event.senderFrame?.url ?? '';
    if (!trusted(url))
      return { ok: false, error: `refused: IPC from an untrusted page (${url || 'unknown'})` } satisfies InvokeResult;
    return invokeChannel(api, desktop, channel, payload);
  });
  return () => ipcMain.removeHandler(INVOKE);
}
