// The shapes the screens rely on, one per channel, as agreed in the team brief. The client validates every response
// against the contract's zod schema at run time; `conformance.ts` checks at compile time that the contract's
// response types fit these shapes once a room's channels are merged.
import type { Job, Status } from '../../native-workers/api/channels/jobs.ts';

export type { Job, Status };

export interface SourceView {
  id: number;
  path: string;
  kind: string;
  rows: number | null;
  state: string;
  ingestedAt: string | null;
  samples?: number;
  rejected?: number;
  /** Why the source stopped early (a damaged file after some good rows). */
  error?: string | null;
}
export interface RejectionView {
  source: string;
  item: string;
  reason: string;
}
export interface SynsetView {
  wnid: string;
  name: string;
  lemmas: string[];
  definition: string;
  lexname: string;
  depth: number;
  inImagenet1k: boolean;
  eligible: boolean;
  reason: string | null;
  manual: 'include' | 'exclude' | null;
  candidates: number;
  hypernymPath?: { wnid: string; name: string }[];
}
export interface EncoderView {
  name: string;
  kind: string;
  defaultThreshold: number;
}
export interface CurationSettings {
  encoder: string | null;
  threshold: number | null;
}
export interface ClassCount {
  wnid: string;
  name: string;
  candidates: number;
  kept: number;
}
export interface Histogram {
  edges: number[];
  counts: number[];
  threshold: number;
}
export type Decision = 'accept' | 'reject' | null;
export interface CurationItem {
  sampleId: number;
  caption: string;
  url: string | null;
  thumb: string | null;
  textSimilarity: number | null;
  imageSimilarity: number | null;
  flags: string[];
  decision: Decision;
  kept: boolean;
}
export interface DatasetClass {
  rank: number;
  wnid: string;
  name: string;
  score: number | null;
  kept: number;
  train: number;
  test: number;
}
export interface ArchView {
  arch: string;
  params: number;
  imagenetTop1: number | null;
}
export interface RunView {
  id: number;
  arch: string;
  profile: string;
  status: string;
  epoch: number;
  top1: number | null;
  top5: number | null;
  backend: string | null;
  startedAt: string | null;
  endedAt: string | null;
  params: unknown;
}
/** `local` is scaled to train on a CPU in minutes; `paper` is the torchvision recipe at full size. */
export type TrainingProfile = 'local' | 'paper';

export interface MetricPoint {
  step: number;
  epoch: number;
  name: string;
  value: number;
}

/** Request and response of every channel the screens call (request types are what the screens send). */
export interface UiChannels {
  'status.get': { req: Record<string, never>; res: Status };
  'jobs.list': { req: { limit?: number }; res: Job[] };
  'jobs.cancel': { req: { id: number }; res: Job };
  'jobs.resume': { req: { id: number }; res: Job };
  'sources.list': { req: Record<string, never>; res: SourceView[] };
  'sources.ingest': { req: { paths: string[] }; res: Job };
  'sources.fetch': { req: { concurrency?: number; timeoutS?: number; retries?: number }; res: Job };
  'rejections.list': { req: { offset?: number; limit?: number }; res: { total: number; items: RejectionView[] } };
  'synsets.search': { req: { query: string; limit?: number; eligibleOnly?: boolean }; res: SynsetView[] };
  'synsets.show': { req: { wnid: string }; res: SynsetView };
  'synsets.setManual': { req: { wnid: string; manual: 'include' | 'exclude' | null }; res: SynsetView };
  'match.start': { req: { synsets?: 'eligible' }; res: Job };
  'encoders.list': { req: Record<string, never>; res: EncoderView[] };
  'filter.start': { req: { encoder: string }; res: Job };
  'curation.settings': { req: Record<string, never>; res: CurationSettings };
  'curation.setThreshold': { req: { threshold: number; encoder?: string }; res: CurationSettings };
  'curation.classes': { req: { threshold: number; encoder?: string }; res: ClassCount[] };
  'curation.histogram': { req: { wnid: string; threshold: number; bins?: number }; res: Histogram };
  'curation.items': {
    req: { wnid: string; sort: 'text' | 'image' | 'id'; order?: 'asc' | 'desc'; offset: number; limit: number };
    res: { total: number; items: CurationItem[] };
  };
  'curation.decide': { req: { sampleId: number; wnid: string; decision: Decision }; res: { sampleId: number; wnid: string; decision: Decision } };
  'dataset.select': { req: { threshold?: number; classes?: number; train?: number; test?: number; seed?: number }; res: Job };
  'dataset.classes': { req: Record<string, never>; res: { selectionId: number | null; scoreMode?: string | null; classes: DatasetClass[] } };
  'dataset.export': { req: { format: 'imagefolder' | 'webdataset'; size?: number }; res: Job };
  'flags.start': { req: { kind: 'nsfw' | 'ocr' }; res: Job };
  'arch.list': { req: Record<string, never>; res: ArchView[] };
  'runs.list': { req: Record<string, never>; res: RunView[] };
  'runs.start': {
    req: { archs: string[]; profile: TrainingProfile; epochs?: number; batch?: number; lr?: number; patience?: number; seed?: number };
    res: Job[];
  };
  'runs.metrics': { req: { runId: number }; res: MetricPoint[] };
  'rankings.get': { req: Record<string, never>; res: unknown };
  'demo.status': { req: Record<string, never>; res: { canStart: boolean; demo: unknown } };
  'demo.start': { req: { quick: boolean }; res: Job };
  /** Desktop only (electron/desktop-channels.ts). */
  'app.pickPaths': { req: { mode: 'files' | 'folder' }; res: string[] };
  'app.openWorkspace': { req: { create: boolean }; res: { path: string } | null };
}
export type UiChannel = keyof UiChannels;
export type UiRequest<C extends UiChannel> = UiChannels[C]['req'];
export type UiResponse<C extends UiChannel> = UiChannels[C]['res'];
