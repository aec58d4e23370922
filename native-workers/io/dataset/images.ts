// The exported form of one image. sharp is deterministic for the same input, version and options, so two exports of
// one selection write identical bytes.
import sharp from 'sharp';

export type CropMode = 'center' | 'none';

export async function exportJpeg(source: string, size: number, crop: CropMode): Promise<Buffer> {
  const img = sharp(source, { failOn: 'error' }).rotate();
  const resized =
    crop === 'center'
      ? img.resize(size, size, { fit: 'cover', position: 'centre' })
      : img.resize(size, size, { fit: 'outside' }); // short side = size, aspect kept
  return resized.removeAlpha().toColourspace('srgb').jpeg({ quality: 90, mozjpeg: false }).toBuffer();
}
