import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

/**
 * The shared harness of the Chromium e2e suites (test/e2e): a real `remit serve` child process, Debian's headless
 * Chromium, a browser context that only reaches localhost, and a small fetch client for the HTTP API.
 */

export const ROOT = join(import.meta.dirname, '..', '..');
export const NODE = join(ROOT, 'node_modules', '.bin', 'node');
export const SHOTS = join(ROOT, 'test-results');
const CHROMIUM = '/usr/bin/chromium';

/**
 * Debian's chromium is installed by .ci/run. On a developer machine without it a suite is skipped with a notice
 * (like the PostgreSQL suites); under CI=true a missing browser is a failure, not a skip.
 */
export function e2eEnabled(suite: string): boolean {
  const run = existsSync(CHROMIUM) || process.env.CI === 'true';
  if (!run) console.warn(`\n*** ${suite} e2e SKIPPED: ${CHROMIUM} not found (apt-get install -y chromium; CI installs it) ***\n`);
  return run;
}

/** Builds web/dist when it is missing, makes the screenshot folder, and returns a fresh temporary directory. */
export function prepareE2e(tempPrefix: string): string {
  if (!existsSync(join(ROOT, 'web', 'dist', 'index.html'))) {
    const build = spawnSync(join(ROOT, 'node_modules', '.bin', 'vite'), ['build', '--config', 'web/vite.config.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH}` },
    });
    if (build.status !== 0) throw new Error(`console build failed:\n${build.stdout}\n${build.stderr}`);
  }
  mkdirSync(SHOTS, { recursive: true });
  return mkdtempSync(join(tmpdir(), tempPrefix));
}

/** Closes the browser, stops the server and removes the temporary directory (each when it was made). */
export async function tearDownE2e({ browser, server, dir }: { browser?: Browser; server?: RemitServer; dir?: string }): Promise<void> {
  await browser?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}

export interface RemitServer {
  /** From the "listening on" line. */
  url: string;
  /** The first-start admin key printed on stdout ('' when the start printed none). */
  adminKey: string;
  /** Everything the server printed on stdout up to the moment it was ready. */
  stdout: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  db: string;
  /** --config (the example org when absent). */
  configDir?: string;
  /** A fixed port; otherwise port 0 (PORT=0 in the environment too). */
  port?: number;
  /** Ready when this holds for stdout (default: the "listening on" URL and an admin key are printed). */
  ready?: (stdout: string) => boolean;
}

const LISTENING = /listening on (http:\/\/[^\s]+)/;
const ADMIN_KEY = /(remit_[A-Za-z0-9_-]+)/;

/** Spawns `remit serve --quiet` and resolves once it is ready; rejects if it exits first or takes over 60 s. */
export function startRemit({ db, configDir, port, ready }: StartOptions): Promise<RemitServer> {
  const isReady = ready ?? ((out: string) => LISTENING.test(out) && ADMIN_KEY.test(out));
  const args = ['src/cli/main.ts', 'serve', ...(configDir ? ['--config', configDir] : []), '--db', db];
  const child = spawn(NODE, [...args, '--port', String(port ?? 0), '--quiet'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: port === undefined ? { ...process.env, PORT: '0' } : process.env,
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  };
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    // The example config loads the shipped OFAC, UN and PEP lists at start (docs/screening.md): allow for a slow machine.
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`remit serve did not start:\n${out}\n${err}`));
    }, 60_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!isReady(out)) return;
      clearTimeout(timer);
      resolve({ url: LISTENING.exec(out)?.[1] ?? '', adminKey: ADMIN_KEY.exec(out)?.[1] ?? '', stdout: out, stop });
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`remit serve exited with ${code}:\n${out}\n${err}`)));
  });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A new context whose traffic is limited to localhost, and a page in it with `timeout` as its default timeout. */
export async function newLocalPage(
  browser: Browser,
  { viewport, timeout }: { viewport?: { width: number; height: number }; timeout: number },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(viewport ? { viewport } : {});
  await context.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname;
    return host === '127.0.0.1' || host === 'localhost' ? route.continue() : route.abort();
  });
  const page = await context.newPage();
  page.setDefaultTimeout(timeout);
  return { context, page };
}

export type Api = (method: string, path: string, token: string, body?: unknown) => Promise<{ status: number; body: Record<string, any> }>;

/** `api(method, path, token, body?)` against `base` with a bearer token; the answer's status and JSON body. */
export function apiClient(base: string): Api {
  return async (method, path, token, body) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
}

/** What a console suite's tests use: the server, the browser and the API client (set once `beforeAll` has run). */
export interface ConsoleSuite {
  readonly run: boolean;
  readonly server: RemitServer;
  readonly browser: Browser;
  readonly api: Api;
}

/**
 * The usual console suite: when enabled, a real `remit serve` on a fresh SQLite file (example org), an API client
 * and Chromium, started once for the file and torn down after it. Read the fields inside tests (they are set in
 * `beforeAll`).
 */
export function consoleSuite(suite: string): ConsoleSuite {
  const state: { run: boolean; server?: RemitServer; browser?: Browser; api?: Api; dir?: string } = { run: e2eEnabled(suite) };
  beforeAll(async () => {
    if (!state.run) return;
    state.dir = prepareE2e(`remit-${suite}-e2e-`);
    state.server = await startRemit({ db: join(state.dir, 'remit.sqlite') });
    state.api = apiClient(state.server.url);
    state.browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    if (!state.run) return;
    await tearDownE2e({
      ...(state.browser ? { browser: state.browser } : {}),
      ...(state.server ? { server: state.server } : {}),
      ...(state.dir ? { dir: state.dir } : {}),
    });
  });
  return {
    run: state.run,
    get server() {
      return state.server!;
    },
    get browser() {
      return state.browser!;
    },
    get api() {
      return state.api!;
    },
  };
}
