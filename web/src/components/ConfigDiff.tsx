import type { CollectionDiff, EntityChange, FieldChange, OrgConfigDiff } from '../../../src/domain/org/org-config-diff.ts';
import { Badge } from './common.tsx';

/** A draft's per-entity diff against the version in force (docs/access.md): added, removed, changed field before → after. */

const TITLES: Record<string, string> = {
  teams: 'Teams',
  reps: 'Reps',
  licences: 'Licence grants',
  appointments: 'Carrier appointments',
  products: 'Products',
  carriers: 'Carriers',
  rules: 'Rules',
  customFields: 'Custom fields',
  pools: 'Round-robin pools',
};

const show = (v: unknown): string => (v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));
const TONE = { added: 'good', removed: 'bad', changed: 'warn' } as const;

function FieldRows({ fields }: { fields: readonly FieldChange[] }) {
  return (
    <ul className="field-changes">
      {fields.map((f) => (
        <li key={f.path}>
          <code>{f.path}</code>: <del>{show(f.before)}</del> → <ins>{show(f.after)}</ins>
        </li>
      ))}
    </ul>
  );
}

function ChangeRow({ collection, c }: { collection: string; c: EntityChange }) {
  return (
    <tr data-testid={`diff-${collection}-${c.key}`} data-change={c.change}>
      <td>
        <code>{c.key}</code>
      </td>
      <td>
        <Badge tone={TONE[c.change]}>{c.change}</Badge>
      </td>
      <td>
        {c.change === 'changed' ? (
          <FieldRows fields={c.fields} />
        ) : (
          <details>
            <summary>{c.change === 'added' ? 'what is added' : 'what is removed'}</summary>
            <pre className="json">{JSON.stringify(c.change === 'added' ? c.after : c.before, null, 2)}</pre>
          </details>
        )}
      </td>
    </tr>
  );
}

function CollectionTable({ collection, diff }: { collection: string; diff: CollectionDiff }) {
  if (diff.changes.length === 0 && !diff.reordered) return null;
  return (
    <table className="data" data-testid={`diff-${collection}`}>
      <caption>
        {TITLES[collection] ?? collection} ({diff.changes.length} change{diff.changes.length === 1 ? '' : 's'})
      </caption>
      <thead>
        <tr>
          <th scope="col">Id</th>
          <th scope="col">Change</th>
          <th scope="col">Details</th>
        </tr>
      </thead>
      <tbody>
        {diff.changes.map((c) => (
          <ChangeRow key={`${c.change}-${c.key}`} collection={collection} c={c} />
        ))}
        {diff.reordered && (
          <tr>
            <td>—</td>
            <td>
              <Badge tone="warn">reordered</Badge>
            </td>
            <td>
              <del>{diff.reordered.before.join(', ')}</del> → <ins>{diff.reordered.after.join(', ')}</ins>
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

export function ConfigDiff({ diff }: { diff: OrgConfigDiff }) {
  const sections = Object.entries(diff.sections).filter(([, f]) => f.length > 0);
  const collections = Object.entries(diff.entities).filter(([, d]) => d.changes.length > 0 || d.reordered);
  return (
    <section aria-labelledby="config-diff-h" data-testid="config-diff">
      <h3 id="config-diff-h">What changes against the version in force</h3>
      {diff.label && (
        <p>
          Label: <del>{show(diff.label.before)}</del> → <ins>{show(diff.label.after)}</ins>
        </p>
      )}
      {collections.length === 0 && sections.length === 0 && <p className="muted">No change to what routes leads.</p>}
      {collections.map(([c, d]) => (
        <CollectionTable key={c} collection={c} diff={d} />
      ))}
      {sections.map(([s, fields]) => (
        <div key={s} data-testid={`diff-section-${s}`}>
          <h4>Policy section {s}</h4>
          <FieldRows fields={fields} />
        </div>
      ))}
    </section>
  );
}
