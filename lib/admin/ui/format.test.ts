import { formatDateTime } from './format';

describe('formatDateTime', () => {
  it('writes the hour after midnight as 00, as browsers do (never 24)', () => {
    expect(formatDateTime('2026-12-07T00:04:00Z')).toBe('Dec 7, 2026, 00:04 UTC');
    expect(formatDateTime('2026-12-07T13:59:00Z')).toBe('Dec 7, 2026, 13:59 UTC');
    expect(formatDateTime(null)).toBe('—');
  });
});
