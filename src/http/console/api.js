// The REST API, with the key of the key box. Every failure becomes an ApiError carrying the
// problem's title and code (docs/api.md#errors), or a network error's text.

const KEY = 'streamgate.console.key';

export const key = {
  get: () => sessionStorage.getItem(KEY) ?? '',
  set: (value) => (value ? sessionStorage.setItem(KEY, value) : sessionStorage.removeItem(KEY)),
};

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.title = problem.title || `HTTP ${status}`;
    this.code = problem.code || 'UNKNOWN';
    this.detail = problem.detail || '';
  }
}

const enc = encodeURIComponent;

/** Path segments are URL-encoded here: pass them raw, e.g. path('streams', name). */
export const path = (...parts) => parts.map(enc).join('/');

export async function call(method, url, { body, query } = {}) {
  const headers = { accept: 'application/json' };
  const secret = key.get();
  if (secret) headers.authorization = `Bearer ${secret}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const qs = query ? new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== '')).toString() : '';
  let res;
  try {
    res = await fetch(qs ? `${url}?${qs}` : url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new ApiError(0, { title: 'The gateway cannot be reached', code: 'NETWORK', detail: String(err?.message ?? err) });
  }
  if (res.status === 204) return null;
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { title: `HTTP ${res.status}`, detail: text.slice(0, 200) };
  }
  if (!res.ok) throw new ApiError(res.status, data ?? {});
  return data;
}

export const v1 = (method, rel, options) => call(method, `../v1/${rel}`, options);

/** The key's name and its scopes on `stream` (a console helper route, not part of /v1). */
export const access = (stream) => call('GET', 'api/access', { query: { stream } });
