/**
 * The last values computed from texts, for work that several stages repeat on one artifact's text (a
 * parse, a verdict, a scan). Bounded by entries and by the total length of the texts they were made
 * from (a few huge files must not pin hundreds of MB); oldest out first. One per process/thread, so a
 * worker thread's are its own.
 */
export class RecentByText<V> {
  private readonly entries = new Map<string, { value: V; weight: number }>();
  private weight = 0;

  constructor(
    private readonly maxEntries: number,
    /** total characters of the keys' texts kept */
    private readonly maxChars: number,
  ) {}

  get(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get size(): number {
    return this.entries.size;
  }

  /** `chars`: how much text the value stands for (default: the key's length) */
  set(key: string, value: V, chars = key.length): void {
    const known = this.entries.get(key);
    if (known) {
      this.weight -= known.weight;
      this.entries.delete(key);
    }
    // a text larger than the whole budget is not kept at all
    if (chars > this.maxChars) return;
    while (this.entries.size > 0 && (this.entries.size >= this.maxEntries || this.weight + chars > this.maxChars)) {
      const [oldest, entry] = this.entries.entries().next().value!;
      this.entries.delete(oldest);
      this.weight -= entry.weight;
    }
    this.entries.set(key, { value, weight: chars });
    this.weight += chars;
  }

  clear(): void {
    this.entries.clear();
    this.weight = 0;
  }
}
