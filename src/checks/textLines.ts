/** A document's lines, split once on demand (the checks only need a few of them). */
export class TextLines {
  private split?: string[];
  private lineEnding?: string;

  constructor(private readonly text: string) {}

  /** The file's line ending, so inserted lines match it (looked up once: fixes ask for it per finding). */
  get eol(): string {
    return (this.lineEnding ??= this.text.includes('\r\n') ? '\r\n' : '\n');
  }

  line(n: number): string {
    this.split ??= this.text.split(/\r\n|\r|\n/);
    return this.split[n] ?? '';
  }

  get count(): number {
    this.split ??= this.text.split(/\r\n|\r|\n/);
    return this.split.length;
  }
}
