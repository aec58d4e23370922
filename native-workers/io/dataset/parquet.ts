// A parquet file from typed columns (hyparquet-writer). Fixed createdBy and no timestamps: same rows, same bytes.
import { parquetWriteBuffer } from 'hyparquet-writer';
import { writeFileAtomic } from './files.ts';

export type ParquetColumnType = 'STRING' | 'INT32' | 'INT64' | 'DOUBLE' | 'BOOLEAN';

export interface ParquetColumn {
  name: string;
  type: ParquetColumnType;
  data: unknown[];
}

export function writeParquetFile(
  path: string,
  columns: ParquetColumn[],
  opts: { metadata?: Record<string, string> } = {},
): void {
  const data = columns.map((c) => ({
    name: c.name,
    type: c.type,
    nullable: true,
    data: c.type === 'INT64' ? c.data.map((v) => (v == null ? null : BigInt(v as number))) : c.data,
  }));
  const buf = parquetWriteBuffer({
    columnData: data as never,
    createdBy: 'ImageNot Studio',
    kvMetadata: Object.entries(opts.metadata ?? {}).map(([key, value]) => ({ key, value })),
  });
  writeFileAtomic(path, new Uint8Array(buf));
}
