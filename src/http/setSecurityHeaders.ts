import type { Context, Next } from 'koa';

// No form-action directive: Chromium applies it to the redirect back to the relying party.
const contentSecurityPolicy = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "script-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

export function setSecurityHeaders(options: { hsts: boolean }) {
  return async (ctx: Context, next: Next) => {
    ctx.set('Content-Security-Policy', contentSecurityPolicy);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('X-Frame-Options', 'DENY');
    // Not no-referrer: with it, browsers send `Origin: null` on our own forms, and the Origin
    // check (security/sameOrigin.ts) could not tell them from a forged post. same-origin sends
    // nothing to other sites, so no URL of ours reaches a relying party or anyone else.
    ctx.set('Referrer-Policy', 'same-origin');
    ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
    if (options.hsts) ctx.set('Strict-Transport-Security', 'max-age=31536000');
    await next();
  };
}
