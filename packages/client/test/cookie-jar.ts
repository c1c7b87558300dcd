/** A small cookie jar for Node's fetch: what a browser would keep for one origin (name → value; paths ignored). */
export interface CookieJar {
  fetch (request: Request): Promise<Response>
  cookies: Map<string, string>
}

export function cookieJar (origin: string): CookieJar {
  const cookies = new Map<string, string>()
  return {
    cookies,
    async fetch (request) {
      const headers = new Headers(request.headers)
      if (cookies.size > 0) headers.set('cookie', [...cookies].map(([name, value]) => `${name}=${value}`).join('; '))
      // As a browser would: its page's origin on every non-GET request.
      if (request.method !== 'GET') headers.set('origin', origin)
      const response = await fetch(new Request(request, { headers }))
      for (const line of response.headers.getSetCookie()) {
        const [pair = ''] = line.split(';')
        const at = pair.indexOf('=')
        const name = pair.slice(0, at)
        const value = pair.slice(at + 1)
        if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) cookies.delete(name)
        else cookies.set(name, value)
      }
      return response
    }
  }
}
