// The demo's ground-truth join: each matched candidate with the source file it came from (samples.extra.file, written
// by the folder ingest), its text similarity and, if selected, its split. The demo knows every image's real
// Fashion-MNIST label, so it can say how clean the dataset the pipeline built really is.
import type { Db } from './workspace.ts';

export interface DemoCandidate {
  file: string | null;
  wnid: string;
  similarity: number | null;
  /** 'train' | 'test' in the latest selection, else null. */
  split: string | null;
}

export function demoCandidates(db: Db, encoder: string | null): DemoCandidate[] {
  const selection = db.prepare(`SELECT id FROM selections ORDER BY id DESC LIMIT 1`).get() as
    | { id: number }
    | undefined;
  return db
    .prepare(
      `SELECT json_extract(s.extra, '$.file') file, m.wnids wnid, t.similarity similarity, sp.split split
       FROM matches m JOIN samples s ON s.id = m.sample_id
       LEFT JOIN text_similarities t ON t.sample_id = m.sample_id AND t.encoder = @encoder
       LEFT JOIN splits sp ON sp.sample_id = m.sample_id AND sp.selection_id = @selection
       WHERE m.status = 'matched'
       ORDER BY m.sample_id`,
    )
    .all({ encoder, selection: selection?.id ?? -1 }) as DemoCandidate[];
}
