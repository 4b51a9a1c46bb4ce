/**
 * Generated cases per property, so each fuzz file can print one line with its counts (the
 * closing note of a change quotes them) and assert that every operation was really fuzzed.
 */
export class Tally {
  private readonly counts = new Map<string, number>();
  /** Outcomes worth reporting within those cases (not cases themselves). */
  private readonly notes = new Map<string, number>();

  constructor(readonly file: string) {}

  add(property: string, n = 1): void {
    this.counts.set(property, (this.counts.get(property) ?? 0) + n);
  }

  note(what: string): void {
    this.notes.set(what, (this.notes.get(what) ?? 0) + 1);
  }

  get(property: string): number {
    return this.counts.get(property) ?? 0;
  }

  get total(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  /** One line: `fuzz <file>: <total> cases (<property> <n>, ...)`. */
  summary(): string {
    const parts = [...this.counts].map(([k, v]) => `${k} ${v}`);
    const notes = [...this.notes].map(([k, v]) => `${k}: ${v}`);
    return `fuzz ${this.file}: ${this.total} cases in ${this.counts.size} properties (${parts.join(', ')})${notes.length ? `; of which ${notes.join(', ')}` : ''}`;
  }
}
