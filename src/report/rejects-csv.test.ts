import { describe, expect, it } from 'vitest';
import { formatCsvRow, formatRejectRow, formatRejectsHeader } from './rejects-csv.js';

describe('rejects CSV', () => {
  it('quotes what a spreadsheet would otherwise split, and keeps values as they were', () => {
    expect(formatCsvRow(['plain', 'a,b', 'say "hi"', 'two\nlines', ' padded ', '01234', ''])).toBe(
      'plain,"a,b","say ""hi""","two\nlines"," padded ",01234,\n',
    );
  });

  it('writes the fixed columns, then the source columns in order, JSON for nested values', () => {
    const layout = { sourceColumns: ['Email', 'Tags', 'Zip'], hasOtherFields: false };
    expect(formatRejectsHeader(layout)).toBe('line,reason,detail,Email,Tags,Zip\n');
    expect(
      formatRejectRow(
        { line: 7, reason: 'invalid_email', detail: 'The email is invalid.', fields: { Email: 'x', Tags: ['a', 'b'], Zip: 2134 } },
        layout,
      ),
    ).toBe('7,invalid_email,The email is invalid.,x,"[""a"",""b""]",2134\n');
  });

  it('puts keys the header does not know into other_fields, so every row has the header’s shape', () => {
    const layout = { sourceColumns: ['email'], hasOtherFields: true };
    expect(formatRejectsHeader(layout)).toBe('line,reason,detail,email,other_fields\n');
    expect(formatRejectRow({ line: 3, reason: 'blank_email', detail: 'd', fields: { email: '', city: 'Paris' } }, layout)).toBe(
      '3,blank_email,d,,"{""city"":""Paris""}"\n',
    );
    expect(formatRejectRow({ line: 4, reason: 'blank_email', detail: 'd', fields: { email: '' } }, layout)).toBe('4,blank_email,d,,\n');
  });
});
