import { describe, expect, it } from 'vitest';
import { PrefixedSink } from './prefixed-sink.js';

function sinkInto() {
  const written: string[] = [];
  return { written, target: { write: (text: string) => written.push(text) } };
}

describe('PrefixedSink', () => {
  it('labels each text line with the export, holding a partial line until it ends', () => {
    const { written, target } = sinkInto();
    const sink = new PrefixedSink(target, 'vip');
    sink.write('Reading a.csv...\nRead 2 ');
    expect(written.join('')).toBe('[vip] Reading a.csv...\n');
    sink.write('rows.\n\n');
    sink.write('tail');
    sink.flush();
    expect(written.join('')).toBe('[vip] Reading a.csv...\n[vip] Read 2 rows.\n\n[vip] tail\n');
  });

  it('adds the export as the first field of a JSON log line, keeping it one JSON object', () => {
    const { written, target } = sinkInto();
    new PrefixedSink(target, 'b2b').write('{"level":"info","event":"read"}\n{not json\n');
    const [json, text] = written.join('').split('\n');
    expect(JSON.parse(json!)).toEqual({ export: 'b2b', level: 'info', event: 'read' });
    expect(Object.keys(JSON.parse(json!) as object)[0]).toBe('export');
    expect(text).toBe('[b2b] {not json');
  });
});
