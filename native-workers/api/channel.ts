// The shape of one channel in the contract, and how a failed validation reads. Kept apart from contract.ts so the
// channel files can import it without a cycle.
import type { z } from 'zod';

export interface ChannelDef<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  request: Req;
  response: Res;
  /** One line for the API reference (docs/api.md, `npm run docs:api`). */
  doc: string;
}

/** A failed parse as one line, `path: message` per issue (`(root)` for the value itself), for errors naming the field. */
export function issuesText(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

export function channel<Req extends z.ZodType, Res extends z.ZodType>(
  request: Req,
  response: Res,
  doc: string,
): ChannelDef<Req, Res> {
  return { request, response, doc };
}
