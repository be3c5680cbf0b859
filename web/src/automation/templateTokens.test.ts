import { describe, expect, it } from 'vitest';
import { detailToken, normalise, toTemplate, toTokens } from './templateTokens.ts';

describe('a title template as text and details', () => {
  it('splits a template into text and details, and joins them back to the same template', () => {
    expect(toTokens('Call {{record.title}} back')).toEqual([
      { kind: 'text', text: 'Call ' },
      { kind: 'detail', field: 'record.title', raw: '{{record.title}}' },
      { kind: 'text', text: ' back' },
    ]);
    for (const template of ['Call {{record.title}} back', '{{record.title}}', 'Chase invoice {{ data.number }} ({{data.amount}})', 'No details at all', '', '{{a}}{{b}}', 'Half {{ open', '{{not a path}} stays text']) {
      expect(toTemplate(toTokens(template))).toBe(template);
    }
  });

  it('reads only what the server fills in as a detail, keeping the spacing it was written with', () => {
    expect(toTokens('Chase {{ data.number }}')[1]).toEqual({ kind: 'detail', field: 'data.number', raw: '{{ data.number }}' });
    expect(toTokens('{{not a path}} stays text')).toEqual([{ kind: 'text', text: '{{not a path}} stays text' }]);
    expect(toTokens('{{a}}{{b}}').map((t) => t.kind)).toEqual(['detail', 'detail']);
  });

  it('writes an inserted detail the way the API reads it', () => {
    expect(toTemplate([{ kind: 'text', text: 'Call ' }, detailToken('record.title'), { kind: 'text', text: ' back' }])).toBe('Call {{record.title}} back');
  });

  it('joins neighbouring text and drops empty text', () => {
    expect(normalise([{ kind: 'text', text: 'Ca' }, { kind: 'text', text: '' }, { kind: 'text', text: 'll ' }, detailToken('record.name'), { kind: 'text', text: '' }])).toEqual([{ kind: 'text', text: 'Call ' }, detailToken('record.name')]);
  });
});
