/** Reading and writing this service's cookies: HttpOnly, SameSite=Lax, Path=/, and Secure with the `__Host-` prefix over https. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    try {
      out.set(name, decodeURIComponent(part.slice(eq + 1).trim()));
    } catch {
      // a malformed value is treated as absent
    }
  }
  return out;
}

export interface CookieNames {
  session: string;
  signIn: string;
  /** The public request form's CSRF token (no session there): double-submitted, the form's hidden field must match it. */
  publicForm: string;
}

export const cookieNames = (secure: boolean): CookieNames =>
  secure
    ? { session: '__Host-tio_session', signIn: '__Host-tio_signin', publicForm: '__Host-tio_form' }
    : { session: 'tio_session', signIn: 'tio_signin', publicForm: 'tio_form' };

/** A Set-Cookie value; `maxAgeSeconds` 0 deletes the cookie. */
export function cookie(name: string, value: string, secure: boolean, maxAgeSeconds: number): string {
  return [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', ...(secure ? ['Secure'] : []), `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`].join('; ');
}
