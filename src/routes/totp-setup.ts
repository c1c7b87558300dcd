/**
 * What an authenticator app needs to enrol: the secret Cognito generated, as
 * an otpauth:// URI (Key Uri Format: label "<issuer>:<account>", the issuer
 * again as a parameter) and as a QR code of that URI (an SVG data URI).
 */
import QRCode from 'qrcode'
import type { TotpSetup } from '../schemas/mfa.js'

export function otpauthUri (issuer: string, account: string, secret: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`
  return `otpauth://totp/${label}?secret=${encodeURIComponent(secret)}&issuer=${encodeURIComponent(issuer)}`
}

export async function totpSetup (issuer: string, account: string, secret: string): Promise<TotpSetup> {
  const uri = otpauthUri(issuer, account, secret)
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
  return { secret, otpauthUri: uri, qrCode: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` }
}
