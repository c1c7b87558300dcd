/** The environment variables of the reference's "Hosted UI and social login" group (see ../environment.ts). */
import { Type } from '@sinclair/typebox'

export const HANDOFF_SITES_PATTERN = '^([^=,\\s]+=[^,\\s]{32,}(,[^=,\\s]+=[^,\\s]{32,})*)?$'

export const hostedUi = {
  title: 'Hosted UI and social login',
  about: 'Managed login and identity providers through `/oauth/*`.',
  variables: {
    COGNITO_DOMAIN: Type.Optional(Type.String({
      format: 'uri',
      defaultText: 'unset: no `/oauth/*` (local mode: the emulator\'s stand-in)',
      description: 'Hosted UI (managed login) base URL, `https://PREFIX.auth.REGION.amazoncognito.com` or your custom domain: its origin only, ' +
        'https (plain http only for an emulator on localhost). Set it to turn on `/oauth/*`. Leave it unset in local mode.'
    })),
    REDIRECT_ALLOWLIST: Type.String({
      default: '',
      defaultText: 'empty (local mode adds its own origin)',
      description: 'Where `/oauth/*` may send users back to: comma-separated origins, each optionally with a path prefix ' +
        '(`https://app.example.com,https://cms.example.com:8443/account/`). A relative redirect (`/dashboard`) resolves against the first entry. ' +
        'Required with `COGNITO_DOMAIN`.'
    }),
    OAUTH_PROVIDERS: Type.String({
      default: 'COGNITO',
      pattern: '^[^\\s,]{1,32}(,[^\\s,]{1,32})*$',
      description: 'Identity providers `/oauth/login?provider=` may name, comma-separated, as the app client lists them: `COGNITO` (the pool\'s ' +
        'own users), `Google`, `Facebook`, `LoginWithAmazon`, `SignInWithApple`, or an OIDC/SAML provider\'s name.'
    }),
    OAUTH_SCOPES: Type.String({
      default: 'openid email profile aws.cognito.signin.user.admin',
      pattern: '^[\\w.:/+-]+( [\\w.:/+-]+)*$',
      description: 'Space-separated scopes asked for at the hosted UI; `openid` is required (the callback checks the ID token and its nonce), ' +
        '`aws.cognito.signin.user.admin` lets hosted-UI and social users call `/me`. Each must be allowed on the app client.'
    }),
    OAUTH_EXTERNAL_STATE: Type.Boolean({
      default: false,
      description: 'Accept a hosted-UI callback whose state a CMS built itself (`<nonce>_<redirect>`, no login cookie of this service): the ' +
        'redirect is still checked and must be a hand-off site (`HANDOFF_SITES`; such a callback never sets session cookies, anything else ' +
        'is refused), and the nonce is handed back as `?bff_state=` for the CMS to check against its own cookie.'
    }),
    HANDOFF_SITES: Type.String({
      default: '',
      pattern: HANDOFF_SITES_PATTERN,
      secret: true,
      description: 'Sites that cannot read this service\'s cookies (a CMS on another domain), comma-separated `origin=secret` pairs (secret 32+ ' +
        'characters, origin on `REDIRECT_ALLOWLIST`). A hosted-UI sign-in returning there gets `?handoff=<code>` instead of cookies, which its ' +
        'back end redeems once, within 60 s, at `POST /oauth/handoff` with `Authorization: Bearer <secret>`. See "Hand-off" in docs/hosted-ui.md.'
    })
  }
}
