import { initial } from './0001-initial.ts';
import { service } from './0002-service.ts';
import { suppressions } from './0003-suppressions.ts';
import { audit } from './0004-audit.ts';
import { conduct } from './0005-conduct.ts';
import { orgActivations } from './0006-org-activations.ts';
import { consoleSessions } from './0007-console-sessions.ts';
import { screeningLists } from './0008-screening-lists.ts';
import { people } from './0009-people.ts';
import { orgDrafts } from './0010-org-drafts.ts';
import { repPresence } from './0011-rep-presence.ts';
import { totpReplay } from './0012-totp-replay.ts';
import { poolLedgerDays } from './0014-pool-ledger-days.ts';
import { rosterChanges } from './0015-roster-changes.ts';
import { reassignments } from './0016-reassignments.ts';
import { reassignmentJobs } from './0017-reassignment-jobs.ts';
import { repHeartbeats } from './0018-rep-heartbeats.ts';
import { notifications } from './0020-notifications.ts';
import { notificationInbox } from './0021-notification-inbox.ts';
import { notificationDigests } from './0022-notification-digests.ts';
import { notificationRuns } from './0023-notification-runs.ts';
import { crmWritebacks } from './0024-crm-writebacks.ts';
import { accountParents } from './0026-account-parents.ts';
import { leadOutcomes } from './0027-lead-outcomes.ts';
import { outcomeModels } from './0028-outcome-models.ts';
import { screeningNameKeys } from './0029-screening-name-keys.ts';
import { auditDecisionRef } from './0030-audit-decision-ref.ts';
import type { Migration } from './migration.ts';
import { screeningNameKeyScheme } from './0032-screening-name-key-scheme.ts';
import { tableGenerations } from './0035-table-generations.ts';
import { leanerWriteIndexes } from './0036-leaner-write-indexes.ts';
import { apiKeyGenerations } from './0037-api-key-generations.ts';
import { rescreenJobs } from './0038-rescreen-jobs.ts';
import { screeningListChecks } from './0040-screening-list-checks.ts';
import { leadUnscreenable } from './0044-lead-unscreenable.ts';
import { screeningLeadKeys } from './0045-screening-lead-keys.ts';
import { dropUnreadSqliteIndexes } from './0046-drop-unread-sqlite-indexes.ts';
import { rescreenJobHolds } from './0047-rescreen-job-holds.ts';
import { coverageJobOutcomes } from './0048-coverage-job-outcomes.ts';
import { auditLogDecisionRef } from './0049-audit-log-decision-ref.ts';

/** Every migration, ascending. To change the schema: add `000N-name.ts` and append it here. */
export const MIGRATIONS: readonly Migration[] = [
  initial,
  service,
  suppressions,
  audit,
  conduct,
  orgActivations,
  consoleSessions,
  screeningLists,
  people,
  orgDrafts,
  repPresence,
  totpReplay,
  poolLedgerDays,
  rosterChanges,
  reassignments,
  reassignmentJobs,
  repHeartbeats,
  notifications,
  notificationInbox,
  notificationDigests,
  notificationRuns,
  crmWritebacks,
  accountParents,
  leadOutcomes,
  outcomeModels,
  screeningNameKeys,
  auditDecisionRef,
  screeningNameKeyScheme,
  tableGenerations,
  leanerWriteIndexes,
  apiKeyGenerations,
  rescreenJobs,
  screeningListChecks,
  leadUnscreenable,
  screeningLeadKeys,
  dropUnreadSqliteIndexes,
  rescreenJobHolds,
  coverageJobOutcomes,
  auditLogDecisionRef,
];
