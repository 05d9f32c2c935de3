/** Where the console may send a person back after signing in elsewhere (docs/access.md): a path on this origin, never a URL. */

const MAX_LENGTH = 2000;
const BASE = 'http://remit.invalid';

/**
 * The same-origin path `value` names, or null when it could leave the site: absolute and scheme-relative URLs
 * (`https://…`, `//evil`, `/\evil`), backslashes and control characters are refused (an open redirect would
 * make the sign-in page a phishing relay).
 */
export function sameOriginPath(value: string | undefined): string | null {
  if (value === undefined || value === '') return '/';
  if (value.length > MAX_LENGTH || !value.startsWith('/') || value.startsWith('//')) return null;
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return null;
  }
  if (url.origin !== BASE) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}
