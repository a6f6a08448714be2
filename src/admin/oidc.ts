/**
 * Sign-in with the council's own accounts through OpenID Connect (openid-client): the authorization
 * code flow with PKCE, state and nonce. What the flow must remember between leaving for the identity
 * provider and coming back (the PKCE verifier, state, nonce and where to return) travels in a signed,
 * short-lived cookie (see routes.ts), so that any instance can finish a flow another began.
 *
 * Who may sign in: a user an admin added (the role comes from the users table), whose email the
 * identity provider vouches for and is in the allowed domain. Nobody is created on first sign-in.
 */
import * as client from 'openid-client';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** the email domain allowed to sign in, such as council.gov.uk */
  allowedDomain: string;
}

/** What the browser carries between the start of the flow and its end. */
export interface PendingSignIn {
  verifier: string;
  state: string;
  nonce: string;
  returnTo: string;
  /** ms since 1970 after which the flow is refused */
  expiresAt: number;
}

export const PENDING_LIFETIME_MS = 10 * 60 * 1000;

export type CouncilSignInResult = { ok: true; email: string } | { ok: false; reason: 'wrong-domain' | 'no-email' | 'email-not-verified'; email?: string };

/** an issuer on this machine may be plain http (a provider run by the tests, or a developer's); any other must be https */
const isLocal = (url: URL) => url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);

export class CouncilSignIn {
  private configuration: Promise<client.Configuration> | undefined;

  constructor(readonly settings: OidcSettings) {}

  /** the identity provider's metadata, discovered once (and again after a failed attempt) */
  private config(): Promise<client.Configuration> {
    if (!this.configuration) {
      const issuer = new URL(this.settings.issuer);
      this.configuration = client
        .discovery(issuer, this.settings.clientId, this.settings.clientSecret, undefined, isLocal(issuer) ? { execute: [client.allowInsecureRequests] } : undefined)
        .catch((err: unknown) => {
          this.configuration = undefined;
          throw err;
        });
    }
    return this.configuration;
  }

  /** The address to send the browser to, and what it must bring back. */
  async start(redirectUri: string, returnTo: string, now: number): Promise<{ url: string; pending: PendingSignIn }> {
    const config = await this.config();
    const verifier = client.randomPKCECodeVerifier();
    const pending: PendingSignIn = { verifier, state: client.randomState(), nonce: client.randomNonce(), returnTo, expiresAt: now + PENDING_LIFETIME_MS };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid email',
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url: url.href, pending };
  }

  /**
   * Exchanges the code the browser brought back (in `callbackUrl`) for an ID token, checking state,
   * nonce and PKCE; throws when any check fails. Then the email's domain is checked.
   */
  async finish(callbackUrl: URL, pending: PendingSignIn): Promise<CouncilSignInResult> {
    const config = await this.config();
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: pending.verifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const idToken = tokens.claims();
    if (!idToken) return { ok: false, reason: 'no-email' };
    // some providers put the email in the ID token, others only at the userinfo endpoint
    const claims: Record<string, unknown> = typeof idToken['email'] === 'string' ? idToken : await client.fetchUserInfo(config, tokens.access_token, idToken.sub);
    const email = typeof claims['email'] === 'string' ? claims['email'].trim().toLowerCase() : '';
    if (!email) return { ok: false, reason: 'no-email' };
    if (claims['email_verified'] === false) return { ok: false, reason: 'email-not-verified', email };
    if (!inDomain(email, this.settings.allowedDomain)) return { ok: false, reason: 'wrong-domain', email };
    return { ok: true, email };
  }
}

/** the email's domain is the allowed domain itself (not a look-alike, not a subdomain) */
export function inDomain(email: string, domain: string): boolean {
  const at = email.lastIndexOf('@');
  return at > 0 && email.slice(at + 1).toLowerCase() === domain.trim().toLowerCase().replace(/^@/, '');
}
