import { matchSignature, sign } from './signature';

// GitHub's published test vector (docs: "Validating webhook deliveries").
const SECRET = "It's a Secret to Everybody";
const PAYLOAD = Buffer.from('Hello, World!');
const SIGNATURE = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

describe('webhook signatures', () => {
  it("reproduces GitHub's published test vector", () => {
    expect(sign(SECRET, PAYLOAD)).toBe(SIGNATURE);
    expect(matchSignature(PAYLOAD, SIGNATURE, [SECRET])).toBe(0);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['sha1 instead of sha256', 'sha1=0123456789abcdef0123456789abcdef01234567'],
    ['too short', 'sha256=757107ea'],
    ['one digit off', SIGNATURE.replace(/7$/, '8')],
    ['not hex', `sha256=${'z'.repeat(64)}`],
  ])('rejects a %s signature', (_name, header) => {
    expect(matchSignature(PAYLOAD, header, [SECRET])).toBe(-1);
  });

  it('rejects the right signature over other bytes', () => {
    expect(matchSignature(Buffer.from('Hello, World?'), SIGNATURE, [SECRET])).toBe(-1);
  });

  it('accepts any of several secrets (rotation) and says which', () => {
    expect(matchSignature(PAYLOAD, SIGNATURE, ['new-secret', SECRET])).toBe(1);
    expect(matchSignature(PAYLOAD, SIGNATURE, ['new-secret', 'older'])).toBe(-1);
  });

  it('accepts an upper-case hex digest', () => {
    expect(matchSignature(PAYLOAD, `sha256=${SIGNATURE.slice(7).toUpperCase()}`, [SECRET])).toBe(0);
  });
});
