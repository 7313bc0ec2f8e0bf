import { write } from '../../db/write';
import { ApiError } from '../../http/errors';
import { validateBody } from '../../http/validate';
import { tokenIdOf } from '../../tokens/operations';
import { createToken, revokeToken } from '../../tokens/repo';
import { TokenCreate } from '../../tokens/schema';
import { field, fields, formHandler } from '../form-endpoint';
import { endSession } from '../../auth/session';

/** POST /api/admin/tokens: create (the secret is shown once, on the page the browser is sent to) or revoke. */
export const tokenForm = formHandler({
  scope: 'admin',
  back: () => '/admin/tokens',
  async handle({ form, res, session }) {
    const intent = field(form, 'intent') || 'create';
    if (intent === 'create') {
      const input = validateBody(TokenCreate, { name: field(form, 'name').trim(), scopes: fields(form, 'scopes') });
      const { row, secret } = await write((tx) => createToken(tx, input));
      return {
        to: '/admin/tokens',
        flash: {
          kind: 'success',
          message: `Created token "${row.name}". Copy its secret now: it is shown only this once.`,
          data: { secret, tokenId: String(row.id), tokenName: row.name },
        },
      };
    }
    if (intent === 'revoke') {
      const id = tokenIdOf(field(form, 'id'));
      const gone = await write((tx) => revokeToken(tx, id));
      if (session.principal.tokenId === id) {
        endSession(res);
        return { to: '/admin/login', flash: { kind: 'info', message: `You revoked "${gone.name}", the token this session was opened with, so you are signed out.` } };
      }
      return { to: '/admin/tokens', flash: { kind: 'success', message: `Revoked "${gone.name}". It stops working at once, and so do sessions opened with it.` } };
    }
    throw ApiError.badRequest(`Unknown action "${intent}".`);
  },
});
