import { StringDecoder } from 'node:string_decoder';

/**
 * Turns a byte stream into lines. UTF-8 sequences split across chunks are decoded correctly (StringDecoder);
 * a trailing `\r` is dropped (CRLF output); the last line is emitted at `end()` even without a newline.
 * A line longer than `maxLineChars` is emitted in pieces, so a child that never writes a newline cannot make
 * the buffer grow without bound.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(
    private readonly emit: (line: string) => void,
    private readonly maxLineChars = 16 * 1024 * 1024,
  ) {}

  push(chunk: Buffer | string): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (!text) return;
    let buf = this.pending + text;
    let start = 0;
    let nl = buf.indexOf('\n', start);
    while (nl !== -1) {
      this.emitLine(buf.slice(start, nl));
      start = nl + 1;
      nl = buf.indexOf('\n', start);
    }
    buf = start === 0 ? buf : buf.slice(start);
    while (buf.length > this.maxLineChars) {
      this.emit(buf.slice(0, this.maxLineChars));
      buf = buf.slice(this.maxLineChars);
    }
    this.pending = buf;
  }

  end(): void {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    if (rest.length > 0) this.emitLine(rest);
  }

  private emitLine(line: string): void {
    this.emit(line.endsWith('\r') ? line.slice(0, -1) : line);
  }
}
