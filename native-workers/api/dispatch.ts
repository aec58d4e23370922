import { issuesText } from './channel.ts';
import { channels, type ChannelName, type ResponseOf } from './contract.ts';
import type { Handlers } from './handlers/index.ts';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    message: string,
    readonly status: number = 400,
  ) {
    super(message);
  }
}

export async function dispatch(handlers: Handlers, name: string, payload: unknown): Promise<unknown> {
  if (!Object.hasOwn(channels, name)) throw new ApiError(`unknown channel '${name}'`, 404);
  const ch = channels[name as ChannelName];
  const req = ch.request.safeParse(payload ?? {});
  if (!req.success) throw new ApiError(`invalid request for ${name}: ${issuesText(req.error)}`);
  const handler = handlers[name as ChannelName] as (r: unknown) => Promise<ResponseOf<ChannelName>>;
  const res = await handler(req.data);
  const out = ch.response.safeParse(res);
  if (!out.success)
    throw new ApiError(`handler for ${name} returned an invalid response: ${issuesText(out.error)}`, 500);
  return out.data;
}
