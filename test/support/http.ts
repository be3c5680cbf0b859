// A small HTTP client for API tests: real requests over a real socket.
export interface Response<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface Client {
  get<T = any>(path: string, headers?: Record<string, string>): Promise<Response<T>>;
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<Response<T>>;
  patch<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<Response<T>>;
  put<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<Response<T>>;
  delete<T = any>(path: string, headers?: Record<string, string>): Promise<Response<T>>;
  request<T = any>(method: string, path: string, init?: { body?: string | unknown; headers?: Record<string, string> }): Promise<Response<T>>;
}

export function client(baseUrl: string, token?: string): Client {
  const request = async (method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...init.headers };
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    const parsed = type.includes('json') && text ? JSON.parse(text) : text;
    return { status: res.status, headers: res.headers, body: parsed, text };
  };
  return {
    get: (path, headers) => request('GET', path, { headers }),
    post: (path, body, headers) => request('POST', path, { body, headers }),
    patch: (path, body, headers) => request('PATCH', path, { body, headers }),
    put: (path, body, headers) => request('PUT', path, { body, headers }),
    delete: (path, headers) => request('DELETE', path, { headers }),
    request: (method, path, init) => request(method, path, init),
  };
}
