import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { scoreLead } from '../../src/domain/intake/score-lead.ts';
import { ScoringModelSchema } from '../../src/domain/intake/scoring-model.schema.ts';
import { normaliseOk } from './intake-fixtures.ts';

const doc = readFileSync(new URL('../../docs/intake.md', import.meta.url), 'utf8');
const block = (lang: string) => {
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(doc);
  if (!m) throw new Error(`no ${lang} block in docs/intake.md`);
  return m[1]!;
};

describe('docs/intake.md examples', () => {
  it('the intake example normalises and the scoring example scores it as documented', () => {
    const at = Date.parse('2025-03-03T11:00:00Z');
    const n = normaliseOk(JSON.parse(block('json')), { at });
    expect(n.lead.jurisdiction).toBe('GB-SCT');
    expect(n.address.postalCode).toBe('EH1 1AA');
    expect(n.contact).toMatchObject({ email: 'j.doe+promo@gmail.com', emailDedupe: 'jdoe@gmail.com', phoneE164: '+442079460958' });
    const model = ScoringModelSchema.parse((parse(block('yaml')) as { scoring: unknown }).scoring);
    expect(scoreLead(model, n, at)).toMatchObject({ score: 67.89, grade: 'B', qualified: true, outcome: 'route' });
  });
});
