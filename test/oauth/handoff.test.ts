/**
 * Hand-off codes against the real memory store and a real sealer, with the
 * store's clock in the test's hands: issue, redeem once, for the site it was
 * issued to, within 60 seconds.
 */
import t from 'tap'
import type { Tokens } from '../../src/cognito/types.js'
import { createHandoffs, HANDOFF_SECONDS, type HandoffSite } from '../../src/oauth/handoff.js'
import { createSealer } from '../../src/session/seal.js'
import { createMemoryStore } from '../../src/store/memory-store.js'
import type { SharedStore } from '../../src/store/store.js'

const CMS: HandoffSite = { origin: 'https://cms.example.com', secret: 'c'.repeat(40) }
const SHOP: HandoffSite = { origin: 'https://shop.example.com:8443', secret: 's'.repeat(39) + 'S' }
const TOKENS: Tokens = { accessToken: 'access.token.value', idToken: 'id.token.value', refreshToken: 'refresh-token-value' }

/** A memory store whose clock the test moves, and what was written to it. */
function setup () {
  let now = 1_700_000_000_000
  const memory = createMemoryStore({ now: () => now })
  const written: Array<{ key: string, value: string }> = []
  const store: SharedStore = {
    ...memory,
    async putOnce (key, value, ttlMs) {
      written.push({ key, value })
      return await memory.putOnce(key, value, ttlMs)
    }
  }
  const sealer = createSealer(['k'.repeat(32)])
  return {
    handoffs: createHandoffs([CMS, SHOP], store, sealer),
    store,
    sealer,
    written,
    advance: (ms: number) => { now += ms }
  }
}

t.test('issue, then redeem once by the same site: the tokens', async t => {
  const { handoffs } = setup()
  const code = await handoffs.issue(CMS, TOKENS)
  t.match(code, /^[A-Za-z0-9_-]{43}$/, '32 random bytes, URL-safe')
  t.same(await handoffs.redeem(code, CMS), TOKENS)
})

t.test('a replayed code gets nothing: the first redemption spent it', async t => {
  const { handoffs } = setup()
  const code = await handoffs.issue(CMS, TOKENS)
  t.same(await handoffs.redeem(code, CMS), TOKENS)
  t.equal(await handoffs.redeem(code, CMS), undefined, 'second redemption')
  t.equal(await handoffs.redeem(code, CMS), undefined, 'third redemption')
})

t.test('concurrent redemptions: exactly one gets the tokens', async t => {
  const { handoffs } = setup()
  const code = await handoffs.issue(CMS, TOKENS)
  const results = await Promise.all(Array.from({ length: 10 }, async () => await handoffs.redeem(code, CMS)))
  t.equal(results.length, 10)
  t.equal(results.filter(r => r !== undefined).length, 1)
})

t.test('another site gets nothing, and the code is burnt for its own site too', async t => {
  const { handoffs } = setup()
  const code = await handoffs.issue(CMS, TOKENS)
  t.equal(await handoffs.redeem(code, SHOP), undefined, 'the wrong site')
  t.equal(await handoffs.redeem(code, CMS), undefined, 'the right site, afterwards')
})

t.test('expiry: redeemable just before 60 s, gone after', async t => {
  t.equal(HANDOFF_SECONDS, 60)
  const { handoffs, advance } = setup()
  const early = await handoffs.issue(CMS, TOKENS)
  const late = await handoffs.issue(CMS, TOKENS)
  advance(HANDOFF_SECONDS * 1000 - 1)
  t.same(await handoffs.redeem(early, CMS), TOKENS, 'at 59.999 s')
  advance(2)
  t.equal(await handoffs.redeem(late, CMS), undefined, 'at 60.001 s')
})

t.test('codes that were never issued, or were altered, get nothing and do not burn the real one', async t => {
  const { handoffs } = setup()
  const code = await handoffs.issue(CMS, TOKENS)
  const flipped = code.slice(0, -1) + (code.endsWith('A') ? 'B' : 'A')
  const cases = ['', 'x', flipped, code.slice(1), code + 'A', code.toLowerCase() === code ? code.toUpperCase() : code.toLowerCase(), ` ${code}`]
  t.equal(cases.length, 7)
  for (const wrong of cases) t.equal(await handoffs.redeem(wrong, CMS), undefined, JSON.stringify(wrong))
  t.same(await handoffs.redeem(code, CMS), TOKENS, 'the issued code still works')
})

t.test('two codes are never alike, and each redeems its own tokens', async t => {
  const { handoffs } = setup()
  const other: Tokens = { accessToken: 'other.access', idToken: 'other.id' }
  const [a, b] = [await handoffs.issue(CMS, TOKENS), await handoffs.issue(SHOP, other)]
  t.not(a, b)
  t.same(await handoffs.redeem(b, SHOP), other)
  t.same(await handoffs.redeem(a, CMS), TOKENS)
})

t.test('the store holds neither the code nor the tokens in clear (a store dump yields nothing to redeem)', async t => {
  const { handoffs, written } = setup()
  const code = await handoffs.issue(CMS, TOKENS)
  t.equal(written.length, 1)
  const [{ key, value }] = written as [{ key: string, value: string }]
  t.notOk(key.includes(code), 'the key is not the code')
  for (const secret of [TOKENS.accessToken, TOKENS.idToken, TOKENS.refreshToken!, CMS.origin]) t.notOk(value.includes(secret), secret)
})

t.test('a value sealed with another key, or put there by anyone else, is not redeemed', async t => {
  const { handoffs, store } = setup()
  const code = await handoffs.issue(CMS, TOKENS)
  const elsewhere = createHandoffs([CMS], store, createSealer(['o'.repeat(32)]))
  t.equal(await elsewhere.redeem(code, CMS), undefined, 'another sealing key')
})

t.test('authenticate: the site whose secret it is, nothing for anything close', async t => {
  const { handoffs } = setup()
  t.equal(handoffs.authenticate(CMS.secret), CMS)
  t.equal(handoffs.authenticate(SHOP.secret), SHOP)
  const wrong = ['', CMS.secret.slice(0, -1), CMS.secret + 'c', SHOP.secret.toLowerCase(), ` ${CMS.secret}`, CMS.origin]
  t.equal(wrong.length, 6)
  for (const secret of wrong) t.equal(handoffs.authenticate(secret), undefined, JSON.stringify(secret))
})

t.test('siteFor: a hand-off site by exact origin only', async t => {
  const { handoffs } = setup()
  const cases: Array<[string, HandoffSite | undefined]> = [
    ['https://cms.example.com/after-login?x=1', CMS],
    ['https://cms.example.com:443/', CMS], // the default port is the same origin
    ['https://shop.example.com:8443/cart', SHOP],
    ['https://shop.example.com/cart', undefined], // another port
    ['http://cms.example.com/', undefined], // another scheme
    ['https://cms.example.com.evil.test/', undefined],
    ['https://evil.test/https://cms.example.com', undefined],
    ['https://app.example.com/', undefined]
  ]
  for (const [location, site] of cases) t.equal(handoffs.siteFor(location), site, location)
})
