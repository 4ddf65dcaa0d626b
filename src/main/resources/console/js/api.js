// Talks to the admin API (/api/v1): the session (token and marketplace, kept in sessionStorage) and
// fetch with `Authorization: Bearer`. Every failure becomes an ApiError carrying the problem+json
// fields (title, detail, field, errors) so the page can say what went wrong in words.

const KEYS = { token: 'hlbridge.token', marketplace: 'hlbridge.marketplace', name: 'hlbridge.marketplaceName' };

export const session = {
  get token() { return sessionStorage.getItem(KEYS.token); },
  get marketplaceId() { return sessionStorage.getItem(KEYS.marketplace); },
  get marketplaceName() { return sessionStorage.getItem(KEYS.name); },
  signIn(token) { sessionStorage.setItem(KEYS.token, token); },
  pick(marketplace) {
    sessionStorage.setItem(KEYS.marketplace, marketplace.id);
    sessionStorage.setItem(KEYS.name, marketplace.name);
  },
  forgetMarketplace() { sessionStorage.removeItem(KEYS.marketplace); sessionStorage.removeItem(KEYS.name); },
  signOut() { Object.values(KEYS).forEach((k) => sessionStorage.removeItem(k)); },
};

export class ApiError extends Error {
  constructor(status, problem, method, path) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.title = problem.title || `HTTP ${status}`;
    this.detail = problem.detail || '';
    this.field = problem.field || null;
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
    this.method = method;
    this.path = path;
  }
}

/** Calls the API; resolves to the parsed JSON body (null for 204), rejects with an ApiError. */
export async function api(method, path, body, token = session.token) {
  const headers = { Accept: 'application/json, application/problem+json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, { title: 'Engine unreachable', detail: `The engine did not answer ${method} ${path}: ${e.message}` }, method, path);
  }
  const text = await response.text();
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch { json = null; }
  }
  if (!response.ok) {
    const problem = json && typeof json === 'object' ? json : {};
    if (!problem.detail) {
      problem.title = problem.title || `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
      problem.detail = response.status === 404 || response.status === 405
        ? `This engine does not offer ${method} ${path.split('?')[0]} (${response.status}); it may not be deployed in this version yet.`
        : `${method} ${path.split('?')[0]} failed with HTTP ${response.status}${text && !json ? `: ${text.slice(0, 300)}` : ''}.`;
    }
    throw new ApiError(response.status, problem, method, path);
  }
  return json;
}

/** A path under the chosen marketplace: mp('/rules') → /api/v1/marketplaces/{id}/rules */
export function mp(path) {
  return `/api/v1/marketplaces/${encodeURIComponent(session.marketplaceId)}${path}`;
}

export function query(params) {
  const q = new URLSearchParams();
  Object.entries(params).forEach(([k, v]) => { if (v !== undefined && v !== null && v !== '') q.set(k, v); });
  const s = q.toString();
  return s ? `?${s}` : '';
}
