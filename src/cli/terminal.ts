import { SingleBar } from 'cli-progress';

/**
 * The CLI's only door to the terminal: data goes to stdout, logs and progress to stderr. Colour follows
 * NO_COLOR and whether stderr is a terminal; progress bars only draw on a terminal.
 */
export interface Terminal {
  /** Whether stdout is a terminal (absent: not known, treated as not): output then stays on this machine. */
  stdoutIsTty?: boolean;
  out(text: string): void;
  log(text: string): void;
  warn(text: string): void;
  color: boolean;
  progress(label: string, total: number): Progress;
  /** Progress of unknown length (pages of an API): one status line, redrawn; only on a terminal. */
  activity(label: string): Activity;
}

export interface Activity {
  update(status: string): void;
  done(): void;
}

export interface Progress {
  tick(n?: number): void;
  /** Position and total when the total is known only once work starts (e.g. files that changed). */
  update(done: number, total: number): void;
  done(): void;
}

const codes = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
} as const;
export type Style = keyof typeof codes;

export function paint(enabled: boolean, style: Style, text: string): string {
  if (!enabled) return text;
  const [open, close] = codes[style];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

export function processTerminal(): Terminal {
  const color = !process.env.NO_COLOR && process.stdout.isTTY === true;
  const interactive = process.stderr.isTTY === true && !process.env.CI;
  return {
    color,
    stdoutIsTty: process.stdout.isTTY === true,
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    log: (text) => process.stderr.write(`${text}\n`),
    warn: (text) =>
      process.stderr.write(
        `${paint(color && process.stderr.isTTY === true, 'yellow', 'warning')}: ${text}\n`,
      ),
    progress(label, total) {
      const none = { tick: () => undefined, update: () => undefined, done: () => undefined };
      if (!interactive) return none;
      const bar = new SingleBar({
        format: `${label} [{bar}] {value}/{total} {eta_formatted}`,
        stream: process.stderr,
        hideCursor: true,
        clearOnComplete: true,
      });
      let started = false;
      const start = (t: number) => {
        if (!started && t >= 2) {
          bar.start(t, 0);
          started = true;
        }
      };
      start(total);
      return {
        tick: (n = 1) => started && bar.increment(n),
        update: (value, t) => {
          start(t);
          if (started) {
            bar.setTotal(t);
            bar.update(value);
          }
        },
        done: () => started && bar.stop(),
      };
    },
    activity(label) {
      if (!interactive) return { update: () => undefined, done: () => undefined };
      let drawn = false;
      return {
        update: (status) => {
          process.stderr.write(`\r\u001b[2K${label} ${status}`);
          drawn = true;
        },
        done: () => {
          if (drawn) process.stderr.write('\r\u001b[2K');
        },
      };
    },
  };
}
