// A progress bar on stderr while a scenario phase runs: redrawn in place on a terminal, a line
// every 10 % (or 10 s) when stderr is a file or pipe, so logs stay readable.

export interface Progress {
  /** Begin a phase of `total` units (seconds, runs, emails…); replaces the previous one. */
  start(label: string, total: number, unit?: string): void;
  /** Set the units done so far (clamped to total) and an optional short status, e.g. "812/s". */
  update(done: number, status?: string): void;
  /** Add `n` units done. */
  tick(n?: number, status?: string): void;
  /** End the phase (prints the final state). */
  done(status?: string): void;
}

const WIDTH = 28;
const REDRAW_MS = 100;
const LINE_EVERY_MS = 10_000;

export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true;
  let label = '';
  let unit = '';
  let total = 1;
  let done = 0;
  let status = '';
  let startedAt = 0;
  let lastDraw = 0;
  let lastDecile = -1;
  let active = false;

  const line = () => {
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(fraction * WIDTH);
    const elapsed = ((Date.now() - startedAt) / 1000).toFixed(0);
    return `  ${label} [${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}] ${Math.round(done)}/${total}${unit ? ` ${unit}` : ''} ${elapsed}s${status ? `  ${status}` : ''}`;
  };
  const draw = (force: boolean) => {
    const now = Date.now();
    if (tty) {
      if (!force && now - lastDraw < REDRAW_MS) return;
      stream.write(`\r\x1b[K${line()}`);
      lastDraw = now;
      return;
    }
    const decile = Math.floor((total > 0 ? done / total : 1) * 10);
    if (force || decile > lastDecile || now - lastDraw >= LINE_EVERY_MS) {
      stream.write(`${line()}\n`);
      lastDecile = decile;
      lastDraw = now;
    }
  };

  return {
    start(newLabel, newTotal, newUnit = '') {
      if (active && tty) stream.write('\n');
      label = newLabel;
      total = Math.max(0, newTotal);
      unit = newUnit;
      done = 0;
      status = '';
      startedAt = Date.now();
      lastDraw = 0;
      lastDecile = -1;
      active = true;
      draw(true);
    },
    update(value, newStatus) {
      done = Math.min(total, Math.max(0, value));
      if (newStatus !== undefined) status = newStatus;
      draw(false);
    },
    tick(n = 1, newStatus) {
      this.update(done + n, newStatus);
    },
    done(newStatus) {
      if (!active) return;
      done = total;
      if (newStatus !== undefined) status = newStatus;
      if (tty) stream.write(`\r\x1b[K${line()}\n`);
      else stream.write(`${line()}\n`);
      active = false;
    },
  };
}
