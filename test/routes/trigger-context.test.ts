import t from 'tap'
import { firstLocale } from '../../src/routes/trigger-context.js'

t.test('the locale is the first Accept-Language tag, when it is a plain language tag', async t => {
  const cases: Array<[string | undefined, string | undefined]> = [
    ['fr', 'fr'],
    ['pt-BR,pt;q=0.9,en;q=0.5', 'pt-BR'],
    ['zh-Hant-TW;q=1', 'zh-Hant-TW'],
    [' de-CH , de', 'de-CH'],
    ['*', undefined],
    ['', undefined],
    [undefined, undefined],
    ['"><script>alert(1)</script>', undefined],
    ['en\\r\\nX-Injected: 1', undefined],
    ['en-' + 'a'.repeat(40), undefined],
    ['x'.repeat(2000), undefined],
    ['e', undefined],
    ['en_US', undefined]
  ]
  for (const [header, expected] of cases) t.equal(firstLocale(header), expected, JSON.stringify(header))
})
