import neostandard from 'neostandard'

export default [
  ...neostandard({
    ts: true,
    ignores: ['node_modules', '.local', '.tap', 'coverage', 'openapi', 'scratch', 'dist', 'infra/cdk.out', 'packages/client/src/schema.d.ts']
  }),
  {
    // The '@stylistic' plugin is registered by neostandard's style config
    rules: {
      '@stylistic/max-len': ['error', { code: 150, ignoreUrls: true, ignoreRegExpLiterals: true }]
    }
  }
]
