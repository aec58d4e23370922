// Vector math for embeddings: L2 normalisation, cosine similarity of normalised vectors, masked mean pooling.

/** Scale `v` in place to unit length (a zero vector stays zero). Returns v. */
export function l2Normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const n = Math.sqrt(s);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
}

export function dot(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`vectors differ in length (${a.length} vs ${b.length})`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Cosine similarity of two vectors of any length (0 when either is zero). */
export function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  if (a.length !== b.length) throw new Error(`vectors differ in length (${a.length} vs ${b.length})`);
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/** Split a row-major [rows, dim] matrix into L2-normalised row vectors (copies). */
export function normalizedRows(data: ArrayLike<number>, rows: number, dim: number): Float32Array[] {
  if (data.length !== rows * dim) throw new Error(`expected ${rows}x${dim} values, got ${data.length}`);
  const out: Float32Array[] = [];
  for (let r = 0; r < rows; r++) {
    const v = new Float32Array(dim);
    for (let j = 0; j < dim; j++) v[j] = data[r * dim + j];
    out.push(l2Normalize(v));
  }
  return out;
}

/**
 * Mean pooling over the attention mask (what sentence-transformers does): hidden is [rows, seq, dim] row-major,
 * mask is [rows, seq] of 0/1. Returns L2-normalised [rows] vectors.
 */
export function maskedMeanPool(
  hidden: ArrayLike<number>,
  mask: ArrayLike<number | bigint>,
  rows: number,
  seq: number,
  dim: number,
): Float32Array[] {
  if (hidden.length !== rows * seq * dim)
    throw new Error(`expected ${rows}x${seq}x${dim} hidden values, got ${hidden.length}`);
  const out: Float32Array[] = [];
  for (let r = 0; r < rows; r++) {
    const v = new Float32Array(dim);
    let count = 0;
    for (let t = 0; t < seq; t++) {
      if (Number(mask[r * seq + t]) === 0) continue;
      count++;
      const base = (r * seq + t) * dim;
      for (let j = 0; j < dim; j++) v[j] += hidden[base + j];
    }
    if (count > 0) for (let j = 0; j < dim; j++) v[j] /= count;
    out.push(l2Normalize(v));
  }
  return out;
}
