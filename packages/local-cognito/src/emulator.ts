/**
 * The embedded Cognito: cognito-local's own parts composed in this process,
 * with five differences from its `createDefaultServer`:
 *  - the data directory is ours (it hard-codes `./.cognito` under the cwd);
 *  - its data is saved atomically, and user records keep only live refresh
 *    tokens (data-store.ts, data-store-sessions.ts), so logins stay fast;
 *  - messages (codes, temporary passwords) go to our outbox, not a console box;
 *  - the issuer follows the port actually bound, so port 0 works;
 *  - the hosted UI (/oauth2/*, /logout) is our stand-in (hosted-ui.ts), not
 *    cognito-local's own routes.
 * Requests pass through the local layer (local-layer.ts) first, which answers
 * what cognito-local lacks and refuses what AWS refuses.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { Server } from 'node:http'
import type { Logger } from 'pino'
import { createServer } from 'cognito-local/lib/server/server.js'
import { Router } from 'cognito-local/lib/server/Router.js'
import { loadConfig } from 'cognito-local/lib/server/config.js'
import { DateClock } from 'cognito-local/lib/services/clock.js'
import { CognitoServiceFactoryImpl } from 'cognito-local/lib/services/cognitoService.js'
import { CryptoService } from 'cognito-local/lib/services/crypto.js'
import { LambdaService } from 'cognito-local/lib/services/lambda.js'
import { otp } from 'cognito-local/lib/services/otp.js'
import { JwtTokenGenerator } from 'cognito-local/lib/services/tokenGenerator.js'
import { TriggersService, type Triggers } from 'cognito-local/lib/services/triggers/triggers.js'
import { attributesToRecord, UserPoolServiceFactoryImpl } from 'cognito-local/lib/services/userPoolService.js'
import type { Services } from 'cognito-local/lib/services/index.js'
import type { Messages } from 'cognito-local/lib/services/messages.js'
import { prepareRecord } from './data-store-sessions.ts'
import { JsonFileDataStoreFactory } from './data-store.ts'
import { exists } from './files.ts'
import { attachHostedUi, type ExpressApp } from './hosted-ui.ts'
import { localRouter } from './local-layer.ts'
import type { Outbox } from './outbox.ts'
import type { LocalTriggers } from './triggers.ts'
import { userMigration } from './guards/user-migration.ts'

export interface Emulator {
  /** http://127.0.0.1:PORT */
  endpoint: string
  close (): Promise<void>
  /** cognito-local's own router, without the local layer: for tests showing what the emulator alone accepts. */
  raw: Router
  /** The emulator's services (pools, clock, config), for tests. */
  services: Services
}

export interface EmulatorOptions {
  dataDir: string
  port: number
  outbox: Outbox
  logger: Logger
  /** Interface to bind; default 127.0.0.1 (a container's emulator binds 0.0.0.0: standalone-emulator.ts). */
  host?: string
  /** Base of the token issuer (`<issuerDomain>/<poolId>`); default the endpoint, i.e. the address bound. */
  issuerDomain?: string
  /** The pool's Lambda triggers, run in process (triggers.ts); none: Cognito's default messages, no migration. */
  triggers?: LocalTriggers
}

export async function startEmulator (options: EmulatorOptions): Promise<Emulator> {
  const { dataDir, outbox } = options
  await mkdir(join(dataDir, 'db'), { recursive: true })
  // Plain usernames (cognito-local otherwise turns every pool into e-mail-as-username).
  const configFile = join(dataDir, 'config.json')
  if (!await exists(configFile)) {
    await writeFile(configFile, JSON.stringify({ UserPoolDefaults: { UsernameAttributes: [] } }, null, 2))
  }

  const ctx = { logger: options.logger }
  const config = await loadConfig(ctx, new JsonFileDataStoreFactory(dataDir))
  const clock = new DateClock()
  const dataStoreFactory = new JsonFileDataStoreFactory(join(dataDir, 'db'), { prepare: prepareRecord })
  const cognito = await new CognitoServiceFactoryImpl(
    join(dataDir, 'db'), dataStoreFactory, new UserPoolServiceFactoryImpl(clock, dataStoreFactory)
  ).create(ctx, config.UserPoolDefaults)
  // No Lambda triggers in local mode: the Lambda client is never called.
  const emulated = new TriggersService(clock, cognito, new LambdaService({}, {} as never), new CryptoService(config.KMSConfig))
  const local = options.triggers
  // The post-confirmation trigger runs where cognito-local calls it (ConfirmSignUp, AdminConfirmSignUp, ConfirmForgotPassword).
  const triggers: Triggers = local === undefined
    ? emulated
    : {
        customEmailSender: emulated.customEmailSender,
        customMessage: emulated.customMessage,
        postAuthentication: emulated.postAuthentication,
        preSignUp: emulated.preSignUp,
        preTokenGeneration: emulated.preTokenGeneration,
        userMigration: emulated.userMigration,
        enabled: name => name === 'PostConfirmation',
        postConfirmation: async (_ctx, request) => {
          await local.postConfirmation({
            source: request.source,
            userPoolId: request.userPoolId,
            clientId: request.clientId,
            username: request.username,
            userAttributes: attributesToRecord(request.userAttributes),
            clientMetadata: request.clientMetadata
          })
        }
      }
  const messages: Messages = {
    async deliver (_ctx, source, clientId, poolId, user, code, metadata, details) {
      // The custom-message trigger writes the e-mail, as Cognito calls it before sending; a failure fails the request.
      const rendered = await options.triggers?.customMessage({
        source,
        userPoolId: poolId,
        clientId,
        username: user.Username,
        userAttributes: { ...attributesToRecord(user.Attributes), 'cognito:user_status': user.UserStatus },
        clientMetadata: metadata,
        code
      })
      outbox.add({
        kind: source, username: user.Username, destination: details.Destination, medium: details.DeliveryMedium, code, ...rendered
      })
    }
  }
  const services: Services = {
    clock,
    cognito,
    config,
    messages,
    otp,
    tokenGenerator: new JwtTokenGenerator(clock, triggers, config.TokenConfig),
    triggers
  }
  const raw = Router(services)
  const migrate = options.triggers?.userMigration
  const routes = localRouter(services, raw, migrate === undefined ? [] : [userMigration(migrate)])
  // Without `services`, createServer leaves out cognito-local's own /oauth2 routes: ours replace them.
  const listen = { ...config.ServerConfig, hostname: options.host ?? '127.0.0.1', port: options.port }
  const emulator = createServer(routes, options.logger as never, listen)
  attachHostedUi(emulator.application as ExpressApp, services, { router: routes, logger: options.logger })
  const server: Server = await emulator.start() as Server

  const { port } = server.address() as AddressInfo
  const endpoint = `http://127.0.0.1:${port}`
  // The token generator reads the issuer from this object at signing time.
  config.TokenConfig.IssuerDomain = options.issuerDomain ?? endpoint

  return {
    endpoint,
    raw,
    services,
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections()
      server.close(err => err ? reject(err) : resolve())
    })
  }
}
