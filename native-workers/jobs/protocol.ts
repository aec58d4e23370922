// Messages between the job runner and a worker process. Both sides parse with these schemas: nothing else crosses.
import { z } from 'zod';

export const ParentToWorker = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), jobId: z.number().int(), workspace: z.string(), kind: z.string() }),
  z.object({ type: z.literal('cancel') }),
]);
export type ParentToWorker = z.infer<typeof ParentToWorker>;

export const WorkerToParent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('progress'),
    done: z.number(),
    total: z.number().nullable(),
    message: z.string().nullable(),
  }),
  z.object({ type: z.literal('log'), level: z.enum(['info', 'warn', 'error']), message: z.string() }),
  z.object({ type: z.literal('event'), name: z.string(), payload: z.unknown() }),
  z.object({ type: z.literal('done'), result: z.unknown() }),
  z.object({ type: z.literal('cancelled') }),
  z.object({ type: z.literal('failed'), error: z.string() }),
]);
export type WorkerToParent = z.infer<typeof WorkerToParent>;
