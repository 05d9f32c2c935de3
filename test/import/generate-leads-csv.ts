import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

/**
 * Writes a synthetic leads CSV for the example org (UK ISA enquiries): unique emails, a UK phone
 * on every `phoneEvery`-th row, and an invalid email on every `badEvery`-th row. Streams, so any
 * size fits in constant memory. Returns the data row numbers that are invalid.
 */
export async function generateLeadsCsv(
  path: string,
  rows: number,
  opts: { phoneEvery?: number; badEvery?: number; seed?: string } = {},
): Promise<number[]> {
  const phoneEvery = opts.phoneEvery ?? 1000;
  const badEvery = opts.badEvery ?? 100_000;
  const seed = opts.seed ?? 'g';
  const out = createWriteStream(path);
  const bad: number[] = [];
  out.write('external_id,first_name,last_name,email,phone,country,postal_code,product\n');
  let chunk: string[] = [];
  for (let i = 1; i <= rows; i++) {
    const phone = i % phoneEvery === 0 ? `020 7946 ${String(i % 10_000).padStart(4, '0')}` : '';
    const invalid = i % badEvery === 0;
    if (invalid) bad.push(i);
    chunk.push(
      `${seed}-${i},First${i},Last${i},${invalid ? 'not-an-email' : `${seed}.lead${i}@example.co.uk`},${phone},GB,SW1A ` +
        `1AA,uk-stocks-shares-isa`,
    );
    if (chunk.length === 10_000) {
      if (!out.write(`${chunk.join('\n')}\n`)) await once(out, 'drain');
      chunk = [];
    }
  }
  if (chunk.length > 0) out.write(`${chunk.join('\n')}\n`);
  out.end();
  await once(out, 'finish');
  return bad;
}
