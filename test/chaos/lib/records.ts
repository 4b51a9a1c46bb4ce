import { closeSync, fstatSync, openSync, readFileSync, readSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Quick looks at the record files while the run goes on (the full reading is ledger.ts). */

/** True when the record's last line is a `P` line: the process holds messages it has not acked. */
export function midBatch(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const buf = Buffer.alloc(Math.min(size, 256));
    readSync(fd, buf, 0, buf.length, size - buf.length);
    const text = buf.toString('utf8').trimEnd();
    return text.slice(text.lastIndexOf('\n') + 1).startsWith('P ');
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Lines of the record files named `prefix*`; only those starting with `linePrefix` when given. */
export function countLines(dir: string, prefix: string, linePrefix = ''): number {
  let n = 0;
  for (const f of readdirSync(dir)) {
    if (!f.startsWith(prefix)) continue;
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) if (line.length > 0 && line.startsWith(linePrefix)) n++;
  }
  return n;
}
