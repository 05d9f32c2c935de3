import type { Decision, Reason } from '../types.ts';
import { Badge } from './common.tsx';

export function Reasons({ reasons }: { reasons: readonly Reason[] }) {
  if (reasons.length === 0) return <span className="muted">none</span>;
  return (
    <ul className="reasons">
      {reasons.map((r, i) => (
        <li key={i}>
          <code>{r.code}</code> {r.detail}
        </li>
      ))}
    </ul>
  );
}

/** Every team the decision considered, with its verdict, licences and (when it passed) its reps. */
export function CandidateTable({ decision }: { decision: Decision }) {
  if (decision.candidates.length === 0)
    return <p className="muted">No team was evaluated (the lead was stopped before team selection — see the reasons above).</p>;
  return (
    <table className="data candidates">
      <caption>
        Candidate teams and reps as evaluated at {decision.decidedAt} (org {decision.ruleSet.version})
      </caption>
      <thead>
        <tr>
          <th scope="col">Team / rep</th>
          <th scope="col">Verdict</th>
          <th scope="col">Reasons</th>
          <th scope="col">Licences relied on / held</th>
        </tr>
      </thead>
      <tbody>
        {decision.candidates.map((t) => (
          <TeamRows key={t.id} team={t} />
        ))}
      </tbody>
    </table>
  );
}

function TeamRows({ team }: { team: Decision['candidates'][number] }) {
  return (
    <>
      <tr className="team-row">
        <th scope="row">
          {team.name} <span className="muted">({team.id})</span>
        </th>
        <td>{team.pass ? <Badge tone="good">team passes</Badge> : <Badge tone="bad">team fails</Badge>}</td>
        <td>
          <Reasons reasons={team.reasons} />
        </td>
        <td>
          {team.licences.length > 0 ? (
            team.licences.map((l) => `${l.id}${team.reliedOn.includes(l.id) ? ' ✓' : ''}`).join(', ')
          ) : (
            <span className="muted">no firm grant in this jurisdiction</span>
          )}
        </td>
      </tr>
      {team.reps.map((r) => (
        <tr key={r.id} className="rep-row">
          <th scope="row" className="indent">
            ↳ {r.name} <span className="muted">({r.id})</span>
          </th>
          <td>
            {r.eligible ? (
              <Badge tone="good">eligible</Badge>
            ) : r.lawful ? (
              <Badge tone="warn">lawful, unavailable</Badge>
            ) : (
              <Badge tone="bad">not lawful</Badge>
            )}
          </td>
          <td>
            <Reasons reasons={r.reasons} />
          </td>
          <td>{r.reliedOn.join(', ') || <span className="muted">—</span>}</td>
        </tr>
      ))}
    </>
  );
}
