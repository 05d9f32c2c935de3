/** Topic flags shared by the loaders (OpenSanctions topic vocabulary). */
import type { ScreeningEntity } from './screening-entity.ts';

const SANCTION_TOPICS = new Set([
  'sanction',
  'sanction.linked',
  'sanction.counter',
  'debarment',
  'export.control',
  'crime.terror',
  'wanted',
]);

export function applyTopics(e: ScreeningEntity, topics: Iterable<string>): void {
  for (const t of topics) {
    const topic = t.trim();
    if (!topic) continue;
    if (!e.topics.includes(topic)) e.topics.push(topic);
    if (topic === 'role.pep' || topic === 'role.rca' || topic.startsWith('role.pep')) e.isPep = true;
    if (SANCTION_TOPICS.has(topic)) e.isSanctioned = true;
  }
}
