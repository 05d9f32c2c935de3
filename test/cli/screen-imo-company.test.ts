import { resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/main.ts';

// The UN list shipped with the bank example (repository data, present in every checkout).
const UN = `un-xml:${resolve('examples/bank/screening/un/UN_consolidated.xml')}`;

async function screen(args: string[]): Promise<{ isMatch: boolean; hits: { entryId: string; identifierMatch?: unknown }[] }> {
  let stdout = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    stdout += String(c);
    return true;
  });
  try {
    expect(await runCli(['screen', '--list', UN, ...args])).toBe(0);
  } finally {
    out.mockRestore();
    process.exitCode = undefined;
  }
  return JSON.parse(stdout);
}

/** `remit screen --imo-company`: a company's IMO number as the UN list publishes it for DPRK shipping companies. */
describe('remit screen --imo-company', () => {
  it('finds the listed company by its number whatever name is given; without the number the name finds nothing', async () => {
    const byNumber = await screen(['--name', 'Blue Meadow Trading', '--kind', 'organisation', '--imo-company', '5571322']);
    expect(byNumber.isMatch).toBe(true);
    expect(byNumber.hits[0]).toMatchObject({ entryId: expect.any(String) });
    expect(JSON.stringify(byNumber.hits[0])).toContain('5571322');
    const byName = await screen(['--name', 'Blue Meadow Trading', '--kind', 'organisation']);
    expect(byName.hits).toEqual([]);
  });
});
