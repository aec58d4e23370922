// Names for the contract's shapes the screens use. Each is derived from native-workers/api/contract.ts (a channel's
// response or request, an event's payload); nothing is declared here, so a schema change reaches every screen.
import type { EventOf, RequestOf, ResponseOf } from '../../native-workers/api/contract.ts';

export type Job = ResponseOf<'jobs.cancel'>;
export type Status = ResponseOf<'status.get'>;
export type JobProgress = EventOf<'job.progress'>;
export type JobLog = EventOf<'job.log'>;
export type JobLogResponse = ResponseOf<'jobs.log'>;
export type JobLogLine = JobLogResponse['lines'][number];
export type WorkerEvent = EventOf<'job.event'>;

export type SourceView = ResponseOf<'sources.list'>[number];
export type RejectionView = ResponseOf<'rejections.list'>['items'][number];

export type SynsetView = ResponseOf<'synsets.search'>[number];
export type SynsetDetail = ResponseOf<'synsets.show'>;
export type LemmaState = SynsetView['lemmaStates'][number];
export type LemmaReview = ResponseOf<'synsets.lemmaReview'>;
export type ReviewKind = NonNullable<RequestOf<'synsets.lemmaReview'>['kind']>;
export type MatchPreview = ResponseOf<'match.preview'>;

export type DirListing = ResponseOf<'files.list'>;
export type DirEntry = DirListing['entries'][number];

export type EncoderView = ResponseOf<'encoders.list'>[number];
export type CurationSettings = ResponseOf<'curation.settings'>;
export type ClassCount = ResponseOf<'curation.classes'>['classes'][number];
export type ClassInfo = ResponseOf<'curation.class'>;
export type Histogram = ResponseOf<'curation.histogram'>;
export type CurationItem = ResponseOf<'curation.items'>['items'][number];
export type CurationItemDetail = ResponseOf<'curation.item'>;
export type Decision = RequestOf<'curation.decide'>['decision'];
export type SortKey = NonNullable<RequestOf<'curation.items'>['sort']>;
export type ItemFilter = NonNullable<RequestOf<'curation.items'>['filter']>;

export type DatasetClass = ResponseOf<'dataset.classes'>['classes'][number];
export type SelectionInfo = NonNullable<ResponseOf<'dataset.classes'>['selection']>;
export type SelectionPreview = ResponseOf<'dataset.preview'>;
export type SelectionSuggestion = ResponseOf<'dataset.suggest'>;
export type ExportInfo = ResponseOf<'dataset.exports'>[number];

export type ArchView = ResponseOf<'arch.list'>[number];
export type RunView = ResponseOf<'runs.list'>[number];
export type RunOptions = ResponseOf<'runs.options'>;
export type RunDefaults = RunOptions['defaults'][number];
export type RunStartRequest = RequestOf<'runs.start'>;
/** `local` is scaled to train on a CPU in minutes; `paper` is the torchvision recipe at full size. */
export type TrainingProfile = NonNullable<RunStartRequest['profile']>;
/** `tfjs` trains in the app's own worker; `torch` runs the PyTorch trainer with the user's Python. */
export type TrainingEngine = NonNullable<RunStartRequest['engine']>;
/** The rankings object with every run per architecture and the stored run choice (`imagenot rankings WS --json`). */
export type WorkspaceRankings = ResponseOf<'rankings.get'>;
export type Rankings = NonNullable<WorkspaceRankings['rankings']>;
export type RankedModel = Rankings['models'][number];
export type RankingsChoice = RequestOf<'rankings.choose'>;
