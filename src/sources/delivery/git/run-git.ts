import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { MileageError } from '../../../domain/errors.js';

/**
 * The git binary, run with a fixed configuration so user settings cannot change the output we parse:
 * no pager, no colour, no signature checks, no mailmap rewriting, raw UTF-8 paths.
 */
const FIXED_CONFIG = [
  '-c',
  'core.quotePath=false',
  '-c',
  'log.showSignature=false',
  '-c',
  'color.ui=false',
  '-c',
  'diff.noprefix=false',
  '-c',
  'diff.mnemonicPrefix=false',
];

const GIT_ENV = {
  GIT_PAGER: 'cat',
  GIT_TERMINAL_PROMPT: '0',
  GIT_CONFIG_NOSYSTEM: '1',
  LC_ALL: 'C',
};

function gitError(cwd: string, args: readonly string[], detail: string, cause?: unknown): MileageError {
  return new MileageError(
    'input',
    `git ${args[0] ?? ''} failed in ${cwd}: ${detail.trim().split('\n')[0] ?? 'unknown error'}`,
    'Check that the path is a git repository and that `git` is on PATH.',
    { cause },
  );
}

/**
 * Runs git and yields its stdout line by line as it arrives (never the whole output at once). `stdin`, when
 * given, is written and closed first. Throws a MileageError carrying git's stderr when git exits non-zero.
 */
export async function* gitLines(
  cwd: string,
  args: readonly string[],
  stdin?: string,
): AsyncGenerator<string, void, undefined> {
  const child = spawn('git', [...FIXED_CONFIG, ...args], {
    cwd,
    env: { ...process.env, ...GIT_ENV },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    if (stderr.length < 4096) stderr += d;
  });
  const exit = new Promise<number>((resolve, reject) => {
    child.on('error', (cause) => reject(gitError(cwd, args, cause.message, cause)));
    child.on('close', (code) => resolve(code ?? -1));
  });
  // Without a listener a failed spawn would be an unhandled rejection before we await it below.
  exit.catch(() => undefined);
  child.stdin.on('error', () => undefined); // git may exit before reading everything; its code says why
  child.stdin.end(stdin ?? '');
  const reader = createInterface({ input: child.stdout, crlfDelay: Infinity });
  let finished = false;
  try {
    for await (const line of reader) yield line;
    finished = true;
  } finally {
    if (!finished) child.kill();
  }
  const code = await exit;
  if (code !== 0) throw gitError(cwd, args, stderr || `exit code ${code}`);
}

/** Runs git and returns its whole stdout (for small outputs only), or null when git exits non-zero. */
export async function gitOutput(cwd: string, args: readonly string[]): Promise<string | null> {
  const out: string[] = [];
  try {
    for await (const line of gitLines(cwd, args)) out.push(line);
  } catch (error) {
    if (error instanceof MileageError) return null;
    throw error;
  }
  return out.join('\n');
}
