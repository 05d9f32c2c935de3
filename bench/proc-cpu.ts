/**
 * A child process's CPU and writes from /proc (Linux), for the A/B tools (bench/serve-cpu.ts, bench/ingest-floor.ts):
 * read around a measured run, the differences ÷ leads are the per-lead figures.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** utime + stime in clock ticks (fields 14 and 15 of /proc/…/stat, counted after the command name). */
export function ticks(path: string): number {
  const s = readFileSync(path, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

/** CPU ticks of the process's threads by thread name (V8Worker: GC and compiler helpers; WorkerThread: Remit's workers). */
export function ticksByThread(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8').trim();
      out.set(name, (out.get(name) ?? 0) + ticks(`/proc/${pid}/task/${t}/stat`));
    } catch {
      // a thread that ended between the listing and the read
    }
  }
  return out;
}

/** Bytes passed to write() and the write calls made, all threads (/proc/…/io): WAL frames and checkpoint copies. */
export function writes(pid: number): { bytes: number; calls: number } {
  const io = Object.fromEntries(
    readFileSync(`/proc/${pid}/io`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(': ')),
  ) as Record<string, string>;
  return { bytes: Number(io.wchar), calls: Number(io.syscw) };
}

/** Everything read at one moment: process ticks, main-thread ticks, writes, ticks by thread name. */
export interface ProcSample {
  readonly process: number;
  readonly main: number;
  readonly writes: { bytes: number; calls: number };
  readonly threads: Map<string, number>;
}

export const sample = (pid: number): ProcSample => ({
  process: ticks(`/proc/${pid}/stat`),
  main: ticks(`/proc/${pid}/task/${pid}/stat`),
  writes: writes(pid),
  threads: ticksByThread(pid),
});

/** The per-lead figures between two samples (100 ticks per second). */
export function perLead(a: ProcSample, b: ProcSample, n: number) {
  const msPerLead = (t: number) => +((t * 10) / n).toFixed(3);
  return {
    processCpuMsPerLead: msPerLead(b.process - a.process),
    mainThreadCpuMsPerLead: msPerLead(b.main - a.main),
    threadCpuMsPerLead: Object.fromEntries(
      [...b.threads].filter(([k]) => k !== 'MainThread').map(([k, v]) => [k, msPerLead(v - (a.threads.get(k) ?? 0))]),
    ),
    writeKbPerLead: +((b.writes.bytes - a.writes.bytes) / 1024 / n).toFixed(1),
    writeCallsPerLead: +((b.writes.calls - a.writes.calls) / n).toFixed(1),
  };
}

/** One measured run as the A/B tools print it: leads, leads/s, latency, the per-lead /proc figures, failures. */
export function runSummary(
  r: { ok2xx: number; leadsPerSecond: number; non2xx: number; latencyMs: { p50: number; p99: number } },
  before: ProcSample,
  after: ProcSample,
) {
  return {
    leads: r.ok2xx,
    leadsPerSecond: r.leadsPerSecond,
    p50Ms: r.latencyMs.p50,
    p99Ms: r.latencyMs.p99,
    ...perLead(before, after, r.ok2xx),
    non2xx: r.non2xx,
  };
}
