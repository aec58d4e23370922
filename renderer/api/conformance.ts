// Compile-time check (no run-time code): for every channel both the contract and the screens know, the contract's
// response fits the shape the screens read (views.ts), and what the screens send fits the contract's request.
// `npx tsc --noEmit` reports the channel by name when a room changes a schema under the UI.
import type { ChannelName, RequestOf, ResponseOf } from '../../native-workers/api/contract.ts';
import type { UiChannel, UiRequest, UiResponse } from './views.ts';

type Shared = Extract<ChannelName, UiChannel>;
type ResponseFits<C extends Shared> = ResponseOf<C> extends UiResponse<C> ? true : { channel: C; problem: 'response does not fit views.ts' };
type RequestFits<C extends Shared> = UiRequest<C> extends RequestOf<C> ? true : { channel: C; problem: 'request the screens send is not accepted' };

export type ResponseConformance = { [C in Shared]: ResponseFits<C> };
export type RequestConformance = { [C in Shared]: RequestFits<C> };

type AllTrue<T> = { [K in keyof T]: true };
// If a line below fails to compile, the error names the channel whose shape moved.
export const responsesFit: AllTrue<ResponseConformance> = {} as ResponseConformance;
export const requestsFit: AllTrue<RequestConformance> = {} as RequestConformance;
