import type { FastifyReply } from 'fastify'

/** The CSP of the service's own HTML pages: no script, inline style only, never framed. */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"

/** Text made safe to put in an HTML page. */
export function escapeHtml (text: string): string {
  return text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`)
}

/** Inline `code` spans of catalog text (`X-Y`), as HTML. */
export function withCode (text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>')
}

/** A small HTML page of this service, with its CSP (the other security headers are on every answer). */
export function htmlPage (reply: FastifyReply, title: string, body: string): string {
  reply.header('content-security-policy', PAGE_CSP).type('text/html; charset=utf-8')
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>${escapeHtml(title)} · cognito-bff</title>` +
    `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`
}
