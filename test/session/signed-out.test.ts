import t from 'tap'
import { createMemoryStore } from '../../src/store/memory-store.js'
import { signedOutEverywhere } from '../../src/session/signed-out.js'

const revoked = async (store: ReturnType<typeof createMemoryStore>, sub: string, issuedAt: number) =>
  await store.isRevoked({ ids: [], sub, issuedAt })

t.test('every token of the user issued up to the sign-out\'s second is refused, another user\'s is not', async t => {
  const now = Date.now()
  const second = Math.floor(now / 1000)
  const store = createMemoryStore()
  t.teardown(() => store.close())
  await signedOutEverywhere(store, 'sub-1', now)
  t.ok(await revoked(store, 'sub-1', second - 3600), 'a token from an hour ago')
  t.ok(await revoked(store, 'sub-1', second), 'a token from this very second (another device signed in just now)')
  t.notOk(await revoked(store, 'sub-1', second + 1), 'a token from the next second on: a new sign-in')
  t.notOk(await revoked(store, 'sub-2', second - 3600), 'another user')
})
