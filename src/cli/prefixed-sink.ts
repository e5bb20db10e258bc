import type { TextSink } from './cli-context.js';

/**
 * Lines from concurrent exports share one stream: each line gets its export's name, as `[vip] `
 * in text, or as an `"export"` field first in a JSON log line (log shippers still read JSON).
 * A partial line waits for its end (or `flush`), so lines of two exports never mix.
 */
export class PrefixedSink implements TextSink {
  readonly #target: TextSink;
  readonly #name: string;
  #pending = '';

  constructor(target: TextSink, name: string) {
    this.#target = target;
    this.#name = name;
  }

  write(text: string): boolean {
    const lines = (this.#pending + text).split('\n');
    this.#pending = lines.pop() ?? '';
    if (lines.length > 0) this.#target.write(lines.map((line) => `${this.#label(line)}\n`).join(''));
    return true;
  }

  flush(): void {
    if (this.#pending !== '') this.#target.write(`${this.#label(this.#pending)}\n`);
    this.#pending = '';
  }

  #label(line: string): string {
    if (line.startsWith('{')) {
      try {
        const object = JSON.parse(line) as unknown;
        if (object !== null && typeof object === 'object' && !Array.isArray(object))
          return JSON.stringify({ export: this.#name, ...object });
      } catch {
        // Not a JSON line after all: prefixed like text.
      }
    }
    return line === '' ? line : `[${this.#name}] ${line}`;
  }
}

/** Keeps what is written, for --json (each export's object is parsed and combined). */
export class CapturedSink implements TextSink {
  text = '';

  write(text: string): boolean {
    this.text += text;
    return true;
  }
}
