import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { walkFiles } from './walk.js';

const root = mkdtempSync(join(tmpdir(), 'mileage-walk-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('walkFiles', () => {
  it('follows linked files and folders, reads each once, and says what it skipped and why', () => {
    const logs = join(root, 'logs');
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(join(logs, 'project-a'), { recursive: true });
    mkdirSync(join(elsewhere, 'project-b'), { recursive: true });
    writeFileSync(join(logs, 'project-a', 's1.jsonl'), '{}\n');
    writeFileSync(join(elsewhere, 'project-b', 's2.jsonl'), '{}\n');
    writeFileSync(join(elsewhere, 'single.jsonl'), '{}\n');
    symlinkSync(join(elsewhere, 'project-b'), join(logs, 'project-b')); // a linked folder
    symlinkSync(join(elsewhere, 'single.jsonl'), join(logs, 'project-a', 'linked.jsonl')); // a linked file
    symlinkSync(logs, join(logs, 'project-a', 'loop')); // a link back to a parent
    symlinkSync(join(root, 'missing.jsonl'), join(logs, 'dangling.jsonl')); // a dangling link
    symlinkSync(join(logs, 'project-a', 's1.jsonl'), join(logs, 'again.jsonl')); // a second path to s1

    const { files, skipped } = walkFiles(logs, (p) => p.endsWith('.jsonl'));
    expect(files.map((f) => f.slice(logs.length + 1)).sort()).toEqual([
      'project-a/linked.jsonl',
      'project-a/s1.jsonl',
      'project-b/s2.jsonl',
    ]);
    const why = Object.fromEntries(skipped.map((s) => [s.file.slice(logs.length + 1), s.message]));
    expect(why['dangling.jsonl']).toMatch(/target does not exist/);
    expect(why['project-a/loop']).toMatch(/already read/);
    expect(why['again.jsonl']).toMatch(/already read under another path/);
  });
});
