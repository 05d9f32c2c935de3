import { describe, expect, it } from 'vitest';
import { attemptClaimedJob, type JobAttemptSteps } from '../../src/app/shared/job-attempt.ts';
import { capturingLogger, testObservability } from '../support/observability.ts';

interface Job {
  readonly id: string;
  readonly attempts: number;
}

/** Steps that record what the rule asked of them; `run` decides whether the work succeeds. */
function recordingSteps(run: (job: Job) => Promise<void>, overrides: Partial<JobAttemptSteps<Job>> = {}) {
  const calls: string[] = [];
  const steps: JobAttemptSteps<Job> = {
    worker: 'rescreen-job',
    maxAttempts: 3,
    complete: async (job) => {
      calls.push(`complete ${job.id}`);
      await run(job);
    },
    giveUp: async (job, error) => void calls.push(`giveUp ${job.id}: ${error}`),
    handBack: async (job) => void calls.push(`handBack ${job.id}`),
    failureContext: (job) => ({ jobId: job.id, attempt: job.attempts }),
    ...overrides,
  };
  return { steps, calls };
}

async function failures(obs: ReturnType<typeof testObservability>, worker: string): Promise<number> {
  const metric = await obs.metrics.workerFailures.get();
  return metric.values.find((v) => v.labels.worker === worker)?.value ?? 0;
}

describe('attemptClaimedJob: the retry rule of the durable job workers', () => {
  it('a job that completes is done, with nothing logged or counted', async () => {
    const { log, lines } = capturingLogger();
    const obs = testObservability(log);
    const { steps, calls } = recordingSteps(async () => {});
    expect(await attemptClaimedJob(obs, { id: 'j1', attempts: 1 }, steps)).toBe('done');
    expect(calls).toEqual(['complete j1']);
    expect(await failures(obs, 'rescreen-job')).toBe(0);
    expect(lines.filter((l) => l.level === 50)).toEqual([]);
  });

  it('a failure before the last attempt hands the job back, logged and counted with its context', async () => {
    const { log, lines } = capturingLogger();
    const obs = testObservability(log);
    const { steps, calls } = recordingSteps(async () => {
      throw new Error('list gone');
    });
    expect(await attemptClaimedJob(obs, { id: 'j2', attempts: 2 }, steps)).toBe('retry');
    expect(calls).toEqual(['complete j2', 'handBack j2']);
    expect(await failures(obs, 'rescreen-job')).toBe(1);
    const line = lines.find((l) => l.level === 50);
    expect(line).toMatchObject({ worker: 'rescreen-job', jobId: 'j2', attempt: 2, err: { message: 'list gone' } });
  });

  it('a failure at the last attempt records the job failed with the error, not handed back', async () => {
    const obs = testObservability();
    const { steps, calls } = recordingSteps(async () => {
      throw new Error('still broken');
    });
    expect(await attemptClaimedJob(obs, { id: 'j3', attempts: 3 }, steps)).toBe('failed');
    expect(calls).toEqual(['complete j3', 'giveUp j3: still broken']);
    expect(await failures(obs, 'rescreen-job')).toBe(1);
  });

  it('a job claimed more often than allowed is not run again and is recorded failed', async () => {
    const obs = testObservability();
    const { steps, calls } = recordingSteps(async () => {});
    expect(await attemptClaimedJob(obs, { id: 'j4', attempts: 4 }, steps)).toBe('failed');
    expect(calls).toEqual(['giveUp j4: gave up after 3 attempts']);
  });

  it('when handing back fails too, the job failure is still logged and counted before the error surfaces', async () => {
    const obs = testObservability();
    const { steps } = recordingSteps(
      async () => {
        throw new Error('work failed');
      },
      {
        handBack: async () => {
          throw new Error('store down');
        },
      },
    );
    await expect(attemptClaimedJob(obs, { id: 'j5', attempts: 1 }, steps)).rejects.toThrow('store down');
    expect(await failures(obs, 'rescreen-job')).toBe(1);
  });
});
