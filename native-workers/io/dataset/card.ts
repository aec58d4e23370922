// The dataset card: README.md at the export root, as the Hugging Face Hub reads it (YAML front matter: licence,
// task, size, the data files per split and, for the image-folder layout, the features with the class names), then
// what a reader needs to judge and cite the data: classes, sizes per split, seed, threshold, encoders, sources and
// whose the images are. Pure text from the export's own figures, so the same export writes the same card.

export interface CardClass {
  index: number;
  wnid: string;
  name: string;
  rank: number;
  train: number;
  test: number;
}

export interface CardInfo {
  layout: 'imagefolder' | 'webdataset';
  selectionId: number;
  seed: number;
  threshold: number;
  textEncoder: string;
  imageEncoder: string | null;
  scoreMode: string | null;
  image: { size: number; crop: string };
  counts: { classes: number; train: number; test: number; skipped: number };
  classes: CardClass[];
  sources: { path: string; kind: string; images: number }[];
}

/** The Hub's size bucket for a number of examples. */
export function sizeCategory(n: number): string {
  const buckets: [number, string][] = [
    [1e3, 'n<1K'],
    [1e4, '1K<n<10K'],
    [1e5, '10K<n<100K'],
    [1e6, '100K<n<1M'],
    [1e7, '1M<n<10M'],
    [1e8, '10M<n<100M'],
  ];
  for (const [limit, name] of buckets) if (n < limit) return name;
  return '100M<n<1B';
}

/** A YAML scalar: JSON's double-quoted string is valid YAML and escapes everything that needs it. */
const q = (s: string) => JSON.stringify(s);
/** A Markdown table cell. */
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
const basename = (p: string) => p.split(/[\\/]/).pop() || p;

/** Features of the image-folder layout's metadata.jsonl (file_name becomes the image), label as a class label. */
function imageFolderFeatures(classes: CardClass[]): string[] {
  const plain: [string, string][] = [
    ['wnid', 'string'],
    ['class_name', 'string'],
    ['rank', 'int64'],
    ['caption', 'string'],
    ['url', 'string'],
    ['text_similarity', 'float64'],
    ['image_similarity', 'float64'],
    ['sample_id', 'int64'],
    ['sha256', 'string'],
  ];
  return [
    '  features:',
    '  - name: image',
    '    dtype: image',
    '  - name: label',
    '    dtype:',
    '      class_label:',
    '        names:',
    ...classes.map((c) => `          '${c.index}': ${q(c.wnid)}`),
    ...plain.flatMap(([name, dtype]) => [`  - name: ${name}`, `    dtype: ${dtype}`]),
  ];
}

function frontMatter(info: CardInfo): string[] {
  const files =
    info.layout === 'imagefolder'
      ? { train: 'train/**', test: 'test/**' }
      : { train: 'train-*.tar', test: 'test-*.tar' };
  return [
    '---',
    `pretty_name: ${q(`ImageNot-style dataset, selection ${info.selectionId}`)}`,
    'license: other',
    `license_name: ${q('images-belong-to-their-owners')}`,
    'task_categories:',
    '- image-classification',
    'size_categories:',
    `- ${sizeCategory(info.counts.train + info.counts.test)}`,
    'tags:',
    '- imagenot',
    '- web-image-caption-pairs',
    'configs:',
    '- config_name: default',
    '  data_files:',
    `  - split: train`,
    `    path: ${q(files.train)}`,
    `  - split: test`,
    `    path: ${q(files.test)}`,
    'dataset_info:',
    ...(info.layout === 'imagefolder' ? imageFolderFeatures(info.classes) : []),
    '  splits:',
    '  - name: train',
    `    num_examples: ${info.counts.train}`,
    '  - name: test',
    `    num_examples: ${info.counts.test}`,
    '---',
  ];
}

function loading(info: CardInfo): string[] {
  if (info.layout === 'imagefolder') {
    return [
      '```python',
      'from datasets import load_dataset',
      'ds = load_dataset("imagefolder", data_dir="path/to/this/folder")  # reads train/ and test/ with their metadata.jsonl',
      '',
      'from torchvision.datasets import ImageFolder',
      'train = ImageFolder("path/to/this/folder/train")  # class_to_idx equals the label below',
      '```',
      '',
      'Each split folder holds `<wnid>/<sample_id>.jpg` and `metadata.jsonl`, one line per image: `file_name` (relative',
      'to the split folder), `label`, `wnid`, `class_name`, `rank`, `caption`, `url`, `text_similarity`,',
      '`image_similarity`, `sample_id`, `sha256`.',
    ];
  }
  return [
    '```python',
    'from datasets import load_dataset',
    'ds = load_dataset("webdataset", data_files={"train": "path/to/this/folder/train-*.tar", "test": "path/to/this/folder/test-*.tar"})',
    '```',
    '',
    'Each shard holds, per sample, `<key>.jpg`, `<key>.cls` (the label, decimal) and `<key>.json` (sample id, wnid,',
    'split, class index, url, caption, similarities, sha256).',
  ];
}

export function datasetCard(info: CardInfo): string {
  const { counts } = info;
  const perClass = (split: 'train' | 'test') => {
    const n = new Set(info.classes.map((c) => c[split]));
    return n.size === 1 ? `${[...n][0]} per class` : `${Math.min(...n)}–${Math.max(...n)} per class`;
  };
  const ranking =
    info.scoreMode === 'image' && info.imageEncoder
      ? `mean image–caption similarity of their kept images (\`${info.imageEncoder}\`)`
      : 'number of kept images (no image encoder)';
  const lines = [
    ...frontMatter(info),
    '',
    `# ImageNot-style dataset, selection ${info.selectionId}`,
    '',
    'Built by ImageNot Studio from web image–caption pairs with no human labels, following "ImageNot: a contrast with',
    'ImageNet preserves model rankings" (Salaudeen & Hardt, 2024): a caption names a WordNet noun outside ImageNet-1k,',
    "the caption is close enough to the noun's definition, and the classes are ranked by how well their images match",
    'their captions.',
    '',
    '| | |',
    '| --- | --- |',
    `| Classes | ${counts.classes} |`,
    `| Train images | ${counts.train} (${perClass('train')}) |`,
    `| Test images | ${counts.test} (${perClass('test')}) |`,
    ...(counts.skipped ? [`| Left out (unreadable image) | ${counts.skipped} |`] : []),
    `| Seed | ${info.seed} |`,
    `| Text-similarity threshold | caption kept when strictly above ${info.threshold} |`,
    `| Text encoder | \`${info.textEncoder}\` |`,
    `| Image encoder | ${info.imageEncoder ? `\`${info.imageEncoder}\`` : 'none'} |`,
    `| Classes ranked by | ${ranking} |`,
    `| Images | ${info.image.size} px JPEG, ${info.image.crop === 'center' ? 'centre-cropped square' : 'short side resized, aspect kept'} |`,
    `| Layout | ${info.layout} |`,
    '',
    'Full provenance (rules, flags, tool versions) is in `dataset.json`; every image with its source URL, caption and',
    'similarities is in `manifest.parquet`; the classes are also in `classes.tsv`.',
    '',
    '## Loading',
    '',
    ...loading(info),
    '',
    '## Classes',
    '',
    "The label is the position of the wnid in sorted order, as torchvision's ImageFolder and ImageNet number classes.",
    "`rank` is the class's place in the ranking above (1 = best matched).",
    '',
    '| label | wnid | name | rank | train | test |',
    '| --- | --- | --- | --- | --- | --- |',
    ...info.classes.map((c) => `| ${c.index} | ${c.wnid} | ${cell(c.name)} | ${c.rank} | ${c.train} | ${c.test} |`),
    '',
    '## Sources',
    '',
    ...(info.sources.length
      ? info.sources.map((s) => `- \`${cell(basename(s.path))}\` (${s.kind}): ${s.images} images`)
      : ['- (none recorded)']),
    '',
    '## Licence',
    '',
    'This export grants no licence to the images: each image belongs to its owner and is reached at its `url`; check',
    'its terms before you redistribute it. The captions and URLs come from the metadata sources above and keep the',
    "licence their publisher gave them (LAION's metadata, for example, is published under CC-BY 4.0). The images were",
    'chosen by automatic rules (caption matching, text similarity, the NSFW and text-in-image flags that had run), not',
    'reviewed one by one: expect label noise and some unsuitable content.',
    '',
  ];
  return lines.join('\n');
}
