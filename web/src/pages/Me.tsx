import { useState } from 'react';
import { get, qs, type Me } from '../api.ts';
import { Badge, ErrorBox, fmtTime, Loading, outcomeTone, Page, useAsync } from '../components/common.tsx';
import { OutreachPanel } from '../components/me/OutreachPanel.tsx';
import { PresencePanel } from '../components/me/PresencePanel.tsx';
import { TransitionButtons } from '../components/me/TransitionButtons.tsx';
import { LeadOutcomes } from '../components/outcomes/LeadOutcomes.tsx';
import { Link } from '../router.tsx';

interface MyLead {
  readonly id: string;
  readonly status: string;
  readonly receivedAt: string;
  readonly slaDue: readonly { readonly kind: string; readonly dueAt: string }[];
}

/** The earliest running SLA deadline, in words ("accept by …"). */
const dueText = (l: MyLead) => {
  const next = [...l.slaDue].sort((a, b) => a.dueAt.localeCompare(b.dueAt))[0];
  return next ? `${next.kind === 'accept' ? 'accept' : 'first contact'} by ${fmtTime(next.dueAt)}` : '—';
};

function MyLeadRow({ lead, open, onOpen }: { lead: MyLead; open: boolean; onOpen: () => void }) {
  return (
    <tr>
      <td>
        <Link to={`/leads/${encodeURIComponent(lead.id)}`}>{lead.id}</Link>
      </td>
      <td>
        <Badge tone={outcomeTone(lead.status)}>{lead.status}</Badge>
      </td>
      <td>{fmtTime(lead.receivedAt)}</td>
      <td data-testid={`sla-${lead.id}`}>{dueText(lead)}</td>
      <td>
        <button type="button" className="secondary" aria-expanded={open} onClick={onOpen} aria-label={`Work on lead ${lead.id}`}>
          {open ? 'Close' : 'Work on it'}
        </button>
      </td>
    </tr>
  );
}

/** The lead being worked: lifecycle moves, the outreach check and the contact log, and its outcome. */
function LeadWork({ lead, onChanged }: { lead: MyLead; onChanged: () => void }) {
  return (
    <section className="card" aria-label={`Working on lead ${lead.id}`} data-testid="lead-work">
      <h2>
        Lead {lead.id} <Badge tone={outcomeTone(lead.status)}>{lead.status}</Badge>
      </h2>
      <TransitionButtons leadId={lead.id} status={lead.status} onMoved={onChanged} />
      <OutreachPanel leadId={lead.id} onLogged={onChanged} />
      <LeadOutcomes leadId={lead.id} canRecord />
    </section>
  );
}

function MyLeads() {
  const { data, error, loading, reload } = useAsync(() => get<{ items: MyLead[] }>(`/v1/leads${qs({ limit: 200 })}`), []);
  const [openId, setOpenId] = useState<string | null>(null);
  const open = data?.items.find((l) => l.id === openId);
  return (
    <section aria-labelledby="my-leads-h">
      <h2 id="my-leads-h">My leads</h2>
      {loading && !data && <Loading what="your leads" />}
      <ErrorBox error={error} />
      {data && (
        <table className="data">
          <caption>Leads assigned to you, oldest first, with the SLA deadline still running</caption>
          <thead>
            <tr>
              <th scope="col">Lead</th>
              <th scope="col">Status</th>
              <th scope="col">Received</th>
              <th scope="col">SLA due</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((l) => (
              <MyLeadRow key={l.id} lead={l} open={l.id === openId} onOpen={() => setOpenId(l.id === openId ? null : l.id)} />
            ))}
            {data.items.length === 0 && (
              <tr>
                <td colSpan={5}>No leads assigned to you.</td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      {open && <LeadWork lead={open} onChanged={reload} />}
    </section>
  );
}

/** A rep's own area (docs/console.md): presence (away / back) and their leads with the actions a rep takes on them. */
export function MePage({ me }: { me: Me }) {
  return (
    <Page title="Me">
      <p className="lede">
        Signed in as {me.name}
        {me.repId ? ` (rep ${me.repId})` : ''}.
      </p>
      {me.repId ? (
        <>
          <PresencePanel repId={me.repId} />
          <MyLeads />
        </>
      ) : (
        <p className="notice">Your account is not linked to a rep in the org: there is no presence or lead list to show.</p>
      )}
    </Page>
  );
}
