/** Text made safe to put in an HTML page. */
export function escapeHtml (text: string): string {
  return text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`)
}

/** Inline `code` spans of catalog text (`X-Y`), as HTML. */
export function withCode (text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>')
}
