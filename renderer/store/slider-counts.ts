// The curation slider counts in the page: the class list's similarities and the manual decisions are fetched once
// per index version (`curation.sliderIndex`), then every move is a few thousand binary searches here instead of a
// request (the HTTP round trip alone was 2.4-6 ms of a 16 ms frame). Until the index has arrived, while a job keeps
// changing the inputs, or between a decision and its refreshed effects, `localCounts` answers null and the screen
// asks the server as before.
import { api } from '../api/client.ts';
import { SliderCounter } from '../../native-workers/api/channels/slider-index.ts';

interface Held {
  encoder: string;
  version: string;
  counter: SliderCounter;
  /** False from a decision until the decisions were fetched again. */
  decisionsCurrent: boolean;
}

let held: Held | null = null;
/** Bumped by every decision: a reply to a request sent before it may not have seen it. */
let decisionGeneration = 0;
let syncing: Promise<void> | null = null;

/** Kept counts at a threshold in the class list's order, or null when the page cannot count them itself. */
export function localCounts(
  encoder: string,
  version: string | null,
  classes: number,
  threshold: number,
): Int32Array | null {
  if (!held || held.encoder !== encoder || held.version !== version || !held.decisionsCurrent) return null;
  if (held.counter.classes !== classes) return null;
  return held.counter.count(threshold);
}

/** A decision was written (or may have been, elsewhere): counts go to the server until the effects are fetched again. */
export function decisionsChanged(): void {
  decisionGeneration++;
  if (held) held.decisionsCurrent = false;
}

/**
 * Fetch what the page lacks for counting this class list (version, wnids in the list's order): the whole index for a
 * new version, only the decisions for one it holds. Failures leave counting to the server.
 */
export function syncSliderIndex(encoder: string, version: string, wnids: readonly string[]): Promise<void> {
  const upToDate = held && held.encoder === encoder && held.version === version && held.decisionsCurrent;
  if (upToDate) return Promise.resolve();
  // One request at a time; the newest class list is looked at again when it answers.
  if (syncing) return syncing.then(() => syncSliderIndex(encoder, version, wnids));
  const generation = decisionGeneration;
  const have = held && held.encoder === encoder && held.version === version ? version : undefined;
  syncing = api()
    .call('curation.sliderIndex', { encoder, ...(have ? { have } : {}) })
    .then((reply) => {
      if (reply.version !== version || !reply.current) return;
      if (reply.sizes == null) held!.counter.setDecisions(reply.decisions);
      else held = { encoder, version, counter: new SliderCounter(wnids, reply), decisionsCurrent: true };
      held!.decisionsCurrent = generation === decisionGeneration;
    })
    .catch(() => undefined)
    .finally(() => (syncing = null));
  return syncing;
}
