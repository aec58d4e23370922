// API calls typed by the contract itself (RequestOf / ResponseOf), for the channels the Training and Rankings slices
// use. The client checks every request and response against the contract's zod schemas at run time.
import type { ChannelName, RequestOf, ResponseOf } from '../../native-workers/api/contract.ts';
import { api } from '../api/client.ts';

export function call<C extends ChannelName>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
  const invoke = api().call as unknown as (channel: string, request: unknown) => Promise<unknown>;
  return invoke(channel, request) as Promise<ResponseOf<C>>;
}
