/**
 * The load of the fairness benchmark (bench/fairness.bench.ts), run as its own process so that the client's event loop
 * is not the server's (a blocked server must not also delay reading the answers): four concurrent batches from one key,
 * and meanwhile single leads from another key, one after another, until every batch is answered. Prints
 * `{ singlesMs, batchesMs }` as JSON on stdout.
 * Usage: node bench/fairness-load.ts <baseUrl> <batchKey> <singleKey> <leadsPerBatch> <batches> <tag> [probe: 1 (default) | 0]
 */
const [base, batchKey, singleKey, perBatch, batches, tag, probe = '1'] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
];

let seq = 0;
const lead = (who: string) => {
  seq++;
  const name = `${who}${tag}x${seq}`;
  return {
    source: 'web_form',
    product: 'uk-stocks-shares-isa',
    person: { firstName: 'Fair', lastName: name, email: `fair.${name}@example.co.uk` },
    address: { country: 'GB', postalCode: 'SW1A 1AA' },
  };
};

async function post(key: string, path: string, body: unknown, expect: number): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== expect) throw new Error(`${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return performance.now() - t0;
}

let running = true;
const bodies = Array.from({ length: Number(batches) }, () => ({ leads: Array.from({ length: Number(perBatch) }, () => lead('b')) }));
const all = Promise.all(bodies.map((b) => post(batchKey, '/v1/leads:batch', b, 200))).finally(() => (running = false));
const singlesMs: number[] = [];
// Give the batches a head start so every single lead is sent while they are being taken in.
await new Promise((r) => setTimeout(r, 50));
while (running && probe === '1') {
  singlesMs.push(await post(singleKey, '/v1/leads', lead('s'), 201));
  await new Promise((r) => setTimeout(r, 5));
}
process.stdout.write(JSON.stringify({ singlesMs, batchesMs: await all }));
