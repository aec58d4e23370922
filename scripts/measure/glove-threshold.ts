// Measures the GloVe encoder's default threshold (docs/glove-threshold.md): hand-labelled LAION captions from
// ../shared/data/laion-sample that contain a lemma, each labelled 1 when the lemma is used in the target synset's
// sense and 0 otherwise; prints the similarity distributions and, per threshold, precision / recall / Youden's J.
// Run: node --import tsx scripts/measure/glove-threshold.ts
import { resolve } from 'node:path';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { gloveEmbed, loadGloveVectors } from '../../native-workers/io/encoders/glove.ts';
import { synsetText } from '../../native-workers/core/similarity/synset-text.ts';
import { dot } from '../../native-workers/core/similarity/vector.ts';

/** lemma -> target synset (WordNet 3.0) and the hand labels of every sample-file row whose caption contains it. */
const LABELLED: Record<string, { wnid: string; name: string; definition: string; labels: Record<number, 0 | 1> }> = {
  ring: {
    wnid: 'n04092609',
    name: 'ring',
    definition: 'jewelry consisting of a circlet of precious metal (often set with jewels) worn on the finger',
    labels: {
      776: 1,
      889: 1,
      1263: 1,
      1704: 1,
      2794: 1,
      5614: 1,
      5742: 1,
      6611: 1,
      7059: 1,
      8461: 1,
      9705: 0,
      9928: 1,
    },
  },
  plant: {
    wnid: 'n00017222',
    name: 'plant',
    definition: '(botany) a living organism lacking the power of locomotion',
    labels: { 302: 1, 458: 1, 1718: 1, 2180: 0, 2796: 0, 5419: 1, 6866: 1, 9103: 1, 9154: 0 },
  },
  star: {
    wnid: 'n09444100',
    name: 'star',
    definition:
      '(astronomy) a celestial body of hot gases that radiates energy derived from thermonuclear reactions in the interior',
    labels: {
      2609: 0,
      2718: 0,
      2905: 0,
      4737: 0,
      4840: 0,
      5866: 0,
      6072: 0,
      6263: 0,
      6511: 0,
      7071: 0,
      9458: 0,
      9859: 0,
    },
  },
  table: {
    wnid: 'n04379243',
    name: 'table',
    definition: 'a piece of furniture having a smooth flat top that is usually supported by one or more vertical legs',
    labels: {
      179: 1,
      1102: 1,
      1519: 0,
      2938: 1,
      4218: 1,
      4597: 1,
      5322: 1,
      5481: 1,
      5507: 1,
      6657: 1,
      6797: 1,
      6987: 1,
      7117: 1,
      7822: 1,
      8720: 0,
      8972: 0,
      9185: 1,
      9822: 1,
      9984: 1,
    },
  },
  glass: {
    wnid: 'n03438257',
    name: 'glass',
    definition: 'a container for holding liquids while drinking',
    labels: {
      3098: 0,
      3561: 0,
      4019: 0,
      4081: 1,
      4625: 0,
      4810: 0,
      5630: 0,
      5798: 0,
      6797: 0,
      6891: 0,
      9278: 0,
      9335: 0,
    },
  },
  ball: {
    wnid: 'n02778669',
    name: 'ball',
    definition: 'round object that is hit or thrown or kicked in games',
    labels: {
      462: 1,
      2281: 1,
      2573: 1,
      2803: 0,
      3192: 1,
      3386: 1,
      3839: 1,
      3980: 1,
      4329: 1,
      4931: 1,
      6133: 0,
      6902: 1,
      7144: 1,
      7710: 0,
      8134: 1,
    },
  },
  box: {
    wnid: 'n02883344',
    name: 'box',
    definition: 'a (usually rectangular) container; may have a lid',
    labels: {
      255: 1,
      2432: 1,
      2855: 1,
      3256: 1,
      3891: 1,
      5404: 0,
      5952: 0,
      7016: 0,
      7699: 1,
      8553: 0,
      9042: 1,
      9290: 0,
      9433: 1,
      9694: 1,
      9827: 0,
    },
  },
  card: {
    wnid: 'n06627006',
    name: 'card',
    definition: 'a rectangular piece of stiff paper used to send messages (may have printed greetings or pictures)',
    labels: { 1249: 0, 2700: 0, 3669: 0, 3836: 1, 4597: 0, 5554: 0, 6786: 0, 7297: 1, 7358: 1, 8733: 0, 9388: 0 },
  },
  stamp: {
    wnid: 'n06796119',
    name: 'postage',
    definition: 'a small adhesive token stuck on a letter or package to indicate that that postal fees have been paid',
    labels: { 494: 1, 1409: 0, 1471: 1, 1646: 1, 2432: 0, 2610: 1, 4522: 0, 5666: 1, 6922: 0 },
  },
  spring: {
    wnid: 'n15237044',
    name: 'spring',
    definition: 'the season of growth',
    labels: { 760: 1, 3176: 1, 3906: 1, 4398: 1, 4548: 1, 4648: 1, 7679: 1 },
  },
  cap: {
    wnid: 'n02954340',
    name: 'cap',
    definition: 'a tight-fitting headdress',
    labels: { 776: 0, 2426: 1, 2668: 0, 5527: 1, 5692: 1, 6009: 1, 6312: 1, 7289: 0 },
  },
  pool: {
    wnid: 'n03982060',
    name: 'pool',
    definition: 'an excavation that is (usually) filled with water',
    labels: { 217: 1, 1964: 1, 2406: 1, 3296: 0, 3532: 1, 3930: 1, 4825: 1, 6156: 1, 8851: 1 },
  },
  bed: {
    wnid: 'n02818832',
    name: 'bed',
    definition: 'a piece of furniture that provides a place to sleep',
    labels: {
      292: 0,
      428: 1,
      775: 0,
      1502: 1,
      1605: 1,
      1995: 1,
      2241: 0,
      2586: 1,
      3800: 1,
      4392: 0,
      4648: 1,
      4697: 0,
      4901: 0,
      5927: 0,
      6128: 0,
      6516: 0,
      7181: 0,
      7718: 0,
      8154: 0,
      8173: 1,
      8349: 0,
      9108: 0,
      9769: 0,
    },
  },
  apple: {
    wnid: 'n07739125',
    name: 'apple',
    definition: 'fruit with red or yellow or green skin and sweet to tart crisp whitish flesh',
    labels: { 36: 1, 419: 0, 3162: 0, 3271: 0, 3729: 1, 4407: 0, 6201: 1, 9511: 0 },
  },
};

const file = resolve(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'shared',
  'data',
  'laion-sample',
  'img2dataset-test_10000.parquet',
);
const rows = (await parquetReadObjects({ file: await asyncBufferFromFile(file), columns: ['TEXT'] })) as {
  TEXT: string | null;
}[];
const g = loadGloveVectors();
const LAIONET_PAD = (t: string) => ` ${t.replace(/[!-/:-@[-`{-~]/g, ' ')} `;

const scored: { lemma: string; row: number; label: 0 | 1; sim: number }[] = [];
for (const [lemma, t] of Object.entries(LABELLED)) {
  const classVec = gloveEmbed(g, synsetText(t.name, t.definition));
  for (const [row, label] of Object.entries(t.labels)) {
    const caption = rows[Number(row)].TEXT ?? '';
    if (!LAIONET_PAD(caption).includes(` ${lemma} `)) throw new Error(`row ${row} does not contain '${lemma}'`);
    scored.push({ lemma, row: Number(row), label, sim: dot(gloveEmbed(g, caption), classVec) });
  }
}
const pos = scored
  .filter((s) => s.label === 1)
  .map((s) => s.sim)
  .sort((a, b) => a - b);
const neg = scored
  .filter((s) => s.label === 0)
  .map((s) => s.sim)
  .sort((a, b) => a - b);
const q = (a: number[], p: number) => a[Math.min(a.length - 1, Math.floor(p * a.length))];
const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
console.log(
  `labelled pairs: ${scored.length} (${pos.length} in sense, ${neg.length} other sense) over ${Object.keys(LABELLED).length} lemmas`,
);
console.log(
  `in sense:    mean ${mean(pos).toFixed(3)}  p10 ${q(pos, 0.1).toFixed(3)}  p25 ${q(pos, 0.25).toFixed(3)}  median ${q(pos, 0.5).toFixed(3)}  p75 ${q(pos, 0.75).toFixed(3)}`,
);
console.log(
  `other sense: mean ${mean(neg).toFixed(3)}  p25 ${q(neg, 0.25).toFixed(3)}  median ${q(neg, 0.5).toFixed(3)}  p75 ${q(neg, 0.75).toFixed(3)}  p90 ${q(neg, 0.9).toFixed(3)}`,
);
let auc = 0;
for (const p of pos) for (const n of neg) auc += p > n ? 1 : p === n ? 0.5 : 0;
console.log(`ROC AUC ${(auc / (pos.length * neg.length)).toFixed(3)}`);
console.log('threshold  kept  precision  recall  FPR    J');
let best = { t: 0, j: -1 };
for (let t = 0.5; t <= 0.8001; t += 0.01) {
  const tp = pos.filter((s) => s > t).length;
  const fp = neg.filter((s) => s > t).length;
  const j = tp / pos.length - fp / neg.length;
  if (j > best.j + 1e-12) best = { t, j };
  console.log(
    `${t.toFixed(3)}      ${String(tp + fp).padStart(4)}  ${(tp / Math.max(1, tp + fp)).toFixed(3)}      ${(tp / pos.length).toFixed(3)}   ${(fp / neg.length).toFixed(3)}  ${j.toFixed(3)}`,
  );
}
console.log(`best Youden's J at threshold ${best.t.toFixed(3)} (J = ${best.j.toFixed(3)})`);
if (process.argv.includes('--pairs'))
  for (const s of scored.sort((a, b) => a.sim - b.sim))
    console.log(`${s.sim.toFixed(3)}\t${s.label}\t${s.lemma}\t${(rows[s.row].TEXT ?? '').slice(0, 80)}`);
