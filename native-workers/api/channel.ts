// The shape of one channel in the contract. Kept apart from contract.ts so room files can import it without a cycle.
import type { z } from 'zod';

export interface ChannelDef<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  request: Req;
  response: Res;
  /** One line for the API reference (`imagenot api --list`). */
  doc: string;
}

export function channel<Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res, doc: string): ChannelDef<Req, Res> {
  return { request, response, doc };
}
