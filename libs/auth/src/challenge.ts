import { UnauthorizedException } from '@nestjs/common';

/** A quoted-string for a challenge parameter: printable ASCII without `"` or `\` (RFC 6750 §3). */
function quoted(text: string): string {
  return `"${text.replace(/[^\x20-\x7e]|["\\]/g, ' ').slice(0, 300)}"`;
}

/**
 * The 401 of a bearer-token route (RFC 6750 §3): without a token, `WWW-Authenticate: Bearer`; with a token that was
 * refused, `Bearer error="invalid_token", error_description="<why>"`. The service-kit filter answers it as Problem
 * Details (`token-required` or `invalid-token`) and sets the header.
 */
export function bearerChallenge(reason: string, tokenGiven: boolean): UnauthorizedException {
  return new UnauthorizedException({
    code: tokenGiven ? 'invalid-token' : 'token-required',
    detail: reason,
    wwwAuthenticate: tokenGiven ? `Bearer error="invalid_token", error_description=${quoted(reason)}` : 'Bearer',
  });
}
