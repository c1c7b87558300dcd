/**
 * GetUserAttributeVerificationCode as Cognito answers it. cognito-local sends
 * the code to whichever auto-verified attribute it finds, whatever attribute
 * was named, and answers `{}`; Cognito sends it for the attribute named (an
 * e-mail address or phone number the user has, the pending new value first),
 * refuses other names with InvalidParameterException, and says where the code
 * went in CodeDeliveryDetails.
 */
import { InvalidParameterError } from 'cognito-local/lib/errors.js'
import { decodeJwt } from './jwt.ts'
import type { LocalGuard } from '../local-layer.ts'
import { poolOf, userOf } from './lookup.ts'

interface Request { AccessToken?: unknown, AttributeName?: unknown }

const MEDIUM: Record<string, 'EMAIL' | 'SMS'> = { email: 'EMAIL', phone_number: 'SMS' }

export const attributeVerification: LocalGuard = {
  name: 'attribute verification',
  targets: ['GetUserAttributeVerificationCode'],
  wrap: (_target, next, services) => async (ctx, req: Request) => {
    const name = req.AttributeName
    const medium = typeof name === 'string' ? MEDIUM[name] : undefined
    if (typeof name !== 'string' || medium === undefined) {
      throw new InvalidParameterError(`Invalid attribute name: ${String(name)}. Only email and phone_number can be verified.`)
    }
    const pool = await poolOf(services, ctx, req)
    const user = await userOf(pool, ctx, decodeJwt(req.AccessToken)?.username)
    if (user === undefined) return await next(ctx, req)
    const value = [...(user.UnverifiedAttributeChanges ?? []), ...user.Attributes].find(a => a.Name === name)?.Value
    if (!value) throw new InvalidParameterError(`User has no ${name} to verify.`)
    const out = await next(ctx, req) as Record<string, unknown> | undefined
    return { ...out, CodeDeliveryDetails: { AttributeName: name, DeliveryMedium: medium, Destination: value } }
  }
}
