import { Writable } from 'node:stream';
import { pino } from 'pino';
import { silentLogger, type Logger } from '../../src/app/observability/logger.ts';
import { RemitMetrics } from '../../src/app/observability/remit-metrics.ts';

/** A logger that keeps every line it writes, parsed, so a test can assert what was logged. */
export function capturingLogger(): { readonly log: Logger; readonly lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}

/** What a test's ServiceContext gets: a silent logger (unless given one) and its own metrics registry. */
export const testObservability = (log: Logger = silentLogger()) => ({ log, metrics: new RemitMetrics({ processMetrics: false }) });
