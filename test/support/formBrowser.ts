/**
 * A small HTTP "browser" for the hosted pages: keeps cookies per origin, follows
 * redirects by hand, and stops at the relying party's redirect URI so the test can hand
 * the callback URL to openid-client. No page logic is faked: it sends what a person's
 * browser would send for the same forms.
 */
export class FormBrowser {
  private readonly cookies = new Map<string, Map<string, string>>();
  /** The last HTML page received (for error messages and form actions). */
  lastPage = '';
  lastStatus = 0;
  lastUrl = '';
  /** Headers sent with every request (e.g. X-Forwarded-For behind a test proxy). */
  extraHeaders: Record<string, string> = {};
  /** The response headers of the last page received. */
  lastHeaders = new Headers();
  /** Every URL requested so far, in order, as "METHOD url" (redirects included). */
  readonly visited: string[] = [];

  private readonly stopAt: string;

  constructor(stopAt: string) {
    this.stopAt = stopAt;
  }

  /** GETs `url`, follows redirects; returns the final URL (the callback when reached). */
  async open(url: string): Promise<string> {
    return this.follow(url, { method: 'GET' });
  }

  /**
   * POSTs a form to `url` (absolute or relative to the last page), then follows redirects.
   * Like a browser, it sends the hidden fields (a CSRF token) of the last page's form with
   * that action, under the fields given (`withHiddenFields: false`: only the fields given).
   */
  async submit(action: string, fields: Record<string, string>, options: { origin?: string | null; referer?: string; withHiddenFields?: boolean } = {}): Promise<string> {
    const url = new URL(action, this.lastUrl).toString();
    // `origin: null` sends no Origin header at all (a browser that sends none); a string replaces the page's own.
    const origin = options.origin === undefined ? new URL(url).origin : options.origin;
    return this.follow(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(origin === null ? {} : { origin }), ...(options.referer ? { referer: options.referer } : {}) },
      body: new URLSearchParams({ ...(options.withHiddenFields === false ? {} : this.hiddenFieldsOfAction(url)), ...fields }).toString(),
    });
  }

  /** The CSRF token the last page's forms carry: what a person tampering with a form of their own page would keep. */
  csrfToken(): string {
    const token = /<input type="hidden" name="csrf" value="([^"]*)"/.exec(this.lastPage)?.[1];
    if (token === undefined) throw new Error(`No CSRF token on ${this.lastUrl}:\n${this.lastPage.slice(0, 2000)}`);
    return token;
  }

  /** The hidden inputs of the last page's first form whose action resolves to `url`. */
  private hiddenFieldsOfAction(url: string): Record<string, string> {
    for (const match of this.lastPage.matchAll(/<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)) {
      if (new URL(match[1]!.replace(/&amp;/g, '&'), this.lastUrl).toString() !== url) continue;
      const hidden = [...match[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)];
      return Object.fromEntries(hidden.map((input) => [input[1]!, input[2]!]));
    }
    return {};
  }

  /** The action of the first form in the last page whose action contains `fragment`. */
  formAction(fragment: string): string {
    const actions = [...this.lastPage.matchAll(/<form[^>]*action="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    const action = actions.find((a) => a.includes(fragment));
    if (!action) throw new Error(`No form with an action containing "${fragment}" on ${this.lastUrl}:\n${this.lastPage.slice(0, 2000)}`);
    return action;
  }

  /** The hidden inputs of the form with the given id (oidc-provider's logout form). */
  hiddenFields(formId: string): Record<string, string> {
    const form = new RegExp(`<form[^>]*id="${formId.replace('.', '\\.')}"[\\s\\S]*?</form>`).exec(this.lastPage)?.[0] ?? '';
    return Object.fromEntries([...form.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  }

  private async follow(url: string, init: RequestInit): Promise<string> {
    let current = url;
    let request = init;
    for (let hop = 0; hop < 20; hop += 1) {
      if (current.startsWith(this.stopAt)) return current;
      const target = new URL(current);
      this.visited.push(`${request.method ?? 'GET'} ${current}`);
      const response = await fetch(current, { ...request, redirect: 'manual', headers: { ...this.extraHeaders, ...(request.headers as Record<string, string>), cookie: this.cookieHeader(target) } });
      this.store(target, response.headers.getSetCookie());
      this.lastStatus = response.status;
      this.lastUrl = current;
      this.lastHeaders = response.headers;
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        current = new URL(location, current).toString();
        request = { method: 'GET' };
        await response.arrayBuffer();
        continue;
      }
      this.lastPage = await response.text();
      return current;
    }
    throw new Error(`Too many redirects from ${url}`);
  }

  /** The value of cookie `name` the browser holds for `url`'s host, if any. */
  cookie(url: string, name: string): string | undefined {
    return this.cookies.get(new URL(url).host)?.get(name);
  }

  private cookieHeader(url: URL): string {
    return [...(this.cookies.get(url.host) ?? new Map()).entries()].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private store(url: URL, setCookies: string[]): void {
    const jar = this.cookies.get(url.host) ?? new Map<string, string>();
    for (const header of setCookies) {
      const [pair, ...attributes] = header.split(';');
      const index = pair!.indexOf('=');
      const name = pair!.slice(0, index).trim();
      const value = pair!.slice(index + 1).trim();
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || attributes.some((a) => /^\s*max-age=0/i.test(a));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    this.cookies.set(url.host, jar);
  }
}
