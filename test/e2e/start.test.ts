import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mileage, type CliResult } from './cli.js';

/**
 * `npm start` is the README's second command: on a fresh directory it must load the demo, print the
 * Monday diagnostic with the demo's audit verdict inside the model-fit finding, and — when its output is no
 * terminal, as here — say how to open the dashboard instead of exiting in silence.
 */
describe('mileage start on a fresh directory, output not a terminal', () => {
  let dir: string;
  let run: CliResult;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mileage-start-'));
    run = await mileage(['start'], { cwd: dir });
  }, 240_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads the demo and prints the diagnostic', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('loading the demo organisation');
    expect(run.stdout).toContain('Is the top workload on the right model?');
  });

  it("quotes the demo's recorded audit verdict in the model-fit finding", () => {
    expect(run.stdout).toMatch(
      /Audited \d{4}-\d{2}-\d{2} against bar v3: claude-haiku-4-5 passes [\d.]+% \[/,
    );
  });

  it('says how to open the dashboard', () => {
    expect(run.stderr).toContain('mileage start --serve');
  });

  it('says nothing of the dashboard when told not to serve', async () => {
    const again = await mileage(['start', '--no-serve'], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('mileage start --serve');
    expect(again.stderr).not.toContain('loading the demo organisation');
  }, 120_000);
});
