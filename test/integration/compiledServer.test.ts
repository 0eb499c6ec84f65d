import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { compileServer } from '../../src/build/compileServer.ts';
import { FormBrowser } from '../support/formBrowser.ts';
import { newDatabase, withDatabase } from '../support/gatehouseCli.ts';
import { freePort } from '../support/testGatehouse.ts';

// What `npm start` runs: the sources compiled to JavaScript (src/build/compileServer.ts),
// started the way package.json starts them, serving the hosted sign-in and the account
// page from its views on a real database.

const node = resolve('node_modules/.bin/node');
const work = mkdtempSync(join(tmpdir(), 'gatehouse-compiled-'));
const database = newDatabase();
const password = 'correct horse battery';
let server: ChildProcess | undefined;
let output = '';

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((done) => server!.once('exit', done));
    server.kill('SIGKILL');
    await exited;
  }
  rmSync(work, { recursive: true, force: true });
});

test('the compiled server starts, signs a person in to the account page and stops on SIGTERM', async () => {
  const { out, files } = compileServer(join(work, 'server'));
  expect(files).toBeGreaterThan(100);
  const start = JSON.parse(readFileSync('package.json', 'utf8')).scripts.start as string;
  const [, ...options] = start.split(' ').slice(0, -1);
  await withDatabase(database, (services) => services.persons.add({ name: 'CORA', class: '*NEVER', first_name: 'Cora', password }));

  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  server = spawn(node, [...options, join(out, 'src/main.js')], {
    env: { ...process.env, ...database, DATA_DIR: join(work, 'data'), PORT: String(port), HOST: '127.0.0.1', ISSUER: issuer, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  await new Promise<void>((done, fail) => {
    server!.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (output.includes('Gatehouse is listening')) done();
    });
    server!.once('exit', (code) => fail(new Error(`the compiled server exited ${code} before listening:\n${output}`)));
  });

  expect(((await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { issuer: string }).issuer).toBe(issuer);
  // The passkey pages' scripts: ours from views/assets, the WebAuthn library's bundle from node_modules.
  for (const [file, text] of [['webauthn.js', 'data-webauthn'], ['simplewebauthn-browser.js', 'SimpleWebAuthnBrowser']]) {
    const asset = await fetch(`${issuer}/assets/${file}`);
    expect([asset.status, asset.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect(await asset.text()).toContain(text);
  }
  // No administrator yet: the first-run setup link is a plain line beside the JSON log, and no JSON line holds its token.
  for (let wait = 0; wait < 50 && !output.includes('Open this link'); wait += 1) await new Promise((done) => setTimeout(done, 100));
  const setupLink = new RegExp(`^Open this link to create the first administrator \\(valid 1 hour, single use\\): (${issuer}/setup/([A-Za-z0-9_-]{43}))$`, 'm').exec(output);
  expect(setupLink).not.toBeNull();
  expect(output.split('\n').filter((line) => line.startsWith('{') && line.includes(setupLink![2]!))).toEqual([]);
  const browser = new FormBrowser('http://127.0.0.1:9/never');
  await browser.open(`${issuer}/account`);
  expect(browser.lastUrl).toContain('/interaction/');
  await browser.submit(browser.formAction('/login'), { username: 'cora', password });
  expect({ status: browser.lastStatus, url: browser.lastUrl }).toEqual({ status: 200, url: `${issuer}/account` });
  expect(browser.lastPage).toContain('Cora');

  const exited = new Promise<number | null>((done) => server!.once('exit', done));
  server.kill('SIGTERM');
  expect(await exited).toBe(0);
});
